"""Heading text → kind, number, title and explicit key."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from .config import Config

ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
KEY = re.compile(r"\s*\{#([^}]*)\}\s*$")
VALID_KEY = re.compile(r"[a-z0-9][a-z0-9-]*")
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    text: str  # after the #s, key included
    kind: str  # canonical lower-case kind, or ""
    kind_word: str  # the kind as configured and written ("KPI", "Sub-Measure"), or ""
    number: str
    title: str
    key: str
    bad_key: str  # a {#…} that is not a valid key, or ""


def atx_level(line: str) -> tuple[int, str] | None:
    """(level, text) when `line` is an ATX heading."""
    match = ATX.match(line.rstrip("\n"))
    if not match:
        return None
    return len(match.group(1)), (match.group(2) or "").strip()


@cache
def _pattern(kinds: tuple[str, ...], number: str) -> re.Pattern[str]:
    words = "|".join(re.escape(k) for k in sorted(kinds, key=len, reverse=True))
    return re.compile(rf"^(?P<kind>{words})\s+(?P<number>{number})(?:[.:](?=\s|$))?(?:\s+(?P<title>.*))?$")


def parse_heading(level: int, text: str, config: Config) -> Heading:
    key, bad_key = "", ""
    match = KEY.search(text)
    body = text
    if match:
        body = text[: match.start()].rstrip()
        candidate = match.group(1).strip()
        if VALID_KEY.fullmatch(candidate):
            key = candidate
        else:
            bad_key = candidate or "{#}"
    found = _pattern(config.kinds, config.number).match(body)
    if not found:
        return Heading(level, text, "", "", "", body, key, bad_key)
    title = (found.group("title") or "").strip()
    word = found.group("kind")
    return Heading(level, text, word.lower(), word, found.group("number"), title, key, bad_key)


def slug(text: str) -> str:
    """Lower-case ASCII letters, digits and hyphens; safe in a URL and a file name."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    return "-".join(words)[:80].strip("-")
