"""Finding and parsing the drafts of a corpus, with every problem collected, not just the first."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .config import Config, load_config
from .errors import SourceError, ToolchainError
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


def load_corpus(args: Sequence[str], config: Config | None = None, parse: Parser = parse_draft) -> Corpus:
    """Every draft named or found, parsed with `parse` (publish passes one that caches by content)."""
    files = draft_files(args)
    config = config or load_config(files[0].parent)
    drafts: list[Draft] = []
    diags: list[Diagnostic] = []
    for path in files:
        try:
            draft = parse(path, config)
        except SourceError as exc:
            diags.append(Diagnostic(exc.path, exc.line, "error", exc.message, exc.code))
            continue
        drafts.append(draft)
        diags.extend(draft.diagnostics)
    diags.extend(_duplicate_ids(drafts))
    drafts.sort(key=lambda d: (d.date, d.id))
    return Corpus(tuple(drafts), tuple(sorted(set(diags))), config)


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
