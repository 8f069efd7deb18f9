"""A section change's leaf diffs → the nested blocks a printed redline shows.

`BlockDiff`s are flat leaves (paragraphs, list items, table rows) in the new section's order. On
paper a reader expects the structure back: items in their list (nested items indented), rows in
their table with one diff per cell, typed boxes framed. The containers are found by looking each
leaf up in the section trees it came from; a deleted leaf joins the container it sits in.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from .model import Block, BlockDiff, DiffOp, Section, SectionChange
from .pdf_view import Node
from .redline import split_cells

_ENUMERATED = re.compile(r"^\(?[0-9ivxlcdmA-Za-z]{1,5}[.)]\s")  # "(a) …", "1. …", "ii) …"
WIDE_TABLE = 6  # columns above which a table is set in a smaller type


@dataclass(frozen=True, slots=True)
class _Place:
    box: int  # id() of the enclosing box block, 0 outside any box
    container: int  # id() of the outermost list or the table, 0 for other leaves
    depth: int  # list nesting


@dataclass(frozen=True, slots=True)
class _Leaf:
    node: Node
    box: str  # box kind, "" outside boxes
    place: _Place
    new_side: bool  # the place is in the new section (False: a deleted leaf, placed in the old)


_Key = Callable[[_Leaf], object]


def section_nodes(change: SectionChange) -> tuple[Node, ...]:
    """The body of one section change as nested nodes (every leaf once, in the redline's order)."""
    pair = change.pair
    places = {**_places(pair.old), **_places(pair.new)}
    diffs = change.blocks or _unchanged(pair.new or pair.old)
    leaves = [_leaf(diff, places) for diff in diffs]
    return tuple(_boxes(leaves))


def _unchanged(section: Section | None) -> list[BlockDiff]:
    if section is None:
        return []
    return [
        BlockDiff(leaf, leaf, box, (DiffOp("equal", leaf.text),) if leaf.text else ())
        for block in section.blocks
        for box, leaf in block.leaves()
    ]


# --- where each leaf sits ----------------------------------------------------------------------


def _places(section: Section | None) -> dict[int, _Place]:
    found: dict[int, _Place] = {}
    if section is not None:
        for block in section.blocks:
            _walk(block, 0, 0, -1, found)
    return found


def _walk(block: Block, box: int, container: int, depth: int, found: dict[int, _Place]) -> None:
    if block.kind == "box":
        for child in block.children:
            _walk(child, id(block), 0, -1, found)
    elif block.kind == "list":
        for item in block.children:
            _walk(item, box, container or id(block), depth + 1, found)
    elif block.kind == "table":
        for row in block.children:
            found[id(row)] = _Place(box, id(block), 0)
    else:
        found[id(block)] = _Place(box, container, max(depth, 0))
        for child in block.children:  # an item's nested lists; a quote's blocks
            _walk(child, box, container, depth, found)


def _leaf(diff: BlockDiff, places: dict[int, _Place]) -> _Leaf:
    block = diff.new or diff.old
    assert block is not None, "a block diff has at least one side"
    place = places.get(id(block), _Place(0, 0, 0))
    status = diff.status
    node = Node(kind=block.kind, status=status, ops=diff.ops, moved=diff.moved, depth=place.depth)
    if block.kind == "item":
        node = _item(node, block)
    elif block.kind == "row":
        node = Node(kind="row", status=status, moved=diff.moved, header=block.name == "header",
                    cells=split_cells(diff.ops, block.cells, diff.new is not None))  # fmt: skip
    return _Leaf(node, diff.box, place, diff.new is not None)


def _item(node: Node, block: Block) -> Node:
    # An ordered item shows its number; a bullet item that numbers itself ("(a) …") needs no bullet.
    marker = f"{block.name}." if block.name else "" if _ENUMERATED.match(block.text) else "•"
    return Node(
        kind="item", status=node.status, ops=node.ops, marker=marker, depth=node.depth, moved=node.moved
    )


# --- grouping -----------------------------------------------------------------------------------


def _boxes(leaves: Sequence[_Leaf]) -> Iterator[Node]:
    for run in _runs(leaves, lambda leaf: leaf.box or "-", lambda leaf: leaf.place.box):
        inner = tuple(_containers(run))
        if run[0].box:
            yield Node(kind="box", name=run[0].box, status=_status(run), children=inner)
        else:
            yield from inner


def _containers(leaves: Sequence[_Leaf]) -> Iterator[Node]:
    def kind(leaf: _Leaf) -> str:
        return {"item": "list", "row": "table"}.get(leaf.node.kind, "")

    for run in _runs(leaves, kind, lambda leaf: leaf.place.container):
        container = kind(run[0])
        if container:
            children = tuple(leaf.node for leaf in run)
            wide = container == "table" and max(len(row.cells) for row in children) > WIDE_TABLE
            yield Node(kind=container, status=_status(run), name="wide" if wide else "", children=children)
        else:
            yield from (leaf.node for leaf in run)


def _runs(leaves: Sequence[_Leaf], kind: _Key, identity: _Key) -> Iterator[list[_Leaf]]:
    """Consecutive leaves of one container: same kind ("" = none), and the same container on the new
    side (a deleted leaf joins the run it sits in when the kind matches)."""
    run: list[_Leaf] = []
    owner: object = None
    for leaf in leaves:
        same = bool(run) and kind(leaf) == kind(run[0]) != ""
        if same and leaf.new_side and owner is not None:
            same = identity(leaf) == owner
        if same and not leaf.new_side and owner is None and not run[0].new_side:
            same = identity(leaf) == identity(run[0])
        if not same:
            if run:
                yield run
            run, owner = [], None
        run.append(leaf)
        if owner is None and leaf.new_side:
            owner = identity(leaf)
    if run:
        yield run


def _status(run: Sequence[_Leaf]) -> str:
    statuses = {leaf.node.status for leaf in run}
    if len(statuses) == 1:
        return statuses.pop()
    return "equal" if statuses == {"equal"} else "changed"
