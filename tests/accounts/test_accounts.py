from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from parindex.accounts import actions
from parindex.accounts.exceptions import PermissionDeniedError, RoleNotAllowedHereError
from parindex.accounts.models import Role, RoleGrant, User
from parindex.accounts.permissions import Perm, can, can_grant_role, units_where
from parindex.audit.models import AuditAction, AuditEntry
from parindex.orgunits.actions import record_succession
from parindex.orgunits.models import Kind
from tests import factories
from tests.conftest import World


def test_login_then_home_shows_the_next_steps(world: World) -> None:
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": "secretariat", "password": factories.PASSWORD}
    )
    assert response.status_code == 302
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    home = client.get(reverse("home")).content.decode()
    assert "Every commune in your scope has an officer or leader account." in home
    factories.unit("Xã Mới", Kind.XA, world.province)
    home = client.get(reverse("home")).content.decode()
    assert "1 commune has no commune officer or leader yet." in home


def test_failed_logins_are_throttled_and_audited(world: World) -> None:
    client = Client()
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": "officer_a", "password": "wrong"})
    # Even the right password is refused while locked.
    response = client.post(
        reverse("accounts:login"), {"username": "officer_a", "password": factories.PASSWORD}
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    entry = AuditEntry.objects.get(action=AuditAction.LOGIN_LOCKOUT)
    assert entry.object_id == str(world.users["commune_officer"].pk)
    # Another account from the same address is not locked.
    other = client.post(
        reverse("accounts:login"), {"username": "leader_a", "password": factories.PASSWORD}
    )
    assert other.status_code == 302


def test_password_change_is_audited(world: World) -> None:
    client = Client()
    officer = world.users["commune_officer"]
    client.force_login(officer)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": factories.PASSWORD,
            "new_password1": "Mat-khau-moi-2027",
            "new_password2": "Mat-khau-moi-2027",
        },
    )
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password("Mat-khau-moi-2027")
    assert (
        AuditEntry.objects.filter(
            action=AuditAction.PASSWORD_CHANGE, object_id=str(officer.pk)
        ).count()
        == 1
    )


def test_password_reset_by_email_link(world: World) -> None:
    client = Client()
    response = client.post(reverse("accounts:password_reset"), {"email": "officer_a@example.vn"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/mat-khau/dat-lai/\S+/)", mail.outbox[0].body)
    assert link is not None
    form_page = client.get(link.group(1), follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0],
        {
            "new_password1": "Mat-khau-moi-2027",
            "new_password2": "Mat-khau-moi-2027",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(username="officer_a").check_password("Mat-khau-moi-2027")


def test_secretariat_creates_an_officer_account_with_its_role(world: World) -> None:
    client = Client()
    client.force_login(world.users["secretariat"])
    response = client.post(
        reverse("accounts:user_create"),
        {
            "username": "canbo.b",
            "full_name": "Cán bộ B",
            "email": "",
            "job_title": "",
            "unit": world.commune_b.pk,
            "role": Role.COMMUNE_OFFICER,
            "password1": "Mat-khau-moi-2027",
            "password2": "Mat-khau-moi-2027",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="canbo.b")
    assert user.unit == world.commune_b
    grant = RoleGrant.objects.get(user=user)
    assert (grant.role, grant.unit, grant.granted_by) == (
        Role.COMMUNE_OFFICER,
        world.commune_b,
        world.users["secretariat"],
    )
    assert set(
        AuditEntry.objects.filter(object_id=str(user.pk)).values_list("action", flat=True)
    ) == {AuditAction.USER_CREATE, AuditAction.ROLE_GRANT}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("password2", "khac-hoan-toan-9", "The two passwords differ."),
        ("username", "có dấu cách", "no spaces"),
        ("unit", "999999", "valid choice"),
    ],
)
def test_bad_account_form_is_refused_and_saves_nothing(
    world: World, field: str, value: str, message: str
) -> None:
    client = Client()
    client.force_login(world.users["secretariat"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    data = {
        "username": "canbo.b",
        "full_name": "Cán bộ B",
        "unit": world.commune_b.pk,
        "role": "",
        "password1": "Mat-khau-moi-2027",
        "password2": "Mat-khau-moi-2027",
    }
    data[field] = value
    count = User.objects.count()
    response = client.post(reverse("accounts:user_create"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert User.objects.count() == count


def test_secretariat_cannot_create_a_secretariat_or_an_admin(world: World) -> None:
    secretariat = world.users["secretariat"]
    assert not can_grant_role(secretariat, Role.SECRETARIAT, world.province)
    assert not can_grant_role(secretariat, Role.SYSTEM_ADMIN, world.province)
    assert can_grant_role(secretariat, Role.APPRAISER, world.province)
    with pytest.raises(PermissionDeniedError):
        actions.grant_role(
            by=secretariat, user=world.users["no_role"], role=Role.SECRETARIAT, unit=world.province
        )


def test_roles_only_on_their_levels(world: World) -> None:
    with pytest.raises(RoleNotAllowedHereError):
        actions.grant_role(
            by=None, user=world.users["no_role"], role=Role.COMMUNE_OFFICER, unit=world.province
        )
    with pytest.raises(RoleNotAllowedHereError):
        actions.grant_role(
            by=None, user=world.users["no_role"], role=Role.APPRAISER, unit=world.commune_a
        )


def test_grant_by_htmx_returns_the_grants_fragment(world: World) -> None:
    client = Client()
    client.force_login(world.users["secretariat"])
    target = world.users["no_role"]
    response = client.post(
        reverse("accounts:grant_create", args=[target.pk]),
        {"role": Role.APPRAISER, "unit": world.province.pk, "field_codes": "1, 2"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<section id="grants"')
    grant = RoleGrant.objects.get(user=target)
    assert grant.field_codes == ["1", "2"]


def test_bad_grant_by_htmx_shows_the_error_in_place(world: World) -> None:
    client = Client()
    client.force_login(world.users["secretariat"])
    target = world.users["no_role"]
    response = client.post(
        reverse("accounts:grant_create", args=[target.pk]),
        {"role": Role.COMMUNE_OFFICER, "unit": world.province.pk},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert not RoleGrant.objects.filter(user=target).exists()


def test_revoke_ends_the_access(world: World) -> None:
    officer = world.users["commune_officer"]
    grant = RoleGrant.objects.get(user=officer)
    actions.revoke_role(by=world.users["secretariat"], grant=grant, reason="Chuyển công tác")
    fresh = User.objects.get(pk=officer.pk)
    assert not can(fresh, Perm.VIEW_UNIT, world.commune_a)
    entry = AuditEntry.objects.get(action=AuditAction.ROLE_REVOKE)
    assert entry.reason == "Chuyển công tác"
    assert entry.old_value["role"] == Role.COMMUNE_OFFICER


def test_expired_grant_gives_nothing(world: World) -> None:
    user = factories.user("expired", unit=world.commune_a)
    actions.grant_role(
        by=None,
        user=user,
        role=Role.COMMUNE_OFFICER,
        unit=world.commune_a,
        valid_from=dt.date(2020, 1, 1),
        valid_to=dt.date(2021, 1, 1),
    )
    assert not can(user, Perm.VIEW_UNIT, world.commune_a)


def test_disabled_account_cannot_log_in(world: World) -> None:
    actions.set_user_active(
        by=world.users["secretariat"], user=world.users["commune_officer"], active=False
    )
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": "officer_a", "password": factories.PASSWORD}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_appraiser_limited_to_fields(world: World) -> None:
    appraiser = factories.user(
        "appraiser_limited", role=Role.APPRAISER, on=world.province, field_codes=["2"]
    )
    assert can(appraiser, Perm.APPRAISE, world.commune_a, field_code="2")
    assert can(appraiser, Perm.APPRAISE, world.commune_a, field_code="2.3.1")
    assert not can(appraiser, Perm.APPRAISE, world.commune_a, field_code="3.1")
    assert not can(appraiser, Perm.APPRAISE, world.commune_a, field_code="21")
    assert can(world.users["appraiser"], Perm.APPRAISE, world.commune_a, field_code="3.1")


def test_successor_reads_the_units_it_continues(world: World) -> None:
    """After a merger the new commune's officer reads the old communes' history."""
    old_district = factories.unit(
        "Huyện Cũ", Kind.HUYEN, world.other_province, valid_from=dt.date(2020, 1, 1)
    )
    old_commune = factories.unit("Xã Cũ", Kind.XA, old_district, valid_from=dt.date(2020, 1, 1))
    record_succession(
        by=None,
        predecessor=old_commune,
        successor=world.commune_a,
        effective_on=dt.date(2025, 7, 1),
    )
    officer = User.objects.get(pk=world.users["commune_officer"].pk)
    assert can(officer, Perm.VIEW_UNIT, old_commune)
    assert not can(officer, Perm.VIEW_UNIT, old_district)
    assert set(units_where(officer, Perm.VIEW_UNIT)) == {
        world.commune_a,
        world.office_a,
        old_commune,
    }
    officer_b = User.objects.get(pk=world.users["officer_b"].pk)
    assert not can(officer_b, Perm.VIEW_UNIT, old_commune)


def test_manager_edits_an_account_and_the_change_is_audited(world: World) -> None:
    client = Client()
    client.force_login(world.users["secretariat"])
    officer = world.users["commune_officer"]
    response = client.post(
        reverse("accounts:user_edit", args=[officer.pk]),
        {
            "full_name": "Vũ Thị Lan",
            "email": "lan@example.vn",
            "job_title": "Công chức",
            "phone": "0912 345 678",
            "unit": world.commune_b.pk,
            "reason": "Điều động",
        },
    )
    assert response.status_code == 302
    officer.refresh_from_db()
    assert (officer.full_name, officer.unit) == ("Vũ Thị Lan", world.commune_b)
    entry = AuditEntry.objects.get(action=AuditAction.USER_UPDATE, object_id=str(officer.pk))
    assert entry.reason == "Điều động"
    assert entry.old_value["unit"]["id"] == world.commune_a.pk
    assert entry.new_value["unit"]["id"] == world.commune_b.pk


def test_manager_cannot_move_an_account_out_of_their_scope(world: World) -> None:
    client = Client()
    client.force_login(world.users["secretariat"])
    officer = world.users["commune_officer"]
    response = client.post(
        reverse("accounts:user_edit", args=[officer.pk]),
        {
            "full_name": "Officer A",
            "unit": world.commune_c.pk,
        },
    )
    assert response.status_code == 422
    officer.refresh_from_db()
    assert officer.unit == world.commune_a
    with pytest.raises(PermissionDeniedError):
        actions.update_user(
            by=world.users["secretariat"], user=officer, changes={"unit": world.commune_c}
        )


def test_manager_sets_a_password_for_an_officer_without_email(world: World) -> None:
    client = Client()
    client.force_login(world.users["secretariat"])
    officer = world.users["commune_officer"]
    bad = client.post(
        reverse("accounts:user_set_password", args=[officer.pk]),
        {"password1": "123", "password2": "123"},
    )
    assert bad.status_code == 422
    officer.refresh_from_db()
    assert officer.check_password(factories.PASSWORD)
    response = client.post(
        reverse("accounts:user_set_password", args=[officer.pk]),
        {"password1": "Mat-khau-moi-2027", "password2": "Mat-khau-moi-2027"},
    )
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password("Mat-khau-moi-2027")
    entry = AuditEntry.objects.get(action=AuditAction.PASSWORD_CHANGE)
    assert (entry.actor, entry.object_id) == (world.users["secretariat"], str(officer.pk))
    assert "Mat-khau" not in str(entry.new_value) + str(entry.old_value)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("viewer", "Your role covers 2 communes."),
        ("council", "Results waiting for the council"),
        ("appraiser", "Self-assessments submitted by the communes you appraise"),
        ("commune_officer", "The self-assessment of your commune will appear here"),
        ("no_role", "Your account has no role on any unit."),
    ],
)
def test_every_role_has_something_to_do_next(world: World, role: str, expected: str) -> None:
    client = Client()
    client.force_login(world.users[role])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert expected in client.get(reverse("home")).content.decode()


def test_unit_field_turns_into_a_search_past_the_limit(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from parindex.accounts import forms

    client = Client()
    client.force_login(world.users["secretariat"])
    target = world.users["no_role"]
    page = client.get(reverse("accounts:user_detail", args=[target.pk])).content.decode()
    assert 'class="unit-search"' not in page
    assert world.commune_b.name in page
    monkeypatch.setattr(forms, "PICK_LIMIT", 2)
    page = client.get(reverse("accounts:user_detail", args=[target.pk])).content.decode()
    assert 'class="unit-search"' in page
    assert world.commune_b.name not in page
    # the search lists matching units of the scope only
    options = client.get(reverse("orgunits:pick"), {"field": "unit_q", "unit_q": "Xã"})
    body = options.content.decode()
    assert world.commune_a.name in body
    assert world.commune_c.name not in body  # "Xã Khác", in the other province
    # a unit found by the search is accepted, and an out-of-scope one refused
    response = client.post(
        reverse("accounts:grant_create", args=[target.pk]),
        {"role": Role.VIEWER, "unit": world.commune_b.pk},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("accounts:grant_create", args=[target.pk]),
        {"role": Role.VIEWER, "unit": world.commune_c.pk},
    )
    assert response.status_code == 422
    assert RoleGrant.objects.filter(user=target).count() == 1
