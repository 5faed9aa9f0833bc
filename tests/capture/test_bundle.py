"""The hook runtime file: the hook's modules compiled into one file under the home, used while current."""

from __future__ import annotations

import marshal
import os
import subprocess
import sys
from pathlib import Path

from reverie import lean_os
from reverie.capture import bundle, runtime
from reverie.capture.hook import __file__ as hook_file

HOOK = Path(hook_file).resolve()
PAYLOAD = b'{"session_id": "s1", "cwd": "/tmp", "hook_event_name": "PostToolUse", "tool_name": "Bash"}'


def run_hook(home: Path, *extra: str) -> subprocess.CompletedProcess[bytes]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("REVERIE_")}
    command = [sys.executable, "-X", "importtime", "-I", "-S", str(HOOK), "--agent", "claude-code"]
    command += ["--event", "PostToolUse", "--home", str(home), *extra]
    result = subprocess.run(command, input=PAYLOAD, capture_output=True, env=environment, timeout=60)
    assert result.returncode == 0 and result.stdout == b"", result.stderr
    return result


def test_the_file_holds_every_module_the_hook_imports_and_is_private(tmp_path: Path) -> None:
    written = Path(bundle.build(str(tmp_path)))
    assert written == tmp_path / "cache" / "hook" / runtime.file_name()
    assert written.stat().st_mode & 0o777 == 0o600 and written.parent.stat().st_mode & 0o777 == 0o700
    content = marshal.loads(written.read_bytes())
    assert runtime.current(content)
    for name in ("reverie.capture.hook_call", "reverie.recall.respond", "reverie.recall.rank", "reverie.lean_os"):
        source, folder, code = content["modules"][name]
        assert Path(source).is_file() and folder is None and marshal.loads(code).co_filename == source
    assert content["modules"]["reverie.recall"][1] == str(Path(content["modules"]["reverie.recall"][0]).parent)
    assert "reverie.recall.search" not in content["modules"]  # only what the hook imports, not the CLI's


def test_the_hook_imports_from_the_file_once_written(tmp_path: Path) -> None:
    first = run_hook(tmp_path).stderr.decode()
    assert "reverie.capture.bundle" in first  # no file yet: imported the usual way, then built
    assert (tmp_path / "cache" / "hook" / runtime.file_name()).is_file()
    second = run_hook(tmp_path).stderr.decode()
    assert "reverie.capture.bundle" not in second and "reverie.capture.hook_call" in second
    assert len(list((tmp_path / "spool").glob("*.json"))) == 2


def test_a_changed_source_makes_the_file_stale() -> None:
    content = marshal.loads(marshal.dumps({"v": runtime.FORMAT, "python": sys.version, "stamp": [], "modules": {}}))
    source = bundle.closure(bundle.package_root(), ["reverie.lean_os"])["reverie.lean_os"]
    info = lean_os.stat(source[0])
    content["stamp"] = [(source[0], info.st_mtime_ns, info.st_size)]
    assert runtime.current(content)
    content["stamp"] = [(source[0], info.st_mtime_ns + 1, info.st_size)]
    assert not runtime.current(content)
    content["stamp"] = [(source[0] + ".gone", info.st_mtime_ns, info.st_size)]
    assert not runtime.current(content)
    assert not runtime.current({**content, "python": "2.7"})


def test_a_torn_file_is_replaced_and_the_event_still_captured(tmp_path: Path) -> None:
    target = Path(bundle.build(str(tmp_path)))
    target.write_bytes(target.read_bytes()[:1000])
    run_hook(tmp_path)
    assert runtime.current(marshal.loads(target.read_bytes()))
    assert len(list((tmp_path / "spool").glob("*.json"))) == 1


def test_the_closure_skips_type_checking_imports_and_function_bodies() -> None:
    found = bundle.closure(bundle.package_root(), ["reverie.capture.project"])
    assert "reverie.domain.sessions" not in found  # imported under TYPE_CHECKING and inside identify()
    assert {"reverie", "reverie.capture", "reverie.capture.project"} <= set(found)
