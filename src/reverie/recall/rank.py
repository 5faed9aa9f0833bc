"""How much a lesson matters right now: relevance, trigger strength, confidence and recency.

``score = match x confidence x recency``, where

* **match** combines what the text and the trigger say, as a noisy-or (either alone can carry it;
  both together are stronger): ``match = 1 - (1 - relevance)(1 - trigger)``.
* **relevance** compares the prompt's terms with the lesson's: the cosine of their idf-weighted term
  sets, ``shared / sqrt(prompt mass x lesson mass)``, where a term's weight is the BM25 idf
  ``ln(1 + (N - df + 0.5) / (df + 0.5))``. FTS5's own BM25 finds and orders the candidates (and is
  reported), but its idf drops to zero for a term that half the lessons share, which in a store of five
  lessons is most terms; the ``1 +`` form stays positive at any size. Prompt words the index has never
  seen weigh as much as the rarest known term: a prompt mostly about something else is not relevant
  to a lesson because one common word is shared. Nor is a short one: without a trigger, a prompt must
  share two terms with a lesson (``MIN_SHARED_TERMS``).
* **trigger** is what the lesson's own trigger says about this moment. Before a tool call: 1.0 when a
  command prefix or a path glob matches the call, 0.6 when its keywords appear in a call of one of its
  tools; a lesson with commands or paths that do not match is not triggered by its keywords alone. In
  a prompt, a command or path it names counts 0.8, and a keyword, or what its tool is for
  (``intents``: "run the tests" for a lesson about ``pytest``), 0.4, read from the prompt's own
  words: "test" inside ``scripts/test/test_pusher.py`` names a file, not a wish to run the tests. A
  call that already does what the lesson says (its command starts with the lesson's chosen stance,
  ``pnpm`` for "use pnpm, not npm") does not trigger it: the agent needs no reminder to do what it is
  doing.
* **confidence** is the lesson's own, computed by distill from evidence.
* **recency** is gentle, ``0.75 + 0.25 x 0.5 ^ (age / 90 days)``: confidence already decays; here an
  old lesson only yields to a newer one of the same strength.

The session-start digest has no prompt, so its match is the lesson's ``digest_weight`` (kind, scope
and trigger shape; see ``reverie.recall.index``).
"""

from __future__ import annotations

from reverie import normal as terms  # the one normaliser (reverie.normal)
from reverie.recall import calls, intents, render
from reverie.recall.lookup import cosine

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

    from reverie.recall.lookup import IndexRow

RECENCY_HALF_LIFE_DAYS = 90.0
CALL_COMMAND_OR_PATH = 1.0
CALL_TOOL_KEYWORD = 0.6
PROMPT_COMMAND_OR_PATH = 0.8
PROMPT_KEYWORD = 0.4
MIN_SHARED_TERMS = 2  # a prompt's text alone (no trigger) matches a lesson on two terms or more


class Hit:
    """One candidate lesson and every number that decided whether it is shown."""

    __slots__ = ("base", "decision", "matched", "relevance", "row", "score", "tokens", "trigger", "trigger_reason")

    def __init__(self, row: IndexRow) -> None:
        self.row = row
        self.relevance = 0.0
        self.matched: list[str] = []
        self.base: float | None = None  # a digest's match: the lesson's digest weight
        self.trigger = 0.0
        self.trigger_reason = ""
        self.score = 0.0
        self.decision = ""
        self.tokens = 0

    @property
    def match(self) -> float:
        return self.base if self.base is not None else 1 - (1 - self.relevance) * (1 - self.trigger)

    def rate(self, now: float, base: float | None = None) -> float:
        """``score``, from ``match`` (or ``base`` for a digest), confidence and recency."""
        self.base = base
        self.score = self.match * self.row.confidence * recency(self.row.newest, now)
        return self.score


def recency(newest: float, now: float) -> float:
    if newest <= 0:
        return 1.0  # no date known: no penalty
    age_days = max(0.0, now - newest) / 86_400
    return 0.75 + 0.25 * float(0.5 ** (age_days / RECENCY_HALF_LIFE_DAYS))


def relevance(
    query: Sequence[str],
    row: IndexRow,
    known: dict[str, float],
    unseen: float,
    weighted: tuple[dict[str, float], float] | None = None,
) -> tuple[float, list[str]]:
    """(cosine of idf-weighted term sets, the shared terms). ``known`` holds the idf of query terms
    that some lesson has (``RecallIndex.weights``); any other term weighs ``unseen``. ``weighted``:
    ``weigh(query, known, unseen)``, computed once for every candidate of one query."""
    weights, query_mass = weighted or weigh(query, known, unseen)
    lesson_terms = set(row.terms)
    shared = [term for term in query if term in lesson_terms]
    return cosine(sum(weights[term] for term in shared), query_mass, row.mass), shared


def weigh(query: Sequence[str], known: dict[str, float], unseen: float) -> tuple[dict[str, float], float]:
    """Each query term's weight, and their sum (the query's mass)."""
    weights = {term: known.get(term, unseen) for term in query}
    return weights, sum(weights.values())


FOLLOWS = "the call already follows it"


def call_trigger(row: IndexRow, call: calls.CallInPlay) -> tuple[float, str]:
    """How strongly the lesson's trigger fires for this exact call, and why."""
    project_command = role_fact_command(row)
    if project_command and _another_part(row, project_command, call):
        return 0.0, "one of the two runs only a part of the tests"
    follows = _follows(row, call)
    if follows:
        return 0.0, f"{FOLLOWS} (`{follows}`)"
    if project_command:
        return _role_fact_trigger(row, call, project_command)
    if row.commands or row.paths:
        in_play = {prefix for command in call.commands for prefix in calls.prefixes(command)}
        wanted = next((prefix for prefix in row.commands if prefix in in_play), None)
        if wanted and row.kind == "fact" and row.stance and not any(intents.installs(c) for c in call.commands):
            return 0.0, "the call installs nothing"  # "the package manager is `pnpm`" is about installing
        if wanted:
            return CALL_COMMAND_OR_PATH, f"the command starts with `{wanted}`"
        glob = calls.any_glob_matches(row.paths, call.paths)
        if glob:
            return CALL_COMMAND_OR_PATH, f"a path in the call matches {glob}"
        return 0.0, "its commands and paths do not match the call"
    tools = {tool.lower() for tool in row.tools}
    if row.keywords and (not tools or call.tool.lower() in tools):
        keyword = _keyword_in(row.keywords, set(call.words))
        if keyword:
            return CALL_TOOL_KEYWORD, f"keyword '{keyword}' in a {call.tool} call"
    return 0.0, "no trigger matches the call"


def role_fact_command(row: IndexRow) -> str:
    """For a lesson about how the project does one of its chores, the command it names; else "". Either a
    fact whose keyword is a role, as distill files "run the tests with `nox -s tests`", or a rule the person
    said the same way, with one command that does a chore ("Install dependencies with `pnpm install
    --frozen-lockfile`")."""
    spans = row.statement.split("`")
    command = spans[-2] if len(spans) >= 3 else ""
    if row.kind == "fact" and not row.commands and not row.paths and set(row.keywords) & ROLES:
        return command
    said = row.kind == "rule" and len(spans) == 3 and f" with `{command}`" in row.statement and not row.paths
    return command if said and chores(command.split()) else ""


def chores(command: list[str]) -> list[str]:
    """The project chores a simple command does: its roles (``intents.roles_of``), and installing."""
    return [*intents.roles_of(command), *(["install"] if intents.installs(command) else [])]


CHECKS = frozenset({"test", "lint", "typecheck", "format"})  # what "run the checks with `X`" may run
ROLES = frozenset({*intents.ROLE_OF_INTENT.values(), "check"})


def _role_fact_trigger(row: IndexRow, call: calls.CallInPlay, command: str) -> tuple[float, str]:
    """A call that does the fact's chore another way (``uv run pytest`` where the tests run with `nox -s
    tests`) triggers it as strongly as a named command: it is about to do what the fact corrects."""
    if _runs(command, call.tokens):
        return 0.0, f"{FOLLOWS} (`{command}`)"
    roles = {role for words in call.commands for role in chores(words)}
    if "check" in row.keywords and roles & CHECKS:
        roles.add("check")
    about = [*row.keywords, *chores(command.split())]  # a rule names its chore by its command
    role = next((chore for chore in about if chore in roles), None)
    if role is None:
        return 0.0, "the call does not do what the fact is about"
    program = command.split(maxsplit=1)[0]
    if role == "install" and any(words[:1] == [program] for words in call.commands):
        return 0.0, f"the call installs with `{program}` too"  # `pnpm add x` where installs are `pnpm install`
    return CALL_COMMAND_OR_PATH, f"the call does '{role}' another way than `{command}`"


_TAGGED = " tagged `"  # how distill words a fact about the tests of a build tag
_SUITE = frozenset({"test", "tests"})
_TARGET_RUNNERS = frozenset({"make", "just", "task", "run", "yarn", "pnpm", "bun", "rake", "mix", "mage"})


def _another_part(row: IndexRow, command: str, call: calls.CallInPlay) -> bool:
    """A run of one part of the suite answers its own question (distill's ``project_facts.selected_tag``):
    "run the tests tagged `integration` with `go test`" or `make test-integration` says nothing of `go test
    ./...` (which does not "follow" it either), nor "run the tests with `gotestsum`" of them."""
    return (_TAGGED in row.statement or runs_a_part(command.split())) != runs_a_part(call.tokens)


def runs_a_part(words: Sequence[str]) -> bool:
    """The run selects one part of the tests: a build tag (`go test -tags=integration`) or a target named
    for a part (`make test-integration`, `npm run test:e2e`, `just e2e-test`)."""
    for before, word in zip(["", *words], words, strict=False):
        if word.startswith(("-tags=", "--tags=")):
            return True
        if before not in _TARGET_RUNNERS:
            continue  # "pytest -k test_login" names a test, not a part
        for mark in "-_:":
            head, found, tail = word.partition(mark)
            if found and ((head in _SUITE and tail.isalnum()) or (tail in _SUITE and head.isalnum())):
                return True
    return False


def settle_role_facts(hits: Sequence[Hit]) -> None:
    """The project's facts about its chores correct a call only when exactly one of them would: a call
    that follows one of them (`go test -tags=integration` in a project that also runs `gotestsum`) is
    the project's own way, and two facts that would both correct it say the project does this chore
    more than one way."""
    facts = [hit for hit in hits if role_fact_command(hit.row)]
    followed = any(hit.trigger_reason.startswith(FOLLOWS) for hit in facts)
    firing = [hit for hit in facts if hit.trigger]
    if followed or len(firing) > 1:
        for hit in firing:
            hit.trigger, hit.trigger_reason = 0.0, "the project does this more than one way"


class Prompt:
    """A prompt's words, as every candidate's trigger reads them: worked out once per prompt."""

    __slots__ = ("paths", "terms", "text", "words")

    def __init__(self, words: Sequence[str], query: set[str]) -> None:
        self.words = words
        self.text = " " + " ".join(words) + " "
        self.paths = [word for word in words if "/" in word or "." in word.strip(".")]
        # Keywords and intents are read from the prose: a path, file name or URL names a thing.
        prose = " ".join(word for word in words if word not in self.paths and "\\" not in word)
        self.terms = query & set(terms.terms(prose))


def prompt_trigger(row: IndexRow, prompt: Prompt) -> tuple[float, str]:
    """How strongly a prompt that names a command, path or keyword of the lesson triggers it."""
    text, prompt_terms = prompt.text, prompt.terms
    wanted = next((prefix for prefix in row.commands if f" {prefix} " in text), None)
    if wanted:
        return PROMPT_COMMAND_OR_PATH, f"the prompt names `{wanted}`"
    glob = calls.any_glob_matches(row.paths, prompt.paths) if row.paths else None
    if glob:
        return PROMPT_COMMAND_OR_PATH, f"the prompt names a path matching {glob}"
    keyword = _keyword_in(row.keywords, prompt_terms)
    if keyword:
        return PROMPT_KEYWORD, f"the prompt mentions '{keyword}'"
    intent = next((term for term in intents.intent_terms(row.commands, row.statement) if term in prompt_terms), None)
    if intent:
        return PROMPT_KEYWORD, f"the prompt asks for '{intent}', which the lesson's tool is for"
    entered = situation(row.statement)
    if entered and all(term in prompt_terms for term in entered):
        return PROMPT_KEYWORD, f"the prompt enters its situation ({', '.join(entered)})"
    return 0.0, ""


_SITUATION_OPENERS = frozenset({"when", "whenever", "before", "after", "if", "once"})


def situation(statement: str) -> list[str]:
    """The terms of the condition a lesson opens with ("When fixing a bug, write a failing test first":
    fix, bug); none when it opens with none."""
    text = render.statement_text(statement)
    clause, comma, _ = text.partition(",")
    words = clause.lower().split()
    if not comma or not words:
        return []
    skip = 2 if words[:2] in (["each", "time"], ["every", "time"]) else int(words[0] in _SITUATION_OPENERS)
    return terms.terms(" ".join(words[skip:])) if skip else []


def prompt_keys(prompt_words: Sequence[str]) -> list[str]:
    """Trigger keys a prompt may hit: commands of up to four words, path segments. (Keywords are among a
    lesson's index terms, so the text search finds lessons whose keywords the prompt mentions.)"""
    keys: list[str] = []
    for start in range(len(prompt_words)):
        for size in range(1, calls.MAX_PREFIX_WORDS + 1):
            if start + size <= len(prompt_words):
                keys.append("c:" + " ".join(prompt_words[start : start + size]))
    for word in prompt_words:
        if "/" in word or "." in word.strip("."):
            keys.extend(key for key in calls.path_keys(word) if key != "p:*")
    return list(dict.fromkeys(keys))


def _keyword_in(keywords: Sequence[str], words: set[str]) -> str | None:
    for keyword in keywords:
        needed = terms.terms(keyword)
        if needed and all(term in words for term in needed):
            return keyword
    return None


def _follows(row: IndexRow, call: calls.CallInPlay) -> str | None:
    """The advice the call already takes: the stance (``pnpm`` in ``pnpm test`` for "use pnpm, not
    npm"; the index keeps a stance only when it reads as a command prefix), or the command a lesson
    about a failing one recommends (``git push --set-upstream origin <branch>`` for "`git push` fails
    here ...; use `git push --set-upstream origin <branch>` instead")."""
    if not call.commands:
        return None
    if row.stance and any(row.stance in calls.prefixes(command) for command in call.commands):
        return row.stance
    advised = advised_command(row.statement)
    return advised if advised and _runs(advised, call.tokens) else None


_ADVISED = ("; use `", "` instead"), ("; `", "` worked instead")


def advised_command(statement: str) -> str:
    """The command a lesson about a failing command recommends in its place, as distill words it
    ("...; use `Y` instead", "...; `Y` worked instead"); "" when it names none."""
    for opening, closing in _ADVISED:
        start = statement.find(opening)
        end = statement.find(closing, start + len(opening)) if start >= 0 else -1
        if end > start >= 0:
            return statement[start + len(opening) : end]
    return ""


def _runs(advised: str, tokens: Sequence[str]) -> bool:
    """Whether a shell line's words include every word of ``advised``: a ``<placeholder>`` stands for
    any value, and ``NAME=<value>`` for any assignment to ``NAME``."""
    written = set(tokens)
    for word in advised.split():
        if word.startswith("<") and word.endswith(">"):
            continue
        name, equals, value = word.partition("=")
        if equals and value.startswith("<"):
            if not any(token.startswith(name + "=") for token in written):
                return False
        elif word not in written:
            return False
    return True
