"""Render pages in parallel: a fork pool over chunks of pages, when there are enough to pay for it.

The pages and the site are left in module globals before the pool forks, so workers inherit them
(and the compiled templates) instead of receiving pickles; only page indices go out and bytes come back.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from .pages import Page
from .render import environment, render_page
from .views import Site

MIN_PARALLEL = 4  # below this, forking workers costs more than it saves
CHUNK = 8  # pages per task, at most

_PAGES: Sequence[Page] = ()
_SITE: Site | None = None

Bar = Callable[[int], Any]


def _render_chunk(indices: list[int]) -> list[bytes]:
    assert _SITE is not None
    return [render_page(_PAGES[i], _SITE) for i in indices]


def render_pages(pages: Sequence[Page], site: Site, jobs: int, bar: Bar | None = None) -> list[bytes]:
    global _PAGES, _SITE
    if not pages:
        return []
    environment()  # compile templates once, before forking
    size = max(
        1, min(CHUNK, len(pages) // (2 * max(jobs, 1)))
    )  # a few pages: one per task, so big ones spread
    chunks = [list(range(i, min(i + size, len(pages)))) for i in range(0, len(pages), size)]
    _PAGES, _SITE = pages, site
    try:
        with _progress(bar, len(pages)) as advance:
            if jobs < 2 or len(pages) < MIN_PARALLEL or "fork" not in multiprocessing.get_all_start_methods():
                return [_one(page, site, advance) for page in pages]
            context = multiprocessing.get_context("fork")
            out: list[bytes] = []
            with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
                for chunk, result in zip(chunks, pool.map(_render_chunk, chunks), strict=True):
                    out.extend(result)
                    advance(len(chunk))
            return out
    finally:
        _PAGES, _SITE = (), None


def _one(page: Page, site: Site, advance: Callable[[int], None]) -> bytes:
    data = render_page(page, site)
    advance(1)
    return data


class _progress:
    """A click progress bar when asked for, else nothing."""

    def __init__(self, bar: Bar | None, total: int) -> None:
        self.bar = bar(total) if bar is not None else None

    def __enter__(self) -> Callable[[int], None]:
        if self.bar is None:
            return lambda n: None
        entered = self.bar.__enter__()
        return lambda n: entered.update(n)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)
