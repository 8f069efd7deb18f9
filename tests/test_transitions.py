"""Which transitions the site publishes: consecutive pairs, first → latest, and configured extras."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolchain.config import load_config
from toolchain.errors import ConfigError, PublishError
from toolchain.parse import parse_text
from toolchain.sitebuild import transitions

TEXT = (
    "---\ntitle: T\ndraft: {id}\nlabel: {id}\ndate: 2026-01-0{day}\n---\n\n# Commitment 1. A\n\nText {id}.\n"
)
DRAFTS = tuple(parse_text(TEXT.format(id=i, day=d), f"{i}.md") for d, i in enumerate("abcd", start=1))


def ids(extra: tuple[tuple[str, str], ...] = ()) -> list[str]:
    _, found = transitions(DRAFTS, None, None, extra)
    return [t.id for t in found]


def test_consecutive_pairs_then_first_to_latest() -> None:
    assert ids() == ["a--b", "b--c", "c--d", "a--d"]


def test_configured_pairs_are_added_once() -> None:
    assert ids((("a", "c"), ("b", "c"), ("a", "c"))) == ["a--b", "b--c", "c--d", "a--d", "a--c"]


def test_configured_pair_with_an_unknown_draft_is_an_error() -> None:
    with pytest.raises(
        PublishError, match="configured transition a → z: no draft 'z' \\(drafts: a, b, c, d\\)"
    ):
        ids((("a", "z"),))


def test_configured_pair_must_go_forward_in_time() -> None:
    with pytest.raises(PublishError, match="'c' is not older"):
        ids((("c", "a"),))


def test_transitions_are_read_from_the_config(tmp_path: Path) -> None:
    (tmp_path / "toolchain.toml").write_text('transitions = [["a", "c"]]\n', encoding="utf-8")
    assert load_config(tmp_path).transitions == (("a", "c"),)
    (tmp_path / "toolchain.toml").write_text('transitions = ["a", "c"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="must be a list of \\[old, new\\] draft ids"):
        load_config(tmp_path)
