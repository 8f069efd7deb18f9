"""Redline PDFs for reviewers: the jobs a publish run renders, where they live, and how to render one.

    jobs = pdf_jobs(history, comparisons, config, source_date_epoch())
    todo = [job for job in jobs if cache.get(job.path) != job.digest]   # the publisher's cache
    for job, data in render_many(todo, processes=2): …                  # or its own process pool

`pdf_jobs` is pure and cheap (no layout): it builds each PDF's view-model and a content hash of
everything that affects the bytes (the view-model, the templates and print CSS, the engine version
and options). `render_pdf(job)` is the expensive part and runs in any process; a job pickles.

The PDFs come from the same redline fragments as the site (`redline.redline`), styled for paper by
`templates/pdf/pdf.css`: insertions underlined, deletions struck through, both coloured (blue and
vermilion, which stay apart for colour-blind readers and in greyscale), a change bar beside every
changed block. Paths (site paths, relative to the site root):

    pdf/{old}--{new}/{concept-id}.pdf      one concept (a section, or the sections merged into it)
    pdf/{old}--{new}/document.pdf          the whole document, with a cover and contents
    pdf/{old}--{new}/pack-{anchor}.pdf     one top-level part of the new draft, with a cover
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from . import urls
from .config import Config
from .errors import ConfigError, PublishError
from .model import Comparison, History
from .pdf_build import (
    PDF_ROOT,
    Transition,
    concept_groups,
    concept_index,
    document_doc,
    group_label,
    part_docs,
    section_doc,
    w3c_date,
)
from .pdf_engine import engine_key, render_doc, warm
from .pdf_view import PdfDoc

DOCUMENT = "document"
PACK_PREFIX = "pack-"


@dataclass(frozen=True, slots=True)
class PdfJob:
    path: str  # site path: pdf/{old}--{new}/….pdf
    kind: str  # "section" | "document" | "part"
    transition: str  # "{old}--{new}"
    concepts: tuple[str, ...]  # the concepts whose change it shows (sections only; sorted)
    label: str  # link text: "Measure 1.2. Operational risk assessment", "Whole document", "Part II. …"
    digest: str  # sha256 over everything that affects the bytes
    doc: PdfDoc


# --- paths --------------------------------------------------------------------------------------


def pdf_folder(old_id: str, new_id: str) -> str:
    return f"{PDF_ROOT}/{urls.transition_id(old_id, new_id)}"


def pdf_path_for_concept(old_id: str, new_id: str, concept_id: str) -> str:
    name = urls.segment(concept_id, "concept id")
    if name == DOCUMENT or name.startswith(PACK_PREFIX):
        raise PublishError(
            f"pdf: error: concept id {concept_id!r} would share a file name with a whole-document or "
            f"pack PDF; give the section another {{#key}}"
        )
    return urls.safe_path(f"{pdf_folder(old_id, new_id)}/{name}.pdf")


def pdf_path_for_document(old_id: str, new_id: str) -> str:
    return f"{pdf_folder(old_id, new_id)}/{DOCUMENT}.pdf"


def pdf_path_for_part(old_id: str, new_id: str, anchor: str) -> str:
    return urls.safe_path(f"{pdf_folder(old_id, new_id)}/{PACK_PREFIX}{urls.segment(anchor, 'anchor')}.pdf")


# --- jobs ---------------------------------------------------------------------------------------


def source_date_epoch(environ: Mapping[str, str] = os.environ) -> int | None:
    """`SOURCE_DATE_EPOCH` as an int, None when unset; a malformed value is a configuration error."""
    value = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise ConfigError(f"SOURCE_DATE_EPOCH: error: {value!r} is not a whole number of seconds")
    return int(value)


def pdf_jobs(
    history: History, comparisons: Iterable[Comparison], config: Config, epoch: int | None = None
) -> list[PdfJob]:
    """Every PDF of every comparison given (the publisher passes its transitions), in a fixed order.

    `epoch` (SOURCE_DATE_EPOCH) dates the PDFs; without it they carry the new draft's date, so the
    bytes never depend on the clock.
    """
    index = concept_index(history)
    key = engine_key()
    jobs: list[PdfJob] = []
    for comparison in comparisons:
        t = Transition(comparison, config, w3c_date(epoch, comparison.new.date), index)
        old, new = comparison.old.id, comparison.new.id
        for concept, changes in concept_groups(t):
            doc = section_doc(t, changes)
            concepts = sorted({c for change in changes for c in t.concepts(change.pair)})
            path = pdf_path_for_concept(old, new, concept)
            jobs.append(_job(key, path, "section", t.id, tuple(concepts), group_label(changes), doc))
        if comparison.changes:
            doc = document_doc(t)
            jobs.append(
                _job(key, pdf_path_for_document(old, new), "document", t.id, (), "Whole document", doc)
            )
        for part, doc in part_docs(t):
            path = pdf_path_for_part(old, new, part.anchor)
            jobs.append(_job(key, path, "part", t.id, (), part.label, doc))
    _check_unique(jobs)
    return jobs


def _job(
    key: str, path: str, kind: str, tid: str, concepts: tuple[str, ...], label: str, doc: PdfDoc
) -> PdfJob:
    digest = hashlib.sha256(f"{key}\0{path}\0{doc!r}".encode()).hexdigest()
    return PdfJob(path, kind, tid, concepts, label, digest, doc)


def _check_unique(jobs: Sequence[PdfJob]) -> None:
    seen: set[str] = set()
    for job in jobs:
        if job.path in seen:
            raise PublishError(f"pdf: error: two PDFs would be written to {job.path}")
        seen.add(job.path)


def pdfs_by_concept(jobs: Iterable[PdfJob]) -> dict[str, tuple[PdfJob, ...]]:
    """Concept id → the section PDFs showing its changes (one per transition it takes part in).

    A section merged into another, or removed, is listed too: it links to the PDF of the record
    that shows it."""
    found: dict[str, list[PdfJob]] = defaultdict(list)
    for job in jobs:
        for concept in job.concepts:
            found[concept].append(job)
    return {concept: tuple(found[concept]) for concept in sorted(found)}


def pdfs_by_transition(jobs: Iterable[PdfJob]) -> dict[str, tuple[PdfJob, ...]]:
    """Transition id → its whole-document PDF, then its packs in the new draft's order."""
    found: dict[str, list[PdfJob]] = defaultdict(list)
    for job in jobs:
        if job.kind != "section":
            found[job.transition].append(job)
    return {tid: tuple(found[tid]) for tid in sorted(found)}


# --- rendering ----------------------------------------------------------------------------------


def render_pdf(job: PdfJob) -> bytes:
    """The PDF of one job. Safe to call in worker processes; the first call builds the engine."""
    return render_doc(job.doc)


def render_many(jobs: Sequence[PdfJob], processes: int = 1) -> Iterator[tuple[PdfJob, bytes]]:
    """(job, bytes) for every job; `processes` > 1 renders them in a pool of processes.

    In a pool the biggest documents go first (a whole-document redline takes as long as a hundred
    section PDFs), so no core idles at the end; pairs come back in that order. The engine (fonts,
    parsed CSS, compiled templates) is built before the pool forks, so workers start warm; where fork
    is unavailable they are spawned and warm up on their own.
    """
    if processes <= 1 or len(jobs) < 2:
        for job in jobs:
            yield job, render_pdf(job)
        return
    ordered = sorted(jobs, key=lambda job: len(job.doc.sections), reverse=True)
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    if method == "fork":
        warm()
    context = multiprocessing.get_context(method)
    with ProcessPoolExecutor(processes, mp_context=context, initializer=warm) as pool:
        yield from zip(ordered, pool.map(render_pdf, ordered, chunksize=2), strict=True)
