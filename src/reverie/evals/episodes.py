"""Acting out one planned session as a transcript, and recording the evidence it carries.

A session opens with an ordinary request, then works through its topics in the order real work
goes (read, edit, run, install, build, test, lint, commit, push). At each topic, every durable
concept that applies is played: the agent makes the concept's mistake (the wrong command, the
hand-edited generated file, the emoji in the commit message) and is corrected by the error or by
the person, or it does the right thing. Whether the agent errs does not depend on whether the
mistake was taught before: the transcripts are what a memory-less agent would do, and the replay
asks which of those repeats a memory would have prevented.

The ``Ledger`` records, per concept, the sessions whose transcript carries evidence for it and
those where the person stated it so that its content and scope were evident; per session, the
concepts it touched and the mistakes the agent made. That is the ground truth.
"""

from __future__ import annotations

import random
from collections import defaultdict
from pathlib import Path

from reverie.evals import exposures
from reverie.evals import truth as t
from reverie.evals.plan import Concept, SessionPlan, World
from reverie.evals.speech import Speaker
from reverie.evals.transcript import ToolOutcome, TranscriptWriter

STAGES = ("edit", "python-run", "deps", "build", "docker", "test", "lint", "search", "commit", "push")
FIRST_MISTAKE = {"command": 0.65, "style": 0.7, "generated": 0.6, "preference": 0.7, "approach": 0.8, "hazard": 1.0}
REPEAT_MISTAKE = {"command": 0.4, "style": 0.35, "generated": 0.35, "preference": 0.4, "approach": 0.3, "hazard": 0.45}
EXPLICIT = {t.FACT: 0.55, t.COMMAND_FIX: 0.3, t.HAZARD: 0.25, t.FAILED_APPROACH: 0.6}


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
        self.speaker = Speaker(self.rng, plan.project.name)
        self.relevant: list[str] = []
        self.mistakes: list[str] = []

    def render(self) -> t.SessionTruth:
        w = self.writer
        w.opening()
        if "slash" in self.plan.extras:
            w.slash_command(self.rng.choice(("clear", "model", "mcp", "cost")))
        exposures.opening(self)
        in_scope = self.world.in_scope(self.plan)
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
        )

    # -- one concept -------------------------------------------------------------------------

    def play(self, concept: Concept) -> None:
        introduced = concept.id in self.plan.introduces
        seen = self.ledger.seen(concept.id)
        rate = (REPEAT_MISTAKE if seen else FIRST_MISTAKE)[concept.behaviour]
        if introduced or self.rng.random() < rate:
            self.mistakes.append(concept.id)
            getattr(self, f"_mistake_{concept.behaviour}")(concept, seen, introduced)
        elif concept.behaviour == "command":
            self._run(concept.act["right"], ToolOutcome(self._fill(concept.act["success"])))
            if concept.category == t.FACT:  # a project fact is also learned from seeing it work
                self._record(concept, stated=False)
        elif concept.behaviour == "hazard":
            self._run(concept.act["workaround"], ToolOutcome(""))

    def _mistake_command(self, concept: Concept, seen: bool, introduced: bool) -> None:
        self._run(concept.act["wrong"], ToolOutcome(self._fill(concept.act["error"]), is_error=True))
        explicit = (introduced and self.rng.random() < 0.7) or self.rng.random() < EXPLICIT[concept.category]
        if explicit:
            frame = "changed_to" if introduced else self.rng.choice(("use_instead", "use_instead", "fact_is"))
            self.correct(concept, frame, {"new": concept.say["new"], "old": concept.say["old"]}, again=seen)
        else:
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

    def _mistake_style(self, concept: Concept, seen: bool, introduced: bool) -> None:
        path = self.source_file()
        if introduced:
            self.correct(concept, "change_mind", {"new": concept.say["new"], "old": concept.say["old"]}, again=False)
            self._edit(path, concept.act["wrong"], concept.act["right"])
            return
        self._edit(path, "pass", concept.act["wrong"])
        frame = self.rng.choice(("style_is", "use_instead", "prefer"))
        self.correct(concept, frame, {"new": concept.say["new"], "old": concept.say["old"]}, again=seen)
        self._edit(path, concept.act["wrong"], concept.act["right"])

    def _mistake_generated(self, concept: Concept, seen: bool, introduced: bool) -> None:
        target = f"{concept.say['thing']}{self.rng.choice(self.plan.project.modules)}_0{self.rng.randint(1, 9)}.sql"
        self._edit(target, "version = 1", "version = 2")
        self.correct(concept, "never_touch", {"thing": concept.say["thing"], "fix": concept.say["fix"]}, again=seen)
        self._run(f"git checkout -- {target}", ToolOutcome(""))
        self._run(concept.say["fix"], ToolOutcome("Generated 3 files."))

    def _mistake_preference(self, concept: Concept, seen: bool, introduced: bool) -> None:
        wrong = self._fill(concept.act["wrong"])
        if concept.topic == "edit":
            self._edit(self.source_file(), "base + '/' + name", wrong)
        else:
            self._run(wrong, ToolOutcome("[feat/x 1a2b3c4] done\n 2 files changed" if "commit" in wrong else ""))
        frame = concept.say["frame"]
        slots = {"thing": concept.say["thing"]} if frame == "no_thing" else {k: concept.say[k] for k in ("new", "old")}
        self.correct(concept, frame, slots, again=seen, cue_rates=(0.05, 0.35))

    def _mistake_approach(self, concept: Concept, seen: bool, introduced: bool) -> None:
        self._run(concept.act["attempt"], ToolOutcome(""))
        self._run(self._check_command(), ToolOutcome(concept.act["error"], is_error=True))
        self._run(concept.act["revert"], ToolOutcome(""))
        if self.rng.random() < EXPLICIT[t.FAILED_APPROACH]:
            self.correct(
                concept, "stop_trying", {"thing": concept.say["thing"], "what": concept.say["what"]}, again=seen
            )
        else:
            self.writer.assistant(
                f"That breaks {concept.say['what']}; I reverted it and will keep the current version."
            )
            self._record(concept, stated=False)

    def _mistake_hazard(self, concept: Concept, seen: bool, introduced: bool) -> None:
        self._run(concept.act["command"], ToolOutcome(concept.act["error"], is_error=True))
        if self.rng.random() < EXPLICIT[t.HAZARD]:
            self.correct(
                concept,
                self.rng.choice(("hazard_tip", "hazard_tip", "use_instead")),
                {"new": concept.act["workaround"], "old": concept.act["command"]},
                again=seen,
            )
        else:
            self._record(concept, stated=False)
        self._run(concept.act["workaround"], ToolOutcome(""))

    # -- shared pieces -----------------------------------------------------------------------

    def correct(
        self,
        concept: Concept,
        frame: str,
        slots: dict[str, str],
        *,
        again: bool,
        cue_rates: tuple[float, float] | None = None,
    ) -> None:
        """The person states the concept; the cue is drawn with (project, global) probabilities."""
        if cue_rates is None:
            cue_rates = (0.15, 0.2) if concept.scope == t.GLOBAL else (0.4, 0.0)
        draw = self.rng.random()
        cue = "project" if draw < cue_rates[0] else "global" if draw < sum(cue_rates) else ""
        filled = {name: self._fill(value) for name, value in slots.items()}
        statement = self.speaker.statement(frame, filled, cue=cue, again=again and self.rng.random() < 0.5)
        task = self.speaker.task(self.task_slots()) if self.rng.random() < 0.2 else ""
        self.writer.prompt(self.speaker.prompt(statement, task=task))
        self.writer.assistant(self.speaker.ack())
        self._record(concept, stated=True, global_cue=cue == "global")

    def _record(self, concept: Concept, *, stated: bool, global_cue: bool = False) -> None:
        self.ledger.record(concept, self.plan.id, self.plan.project.key, stated=stated, global_cue=global_cue)

    def _run(self, command: str, outcome: ToolOutcome) -> None:
        command = self._fill(command)
        structured = (
            None
            if outcome.is_error
            else {"stdout": outcome.content, "stderr": "", "interrupted": False, "isImage": False}
        )
        content = (
            f"Exit code {self.rng.choice((1, 1, 2, 127))}\n{outcome.content}" if outcome.is_error else outcome.content
        )
        self.writer.call(
            "Bash",
            {"command": command, "description": self.rng.choice(("Run it", "Try the command", ""))},
            ToolOutcome(content, outcome.is_error, structured),
        )

    def _edit(self, relative: str, old: str, new: str) -> None:
        path = str(self.root / relative)
        self.writer.call(
            "Edit",
            {"file_path": path, "old_string": old, "new_string": new},
            ToolOutcome(
                f"The file {path} has been updated.",
                structured={
                    "filePath": path,
                    "oldString": old,
                    "newString": new,
                    "originalFile": None,
                    "structuredPatch": [],
                    "userModified": False,
                    "replaceAll": False,
                },
            ),
        )

    def _check_command(self) -> str:
        return {
            "node": "npx tsc --noEmit",
            "python": "python3 -m pytest -x -q",
            "go": "go build ./...",
            "rust": "cargo check",
        }[self.plan.project.ecosystem]

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
