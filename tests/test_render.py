"""Rendering view-models: escaping everywhere, strict templates, relative links, safe paths."""

from __future__ import annotations

import datetime as dt

import pytest
from jinja2 import UndefinedError
from lxml import html as lxml_html

from toolchain import urls
from toolchain.errors import PublishError
from toolchain.model import Block, BlockDiff, Concept, DiffOp, Draft, History, Location, Section
from toolchain.pages import Page, draft_page
from toolchain.redline import Links
from toolchain.render import environment, render_page
from toolchain.sitedata import SiteData, aliases, block_views, leaf_diffs
from toolchain.views import AliasPage, Site

EVIL = '"><img src=x onerror=alert(1)><script>alert(2)</script>'
SITE = Site(f"Site {EVIL}", "", "alpha/index.html")


def block(kind: str, text: str = "", children: tuple[Block, ...] = (), name: str = "") -> Block:
    return Block(kind, Location("x.md", 1, 1), text, text=text, children=children, name=name)


def section(anchor: str, title: str, blocks: tuple[Block, ...], number: str = "", kind: str = "") -> Section:
    return Section(
        kind=kind, name=f"{kind.title()} {number}" if number else "", number=number, title=title, key="", level=1, anchor=anchor, heading=title,
        location=Location("x.md", 1, 2), heading_source="", blocks=blocks, children=(), refs=(),
        digest=anchor, body_digest=anchor, words=3,
    )  # fmt: skip


def draft(sections: tuple[Section, ...], draft_id: str = "alpha") -> Draft:
    return Draft(
        path="x.md", id=draft_id, title=f"Title {EVIL}", label=f"Label {EVIL}", date=dt.date(2025, 1, 1),
        source="", status="", front_matter="", preamble=(), sections=sections, digest=draft_id,
    )  # fmt: skip


def site_data(sections: tuple[Section, ...]) -> SiteData:
    d = draft(sections)
    concepts = tuple(Concept(s.anchor, (("alpha", s.anchor),)) for s in sections)
    return SiteData(History((d,), (), concepts), (), "t")


def rendered(page: Page) -> str:
    return render_page(page, SITE).decode()


def assert_no_hostile_markup(html: str) -> None:
    tree = lxml_html.document_fromstring(html)
    assert not tree.xpath("//img"), "an <img> from text got through"
    scripts = tree.xpath("//script")
    assert all(s.get("src") and not s.text for s in scripts), "an inline script got through"
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        assert not any(name.startswith("on") for name in element.attrib), element.attrib
        for attr in ("href", "src"):
            value = element.get(attr, "")
            assert not value.lower().lstrip().startswith(("javascript:", "data:", "vbscript:")), value


def test_draft_page_escapes_titles_text_and_links() -> None:
    body = (
        block("paragraph", f"{EVIL} [x](javascript:alert(3)) <b>bold</b>"),
        block("box", children=(block("paragraph", "Boxed"),), name='legal-text" onclick="x'),
        block("list", children=(block("item", f"item {EVIL}", name=""),), name="-"),
        block("html", "<iframe src=javascript:alert(4)></iframe>"),
        block("code", "<script>alert(5)</script>"),
    )
    sections = (section("intro", f"Intro {EVIL}", body),)
    data = site_data(sections)
    page = Page(urls.draft("alpha"), "draft.html", draft_page(data, data.history.drafts[0]), f"T {EVIL}")
    html = rendered(page)
    assert_no_hostile_markup(html)
    assert "&lt;script&gt;" in html and "onerror=alert(1)&gt;" in html
    assert 'class="box box-legal-text-onclick-x"' in html


def test_alias_page_refreshes_to_the_concept() -> None:
    page = Page(
        urls.alias("alpha", "measure-1-2"),
        "alias.html",
        AliasPage("M 1.2", "concept/m/index.html", "alpha/index.html#m"),
        "M",
    )
    html = rendered(page)
    assert '<meta http-equiv="refresh" content="0; url=../../concept/m/index.html">' in html
    assert 'href="../../concept/m/index.html"' in html


def test_templates_are_strict() -> None:
    template = environment().from_string("{{ missing.value }}")
    with pytest.raises(UndefinedError):
        template.render()


def test_autoescape_is_on_for_every_template() -> None:
    assert environment().from_string("{{ x }}").render(x="<b>") == "&lt;b&gt;"


def test_relative_links() -> None:
    assert urls.relative("concept/a/index.html", "compare/x--y/redline.html") == "../../concept/a/index.html"
    assert urls.relative("index.html#t", "index.html") == "index.html#t"
    assert urls.relative("#frag", "alpha/index.html") == "#frag"
    assert urls.relative("assets/site.css", "index.html") == "assets/site.css"


@pytest.mark.parametrize(
    "bad", ["../etc", "a/b", "A", "", "x" * 200, "-x", "..", "a b", "a\x00", "con\\x", "é"]
)
def test_ids_that_could_escape_the_site_are_refused(bad: str) -> None:
    with pytest.raises(PublishError):
        urls.concept(bad)
    with pytest.raises(PublishError):
        urls.draft(bad)


@pytest.mark.parametrize("bad", ["/etc/passwd", "../x.html", "a/../../x", "a//b", "a/./b", "a\\b", ""])
def test_safe_path_refuses_anything_but_plain_relative_paths(bad: str) -> None:
    with pytest.raises(PublishError):
        urls.safe_path(bad)


def test_reserved_draft_ids() -> None:
    for name in ("assets", "concept", "compare", "search", "pagefind"):
        with pytest.raises(PublishError):
            urls.draft(name)


def test_block_views_number_paragraphs_for_copy_links() -> None:
    views = block_views((block("paragraph", "a"), block("list", children=(block("item", "b"),))), "m-1")
    assert [views[0].pid, views[1].pid, views[1].children[0].pid] == ["m-1.p1", "", "m-1.p2"]


def test_leaf_diffs_status() -> None:
    a, b = block("paragraph", "old"), block("paragraph", "new")
    diffs = (
        BlockDiff(a, b, "", (DiffOp("delete", "old"), DiffOp("insert", "new"))),
        BlockDiff(None, b, "", (DiffOp("insert", "new"),)),
        BlockDiff(a, None, "legal-text", (DiffOp("delete", "old"),)),
        BlockDiff(a, a, "", (DiffOp("equal", "old"),), moved=True),
    )
    leaves = leaf_diffs(diffs, "h")
    assert [leaf.status for leaf in leaves] == ["changed", "inserted", "deleted", "equal"]
    assert leaves[2].box == "legal-text" and leaves[3].moved


def test_aliases_add_number_names_for_keyed_sections() -> None:
    keyed = section("risk", "Risk", (), number="1.2", kind="measure")
    names = [name for name, _ in aliases(draft((keyed,)))]
    assert names == ["risk", "measure-1-2"]


def test_links_resolve_refs_and_fragments_from_the_page() -> None:
    from toolchain.model import Reference

    target = section("measure-1-2", "Target", (), number="1.2", kind="measure")
    ref = Reference("Measure 1.2", "measure", ("1.2",), Location("x.md", 1, 1), ("measure-1-2",))
    source = section("intro", "Intro", (block("paragraph", "See Measure 1.2 and [it](#measure-1-2)."),))
    source = Section(**{**{f: getattr(source, f) for f in source.__slots__}, "refs": (ref,)})  # type: ignore[attr-defined]
    data = site_data((source, target))
    links = data.links("alpha", source, "concept/intro/index.html", False, "k")
    assert links == Links(
        {"measure-1-2": "../measure-1-2/index.html"},
        (("Measure 1.2", (("1.2", "../measure-1-2/index.html"),)),),
        "k",
    )
