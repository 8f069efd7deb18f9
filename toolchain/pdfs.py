"""Which redline PDFs the pages link to, from the PDF jobs of this build (toolchain/pdf.py).

Paths are site paths (`pdf/…`), made relative by the templates. A build without PDFs
(`publish --no-pdf`) has none, and no page links to one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .pdf import PdfJob, pdfs_by_concept, pdfs_by_transition
from .sitedata import SiteData
from .views import PdfLink


def links(jobs: Sequence[PdfJob], names: Mapping[str, str]) -> dict[str, tuple[PdfLink, ...]]:
    """Page links: on a concept page each PDF is named by its transition (`names`: id → "First → Second")."""
    found = {
        f"concept:{cid}": tuple(PdfLink(names.get(job.transition, job.transition), job.path) for job in js)
        for cid, js in pdfs_by_concept(jobs).items()
    }
    for tid, js in pdfs_by_transition(jobs).items():
        found[f"transition:{tid}"] = tuple(PdfLink(job.label, job.path) for job in js)
    return found


def concept_pdfs(data: SiteData, concept_id: str) -> tuple[PdfLink, ...]:
    """Redline PDFs of one concept: one per published transition it takes part in."""
    return data.pdf_links.get(f"concept:{concept_id}", ())


def transition_pdfs(data: SiteData, transition_id: str) -> tuple[PdfLink, ...]:
    """The whole-document redline and the per-part packs of one transition."""
    return data.pdf_links.get(f"transition:{transition_id}", ())
