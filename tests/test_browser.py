"""The site in a real browser: Playwright for Python driving Debian's chromium (never a downloaded one).

Screenshots go to test-output/browser/ (gitignored): look at them after a change to the templates.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .sitehelp import build, copy_drafts

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parent.parent / "test-output" / "browser"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed (pip install -e '.[dev]')"
)
if not CHROMIUM.exists():
    pytest.skip(
        "chromium is not installed (apt-get install chromium; .ci/run does this)", allow_module_level=True
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("browser")
    build(copy_drafts(tmp / "drafts"), tmp / "site", tmp / "cache", jobs=2)
    return tmp / "site"


@pytest.fixture(scope="module")
def base(site: Path) -> Iterator[str]:
    from toolchain.serve import server

    httpd = server(site, 0)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, f"script errors: {errors}"


def shot(page: Any, name: str, full: bool = False) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full)


def test_home(page: Any, base: str) -> None:
    page.goto(base + "index.html")
    assert page.locator("h1").inner_text().startswith("Code of Practice on <script>")
    assert page.locator(".transition-card").count() == 3
    assert page.locator(".heat .cell").count() > 10
    shot(page, "home", full=True)


def test_search_reaches_a_concept(page: Any, base: str) -> None:
    page.goto(base + "search/index.html")
    page.locator(".pagefind-ui__search-input").fill("incidents")
    results = page.locator(".pagefind-ui__result")
    results.first.wait_for(timeout=10_000)
    assert page.locator(".pagefind-ui__filter-name", has_text="draft").count() == 1
    shot(page, "search")
    page.locator(".pagefind-ui__result-link").first.click()
    page.wait_for_load_state()
    assert "/concept/" in page.url
    assert "Incident reporting" in page.locator("h1").inner_text()


def test_inline_and_side_by_side(page: Any, base: str) -> None:
    page.goto(base + "concept/measure-1-1/index.html")
    inline, side = page.locator(".view-inline").first, page.locator(".view-side table").first
    assert inline.is_visible() and not side.is_visible()
    shot(page, "concept-inline", full=True)
    page.get_by_role("button", name="Side by side").click()
    assert side.is_visible() and not inline.is_visible()
    assert page.get_by_role("button", name="Side by side").get_attribute("aria-pressed") == "true"
    shot(page, "concept-side-by-side", full=True)
    page.reload()  # the choice is remembered
    assert page.locator(".view-side table").first.is_visible()
    page.get_by_role("button", name="Inline redline").click()
    assert page.locator(".view-inline").first.is_visible()


def test_n_and_p_move_between_changes(page: Any, base: str) -> None:
    page.goto(base + "compare/alpha--gamma/redline.html")
    page.keyboard.press("n")
    first = page.evaluate("document.activeElement.outerHTML")
    assert page.evaluate("document.activeElement.classList.contains('current-change')")
    page.keyboard.press("n")
    second = page.evaluate("document.activeElement.outerHTML")
    assert second != first and page.evaluate("document.activeElement.tagName") in ("INS", "DEL")
    page.keyboard.press("p")
    assert page.evaluate("document.activeElement.outerHTML") == first
    assert "Change 1 of" in page.locator(".change-nav .where").inner_text()
    shot(page, "redline-focus")


def test_number_alias_leads_to_the_concept(page: Any, base: str) -> None:
    page.goto(base + "gamma/measure-1-3/index.html")
    page.wait_for_url("**/concept/**", timeout=5_000)
    assert "Incident reporting" in page.locator("h1").inner_text()


def test_overview_filters(page: Any, base: str) -> None:
    page.goto(base + "compare/alpha--beta/index.html")
    rows = page.locator("#overview tbody tr")
    total = rows.count()
    page.get_by_label("modified").uncheck()
    visible = page.locator("#overview tbody tr:not(.is-hidden)").count()
    assert 0 < visible < total
    page.get_by_label("modified").check()
    page.get_by_label("normative", exact=True).check()  # only rows with a normative change
    assert 0 < page.locator("#overview tbody tr:not(.is-hidden)").count() < total
    assert f"of {total} sections" in page.locator(".filter-count").inner_text()
    shot(page, "transition", full=True)


def test_works_without_javascript_and_from_files(browser: Any, site: Path) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto((site / "concept" / "measure-1-1" / "index.html").as_uri())
    assert page.locator(".view-inline ins").first.is_visible()
    assert page.locator("details.view-side summary").first.is_visible()
    page.goto((site / "compare" / "alpha--beta" / "index.html").as_uri())
    assert page.locator("#filters").is_hidden()
    assert page.locator("#overview tbody tr:visible").count() == page.locator("#overview tbody tr").count()
    page.locator("a", has_text="Full-document redline").first.click()
    assert page.url.endswith("redline.html")
    context.close()


def test_phone_layout(browser: Any, base: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1)
    page = context.new_page()
    for name, path in (
        ("phone-home", "index.html"),
        ("phone-draft", "gamma/index.html"),
        ("phone-concept", "concept/measure-1-1/index.html"),
    ):
        page.goto(base + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} scrolls sideways ({width}px)"
        shot(page, name)
    context.close()


def test_print_stylesheet_hides_navigation(page: Any, base: str) -> None:
    page.goto(base + "concept/measure-1-1/index.html")
    page.emulate_media(media="print")
    assert page.locator(".site-header").is_hidden() and page.locator(".view-inline").first.is_visible()


def teardown_module() -> None:
    shutil.rmtree(SHOTS.parent / "tmp", ignore_errors=True)
