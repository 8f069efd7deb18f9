"""Sections across two drafts: which old section became which new one, and how sure we are.

Passes, each over what the earlier ones left: editor overrides, explicit keys and identical
content (certain; certain.py), then text similarity with the structure as context, resolved
best-first over all candidate pairs (similarity.py scores them); a match must be close to the
best option of both its sections, so a section whose best partner went to a stronger claimant
is left over rather than paired weakly. Leftovers that are each other's closest text are paired;
the others become parts of splits and merges when they bring text of their own, or are added or
removed. lineage.py reads the status flags and moves off the finished matching. Every loop runs
in a fixed order and ties go to the earlier position, so the result is deterministic. See
docs/alignment.md.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from itertools import pairwise
from pathlib import Path

from .certain import Work, apply_overrides, flatten, match_digests, match_keys, start, used
from .config import Config
from .corpus import parse_files
from .errors import SourceError
from .lineage import Tree, check_ids, concepts, records
from .model import Alignment, Diagnostic, Draft, History, Section, SectionPair
from .overrides import Overrides, check_drafts, resolve
from .parse import parse_draft
from .scoring import Scorer
from .similarity import Corpus, Terms, terms_of

THRESHOLD = 0.18  # least combined score for a one-to-one match
RATIO = 0.6  # a match must score this share of either side's best option, or it is left for splits/merges
PART_EVIDENCE = 0.2  # least text evidence (similarity + share of own text found) for a split or merge part
PART_OWN = 0.05  # least share of a part's text found in the partner and in none of its other counterparts
LOW_CONFIDENCE = 0.5  # reported scores below this become `align.low-confidence` warnings
SURE = 0.45  # a combined score at which an unrivalled similarity match counts as certain (score 1.0)
PART_SURE = 0.6  # text evidence at which a split or merge part counts as certain
LEFTOVER_TEXT = 0.12  # least text similarity for two leftovers that are each other's closest
SWAP_MARGIN = 0.02  # a descendant takes its ancestor's partner when its text is this much closer
ROUNDS = 4  # similarity rounds: each uses the previous round's matches as context


def align(
    old: Draft, new: Draft, overrides: Overrides | None = None, terms: tuple[Terms, Terms] | None = None
) -> Alignment:
    """The alignment of two drafts; `terms`: each draft's `draft_terms`, if they were made already."""
    work = start(old, new)
    if overrides is not None:
        apply_overrides(work, resolve(overrides, old, new))
    match_keys(work)
    match_digests(work)
    old_terms, new_terms = terms or (terms_of(work.old), terms_of(work.new))
    if (len(old_terms.has_body), len(new_terms.has_body)) != (len(work.old), len(work.new)):
        raise ValueError("terms given for other drafts: make them with draft_terms(old), draft_terms(new)")
    corpus = Corpus(old_terms, new_terms, work.old_parent, work.new_parent)
    scorer = Scorer(corpus, Tree(work.old, work.old_parent), Tree(work.new, work.new_parent))
    _match_similar(work, scorer)
    _match_leftovers(work, scorer)
    _find_parts(work, scorer)
    _match_same_titles(work)
    links = [(o, n, *work.how[o]) for o, n in work.o2n.items()] + list(work.parts)
    pairs = records(Tree(work.old, work.old_parent), Tree(work.new, work.new_parent), links)
    return Alignment(old, new, pairs, tuple(sorted(_warnings(pairs))))


def history(drafts: Sequence[Draft], overrides: Overrides | None = None) -> History:
    """Drafts in date order, each aligned with the next, and every section followed as a concept."""
    ordered = tuple(sorted(drafts, key=lambda d: (d.date, d.id)))
    check_ids(ordered)
    if overrides is not None:
        check_drafts(overrides, ordered)
    terms = [draft_terms(draft) for draft in ordered]  # each draft takes part in two alignments
    alignments = tuple(
        align(old, new, overrides, pair)
        for (old, new), pair in zip(pairwise(ordered), pairwise(terms), strict=True)
    )
    return History(ordered, alignments, concepts(ordered, alignments))


def draft_terms(draft: Draft) -> Terms:
    """What the similarity pass counts in a draft (see `similarity.Terms`)."""
    return terms_of(flatten(draft)[0])


def read_drafts(
    paths: Sequence[Path], config: Config, jobs: int = 1
) -> list[tuple[Draft, Terms] | SourceError]:
    """Each file parsed and counted for the similarity pass (or why it cannot be read), in order; large
    drafts in `jobs` processes, each counted where it was parsed (see `corpus.parse_files`)."""
    return parse_files(paths, config, _read, jobs)


def _read(path: Path, config: Config) -> tuple[Draft, Terms]:
    draft = parse_draft(path, config)
    return draft, draft_terms(draft)


def renumbering(alignment: Alignment) -> dict[str, str]:
    """ "Measure 2.3" → "Measure 3.1" for every matched pair whose kind or number changed."""
    found: dict[str, str] = {}
    for pair in alignment.pairs:
        old, new = pair.old, pair.new
        if old is None or new is None or pair.matched_by == "split" or not (old.number and new.number):
            continue
        if (old.kind, old.number) != (new.kind, new.number):
            found.setdefault(old.short, new.short)
    return found


# --- similarity ---------------------------------------------------------------------------------


def _context(work: Work, scorer: Scorer) -> None:
    """Give the scorer the current matching as context."""
    scorer.refresh(work.o2n, list(work.o2n.items()) + [(o, n) for o, n, _, _ in work.parts])


def _match_similar(work: Work, scorer: Scorer) -> None:
    """Best-first assignment, repeated while the context (parents, children) changes the result."""
    fixed = dict(work.o2n)
    fixed_new = {n: o for o, n in fixed.items()}
    fixed_how = dict(work.how)
    used_old, used_new = used(work)
    previous: dict[int, int] = {}
    current: dict[int, int] = {}
    for _ in range(ROUNDS):
        _context(work, scorer)
        scores = {
            (o, n): scorer.score(o, n) for o, n in scorer.pairs() if o not in used_old and n not in used_new
        }
        work.o2n, work.n2o, work.how = dict(fixed), dict(fixed_new), dict(fixed_how)
        _assign(work, scores, scorer)
        current = {o: n for o, n in work.o2n.items() if o not in fixed}
        if current == previous:
            break
        previous = current
    options: defaultdict[tuple[str, int], list[float]] = defaultdict(list)
    for (o, n), value in scores.items():
        options[("old", o)].append(value)
        options[("new", n)].append(value)
    top = {side: sorted(values, reverse=True)[:2] for side, values in options.items()}
    for o, n in current.items():
        work.how[o] = ("similarity", _confidence(scores.get((o, n), 0.0), top[("old", o)], top[("new", n)]))


def _assign(work: Work, scores: dict[tuple[int, int], float], scorer: Scorer) -> None:
    """Best-first over all candidates; a pair whose partner is closer in text to a section inside
    the other one waits until that section has had its chance (a commitment and its only measure
    often both resemble what they became: the text decides, the loser is left for the merge pass)."""
    best_old: defaultdict[int, float] = defaultdict(float)
    best_new: defaultdict[int, float] = defaultdict(float)
    for (o, n), value in scores.items():
        if work.free(o, n):
            best_old[o] = max(best_old[o], value)
            best_new[n] = max(best_new[n], value)
    # best first, ties to the earlier pair: plain tuples sort in C, a key function is called per pair
    ranked = sorted((-value, o, n) for (o, n), value in scores.items() if value >= THRESHOLD)
    waiting = []
    for minus, o, n in ranked:
        value = -minus
        if _inner_rival(work, scores, scorer, o, n):
            waiting.append(((o, n), value))
        elif work.free(o, n) and value >= RATIO * best_old[o] and value >= RATIO * best_new[n]:
            work.match(o, n, "similarity", 0.0)
    for (o, n), value in waiting:
        if work.free(o, n) and value >= RATIO * best_old[o] and value >= RATIO * best_new[n]:
            work.match(o, n, "similarity", 0.0)


def _inner_rival(work: Work, scores: dict[tuple[int, int], float], scorer: Scorer, o: int, n: int) -> bool:
    """Is there a free section inside `o` (or inside `n`) whose text is clearly closer to the other side?"""
    corpus = scorer.corpus
    if not (corpus.old_body[o] and corpus.new_body[n]):
        return False
    own = corpus.text_similarity(o, n) + SWAP_MARGIN
    inner = [(d, n) for d in scorer.old.inner[o]] + [(o, e) for e in scorer.new.inner[n]]
    return any(
        pair in scores
        and scores[pair] >= THRESHOLD
        and work.free(*pair)
        and corpus.text_similarity(*pair) > own
        for pair in inner
    )


def _confidence(value: float, old_top: list[float], new_top: list[float]) -> float:
    """How sure a similarity match is: its score against `SURE`, halved as far as a rival comes close.

    A rival is the best other option of either section (`*_top`: each side's two best scores, the
    match among them); at half the match's score or less it takes nothing off.
    """
    if value <= 0:
        return 0.0
    rival = max(_second(old_top, value), _second(new_top, value))
    return round(min(1.0, value / SURE) * max(0.5, min(1.0, 1.5 - rival / value)), 3)


def _second(top: list[float], value: float) -> float:
    """The best score in `top` other than one occurrence of `value`."""
    rest = list(top)
    if value in rest:
        rest.remove(value)
    return max(rest, default=0.0)


def _match_leftovers(work: Work, scorer: Scorer) -> None:
    """Sections left on both sides that are each other's closest text: a weak but plain match.

    Only when neither is closer in text to a section already matched (then it is more likely a
    part of a split or merge, which the next pass decides).
    """
    used_old, used_new = used(work)
    _context(work, scorer)
    best_old: dict[int, tuple[float, int]] = {}
    best_new: dict[int, tuple[float, int]] = {}
    for o, n in scorer.pairs():
        if (o, n) in work.forbidden or (o in used_old and n in used_new):
            continue
        text = scorer.corpus.similarity(o, n)
        if o not in used_old:
            best_old[o] = max(best_old.get(o, (0.0, -1)), (text, -n))
        if n not in used_new:
            best_new[n] = max(best_new.get(n, (0.0, -1)), (text, -o))
    for o, (text, minus_n) in sorted(best_old.items()):
        n = -minus_n
        if text >= LEFTOVER_TEXT and n not in used_new and best_new[n][1] == -o:
            work.match(o, n, "similarity", round(min(1.0, scorer.score(o, n) / SURE) / 2, 3))


def _match_same_titles(work: Work) -> None:
    """Last resort: a section left on each side with the same title, unique among the leftovers.

    Text similarity cannot see drafts so small that every word is in every section (the weights
    all vanish); a shared title still says they are one section. A low score flags it for review.
    """
    used_old, used_new = used(work)
    olds = _by_title(work.old, used_old)
    news = _by_title(work.new, used_new)
    for title in sorted(olds.keys() & news.keys()):
        o, n = olds[title], news[title]
        if work.free(o, n):
            work.match(o, n, "similarity", LOW_CONFIDENCE / 2)


def _by_title(sections: Sequence[Section], used: set[int]) -> dict[str, int]:
    """Leftover sections by title (case and spacing folded), for titles only one leftover has."""
    found: dict[str, list[int]] = {}
    for index, section in enumerate(sections):
        if index not in used and section.title.strip():
            found.setdefault(" ".join(section.title.lower().split()), []).append(index)
    return {title: indices[0] for title, indices in found.items() if len(indices) == 1}


# --- splits and merges --------------------------------------------------------------------------


def _find_parts(work: Work, scorer: Scorer) -> None:
    """A leftover section that shares text with an already matched one is a part of a split or merge.

    Evidence is the text: how alike the two are, plus how much of the leftover's text is found in
    the partner but not in the partner's other sections (so a deleted section that merely resembles
    a neighbour stays removed). Best evidence first; each leftover joins at most one partner.
    """
    used_old, used_new = used(work)
    _context(work, scorer)
    corpus = scorer.corpus
    options: list[tuple[float, int, int, str]] = []
    for o, n in scorer.pairs():
        if (o, n) in work.forbidden or not (corpus.old_body[o] and corpus.new_body[n]):
            continue
        if o not in used_old and n in used_new:
            own = corpus.exclusive(o, n, others=scorer.new_links.get(n, set()), side="old")
            if own >= PART_OWN:
                options.append((corpus.similarity(o, n) + own, o, n, "merge"))
        elif n not in used_new and o in used_old:
            own = corpus.exclusive(o, n, others=scorer.old_links.get(o, set()), side="new")
            if own >= PART_OWN:
                options.append((corpus.similarity(o, n) + own, o, n, "split"))
    taken: set[tuple[str, int]] = set()
    for value, o, n, kind in sorted(options, key=lambda x: (-x[0], x[1], x[2])):
        side = ("old", o) if kind == "merge" else ("new", n)
        if value < PART_EVIDENCE or side in taken:
            continue
        taken.add(side)
        work.parts.append((o, n, kind, round(min(1.0, value / PART_SURE), 3)))


def _warnings(pairs: tuple[SectionPair, ...]) -> list[Diagnostic]:
    found = []
    for pair in pairs:
        if pair.old is None or pair.new is None or pair.score >= LOW_CONFIDENCE:
            continue
        where = pair.old.location
        found.append(
            Diagnostic(pair.new.location.path, pair.new.location.line, "warning",
                       f"uncertain match ({pair.matched_by}, score {pair.score:.2f}): {pair.old.short} "
                       f"({where}) → {pair.new.short}; confirm or correct it in drafts/alignment.yaml",
                       "align.low-confidence")
        )  # fmt: skip
    return found
