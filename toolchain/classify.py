"""What a change means: classes for each hunk of a word diff, and a summary per section.

A hunk is a run of delete/insert ops between equal ops; both ops of a hunk get the same classes,
equal ops get none. A class is found by matching patterns in the whole old and new texts and
comparing the matches that touch the hunk on either side: the class holds when they differ. So
"within 15 days" → "within 10 working days" is a date change although the hunk is only "15" → "10
working", and a hunk that moves a date without changing it is no date change. Classes are sorted.
The patterns, and the scan of a text for all of them, live in patterns.py.

Vocabulary:

- `normative`: normative strength changed: a modal (shall, must, is required to, will, commit(s) to,
  should, endeavour/strive to, are encouraged to, may, can, could, might), a negation (not, no,
  never, cannot) or a qualifier (where/as appropriate, where feasible, to the extent possible,
  reasonably, unless, at least, only, …).
- `normative.weaker` / `normative.stronger`: the direction, when it is clear: a modal moved down or
  up the scale `patterns.STRENGTH` (shall → should is weaker), or a hedge ("where appropriate") was added or
  removed. Judged only where the text kept some words (a whole new block weakens nothing).
- `number`: a quantity changed: digits, number words one to twenty (and tens), percentages,
  amounts ("€10 million"), measures ("25 kg"). Numbers inside references and legal citations are
  not quantities; numbers inside dates are.
- `date`: a date, deadline or period changed ("2 August 2025", "within 15 days", "10 working days",
  "by 2027", "no later than four weeks", "annually", "without undue delay").
- `reference`: a cross-reference within the document changed (Measure, Commitment, Appendix,
  Section, Chapter, Objective, Table, Figure + number).
- `reference.renumbering`: the reference only follows the document's renumbering (the caller's
  `renumbered` map, e.g. "Measure 2.3" → "Measure 3.1"): editorial in substance.
- `legal-basis`: a citation of a legal act changed ("Article 55(1)", "Recital 114", "Annex XIII",
  "Regulation (EU) 2024/1689", "AI Act"). Article, Recital and Annex always cite the law here; the
  document's own units are Measures, Commitments and Appendices.
- `definition`: a quoted term (“…”, "…") changed, or any non-editorial change in a glossary row
  (the caller passes `in_definition=True`).
- `editorial`: only case, punctuation, whitespace, quote style or inline markup changed. Exclusive:
  only a hunk with no other class.
- `text`: anything else, plain rewording. Exclusive too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace

from toolchain.model import BlockDiff, DiffOp, SectionSummary
from toolchain.patterns import Match, Scan, fold_number, ref_items, scan, spaces
from toolchain.worddiff import count_words, is_word, rebuild_new, rebuild_old

CLASSES = (
    "normative",
    "normative.weaker",
    "normative.stronger",
    "number",
    "date",
    "reference",
    "reference.renumbering",
    "legal-basis",
    "definition",
    "editorial",
    "text",
)


# --- hunks -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Hunk:
    first: int  # ops[first:last] are the hunk's delete/insert ops
    last: int
    old: tuple[int, int]  # its span in the old text (empty for a pure insertion)
    new: tuple[int, int]


def _hunks(ops: Sequence[DiffOp]) -> Iterator[_Hunk]:
    o = n = 0
    start: tuple[int, int, int] | None = None  # (op index, old offset, new offset)
    for k, op in enumerate(ops):
        if op.op == "equal" and start is not None:
            yield _Hunk(start[0], k, (start[1], o), (start[2], n))
            start = None
        elif op.op != "equal" and start is None:
            start = (k, o, n)
        o += len(op.text if op.old_text is None else op.old_text) if op.op != "insert" else 0
        n += len(op.text) if op.op != "delete" else 0
    if start is not None:
        yield _Hunk(start[0], len(ops), (start[1], o), (start[2], n))


def _touching(matches: Sequence[Match], span: tuple[int, int]) -> list[Match]:
    """Matches overlapping the span; for an empty span (an insertion point), those around it."""
    start, end = span
    if start == end:
        return [m for m in matches if m.start < start < m.end]
    return [m for m in matches if m.start < end and m.end > start]


def _differ(old: Sequence[Match], new: Sequence[Match]) -> bool:
    if len(old) != len(new):
        return True
    return bool(old) and Counter(m.text for m in old) != Counter(m.text for m in new)  # mostly both empty


# --- classes -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Context:
    old: Scan
    new: Scan
    renumbered: Mapping[tuple[str, str], tuple[str, str]]
    in_definition: bool
    directional: bool  # the texts share words, so a direction means something


def _classes(hunk: _Hunk, old_text: str, new_text: str, ctx: _Context) -> tuple[str, ...]:
    found: set[str] = set()
    old, new = ctx.old, ctx.new

    def touched(olds: tuple[Match, ...], news: tuple[Match, ...]) -> tuple[list[Match], list[Match]]:
        return _touching(olds, hunk.old), _touching(news, hunk.new)

    # A kind neither text has cannot have changed (most texts have few kinds): it is skipped.
    for olds, news, name in ((old.number, new.number, "number"), (old.date, new.date, "date"),
                             (old.legal, new.legal, "legal-basis")):  # fmt: skip
        if (olds or news) and _differ(*touched(olds, news)):
            found.add(name)
    if old.normative or new.normative:
        found |= _normative_classes(*touched(old.normative, new.normative), ctx.directional)
    if old.reference or new.reference:
        found |= _reference_classes(*touched(old.reference, new.reference), ctx.renumbered)
    quoted = old.definition or new.definition
    definition = bool(quoted and _differ(*touched(old.definition, new.definition))) or ctx.in_definition
    if definition or not found:  # only then does it matter whether the edit is editorial
        editorial = _skeleton(old_text, hunk.old, ctx.old) == _skeleton(new_text, hunk.new, ctx.new)
        if definition and not editorial:
            found.add("definition")  # quoting a term, or changing its quote marks, is editorial
        if not found:
            found.add("editorial" if editorial else "text")
    return tuple(sorted(found))


def _normative_classes(old: list[Match], new: list[Match], directional: bool) -> set[str]:
    if not _differ(old, new):
        return set()
    direction = _direction(old, new) if directional else 0
    return (
        {"normative"}
        | ({"normative.weaker"} if direction < 0 else set())
        | ({"normative.stronger"} if direction > 0 else set())
    )


def _direction(old: list[Match], new: list[Match]) -> int:
    """Below zero weaker, above zero stronger: the strongest modal moved, or hedges came or went."""
    votes = 0
    old_modal = max((m.strength for m in old if m.role == "modal"), default=0)
    new_modal = max((m.strength for m in new if m.role == "modal"), default=0)
    if old_modal and new_modal:
        votes += _sign(new_modal - old_modal)
    hedges = sum(m.role == "hedge" for m in old) - sum(m.role == "hedge" for m in new)
    return _sign(votes + _sign(hedges))


def _sign(value: int) -> int:
    return (value > 0) - (value < 0)


def _reference_classes(
    old: list[Match], new: list[Match], renumbered: Mapping[tuple[str, str], tuple[str, str]]
) -> set[str]:
    before = [item for m in old for item in ref_items(m.text)]
    after = [item for m in new for item in ref_items(m.text)]
    if before == after:
        return set()
    if renumbered and [renumbered.get(item, item) for item in before] == after:
        return {"reference.renumbering"}
    return {"reference"}


@dataclass(frozen=True, slots=True)
class Renumbering:
    """The document's renumbering as reference items: {("measure", "2.3"): ("measure", "3.1")}.

    Built once per comparison (`Renumbering.of`): folding the whole map for every block made
    classification quadratic in the number of sections.
    """

    items: Mapping[tuple[str, str], tuple[str, str]]

    @classmethod
    def of(cls, renumbered: Mapping[str, str] | None) -> Renumbering:
        """The caller's {"Measure 2.3": "Measure 3.1"}, folded."""
        pairs = {}
        for old, new in (renumbered or {}).items():
            before, after = ref_items(spaces(old)), ref_items(spaces(new))
            if len(before) == len(after) == 1:
                pairs[before[0]] = after[0]
        return cls(pairs)


def _renumbering(
    renumbered: Mapping[str, str] | Renumbering | None,
) -> Mapping[tuple[str, str], tuple[str, str]]:
    return (renumbered if isinstance(renumbered, Renumbering) else Renumbering.of(renumbered)).items


def _skeleton(text: str, span: tuple[int, int], scan: Scan) -> str:
    """The span's letters and digits in lower case, list labels left out: what editing leaves alone."""
    start, end = span
    piece = text[start:end]
    for label in scan.enumerator:
        if label.start < end and label.end > start:
            left, right = max(label.start, start) - start, min(label.end, end) - start
            piece = piece[:left] + " " * (right - left) + piece[right:]
    return "".join(filter(str.isalnum, fold_number(piece)))


# --- public ------------------------------------------------------------------------------------


def classify_ops(
    ops: Sequence[DiffOp],
    renumbered: Mapping[str, str] | Renumbering | None = None,
    *,
    in_definition: bool = False,
) -> tuple[DiffOp, ...]:
    """The ops with `classes` set: the hunk's classes on insert/delete ops, () on equal ops."""
    return _classify(ops, _renumbering(renumbered), in_definition)


def _classify(
    ops: Sequence[DiffOp], renumbered: Mapping[tuple[str, str], tuple[str, str]], in_definition: bool
) -> tuple[DiffOp, ...]:
    if all(op.op == "equal" for op in ops):  # nothing to scan for
        return tuple(ops) if not any(op.classes for op in ops) else tuple(_unclassified(op) for op in ops)
    out = [_unclassified(op) for op in ops]
    old_text, new_text = rebuild_old(ops), rebuild_new(ops)
    ctx = _Context(
        scan(old_text),
        scan(new_text),
        renumbered,
        in_definition,
        directional=any(op.op == "equal" and is_word(op.text) for op in ops),
    )
    for hunk in _hunks(ops):
        classes = _classes(hunk, old_text, new_text, ctx)
        for k in range(hunk.first, hunk.last):
            op = ops[k]
            out[k] = DiffOp(op.op, op.text, classes, op.old_text)  # (`replace` is slower: called per op)
    return tuple(out)


def classify_blocks(
    block_diffs: Sequence[BlockDiff],
    renumbered: Mapping[str, str] | Renumbering | None = None,
    *,
    in_definition: bool = False,
) -> tuple[BlockDiff, ...]:
    """Every block diff with its ops classified (`in_definition`: the blocks are glossary rows)."""
    pairs = _renumbering(renumbered)
    return tuple(_with_ops(diff, _classify(diff.ops, pairs, in_definition)) for diff in block_diffs)


def _with_ops(diff: BlockDiff, ops: tuple[DiffOp, ...]) -> BlockDiff:
    return diff if ops == diff.ops else replace(diff, ops=ops)


def _unclassified(op: DiffOp) -> DiffOp:
    return DiffOp(op.op, op.text, (), op.old_text) if op.classes else op


def hunk_classes(ops: Sequence[DiffOp]) -> list[tuple[str, ...]]:
    """The classes of each hunk, in order (the ops must be classified already)."""
    return [tuple(sorted({c for op in ops[h.first : h.last] for c in op.classes})) for h in _hunks(ops)]


def summarize(block_diffs: Sequence[BlockDiff]) -> SectionSummary:
    """Words added, removed and kept, similarity, and classes counted per hunk (classify first)."""
    added = removed = kept = 0
    counts: Counter[str] = Counter()
    for diff in block_diffs:
        a, r, k = count_words(diff.ops)
        added, removed, kept = added + a, removed + r, kept + k
        for classes in hunk_classes(diff.ops):
            counts.update(classes)
    larger = kept + max(added, removed)
    return SectionSummary(
        words_added=added,
        words_removed=removed,
        words_kept=kept,
        similarity=kept / larger if larger else 1.0,
        classes=tuple(sorted(counts)),
        class_counts=tuple(sorted(counts.items())),
        weaker="normative.weaker" in counts,
        stronger="normative.stronger" in counts,
    )
