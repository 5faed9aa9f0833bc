"""The eval report as `reverie eval --report DIR` wrote it: report.json for the table, its SVG plots
(and the PNGs of reports written before 0.1).

The UI never runs an eval (minutes of work); it shows the latest report folder it was pointed at
(``reverie ui --report DIR``, default ``<home>/eval/report``). Plots are served by file name from
that folder only, after checking the name against the folder's own listing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, Response

from reverie.evals.metrics import METRICS, Rate
from reverie.evals.report import cell, meets, target_text
from reverie.web.context import render, ui_of

_MEDIA = {".svg": "image/svg+xml", ".png": "image/png"}


@dataclass(frozen=True, slots=True)
class Report:
    folder: Path
    document: dict[str, Any]
    headers: list[str]
    rows: list[tuple[str, list[tuple[str, bool | None]], str]]  # metric, (cell, meets target) per memory, target
    plots: list[str]

    @property
    def summary(self) -> str:
        meta = self.document.get("meta") or {}
        seed = f", seed {meta['seed']}" if "seed" in meta else ""
        return (
            f"{self.document.get('sessions', '?')} sessions{seed}, generated {self.document.get('generated_at', '?')}"
        )


def load(folder: Path | None) -> Report | None:
    if folder is None or not (folder / "report.json").is_file():
        return None
    try:
        document = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    memories: dict[str, Any] = document.get("memories") or {}
    rows = []
    for info in METRICS:
        cells: list[tuple[str, bool | None]] = []
        for memory in memories.values():
            if not memory.get("available"):
                cells.append(("not available", None))
                continue
            raw = (memory.get("metrics") or {}).get(info.key)
            rate = Rate(int(raw["n"]), int(raw["d"])) if raw else None
            cells.append((cell(info.key, rate), meets(info.key, rate)))
        rows.append((info.title, cells, target_text(info.key)))
    return Report(folder, document, list(memories), rows, plot_names(folder))


def plot_names(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.suffix in _MEDIA and path.is_file())


def eval_page(request: Request) -> Response:
    folder = ui_of(request).report_dir
    return render(request, "eval.html", title="Eval report", report=load(folder), folder=folder)


def plot(request: Request) -> Response:
    folder = ui_of(request).report_dir
    name = request.path_params["name"]
    if folder is None or name not in plot_names(folder):
        return render(request, "error.html", status=404, title="Not found", message=f"No plot {name}.")
    return FileResponse(folder / name, media_type=_MEDIA[Path(name).suffix])
