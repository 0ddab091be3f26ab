"""Reminders before the cycle's deadlines, in the app and by e-mail (a background task).

Sent 7, 3 and 1 days before a deadline, once each (the notification's key makes a rerun send
nothing twice):
- the self-assessment deadline: officers and leaders of communes that have not submitted;
- the appraisal deadline: assigned appraisers with criteria still to appraise;
- the end of the explanation window: officers and leaders of communes with an adjustment or a
  question not yet explained.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.urls import reverse

from parindex.accounts.models import Role, RoleGrant, User
from parindex.assessments.models import AppraisalStatus, Assessment, Assignment, Cycle, Status
from parindex.notifications.actions import notify

DAYS_BEFORE = (7, 3, 1)


def _commune_people(unit_id: int, day: dt.date) -> list[User]:
    grants = RoleGrant.objects.active(day).filter(
        unit_id=unit_id, role__in=[Role.COMMUNE_OFFICER, Role.COMMUNE_LEADER]
    )
    return list(User.objects.filter(grants__in=grants).distinct())


def deadline_reminders(day: dt.date) -> int:
    """Send the reminders due on `day`; returns how many notifications were created."""
    sent = 0
    dates = [day + dt.timedelta(days=n) for n in DAYS_BEFORE]
    for cycle in Cycle.objects.filter(self_deadline__in=dates, self_closed_at__isnull=True):
        left = (cycle.self_deadline - day).days
        for assessment in cycle.assessments.filter(status=Status.DRAFT).select_related("unit"):
            sent += notify(
                users=_commune_people(assessment.unit_id, day),
                key=f"self:{assessment.pk}:{left}",
                title=f"Còn {left} ngày để gửi tự đánh giá",
                body=(
                    f"{assessment.unit.name}: hạn gửi kết quả tự đánh giá {cycle.name} là "
                    f"{cycle.self_deadline:%d/%m/%Y}."
                ),
                url=reverse("assessments:assessment", args=[assessment.pk]),
            )
    for cycle in Cycle.objects.filter(appraisal_deadline__in=dates):
        left = (cycle.appraisal_deadline - day).days
        for assignment in Assignment.objects.filter(cycle=cycle).select_related(
            "appraiser", "unit"
        ):
            found = Assessment.objects.filter(cycle=cycle, unit=assignment.unit).first()
            if found is None or found.status != Status.APPRAISING:
                continue
            pending = found.answers.filter(appraisal_status=AppraisalStatus.PENDING).exclude(
                node__source__startswith="survey"
            )
            if not any(
                assignment.covers(code) for code in pending.values_list("node__code", flat=True)
            ):
                continue
            sent += notify(
                users=[assignment.appraiser],
                key=f"appraise:{found.pk}:{left}",
                title=f"Còn {left} ngày để thẩm định",
                body=f"{found.unit.name}: hạn thẩm định {cycle.appraisal_deadline:%d/%m/%Y}.",
                url=reverse("assessments:assessment", args=[found.pk]),
            )
    for cycle in Cycle.objects.filter(explanation_to__in=dates):
        left = (cycle.explanation_to - day).days  # type: ignore[operator]
        waiting = (
            cycle.assessments.filter(
                Q(
                    answers__appraisal_status__in=[
                        AppraisalStatus.ADJUSTED,
                        AppraisalStatus.QUESTIONED,
                    ]
                ),
                Q(answers__explanation=""),
            )
            .exclude(status=Status.LOCKED)
            .distinct()
            .select_related("unit")
        )
        for assessment in waiting:
            sent += notify(
                users=_commune_people(assessment.unit_id, day),
                key=f"explain:{assessment.pk}:{left}",
                title=f"Còn {left} ngày để giải trình",
                body=(
                    f"{assessment.unit.name}: có tiêu chí bị điều chỉnh hoặc cần giải trình; hạn "
                    f"giải trình {cycle.explanation_to:%d/%m/%Y}."
                ),
                url=reverse("assessments:assessment", args=[assessment.pk]),
            )
    return sent
