from __future__ import annotations

import pytest

from parindex.accounts import forms
from parindex.accounts.models import RoleGrant
from tests import factories
from tests.conftest import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_find_a_unit_by_typing_then_grant_a_role(  # type: ignore[no-untyped-def]
    world: World, live_server, browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(forms, "PICK_LIMIT", 2)  # as if the scope held thousands of units
    target = world.users["no_role"]
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{live_server.url}/dang-nhap/")
    page.fill("#id_username", "secretariat")
    page.fill("#id_password", factories.PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/tai-khoan/{target.pk}/")
    page.select_option("#id_role", "viewer")
    page.fill("input.unit-search", "Bình Minh")
    # (a selector, not wait_for_function: the page's CSP forbids evaluating strings)
    page.wait_for_selector("#id_unit option:nth-child(2)", state="attached", timeout=5000)
    page.select_option("#id_unit", str(world.commune_b.pk))
    page.click("#grants form[hx-post$='/vai-tro/'] button")
    page.wait_for_selector("#grants td:has-text('Phường Bình Minh')")
    grant = RoleGrant.objects.get(user=target)
    assert (grant.role, grant.unit_id) == ("viewer", world.commune_b.pk)
    page.close()
