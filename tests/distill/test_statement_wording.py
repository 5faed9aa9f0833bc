"""Statements a reviewer accepts unchanged: each test is one class of defect seen on real sessions and rule
files (a word the person never said, a capital or backtick out of place, a cut mid-list, a question made a
statement), written here in sentences of its own."""

from __future__ import annotations

import pytest

from reverie.distill import phrasing, wording
from reverie.distill.statements import parse_statements


def worded(text: str) -> str:
    (parsed,) = parse_statements(text, explicit=True)
    return parsed.statement.removeprefix("In this project: ")


def directive(text: str) -> str | None:
    found = phrasing.directive(text)
    return found[0] if found else None


@pytest.mark.parametrize(
    ("text", "statement"),
    [
        # "prefer" says more than "use": the person's sentence is already the statement
        ("Prefer small pure functions over shared helpers.", "Prefer small pure functions over shared helpers."),
        ("we prefer tabs to spaces", "We prefer tabs to spaces."),
        # plain words are not code
        ("use guard clauses, not deep nesting", "Use guard clauses, not deep nesting."),
        ("no mocks only real services", "Avoid mocks; use only real services."),
        # tools and commands are
        ("use cargo nextest, not cargo test", "Use `cargo nextest`, not `cargo test`."),
        ("use yarn, not npm", "Use `yarn`, not `npm`."),
        ("don't use `OldClient` use NewClient", "Use `NewClient`, not `OldClient`."),
    ],
)
def test_a_choice_keeps_the_persons_verb_and_marks_only_code(text: str, statement: str) -> None:
    assert worded(text) == statement


def test_a_negated_verb_is_not_a_choice_between_two_things() -> None:
    (parsed,) = parse_statements("do not guess.", explicit=True)
    assert parsed.statement.endswith("Do not guess.")
    assert parsed.preferred is None and not parsed.key.startswith("use:")


def test_a_subject_moved_inside_the_sentence_loses_its_capital() -> None:
    statement = directive("The shared cache is append-only, don't delete entries from it.")
    assert statement == "Do not delete entries from the shared cache because it is append-only."


def test_a_pronoun_reads_as_the_nearest_thing_described() -> None:
    found = wording.phrase_directive("The build dir is shared, the lock file is local, never delete it by hand")
    assert found is not None
    assert found[1] == "Never delete the lock file by hand."
    assert found[0].endswith("never delete the lock file by hand because it is local.")


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Avoid calling `fetch()` in render.", "`fetch()`"),
        ("Never print with `echo ok` in hooks.", "`echo ok`"),
        ("Never run `make deploy` here without a tag.", "`make deploy`"),
    ],
)
def test_code_spans_stay_exactly_as_typed(text: str, kept: str) -> None:
    assert kept in worded(text)


def test_ok_that_says_what_is_allowed_is_kept() -> None:
    assert worded("It's OK to skip the changelog for typo fixes.") == "It's OK to skip the changelog for typo fixes."
    assert wording.strip_asides("ok, rebase onto main") == "rebase onto main"


def test_a_scope_word_naming_a_place_stays() -> None:
    assert "in the project root" in worded("Always run the linter in the project root before pushing.")


@pytest.mark.parametrize(
    ("text", "statement"),
    [
        ("**Releases**: Always tag from the main branch", "Always tag from the main branch."),
        ("**Keep diffs small.** Reviewers read every line, and big diffs hide bugs.", "Keep diffs small."),
        ("You **must** sign every commit", "Sign every commit."),
        ("Type Hints: Use type hints for all public functions", "Use type hints for all public functions."),
        # a label that is the object the instruction leaves out, but not one that announces
        ("**Dependencies**: Manage with uv.", "Manage dependencies with uv."),
        ("Secrets: Store in 1Password, never in the repo.", "Store secrets in 1Password, never in the repo."),
        ("**Important**: Run the migrations in a venv.", "Run the migrations in a venv."),
        ("Always import the engines from @__init__.py", "Always import the engines from @__init__.py."),
        ("Read [the style guide](docs/style.md) first.", "Read the style guide (`docs/style.md`) first."),
        ("Read [`docs/style.md`](docs/style.md) first.", "Read `docs/style.md` first."),
        # Codex writes a skill the person picked as a link to its SKILL.md: the skill's name is what they said
        ("Always run [$lint-fix](/home/me/.codex/skills/lint-fix/SKILL.md) first.", "Always run `$lint-fix` first."),
    ],
)
def test_markdown_decoration_is_not_part_of_the_statement(text: str, statement: str) -> None:
    assert worded(text) == statement


def test_a_chinese_sentence_ends_with_one_chinese_full_stop() -> None:
    assert wording.as_sentence("请保持类型提示。") == "请保持类型提示。"
    assert wording.as_sentence("确保支持 Type Hints。") == "确保支持 Type Hints。"


@pytest.mark.parametrize(
    ("text", "statement"),
    [
        ("https://example.com/docs is the API reference", "https://example.com/docs is the API reference."),
        ("userId is always a string", "userId is always a string."),
        ("end-to-end tests run nightly", "End-to-end tests run nightly."),
        ("update/add the docs with every change", "Update/add the docs with every change."),
    ],
)
def test_only_a_plain_first_word_is_capitalised(text: str, statement: str) -> None:
    assert wording.as_sentence(text) == statement


def test_a_sentence_ending_in_a_quotation_gets_no_second_stop() -> None:
    assert wording.as_sentence('End every reply with "Done."') == 'End every reply with "Done."'
    assert wording.as_sentence('"Run the tests before you push."') == "Run the tests before you push."


@pytest.mark.parametrize(
    ("text", "statement"),
    [
        ("I don't want to depend on global state", "Do not depend on global state."),
        (
            "We don't want to retry more than once, since one failure is enough.",
            "Do not retry more than once, since one failure is enough.",
        ),
        ("No need for banner comments", "Avoid banner comments."),
        ("no need to rebuild the image by hand", "Do not rebuild the image by hand."),
        ("YOU DO NOT push to main.", "Do not push to main."),
        ("We don't need a cache for the config loader.", "We don't need a cache for the config loader."),
    ],
)
def test_negatives_read_as_english(text: str, statement: str) -> None:
    assert directive(text) == statement


@pytest.mark.parametrize(
    ("text", "statement"),
    [
        ("ALWAYS rebase before merging", "Always rebase before merging."),
        ("Workers NEVER write to the SQL database directly", "Workers never write to the SQL database directly."),
        ("you MUST run ALL checks before a release", "Run all checks before a release."),
    ],
)
def test_shouted_words_are_written_in_lower_case_but_acronyms_stay(text: str, statement: str) -> None:
    assert directive(text) == statement


def test_words_offered_as_alternatives_are_not_paths_but_home_paths_and_lines_are() -> None:
    assert wording.code_paths("keep reads/writes/deletes in one module") == "keep reads/writes/deletes in one module"
    assert wording.code_paths("edit ~/.config/tool/settings.json, see lib/io.py:42.") == (
        "edit `~/.config/tool/settings.json`, see `lib/io.py:42`."
    )
    assert wording.code_paths("see docs/api/guides") == "see `docs/api/guides`"


@pytest.mark.parametrize(
    ("text", "statement"),
    [
        ("Can you always run the formatter before committing?", "Always run the formatter before committing."),
        ("For new endpoints, could you add an integration test?", "For new endpoints, add an integration test."),
        ("did you remember to update the changelog?", "Update the changelog."),
        ("Keep the public API stable, is that clear?", "Keep the public API stable."),
        ("Is the staging server down again?", None),
        ("you used the old client here, am i right?", None),
    ],
)
def test_a_question_becomes_the_request_it_makes_or_nothing(text: str, statement: str | None) -> None:
    assert directive(text) == statement


@pytest.mark.parametrize(
    "text",
    [
        "Run the migrations first. (But after that, you should restore the seed data).",
        "We should not use the ORM though... @db (10-20) I have no idea how this works here.",
        "The helper is not a good name. it is really a parser.",
    ],
)
def test_two_sentences_are_not_one_statement(text: str) -> None:
    assert directive(text) is None


def test_only_the_sentence_with_the_instruction_is_kept() -> None:
    statement = directive("We don't want the legacy flag anymore now that the migration is done. Remove it.")
    assert statement == "Avoid the legacy flag."


@pytest.mark.parametrize(
    ("text", "statement"),
    [
        # a list is not cut between its items: the sentence is cut before it, or not at all
        (
            "Fix correctness bugs before adding features: broken imports, failing integration tests, stale "
            "fixtures, flaky network mocks, and other defects found in the audit notes of the last release.",
            "Fix correctness bugs before adding features.",
        ),
        (
            "Regenerate the schema after changing the models, the serializers, the admin forms, or the "
            "migration helpers, as these changes leave the checked-in schema out of date for every client.",
            "Regenerate the schema after changing the models, the serializers, the admin forms, or the migration "
            "helpers.",
        ),
        # a participle adds to a whole clause: the cut goes before it
        (
            "Design notes for accepted proposals go to `notes/design/` as one markdown file per proposal, linked "
            "from the index page that the documentation site builds on every merge to main.",
            "Design notes for accepted proposals go to `notes/design/` as one markdown file per proposal.",
        ),
        # nor inside brackets or quotes, nor after a word that needs more
        (
            "Write the release notes for the people who use the library (both current and future, human and "
            "agent), and for its maintainers, rather than for whoever asked for the change in the first place.",
            "Write the release notes for the people who use the library (both current and future, human and "
            "agent), and for its maintainers.",
        ),
        (
            'Reply to every bot comment with "Thanks, fixed in the next commit, and the tests now cover this '
            'case as well" when the finding was right and you have pushed the change that addresses it.',
            None,
        ),
        (
            "Maybe name it the loader rather than the reader because, strictly speaking, it never parses "
            "anything and only hands the raw bytes over to whichever component asked for them in the first place.",
            None,
        ),
    ],
)
def test_a_long_sentence_is_cut_only_where_a_whole_sentence_is_left(text: str, statement: str | None) -> None:
    found = parse_statements(text, explicit=True)
    got = found[0].statement.removeprefix("In this project: ") if found else None
    assert got == statement


@pytest.mark.parametrize(
    ("text", "statement"),
    [
        ("--watch is on, so it reloads itself after every edit", "`--watch` is on, so it reloads itself"),
        ("#12 is the tracking issue for the migration", "#12 is the tracking issue for the migration."),
        ("## Always run the linter", "Always run the linter."),
        ("- never push to main", "Never push to main."),
        ("Yes please update the docs for the new deploy target", "Update the docs for the new deploy target."),
    ],
)
def test_a_flag_or_an_issue_number_is_not_markdown_and_an_assent_is_not_the_instruction(
    text: str, statement: str
) -> None:
    found = directive(phrasing.strip_lead(text)[0])
    assert found is not None and found.startswith(statement)


def test_a_list_of_words_is_not_a_filler_before_the_instruction() -> None:
    listed = "small, focused, reviewable pull requests"
    assert phrasing.strip_lead(listed)[0] == listed
    assert phrasing.strip_lead("Nah, never commit build output")[0] == "never commit build output"


@pytest.mark.parametrize(
    ("text", "statement"),
    [
        ("Note: Using the staging bucket instead of the prod one", "Use the staging bucket instead of the prod one."),
        ("Using the cache makes the tests flaky", "Using the cache makes the tests flaky."),
        ("(But keep the old endpoint until the clients move.)", "Keep the old endpoint until the clients move."),
        ("I don't want you to nest the handlers", "Do not nest the handlers."),
        ("2. Use pnpm for installs", "Use pnpm for installs."),
        ("(3) the worker polls every minute", "The worker polls every minute."),
        ("1.5 seconds is the timeout", "1.5 seconds is the timeout."),
    ],
)
def test_a_heading_style_gerund_brackets_and_list_numbers_are_not_the_statement(text: str, statement: str) -> None:
    assert directive(phrasing.strip_lead(text)[0]) == statement


@pytest.mark.parametrize(
    ("text", "statement"),
    [
        ("I don't want the legacy banner in there anymore", "Avoid the legacy banner."),
        ("I don't want any emojis in commit messages", "Avoid emojis in commit messages."),
        ("We don't use jQuery anymore.", "Do not use jQuery anymore."),
        ("I don't want you editing the lockfile by hand", "Avoid editing the lockfile by hand."),
        ("I don't want to see print statements in library code", "Avoid print statements in library code."),
    ],
)
def test_what_the_person_does_not_want_is_named_without_its_time_words(text: str, statement: str) -> None:
    assert worded(text) == statement


def test_a_cut_never_ends_on_a_frame_that_waits_for_what_follows() -> None:
    text = (
        "We agreed as a team yesterday to squash migrations before every release, so from now on, if a "
        "migration hasn't been part of a tagged release yet, edit it on your branch rather than stacking one."
    )
    (found,) = parse_statements(text)
    assert found.statement.endswith("before every release."), found.statement


def test_a_sentence_written_without_spaces_can_be_a_lesson_in_the_persons_words() -> None:
    # Chinese and Japanese put no space between words: their characters count, about two to a word
    (found,) = parse_statements("数据库迁移文件不要手动修改", explicit=True)
    assert (
        found.statement.endswith(": 数据库迁移文件不要手动修改。") or found.statement == "数据库迁移文件不要手动修改。"
    )
    assert parse_statements("好", explicit=True) == []  # one character is no lesson
