"""Where each page of the site lives, and relative links between pages.

Every path is built from checked segments (`[a-z0-9][a-z0-9-]*`: draft ids, anchors and concept ids
are made so), and `safe_path` checks the finished path again, so no key or id from a draft can name
a file outside the site. Links are relative and name `index.html` explicitly, so the site works from
any folder of any static host and from `file://`.
"""

from __future__ import annotations

import posixpath
import re

from .errors import PublishError

SEGMENT = re.compile(r"[a-z0-9][a-z0-9-]*")
_PATH_PART = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
# Top-level folders the site uses for itself; a draft id must not take one.
RESERVED = frozenset({"assets", "concept", "compare", "alignment", "search", "pagefind", "pdf", "index"})


def segment(text: str, what: str = "id") -> str:
    if not SEGMENT.fullmatch(text) or len(text) > 120:
        raise PublishError(f"publish: error: {what} {text!r} cannot be used in a URL (use a-z, 0-9 and -)")
    return text


def safe_path(path: str) -> str:
    """`path` itself when it is a relative POSIX path of plain names inside the site; else an error."""
    parts = path.split("/")
    if path.startswith("/") or not all(_PATH_PART.fullmatch(p) and p not in (".", "..") for p in parts):
        raise PublishError(f"publish: error: refusing to write {path!r}: not a plain path inside the site")
    return path


def home() -> str:
    return "index.html"


def draft(draft_id: str) -> str:
    if draft_id in RESERVED:
        raise PublishError(f"publish: error: draft id {draft_id!r} is reserved by the site; rename the draft")
    return f"{segment(draft_id, 'draft id')}/index.html"


def alias(draft_id: str, name: str) -> str:
    return f"{segment(draft_id, 'draft id')}/{segment(name, 'section anchor')}/index.html"


def concept(concept_id: str) -> str:
    return f"concept/{segment(concept_id, 'concept id')}/index.html"


def concepts() -> str:
    return "concept/index.html"


def transition_id(old: str, new: str) -> str:
    return f"{segment(old, 'draft id')}--{segment(new, 'draft id')}"


def transition(tid: str, name: str = "index.html") -> str:
    return f"compare/{tid}/{name}"


def alignment() -> str:
    return "alignment/index.html"


def search() -> str:
    return "search/index.html"


def asset(name: str) -> str:
    return f"assets/{name}"


def relative(target: str, page: str) -> str:
    """The href from `page` to `target` (both site paths; target may carry a #fragment)."""
    path, hash_, fragment = target.partition("#")
    if not path:
        return f"#{fragment}"
    href = posixpath.relpath(path, posixpath.dirname(page) or ".")
    return f"{href}{hash_}{fragment}"
