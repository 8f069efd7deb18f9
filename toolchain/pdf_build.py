"""History + comparisons → the documents of the redline PDFs (view-models only; nothing rendered).

Three kinds per transition: one PDF per concept (a section's redline; a merge shows each of the
merged sections), a whole-document redline, and a pack per top-level part of the new draft. Each
section carries its provenance ("Formerly Measure 1.3", "Moved from Commitment 2 to Commitment 3",
"Split from Measure II.11.1", "Merged from …"), built from the alignment record and its neighbours.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from . import __version__, urls
from .config import Config
from .export import summary_counts
from .model import STATUSES, Comparison, Draft, History, Section, SectionChange, SectionPair
from .pdf_nodes import section_nodes
from .pdf_view import Cover, DraftRef, PdfDoc, PdfSection

PDF_ROOT = "pdf"
MATCHED_BY = {
    "similarity": "Matched by content similarity",
    "split": "Matched as a split",
    "merge": "Matched as a merge",
    "override": "Matched by an editor's correction (alignment.yaml)",
}


@dataclass
class Transition:
    """The lookups one comparison's PDFs need, computed once."""

    comparison: Comparison
    config: Config
    created: str
    concept_of: dict[tuple[str, str], str]
    id: str = ""
    parents: dict[tuple[str, str], Section | None] = field(default_factory=dict)
    by_old: dict[str, list[SectionPair]] = field(default_factory=lambda: defaultdict(list))
    by_new: dict[str, list[SectionPair]] = field(default_factory=lambda: defaultdict(list))

    def __post_init__(self) -> None:
        old, new = self.comparison.old, self.comparison.new
        self.id = urls.transition_id(old.id, new.id)
        for draft in (old, new):
            for section in draft.sections:
                self.parents[(draft.id, section.anchor)] = None
            for section in draft.walk():
                for child in section.children:
                    self.parents[(draft.id, child.anchor)] = section
        for change in self.comparison.changes:
            if change.pair.old is not None:
                self.by_old[change.pair.old.anchor].append(change.pair)
            if change.pair.new is not None:
                self.by_new[change.pair.new.anchor].append(change.pair)

    def concept(self, pair: SectionPair) -> str:
        """The concept a record belongs to: its new section's, or the old one's when removed."""
        if pair.new is not None:
            return self.concept_of.get((self.comparison.new.id, pair.new.anchor), pair.new.anchor)
        assert pair.old is not None, "an alignment record has at least one side"
        return self.concept_of.get((self.comparison.old.id, pair.old.anchor), pair.old.anchor)

    def concepts(self, pair: SectionPair) -> set[str]:
        found = {self.concept(pair)}
        if pair.old is not None:
            found.add(self.concept_of.get((self.comparison.old.id, pair.old.anchor), pair.old.anchor))
        return found


def concept_index(history: History) -> dict[tuple[str, str], str]:
    """(draft id, section anchor) → concept id."""
    index: dict[tuple[str, str], str] = {}
    for concept in history.concepts:
        for draft_id, anchor in concept.versions:
            index.setdefault((draft_id, anchor), concept.id)
    return index


def w3c_date(epoch: int | None, fallback: dt.date) -> str:
    if epoch is None:
        return f"{fallback.isoformat()}T00:00:00Z"
    return dt.datetime.fromtimestamp(epoch, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- the three kinds of document ----------------------------------------------------------------


def concept_groups(t: Transition) -> list[tuple[str, list[SectionChange]]]:
    """(concept id, its records) in the comparison's order; a merge is one group of several records."""
    groups: dict[str, list[SectionChange]] = {}
    for change in t.comparison.changes:
        groups.setdefault(t.concept(change.pair), []).append(change)
    return list(groups.items())


def group_label(changes: Sequence[SectionChange]) -> str:
    """How a concept's PDF is named in links: its section in the new draft, or the removed one."""
    pair = changes[0].pair
    return _name(pair.new) if pair.new is not None else f"{_name(pair.old)} (removed)"


def section_doc(t: Transition, changes: Sequence[SectionChange]) -> PdfDoc:
    sections = tuple(pdf_section(t, change, f"s{n}", 1) for n, change in enumerate(changes, start=1))
    name = group_label(changes)
    return _doc(t, "section", f"Redline: {name}", name, None, sections)


def document_doc(t: Transition) -> PdfDoc:
    changes = t.comparison.changes
    sections = tuple(
        pdf_section(t, change, f"s{n}", _level(change.pair)) for n, change in enumerate(changes, start=1)
    )
    title = t.comparison.new.title or t.config.site_title or "Document"
    cover = _cover(t, changes, title)
    return _doc(t, "document", f"Redline: {title}", "the whole document", cover, sections)


def part_docs(t: Transition) -> Iterator[tuple[Section, PdfDoc]]:
    """A pack per top-level section of the new draft; a removed section goes with its old neighbour.

    A part that holds every record of the transition (a draft with one top-level section, such as a
    single chapter) gets no pack: it would repeat the whole-document redline page for page."""
    for part, changes in parts(t.comparison):
        if len(changes) == len(t.comparison.changes):
            continue
        top = part.level
        sections = tuple(
            pdf_section(t, change, f"s{n}", _level(change.pair) - top + 1)
            for n, change in enumerate(changes, start=1)
        )
        yield (
            part,
            _doc(t, "part", f"Redline: {part.label}", part.label, _cover(t, changes, part.label), sections),
        )


def parts(comparison: Comparison) -> list[tuple[Section, list[SectionChange]]]:
    """Each top-level section of the new draft with the records inside it, in the comparison's order."""
    top = {s.anchor: part.anchor for part in comparison.new.sections for s in part.walk()}
    found: dict[str, list[SectionChange]] = {part.anchor: [] for part in comparison.new.sections}
    current = comparison.new.sections[0].anchor if comparison.new.sections else None
    for change in comparison.changes:
        if change.pair.new is not None:
            current = top.get(change.pair.new.anchor, current)
        if current is not None:
            found[current].append(change)
    return [(part, found[part.anchor]) for part in comparison.new.sections if found[part.anchor]]


def _doc(t: Transition, kind: str, title: str, scope: str, cover: Cover | None,
         sections: tuple[PdfSection, ...]) -> PdfDoc:  # fmt: skip
    old, new = t.comparison.old, t.comparison.new
    document = new.title or t.config.site_title
    subject = f"Changes to {scope} from the {old.label} ({old.date.isoformat()}) to the {new.label} ({new.date.isoformat()})"
    if document:
        subject += f" of {document}"
    return PdfDoc(
        kind=kind,
        title=f"{title} ({old.label} → {new.label})",
        subject=subject,
        author=t.config.author,
        generator=f"toolchain {__version__}",
        document_title=document,
        old=_draft_ref(old),
        new=_draft_ref(new),
        created=t.created,
        lang="en",
        cover=cover,
        sections=sections,
    )


def _draft_ref(draft: Draft) -> DraftRef:
    date_text = f"{draft.date.day} {draft.date.strftime('%B %Y')}"
    return DraftRef(draft.id, draft.label, draft.date.isoformat(), date_text, draft.status)


def _cover(t: Transition, changes: Sequence[SectionChange], heading: str) -> Cover:
    """Counts over `changes` only, so a pack's cover changes only when a section inside it does."""
    part = Comparison(t.comparison.old, t.comparison.new, tuple(changes))
    counts = summary_counts(part)
    olds = {c.pair.old.anchor: c.pair.old.words for c in changes if c.pair.old is not None}
    news = {c.pair.new.anchor: c.pair.new.words for c in changes if c.pair.new is not None}
    return Cover(
        heading=heading,
        words=(sum(olds.values()), sum(news.values())),
        extent=(len(olds), len(news)),
        counts=tuple((status, counts[status]) for status in STATUSES if counts[status]),
        sections=len(changes),
        words_added=counts["words_added"],
        words_removed=counts["words_removed"],
        normative=counts["normative_changes"],
    )


def _level(pair: SectionPair) -> int:
    section = pair.new or pair.old
    return section.level if section is not None else 1


# --- one section --------------------------------------------------------------------------------


def pdf_section(t: Transition, change: SectionChange, sid: str, level: int) -> PdfSection:
    pair, summary = change.pair, change.summary
    section = pair.new or pair.old
    assert section is not None, "an alignment record has at least one side"
    concept = t.concept(pair)
    path = urls.concept(concept).removesuffix("index.html")
    base = t.config.base_url.rstrip("/")
    url = f"{base}/{path}" if base else path
    href = url if base else urls.relative(path + "index.html", f"{PDF_ROOT}/{t.id}/x.pdf")
    bookmark = _name(section) + (" (removed)" if pair.new is None else "")
    if pair.old is not None and pair.new is not None and len(t.by_new[pair.new.anchor]) > 1:
        bookmark += f" (from {_short(pair.old)})"  # one of several sections merged into this one
    return PdfSection(
        id=sid,
        level=max(1, min(level, 6)),
        bookmark=bookmark,
        title_ops=change.title_ops,
        status=pair.status,
        provenance=tuple(provenance(t, pair)),
        url=url,
        href=href,
        words_added=summary.words_added,
        words_removed=summary.words_removed,
        similarity=round(summary.similarity, 3),
        classes=summary.classes,
        weaker=summary.weaker,
        stronger=summary.stronger,
        identical=not change.blocks,
        nodes=section_nodes(change),
    )


def provenance(t: Transition, pair: SectionPair) -> Iterator[str]:
    """Where a section came from, in words a reviewer can check against the old draft."""
    old_draft, new_draft = t.comparison.old, t.comparison.new
    old, new = pair.old, pair.new
    if old is None:
        yield f"New in the {new_draft.label}; no counterpart in the {old_draft.label}."
        return
    if new is None:
        yield f"Removed in the {new_draft.label}; it was {_name(old)} in the {old_draft.label}."
        return
    if "split" in pair.status:
        others = [p.new for p in t.by_old[old.anchor] if p.new is not None and p.new is not new]
        text = f"Split from {old.short or old.title} ({old_draft.label})"
        yield text + (f"; its text continues also in {_join(others)}." if others else ".")
    if "merged" in pair.status:
        sources = [p.old for p in t.by_new[new.anchor] if p.old is not None]
        yield f"Merged from {_join(sources)} ({old_draft.label})."
    elif old.label != new.label and "split" not in pair.status:
        yield f"Formerly {_name(old)} ({old_draft.label})."
    if "moved" in pair.status:
        yield _moved(t, old, new)
    if pair.matched_by in MATCHED_BY:
        yield f"{MATCHED_BY[pair.matched_by]} ({_confidence(pair.score)} confidence)."


def _confidence(score: float) -> str:
    """In words, not digits: a score moves a little whenever any section of the drafts is edited (the
    similarity weights are corpus-wide), and a PDF should not be rebuilt for that."""
    return "high" if score >= 0.8 else "medium" if score >= 0.5 else "low"


def _moved(t: Transition, old: Section, new: Section) -> str:
    was = t.parents.get((t.comparison.old.id, old.anchor))
    now = t.parents.get((t.comparison.new.id, new.anchor))
    was_concept = t.concept_of.get((t.comparison.old.id, was.anchor)) if was else None
    now_concept = t.concept_of.get((t.comparison.new.id, now.anchor)) if now else None
    if was_concept == now_concept:
        return f"Moved within {_short(now)}." if now else "Moved to another place at the top level."
    return f"Moved from {_short(was)} to {_short(now)}."


def _short(section: Section | None) -> str:
    return (section.short or section.title) if section is not None else "the top level"


def _name(section: Section | None) -> str:
    return (section.label or section.anchor) if section is not None else ""


def _join(sections: Sequence[Section]) -> str:
    names = list(dict.fromkeys(s.short or s.title for s in sections))
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]
