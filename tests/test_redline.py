"""Redline fragments: semantic marks, escaping, inert links, the plain-text fast path."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st
from lxml import html as lxml_html

from toolchain.model import DiffOp
from toolchain.redline import Links, inline, link_refs, redline, safe_href

ALLOWED_TAGS = {"ins", "del", "span", "a", "strong", "em", "code", "s", "br", "div"}
HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[x](data:text/html,<script>alert(1)</script>)",
    "<javascript:alert(1)>",
    "[x](//evil.example/a)",
    "![i](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "&lt;script&gt; &#x3C;script&#x3E;",
    "[x](vbscript:msgbox)",
    "[x](java\tscript:alert(1))",
]


def fragment_tree(html: str) -> lxml_html.HtmlElement:
    return lxml_html.fragment_fromstring(f"<div>{html}</div>")


def assert_inert(html: str) -> None:
    tree = fragment_tree(html)
    for element in tree.iter():
        assert element.tag in ALLOWED_TAGS, f"unexpected <{element.tag}> in {html!r}"
        for name, value in element.attrib.items():
            assert not name.startswith("on"), html
            if name in ("href", "src"):
                assert safe_href(value), f"unsafe {name}={value!r} in {html!r}"


def test_marks_are_semantic_with_hidden_labels() -> None:
    ops = (
        DiffOp("equal", "Providers "),
        DiffOp("delete", "shall"),
        DiffOp("insert", "should"),
        DiffOp("equal", " act."),
    )
    html = redline(ops)
    assert html == (
        'Providers <del><span class="vh">[deleted: </span>shall<span class="vh">]</span></del>'
        '<ins><span class="vh">[inserted: </span>should<span class="vh">]</span></ins> act.'
    )


def test_sides() -> None:
    ops = (DiffOp("equal", "a  b", old_text="a b"), DiffOp("delete", " old"), DiffOp("insert", " new"))
    assert (
        redline(ops, "old") == 'a b<del><span class="vh">[deleted: </span> old<span class="vh">]</span></del>'
    )
    assert "ins" not in redline(ops, "old")
    assert "del" not in redline(ops, "new") and "a  b" in redline(ops, "new")


def test_classes_become_css_classes_and_normative_is_announced() -> None:
    html = redline((DiffOp("insert", "shall", ("normative", "Weird Class!")),))
    assert '<ins class="c-normative c-weird-class">' in html
    assert "[inserted, normative: " in html


def test_inline_markdown_inside_a_run() -> None:
    html = redline((DiffOp("insert", "**must** see [the annex](https://example.org/a?b=1&c=2)"),))
    assert "<strong>must</strong>" in html
    assert '<a href="https://example.org/a?b=1&amp;c=2">the annex</a>' in html


def test_hostile_text_is_inert() -> None:
    for text in HOSTILE:
        for op in ("equal", "insert", "delete"):
            assert_inert(redline((DiffOp(op, text),)))
    assert "&lt;script&gt;" in inline("<script>alert(1)</script>")
    assert "javascript:" not in inline("[x](javascript:alert(1))").replace("[x](javascript:alert(1))", "")


def test_links_kept_only_when_safe() -> None:
    assert '<a href="mailto:a@b.example">m</a>' in inline("[m](mailto:a@b.example)")
    assert '<a href="../x/index.html#p">r</a>' in inline("[r](../x/index.html#p)")
    assert "<a" not in inline("[x](data:text/html,hi)")
    assert "<a" not in inline("[x](//evil.example)")


def test_images_never_load() -> None:
    html = inline("![a chart](https://example.org/c.png)")
    assert "<img" not in html and "[image: a chart]" in html


def test_fragment_links_resolve_or_go_inert() -> None:
    links = Links({"measure-1-2": "../../concept/m/index.html"}, key="t1")
    assert '<a href="../../concept/m/index.html">see</a>' in inline("[see](#measure-1-2)", links)
    assert '<span class="inert-link">gone</span>' in inline("[gone](#nowhere)", links)


def test_cross_references_link_whole_numbers_only() -> None:
    refs = (("Measure 1.2", (("1.2", "#m12"),)), ("Measures 1.3 to 1.5", (("1.3", "#a"), ("1.5", "#b"))))
    html = link_refs("Measure 1.2, Measures 1.3 to 1.5, not Measure 1.20 <b>", refs)
    assert html.count('class="xref"') == 3
    assert "Measure 1.20" in html and "&lt;b&gt;" in html


def test_cross_references_not_inside_existing_links() -> None:
    links = Links(refs=(("Measure 1.2", (("1.2", "#m"),)),), key="t2")
    html = inline("[Measure 1.2](https://example.org) and Measure 1.2", links)
    assert html.count("<a") == 2 and '<a class="xref" href="#m">1.2</a>' in html


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60))
def test_any_text_comes_out_escaped(text: str) -> None:
    html = redline((DiffOp("equal", text), DiffOp("insert", text)))
    assert_inert(html)
    assert not re.search(r"<(?!/?(ins|del|span|a|strong|em|code|s|br)\b)", html)


@given(st.text(alphabet="abc XYZ,.;:'\"()-0123456789", max_size=40))
def test_fast_path_matches_markdown_it(text: str) -> None:
    from toolchain.redline import _render

    assert inline(text) == _render(text, Links())


def test_line_breaks_render_and_other_tags_stay_escaped() -> None:
    from toolchain.redline import inline

    assert str(inline("Term one.<br><br>Term two <br/> <script>x</script>")) == (
        "Term one.<br><br>Term two <br> &lt;script&gt;x&lt;/script&gt;"
    )
