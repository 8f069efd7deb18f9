"""The command line as an editor meets it: exit codes, one-line errors, tracebacks only for bugs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from toolchain import parse
from toolchain.cli import main

from .conftest import FIXTURES

GOOD = "---\ntitle: T\ndraft: {id}\nlabel: L\ndate: 2026-01-0{day}\n---\n\n# Commitment 1. A\n\nText.\n"


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_check_clean_corpus_exits_0(tmp_path: Path) -> None:
    write(tmp_path, "a.md", GOOD.format(id="a", day=1))
    write(tmp_path, "b.md", GOOD.format(id="b", day=2))
    result = CliRunner().invoke(main, ["check", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr == "2 drafts checked: 0 errors, 0 warnings\n"


def test_check_reports_every_problem_sorted_and_exits_1(tmp_path: Path) -> None:
    write(
        tmp_path,
        "a.md",
        GOOD.format(id="same", day=1) + "\n## Measure 1.1. X {#k}\n\n## Measure 1.3. Y {#k}\n",
    )
    write(tmp_path, "b.md", GOOD.format(id="same", day=2))
    result = CliRunner().invoke(main, ["check", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{tmp_path}/a.md:14: error: duplicate section key 'k' (first at line 12); keys name one section each [parse.duplicate-key]",
        f"{tmp_path}/a.md:14: warning: Measure 1.3 follows Measure 1.1; check the numbering [parse.sequence]",
        f"{tmp_path}/b.md:3: error: draft id 'same' is already used by {tmp_path}/a.md; give each draft its own id [corpus.duplicate-id]",
    ]


def test_check_strict_fails_on_warnings(tmp_path: Path) -> None:
    write(tmp_path, "a.md", GOOD.format(id="a", day=1) + "\nSee Commitment 7.\n")
    assert CliRunner().invoke(main, ["check", str(tmp_path)]).exit_code == 0
    assert CliRunner().invoke(main, ["check", "--strict", str(tmp_path)]).exit_code == 1


def test_check_unreadable_draft_is_reported_with_the_others(tmp_path: Path) -> None:
    (tmp_path / "bad.md").write_bytes(b"\xff\xfe")
    write(tmp_path, "good.md", GOOD.format(id="g", day=1))
    result = CliRunner().invoke(main, ["check", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stdout == (
        f"{tmp_path}/bad.md:1: error: not UTF-8: byte 0xff at offset 0; save the file as UTF-8 [read.encoding]\n"
    )
    assert "1 drafts checked" in result.stderr


def test_missing_path_is_one_line_and_exit_1(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["check", str(tmp_path / "nope")])
    assert result.exit_code == 1
    assert result.stderr == f"{tmp_path / 'nope'}: error: no such file or folder\n"


def test_tree_prints_the_golden_dump() -> None:
    result = CliRunner().invoke(main, ["tree", str(FIXTURES / "parse" / "basic.md")])
    assert result.exit_code == 0
    golden = (FIXTURES / "parse" / "basic.tree").read_text(encoding="utf-8")
    assert result.stdout.splitlines()[1:] == golden.splitlines()[1:]


def test_a_bug_prints_a_traceback_and_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(parse, "parse_text", broken)
    write(tmp_path, "a.md", GOOD.format(id="a", day=1))
    result = CliRunner().invoke(main, ["tree", str(tmp_path / "a.md")])
    assert result.exit_code == 2
    assert "Traceback" in result.stderr and "RuntimeError: boom" in result.stderr
    assert "internal error (a bug)" in result.stderr


def test_python_dash_m_entry_point(tmp_path: Path) -> None:
    write(tmp_path, "a.md", GOOD.format(id="a", day=1))
    done = subprocess.run(
        [sys.executable, "-m", "toolchain", "check", str(tmp_path)], capture_output=True, text=True
    )
    assert done.returncode == 0
    assert done.stderr == "1 drafts checked: 0 errors, 0 warnings\n"
