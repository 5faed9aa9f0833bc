"""The labelled corpus (``corpus/README.md``) as training and evaluation examples, one per sentence.

A turn is labelled as a whole and each instruction in it by the exact ``quote`` it comes from. A
sentence takes the label of the quote it overlaps; every other sentence of the turn is ``none``
(the task around an instruction, a question, a pasted line). So a turn that mixes a task with a
standing instruction teaches both.

The auxiliary corpus (``corpus/rules/``) is different in kind: sentences from the rule files people
commit for their agents (CLAUDE.md, AGENTS.md, .cursorrules, ...), one labelled sentence a line,
with no session around them. Their ``context`` is ``None``: the model sees their words and shape,
never a channel or a place in a turn they did not have.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from reverie.distill.reading.features import Context, tokens
from reverie.distill.reading.sentences import prose_sentences

LESSON_LABELS = frozenset({"standing_project", "standing_global", "one_off"})
# What a standing lesson is about (corpus/README.md): how to work, the project's setup, or the product.
KINDS = ("instruction", "fact", "requirement")


@dataclass(frozen=True, slots=True)
class Quote:
    quote: str
    label: str
    statement: str
    kind: str | None = None  # one of KINDS on a standing lesson; None on a one-off or an unlabelled one


@dataclass(frozen=True, slots=True)
class Turn:
    id: str
    session: str
    turn: int
    channel: str
    text: str
    before: str
    label: str
    lessons: tuple[Quote, ...]
    source: str = ""  # "owner/repo:path": where the turn was typed

    @property
    def repository(self) -> str:
        """Whose words these are, for cross-validation: the repository, else the file's slug."""
        return self.source.partition(":")[0] or self.id.split("#")[0]


@dataclass(frozen=True, slots=True)
class Example:
    turn_id: str
    sentence: str
    context: Context | None  # None: an auxiliary sentence, outside any session
    label: str
    group: str = ""  # the repository the sentence comes from: folds never split one


def corpus_files(directories: list[Path]) -> list[Path]:
    """The ``*.jsonl`` files of the directories, by file name: two directories that are merged into one
    later (each labelling branch has its own) give the same files in the same order."""
    return sorted((path for directory in directories for path in directory.glob("*.jsonl")), key=lambda p: p.name)


def load_turns(directories: list[Path]) -> list[Turn]:
    """Every turn of every ``*.jsonl`` file, file by file, in order."""
    return [turn for path in corpus_files(directories) for turn in _read(path)]


def _read(path: Path) -> Iterator[Turn]:
    # JSON Lines end at "\n" only: a U+2028 or a form feed inside a string is text (``splitlines`` would cut there)
    for line in path.read_text(encoding="utf-8").split("\n"):
        if not line.strip():
            continue
        row = json.loads(line)
        yield Turn(
            id=str(row.get("id", "")),
            session=str(row.get("session", "")),
            turn=int(row.get("turn", 0) or 0),
            channel=str(row.get("channel") or "prompt"),
            text=str(row.get("text") or ""),
            before=str(row.get("before") or ""),
            label=str(row.get("label") or "other"),
            lessons=tuple(
                Quote(
                    quote=str(q.get("quote") or ""),
                    label=str(q.get("label") or ""),
                    statement=str(q.get("statement") or ""),
                    kind=q.get("kind") if q.get("kind") in KINDS else None,
                )
                for q in row.get("lessons") or ()
                if q.get("label") in LESSON_LABELS
            ),
            source=str(row.get("source") or ""),
        )


def fingerprint(directories: list[Path], aux: list[Path] | None = None) -> str:
    """What the model was trained on: a hash of the names and bytes of the corpus files, and of the
    auxiliary files after a separator (without any, the hash is the one of the sessions alone)."""
    digest = hashlib.sha256()
    for index, files in enumerate((corpus_files(directories), corpus_files(aux or []))):
        if index and files:
            digest.update(b"\0aux\0")
        for path in files:
            digest.update(path.name.encode())
            digest.update(b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


RULES_SOURCES = "sources.jsonl"  # provenance of an auxiliary directory, not sentences


def load_rules(directories: list[Path]) -> list[Example]:
    """The labelled sentences of the auxiliary directories (``corpus/rules/*.jsonl``), file by file."""
    found: list[Example] = []
    for path in corpus_files(directories):
        if path.name == RULES_SOURCES:
            continue
        for line in path.read_text(encoding="utf-8").split("\n"):  # as in ``_read``
            if line.strip():
                row = json.loads(line)
                label = str(row.get("label") or "none")
                if label not in (*LESSON_LABELS, "none"):
                    raise ValueError(f"{path.name}: unknown label {label!r} in {row.get('id')}")
                found.append(Example(str(row.get("id", "")), str(row.get("sentence") or ""), None, label))
    return found


def examples(turns: list[Turn]) -> list[Example]:
    """One example per sentence, in corpus order."""
    found: list[Example] = []
    opening_seen: set[str] = set()
    for turn in turns:
        opening = turn.session not in opening_seen and turn.channel == "prompt"
        opening_seen.add(turn.session)
        sentences = prose_sentences(turn.text)
        for position, sentence in enumerate(sentences):
            context = Context(
                channel=turn.channel, opening=opening, before=turn.before, position=position, sentences=len(sentences)
            )
            label = sentence_label(sentence, turn.lessons)
            found.append(Example(turn.id, sentence, context, label, group=turn.repository))
    return found


def sentence_label(sentence: str, lessons: tuple[Quote, ...]) -> str:
    """The label of the quote this sentence is part of (or that is part of it), else ``none``."""
    quote = matching_quote(sentence, lessons)
    return quote.label if quote else "none"


def matching_quote(sentence: str, lessons: tuple[Quote, ...]) -> Quote | None:
    """The quote this sentence is part of (or that is part of it, or shares most words with)."""
    best: Quote | None = None
    best_overlap = 0.0
    words = set(tokens(sentence))
    for lesson in lessons:
        quote = " ".join(lesson.quote.split())
        if quote and (quote in sentence or sentence in quote):
            return lesson
        quoted = set(tokens(quote))
        overlap = len(words & quoted) / max(1, min(len(words), len(quoted)))
        if overlap > best_overlap:
            best, best_overlap = lesson, overlap
    return best if best_overlap >= 0.6 else None
