"""The comparison as a whole: records, JSON against its schema, determinism, CLI formats."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from toolchain.cli import main
from toolchain.compare import compare_drafts, leaves
from toolchain.export import changes_csv, comparison_data, comparison_json
from toolchain.parse import parse_draft, parse_text
from toolchain.worddiff import rebuild_new, rebuild_old

from .conftest import ROOT

DRAFTS = ROOT / "drafts"
SCHEMA = json.loads(
    resources.files("toolchain").joinpath("schemas/comparison-1.0.schema.json").read_text("utf-8")
)

OLD = """---
title: T
draft: old
label: Old
date: 2026-01-01
---

# Commitment 1. Reporting

Signatories shall report incidents within 15 days, as set out in Measure 1.2.

## Measure 1.1. Logging

Operators keep a log of every flight.

## Measure 1.2. Notification

Operators notify the authority.
"""

NEW = """---
title: T
draft: new
label: New
date: 2026-02-01
---

# Commitment 1. Reporting

Signatories should report incidents within 10 working days, as set out in Measure 1.1.

## Measure 1.1. Notification

Operators notify the authority.

## Measure 1.2. Record keeping

Operators keep a log of every flight.
"""


def test_renumbered_and_reworded_sections() -> None:
    comparison = compare_drafts(parse_text(OLD, "old.md"), parse_text(NEW, "new.md"))
    by_new = {c.pair.new.short: c for c in comparison.changes if c.pair.new}
    assert by_new["Measure 1.1"].pair.old.short == "Measure 1.2"  # type: ignore[union-attr]
    assert set(by_new["Measure 1.1"].pair.status) >= {"renumbered"}
    assert by_new["Measure 1.2"].pair.old.short == "Measure 1.1"  # type: ignore[union-attr]
    assert "renamed" in by_new["Measure 1.2"].pair.status
    commitment = by_new["Commitment 1"]
    classes = set(commitment.summary.classes)
    assert {"normative", "normative.weaker", "date", "reference.renumbering"} <= classes
    assert "reference" not in classes  # "Measure 1.2" → "Measure 1.1" only followed the renumbering


def test_json_follows_the_schema_and_rebuilds_both_texts() -> None:
    old, new = parse_text(OLD, "old.md"), parse_text(NEW, "new.md")
    data = comparison_data(compare_drafts(old, new))
    jsonschema.validate(data, SCHEMA)
    for pair, change in zip(data["pairs"], compare_drafts(old, new).changes, strict=True):
        for block, diff in zip(pair["blocks"], change.blocks, strict=True):
            if diff.old is not None:
                assert rebuild_old(diff.ops) == diff.old.text
            if diff.new is not None:
                assert rebuild_new(diff.ops) == diff.new.text
            assert [op["op"] for op in block["ops"]] == [op.op for op in diff.ops]


def test_sample_drafts_json_is_valid_and_deterministic() -> None:
    first, second, third = (parse_draft(DRAFTS / f"{n}-draft.md") for n in ("first", "second", "third"))
    for old, new in ((first, second), (second, third)):
        text = comparison_json(compare_drafts(old, new))
        jsonschema.validate(json.loads(text), SCHEMA)
        assert comparison_json(compare_drafts(old, new)) == text


def test_split_and_merge_records_share_their_section() -> None:
    second, third = (parse_draft(DRAFTS / f"{n}-draft.md") for n in ("second", "third"))
    changes = compare_drafts(second, third).changes
    splits = [c.pair for c in changes if "split" in c.pair.status]
    merges = [c.pair for c in changes if "merged" in c.pair.status]
    assert splits and merges
    for pair in splits:
        assert sum(p.old is pair.old for p in splits) >= 2
    for pair in merges:
        assert sum(p.new is pair.new for p in merges) >= 2


def test_csv_has_a_row_per_record_and_neutralises_formulas() -> None:
    text = OLD.replace("# Commitment 1. Reporting", '# Commitment 1. =HYPERLINK("x")')
    comparison = compare_drafts(parse_text(text, "old.md"), parse_text(NEW, "new.md"))
    rows = changes_csv(comparison).splitlines()
    assert len(rows) == 1 + len(comparison.changes)
    assert "'=HYPERLINK" in changes_csv(comparison)


@pytest.mark.parametrize("form", ["text", "json", "markdown"])
def test_cli_diff_formats(tmp_path: Path, form: str) -> None:
    (tmp_path / "old.md").write_text(OLD, encoding="utf-8")
    (tmp_path / "new.md").write_text(NEW, encoding="utf-8")
    args = ["diff", str(tmp_path / "old.md"), str(tmp_path / "new.md"), "--format", form]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert result.stdout == CliRunner().invoke(main, args).stdout  # same input, same bytes
    if form == "json":
        jsonschema.validate(json.loads(result.stdout), SCHEMA)
    elif form == "text":
        assert "[-shall-]{+should+}" in result.stdout
    else:
        assert "<del>shall</del><ins>should</ins>" in result.stdout


def test_cli_history_follows_renumbered_measures(tmp_path: Path) -> None:
    (tmp_path / "old.md").write_text(OLD, encoding="utf-8")
    (tmp_path / "new.md").write_text(NEW, encoding="utf-8")
    result = CliRunner().invoke(main, ["history", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "measure-1-2: Measure 1.2 → Measure 1.1  Notification" in result.stdout
    data = json.loads(CliRunner().invoke(main, ["history", str(tmp_path), "--format", "json"]).stdout)
    assert [d["id"] for d in data["drafts"]] == ["old", "new"]


def test_cli_diff_missing_file_is_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["diff", str(tmp_path / "a.md"), str(tmp_path / "b.md")])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "a.md" in result.stderr


def test_memo_gives_the_same_comparison_and_survives_shifted_lines() -> None:
    old, new = parse_text(OLD, "old.md"), parse_text(NEW, "new.md")
    memo: dict = {}  # type: ignore[type-arg]
    plain = compare_drafts(old, new)
    assert compare_drafts(old, new, memo=memo) == plain
    assert memo and compare_drafts(old, new, memo=memo) == plain  # served from the memo
    shifted = parse_text(NEW.replace("# Commitment 1.", "Opening line.\n\n# Commitment 1."), "new.md")
    again = compare_drafts(old, shifted, memo=memo)
    fresh = compare_drafts(old, shifted)
    assert again == fresh
    lines = [b.new.location.line for c in again.changes for b in c.blocks if b.new is not None]
    assert lines == [b.new.location.line for c in fresh.changes for b in c.blocks if b.new is not None]


def test_merge_and_split_records_share_out_the_common_section() -> None:
    second, third = (parse_draft(DRAFTS / f"{n}-draft.md") for n in ("second", "third"))
    changes = compare_drafts(second, third).changes
    for side, status, other in (("new", "merged", "split"), ("old", "split", "merged")):
        groups: dict[int, list] = {}  # type: ignore[type-arg]
        for change in changes:
            shared = getattr(change.pair, side)
            if status in change.pair.status and other not in change.pair.status and shared is not None:
                groups.setdefault(id(shared), []).append(change)
        checked = 0
        for group in groups.values():
            section = getattr(group[0].pair, side)
            if len(group) < 2 or all(not c.blocks for c in group):
                continue
            seen = [id(getattr(b, side)) for c in group for b in c.blocks if getattr(b, side) is not None]
            assert len(seen) == len(set(seen)), "a block of the shared section is shown by two records"
            assert set(seen) == {id(block) for _, block in leaves(section)}
            checked += 1
        assert checked, status


def test_compact_json_holds_the_same_data() -> None:
    comparison = compare_drafts(parse_text(OLD, "old.md"), parse_text(NEW, "new.md"))
    compact = comparison_json(comparison, indent=None)
    assert "\n" not in compact.rstrip("\n")
    assert json.loads(compact) == json.loads(comparison_json(comparison))


def test_changes_in_a_glossary_table_are_definition_changes() -> None:
    head = "---\ntitle: T\ndraft: {id}\nlabel: L\ndate: 2026-0{m}-01\n---\n\n# Glossary\n\n"
    table = "| Term | Definition |\n|---|---|\n| operator | a person who flies {what} |\n"
    old = parse_text(head.format(id="old", m=1) + table.format(what="a drone"), "old.md")
    new = parse_text(head.format(id="new", m=2) + table.format(what="an aircraft"), "new.md")
    (change,) = compare_drafts(old, new).changes
    assert "definition" in change.summary.classes
    other = "| Severity | Deadline |\n|---|---|\n| serious | {what} |\n"
    old = parse_text(head.format(id="old", m=1) + other.format(what="fifteen minutes"), "old.md")
    new = parse_text(head.format(id="new", m=2) + other.format(what="an hour"), "new.md")
    (change,) = compare_drafts(old, new).changes
    assert "definition" not in change.summary.classes


def test_forked_workers_give_the_same_comparison_and_memo(monkeypatch: pytest.MonkeyPatch) -> None:
    from toolchain import compare as module
    from toolchain.forkpool import can_fork

    if not can_fork():
        pytest.skip("the parallel path forks, on Linux only")

    first, second = (parse_draft(DRAFTS / f"{n}-draft.md") for n in ("first", "second"))
    alignment = module.align(first, second)
    plain_memo: dict = {}  # type: ignore[type-arg]
    plain = module.compare(alignment, plain_memo)
    monkeypatch.setattr(module, "PARALLEL_WORDS", 0)  # the sample drafts are small: fork anyway
    chunks = module._chunks(alignment.pairs, 2, set())
    assert len(chunks) == 2 and sorted(i for c in chunks for i in c) == list(range(len(alignment.pairs)))
    forked_memo: dict = {}  # type: ignore[type-arg]
    assert module.compare(alignment, forked_memo, jobs=2) == plain
    assert forked_memo == plain_memo  # the worker's memo entries came back
    assert module.compare(alignment, forked_memo, jobs=2) == plain  # served from the memo
    # What the memo has costs nothing: a comparison it fully knows is not worth a fork.
    everything = set(range(len(alignment.pairs)))
    monkeypatch.setattr(module, "PARALLEL_WORDS", len(everything) + 1)
    assert len(module._chunks(alignment.pairs, 2, everything)) == 1
    assert len(module._chunks(alignment.pairs, 2, set())) == 2


def test_fork_map_keeps_order_and_raises_a_worker_error() -> None:
    from toolchain.forkpool import fork_map

    assert fork_map(lambda k: k * k, 4, jobs=2) == [0, 1, 4, 9]
    assert fork_map(lambda k: k, 3, jobs=1) == [0, 1, 2]

    def fail(k: int) -> int:
        if k == 1:
            raise ValueError("chunk 1 failed")
        return k

    with pytest.raises(ValueError, match="chunk 1 failed") as raised:  # as raised, with where
        fork_map(fail, 2, jobs=2)
    assert any("forked worker" in note for note in getattr(raised.value, "__notes__", ()))
    assert fork_map(lambda k: k, 5, jobs=2) == [0, 1, 2, 3, 4]  # more chunks than processes


def test_fork_map_leaves_no_child_behind(monkeypatch: pytest.MonkeyPatch) -> None:
    """Children still exiting when their result arrived are reaped later, not left as zombies."""
    import os
    import time

    from toolchain import forkpool

    if not forkpool.can_fork():
        pytest.skip("forks on Linux only")
    forked: list[int] = []
    fork = forkpool._fork

    def recorded(work: Any, chunk: int) -> tuple[int, int]:
        child = fork(work, chunk)
        forked.append(child[0])
        return child

    monkeypatch.setattr(forkpool, "_fork", recorded)
    for _ in range(3):
        assert forkpool.fork_map(lambda k: k, 2, jobs=2) == [0, 1]
    deadline = time.monotonic() + 10
    while forkpool._EXITING and time.monotonic() < deadline:
        time.sleep(0.01)
        forkpool.reap()
    assert len(forked) == 3 and not forkpool._EXITING
    for pid in forked:  # each one collected: not even a zombie is left
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


def test_fork_map_raises_a_childs_expected_error_as_itself() -> None:
    """A one-line error (exit 1) raised in a child stays one, not an internal error."""
    from toolchain.errors import PublishError
    from toolchain.forkpool import can_fork, fork_map

    if not can_fork():
        pytest.skip("forks on Linux only")

    def fail(k: int) -> int:
        if k == 1:
            raise PublishError("publish: error: page 1 cannot be written")
        return k

    with pytest.raises(PublishError, match="page 1 cannot be written"):
        fork_map(fail, 2, jobs=2)
