"""Scoring a real-corpus replay against its labels (``reverie eval --real``).

The labels are the ``lessons`` of the corpus turns. A labelled lesson is *superseded* when a later
turn of the same source names its turn in ``supersedes``: it is not expected at the end, and a lesson
stating it is not counted as precise. Produced lessons are matched to labels by ``real_match``.

* ``recall``: standing labels (not superseded) held by an active lesson with the right scope (a
  project label by a project lesson of its source's project, a global label by a global lesson);
  ``recall_any_scope`` the same in any scope; ``kept_as_candidate`` those not recalled that a
  candidate of the right scope holds (read, not yet shown to agents);
* ``precision``: active lessons (project or global scope) that state a standing label (not
  superseded) with the right scope, or were read from the words it quotes (one labelled quote may be two
  lessons: "Use 'pytest'. All tests in a 'tests/' directory.");
* ``candidate_precision``: the same of the candidates (project or global scope): how much of the
  review queue a person meets is worth their time;
* ``one_offs_persisted`` (must be 0): one-off labels kept by an active lesson: a global one or one of the
  label's project, that states it or was read from its words;
* ``retired_for_age`` (must be 0): standing labels (not superseded) whose lesson a dream retired for
  time alone (``retire.unconfirmed``, ``retire.decayed``, a durable lesson's ``retire.expired``), of
  those that ever had a lesson; a one-off reading that expires is a miss of recall, not an age retirement;
* ``self_learned`` (must be 0): lessons with evidence from reverie's own injected context, or quoting
  it and nothing that the person or the agent wrote.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from reverie.evals import corpus
from reverie.evals.metrics import Rate
from reverie.evals.real_match import label_key, matches

ACTIVE, CANDIDATE, GLOBAL, PROJECT = "active", "candidate", "global", "project"
TARGETS: dict[str, tuple[str, float | None]] = {
    "recall": ("standing lessons recalled, right scope", 0.9),
    "recall_project": ("  of them project", None),
    "recall_global": ("  of them global", None),
    "recall_any_scope": ("recall, any scope", None),
    "kept_as_candidate": ("  held as candidates, right scope", None),
    "precision": ("precision of active lessons", 0.95),  # issue 11: "at least 0.95"
    "candidate_precision": ("  precision of what waits for review", None),
    "one_offs_persisted": ("one-offs persisted", 0.0),
    "retired_for_age": ("standing lessons retired for age", 0.0),
    "self_learned": ("lessons from reverie's own text", 0.0),
}


@dataclass(frozen=True, slots=True)
class Label:
    id: str
    turn: corpus.Turn
    lesson: corpus.LabelledLesson
    project: str
    superseded: bool

    @property
    def scope(self) -> str:
        return GLOBAL if self.lesson.label == corpus.STANDING_GLOBAL else PROJECT


@dataclass(frozen=True, slots=True)
class Produced:
    id: str
    statement: str
    scope: str
    project: str | None
    status: str
    evidence: tuple[tuple[str, str], ...]  # (origin, excerpt)

    @property
    def active(self) -> bool:
        return self.status == ACTIVE and self.scope in (PROJECT, GLOBAL)


@dataclass(frozen=True, slots=True)
class RealScore:
    rates: dict[str, Rate]
    by_channel: dict[str, Rate]
    audit: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # Per kind of standing lesson (instruction, fact, requirement): active in the right scope, and
    # read at all (active or a candidate waiting for review), so a report says what reverie reads.
    by_kind: dict[str, tuple[Rate, Rate]] = field(default_factory=dict)
    # Per repository (project): a corpus is many people, and one who repeats many lessons should not speak
    # for all of them; the report gives the mean over repositories beside the pooled figure.
    by_repository: dict[str, Rate] = field(default_factory=dict)


def labels(turns: Sequence[corpus.Turn]) -> list[Label]:
    replaced = {lesson.supersedes for turn in turns for lesson in turn.lessons if lesson.supersedes}
    found = []
    for turn in turns:
        for number, lesson in enumerate(turn.lessons):
            if lesson.label not in (*corpus.STANDING, corpus.ONE_OFF) or not lesson.statement.strip():
                continue
            project = f"github.com/{turn.repo}"
            found.append(Label(f"{turn.id}/{number}", turn, lesson, project, turn.id in replaced))
    return found


def produced(lessons: Iterable[Any]) -> list[Produced]:
    """The scorer's view of domain lessons (read by attribute, like ``baselines.from_domain``)."""
    return [
        Produced(
            id=str(lesson.id),
            statement=str(lesson.statement),
            scope=_value(lesson.scope.level),
            project=lesson.scope.project,
            status=_value(lesson.status),
            evidence=tuple((_value(e.origin), str(e.excerpt or "")) for e in lesson.evidence),
        )
        for lesson in lessons
    ]


def from_eval(lessons: Iterable[Any]) -> list[Produced]:
    """The scorer's view of a baseline's ``EvalLesson`` list. A baseline keeps the person's words as its
    statement, so they are its evidence too (what the precision of reverie's lessons may be read from)."""
    return [
        Produced(
            lesson.id, lesson.statement, lesson.scope, lesson.project, lesson.status, (("user", lesson.statement),)
        )
        for lesson in lessons
    ]


def score(
    turns: Sequence[corpus.Turn],
    lessons: Sequence[Produced],
    *,
    retired_for_age: Mapping[str, str],
    injected_texts: Sequence[str],
) -> RealScore:
    all_labels = labels(turns)
    standing = _distinct([label for label in all_labels if label.lesson.standing and not label.superseded])
    one_offs = [label for label in all_labels if label.lesson.label == corpus.ONE_OFF]
    active = [lesson for lesson in lessons if lesson.active]
    right = {
        label.id: [p for p in active if _right_scope(p, label) and matches(p.statement, label.lesson)]
        for label in standing
    }
    anywhere = {label.id: [p for p in active if matches(p.statement, label.lesson)] for label in standing}
    rates = {
        "recall": _rate(standing, lambda label: bool(right[label.id])),
        "recall_project": _rate([s for s in standing if s.scope == PROJECT], lambda label: bool(right[label.id])),
        "recall_global": _rate([s for s in standing if s.scope == GLOBAL], lambda label: bool(right[label.id])),
        "recall_any_scope": _rate(standing, lambda label: bool(anywhere[label.id])),
        # What waits for a second sighting or a review: read, but not yet shown to agents.
        "kept_as_candidate": _rate(
            standing,
            lambda label: (
                not right[label.id]
                and any(
                    p.status == CANDIDATE and _right_scope(p, label) and matches(p.statement, label.lesson)
                    for p in lessons
                )
            ),
        ),
        "precision": _rate(active, lambda p: any(_right_scope(p, s) and _is_of(p, s) for s in standing)),
        # The review queue a person meets: how much of it is a standing instruction in the right scope.
        "candidate_precision": _rate(
            [p for p in lessons if p.status == CANDIDATE and p.scope in (PROJECT, GLOBAL)],
            lambda p: any(_right_scope(p, s) and _is_of(p, s) for s in standing),
        ),
        "one_offs_persisted": _rate(one_offs, lambda label: bool(_keeping(label, active))),
        "retired_for_age": _aged(standing, lessons, retired_for_age),
        "self_learned": _self_learned(turns, lessons, injected_texts),
    }
    channels = sorted({label.turn.channel for label in standing})
    by_channel = {
        channel: _rate([s for s in standing if s.turn.channel == channel], lambda label: bool(right[label.id]))
        for channel in channels
    }
    candidates = [p for p in lessons if p.status == CANDIDATE]

    def read(label: Label) -> bool:
        return bool(right[label.id]) or any(
            _right_scope(p, label) and matches(p.statement, label.lesson) for p in candidates
        )

    by_kind: dict[str, tuple[Rate, Rate]] = {}
    for kind in sorted({label.lesson.kind for label in standing if label.lesson.kind}):
        of_kind = [label for label in standing if label.lesson.kind == kind]
        by_kind[kind] = (_rate(of_kind, lambda label: bool(right[label.id])), _rate(of_kind, read))
    queue = [p for p in candidates if p.scope in (PROJECT, GLOBAL)]
    by_repository = {
        project: _rate([s for s in standing if s.project == project], lambda label: bool(right[label.id]))
        for project in sorted({label.project for label in standing})
    }
    return RealScore(rates, by_channel, _audit(standing, one_offs, active, right, queue), by_kind, by_repository)


def _distinct(standing: Sequence[Label]) -> list[Label]:
    """One label per lesson: a person who repeats a lesson in every prompt (a pasted preamble, "check
    design-system.md first" said in each session) has said one lesson, to be recalled once. Repeats are the
    labels of one project and scope whose statements are the same words."""
    seen: set[tuple[str, str, str]] = set()
    kept = []
    for label in standing:
        key = (label.project, label.scope, _words_only(label.lesson.statement))
        if key not in seen:
            seen.add(key)
            kept.append(label)
    return kept


def _is_of(lesson: Produced, label: Label) -> bool:
    """The lesson is (part of) the labelled one: it states it, or it was read from the person's words that the
    label quotes. "Use 'pytest'. All tests in a 'tests/' directory." is one label and may be two lessons; neither
    states the whole, and both are right. Recall still asks for a lesson that states the label."""
    if matches(lesson.statement, label.lesson):
        return True
    quote = " ".join(label.lesson.quote.split()).casefold()
    return any(
        origin == "user" and len(excerpt.split()) >= 2 and " ".join(excerpt.split()).casefold() in quote
        for origin, excerpt in lesson.evidence
    )


def _right_scope(lesson: Produced, label: Label) -> bool:
    if label.scope == GLOBAL:
        return lesson.scope == GLOBAL
    # Project keys are read from the remote URL, where case carries no meaning (GitHub ignores it).
    return lesson.scope == PROJECT and (lesson.project or "").casefold() == label.project.casefold()


def _rate(items: Sequence[Any], good: Any) -> Rate:
    return Rate(sum(1 for item in items if good(item)), len(items))


def _keeping(one_off: Label, active: Sequence[Produced]) -> list[Produced]:
    """The active lessons that keep a one-off: global ones or its project's, that state it or were read from
    its words (a lesson of another project that shares two words with it keeps nothing of it)."""
    return [p for p in active if _in_reach(p, one_off) and _is_of(p, one_off)]


def _in_reach(lesson: Produced, label: Label) -> bool:
    return lesson.scope == GLOBAL or (lesson.project or "").casefold() == label.project.casefold()


def _aged(standing: Sequence[Label], lessons: Sequence[Produced], retired: Mapping[str, str]) -> Rate:
    held = [label for label in standing if any(matches(p.statement, label.lesson) for p in lessons)]
    return _rate(held, lambda label: any(p.id in retired and matches(p.statement, label.lesson) for p in lessons))


def _self_learned(turns: Sequence[corpus.Turn], lessons: Sequence[Produced], injected: Sequence[str]) -> Rate:
    # Compared as words only: an excerpt is the person's sentence with its markdown read past ("**Type
    # Hints**: ..." is kept as "Type Hints: ..."), which is not a substring of what they typed.
    said = _words_only("\n".join(f"{turn.text}\n{turn.before}" for turn in turns))
    reverie_text = _words_only("\n".join(injected))

    def from_reverie(lesson: Produced) -> bool:
        for origin, excerpt in lesson.evidence:
            if origin == "injected":
                return True
            words = _words_only(excerpt)
            if words.strip() and words in reverie_text and words not in said:
                return True
        return False

    return _rate(lessons, from_reverie)


def _words_only(text: str) -> str:
    return " " + " ".join(_NOT_A_WORD.sub(" ", text.casefold()).split()) + " "


_NOT_A_WORD = re.compile(r"[\W_]+")


def _audit(
    standing: Sequence[Label],
    one_offs: Sequence[Label],
    active: Sequence[Produced],
    right: Mapping[str, list[Produced]],
    queue: Sequence[Produced],
) -> dict[str, list[dict[str, Any]]]:
    """Every pair for a person to check: the labels held and by what, the labels missed, the active
    lessons that are of no label (what ``precision`` counts against), the candidates waiting for review that
    are of none (the noise of the review queue), and the one-offs an active lesson keeps."""

    def of_none(lesson: Produced) -> bool:
        return not any(_right_scope(lesson, s) and _is_of(lesson, s) for s in standing)

    return {
        "matched": [
            _label_json(label, [p.statement for p in right[label.id]]) for label in standing if right[label.id]
        ],
        "unmatched_labels": [_label_json(label, []) for label in standing if not right[label.id]],
        "unmatched_lessons": [_lesson_json(p) for p in active if of_none(p)],
        "unmatched_candidates": [_lesson_json(p) for p in queue if of_none(p)],
        "persisted_one_offs": [
            _label_json(label, kept) for label in one_offs if (kept := [p.statement for p in _keeping(label, active)])
        ],
    }


def _lesson_json(lesson: Produced) -> dict[str, Any]:
    return {
        "id": lesson.id,
        "statement": lesson.statement,
        "scope": lesson.scope,
        "project": lesson.project,
        "evidence": [excerpt for _, excerpt in lesson.evidence][:3],
    }


def _label_json(label: Label, statements: Sequence[str]) -> dict[str, Any]:
    key = label_key(label.lesson)
    return {
        "id": label.id,
        "channel": label.turn.channel,
        "scope": label.scope,
        "project": label.project,
        "statement": label.lesson.statement,
        "quote": label.lesson.quote,
        "key_words": sorted(key.words),
        "code_tokens": sorted(key.code),
        "lessons": list(statements),
    }


def _value(member: Any) -> str:
    return str(getattr(member, "value", member))
