"""Flip-flops across dreams on a hand-built sequence of dreams whose answer is known."""

from __future__ import annotations

from reverie.domain.lessons import LessonStatus
from reverie.evals import truth as t
from reverie.evals.baselines import dream_states
from reverie.evals.matching import Classifier
from reverie.evals.metrics import DreamtLessons, FlipFlops, Rate, Scorer
from reverie.evals.report import cell
from tests.dream.factory import choice, make
from tests.evals.builders import DAY, lesson


def three_dreams() -> FlipFlops:
    tally = FlipFlops()
    # dream 1
    tally.record(
        {"lesson:L1": "active", "lesson:L2": "active", "lesson:L3": "active", "topic:app:pm": "yarn", "topic:x:i": "a"},
        {"lesson:L1": "retired", "lesson:L2": "retired", "lesson:L3": "active", "topic:app:pm": "pnpm"}
        | {"topic:x:i": "a"},
    )
    # distill re-activates L1 between the dreams; dream 2 retires it again and swings the topic back.
    # topic:x:i changes by distill only (the person changed their mind twice): not a dream's flip-flop.
    tally.record(
        {"lesson:L1": "active", "lesson:L2": "retired", "lesson:L3": "active", "topic:app:pm": "pnpm"}
        | {"topic:x:i": "b"},
        {"lesson:L1": "retired", "lesson:L2": "retired", "lesson:L3": "active", "topic:app:pm": "yarn"}
        | {"topic:x:i": "b"},
    )
    # dream 3 adds a lesson; nothing else moves
    tally.record({"topic:x:i": "a"}, {"topic:x:i": "a", "lesson:L4": "active"})
    return tally


def test_known_answer_two_of_four_changed_keys_flip_flop() -> None:
    tally = three_dreams()
    assert tally.flipping() == ["lesson:L1", "topic:app:pm"]
    assert tally.rate() == Rate(2, 4)  # L1, L2, pm and i changed; L3 and the new L4 never did
    assert tally.dreams == 3


def test_a_change_that_sticks_is_not_a_flip_flop() -> None:
    tally = FlipFlops()
    tally.record({"lesson:L1": "active"}, {"lesson:L1": "retired"})
    tally.record({"lesson:L1": "retired"}, {"lesson:L1": "retired"})
    # a lesson's ordinary life: a candidate, activated by distill, retired by a dream
    tally.record({"lesson:L2": "candidate"}, {"lesson:L2": "candidate"})
    tally.record({"lesson:L2": "active"}, {"lesson:L2": "retired"})
    assert tally.rate() == Rate(0, 2)
    assert FlipFlops().rate() == Rate(0, 0)


def test_states_follow_active_stances_per_topic_and_scope() -> None:
    pnpm, yarn = choice("pnpm", "yarn"), choice("yarn", "pnpm")
    retired = make("Never edit dist/.", status=LessonStatus.RETIRED)
    states = dream_states([pnpm, yarn, retired])
    assert states[f"lesson:{retired.id}"] == "retired"
    assert states[f"lesson:{pnpm.id}"] == "active"
    assert states[f"topic:{pnpm.scope.project}:{pnpm.topic}"] == "pnpm | yarn"


def test_the_scorecard_has_flip_flops_only_for_a_memory_that_dreams() -> None:
    scorer = Scorer(t.Truth(items=(), sessions=()), Classifier(()))
    plain = [lesson("a", "use pnpm here")]
    assert "flip_flops" not in scorer.snapshot(plain, DAY[1])
    assert cell("flip_flops", None) == "n/a"
    dreamt = DreamtLessons(plain, three_dreams().rate())
    assert scorer.snapshot(dreamt, DAY[1])["flip_flops"] == Rate(2, 4)
    assert cell("flip_flops", Rate(2, 4)) == "0.50 (2/4)"
