"""The roles of the store, and which backend has which: the list that the contract suite is held to."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from reverie.store.protocol import ROLES, Store
from reverie.store.sqlite import SQLiteStore

CONTRACT = sorted(Path(__file__).parent.glob("test_*contract*.py"))


def methods(role: type) -> set[str]:
    return {name for name, _ in inspect.getmembers(role, inspect.isfunction) if not name.startswith("_")}


def test_store_is_exactly_its_roles() -> None:
    assert methods(Store) == set().union(*(methods(role) for role in ROLES))
    named = [name for role in ROLES for name in methods(role)]
    assert len(named) == len(set(named))  # each method belongs to one role


@pytest.mark.parametrize("role", ROLES, ids=lambda role: role.__name__)
def test_every_method_of_every_role_is_called_by_the_contract_suite(role: type) -> None:
    text = "\n".join(path.read_text() for path in CONTRACT)
    missing = sorted(name for name in methods(role) if f".{name}(" not in text)
    assert missing == [], f"{role.__name__}: no contract test calls {missing}"


@pytest.mark.parametrize("role", ROLES, ids=lambda role: role.__name__)
def test_sqlite_has_every_role(role: type) -> None:
    assert methods(role) <= set(dir(SQLiteStore))


def test_the_team_store_has_the_trace_and_lesson_roles_and_says_which_it_has_not() -> None:
    postgres = pytest.importorskip("reverie.store.postgres")
    have = {role.__name__ for role in ROLES if methods(role) <= set(dir(postgres.PostgresStore))}
    missing = {role.__name__ for role in ROLES if not methods(role) & set(dir(postgres.PostgresStore))}
    assert have == {"TraceStore", "LessonStore"}
    assert missing == set(postgres.NOT_IMPLEMENTED)  # no role half done: each is whole or absent


def test_every_method_of_the_recall_ledger_is_called_by_its_contract() -> None:
    from reverie.store.recall_ledger import RecallLedger

    text = (Path(__file__).parent / "test_ledger_contract.py").read_text()
    missing = sorted(name for name in methods(RecallLedger) if name != "close" and f".{name}(" not in text)
    assert missing == []
