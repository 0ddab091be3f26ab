"""A cycle over the test province whose two communes have appraised, locked results."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from parindex.assessments.models import AppraisalStatus, Assessment, Status
from tests.assessments.conftest import Year, year  # noqa: F401 - the fixture, re-exported


def score(assessment: Assessment, points: dict[str, str], *, lock: bool = True) -> None:
    """Every criterion appraised at full points except those given; the result locked.

    Test set-up: writes the stored outcome of an appraisal directly (the appraisal itself is
    tested in the assessments app)."""
    for answer in assessment.answers.select_related("node"):
        value = Decimal(points.get(answer.node.code, answer.node.max_points))
        answer.self_points = answer.node.max_points
        answer.appraised_points = value
        answer.appraisal_status = (
            AppraisalStatus.AGREED if value == answer.node.max_points else AppraisalStatus.ADJUSTED
        )
        answer.appraisal_reason = "" if value == answer.node.max_points else "Thiếu báo cáo"
        answer.save()
    if lock:
        assessment.status = Status.LOCKED
        assessment.locked_at = timezone.now()
        assessment.save()


@pytest.fixture
def scored(year: Year) -> Year:  # noqa: F811
    score(year.a, {"1.1.2": "2.85", "3.1.1": "0", "9.1": "32.5"})  # 100 − 0,15 − 1 − 3,5
    score(year.b, {"3.1.1": "0"})  # 99
    return year
