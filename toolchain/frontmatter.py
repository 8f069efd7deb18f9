"""YAML front matter: title, draft, label, date, source, status."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath

import yaml

from .headings import slug
from .model import Diagnostic

DRAFT_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
REQUIRED = ("title", "draft", "label", "date")
KNOWN = frozenset({*REQUIRED, "source", "status"})


@dataclass(frozen=True, slots=True)
class Meta:
    id: str
    title: str
    label: str
    date: dt.date
    source: str
    status: str
    end: int  # index of the first line after the front matter and the blank lines after it
    diagnostics: tuple[Diagnostic, ...]


def read(lines: Sequence[str], path: str) -> Meta:
    fallback = slug(PurePath(path).stem) or "draft"
    diags: list[Diagnostic] = []

    def error(line: int, message: str, code: str, severity: str = "error") -> None:
        diags.append(Diagnostic(path, line, severity, message, code))

    if not lines or lines[0].rstrip() != "---":
        error(1, "no front matter; start the file with '---', the fields title, draft, label, date, "
              "and '---'", "meta.missing")  # fmt: skip
        return Meta(fallback, "", fallback, dt.date(1970, 1, 1), "", "", 0, tuple(diags))
    close = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if close is None:
        error(1, "front matter is not closed; add a line '---' after its last field", "meta.unclosed")
        return Meta(fallback, "", fallback, dt.date(1970, 1, 1), "", "", 0, tuple(diags))
    loaded = _load("".join(lines[1:close]), error)
    fields = loaded or {}
    end = close + 1
    while end < len(lines) and not lines[end].strip():
        end += 1

    def line_of(name: str) -> int:
        for i in range(1, close):
            if lines[i].startswith(f"{name}:"):
                return i + 1
        return 1

    for name in REQUIRED if loaded is not None else ():
        if fields.get(name) in (None, ""):
            error(line_of(name), f"front matter has no '{name}'; add '{name}: …'", "meta.missing-field")
    for name in sorted(set(fields) - KNOWN):
        error(line_of(name), f"unknown front-matter field '{name}' (known: {', '.join(sorted(KNOWN))})",
              "meta.unknown-field", "warning")  # fmt: skip
    draft = str(fields.get("draft") or fallback)
    if "draft" in fields and not DRAFT_ID.fullmatch(draft):
        error(line_of("draft"), f"draft id '{draft}' must be lower-case letters, digits and hyphens "
              "(it is used in URLs)", "meta.invalid-id")  # fmt: skip
        draft = slug(draft) or fallback
    date = _date(fields.get("date"))
    if date is None:
        if fields.get("date") not in (None, ""):
            error(
                line_of("date"),
                f"date '{fields['date']}' is not an ISO date like 2025-03-11",
                "meta.invalid-date",
            )
        date = dt.date(1970, 1, 1)
    for name in ("title", "label", "source", "status"):
        if name in fields and not isinstance(fields[name], str | int | float):
            error(line_of(name), f"'{name}' must be text", "meta.invalid-field")
    return Meta(
        id=draft,
        title=_text(fields.get("title")),
        label=_text(fields.get("label")) or draft,
        date=date,
        source=_text(fields.get("source")),
        status=_text(fields.get("status")),
        end=end,
        diagnostics=tuple(diags),
    )


def _load(text: str, error: object) -> dict[str, object] | None:
    """The fields, or None (reported) when the YAML cannot be read."""
    assert callable(error)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or "invalid YAML"
        error(line, f"front matter is not valid YAML: {problem}", "meta.yaml")
        return None
    if data is None:
        return {}
    if not isinstance(data, dict):
        error(2, "front matter must be 'field: value' lines", "meta.yaml")
        return None
    return {str(k): v for k, v in data.items()}


def _date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _text(value: object) -> str:
    return "" if value is None or isinstance(value, dict | list) else str(value)
