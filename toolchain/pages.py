"""Every page of the site as (path, template, view-model): gathered before anything is rendered."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from . import urls
from .concept_pages import concept_pages
from .model import Draft
from .redline import Links
from .sitedata import SiteData, aliases, block_views
from .transition_pages import alignment_page, redline_page, summary, transition_page
from .views import (
    AliasPage,
    ConceptEntry,
    ConceptIndexPage,
    DraftEntry,
    DraftPage,
    HomePage,
    SearchPage,
    SectionView,
    TocEntry,
)


@dataclass(frozen=True, slots=True)
class Page:
    path: str  # inside the site, checked by urls.safe_path
    template: str
    view: object
    title: str


def gather(data: SiteData) -> list[Page]:
    """All pages, in a fixed order (so the build is deterministic)."""
    pages = [Page(urls.home(), "home.html", home_page(data), "Overview")]
    for draft in data.history.drafts:
        pages.append(Page(urls.draft(draft.id), "draft.html", draft_page(data, draft), draft.label))
        pages.extend(alias_pages(data, draft))
    for path, view in concept_pages(data):
        pages.append(Page(path, "concept.html", view, view.name))
    pages.append(Page(urls.concepts(), "concepts.html", concept_index(data), "All sections"))
    for transition in data.transitions:
        name = f"{transition.comparison.old.label} → {transition.comparison.new.label}"
        pages.append(
            Page(urls.transition(transition.id), "transition.html", transition_page(data, transition), name)
        )
        redline = redline_page(data, transition)
        pages.append(
            Page(urls.transition(transition.id, "redline.html"), "redline.html", redline, f"Redline: {name}")
        )
    pages.append(
        Page(urls.alignment(), "alignment.html", alignment_page(data, data.transitions), "Alignment report")
    )
    pages.append(
        Page(urls.search(), "search.html", SearchPage(tuple(d.label for d in data.history.drafts)), "Search")
    )
    for page in pages:
        urls.safe_path(page.path)
    return pages


def home_page(data: SiteData) -> HomePage:
    drafts = tuple(
        DraftEntry(
            d.id,
            d.label,
            d.title,
            d.date.isoformat(),
            d.status,
            d.words,
            sum(1 for _ in d.walk()),
            urls.draft(d.id),
        )
        for d in data.history.drafts
    )
    transitions = tuple(summary(data, t) for t in data.transitions)
    return HomePage(data.title, drafts, transitions, len(data.history.concepts))


def draft_page(data: SiteData, draft: Draft) -> DraftPage:
    path = urls.draft(draft.id)
    sections = tuple(
        SectionView(
            anchor=s.anchor,
            level=min(s.level + 1, 6),
            name=s.label,
            concept_href=data.concept_href(draft.id, s.anchor),
            blocks=block_views(s.blocks, s.anchor),
            links=data.links(draft.id, s, path, True, f"d:{draft.id}:{s.anchor}"),
        )
        for s in draft.walk()
    )
    toc = tuple(TocEntry(s.anchor, s.label, s.level - 1) for s in draft.walk())
    return DraftPage(
        id=draft.id,
        title=draft.title,
        label=draft.label,
        date=draft.date.isoformat(),
        status=draft.status,
        words=draft.words,
        sections_count=len(sections),
        preamble=block_views(draft.preamble, "preamble"),
        toc=toc,
        sections=sections,
        links=Links(),
    )


def alias_pages(data: SiteData, draft: Draft) -> Iterator[Page]:
    for name, section in aliases(draft):
        target = data.concept_href(draft.id, section.anchor)
        title = f"{section.short or section.title} in the {draft.label}"
        view = AliasPage(title, target, f"{urls.draft(draft.id)}#{section.anchor}")
        yield Page(urls.alias(draft.id, name), "alias.html", view, title)


def concept_index(data: SiteData) -> ConceptIndexPage:
    entries = []
    for concept in data.history.concepts:
        present = dict(concept.versions)
        cells = tuple(
            data.sections[d].get(present[d], None).short if present.get(d) in data.sections[d] else ""  # type: ignore[union-attr]
            for d in data.drafts
        )
        latest = data.latest(concept)
        depth = latest[1].level - 1 if latest else 0
        entries.append(ConceptEntry(data.name(concept.id), urls.concept(concept.id), cells, depth))
    return ConceptIndexPage(tuple(d.label for d in data.history.drafts), tuple(entries))
