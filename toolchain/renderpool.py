"""Render pages in parallel: the pages are dealt out to this process and forked children (forkpool.py),
when there are enough of them to pay for a fork.

Templates are compiled before the fork, so children inherit them; only bytes come back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .forkpool import can_fork, fork_map
from .pages import Page
from .render import environment, render_page
from .views import Site

MIN_PARALLEL = 16  # below this many pages, a fork costs more than it saves (an edit renders a handful)

Bar = Callable[[int], Any]


def render_pages(pages: Sequence[Page], site: Site, jobs: int, bar: Bar | None = None) -> list[bytes]:
    if not pages:
        return []
    for name in sorted({page.template for page in pages}):
        environment().get_template(name)  # compiled once, before forking: children inherit them
    parts = min(jobs, len(pages)) if len(pages) >= MIN_PARALLEL and can_fork() else 1
    dealt = [range(k, len(pages), parts) for k in range(parts)]  # every parts-th page: big ones spread
    with _progress(bar, len(pages)) as advance:

        def work(part: int) -> list[bytes]:
            out = []
            for index in dealt[part]:
                out.append(render_page(pages[index], site))
                if part == 0:  # this process: the bar moves as it goes
                    advance(1)
            return out

        done = fork_map(work, parts, jobs)
        advance(len(pages) - len(dealt[0]))
    found: list[bytes] = [b""] * len(pages)
    for indices, part in zip(dealt, done, strict=True):
        for index, data in zip(indices, part, strict=True):
            found[index] = data
    return found


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
