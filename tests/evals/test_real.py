"""``reverie eval --real``: a labelled corpus (our own small fixture, never real people's text) replayed
through the importer, distill and a dream, and scored against its labels."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from reverie.capture.importer import import_paths
from reverie.cli.evals import eval_
from reverie.domain import EventKind, Origin
from reverie.domain.changes import Change, ChangeType
from reverie.errors import InputError
from reverie.evals import corpus, real
from reverie.evals.corpus import LabelledLesson
from reverie.evals.real_match import label_key, matches
from reverie.evals.real_report import per_repository
from reverie.evals.real_score import Produced, score
from reverie.store import SQLiteStore
from tests.dream.factory import make

pytestmark = pytest.mark.usefixtures("grammar_reader")  # these test what follows reading, not the model

FIXTURE = Path(__file__).parent / "real_turns" / "holdout"


def test_every_channel_reaches_the_importer_as_the_persons_words_or_the_harness(tmp_path: Path) -> None:
    turns = corpus.load(FIXTURE)
    sessions = real.plan(turns)
    store = SQLiteStore(tmp_path / "s.db")
    typed: list[str] = []
    for session in sessions:
        path, _ = real.write(session, tmp_path, ["Never add emojis to commit messages."])
        assert import_paths(store, [path]).problems == ()
        events = store.events(session.id)
        typed += [e.text for e in events if e.kind is EventKind.PROMPT and e.origin is Origin.USER]
        assert any(e.origin is Origin.INJECTED for e in events)  # the digest is reverie's own, marked
        assert store.session(session.id).project.key == session.project.key  # type: ignore[union-attr]
    # Prompts, refusal feedback, follow-ups after an interrupt and answers to the agent's question are the
    # person's: the importer reads the answer out of the question tool's result (adapters.claude_code).
    assert "no, keep the version pinned in requirements.txt, we never float it" in typed
    assert "use tabs for indentation in this repo" in typed
    assert "the default branch is `develop`, open PRs against it" in typed
    store.close()


def test_sessions_interleave_sources_in_time_order() -> None:
    sessions = real.plan(corpus.load(FIXTURE))
    assert [s.start for s in sessions] == sorted(s.start for s in sessions)
    assert {s.source for s in sessions[:2]} == {
        "acme/widgets:.aider.chat.history.md",
        "jdoe/notes:transcripts/s1.jsonl",
    }


def test_matching_reads_content_words_and_code_tokens_not_phrasing() -> None:
    label = LabelledLesson("pls push with `--force-with-lease`", "standing_global", "Push with --force-with-lease.")
    assert "force-with-lease" in label_key(label).code
    assert matches("Always use `git push --force-with-lease`.", label)
    assert not matches("Always push to the main branch.", label)  # shares "push", not the flag
    ruff = LabelledLesson("we lint with ruff, flake8 is gone", "standing_project", "Lint with ruff, not flake8.")
    assert matches("In this project: use `ruff`, not `flake8`.", ruff)
    assert not matches("Run the tests before committing.", ruff)
    # Said in another language: the reviewer's sentence is the reference.
    spanish = LabelledLesson("me responderas solamente en español", "standing_global", "Reply only in Spanish.")
    assert matches("Always reply in Spanish.", spanish) and not matches("Reply in English.", spanish)


def test_a_statement_in_the_persons_own_script_matches_the_quote_it_restates() -> None:
    said = "数据库迁移文件不要手动修改\uff0c请用命令生成"  # a full-width comma between the two clauses
    label = LabelledLesson(said, "standing_project", "Generate migrations with the command; never edit them.")
    assert matches(f"In this project: {said}。", label)
    assert matches("In this project: 数据库迁移文件不要手动修改。", label)  # a clause of it
    assert not matches("In this project: 请用中文回答。", label)
    assert matches("Never edit migrations by hand; generate them with the command.", label)  # in English too


def test_the_score_counts_scope_supersession_one_offs_age_and_reveries_own_text() -> None:
    turns = corpus.load(FIXTURE)
    lessons = [
        Produced("a", "Use ruff, not flake8.", "project", "github.com/acme/widgets", "active", (("user", "ruff"),)),
        Produced("b", "Never add emojis to commit messages.", "project", "github.com/jdoe/notes", "active", ()),
        Produced("c", "Skip the slow integration tests.", "project", "github.com/acme/widgets", "active", ()),
        Produced("d", "Indent with tabs.", "project", "github.com/jdoe/notes", "active", ()),  # superseded label
        Produced("e", "Keep versions pinned in requirements.txt.", "project", "github.com/acme/widgets", "retired", ()),
        Produced("f", "Something reverie said.", "project", "x", "candidate", (("injected", "digest text"),)),
    ]
    result = score(turns, lessons, retired_for_age={"e": "retire.unconfirmed"}, injected_texts=["digest text"])
    rates = {key: (rate.numerator, rate.denominator) for key, rate in result.rates.items()}
    assert rates["recall"] == (1, 5)  # ruff; the emoji label is global, its lesson project-scoped
    assert rates["recall_any_scope"] == (2, 5)
    assert rates["precision"] == (1, 4)
    assert rates["candidate_precision"] == (0, 1)  # "something reverie said" states no label
    assert rates["one_offs_persisted"] == (1, 1)
    assert rates["retired_for_age"] == (1, 3)
    assert rates["self_learned"] == (1, 6)
    # the person's own sentence as distill keeps it (markup and punctuation read past), shown back later in
    # a digest: still theirs
    kept = next(turn.text for turn in turns if "ruff" in turn.text).replace(",", "")
    theirs = Produced("g", "x", "project", "x", "active", (("user", kept),))
    again = score(turns, [theirs], retired_for_age={}, injected_texts=[f"- {kept}"])
    assert again.rates["self_learned"].numerator == 0
    unmatched = [label["statement"] for label in result.audit["unmatched_labels"]]
    assert "Keep versions pinned in requirements.txt." in unmatched
    assert [label["lessons"] for label in result.audit["persisted_one_offs"]] == [["Skip the slow integration tests."]]
    by_kind = {kind: [(r.numerator, r.denominator) for r in pair] for kind, pair in result.by_kind.items()}
    assert by_kind == {"fact": [(0, 1), (0, 1)], "instruction": [(1, 2), (1, 2)]}  # the ruff choice is active


def test_a_lesson_read_from_part_of_a_labelled_quote_is_precise_but_recalls_only_what_it_states() -> None:
    said = "Use 'pytest'. All tests in a 'tests/' directory."
    labelled = LabelledLesson(said, "standing_project", "Write tests with pytest and keep them in tests/.")
    text = f"Python rules: {said}"
    turn = corpus.Turn("a#1", "acme/widgets:chat.md", "a:1", 1, "prompt", text, "", "standing_project", (labelled,))
    project = "github.com/acme/widgets"
    halves = [
        Produced("a", "Use 'pytest'.", "project", project, "active", (("user", "Use 'pytest'."),)),
        Produced(
            "b",
            "All tests in a 'tests/' directory.",
            "project",
            project,
            "active",
            (("user", "All tests in a 'tests/' directory."),),
        ),
        Produced("c", "Use 'pytest'.", "project", "github.com/other/repo", "active", (("user", "Use 'pytest'."),)),
        Produced("d", "Use pytest.", "project", project, "candidate", (("user", "pytest"),)),  # one word is no quote
    ]
    rates = score([turn], halves, retired_for_age={}, injected_texts=[]).rates
    assert (rates["precision"].numerator, rates["precision"].denominator) == (2, 3)  # another project's is not
    assert rates["candidate_precision"].numerator == 0
    assert rates["recall"].numerator == 0  # neither half states the whole label
    audit = score([turn], halves, retired_for_age={}, injected_texts=[]).audit
    assert [lesson["id"] for lesson in audit["unmatched_lessons"]] == ["c"]


def test_a_lesson_said_in_every_prompt_is_one_lesson_to_recall() -> None:
    said = "Check design-system.md before you change anything."
    labelled = LabelledLesson(said, "standing_project", "Check design-system.md before changing anything.")
    turns = [
        corpus.Turn(f"a#{n}", "acme/site:chat.md", f"a:{n}", n, "prompt", said, "", "standing_project", (labelled,))
        for n in range(1, 4)
    ]
    other = corpus.Turn("b#1", "jdoe/site:chat.md", "b:1", 1, "prompt", said, "", "standing_project", (labelled,))
    kept = Produced("a", labelled.statement, "project", "github.com/acme/site", "active", ())
    recall = score([*turns, other], [kept], retired_for_age={}, injected_texts=[]).rates["recall"]
    assert (recall.numerator, recall.denominator) == (1, 2)  # three repeats in one project, one in another


def test_recall_is_also_reported_per_repository() -> None:
    def turn(repo: str, number: int, statement: str) -> corpus.Turn:
        said = LabelledLesson(statement, "standing_project", statement)
        return corpus.Turn(f"{repo}#{number}", f"{repo}:chat.md", f"{repo}:1", number, "prompt", statement, "",
                           "standing_project", (said,))  # fmt: skip

    many = [turn("acme/big", n, f"Keep module {word} free of network calls.") for n, word in enumerate("abc", 1)]
    one = turn("jdoe/small", 1, "Use tabs for indentation.")
    kept = Produced("x", "Use tabs for indentation.", "project", "github.com/jdoe/small", "active", ())
    result = score([*many, one], [kept], retired_for_age={}, injected_texts=[])
    assert {key: (r.numerator, r.denominator) for key, r in result.by_repository.items()} == {
        "github.com/acme/big": (0, 3),
        "github.com/jdoe/small": (1, 1),
    }
    assert per_repository(result.by_repository) == "0.50 (any in 1/2)"  # pooled, it would be 1 in 4


def test_a_one_off_is_kept_only_by_a_lesson_that_reaches_its_project() -> None:
    said = "skip the slow integration tests this time"
    labelled = LabelledLesson(said, "one_off", "Skip the slow integration tests.")
    turn = corpus.Turn("a#1", "acme/widgets:chat.md", "a:1", 1, "prompt", said, "", "one_off", (labelled,))
    elsewhere = Produced("x", "Skip the slow integration tests.", "project", "github.com/other/repo", "active", ())
    in_words = Produced("y", "Hold back on integration runs.", "project", "github.com/acme/widgets", "active",
                        (("user", said),))  # fmt: skip
    assert score([turn], [elsewhere], retired_for_age={}, injected_texts=[]).rates["one_offs_persisted"].numerator == 0
    kept = score([turn], [elsewhere, in_words], retired_for_age={}, injected_texts=[])
    assert kept.rates["one_offs_persisted"].numerator == 1
    assert kept.audit["persisted_one_offs"][0]["lessons"] == ["Hold back on integration runs."]


def test_eval_real_runs_the_machine_and_reports_table_json_and_files(tmp_path: Path) -> None:
    report = tmp_path / "out"
    result = CliRunner().invoke(
        eval_, ["--real", str(FIXTURE), "--workdir", str(tmp_path), "--json", "--report", str(report)]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["format"] == "reverie-eval-real/1" and document["sessions"] == 6
    metrics = document["metrics"]
    assert metrics["recall"]["d"] == 5 and metrics["recall"]["n"] >= 1
    assert metrics["one_offs_persisted"]["n"] == 0 and metrics["self_learned"]["n"] == 0
    assert metrics["retired_for_age"]["n"] == 0
    assert 0 <= metrics["kept_as_candidate"]["n"] <= metrics["recall"]["d"] - metrics["recall"]["n"]
    audit = document["audit"]
    assert {"matched", "unmatched_labels", "unmatched_lessons", "unmatched_candidates"} <= set(audit)
    # the review queue's noise is listed: every candidate that states no label, no more
    queue = metrics["candidate_precision"]
    assert len(audit["unmatched_candidates"]) == queue["d"] - queue["n"]
    # Keeping every typed prompt holds every standing label in some scope: the matcher finds the words.
    everything = document["baselines"]["remember-everything"]["metrics"]
    assert everything["recall_any_scope"]["n"] == everything["recall_any_scope"]["d"]  # answers included
    assert everything["one_offs_persisted"]["n"] == 1
    assert (report / "real-report.md").exists() and (report / "real-report.json").exists()
    table = CliRunner().invoke(eval_, ["--real", str(FIXTURE), "--workdir", str(tmp_path)])
    assert "standing lessons recalled" in table.output and "one-offs persisted" in table.output


def test_a_bad_turn_line_names_its_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "bad.jsonl").write_text('{"id": "x"}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.jsonl:1"):
        corpus.load(tmp_path)


def test_an_expiring_one_off_reading_is_not_an_age_retirement(tmp_path: Path) -> None:
    """A standing instruction read as a one-off is a miss of recall; its expiry is the dream doing its job.
    A durable lesson that expires, a decayed one, an unconfirmed one: those are retirements for age."""
    machine = real.Machine(tmp_path)
    one_off = make("Skip the linter this time.", durable=False)
    durable = make("Use ruff for linting.")
    decayed = make("Run the tests with make check.")
    for policy, lesson in (("expired", one_off), ("expired", durable), ("decayed", decayed)):
        machine._record(
            Change(
                id="",
                type=ChangeType.RETIRE,
                rationale="",
                before=(lesson,),
                after=(lesson,),
                evidence=(),
                confidence_delta=0.0,
                proposed_by="test",
                qualifier=policy,
            )
        )
    assert machine.retired_for_age == {durable.id: "retire.expired", decayed.id: "retire.decayed"}
