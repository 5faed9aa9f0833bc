"""Where grammar says plainly how long an instruction lasts, it decides; the model reads the rest.

The examples the issue measured as lost (plain imperatives, "from now on" mid-sentence, "until" inside
a standing rule), with the shipped model, through the same ``parse_statements`` distill uses."""

from __future__ import annotations

import pytest

from reverie.distill.lasting import Duration, duration
from reverie.distill.statements import Strength, parse_statements
from reverie.domain.lessons import ScopeLevel


@pytest.mark.parametrize(
    "sentence",
    [
        "Use ruff for linting.",
        "Please run mix format before every commit.",
        "the default branch is master, not main",
        "Always wait until CI is green before merging.",
        "Never commit directly to main.",
        "run the tests with make check from now on",
        "We use pytest here, not unittest.",
        "Don't touch the generated files in src/gen/.",
        "Please use python3, not python, in this repo.",
        "Remember that the staging DB is on port 5433.",
        "In this repo, quit adding `git push --force`.",
        "Tests go in tests/unit, not next to the code.",
        "also fyi we use uv for dependencies here, not pip",
        "When fixing a bug, first write a failing test that covers it.",
        "If you add a new endpoint, add a test for it too.",
        "We always squash commits before merging.",
        "You must never push straight to main.",
        "Each migration should be reversible.",
        "There should be no print statements in library code.",
        "Next time, if a task is already defined, tell me instead of redoing it.",
        "Going forward, verify the build before saying a change is done.",
        "Always pass `encoding=` to `open()` in text mode.",
        "Prefer composition over inheritance.",
        "Use CSS modules for component styling.",
        "Tests should live in tests/unit.",
        "Run the linter before committing.",
        "We use pnpm.",
        "don't use npm here, use pnpm",  # the feedback of a refused tool call
        "no, we use pnpm in this repo",
        "wait, always run the linter first",  # after an interrupt
        "actually, use yarn in this project",
        "Oh, and never commit .env files",
        # an obligation on a kind named by a longer subject, or by a passive
        "Commit messages should follow the conventional commits format.",
        "All new modules need a test file.",
        "Type annotations are required on public functions.",
        "Integration tests must not call the real payment API.",
        "All database writes go through the repository layer.",
        # a statement under a scope frame; the team's way of doing a kind of work, with its contrast
        "In this repo, fixtures live in tests/fixtures.",
        "We deploy with Docker, not Heroku.",
        "Secrets live in the vault, never in the repo.",
        "Use uv, never pip.",
        "Stop using print for debugging, use the logger.",
        # a kind of place or manner, a kind named by a bare plural, a limit on a kind
        "Don't mock the network in tests.",
        "No emojis in commit messages.",
        "Name test functions in snake case.",
        "Avoid global variables.",
        "Don't add dependencies without asking first.",
        "Keep functions under 40 lines.",
        "Keep PRs small and focused.",
        "Keep one assertion per test.",
        "Keep the changelog updated with every release.",
        "Our timestamps are always UTC.",
        "Put new hooks in src/hooks.",
        "Run the tests with `just test`.",
        "The API server runs on port 8080.",
        # a generic sentence about a kind, in the present simple of a convention
        "Branch names follow the pattern fix/<issue>.",
        "Feature flags are managed in Unleash.",
        "Environment settings come from the .env file.",
        "Every job has to be idempotent.",
        "Module names are snake_case.",
        "Timestamps are returned as ISO 8601 strings.",
        "Format stylesheets with prettier.",
        "Icons come from the design kit, never ad-hoc SVGs.",
        # the person's or the team's refusal
        "We don't use semicolons in this codebase.",
        "I don't want emojis in commit messages.",
        "I don't like long functions.",
        "We squash commits before merging into trunk.",
        "We treat compiler warnings as errors.",
        "Keep the changelog under 500 lines.",
        "don't print secrets anywhere",
        "the signing key comes from SIGNING_KEY, never hardcode it",
        "run the linter before you say a task is done",
        "Keep one fixture file per model.",
        "Unit tests live next to the code they test.",
        # the way rule files say them (corpus/rules), as people paste them into a prompt
        "Use **uv** (not pip/pipx/poetry).",
        "Use end-to-end tests (not mocks)",
        "Use zod for all data validation.",
        "Do not add Claude attribution to commit messages.",
        "If uncertain, ask.",
        "**NEVER** merge a PR marked as draft.",
        "Async testing: use anyio, not asyncio",
        "IMPORTANT: Tests should be fast and deterministic.",
        "Use `[SerializeField]` for serialized fields",
        "Don't remove pre-existing dead code unless asked.",
        "don\u2019t ever commit to main",  # a phone's apostrophe
        "__Always__ run the linter before committing.",
        "no test scripts ever, i will test by recrawling",
        "Instead of strings in many places, for the engine names use constants defined in `names.py`.",
        "For the branch naming prefer to use /feature/000-feature-name.",
        "After each device is added, update the changelog and commit as you go.",
        "Keep the changelog updated with every user-facing change.",
        # an obligation on the agent, with a step of the work that recurs by its own words
        "Every time you modify the file, you have to run task build.",
        "Whenever you touch the schema, you must regenerate the client.",
        "You have to run task build after every change.",
        "You always have to run the formatter.",
        "Don't use npm, just use pnpm.",
        "Use uv for dependency management.",
        # a named tool for a chore, and hard-coding refused
        "use 'uvx coverage' to run coverage, it will handle dependencies for you",
        "Use `astro check` to run type checking and diagnostics.",
        "No hardcoded paths.",
        "Please don't hard code the API base URL.",
        "Update the status file every 2 hours.",
        "Append each prompt to prompt_history.md for every prompt I give you.",
        # a rule in bold with its explanation after it, as rule files and long prompts write them
        "**Always run `flint` before committing.** Do not use `tsc --noEmit` separately.",
        # what the team must not do, whatever the verb; only one way, never the other; a kind bound by "must"
        "we must not send customer emails to the error tracker",
        "We can't have any card numbers in the logs.",
        "Only alembic upgrade here, never downgrade or stamp.",
        "E2E tests must seed their own fixtures through the seed endpoint.",
        "Migrations have to be reversible.",
        # before or after every one of a kind, then any verb; a condition that ends where the person turns to you
        "Before any refactor, lay out the plan first.",
        "After every change to the API, regenerate the client.",
        "Whenever you touch the schema I want you to ask me first.",
        # one of the project's tools with "here" as its place
        "Use yarn here, npm breaks the workspaces.",
        # the oldest version the project supports
        "Android 8 is the oldest version we support.",
        "The minimum supported Node version is 18.",
        # where every one of a kind is kept
        "Keep every database call inside the repository layer.",
        # a named place kept out of reach, after an interjection set off by a dash
        "wait - leave legacy-vmware alone.",
        "stay off prod-eks, argo syncs it from the gitops repo",
        # how things are, with the wish that they stay so; what the project has already, to use
        "There are no global variables here, and I want to keep it that way.",
        "We already have a logger in utils/log.ts, use it.",
        "Config lives in config/settings.py.",  # where a thing of the project lives, by its path
    ],
)
def test_standing_instructions_said_plainly_are_active_at_once(sentence: str) -> None:
    (parsed,) = parse_statements(sentence)
    assert parsed.strength is Strength.EXPLICIT and parsed.scope is ScopeLevel.PROJECT
    assert "\n" not in parsed.statement and parsed.statement.endswith(".")


@pytest.mark.parametrize(
    "sentence",
    [
        "Fix the login bug in auth.py",
        "Can you add a test for the parser?",
        "You need to fix the login bug.",
        "remove temp_docs if not needed in the repo",  # work done once, wherever it is done
        "please tell me which buttons are already assigned within this project",
        "Whenever I click save, the login pop-up should appear.",  # how the product behaves
        "you should be fine now",
        "never mind, it works",
        "Use a dict here instead of a list.",
        "Also remove the -o option and always write to prompt_history.md.",
        "Don't do that",
        "I never said that",
        "since we are using the same Lichess APi there should not be that much disagreement.",
        "It is a bug, not a feature.",
        "Before implementing, let's come up with a good prompt.",
        "If it fails, run it again.",
        "When you're done, commit the change.",
        "When you add the button, make it blue.",
        "we always end up fixing this by hand",
        "Make this as a rule.",
        "The key is for this to feel natural, not forced.",
        "Write a concise plan for creating jest tests for this repo.",
        "Don't forget @__init__.py",
        "Things should work now.",
        "Make sure to run the tests before pushing this.",
        "Add a GitHub Actions workflow that runs the linter on every push.",
        "Use it as context for everything going forward.",
        "Run the linter on every file.",
        "Create a key decisions section that captures the decision to use Railway instead of other options.",
        "Don't use it, use the other one.",
        "no tests for this one",
        "so we need a parser",
        "Don't render the legend if the chart is empty.",
        "Do not change the tests.",
        "Don't add comments to this file.",
        "In this repo, the build is broken.",
        "For each file in src, add a license header.",
        "Both handlers should return JSON.",
        "Since random numbers are generated by a seed, they repeat.",
        "I don't want any more tests in this PR.",
        "Rename every old import in tests and notebooks.",  # a change to make, wherever it is made
        "Refactor the lookup to use `dict.get` instead of the linear loop.",
        "Let's update the Dockerfile to use npm install instead of npm ci.",
        "But these are in the old module, not part of this task.",
        "We deploy the hotfix tomorrow.",
        "rename Foo to Bar everywhere in this file",
        "I can't find the config anywhere.",
        "I don't know why it fails in this repo.",
        "I would like you to build some tests for undo.layers.",
        "Split main.dart into multiple files.",
        "Before you push, check it.",
        "After you deploy, check the logs.",
        "Do not wire into `useSearch` or UI yet unless needed.",
        "use flexbox for all the cards",
        "FixFix the import: transfer_matrix comes from coeffs, not integrate.",  # a task, not a labelled rule
        "Use a spinner for the loading states",
        "Never mind settings view is working.",
        "For this function prefer a loop.",
        "Before committing, add tests for the timeout and malformed response cases.",
        "No fixes available (4 hidden fixes can be enabled with the `--unsafe-fixes` option).",  # ruff's report
        "TODO: add everywhere the `--plain` option that controls the output.",
        "Keep the old endpoint until the mobile app is updated.",
        "Use the script to run the migration.",  # a thing of the task, not a named tool
        "Just hardcode the value for now.",
        "review the code in all files and refactor them if necessary",
        "the error is gone, but the blocks with the new template are empty",  # how the work at hand goes
        "we must not forget to bump the version",  # a reminder of the task
        "We may not want to make extra calls to the API.",  # perhaps, not forbidden
        "Users must log in before they see the dashboard.",  # how the product behaves
        "For each car, store the make and the model.",  # how the task is done for each of its things
        "before each of these steps, check the logs",  # the steps at hand
        "When accessing the public page, error occurs.",  # a report, not an instruction
        "Use a dict here.",  # a place in the code
        "Version 2 is the minimum we need for this fix.",  # what the task needs
        "keep all the changes in one commit",  # the changes at hand
        "leave it alone",  # the thing at hand
        "the bug lives in src/parser.py",  # a trouble found now
    ],
)
def test_tasks_remarks_and_program_behaviour_are_not_standing(sentence: str) -> None:
    assert duration(sentence) is not Duration.STANDING
    assert all(parsed.strength is not Strength.EXPLICIT for parsed in parse_statements(sentence))


def test_a_condition_stays_with_its_instruction() -> None:
    (parsed,) = parse_statements("When working with the AI SDK, always use the AI SDK skill.")
    assert parsed.strength is Strength.EXPLICIT
    assert parsed.statement.endswith("When working with the AI SDK, always use the AI SDK skill.")


@pytest.mark.parametrize(
    "sentence",
    [
        "For now just skip the flaky test.",
        "For now, use npm instead of pnpm.",
        # a prohibition on acting with only looking asked instead: the mode of the task at hand
        "Don't change any code, just explain why the build fails.",
        "do not run the migration, only check what it would do",
    ],
)
def test_bounded_instructions_last_the_session(sentence: str) -> None:
    (parsed,) = parse_statements(sentence)
    assert parsed.strength is Strength.ONE_OFF and parsed.scope is ScopeLevel.SESSION


def test_the_person_everywhere_is_global() -> None:
    (parsed,) = parse_statements("In all my projects I want type hints everywhere.")
    assert parsed.strength is Strength.EXPLICIT and parsed.scope is ScopeLevel.GLOBAL


def test_statements_drop_what_the_duration_already_says() -> None:
    (parsed,) = parse_statements("run the tests with make check from now on")
    assert parsed.statement == "In this project: Run the tests with make check."
    (fact,) = parse_statements("Remember that the staging DB is on port 5433.")
    assert fact.statement == "In this project: The staging DB is on port 5433."
    (choice,) = parse_statements("Please use python3, not python, in this repo.")
    assert choice.statement == "In this project: Use `python3`, not `python`."


def test_a_rule_amid_a_pasted_specification_waits_for_the_model() -> None:
    specification = "\n".join(f"Step {n}: render section {n} of the report." for n in range(1, 31))
    (short,) = [p for p in parse_statements("Never commit to main.") if "commit" in p.statement]
    long = [p for p in parse_statements(f"{specification}\nNever commit to main.") if "commit" in p.statement]
    assert short.strength is Strength.EXPLICIT
    assert all(parsed.strength is not Strength.EXPLICIT for parsed in long)


def test_a_choice_keeps_its_rejected_half() -> None:
    (parsed,) = parse_statements("Use alembic for schema changes, never raw SQL scripts.")
    assert "alembic" in parsed.statement and "SQL" in parsed.statement


@pytest.mark.parametrize(
    "sentence", ["Run the tests with pypy3 rather than python3.", "run the tests with pypy3 instead of python3"]
)
def test_the_instrument_of_a_kind_of_work_is_the_choice(sentence: str) -> None:
    """What is chosen is what the work is done with, not the work ("Use `tests`, not `python3`" was read)."""
    (parsed,) = parse_statements(sentence)
    assert parsed.strength is Strength.EXPLICIT and (parsed.preferred, parsed.rejected) == ("pypy3", "python3")


def test_the_teams_everywhere_is_the_project() -> None:
    (parsed,) = parse_statements("We use cursor pagination everywhere, not offsets.")
    assert parsed.strength is Strength.EXPLICIT and parsed.scope is ScopeLevel.PROJECT


def test_installing_globally_is_the_kind_of_install_not_every_project() -> None:
    (parsed,) = parse_statements("Don't install packages globally.")
    assert parsed.scope is ScopeLevel.PROJECT and "globally" in parsed.statement


def test_the_items_of_a_list_announced_as_rules_are_rules() -> None:
    text = "A few conventions for this repo:\n- use yarn\n- fixtures go in tests/fixtures\n\nNow fix the login bug."
    found = {parsed.statement: parsed.strength for parsed in parse_statements(text)}
    assert found == {
        "In this project: Use yarn.": Strength.EXPLICIT,
        "In this project: Fixtures go in tests/fixtures.": Strength.EXPLICIT,
    }


def test_the_items_of_a_plan_are_not_rules() -> None:
    text = "Here is the plan:\n- use yarn\n- add the endpoint"
    assert all(parsed.strength is not Strength.EXPLICIT for parsed in parse_statements(text))


def test_everywhere_in_the_thing_at_hand_is_not_every_project() -> None:
    found = parse_statements("rename Foo to Bar everywhere in this file")
    assert all(parsed.scope is not ScopeLevel.GLOBAL for parsed in found)
