"""A readable dump of a draft's section tree: what the toolchain understood (golden test data too)."""

from __future__ import annotations

from .model import Draft, Section


def dump(draft: Draft) -> str:
    lines = [
        f"draft {draft.id} · {draft.label} · {draft.date.isoformat()} · {draft.words} words · "
        f"{sum(1 for _ in draft.walk())} sections"
    ]
    for section in draft.sections:
        _dump(section, 0, lines)
    return "\n".join(lines) + "\n"


def _dump(section: Section, depth: int, lines: list[str]) -> None:
    kind = section.kind or "-"
    number = section.number or "-"
    key = f" {{#{section.key}}}" if section.key else ""
    where = f"{section.location.line}-{section.location.end_line}"
    blocks = " ".join(b.kind for b in section.blocks)
    lines.append(
        f"{'  ' * depth}{kind} {number} {section.title!r}{key} #{section.anchor} "
        f"L{where} {section.words}w" + (f" [{blocks}]" if blocks else "")
    )
    for child in section.children:
        _dump(child, depth + 1, lines)


def rebuild(draft: Draft) -> str:
    """The draft's text again, from its parts' exact source slices (the lossless property)."""
    parts = [draft.front_matter, *(b.source for b in draft.preamble)]
    for section in draft.walk():
        parts.append(section.heading_source)
        parts.extend(block.source for block in section.blocks)
    return "".join(parts)
