"""The benchmark's checkouts: what the world says each project holds at each session, on disk, and recall's
premise check reading them in the replay as the hooks do."""

from __future__ import annotations

import json
from pathlib import Path

from reverie.domain.lessons import LessonKind
from reverie.evals import checkout
from reverie.evals.baselines import from_domain
from reverie.evals.checkout import LOCKFILES, Checkouts
from reverie.evals.generator import Scenario, world_of
from reverie.evals.plan import SessionPlan, World
from reverie.evals.protocols import CALL_EVENT, PROMPT_EVENT, HookEvent, Injection, InjectionRequest
from reverie.evals.recalled import Recalled
from reverie.evals.replay import replay, sessions_of
from reverie.store import LessonBatch, SQLiteStore
from tests.recall.builders import NOW, PROJECT, lesson

PNPM_FACT = lesson(
    "fact:package_manager:pnpm",
    "In this project: the javascript package manager is `pnpm`; use it for dependencies.",
    kind=LessonKind.FACT,
    commands=("pnpm install",),
    stance="pnpm",
    topic="package_manager",
)


def _switch(world: World) -> tuple[SessionPlan, SessionPlan, str, str]:
    """A node project's last session on its first package manager, its first on the second, and the two."""
    for concept in world.concepts.values():
        if concept.slot == "package_manager" and concept.valid_from is not None:
            mine = [plan for plan in world.sessions if plan.project.key == concept.project]
            before = [plan for plan in mine if plan.started_at < concept.valid_from][-1]
            after = next(plan for plan in mine if plan.started_at >= concept.valid_from)
            old = next(
                c.value
                for c in world.concepts.values()
                if c.slot == "package_manager" and c.project == concept.project and c.valid_to == concept.valid_from
            )
            return before, after, str(old), str(concept.value)
    raise AssertionError("the world has no package-manager switch")


def test_the_checkout_follows_the_world_across_a_package_manager_switch(tmp_path: Path) -> None:
    world = world_of(300, 1)
    before, after, old, new = _switch(world)
    then, now = checkout.files_at(world, before), checkout.files_at(world, after)
    assert LOCKFILES[old] in then and LOCKFILES[new] not in then
    assert LOCKFILES[new] in now and LOCKFILES[old] not in now
    assert json.loads(now["package.json"])["packageManager"].startswith(f"{new}@")
    assert "setup:" in now["Makefile"]  # `make setup` runs in every project
    keys = {plan.id: checkout.key_of(plan.project.name, checkout.files_at(world, plan)) for plan in world.sessions}
    states = {keys[plan.id]: checkout.files_at(world, plan) for plan in world.sessions}
    folders = Checkouts(tmp_path, states)
    old_folder, new_folder = folders.folder(keys[before.id]), folders.folder(keys[after.id])
    assert old_folder is not None and new_folder is not None and old_folder != new_folder
    assert (old_folder / LOCKFILES[old]).is_file() and not (old_folder / LOCKFILES[new]).exists()
    assert (new_folder / LOCKFILES[new]).is_file() and not (new_folder / LOCKFILES[old]).exists()
    assert folders.folder("../elsewhere") is None and folders.folder("unknown") is None


def test_the_generated_truth_names_each_sessions_checkout(scenario: Scenario) -> None:
    truth = scenario.truth
    assert all(session.checkout in truth.checkouts for session in truth.sessions)
    projects = {session.project for session in truth.sessions}
    assert len(truth.checkouts) >= len(projects)  # one state per project at least, shared by its sessions
    assert len(truth.checkouts) < len(truth.sessions)


def test_a_lesson_whose_lockfile_the_checkout_no_longer_has_is_not_injected_in_the_replay(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "store.db")
    store.write_lessons(LessonBatch(lessons=[PNPM_FACT]))
    recalled = Recalled(tmp_path / "home")
    recalled.refresh(store, NOW)
    base = {".git/HEAD": "ref: refs/heads/main\n", "package.json": "{}\n"}
    folders = Checkouts(
        tmp_path / "checkouts",
        {"shop-pnpm": {**base, "pnpm-lock.yaml": ""}, "shop-yarn": {**base, "yarn.lock": ""}},
    )
    events = (
        HookEvent(PROMPT_EVENT, text="install the dependencies with the package manager"),
        HookEvent(CALL_EVENT, tool_name="Bash", tool_input={"command": "pnpm install"}, call_id="c1"),
    )
    lessons = {PNPM_FACT.id: from_domain(PNPM_FACT)}

    def shown(session: str, state: str) -> list[str]:
        request = InjectionRequest(
            session, PROJECT, None, NOW.isoformat(), events[0].text, events, str(folders.folder(state))
        )
        return [item.id for item in recalled.inject(lessons, request).lessons]

    assert shown("s-before", "shop-pnpm") == [PNPM_FACT.id]
    assert shown("s-after", "shop-yarn") == []
    checks = {check.session_id: dict(check.unmet) for check in recalled.premise_checks(["s-before", "s-after"])}
    assert checks == {
        "s-before": {},
        "s-after": {PNPM_FACT.id: "`pnpm-lock.yaml` is gone and the project has `yarn.lock`"},
    }
    store.close()


class _Watching:
    """A memory that learns nothing and notes the project folder each session's request carries."""

    name = "watching"

    def __init__(self) -> None:
        self.folders: dict[str, str] = {}

    def learn(self, store: object, session_ids: object) -> None:
        return None

    def lessons(self) -> tuple[()]:
        return ()

    def inject(self, request: InjectionRequest) -> Injection:
        folder = Path(request.project_dir)
        files = sorted(folder.rglob("*")) if request.project_dir else []
        self.folders[request.session_id] = "".join(
            sorted(f"{path.relative_to(folder)}={path.read_text()}" for path in files if path.is_file())
        )
        return Injection((), 0, ())


def test_the_replay_hands_each_session_its_checkout_as_the_project_folder(scenario: Scenario, tmp_path: Path) -> None:
    watching = _Watching()
    replay(scenario.truth, sessions_of(scenario.truth, scenario.root), [lambda: watching], workdir=tmp_path)
    states = scenario.truth.checkouts
    expected = {
        session.id: "".join(sorted(f"{path}={text}" for path, text in states[session.checkout].items()))
        for session in scenario.truth.sessions
    }
    assert watching.folders == expected
