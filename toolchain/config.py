"""Parser configuration as data: section kinds, number patterns, limits.

Read from `[tool.toolchain]` in a pyproject.toml or from `toolchain.toml` in the drafts folder
(the latter wins). Every key is optional; the defaults cover the EU Code's drafts.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError

DEFAULT_KINDS: tuple[str, ...] = (
    "Part",
    "Chapter",
    "Section",
    "Commitment",
    "Measure",
    "Sub-Measure",
    "KPI",
    "Recital",
    "Appendix",
    "Annex",
    "Article",
)
IRREGULAR_PLURALS = {"Appendix": "Appendices", "Annex": "Annexes"}
# Roman or arabic or one capital letter, then dotted arabic/roman/small-letter parts: II.4.14, 3.5, A.2
DEFAULT_NUMBER = r"(?:[IVXLCDM]+|\d+|[A-Z])(?:\.(?:\d+|[IVXLCDM]+|[a-z]))*"


@dataclass(frozen=True, slots=True)
class Config:
    kinds: tuple[str, ...] = DEFAULT_KINDS
    plurals: dict[str, str] = field(default_factory=lambda: dict(IRREGULAR_PLURALS))
    number: str = DEFAULT_NUMBER
    max_bytes: int = 5_000_000
    site_title: str = ""
    base_url: str = ""
    author: str = ""
    transitions: tuple[tuple[str, str], ...] = ()  # extra (old id, new id) pairs the site compares

    def plural(self, kind: str) -> str:
        return self.plurals.get(kind, kind + "s")


def load_config(drafts: Path) -> Config:
    """The configuration that applies to the drafts in folder `drafts`."""
    folder = drafts if drafts.is_dir() else drafts.parent
    own = folder / "toolchain.toml"
    if own.is_file():
        return _from_table(_read_toml(own), str(own))
    for candidate in (folder / "pyproject.toml", folder.parent / "pyproject.toml"):
        if candidate.is_file():
            table = _read_toml(candidate).get("tool", {}).get("toolchain")
            if isinstance(table, dict):
                return _from_table(table, f"{candidate} [tool.toolchain]")
    return Config()


def _pairs(value: Any, where: str) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, list) or not all(
        isinstance(p, list) and len(p) == 2 and all(isinstance(i, str) for i in p) for p in value
    ):
        raise ConfigError(
            f'{where}: error: \'transitions\' must be a list of [old, new] draft ids, e.g. [["first-draft", "third-draft"]]'
        )
    return tuple((old, new) for old, new in value)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: error: cannot read configuration: {exc}") from exc


def _from_table(table: dict[str, Any], where: str) -> Config:
    known = {"kinds", "plurals", "number", "max_bytes", "site_title", "base_url", "author", "transitions"}
    unknown = sorted(set(table) - known)
    if unknown:
        raise ConfigError(f"{where}: error: unknown setting(s) {', '.join(unknown)}; known: {sorted(known)}")
    defaults = Config()
    kinds = table.get("kinds", list(defaults.kinds))
    if not isinstance(kinds, list) or not all(isinstance(k, str) and k.strip() for k in kinds):
        raise ConfigError(f"{where}: error: 'kinds' must be a list of words")
    plurals = {**IRREGULAR_PLURALS, **table.get("plurals", {})}
    config = Config(
        kinds=tuple(kinds),
        plurals=plurals,
        number=str(table.get("number", defaults.number)),
        max_bytes=int(table.get("max_bytes", defaults.max_bytes)),
        site_title=str(table.get("site_title", "")),
        base_url=str(table.get("base_url", "")),
        author=str(table.get("author", "")),
        transitions=_pairs(table.get("transitions", []), where),
    )
    try:
        re.compile(config.number)
    except re.error as exc:
        raise ConfigError(f"{where}: error: invalid number pattern {config.number!r}: {exc}") from exc
    return config
