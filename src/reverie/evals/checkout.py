"""What a real checkout of a simulated project holds at the start of a session, and that checkout on disk.

Recall checks a lesson's premises against the project folder before showing it
(``reverie.recall.premises``: the Makefile target, the package script, the lockfile, the literal path
it recommends). For the benchmark to measure that, each replayed session needs a folder that says what
a real checkout would say at that moment. ``files_at`` derives it from the world's truth, never from
anything a memory learned: the lockfile of the package manager in use, a Makefile with the targets the
project's working commands run, a package.json whose scripts are its test and lint commands, the
configuration files of its tools, its source files, README and scripts. A fact that changes (the
team moved from pnpm to yarn) changes the files from the session it becomes true.

The generator records each distinct checkout once in the truth (``Truth.checkouts``, keyed by project
and content digest) and names it from each session (``SessionTruth.checkout``). ``Checkouts`` writes a
checkout into a folder of its own the first time a session needs it and reuses the folder afterwards:
a project's folder is written again only when its state changes, and the same truth always gives the
same folders.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path

from reverie.evals import catalogue as cat
from reverie.evals.plan import Concept, SessionPlan, World

LOCKFILES = {"npm": "package-lock.json", "yarn": "yarn.lock", "pnpm": "pnpm-lock.yaml", "bun": "bun.lock"}
MANAGER_VERSIONS = {"npm": "10.8.2", "yarn": "4.5.0", "pnpm": "9.1.0", "bun": "1.1.30"}
MANIFESTS = {
    "node": {"tsconfig.json": "{}\n"},
    "python": {"pyproject.toml": '[project]\nname = "{name}"\n', "requirements.txt": "fastapi==0.95.2\n"},
    "go": {"go.mod": "module {key}\n\ngo 1.21\n", "integration/db_test.go": "package integration\n"},
    "rust": {"Cargo.toml": '[package]\nname = "{name}"\n', "Cargo.lock": "version = 3\n"},
}
# The files a tool needs to run: present while the command that uses it is the project's (its failure
# output when it is not says as much: "noxfile.py not found", "No configuration file found (biome.json)").
TOOL_FILES = {
    "uv run pytest": ("uv.lock",),
    "tox": ("tox.ini",),
    "nox": ("noxfile.py",),
    "pre-commit": (".pre-commit-config.yaml",),
    "ruff": ("ruff.toml",),
    "vitest": ("vitest.config.ts",),
    "jest": ("jest.config.js",),
    "eslint": ("eslint.config.js",),
    "biome": ("biome.json",),
    "just test": ("justfile",),
}
_SOURCES = {
    "node": "src/{module}.ts",
    "python": "src/{name}/{module}.py",
    "go": "internal/{module}/{module}.go",
    "rust": "src/{module}.rs",
}
_SHARED = ("README.md", "CONTRIBUTING.md", "docs/setup.md", "scripts/banner.js")
ALWAYS_TARGETS = ("setup",)  # ``make setup`` runs in any project (the command-output exposure runs it)


def files_at(world: World, plan: SessionPlan) -> dict[str, str]:
    """Relative path -> content of the project's checkout when ``plan`` starts."""
    project = plan.project
    facts = world.facts_at(plan)
    working = [
        c
        for c in world.concepts.values()
        if c.project == project.key and c.valid_at(plan.started_at) and c.behaviour in ("command", "hazard")
    ]
    files = {".git/HEAD": f"ref: refs/heads/{project.branch}\n"}
    files.update((path, f"# {project.name}\n") for path in _SHARED)
    for module in project.modules:
        files[_SOURCES[project.ecosystem].format(name=project.name, module=module)] = f"// {module}\n"
        files[f"scripts/{module}.py"] = "print('ok')\n"  # ``python3 scripts/<module>.py`` works everywhere
    for path, text in MANIFESTS[project.ecosystem].items():
        files[path] = text.replace("{name}", project.name).replace("{key}", project.key)
    if project.ecosystem == "python":
        files[".venv/bin/pip"] = "#!/bin/sh\n"
    for fact in facts.values():
        files.update((path, f"# {fact.value}\n") for path in TOOL_FILES.get(fact.value or "", ()))
    targets = sorted({*ALWAYS_TARGETS, *(target for c in working for target in _make_targets(_commands(c)))})
    files["Makefile"] = "".join(f"{target}:\n\t@echo {target}\n" for target in targets)
    manager = facts.get(cat.PACKAGE_MANAGERS.slot)
    if project.ecosystem == "node":
        files["package.json"] = _package_json(project.name, manager, facts)
    if manager is not None and manager.value in LOCKFILES:
        files[LOCKFILES[manager.value]] = f"# {manager.value} lockfile\n"
    return files


def key_of(project_name: str, files: Mapping[str, str]) -> str:
    """A name for one checkout state: the project's, and a digest of what it holds."""
    digest = hashlib.sha256(json.dumps(sorted(files.items())).encode()).hexdigest()[:12]
    return f"{project_name}-{digest}"


class Checkouts:
    """Checkouts on disk under ``root``, one folder per state, each written once."""

    def __init__(self, root: Path, states: Mapping[str, Mapping[str, str]]) -> None:
        self.root = root
        self.states = states
        self.written: set[str] = set()

    def folder(self, key: str) -> Path | None:
        """The folder of checkout ``key``, written on first use; None when the truth has no such checkout."""
        files = self.states.get(key)
        if files is None or not key or "/" in key or key.startswith("."):
            return None
        folder = self.root / key
        if key not in self.written:
            for relative, text in files.items():
                path = folder / relative
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
            self.written.add(key)
        return folder


def _commands(concept: Concept) -> Iterable[str]:
    """The commands that run in the project while ``concept`` holds: its right command, and for a hazard
    both the one that fails for a reason of its own and the workaround (the target exists either way)."""
    act = concept.act
    found = [act.get("right", ""), act.get("workaround", "")]
    if concept.behaviour == "hazard":
        found.append(act.get("command", ""))
    return [command for command in found if command]


def _make_targets(commands: Iterable[str]) -> list[str]:
    targets = []
    for command in commands:
        for part in command.split("&&"):
            words = [word for word in part.split() if "=" not in word]
            if len(words) > 1 and words[0] == "make" and not words[1].startswith("-"):
                targets.append(words[1])
    return targets


def _package_json(name: str, manager: Concept | None, facts: Mapping[str, Concept]) -> str:
    scripts = {}
    for slot, script in ((cat.TEST_COMMANDS["node"].slot, "test"), (cat.LINT_COMMANDS["node"].slot, "lint")):
        fact = facts.get(slot)
        if fact is not None and fact.act.get("right"):
            scripts[script] = fact.act["right"].removeprefix("npx ")
    manifest: dict[str, object] = {"name": name, "private": True, "scripts": scripts}
    if manager is not None and manager.value:
        manifest["packageManager"] = f"{manager.value}@{MANAGER_VERSIONS.get(manager.value, '1.0.0')}"
    return json.dumps(manifest, indent=2) + "\n"
