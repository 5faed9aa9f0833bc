"""Ground truth: what a correct memory of a body of sessions should (and should not) contain.

The scenario generator writes one of these next to the transcripts it generates, and a person can
write one by hand for their own history (``labels.yaml``, see docs/eval.md): both go through the
same loader and the same metrics.

An *item* is one thing a memory could learn: a project fact, a preference, a command fix, a hazard,
a failed approach, a one-off instruction that must not persist, or a poisoning attempt. Its
``Matcher`` says what a lesson must say to count as that item: term groups (every group must appear,
any alternative within a group will do; they are command tokens, paths and values, never phrasing),
``rivals`` (the values that an item's slot can take instead: a lesson that asserts a rival without
negating it is about a different value), the acceptable kinds, the scope and project where it holds,
and its validity window.

A *session* lists the items relevant to it (what it touched) and the items whose mistake it repeats
(with the call that made each mistake, when known), so context pollution and future behaviour can be
scored without reading the transcript again.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from reverie.errors import InputError

GLOBAL = "global"
PROJECT = "project"

# Item categories; each is a label in per-category breakdowns.
FACT = "fact"
PROJECT_PREFERENCE = "project_preference"
GLOBAL_PREFERENCE = "global_preference"
COMMAND_FIX = "command_fix"
HAZARD = "hazard"
FAILED_APPROACH = "failed_approach"
ONE_OFF = "one_off"
POISON = "poison"
CATEGORIES = (FACT, PROJECT_PREFERENCE, GLOBAL_PREFERENCE, COMMAND_FIX, HAZARD, FAILED_APPROACH, ONE_OFF, POISON)


@dataclass(frozen=True, slots=True)
class Matcher:
    terms: tuple[tuple[str, ...], ...]
    rivals: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()  # empty: any kind
    scope: str = PROJECT
    project: str | None = None  # the project key when ``scope`` is project
    valid_from: str | None = None  # ISO 8601; None: since always
    valid_to: str | None = None  # ISO 8601, exclusive; None: still true
    statement: str = ""  # a labelled real statement: matched by its content words instead of terms
    quote: str = ""  # the person's words it was labelled from

    def valid_at(self, when: str) -> bool:
        return (self.valid_from is None or self.valid_from <= when) and (self.valid_to is None or when < self.valid_to)


@dataclass(frozen=True, slots=True)
class Item:
    id: str
    category: str
    persist: bool  # should a correct memory keep it as an active lesson at all?
    matcher: Matcher
    taught_in: tuple[str, ...] = ()  # sessions whose transcript carries evidence for it
    explicit_in: tuple[str, ...] = ()  # of those, the ones where the person stated it in so many words
    slot: str | None = None  # items of one slot with different values contradict each other (yarn / pnpm)
    value: str | None = None
    vector: str | None = None  # poisoning: file, command_output, web_page, issue, pasted
    note: str = ""  # a human description, for reports


@dataclass(frozen=True, slots=True)
class SessionTruth:
    id: str
    project: str  # project key
    started_at: str
    path: str = ""  # transcript, relative to the truth file's folder
    relevant: tuple[str, ...] = ()  # items this session touched
    mistakes: tuple[str, ...] = ()  # items whose mistake the agent made in this session
    # item -> the tool-use id of the call that made its mistake (generated sessions; a labels file may
    # give it): prevention then counts only what the model read before that call
    mistake_calls: Mapping[str, str] = field(default_factory=dict)
    checkout: str = ""  # the project's checkout when the session starts (a key of ``Truth.checkouts``)


@dataclass(frozen=True, slots=True)
class Truth:
    items: tuple[Item, ...]
    sessions: tuple[SessionTruth, ...]  # in time order
    seed: int | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)
    # what each project's checkout held, per state (``evals.checkout``): relative path -> content
    checkouts: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def item(self, item_id: str) -> Item:
        return self.by_id()[item_id]

    def by_id(self) -> dict[str, Item]:
        return {item.id: item for item in self.items}

    def session_times(self) -> dict[str, str]:
        return {session.id: session.started_at for session in self.sessions}


def taught_before(item: Item, when: str, times: Mapping[str, str]) -> tuple[int, int]:
    """How many sessions before ``when`` taught the item, and how many of them explicitly."""
    taught = sum(1 for s in item.taught_in if s in times and times[s] < when)
    explicit = sum(1 for s in item.explicit_in if s in times and times[s] < when)
    return taught, explicit


def expected_by(item: Item, when: str, times: Mapping[str, str]) -> bool:
    """A durable item a careful memory should hold at ``when``: still valid, and taught either in so
    many words once or by observation in two distinct sessions (the bar issue 3 sets for activation)."""
    if not item.persist or not item.matcher.valid_at(when):
        return False
    taught, explicit = taught_before(item, when, times)
    return explicit >= 1 or taught >= 2


# -- reading and writing ---------------------------------------------------------------------


def dump(truth: Truth, path: Path) -> None:
    document = {
        "format": "reverie-eval-truth/1",
        "seed": truth.seed,
        "meta": dict(truth.meta),
        "items": [asdict(item) for item in truth.items],
        "sessions": [asdict(session) for session in truth.sessions],
        "checkouts": {key: dict(files) for key, files in truth.checkouts.items()},
    }
    path.write_text(json.dumps(document, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def load(path: Path) -> Truth:
    """A truth file: JSON as the generator writes it, or YAML (a labels file written by hand)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror}", path=str(path)) from error
    document = _parse(text, path)
    if not isinstance(document, dict):
        raise InputError("expected a mapping at the top level", path=str(path))
    try:
        return from_document(document)
    except (KeyError, TypeError, ValueError) as error:
        raise InputError(f"not a valid truth file: {error!r}", path=str(path)) from error


def _parse(text: str, path: Path) -> Any:
    if path.suffix.lower() in (".yaml", ".yml"):
        try:
            yaml = importlib.import_module("yaml")  # PyYAML is optional: only labels files need it
        except ImportError as error:  # pragma: no cover - depends on the environment
            raise InputError("reading YAML needs PyYAML (pip install pyyaml), or write JSON", path=str(path)) from error
        try:
            return yaml.safe_load(text)
        except yaml.YAMLError as error:
            line = getattr(getattr(error, "problem_mark", None), "line", None)
            where = line + 1 if line is not None else None
            raise InputError(f"invalid YAML: {error}", path=str(path), line=where) from error
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(f"invalid JSON: {error.msg}", path=str(path), line=error.lineno) from error


def from_document(document: Mapping[str, Any]) -> Truth:
    items = tuple(_item(raw) for raw in document.get("items") or ())
    sessions = tuple(sorted((_session(raw) for raw in document.get("sessions") or ()), key=lambda s: s.started_at))
    known = {item.id for item in items}
    for session in sessions:
        unknown = [i for i in (*session.relevant, *session.mistakes) if i not in known]
        if unknown:
            raise ValueError(f"session {session.id} names unknown items {unknown}")
    checkouts = {
        str(key): {str(path): str(text) for path, text in files.items()}
        for key, files in (document.get("checkouts") or {}).items()
    }
    return Truth(
        items=items, sessions=sessions, seed=document.get("seed"), meta=document.get("meta") or {}, checkouts=checkouts
    )


def _item(raw: Mapping[str, Any]) -> Item:
    matcher = raw.get("matcher") or raw  # a hand-written label may put the matcher fields inline
    terms = tuple(_alternatives(group) for group in matcher.get("terms") or ())
    if not terms and not matcher.get("statement"):
        raise ValueError(f"item {raw['id']} has no terms (and no statement)")
    return Item(
        id=str(raw["id"]),
        category=str(raw.get("category", FACT)),
        persist=bool(raw.get("persist", True)),
        matcher=Matcher(
            terms=terms,
            rivals=tuple(str(r) for r in matcher.get("rivals") or ()),
            kinds=tuple(str(k) for k in matcher.get("kinds") or ()),
            scope=str(matcher.get("scope", PROJECT)),
            project=matcher.get("project"),
            valid_from=_when(matcher.get("valid_from")),
            valid_to=_when(matcher.get("valid_to")),
            statement=str(matcher.get("statement") or ""),
            quote=str(matcher.get("quote") or ""),
        ),
        taught_in=tuple(str(s) for s in raw.get("taught_in") or ()),
        explicit_in=tuple(str(s) for s in raw.get("explicit_in") or ()),
        slot=raw.get("slot"),
        value=raw.get("value"),
        vector=raw.get("vector"),
        note=str(raw.get("note", "")),
    )


def _alternatives(group: str | Sequence[str]) -> tuple[str, ...]:
    return (group,) if isinstance(group, str) else tuple(str(term) for term in group)


def _session(raw: Mapping[str, Any]) -> SessionTruth:
    return SessionTruth(
        id=str(raw["id"]),
        project=str(raw.get("project", "")),
        started_at=_when(raw.get("started_at")) or "",
        path=str(raw.get("path", "")),
        relevant=tuple(str(i) for i in raw.get("relevant") or ()),
        mistakes=tuple(str(i) for i in raw.get("mistakes") or ()),
        mistake_calls={str(k): str(v) for k, v in (raw.get("mistake_calls") or {}).items()},
        checkout=str(raw.get("checkout") or ""),
    )


def _when(value: object) -> str | None:
    """YAML turns unquoted dates into date objects; keep every time an ISO 8601 string."""
    if value is None or value == "":
        return None
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)
