from __future__ import annotations

from pathlib import Path

import pytest

from toolchain.config import load_config
from toolchain.errors import ConfigError
from toolchain.parse import parse_text


def test_drafts_toolchain_toml_sets_kinds_and_plurals(tmp_path: Path) -> None:
    (tmp_path / "toolchain.toml").write_text(
        'kinds = ["Rule"]\nplurals = { Rule = "Rulez" }\n', encoding="utf-8"
    )
    config = load_config(tmp_path)
    text = "---\ntitle: T\ndraft: d\nlabel: L\ndate: 2026-01-01\n---\n# Rule 1. A\n\nSee Rulez 1 and 2.\n\n# Rule 2. B\n"
    draft = parse_text(text, "d.md", config)
    first = draft.sections[0]
    assert (first.kind, first.number) == ("rule", "1")
    assert first.refs[0].targets == ("rule-1", "rule-2")


def test_pyproject_tool_table_is_read(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.toolchain]\nmax_bytes = 10\n", encoding="utf-8")
    (tmp_path / "drafts").mkdir()
    assert load_config(tmp_path / "drafts").max_bytes == 10


def test_unknown_setting_is_a_located_error(tmp_path: Path) -> None:
    (tmp_path / "toolchain.toml").write_text("kindz = []\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"toolchain\.toml: error: unknown setting\(s\) kindz"):
        load_config(tmp_path)


def test_bad_number_pattern_is_reported(tmp_path: Path) -> None:
    (tmp_path / "toolchain.toml").write_text("number = '(['\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"toolchain\.toml: error: invalid number pattern"):
        load_config(tmp_path)


def test_invalid_toml_is_reported(tmp_path: Path) -> None:
    (tmp_path / "toolchain.toml").write_text("kinds = [\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="cannot read configuration"):
        load_config(tmp_path)
