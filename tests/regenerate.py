"""Regenerate golden files: `make golden`. Review the diff like code before committing it."""

from __future__ import annotations

from pathlib import Path

from toolchain.parse import parse_draft
from toolchain.tree import dump

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ROOT = FIXTURES.parent.parent


def regenerate_parse() -> None:
    for source in sorted((FIXTURES / "parse").glob("*.md")):
        draft = parse_draft(source.relative_to(FIXTURES.parent.parent))
        diags = "".join(f"{d}\n" for d in draft.diagnostics)
        source.with_suffix(".tree").write_text(
            dump(draft) + ("--\n" + diags if diags else ""), encoding="utf-8"
        )
        print(f"wrote {source.with_suffix('.tree')}")


def regenerate_site() -> None:
    """The golden site: the fixture drafts published with a fixed SOURCE_DATE_EPOCH (search index left out)."""
    import os
    import shutil
    import tempfile

    from .sitehelp import DRAFTS, EPOCH, GOLDEN, build, tree

    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    os.chdir(ROOT)  # draft paths appear in the exports, relative to the repository
    with tempfile.TemporaryDirectory() as tmp:
        build(DRAFTS.relative_to(ROOT), Path(tmp) / "site", Path(tmp) / "cache")
        files = tree(Path(tmp) / "site")
    shutil.rmtree(GOLDEN, ignore_errors=True)
    for rel, data in files.items():
        (GOLDEN / rel).parent.mkdir(parents=True, exist_ok=True)
        (GOLDEN / rel).write_bytes(data)
    print(f"wrote {GOLDEN} ({len(files)} files)")


if __name__ == "__main__":
    regenerate_parse()
    regenerate_site()
