"""Transition pages: the overview table, the full-document redline, the alignment report."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from . import urls
from .export import summary_counts
from .model import STATUSES, SectionChange
from .pdfs import concept_pdfs, transition_pdfs
from .sitedata import SiteData, Transition, change_leaves, change_level, primary_status
from .views import (
    AlignmentGroup,
    AlignmentPage,
    ChangeRow,
    Counts,
    HeatCell,
    HeatRow,
    RedlinePage,
    RedlineSection,
    TransitionPage,
    TransitionSummary,
)

GLYPHS = {"added": "+", "split": "<", "merged": ">", "moved": "↕", "renumbered": "#"}


def record_ids(transition: Transition) -> list[str]:
    """An element id for each record on the redline page: the new anchor, made unique with the old one."""
    seen: set[str] = set()
    ids = []
    for change in transition.comparison.changes:
        old, new = change.pair.old, change.pair.new
        if new is None:
            assert old is not None
            rid = f"{old.anchor}.removed"
        else:
            rid = (
                new.anchor if new.anchor not in seen else f"{new.anchor}.from-{old.anchor if old else 'new'}"
            )
        seen.add(rid)
        ids.append(rid)
    return ids


def summary(data: SiteData, transition: Transition) -> TransitionSummary:
    comparison = transition.comparison
    counts = summary_counts(comparison)
    removed = tuple(
        (c.pair.old.label, data.concept_href(comparison.old.id, c.pair.old.anchor))
        for c in comparison.changes
        if c.pair.new is None and c.pair.old is not None
    )
    return TransitionSummary(
        id=transition.id,
        old_label=comparison.old.label,
        new_label=comparison.new.label,
        href=urls.transition(transition.id),
        redline_href=urls.transition(transition.id, "redline.html"),
        json_href=f"exports/{transition.id}.json",
        csv_href=f"exports/{transition.id}.csv",
        counts=Counts(
            tuple((s, counts[s]) for s in STATUSES),
            counts["words_added"],
            counts["words_removed"],
            counts["normative_changes"],
        ),
        heat=tuple(_heat(data, transition)),
        removed=removed,
    )


def _heat(data: SiteData, transition: Transition) -> Iterator[HeatRow]:
    """One row per section that has sub-sections (itself, then its leaf children); top-level leaves first."""
    comparison = transition.comparison
    changes: dict[str, SectionChange] = {}
    for change in comparison.changes:
        if change.pair.new is not None:
            changes.setdefault(change.pair.new.anchor, change)
    new_id = comparison.new.id

    def cell(anchor: str, name: str) -> HeatCell:
        change = changes[anchor]
        status = primary_status(change.pair.status)
        glyph = next((g for s, g in GLYPHS.items() if s in change.pair.status), "")
        return HeatCell(name, data.concept_href(new_id, anchor), status, change_level(change), glyph)

    top = [s for s in comparison.new.sections if not s.children]
    if top:
        yield HeatRow("Top level", "", 0, tuple(cell(s.anchor, s.short) for s in top))
    for section in comparison.new.walk():
        if section.children:
            leaves = [c for c in section.children if not c.children]
            cells = [cell(section.anchor, section.short)] + [cell(c.anchor, c.short) for c in leaves]
            href = data.concept_href(new_id, section.anchor)
            yield HeatRow(section.label, href, section.level - 1, tuple(cells))


def rows(data: SiteData, transition: Transition) -> tuple[ChangeRow, ...]:
    ids = record_ids(transition)
    redline = urls.transition(transition.id, "redline.html")
    return tuple(
        _row(data, transition, change, f"{redline}#{rid}")
        for change, rid in zip(transition.comparison.changes, ids, strict=True)
    )


def _row(data: SiteData, transition: Transition, change: SectionChange, redline: str) -> ChangeRow:
    comparison, pair, s = transition.comparison, change.pair, change.summary
    old, new = pair.old, pair.new
    shown = new or old
    assert shown is not None
    formerly = ""
    if old is not None and new is not None and old.label != new.label:
        formerly = f"formerly {old.short}" if old.short != new.short else f"formerly “{old.title}”"
    draft_id = comparison.new.id if new is not None else comparison.old.id
    concept = data.concept_of.get((draft_id, shown.anchor), "")
    folder = f"pdf/{transition.id}/"
    pdf = next((p.href for p in concept_pdfs(data, concept) if p.href.startswith(folder)), "")
    return ChangeRow(
        status=pair.status,
        name=shown.label,
        formerly=formerly,
        concept_href=data.concept_href(draft_id, shown.anchor),
        redline_href=redline,
        similarity=s.similarity,
        words_added=s.words_added,
        words_removed=s.words_removed,
        classes=s.classes,
        weaker=s.weaker,
        stronger=s.stronger,
        matched_by=pair.matched_by,
        score=pair.score,
        depth=shown.level - 1,
        old_name=old.label if old else "",
        new_name=new.label if new else "",
        pdf_href=pdf,
    )


def transition_page(data: SiteData, transition: Transition) -> TransitionPage:
    table = rows(data, transition)
    present = {s for r in table for s in r.status}
    return TransitionPage(
        summary=summary(data, transition),
        rows=table,
        statuses=tuple(s for s in STATUSES if s in present),
        classes=tuple(sorted({c for r in table for c in r.classes})),
        diagnostics=tuple(str(d) for d in transition.comparison.diagnostics),
        pdfs=transition_pdfs(data, transition.id),
    )


def redline_page(data: SiteData, transition: Transition) -> RedlinePage:
    comparison = transition.comparison
    path = urls.transition(transition.id, "redline.html")
    sections = []
    for change, rid in zip(comparison.changes, record_ids(transition), strict=True):
        old, new = change.pair.old, change.pair.new
        shown = new or old
        assert shown is not None
        draft_id = comparison.new.id if new is not None else comparison.old.id
        # References in the new draft point at records on this page; a removed section's at concept pages.
        local = new is not None
        key = f"r:{transition.id}:{shown.anchor}" if local else f"rc:{draft_id}:{shown.anchor}"
        links = data.links(draft_id, shown, path, local, key)
        sections.append(
            RedlineSection(
                id=rid,
                level=min(shown.level + 1, 6),
                status=change.pair.status,
                title_ops=change.title_ops,
                concept_href=data.concept_href(draft_id, shown.anchor),
                leaves=change_leaves(change, rid),
                links=links,
            )
        )
    return RedlinePage(summary(data, transition), tuple(sections))


def alignment_page(data: SiteData, transitions: Sequence[Transition]) -> AlignmentPage:
    groups = []
    for transition in transitions:
        table = rows(data, transition)
        paired = sorted((r for r in table if r.matched_by), key=lambda r: r.score)
        unpaired = [r for r in table if not r.matched_by]
        diagnostics = tuple(str(d) for d in transition.comparison.diagnostics)
        groups.append(AlignmentGroup(summary(data, transition), tuple(paired + unpaired), diagnostics))
    return AlignmentPage(tuple(groups))
