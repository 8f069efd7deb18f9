"""What a redline PDF shows: immutable, display-only view-models.

They hold exactly what reaches the page (no source locations, no Section objects), so a job's
content hash (`repr` of its `PdfDoc`) changes only when the PDF's bytes would. They pickle, so a
job can be rendered in another process.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import DiffOp


@dataclass(frozen=True, slots=True)
class Node:
    """One block of a section redline: a container (box, list, table) or a leaf.

    Leaves (paragraph, item, row, code, html, rule) carry the word diff in `ops`; a row carries one
    op run per cell in `cells` instead. `status`: equal, changed, inserted, deleted.
    """

    kind: str
    status: str = "equal"
    ops: tuple[DiffOp, ...] = ()
    name: str = ""  # box kind ("legal-text"); "wide" for a table of many columns
    marker: str = ""  # list item marker as shown ("3." or "•")
    depth: int = 0  # list item nesting, 0 = outermost
    moved: bool = False  # matched, but out of order within its section
    header: bool = False  # table header row
    cells: tuple[tuple[DiffOp, ...], ...] = ()
    children: tuple[Node, ...] = ()


@dataclass(frozen=True, slots=True)
class PdfSection:
    """One alignment record: a section's heading, provenance and body redline."""

    id: str  # element id, unique in its document ("s1", "s2", …)
    level: int  # bookmark and heading level, 1–6
    bookmark: str  # plain label: "Measure 1.2. Operational risk assessment"
    title_ops: tuple[DiffOp, ...]
    status: tuple[str, ...]
    provenance: tuple[str, ...]  # "Formerly Measure 1.3", "Split from Measure II.11.1", …
    url: str  # the concept page, as shown in the footer
    href: str  # the same as a link ("" = no link)
    words_added: int
    words_removed: int
    similarity: float
    classes: tuple[str, ...]
    weaker: bool
    stronger: bool
    identical: bool  # the body did not change
    nodes: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class DraftRef:
    id: str
    label: str
    date: str  # ISO date
    date_text: str  # "10 June 2026"
    status: str


@dataclass(frozen=True, slots=True)
class Cover:
    """The first page of a pack or a whole-document redline."""

    heading: str  # "Part II. Safe operations" or the document title
    words: tuple[int, int]  # words of the old and new sections this redline covers
    extent: tuple[int, int]  # how many old and new sections it covers
    counts: tuple[tuple[str, int], ...]  # sections per status, in STATUSES order, zeros dropped
    sections: int
    words_added: int
    words_removed: int
    normative: int


@dataclass(frozen=True, slots=True)
class PdfDoc:
    kind: str  # "section" | "document" | "part"
    title: str  # PDF title and the first heading
    subject: str
    author: str
    generator: str
    document_title: str  # the running header
    old: DraftRef
    new: DraftRef
    created: str  # W3C date-time, from SOURCE_DATE_EPOCH or the new draft's date
    lang: str
    cover: Cover | None
    sections: tuple[PdfSection, ...]
