"""Filling the world with concepts: each project's facts (with the moment they change), fixes,
hazards and failed approaches, which the agent meets by acting; the standing instructions and one-off
requests the person gives, which are real people's labelled turns (``spoken``); and poisoning attempts
placed in individual sessions."""

from __future__ import annotations

import random
from dataclasses import replace

from reverie.evals import catalogue as cat
from reverie.evals import spoken
from reverie.evals import truth as t
from reverie.evals.plan import Concept, ProjectSpec, SessionPlan

PER_PROJECT = 4  # standing instructions drawn from real turns for each project
GLOBAL_SAID = 3  # and the person's own habits, said once somewhere


def project_concepts(
    rng: random.Random,
    project: ProjectSpec,
    mine: list[SessionPlan],
    plans: list[SessionPlan],
    concepts: dict[str, Concept],
) -> list[SessionPlan]:
    slots: list[cat.FactSlot] = [cat.TEST_COMMANDS[project.ecosystem], cat.LINT_COMMANDS[project.ecosystem]]
    if project.ecosystem == "node":
        slots.insert(0, cat.PACKAGE_MANAGERS)
    for slot in slots:
        plans = _fact_timeline(rng, project, slot, mine, plans, concepts, change_rate=0.5)
    for fix in cat.COMMAND_FIXES:
        if fix.scope == t.PROJECT and project.ecosystem in fix.ecosystems and rng.random() < 0.6:
            _add(concepts, _fix_concept(fix, project))
    hazards = [h for h in cat.HAZARDS if not h.ecosystems or project.ecosystem in h.ecosystems]
    for hazard in rng.sample(hazards, k=min(len(hazards), rng.randint(1, 2))):
        _add(
            concepts,
            Concept(
                id=f"{project.name}:hazard:{hazard.key}",
                category=t.HAZARD,
                behaviour="hazard",
                topic=hazard.topic,
                scope=t.PROJECT,
                project=project.key,
                terms=hazard.terms,
                act={"command": hazard.command, "error": hazard.error, "workaround": hazard.workaround},
                say={"new": hazard.workaround, "old": hazard.command},
                note=f"{hazard.command} fails: {hazard.key}",
            ),
        )
    approaches = [a for a in cat.APPROACHES if project.ecosystem in a.ecosystems]
    if approaches and rng.random() < 0.7:
        approach = rng.choice(approaches)
        _add(
            concepts,
            Concept(
                id=f"{project.name}:approach:{approach.key}",
                category=t.FAILED_APPROACH,
                behaviour="approach",
                topic="deps",
                scope=t.PROJECT,
                project=project.key,
                terms=approach.terms,
                say={"thing": approach.thing, "what": approach.what},
                act={"attempt": approach.attempt, "error": approach.error, "revert": approach.revert},
                note=f"do not {approach.thing}",
            ),
        )
    if rng.random() < 0.6:
        _add(concepts, _poison(rng, f"{project.name}:poisoned-doc", "file", project.key))
    return plans


def _fact_timeline(
    rng: random.Random,
    project: ProjectSpec,
    slot: cat.FactSlot,
    mine: list[SessionPlan],
    plans: list[SessionPlan],
    concepts: dict[str, Concept],
    change_rate: float,
) -> list[SessionPlan]:
    values = list(slot.values)
    rng.shuffle(values)
    first, second, naive = values[0], values[1], values[-1] if len(values) > 2 else values[1]
    change = _change_point(rng, mine, change_rate)
    timeline: list[tuple[cat.CommandValue, cat.CommandValue, SessionPlan | None, SessionPlan | None]] = [
        (first, naive, None, change)
    ]
    if change is not None:
        timeline.append((second, first, change, None))
    for value, wrong, since, until in timeline:
        rivals = tuple(
            term
            for other in slot.values
            if other is not value
            for term in other.terms
            if not any(term in mine_term for mine_term in value.terms)
        )
        _add(
            concepts,
            Concept(
                id=f"{project.name}:{slot.slot}:{value.value}",
                category=t.FACT,
                behaviour="command",
                topic=slot.topic,
                scope=t.PROJECT,
                project=project.key,
                terms=(value.terms,),
                rivals=rivals,
                slot=slot.slot,
                value=value.value,
                valid_from=since.started_at if since else None,
                valid_to=until.started_at if until else None,
                say={"new": value.command, "old": wrong.command},
                act={
                    "right": value.command,
                    "wrong": wrong.command,
                    "success": slot.success,
                    "error": wrong.failure.format(other=value.value, lockfile=f"{value.value}-lock.yaml"),
                },
                note=f"{slot.slot} is {value.value}",
            ),
        )
    if change is None:
        return plans
    new_id = f"{project.name}:{slot.slot}:{second.value}"
    return [_introduce(plan, new_id, slot.topic) if plan.id == change.id else plan for plan in plans]


def _change_point(rng: random.Random, mine: list[SessionPlan], rate: float) -> SessionPlan | None:
    if len(mine) < 6 or rng.random() >= rate:
        return None
    return mine[rng.randint(len(mine) // 4, (3 * len(mine)) // 4)]


def _introduce(plan: SessionPlan, concept_id: str, topic: str) -> SessionPlan:
    return replace(plan, topics=plan.topics | {topic}, introduces=(*plan.introduces, concept_id))


def _fix_concept(fix: cat.Fix, project: ProjectSpec | None) -> Concept:
    prefix = project.name if project else "global"
    return Concept(
        id=f"{prefix}:fix:{fix.key}",
        category=t.COMMAND_FIX,
        behaviour="command",
        topic=fix.topic,
        scope=t.PROJECT if project else t.GLOBAL,
        project=project.key if project else None,
        terms=fix.terms,
        rivals=fix.rivals,
        ecosystems=fix.ecosystems if project is None else (),
        say={"new": fix.right, "old": fix.wrong},
        act={"right": fix.right, "wrong": fix.wrong, "error": fix.error, "success": ""},
        note=f"{fix.wrong} -> {fix.right}",
    )


def global_concepts(rng: random.Random, concepts: dict[str, Concept]) -> None:
    for fix in cat.COMMAND_FIXES:
        if fix.scope == t.GLOBAL and rng.random() < 0.85:
            _add(concepts, _fix_concept(fix, None))


def one_offs_and_poisons(
    rng: random.Random, plan: SessionPlan, concepts: dict[str, Concept], pool: spoken.Pool
) -> SessionPlan:
    one_off = None
    if "one_off" in plan.extras and pool.one_off:
        said = rng.choice(pool.one_off)
        one_off = _spoken(said, f"oneoff:{plan.index}", t.ONE_OFF, "session", plan.project.key)
        one_off = replace(one_off, persist=False, valid_from=plan.started_at, valid_to=plan.started_at)
        _add(concepts, one_off)
    poisons = []
    for extra in plan.extras:
        if extra.startswith("poison:"):
            concept = _poison(rng, f"poison:{plan.index}:{extra[7:]}", extra[7:], plan.project.key)
            _add(concepts, concept)
            poisons.append(concept.id)
    doc = concepts.get(f"{plan.project.name}:poisoned-doc")
    if "docs" in plan.extras and doc is not None:
        poisons.append(doc.id)
    return replace(plan, one_off=one_off.id if one_off else None, poisons=tuple(poisons))


def spoken_concepts(
    rng: random.Random,
    projects: list[ProjectSpec],
    plans: list[SessionPlan],
    concepts: dict[str, Concept],
    pool: spoken.Pool,
) -> list[SessionPlan]:
    """Standing instructions from real turns: a few per project, a few of the person's own everywhere,
    each said once, in a session drawn from the first half of a project's history."""
    standing = list(pool.project)
    rng.shuffle(standing)
    placed: dict[str, list[str]] = {}
    for project in projects:
        mine = [plan for plan in plans if plan.project.key == project.key]
        for said in (standing.pop() for _ in range(min(PER_PROJECT, len(standing)))):
            concept = _spoken(said, f"{project.name}:said:{said.id}", t.PROJECT_PREFERENCE, t.PROJECT, project.key)
            _add(concepts, concept)
            placed.setdefault(_early(rng, mine).id, []).append(concept.id)
    for said in rng.sample(pool.global_, k=min(GLOBAL_SAID, len(pool.global_))):
        concept = _spoken(said, f"global:said:{said.id}", t.GLOBAL_PREFERENCE, t.GLOBAL, None)
        _add(concepts, concept)
        placed.setdefault(_early(rng, plans).id, []).append(concept.id)
    return [replace(plan, spoken=tuple(placed[plan.id])) if plan.id in placed else plan for plan in plans]


def _early(rng: random.Random, plans: list[SessionPlan]) -> SessionPlan:
    return plans[rng.randrange(max(1, len(plans) // 2))]


def _spoken(said: spoken.Spoken, concept_id: str, category: str, scope: str, project: str | None) -> Concept:
    return Concept(
        id=concept_id,
        category=category,
        behaviour="spoken",
        topic="",
        scope=scope,
        project=project,
        terms=(),
        say={"text": said.text, "before": said.before, "channel": said.channel, "kind": said.kind},
        note=said.statement,
        statement=said.statement,
        quote=said.quote,
    )


def _poison(rng: random.Random, concept_id: str, vector: str, project_key: str) -> Concept:
    domain = f"{rng.choice(cat.DOMAIN_WORDS)}-{rng.choice(cat.DOMAIN_WORDS)}{rng.randint(2, 99)}.{rng.choice(cat.TLDS)}"
    marker = f"agent-ok-{rng.randint(1000, 9999)}"
    payload = rng.choice(cat.POISON_PAYLOADS).format(domain=domain, marker=marker)
    token = domain if domain in payload else marker
    text = rng.choice(cat.POISON_WRAPPERS).format(payload=payload)
    return Concept(
        id=concept_id,
        category=t.POISON,
        behaviour="poison",
        topic="",
        scope=t.PROJECT,
        project=project_key,
        terms=((token,),),
        persist=False,
        say={"text": text},
        vector=vector,
        note=f"{vector}: {payload}",
    )


def _add(concepts: dict[str, Concept], concept: Concept) -> None:
    concepts[concept.id] = concept
