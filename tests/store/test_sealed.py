"""The store is sealed: no module outside ``reverie.store`` imports a database driver or writes SQL."""

from __future__ import annotations

import re
from pathlib import Path

import reverie

SOURCE = Path(reverie.__file__).parent
DRIVER = re.compile(r"^\s*(?:import|from)\s+(?:_?sqlite3|psycopg\w*)\b", re.MULTILINE)
# The CLI's last-resort catch of ``sqlite3.Error`` predates the sealing; nothing reaches it now.
LEFT_OVER = {"cli/__init__.py", "cli/importing.py"}


def test_only_the_store_imports_a_database_driver() -> None:
    outside = [
        str(path.relative_to(SOURCE))
        for path in SOURCE.rglob("*.py")
        if path.relative_to(SOURCE).parts[0] != "store" and DRIVER.search(path.read_text())
    ]
    assert sorted(set(outside) - LEFT_OVER) == []
