"""The index from the database, and its publication: versions, immutability, corrections."""

from __future__ import annotations

from decimal import Decimal

import pytest

from parindex.assessments.actions import unlock_assessment
from parindex.audit.models import AuditEntry
from parindex.scoring import services
from parindex.scoring.engine import Basis
from parindex.scoring.models import ImmutableError, Publication, PublicationState, PublishedUnit
from parindex.scoring.services import ScoringError
from tests.scoring.conftest import score

D = Decimal


def test_one_call_computes_the_cycle(scored, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        board = services.cycle_board(scored.cycle)
    a = board.result(scored.a.unit.code)
    b = board.result(scored.b.unit.code)
    assert a is not None
    assert b is not None
    assert a.total == D("95.35")
    assert b.total == D("99")
    assert board.ranks == {b.unit: 1, a.unit: 2}
    assert a.node("3.1.1").reason == "Thiếu báo cáo"
    assert a.node("9.1").basis == Basis.SURVEY
    assert a.node("3.1.1").basis == Basis.APPRAISED


def test_self_assessed_points_count_flagged_and_missing_give_zero(year):
    answer = year.a.answers.get(node__code="1.1.1")
    answer.self_points = D("1")
    answer.save()
    result = services.cycle_board(year.cycle).result(year.a.unit.code)
    assert result.node("1.1.1").basis == Basis.SELF
    assert result.node("1.1.1").points == D("1")
    assert result.missing_count == result.leaf_count - 1


def test_publishing_needs_every_result_locked(year, world):
    score(year.a, {})
    with pytest.raises(ScoringError) as refused:
        services.prepare_publication(year.cycle, by=world.users["secretariat"])
    assert refused.value.problems[0].code == "publication.not_locked"
    assert refused.value.problems[0].params["units"] == year.b.unit.name


def publish_v1(year, world) -> Publication:
    pub = services.prepare_publication(year.cycle, by=world.users["secretariat"])
    services.approve_publication(pub, by=world.users["council"], decision="Nghị quyết 1")
    return services.publish(pub, by=world.users["secretariat"])


def test_prepare_approve_publish(scored, world):
    pub = services.prepare_publication(scored.cycle, by=world.users["secretariat"])
    assert pub.state == PublicationState.AWAITING
    with pytest.raises(ScoringError):
        services.publish(pub, by=world.users["secretariat"])  # not approved yet
    services.approve_publication(pub, by=world.users["council"], decision="Nghị quyết 1")
    pub = services.publish(pub, by=world.users["secretariat"])
    assert pub.state == PublicationState.PUBLISHED
    assert pub.decision == "Nghị quyết 1"
    assert services.current_publication(scored.cycle) == pub
    board = services.published_board(pub)
    assert board.ranks[scored.b.unit.code] == 1
    assert PublishedUnit.objects.filter(publication=pub).count() == 2
    steps = AuditEntry.objects.filter(object_type="scoring.publication").count()
    assert steps == 3


def test_a_published_result_cannot_change(scored, world):
    pub = publish_v1(scored, world)
    pub.snapshot["units"][0]["total"] = "100"
    with pytest.raises(ImmutableError):
        pub.save()
    with pytest.raises(ImmutableError):
        Publication.objects.get(pk=pub.pk).delete()
    stored = Publication.objects.get(pk=pub.pk)
    assert services.published_board(stored).result(scored.a.unit.code).total == D("95.35")


def test_a_correction_is_a_new_version_and_both_are_kept(scored, world):
    v1 = publish_v1(scored, world)
    unlock_assessment(scored.a, by=world.users["secretariat"], reason="giải trình 3.1.1")
    score(scored.a, {"1.1.2": "2.85", "9.1": "32.5"})  # 3.1.1 restored: 96,35
    with pytest.raises(ScoringError) as refused:
        services.prepare_publication(scored.cycle, by=world.users["secretariat"])
    assert refused.value.problems[0].code == "publication.reason_required"
    v2 = services.prepare_publication(
        scored.cycle, by=world.users["secretariat"], reason="Điều chỉnh 3.1.1 sau giải trình"
    )
    assert v2.version == 2
    # While v2 waits, v1 stays the published one.
    assert services.current_publication(scored.cycle) == v1
    services.approve_publication(v2, by=world.users["council"])
    services.publish(v2, by=world.users["secretariat"])
    v1.refresh_from_db()
    assert v1.state == PublicationState.SUPERSEDED
    assert services.current_publication(scored.cycle).version == 2
    assert services.published_board(v1).result(scored.a.unit.code).total == D("95.35")
    assert services.published_board(v2).result(scored.a.unit.code).total == D("96.35")


def test_the_council_may_send_a_version_back(scored, world):
    pub = services.prepare_publication(scored.cycle, by=world.users["secretariat"])
    with pytest.raises(ScoringError):
        services.reject_publication(pub, by=world.users["council"], reason=" ")
    pub = services.reject_publication(pub, by=world.users["council"], reason="Xem lại 9.1")
    assert pub.state == PublicationState.WITHDRAWN
    again = services.prepare_publication(scored.cycle, by=world.users["secretariat"])
    assert again.version == 2
