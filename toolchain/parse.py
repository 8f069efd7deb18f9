"""A draft file → an immutable `Draft`: front matter, a section tree, blocks, references.

Sections are cut at ATX heading lines (outside fenced code) before Markdown parsing, so each
section's blocks are parsed on their own and an unclosed box cannot swallow the next heading.
Problems that still leave a usable tree become located diagnostics on the draft; input that
cannot be read at all raises `SourceError`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from pathlib import Path

from . import frontmatter
from .blocks import CLOSE_BOX, moved, parse_blocks, plain_words
from .config import Config
from .diagnostics import Collector
from .errors import SourceError
from .headings import FENCE, Heading, atx_level, parse_heading, slug
from .model import Block, Draft, Location, Reference, Section
from .refs import Grammar, find_references, grammar, number_values


def read_text(path: Path, shown: str, config: Config) -> str:
    """The file's text, or a SourceError for what cannot be a draft (size, bytes, emptiness)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(shown, 0, f"cannot read file: {exc.strerror}", "read.io") from exc
    if len(data) > config.max_bytes:
        raise SourceError(
            shown, 0, f"file is {len(data):,} bytes, over the {config.max_bytes:,}-byte limit; "
            "split the draft or raise max_bytes in the configuration", "read.too-large",
        )  # fmt: skip
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError(
            shown, line, f"not UTF-8: byte 0x{data[exc.start]:02x} at offset {exc.start}; "
            "save the file as UTF-8", "read.encoding",
        ) from exc  # fmt: skip
    if not text.strip():
        raise SourceError(shown, 0, "empty file; a draft needs front matter and headings", "read.empty")
    return text.removeprefix("\ufeff")


def parse_draft(path: str | Path, config: Config | None = None) -> Draft:
    config = config or Config()
    path = Path(path)
    shown = str(path)
    return parse_text(read_text(path, shown, config), shown, config)


def parse_text(text: str, path: str, config: Config | None = None) -> Draft:
    config = config or Config()
    lines = text.replace("\r\n", "\n").replace("\r", "\n").splitlines(keepends=True)
    meta = frontmatter.read(lines, path)
    diags = Collector(path)
    diags.found.extend(meta.diagnostics)
    heads = _heading_lines(lines, meta.end)
    first = heads[0][0] if heads else len(lines)
    start = meta.end
    while start < first and not lines[start].strip():
        start += 1  # blank lines after the front matter (or at the top) belong to it
    preamble = parse_blocks(lines[start:first], start + 1, path) if first > start else ()
    patterns = grammar(config)
    nodes = [_node(lines, heads, n, path, config, patterns, diags) for n in range(len(heads))]
    roots = _tree(nodes, path, diags)
    _assign_anchors(roots)
    index = _index(roots, path, diags)
    context = _Context(lines, path, index, frozenset(kind for kind, _ in index), diags)
    sections = tuple(_freeze(root, context) for root in roots)
    _check_numbering(roots, path, diags)
    return Draft(
        path=path,
        id=meta.id,
        title=meta.title,
        label=meta.label,
        date=meta.date,
        source=meta.source,
        status=meta.status,
        front_matter="".join(lines[:start]),
        preamble=preamble,
        sections=sections,
        digest=hashlib.sha256(text.encode()).hexdigest(),
        diagnostics=tuple(sorted(set(diags.found))),
    )


@dataclass
class _Node:
    """A section while the tree is being built; frozen into a `Section` at the end."""

    heading: Heading
    start: int  # 0-based line index of the heading
    end: int  # exclusive
    body_start: int
    blocks: tuple[Block, ...]
    words: int  # in the section's own body
    refs: tuple[Reference, ...]  # in the section's own body, not yet resolved
    body_digest: str
    children: list[_Node] = field(default_factory=list)
    parent: _Node | None = None
    anchor: str = ""

    @property
    def line(self) -> int:
        return self.start + 1

    @cached_property
    def total_words(self) -> int:
        return self.words + sum(child.total_words for child in self.children)

    def walk(self) -> list[_Node]:
        return [self, *(n for child in self.children for n in child.walk())]


def _heading_lines(lines: Sequence[str], start: int) -> list[tuple[int, int, str]]:
    """(line index, level, text) of every ATX heading outside fenced code."""
    found = []
    fence = ""
    for index in range(start, len(lines)):
        line = lines[index]
        opened = FENCE.match(line)
        if fence:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = ""
            continue
        if opened:
            fence = opened.group(1)
            continue
        heading = atx_level(line)
        if heading:
            found.append((index, *heading))
    return found


def _node(
    lines: Sequence[str], heads: list[tuple[int, int, str]], n: int, path: str, config: Config,
    patterns: Grammar, diags: Collector,
) -> _Node:  # fmt: skip
    index, level, text = heads[n]
    end = heads[n + 1][0] if n + 1 < len(heads) else len(lines)
    body = index + 1
    while body < end and not lines[body].strip():
        body += 1
    heading = parse_heading(level, text, config)
    parsed = _body(tuple(lines[body:end]), patterns)
    blocks = tuple(moved(block, body, path) for block in parsed.blocks)
    if not heading.title and not heading.number:
        diags.error(index + 1, "empty heading; give it a title", "parse.empty-heading")
    if heading.bad_key:
        diags.error(
            index + 1,
            f"invalid section key '{heading.bad_key}'; use lower-case letters, digits and hyphens, e.g. {{#risk-framework}}",
            "parse.invalid-key",
        )
    _check_boxes(blocks, lines, path, diags)
    refs = tuple(_moved_reference(ref, body, path) for ref in parsed.refs)
    return _Node(heading, index, end, body, blocks, parsed.words, refs, parsed.digest)


@dataclass(frozen=True, slots=True)
class _Body:
    """A section's body as parsed at line 1 of no file: what depends on its text alone."""

    blocks: tuple[Block, ...]
    words: int
    refs: tuple[Reference, ...]  # not yet resolved
    digest: str


@lru_cache(maxsize=8192)
def _body(lines: tuple[str, ...], patterns: Grammar) -> _Body:
    """Successive drafts repeat most sections word for word: parse each body once per process, then
    move it to where each draft has it (`moved`)."""
    blocks = parse_blocks(lines, 1, "")
    leaves = [(box, leaf) for block in blocks for box, leaf in block.leaves()]
    refs = (
        ref
        for box, leaf in leaves
        if box != "legal-text"
        for ref in find_references(leaf.text, leaf.location, patterns)
    )
    return _Body(
        blocks,
        sum(plain_words(leaf.text) for _, leaf in leaves),
        tuple(refs),
        _sha([leaf.text for _, leaf in leaves]),
    )


def _moved_reference(ref: Reference, offset: int, path: str) -> Reference:
    where = ref.location
    return Reference(
        ref.text, ref.kind, ref.numbers, Location(path, where.line + offset, where.end_line + offset)
    )


def _check_boxes(blocks: Sequence[Block], lines: Sequence[str], path: str, diags: Collector) -> None:
    for block in blocks:
        if block.kind == "box":
            last = block.location.end_line - 1
            if not CLOSE_BOX.match(lines[last]) or last == block.location.line - 1:
                diags.error(
                    block.location.line,
                    f"box '::: {block.name}' is not closed; add a line ':::' where it ends",
                    "parse.unclosed-box",
                )
        _check_boxes(block.children, lines, path, diags)


def _tree(nodes: list[_Node], path: str, diags: Collector) -> list[_Node]:
    roots: list[_Node] = []
    stack: list[_Node] = []
    for node in nodes:
        while stack and stack[-1].heading.level >= node.heading.level:
            stack.pop()
        above = stack[-1].heading.level if stack else 0
        if node.heading.level > above + 1:
            diags.error(
                node.line,
                f"heading level {node.heading.level} follows level {above}; use {'#' * (above + 1)} or add the missing level",
                "parse.skipped-level",
            )
        if stack:
            node.parent = stack[-1]
            stack[-1].children.append(node)
        else:
            roots.append(node)
        stack.append(node)
    for node in reversed([n for root in roots for n in root.walk()]):  # children before parents
        node.end = max([node.end, *(c.end for c in node.children)])
    return roots


def _base_anchor(node: _Node) -> str:
    heading = node.heading
    if heading.key:
        return heading.key
    if heading.number:
        return slug(f"{heading.kind} {heading.number}")
    return slug(heading.title) or "section"


def _assign_anchors(roots: list[_Node]) -> None:
    """Unique anchors: on a clash the fullest section keeps the plain one, others get their parent's."""
    every = [n for root in roots for n in root.walk()]
    groups: dict[str, list[_Node]] = {}
    for node in every:
        groups.setdefault(_base_anchor(node), []).append(node)
    taken: set[str] = set()
    for base, group in sorted(groups.items(), key=lambda g: (not g[1][0].heading.key, g[0])):
        ranked = sorted(group, key=lambda n: (not n.heading.key, -n.total_words, n.start))
        for rank, node in enumerate(ranked):
            anchor = base
            if rank and node.parent is not None:
                anchor = f"{_base_anchor(node.parent)}--{base}"
            candidate, count = anchor, 1
            while candidate in taken:
                count += 1
                candidate = f"{anchor}-{count}"
            node.anchor = candidate
            taken.add(candidate)


def _index(roots: list[_Node], path: str, diags: Collector) -> dict[tuple[str, str], str]:
    """(kind, number) → anchor of the fullest section with that number; duplicates are reported."""
    index: dict[tuple[str, str], _Node] = {}
    keys: dict[str, _Node] = {}
    for node in (n for root in roots for n in root.walk()):
        heading = node.heading
        if heading.key:
            if heading.key in keys:
                first = keys[heading.key].line
                diags.error(
                    node.line,
                    f"duplicate section key '{heading.key}' (first at line {first}); keys name one section each",
                    "parse.duplicate-key",
                )
            else:
                keys[heading.key] = node
        if not heading.number:
            continue
        name = (heading.kind, heading.number)
        if name in index:
            other = index[name]
            diags.warning(
                node.line,
                f"{heading.kind.title()} {heading.number} is numbered twice (first at line {other.line}, under {_parent_name(other)}; here under {_parent_name(node)})",
                "parse.duplicate-number",
            )
            if node.total_words > other.total_words:
                index[name] = node
        else:
            index[name] = node
    return {name: node.anchor for name, node in index.items()}


def _parent_name(node: _Node) -> str:
    return f"'{node.parent.heading.text}' (line {node.parent.line})" if node.parent else "the top level"


@dataclass(frozen=True)
class _Context:
    lines: Sequence[str]
    path: str
    index: dict[tuple[str, str], str]
    kinds: frozenset[str]  # kinds with a number in this draft
    diags: Collector


def _freeze(node: _Node, context: _Context) -> Section:
    children = tuple(_freeze(child, context) for child in node.children)
    refs = tuple(_resolve(ref, context.index, context.kinds, context.diags) for ref in node.refs)
    body_digest = node.body_digest
    heading = node.heading
    return Section(
        kind=heading.kind,
        name=f"{heading.kind_word} {heading.number}" if heading.number else "",
        number=heading.number,
        title=heading.title,
        key=heading.key,
        level=heading.level,
        anchor=node.anchor,
        heading=heading.text,
        location=Location(context.path, node.line, max(node.line, node.end)),
        heading_source="".join(context.lines[node.start : node.body_start]),
        blocks=node.blocks,
        children=children,
        refs=refs,
        digest=_sha([heading.title, body_digest, *(c.digest for c in children)]),
        body_digest=body_digest,
        words=node.words,
    )


def _sha(parts: Sequence[str]) -> str:
    return hashlib.sha256(json.dumps(list(parts), ensure_ascii=False).encode()).hexdigest()


def _resolve(
    ref: Reference, index: dict[tuple[str, str], str], kinds: frozenset[str], diags: Collector
) -> Reference:
    targets = tuple(index[(ref.kind, n)] for n in ref.numbers if (ref.kind, n) in index)
    missing = [n for n in ref.numbers if (ref.kind, n) not in index]
    if missing and ref.kind in kinds:
        names = ", ".join(missing)
        diags.warning(
            ref.location.line,
            f"reference '{ref.text}': no {ref.kind.title()} {names} in this draft",
            "ref.unresolved",
        )
    return replace(ref, targets=targets)


def _check_numbering(roots: list[_Node], path: str, diags: Collector) -> None:
    """Among siblings of one kind, each number should follow the one before it."""
    for node in [n for root in roots for n in root.walk()] + [_Node(_ROOT, 0, 0, 0, (), 0, (), "", roots)]:
        last: dict[str, Heading] = {}
        for child in node.children:
            heading = child.heading
            if not heading.number:
                continue
            before = last.get(heading.kind)
            last[heading.kind] = heading
            if before and before.number != heading.number and not _follows(before.number, heading.number):
                diags.warning(
                    child.line,
                    f"{heading.kind.title()} {heading.number} follows {before.kind.title()} {before.number}; check the numbering",
                    "parse.sequence",
                )


def _follows(before: str, after: str) -> bool:
    head, _, tail = before.rpartition(".")
    new_head, _, new_tail = after.rpartition(".")
    if head != new_head:
        return True  # a new series (e.g. another parent's numbers): nothing to compare
    return any(b + 1 in number_values(new_tail) for b in number_values(tail))


_ROOT = Heading(0, "", "", "", "", "", "", "")
