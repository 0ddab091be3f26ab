"""The audit trail: what `record` stores, and the scoped, filtered audit page."""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from parindex.audit.actions import record
from parindex.audit.models import AuditAction, AuditEntry
from parindex.orgunits.actions import record_succession
from parindex.orgunits.models import Kind, Unit
from tests import factories
from tests.conftest import World

URL = "/nhat-ky/"
HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _mark(world: World, unit: Unit | None, reason: str, **kwargs: object) -> AuditEntry:
    return record(
        actor=kwargs.pop("actor", None),  # type: ignore[arg-type]
        action=kwargs.pop("action", AuditAction.SCORE_CHANGE),  # type: ignore[arg-type]
        obj=unit or world.province,
        unit=unit,
        reason=reason,
        **kwargs,  # type: ignore[arg-type]
    )


def _reasons(response) -> set[str]:  # type: ignore[no-untyped-def]
    return {e.reason for e in response.context["page"].object_list if e.reason}


# --- record() -------------------------------------------------------------------------------


def test_record_keeps_decimals_as_their_exact_string(world: World) -> None:
    entry = record(
        actor=None,
        action=AuditAction.SCORE_CHANGE,
        obj=world.commune_a,
        unit=world.commune_a,
        old={"score": Decimal("2.85"), "max": Decimal("10.00"), "tiny": Decimal("0.1")},
        new=Decimal("2.850"),
    )
    entry.refresh_from_db()
    assert entry.old_value == {"score": "2.85", "max": "10.00", "tiny": "0.1"}
    assert entry.new_value == "2.850"
    assert isinstance(entry.old_value["score"], str)
    # A float would have been 2.85 (the float), and 0.1 never exactly 0.1.
    assert entry.old_value["score"] != 2.85


def test_record_writes_dates_in_iso_and_models_as_id_and_repr(world: World) -> None:
    moment = dt.datetime(2026, 11, 23, 14, 5, 9, tzinfo=HANOI)
    key = uuid.UUID("12345678-1234-5678-1234-567812345678")
    entry = record(
        actor=world.users["secretariat"],
        action=AuditAction.UNIT_UPDATE,
        obj=world.commune_a,
        unit=world.commune_a,
        old={"day": dt.date(2026, 11, 23), "at": moment, "unit": world.commune_b},
        new={
            "list": [world.province, dt.date(2025, 7, 1)],
            "tuple": (1, "a"),
            "set": {Decimal("1.5")},
            "nested": {"ok": True, "none": None, "n": 3, "f": 0.5, 7: "int key"},
            "uuid": key,
            "kind": Kind.XA,
        },
        reason="Sửa tên theo Nghị quyết",
    )
    entry.refresh_from_db()
    assert entry.old_value == {
        "day": "2026-11-23",
        "at": "2026-11-23T14:05:09+07:00",
        "unit": {"id": world.commune_b.pk, "repr": "Phường Bình Minh"},
    }
    assert entry.new_value == {
        "list": [{"id": world.province.pk, "repr": "Tỉnh Thử Nghiệm"}, "2025-07-01"],
        "tuple": [1, "a"],
        "set": ["1.5"],
        "nested": {"ok": True, "none": None, "n": 3, "f": 0.5, "7": "int key"},
        "uuid": "12345678-1234-5678-1234-567812345678",
        "kind": "xa",
    }
    assert entry.reason == "Sửa tên theo Nghị quyết"
    assert (entry.object_type, entry.object_id, entry.object_repr) == (
        "orgunits.unit",
        str(world.commune_a.pk),
        "Xã An Bình",
    )


def test_record_without_values_stores_null(world: World) -> None:
    entry = record(actor=None, action=AuditAction.LOCK, obj=world.commune_a)
    entry.refresh_from_db()
    assert (entry.old_value, entry.new_value, entry.unit, entry.reason) == (None, None, None, "")
    assert (entry.actor, entry.actor_name) == (None, "")


def test_actor_name_is_kept_after_the_account_is_gone(world: World) -> None:
    officer = factories.user("tam_thoi", unit=world.commune_a)
    entry = record(
        actor=officer, action=AuditAction.SCORE_CHANGE, obj=world.commune_a, unit=world.commune_a
    )
    assert (entry.actor, entry.actor_name) == (officer, "tam_thoi")
    AuditEntry.objects.filter(actor=officer).exclude(pk=entry.pk).delete()
    officer.delete()
    entry.refresh_from_db()
    assert (entry.actor, entry.actor_name) == (None, "tam_thoi")
    assert "tam_thoi" in str(entry)


def test_long_object_repr_is_cut_to_255(world: World) -> None:
    long_a = factories.unit("A" * 200, Kind.XA, world.province, valid_from=dt.date(2020, 1, 1))
    long_b = factories.unit("B" * 200, Kind.XA, world.province)
    link = record_succession(
        by=None, predecessor=long_a, successor=long_b, effective_on=dt.date(2025, 7, 1)
    )
    entry = AuditEntry.objects.get(action=AuditAction.UNIT_SUCCESSION, object_id=str(link.pk))
    assert entry.object_repr == ("A" * 200 + " → " + "B" * 200)[:255]
    assert len(entry.object_repr) == 255


def test_entries_are_newest_first(world: World) -> None:
    first = _mark(world, world.commune_a, "first")
    second = _mark(world, world.commune_a, "second")
    # The same time: the later id comes first.
    AuditEntry.objects.filter(pk__in=[first.pk, second.pk]).update(at=first.at)
    assert list(AuditEntry.objects.filter(reason__in=["first", "second"])) == [second, first]


# --- the audit page: scope ------------------------------------------------------------------


@pytest.fixture
def marks(world: World) -> dict[str, AuditEntry]:
    return {
        "A": _mark(world, world.commune_a, "mark-A"),
        "office A": _mark(world, world.office_a, "mark-office-A"),
        "B": _mark(world, world.commune_b, "mark-B"),
        "province": _mark(world, world.province, "mark-province"),
        "C": _mark(world, world.commune_c, "mark-C"),
        "other province": _mark(world, world.other_province, "mark-other-province"),
        "nowhere": _mark(world, None, "mark-nowhere"),
    }


def test_secretariat_sees_its_province_only(world: World, marks: dict[str, AuditEntry]) -> None:
    response = _client(world.users["secretariat"]).get(URL)
    assert response.status_code == 200
    assert _reasons(response) == {"mark-A", "mark-office-A", "mark-B", "mark-province"}
    page = response.context["page"]
    expected = AuditEntry.objects.filter(unit__path__startswith=world.province.path)
    assert page.paginator.count == expected.count()
    assert {e.pk for e in page.object_list} == set(expected.values_list("pk", flat=True))
    body = response.content.decode()
    assert "mark-B" in body
    assert "mark-C" not in body


def test_officer_of_commune_a_sees_a_but_not_b(world: World, marks: dict[str, AuditEntry]) -> None:
    response = _client(world.users["commune_officer"]).get(URL)
    assert response.status_code == 200
    assert _reasons(response) == {"mark-A", "mark-office-A"}
    page = response.context["page"]
    assert all(world.commune_a.covers(e.unit) for e in page.object_list)
    response = _client(world.users["officer_b"]).get(URL)
    assert _reasons(response) == {"mark-B"}


def test_other_secretariat_sees_the_other_province(
    world: World, marks: dict[str, AuditEntry]
) -> None:
    response = _client(world.users["secretariat_other"]).get(URL)
    assert _reasons(response) == {"mark-C", "mark-other-province"}


def test_system_admin_sees_everything_even_without_a_unit(
    world: World, marks: dict[str, AuditEntry]
) -> None:
    response = _client(world.users["system_admin"]).get(URL)
    assert _reasons(response) == {
        "mark-A",
        "mark-office-A",
        "mark-B",
        "mark-province",
        "mark-C",
        "mark-other-province",
        "mark-nowhere",
    }
    assert response.context["page"].paginator.count == AuditEntry.objects.count()


def test_leader_and_appraiser_may_read_the_trail(
    world: World, marks: dict[str, AuditEntry]
) -> None:
    assert _reasons(_client(world.users["commune_leader"]).get(URL)) == {
        "mark-A",
        "mark-office-A",
    }
    assert _reasons(_client(world.users["appraiser"]).get(URL)) == {
        "mark-A",
        "mark-office-A",
        "mark-B",
        "mark-province",
    }


def test_a_merged_communes_trail_is_read_by_its_successor(world: World) -> None:
    old = factories.unit(
        "Xã Cũ", Kind.XA, world.province, code="91090", valid_from=dt.date(2020, 1, 1)
    )
    _mark(world, old, "mark-old")
    officer = world.users["commune_officer"]
    assert "mark-old" not in _reasons(_client(officer).get(URL))
    record_succession(
        by=None, predecessor=old, successor=world.commune_a, effective_on=dt.date(2025, 7, 1)
    )
    assert "mark-old" in _reasons(_client(officer).get(URL))
    assert "mark-old" not in _reasons(_client(world.users["officer_b"]).get(URL))


@pytest.mark.parametrize("role", ["council", "viewer", "no_role"])
def test_roles_without_audit_permission_get_403(world: World, role: str) -> None:
    assert _client(world.users[role]).get(URL).status_code == 403


def test_anonymous_is_sent_to_login(db: None) -> None:
    response = Client().get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/")
    assert "next=/nhat-ky/" in response["Location"]


# --- the audit page: filters ----------------------------------------------------------------


def test_filter_by_action(world: World, marks: dict[str, AuditEntry]) -> None:
    _mark(world, world.commune_a, "locked-A", action=AuditAction.LOCK)
    client = _client(world.users["secretariat"])
    assert _reasons(client.get(URL, {"action": "lock"})) == {"locked-A"}
    response = client.get(URL, {"action": "score.change"})
    assert _reasons(response) == {"mark-A", "mark-office-A", "mark-B", "mark-province"}
    assert {e.action for e in response.context["page"].object_list} == {"score.change"}
    # An unknown action is ignored rather than matching nothing.
    all_entries = client.get(URL).context["page"].paginator.count
    assert client.get(URL, {"action": "drop table"}).context["page"].paginator.count == all_entries


def test_filter_by_actor(world: World) -> None:
    _mark(world, world.commune_a, "by-officer", actor=world.users["commune_officer"])
    _mark(world, world.commune_b, "by-officer-b", actor=world.users["officer_b"])
    _mark(world, world.commune_a, "by-system")
    client = _client(world.users["secretariat"])
    response = client.get(URL, {"actor": "OFFICER", "action": "score.change"})
    assert _reasons(response) == {"by-officer", "by-officer-b"}
    assert _reasons(client.get(URL, {"actor": "officer_a", "action": "score.change"})) == {
        "by-officer"
    }


def test_filter_by_unit_code_or_name(world: World, marks: dict[str, AuditEntry]) -> None:
    client = _client(world.users["secretariat"])
    assert _reasons(client.get(URL, {"unit": "91001"})) == {"mark-A"}
    assert _reasons(client.get(URL, {"unit": "91001-VP"})) == {"mark-office-A"}
    assert _reasons(client.get(URL, {"unit": "Bình Minh"})) == {"mark-B"}
    # A code outside the user's scope finds nothing.
    assert client.get(URL, {"unit": "92001"}).context["page"].paginator.count == 0
    # A code is matched exactly, not as a prefix.
    assert client.get(URL, {"unit": "9100"}).context["page"].paginator.count == 0


def test_filter_by_date_range_in_local_days(world: World) -> None:
    def at(reason: str, moment: dt.datetime) -> None:
        entry = _mark(world, world.commune_a, reason)
        AuditEntry.objects.filter(pk=entry.pk).update(at=moment)

    at("january", dt.datetime(2026, 1, 10, 10, 0, tzinfo=HANOI))
    at("feb-15-late", dt.datetime(2026, 2, 15, 23, 30, tzinfo=HANOI))  # 16:30 UTC
    at("feb-16-early", dt.datetime(2026, 2, 16, 0, 30, tzinfo=HANOI))  # still 15/02 in UTC
    at("march", dt.datetime(2026, 3, 20, 9, 0, tzinfo=HANOI))
    client = _client(world.users["secretariat"])
    score = {"action": "score.change"}
    assert _reasons(client.get(URL, {**score, "from": "01/02/2026", "to": "28/02/2026"})) == {
        "feb-15-late",
        "feb-16-early",
    }
    assert _reasons(client.get(URL, {**score, "from": "15/02/2026", "to": "15/02/2026"})) == {
        "feb-15-late"
    }
    assert _reasons(client.get(URL, {**score, "from": "16/02/2026", "to": "16/02/2026"})) == {
        "feb-16-early"
    }
    assert _reasons(client.get(URL, {**score, "to": "31/01/2026"})) == {"january"}
    assert _reasons(client.get(URL, {**score, "from": "01/03/2026", "to": "31/12/2026"})) == {
        "march"
    }
    assert _reasons(client.get(URL, {**score, "from": "2026-03-01"})) == {"march"}
    response = client.get(URL, {**score, "from": "01/02/2026", "to": "28/02/2026"})
    assert response.context["filters"] == {
        "action": "score.change",
        "actor": "",
        "unit": "",
        "from": "01/02/2026",
        "to": "28/02/2026",
    }
    body = response.content.decode()
    assert 'value="01/02/2026"' in body
    assert "15/02/2026 23:30" in body  # shown in local time


def test_filters_combine(world: World) -> None:
    _mark(
        world,
        world.commune_a,
        "lock-by-officer-A",
        action=AuditAction.LOCK,
        actor=world.users["commune_officer"],
    )
    _mark(
        world,
        world.commune_b,
        "lock-by-officer-B",
        action=AuditAction.LOCK,
        actor=world.users["commune_officer"],
    )
    _mark(world, world.commune_a, "score-by-officer-A", actor=world.users["commune_officer"])
    client = _client(world.users["secretariat"])
    response = client.get(URL, {"action": "lock", "actor": "officer_a", "unit": "91001"})
    assert _reasons(response) == {"lock-by-officer-A"}


# --- the audit page: rendering --------------------------------------------------------------


def test_values_are_rendered_for_reading(world: World) -> None:
    record(
        actor=world.users["secretariat"],
        action=AuditAction.UNIT_UPDATE,
        obj=world.commune_a,
        unit=world.commune_a,
        old={"name": "Xã Cũ", "score": Decimal("2.85")},
        new={"name": "Xã Mới", "parent": world.province},
        reason="đổi tên",
    )
    response = _client(world.users["secretariat"]).get(URL, {"action": "unit.update"})
    body = response.content.decode()
    assert "name: Xã Cũ · score: 2.85" in body
    assert "name: Xã Mới · parent unit: Tỉnh Thử Nghiệm" in body
    assert "Unit changed" in body
    assert "<html" in body


def test_htmx_request_gets_only_the_results(world: World, marks: dict[str, AuditEntry]) -> None:
    client = _client(world.users["secretariat"])
    response = client.get(URL, {"unit": "91001"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    assert "<form" not in body
    assert body.strip().startswith('<div id="results">')
    assert "mark-A" in body
    assert "mark-B" not in body
    full = client.get(URL, {"unit": "91001"}).content.decode()
    assert "<html" in full
    assert '<div id="results">' in full


def test_page_is_in_vietnamese_by_default(world: World, marks: dict[str, AuditEntry]) -> None:
    client = Client()
    client.force_login(world.users["commune_officer"])
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Language"] == "vi"
    assert '<html lang="vi"' in response.content.decode()


def test_a_mistyped_date_filter_is_left_out_and_said(world: World) -> None:
    client = Client()
    client.force_login(world.users["secretariat"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("audit:list"), {"from": "31/02/2026"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert "“31/02/2026” is not a date (dd/mm/yyyy): that filter was left out." in body
    units = client.get(reverse("orgunits:list"), {"ngay": "hôm qua"}).content.decode()
    assert "“hôm qua” is not a date (dd/mm/yyyy): showing today." in units
