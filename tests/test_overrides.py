"""Editor overrides: the file format, located errors, and their effect on the alignment."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolchain.align import align, history
from toolchain.errors import ConfigError
from toolchain.model import Alignment, Draft
from toolchain.overrides import load_overrides, parse_overrides, resolve
from toolchain.parse import parse_draft, parse_text

DATA = Path(__file__).resolve().parent / "data" / "align"
PATH = "drafts/alignment.yaml"


@pytest.fixture(scope="module")
def basic() -> tuple[Draft, Draft]:
    return parse_draft(DATA / "basic.old.md"), parse_draft(DATA / "basic.new.md")


def pairs(alignment: Alignment) -> dict[tuple[str | None, str | None], tuple[str, tuple[str, ...]]]:
    return {
        (p.old.short if p.old else None, p.new.short if p.new else None): (p.matched_by, p.status)
        for p in alignment.pairs
    }


def errors(text: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse_overrides(text, PATH)
    return str(caught.value).splitlines()


def resolve_errors(text: str, old: Draft, new: Draft) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        resolve(parse_overrides(text, PATH), old, new)
    return str(caught.value).splitlines()


RULES = """\
transitions:
  - from: basic-old
    to: basic-new
    pair:
      - {old: Measure 1.3, new: measure-1-1}
    forbid:
      - {old: Measure 2.2, new: Measure 1.4}
    merge:
      - old: [Commitment 2, Measure 2.2]
        new: Commitment 2
"""


def test_rules_are_applied(basic: tuple[Draft, Draft], tmp_path: Path) -> None:
    (tmp_path / "alignment.yaml").write_text(RULES, encoding="utf-8")
    overrides = load_overrides(tmp_path / "alignment.yaml")
    found = pairs(align(*basic, overrides))
    assert found[("Measure 1.3", "Measure 1.1")] == (
        "override",
        ("modified", "moved", "renamed", "renumbered"),
    )
    assert ("Measure 2.2", "Measure 1.4") not in found, "forbidden, though the text is identical"
    assert found[("Commitment 2", "Commitment 2")][0] == "override"
    assert found[("Measure 2.2", "Commitment 2")] == (
        "merge",
        ("merged", "modified", "moved", "renamed", "renumbered"),
    )
    assert found[(None, "Measure 1.4")] == ("", ("added",))


def test_a_split_names_the_continuing_part_first(basic: tuple[Draft, Draft]) -> None:
    rules = "transitions:\n  - {from: basic-old, to: basic-new, split: [{old: Measure 1.3, new: [Measure 1.1, Measure 1.4]}]}\n"
    found = pairs(align(*basic, parse_overrides(rules, PATH)))
    assert found[("Measure 1.3", "Measure 1.1")][0] == "override"
    assert found[("Measure 1.3", "Measure 1.4")][0] == "split"
    assert all("split" in status for (old, _), (_, status) in found.items() if old == "Measure 1.3")


def test_forbidding_a_key_match(basic: tuple[Draft, Draft]) -> None:
    rules = "transitions:\n  - {from: basic-old, to: basic-new, forbid: [{old: berth-safety, new: berth-safety}]}\n"
    found = pairs(align(*basic, parse_overrides(rules, PATH)))
    assert found.get(("Commitment 1", "Commitment 1"), ("",))[0] != "key"


def test_other_transitions_are_left_alone(basic: tuple[Draft, Draft]) -> None:
    rules = "transitions:\n  - {from: x, to: y, pair: [{old: Measure 1.3, new: Measure 1.1}]}\n"
    assert align(*basic, parse_overrides(rules, PATH)) == align(*basic)


def test_an_empty_file_has_no_rules() -> None:
    assert parse_overrides("", PATH).transitions == ()
    assert parse_overrides("transitions: []\n", PATH).transitions == ()


# --- located errors -----------------------------------------------------------------------------


def test_yaml_syntax_error_is_located() -> None:
    (message,) = errors("transitions:\n  - from: a\n    to: [b\n")
    assert message.startswith(f"{PATH}:4: error: not valid YAML") and message.endswith("[align.override]")


def test_shape_errors_are_all_reported_at_their_lines() -> None:
    text = """\
transitions:
  - from: a
    pair:
      - {old: X, new: Y, why: because}
    split:
      - {old: X, new: Y}
    swap: []
  - from: a
    to: b
    merge: {old: X, new: Y}
extra: 1
"""
    assert errors(text) == [
        f"{PATH}:2: error: a transition needs 'to': the id of the newer draft [align.override]",
        f"{PATH}:4: error: unknown key 'why' in a 'pair' entry; known keys: old, new [align.override]",
        f"{PATH}:6: error: 'split' takes at least 2 sections on the new side; one old section into several "
        "new ones [align.override]",
        f"{PATH}:7: error: unknown key 'swap' in a transition; known keys: from, to, pair, forbid, split, merge "
        "[align.override]",
        f"{PATH}:10: error: 'merge' must be a list of {{old: …, new: …}} entries [align.override]",
        f"{PATH}:11: error: unknown key 'extra' in the file; known keys: transitions [align.override]",
    ]


def test_a_transition_given_twice() -> None:
    text = "transitions:\n  - {from: a, to: b}\n  - {from: a, to: b}\n"
    assert errors(text) == [f"{PATH}:3: error: transition a → b is already given at line 2 [align.override]"]


def test_unknown_and_reused_sections(basic: tuple[Draft, Draft]) -> None:
    text = """\
transitions:
  - from: basic-old
    to: basic-new
    pair:
      - {old: Measure 1.3, new: Measure 9.9}
      - {old: Measure 1.3, new: Measure 1.1}
    merge:
      - {old: [Measure 2.1, Measure 1.2], new: Measure 1.1}
    forbid:
      - {old: Measure 1.3, new: Measure 1.1}
"""
    assert resolve_errors(text, *basic) == [
        f"{PATH}:5: error: no section 'Measure 9.9' in draft 'basic-new'; name it by anchor, key, or label such "
        "as 'Measure II.4.14' [align.override]",
        f"{PATH}:6: error: Measure 1.3 of 'basic-old' is already used at line 5; a section takes part in one pair, "
        "split or merge [align.override]",
        f"{PATH}:8: error: Measure 1.1 of 'basic-new' is already used at line 6; a section takes part in one pair, "
        "split or merge [align.override]",
        f"{PATH}:10: error: Measure 1.3 → Measure 1.1 is forbidden here but forced at line 6 [align.override]",
    ]


def test_a_label_that_names_two_sections_asks_for_an_anchor() -> None:
    head = "---\ntitle: T\ndraft: {}\nlabel: L\ndate: 2026-01-0{}\n---\n\n"
    body = "# Part A\n\n## Measure 1. One\n\nText one.\n\n# Part B\n\n## Measure 1. Two\n\nText two.\n"
    old, new = (
        parse_text(head.format("a", 1) + body, "drafts/a.md"),
        parse_text(head.format("b", 2) + body, "b.md"),
    )
    text = "transitions:\n  - {from: a, to: b, pair: [{old: Measure 1, new: part-b}]}\n"
    (message,) = resolve_errors(text, old, new)
    assert message.startswith(
        f"{PATH}:2: error: 'Measure 1' names 2 sections of 'a'; use one of their anchors: "
    )
    assert message.endswith("anchors: measure-1, part-b--measure-1 [align.override]")


def test_draft_ids_must_exist_and_go_forward(basic: tuple[Draft, Draft]) -> None:
    middle = parse_text(
        "---\ntitle: T\ndraft: basic-mid\nlabel: M\ndate: 2026-02-01\n---\n\n# Part I. Operations\n",
        "drafts/m.md",
    )
    text = """\
transitions:
  - from: basic-old
    to: basic-new
  - from: basic-new
    to: basic-mid
  - from: basic-old
    to: final
"""
    with pytest.raises(ConfigError) as caught:
        history([basic[1], middle, basic[0]], parse_overrides(text, PATH))
    assert str(caught.value).splitlines() == [
        f"{PATH}:4: error: 'from' must be the older draft: basic-mid does not come after basic-new (date order: "
        "basic-old → basic-mid → basic-new) [align.override]",
        f"{PATH}:7: error: unknown draft id 'final'; known: basic-old, basic-mid, basic-new [align.override]",
    ]


def test_the_documented_example_applies_to_the_real_drafts(corpus: Path) -> None:
    doc = (Path(__file__).resolve().parent.parent / "docs" / "alignment.md").read_text(encoding="utf-8")
    example = doc.split("```yaml\n", 1)[1].split("```", 1)[0]
    third = parse_draft(corpus / "third-draft-safety-security.md")
    final = parse_draft(corpus / "final-safety-security.md")
    found = pairs(align(third, final, parse_overrides(example, PATH)))
    assert found[("Measure II.4.2", "Appendix 2.2")][0] == "override"
    assert found[("Measure II.4.2", "Appendix 2.1")][0] == "split"
    assert found[("Measure II.5.1", "Measure 4.2")][0] == "merge"
    assert ("Appendix 2", "Appendix 2") not in found
