"""DiffOps → escaped `<ins>`/`<del>` HTML fragments, shared by the site and the PDF builder.

The diff emits semantic markers only: `<del>`/`<ins>` with a visually hidden "deleted"/"inserted"
label for screen readers and `c-…` classes from classify.py. How they look (underline, strike,
colour) is the stylesheet's business, so print and PDF can restyle them.

Each op's text is inline Markdown rendered with markdown-it's `renderInline`. worddiff keeps inline
markup tokens whole, so every run is complete markup. Raw HTML in drafts is never passed through
(`html: False` escapes it), and a link survives only when its href is http(s), mailto, a fragment or a
relative path; anything else (`javascript:`, `data:`, `//host`) stays inert literal text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml as escape
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from markupsafe import Markup

from .model import DiffOp

LABELS = {"insert": ("ins", "inserted"), "delete": ("del", "deleted")}
_SAFE_SCHEME = re.compile(r"(?i)^(?:https?:|mailto:)")
_ANY_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
# Text without these characters renders as itself, escaped: the fast path skips markdown-it.
_MARKDOWN_CHARS = re.compile(r"[\\`*_\[\]<>&!~\n]|https?:")
_CLASS = re.compile(r"[^a-z0-9-]+")
_SEPARATOR = " | "  # how blocks.py joins a row's cells into its text
_ESCAPED_BR = re.compile(r"&lt;br\s*/?&gt;", re.IGNORECASE)


def safe_href(href: str) -> bool:
    """http(s), mailto, a fragment or a relative path; never a script, data or protocol-relative URL."""
    href = href.strip()
    if href.startswith("//") or "\\" in href:
        return False
    if _SAFE_SCHEME.match(href):
        return True
    return not _ANY_SCHEME.match(href)


@dataclass(frozen=True, slots=True)
class Links:
    """How in-document links resolve on one page.

    `anchors` maps a section anchor of the draft being shown to the href that reaches it from this
    page (`#measure-1-2` on a draft page, `../measure-1-2/…` elsewhere); a `#fragment` link that
    names no known anchor is made inert. `refs` maps cross-reference text ("Measure 1.2") to
    (number, href) pairs, linked inside the text of the paragraph they occur in.
    """

    anchors: Mapping[str, str] = field(default_factory=dict)
    refs: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    key: str = ""  # identifies this mapping in the render cache; "" = no mapping


NO_LINKS = Links()


@cache
def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "xhtmlOut": False}).enable("strikethrough")
    md.validateLink = safe_href  # type: ignore[method-assign,assignment]
    rules: dict[str, Any] = md.renderer.rules  # type: ignore[attr-defined]
    rules.update(image=_image, link_open=_link_open, link_close=_link_close, text=_text)
    return md


def _image(tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    # No external requests from the site: an image becomes a link to it, labelled with its alt text.
    token = tokens[idx]
    alt = escape(token.content or "image")
    return f'<a class="img-link" href="{escape(str(token.attrGet("src") or ""))}">[image: {alt}]</a>'


def _link_open(tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    token = tokens[idx]
    href = str(token.attrGet("href") or "")
    links: Links = env.get("links", NO_LINKS)
    if href.startswith("#"):
        target = links.anchors.get(href[1:])
        if target is None:
            env["inert"] = env.get("inert", 0) + 1
            return '<span class="inert-link">'
        href = target
    env["in_link"] = env.get("in_link", 0) + 1
    title = token.attrGet("title")
    extra = f' title="{escape(str(title))}"' if title else ""
    return f'<a href="{escape(href)}"{extra}>'


def _link_close(tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    if env.get("inert"):
        env["inert"] -= 1
        return "</span>"
    env["in_link"] = max(0, env.get("in_link", 0) - 1)
    return "</a>"


def _text(tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    content = tokens[idx].content
    links: Links = env.get("links", NO_LINKS)
    if links.refs and not env.get("in_link"):
        return link_refs(content, links.refs)
    return escape(content)


def link_refs(text: str, refs: Sequence[tuple[str, Sequence[tuple[str, str]]]]) -> str:
    """Escaped `text` with each known number inside each reference phrase linked to its target."""
    spans: list[tuple[int, int, str]] = []
    for phrase, numbers in refs:
        bounded = re.compile(rf"(?<![\w.]){re.escape(phrase)}(?![\w]|\.\w)")
        for occurrence in bounded.finditer(text):
            for number, href in numbers:
                for found in re.finditer(rf"(?<![\w.]){re.escape(number)}(?![\w]|\.\w)", phrase):
                    start = occurrence.start() + found.start()
                    spans.append((start, start + len(number), href))
    out, at = [], 0
    for begin, end, href in sorted(set(spans)):
        if begin < at:
            continue  # overlapping phrases: the first one wins
        out += [escape(text[at:begin]), f'<a class="xref" href="{escape(href)}">']
        out += [escape(text[begin:end]), "</a>"]
        at = end
    return "".join(out) + escape(text[at:])


def inline(text: str, links: Links = NO_LINKS) -> Markup:
    """One run of inline Markdown as safe HTML."""
    if not _MARKDOWN_CHARS.search(text) and not links.refs:
        return Markup(escape(text))
    return _inline_cached(text, links.key, links) if links.key or links is NO_LINKS else _render(text, links)


_CACHE: dict[tuple[str, str], Markup] = {}


def _inline_cached(text: str, key: str, links: Links) -> Markup:
    # The same paragraph shows on the draft page, the concept page and several redlines: render it once.
    # Links hold dicts (unhashable), so the cache is keyed by `key`, which names the mapping.
    found = _CACHE.get((text, key))
    if found is None:
        if len(_CACHE) > 200_000:
            _CACHE.clear()
        found = _CACHE[(text, key)] = _render(text, links)
    return found


def _render(text: str, links: Links) -> Markup:
    env: dict[str, Any] = {"links": links}
    md = _markdown()
    html = md.renderer.render(md.parseInline(text, env), md.options, env)
    # The one raw tag drafts need: a line break (hard breaks are stored as <br>; glossaries use it).
    return Markup(_ESCAPED_BR.sub("<br>", html))


def _classes(op: DiffOp) -> str:
    names = [_CLASS.sub("-", c.lower()).strip("-") for c in op.classes]
    return " ".join(f"c-{n}" for n in names if n)


def mark(op: DiffOp, body: Markup) -> Markup:
    """Wrap one change run: `<del class="c-normative"><span class="vh">[deleted: </span>…`."""
    tag, label = LABELS[op.op]
    classes = _classes(op)
    attr = f' class="{classes}"' if classes else ""
    hidden = f"[{label}{_hint(op)}: "
    return Markup(f'<{tag}{attr}><span class="vh">{hidden}</span>{body}<span class="vh">]</span></{tag}>')


def _hint(op: DiffOp) -> str:
    return ", normative" if any(c.startswith("normative") for c in op.classes) else ""


def redline(ops: Sequence[DiffOp], side: str = "both", links: Links = NO_LINKS) -> Markup:
    """The ops as one fragment: `side` "both" (inline redline), "old" (equal + deleted runs) or "new"."""
    keep = {"both": ("insert", "delete"), "old": ("delete",), "new": ("insert",)}[side]
    parts: list[str] = []
    for op in ops:
        if op.op == "equal":
            parts.append(inline(op.old_text if side == "old" and op.old_text is not None else op.text, links))
        elif op.op in keep:
            parts.append(mark(op, inline(op.text, links)))
    return Markup("".join(parts))


def has_changes(ops: Sequence[DiffOp]) -> bool:
    return any(op.op != "equal" for op in ops)


Renderer = Callable[[Sequence[DiffOp], str, Links], Markup]

__all__ = ["NO_LINKS", "Links", "has_changes", "inline", "link_refs", "mark", "redline", "safe_href"]


# --- table rows --------------------------------------------------------------------------------


def split_cells(
    ops: Sequence[DiffOp], cells: Sequence[str], new_side: bool
) -> tuple[tuple[DiffOp, ...], ...]:
    """A row's word diff cut into one run per cell of the side the row is shown from.

    The row's text is its cells joined by " | ", so the cell boundaries are known offsets into that
    side's text. Runs of the other side (deleted words in a shown new row) go to the cell whose
    text starts at or before them, so words deleted right after a separator stay in the next cell.
    When the ops do not rebuild the joined cells (never expected), the row stays one cell.
    """
    mine = ("equal", "insert") if new_side else ("equal", "delete")
    text = "".join(_side_text(op, new_side) for op in ops if op.op in mine)
    if len(cells) < 2 or text != _SEPARATOR.join(cells):
        return (tuple(ops),)
    bounds, at = [], 0
    for cell in cells:
        bounds.append((at, at + len(cell)))
        at += len(cell) + len(_SEPARATOR)
    out: list[list[DiffOp]] = [[] for _ in cells]
    pos = 0
    for op in ops:
        if op.op not in mine:  # the other side's words go to the cell whose text starts at or before here
            out[max(k for k, (start, _) in enumerate(bounds) if start <= pos)].append(op)
            continue
        piece = _side_text(op, new_side)
        for k, (start, end) in enumerate(bounds):
            lo, hi = max(start, pos), min(end, pos + len(piece))
            if lo < hi:
                out[k].append(_cut(op, piece[lo - pos : hi - pos], new_side))
        pos += len(piece)
    return tuple(tuple(cell) for cell in out)


def _side_text(op: DiffOp, new_side: bool) -> str:
    if op.op == "equal" and not new_side and op.old_text is not None:
        return op.old_text
    return op.text


def _cut(op: DiffOp, text: str, new_side: bool) -> DiffOp:
    if op.op == "equal":
        return DiffOp("equal", text, op.classes, None if new_side else text)
    return DiffOp(op.op, text, op.classes)
