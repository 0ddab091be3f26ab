"""The demo's published results: 2023 of Huyện Thanh Miện, 2025 of Hải Phòng with a correction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from statistics import median

from parindex.assessments.models import Answer, AppraisalStatus, Assessment, Cycle, Status
from parindex.audit.models import AuditAction, AuditEntry
from parindex.core.demo import load_demo
from parindex.frameworks.rules import parse_rule, round_points
from parindex.orgunits.models import Succession, Unit
from parindex.scoring import services
from parindex.scoring.demo import load_demo_results
from parindex.scoring.models import Publication, PublicationState, PublishedUnit

NEW_DAY = dt.date(2025, 12, 31)
THANH_MIEN_SUCCESSORS = ["11239", "11242", "11254", "11257", "11284", "11065", "10993"]


def test_demo_publishes_2023_and_a_corrected_2025(db: None) -> None:
    assert load_demo()["results"] == 2
    published = Publication.objects.filter(state=PublicationState.PUBLISHED)
    assert sorted(published.values_list("cycle__year", "version")) == [(2023, 1), (2025, 2)]

    # 2023: Thanh Miện's 17 communes, one version, on the units of the time.
    old = Publication.objects.get(cycle__year=2023)
    assert old.cycle.scope.code == "300"
    assert old.cycle.framework.code == "TM-XA-2023"
    old_units = PublishedUnit.objects.filter(publication=old).select_related("unit")
    assert old_units.count() == 17
    assert {u.unit.valid_to for u in old_units} == {dt.date(2025, 6, 30)}

    # 2025: version 1 superseded by the correction, both kept with their decisions.
    first, second = Publication.objects.filter(cycle__year=2025).order_by("version")
    assert (first.version, first.state, first.reason) == (1, PublicationState.SUPERSEDED, "")
    assert (second.version, second.state) == (2, PublicationState.PUBLISHED)
    assert second.reason == (
        "Điều chỉnh điểm tiêu chí 3.1.1 của xã Nam Thanh Miện theo kết quả giải trình"
    )
    assert first.decision
    assert second.decision
    assert first.decision != second.decision
    assert [p.prepared_by and p.prepared_by.username for p in (first, second)] == ["sonoivu"] * 2
    assert [p.approved_by and p.approved_by.username for p in (first, second)] == ["hoidong"] * 2
    superseded = AuditEntry.objects.get(
        action=AuditAction.PUBLISH, object_id=str(first.pk), new_value__state="superseded"
    )
    assert superseded.reason == second.reason
    assert PublishedUnit.objects.filter(publication=second).count() == 114
    assert PublishedUnit.objects.filter(publication=first).count() == 114

    # The correction went through the actions: unlocked, re-appraised and locked, audited.
    answer = Answer.objects.get(
        assessment__cycle=second.cycle, assessment__unit__code="11284", node__code="3.1.1"
    )
    assert (answer.appraisal_status, answer.appraised_points) == (AppraisalStatus.AGREED, 1)
    assert answer.explanation
    assert AuditEntry.objects.filter(
        action=AuditAction.SCORE_CHANGE, object_id=str(answer.pk), actor_name="thamdinh"
    ).exists()
    assessment = answer.assessment
    assert assessment.status == Status.LOCKED
    for action in (AuditAction.UNLOCK, AuditAction.LOCK):
        assert AuditEntry.objects.filter(action=action, object_id=str(assessment.pk)).exists()
    before = services.published_board(first).result("11284")
    after = services.published_board(second).result("11284")
    assert before is not None
    assert after is not None
    lost = before.node("3.1.1")
    assert lost is not None
    assert (lost.points, lost.reason) == (0, "Thiếu Kế hoạch rà soát, đánh giá TTHC kèm theo")
    assert after.points("3.1.1") == 1
    assert after.total == before.total + 1

    # The ranking: competition ranks from 1, with a few ties; totals in the shape of seed 003.
    for pub, count in ((old, 17), (second, 114)):
        board = services.published_board(pub)
        ranks = sorted(board.ranks.values())
        assert len(ranks) == count
        assert ranks[0] == 1
        totals = [r.total for r in board.results]
        assert all(Decimal(75) <= t <= Decimal(98) for t in totals)
        assert 85 <= median(totals) <= 95
        full = [r.full_count for r in board.results]
        assert 38 <= sum(full) / len(full) <= 43  # seed 003: 40 of 48
    assert len(ranks) > len(set(ranks))  # 2025 has ties

    # A merged commune compares with its predecessors' population-weighted 2023 result.
    assert (
        Succession.objects.filter(
            predecessor__valid_to=dt.date(2025, 6, 30), successor__valid_from=dt.date(2025, 7, 1)
        )
        .exclude(predecessor__code="30")
        .filter(weight__isnull=True)
        .count()
        == 0
    )
    cycle = second.cycle
    for code in THANH_MIEN_SUCCESSORS:
        unit = Unit.objects.valid_on(NEW_DAY).get(code=code)
        prior = services.previous_result(cycle, unit)
        assert prior is not None, code
        assert prior.publication == old
        links = Succession.objects.filter(successor=unit).select_related("predecessor")
        assert sorted(prior.predecessors) == sorted(link.predecessor.name for link in links)
        totals = {
            pu.unit_id: pu.total
            for pu in old_units
            if pu.unit_id in {x.predecessor_id for x in links}
        }
        weight = sum((link.weight or 0 for link in links), Decimal(0))
        expected = sum((totals[x.predecessor_id] * (x.weight or 0) for x in links), Decimal(0))
        assert prior.result.total == round_points(expected / weight)
        now = services.published_board(second).result(code)
        assert now is not None
        assert now.total > prior.result.total, code
    town = Unit.objects.valid_on(NEW_DAY).get(code="11239")
    prior = services.previous_result(cycle, town)
    assert prior is not None
    assert prior.rank is None
    assert len(prior.predecessors) == 4

    # Every point is what the node's rule gives for the recorded answer.
    rows = Answer.objects.filter(assessment__cycle__in=[old.cycle, cycle]).select_related("node")
    for row in rows:
        rule = parse_rule(row.node.rule)
        assert rule.score(row.node.max_points, row.self_value).points == row.self_points
        assert rule.score(row.node.max_points, row.appraised_value).points == row.appraised_points

    # The 2026 cycle keeps its state: open for self-assessment, nothing answered or published.
    current = Cycle.objects.get(year=2026)
    assert not Publication.objects.filter(cycle=current).exists()
    assert set(Assessment.objects.filter(cycle=current).values_list("status", flat=True)) == {
        Status.DRAFT
    }
    assert not Answer.objects.filter(
        assessment__cycle=current, node__source="appraised", self_points__isnull=False
    ).exists()

    # Loading again changes nothing.
    counts = (Publication.objects.count(), AuditEntry.objects.count(), Answer.objects.count())
    assert load_demo_results() == 0
    assert (Publication.objects.count(), AuditEntry.objects.count(), Answer.objects.count()) == (
        counts
    )
