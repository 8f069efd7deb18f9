"""Concept pages: one section followed across every draft, with a redline for each hop."""

from __future__ import annotations

from collections.abc import Iterator

from . import urls
from .model import Concept, Section, SectionChange
from .pdfs import concept_pdfs
from .redline import Links
from .sitedata import SiteData, Transition, block_views, change_leaves
from .views import ConceptPage, Hop, Related, Summary, Version

RELATIONS = {
    "split-from": "Split from",
    "split-into": "Split into",
    "merged-from": "Merged from",
    "merged-into": "Merged into",
}


def concept_pages(data: SiteData) -> Iterator[tuple[str, ConceptPage]]:
    for concept in data.history.concepts:
        path = urls.concept(concept.id)
        yield path, concept_page(data, concept, path)


def concept_page(data: SiteData, concept: Concept, path: str) -> ConceptPage:
    present = dict(concept.versions)
    versions = tuple(
        _version(data, concept, draft_id, present.get(draft_id), path) for draft_id in data.drafts
    )
    latest = data.latest(concept)
    return ConceptPage(
        id=concept.id,
        name=latest[1].label if latest else concept.id,
        versions=versions,
        hops=tuple(_hops(data, concept, path)),
        related=tuple(_related(data, concept)),
        children=_children(data, latest),
        parent=_parent(data, latest),
        pdfs=concept_pdfs(data, concept.id),
    )


def _version(data: SiteData, concept: Concept, draft_id: str, anchor: str | None, path: str) -> Version:
    draft = data.drafts[draft_id]
    section = data.sections[draft_id].get(anchor) if anchor else None
    if section is None:
        return Version(draft_id, draft.label, "", "", (), 0, Links())
    links = data.links(draft_id, section, path, False, f"c:{draft_id}:{section.anchor}")
    href = f"{urls.draft(draft_id)}#{section.anchor}"
    blocks = block_views(section.blocks, f"v-{draft_id}")
    return Version(draft_id, draft.label, section.label, href, blocks, section.words, links)


def _hops(data: SiteData, concept: Concept, path: str) -> Iterator[Hop]:
    """Every comparison record that ends in this concept's version of the new draft."""
    present = dict(concept.versions)
    for transition in data.transitions:
        comparison = transition.comparison
        old_id, new_id = comparison.old.id, comparison.new.id
        anchor = present.get(new_id)
        if anchor is None or (not transition.consecutive and old_id not in present):
            continue
        records = [
            c
            for c in comparison.changes
            if c.pair.new is not None and c.pair.new.anchor == anchor and c.pair.old
        ]
        for change in records:
            assert change.pair.old is not None
            hop_id = transition.id if len(records) == 1 else f"{transition.id}.{change.pair.old.anchor}"
            yield _hop(data, transition, change, hop_id, path)


def _hop(data: SiteData, transition: Transition, change: SectionChange, hop_id: str, path: str) -> Hop:
    comparison, pair, summary = transition.comparison, change.pair, change.summary
    assert pair.old is not None and pair.new is not None
    new_id = comparison.new.id
    return Hop(
        id=hop_id,
        old_label=comparison.old.label,
        new_label=comparison.new.label,
        old_name=pair.old.label,
        new_name=pair.new.label,
        status=pair.status,
        matched_by=pair.matched_by,
        score=pair.score,
        summary=Summary(
            summary.words_added,
            summary.words_removed,
            summary.similarity,
            summary.classes,
            summary.weaker,
            summary.stronger,
        ),
        title_ops=change.title_ops,
        leaves=change_leaves(change, f"h-{hop_id}"),
        links=data.links(new_id, pair.new, path, False, f"c:{new_id}:{pair.new.anchor}"),
        changed=any(op.op != "equal" for op in change.title_ops)
        or any(op.op != "equal" for block in change.blocks for op in block.ops),
    )


def _related(data: SiteData, concept: Concept) -> Iterator[Related]:
    for relation, other, draft_id in concept.related:
        label = data.drafts[draft_id].label if draft_id in data.drafts else draft_id
        href = urls.concept(other) if other in data.concepts else ""
        yield Related(RELATIONS.get(relation, relation), data.name(other), href, label)


def _children(data: SiteData, latest: tuple[str, Section] | None) -> tuple[tuple[str, str], ...]:
    if latest is None:
        return ()
    draft_id, section = latest
    return tuple((child.label, data.concept_href(draft_id, child.anchor)) for child in section.children)


def _parent(data: SiteData, latest: tuple[str, Section] | None) -> tuple[str, str] | None:
    if latest is None:
        return None
    draft_id, section = latest
    parent = data.parents[draft_id].get(section.anchor)
    if parent is None:
        return None
    return data.sections[draft_id][parent].label, data.concept_href(draft_id, parent)
