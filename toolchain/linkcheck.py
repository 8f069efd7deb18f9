"""Internal links, anchors and duplicate ids of a built site, checked with lxml.

`scan` reads one page (cacheable by its bytes); `check` joins the scans of every page. External
links (with a scheme, or protocol-relative) are not followed: the site makes no external requests.
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from lxml import html as lxml_html

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_REFRESH = re.compile(r"(?i)^\s*\d+\s*;\s*url\s*=\s*(.+?)\s*$")


@dataclass(frozen=True, slots=True)
class Scan:
    ids: tuple[str, ...]
    links: tuple[str, ...]  # hrefs and srcs as written
    duplicates: tuple[str, ...]


def scan(data: bytes) -> Scan:
    tree = lxml_html.document_fromstring(data)
    ids = [str(v) for v in _values(tree, "//@id")]
    links = [str(v) for v in _values(tree, "//a/@href | //link/@href | //script/@src | //img/@src")]
    for content in _values(tree, "//meta[@http-equiv='refresh']/@content"):
        found = _REFRESH.match(str(content))
        if found:
            links.append(found.group(1).strip("'\""))
    counts = Counter(ids)
    return Scan(tuple(ids), tuple(links), tuple(sorted(i for i, n in counts.items() if n > 1)))


def _values(tree: Any, query: str) -> list[Any]:
    found = tree.xpath(query)
    return list(found) if isinstance(found, list) else []


def check(scans: Mapping[str, Scan], files: set[str]) -> list[str]:
    """Problems as `page: message`, sorted. `files` holds every file of the site (not only pages)."""
    ids = {page: set(s.ids) for page, s in scans.items()}
    problems = []
    for page, found in sorted(scans.items()):
        for dup in found.duplicates:
            problems.append(f"{page}: duplicate id '{dup}'")
        for href in found.links:
            problem = _check_link(page, href, ids, files)
            if problem:
                problems.append(f"{page}: {problem}")
    return problems


def _check_link(page: str, href: str, ids: Mapping[str, set[str]], files: set[str]) -> str:
    if not href:
        return "empty link"
    if _SCHEME.match(href) or href.startswith("//"):
        return ""  # external or mailto: not ours to check
    parts = urlsplit(href)
    path = unquote(parts.path)
    if path.startswith("/"):
        return f"absolute link '{href}' (links must be relative)"
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path)) if path else page
    if target.startswith("../") or target == "..":
        return f"link '{href}' leaves the site"
    if target not in files:
        if target + "/index.html" in files or target == ".":
            return f"link '{href}' names a folder; link to its index.html (file:// needs it)"
        return f"broken link '{href}' (no file {target})"
    fragment = unquote(parts.fragment)
    if fragment and target in ids and fragment not in ids[target]:
        return f"broken anchor '{href}' (no id '{fragment}' in {target})"
    return ""
