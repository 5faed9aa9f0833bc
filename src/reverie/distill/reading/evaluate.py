"""Score the shipped reading model, as distill runs it, on a directory of labelled turns.

    python -m reverie.distill.reading.evaluate corpus/turns/holdout
    python -m reverie.distill.reading.evaluate --rules corpus/rules


Every turn goes through ``statements.parse_statements`` with its channel, its place in the session
and what came before it, exactly as distill reads a session; each sentence is then compared with
its label. Prints per-label precision and recall, the confusion matrix, standing recall in any
scope and in the right scope, the precision of what would become active at once, the one-offs
that would persist, whether every statement is one a reviewer could accept, and the standing recall
by the kind of lesson (instruction, fact, requirement: corpus/README.md).

``--rules``: the sentences of the rule files people commit for their agents (``corpus/rules``), each read
as if typed at the prompt: how many of the standing ones become active at once or a candidate, and how many
of the others become active. Real people's words for rules, many more than sessions hold; a rule file is
standing by where it is written, so a sentence read there as not lasting may still be a task when typed.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from reverie.distill.phrasing import path_count
from reverie.distill.reading import calibrate
from reverie.distill.reading.corpus import KINDS, Example, Turn, load_rules, load_turns, matching_quote
from reverie.distill.reading.model import Verdict
from reverie.distill.statements import ParsedStatement, Strength, parse_statements, prose_sentences
from reverie.domain.lessons import ScopeLevel

_VERDICT = {
    Strength.EXPLICIT: Verdict.ACTIVE,
    Strength.CORRECTION: Verdict.CANDIDATE,
    Strength.ONE_OFF: Verdict.ONE_OFF,
}


def read_turns(turns: list[Turn]) -> Iterator[tuple[Turn, str, ParsedStatement | None]]:
    """(turn, sentence, what distill made of it) for every sentence, in corpus order."""
    seen: set[str] = set()
    for turn in turns:
        opening = turn.session not in seen and turn.channel == "prompt"
        seen.add(turn.session)
        parsed = {
            statement.clause: statement
            for statement in parse_statements(turn.text, task_request=opening, channel=turn.channel, before=turn.before)
        }
        for sentence in prose_sentences(turn.text):
            yield turn, sentence, parsed.get(sentence)


def predicted(statement: ParsedStatement | None) -> str:
    if statement is None:
        return "none"
    if statement.strength is Strength.ONE_OFF:
        return "one_off"
    return "standing_global" if statement.scope is ScopeLevel.GLOBAL else "standing_project"


Kept = dict[str, tuple[int, int]]  # kind of lesson -> (standing sentences kept as durable, standing sentences)


def score(turns: list[Turn]) -> tuple[calibrate.Report, list[str], list[str], Kept]:
    """The report, the statements a reviewer could not accept as they stand, the mistakes (a standing
    sentence missed, or something else kept as durable), each as one line, and the standing recall
    (any scope) by kind of lesson."""
    rows: list[tuple[str, str, Verdict]] = []
    rejected: list[str] = []
    mistakes: list[str] = []
    kinds: dict[str, list[int]] = {}
    for turn, sentence, statement in read_turns(turns):
        verdict = _VERDICT[statement.strength] if statement else Verdict.NONE
        quote = matching_quote(sentence, turn.lessons)
        gold, label = quote.label if quote else "none", predicted(statement)
        rows.append((gold, label, verdict))
        if quote is not None and gold in calibrate.STANDING:
            tally = kinds.setdefault(quote.kind or "no kind", [0, 0])
            tally[0] += verdict in (Verdict.ACTIVE, Verdict.CANDIDATE)
            tally[1] += 1
        if statement is not None and not acceptable(statement.statement):
            rejected.append(statement.statement)
        if gold != label and calibrate.STANDING & {gold, label}:
            mistakes.append(f"{turn.id}  gold {gold}, read {label}: {sentence[:120]}")
    order = {kind: index for index, kind in enumerate((*KINDS, "no kind"))}
    by_kind = {kind: (kept, total) for kind, (kept, total) in sorted(kinds.items(), key=lambda item: order[item[0]])}
    return calibrate.tally(rows), rejected, mistakes, by_kind


def acceptable(statement: str) -> bool:
    """One line, one sentence that starts upper-case (or with code, a digit, an issue's number, or a
    letter of a script without case) and ends with a period (a Chinese one after Chinese; a closing quote may
    follow it), short, at most three paths."""
    first = statement[:1]
    numbered = first == "#" and statement[1:2].isdigit()  # "#271 ..."
    cased = first.isupper() or (first.isalpha() and not first.islower())
    return (
        "\n" not in statement
        and (cased or first == "`" or first.isdigit() or numbered)
        and statement.rstrip("\"')\u201d\u2019").endswith((".", "\u3002"))  # 'retire the name "the forge."'
        and len(statement.replace("`", "")) <= 160  # code spans are formatting
        and path_count(statement) <= 3
    )


def rule_sentences(rules: list[Example]) -> dict[tuple[bool, Verdict], int]:
    """How each rule-file sentence reads as a prompt: (standing by its label, verdict) -> count."""
    counts: Counter[tuple[bool, Verdict]] = Counter()
    for example in rules:
        found = parse_statements(example.sentence, before="(the agent's last words)")
        strongest = min((_VERDICT[parsed.strength] for parsed in found), key=list(Verdict).index, default=None)
        counts[(example.label.startswith("standing"), strongest or Verdict.NONE)] += 1
    return dict(counts)


def _print_rules(directories: list[Path]) -> int:
    counts = rule_sentences(load_rules(directories))
    for standing in (True, False):
        total = sum(n for (label, _), n in counts.items() if label is standing)
        read = ", ".join(f"{verdict} {counts.get((standing, verdict), 0)}" for verdict in Verdict)
        print(f"{'standing' if standing else 'other':<9} {total:>5} sentences: {read}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m reverie.distill.reading.evaluate", description=__doc__.split("\n")[0]
    )
    parser.add_argument("directories", nargs="+", type=Path, help="directories of labelled turns (*.jsonl)")
    parser.add_argument("--mistakes", type=int, default=0, metavar="N", help="print N mistakes (dev only!)")
    parser.add_argument("--rules", action="store_true", help="the directories hold rule-file sentences")
    args = parser.parse_args(argv)
    if args.rules:
        return _print_rules(args.directories)
    turns = load_turns(args.directories)
    if not turns:
        print(f"no labelled turns in {', '.join(map(str, args.directories))}", file=sys.stderr)
        return 1
    report, rejected, mistakes, by_kind = score(turns)
    print(f"{len(turns)} turns")
    print(calibrate.render(report))
    print("standing recall (kept, any scope) by kind of lesson")
    for kind, (kept, total) in by_kind.items():
        print(f"  {kind:<12} {kept / total:.2f} ({kept}/{total})")
    print(f"statements a reviewer could not accept: {len(rejected)}")
    for statement in rejected[:20]:
        print(f"  {statement}")
    for mistake in mistakes[: args.mistakes]:
        print(f"  {mistake}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
