"""The hook for redline PDFs: which PDFs the pages link to.

The PDF builder (a later issue) writes its files into the same site build and fills these in; until
then no page links to a PDF. Paths are site paths (`pdf/…`), made relative by the templates.
"""

from __future__ import annotations

from .views import PdfLink


def concept_pdfs(concept_id: str) -> tuple[PdfLink, ...]:
    """Redline PDFs of one concept (each hop, first → latest); none yet."""
    del concept_id
    return ()


def transition_pdfs(transition_id: str) -> tuple[PdfLink, ...]:
    """The full-document redline PDF of one transition; none yet."""
    del transition_id
    return ()
