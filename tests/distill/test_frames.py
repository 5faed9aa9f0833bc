"""How people frame a rule when they explain a project in full sentences: a lead-in that announces it, a
scope said once for the whole turn, the reason in the next sentence (``distill.frames``), and the forms
of a standing rule that such explanations use (``distill.lasting``). Through ``parse_statements``, with
the shipped model."""

from __future__ import annotations

import pytest

from reverie.distill import wording
from reverie.distill.reading.sentences import prose_sentences
from reverie.distill.statements import Strength, parse_statements
from reverie.domain.lessons import ScopeLevel
from reverie.domain.markers import HOOK_MARK


def standing(text: str) -> dict[str, ScopeLevel]:
    return {p.statement: p.scope for p in parse_statements(text) if p.strength is Strength.EXPLICIT}


@pytest.mark.parametrize(
    ("text", "scope"),
    [
        ("Right, one house rule before we go on: invoices are never deleted, only voided.", ScopeLevel.PROJECT),
        ("A convention you should know about: feature branches are named after the ticket.", ScopeLevel.PROJECT),
        ("This goes for every report we ship, not only this one: totals are rounded half-even.", ScopeLevel.PROJECT),
        ("Something that applies to me everywhere: show me the plan before you edit anything.", ScopeLevel.GLOBAL),
        ("Generally for me: keep answers short.", ScopeLevel.GLOBAL),
        ("For the record: the worker image is built by CI, not locally.", ScopeLevel.PROJECT),
    ],
)
def test_what_follows_a_lead_in_that_announces_a_rule_is_one(text: str, scope: ScopeLevel) -> None:
    found = standing(text)
    assert list(found.values()) == [scope], found
    (statement,) = found
    assert ":" not in statement.removeprefix("In this project: ")  # the lead-in is not part of the lesson


@pytest.mark.parametrize(
    "text",
    [
        "Fix correctness bugs before adding features: broken imports, failing tests and stale fixtures.",
        "Please fix the following in every repo: the README links.",
        "rules.js: pure game logic, move generation and check detection.",
        "Access to 'file:///app.js' has been blocked by CORS policy: only some schemes are supported.",
        "Here are the rules of the game: each player moves one piece.",
        "Note: the chart should turn red on errors.",
    ],
)
def test_a_lead_in_that_asks_quotes_or_only_notes_announces_nothing(text: str) -> None:
    assert standing(text) == {}


def test_a_scope_said_once_holds_for_the_whole_turn() -> None:
    found = standing("I'm on a linux laptop in every project. Always give me bash commands, never PowerShell.")
    assert ScopeLevel.GLOBAL in found.values()
    here = standing("In all my projects I like small commits. In this repo, always rebase before merging.")
    assert here["In this project: Always rebase before merging."] is ScopeLevel.PROJECT


@pytest.mark.parametrize(
    ("text", "scope"),
    [
        ("Tiny commits please. Thats for all my stuff, not just this repo.", ScopeLevel.GLOBAL),
        ("Keep answers short, bullets over paragraphs. Goes for everything you do for me.", ScopeLevel.GLOBAL),
        ("Dates in UTC in the API. Same for every export we ship.", ScopeLevel.PROJECT),
        ("Paste the whole plan output. That goes for any repo I work on: I read every line.", ScopeLevel.GLOBAL),
        ("Mocks go in tests/unit, hardware tests hit real hardware. Period.", ScopeLevel.PROJECT),
        ("can you drop the summary headers. I read the diff. same in every repo I work in.", ScopeLevel.GLOBAL),
        ("The export must keep every column. That must hold for every 2.x release.", ScopeLevel.PROJECT),
    ],
)
def test_a_sentence_that_says_what_the_one_before_was(text: str, scope: ScopeLevel) -> None:
    found = standing(text)
    assert list(found.values()) == [scope], found


def test_a_pointer_after_a_reason_lands_on_the_rule_before_it() -> None:
    text = "If you touch the schema, say so in the PR text. Reviewers miss it otherwise. Goes for everything I do."
    assert standing(text) == {
        "If you touch the schema, say so in the PR text: reviewers miss it otherwise.": ScopeLevel.GLOBAL
    }


@pytest.mark.parametrize(
    ("text", "statement"),
    [
        ("Before you start, please note that we build with the wrapper only.", "We build with the wrapper only."),
        ("reminder that fixtures live in tests/data", "Fixtures live in tests/data."),
        (
            "the admin key does NOT go anywhere near browser code lol",
            "The admin key does not go anywhere near browser code.",
        ),
    ],
)
def test_what_only_frames_the_rule_is_not_in_its_statement(text: str, statement: str) -> None:
    assert [s.removeprefix("In this project: ") for s in standing(text)] == [statement]


def test_the_reason_given_in_the_next_sentence_goes_with_the_rule() -> None:
    (statement,) = standing("Please don't hit the payment API in tests. It bills a real card every time.")
    assert statement == "In this project: Do not hit the payment API in tests: it bills a real card every time."
    # the next sentence is a task or a thanks, not a reason
    (alone,) = standing("Never edit vendored code in third_party/. Then rerun the build.")
    assert alone == "In this project: Never edit vendored code in `third_party/`."


def test_a_long_reason_keeps_its_first_clauses_within_what_a_reviewer_reads() -> None:
    (statement,) = standing(
        "Never pass ORM objects into Celery tasks. It's the stale-data bug we chased for a week, the worker "
        "saves an old copy over the new one and nobody notices until the monthly invoices are wrong."
    )
    assert statement == (
        "In this project: Never pass ORM objects into Celery tasks: it's the stale-data bug we chased for a week, "
        "the worker saves an old copy over the new one."
    )
    # a clause that stops inside a condition is no reason
    (cut,) = standing(
        "Never use django-debug-toolbar in this repo. It breaks the async views and cost us a week last year, "
        "so if you need to look at queries use the silk profiler that is already set up in dev settings for that."
    )
    assert not cut.endswith("if you need to look at queries.")
    # how things are, said after a prohibition, is its reason too; a labelled new item ("Task: ...") is not
    (shared,) = standing(
        "Please do not apply migrations yourself. Four other people work against that database all day long, "
        "and one bad migration there breaks every one of them at once, as happened twice last spring."
    )
    assert shared.endswith("yourself; four other people work against that database all day long.")
    (alone,) = standing("Never reserve an invoice number before payment. Task: generate the PDF when an order is paid.")
    assert alone == "In this project: Never reserve an invoice number before payment."
    (first,) = standing("Never reserve an invoice number before payment. TODO: the PDF once an order is paid.")
    assert first == "In this project: Never reserve an invoice number before payment."


@pytest.mark.parametrize(
    ("text", "statement"),
    [
        (
            "please don't touch schema.rb by hand! Generate a migration and let db:migrate dump the schema.",
            "In this project: Do not touch schema.rb by hand; generate a migration and let db:migrate dump the schema.",
        ),
        (
            "No floats for money, anywhere in this codebase. Amounts are integer minor units.",
            "In this project: Avoid floats for money, anywhere; amounts are integer minor units.",
        ),
        (
            "Never use print in library code. Use the logger.",
            "In this project: Never use print in library code; use the logger.",
        ),
        (
            "Never run git commit for me. I review the diff and commit myself.",
            "Never run git commit for me; I review the diff and commit myself.",
        ),
    ],
)
def test_what_to_do_instead_of_what_is_forbidden_goes_with_it(text: str, statement: str) -> None:
    (found,) = standing(text)
    assert found.removeprefix("In this project: ") == statement.removeprefix("In this project: ")


@pytest.mark.parametrize(
    "text",
    [
        "never use npm in this repo. delete the package-lock you made",  # a step of the task at hand
        "Never commit the build folder. I removed it from the commit",
        "Never use the staging bucket. For now just write to /tmp.",
        "Never edit vendored code in third_party/. Then rerun the build.",
    ],
)
def test_a_step_of_the_task_after_a_prohibition_stays_out_of_it(text: str) -> None:
    (statement, *_) = (p.statement for p in parse_statements(text))
    assert ";" not in statement and ":" not in statement.removeprefix("In this project: ")


@pytest.mark.parametrize(
    ("text", "statement"),
    [
        (
            "Always use pathlib.Path for filesystem operations. No os.path.",
            "Always use pathlib.Path for filesystem operations; no os.path.",
        ),
        ("Always log with the standard logging module. No print() statements.", "; no `print()` statements."),
    ],
)
def test_what_an_instruction_rules_out_right_after_it_is_one_lesson(text: str, statement: str) -> None:
    (found,) = parse_statements(text)
    assert found.statement.endswith(statement) and found.strength is Strength.EXPLICIT


def test_a_reason_read_on_its_own_becomes_the_reason_of_the_rule_before_it() -> None:
    found = parse_statements("pls don't commit public/build. it's in .gitignore on purpose, CI builds the assets.")
    assert [p.statement for p in found] == [
        "In this project: Do not commit public/build: it's in .gitignore on purpose, CI builds the assets."
    ]
    # a second instruction that merely opens like a reason stays a lesson of its own
    two = parse_statements(
        "The human will restart the MCP host for you to continue. It's OK to have fun but don't be snarky."
    )
    assert [p.statement for p in two] == [
        "In this project: The human will restart the MCP host for you to continue.",
        "In this project: It's OK to have fun but don't be snarky.",
    ]


def test_a_function_named_in_prose_keeps_its_parentheses_as_code() -> None:
    (statement,) = standing("Always call tr() on player-facing strings, never raw text or os.exit().")
    assert "`tr()`" in statement and "`os.exit()`" in statement


@pytest.mark.parametrize(
    "sentence",
    [
        "We never hard-delete customer records.",
        "We can't ever drop rows silently.",
        "You only ever touch the sandbox account.",
        "Keep in mind that prices are stored in cents.",
        "I'd rather you didn't use raw SQL anywhere in this codebase.",
        "we're on node 20, so no node 22 features",
        "no Redux in this project at all",
        "wrap errors always with fmt.Errorf and %w",
        "When you commit, write the subject line in the imperative.",
        "Normally every user-facing string goes through the translation layer.",
        "Rather than a cron job, use the task scheduler like the other jobs do.",
        "Autoscaling is off on every queue in this repo.",
        "let's keep queries out of the templates",
        "Please run any new dependency past me before adding it.",
        "linting has to pass, run `make lint` before you tell me you're done",
        "stick to the unit tests unless I say otherwise",
        "Ooh, hold on, please don't touch schema.rb by hand!",
        "That works, but let's keep business logic out of the controllers.",
        "Before you start, please note that we deploy from the release branch.",
        "The team standard here is pytest, rather than unittest.",
        "We are not allowed to add new services without approval from the platform team.",
        "By team agreement, new modules are written in TypeScript.",
        "Please leave the lockfiles alone.",
        "Never edit an applied migration.",
        "No secrets in log output.",
        "According to the security guideline, no endpoint may ever return a full card number.",
        "In this team every service has a runbook.",
        "its yarn btw. not npm",
        "the admin token does not go anywhere near client code",
        "schema changes go through alembic migrations",
        "anything scheduled has to be a celery beat task",
        "can u stop adding comments to every line?",
        "dont push to main, open a PR",
        "pydantic models on every request body, no exceptions.",
        "Going forward: the API docs are generated from the OpenAPI file.",
        "there's no heap in this image, HEAP_SIZE=0 on purpose",
        "prj.conf is the production config, nothing experimental goes in there",
        "the SDK is pinned in west.yml at v2.6.1",
        "UUIDs stay the SIG-assigned ones.",
        "Could you leave conftest.py alone?",
        "Could you keep unrelated changes out of pull requests, please?",
        "please build the docs with `nox -s docs` rather than calling sphinx-build yourself",
        "anything we remove has to go through a deprecation cycle first",
        "everything here goes through nox",
        "new parameters on public functions always go in as keyword-only",
        "docstrings are NumPy style",
        "ask me before pulling in new dependencies.",
        "I would like us to stay with polars in this project.",
        "nothing gets deleted in the admin, ever",
        "don't deploy yourself",
        "pls don't commit dist/build.",
        "just pnpm test from now on",
        "whole codebase uses the logger() helper",
        "In Go, please wrap errors with `fmt.Errorf` and `%w`.",
        "I would prefer that you not install packages with conda in this project.",
        "Our cluster uses SLURM, and the profile lives in profiles/slurm/.",
    ],
)
def test_the_forms_of_a_standing_rule_in_an_explanation(sentence: str) -> None:
    assert standing(sentence), sentence


@pytest.mark.parametrize(
    "sentence",
    [
        "That's how everything in this project gets run.",  # points back: no lesson of its own
        "Later it comes from the user settings, not now.",
        "Now in this project, let's deploy the API.",
        "Fix the typo in every file.",
        "Whenever I click save, the dialog should close.",
        "Before any coding begins, review the specification document.",
        "In the README, note that the flag is deprecated.",
        "The rule is not enabled, so there is nothing to fix.",
        "Do not modify existing backend code; only add the files listed.",
        "Everything should be scaled the same.",
        "Nothing should be shown below the loading indicator.",
        "Our translator is on holiday until the end of the month.",
        "Can we test and make sure this is working locally before pushing up to git?",
        "Can you put the port into a config file, instead of a magic number in every file?",
    ],
)
def test_what_only_looks_like_those_forms_is_not_standing(sentence: str) -> None:
    assert standing(sentence) == {}, sentence


def test_an_emoji_between_sentences_ends_the_first() -> None:
    assert prose_sentences("The model is 600 lines \U0001f648 We move logic into services. ok \U0001f44d") == [
        "The model is 600 lines.",
        "We move logic into services.",
        "ok \U0001f44d",
    ]
    assert prose_sentences("no emojis in log strings \U0001f602 chat is the place") == [
        "no emojis in log strings.",
        "chat is the place",
    ]


def test_just_me_every_project_is_global() -> None:
    found = standing("side note, this is just me, every project: no emojis in commit messages")
    assert list(found.values()) == [ScopeLevel.GLOBAL], found


@pytest.mark.parametrize(
    ("text", "statement"),
    [
        (
            "btw this is a me thing, not just this game: when you fix a bug, give me the root cause first.",
            "When you fix a bug, give me the root cause first.",
        ),
        (
            "I prefer short answers, bullets > paragraphs. that's how I like it with every assistant",
            "I prefer short answers, bullets > paragraphs.",
        ),
        ("Ask before you add a dependency. That goes for every repo I touch.", "Ask before you add a dependency."),
    ],
)
def test_not_just_this_one_and_any_assistant_are_the_person_everywhere(text: str, statement: str) -> None:
    assert standing(text) == {statement: ScopeLevel.GLOBAL}


@pytest.mark.parametrize(
    "text",
    [
        "and generally pls shorter summaries, I read them on the phone, 3 lines max",
        "cut the 'Great question!' and the recap of what I just said.",
        "no walls of text please, I skim",
    ],
)
def test_how_the_person_wants_replies_holds_for_them_everywhere(text: str) -> None:
    assert list(standing(text).values()) == [ScopeLevel.GLOBAL]


@pytest.mark.parametrize(
    "text",
    [
        "write a summary of the changes in this PR, short",
        "merge missing bullets only; no duplicate files.",
        "stale responses must not overwrite newer query state",
        "can you make the answers in the FAQ shorter?",
        "for now skip the recap, I'm in a hurry",
    ],
)
def test_what_only_mentions_replies_is_no_preference_about_them(text: str) -> None:
    assert ScopeLevel.GLOBAL not in standing(text).values()


def test_a_compiled_hooks_message_in_a_turn_is_never_read() -> None:
    text = f"{HOOK_MARK} Reminder from reverie lesson L7: Always run `make check` before `git push`."
    assert prose_sentences(text) == [] and parse_statements(text) == []


@pytest.mark.parametrize(
    "text",
    [
        ": " * 3000,
        "One rule: " * 800,
        "That goes for all my repos. " * 400,
        "Same for every repo. Period. " * 300,
        "rules:\n" + "- \n" * 500,
        "\u200b\u202e: \x00 that's a rule for me: \ufffd",
    ],
)
def test_frames_of_garbled_and_huge_turns_end_in_lessons_or_nothing(text: str) -> None:
    found = parse_statements(text)
    assert all(parsed.statement.strip() and "\n" not in parsed.statement for parsed in found)


@pytest.mark.parametrize(
    ("text", "channel"),
    [
        ("Please don't run the seed script against staging. It wipes the demo data.", "denial"),
        ("Whoa, no db:reset please!", "denial"),
        ("Sorry to interrupt, please leave the vendored wheels alone.", "interrupt"),
        ("I would rather you did not execute the notebooks at all.", "denial"),
    ],
)
def test_a_prohibition_typed_while_refusing_the_agent_is_a_rule(text: str, channel: str) -> None:
    found = [p for p in parse_statements(text, channel=channel) if p.strength is Strength.EXPLICIT]
    assert len(found) == 1 and found[0].scope is ScopeLevel.PROJECT, found
    assert "\n" not in found[0].statement and found[0].statement.endswith(".")


@pytest.mark.parametrize(
    "text", ["don't apply it on the shared db yet", "no, not this time", "don't run the full build at this stage"]
)
def test_a_refusal_for_now_is_not_a_rule(text: str) -> None:
    assert all(p.strength is not Strength.EXPLICIT for p in parse_statements(text, channel="denial"))


@pytest.mark.parametrize(
    ("text", "before"),
    [
        ("no. vendor files belong to the platform team and only change with a release.", "Edit: vendor/lib.c"),
        ("nope. migrations in `db/migrate` are generated by the ORM, never by hand.", "I'll write the migration"),
        ("wrong port. the dev server here is on 5173, the API on 8000.", "Opened localhost:3000"),
    ],
)
def test_how_the_project_is_said_to_correct_the_agent_is_a_rule(text: str, before: str) -> None:
    assert [p for p in parse_statements(text, before=before) if p.strength is Strength.EXPLICIT]


@pytest.mark.parametrize(
    ("text", "before"),
    [
        ("why would a test emulate the bus? the real part is the whole point.", "Added an emulated bus"),
        ("no. the parser is broken, look at line 40.", "The parser looks fine"),
        ("no. the build is not done yet.", "Shall I deploy?"),
    ],
)
def test_what_a_correction_says_of_the_moment_is_not(text: str, before: str) -> None:
    assert not [p for p in parse_statements(text, before=before) if p.strength is Strength.EXPLICIT]


def test_the_codebases_everywhere_is_the_project() -> None:
    found = standing("remember for this project: amounts are integer cents in the DB, everywhere.")
    assert list(found.values()) == [ScopeLevel.PROJECT], found


def test_keeping_them_small_said_to_correct_the_agent_is_a_rule() -> None:
    text = "why is half the file reformatted?? keep the diffs small pls."
    assert [p for p in parse_statements(text, before="Ran prettier") if p.strength is Strength.EXPLICIT]
    assert not [p for p in parse_statements("keep the diffs small pls.") if p.strength is Strength.EXPLICIT]


QUESTION = "How should enemies find the closest player? 1. Search the scene tree 2. A new singleton 3. GameState"
WHY = "GameState is the autoload for all the global stuff, hang stuff off that instead of adding singletons"


@pytest.mark.parametrize("pick", ["3 for sure.", "GameState."])
def test_why_the_person_picked_an_option_is_how_the_project_does_it(pick: str) -> None:
    found = parse_statements(f"{pick} {WHY}", channel="answer", before=QUESTION)
    assert [(p.strength, p.statement.split(",")[0]) for p in found] == [
        (Strength.EXPLICIT, "In this project: GameState is the autoload for all the global stuff")
    ]
    # the same words typed as a prompt, with no pick before them, are read as they always were
    prompt = parse_statements(WHY, before=QUESTION)
    assert all(p.strength is not Strength.EXPLICIT for p in prompt)


@pytest.mark.parametrize(
    "answer",
    [
        "2. A new singleton is fine until we have a designer, we can revisit later.",
        "1. Product hasn't decided whether to expose them.",
    ],
)
def test_how_good_the_picked_option_is_stays_unsure(answer: str) -> None:
    found = parse_statements(answer, channel="answer", before=QUESTION)
    assert all(p.strength is not Strength.EXPLICIT for p in found)


@pytest.mark.parametrize(
    "sentence",
    [
        "Staging runs on Fly.io, production is on AWS ECS behind an ALB.",
        "btw local s3 is minio from docker-compose, port 9000, bucket `labels-dev`.",
        "fyi the queue on staging and prod is the database driver, there's no redis on that hosting",
        "on my machine the binary is `godot4`, that's how the Arch package names it",
        "The backend is at http://127.0.0.1:3000 and uses JWT authentication.",
    ],
)
def test_how_the_places_the_project_runs_are_set_up_is_a_fact(sentence: str) -> None:
    assert list(standing(sentence).values()) == [ScopeLevel.PROJECT]


@pytest.mark.parametrize(
    "sentence",
    [
        "staging is down since the deploy this morning, the demo is at 3",
        "CI is red again.",
        "The tests are correct.",
        "the database schema is not empty",
        "prod was on heroku until last year",
        "The board is a rectangle composed of blank space characters.",
        "the server does not start any more, it says: Could not read package.json",
        "the backend doesn't start since the upgrade",
    ],
)
def test_what_such_a_place_is_doing_now_is_not(sentence: str) -> None:
    assert standing(sentence) == {}


@pytest.mark.parametrize(
    "sentence",
    [
        "every money column in the marts is in EUR, finance reconciles against EUR numbers",
        "While you're in scripts/: every script starts with `set -euo pipefail`.",
        "any number a designer might tune goes in a Resource",
        "Anything derived from a secret gets compared in constant time.",
        "everything has to go through InputMap actions since players can rebind",
        "All endpoints require a Bearer token in the Authorization header.",
    ],
)
def test_what_is_said_of_every_thing_of_a_kind_lasts(sentence: str) -> None:
    assert list(standing(sentence).values()) == [ScopeLevel.PROJECT]


@pytest.mark.parametrize(
    "sentence",
    [
        "All tasks are complete",
        "All files have been added to the staging area.",
        "Nothing is showing up when running the app",
        "Everything should be scaled the same.",
        "all the tests fail on CI again",
        "Each band has a position and a numeric value.",
    ],
)
def test_how_things_of_a_kind_stand_now_does_not(sentence: str) -> None:
    assert standing(sentence) == {}


@pytest.mark.parametrize(
    ("text", "statement"),
    [
        (
            "change: since yesterday we moved from goose to atlas for migrations.",
            "In this project: We moved from goose to atlas for migrations.",
        ),
        ("we switched from yarn to pnpm last week.", "In this project: Use `pnpm`, not `yarn`."),
        (
            "sail is gone, I moved to Herd last week, php 8.3 now.",
            "In this project: Sail is gone, I moved to Herd, php 8.3 now.",
        ),
        (
            "`just db-up` now starts Postgres 16 on localhost:5433.",
            "In this project: `just db-up` now starts Postgres 16 on localhost:5433.",
        ),
        ("there's no `tuist generate` anymore", "In this project: There's no `tuist generate` anymore."),
    ],
)
def test_a_change_to_the_setup_is_the_newest_word_on_it_without_its_date(text: str, statement: str) -> None:
    assert list(standing(text)) == [statement]


@pytest.mark.parametrize(
    "text",
    [
        "the error is gone now",
        "ok the flicker is gone, nice",
        "it's gone from the list now",
        "I switched to agent mode, please implement it now",
        "can you now run those in order, one at a time",
        "I moved the helper into utils.py, does that look right?",
    ],
)
def test_what_only_sounds_like_a_change_to_the_setup_is_not_one(text: str) -> None:
    assert standing(text) == {}


def test_a_move_from_one_tool_to_another_contradicts_the_old_choice() -> None:
    (moved,) = parse_statements("we switched from yarn to pnpm last week.")
    assert (moved.preferred, moved.rejected) == ("pnpm", "yarn")


@pytest.mark.parametrize(
    "sentence",
    ["btw if you pull a docker image: I'm on an M2 mac, so it needs an arm64 build.", "I work from WSL2 on Windows."],
)
def test_the_persons_own_machine_is_theirs_in_every_project(sentence: str) -> None:
    assert list(standing(sentence).values()) == [ScopeLevel.GLOBAL]


@pytest.mark.parametrize(
    ("text", "statement", "scope"),
    [
        ("Please use <NuxtImg> not <img>.", "In this project: Use `<NuxtImg>`, not `<img>`.", ScopeLevel.PROJECT),
        (
            "No push please. I push by myself after I look at the diff. In any repository, leave the push to me.",
            "Leave the push to me.",
            ScopeLevel.GLOBAL,
        ),
        (
            "Last week the team decided to stop the useApi composable.",
            "In this project: The team decided to stop the useApi composable.",
            ScopeLevel.PROJECT,
        ),
        (
            "But next time, when you are not sure, it is better to ask me before you write.",
            "In this project: Next time, when you are not sure, it is better to ask me before you write.",
            ScopeLevel.PROJECT,
        ),
        (
            "i use uv for everything, on every machine i own",
            "I use uv for everything.",
            ScopeLevel.GLOBAL,
        ),
    ],
)
def test_more_voices_say_what_lasts(text: str, statement: str, scope: ScopeLevel) -> None:
    assert standing(text).get(statement) is scope, standing(text)


@pytest.mark.parametrize(
    "text",
    [
        "we decided to go with option 2 for this page",
        "we agreed to stay out of that file until he has merged",
    ],
)
def test_a_decision_about_one_piece_of_the_work_is_not_the_projects(text: str) -> None:
    assert standing(text) == {}


def test_a_new_one_completes_the_rule_before_it() -> None:
    found = standing("and never edit a migration that's already merged to main, always make a new one")
    assert list(found) == [
        "In this project: Never edit a migration that's already merged to main, always make a new one."
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "We do not use the EF Core in-memory provider; it does not enforce constraints.",
        "Nothing that identifies the claimant may be written to the logs: no names, no IBANs.",
        "No code changes may go to main without review.",
        "Points in time are DateTimeOffset in UTC throughout, mapped to datetimeoffset columns.",
    ],
)
def test_what_the_team_never_does_and_what_holds_throughout(sentence: str) -> None:
    assert list(standing(sentence).values()) == [ScopeLevel.PROJECT]


@pytest.mark.parametrize(
    "sentence",
    [
        "No other files need changes.",
        "Nothing should be shown below the loading indicator after it loads.",
        "No line of the output text should be a static string.",
    ],
)
def test_what_none_of_a_kind_needs_now_is_not_a_rule(sentence: str) -> None:
    assert standing(sentence) == {}


def test_a_refusal_for_now_stays_in_the_session() -> None:
    found = parse_statements("Do not change the old ones now, Suzuki-san is migrating them.", channel="denial")
    assert all(p.strength is not Strength.EXPLICIT for p in found)


def test_a_preference_in_any_codebase_of_a_language_is_the_persons() -> None:
    found = standing("Two points of style, my preference in any C# codebase, not only ours: file-scoped namespaces.")
    assert list(found.values()) == [ScopeLevel.GLOBAL]


def test_a_tool_for_the_work_itself_lasts_but_not_for_a_thing_of_the_task() -> None:
    assert list(standing("use tanstack query for the fetching, no useEffect spaghetti").values()) == [
        ScopeLevel.PROJECT
    ]
    assert standing("use a skeleton for the loading state") == {}


def test_the_place_a_thing_is_not_in_stays_in_its_statement() -> None:
    said = wording.strip_asides("the raw FASTQ files are not in the repository at all; they sit on the lab NAS")
    assert "not in the repository at all" in said
    assert wording.strip_asides("Always use tabs in this repo.") == "Always use tabs."


def test_statements_say_i_in_capitals() -> None:
    (statement,) = standing("and in general stop writing me the big wrap-up after every change, i read the diffs.")
    assert statement == "Stop writing me the big wrap-up after every change, I read the diffs."


@pytest.mark.parametrize(
    ("text", "statement"),
    [
        (
            "we moved the whole project to KSP last week, so kapt's gone",
            "In this project: We moved the whole project to KSP, so kapt's gone.",
        ),
        ("MockK and Turbine, we binned Mockito a while back", "In this project: MockK and Turbine, we binned Mockito."),
        (
            "We're not on poetry any more, the monorepo moved to uv two weeks ago.",
            "In this project: We're not on poetry any more, the monorepo moved to uv.",
        ),
        ("controller must not call Repo, never.", "In this project: Controller must not call Repo, never."),
        (
            "Commit messages here start with the Jira key.",
            "In this project: Commit messages start with the Jira key.",
        ),
        (
            "every model, new or existing, carries unique and not_null on its primary key",
            "In this project: Every model, new or existing, carries unique and not_null on its primary key.",
        ),
    ],
)
def test_what_the_team_gave_up_and_what_holds_ever(text: str, statement: str) -> None:
    assert list(standing(text)) == [statement]


@pytest.mark.parametrize(
    "text",
    ["we dropped it", "I removed the debug line", "Nothing from it, the use case is that prices differ."],
)
def test_what_was_just_done_is_no_change_to_the_setup(text: str) -> None:
    assert standing(text) == {}


@pytest.mark.parametrize("text", ["Do not commit this one yet though, I want to show Tom.", "Don't push yet."])
def test_a_prohibition_yet_is_for_now(text: str) -> None:
    assert all(p.strength is Strength.ONE_OFF for p in parse_statements(text, channel="denial"))


def test_why_said_after_a_rule_is_never_a_lesson_of_its_own() -> None:
    found = parse_statements(
        "fwiw anything time-related goes into the db as UTC epoch millis and we convert at the UI layer. "
        "Learnt that one the hard way when the clocks went forward last March and half the streaks broke."
    )
    assert [p.strength for p in found] == [Strength.EXPLICIT]


@pytest.mark.parametrize(
    ("text", "strength"),
    [
        ("but before say done run mix credo --strict too", Strength.EXPLICIT),
        ("no no dont reset the database", Strength.EXPLICIT),
        ("from now test data is built with fixture functions in test/support/fixtures/", Strength.EXPLICIT),
        ("change of plan from the team: we are dropping ex_machina", Strength.EXPLICIT),
    ],
)
def test_a_second_language_says_it_too(text: str, strength: Strength) -> None:
    (found,) = parse_statements(text, channel="denial")
    assert found.strength is strength
    assert not found.statement.removeprefix("In this project: ").lower().startswith(("avoid no", "no no"))


def test_marking_the_pending_ones_done_is_the_task() -> None:
    text = "Before you mark the pending ones as done, do a last check that those tasks are complete."
    assert standing(text) == {}


@pytest.mark.parametrize(
    "text",
    [
        "you dont need to walk me thru every file you touched, i read the diff anyway.",
        "no need to explain line by line after, 2 or 3 lines is enough",
        "if i ask smth just answer",
        "when I put a question to you, you answer it first and wait before editing anything",
    ],
)
def test_how_to_reply_and_how_to_treat_questions_are_the_persons(text: str) -> None:
    assert list(standing(text).values()) == [ScopeLevel.GLOBAL]


def test_the_codebases_everywhere_with_no_exceptions_is_a_fact() -> None:
    found = standing("amounts are int64 cents everywhere, no floats ever, we got burned on rounding")
    assert list(found.values()) == [ScopeLevel.PROJECT]
    assert standing("the page looks broken everywhere") == {}
    assert standing("you don't need to explain the code to the client") == {}


@pytest.mark.parametrize(
    ("text", "channel", "scope"),
    [
        ("we're on mocktail here, no mockito.", "prompt", ScopeLevel.PROJECT),
        ("heads up, we're pinned to flutter 3.22 through fvm, so prefix with `fvm`.", "prompt", ScopeLevel.PROJECT),
        ("and in general a debug build should never ever talk to kestrel-prod", "prompt", ScopeLevel.PROJECT),
        ("nope, leave the commits to me pls. I always read the diff myself, any repo", "denial", ScopeLevel.GLOBAL),
    ],
)
def test_pinned_tools_general_prohibitions_and_delegations(text: str, channel: str, scope: ScopeLevel) -> None:
    found = [p for p in parse_statements(text, channel=channel) if p.strength is Strength.EXPLICIT]
    assert found and found[0].scope is scope
    assert not found[0].statement.removeprefix("In this project: ").lower().startswith("heads up")


@pytest.mark.parametrize(
    "text",
    [
        "In general, all characters from the input should also be present in the transposed output.",
        "Usually after dotnet run I can see the ports it is running on.",
        "By default I will see standard orders, with the switch I can access service orders.",
    ],
)
def test_a_frame_that_describes_makes_no_rule(text: str) -> None:
    assert standing(text) == {}


def test_everywhere_is_the_persons_only_when_they_speak_of_themselves() -> None:
    assert standing("I write British English everywhere.") == {"I write British English.": ScopeLevel.GLOBAL}
    assert standing("I use tabs everywhere, in all my code") == {"I use tabs.": ScopeLevel.GLOBAL}
    found = parse_statements("The age groups follow the protocol. The same bands everywhere, tables included.")
    assert all(p.scope is not ScopeLevel.GLOBAL for p in found)
    assert standing("I see this error everywhere") == {}


def test_a_question_answered_first_asked_at_length_is_the_persons() -> None:
    text = "Could I ask, as a general matter, that when I put a question to you, you answer it first."
    assert list(standing(text).values()) == [ScopeLevel.GLOBAL]
    said = "It applies to anything you write for me, not merely this package: British spelling, please — thanks"
    (statement,) = standing(said)
    assert ", —" not in statement


def test_full_width_punctuation_between_latin_words_reads_as_ascii() -> None:
    said = prose_sentences("money must be BigDecimal, in mysql decimal(12,2)。 double lose precision")
    assert said == ["money must be BigDecimal, in mysql decimal(12,2).", "double lose precision"]
    chinese = "我希望的是\uff0c这个网页的ui可以。"  # full-width comma between Chinese words stays
    assert prose_sentences(chinese) == [chinese]


@pytest.mark.parametrize(
    "text",
    [
        "we don't helm install anything.",
        "Nobody kubectl applies to prod by hand.",
        "unpaid order close in 15 min now, not 30 anymore.",
    ],
)
def test_what_nobody_here_does_and_what_holds_now_not_any_more(text: str) -> None:
    assert list(standing(text).values()) == [ScopeLevel.PROJECT]


@pytest.mark.parametrize("text", ["we don't know anything about it", "nobody uses this feature"])
def test_what_nobody_knows_or_uses_is_no_rule(text: str) -> None:
    assert standing(text) == {}


@pytest.mark.parametrize(
    ("text", "statement"),
    [
        # a task, then the rule after a dash: the rule alone is the lesson
        ("Remove that print — we log with structlog, never with print.", "We log with structlog, never with print."),
        ("drop the sleep — tests must never wait on the clock", "Tests must never wait on the clock."),
        # the reason, then the rule after ", so": the rule, because the reason
        (
            "Customers pay in zloty, so amounts must always be stored as integer grosze.",
            "Amounts must always be stored as integer grosze, because customers pay in zloty.",
        ),
    ],
)
def test_the_rule_a_task_or_a_reason_is_joined_to_in_one_sentence(text: str, statement: str) -> None:
    assert standing(text) == {f"In this project: {statement}": ScopeLevel.PROJECT}


@pytest.mark.parametrize(
    "text",
    [
        # how the person explains, in a part: no rule of its own
        "S0 should be zero — light is built up along the slab, not pre-existing.",
        "Take into account that the mouse can click outside the array, so no changes must be done in this case.",
    ],
)
def test_a_part_that_explains_or_speaks_of_the_case_at_hand_is_no_rule(text: str) -> None:
    assert standing(text) == {}


def test_a_sentence_never_ends_inside_a_code_span() -> None:
    said = "i'm on fish. give me `set -x` or `env X=.. cmd` from now on"
    assert prose_sentences(said) == ["i'm on fish.", "give me `set -x` or `env X=.. cmd` from now on"]


def test_a_lead_in_for_the_future_announces_a_rule() -> None:
    found = standing("So you know for the future: we deploy with Kamal to our own server.")
    assert found == {"In this project: We deploy with Kamal to our own server.": ScopeLevel.PROJECT}


@pytest.mark.parametrize(
    ("text", "statement"),
    [
        (
            "no black, no isort in this repo",
            "Avoid black and isort.",
        ),  # one thing ruled out, not "Avoid black, no isort"
        ("No .env files in this repo.", "Avoid .env files."),  # "no ." is not the filler "no."
        (
            "We use release-please for the changelog.",
            "We use release-please for the changelog.",
        ),  # a name, not "please"
    ],
)
def test_what_is_ruled_out_and_named_keeps_its_words(text: str, statement: str) -> None:
    assert standing(text) == {f"In this project: {statement}": ScopeLevel.PROJECT}


def test_a_reason_cut_to_fit_never_ends_inside_a_list() -> None:
    text = (
        "Never run `fly deploy` yourself. Releases, hotfixes or not, go through the release workflow after QA has "
        "signed off on staging, which is the only path."
    )
    (statement,) = standing(text)
    assert statement.endswith("after QA has signed off on staging.")


def test_my_own_projects_are_every_project_of_the_person() -> None:
    assert standing("Always write small commits, in my own projects too.") == {
        "Always write small commits.": ScopeLevel.GLOBAL
    }


def test_a_refusal_set_off_by_a_dash_is_no_part_of_the_lesson() -> None:
    found = parse_statements("Stop — no moment please. We use date-fns.", channel="interrupt")
    assert [p.statement for p in found][:1] == ["In this project: Avoid moment."]
    assert not any("—" in p.statement for p in parse_statements("Please don't — we're on the managed workflow."))


@pytest.mark.parametrize(
    "text",
    [
        "Use tabs. All my projects.",
        "tabs, not spaces. in all my repos, not just this one",
        "No emojis. In none of my projects.",
    ],
)
def test_a_sentence_that_is_only_the_persons_scope_makes_the_one_before_theirs_everywhere(text: str) -> None:
    assert list(standing(text).values()) == [ScopeLevel.GLOBAL]


def test_a_prohibition_keeps_its_verb_and_drops_what_says_nothing() -> None:
    assert not any("Avoid fetch" in p.statement for p in parse_statements("never fetch directly"))
    assert standing("no more withDefaults in new code") == {
        "In this project: Avoid withDefaults in new code.": ScopeLevel.PROJECT
    }


@pytest.mark.parametrize(
    ("text", "statement"),
    [
        ("Under no circumstances do we build SQL by concatenating input.", "Never build SQL by concatenating input."),
        ("Under no circumstances, push to main.", "Never push to main."),  # never "push to main"
        ("In no case should you edit the generated client.", "Never edit the generated client."),
    ],
)
def test_never_said_at_length_is_never(text: str, statement: str) -> None:
    assert standing(text) == {f"In this project: {statement}": ScopeLevel.PROJECT}


def test_not_just_this_one_is_a_scope_not_a_pointer_back() -> None:
    said = "i do all the git stuff myself, never commit or push for me, in any repo not just this one"
    assert standing(said) == {"Never commit or push for me.": ScopeLevel.GLOBAL}
