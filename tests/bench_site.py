"""`make bench` (site part): cold publish, no-op rebuild and one-section edit, through the real CLI.

Targets (issue 4): real corpus cold < 5 s on 2 cores, no-op < 0.3 s, one-section edit < 1 s.
Each figure is one run of `toolchain publish` as a process (start-up included); the machine is noisy.
The drafts, site and cache live in a folder beside the repository, as with `make publish`.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "gpai"
TOOLCHAIN = Path(sys.executable).parent / "toolchain"


def publish(drafts: Path, out: Path) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(
        [
            str(TOOLCHAIN),
            "publish",
            str(drafts),
            "--out",
            str(out / "site"),
            "--cache",
            str(out / "cache"),
            "--timings",
            "--no-pdf",  # the site targets are without PDFs; tests.bench_pdf measures those
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return seconds, "\n".join(done.stderr.strip().splitlines()[-2:])


def edit_one_section(drafts: Path) -> None:
    """Change one word in the last draft's longest paragraph."""
    last = sorted(drafts.glob("*.md"))[-1]
    lines = last.read_text(encoding="utf-8").splitlines(keepends=True)
    longest = max(
        range(len(lines)), key=lambda n: len(lines[n]) if not lines[n].startswith(("#", "|")) else 0
    )
    lines[longest] = lines[longest].replace(" the ", " this ", 1)
    last.write_text("".join(lines), encoding="utf-8")


def bench(name: str, files: list[Path]) -> None:
    # Beside the repository, where `make publish` writes site/ and .cache/ (on this machine /tmp is
    # 5-15× slower at creating files and folders, which would dominate an edit's timing).
    with tempfile.TemporaryDirectory(dir=ROOT, prefix=".bench-") as tmp:
        drafts = Path(tmp) / "drafts"
        drafts.mkdir()
        for n, path in enumerate(files):
            shutil.copy(path, drafts / f"{n}-{path.name}")  # names keep the date order readable
        overrides = files[0].parent / "alignment.yaml"
        if overrides.is_file():
            shutil.copy(overrides, drafts / overrides.name)
        cold, _ = publish(drafts, Path(tmp))
        noop, _ = publish(drafts, Path(tmp))
        edit_one_section(drafts)
        edit, summary = publish(drafts, Path(tmp))
    print(f"  {name:<28} cold {cold:6.2f} s   no-op {noop:6.2f} s   one-section edit {edit:6.2f} s")
    for line in summary.splitlines():
        print(f"  {'':<28} after the edit: {line.removeprefix('publish: ')}")


def main() -> None:
    print("\npublish (targets: real corpus cold < 5 s, no-op < 0.3 s, one-section edit < 1 s)")
    bench("sample drafts (3)", sorted((ROOT / "drafts").glob("*.md")))
    real = [CORPUS / "third-draft-safety-security.md", CORPUS / "final-safety-security.md"]
    if all(p.is_file() for p in real):
        bench("real corpus (S&S, 2 drafts)", real)
    else:
        print(f"  real corpus not found at {CORPUS}: skipped")


if __name__ == "__main__":
    main()
