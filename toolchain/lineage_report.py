"""A History → the `toolchain history` report: each concept's versions across the drafts."""

from __future__ import annotations

import json
from typing import Any

from .model import Concept, Draft, History, Section


def _versions(history: History, concept: Concept) -> dict[str, Section]:
    anchors = {draft.id: draft.by_anchor() for draft in history.drafts}
    return {
        draft_id: anchors[draft_id][anchor]
        for draft_id, anchor in concept.versions
        if anchor in anchors[draft_id]
    }


def history_text(history: History) -> str:
    drafts = history.drafts
    lines = [" → ".join(f"{d.label} ({d.date})" for d in drafts), ""]
    for concept in history.concepts:
        versions = _versions(history, concept)
        cells = [versions[d.id].short if d.id in versions else "—" for d in drafts]
        title = _latest_title(drafts, versions)
        related = "; ".join(f"{rel} {other} ({draft})" for rel, other, draft in concept.related)
        lines.append(f"{concept.id}: {' → '.join(cells)}  {title}" + (f"  [{related}]" if related else ""))
    return "\n".join(lines) + "\n"


def _latest_title(drafts: tuple[Draft, ...], versions: dict[str, Section]) -> str:
    for draft in reversed(drafts):
        if draft.id in versions:
            return versions[draft.id].title
    return ""


def history_json(history: History) -> str:
    data: dict[str, Any] = {
        "schema_version": "1.0",
        "drafts": [
            {"id": d.id, "label": d.label, "date": d.date.isoformat(), "path": d.path} for d in history.drafts
        ],
        "concepts": [
            {
                "id": concept.id,
                "versions": [
                    {
                        "draft": draft_id,
                        "anchor": anchor,
                        "label": section.label,
                        "line": section.location.line,
                    }
                    for draft_id, anchor in concept.versions
                    for section in [_versions(history, concept).get(draft_id)]
                    if section is not None
                ],
                "related": [{"relation": r, "concept": c, "draft": d} for r, c, d in concept.related],
            }
            for concept in history.concepts
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"
