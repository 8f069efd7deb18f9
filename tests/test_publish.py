"""Publishing: atomic, incremental, deterministic, checked; failures leave the old site alone."""

from __future__ import annotations

import threading
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from toolchain import linkcheck
from toolchain.cli import main
from toolchain.errors import PublishError
from toolchain.serve import server

from .sitehelp import EPOCH, build, copy_drafts, tree
from .test_render import assert_no_hostile_markup


@pytest.fixture
def drafts(tmp_path: Path) -> Path:
    return copy_drafts(tmp_path / "drafts")


@pytest.fixture(autouse=True)
def epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_publishes_every_kind_of_page(drafts: Path, tmp_path: Path) -> None:
    result = build(drafts, tmp_path / "site", tmp_path / "cache")
    site = tmp_path / "site"
    for path in (
        "index.html",
        "alpha/index.html",
        "gamma/measure-1-3/index.html",
        "concept/measure-1-1/index.html",
        "concept/index.html",
        "compare/alpha--beta/index.html",
        "compare/alpha--beta/redline.html",
        "compare/alpha--gamma/index.html",
        "alignment/index.html",
        "search/index.html",
        "exports/beta--gamma.json",
        "exports/beta--gamma.csv",
        "assets/site.css",
        "pagefind/pagefind-ui.js",
    ):
        assert (site / path).is_file(), path
    assert result.rendered == result.pages > 20
    assert "built 2025-06-15" in (site / "index.html").read_text(encoding="utf-8")
    assert not list(tmp_path.glob(".site-*")), "the build folder was swapped in, not left behind"


def test_hostile_input_comes_out_inert(drafts: Path, tmp_path: Path) -> None:
    build(drafts, tmp_path / "site", tmp_path / "cache")
    pages = [p for p in (tmp_path / "site").rglob("*.html") if "pagefind" not in p.parts]
    for page in pages:
        assert_no_hostile_markup(page.read_text(encoding="utf-8"))
    home = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt;" in home


def test_rebuild_is_byte_identical(drafts: Path, tmp_path: Path) -> None:
    build(drafts, tmp_path / "a", tmp_path / "cache-a", jobs=1)
    build(drafts, tmp_path / "b", tmp_path / "cache-b", jobs=2)
    assert tree(tmp_path / "a", skip=()) == tree(tmp_path / "b", skip=())
    stamp = (tmp_path / "a" / "index.html").stat().st_mtime
    assert stamp == int(EPOCH)


def test_no_op_rebuild_renders_nothing(drafts: Path, tmp_path: Path) -> None:
    build(drafts, tmp_path / "site", tmp_path / "cache")
    again = build(drafts, tmp_path / "site", tmp_path / "cache")
    assert again.unchanged and again.rendered == 0
    assert "up to date" in again.summary()


def test_one_section_edit_renders_only_the_pages_that_show_it(drafts: Path, tmp_path: Path) -> None:
    site, cache = tmp_path / "site", tmp_path / "cache"
    first = build(drafts, site, cache)
    before = tree(site)
    edit(drafts / "gamma.md", "and record the results.", "and record the results in a log.")
    second = build(drafts, site, cache)
    after = tree(site)
    assert 0 < second.rendered < first.pages / 3
    changed = {p for p in after if before.get(p) != after[p]}
    assert "concept/beta--measure-1-2/index.html" in changed and "gamma/index.html" in changed
    assert "concept/measure-1-1/index.html" not in changed and "alpha/index.html" not in changed


def test_deleted_site_is_rebuilt(drafts: Path, tmp_path: Path) -> None:
    import shutil

    build(drafts, tmp_path / "site", tmp_path / "cache")
    shutil.rmtree(tmp_path / "site")
    again = build(drafts, tmp_path / "site", tmp_path / "cache")
    assert not again.unchanged and again.rendered == 0 and (tmp_path / "site" / "index.html").is_file()


def test_errors_in_drafts_leave_the_site_untouched(drafts: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    build(drafts, site, tmp_path / "cache")
    before = tree(site, skip=())
    edit(
        drafts / "gamma.md",
        "::: explanatory\nThe drafters considered a shorter period.\n:::",
        "::: explanatory\nunclosed",
    )
    with pytest.raises(PublishError, match="left as it was"):
        build(drafts, site, tmp_path / "cache")
    assert tree(site, skip=()) == before


def test_a_broken_link_fails_the_build_with_page_and_target(drafts: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    build(drafts, site, tmp_path / "cache")
    before = tree(site, skip=())
    edit(drafts / "gamma.md", "See [Measure 1.1](#measure-1-1).", "See [the annex](annex/missing.html).")
    with pytest.raises(PublishError) as failure:
        build(drafts, site, tmp_path / "cache")
    message = str(failure.value)
    assert "gamma/index.html: broken link 'annex/missing.html'" in message
    assert tree(site, skip=()) == before
    assert not list(tmp_path.glob(".site-*"))


def test_an_interrupted_build_leaves_the_site_untouched(
    drafts: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    build(drafts, site, tmp_path / "cache")
    before = tree(site, skip=())
    edit(drafts / "gamma.md", "and record the results.", "and keep the results.")

    def interrupt(*args: object) -> list[str]:
        raise KeyboardInterrupt

    monkeypatch.setattr(linkcheck, "check", interrupt)
    with pytest.raises(KeyboardInterrupt):
        build(drafts, site, tmp_path / "cache")
    assert tree(site, skip=()) == before
    assert not list(tmp_path.glob(".site-*"))


def test_linkcheck_finds_missing_anchor_duplicate_id_and_escape() -> None:
    page = b'<html><body><p id="a">x</p><p id="a">y</p><a href="other.html#nope">o</a><a href="../../x.html">e</a><a href="https://example.org">ok</a><a href="dir/">d</a></body></html>'
    scans = {
        "p/page.html": linkcheck.scan(page),
        "p/other.html": linkcheck.scan(b"<html><body><p id='yes'></p></body></html>"),
    }
    problems = linkcheck.check(scans, {"p/page.html", "p/other.html", "p/dir/index.html"})
    assert problems == [
        "p/page.html: duplicate id 'a'",
        "p/page.html: broken anchor 'other.html#nope' (no id 'nope' in p/other.html)",
        "p/page.html: link '../../x.html' leaves the site",
        "p/page.html: link 'dir/' names a folder; link to its index.html (file:// needs it)",
    ]


def test_cli_publish_and_serve(drafts: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    result = CliRunner().invoke(
        main, ["publish", str(drafts), "--out", str(site), "--cache", str(tmp_path / "c"), "-j", "1"]
    )
    assert result.exit_code == 0, result.output
    assert "publish: wrote" in result.output
    httpd = server(site, 0)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        port = httpd.server_address[1]
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/concept/measure-1-1/index.html", timeout=5
        ) as r:
            assert b"Measure 1.1" in r.read()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/pagefind/pagefind.js", timeout=5) as r:
            assert r.status == 200
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_cli_publish_reports_draft_errors_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "a.md").write_text(
        "---\ntitle: T\ndraft: a\nlabel: A\ndate: 2025-01-01\n---\n\n# X {#Bad Key}\n"
    )
    result = CliRunner().invoke(main, ["publish", str(tmp_path / "d"), "--out", str(tmp_path / "site")])
    assert result.exit_code == 1
    assert "invalid section key" in result.output and not (tmp_path / "site").exists()


def test_real_corpus_post_market_monitoring_across_both_drafts(corpus: Path, tmp_path: Path) -> None:
    from lxml import html as lxml_html

    paths = [str(corpus / "third-draft-safety-security.md"), str(corpus / "final-safety-security.md")]
    from toolchain.publish import Options, publish

    options = Options(out=tmp_path / "site", cache=tmp_path / "cache", jobs=2, pdf=False)
    publish(paths, options, echo=lambda _: None)
    pages = {}
    for path in (tmp_path / "site" / "concept").glob("*/index.html"):
        tree = lxml_html.document_fromstring(path.read_bytes())
        pages[tree.findtext(".//h1") or ""] = tree
    tree = pages["Measure 3.5. Post-market monitoring"]
    versions = [h.text_content() for h in tree.xpath("//section[@class='version']/h3")]
    assert versions == [
        "Third draft — Safety and Security: Measure II.4.14. Post-market monitoring",
        "Final — Safety and Security Chapter: Measure 3.5. Post-market monitoring",
    ]
    hops = [
        h
        for h in tree.xpath("//section[@class='hop']")
        if "Measure II.4.14. Post-market monitoring → Measure 3.5" in h.xpath("string(h3)")
    ]
    assert len(hops) == 1, "one redline from the third draft's Measure II.4.14 to the final Measure 3.5"
    assert hops[0].xpath(".//div[contains(@class, 'view-inline')]//ins") and hops[0].xpath(".//del")
    alias = (tmp_path / "site" / "third-draft-ss" / "measure-ii-4-14" / "index.html").read_text(
        encoding="utf-8"
    )
    assert "url=../../concept/" in alias


def test_cached_drafts_and_memo_give_the_same_site_and_survive_damage(drafts: Path, tmp_path: Path) -> None:
    cold = build(drafts, tmp_path / "cold", tmp_path / "cache-cold")
    assert cold.rendered == cold.pages
    cache = tmp_path / "cache"
    build(drafts, tmp_path / "first", cache)
    edit(drafts / "gamma.md", "and record the results.", "and record the results in a log.")
    for kind in ("drafts", "memo"):  # damaged cache files are ignored, never trusted
        for stored in (cache / kind).rglob("*"):
            if stored.is_file():
                stored.chmod(0o644)
                stored.write_bytes(b"not a pickle")
    warm = build(drafts, tmp_path / "warm", cache)
    build(drafts, tmp_path / "fresh", tmp_path / "cache-fresh")
    assert tree(tmp_path / "warm", skip=()) == tree(tmp_path / "fresh", skip=())
    assert warm.rendered < warm.pages


def test_whole_draft_pages_rebuilt_from_kept_sections_are_the_same(drafts: Path, tmp_path: Path) -> None:
    """The draft and redline pages are rendered section by section; an edit re-renders only its
    sections' fragments, and the pages come out as a build from nothing makes them."""
    cache = tmp_path / "cache"

    def fragments() -> set[str]:
        return {p.name for p in (cache / "fragments").rglob("*") if p.is_file()}

    build(drafts, tmp_path / "first", cache)
    before = fragments()
    assert before, "the whole-draft pages keep their sections"
    edit(drafts / "gamma.md", "and record the results.", "and record the results in a log.")
    build(drafts, tmp_path / "warm", cache)
    new = fragments() - before
    assert 0 < len(new) <= 4, "the edited section, on the gamma page and on the redlines that show it"
    build(drafts, tmp_path / "fresh", tmp_path / "cache-fresh")
    assert tree(tmp_path / "warm", skip=()) == tree(tmp_path / "fresh", skip=())
    # The alpha page was not rendered by the last build; its sections were kept all the same.
    kept = fragments()
    edit(drafts / "alpha.md", "before release.", "before each release.")
    build(drafts, tmp_path / "again", cache)
    assert 0 < len(fragments() - kept) <= 4
