"""Plans' rules over plain data: targets and deadlines as written, states, the share of tasks
done on time and the points it gives under the plan-completion rule."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parindex.frameworks.rules import PlanCompletionRule
from parindex.plans import rules
from parindex.plans.rules import Due, ReadTarget, TargetState, TaskFact

D = Decimal


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("100%", ReadTarget("percent", "ge", D("100"))),
        ("90%", ReadTarget("percent", "ge", D("90"))),
        ("Trên 50%", ReadTarget("percent", "gt", D("50"))),
        ("Trên 70%", ReadTarget("percent", "gt", D("70"))),
        ("Đạt từ 95% trở lên", ReadTarget("percent", "ge", D("95"))),
        ("≥ 95%", ReadTarget("percent", "ge", D("95"))),
        ("Không quá 5%", ReadTarget("percent", "le", D("5"))),
        ("Dưới 2%", ReadTarget("percent", "lt", D("2"))),
        ("12 cuộc", ReadTarget("count", "ge", D("12"))),
        ("Chỉ số xếp hạng cao hơn năm 2023", ReadTarget("rank", "better", None)),
        ("Cải thiện hơn năm 2023", ReadTarget("index", "better", None)),
        ("99,5%", ReadTarget("percent", "ge", D("99.5"))),
    ],
)
def test_targets_are_read_as_written(text, read):
    assert rules.read_target(text) == read


def test_unreadable_targets_stay_text():
    assert rules.read_target("Hoàn thành") is None
    assert rules.read_target("") is None


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("Quý I/2024", Due("quarter", dt.date(2024, 3, 31))),
        ("Quý IV/2024", Due("quarter", dt.date(2024, 12, 31))),
        ("Quý 2", Due("quarter", dt.date(2024, 6, 30))),
        ("Tháng 3/2024", Due("month", dt.date(2024, 3, 31))),
        ("Tháng 2", Due("month", dt.date(2024, 2, 29))),
        ("15/3/2024", Due("date", dt.date(2024, 3, 15))),
        ("Cả năm", Due("year", dt.date(2024, 12, 31))),
        ("Thường xuyên", Due("year", dt.date(2024, 12, 31))),
        ("Năm 2024", Due("year", dt.date(2024, 12, 31))),
    ],
)
def test_deadlines_are_read_as_written(text, due):
    assert rules.read_due(text, 2024) == due


@pytest.mark.parametrize("text", ["sớm", "Tháng 13/2024", "31/2/2024", "Quý V", ""])
def test_unreadable_deadlines(text):
    assert rules.read_due(text, 2024) is None


def test_deadline_labels_read_back():
    for text in ["Quý I/2024", "Tháng 3/2024", "15/03/2024", "Cả năm 2024"]:
        due = rules.read_due(text, 2024)
        assert due is not None
        assert due.label() == text


@pytest.mark.parametrize(
    ("direction", "value", "actual", "final", "state"),
    [
        ("gt", "90", "91", False, TargetState.ON_TRACK),
        ("gt", "90", "90", False, TargetState.AT_RISK),
        ("gt", "90", "90", True, TargetState.MISSED),
        ("ge", "90", "90", True, TargetState.MET),
        ("le", "5", "5", True, TargetState.MET),
        ("lt", "5", "5", True, TargetState.MISSED),
        ("ge", "90", None, True, TargetState.NOT_REPORTED),
    ],
)
def test_target_states(direction, value, actual, final, state):
    got = rules.target_status(
        direction, D(value), None if actual is None else D(actual), final=final
    )
    assert got == state


def test_better_than_last_year_and_ranks():
    assert rules.target_status("better", None, D("92"), baseline=D("91"), final=True) == "met"
    assert rules.target_status("better", None, D("91"), baseline=D("91"), final=True) == "missed"
    # A rank is better when smaller.
    better_rank = rules.target_status(
        "better", None, D("3"), baseline=D("5"), smaller_is_better=True, final=True
    )
    assert better_rank == TargetState.MET
    assert rules.target_status("better", None, D("3"), final=True) == TargetState.UNKNOWN


def test_latest_report_is_by_the_end_of_its_period():
    reports = [("2026-Q1", D("80")), ("2026-02", D("70")), ("2026-04", D("85"))]
    assert rules.latest(reports) == ("2026-04", D("85"))
    assert rules.latest([("2026", D("90")), ("2026-Q4", D("88"))]) == ("2026", D("90"))


DUE = dt.date(2024, 6, 30)


def fact(status: str, done_on: dt.date | None = None) -> TaskFact:
    return TaskFact(status, DUE, done_on)


def test_completion_counts_done_on_time_only():
    tasks = [
        fact("done", dt.date(2024, 6, 30)),  # on its due day: on time
        fact("done", dt.date(2024, 7, 1)),  # a day late
        fact("doing"),
        fact("cancelled"),
        fact("todo"),
    ]
    got = rules.completion(tasks)
    assert got == rules.Completion(planned=4, done=1, late=1, open=2)
    assert got.answer() == {"done": 1, "planned": 4}


def test_overdue_is_after_the_due_day_and_never_for_done_tasks():
    assert not rules.is_overdue(fact("todo"), DUE)
    assert rules.is_overdue(fact("todo"), DUE + dt.timedelta(days=1))
    assert not rules.is_overdue(fact("done", DUE), DUE + dt.timedelta(days=9))
    assert not rules.is_overdue(fact("cancelled"), DUE + dt.timedelta(days=9))


RULE = PlanCompletionRule(per_missing=D("0.15"))  # seed 003's criterion: 3 points


def points(tasks: list[TaskFact], rule: PlanCompletionRule = RULE) -> Decimal:
    return rule.score(D("3"), rules.completion(tasks).answer()).points


def test_seed_003_six_of_seven_gives_2_85():
    tasks = [fact("done", DUE)] * 6 + [fact("todo")]
    assert points(tasks) == D("2.85")


def test_plan_completion_at_its_edges():
    assert points([]) == D("0")  # no task planned: no plan was made
    assert points([], PlanCompletionRule(if_none="full")) == D("3")
    assert points([fact("done", DUE)] * 7) == D("3")
    assert points([fact("cancelled")] * 3 + [fact("done", DUE)]) == D("3")
    assert points([fact("todo")] * 20) == D("0")  # 3 − 0,15 × 20 never goes below 0
    assert points([fact("done", DUE + dt.timedelta(days=1))] * 2) == D("2.70")  # late: missing
    proportional = PlanCompletionRule()
    assert points([fact("done", DUE)] * 6 + [fact("todo")], proportional) == D("2.57")


@given(st.lists(st.sampled_from(["todo", "doing", "done", "late", "cancelled"]), max_size=30))
def test_points_stay_within_the_maximum(statuses):
    tasks = [
        fact("done", DUE + dt.timedelta(days=3)) if s == "late" else fact(s, DUE) for s in statuses
    ]
    assert D("0") <= points(tasks) <= D("3")


def test_a_deadline_before_a_day_is_that_day():
    assert rules.read_due("Trước ngày 10/01/2024", 2024) == Due("date", dt.date(2024, 1, 10))
