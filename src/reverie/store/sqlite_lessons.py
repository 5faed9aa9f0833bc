"""Lessons, their evidence and distillation progress in SQLite (mixed into ``SQLiteStore``).

Versions and evidence are append-only (the migration installs triggers). The current lesson is
the highest version of its id, read through the ``current_lessons`` view. Incremental distillation
rests on one number, the watermark: the highest event ``seq`` that every pending session has been
read through. Finding work reads only the events above it, so a run's cost follows what is new.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from reverie import normal
from reverie.domain.lessons import Evidence, Lesson, LessonStatus, Observation, ScopeLevel, lesson_id
from reverie.store import lesson_codec
from reverie.store.gate import clean
from reverie.store.protocol import DistillProgress, LessonBatch, PendingSession
from reverie.store.sqlite_versions import head_version_of, join_live_version, put_in_head

_LESSON_COLUMNS = (
    "id, version, key, topic, stance, against, scope, project_key, session_id, status, kind, level, statement,"
    " confidence, content_hash, body, recorded_at"
)
_BODY = 15  # position of ``body`` in _LESSON_COLUMNS
_HEAD_COLUMNS = ", ".join(f"l.{name.strip()}" for name in _LESSON_COLUMNS.split(","))


class LessonTables:
    """The lesson half of the ``Store`` protocol; expects ``self._db`` and ``self._transaction()``."""

    _db: sqlite3.Connection

    def _transaction(self) -> AbstractContextManager[None]:
        raise NotImplementedError  # provided by the store this is mixed into

    path: str

    def lesson_watermark(self) -> tuple[str, int] | None:
        """The file and the highest row of its lesson versions table. Versions are append-only, so any
        change to any lesson (new, strengthened, retired, forgotten) raises it; the recall hook compares
        it with the index's through ``lesson_changes``. None in memory: no file for the hook to read."""
        if self.path == ":memory:":
            return None
        (value,) = self._db.execute("SELECT COALESCE(MAX(rowid), 0) FROM lessons").fetchone()
        return self.path, int(value)

    # -- writing -----------------------------------------------------------------------------

    def write_lessons(self, batch: LessonBatch) -> None:
        with self._transaction():
            live = join_live_version(self._db) if batch.lessons else 0
            for lesson in batch.lessons:
                _insert_version(self._db, lesson, store_version=live)
            for observation in batch.observations:
                _insert_observation(self._db, observation)
            if batch.progress is not None:
                _record_progress(self._db, batch.progress)
            if batch.watermark is not None:
                self._db.execute(
                    "INSERT INTO distill_watermark (id, through_seq) VALUES (1, ?)"
                    " ON CONFLICT (id) DO UPDATE SET through_seq = MAX(through_seq, excluded.through_seq)",
                    (batch.watermark,),
                )

    def _insert_lesson_version(self, lesson: Lesson, *, store_version: int) -> None:
        _insert_version(self._db, lesson, store_version=store_version)

    # -- reading -----------------------------------------------------------------------------

    def _read_lesson_version(self, lesson_id: str, version: int) -> Lesson:
        row = self._db.execute(
            f"SELECT {_LESSON_COLUMNS} FROM lessons WHERE id = ? AND version = ?", (lesson_id, version)
        ).fetchone()
        return _lesson(self._db, row)

    def pending_sessions(self) -> Sequence[PendingSession]:
        row = self._db.execute("SELECT through_seq FROM distill_watermark WHERE id = 1").fetchone()
        watermark = row[0] if row else 0
        # NOT INDEXED: read the rows above the watermark by their seq (a range of the primary key).
        # Left to itself the planner walks the whole of ``events_by_session`` to group without a
        # sort, which costs every event ever stored.
        rows = self._db.execute(
            """
            SELECT e.session_id, MAX(e.seq), MIN(e.seq) FROM events e NOT INDEXED
            WHERE e.seq > ?
            GROUP BY e.session_id
            HAVING MAX(e.seq) > COALESCE(
                (SELECT d.through_seq FROM distilled_sessions d WHERE d.session_id = e.session_id), 0)
            ORDER BY MIN(e.seq)
            """,
            (watermark,),
        )
        return [PendingSession(session_id=r[0], through_seq=r[1]) for r in rows]

    def lesson(self, lesson_id: str) -> Lesson | None:
        row = self._db.execute(f"SELECT {_LESSON_COLUMNS} FROM current_lessons WHERE id = ?", (lesson_id,)).fetchone()
        return _lesson(self._db, row) if row else None

    def find_lessons(self, prefix: str) -> Sequence[Lesson]:
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = self._db.execute(
            f"SELECT {_LESSON_COLUMNS} FROM current_lessons WHERE id LIKE ? ESCAPE '\\' ORDER BY id",
            (escaped + "%",),
        )
        return [_lesson(self._db, row) for row in rows]

    def lessons(
        self,
        *,
        project: str | None = None,
        scope: ScopeLevel | None = None,
        statuses: Sequence[LessonStatus] = (),
    ) -> Sequence[Lesson]:
        clauses, params = ["1 = 1"], []
        if project is not None:
            clauses.append("project_key = ?")
            params.append(project)
        if scope is not None:
            clauses.append("scope = ?")
            params.append(scope.value)
        if statuses:
            clauses.append(f"status IN ({', '.join('?' * len(statuses))})")
            params.extend(s.value for s in statuses)
        rows = self._db.execute(
            f"SELECT {_LESSON_COLUMNS} FROM current_lessons WHERE {' AND '.join(clauses)} ORDER BY confidence DESC, id",
            params,
        )
        return [_lesson(self._db, row) for row in rows]

    def lesson_versions(self, lesson_id: str) -> Sequence[Lesson]:
        rows = self._db.execute(f"SELECT {_LESSON_COLUMNS} FROM lessons WHERE id = ? ORDER BY version", (lesson_id,))
        return [_lesson(self._db, row) for row in rows]

    def lessons_on_topic(self, topic: str) -> Sequence[Lesson]:
        if not topic:
            return []
        # ``topic != ''`` lets SQLite use the partial index ``lessons_by_topic`` instead of every version.
        rows = self._db.execute(
            f"SELECT {_LESSON_COLUMNS} FROM current_lessons WHERE topic = ? AND topic != '' ORDER BY id", (topic,)
        )
        return [_lesson(self._db, row) for row in rows]

    def contenders(self, project: str | None, *, topic: str, stance: str, against: str) -> Sequence[Lesson]:
        # "Names the other whole" is approximated with a word-bounded LIKE here; the caller checks exactly.
        # The LIKEs cannot use an index, so this reads the current lessons from the head (CROSS JOIN
        # keeps that order): through the lessons table it would read every version ever written.
        rows = self._db.execute(
            f"""
            SELECT {_HEAD_COLUMNS} FROM head_lessons h CROSS JOIN lessons l
                ON l.id = h.lesson_id AND l.version = h.lesson_version
            WHERE (topic != '' AND topic = :topic AND stance != :stance)
               OR (project_key IS :project AND (
                    (:stance != '' AND against != '' AND (
                        ' ' || :stance || ' ' LIKE '% ' || against || ' %'
                        OR ' ' || against || ' ' LIKE '% ' || :stance || ' %'))
                 OR (:against != '' AND stance != '' AND (
                        ' ' || :against || ' ' LIKE '% ' || stance || ' %'
                        OR ' ' || stance || ' ' LIKE '% ' || :against || ' %'))
                 OR (:against != '' AND topic LIKE 'say:%' AND stance LIKE '+%')
                 OR (:topic LIKE 'say:%' AND :stance LIKE '+%' AND against != '')))
            ORDER BY l.id
            """,
            {"topic": topic, "stance": stance, "against": against, "project": project},
        )
        return [_lesson(self._db, row) for row in rows]

    def observations_for(self, lesson_id: str) -> Sequence[Observation]:
        rows = self._db.execute(
            "SELECT body FROM observations WHERE lesson_id = ? ORDER BY recorded_at, session_id, extractor",
            (lesson_id,),
        )
        return [lesson_codec.observation_from_dict(json.loads(row[0])) for row in rows]


def _insert_version(db: sqlite3.Connection, lesson: Lesson, *, store_version: int) -> None:
    """Write one lesson version into ``store_version`` (and the head). The writer numbered it one above
    the version it read at the head; after a rollback the stored number is the next free one."""
    known = {
        (row[0], row[1])
        for row in db.execute("SELECT event_key, role FROM lesson_evidence WHERE lesson_id = ?", (lesson.id,))
    }
    # The redaction gate (store/gate.py): its content hash is that of what is stored. Evidence the
    # lesson cited before is stored (and was cleaned) already, and the body leaves evidence out, so
    # only the new evidence goes through it: a write costs what it adds, not the lesson's history.
    fresh = tuple(item for item in lesson.evidence if (item.event_key, item.role) not in known)
    lesson = clean(replace(lesson, evidence=fresh))
    read = head_version_of(db, lesson.id)
    if lesson.version != read + 1:
        # Two writers raced on one lesson; the caller rolls back and the next run redoes the work.
        raise sqlite3.IntegrityError(f"lesson {lesson.id}: version {lesson.version} does not follow {read}")
    (stored,) = db.execute("SELECT COALESCE(MAX(version), 0) FROM lessons WHERE id = ?", (lesson.id,)).fetchone()
    if stored + 1 != lesson.version:
        lesson = replace(lesson, version=stored + 1)
    body = lesson_codec.lesson_to_dict(lesson, with_evidence=False)
    db.execute(
        f"INSERT INTO lessons ({_LESSON_COLUMNS}) VALUES ({', '.join('?' * 17)})",
        (
            lesson.id,
            lesson.version,
            lesson.key,
            lesson.topic,
            lesson.stance,
            lesson.against,
            lesson.scope.level.value,
            lesson.scope.project,
            lesson.scope.session,
            lesson.status.value,
            lesson.kind.value,
            lesson.level.value,
            lesson.statement,
            lesson.confidence.value,
            lesson.content_hash,
            json.dumps(body, ensure_ascii=False),
            lesson.recorded_at or _now(),
        ),
    )
    _insert_evidence(db, lesson)  # ``lesson`` holds only its new evidence now
    put_in_head(db, store_version, lesson.id, lesson.version)


def rekeyed_versions(db: sqlite3.Connection, now: str) -> int:
    """A new version of every current ``say:`` lesson whose key changes in this normal form of text
    (``reverie.normal.rekey``), with the topic and keywords that go with it; the number written."""
    rows = db.execute(f"SELECT {_LESSON_COLUMNS} FROM current_lessons WHERE key LIKE 'say:%' ORDER BY id").fetchall()
    written = 0
    for row in rows:
        lesson = _lesson(db, row)
        key = normal.rekey(lesson.key, lesson.statement)
        if key == lesson.key or lesson.forgotten_reason is not None:
            continue
        subject = key.partition(":")[2].partition(":")[2]
        keywords = lesson.trigger.keywords
        if keywords == tuple(lesson.topic.removeprefix("say:").split()[:6]):
            keywords = tuple(subject.split()[:6])
        rekeyed = replace(
            lesson,
            key=key,
            topic=f"say:{subject}" if lesson.topic else "",
            trigger=replace(lesson.trigger, keywords=keywords),
            version=lesson.version + 1,
            recorded_at=now,
        )
        _insert_version(db, rekeyed, store_version=join_live_version(db))
        written += 1
    return written


def _insert_evidence(db: sqlite3.Connection, lesson: Lesson) -> None:
    """The lesson's evidence, which ``_insert_version`` cut to what it did not cite before: earlier rows
    keep their first version (a repeat within it is written once)."""
    db.executemany(
        "INSERT INTO lesson_evidence (lesson_id, event_key, role, since_version, session_id, body)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [
            (
                lesson.id,
                item.event_key,
                item.role,
                lesson.version,
                item.session_id,
                json.dumps(lesson_codec.evidence_to_dict(item), ensure_ascii=False),
            )
            for item in lesson.evidence
        ],
    )


def _insert_observation(db: sqlite3.Connection, observation: Observation) -> None:
    observation = clean(observation)  # the redaction gate
    db.execute(
        "INSERT OR REPLACE INTO observations (lesson_id, session_id, extractor, body, recorded_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (
            lesson_id(observation.key, observation.scope),
            observation.session_id or "",
            observation.extractor,
            json.dumps(lesson_codec.observation_to_dict(observation), ensure_ascii=False),
            observation.timestamp or _now(),
        ),
    )


def _record_progress(db: sqlite3.Connection, progress: DistillProgress) -> None:
    db.execute(
        "INSERT OR REPLACE INTO distilled_sessions"
        " (session_id, through_seq, events, observations, lessons, outcome, distilled_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            progress.session_id,
            progress.through_seq,
            progress.events,
            progress.observations,
            progress.lessons,
            progress.outcome,
            _now(),
        ),
    )


def _lesson(db: sqlite3.Connection, row: Sequence[Any]) -> Lesson:
    evidence_rows = db.execute(
        "SELECT body FROM lesson_evidence WHERE lesson_id = ? AND since_version <= ? ORDER BY since_version, rowid",
        (row[0], row[1]),
    )
    evidence: tuple[Evidence, ...] = tuple(lesson_codec.evidence_from_dict(json.loads(r[0])) for r in evidence_rows)
    return lesson_codec.lesson_from_dict(json.loads(row[_BODY]), evidence)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
