"""`make bench`: timings printed side by side with the alternative each issue names.

Timing lives here, never in test assertions. Each figure is the median of a few runs on this machine;
read them as ratios. Run one part with `python -m tests.bench compare` (parts: parse, compare, scale).
"""

from __future__ import annotations

import difflib
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "gpai"
DRAFTS = ROOT / "drafts"
JOBS = os.cpu_count() or 1


def cold() -> None:
    """Forget what the toolchain memoised (its bounded caches), so that every timed run starts as a new
    process would; what is built once per process (parsers, templates, patterns) stays built."""
    for module in [m for name, m in sorted(sys.modules.items()) if name.startswith("toolchain.")]:
        for value in vars(module).values():
            info = getattr(value, "cache_info", None)
            if info is not None and info().maxsize is not None:
                value.cache_clear()


def timed(func: Callable[[], object], runs: int = 3) -> float:
    """Median wall time of `runs` calls, in seconds, each from cold caches."""
    times = []
    for _ in range(runs):
        cold()
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def row(*cells: object) -> None:
    print("  " + "  ".join(f"{c:>14}" if not isinstance(c, str) else f"{c:<14}" for c in cells))


def bench_parse() -> None:
    from toolchain.parse import parse_draft

    print("\nparse (one draft, median of 5)")
    row("file", "words", "seconds", "words/s")
    for path in [*sorted(DRAFTS.glob("*.md")), *sorted(CORPUS.glob("*.md"))]:
        if path.name == "README.md":
            continue
        draft = parse_draft(path)
        seconds = timed(lambda p=path: parse_draft(p), 5)  # type: ignore[misc]
        row(path.name[:14], draft.words, f"{seconds:.3f}", f"{draft.words / seconds:,.0f}")


def bench_compare() -> None:
    from toolchain.align import align
    from toolchain.compare import compare
    from toolchain.parse import parse_draft

    print("\nreal comparison: third draft → final Safety and Security chapter (target < 1 s, one core)")
    if not CORPUS.is_dir():
        print(f"  skipped: {CORPUS} not found")
        return
    old = parse_draft(CORPUS / "third-draft-safety-security.md")
    new = parse_draft(CORPUS / "final-safety-security.md")
    alignment_s = timed(lambda: align(old, new))
    whole_s = timed(lambda: compare(align(old, new)))
    parse_s = timed(lambda: (parse_draft(old.path), parse_draft(new.path)))
    row("stage", "seconds")
    row("parse both", f"{parse_s:.3f}")
    row("align", f"{alignment_s:.3f}")
    row("align+diff+cls", f"{whole_s:.3f}")
    row("total", f"{parse_s + whole_s:.3f}")


# --- synthetic documents at scale ---------------------------------------------------------------

WORDS = re.compile(r"\S+")


def sentence_pool() -> list[str]:
    """Sentences of our own sample drafts: policy-like prose to build big documents from."""
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted(DRAFTS.glob("*.md")))
    prose = [line for line in text.splitlines() if line and line[0].isalpha() and len(line) > 80]
    return sorted({s.strip() for line in prose for s in re.split(r"(?<=[.;])\s+", line) if len(s) > 40})


def synthetic_pair(words: int, seed: int = 1) -> tuple[str, str]:
    """An old draft of about `words` words and a new one: reworded, moved, deleted and added measures.

    Sentences come from our sample drafts; each measure also gets topic words of its own (made-up
    words), as real sections have their own subject matter. Without them, every one of the ~380
    sentences would recur in hundreds of sections past 100k words, and each section would share its
    rarest terms with most others, which no real document does.
    """
    rng = random.Random(seed)
    pool = sentence_pool()
    measures: list[list[str]] = []
    count = 0
    while count < words:
        topic = [_pseudo_word(rng) for _ in range(8)]
        paragraphs = [_topical(" ".join(rng.sample(pool, 3)), topic, rng) for _ in range(rng.randint(2, 4))]
        measures.append(paragraphs)
        count += sum(len(p.split()) for p in paragraphs)
    evolved: list[list[str]] = []
    for paragraphs in measures:
        roll = rng.random()
        if roll < 0.02:
            continue  # removed
        if roll < 0.04:
            topic = [_pseudo_word(rng) for _ in range(8)]
            evolved.append([_topical(" ".join(rng.sample(pool, 3)), topic, rng)])  # added
        evolved.append([_reword(p, rng) if rng.random() < 0.2 else p for p in paragraphs])
    for _ in range(len(evolved) // 50):  # a few moves
        evolved.insert(rng.randrange(len(evolved)), evolved.pop(rng.randrange(len(evolved))))
    return _document(measures, "old"), _document(evolved, "new")


SYLLABLES = ("ka", "ro", "ven", "tal", "mi", "sor", "de", "lun", "pa", "tri", "gos", "el", "nar", "fi", "bu")


def _pseudo_word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))


def _topical(paragraph: str, topic: list[str], rng: random.Random) -> str:
    """The paragraph with about one word in eight replaced by one of its measure's topic words."""
    words = paragraph.split()
    for _ in range(len(words) // 8):
        words[rng.randrange(len(words))] = rng.choice(topic)
    return " ".join(words)


def _reword(paragraph: str, rng: random.Random) -> str:
    words = paragraph.split()
    for _ in range(max(1, len(words) // 10)):
        i = rng.randrange(len(words))
        words[i] = rng.choice(["shall", "should", "may", "promptly", "annual", "30 days", "operators"])
    return " ".join(words)


def _document(measures: list[list[str]], draft: str) -> str:
    out = [
        f"---\ntitle: Synthetic\ndraft: {draft}\nlabel: {draft}\ndate: 2026-01-0{1 if draft == 'old' else 2}\n---\n"
    ]
    for index, paragraphs in enumerate(measures):
        if index % 8 == 0:
            out.append(f"\n# Commitment {index // 8 + 1}. Commitment on topic {index // 8 + 1}\n")
        out.append(f"\n## Measure {index // 8 + 1}.{index % 8 + 1}. Measure title {index}\n")
        out.extend(f"\n{p}\n" for p in paragraphs)
    return "".join(out)


def difflib_words(old: str, new: str, autojunk: bool = False) -> None:
    """Without autojunk, difflib finds the longest matches; with it (its default, for sequences over
    200 items) words in more than 1 % of the new text cannot anchor a match, which is faster but
    leaves common words unmatched: most of a policy text."""
    matcher = difflib.SequenceMatcher(None, old.split(), new.split(), autojunk=autojunk)
    matcher.get_opcodes()


def git_word_diff(old_path: Path, new_path: Path) -> None:
    subprocess.run(
        ["git", "diff", "--no-index", "--word-diff", str(old_path), str(new_path)],
        capture_output=True,
        check=False,
    )


def cli_diff(old_path: Path, new_path: Path) -> None:
    """`toolchain diff --format json`, as a user runs it: Python's start and imports included."""
    subprocess.run(
        [sys.executable, "-m", "toolchain", "diff", "--format", "json", str(old_path), str(new_path)],
        capture_output=True,
        check=True,
        cwd=ROOT,
    )


def bench_scale() -> None:
    from toolchain.align import align, read_drafts
    from toolchain.compare import PARALLEL_WORDS, compare
    from toolchain.config import Config
    from toolchain.corpus import PARALLEL_BYTES

    def read(paths: list[Path]) -> list[Any]:
        return [found for found in read_drafts(paths, Config(), JOBS) if not isinstance(found, Exception)]

    def whole(paths: list[Path]) -> object:
        """What `toolchain diff OLD NEW` does, output aside."""
        (old, old_terms), (new, new_terms) = read(paths)
        return compare(align(old, new, terms=(old_terms, new_terms)), jobs=JOBS)

    print("\nsynthetic pair: our whole comparison vs difflib (words, whole document) vs git --word-diff")
    print(
        f"  read: parse each file and count its terms ({JOBS} processes past {PARALLEL_BYTES:,} bytes);"
        f" compare: word diffs ({JOBS} processes past {PARALLEL_WORDS:,} words); ours: all three in a row"
    )
    print("  targets at 100k words: ≥ 100× faster than difflib, within 20× of git; cost about linear")
    print(
        "  difflib: exact (autojunk off; the ratio column); difflib junk: its default heuristic, faster, inexact"
    )
    print(
        "  cli: `toolchain diff --format json` as a process (Python's start, imports and JSON included), as git is"
    )
    row(
        "words", "read s", "align s", "compare s", "ours s", "difflib s", "difflib junk s", "git s",
        "difflib/ours", "ours/git", "cli s", "cli/git",
    )  # fmt: skip
    sizes = [10_000, 30_000, 100_000, 300_000]
    difflib_limit = int(os.environ.get("BENCH_DIFFLIB_MAX", "100000"))
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            old_text, new_text = synthetic_pair(size)
            paths = [Path(tmp) / "old.md", Path(tmp) / "new.md"]
            for path, text in zip(paths, (old_text, new_text), strict=True):
                path.write_text(text, encoding="utf-8")
            runs = 3 if size <= 100_000 else 1
            (old, old_terms), (new, new_terms) = read(paths)
            alignment = align(old, new, terms=(old_terms, new_terms))
            read_s = timed(lambda p=paths: read(p), runs)  # type: ignore[misc]
            align_s = timed(lambda o=old, n=new, t=(old_terms, new_terms): align(o, n, terms=t), runs)  # type: ignore[misc]
            compare_s = timed(lambda a=alignment: compare(a, jobs=JOBS), runs)  # type: ignore[misc]
            ours_s = timed(lambda p=paths: whole(p), runs)  # type: ignore[misc]
            git_s = timed(lambda p=paths: git_word_diff(*p), 3)  # type: ignore[misc]
            cli_s = timed(lambda p=paths: cli_diff(*p), 3)  # type: ignore[misc]
            if size <= difflib_limit:
                difflib_s = timed(lambda o=old_text, n=new_text: difflib_words(o, n), 1)  # type: ignore[misc]
                junk_s = timed(lambda o=old_text, n=new_text: difflib_words(o, n, True), 1)  # type: ignore[misc]
                ratio = f"{difflib_s / ours_s:.0f}×"
                difflib_cell, junk_cell = f"{difflib_s:.2f}", f"{junk_s:.2f}"
            else:
                difflib_cell, junk_cell, ratio = "skipped", "skipped", "—"
            cells = (f"{read_s:.3f}", f"{align_s:.3f}", f"{compare_s:.3f}", f"{ours_s:.3f}")
            row(
                f"{size:,}", *cells, difflib_cell, junk_cell, f"{git_s:.3f}", ratio, f"{ours_s / git_s:.1f}×",
                f"{cli_s:.3f}", f"{cli_s / git_s:.0f}×",
            )  # fmt: skip


PARTS: dict[str, Callable[[], None]] = {"parse": bench_parse, "compare": bench_compare, "scale": bench_scale}


def main(argv: list[str]) -> None:
    from toolchain.cli import tune_gc

    tune_gc()  # as every `toolchain` command does
    chosen = argv or list(PARTS)
    print(f"toolchain bench · {os.cpu_count()} cores · Python {sys.version.split()[0]}")
    for name in chosen:
        PARTS[name]()


if __name__ == "__main__":
    main(sys.argv[1:])
