"""Synthetic evolutions of a draft with known operations, to measure alignment against a truth.

`evolve(draft, seed)` copies a parsed draft into a small mutable tree, applies operations
(rename, move to another parent, split a section's blocks in two, merge two siblings, delete,
add new text, reword about a fifth of the words in half the sections), renumbers every numbered
section in order as an editor would, writes the result as Markdown and parses it again. Each
node remembers the old section it came from, so the truth is exact: a set of
(old walk index | None, new walk index | None) records, as `align` should return them.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from toolchain.model import Draft, Section
from toolchain.parse import parse_text

WORD = re.compile(r"(?<![\w/.#-])[A-Za-z]{3,}(?![\w/.-])")
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV", "XVI",
         "XVII", "XVIII", "XIX", "XX")  # fmt: skip
Pair = tuple[int | None, int | None]


@dataclass
class Node:
    origin: int | None  # walk index of the old section it continues; None for new text
    kind: str
    number: str
    title: str
    blocks: list[str]  # block sources, each ending in a blank line
    children: list[Node] = field(default_factory=list)
    parts: list[int] = field(default_factory=list)  # old sections merged into this one
    split_from: int | None = None  # old section this one was split off

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class Evolution:
    old: Draft
    new: Draft
    text: str
    truth: frozenset[Pair]
    operations: tuple[tuple[str, int | None, int | None], ...]  # (operation, old index, new index)


def evolve(draft: Draft, seed: int, reword: float = 0.2) -> Evolution:
    rng = random.Random(seed)
    index = {id(s): i for i, s in enumerate(draft.walk())}
    roots = [_copy(s, index) for s in draft.sections]
    vocabulary = sorted({w.lower() for s in draft.walk() for w in WORD.findall(f"{s.title} {s.text}")}) or [
        "text"
    ]
    ops = _Operations(roots, rng, vocabulary)
    count = max(1, len(index) // 25)
    for operation in ("delete", "merge", "split", "move", "add", "rename"):
        for _ in range(count):
            getattr(ops, operation)()
    for node in (n for root in roots for n in root.walk()):
        if node.origin is not None and rng.random() < 0.5:
            node.blocks = [_reword(b, rng, vocabulary, reword) for b in node.blocks]
    _renumber(roots)
    text = draft.front_matter + "\n" + "".join(_render(root, 1) for root in roots)
    new = parse_text(text, f"synthetic/{draft.id}-{seed}.md")
    nodes = [n for root in roots for n in root.walk()]
    assert len(nodes) == len(list(new.walk())), "every node must come back as one section"
    return Evolution(draft, new, text, _truth(nodes, len(index)), _operations(ops.log, nodes))


def _copy(section: Section, index: dict[int, int]) -> Node:
    blocks = [block.source if block.source.endswith("\n\n") else block.source.rstrip("\n") + "\n\n"
              for block in section.blocks]  # fmt: skip
    children = [_copy(child, index) for child in section.children]
    return Node(index[id(section)], section.kind, section.number, section.title, blocks, children)


class _Operations:
    """Each operation picks sections no earlier operation touched, so the truth stays simple."""

    def __init__(self, roots: list[Node], rng: random.Random, vocabulary: list[str]) -> None:
        self.roots = roots
        self.rng = rng
        self.vocabulary = vocabulary
        self.touched: set[int] = set()
        self.log: list[tuple[str, Node]] = []

    def _parents(self) -> list[tuple[Node | None, list[Node]]]:
        found: list[tuple[Node | None, list[Node]]] = [(None, self.roots)]
        found += [(n, n.children) for root in self.roots for n in root.walk() if n.children]
        return found

    def _leaves(self, blocks: int = 1) -> list[tuple[list[Node], Node]]:
        return [
            (siblings, child)
            for _, siblings in self._parents()
            for child in siblings
            if not child.children and id(child) not in self.touched and len(child.blocks) >= blocks
            and child.origin is not None
        ]  # fmt: skip

    def _take(self, node: Node, operation: str) -> None:
        self.touched.add(id(node))
        self.log.append((operation, node))

    def _words(self, count: int) -> str:
        return " ".join(self.rng.choice(self.vocabulary) for _ in range(count))

    def delete(self) -> None:
        options = self._leaves()
        if options:
            siblings, node = self.rng.choice(options)
            siblings.remove(node)
            self._take(node, "delete")

    def merge(self) -> None:
        options = [(s, a, s[k + 1]) for s, a in self._leaves() if (k := s.index(a)) + 1 < len(s)
                   and not s[k + 1].children and id(s[k + 1]) not in self.touched and s[k + 1].origin is not None
                   and s[k + 1].kind == a.kind]  # fmt: skip
        if options:
            siblings, first, second = self.rng.choice(options)
            first.blocks += second.blocks
            first.parts.append(second.origin)  # type: ignore[arg-type]
            siblings.remove(second)
            self._take(first, "merge")
            self.touched.add(id(second))

    def split(self) -> None:
        options = self._leaves(blocks=2)
        if options:
            siblings, node = self.rng.choice(options)
            cut = len(node.blocks) // 2
            part = Node(None, node.kind, node.number, self._words(3).capitalize(), node.blocks[cut:])
            part.split_from = node.origin
            node.blocks = node.blocks[:cut]
            siblings.insert(siblings.index(node) + 1, part)
            self._take(node, "split")
            self.touched.add(id(part))

    def move(self) -> None:
        for siblings, node in self.rng.sample(self._leaves(), k=min(20, len(self._leaves()))):
            targets = [c for p, c in self._parents() if c is not siblings and p is not None
                       and any(x.kind == node.kind for x in c)]  # fmt: skip
            if targets:
                target = self.rng.choice(targets)
                siblings.remove(node)
                target.insert(self.rng.randrange(len(target) + 1), node)
                self._take(node, "move")
                return

    def add(self) -> None:
        parents = [c for p, c in self._parents() if p is not None]
        if parents:
            siblings = self.rng.choice(parents)
            kind = self.rng.choice(siblings).kind
            body = [f"{self._words(40).capitalize()}.\n\n", f"{self._words(30).capitalize()}.\n\n"]
            node = Node(None, kind, "1" if kind else "", self._words(3).capitalize(), body)
            siblings.insert(self.rng.randrange(len(siblings) + 1), node)
            self._take(node, "add")

    def rename(self) -> None:
        options = [(s, n) for s, n in self._leaves() if n.title]
        if options:
            _, node = self.rng.choice(options)
            words = node.title.split()
            words[self.rng.randrange(len(words))] = self.rng.choice(self.vocabulary)
            node.title = " ".join(words) + " and " + self.rng.choice(self.vocabulary)
            self._take(node, "rename")


def _reword(block: str, rng: random.Random, vocabulary: list[str], share: float) -> str:
    lines = []
    for line in block.splitlines(keepends=True):
        if line.lstrip().startswith((":::", "|", "```", "<")):
            lines.append(line)
        else:
            lines.append(
                WORD.sub(lambda m: rng.choice(vocabulary) if rng.random() < share else m.group(0), line)
            )
    return "".join(lines)


def _renumber(nodes: list[Node], prefix: str = "", seen: dict[str, int] | None = None) -> None:
    """Number each kind in order within the nearest numbered ancestor, as editors do."""
    seen = {} if seen is None else seen
    for node in nodes:
        if node.number:
            seen[node.kind] = count = seen.get(node.kind, 0) + 1
            head, _, last = node.number.rpartition(".")
            value = str(count)
            if last in ROMAN and count <= len(ROMAN):
                value = ROMAN[count - 1]
            elif last.isalpha() and len(last) == 1:
                value = chr(ord("A") + count - 1)
            node.number = f"{prefix or head}.{value}" if head else value
            _renumber(node.children, node.number, {})
        else:
            _renumber(node.children, prefix, seen)


def _render(node: Node, level: int) -> str:
    head = " ".join(p for p in (node.kind.title() if node.kind else "", node.number) if p)
    heading = f"{head}. {node.title}" if head and node.title else head or node.title
    body = "".join(node.blocks)
    return f"{'#' * level} {heading}\n\n{body}" + "".join(_render(c, level + 1) for c in node.children)


def _truth(nodes: list[Node], old_count: int) -> frozenset[Pair]:
    found: set[Pair] = set()
    for j, node in enumerate(nodes):
        if node.origin is not None:
            found.add((node.origin, j))
        found |= {(part, j) for part in node.parts}
        if node.split_from is not None:
            found.add((node.split_from, j))
        if node.origin is None and node.split_from is None:
            found.add((None, j))
    used = {o for o, _ in found if o is not None}
    found |= {(i, None) for i in range(old_count) if i not in used}
    return frozenset(found)


def _operations(
    log: list[tuple[str, Node]], nodes: list[Node]
) -> tuple[tuple[str, int | None, int | None], ...]:
    where = {id(n): j for j, n in enumerate(nodes)}
    return tuple((operation, node.origin, where.get(id(node))) for operation, node in log)


def predicted(pairs: Iterator[tuple[Section | None, Section | None]], old: Draft, new: Draft) -> set[Pair]:
    """An alignment's records as walk indices, comparable with `Evolution.truth`."""
    old_index = {id(s): i for i, s in enumerate(old.walk())}
    new_index = {id(s): j for j, s in enumerate(new.walk())}
    return {
        (old_index[id(o)] if o is not None else None, new_index[id(n)] if n is not None else None)
        for o, n in pairs
    }


def precision_recall(found: set[Pair], truth: frozenset[Pair]) -> tuple[float, float]:
    hits = len(found & truth)
    return hits / max(1, len(found)), hits / max(1, len(truth))


def random_draft(words: int, seed: int = 0, draft_id: str = "big") -> Draft:
    """A policy-shaped draft of about `words` words: Parts > Commitments > Measures, Zipf-like vocabulary."""
    rng = random.Random(seed)
    syllables = ["ka", "lo", "mi", "ne", "ru", "ta", "vi", "so", "pe", "da", "gu", "fo", "ze", "bi"]
    lexicon = sorted({"".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(6000)})
    weights = [1.0 / (rank + 1) for rank in range(len(lexicon))]
    lines = ["---", "title: Big", f"draft: {draft_id}", "label: Big", "date: 2026-01-01", "---", ""]
    count, part = 0, 0
    while count < words:
        part += 1
        lines += [f"# Part {part}. {' '.join(rng.choices(lexicon, weights, k=3))}", ""]
        for c in range(1, 6):
            lines += [f"## Commitment {part}.{c}. {' '.join(rng.choices(lexicon, weights, k=3))}", ""]
            for m in range(1, rng.randint(2, 6)):
                lines += [f"### Measure {part}.{c}.{m}. {' '.join(rng.choices(lexicon, weights, k=3))}", ""]
                for _ in range(rng.randint(1, 3)):
                    size = rng.randint(20, 80)
                    lines += [" ".join(rng.choices(lexicon, weights, k=size)).capitalize() + ".", ""]
                    count += size
    return parse_text("\n".join(lines) + "\n", f"synthetic/{draft_id}.md")


def _timings() -> None:
    """`python -m tests.synthetic`: alignment time on the real pair and on a 100,000-word synthetic pair."""
    import statistics
    import time

    from toolchain.align import align

    from .conftest import CORPUS

    def best_of(runs: int, old: Draft, new: Draft) -> float:
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            align(old, new)
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    if (CORPUS / "final-safety-security.md").is_file():
        from toolchain.parse import parse_draft

        third = parse_draft(CORPUS / "third-draft-safety-security.md")
        final = parse_draft(CORPUS / "final-safety-security.md")
        print(f"third → final (real): {best_of(7, third, final) * 1000:.0f} ms (median of 7)")
    evolution = evolve(random_draft(100_000, seed=1), 1)
    words = evolution.old.words
    print(f"synthetic {words:,} words, {len(list(evolution.old.walk()))} sections: "
          f"{best_of(3, evolution.old, evolution.new):.2f} s (median of 3)")  # fmt: skip


if __name__ == "__main__":
    _timings()
