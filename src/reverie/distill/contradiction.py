"""When two lessons disagree, and which of them may replace the other.

Distill (``merge``) and the dream's contradictions pass read disagreement the same way:

* **One topic, different stances** ("package-manager:javascript": yarn / pnpm).
* **One recommends what the other advises against**, naming it whole ("npx jest --ci" against "use
  vitest, not `npx jest`"), unless the recommending lesson rests on runs of commands none of which is
  the one warned against: a fact read from `TEST_DATABASE_URL=... make test-integration` working is
  filed under `make test-integration`, and it confirms "use `TEST_DATABASE_URL=... make
  test-integration`, not `make test-integration`" rather than contradicting it.
* **A plain instruction says to do what the other advises against** ("Always single quotes" against
  "use double quotes, not single quotes"), when those words are what the instruction is about.
* **A choice and a fact answer one question differently.** "Use `go test`, not `make test`" also says
  how the tests run here (``question``); "run the tests with `gotestsum`" says otherwise. Without this
  the newer test command retired the older fact and left the older choice recommending it.

Which one wins is decided by the order of the evidence in time (``newest``) and its strength: the
newer wins when its evidence is at least as strong, or when it is observed behaviour that shows what
the older recommends failing here (disconfirmation).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from reverie.distill import commands
from reverie.distill.project_facts import role_topic, selected_tag
from reverie.distill.wording import content_stems
from reverie.domain.holds import HELD, held_since, newest, ran_something_else
from reverie.domain.lessons import Basis, Evidence, Lesson

__all__ = ["HELD", "held_since", "newest", "ran_something_else"]  # re-exported: merge and older callers read them here

BASIS_RANK = {Basis.USER_STATEMENT: 0, Basis.OBSERVED: 1, Basis.AGENT_CLAIM: 2, Basis.TOOL_TEXT: 3}


def contradicts(first: Lesson, second: Lesson) -> bool:
    """Same topic, different stance; or one recommends what the other advises against ("npx jest"
    is what "use vitest, not jest" advises against: one names the other whole), unless the one rests
    on runs of other commands than the one warned against; or one advises against what the other, a
    plain instruction ("Always single quotes"), says to do."""
    if first.topic and first.topic == second.topic and first.stance != second.stance:
        return True
    if same_thing(first.against, second.stance) and not ran_something_else(second, first.against):
        return True
    if same_thing(first.stance, second.against) and not ran_something_else(first, second.against):
        return True
    if _answer_differs(first, second) or _answer_differs(second, first):
        return True
    return says_to_do(first, second.against) or says_to_do(second, first.against)


def question(lesson: Lesson) -> str:
    """The project question a lesson answers, as a role fact's topic ("command:test": how are the tests
    run here?): a role fact's own topic, or the one a choice answers when the command it recommends
    has a role ("Use `go test`, not `make test`"); "" for anything else."""
    if lesson.topic.startswith("command:"):
        return lesson.topic
    if not lesson.topic.startswith("choice:") or not lesson.stance:
        return ""
    main = commands.main_segment(lesson.stance)
    sig = commands.signature(main)
    role = commands.role(sig) if sig else None
    if role is None:
        return ""
    tag = selected_tag(main)
    return role_topic(role, sig) + (f":tags={tag}" if tag else "")


def _answer_differs(fact: Lesson, choice: Lesson) -> bool:
    """A role fact and a choice recommending another command for that role. Only a fact against a
    choice: two choices that recommend different spellings of one run ("`pytest -x`", "`python -m
    pytest`") each fix their own failure, and one topic's facts already settle among themselves."""
    if not fact.topic.startswith("command:") or not choice.topic.startswith("choice:"):
        return False
    if question(choice) != fact.topic:
        return False
    recommended = commands.signature(commands.main_segment(choice.stance))
    return not (same_thing(fact.stance, choice.stance) or same_thing(fact.stance, recommended))


def says_to_do(lesson: Lesson, unwanted: str) -> bool:
    """A positive plain instruction (topic ``say:<its words>``) whose words include all of what
    another lesson advises against: "Always single quotes" against "use double quotes, not single
    quotes"."""
    if not unwanted or not lesson.topic.startswith("say:") or not lesson.stance.startswith("+"):
        return False
    said = lesson.topic.removeprefix("say:").split()
    phrase = unwanted.lower().split()
    if f" {' '.join(phrase)} " in f" {' '.join(said)} ":
        covered = len(phrase)
    else:
        words = set(content_stems(unwanted))
        covered = len(words) if words and words <= set(said) else 0
    # It must be what the instruction is about, not a word in passing: "use pnpm, not npm" says
    # nothing about "Always run npm audit before a release".
    return covered > 0 and 2 * covered >= len(said) and not _turned_down(lesson.statement, " ".join(phrase))


def restates(newer: Lesson, older: Lesson) -> bool:
    """One instruction in two wordings: a choice ("Use `4 spaces`, not `tabs`") and a plain
    instruction that turns down the same thing and names the same choice ("Quit putting `tabs`; 4
    spaces is what I want"). Not a contradiction, so both could stand; a newer choice replaces the
    older plain wording, which would otherwise stay active with nothing to retire it when the value
    changes later (a choice names what it turns down, so a later change supersedes it). A newer plain
    wording leaves an older choice in place: it says less. "Quit adding `grep -r`" and "Use `rg`, not
    `grep -r`" are not one instruction: the first does not say what to use."""
    choice, plain = newer, older
    if not choice.against or plain.against or not _refuses(plain, choice.against):
        return False
    stance = " ".join(choice.stance.lower().split())
    return bool(stance) and stance in plain.statement.lower().replace("`", "")


def _refuses(lesson: Lesson, phrase: str) -> bool:
    """A plain instruction that turns ``phrase`` down in so many words ("Quit putting `tabs`")."""
    if not lesson.topic.startswith("say:") or lesson.against:
        return False
    text = lesson.statement.lower().replace("`", "")
    wanted = " ".join(phrase.lower().split())
    return any(_REFUSED_BEFORE.search(text[: m.start()]) for m in re.finditer(re.escape(wanted), text))


# The statement parser gives some negative instructions a positive polarity ("Quit adding X", "X is
# gone; use Y", "X dies like that; use Y ..."): read the words around the phrase before taking the
# instruction as one that says to do it.
_REFUSED_BEFORE = re.compile(
    r"(?:\bnot|\bno|\bnever|\bavoid|\bstop|\bquit|\bdon'?t|\bdo not|\binstead of|\brather than)\W+(?:[\w-]+\W+)?$"
)
_FAILED_AFTER = re.compile(r"^\W*(?:is gone|is broken|dies|died|fails|failed|breaks|does ?n[o']t work|no longer)\b")
_NEGATION = re.compile(r"\b(?:not|no|never|avoid|stop|quit|don'?t|instead|rather|gone|fails?|dies|broken)\b")


def _turned_down(statement: str, phrase: str) -> bool:
    text = statement.lower().replace("`", "")
    spots = list(re.finditer(re.escape(phrase), text))
    if not spots:
        return bool(_NEGATION.search(text))
    return any(_REFUSED_BEFORE.search(text[: m.start()]) or _FAILED_AFTER.search(text[m.end() :]) for m in spots)


def same_thing(first: str, second: str) -> bool:
    if not first or not second:
        return False
    a, b = set(first.lower().split()), set(second.lower().split())
    return a <= b or b <= a


def can_supersede(newer: Lesson, older: Lesson) -> bool:
    """Evidence at least as strong may replace older evidence. Observed behaviour may also replace
    a person's statement when it shows what the statement recommends now fails here: that is
    disconfirmation, not an agent ignoring the person."""
    if strength(newer) <= strength(older):
        return True
    against = same_thing(newer.against, older.stance) or says_to_do(older, newer.against)
    disconfirmed = against and any(e.role == "failure" for e in newer.evidence)
    return disconfirmed and strength(newer) <= BASIS_RANK[Basis.OBSERVED]


def strength_of(evidence: Iterable[Evidence]) -> int:
    return min((BASIS_RANK[e.basis] for e in evidence), default=len(BASIS_RANK))


def strength(lesson: Lesson) -> int:
    return strength_of(lesson.evidence)
