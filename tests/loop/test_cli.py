"""``reverie loop`` and ``reverie progress`` at the command line, with the fake ``claude``."""

from __future__ import annotations

import json

from click.testing import CliRunner

from reverie.cli import main
from tests.loop.conftest import Bench

LEGACY = "./legacy-build.sh --all"


def invoke(bench: Bench, plan: list[list[str]], *args: str) -> tuple[int, str, str]:
    bench.plan.write_text(json.dumps(plan))
    base = ["loop", "--agent", "claude-code", "--objective", str(bench.objective), "--workspace", str(bench.workdir)]
    base += ["--agent-bin", str(bench.binary), "--check", "test -f build.txt"]
    result = CliRunner().invoke(main, [*base, *args], env={**bench.env, "REVERIE_HOME": str(bench.home)})
    return result.exit_code, result.stdout, result.stderr


def test_loop_exits_0_when_the_check_passes_and_says_why_last(bench: Bench) -> None:
    code, stdout, _ = invoke(bench, [[LEGACY], ["echo ok > build.txt"]])
    assert code == 0
    lines = stdout.splitlines()
    assert lines[0] == "baseline: the check fails (exit 1); 3 open item(s)"
    assert lines[-1] == "reverie loop: stopped after run 2: the check passes after run 2: `test -f build.txt`"


def test_loop_exits_3_when_it_gives_up_and_json_is_the_ledger(bench: Bench) -> None:
    code, stdout, stderr = invoke(bench, [[LEGACY]] * 3, "--no-progress-runs", "2", "--json")
    assert code == 3
    assert json.loads(stdout)["stop"]["code"] == "no_progress"
    assert stderr.splitlines()[-1].startswith("reverie loop: stopped after run 2: no progress in the last 2 run(s)")


def test_a_missing_agent_is_one_clear_line(bench: Bench) -> None:
    bench.binary.unlink()
    code, _, stderr = invoke(bench, [])
    assert code == 1 and stderr.startswith("reverie: the claude-code binary") and "--agent-bin" in stderr


def test_a_missing_objective_is_one_clear_line(bench: Bench) -> None:
    bench.objective.unlink()
    code, _, stderr = invoke(bench, [])
    assert code == 1 and "PROMPT.md: cannot read the objective" in stderr


def test_progress_shows_tasks_blockers_failed_approaches_and_the_score(bench: Bench) -> None:
    invoke(bench, [[LEGACY]] * 3, "--no-progress-runs", "2")
    result = CliRunner().invoke(main, ["progress", "--workspace", str(bench.workdir)])
    assert result.exit_code == 0
    text = result.stdout
    assert "Stopped after run 2: no progress" in text and "[ ] build.txt exists" in text
    assert "Blockers:\n" in text and "legacy-build.sh" in text.split("Failed approaches:")[1]
    assert "baseline" in text and "\n2 " in text
    data = json.loads(CliRunner().invoke(main, ["progress", "--workspace", str(bench.workdir), "--json"]).stdout)
    assert [run["number"] for run in data["runs"]] == [0, 1, 2]


def test_progress_without_a_ledger_says_where_it_looked(bench: Bench) -> None:
    result = CliRunner().invoke(main, ["progress", "--workspace", str(bench.workdir)])
    assert result.exit_code == 1 and "no progress ledger in" in result.stderr
