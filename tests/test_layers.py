"""Data flows one way: parse → align → compare → render → publish. Lower stages never import higher ones."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "toolchain"

STAGES: dict[str, tuple[str, ...]] = {
    "base": ("model", "errors", "config", "diagnostics", "jinja", "forkpool", "__init__"),
    "parse": ("headings", "blocks", "refs", "frontmatter", "parse", "corpus", "tree"),
    "align": ("similarity", "scoring", "overrides", "lineage", "certain", "align"),
    "compare": ("chardiff", "worddiff", "blockdiff", "patterns", "classify", "compare", "export", "lineage_report"),
    "render": (
        "urls", "redline", "views", "sitedata", "pages", "concept_pages", "transition_pages", "render",
        "pdf_view", "pdf_nodes", "pdf_build", "pdf_engine", "pdf", "pdfs",
    ),
    "publish": (
        "sitecache", "swap", "linkcheck", "searchindex", "renderpool", "sitebuild", "build_site", "publish",
        "serve",
    ),
    "cli": ("cli", "__main__"),
}  # fmt: skip
RANK = {module: rank for rank, modules in enumerate(STAGES.values()) for module in modules}


def imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                found.add(node.module.split(".")[0])
            else:
                found.update(a.name for a in node.names if (PACKAGE / f"{a.name}.py").is_file())
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("toolchain."):
            found.add((node.module or "").split(".")[1])
    return found


def test_every_module_has_a_stage() -> None:
    modules = {p.stem for p in PACKAGE.glob("*.py")}
    assert modules == set(RANK), "add new modules to STAGES"


@pytest.mark.parametrize("path", sorted(PACKAGE.glob("*.py")), ids=lambda p: p.stem)
def test_no_module_imports_a_later_stage(path: Path) -> None:
    later = sorted(name for name in imports(path) if RANK[name] > RANK[path.stem])
    assert later == [], f"{path.stem} ({_stage(path.stem)}) imports later stages: {later}"


def _stage(module: str) -> str:
    return next(stage for stage, modules in STAGES.items() if module in modules)
