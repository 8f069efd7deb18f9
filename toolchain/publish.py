"""Gather everything, then write: parse → compare → pages → render → check → swap into the output.

- Atomic: the site is built in a folder beside the output, checked, then swapped in. A failed or
  interrupted build removes its folder and leaves the previous site as it was.
- Incremental: a stamp over every input (drafts, overrides, config, templates, code) skips a build
  that would change nothing; otherwise each page is rendered only when its content hash is new.
- Parallel: pages left to render are spread over a process pool when there are enough of them.
- Deterministic: same inputs, same bytes; `SOURCE_DATE_EPOCH` sets the build date and file times.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .errors import PublishError
from .sitecache import Cache, code_digest, sha, tree_digest

PACKAGE = Path(__file__).resolve().parent
TEMPLATES = PACKAGE.parent / "templates"
CONFIG_FILES = ("toolchain.toml", "pyproject.toml", "alignment.yaml")
Echo = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class Options:
    out: Path = Path("site")
    cache: Path = Path(".cache")
    jobs: int = 0  # 0: one per core
    progress: bool = False  # a progress bar (on a terminal)
    search: bool = True  # build the pagefind index
    check: bool = True  # link and anchor check
    pdf: bool = True  # the redline PDFs


@dataclass(slots=True)
class Result:
    out: Path
    pages: int = 0
    files: int = 0
    rendered: int = 0
    pdfs: int = 0
    pdfs_rendered: int = 0
    seconds: float = 0.0
    unchanged: bool = False
    warnings: list[str] = field(default_factory=list)
    stages: list[tuple[str, float]] = field(default_factory=list)  # (stage, seconds), for `--timings`
    _last: float = field(default_factory=time.perf_counter)

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.stages.append((stage, now - self._last))
        self._last = now

    def timings(self) -> str:
        return ", ".join(f"{stage} {seconds:.2f} s" for stage, seconds in self.stages)

    def summary(self) -> str:
        if self.unchanged:
            return f"publish: {self.out}/ is up to date (no input changed) [{self.seconds:.2f} s]"
        reused = self.pages - self.rendered
        pdfs = f", {self.pdfs} PDFs ({self.pdfs_rendered} rendered)" if self.pdfs else ""
        return (
            f"publish: wrote {self.files} files to {self.out}/: {self.pages} pages "
            f"({self.rendered} rendered, {reused} from cache){pdfs} in {self.seconds:.2f} s"
        )


def input_files(paths: Sequence[str]) -> list[Path]:
    """Every file whose bytes decide the site: drafts, their folder's config and overrides."""
    from .corpus import draft_files

    drafts = draft_files(paths)
    folders = sorted({p.parent for p in drafts})
    extra = [f / name for f in folders for name in CONFIG_FILES if (f / name).is_file()]
    extra += [f.parent / "pyproject.toml" for f in folders if (f.parent / "pyproject.toml").is_file()]
    return sorted(set(drafts + extra))


def stamp(paths: Sequence[str], options: Options) -> str:
    templates = [p for p in TEMPLATES.rglob("*") if p.is_file()]
    inputs = input_files(paths)
    return sha(
        code_digest(),
        tree_digest(templates, TEMPLATES),
        "\n".join(f"{p.resolve()}\0{sha(p.read_bytes())}" for p in inputs),
        os.environ.get("SOURCE_DATE_EPOCH", ""),
        repr((options.search, options.check, options.pdf, str(options.out.resolve()))),
    )


def _site_id(out: Path) -> str:
    try:
        info = out.stat()
    except OSError:
        return ""
    return f"{info.st_ino}:{info.st_mtime_ns}"


def publish(paths: Sequence[str], options: Options, echo: Echo = print) -> Result:
    started = time.perf_counter()
    result = Result(options.out)
    cache = Cache(options.cache)
    key = stamp(paths, options)
    last = cache.read_json("publish.json")
    if last.get("stamp") == key and last.get("site") == _site_id(options.out) and _site_id(options.out):
        result.unchanged = True
        result.seconds = time.perf_counter() - started
        return result
    from .build_site import build

    build(paths, options, cache, result, echo)
    cache.write_json("publish.json", {"stamp": key, "site": _site_id(options.out)})
    result.seconds = time.perf_counter() - started
    return result


def write_tree(folder: Path, files: dict[str, bytes]) -> None:
    from .urls import safe_path

    root = folder.resolve()
    for path, data in sorted(files.items()):
        target = (folder / safe_path(path)).resolve()
        if root not in target.parents:
            raise PublishError(f"publish: error: refusing to write {path!r} outside the site")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def set_times(folder: Path) -> None:
    """With SOURCE_DATE_EPOCH, every file and folder gets that time, so archives of the site match too."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch.isdigit():
        return
    when = int(epoch)
    for path in sorted(folder.rglob("*"), reverse=True):
        os.utime(path, (when, when), follow_symlinks=False)
    os.utime(folder, (when, when))


def remove(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
