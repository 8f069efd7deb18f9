"""Redline PDFs, checked with real PDF readers: pdftotext, pdfinfo and pdftoppm (poppler), pypdf for
bookmarks. Skipped, saying why, where WeasyPrint's Pango libraries or poppler are missing."""

from __future__ import annotations

import ctypes.util
import logging
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from toolchain.compare import compare_drafts, compare_history
from toolchain.config import Config
from toolchain.corpus import load_corpus
from toolchain.errors import PublishError
from toolchain.model import Comparison, DiffOp, History
from toolchain.parse import parse_draft
from toolchain.pdf import (
    PdfJob,
    pdf_jobs,
    pdf_path_for_concept,
    pdf_path_for_document,
    pdf_path_for_part,
    pdfs_by_concept,
    pdfs_by_transition,
    render_many,
    render_pdf,
    source_date_epoch,
)
from toolchain.pdf_view import Node, PdfSection
from toolchain.redline import split_cells

from .conftest import CORPUS, ROOT

EPOCH = 1767225600  # 2026-01-01T00:00:00Z
CONFIG = Config(base_url="https://example.org/code/", author="The Drafting Chairs", site_title="Drone Code")
POPPLER = all(shutil.which(tool) for tool in ("pdftotext", "pdfinfo", "pdftoppm"))
PANGO = bool(ctypes.util.find_library("pango-1.0")) and bool(ctypes.util.find_library("pangoft2-1.0"))

needs_engine = pytest.mark.skipif(
    not PANGO, reason="WeasyPrint needs Pango: apt-get install libpango-1.0-0 libpangoft2-1.0-0"
)
needs_poppler = pytest.mark.skipif(
    not POPPLER, reason="poppler-utils (pdftotext, pdfinfo, pdftoppm) not installed"
)


# --- helpers ------------------------------------------------------------------------------------


def build(
    drafts: Sequence[Path] | Path, config: Config = CONFIG
) -> tuple[History, list[Comparison], list[PdfJob]]:
    corpus = load_corpus([str(drafts)] if isinstance(drafts, Path) else [str(p) for p in drafts], config)
    history, comparisons = compare_history(corpus.drafts)
    found = list(comparisons)
    if len(corpus.drafts) > 2:
        found.append(compare_drafts(corpus.drafts[0], corpus.drafts[-1]))
    return history, found, pdf_jobs(history, found, config, EPOCH)


def write(tmp: Path, job: PdfJob) -> Path:
    path = tmp / job.path.replace("/", "_")
    path.write_bytes(render_pdf(job))
    return path


def text_of(pdf: Path, *pages: int) -> str:
    args = ["pdftotext", "-enc", "UTF-8"]
    if pages:
        args += ["-f", str(pages[0]), "-l", str(pages[-1])]
    out = subprocess.run([*args, str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return " ".join(out.split())


def info(pdf: Path) -> dict[str, str]:
    out = subprocess.run(
        ["pdfinfo", "-isodates", str(pdf)], check=True, capture_output=True, text=True
    ).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


def leaf_ops(nodes: Sequence[Node]) -> Iterator[DiffOp]:
    for node in nodes:
        yield from node.ops
        for cell in node.cells:
            yield from cell
        yield from leaf_ops(node.children)


def plain_words(ops: Sequence[DiffOp], kind: str) -> list[str]:
    """Whole plain words of the runs of one kind (no Markdown punctuation around them)."""
    return [w for op in ops if op.op == kind for w in op.text.split() if re.fullmatch(r"[A-Za-z]{5,}", w)]


@pytest.fixture(scope="module")
def sample() -> tuple[History, list[Comparison], list[PdfJob]]:
    return build(ROOT / "drafts")


def job_with_both(jobs: Sequence[PdfJob]) -> tuple[PdfJob, str, str]:
    """A one-page-ish section PDF with an inserted and a deleted plain word in its body."""
    for job in jobs:
        if job.kind != "section" or len(job.doc.sections) != 1:
            continue
        ops = list(leaf_ops(job.doc.sections[0].nodes))
        inserted, deleted = plain_words(ops, "insert"), plain_words(ops, "delete")
        if inserted and deleted and sum(len(op.text) for op in ops) < 2500:
            return job, inserted[0], deleted[0]
    raise AssertionError("the sample drafts have a section with both insertions and deletions")


# --- paths and jobs (no rendering) --------------------------------------------------------------


def test_paths_are_built_from_checked_ids() -> None:
    assert (
        pdf_path_for_concept("first-draft", "third-draft", "measure-1-2")
        == "pdf/first-draft--third-draft/measure-1-2.pdf"
    )
    assert pdf_path_for_document("a", "b") == "pdf/a--b/document.pdf"
    assert pdf_path_for_part("a", "b", "part-ii") == "pdf/a--b/pack-part-ii.pdf"
    for bad in ("../etc", "Measure", "a/b", "", "x" * 200):
        with pytest.raises(PublishError):
            pdf_path_for_concept("a", "b", bad)
    for clash in ("document", "pack-part-ii"):  # would overwrite the whole-document PDF or a pack
        with pytest.raises(PublishError, match="share a file name"):
            pdf_path_for_concept("a", "b", clash)


def test_source_date_epoch() -> None:
    assert source_date_epoch({}) is None
    assert source_date_epoch({"SOURCE_DATE_EPOCH": "1767225600"}) == EPOCH
    with pytest.raises(Exception, match="whole number"):
        source_date_epoch({"SOURCE_DATE_EPOCH": "yesterday"})


def test_jobs_cover_every_section_of_every_transition(
    sample: tuple[History, list[Comparison], list[PdfJob]],
) -> None:
    history, comparisons, jobs = sample
    index = {(d, a): c.id for c in history.concepts for d, a in c.versions}
    by_concept = pdfs_by_concept(jobs)
    for comparison in comparisons:
        tid = f"{comparison.old.id}--{comparison.new.id}"
        for draft in (comparison.old, comparison.new):
            for section in draft.walk():
                concept = index[(draft.id, section.anchor)]
                assert any(job.transition == tid for job in by_concept[concept]), (tid, concept)
        kinds = [job.kind for job in pdfs_by_transition(jobs)[tid]]
        assert kinds[0] == "document"
        assert 1 <= kinds.count("part") <= len(comparison.new.sections)
    assert len({job.path for job in jobs}) == len(jobs)
    assert all(re.fullmatch(r"pdf/[a-z0-9-]+--[a-z0-9-]+/[a-z0-9-]+\.pdf", job.path) for job in jobs)


def test_jobs_are_deterministic(sample: tuple[History, list[Comparison], list[PdfJob]]) -> None:
    history, comparisons, jobs = sample
    again = pdf_jobs(history, comparisons, CONFIG, EPOCH)
    assert [(j.path, j.digest) for j in again] == [(j.path, j.digest) for j in jobs]
    later = pdf_jobs(history, comparisons, CONFIG, EPOCH + 86400)
    assert all(a.digest != b.digest for a, b in zip(jobs, later, strict=True)), "the date is in every PDF"


def test_one_section_edit_changes_only_the_pdfs_that_show_it(tmp_path: Path) -> None:
    """An edit to one measure's text: its section PDFs, the whole-document redlines and the packs
    that contain it change digest; every other job keeps its digest (and its cached bytes)."""
    drafts = tmp_path / "drafts"
    shutil.copytree(ROOT / "drafts", drafts)
    _, _, before = build(drafts)
    third = drafts / "third-draft.md"
    source = third.read_text(encoding="utf-8")
    body = source.index("\n\n", source.index("## Measure 3.2.")) + 2  # the first paragraph, not the heading
    third.write_text(source[:body] + "Icing counts as adverse weather. " + source[body:], encoding="utf-8")
    _, _, after = build(drafts)
    changed = {a.path for a, b in zip(before, after, strict=True) if a.digest != b.digest}
    assert [a.path for a in before] == [b.path for b in after]
    concept = next(
        j for j in after
        if j.kind == "section" and j.transition == "second-draft--third-draft"
        and j.doc.sections[0].bookmark.startswith("Measure 3.2.")
    )  # fmt: skip
    concept_id = concept.path.rsplit("/", 1)[1].removesuffix(".pdf")
    expected = {
        job.path
        for job in after
        if job.transition.endswith("--third-draft")
        and (
            job.kind == "document"
            or (job.kind == "section" and concept_id in job.concepts)
            or (job.kind == "part" and job.label.startswith("Part II."))
        )
    }
    assert changed == expected
    assert len(changed) == 6  # two transitions into the third draft: a section PDF, the document, a pack


# --- the redline structure ------------------------------------------------------------------------


def test_cells_follow_the_shown_side() -> None:
    ops = (DiffOp("equal", "Report | "), DiffOp("delete", "KPIs 2.1 | "), DiffOp("equal", "Deadline"))
    assert split_cells(ops, ("Report", "Deadline"), True) == (
        (DiffOp("equal", "Report"),),
        (DiffOp("delete", "KPIs 2.1 | "), DiffOp("equal", "Deadline")),
    )
    inserted = (DiffOp("equal", "a | "), DiffOp("insert", "new | "), DiffOp("equal", "c"))
    assert [len(cell) for cell in split_cells(inserted, ("a", "new", "c"), True)] == [1, 1, 1]
    deleted_row = (DiffOp("delete", "x | y"),)
    assert split_cells(deleted_row, ("x", "y"), False) == ((DiffOp("delete", "x"),), (DiffOp("delete", "y"),))
    piped = (DiffOp("equal", "1 | 2 | 3"),)  # the first cell holds an escaped pipe: "1 | 2"
    assert split_cells(piped, ("1 | 2", "3"), True) == ((DiffOp("equal", "1 | 2"),), (DiffOp("equal", "3"),))
    assert split_cells(piped, ("nothing", "alike"), True) == (piped,)  # never a wrong split


def test_lists_tables_and_boxes_keep_their_structure(
    sample: tuple[History, list[Comparison], list[PdfJob]],
) -> None:
    _, _, jobs = sample
    kinds: dict[str, int] = {}

    def count(nodes: Sequence[Node], inside: str = "") -> None:
        for node in nodes:
            kinds[node.kind] = kinds.get(node.kind, 0) + 1
            if node.kind == "list":
                assert all(child.kind == "item" for child in node.children)
            if node.kind == "table":
                assert all(child.kind == "row" and child.cells for child in node.children)
            assert not (inside and node.kind == "box"), "boxes do not nest"
            count(node.children, node.kind if node.kind == "box" else inside)

    for job in jobs:
        for section in job.doc.sections:
            count(section.nodes)
    assert kinds["box"] and kinds["list"] and kinds["table"] and kinds["item"] > kinds["list"]


def test_provenance_names_the_old_place(sample: tuple[History, list[Comparison], list[PdfJob]]) -> None:
    _, _, jobs = sample
    lines = [line for job in jobs if job.kind == "section" for s in job.doc.sections for line in s.provenance]
    assert any(line.startswith("Formerly ") for line in lines)
    assert any(line.startswith("Moved from ") and " to " in line for line in lines)
    assert any(line.startswith("Split from ") for line in lines)
    assert any(line.startswith("Merged from ") for line in lines)
    assert any(line.startswith("New in the ") for line in lines)


# --- rendered PDFs ------------------------------------------------------------------------------


@needs_engine
@needs_poppler
def test_section_pdf_text_metadata_and_furniture(
    sample: tuple[History, list[Comparison], list[PdfJob]], tmp_path: Path
) -> None:
    _, _, jobs = sample
    job, inserted, deleted = job_with_both(jobs)
    section: PdfSection = job.doc.sections[0]
    pdf = write(tmp_path, job)
    meta = info(pdf)
    pages = int(meta["Pages"])
    text = text_of(pdf)
    assert inserted in text and deleted in text
    first = text_of(pdf, 1)
    for furniture in ("Code of Practice on the Safe and Accountable", job.doc.old.label, job.doc.new.label,
                      job.doc.new.date_text, f"Page 1 of {pages}", section.bookmark, section.url,
                      "inserted text", "deleted text"):  # fmt: skip
        assert furniture in first, furniture
    assert section.url.startswith("https://example.org/code/concept/")
    assert f"Page {pages} of {pages}" in text_of(pdf, pages)
    assert "[inserted" not in text and "<ins" not in text  # screen-reader labels and markup stay out
    assert meta["Title"] == job.doc.title and section.bookmark in meta["Title"]
    assert meta["Author"] == "The Drafting Chairs"
    assert meta["Subject"].startswith("Changes to ") and job.doc.new.label in meta["Subject"]
    assert meta["CreationDate"].startswith("2026-01-01T00:00:00") and meta["ModDate"] == meta["CreationDate"]
    assert meta["Tagged"] == "yes"
    assert meta["Page size"].startswith("595.276 x 841.89")  # A4


@needs_engine
@needs_poppler
def test_pack_has_cover_contents_bookmarks_and_page_count(
    sample: tuple[History, list[Comparison], list[PdfJob]], tmp_path: Path
) -> None:
    pypdf = pytest.importorskip("pypdf")
    _, _, jobs = sample
    job = next(
        j
        for j in jobs
        if j.kind == "part" and j.transition == "second-draft--third-draft" and j.label.startswith("Part III")
    )
    pdf = write(tmp_path, job)
    pages = int(info(pdf)["Pages"])
    assert pages >= 4
    cover = text_of(pdf, 1)
    assert (
        "Part III" in cover
        and "Drafts compared" in cover
        and "Words added" in cover
        and "How to read" in cover
    )
    assert "Contents" in text_of(pdf, 2)
    assert f"Page {pages} of {pages}" in text_of(pdf, pages)
    outline = pypdf.PdfReader(str(pdf)).outline
    assert outline[0]["/Title"] == job.doc.sections[0].bookmark  # the part itself, level 1 …
    assert isinstance(outline[1], list)  # … with its sections nested below it
    assert [item["/Title"] for item in flatten(outline)] == [s.bookmark for s in job.doc.sections]


def flatten(items: list[object]) -> Iterator[dict[str, object]]:
    for item in items:
        if isinstance(item, list):
            yield from flatten(item)
        else:
            assert isinstance(item, dict)
            yield item


@needs_engine
def test_identical_bytes_in_and_across_processes(
    sample: tuple[History, list[Comparison], list[PdfJob]],
) -> None:
    _, _, jobs = sample
    chosen = [j for j in jobs if j.kind == "section"][:6]
    first = [render_pdf(job) for job in chosen]
    assert first == [render_pdf(job) for job in chosen]
    pooled = {job.path: data for job, data in render_many(chosen, processes=2)}
    assert first == [pooled[job.path] for job in chosen]
    assert all(data.startswith(b"%PDF-") and b"/ID" not in data for data in first)


TINY = """---
title: Tiny code
draft: {id}
label: {label}
date: {date}
---

# Part I. Safety {{#safety}}

## Measure 1.1. Logging {{#logging}}

Signatories {modal} keep logs of every flight for {days} days.

- (a) take-off and landing times;
- (b) {item}.

| Record | Kept for |
|---|---|
| Flight log | {days} days |

::: explanatory
Logs help investigations.
:::

# Part II. Reporting

Reports go to the authority.
"""


@needs_engine
def test_identical_bytes_from_fresh_interpreters(tmp_path: Path) -> None:
    """The CLI twice, with different hash seeds and process counts: every PDF byte for byte equal."""
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    for n, (modal, days, item) in enumerate(
        (("shall", 30, "battery state"), ("should", 90, "battery health"))
    ):
        text = TINY.format(
            id=f"d{n}", label=f"Draft {n}", date=f"2026-0{n + 1}-01", modal=modal, days=days, item=item
        )
        (drafts / f"d{n}.md").write_text(text, encoding="utf-8")
    outs = []
    for seed, jobs in (("1", "1"), ("2", "2")):
        out = tmp_path / f"out{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed, "SOURCE_DATE_EPOCH": str(EPOCH)}
        command = [sys.executable, "-m", "toolchain", "pdf", str(drafts), "--out", str(out), "-j", jobs]
        subprocess.run(command, check=True, capture_output=True, env=env)
        outs.append({p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*.pdf"))})
    assert set(outs[0]) == {"pdf/d0--d1/document.pdf", "pdf/d0--d1/logging.pdf", "pdf/d0--d1/part-ii.pdf",
                            "pdf/d0--d1/safety.pdf", "pdf/d0--d1/pack-safety.pdf", "pdf/d0--d1/pack-part-ii.pdf"}  # fmt: skip
    assert outs[0] == outs[1]


@needs_engine
@needs_poppler
def test_first_page_renders_with_both_marks(
    sample: tuple[History, list[Comparison], list[PdfJob]], tmp_path: Path
) -> None:
    """Smoke test through a rasteriser: the page draws, and both change colours are on it."""
    from PIL import Image

    _, _, jobs = sample
    job, _, _ = job_with_both(jobs)
    pdf = write(tmp_path, job)
    subprocess.run(
        ["pdftoppm", "-r", "60", "-f", "1", "-l", "1", "-png", str(pdf), str(tmp_path / "page")], check=True
    )
    png = next(tmp_path.glob("page*.png"))
    image = Image.open(png).convert("RGB")
    assert image.size[0] < image.size[1]  # portrait
    colours = image.getcolors(maxcolors=1 << 20) or []
    blue = sum(n for n, (r, g, b) in colours if b > 100 and b > r + 60)  # insertions
    vermilion = sum(n for n, (r, g, b) in colours if r > 120 and r > b + 60 and r > g + 30)  # deletions
    assert blue > 50 and vermilion > 50


HOSTILE = """---
title: "Hostile <script>alert(1)</script> & co"
draft: {id}
label: {label} <b>bold</b>
date: {date}
---

# Part I. Tricks <script>alert('title')</script> {{#tricks}}

Plain <script>alert("x")</script> text with **unclosed bold and `unclosed code and <div><table> tags
and [a link](javascript:alert(1)) and [ok](https://example.org/x) and {word}.

::: explanatory
A box with </div></div> closing tags and a {word} {word}.
:::

| {cols} |
|{rule}|
| {cells} |

```
{code}
```

## Measure 1.1. Wide {{#wide}}

- {word}
  - nested <img src=x onerror=alert(1)>
"""


@needs_engine
@needs_poppler
def test_hostile_text_renders_as_text(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    word = "Supercalifragilistic" * 25  # 500 letters, no break opportunity
    cols = " | ".join(f"Column{n}{'x' * 30}" for n in range(30))
    for n, (label, date, extra) in enumerate((("Old", "2026-01-01", ""), ("New", "2026-02-01", " changed"))):
        text = HOSTILE.format(
            id=f"d{n}", label=label, date=date, word=word + extra, cols=cols, rule="|".join(["---"] * 30),
            cells=" | ".join(f"cell{k}{extra}" for k in range(30)), code="x" * 400,
        )  # fmt: skip
        (tmp_path / f"d{n}.md").write_text(text, encoding="utf-8")
    config = Config(base_url="https://example.org/")
    drafts = [parse_draft(tmp_path / f"d{n}.md", config) for n in range(2)]
    history, comparisons = compare_history(drafts)
    jobs = pdf_jobs(history, comparisons, config, EPOCH)
    caplog.set_level(logging.WARNING, logger="weasyprint")
    pypdf = pytest.importorskip("pypdf")
    for job in jobs:
        pdf = write(tmp_path, job)
        text = text_of(pdf)
        assert "<script>alert" in text  # shown as text, never run or dropped
        assert word in "".join(text.split())  # the 500-letter word wraps onto several lines, whole
        assert info(pdf)["Page size"].startswith("595.276 x 841.89")
        actions = [
            a.get_object().get("/A") for p in pypdf.PdfReader(str(pdf)).pages for a in p.get("/Annots") or []
        ]
        uris = {str(action["/URI"]) for action in actions if action is not None}
        assert uris and all(uri.startswith("https://example.org/") for uri in uris), uris  # no javascript:
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], [
        r.getMessage() for r in caplog.records
    ]


@needs_engine
@needs_poppler
def test_no_engine_warnings_for_the_sample(
    sample: tuple[History, list[Comparison], list[PdfJob]], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """WeasyPrint logs CSS it ignores and layout it cannot do: the print stylesheet must cause none."""
    _, _, jobs = sample
    caplog.set_level(logging.WARNING, logger="weasyprint")
    pack = next(j for j in jobs if j.kind == "part" and j.label.startswith("Part IV"))
    write(tmp_path, pack)
    assert not caplog.records, [r.getMessage() for r in caplog.records]


# --- the real corpus --------------------------------------------------------------------------------


@needs_engine
@needs_poppler
def test_real_corpus_post_market_monitoring(tmp_path: Path) -> None:
    old, new = CORPUS / "third-draft-safety-security.md", CORPUS / "final-safety-security.md"
    if not (old.is_file() and new.is_file()):
        pytest.skip(f"real corpus not found at {CORPUS} (it lives beside the repository in shared/)")
    _, comparisons, jobs = build([old, new])
    assert len(comparisons) == 1
    job = next(j for j in jobs if j.kind == "section" and "Post-market monitoring" in j.label)
    section = job.doc.sections[0]
    ops = list(leaf_ops(section.nodes))
    inserted, deleted = plain_words(ops, "insert"), plain_words(ops, "delete")
    assert inserted and deleted
    pdf = write(tmp_path, job)
    text = text_of(pdf)
    pages = int(info(pdf)["Pages"])
    assert inserted[0] in text and deleted[0] in text
    assert "Post-market monitoring" in text_of(pdf, 1) and f"Page {pages} of {pages}" in text_of(pdf, pages)
    assert any(s.provenance for j in jobs for s in j.doc.sections if j.kind == "section")
