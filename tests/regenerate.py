"""Regenerate golden files: `make golden`. Review the diff like code before committing it."""

from __future__ import annotations

from pathlib import Path

from toolchain.parse import parse_draft
from toolchain.tree import dump

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def regenerate_parse() -> None:
    for source in sorted((FIXTURES / "parse").glob("*.md")):
        draft = parse_draft(source.relative_to(FIXTURES.parent.parent))
        diags = "".join(f"{d}\n" for d in draft.diagnostics)
        source.with_suffix(".tree").write_text(
            dump(draft) + ("--\n" + diags if diags else ""), encoding="utf-8"
        )
        print(f"wrote {source.with_suffix('.tree')}")


if __name__ == "__main__":
    regenerate_parse()
