"""View-models → page bytes with Jinja2 (autoescape on, StrictUndefined). Writes nothing.

Untrusted text reaches the HTML only through autoescaping or through `redline`/`inline`, which
escape it themselves; templates never mark draft text safe.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemBytecodeCache, pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from . import jinja, urls
from .model import DiffOp
from .pages import Page
from .redline import NO_LINKS, Links, has_changes, inline, redline
from .views import Site

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
ASSETS = ("site.css", "site.js")
_NOT_CLASS = re.compile(r"[^a-z0-9-]+")


@cache
def environment(folder: str = str(TEMPLATES)) -> Environment:
    env = jinja.environment(folder, keep_trailing_newline=True)
    env.filters.update(
        redline=_redline,
        inline=_inline,
        pct=lambda value: f"{round(float(value) * 100)}%",
        score=lambda value: f"{float(value):.2f}",
        cls=css_class,
    )
    env.globals.update(has_changes=has_changes, fragment=_fragment)
    return env


@dataclass(frozen=True)
class Fragments:
    """Where the sections of the whole-draft pages (draft text, redline) are kept once rendered, so an
    edit re-renders the sections it touched, not the whole draft. `salt` covers what else decides
    their bytes (code, templates, site); a key adds the page and the section's view."""

    get: Callable[[str], bytes | None]
    put: Callable[[str, bytes], None]
    salt: str
    known: Mapping[tuple[str, int], str] = field(default_factory=dict)  # (page, id(view)) → key, made already


_FRAGMENTS: Fragments | None = None


def use_fragments(store: Fragments | None) -> None:
    global _FRAGMENTS
    _FRAGMENTS = store


def fragment_key(salt: str, path: str, view: object) -> str:
    return hashlib.sha256(f"{salt}\0{path}\0{view!r}".encode()).hexdigest()


@pass_context
def _fragment(context: Context, view: object, caller: Callable[[], Markup]) -> Markup:
    """`{% call fragment(view) %}…{% endcall %}`: the block as rendered before for this page and view,
    else rendered now (and kept)."""
    store = _FRAGMENTS
    if store is None:
        return caller()
    path = context["path"]
    key = store.known.get((path, id(view))) or fragment_key(store.salt, path, view)
    found = store.get(key)
    if found is not None:
        return Markup(found.decode("utf-8"))  # our own rendered HTML, escaped when it was rendered
    html = caller()
    store.put(key, str(html).encode("utf-8"))
    return html


def use_bytecode_cache(folder: Path) -> None:
    """Keep compiled templates in `folder`, so a rebuild does not compile them again (~50 ms)."""
    folder.mkdir(parents=True, exist_ok=True)
    environment().bytecode_cache = FileSystemBytecodeCache(str(folder))


def css_class(value: str) -> str:
    """A class name from data (box kinds, statuses): lower-case letters, digits and hyphens only."""
    return _NOT_CLASS.sub("-", str(value).lower()).strip("-") or "x"


def _redline(ops: Iterable[DiffOp], side: str = "both", links: Links = NO_LINKS) -> Markup:
    return redline(tuple(ops), side, links)


def _inline(text: str, links: Links = NO_LINKS) -> Markup:
    return inline(text, links)


def template_digest(folder: Path = TEMPLATES) -> str:
    """A hash of every template and asset: a changed template re-renders every page."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def render_page(page: Page, site: Site) -> bytes:
    def u(target: str) -> str:
        return urls.relative(target, page.path)

    template = environment().get_template(page.template)
    html = template.render(page=page.view, title=page.title, site=site, u=u, path=page.path)
    return html.encode("utf-8")


def render(pages: Iterable[Page], site: Site) -> dict[str, bytes]:
    """{site path: bytes} for the pages and the static assets."""
    out = {page.path: render_page(page, site) for page in pages}
    out.update(assets())
    return out


def assets(folder: Path = TEMPLATES) -> dict[str, bytes]:
    return {urls.asset(name): (folder / "assets" / name).read_bytes() for name in ASSETS}


def files(pages: Mapping[str, bytes]) -> list[str]:
    return sorted(pages)
