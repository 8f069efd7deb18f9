"""Change classes: per hunk, from the patterns each side's text holds around it."""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from toolchain import patterns
from toolchain.classify import CLASSES, classify_blocks, classify_ops, hunk_classes, summarize
from toolchain.model import Block, BlockDiff, DiffOp, Location, SectionSummary
from toolchain.worddiff import diff_words


def classes(
    old: str, new: str, renumbered: dict[str, str] | None = None, **kw: bool
) -> list[tuple[str, ...]]:
    return hunk_classes(classify_ops(diff_words(old, new), renumbered, **kw))


def test_golden_modal_and_deadline() -> None:
    ops = classify_ops(
        diff_words(
            "Signatories shall report within 15 days.", "Signatories should report within 10 working days."
        )
    )
    weaker, date = ("normative", "normative.weaker"), ("date", "number")
    assert ops == (
        DiffOp("equal", "Signatories "),
        DiffOp("delete", "shall", weaker),
        DiffOp("insert", "should", weaker),
        DiffOp("equal", " report within "),
        DiffOp("delete", "15", date),
        DiffOp("insert", "10 working", date),
        DiffOp("equal", " days."),
    )


def test_normative_direction() -> None:
    weaker, stronger = [("normative", "normative.weaker")], [("normative", "normative.stronger")]
    assert classes("Signatories will publish it.", "Signatories may publish it.") == weaker
    assert classes("Signatories must publish it.", "Signatories may publish it.") == weaker
    assert classes("Signatories commit to publish it.", "Signatories endeavour to publish it.") == weaker
    assert classes("Signatories are required to publish it.", "Signatories should publish it.") == weaker
    assert classes("Signatories publish it.", "Signatories publish it, where appropriate.") == weaker
    assert classes("Signatories may publish it.", "Signatories shall publish it.") == stronger
    assert classes("Signatories publish it where feasible.", "Signatories publish it.") == stronger


def test_normative_without_a_clear_direction() -> None:
    assert classes("Signatories shall report it.", "Signatories shall not report it.") == [("normative",)]
    assert classes("Signatories may publish.", "Signatories can publish.") == [("normative",)]
    assert classes("Report at least the risks.", "Report the risks.") == [("normative",)]


def test_a_new_block_is_normative_but_weakens_nothing() -> None:
    (op,) = classify_ops((DiffOp("insert", "Signatories may, where appropriate, publish it."),))
    assert op.classes == ("normative",)


def test_same_modal_in_a_rewritten_phrase_is_not_normative() -> None:
    assert classes(
        "The provider shall notify the AI Office.", "The Signatory shall inform the Commission."
    ) == [
        ("text",),
        ("text",),
    ]


def test_numbers_and_dates() -> None:
    assert classes("a fine of €10 million", "a fine of €15 million") == [("number",)]
    assert classes("at most 25 kg", "at most 30 kg") == [("number",)]
    assert classes("by 2 August 2025", "by 2 August 2026") == [("date", "number")]
    assert classes("no later than four weeks", "no later than six weeks") == [("date", "number")]
    assert classes("Signatories shall report.", "Signatories shall report by 2027.") == [("date", "number")]
    assert classes("within 15 days", "within 15 calendar days") == [("date",)]
    assert classes("published in May 2025", "published in June 2025") == [("date",)]
    assert classes("Signatories report annually.", "Signatories report quarterly.") == [("date",)]


def test_reference_following_the_renumbering_is_editorial() -> None:
    renumbered = {
        "Measure 2.3": "Measure 3.1",
        "Commitment II.1": "Commitment 1",
        "Commitment II.3": "Commitment 3",
    }
    ops = classify_ops(diff_words("as set out in Measure 2.3.", "as set out in Measure 3.1."), renumbered)
    assert ops == (
        DiffOp("equal", "as set out in Measure "),
        DiffOp("delete", "2.3", ("reference.renumbering",)),
        DiffOp("insert", "3.1", ("reference.renumbering",)),
        DiffOp("equal", "."),
    )
    assert classes("Commitments II.1–II.3 apply", "Commitments 1–3 apply", renumbered) == [
        ("reference.renumbering",)
    ]


def test_reference_against_the_renumbering_is_a_reference_change() -> None:
    renumbered = {"Measure 2.3": "Measure 3.1"}
    assert classes("as set out in Measure 2.3.", "as set out in Measure 3.2.", renumbered) == [("reference",)]
    assert classes("see Appendix A", "see Appendix B") == [("reference",)]
    assert classes("see Measure 2.3", "see Measure 2.3 and Measure 2.4") == [("reference",)]


def test_legal_basis() -> None:
    assert classes("Article 55(1) AI Act", "Article 55(2) AI Act") == [("legal-basis",)]
    assert classes("see Recital 114 AI Act", "see Recital 115 AI Act") == [("legal-basis",)]
    assert classes("Regulation (EU) 2024/1689", "Regulation (EU) 2024/1690") == [("legal-basis",)]
    assert classes("under the AI Act.", "under the GDPR.") == [("legal-basis",)]


def test_definition() -> None:
    assert classes("the “model” means", "the “AI model” means") == [("definition",)]
    assert classes("a model that is trained", "a model that was trained", in_definition=True) == [
        ("definition",)
    ]


def test_editorial_only_when_nothing_else() -> None:
    assert classes("risks, harms and costs", "risks; harms and costs") == [("editorial",)]
    assert classes("Shall report", "shall report") == [("editorial",)]
    assert classes("the “model” means", 'the "model" means') == [("editorial",)]
    assert classes("at least 1,000 users", "at least 1000 users") == [("editorial",)]
    assert classes("see Measure 2.3", "see measure 2.3") == [("editorial",)]
    assert classes("the **Framework** text", "the Framework text") == [("editorial",)]
    assert classes("a glossary, term", "a glossary term", in_definition=True) == [("editorial",)]


def test_same_number_in_words_list_labels_and_added_quotes_are_editorial() -> None:
    assert classes("within 5 business days", "within five business days") == [("editorial",)]
    assert classes("(b) the risks; (c) the costs", "(2) the risks; (3) the costs") == [("editorial",)] * 2
    assert classes("as per point (1) above", "as per point (2) above") == [("editorial",)]
    assert (
        classes("'high-impact capabilities' means", "‘high-impact capabilities’ means")
        == [("editorial",)] * 2
    )
    glossary = classes(
        "post-market monitoring | the monitoring",
        "‘post-market monitoring’ | the monitoring",
        in_definition=True,
    )
    assert glossary == [("editorial",)] * 2


def test_plain_rewording_is_text() -> None:
    assert classes("The provider documents it.", "The Signatory documents it.") == [("text",)]


def test_equal_ops_get_no_classes_and_reclassifying_changes_nothing() -> None:
    ops = classify_ops(diff_words("Signatories shall report.", "Signatories may report."))
    assert [op.classes for op in ops if op.op == "equal"] == [(), ()]
    assert classify_ops(ops) == ops


WORDS = st.sampled_from(
    [
        "Signatories", "shall", "should", "may", "not", "where", "appropriate", "report", "15", "days",
        "2025", "Measure", "2.3", "Article", "55(1)", "AI", "Act", "“term”", ",", ".", ";", "the", "risk",
        "within", "working", "by",
    ]
)  # fmt: skip


@given(st.lists(WORDS, max_size=20), st.lists(WORDS, max_size=20))
def test_every_hunk_gets_known_classes(old: list[str], new: list[str]) -> None:
    ops = classify_ops(diff_words(" ".join(old), " ".join(new)), {"Measure 2.3": "Measure 3.1"})
    for found in hunk_classes(ops):
        assert found and set(found) <= set(CLASSES)
        assert list(found) == sorted(found)
        exclusive = {"editorial", "text"} & set(found)
        assert not exclusive or len(found) == 1
    assert all(not op.classes for op in ops if op.op == "equal")
    assert all(op.classes for op in ops if op.op != "equal")


def row(text: str) -> Block:
    return Block("row", Location("draft.md", 1, 1), source=text, text=text)


def test_classify_blocks_and_summarize() -> None:
    old, new = (
        row("Signatories shall report within 15 days."),
        row("Signatories should report within 10 working days."),
    )
    gone = row("Old row text.")
    diffs = classify_blocks(
        [
            BlockDiff(old, new, "", diff_words(old.text, new.text), score=0.5),
            BlockDiff(gone, None, "", (DiffOp("delete", gone.text),), score=0.0),
        ]
    )
    assert diffs[1].ops == (DiffOp("delete", "Old row text.", ("text",)),)
    assert summarize(diffs) == SectionSummary(
        words_added=3,
        words_removed=5,
        words_kept=4,
        similarity=4 / 9,
        classes=("date", "normative", "normative.weaker", "number", "text"),
        class_counts=(("date", 1), ("normative", 1), ("normative.weaker", 1), ("number", 1), ("text", 1)),
        weaker=True,
        stronger=False,
    )


def test_summary_of_nothing() -> None:
    assert summarize([]) == SectionSummary(0, 0, 0, 1.0, ())


_SCAN_WORDS = st.sampled_from(
    [
        "May",
        "may",
        "MAY",
        "5",
        "15",
        "2025",
        "1st",
        "within",
        "days",
        "by",
        "the",
        "end",
        "of",
        "shall",
        "SHALL",
        "Should",
        "not",
        "later",
        "than",
        "GB",
        "Kg",
        "per",
        "cent",
        "twenty",
        "Twenty",
        "annually",
        "where",
        "appropriate",
        "ſhall",
        "İ",
        "K",
        "é",
        "“term”",
        "–",
        "Article",
        "5(2)",
    ]
)


@given(st.lists(_SCAN_WORDS, max_size=24).map(" ".join))
@example("May 5 and may 2025, 1st May")
@example("ſhall İ K é Twenty GB by the end of MAY 2025")
@settings(max_examples=300)
def test_scanning_lower_cased_text_finds_what_the_case_insensitive_patterns_find(text: str) -> None:
    """`scan` matches numbers, dates and modals in lower-cased text (twice as fast); the case-insensitive
    patterns on the text itself are the reference."""
    found = patterns.scan.__wrapped__(text)
    cited = {k for m in (*found.reference, *found.legal, *found.enumerator) for k in range(m.start, m.end)}
    numbers = tuple(
        m for m in patterns._find(patterns._NUMBER, text, patterns.fold_number) if m.start not in cited
    )
    assert _seen(found.number) == _seen(numbers)
    assert _seen(found.date) == _seen(patterns._find(patterns._DATE, text, patterns.fold_number))
    assert _seen(found.normative) == _seen(patterns._normative(patterns._NORMATIVE, text))


def _seen(matches: tuple[patterns.Match, ...]) -> list[tuple[int, int, str, str, int]]:
    """What classification reads of each match (the matched text itself may differ in case)."""
    return [(m.start, m.end, m.text, m.role, m.strength) for m in matches]


_NUMBER_BITS = st.sampled_from(
    ["€5", "$ 3", "£", "1.5", "x5", "a.5", ".5", "1,000", "five", "Five", "eleven", "thirty", "hundred",
     "thousand", "million", "%", "one", "Seven", "nineteen", "ninety", "eighty", "twenty", "two", "kg",
     "per cent", "often", "none", "fiveish", "_7", "7b", "é9"]
)  # fmt: skip


@given(st.lists(st.tuples(_NUMBER_BITS, st.sampled_from([" ", "", ".", ",", "-", "\n"])), max_size=12))
@settings(max_examples=300)
def test_the_number_pattern_speed_lookahead_changes_no_match(bits: list[tuple[str, str]]) -> None:
    """The number pattern opens with a lookahead that only lets `re` give up early; without it, the
    same matches."""
    text = "".join(word + glue for word, glue in bits)
    lookahead = r"(?=[€$£]|(?<![\w.])\d|\b[otfsenh])"
    assert patterns._NUMBER.pattern.startswith(lookahead)
    plain = re.compile(patterns._NUMBER.pattern.removeprefix(lookahead), re.IGNORECASE)
    spans = [m.span() for m in plain.finditer(text)]
    assert [m.span() for m in patterns._NUMBER.finditer(text)] == spans
    assert [m.span() for m in patterns._NUMBER_LOW.finditer(text.lower())] == spans
