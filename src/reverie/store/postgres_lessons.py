"""The lesson half of the ``Store`` protocol on PostgreSQL, for one team (mixed into ``PostgresStore``).

The same contract as ``sqlite_lessons``: a lesson keeps its id for life, every change is a new version
numbered one above the stored one (else the whole batch rolls back), evidence only accumulates and each
version reads the evidence it had. Store versions, dreams and artifacts stay on each machine's SQLite
store, so the current lesson here is simply its highest version.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import replace
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from reverie.domain.lessons import Evidence, Lesson, LessonStatus, Observation, ScopeLevel, lesson_id
from reverie.store import lesson_codec
from reverie.store.gate import clean
from reverie.store.protocol import DistillProgress, LessonBatch, PendingSession

Connection = psycopg.Connection[tuple[Any, ...]]

_CURRENT = "(SELECT DISTINCT ON (id) * FROM lessons ORDER BY id, version DESC) AS current"


class PostgresLessons:
    team: str

    def _tx(self) -> AbstractContextManager[Connection]:
        raise NotImplementedError  # provided by the store this is mixed into

    def lesson_watermark(self) -> tuple[str, int] | None:
        """None: the recall hook reads a local file, and a team's lessons reach it through sync."""
        return None

    def write_lessons(self, batch: LessonBatch) -> None:
        with self._tx() as db:
            for lesson in batch.lessons:
                self._insert_version(db, lesson)
            for observation in map(clean, batch.observations):  # the redaction gate
                db.execute(
                    "INSERT INTO observations (team_id, lesson_id, session_id, extractor, body, recorded_at)"
                    " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (team_id, lesson_id, session_id, extractor)"
                    " DO UPDATE SET body = excluded.body, recorded_at = excluded.recorded_at",
                    (self.team, lesson_id(observation.key, observation.scope), observation.session_id or "",
                     observation.extractor, Jsonb(lesson_codec.observation_to_dict(observation)),
                     observation.timestamp or ""),
                )  # fmt: skip
            if batch.progress is not None:
                self._record_progress(db, batch.progress)
            if batch.watermark is not None:
                db.execute(
                    "INSERT INTO distill_watermark (team_id, through_seq) VALUES (%s, %s) ON CONFLICT (team_id)"
                    " DO UPDATE SET through_seq = GREATEST(distill_watermark.through_seq, excluded.through_seq)",
                    (self.team, batch.watermark),
                )

    def _insert_version(self, db: Connection, lesson: Lesson) -> None:
        # The redaction gate (store/gate.py), as in SQLite: only the evidence not cited before goes through
        # it (what is stored was cleaned when it was first written), so the body's hash is what is stored.
        cited = db.execute("SELECT event_key, role FROM lesson_evidence WHERE lesson_id = %s", (lesson.id,)).fetchall()
        known = {(str(row[0]), str(row[1])) for row in cited}
        fresh = tuple(item for item in lesson.evidence if (item.event_key, item.role) not in known)
        lesson = clean(replace(lesson, evidence=fresh))
        row = db.execute("SELECT COALESCE(MAX(version), 0) FROM lessons WHERE id = %s", (lesson.id,)).fetchone()
        stored = int(row[0]) if row else 0
        if lesson.version != stored + 1:
            # Two writers raced on one lesson; the transaction rolls back and the next run redoes the work.
            raise psycopg.IntegrityError(f"lesson {lesson.id}: version {lesson.version} does not follow {stored}")
        db.execute(
            "INSERT INTO lessons (team_id, id, version, key, topic, stance, against, scope, project_key, session_id,"
            " status, confidence, body) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (self.team, lesson.id, lesson.version, lesson.key, lesson.topic, lesson.stance, lesson.against,
             lesson.scope.level.value, lesson.scope.project, lesson.scope.session, lesson.status.value,
             lesson.confidence.value, Jsonb(lesson_codec.lesson_to_dict(lesson, with_evidence=False))),
        )  # fmt: skip
        # Only evidence the lesson did not cite before (earlier rows keep their first version): a write
        # costs what it adds, not one round trip per item of the lesson's whole history.
        for item in lesson.evidence:
            db.execute(
                "INSERT INTO lesson_evidence (team_id, lesson_id, event_key, role, since_version, body)"
                " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                (self.team, lesson.id, item.event_key, item.role, lesson.version,
                 Jsonb(lesson_codec.evidence_to_dict(item))),
            )  # fmt: skip

    def _record_progress(self, db: Connection, progress: DistillProgress) -> None:
        db.execute(
            "INSERT INTO distilled_sessions (team_id, session_id, through_seq, events, observations, lessons, outcome)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (team_id, session_id) DO UPDATE SET"
            " through_seq = excluded.through_seq, events = excluded.events,"
            " observations = excluded.observations, lessons = excluded.lessons, outcome = excluded.outcome",
            (self.team, progress.session_id, progress.through_seq, progress.events, progress.observations,
             progress.lessons, progress.outcome),
        )  # fmt: skip

    # -- reading -----------------------------------------------------------------------------

    def pending_sessions(self) -> Sequence[PendingSession]:
        with self._tx() as db:
            rows = db.execute(
                """
                SELECT e.session_id, MAX(e.seq) FROM events e
                WHERE e.seq > COALESCE((SELECT through_seq FROM distill_watermark), 0)
                GROUP BY e.session_id
                HAVING MAX(e.seq) > COALESCE(
                    (SELECT d.through_seq FROM distilled_sessions d WHERE d.session_id = e.session_id), 0)
                ORDER BY MIN(e.seq)
                """
            ).fetchall()
        return [PendingSession(session_id=r[0], through_seq=int(r[1])) for r in rows]

    def lesson(self, lesson_id: str) -> Lesson | None:
        found = self._select(f"SELECT id, version, body FROM {_CURRENT} WHERE id = %s", (lesson_id,))
        return found[0] if found else None

    def find_lessons(self, prefix: str) -> Sequence[Lesson]:
        return self._select(
            f"SELECT id, version, body FROM {_CURRENT} WHERE starts_with(id, %s) ORDER BY id", (prefix,)
        )

    def lessons(
        self, *, project: str | None = None, scope: ScopeLevel | None = None, statuses: Sequence[LessonStatus] = ()
    ) -> Sequence[Lesson]:
        return self._select(
            f"SELECT id, version, body FROM {_CURRENT} WHERE (%(project)s::text IS NULL OR project_key = %(project)s)"
            " AND (%(scope)s::text IS NULL OR scope = %(scope)s) AND (%(any)s OR status = ANY(%(statuses)s))"
            " ORDER BY confidence DESC, id",
            {"project": project, "scope": scope.value if scope else None, "any": not statuses,
             "statuses": [s.value for s in statuses]},
        )  # fmt: skip

    def lesson_versions(self, lesson_id: str) -> Sequence[Lesson]:
        return self._select("SELECT id, version, body FROM lessons WHERE id = %s ORDER BY version", (lesson_id,))

    def lessons_on_topic(self, topic: str) -> Sequence[Lesson]:
        if not topic:
            return []
        return self._select(f"SELECT id, version, body FROM {_CURRENT} WHERE topic = %s ORDER BY id", (topic,))

    def contenders(self, project: str | None, *, topic: str, stance: str, against: str) -> Sequence[Lesson]:
        # A word-bounded match, as in SQLite: a superset that the caller checks exactly.
        return self._select(
            f"""
            SELECT id, version, body FROM {_CURRENT}
            WHERE (topic != '' AND topic = %(topic)s AND stance != %(stance)s)
               OR (project_key IS NOT DISTINCT FROM %(project)s AND (
                    (%(stance)s != '' AND against != '' AND (
                        strpos(' ' || %(stance)s || ' ', ' ' || against || ' ') > 0
                        OR strpos(' ' || against || ' ', ' ' || %(stance)s || ' ') > 0))
                 OR (%(against)s != '' AND stance != '' AND (
                        strpos(' ' || %(against)s || ' ', ' ' || stance || ' ') > 0
                        OR strpos(' ' || stance || ' ', ' ' || %(against)s || ' ') > 0))
                 OR (%(against)s != '' AND topic LIKE 'say:%%' AND stance LIKE '+%%')
                 OR (%(topic)s LIKE 'say:%%' AND %(stance)s LIKE '+%%' AND against != '')))
            ORDER BY id
            """,
            {"topic": topic, "stance": stance, "against": against, "project": project},
        )

    def observations_for(self, lesson_id: str) -> Sequence[Observation]:
        with self._tx() as db:
            rows = db.execute(
                "SELECT body FROM observations WHERE lesson_id = %s ORDER BY recorded_at, session_id, extractor",
                (lesson_id,),
            ).fetchall()
        return [lesson_codec.observation_from_dict(row[0]) for row in rows]

    def _select(self, query: str, params: Any) -> list[Lesson]:
        with self._tx() as db:
            rows = db.execute(query, params).fetchall()
            return list(_with_evidence(db, rows))


def _with_evidence(db: Connection, rows: Sequence[Sequence[Any]]) -> Iterator[Lesson]:
    for lesson_id_, version, body in rows:
        evidence_rows = db.execute(
            "SELECT body FROM lesson_evidence WHERE lesson_id = %s AND since_version <= %s ORDER BY since_version, seq",
            (lesson_id_, version),
        ).fetchall()
        evidence: tuple[Evidence, ...] = tuple(lesson_codec.evidence_from_dict(r[0]) for r in evidence_rows)
        yield lesson_codec.lesson_from_dict(body, evidence)
