"""The secretariat imports a framework from Excel, fixes it inline (htmx) and publishes it."""

from __future__ import annotations

import os
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from parindex.frameworks.excel_io import write_xlsx
from parindex.frameworks.library import shipped
from parindex.frameworks.models import Framework, Node, Status
from tests import factories
from tests.conftest import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def test_import_fix_inline_and_publish(  # type: ignore[no-untyped-def]
    world: World, live_server, browser, tmp_path: Path
) -> None:
    # The province's Excel table, with one mistake: 3.3.2 is worth 0,5 instead of 1.
    spec = shipped()
    field = spec.fields[2]
    criterion = field.children[2]
    wrong = replace(
        criterion,
        children=tuple(
            replace(c, maximum=Decimal("0.5")) if c.code == "3.3.2" else c
            for c in criterion.children
        ),
    )
    field = replace(field, children=(*field.children[:2], wrong, field.children[3]))
    table = tmp_path / "bo-chi-so-tinh.xlsx"
    table.write_bytes(write_xlsx(replace(spec, fields=(*spec.fields[:2], field, *spec.fields[3:]))))

    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/dang-nhap/")
    page.fill("#id_username", "secretariat")
    page.fill("#id_password", factories.PASSWORD)
    page.click("button[type=submit]")

    # The file is refused whole, with its rows named.
    page.goto(f"{live_server.url}/bo-chi-so/nhap/")
    page.set_input_files("#id_file", str(table))
    page.click("form button.btn")
    page.wait_for_selector("text=1 lỗi — chưa lưu gì")
    assert page.locator("td:has-text('Các mục con cộng lại được 5 điểm')").count() == 1
    assert Framework.objects.count() == 0

    # Import the correct table, then break and repair 3.3.2 inline, as a user editing would.
    table.write_bytes(write_xlsx(spec))
    page.set_input_files("#id_file", str(table))
    page.click("form button.btn")
    page.wait_for_selector("text=Hợp lệ.")
    framework = Framework.objects.get()
    node = Node.objects.get(framework=framework, code="3.3.2")
    row = page.locator(f"#node-{node.pk}")
    row.get_by_role("link", name="Sửa").click()
    page.fill(f"#node-{node.pk} input[name=max_points]", "0,5")
    page.click(f"#node-{node.pk} button:has-text('Lưu')")
    page.wait_for_selector("#problems.problems")
    assert "Các mục con cộng lại được 5 điểm, không bằng điểm tối đa 5,5." in page.inner_text(
        "#problems"
    )
    assert page.is_disabled("form[action$='/cong-bo/'] button")

    row.get_by_role("link", name="Sửa").click()
    page.fill(f"#node-{node.pk} input[name=max_points]", "1")
    page.click(f"#node-{node.pk} button:has-text('Lưu')")
    page.wait_for_selector("#problems.valid")
    if os.environ.get("PARINDEX_SCREENSHOTS"):
        page.locator("#problems").evaluate("element => element.scrollIntoView()")
        page.screenshot(path=str(SCREENSHOTS / "framework-vi-desktop.png"))

    page.check("form[action$='/cong-bo/'] input[name=confirm]")
    page.click("form[action$='/cong-bo/'] button")
    page.wait_for_selector("text=Đã công bố bộ chỉ số.")
    framework.refresh_from_db()
    assert framework.status == Status.PUBLISHED
    assert Node.objects.get(pk=node.pk).max_points == 1
    assert page.locator("a:has-text('Sửa')").count() == 0  # frozen: no edit links left
    page.close()


def test_a_commune_reads_its_criteria_on_a_phone(  # type: ignore[no-untyped-def]
    world: World, live_server, browser
) -> None:
    from parindex.frameworks.actions import create_framework, publish_framework

    framework = publish_framework(
        create_framework(by=None, owner=world.province, spec=shipped()), by=None
    )
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{live_server.url}/dang-nhap/")
    page.fill("#id_username", "officer_a")
    page.fill("#id_password", factories.PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/bo-chi-so/")
    page.click(f"a:has-text('{framework.code}')")
    page.wait_for_selector("text=Quyết định kiện toàn Ban biên tập Trang thông tin điện tử")
    # nothing spills past the phone's width
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    if os.environ.get("PARINDEX_SCREENSHOTS"):
        node = Node.objects.get(framework=framework, code="1.1.1")
        page.locator(f"#node-{node.pk}").scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOTS / "framework-vi-phone.png"))
    page.close()
