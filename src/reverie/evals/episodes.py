"""Acting out one planned session as a transcript, and recording the evidence it carries.

A session opens with an ordinary request, the person gives the standing instructions planned for it
(real labelled turns, ``spoken``), then the session works through its topics in the order real work
goes (read, run, install, build, test, lint, commit, push). At each topic, every durable concept that
applies is played: the agent makes the concept's mistake (the wrong command, the upgrade that breaks
the build) and the error corrects it, or it does the right thing. Whether the agent errs does not
depend on whether the mistake was taught before: the transcripts are what a memory-less agent would
do, and the replay asks which of those repeats a memory would have prevented.

The ``Ledger`` records, per concept, the sessions whose transcript carries evidence for it and
those where the person stated it so that its content and scope were evident; per session, the
concepts it touched and the mistakes the agent made. That is the ground truth.
"""

from __future__ import annotations

import random
from collections import defaultdict
from pathlib import Path

from reverie.evals import catalogue as cat
from reverie.evals import exposures
from reverie.evals import truth as t
from reverie.evals.plan import Concept, SessionPlan, World
from reverie.evals.speech import Speaker
from reverie.evals.transcript import ToolOutcome, TranscriptWriter
from reverie.evals.turns import agent_works, write_turn

STAGES = ("edit", "python-run", "deps", "build", "docker", "test", "lint", "search", "commit", "push")
FIRST_MISTAKE = {"command": 0.65, "approach": 0.8, "hazard": 1.0}
REPEAT_MISTAKE = {"command": 0.4, "approach": 0.3, "hazard": 0.45}


class Ledger:
    def __init__(self) -> None:
        self.taught: dict[str, list[str]] = defaultdict(list)
        self.explicit: dict[str, list[str]] = defaultdict(list)
        self.stated_in_projects: dict[str, set[str]] = defaultdict(set)

    def seen(self, concept_id: str) -> bool:
        return bool(self.taught.get(concept_id))

    def record(
        self, concept: Concept, session_id: str, project: str, *, stated: bool, global_cue: bool = False
    ) -> None:
        if session_id not in self.taught[concept.id]:
            self.taught[concept.id].append(session_id)
        if not stated:
            return
        self.stated_in_projects[concept.id].add(project)
        # A general preference is evident as general only when the person says so, or says it in a
        # second project; before that a careful memory would keep it to the project.
        evident = concept.scope != t.GLOBAL or global_cue or len(self.stated_in_projects[concept.id]) >= 2
        if evident and session_id not in self.explicit[concept.id]:
            self.explicit[concept.id].append(session_id)


class SessionRenderer:
    def __init__(self, world: World, plan: SessionPlan, ledger: Ledger, out_dir: Path) -> None:
        self.world = world
        self.plan = plan
        self.ledger = ledger
        self.rng = random.Random(f"reverie-eval-session:{world.seed}:{plan.index}")
        self.root = out_dir / plan.project.folder
        cwd = self.root / plan.subdir if plan.subdir else self.root
        branch = self.rng.choice((plan.project.branch, f"feat/{self.rng.choice(plan.project.modules)}"))
        self.branch = branch
        self.writer = TranscriptWriter(self.rng, plan.id, str(cwd), branch, plan.start)
        self.speaker = Speaker(self.rng, plan.project.name, world.tasks, turn=plan.index)
        self.relevant: list[str] = []
        self.mistakes: list[str] = []
        self.mistake_calls: dict[str, str] = {}  # concept -> the call that made its mistake (the first one)

    def render(self) -> t.SessionTruth:
        w = self.writer
        w.opening()
        if "slash" in self.plan.extras:
            w.slash_command(self.rng.choice(("clear", "model", "mcp", "cost")))
        exposures.opening(self)
        for concept_id in self.plan.spoken:
            self.say(self.world.concepts[concept_id])
        in_scope = self.world.in_scope(self.plan)
        self.relevant.extend(self._standing_instructions())
        for stage in STAGES:
            if stage in self.plan.topics:
                concepts = [c for c in in_scope if c.topic == stage]
                self.rng.shuffle(concepts)
                for concept in concepts:
                    self.relevant.append(concept.id)
                    self.play(concept)
        exposures.closing(self)
        return t.SessionTruth(
            id=self.plan.id,
            project=self.plan.project.key,
            started_at=self.plan.started_at,
            relevant=tuple(dict.fromkeys(self.relevant)),
            mistakes=tuple(dict.fromkeys(self.mistakes)),
            mistake_calls=self.mistake_calls,
        )

    def _standing_instructions(self) -> list[str]:
        """Instructions on how to work that the person said in an earlier session of this project (or
        everywhere): they stand for every later session, as a line of a rule file does. Facts and
        requirements said in passing matter where the work touches them, which a generated session
        cannot know, so they count only where they were said."""
        return [
            concept.id
            for concept in self.world.concepts.values()
            if concept.behaviour == "spoken"
            and concept.say.get("kind") == "instruction"
            and concept.scope in (t.PROJECT, t.GLOBAL)
            and (concept.scope == t.GLOBAL or concept.project == self.plan.project.key)
            and self.ledger.seen(concept.id)
        ]

    # -- one concept -------------------------------------------------------------------------

    def play(self, concept: Concept) -> None:
        introduced = concept.id in self.plan.introduces
        seen = self.ledger.seen(concept.id)
        rate = (REPEAT_MISTAKE if seen else FIRST_MISTAKE)[concept.behaviour]
        if introduced or self.rng.random() < rate:
            self.mistakes.append(concept.id)
            call = getattr(self, f"_mistake_{concept.behaviour}")(concept, seen, introduced)
            self.mistake_calls.setdefault(concept.id, call)
        elif concept.behaviour == "command":
            self._run(concept.act["right"], ToolOutcome(self._fill(concept.act["success"])))
            if concept.category == t.FACT:  # a project fact is also learned from seeing it work
                self._record(concept, stated=False)
        elif concept.behaviour == "hazard":
            self._run(concept.act["workaround"], ToolOutcome(""))

    def _mistake_command(self, concept: Concept, seen: bool, introduced: bool) -> str:
        call = self._run(concept.act["wrong"], ToolOutcome(self._fill(concept.act["error"]), is_error=True))
        self.writer.assistant(
            self.rng.choice(
                (
                    f"That failed; this project uses `{self._fill(concept.act['right'])}` instead.",
                    f"The error shows `{concept.act['wrong'].split()[0]}` is not the right tool here. Retrying.",
                    "Let me check how this is set up and retry.",
                )
            )
        )
        self._record(concept, stated=False)
        self._run(concept.act["right"], ToolOutcome(self._fill(concept.act.get("success", ""))))
        return call

    def _mistake_approach(self, concept: Concept, seen: bool, introduced: bool) -> str:
        call = self._run(self._with_package_manager(concept.act["attempt"]), ToolOutcome(""))
        self._run(self._check_command(), ToolOutcome(concept.act["error"], is_error=True))
        self._run(concept.act["revert"], ToolOutcome(""))
        self.writer.assistant(f"That breaks {concept.say['what']}; I reverted it and will keep the current version.")
        self._record(concept, stated=False)
        return call

    def _mistake_hazard(self, concept: Concept, seen: bool, introduced: bool) -> str:
        call = self._run(concept.act["command"], ToolOutcome(concept.act["error"], is_error=True))
        self._record(concept, stated=False)
        self._run(concept.act["workaround"], ToolOutcome(""))
        return call

    # -- shared pieces -----------------------------------------------------------------------

    def say(self, concept: Concept) -> None:
        """The person gives a standing instruction: a real turn, as typed, in its channel."""
        agent_works(self.writer, str(self.root / self.source_file()))
        said = concept.say
        write_turn(self.writer, said["channel"], said["text"], said["before"], file_path=str(self.root / "README.md"))
        self.writer.assistant(self.speaker.ack())
        self.relevant.append(concept.id)
        self._record(concept, stated=True, global_cue=concept.scope == t.GLOBAL)

    def _record(self, concept: Concept, *, stated: bool, global_cue: bool = False) -> None:
        self.ledger.record(concept, self.plan.id, self.plan.project.key, stated=stated, global_cue=global_cue)

    def _run(self, command: str, outcome: ToolOutcome) -> str:
        command = self._fill(command)
        structured = (
            None
            if outcome.is_error
            else {"stdout": outcome.content, "stderr": "", "interrupted": False, "isImage": False}
        )
        content = (
            f"Exit code {self.rng.choice((1, 1, 2, 127))}\n{outcome.content}" if outcome.is_error else outcome.content
        )
        return self.writer.call(
            "Bash",
            {"command": command, "description": self.rng.choice(("Run it", "Try the command", ""))},
            ToolOutcome(content, outcome.is_error, structured),
        )

    def _check_command(self) -> str:
        return {
            "node": "npx tsc --noEmit",
            "python": "python3 -m pytest -x -q",
            "go": "go build ./...",
            "rust": "cargo check",
        }[self.plan.project.ecosystem]

    def _with_package_manager(self, command: str) -> str:
        """An attempt written with npm, run with the package manager the project uses at the time: an agent
        in a pnpm project adds a package with pnpm. Run with npm, it succeeded and taught every memory that
        the project uses npm, against the world's own facts (and the lockfile its checkout holds)."""
        if not command.startswith("npm "):
            return command
        fact = self.world.facts_at(self.plan).get(cat.PACKAGE_MANAGERS.slot)
        manager = fact.value if fact is not None and fact.value else "npm"
        if manager == "npm":
            return command
        verb, rest = command.removeprefix("npm ").split(" ", 1)
        return f"{manager} {'add' if verb == 'install' else verb} {rest}"

    def _fill(self, text: str) -> str:
        """Fill the ``{name}`` holes of catalogue commands and output (only these names: code has braces)."""
        modules = self.plan.project.modules
        values = {
            "count": str(self.rng.randint(3, 240)),
            "seconds": str(round(self.rng.uniform(0.4, 40), 2)),
            "branch": self.branch,
            "script": self.rng.choice(modules),
            "subject": f"fix {self.rng.choice(modules)}",
            "subject_cap": f"Updated {self.rng.choice(modules)} stuff",
            "symbol": self.rng.choice(modules),
        }
        for name, value in values.items():
            text = text.replace("{" + name + "}", value)
        return text

    def source_file(self) -> str:
        module = self.rng.choice(self.plan.project.modules)
        return {
            "node": f"src/{module}.ts",
            "python": f"src/{self.plan.project.name}/{module}.py",
            "go": f"internal/{module}/{module}.go",
            "rust": f"src/{module}.rs",
        }[self.plan.project.ecosystem]

    def task_slots(self) -> dict[str, str]:
        module = self.rng.choice(self.plan.project.modules)
        return {
            "file": self.source_file(),
            "symbol": f"{self.rng.choice(('parse', 'load', 'sync', 'build'))}_{module}",
            "module": module,
        }
