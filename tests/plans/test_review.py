"""The monthly review (seed 000): every sub-criterion with its expected points, its evidence and the
tasks behind it, gaps flagged; kept once a month as it was seen."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from parindex.assessments.models import Answer, AnswerDocument, AppraisalStatus
from parindex.audit.models import AuditEntry
from parindex.plans import actions, rules
from parindex.plans.models import Plan, Review, Task, TaskStatus
from parindex.plans.review import overdue_on, review_items, summary
from tests.assessments.conftest import Year, year  # noqa: F401 - the fixture, re-exported
from tests.assessments.test_cycle import complete
from tests.conftest import World
from tests.scoring.conftest import score

LEAD = "Văn phòng - Thống kê"


@dataclass
class Checked:
    year: Year
    plan: Plan
    late: Task  # 1.3.1, due 15/03/2025, not started
    done_late: Task  # 1.1.1, due 15/03/2025, done 10/05/2025
    june: Task  # 1.2.1, due in June 2025


def _day(day: dt.date) -> rules.Due:
    return rules.Due("date", day)


@pytest.fixture
def checked(world: World, year: Year) -> Checked:  # noqa: F811
    """Commune A: every criterion answered and documented, then appraised at full points but
    3.1.1 (0,5 of 1); 1.4.1 not appraised, self-assessed at 1 of 1,5; one of 2.1.2's two required
    documents not cited; plan tasks behind 1.3.1, 1.1.1 and 1.2.1."""
    complete(year.a, world.users["commune_officer"])
    score(year.a, {"3.1.1": "0.5"}, lock=False)
    Answer.objects.filter(assessment=year.a, node__code="1.4.1").update(
        appraisal_status=AppraisalStatus.PENDING, appraised_points=None, self_points="1"
    )
    second = AnswerDocument.objects.filter(
        answer__assessment=year.a, answer__node__code="2.1.2"
    ).order_by("requirement__position")[1]
    second.delete()
    plan = actions.create_plan(
        by=None, unit=world.commune_a, year=2025, title="Kế hoạch cải thiện Chỉ số CCHC 2025"
    )
    late = actions.add_task(
        plan,
        by=None,
        title="Ban hành Kế hoạch kiểm tra CCHC",
        due=_day(dt.date(2025, 3, 15)),
        node_code="1.3.1",
        lead=LEAD,
    )
    done_late = actions.add_task(
        plan,
        by=None,
        title="Ban hành Kế hoạch CCHC năm",
        due=_day(dt.date(2025, 3, 15)),
        node_code="1.1.1",
        lead=LEAD,
    )
    actions.set_task_status(
        done_late, by=None, status=TaskStatus.DONE, done_on=dt.date(2025, 5, 10)
    )
    june = actions.add_task(
        plan,
        by=None,
        title="Báo cáo CCHC 6 tháng",
        due=actions.due_of("Tháng 6", 2025),
        node_code="1.2.1",
    )
    cancelled = actions.add_task(
        plan, by=None, title="Việc đã hủy", due=_day(dt.date(2025, 1, 10)), node_code="1.2.1"
    )
    actions.set_task_status(cancelled, by=None, status=TaskStatus.CANCELLED)
    # Not commune A's 2025 plans: commune B's, and commune A's plan of another year.
    plan_b = actions.create_plan(by=None, unit=world.commune_b, year=2025, title="Của phường B")
    actions.add_task(
        plan_b, by=None, title="Việc của phường B", due=_day(dt.date(2025, 2, 1)), node_code="1.3.1"
    )
    old = actions.create_plan(by=None, unit=world.commune_a, year=2024, title="Kế hoạch 2024")
    actions.add_task(
        old, by=None, title="Việc năm 2024", due=_day(dt.date(2024, 2, 1)), node_code="1.3.1"
    )
    return Checked(year, plan, late, done_late, june)


def _by_code(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {i["code"]: i for i in items}


def test_one_item_per_sub_criterion_in_the_framework_order(
    world: World, checked: Checked, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(6):
        items = review_items(checked.year.cycle, world.commune_a, "2025-04")
    assert len(items) == 48
    assert [i["code"] for i in items[:3]] == ["1.1.1", "1.1.2", "1.2.1"]
    assert items[-1]["code"] == "9.1"
    assert items[0]["field"] == "1"
    assert json.loads(json.dumps(items)) == items  # plain data: kept as it is in Review.items
    item = _by_code(items)["2.2.1"]
    assert item == item | {
        "max": "1.00",
        "points": "1.00",
        "basis": "appraised",
        "full": True,
        "tasks": [],
        "flag": "ok",
        "reasons": [],
    }
    assert item["evidence"]["missing"] == []
    assert item["evidence"]["cited"] == ["Kế hoạch theo dõi tình hình thi hành pháp luật"]


def test_gaps_are_flagged_with_their_reasons(world: World, checked: Checked) -> None:
    items = _by_code(review_items(checked.year.cycle, world.commune_a, "2025-04"))
    below = items["3.1.1"]  # appraised below its maximum
    assert (below["points"], below["max"], below["full"]) == ("0.50", "1.00", False)
    assert (below["flag"], below["reasons"]) == ("gap", ["points"])
    self_assessed = items["1.4.1"]  # not appraised: its self-assessed points
    assert (self_assessed["points"], self_assessed["basis"]) == ("1.00", "self")
    assert self_assessed["reasons"] == ["points"]
    missing = items["2.1.2"]  # a required document not cited
    assert missing["evidence"]["missing"] == ["Báo cáo kết quả rà soát, hệ thống hóa văn bản QPPL"]
    assert len(missing["evidence"]["cited"]) == 1
    assert (missing["flag"], missing["reasons"]) == ("gap", ["documents"])
    overdue = items["1.3.1"]  # a task behind it overdue at the end of April
    assert (overdue["flag"], overdue["reasons"]) == ("gap", ["tasks"])
    assert overdue["tasks"] == [
        {
            "title": "Ban hành Kế hoạch kiểm tra CCHC",
            "status": "todo",
            "due": "15/03/2025",
            "due_on": "2025-03-15",
            "done_on": None,
            "overdue": True,
            "lead": LEAD,
            "plan": "Kế hoạch cải thiện Chỉ số CCHC 2025",
            "plan_id": checked.plan.pk,
        }
    ]  # not commune B's task, not the 2024 plan's
    june = items["1.2.1"]  # due in June: not overdue in April; the cancelled task left out
    assert [(t["title"], t["due"], t["overdue"]) for t in june["tasks"]] == [
        ("Báo cáo CCHC 6 tháng", "Tháng 6/2025", False)
    ]
    assert june["flag"] == "ok"
    gaps = sorted(code for code, i in items.items() if i["flag"] == "gap")
    assert gaps == ["1.1.1", "1.3.1", "1.4.1", "2.1.2", "3.1.1"]
    line = summary(list(items.values()))
    assert (line["count"], line["gaps"], line["overdue_tasks"]) == (48, 5, 2)
    assert line["points"] == Decimal("99")  # 3.1.1 and 1.4.1 lose 0,5 each


def test_tasks_are_overdue_as_of_the_end_of_the_month_reviewed(
    world: World, checked: Checked
) -> None:
    """1.1.1's task was due 15/03 and done 10/05: overdue in April, not in June."""
    april = _by_code(review_items(checked.year.cycle, world.commune_a, "2025-04"))["1.1.1"]
    assert april["tasks"][0]["overdue"] is True
    assert april["reasons"] == ["tasks"]
    june = _by_code(review_items(checked.year.cycle, world.commune_a, "2025-06"))["1.1.1"]
    assert june["tasks"][0]["overdue"] is False
    assert june["flag"] == "ok"
    march = _by_code(review_items(checked.year.cycle, world.commune_a, "2025-02"))["1.3.1"]
    assert march["flag"] == "ok"  # not yet due in February
    due = dt.date(2025, 3, 15)
    assert overdue_on("todo", due, None, due) is False  # due that day: not overdue yet
    assert overdue_on("doing", due, None, due + dt.timedelta(days=1)) is True
    assert overdue_on("done", due, due, dt.date(2025, 4, 30)) is False
    assert overdue_on("cancelled", due, None, dt.date(2025, 4, 30)) is False


def test_an_unanswered_criterion_is_a_gap(world: World, year: Year) -> None:  # noqa: F811
    items = review_items(year.cycle, world.commune_b, "2025-04")
    assert len(items) == 48
    first = items[0]
    assert (first["points"], first["basis"], first["full"]) == (None, "missing", False)
    assert first["reasons"] == ["unanswered", "documents"]
    assert first["evidence"]["missing"] == ["Kế hoạch CCHC năm"]
    assert items[-1]["evidence"] == {"cited": [], "missing": [], "optional": 0, "documents": 0}


def _url(checked: Checked, month: str = "2025-04") -> str:
    return reverse("plans:review", args=[checked.year.cycle.pk, "91001"]) + f"?thang={month}"


def test_the_page_shows_the_checklist_in_vietnamese(world: World, checked: Checked) -> None:
    client = Client()
    client.force_login(world.users["commune_officer"])
    page = client.get(_url(checked)).content.decode()
    with translation.override("vi"):
        assert str(translation.gettext("Monthly review")) in page
        assert translation.gettext("Month %(month)s") % {"month": "4/2025"} in page
    assert 'lang="vi"' in page
    for heading in ("Tiêu chí thành phần", "Tài liệu kiểm chứng", "Đạt điểm tối đa"):
        assert heading in page
    assert "Ban hành Kế hoạch CCHC năm đúng thời hạn" in page  # the criteria, as the framework
    assert "Báo cáo kết quả rà soát, hệ thống hóa văn bản QPPL" in page  # the missing document
    assert "Ban hành Kế hoạch kiểm tra CCHC" in page  # the task behind 1.3.1
    assert "Tháng 6/2025" in page  # a due month as the plans write it
    assert page.count('<tr class="gap"') == 5
    assert page.count('<tr class="ok"') == 43
    only = client.get(_url(checked) + "&chi-thieu=1").content.decode()
    assert only.count('<tr class="gap"') == 5
    assert '<tr class="ok"' not in only
    assert "Báo cáo CCHC 6 tháng" not in only  # 1.2.1 is ok


def test_saving_twice_the_same_month_replaces_the_review(world: World, checked: Checked) -> None:
    client = Client()
    client.force_login(world.users["commune_officer"])
    url = reverse("plans:review", args=[checked.year.cycle.pk, "91001"])
    tampered = [{"code": "1.1.1", "flag": "ok"}]
    response = client.post(
        url, {"thang": "2025-04", "note": "Bổ sung báo cáo 2.1.2.", "items": json.dumps(tampered)}
    )
    saved_url = reverse("plans:review_saved", args=[checked.year.cycle.pk, "91001", "2025-04"])
    assert response.status_code == 302
    assert response["Location"] == saved_url
    review = Review.objects.get()
    assert (review.month, review.note, review.created_by) == (
        "2025-04",
        "Bổ sung báo cáo 2.1.2.",
        world.users["commune_officer"],
    )
    assert len(review.items) == 48  # computed on the server, never taken from the form
    assert sum(1 for i in review.items if i["flag"] == "gap") == 5
    # The task is done since: the review saved keeps April as it was seen.
    actions.set_task_status(
        checked.late, by=None, status=TaskStatus.DONE, done_on=dt.date(2025, 6, 1)
    )
    client.force_login(world.users["commune_leader"])
    client.post(url, {"thang": "2025-04", "note": "Đã rà soát lại."})
    review = Review.objects.get()  # still one review for April
    assert (review.note, review.created_by) == ("Đã rà soát lại.", world.users["commune_leader"])
    assert AuditEntry.objects.filter(action="review.save").count() == 2
    shown = client.get(saved_url).content.decode()
    assert "Đã rà soát lại." in shown
    assert shown.count('<tr class="gap"') == 5  # the 1.3.1 task done in June: still late in April
    # another month is another review
    client.post(url, {"thang": "2025-05", "note": ""})
    assert sorted(Review.objects.values_list("month", flat=True)) == ["2025-04", "2025-05"]
    page = client.get(_url(checked)).content.decode()
    assert saved_url in page  # the reviews kept are listed


def test_a_bad_month_is_refused_and_others_cannot_save(world: World, checked: Checked) -> None:
    url = reverse("plans:review", args=[checked.year.cycle.pk, "91001"])
    client = Client()
    client.force_login(world.users["commune_officer"])
    client.post(url, {"thang": "2025-13", "note": "x"})
    assert not Review.objects.exists()
    viewer = Client()
    viewer.force_login(world.users["viewer"])  # reads the province's communes, saves nothing
    assert viewer.get(url).status_code == 200
    assert viewer.post(url, {"thang": "2025-04"}).status_code == 403
    officer_b = Client()
    officer_b.force_login(world.users["officer_b"])
    assert officer_b.get(url).status_code == 404  # another commune's review
    assert officer_b.post(url, {"thang": "2025-04"}).status_code == 404
    assert not Review.objects.exists()
    missing = reverse("plans:review_saved", args=[checked.year.cycle.pk, "91001", "2025-04"])
    assert client.get(missing).status_code == 404
