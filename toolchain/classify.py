"""What a change means: classes for each hunk of a word diff, and a summary per section.

A hunk is a run of delete/insert ops between equal ops; both ops of a hunk get the same classes,
equal ops get none. A class is found by matching patterns in the whole old and new texts and
comparing the matches that touch the hunk on either side: the class holds when they differ. So
"within 15 days" → "within 10 working days" is a date change although the hunk is only "15" → "10
working", and a hunk that moves a date without changing it is no date change. Classes are sorted.

Vocabulary:

- `normative`: normative strength changed: a modal (shall, must, is required to, will, commit(s) to,
  should, endeavour/strive to, are encouraged to, may, can, could, might), a negation (not, no,
  never, cannot) or a qualifier (where/as appropriate, where feasible, to the extent possible,
  reasonably, unless, at least, only, …).
- `normative.weaker` / `normative.stronger`: the direction, when it is clear: a modal moved down or
  up the scale `STRENGTH` (shall → should is weaker), or a hedge ("where appropriate") was added or
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

import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace

from toolchain.model import BlockDiff, DiffOp, SectionSummary
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

# --- patterns ----------------------------------------------------------------------------------

# Normative strength, strongest first: obligation, commitment, recommendation, permission.
STRENGTH: tuple[tuple[int, str], ...] = (
    (4, r"shall|must|(?:is|are)\s+required\s+to|(?:is|are)\s+obliged\s+to|(?:has|have)\s+to"),
    (3, r"will|commits?\s+to|(?:is|are)\s+committed\s+to|undertakes?\s+to"),
    (2, r"should|ought\s+to|endeavou?rs?\s+to|strives?\s+to|aims?\s+to|(?:is|are)\s+expected\s+to"),
    (1, r"(?:is|are)\s+(?:encouraged|invited)\s+to|(?<!\d\s)may(?!\s+\d)|can|could|might"),
)
_HEDGE = (  # adding one weakens a provision
    r"(?:where|as|if)\s+(?:appropriate|feasible|possible|relevant|applicable|necessary)"
    r"|as\s+far\s+as\s+(?:possible|practicable)"
    r"|to\s+the\s+(?:extent|degree)\s+(?:possible|feasible|practicable|appropriate|necessary)"
    r"|reasonably|unless|in\s+principle|(?:best|reasonable)\s+efforts?"
)
_NEGATION = r"not(?!\s+later\s+than)|never|no(?!\s+(?:later\s+than|\d))|cannot|neither|nor"
_QUALIFIER = r"at\s+least|at\s+a\s+minimum|only|exclusively|solely|always"
_NORMATIVE = re.compile(
    r"\b(?:"
    + "|".join(f"(?P<m{level}>{pattern})" for level, pattern in STRENGTH)
    + f"|(?P<hedge>{_HEDGE})|(?P<negation>{_NEGATION})|(?P<qualifier>{_QUALIFIER})"
    + r")\b",
    re.IGNORECASE,
)

# fmt: off
_UNITS = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
)
_TENS = {"thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70", "eighty": "80",
         "ninety": "90", "hundred": "100", "thousand": "1000"}
# fmt: on
_VALUES = {word: str(value) for value, word in enumerate(_UNITS)} | _TENS
_NUMBER_WORDS = "|".join(word for word in _VALUES if word != "zero")
_NUMBER_WORD = re.compile(rf"\b(?:{_NUMBER_WORDS})\b", re.IGNORECASE)
_SCALE = r"(?:\s+(?:million|billion|trillion|thousand)\b)?"
_UNIT = r"(?:\s?(?:%|kg|km|g|t|GB|TB|MB|FLOPs?|EUR|USD)(?!\w)|\s+(?:per\s?cent|percent)\b)?"
_NUMBER = re.compile(
    rf"(?:[€$£]\s?)?(?<![\w.])\d+(?:[.,]\d+)*{_SCALE}{_UNIT}|\b(?:{_NUMBER_WORDS})\b{_SCALE}{_UNIT}",
    re.IGNORECASE,
)

_MONTH = r"(?:January|February|March|April|(?-i:May)|June|July|August|September|October|November|December)"
_COUNT = rf"(?:\d+(?:[.,]\d+)?|{_NUMBER_WORDS}|a|an)"
_PERIOD = r"(?:(?:working|calendar|business)\s+)?(?:days?|weeks?|months?|years?|hours?|quarters?)\b"
_DATE = re.compile(
    rf"""
      \b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}(?:,?\s+\d{{4}})?\b              # 2 August 2025
    | \b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?\b              # August 2, 2025
    | \b{_MONTH}\s+\d{{4}}\b                                                 # August 2025
    | \b\d{{4}}-\d{{2}}-\d{{2}}\b                                            # 2025-08-02
    | \b(?:(?:within|after|before|by|until|for|in|every|each|over|up\s+to
            |no\s+later\s+than|not\s+later\s+than|at\s+least|at\s+the\s+latest)
           \s+(?:the\s+)?(?:(?:next|first|following|last)\s+)?)?
        {_COUNT}[\s-]+{_PERIOD}                                              # within 15 days
    | \b(?:every|each|per)\s+{_PERIOD}                                       # every year
    | \b(?:by|before|after|until|from|in|since|as\s+of|(?:by\s+)?the\s+end\s+of)
        \s+(?:{_MONTH}\s+)?\d{{4}}\b                                         # by 2027
    | \b(?:without\s+undue\s+delay|as\s+soon\s+as\s+(?:possible|practicable)
        |annually|yearly|quarterly|monthly|weekly|daily|biannually|semi-annually)\b
    """,
    re.IGNORECASE | re.VERBOSE,
)

_REF_KIND = (
    r"(?:[Mm]easures?|[Cc]ommitments?|[Aa]ppendix|[Aa]ppendices|[Ss]ections?|[Cc]hapters?"
    r"|[Oo]bjectives?|[Tt]ables?|[Ff]igures?)"
)
_REF_NUMBER = r"(?:(?:[IVX]+\.)?\d+(?:\.\d+)*[a-z]?|[IVX]+|[A-Z](?:\.\d+)*)(?!\w)"
_REF_JOIN = r"(?:\s*[,–—-]\s*|\s+(?:and|or|to)\s+)"
_REFERENCE = re.compile(rf"\b{_REF_KIND}\s+{_REF_NUMBER}(?:{_REF_JOIN}(?:{_REF_KIND}\s+)?{_REF_NUMBER})*")
_REF_PART = re.compile(rf"(?P<kind>{_REF_KIND})|(?P<number>{_REF_NUMBER})")

_ACT = (
    r"(?:AI\s+Act|TFEU|TEU|GDPR|Charter(?:\s+of\s+Fundamental\s+Rights)?"
    r"|(?:Regulation|Directive|Decision)\s+(?:\((?:EU|EC|EEC)\)\s+)?(?:No\s+)?\d+/\d+(?:/(?:EU|EC|EEC))?)"
)
_ART_NUMBER = r"(?:\d+[a-z]?(?:\(\w{1,4}\))*|[IVXLC]+\b)"
_LEGAL = re.compile(
    rf"\b(?:[Aa]rticles?|Art\.|[Rr]ecitals?|[Aa]nnex(?:es)?)\s+{_ART_NUMBER}"
    rf"(?:{_REF_JOIN}{_ART_NUMBER})*(?:\s+(?:of\s+(?:the\s+)?)?{_ACT})?"
    rf"|\b{_ACT}(?!\w)"
)

_ENUMERATOR = re.compile(r"\((?:\d{1,2}|[A-Za-z]|[ivx]{1,5})\)")  # list labels: (1), (b), (iv)
_QUOTED = re.compile(
    r"“[^“”]{1,80}”|„[^“”„]{1,80}“|\"[^\"]{1,80}\"|‘[^‘’]{1,80}’|«[^«»]{1,80}»"
    r"|(?<!\w)'(?=\S)[^']{1,80}(?<=\S)'(?!\w)"  # straight single quotes, apostrophes left out
)
_QUOTES = str.maketrans(dict.fromkeys("“”„‘’«»'", '"'))


# --- matches -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Match:
    start: int
    end: int
    text: str  # normalised for comparison
    role: str = ""  # normative matches: "modal", "hedge", "negation", "qualifier"
    strength: int = 0  # modals: 1 (may) … 4 (shall)


@dataclass(frozen=True, slots=True)
class _Scan:
    """Every match in one text, by kind."""

    normative: tuple[_Match, ...]
    number: tuple[_Match, ...]
    date: tuple[_Match, ...]
    reference: tuple[_Match, ...]
    legal: tuple[_Match, ...]
    definition: tuple[_Match, ...]
    enumerator: tuple[_Match, ...]


def _fold(text: str) -> str:
    return " ".join(text.lower().split())


def _fold_number(text: str) -> str:
    """Numbers as digits: "five" = "5", "1,000" = "1000"."""
    text = _NUMBER_WORD.sub(lambda m: _VALUES[m.group().lower()], _fold(text))
    return re.sub(r"(?<=\d)[, ](?=\d)", "", text)


def _fold_quotes(text: str) -> str:
    return _fold(text).translate(_QUOTES)


def _spaces(text: str) -> str:
    return " ".join(text.split())  # case matters: "II" is a number, "ii" a word


def _find(pattern: re.Pattern[str], text: str, norm: Callable[[str], str] = _fold) -> tuple[_Match, ...]:
    return tuple(_Match(m.start(), m.end(), norm(m.group())) for m in pattern.finditer(text))


def _normative(text: str) -> tuple[_Match, ...]:
    found = []
    for m in _NORMATIVE.finditer(text):
        role = m.lastgroup or ""
        strength = int(role[1:]) if role.startswith("m") else 0
        found.append(_Match(m.start(), m.end(), _fold(m.group()), "modal" if strength else role, strength))
    return tuple(found)


def _scan(text: str) -> _Scan:
    reference, legal = _find(_REFERENCE, text, _spaces), _find(_LEGAL, text)
    enumerator = _find(_ENUMERATOR, text)
    # Numbers in citations and list labels are not quantities.
    cited = {k for m in (*reference, *legal, *enumerator) for k in range(m.start, m.end)}
    numbers = tuple(n for n in _find(_NUMBER, text, _fold_number) if n.start not in cited)
    return _Scan(
        normative=_normative(text),
        number=numbers,
        date=_find(_DATE, text, _fold_number),
        reference=reference,
        legal=legal,
        definition=_find(_QUOTED, text, _fold_quotes),
        enumerator=enumerator,
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


def _touching(matches: Sequence[_Match], span: tuple[int, int]) -> list[_Match]:
    """Matches overlapping the span; for an empty span (an insertion point), those around it."""
    start, end = span
    if start == end:
        return [m for m in matches if m.start < start < m.end]
    return [m for m in matches if m.start < end and m.end > start]


def _differ(old: Sequence[_Match], new: Sequence[_Match]) -> bool:
    return Counter(m.text for m in old) != Counter(m.text for m in new)


# --- classes -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Context:
    old: _Scan
    new: _Scan
    renumbered: Mapping[tuple[str, str], tuple[str, str]]
    in_definition: bool
    directional: bool  # the texts share words, so a direction means something


def _classes(hunk: _Hunk, old_text: str, new_text: str, ctx: _Context) -> tuple[str, ...]:
    found: set[str] = set()

    def touched(kind: str) -> tuple[list[_Match], list[_Match]]:
        return _touching(getattr(ctx.old, kind), hunk.old), _touching(getattr(ctx.new, kind), hunk.new)

    for kind, name in (("number", "number"), ("date", "date"), ("legal", "legal-basis")):
        if _differ(*touched(kind)):
            found.add(name)
    found |= _normative_classes(*touched("normative"), ctx.directional)
    found |= _reference_classes(*touched("reference"), ctx.renumbered)
    editorial = _skeleton(old_text, hunk.old, ctx.old) == _skeleton(new_text, hunk.new, ctx.new)
    if (_differ(*touched("definition")) or ctx.in_definition) and not editorial:
        found.add("definition")  # quoting a term, or changing its quote marks, is editorial
    if not found:
        found.add("editorial" if editorial else "text")
    return tuple(sorted(found))


def _normative_classes(old: list[_Match], new: list[_Match], directional: bool) -> set[str]:
    if not _differ(old, new):
        return set()
    direction = _direction(old, new) if directional else 0
    return (
        {"normative"}
        | ({"normative.weaker"} if direction < 0 else set())
        | ({"normative.stronger"} if direction > 0 else set())
    )


def _direction(old: list[_Match], new: list[_Match]) -> int:
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
    old: list[_Match], new: list[_Match], renumbered: Mapping[tuple[str, str], tuple[str, str]]
) -> set[str]:
    before = [item for m in old for item in _ref_items(m.text)]
    after = [item for m in new for item in _ref_items(m.text)]
    if before == after:
        return set()
    if renumbered and [renumbered.get(item, item) for item in before] == after:
        return {"reference.renumbering"}
    return {"reference"}


def _ref_items(text: str) -> list[tuple[str, str]]:
    """("measure", "2.3") for each number of a reference, under the kind word before it."""
    items, kind = [], ""
    for m in _REF_PART.finditer(text):
        if m.group("kind"):
            kind = _singular(m.group("kind"))
        elif kind:
            items.append((kind, m.group("number")))
    return items


def _singular(word: str) -> str:
    word = word.lower()
    return "appendix" if word == "appendices" else word.removesuffix("s")


def _renumbering(renumbered: Mapping[str, str] | None) -> dict[tuple[str, str], tuple[str, str]]:
    """The caller's {"Measure 2.3": "Measure 3.1"} as {("measure", "2.3"): ("measure", "3.1")}."""
    pairs = {}
    for old, new in (renumbered or {}).items():
        before, after = _ref_items(_spaces(old)), _ref_items(_spaces(new))
        if len(before) == len(after) == 1:
            pairs[before[0]] = after[0]
    return pairs


def _skeleton(text: str, span: tuple[int, int], scan: _Scan) -> str:
    """The span's letters and digits in lower case, list labels left out: what editing leaves alone."""
    start, end = span
    chars = list(text[start:end])
    for label in scan.enumerator:
        for k in range(max(label.start, start), min(label.end, end)):
            chars[k - start] = " "
    return "".join(ch for ch in _fold_number("".join(chars)) if ch.isalnum())


# --- public ------------------------------------------------------------------------------------


def classify_ops(
    ops: Sequence[DiffOp],
    renumbered: Mapping[str, str] | None = None,
    *,
    in_definition: bool = False,
) -> tuple[DiffOp, ...]:
    """The ops with `classes` set: the hunk's classes on insert/delete ops, () on equal ops."""
    return _classify(ops, _renumbering(renumbered), in_definition)


def _classify(
    ops: Sequence[DiffOp], renumbered: Mapping[tuple[str, str], tuple[str, str]], in_definition: bool
) -> tuple[DiffOp, ...]:
    out = [replace(op, classes=()) if op.classes else op for op in ops]
    if all(op.op == "equal" for op in ops):
        return tuple(out)  # nothing to scan for
    old_text, new_text = rebuild_old(ops), rebuild_new(ops)
    ctx = _Context(
        _scan(old_text),
        _scan(new_text),
        renumbered,
        in_definition,
        directional=any(op.op == "equal" and is_word(op.text) for op in ops),
    )
    for hunk in _hunks(ops):
        classes = _classes(hunk, old_text, new_text, ctx)
        for k in range(hunk.first, hunk.last):
            out[k] = replace(ops[k], classes=classes)
    return tuple(out)


def classify_blocks(
    block_diffs: Sequence[BlockDiff],
    renumbered: Mapping[str, str] | None = None,
    *,
    in_definition: bool = False,
) -> tuple[BlockDiff, ...]:
    """Every block diff with its ops classified (`in_definition`: the blocks are glossary rows)."""
    pairs = _renumbering(renumbered)
    return tuple(replace(diff, ops=_classify(diff.ops, pairs, in_definition)) for diff in block_diffs)


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
