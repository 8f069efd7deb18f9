"""The drafts → everything the site shows: history, comparisons, pages and exported files.

Pure: reads the parsed corpus, returns data. `publish` renders and writes.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from . import pdfs, urls
from .compare import Memo, compare_drafts, compare_history
from .corpus import Corpus
from .errors import PublishError
from .model import Comparison, Draft
from .overrides import Overrides, load_overrides
from .pages import Page, gather
from .pdf import PdfJob, pdf_jobs, source_date_epoch
from .sitedata import SiteData, Transition
from .views import Site

OVERRIDES = "alignment.yaml"


@dataclass(frozen=True, slots=True)
class Plan:
    pages: list[Page]
    files: dict[str, bytes]  # exports and other non-page files
    site: Site
    data: SiteData
    pdfs: tuple[PdfJob, ...] = ()  # redline PDFs to put in the site


def overrides_for(folder: Path) -> Overrides | None:
    path = folder / OVERRIDES
    return load_overrides(path) if path.is_file() else None


def transitions(
    drafts: Sequence[Draft],
    overrides: Overrides | None,
    memo: Memo | None = None,
    extra: Sequence[tuple[str, str]] = (),
    jobs: int = 1,
) -> tuple[SiteData, tuple[Transition, ...]]:
    """The history and the published comparisons: each consecutive pair, first → latest, then `extra`."""
    if len(drafts) < 2:
        raise PublishError(
            f"publish: error: the site compares drafts; found {len(drafts)} draft(s), need 2 or more"
        )
    for draft in drafts:
        urls.draft(draft.id)  # reserved or unsafe ids fail here, before any work
    history, comparisons = compare_history(drafts, overrides, memo, jobs)
    found = [Transition(urls.transition_id(c.old.id, c.new.id), c, True) for c in comparisons]
    by_id = {draft.id: draft for draft in drafts}
    wanted = [(drafts[0].id, drafts[-1].id), *extra] if len(drafts) > 2 else list(extra)
    for old_id, new_id in wanted:
        if any(t.comparison.old.id == old_id and t.comparison.new.id == new_id for t in found):
            continue
        old, new = _pair(by_id, old_id, new_id)
        overall: Comparison = compare_drafts(old, new, overrides, memo, jobs)
        found.append(Transition(urls.transition_id(old_id, new_id), overall, False))
    return SiteData(history, tuple(found), ""), tuple(found)


def _pair(by_id: dict[str, Draft], old_id: str, new_id: str) -> tuple[Draft, Draft]:
    """The two drafts of a configured transition, older first."""
    for draft_id in (old_id, new_id):
        if draft_id not in by_id:
            raise PublishError(
                f"publish: error: configured transition {old_id} → {new_id}: no draft '{draft_id}' "
                f"(drafts: {', '.join(sorted(by_id))})"
            )
    old, new = by_id[old_id], by_id[new_id]
    if (old.date, old.id) >= (new.date, new.id):
        raise PublishError(
            f"publish: error: configured transition {old_id} → {new_id}: '{old_id}' is not older"
        )
    return old, new


def built_stamp() -> str:
    """The build date from SOURCE_DATE_EPOCH, or "" (then nothing in the site depends on the clock)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return ""
    try:
        when = dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    except (ValueError, OverflowError, OSError) as exc:
        raise PublishError(f"publish: error: SOURCE_DATE_EPOCH={epoch!r} is not a Unix time") from exc
    return when.strftime("%Y-%m-%d")


def plan(
    corpus: Corpus,
    overrides: Overrides | None,
    exporter: Callable[[Comparison], tuple[str, str]],
    memo: Memo | None = None,
    with_pdfs: bool = False,
    processes: int = 1,
) -> Plan:
    drafts = corpus.drafts
    data, found = transitions(drafts, overrides, memo, corpus.config.transitions, processes)
    jobs: tuple[PdfJob, ...] = ()
    if with_pdfs:
        comparisons = [t.comparison for t in found]
        jobs = tuple(pdf_jobs(data.history, comparisons, corpus.config, source_date_epoch()))
        names = {t.id: f"{t.comparison.old.label} → {t.comparison.new.label}" for t in found}
        data.pdf_links = pdfs.links(jobs, names)
    data.title = corpus.config.site_title or drafts[-1].title or "Drafts compared"
    site = Site(data.title, built_stamp(), urls.draft(drafts[-1].id))
    files: dict[str, bytes] = {}
    for transition in found:
        json_text, csv_text = exporter(transition.comparison)
        files[f"exports/{transition.id}.json"] = json_text.encode("utf-8")
        files[f"exports/{transition.id}.csv"] = csv_text.encode("utf-8")
    return Plan(gather(data), files, site, data, jobs)


def exports(comparison: Comparison) -> tuple[str, str]:
    from .export import changes_csv, comparison_json

    return comparison_json(comparison, indent=None), changes_csv(comparison)  # compact: fast to write
