"""Finding and parsing the drafts of a corpus, with every problem collected, not just the first."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import TypeVar

from .config import Config, load_config
from .errors import SourceError, ToolchainError
from .forkpool import fork_map
from .model import Diagnostic, Draft
from .parse import parse_draft


@dataclass(frozen=True, slots=True)
class Corpus:
    drafts: tuple[Draft, ...]  # readable drafts, in date order
    diagnostics: tuple[Diagnostic, ...]  # sorted by file and line
    config: Config

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity == "error")


def draft_files(args: Sequence[str]) -> list[Path]:
    """The .md files named, or found directly in the folders named (README.md excluded)."""
    files: list[Path] = []
    for arg in args:
        path = Path(arg)
        if path.is_dir():
            files.extend(sorted(p for p in path.glob("*.md") if p.name.lower() != "readme.md"))
        elif path.exists():
            files.append(path)
        else:
            raise ToolchainError(f"{arg}: error: no such file or folder")
    if not files:
        raise ToolchainError(f"{', '.join(args)}: error: no draft files (*.md) found")
    return files


Parser = Callable[[Path, Config], Draft]
T = TypeVar("T")


def load_corpus(args: Sequence[str], config: Config | None = None, parse: Parser = parse_draft) -> Corpus:
    """Every draft named or found, parsed with `parse` (publish passes one that caches by content)."""
    files = draft_files(args)
    config = config or load_config(files[0].parent)
    drafts: list[Draft] = []
    diags: list[Diagnostic] = []
    for found in parse_files(files, config, parse):
        if isinstance(found, SourceError):
            diags.append(Diagnostic(found.path, found.line, "error", found.message, found.code))
            continue
        drafts.append(found)
        diags.extend(found.diagnostics)
    diags.extend(_duplicate_ids(drafts))
    drafts.sort(key=lambda d: (d.date, d.id))
    return Corpus(tuple(drafts), tuple(sorted(set(diags))), config)


PARALLEL_BYTES = 400_000  # files smaller than this in all parse faster here than in forked children


def parse_files(
    paths: Sequence[Path], config: Config, parse: Callable[[Path, Config], T], jobs: int = 1
) -> list[T | SourceError]:
    """`parse(path, config)` for each file, or why it cannot be read: in order. Large drafts are
    parsed in `jobs` processes, in runs of consecutive files (consecutive drafts share most sections,
    parsed once per process)."""

    def one(path: Path) -> T | SourceError:
        try:
            return parse(path, config)
        except SourceError as exc:
            return exc

    sizes = [_size(path) for path in paths]
    if jobs < 2 or len(paths) < 2 or sum(sizes) < PARALLEL_BYTES:
        return [one(path) for path in paths]
    runs = _runs(sizes, min(jobs, len(paths)))
    return [
        found
        for part in fork_map(lambda k: [one(paths[i]) for i in runs[k]], len(runs), jobs)
        for found in part
    ]


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # parse reports it


def _runs(sizes: Sequence[int], count: int) -> list[range]:
    """`count` runs of consecutive indices, cut where the running total passes each equal share."""
    total, cuts, running = sum(sizes) or 1, [0], 0
    for index, size in enumerate(sizes):
        running += size
        if len(cuts) < count and running * count >= total * len(cuts) and index + 1 < len(sizes):
            cuts.append(index + 1)
    cuts.append(len(sizes))
    return [range(a, b) for a, b in pairwise(cuts) if b > a]


def _duplicate_ids(drafts: Sequence[Draft]) -> list[Diagnostic]:
    seen: dict[str, Draft] = {}
    found = []
    for draft in drafts:
        if draft.id in seen:
            found.append(
                Diagnostic(draft.path, _id_line(draft), "error", f"draft id '{draft.id}' is already used by "
                           f"{seen[draft.id].path}; give each draft its own id", "corpus.duplicate-id")
            )  # fmt: skip
        else:
            seen[draft.id] = draft
    return found


def _id_line(draft: Draft) -> int:
    for number, line in enumerate(draft.front_matter.splitlines(), start=1):
        if line.startswith("draft:"):
            return number
    return 1
