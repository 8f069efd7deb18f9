"""Immutable data shared by every stage: parse → align → compare → render → publish.

Nothing here does I/O. Every section and block knows where it came from (`Location`), so any
message about it can say `drafts/x.md:14`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from operator import attrgetter
from typing import Any


@dataclass(frozen=True, slots=True, order=True)
class Location:
    """A 1-based, inclusive line range in one file."""

    path: str
    line: int
    end_line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True, slots=True)
class Block:
    """One unit of a section's body.

    `source` is the exact text of the block's lines, trailing blank lines included, so the
    top-level blocks of a section rebuild its body byte for byte. `text` is the block's own
    inline Markdown (whitespace folded), which is what the word diff compares.

    kinds: paragraph, list, item, table, row, box, code, html, rule.
    Containers (list, table, box) hold `children`; an item holds its nested lists as children.
    """

    kind: str
    location: Location
    source: str
    text: str = ""
    children: tuple[Block, ...] = ()
    name: str = ""  # box kind ("legal-text"), list marker ("1." / "-"), row role ("header")
    cells: tuple[str, ...] = ()  # table rows only

    def leaves(self, box: str = "") -> Iterator[tuple[str, Block]]:
        """Yield (enclosing box kind, block) for every block that carries text, in order."""
        inner = self.name if self.kind == "box" else box
        if self.kind in ("paragraph", "item", "row", "code", "html", "rule"):
            yield box, self
        for child in self.children:
            yield from child.leaves(inner)


@dataclass(frozen=True, slots=True)
class Reference:
    """A cross-reference in prose, e.g. "Measure II.4.1" or "Commitments 2 and 3"."""

    text: str  # as written, e.g. "Measures I.2.2–I.2.6"
    kind: str  # canonical kind word, e.g. "measure"
    numbers: tuple[str, ...]  # each number referred to, ranges expanded where possible
    location: Location
    targets: tuple[str, ...] = ()  # anchors of the sections it resolves to, in this draft


@dataclass(frozen=True, slots=True)
class Section:
    """One heading and everything under it up to the next heading of the same or a higher level."""

    kind: str  # canonical kind word ("commitment", "measure", …) or "" for a plain heading
    name: str  # kind as written and number: "Measure II.4.14", "KPI 2.1.1.1"; "" without a number
    number: str  # as written without trailing punctuation ("II.4.14", "3.5") or ""
    title: str  # heading text without kind, number and key
    key: str  # explicit {#key}, or ""
    level: int  # 1–6
    anchor: str  # unique within the draft: key, else kind-number, else title slug
    heading: str  # the heading's raw text after the #s
    location: Location  # from the heading line to the end of the section, children included
    heading_source: str  # the heading line and blank lines after it
    blocks: tuple[Block, ...]
    children: tuple[Section, ...]
    refs: tuple[Reference, ...]
    digest: str  # sha256 over kind-free content: title, block texts and children digests
    body_digest: str  # sha256 over the block texts alone (ignores title, number, children)
    words: int  # words in this section's own body

    @property
    def label(self) -> str:
        """How a reader names the section: "Measure II.4.14. Post-market monitoring"."""
        if self.name and self.title:
            return f"{self.name}. {self.title}"
        return self.name or self.title

    @property
    def short(self) -> str:
        """ "Measure II.4.14", or the title when there is no number."""
        return self.name or self.title

    def walk(self) -> Iterator[Section]:
        yield self
        for child in self.children:
            yield from child.walk()

    @property
    def text(self) -> str:
        """The body's own text, one block per paragraph (used for similarity and search)."""
        return "\n\n".join(leaf.text for block in self.blocks for _, leaf in block.leaves() if leaf.text)


@dataclass(frozen=True, slots=True)
class Draft:
    path: str
    id: str
    title: str
    label: str
    date: dt.date
    source: str
    status: str
    front_matter: str  # exact source of the front matter, fences included
    preamble: tuple[Block, ...]  # blocks before the first heading
    sections: tuple[Section, ...]  # top level
    digest: str
    diagnostics: tuple[Diagnostic, ...] = field(default=(), compare=False)

    def walk(self) -> Iterator[Section]:
        for section in self.sections:
            yield from section.walk()

    @property
    def words(self) -> int:
        return sum(s.words for s in self.walk())

    def by_anchor(self) -> dict[str, Section]:
        return {s.anchor: s for s in self.walk()}


@dataclass(frozen=True, slots=True, order=True)
class Diagnostic:
    """A located, coded message: `path:line: severity: message [code]`."""

    path: str
    line: int
    severity: str  # "error" | "warning"
    message: str
    code: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.severity}: {self.message} [{self.code}]"


# --- comparison ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DiffOp:
    """One run of a word diff. Joining equal + delete rebuilds the old text; equal + insert the new."""

    op: str  # "equal" | "insert" | "delete"
    text: str
    classes: tuple[str, ...] = ()  # what the change means, for insert/delete runs (see classify.py)
    # Equal runs compare any whitespace as equal and carry the new side's text; when the old side's text
    # of the run differs (in whitespace only) it is kept here, so the old text rebuilds exactly too.
    old_text: str | None = None


@dataclass(frozen=True, slots=True)
class BlockDiff:
    """One leaf block of a section compared with its counterpart (blockdiff.py)."""

    old: Block | None  # None: inserted block
    new: Block | None  # None: deleted block
    box: str  # enclosing box kind of the new side (of the old side for a deleted block), or ""
    ops: tuple[DiffOp, ...]  # one insert op for an added block, one delete op for a removed one
    moved: bool = False  # matched, but out of the order of the other matched blocks
    score: float = 1.0

    @property
    def status(self) -> str:
        """ "inserted", "deleted", "changed" or "equal": how a renderer marks the block."""
        if self.old is None:
            return "inserted"
        if self.new is None:
            return "deleted"
        return "changed" if any(op.op != "equal" for op in self.ops) else "equal"


@dataclass(frozen=True, slots=True)
class SectionSummary:
    words_added: int
    words_removed: int
    words_kept: int
    similarity: float  # 0–1
    classes: tuple[str, ...]  # sorted change classes found in the section's hunks
    class_counts: tuple[tuple[str, int], ...] = ()  # (class, number of hunks with it), sorted by class
    weaker: bool = False  # some hunk weakens normative strength (shall → should)
    stronger: bool = False  # some hunk strengthens it (may → shall)


# --- alignment ----------------------------------------------------------------------------------

STATUSES = (
    "unchanged",
    "modified",
    "renamed",
    "renumbered",
    "moved",
    "split",
    "merged",
    "added",
    "removed",
)
MATCHED_BY = ("key", "override", "digest", "similarity", "split", "merge")


@dataclass(frozen=True, slots=True)
class SectionPair:
    """One alignment record. A split is several records sharing `old`; a merge several sharing `new`."""

    old: Section | None  # None: added
    new: Section | None  # None: removed
    status: tuple[str, ...]  # sorted subset of STATUSES; several may hold (moved + renumbered + modified)
    matched_by: str  # one of MATCHED_BY, or "" for added/removed
    score: float  # 0–1: how sure the pairing is (1 for key, override and digest)


@dataclass(frozen=True, slots=True)
class Alignment:
    old: Draft
    new: Draft
    pairs: tuple[SectionPair, ...]  # in the new draft's order, removed sections after their old neighbour
    diagnostics: tuple[Diagnostic, ...] = ()  # low-confidence matches, override problems


@dataclass(frozen=True, slots=True)
class Concept:
    """A commitment, measure or other section followed across drafts."""

    id: str  # stable: the key when given, else the anchor where the concept first appears
    versions: tuple[tuple[str, str], ...]  # (draft id, section anchor), in date order; gaps where absent
    related: tuple[tuple[str, str, str], ...] = ()  # (relation, other concept id, draft id), relation in
    # "split-from", "split-into", "merged-from", "merged-into"


@dataclass(frozen=True, slots=True)
class History:
    drafts: tuple[Draft, ...]  # in date order
    alignments: tuple[Alignment, ...]  # drafts[i] → drafts[i + 1]
    concepts: tuple[Concept, ...]


@dataclass(frozen=True, slots=True)
class SectionChange:
    """One alignment record with what changed inside it."""

    pair: SectionPair
    blocks: tuple[BlockDiff, ...]  # empty for unchanged sections (equal digests are not diffed)
    summary: SectionSummary
    title_ops: tuple[DiffOp, ...] = ()  # the heading text (number and title) compared


@dataclass(frozen=True, slots=True)
class Comparison:
    """Everything that changed from one draft to the next: the contract for the site, PDFs and JSON."""

    old: Draft
    new: Draft
    changes: tuple[SectionChange, ...]  # in the alignment's order
    diagnostics: tuple[Diagnostic, ...] = ()


def _pickled_by_fields(cls: type) -> None:
    """Pickle instances as `cls(*field values)`. Slotted dataclasses pickle through Python-level
    `__getstate__`/`__setstate__` that look up `fields()` for every object; a forked worker sending a
    parsed draft back spent twice as long that way."""
    names = [f.name for f in fields(cls)]
    # cls(*values) rebuilds only what the constructor takes, positionally: every field, in order
    assert len(names) > 1 and all(f.init and not f.kw_only for f in fields(cls)), cls
    values = attrgetter(*names)  # several names: a tuple

    def __reduce__(self: Any) -> tuple[type, tuple[Any, ...]]:
        assert type(self) is cls, "a subclass would be rebuilt as its base class"
        return cls, values(self)

    cls.__reduce__ = __reduce__  # type: ignore[assignment]


for _cls in (Location, Block, Reference, Section, Draft, Diagnostic, DiffOp, BlockDiff, SectionSummary):
    _pickled_by_fields(_cls)
