"""Run every benchmark in this folder, one after another: ``python -m benchmarks`` (``make bench``)."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def main() -> int:
    status = 0
    for module in sorted(info.name for info in pkgutil.iter_modules([str(Path(__file__).parent)])):
        if module.startswith("_"):
            continue
        print(f"== {module}", flush=True)
        runner = getattr(importlib.import_module(f"benchmarks.{module}"), "main", None)
        if runner is None:
            continue
        result = runner() if module == "hook_latency" else runner([])
        status = status or int(result or 0)
    return status


if __name__ == "__main__":
    sys.exit(main())
