"""Cross-references in prose: "Measure II.4.1", "Commitments 2 and 3", "Measures I.2.2–I.2.6"."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from .config import Config
from .model import Location, Reference

JOINERS = r"(?:,\s*(?:and|or)?|\s+and|\s+or|\s+to|\s*[–—-])"
ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


@cache
def _pattern(kinds: tuple[str, ...], plurals: tuple[str, ...], number: str) -> re.Pattern[str]:
    words = sorted({*kinds, *plurals}, key=len, reverse=True)
    kind = "|".join(re.escape(w) for w in words)
    num = rf"(?<![\w.]){number}(?![\w])"
    # The lookahead on first letters changes no match; it lets `re` skip ahead (twice as fast).
    first = re.escape("".join(sorted({w[0] for w in words if w})))
    return re.compile(
        rf"(?=[{first}])\b(?P<kind>{kind})\s+(?P<numbers>{num}(?:{JOINERS}\s*(?:(?:{kind})\s+)?{num})*)"
    )


@dataclass(
    frozen=True, slots=True, eq=False
)  # one per configuration (`_grammar` is cached): hashed by identity
class Grammar:
    """The patterns for one configuration, built once: kind words (singular and plural) and numbers."""

    run: re.Pattern[str]  # a whole run: kind, numbers, joiners
    parts: re.Pattern[str]  # a kind word or a number inside a run
    canonical: dict[str, str]  # "Measures" → "measure"


@cache
def _grammar(kinds: tuple[str, ...], plurals: tuple[str, ...], number: str) -> Grammar:
    canonical = {
        **{k: k.lower() for k in kinds},
        **{p: k.lower() for k, p in zip(kinds, plurals, strict=True)},
    }
    words = "|".join(re.escape(w) for w in sorted(canonical, key=len, reverse=True))
    parts = re.compile(rf"\b(?P<kind>{words})\b|(?<![\w.])(?P<number>{number})(?![\w])")
    return Grammar(_pattern(kinds, plurals, number), parts, canonical)


def grammar(config: Config) -> Grammar:
    """The reference patterns of one configuration (pass them to `find_references` in a loop)."""
    return _grammar(config.kinds, tuple(config.plural(k) for k in config.kinds), config.number)


def find_references(text: str, location: Location, config: Config | Grammar) -> Iterator[Reference]:
    """Each run like "Measures II.4.5 to II.4.8 and Measure II.4.11" gives one Reference per kind."""
    found = config if isinstance(config, Grammar) else grammar(config)
    canonical, parts = found.canonical, found.parts
    run = found.run
    for match in run.finditer(text):
        groups: dict[str, list[str]] = {}
        kind, previous_end = "", 0
        for part in parts.finditer(match.group(0)):
            if part.group("kind"):
                kind = canonical[part.group("kind")]
                groups.setdefault(kind, [])
                continue
            number, between = part.group("number"), match.group(0)[previous_end : part.start()]
            previous_end = part.end()
            numbers = groups[kind]
            if numbers and re.fullmatch(r"\s*(?:[–—-]|to)\s*", between):
                numbers.extend(_expand(numbers[-1], number)[1:])
            else:
                numbers.append(number)
        for kind, numbers in groups.items():
            if numbers:
                yield Reference(match.group(0), kind, tuple(dict.fromkeys(numbers)), location)


def _expand(first: str, last: str) -> list[str]:
    """ "I.2.2", "I.2.6" → I.2.2 … I.2.6 when only the last part differs; else both ends."""
    head, _, tail = first.rpartition(".")
    b_head, _, b_tail = last.rpartition(".")
    if head != b_head or not (tail.isdigit() and b_tail.isdigit()) or not 0 < int(b_tail) - int(tail) < 50:
        return [first, last]
    prefix = f"{head}." if head else ""
    return [f"{prefix}{n}" for n in range(int(tail), int(b_tail) + 1)]


def number_values(part: str) -> set[int]:
    """What one number part may stand for: arabic, roman, or a letter ("C" is 100 or 3)."""
    values = set()
    if part.isdigit():
        values.add(int(part))
    if part and all(c in ROMAN for c in part):
        total = 0
        for here, after in zip(part, [*part[1:], ""], strict=True):
            value = ROMAN[here]
            total += -value if after and ROMAN[after] > value else value
        values.add(total)
    if len(part) == 1 and part.isalpha():
        values.add(ord(part.lower()) - ord("a") + 1)
    return values
