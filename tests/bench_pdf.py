"""`make bench` (PDF part): section PDFs per second on 1 and 2 processes, the full PDF set cold, and
what a one-section edit re-renders, for the sample drafts and the real corpus.

Target (issue 5): at least 20 section PDFs per second on 2 cores; a one-section edit re-renders only
that section's PDFs and the packs (and whole-document redlines) that contain it. One run each; the
machine is noisy, so read the figures as ratios. `python -m tests.bench_pdf sample` runs one corpus.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from toolchain.compare import compare_drafts, compare_history
from toolchain.config import Config
from toolchain.corpus import load_corpus
from toolchain.pdf import PdfJob, pdf_jobs, render_many
from toolchain.pdf_engine import warm

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "gpai"
EPOCH = 1767225600


def jobs_for(paths: Sequence[Path]) -> list[PdfJob]:
    corpus = load_corpus([str(p) for p in paths], Config(base_url="https://example.org/"))
    history, comparisons = compare_history(corpus.drafts)
    found = list(comparisons)
    if len(corpus.drafts) > 2:
        found.append(compare_drafts(corpus.drafts[0], corpus.drafts[-1]))
    return pdf_jobs(history, found, corpus.config, EPOCH)


def render(jobs: Sequence[PdfJob], processes: int) -> tuple[float, int]:
    start = time.perf_counter()
    size = sum(len(data) for _, data in render_many(jobs, processes))
    return time.perf_counter() - start, size


def row(label: str, *cells: object) -> None:
    print(f"  {label:<44}" + "".join(f"{c:>10}" for c in cells))


def bench(name: str, paths: Sequence[Path], edit: tuple[str, str]) -> None:
    start = time.perf_counter()
    jobs = jobs_for(paths)
    planned = time.perf_counter() - start
    sections = [j for j in jobs if j.kind == "section"]
    print(f"\n{name}: {len(jobs)} PDFs ({len(sections)} sections); planning (compare + jobs) {planned:.2f} s")
    row("", "PDFs", "seconds", "PDFs/s", "MB")
    for processes in (1, 2):
        seconds, size = render(sections, processes)
        row(
            f"section PDFs, {processes} process(es)",
            len(sections),
            f"{seconds:.2f}",
            f"{len(sections) / seconds:.1f}",
            f"{size / 1e6:.1f}",
        )
    seconds, size = render(jobs, 2)
    row(
        "full set cold, 2 processes",
        len(jobs),
        f"{seconds:.2f}",
        f"{len(jobs) / seconds:.1f}",
        f"{size / 1e6:.1f}",
    )
    with tempfile.TemporaryDirectory() as tmp:
        copies = []
        for path in paths:
            shutil.copy(path, Path(tmp) / path.name)
            copies.append(Path(tmp) / path.name)
        target = copies[-1]
        marker, insert = edit
        text = target.read_text(encoding="utf-8")
        body = text.index("\n\n", text.index(marker)) + 2
        target.write_text(text[:body] + insert + text[body:], encoding="utf-8")
        after = jobs_for(copies)
    old = {j.path: j.digest for j in jobs}
    todo = [j for j in after if old.get(j.path) != j.digest]
    seconds, size = render(todo, 2)
    kinds = ", ".join(f"{sum(j.kind == k for j in todo)} {k}" for k in ("section", "part", "document"))
    row(f"one-section edit: {kinds}", len(todo), f"{seconds:.2f}", "", f"{size / 1e6:.1f}")


def main(which: Sequence[str]) -> None:
    warm()
    if not which or "sample" in which:
        drafts = sorted((ROOT / "drafts").glob("*.md"))
        bench(
            "sample drafts (3 drafts, 3 transitions)",
            drafts,
            ("## Measure 3.2.", "Icing counts as adverse weather. "),
        )
    if not which or "real" in which:
        pair = [CORPUS / "third-draft-safety-security.md", CORPUS / "final-safety-security.md"]
        if not all(p.is_file() for p in pair):
            print(f"\nreal corpus: skipped, {CORPUS} not found")
            return
        bench(
            "real corpus (third draft → final, Safety and Security)",
            pair,
            ("### Measure 3.5. Post-market monitoring", "Providers keep records. "),
        )


if __name__ == "__main__":
    main(sys.argv[1:])
