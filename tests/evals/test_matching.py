from __future__ import annotations

from dataclasses import replace

import pytest

from reverie.evals.matching import Classifier, asserted, matches, normalise
from tests.evals.builders import item

PNPM = item("pnpm", ("pnpm",), rivals=("yarn", "npm"))
YARN = item("yarn", ("yarn",), rivals=("pnpm", "npm"))


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        ("Use `pnpm`, not `yarn`.", {"pnpm"}),
        ("use pnpm instead of yarn in this repo", {"pnpm"}),
        ("We switched from yarn to pnpm", {"pnpm"}),
        ("replaced yarn with pnpm", {"pnpm"}),
        ("This repo uses yarn.", {"yarn"}),
        ("`yarn` fails here; use `pnpm`", {"pnpm"}),
        ("Use `here`, not `pnpm`", set()),  # names pnpm only to reject it
        ("yarn and pnpm both work", set()),  # asserts two values of one slot: ambiguous
        ("run the tests with make check", set()),
        ("pnpm-lock.yaml is committed", set()),  # a whole token, not a prefix
        ('pnpm rather than "yarn" please', {"pnpm"}),  # quotes do not hide a negation
        ("quit using yarn, pnpm only", {"pnpm"}),
    ],
)
def test_a_statement_matches_the_value_it_asserts(statement: str, expected: set[str]) -> None:
    assert {i.id for i in (PNPM, YARN) if matches(statement, i)} == expected


def test_negation_reads_the_first_occurrence_and_its_clause() -> None:
    assert not asserted(normalise("`gotestsum` is not installed here"), "gotestsum")
    assert not asserted(normalise("never edit db/migrations"), "db/migrations")
    assert asserted(normalise("db/migrations is generated, never edit it"), "db/migrations")
    assert asserted(normalise("Instead, use pnpm"), "pnpm")


def test_dots_inside_a_command_and_placeholders_do_not_hide_a_failure() -> None:
    assert not asserted(normalise("`go test ./...` fails here (an error); use `x` instead"), "go test")
    assert not asserted(normalise("`go test <file>` fails here; use `go test -tags=integration <file>`"), "go test")
    assert asserted(normalise("run the tests with `go test ./...`. Then lint."), "go test")


def test_a_flag_is_named_by_its_name() -> None:
    heap = item("heap", ("max-old-space-size",), category="hazard")
    assert matches("use `NODE_OPTIONS=--max-old-space-size=4096 make build` instead", heap)
    assert not matches("use `NODE_OPTIONS=--max-old-space-sizes=4096`", heap)


def test_items_without_rivals_only_need_their_terms_named() -> None:
    hazard = item("port", ("5432", "port is already allocated"), category="hazard")
    assert matches("`docker compose up` has failed here: port is already allocated", hazard)
    assert not matches("docker compose up works", hazard)


def test_every_group_of_terms_is_required() -> None:
    approach = item("eslint9", ("eslint",), category="failed_approach")
    approach = replace(approach, matcher=replace(approach.matcher, terms=(("eslint",), ("9", "v9"))))
    assert matches("do not upgrade eslint to v9", approach)
    assert not matches("eslint is the linter", approach)


def test_the_classifier_remembers_each_statement() -> None:
    classifier = Classifier([PNPM, YARN])
    assert classifier.items_for("use pnpm") == ("pnpm",)
    assert classifier.items_for("use pnpm") is classifier.items_for("use pnpm")
