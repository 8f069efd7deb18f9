"""A Comparison → versioned JSON (docs/comparison-schema.md), text and Markdown reports, CSV rows.

Every output is built from sorted, rounded values, so the same input gives the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from typing import Any

from .model import STATUSES, Block, BlockDiff, Comparison, DiffOp, Draft, Section, SectionChange

SCHEMA_VERSION = "1.0"


def comparison_json(comparison: Comparison, indent: int | None = 1) -> str:
    """Indented for people by default; `indent=None` is compact and uses json's C encoder (~10× faster)."""
    data = comparison_data(comparison)
    if indent is None:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
    return json.dumps(data, ensure_ascii=False, indent=indent) + "\n"


def comparison_data(comparison: Comparison) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "old": _draft(comparison.old),
        "new": _draft(comparison.new),
        "summary": summary_counts(comparison),
        "pairs": [_change(change) for change in comparison.changes],
        "diagnostics": [str(d) for d in comparison.diagnostics],
    }


def summary_counts(comparison: Comparison) -> dict[str, int]:
    """Sections per status, words added and removed, hunks with a normative change."""
    statuses: Counter[str] = Counter()
    for change in comparison.changes:
        statuses.update(change.pair.status)
    counts = {status: statuses[status] for status in STATUSES}
    counts["words_added"] = sum(c.summary.words_added for c in comparison.changes)
    counts["words_removed"] = sum(c.summary.words_removed for c in comparison.changes)
    counts["normative_changes"] = sum(
        dict(c.summary.class_counts).get("normative", 0) for c in comparison.changes
    )
    return counts


def _draft(draft: Draft) -> dict[str, Any]:
    return {"id": draft.id, "label": draft.label, "date": draft.date.isoformat(), "path": draft.path}


def _section(section: Section | None) -> dict[str, Any] | None:
    if section is None:
        return None
    return {
        "key": section.key or None,
        "anchor": section.anchor,
        "kind": section.kind or None,
        "number": section.number or None,
        "title": section.title,
        "path": section.location.path,
        "line": section.location.line,
    }


def _change(change: SectionChange) -> dict[str, Any]:
    pair, summary = change.pair, change.summary
    return {
        "old": _section(pair.old),
        "new": _section(pair.new),
        "status": list(pair.status),
        "matched_by": pair.matched_by or None,
        "score": round(pair.score, 4),
        "summary": {
            "words_added": summary.words_added,
            "words_removed": summary.words_removed,
            "words_kept": summary.words_kept,
            "similarity": round(summary.similarity, 4),
            "classes": list(summary.classes),
        },
        "title_ops": [_op(op) for op in change.title_ops],
        "blocks": [_block_diff(block) for block in change.blocks],
    }


def _block(block: Block | None) -> dict[str, Any] | None:
    return None if block is None else {"kind": block.kind, "line": block.location.line}


def _block_diff(diff: BlockDiff) -> dict[str, Any]:
    return {
        "old": _block(diff.old),
        "new": _block(diff.new),
        "box": diff.box or None,
        "moved": diff.moved,
        "ops": [_op(op) for op in diff.ops],
    }


def _op(op: DiffOp) -> dict[str, Any]:
    data: dict[str, Any] = {"op": op.op, "text": op.text}
    if op.old_text is not None:
        data["old_text"] = op.old_text
    if op.classes:
        data["classes"] = list(op.classes)
    return data


# --- human-readable reports -------------------------------------------------------------------


def name(section: Section | None) -> str:
    return section.short if section is not None else "—"


def lineage(change: SectionChange) -> str:
    """ "Measure II.4.14 → Measure 3.5", or one side for added and removed sections."""
    old, new = change.pair.old, change.pair.new
    if old is None:
        return f"+ {name(new)}"
    if new is None:
        return f"- {name(old)}"
    if old.short == new.short:
        return f"  {name(new)}"
    return f"  {name(old)} → {name(new)}"


def redline_text(ops: tuple[DiffOp, ...]) -> str:
    """wdiff-style: [-deleted-]{+inserted+}."""
    marks = {"equal": "{}", "delete": "[-{}-]", "insert": "{{+{}+}}"}
    return "".join(marks[op.op].format(op.text) for op in ops)


def comparison_text(comparison: Comparison, context: bool = False) -> str:
    counts = summary_counts(comparison)
    lines = [
        f"{comparison.old.label} ({comparison.old.date}) → {comparison.new.label} ({comparison.new.date})",
        ", ".join(f"{counts[s]} {s}" for s in STATUSES if counts[s])
        + f"; words +{counts['words_added']} -{counts['words_removed']}",
        "",
    ]
    for change in comparison.changes:
        if change.pair.status == ("unchanged",):
            continue
        pair = change.pair
        how = f" by {pair.matched_by} {pair.score:.2f}" if pair.matched_by else ""
        section = pair.new or pair.old
        title = f". {section.title}" if section is not None and section.name and section.title else ""
        lines.append(f"{lineage(change)}{title} [{', '.join(pair.status)}]{how}")
        for block in change.blocks:
            if context or any(op.op != "equal" for op in block.ops):
                moved = " (moved)" if block.moved else ""
                lines.append(f"    {redline_text(block.ops)}{moved}")
    return "\n".join(lines) + "\n"


def comparison_markdown(comparison: Comparison) -> str:
    counts = summary_counts(comparison)
    out = [
        f"# {_md(comparison.old.label)} → {_md(comparison.new.label)}",
        "",
        ", ".join(f"{counts[s]} {s}" for s in STATUSES if counts[s]),
        "",
        "| old | new | status | matched by | score | words + | words − |",
        "|---|---|---|---|---|---|---|",
    ]
    for change in comparison.changes:
        pair, summary = change.pair, change.summary
        out.append(
            f"| {_md(name(pair.old))} | {_md(name(pair.new))} | {', '.join(pair.status)} | {pair.matched_by or ''} "
            f"| {pair.score:.2f} | {summary.words_added} | {summary.words_removed} |"
        )
    for change in comparison.changes:
        if not change.blocks or all(op.op == "equal" for b in change.blocks for op in b.ops):
            continue
        section = change.pair.new or change.pair.old
        out += ["", f"## {_md(section.label if section else '')}", ""]
        for block in change.blocks:
            out.append("".join(_md_op(op) for op in block.ops) + "\n")
    return "\n".join(out) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "&lt;")


def _md_op(op: DiffOp) -> str:
    text = op.text.replace("<", "&lt;")
    return {"equal": text, "delete": f"<del>{text}</del>", "insert": f"<ins>{text}</ins>"}[op.op]


def changes_csv(comparison: Comparison) -> str:
    """One row per alignment record: a spreadsheet view of the transition."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["old_draft", "new_draft", "old_section", "old_title", "new_section", "new_title", "status",
         "matched_by", "score", "similarity", "words_added", "words_removed", "classes"]
    )  # fmt: skip
    for change in comparison.changes:
        pair, summary = change.pair, change.summary
        writer.writerow(
            [
                comparison.old.id,
                comparison.new.id,
                name(pair.old) if pair.old else "",
                _safe_cell(pair.old.title) if pair.old else "",
                name(pair.new) if pair.new else "",
                _safe_cell(pair.new.title) if pair.new else "",
                " ".join(pair.status),
                pair.matched_by,
                f"{pair.score:.4f}",
                f"{summary.similarity:.4f}",
                summary.words_added,
                summary.words_removed,
                " ".join(summary.classes),
            ]
        )
    return out.getvalue()


def _safe_cell(text: str) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas; a leading quote keeps them text."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text
