"""Parser: golden tree dumps, the lossless partition, and one failing input per check."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolchain.config import Config
from toolchain.errors import SourceError
from toolchain.model import Draft
from toolchain.parse import parse_draft, parse_text
from toolchain.tree import dump, rebuild

from .conftest import FIXTURES, ROOT

HEAD = "---\ntitle: T\ndraft: d\nlabel: D\ndate: 2026-01-01\n---\n\n"


def diagnostics(text: str, path: str = "drafts/x.md") -> list[str]:
    return [str(d) for d in parse_text(text, path).diagnostics]


@pytest.mark.parametrize("source", sorted((FIXTURES / "parse").glob("*.md")), ids=lambda p: p.stem)
def test_golden_tree(source: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    draft = parse_draft(source.relative_to(ROOT))
    diags = "".join(f"{d}\n" for d in draft.diagnostics)
    expected = source.with_suffix(".tree").read_text(encoding="utf-8")
    assert dump(draft) + ("--\n" + diags if diags else "") == expected, (
        "run `make golden` and review the diff"
    )


def test_sections_know_their_kind_number_key_and_lines() -> None:
    draft = parse_draft(FIXTURES / "parse" / "basic.md")
    by_anchor = draft.by_anchor()
    framework = by_anchor["framework"]
    assert (framework.kind, framework.number, framework.title, framework.key) == (
        "commitment",
        "1",
        "Framework",
        "framework",
    )
    assert framework.location.line == 13
    measure = by_anchor["measure-1-2"]
    assert measure.title == "Implementing the framework"  # "1.2:" accepted like "1.2."
    table = measure.blocks[0]
    assert [row.cells for row in table.children] == [
        ("Term", "Definition"),
        ("operator", "a person who *operates*"),
    ]
    assert table.children[0].name == "header"


def test_paragraph_text_is_folded_and_located() -> None:
    draft = parse_draft(FIXTURES / "parse" / "basic.md")
    paragraph = draft.by_anchor()["measure-1-1"].blocks[0]
    assert paragraph.text == "Signatories shall write the framework within 30 days, wrapped over three lines."
    assert (paragraph.location.line, paragraph.location.end_line) == (23, 25)


def test_cross_references_resolve_within_the_draft() -> None:
    draft = parse_draft(FIXTURES / "parse" / "basic.md")
    refs = draft.by_anchor()["framework"].refs
    assert [(r.text, r.numbers, r.targets) for r in refs] == [
        (
            "Measure 1.1 and Measures 1.2–1.3",
            ("1.1", "1.2", "1.3"),
            ("measure-1-1", "measure-1-2", "measure-1-3"),
        ),
    ]


def test_heading_inside_code_is_not_a_section() -> None:
    draft = parse_draft(FIXTURES / "parse" / "basic.md")
    assert "not-a-heading" not in " ".join(s.anchor for s in draft.walk())
    assert draft.by_anchor()["commitment-2"].blocks[1].kind == "code"


def test_duplicate_numbers_are_told_apart_by_parent() -> None:
    draft = parse_draft(FIXTURES / "parse" / "quirks.md")
    anchors = {s.anchor: s.title for s in draft.walk()}
    assert anchors["commitment-1"] == "The real commitment"
    assert anchors["overview--commitment-1"] == "In the overview"


# --- one failing input per check -----------------------------------------------------------------


def test_missing_front_matter() -> None:
    assert diagnostics("# Part I. Intro\n") == [
        "drafts/x.md:1: error: no front matter; start the file with '---', the fields title, draft, label, date, and '---' [meta.missing]"
    ]


def test_unclosed_front_matter() -> None:
    assert diagnostics("---\ntitle: T\n# Heading\n") == [
        "drafts/x.md:1: error: front matter is not closed; add a line '---' after its last field [meta.unclosed]"
    ]


def test_invalid_front_matter_fields() -> None:
    text = "---\ntitle: T\ndraft: Third Draft\nlabel: L\ndate: 11 March\ncolour: red\n---\n\n# A\n"
    assert diagnostics(text) == [
        "drafts/x.md:3: error: draft id 'Third Draft' must be lower-case letters, digits and hyphens (it is used in URLs) [meta.invalid-id]",
        "drafts/x.md:5: error: date '11 March' is not an ISO date like 2025-03-11 [meta.invalid-date]",
        "drafts/x.md:6: warning: unknown front-matter field 'colour' (known: date, draft, label, source, status, title) [meta.unknown-field]",
    ]


def test_missing_front_matter_field() -> None:
    assert diagnostics("---\ntitle: T\ndraft: d\ndate: 2026-01-01\n---\n\n# A\n") == [
        "drafts/x.md:1: error: front matter has no 'label'; add 'label: …' [meta.missing-field]"
    ]


def test_front_matter_yaml_error() -> None:
    assert diagnostics("---\ntitle: [unclosed\n---\n# A\n") == [
        "drafts/x.md:3: error: front matter is not valid YAML: expected ',' or ']', but got '<stream end>' [meta.yaml]",
    ]


def test_duplicate_key() -> None:
    text = HEAD + "# A {#framework}\n\n## B {#framework}\n"
    assert diagnostics(text) == [
        "drafts/x.md:10: error: duplicate section key 'framework' (first at line 8); keys name one section each [parse.duplicate-key]"
    ]


def test_invalid_key() -> None:
    assert diagnostics(HEAD + "# A {#Bad Key}\n") == [
        "drafts/x.md:8: error: invalid section key 'Bad Key'; use lower-case letters, digits and hyphens, e.g. {#risk-framework} [parse.invalid-key]"
    ]


def test_number_used_twice_is_a_warning() -> None:
    text = HEAD + "# Commitment 1. A\n\n# Commitment 1. B\n"
    assert diagnostics(text) == [
        "drafts/x.md:10: warning: Commitment 1 is numbered twice (first at line 8, under the top level; here under the top level) [parse.duplicate-number]",
    ]


def test_skipped_heading_level() -> None:
    assert diagnostics(HEAD + "# A\n\n### C\n") == [
        "drafts/x.md:10: error: heading level 3 follows level 1; use ## or add the missing level [parse.skipped-level]"
    ]


def test_empty_heading() -> None:
    assert diagnostics(HEAD + "# A\n\n##\n\ntext\n") == [
        "drafts/x.md:10: error: empty heading; give it a title [parse.empty-heading]"
    ]


def test_unresolved_reference() -> None:
    text = HEAD + "# Measure 1. A\n\nAs in Measure 2 and Appendix 9.\n"
    assert diagnostics(text) == [
        "drafts/x.md:10: warning: reference 'Measure 2 and Appendix 9': no Measure 2 in this draft [ref.unresolved]"
    ]  # Appendix 9 is not checked: this draft has no appendices, so it may cite another act's


def test_numbering_out_of_sequence() -> None:
    text = HEAD + "# Commitment 1. A\n\n## Measure 1.1. X\n\n## Measure 1.3. Z\n"
    assert diagnostics(text) == [
        "drafts/x.md:12: warning: Measure 1.3 follows Measure 1.1; check the numbering [parse.sequence]"
    ]


def test_roman_numbers_in_sequence() -> None:
    text = HEAD + "# Part I. A\n\n# Part II. B\n\n# Part III. C\n\n# Part IV. D\n"
    assert diagnostics(text) == []


def test_unclosed_box() -> None:
    text = HEAD + "# A\n\n::: legal-text\nArticle 1\n\n# B\n"
    assert diagnostics(text) == [
        "drafts/x.md:10: error: box '::: legal-text' is not closed; add a line ':::' where it ends [parse.unclosed-box]"
    ]


def test_unclosed_box_does_not_swallow_the_next_heading() -> None:
    draft = parse_text(HEAD + "# A\n\n::: note\nbody\n\n# B\n", "x.md")
    assert [s.title for s in draft.walk()] == ["A", "B"]


def test_non_utf8(tmp_path: Path) -> None:
    path = tmp_path / "bad.md"
    path.write_bytes(b"---\ntitle: T\n---\n# Caf\xe9\n")
    with pytest.raises(SourceError) as caught:
        parse_draft(path)
    assert (
        str(caught.value)
        == f"{path}:4: error: not UTF-8: byte 0xe9 at offset 22; save the file as UTF-8 [read.encoding]"
    )


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.md"
    path.write_text("  \n\n", encoding="utf-8")
    with pytest.raises(
        SourceError,
        match=r"empty\.md: error: empty file; a draft needs front matter and headings \[read\.empty\]",
    ):
        parse_draft(path)


def test_file_over_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.md"
    path.write_text(HEAD + "# A\n\n" + "word " * 300, encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        parse_draft(path, Config(max_bytes=1000))
    assert str(caught.value) == (
        f"{path}: error: file is 1,558 bytes, over the 1,000-byte limit; split the draft or raise max_bytes "
        "in the configuration [read.too-large]"
    )


# --- properties --------------------------------------------------------------------------------

MARKDOWN_BITS = st.sampled_from(
    ["# ", "## ", "### ", "Commitment 1. ", "Measure II.4.1. ", "{#k}", "::: note\n", ":::\n", "- (1) ", "  - ",
     "| a | b |\n|---|---|\n", "```\n", "\n", "\n\n", "text ", "**bold** ", "[l](u) ", "---\n", "title: x\n",
     "<div>", "> ", "1. ", "\r\n", "\t", "Measures 1.2–1.4 ", "\\\n"]
)  # fmt: skip
markdownish = st.lists(st.one_of(MARKDOWN_BITS, st.text(max_size=12)), max_size=40).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markdownish)
def test_parse_text_is_lossless(text: str) -> None:
    draft = parse_text(text, "p.md")
    assert rebuild(draft) == text.replace("\r\n", "\n").replace("\r", "\n")


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400) | markdownish.map(str.encode))
def test_any_bytes_give_a_draft_or_a_located_error(
    tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    path = tmp_path_factory.mktemp("p") / "any.md"
    path.write_bytes(data)
    try:
        draft = parse_draft(path)
    except SourceError as exc:
        assert str(exc).startswith(str(path))
    else:
        assert isinstance(draft, Draft)
        assert all(d.path == str(path) for d in draft.diagnostics)


@settings(max_examples=200, deadline=None)
@given(markdownish)
def test_a_section_spans_its_children(text: str) -> None:
    for section in parse_text(text, "p.md").walk():
        for child in section.children:
            assert section.location.line < child.location.line
            assert child.location.end_line <= section.location.end_line


def test_a_section_spans_its_deepest_descendant() -> None:
    text = HEAD + "# A\n\n## B\n\n### C\n\nlast line\n"
    a = parse_text(text, "x.md").sections[0]
    assert (a.location.line, a.location.end_line) == (8, 14)


def test_hard_line_breaks_are_kept_as_br() -> None:
    draft = parse_text(HEAD + "# A\n\nJane Doe\\\nChair of the group\nand  \nmore\n", "x.md")
    assert draft.sections[0].blocks[0].text == "Jane Doe <br> Chair of the group and <br> more"


def test_drafts_parsed_in_forked_children_are_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from toolchain import corpus

    files = sorted((ROOT / "drafts").glob("*.md"))
    broken = tmp_path / "broken.md"
    broken.write_bytes(b"\xff\xfe not utf-8")
    paths = [files[0], broken, *files[1:]]
    here = corpus.parse_files(paths, Config(), parse_draft)
    monkeypatch.setattr(corpus, "PARALLEL_BYTES", 0)  # the sample drafts are small: fork anyway
    forked = corpus.parse_files(paths, Config(), parse_draft, jobs=2)
    assert [type(found) for found in forked] == [type(found) for found in here]
    assert isinstance(forked[1], SourceError) and str(forked[1]) == str(here[1])
    assert [f for f in forked if not isinstance(f, SourceError)] == [
        f for f in here if not isinstance(f, SourceError)
    ]


def test_model_objects_pickle_as_their_fields_and_refuse_what_they_cannot_rebuild() -> None:
    """Model dataclasses pickle as `cls(*fields)` (fast); a class that constructor call cannot rebuild
    (one field: no tuple; a field outside `__init__`) is refused when it is declared, not mis-pickled."""
    import dataclasses
    import pickle

    from toolchain import model

    draft = parse_draft(ROOT / "drafts" / "second-draft.md")
    assert pickle.loads(pickle.dumps(draft, pickle.HIGHEST_PROTOCOL)) == draft
    assert pickle.loads(pickle.dumps(draft, 0)) == draft

    @dataclasses.dataclass(frozen=True, slots=True)
    class One:
        only: int

    @dataclasses.dataclass(frozen=True, slots=True)
    class Derived:
        a: int
        b: int = dataclasses.field(init=False, default=0)

    for cls in (One, Derived):
        with pytest.raises(AssertionError):
            model._pickled_by_fields(cls)
