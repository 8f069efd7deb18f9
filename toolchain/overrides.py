"""Editor overrides for alignment, read from `drafts/alignment.yaml` (format: docs/alignment.md).

Reading checks the file's shape; resolving checks names against the drafts. Every problem is
reported as `path:line: error: message [align.override]`, all of them at once, in one
`ConfigError`. Line numbers come from the composed YAML node tree, not from a re-scan.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from .errors import ConfigError
from .model import Draft, Section

CODE = "align.override"
ACTIONS = ("pair", "forbid", "split", "merge")
# how many sections each side of a rule takes: (fewest, most); 0 = no limit
SHAPES = {
    "pair": ((1, 1), (1, 1)),
    "forbid": ((1, 1), (1, 1)),
    "split": ((1, 1), (2, 0)),
    "merge": ((2, 0), (1, 1)),
}


@dataclass(frozen=True, slots=True)
class Name:
    """A draft id or a section name as written in the file, with its line."""

    text: str
    line: int


@dataclass(frozen=True, slots=True)
class Rule:
    action: str  # one of ACTIONS
    old: tuple[Name, ...]
    new: tuple[Name, ...]  # for a split, the first new section continues the old one
    line: int


@dataclass(frozen=True, slots=True)
class Transition:
    old: Name  # draft id
    new: Name
    rules: tuple[Rule, ...]


@dataclass(frozen=True, slots=True)
class Overrides:
    path: str
    transitions: tuple[Transition, ...] = ()

    def rules(self, old: str, new: str) -> tuple[Rule, ...]:
        return tuple(r for t in self.transitions if (t.old.text, t.new.text) == (old, new) for r in t.rules)


@dataclass(frozen=True, slots=True)
class Resolved:
    """The rules of one transition with their sections found; what `align` applies."""

    pairs: tuple[tuple[Section, Section], ...] = ()
    forbidden: frozenset[tuple[str, str]] = frozenset()  # (old anchor, new anchor)
    splits: tuple[tuple[Section, tuple[Section, ...]], ...] = ()
    merges: tuple[tuple[tuple[Section, ...], Section], ...] = ()


class _Problems:
    def __init__(self, path: str) -> None:
        self.path = path
        self.lines: list[tuple[int, str]] = []

    def add(self, line: int, message: str) -> None:
        self.lines.append((line, f"{self.path}:{line}: error: {message} [{CODE}]"))

    def raise_any(self) -> None:
        if self.lines:
            raise ConfigError("\n".join(text for _, text in sorted(set(self.lines))))


# --- reading ------------------------------------------------------------------------------------


def load_overrides(path: str | Path) -> Overrides:
    shown = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{shown}: error: cannot read alignment overrides: {exc} [{CODE}]") from exc
    return parse_overrides(text, shown)


def parse_overrides(text: str, path: str) -> Overrides:
    problems = _Problems(path)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problems.add(mark.line + 1 if mark else 1, f"not valid YAML: {exc.problem or exc}")
        problems.raise_any()
        raise AssertionError("unreachable") from exc
    if root is None:
        return Overrides(path)
    top = _mapping(root, problems, ("transitions",), "the file")
    node = top.get("transitions")
    transitions: list[Transition] = []
    if node is not None:
        if isinstance(node, yaml.SequenceNode):
            transitions = [t for item in node.value if (t := _transition(item, problems)) is not None]
        else:
            problems.add(
                _line(node), "'transitions' must be a list of {from, to, pair, forbid, split, merge}"
            )
    _check_repeats(transitions, problems)
    problems.raise_any()
    return Overrides(path, tuple(transitions))


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def _mapping(node: yaml.Node, problems: _Problems, known: Sequence[str], what: str) -> dict[str, yaml.Node]:
    if not isinstance(node, yaml.MappingNode):
        problems.add(_line(node), f"{what} must be a mapping with keys {', '.join(known)}")
        return {}
    found: dict[str, yaml.Node] = {}
    for key, value in node.value:
        name = key.value if isinstance(key, yaml.ScalarNode) else ""
        if name not in known:
            problems.add(_line(key), f"unknown key '{name}' in {what}; known keys: {', '.join(known)}")
        elif name in found:
            problems.add(_line(key), f"key '{name}' is given twice in {what}")
        else:
            found[name] = value
    return found


def _scalar(node: yaml.Node, problems: _Problems, what: str) -> Name | None:
    if isinstance(node, yaml.ScalarNode) and str(node.value).strip():
        return Name(str(node.value).strip(), _line(node))
    problems.add(_line(node), f"{what} must be a non-empty text")
    return None


def _names(node: yaml.Node, problems: _Problems, what: str) -> tuple[Name, ...]:
    items = node.value if isinstance(node, yaml.SequenceNode) else [node]
    return tuple(n for item in items if (n := _scalar(item, problems, what)) is not None)


def _transition(node: yaml.Node, problems: _Problems) -> Transition | None:
    fields = _mapping(node, problems, ("from", "to", *ACTIONS), "a transition")
    if not fields:
        return None
    ids = []
    for key, older in (("from", "older"), ("to", "newer")):
        if key in fields:
            ids.append(_scalar(fields[key], problems, f"'{key}' (a draft id)"))
        else:
            problems.add(_line(node), f"a transition needs '{key}': the id of the {older} draft")
            ids.append(None)
    rules = [
        rule for action in ACTIONS if action in fields for rule in _rules(action, fields[action], problems)
    ]
    if ids[0] is None or ids[1] is None:
        return None
    return Transition(ids[0], ids[1], tuple(sorted(rules, key=lambda r: r.line)))


def _rules(action: str, node: yaml.Node, problems: _Problems) -> list[Rule]:
    if not isinstance(node, yaml.SequenceNode):
        problems.add(_line(node), f"'{action}' must be a list of {{old: …, new: …}} entries")
        return []
    rules = []
    for item in node.value:
        fields = _mapping(item, problems, ("old", "new"), f"a '{action}' entry")
        if not fields:
            continue
        if "old" not in fields or "new" not in fields:
            problems.add(_line(item), f"a '{action}' entry needs both 'old' and 'new'")
            continue
        rule = Rule(action, _names(fields["old"], problems, "a section name"),
                    _names(fields["new"], problems, "a section name"), _line(item))  # fmt: skip
        if _shape_ok(rule, problems):
            rules.append(rule)
    return rules


def _shape_ok(rule: Rule, problems: _Problems) -> bool:
    ok = True
    for side, names, (fewest, most) in zip(
        ("old", "new"), (rule.old, rule.new), SHAPES[rule.action], strict=True
    ):
        if len(names) < fewest or (most and len(names) > most):
            want = "one section" if most == 1 else f"at least {fewest} sections"
            hint = {"split": "; one old section into several new ones", "merge": "; several old into one new"}
            problems.add(
                rule.line, f"'{rule.action}' takes {want} on the {side} side{hint.get(rule.action, '')}"
            )
            ok = False
    return ok


def _check_repeats(transitions: Sequence[Transition], problems: _Problems) -> None:
    seen: dict[tuple[str, str], int] = {}
    for t in transitions:
        key = (t.old.text, t.new.text)
        if key in seen:
            problems.add(t.old.line, f"transition {key[0]} → {key[1]} is already given at line {seen[key]}")
        seen.setdefault(key, t.old.line)


# --- checking against drafts --------------------------------------------------------------------


def check_drafts(overrides: Overrides, drafts: Sequence[Draft]) -> None:
    """Every transition names two known drafts, the older one first."""
    problems = _Problems(overrides.path)
    order = [d.id for d in sorted(drafts, key=lambda d: (d.date, d.id))]
    for t in overrides.transitions:
        for name in (t.old, t.new):
            if name.text not in order:
                problems.add(name.line, f"unknown draft id '{name.text}'; known: {', '.join(order)}")
        if t.old.text in order and t.new.text in order and order.index(t.new.text) <= order.index(t.old.text):
            problems.add(t.old.line, f"'from' must be the older draft: {t.new.text} does not come after "
                         f"{t.old.text} (date order: {' → '.join(order)})")  # fmt: skip
    problems.raise_any()


def resolve(overrides: Overrides, old: Draft, new: Draft) -> Resolved:
    """The rules for old → new, with each name found in its draft; errors for unknown or reused names."""
    problems = _Problems(overrides.path)
    rules = overrides.rules(old.id, new.id)
    finders = (_Finder(old), _Finder(new))
    used: dict[tuple[int, str], int] = {}
    found: list[tuple[Rule, tuple[Section, ...], tuple[Section, ...]]] = []
    for rule in rules:
        sides = []
        for side, (names, finder) in enumerate(zip((rule.old, rule.new), finders, strict=True)):
            sections = []
            for name in names:
                section = finder.find(name, problems)
                if section is None:
                    continue
                if rule.action != "forbid":
                    key = (side, section.anchor)
                    if key in used:
                        problems.add(name.line, f"{section.short} of '{finder.draft.id}' is already used at line "
                                     f"{used[key]}; a section takes part in one pair, split or merge")  # fmt: skip
                    used.setdefault(key, name.line)
                sections.append(section)
            sides.append(tuple(sections))
        found.append((rule, sides[0], sides[1]))
    _check_contradictions(found, problems)
    problems.raise_any()
    return Resolved(
        pairs=tuple((o[0], n[0]) for r, o, n in found if r.action == "pair"),
        forbidden=frozenset((o[0].anchor, n[0].anchor) for r, o, n in found if r.action == "forbid"),
        splits=tuple((o[0], n) for r, o, n in found if r.action == "split"),
        merges=tuple((o, n[0]) for r, o, n in found if r.action == "merge"),
    )


def _check_contradictions(
    found: Sequence[tuple[Rule, tuple[Section, ...], tuple[Section, ...]]], problems: _Problems
) -> None:
    forced = {
        (o.anchor, n.anchor): r.line
        for r, olds, news in found
        if r.action != "forbid"
        for o in olds
        for n in news
    }
    for rule, olds, news in found:
        if rule.action == "forbid" and olds and news and (olds[0].anchor, news[0].anchor) in forced:
            line = forced[(olds[0].anchor, news[0].anchor)]
            problems.add(
                rule.line, f"{olds[0].short} → {news[0].short} is forbidden here but forced at line {line}"
            )


class _Finder:
    """Section names in one draft: key, anchor, or label ("Measure II.4.14", or a title without number)."""

    def __init__(self, draft: Draft) -> None:
        self.draft = draft
        self.exact: dict[str, Section] = {}
        self.labels: dict[str, list[Section]] = {}
        for section in draft.walk():
            if section.key:
                self.exact.setdefault(section.key, section)
            self.exact.setdefault(section.anchor, section)
            self.labels.setdefault(" ".join(section.short.lower().split()), []).append(section)

    def find(self, name: Name, problems: _Problems) -> Section | None:
        if name.text in self.exact:
            return self.exact[name.text]
        matches = self.labels.get(" ".join(name.text.lower().split()), [])
        if len(matches) == 1:
            return matches[0]
        if matches:
            anchors = ", ".join(s.anchor for s in matches)
            problems.add(name.line, f"'{name.text}' names {len(matches)} sections of '{self.draft.id}'; "
                         f"use one of their anchors: {anchors}")  # fmt: skip
        else:
            problems.add(name.line, f"no section '{name.text}' in draft '{self.draft.id}'; name it by anchor, "
                         "key, or label such as 'Measure II.4.14'")  # fmt: skip
        return None
