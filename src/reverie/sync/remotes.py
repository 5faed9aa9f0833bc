"""Where the team servers are (``<home>/remotes.json``, 0600: it holds tokens) and how far each sync got
(``<home>/sync/<remote>.json``: the pull cursor and the team version of every lesson seen)."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reverie.atomic import write_text_atomic
from reverie.errors import ConfigError, NotFoundError

TOKEN_ENV = "REVERIE_TEAM_TOKEN"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


@dataclass(frozen=True)
class Remote:
    name: str
    url: str
    token: str


@dataclass
class SyncState:
    cursor: int = 0
    versions: dict[str, int] = field(default_factory=dict)  # lesson id -> team version last seen
    hashes: dict[str, str] = field(default_factory=dict)  # lesson id -> that version's content hash
    traces: dict[str, int] = field(default_factory=dict)  # session id -> events uploaded (push --traces)


def add_remote(home: Path, name: str, url: str, token: str) -> Remote:
    if not _NAME.match(name):
        raise ConfigError(f"remote names are letters, digits, '.', '_' and '-': {name!r}")
    if not url.startswith(("http://", "https://")):
        raise ConfigError(f"the remote URL must start with http:// or https://: {url!r}")
    if not token.strip():
        raise ConfigError(f"no token: set {TOKEN_ENV} or pass --token-file")
    remotes = _read(home / "remotes.json")
    remotes[name] = {"url": url.rstrip("/"), "token": token.strip()}
    _write_private(home / "remotes.json", remotes)
    return Remote(name, url.rstrip("/"), token.strip())


def remotes(home: Path) -> list[Remote]:
    return [_remote(name, entry) for name, entry in sorted(_read(home / "remotes.json").items())]


def remote(home: Path, name: str | None) -> Remote:
    """The named remote, or the only one; ``REVERIE_TEAM_TOKEN`` overrides the stored token (sandboxes)."""
    known = {item.name: item for item in remotes(home)}
    if name is None and len(known) == 1:
        name = next(iter(known))
    if name is None or name not in known:
        listed = ", ".join(known) or "none; add one with `reverie remote add NAME URL`"
        raise NotFoundError(f"no remote {name!r} (remotes: {listed})" if name else f"name a remote: {listed}")
    chosen = known[name]
    override = os.environ.get(TOKEN_ENV, "").strip()
    return Remote(chosen.name, chosen.url, override or chosen.token)


def remove_remote(home: Path, name: str) -> None:
    entries = _read(home / "remotes.json")
    if entries.pop(name, None) is None:
        raise NotFoundError(f"no remote {name!r}")
    _write_private(home / "remotes.json", entries)
    (home / "sync" / f"{name}.json").unlink(missing_ok=True)


def load_state(home: Path, name: str) -> SyncState:
    data = _read(home / "sync" / f"{name}.json")
    return SyncState(
        cursor=int(data.get("cursor", 0)),
        versions={k: int(v) for k, v in data.get("versions", {}).items()},
        hashes={k: str(v) for k, v in data.get("hashes", {}).items()},
        traces={k: int(v) for k, v in data.get("traces", {}).items()},
    )


def save_state(home: Path, name: str, state: SyncState) -> None:
    data = {"cursor": state.cursor, "versions": state.versions, "hashes": state.hashes, "traces": state.traces}
    _write_private(home / "sync" / f"{name}.json", data)


def _remote(name: str, entry: dict[str, Any]) -> Remote:
    return Remote(name, str(entry["url"]), str(entry.get("token", "")))


def _read(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise ConfigError(f"{path}: cannot read ({error})") from error
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a JSON object")
    return data


def _write_private(path: Path, data: dict[str, Any]) -> None:
    write_text_atomic(path, json.dumps(data, indent=2))
