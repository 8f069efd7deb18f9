"""The patterns change classes are read from, and every match of them in one text (`scan`).

classify.py compares the matches on either side of a hunk; the vocabulary is documented there.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

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
# Speed: a pattern tried at every position costs most where it cannot start. `\b(?=\w)` (a word
# start, not a word end) and, for numbers, a currency sign, a digit that starts a number or a word
# start with the first letter of a number word are implied by every alternative below, so they
# change no match; they only let the engine give up at once where no match can start.
_NORMATIVE = re.compile(
    r"\b(?=\w)(?:"
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
    rf"(?=[€$£]|(?<![\w.])\d|\b[otfsenh])(?:(?:[€$£]\s?)?(?<![\w.])\d+(?:[.,]\d+)*{_SCALE}{_UNIT}|\b(?:{_NUMBER_WORDS})\b{_SCALE}{_UNIT})",
    re.IGNORECASE,
)

_MONTH = r"(?:January|February|March|April|(?-i:May)|June|July|August|September|October|November|December)"
_COUNT = rf"(?:\d+(?:[.,]\d+)?|{_NUMBER_WORDS}|a|an)"
_PERIOD = r"(?:(?:working|calendar|business)\s+)?(?:days?|weeks?|months?|years?|hours?|quarters?)\b"
_DATE = re.compile(
    rf"""
    \b(?=\w)(?:
      \d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}(?:,?\s+\d{{4}})?\b                # 2 August 2025
    | {_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?\b                # August 2, 2025
    | {_MONTH}\s+\d{{4}}\b                                                   # August 2025
    | \d{{4}}-\d{{2}}-\d{{2}}\b                                              # 2025-08-02
    | (?:(?:within|after|before|by|until|for|in|every|each|over|up\s+to
            |no\s+later\s+than|not\s+later\s+than|at\s+least|at\s+the\s+latest)
           \s+(?:the\s+)?(?:(?:next|first|following|last)\s+)?)?
        {_COUNT}[\s-]+{_PERIOD}                                              # within 15 days
    | (?:every|each|per)\s+{_PERIOD}                                         # every year
    | (?:by|before|after|until|from|in|since|as\s+of|(?:by\s+)?the\s+end\s+of)
        \s+(?:{_MONTH}\s+)?\d{{4}}\b                                         # by 2027
    | (?:without\s+undue\s+delay|as\s+soon\s+as\s+(?:possible|practicable)
        |annually|yearly|quarterly|monthly|weekly|daily|biannually|semi-annually)\b
    )
    """,
    re.IGNORECASE | re.VERBOSE,
)


def _lowered(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """The case-insensitive `pattern` as a case-sensitive one for lower-cased text: the same matches
    (every match is folded to lower case anyway), twice as fast in Python's `re`."""
    assert not re.search(r"\\[A-Z]", pattern.pattern), "an upper-case escape would change meaning"
    source = pattern.pattern.lower().replace("(?p<", "(?P<").replace("(?p=", "(?P=")
    return re.compile(source, pattern.flags & ~re.IGNORECASE)


_NORMATIVE_LOW, _NUMBER_LOW, _DATE_LOW = _lowered(_NORMATIVE), _lowered(_NUMBER), _lowered(_DATE)
_FOREIGN_LETTER = re.compile(r"(?![\x00-\x7f])[^\W\d_]")
_MAY_DATE = re.compile(r"\bmay\s+\d|\d(?:st|nd|rd|th)?\s+may\b")  # where "may" could be the month

_REF_KIND = (
    r"(?:[Mm]easures?|[Cc]ommitments?|[Aa]ppendix|[Aa]ppendices|[Ss]ections?|[Cc]hapters?"
    r"|[Oo]bjectives?|[Tt]ables?|[Ff]igures?)"
)
_REF_NUMBER = r"(?:(?:[IVX]+\.)?\d+(?:\.\d+)*[a-z]?|[IVX]+|[A-Z](?:\.\d+)*)(?!\w)"
_REF_JOIN = r"(?:\s*[,–—-]\s*|\s+(?:and|or|to)\s+)"
# The lookaheads on first characters below change no match; they let `re` skip ahead (as above).
_REFERENCE = re.compile(
    rf"(?=[MmCcAaSsOoTtFf])\b{_REF_KIND}\s+{_REF_NUMBER}(?:{_REF_JOIN}(?:{_REF_KIND}\s+)?{_REF_NUMBER})*"
)
_REF_PART = re.compile(rf"(?P<kind>{_REF_KIND})|(?P<number>{_REF_NUMBER})")

_ACT = (
    r"(?:AI\s+Act|TFEU|TEU|GDPR|Charter(?:\s+of\s+Fundamental\s+Rights)?"
    r"|(?:Regulation|Directive|Decision)\s+(?:\((?:EU|EC|EEC)\)\s+)?(?:No\s+)?\d+/\d+(?:/(?:EU|EC|EEC))?)"
)
_ART_NUMBER = r"(?:\d+[a-z]?(?:\(\w{1,4}\))*|[IVXLC]+\b)"
_LEGAL = re.compile(
    rf"(?=[AaRrTGCD])(?:\b(?:[Aa]rticles?|Art\.|[Rr]ecitals?|[Aa]nnex(?:es)?)\s+{_ART_NUMBER}"
    rf"(?:{_REF_JOIN}{_ART_NUMBER})*(?:\s+(?:of\s+(?:the\s+)?)?{_ACT})?"
    rf"|\b{_ACT}(?!\w))"
)

_ENUMERATOR = re.compile(r"\((?:\d{1,2}|[A-Za-z]|[ivx]{1,5})\)")  # list labels: (1), (b), (iv)
_QUOTED = re.compile(
    r"(?=[“„\"‘«'])(?:“[^“”]{1,80}”|„[^“”„]{1,80}“|\"[^\"]{1,80}\"|‘[^‘’]{1,80}’|«[^«»]{1,80}»"
    r"|(?<!\w)'(?=\S)[^']{1,80}(?<=\S)'(?!\w))"  # straight single quotes, apostrophes left out
)
_QUOTES = str.maketrans(dict.fromkeys("“”„‘’«»'", '"'))


# --- matches -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Match:
    start: int
    end: int
    found: str  # the matched text (lower-cased where the pattern ran on lower-cased text)
    norm: Callable[[str], str]  # how `found` is normalised for comparison
    role: str = ""  # normative matches: "modal", "hedge", "negation", "qualifier"
    strength: int = 0  # modals: 1 (may) … 4 (shall)

    @property
    def text(self) -> str:
        """Normalised for comparison. Made only when asked: most matches touch no hunk, and
        normalising every one (numbers: two substitutions each) cost as much as finding them."""
        return self.norm(self.found)


@dataclass(frozen=True, slots=True)
class Scan:
    """Every match in one text, by kind."""

    normative: tuple[Match, ...]
    number: tuple[Match, ...]
    date: tuple[Match, ...]
    reference: tuple[Match, ...]
    legal: tuple[Match, ...]
    definition: tuple[Match, ...]
    enumerator: tuple[Match, ...]


def _fold(text: str) -> str:
    return " ".join(text.lower().split())


def fold_number(text: str) -> str:
    """Numbers as digits: "five" = "5", "1,000" = "1000"."""
    text = _NUMBER_WORD.sub(lambda m: _VALUES[m.group().lower()], _fold(text))
    return re.sub(r"(?<=\d)[, ](?=\d)", "", text)


def _fold_quotes(text: str) -> str:
    return _fold(text).translate(_QUOTES)


def spaces(text: str) -> str:
    return " ".join(text.split())  # case matters: "II" is a number, "ii" a word


def _find(pattern: re.Pattern[str], text: str, norm: Callable[[str], str] = _fold) -> tuple[Match, ...]:
    return tuple(Match(m.start(), m.end(), m.group(), norm) for m in pattern.finditer(text))


def _normative(pattern: re.Pattern[str], text: str) -> tuple[Match, ...]:
    found = []
    for m in pattern.finditer(text):
        role = m.lastgroup or ""
        strength = int(role[1:]) if role.startswith("m") else 0
        found.append(Match(m.start(), m.end(), m.group(), _fold, "modal" if strength else role, strength))
    return tuple(found)


@lru_cache(maxsize=4096)  # boilerplate paragraphs and headings recur; a Scan is immutable
def scan(text: str) -> Scan:
    """Every match of every pattern in `text`."""
    reference, legal = _find(_REFERENCE, text, spaces), _find(_LEGAL, text)
    enumerator = _find(_ENUMERATOR, text)
    # Numbers in citations and list labels are not quantities.
    cited = {k for m in (*reference, *legal, *enumerator) for k in range(m.start, m.end)}
    # Case-insensitive patterns run as case-sensitive ones on lower-cased text (`_lowered`), unless
    # case rules go beyond ASCII (ſ is s, K is k, İ lowers to two characters).
    plain = text.isascii() or _FOREIGN_LETTER.search(text) is None
    low = text.lower() if plain else text
    number, normative = (_NUMBER_LOW, _NORMATIVE_LOW) if plain else (_NUMBER, _NORMATIVE)
    numbers = tuple(n for n in _find(number, low, fold_number) if n.start not in cited)
    # Only "May" with a capital is a month: where "may" meets a number, the text keeps its case.
    dates = (
        _find(_DATE_LOW, low, fold_number)
        if plain and ("may" not in low or not _MAY_DATE.search(low))
        else _find(_DATE, text, fold_number)
    )
    return Scan(
        normative=_normative(normative, low),
        number=numbers,
        date=dates,
        reference=reference,
        legal=legal,
        definition=_find(_QUOTED, text, _fold_quotes),
        enumerator=enumerator,
    )


def ref_items(text: str) -> list[tuple[str, str]]:
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
