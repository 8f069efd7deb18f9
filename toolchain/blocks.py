"""A section body (a run of Markdown lines) → a tuple of `Block`s with exact source slices."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin

from .model import Block, Location


@cache
def markdown() -> MarkdownIt:
    """CommonMark + GFM tables + `::: kind` boxes, built once."""
    md = MarkdownIt("commonmark", {"html": True}).enable("table").enable("strikethrough")
    container_plugin(md, name="box", validate=lambda params, *_: bool(params.strip()))
    # Blocks keep their inline Markdown as text (`Token.content`); nothing here reads inline tokens,
    # and not parsing them halves the time.
    return md.disable(["inline", "text_join"])


HARD_BREAK = re.compile(r"(?:\\|  +)\n")


def fold(text: str) -> str:
    """Whitespace-folded text: reflowed paragraphs compare equal."""
    return " ".join(text.split())


def inline_text(content: str) -> str:
    """A paragraph's inline Markdown, folded; a hard line break (`\\` or two spaces at a line end) is kept as <br>."""
    if "\\\n" in content or "  \n" in content:
        content = HARD_BREAK.sub(" <br> ", content)
    return fold(content)


def parse_blocks(lines: Sequence[str], first_line: int, path: str) -> tuple[Block, ...]:
    """Blocks of `lines` (each ending in a newline but possibly the last); `first_line` is 1-based.

    Top-level blocks partition the lines from the first block on: each block's source runs to the
    next block's first line, so trailing blank lines belong to the block before them.
    """
    text = "".join(lines)
    tokens = markdown().parse(text)
    blocks = _Builder(lines, first_line, path).blocks(tokens, 0, len(tokens), 0, len(lines), top=True)
    if not blocks and text.strip():
        # Only lines Markdown renders as nothing (e.g. link definitions): keep them, losslessly.
        location = Location(path, first_line, first_line + len(lines) - 1)
        return (Block("html", location, text, text=fold(text)),)
    return blocks


def moved(block: Block, offset: int, path: str) -> Block:
    """The block as found `offset` lines further down, in file `path`."""
    where = block.location
    return Block(
        block.kind,
        Location(path, where.line + offset, where.end_line + offset),
        block.source,
        block.text,
        tuple(moved(child, offset, path) for child in block.children) if block.children else (),
        block.name,
        block.cells,
    )


CLOSE_BOX = re.compile(r"^ {0,3}:{3,}\s*$")
LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
MARKUP = re.compile(r"<[^>]+>|[*_`~]+|\\$")


def plain(text: str) -> str:
    """Inline Markdown → the words a reader sees: link text without URLs, no markup."""
    return fold(MARKUP.sub(" ", LINK.sub(r"\1", text)))


MARKED = re.compile(r"[<*_`~\\\[]")  # a character that LINK or MARKUP needs


def plain_words(text: str) -> int:
    return len((plain(text) if MARKED.search(text) else text).split())


class _Builder:
    def __init__(self, lines: Sequence[str], first_line: int, path: str) -> None:
        self.lines = lines
        self.first = first_line
        self.path = path

    def blocks(
        self, tokens: list[Token], i: int, stop: int, lo: int, hi: int, top: bool = False
    ) -> tuple[Block, ...]:
        """Blocks of tokens[i:stop], whose lines lie in [lo, hi) of the chunk.

        At the top level the first block's source starts at `lo`, so no line is ever dropped.
        """
        spans = list(_siblings(tokens, i, stop))
        result = []
        for n, (start, end) in enumerate(spans):
            token = tokens[start]
            first = lo if top and n == 0 else (token.map[0] if token.map else lo)
            last = spans[n + 1][0] if n + 1 < len(spans) else None
            upto = _line_of(tokens[last]) if last is not None else hi
            result.append(self.block(tokens, start, end, first, upto))
        return tuple(result)

    def block(self, tokens: list[Token], start: int, end: int, lo: int, hi: int) -> Block:
        token = tokens[start]
        line, content_end = token.map if token.map else (lo, hi)
        if token.type == "container_box_open" and content_end < len(self.lines):
            # markdown-it maps a box to [open line, close line]; count the close line in.
            content_end += bool(CLOSE_BOX.match(self.lines[content_end]))
        location = Location(self.path, self.first + line, self.first + max(line, min(content_end, hi) - 1))
        source = "".join(self.lines[lo:hi])
        kind = token.type.removesuffix("_open")
        inner = (start + 1, end)
        if kind == "paragraph" or kind == "heading":
            return Block("paragraph", location, source, text=inline_text(tokens[start + 1].content))
        if kind in ("bullet_list", "ordered_list"):
            items = self.blocks(tokens, *inner, lo, hi)
            return Block("list", location, source, children=items, name=token.markup)
        if kind == "list_item":
            return self.item(tokens, start, end, location, source, lo, hi)
        if kind == "container_box":
            children = self.blocks(tokens, *inner, lo + 1, hi)
            return Block("box", location, source, children=children, name=token.info.split()[0])
        if kind == "table":
            return Block("table", location, source, children=self.rows(tokens, start, end))
        if kind == "blockquote":
            return Block("quote", location, source, children=self.blocks(tokens, *inner, lo, hi))
        if kind in ("fence", "code_block"):
            return Block("code", location, source, text=token.content.rstrip("\n"), name=token.info)
        if kind == "hr":
            return Block("rule", location, source)
        return Block("html", location, source, text=token.content.strip())

    def item(self, tokens: list[Token], start: int, end: int, location: Location, source: str,
             lo: int, hi: int) -> Block:  # fmt: skip
        children = self.blocks(tokens, start + 1, end, lo, hi)
        own = [c.text for c in children if c.kind == "paragraph"]
        rest = tuple(c for c in children if c.kind != "paragraph")
        return Block("item", location, source, text=" ".join(own), children=rest, name=tokens[start].info)

    def rows(self, tokens: list[Token], start: int, end: int) -> tuple[Block, ...]:
        rows = []
        header = False
        for k in range(start, end):
            token = tokens[k]
            if token.type == "thead_open":
                header = True
            elif token.type == "tbody_open":
                header = False
            elif token.type == "tr_open" and token.map:
                cells = tuple(fold(t.content) for t in tokens[k:end] if t.type == "inline")
                cells = cells[: _cell_count(tokens, k, end)]
                lo, hi = token.map
                loc = Location(self.path, self.first + lo, self.first + hi - 1)
                rows.append(
                    Block(
                        "row",
                        loc,
                        "".join(self.lines[lo:hi]),
                        text=" | ".join(cells),
                        name="header" if header else "",
                        cells=cells,
                    )
                )
        return tuple(rows)


def _cell_count(tokens: list[Token], k: int, end: int) -> int:
    count = 0
    for token in tokens[k + 1 : end]:
        if token.type == "tr_close":
            break
        if token.type in ("th_open", "td_open"):
            count += 1
    return count


def _siblings(tokens: list[Token], i: int, stop: int) -> list[tuple[int, int]]:
    """(open index, close index) of each top-level token in tokens[i:stop]."""
    spans = []
    while i < stop:
        token = tokens[i]
        if token.nesting == 1:
            depth, j = 1, i + 1
            while depth:
                depth += tokens[j].nesting
                j += 1
            spans.append((i, j - 1))
            i = j
        else:
            if token.nesting == 0 and token.type != "inline":
                spans.append((i, i))
            i += 1
    return spans


def _line_of(token: Token) -> int:
    return token.map[0] if token.map else 0
