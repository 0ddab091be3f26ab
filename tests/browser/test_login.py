from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests import factories
from tests.conftest import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _log_in(page, base: str, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", factories.PASSWORD)
    page.click("button[type=submit]")


def test_secretariat_logs_in_and_sees_the_home_page(world: World, live_server, browser) -> None:  # type: ignore[no-untyped-def]
    # An English browser still gets Vietnamese: the language follows the switch, not the browser.
    page = browser.new_page(viewport={"width": 1366, "height": 800}, locale="en-US")
    secretariat = world.users["secretariat"]
    secretariat.full_name = "Nguyễn Thị Hoa"
    secretariat.save(update_fields=["full_name"])
    factories.unit("Xã Chưa Có Tài Khoản", parent=world.province)
    _log_in(page, live_server.url, "secretariat")
    page.wait_for_selector("h1")
    assert page.url.rstrip("/") == live_server.url
    assert page.locator("h1").inner_text() == "Xin chào, Nguyễn Thị Hoa"
    assert "Có 1 xã chưa có tài khoản" in page.locator(".cards").inner_text()
    assert page.get_by_role("link", name="Đơn vị", exact=True).is_visible()
    assert page.get_by_role("link", name="Tài khoản", exact=True).is_visible()
    assert "/" in page.locator("p.muted").first.inner_text()  # today's date, dd/mm/yyyy
    if os.environ.get("PARINDEX_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "home-vi-desktop.png"))
    page.close()


def test_wrong_password_says_so_in_vietnamese(world: World, live_server, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{live_server.url}/dang-nhap/")
    page.fill("#id_username", "officer_a")
    page.fill("#id_password", "sai-mat-khau")
    page.click("button[type=submit]")
    alert = page.locator("[role=alert]")
    assert "mật khẩu" in alert.inner_text().lower()
    page.close()


def test_phone_menu_opens(world: World, live_server, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 390, "height": 844})
    _log_in(page, live_server.url, "officer_a")
    units = page.get_by_role("link", name="Đơn vị", exact=True)
    assert not units.is_visible()
    page.click("label.nav-toggle-label")
    assert units.is_visible()
    units.click()
    page.wait_for_url("**/don-vi/")
    assert "Xã An Bình" in page.content()
    assert "Phường Bình Minh" not in page.content()
    if os.environ.get("PARINDEX_SCREENSHOTS"):
        page.screenshot(path=str(SCREENSHOTS / "units-vi-phone.png"), full_page=True)
    page.close()
