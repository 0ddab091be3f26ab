"""Published results carry a fingerprint: a change behind the application's back is detected;
database constraints keep points and published figures in range whatever writes them."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse

from parindex.assessments.models import Answer
from parindex.scoring import integrity, services
from parindex.scoring.models import Publication, PublishedUnit
from tests.conftest import World
from tests.scoring.conftest import scored, year  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(world: World, scored: object) -> Publication:  # noqa: F811
    publication = services.prepare_publication(
        scored.cycle,  # type: ignore[attr-defined]
        by=world.users["secretariat"],
    )
    services.approve_publication(publication, by=world.users["council"], decision="NQ 12")
    return services.publish(publication, by=world.users["secretariat"])


def _raw(sql: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_a_prepared_version_is_sealed_and_intact(published: Publication) -> None:
    stored = Publication.objects.get(pk=published.pk)
    assert len(stored.sha256) == 64
    assert stored.sha256 == integrity.digest(stored)
    assert integrity.verify(stored) == integrity.Verdict.OK
    # the canonical form is stable: sorted keys, no floats
    text = integrity.canonical(stored).decode()
    assert json.loads(text)["version"] == stored.version
    assert ".0," not in text or "e+" not in text


def test_a_snapshot_changed_through_raw_sql_is_detected(published: Publication) -> None:
    snapshot = Publication.objects.get(pk=published.pk).snapshot
    text = json.dumps(snapshot)
    assert "99.00" in text or "99" in text
    forged = json.loads(text.replace('"99.00"', '"100.00"', 1))
    assert forged != snapshot
    _raw(
        "UPDATE scoring_publication SET snapshot = %s WHERE id = %s",
        [json.dumps(forged), published.pk],
    )
    assert integrity.verify(published) == integrity.Verdict.TAMPERED


def test_a_published_rank_changed_through_raw_sql_is_detected(published: Publication) -> None:
    row = PublishedUnit.objects.filter(publication=published).order_by("rank").last()
    assert row is not None
    _raw("UPDATE scoring_publishedunit SET rank = 1 WHERE id = %s", [row.pk])
    assert integrity.verify(published) == integrity.Verdict.TAMPERED


def test_a_forged_fingerprint_disagrees_with_the_audit_trail(published: Publication) -> None:
    """Rewriting the snapshot *and* its fingerprint is still caught: the audit entry of the
    preparation holds the original fingerprint."""
    stored = Publication.objects.get(pk=published.pk)
    forged = dict(stored.snapshot, computed_at="2000-01-01T00:00:00")
    _raw(
        "UPDATE scoring_publication SET snapshot = %s WHERE id = %s",
        [json.dumps(forged), published.pk],
    )
    stored = Publication.objects.get(pk=published.pk)
    _raw(
        "UPDATE scoring_publication SET sha256 = %s WHERE id = %s",
        [integrity.digest(stored), published.pk],
    )
    assert integrity.verify(published) == integrity.Verdict.TAMPERED


def test_the_command_reports_the_tampered_versions(published: Publication) -> None:
    out = StringIO()
    call_command("verify_publications", stdout=out)
    assert "all intact" in out.getvalue()
    _raw("UPDATE scoring_publishedunit SET total = 1 WHERE publication_id = %s", [published.pk])
    out = StringIO()
    with pytest.raises(CommandError, match="1 of 1"):
        call_command("verify_publications", stdout=out)
    assert f"TAMPERED: {published.cycle} v{published.version}" in out.getvalue()


def test_the_publication_page_shows_the_check(world: World, published: Publication) -> None:
    client = Client()
    client.force_login(world.users["secretariat"])
    url = reverse("scoring:publication", args=[published.cycle_id])
    checked = ("Integrity: checked", "Toàn vẹn: đã kiểm tra")
    page = client.get(url).content.decode()
    assert any(text in page for text in checked)
    _raw("UPDATE scoring_publishedunit SET total = 1 WHERE publication_id = %s", [published.pk])
    page = client.get(url).content.decode()
    assert not any(text in page for text in checked)
    assert 'class="small err" role="alert"' in page


@pytest.mark.parametrize(
    ("sql", "value"),
    [
        ("UPDATE assessments_answer SET self_points = %s WHERE id = %s", -1),
        ("UPDATE assessments_answer SET appraised_points = %s WHERE id = %s", -0.25),
    ],
)
def test_the_database_refuses_negative_points(
    world: World,
    scored: object,  # noqa: F811
    sql: str,
    value: float,
) -> None:
    answer = Answer.objects.filter(assessment=scored.a).first()  # type: ignore[attr-defined]
    assert answer is not None
    with pytest.raises(IntegrityError), transaction.atomic():
        _raw(sql, [value, answer.pk])


@pytest.mark.parametrize(("column", "value"), [("total", -1), ("percent", -0.01), ("rank", 0)])
def test_the_database_refuses_impossible_published_figures(
    published: Publication, column: str, value: float
) -> None:
    row = PublishedUnit.objects.filter(publication=published).first()
    assert row is not None
    with pytest.raises(IntegrityError), transaction.atomic():
        _raw(f"UPDATE scoring_publishedunit SET {column} = %s WHERE id = %s", [value, row.pk])  # noqa: S608


EXTREME_ANSWERS = [
    {"yes": True},
    {"yes": False},
    {"achieved": 10**9, "required": 1},
    {"achieved": 0, "required": 10**9},
    {"achieved": 5, "required": 0},
    {"value": 10**9},
    {"value": "100"},
    {"percent": "1000"},
    {"count": 10**6},
    {"days_late": -100},
    {"level": "A"},
    {"level": "1"},
]


def test_the_rules_never_give_more_than_the_maximum(world: World, year: object) -> None:  # noqa: F811
    """The maximum is on the criterion (another row): the rule that computes the points caps them,
    whatever the answer, and the database refuses anything negative."""
    from parindex.frameworks.rules import AnswerError, parse_rule

    scored_any = 0
    nodes = {a.node for a in Answer.objects.filter(assessment=year.a).select_related("node")}  # type: ignore[attr-defined]
    for node in nodes:
        rule = parse_rule(node.rule)
        for value in EXTREME_ANSWERS:
            try:
                score = rule.score(node.max_points, value)
            except (AnswerError, KeyError, TypeError, ValueError):
                continue
            scored_any += 1
            assert 0 <= score.points <= node.max_points, (node.code, value, score.points)
    assert scored_any >= len(nodes) // 2
