"""Typed view-models: exactly what each page shows, nothing more.

They hold display data only (no source locations), so a page's content hash changes only when what
the page shows changes: an edit to one section leaves every other page's hash, and its cached bytes,
as they were. Hrefs are site paths; templates make them relative with `u()`.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import DiffOp
from .redline import Links


@dataclass(frozen=True, slots=True)
class BlockView:
    """A block of a draft for the reading views (containers keep their structure)."""

    kind: str  # paragraph, list, item, table, row, box, code, html, rule, quote
    text: str = ""  # inline Markdown
    children: tuple[BlockView, ...] = ()
    name: str = ""  # box kind, list marker, row role ("header")
    cells: tuple[str, ...] = ()
    pid: str = ""  # paragraph id for the copy-link anchor, "" for containers


@dataclass(frozen=True, slots=True)
class LeafDiff:
    """One leaf block compared: a row of the side-by-side table, a paragraph of the inline redline."""

    kind: str  # leaf kind of the new side (old side for a deletion)
    marker: str  # list marker for items ("1." / "-"), "" otherwise
    box: str
    ops: tuple[DiffOp, ...]
    status: str  # "equal", "changed", "inserted", "deleted"
    moved: bool
    pid: str
    cells: tuple[tuple[DiffOp, ...], ...] = ()  # table rows: the ops cut cell by cell (shown side's cells)
    old_cells: tuple[tuple[DiffOp, ...], ...] = ()  # the same, cut by the old side's cells (side by side)


@dataclass(frozen=True, slots=True)
class PdfLink:
    label: str
    href: str


@dataclass(frozen=True, slots=True)
class Summary:
    words_added: int
    words_removed: int
    similarity: float
    classes: tuple[str, ...]
    weaker: bool
    stronger: bool


@dataclass(frozen=True, slots=True)
class Hop:
    """A section's change from one draft to another, as shown on its concept page."""

    id: str  # "first-draft--second-draft", unique on the page
    old_label: str  # draft labels
    new_label: str
    old_name: str  # "Measure II.4.14. Post-market monitoring"
    new_name: str
    status: tuple[str, ...]
    matched_by: str
    score: float
    summary: Summary
    title_ops: tuple[DiffOp, ...]
    leaves: tuple[LeafDiff, ...]
    links: Links  # for the new side's cross-references
    changed: bool  # any change in the heading or the text
    pdfs: tuple[PdfLink, ...] = ()


@dataclass(frozen=True, slots=True)
class Version:
    """A concept's text in one draft (absent: `name` is "")."""

    draft_id: str
    draft_label: str
    name: str
    href: str  # the section on the draft page
    blocks: tuple[BlockView, ...]
    words: int
    links: Links


@dataclass(frozen=True, slots=True)
class Related:
    relation: str  # "split-from", "split-into", "merged-from", "merged-into"
    name: str
    href: str
    draft_label: str


@dataclass(frozen=True, slots=True)
class ConceptPage:
    id: str
    name: str  # latest label
    versions: tuple[Version, ...]
    hops: tuple[Hop, ...]  # each consecutive pair it is in, then first → latest when they differ
    related: tuple[Related, ...]
    children: tuple[tuple[str, str], ...]  # (name, href) of sub-sections in the latest version
    parent: tuple[str, str] | None
    pdfs: tuple[PdfLink, ...] = ()


@dataclass(frozen=True, slots=True)
class SectionView:
    anchor: str
    level: int  # heading level within the page (2–6)
    name: str
    concept_href: str
    blocks: tuple[BlockView, ...]
    links: Links


@dataclass(frozen=True, slots=True)
class TocEntry:
    anchor: str
    name: str
    depth: int


@dataclass(frozen=True, slots=True)
class DraftPage:
    id: str
    title: str
    label: str
    date: str
    status: str
    words: int
    sections_count: int
    preamble: tuple[BlockView, ...]
    toc: tuple[TocEntry, ...]
    sections: tuple[SectionView, ...]
    links: Links  # for the preamble


@dataclass(frozen=True, slots=True)
class AliasPage:
    name: str  # "Measure II.4.14 in the Third draft"
    target: str  # concept page
    draft_href: str


@dataclass(frozen=True, slots=True)
class ChangeRow:
    """A row of a transition's overview table (and a record of the alignment report)."""

    status: tuple[str, ...]
    name: str  # new section, or old for a removed one
    formerly: str  # "formerly Measure II.1.3", "" when the name is unchanged
    concept_href: str
    redline_href: str
    similarity: float
    words_added: int
    words_removed: int
    classes: tuple[str, ...]
    weaker: bool
    stronger: bool
    matched_by: str
    score: float
    depth: int
    old_name: str = ""
    new_name: str = ""
    pdf_href: str = ""  # the record's redline PDF in this transition, when PDFs are built


@dataclass(frozen=True, slots=True)
class Counts:
    statuses: tuple[tuple[str, int], ...]  # every status, in STATUSES order
    words_added: int
    words_removed: int
    normative: int


@dataclass(frozen=True, slots=True)
class HeatCell:
    name: str
    href: str
    status: str  # main status
    level: int  # 0–4: how much changed
    glyph: str


@dataclass(frozen=True, slots=True)
class HeatRow:
    name: str
    href: str
    depth: int
    cells: tuple[HeatCell, ...]


@dataclass(frozen=True, slots=True)
class TransitionSummary:
    id: str
    old_label: str
    new_label: str
    href: str
    redline_href: str
    json_href: str
    csv_href: str
    counts: Counts
    heat: tuple[HeatRow, ...]
    removed: tuple[tuple[str, str], ...]  # (name, concept href) of removed sections


@dataclass(frozen=True, slots=True)
class TransitionPage:
    summary: TransitionSummary
    rows: tuple[ChangeRow, ...]
    statuses: tuple[str, ...]  # the statuses present, for the filter
    classes: tuple[str, ...]
    diagnostics: tuple[str, ...]
    pdfs: tuple[PdfLink, ...] = ()


@dataclass(frozen=True, slots=True)
class RedlineSection:
    id: str
    level: int
    status: tuple[str, ...]
    title_ops: tuple[DiffOp, ...]
    concept_href: str
    leaves: tuple[LeafDiff, ...]
    links: Links


@dataclass(frozen=True, slots=True)
class RedlinePage:
    summary: TransitionSummary
    sections: tuple[RedlineSection, ...]


@dataclass(frozen=True, slots=True)
class DraftEntry:
    id: str
    label: str
    title: str
    date: str
    status: str
    words: int
    sections: int
    href: str


@dataclass(frozen=True, slots=True)
class HomePage:
    title: str
    drafts: tuple[DraftEntry, ...]
    transitions: tuple[TransitionSummary, ...]
    concepts: int


@dataclass(frozen=True, slots=True)
class ConceptEntry:
    name: str
    href: str
    cells: tuple[str, ...]  # the short name in each draft, "" where absent
    depth: int


@dataclass(frozen=True, slots=True)
class ConceptIndexPage:
    drafts: tuple[str, ...]
    entries: tuple[ConceptEntry, ...]


@dataclass(frozen=True, slots=True)
class AlignmentGroup:
    summary: TransitionSummary
    rows: tuple[ChangeRow, ...]  # weakest first
    diagnostics: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AlignmentPage:
    groups: tuple[AlignmentGroup, ...]


@dataclass(frozen=True, slots=True)
class SearchPage:
    drafts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Site:
    """What every page shares: the site title, the drafts for the navigation, the build stamp."""

    title: str
    built: str  # "" unless SOURCE_DATE_EPOCH is set
    latest_href: str
