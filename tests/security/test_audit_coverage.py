"""Answers, points, locks, publications and the plan figures that feed scores change only through
the services that audit them.

The project's source is walked (ast): every call that writes — save, update, create, bulk_create,
bulk_update, delete, get_or_create, update_or_create — on a score-deciding model (by its class, a
related manager of it, or a variable named after it) must sit in an audited service module, inside
a function that itself calls `record()` (the audit trail). The few exceptions are listed with the
reason. Then each service is run and must have written its audit entry. A new write path anywhere
else fails the first test, naming the file and line.
"""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.utils import timezone

from parindex.audit.models import AuditEntry
from tests.conftest import World
from tests.scoring.conftest import scored, year  # noqa: F401 - fixtures

SOURCE = Path(settings.BASE_DIR) / "parindex"

# The score-deciding models (app label, model name).
PROTECTED = {
    ("assessments", "Answer"),  # answers and their self-assessed and appraised points
    ("assessments", "Assessment"),  # submission, reopening, locks
    ("assessments", "Cycle"),  # closing the self-assessment, the calendar
    ("assessments", "AnswerDocument"),  # evidence cited for a criterion
    ("scoring", "Publication"),  # published results
    ("scoring", "PublishedUnit"),  # published totals and ranks
    ("plans", "Task"),  # task status: feeds the plan-implementation criterion
    ("plans", "TargetReport"),  # reported target values: feed the index
}
# How code refers to them besides the class: related managers and usual variable names.
RELATED_NAMES = {"answers", "assessments", "publications", "units", "tasks", "reports"}
VARIABLE_NAMES = {
    *("answer", "assessment", "publication", "pub", "cycle", "task", "report"),
    "locked",  # a row re-read under select_for_update
}
WRITES = {
    "save",
    "update",
    "create",
    "bulk_create",
    "bulk_update",
    "delete",
    "get_or_create",
    "update_or_create",
}

# Modules allowed to write them: each writes the audit entry with the change.
AUDITED_SERVICES = {
    "assessments/actions.py",
    "plans/actions.py",
    "scoring/services.py",
    "awards/actions.py",  # its `locked` rows are nominations (not scores), audited all the same
}
# Writes that are not changes of a score, each with its reason (module, function).
NOT_SCORE_CHANGES = {
    # the fingerprint of a version being prepared, inside prepare_publication's audited step
    ("scoring/integrity.py", "seal"),
    # the day a task's reminder went out (not its status)
    ("plans/reminders.py", "send_task_reminders"),
}
# Demo and benchmark data: written by management commands on an empty database, never at run time.
SET_UP_MODULES = {"scoring/demo.py", "core/bench/generator.py", "plans/demo.py"}


def _chain(node: ast.AST) -> list[str]:
    names: list[str] = []
    while True:
        if isinstance(node, ast.Attribute):
            names.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Subscript):
            node = node.value
        elif isinstance(node, ast.Name):
            names.append(node.id)
            return list(reversed(names))
        else:
            return list(reversed(names))


def _writes(tree: ast.AST, model_names: set[str]) -> list[tuple[int, str, str]]:
    """(line, receiver, method) of each write on a protected model, with its enclosing function."""
    found = []
    functions: list[tuple[int, int, str, bool]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            calls_record = any(
                isinstance(n, ast.Call) and _chain(n.func)[-1:] == ["record"]
                for n in ast.walk(node)
            )
            functions.append((node.lineno, node.end_lineno or node.lineno, node.name, calls_record))
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in WRITES
        ):
            continue
        chain = _chain(node.func.value)
        if not chain:
            continue
        hit = (
            chain[0] in model_names
            or any(name in RELATED_NAMES for name in chain[1:])
            or (len(chain) == 1 and chain[0] in VARIABLE_NAMES)
        )
        if not hit:
            continue
        enclosing = [f for f in functions if f[0] <= node.lineno <= f[1]]
        # the innermost function decides
        name, audited = ("<module>", False)
        if enclosing:
            innermost = max(enclosing, key=lambda f: f[0])
            name, audited = innermost[2], innermost[3]
        found.append((node.lineno, f"{'.'.join(chain)}.{node.func.attr}", f"{name}|{audited}"))
    return found


def _all_writes() -> list[tuple[str, int, str, str, bool]]:
    model_names = {name for _app, name in PROTECTED}
    rows = []
    for path in sorted(SOURCE.rglob("*.py")):
        relative = path.relative_to(SOURCE).as_posix()
        if "/migrations/" in f"/{relative}" or "/management/" in f"/{relative}":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for line, receiver, where in _writes(tree, model_names):
            function, audited = where.split("|")
            rows.append((relative, line, receiver, function, audited == "True"))
    return rows


def test_the_protected_models_exist() -> None:
    for app_label, name in PROTECTED:
        assert apps.get_model(app_label, name) is not None


def test_every_write_of_a_score_is_in_an_audited_service() -> None:
    offenders = []
    for module, line, receiver, function, audited in _all_writes():
        if module in SET_UP_MODULES or (module, function) in NOT_SCORE_CHANGES:
            continue
        if module not in AUDITED_SERVICES:
            offenders.append(f"{module}:{line} {receiver} (outside the audited services)")
        elif not audited:
            offenders.append(f"{module}:{line} {receiver} in {function}() which records no audit")
    assert not offenders, "Unaudited write paths:\n" + "\n".join(offenders)


def test_the_walk_finds_the_known_write_paths() -> None:
    """The walk itself works: it sees the services' writes (a walk that saw nothing would pass)."""
    seen = {(module, function) for module, _line, _r, function, _a in _all_writes()}
    for expected in [
        ("assessments/actions.py", "record_answer_change"),
        ("assessments/actions.py", "lock_assessment"),
        ("scoring/services.py", "prepare_publication"),
        ("scoring/services.py", "_transition"),
        ("plans/actions.py", "set_task_status"),
    ]:
        assert expected in seen, expected


def test_the_walk_catches_an_unaudited_write() -> None:
    tree = ast.parse(
        "def sneaky(pk):\n"
        "    Answer.objects.filter(pk=pk).update(appraised_points=10)\n"
        "def fine(answer, by):\n"
        "    answer.save()\n"
        "    record(actor=by, action='score.change', obj=answer)\n"
    )
    writes = _writes(tree, {"Answer"})
    assert [(line, where) for line, _r, where in writes] == [(2, "sneaky|False"), (4, "fine|True")]


# --- each audited service writes its audit entry --------------------------------------------------


def _entries(action: str) -> int:
    return AuditEntry.objects.filter(action=action).count()


@pytest.mark.django_db
def test_a_publication_s_every_step_is_audited(world: World, scored: object) -> None:  # noqa: F811
    from parindex.scoring import services

    cycle = scored.cycle  # type: ignore[attr-defined]
    before = _entries("publish")
    publication = services.prepare_publication(cycle, by=world.users["secretariat"])
    services.approve_publication(publication, by=world.users["council"], decision="NQ 1")
    services.publish(publication, by=world.users["secretariat"])
    entries = AuditEntry.objects.filter(action="publish").order_by("pk")
    assert entries.count() == before + 3
    assert [e.new_value["state"] for e in entries][-3:] == ["awaiting", "approved", "published"]
    assert entries.first().new_value["sha256"] == publication.sha256  # type: ignore[union-attr]


@pytest.mark.django_db
def test_an_answer_change_is_audited(world: World, year: object) -> None:  # noqa: F811
    from parindex.assessments import actions
    from parindex.assessments.models import Answer

    answer = Answer.objects.filter(assessment=year.a).first()  # type: ignore[attr-defined]
    assert answer is not None
    before = _entries("score.change")
    actions.record_answer_change(
        answer,
        by=world.users["commune_officer"],
        old={"points": None},
        new={"points": "1.00"},
    )
    assert _entries("score.change") == before + 1


@pytest.mark.django_db
def test_a_task_status_change_is_audited(world: World) -> None:
    from parindex.plans import actions as plans
    from parindex.plans import rules

    plan = plans.create_plan(
        by=world.users["commune_officer"], unit=world.commune_a, year=2025, title="Kế hoạch"
    )
    task = plans.add_task(
        plan, by=None, title="Số hóa", due=rules.Due("date", dt.date(2025, 12, 1))
    )
    before = _entries("task.change")
    plans.set_task_status(task, by=world.users["commune_officer"], status="doing")
    assert _entries("task.change") == before + 1


@pytest.mark.django_db
def test_locking_and_unlocking_a_result_are_audited(
    world: World,
    scored: object,  # noqa: F811
) -> None:
    from parindex.assessments import actions
    from parindex.assessments.models import Assessment, Status

    assessment = Assessment.objects.get(pk=scored.a.pk)  # type: ignore[attr-defined]
    assert assessment.status == Status.LOCKED
    before = (_entries("lock"), _entries("unlock"))
    actions.unlock_assessment(assessment, by=world.users["secretariat"], reason="Sửa điểm")
    assessment.refresh_from_db()
    actions.lock_assessment(assessment, by=world.users["secretariat"])
    assert (_entries("lock"), _entries("unlock")) == (before[0] + 1, before[1] + 1)
    assert Assessment.objects.get(pk=assessment.pk).locked_at <= timezone.now()  # type: ignore[operator]
