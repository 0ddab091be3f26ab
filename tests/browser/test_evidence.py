"""Evidence read by ParIndex, in a real browser: a commune officer uploads a report where a decision
is required and a plan of the wrong year, leaving number, date and summary empty; the files are read
in the background, the details are filled in, and each citation shows its warning."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from parindex.assessments import actions
from parindex.assessments.models import Document
from parindex.frameworks.actions import create_framework, publish_framework
from parindex.frameworks.library import shipped
from tests.browser.test_assessment_cycle import login
from tests.conftest import World
from tests.evidence.builders import pdfs, state

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("evidence-browser")
    built = pdfs(
        folder,
        {
            "bao-cao-cchc-2025": state(
                "BC",
                41,
                dt.date(2025, 12, 15),
                "Kết quả thực hiện công tác cải cách hành chính năm 2025",
            ),
            "ke-hoach-cchc-2024": state(
                "KH", 35, dt.date(2024, 1, 27), "Cải cách hành chính năm 2024"
            ),
        },
    )
    return {name: folder / f"{name}.pdf" for name in built}


def shoot(page: Any, name: str) -> None:
    if os.environ.get("PARINDEX_SCREENSHOTS"):
        page.screenshot(path=str(SCREENSHOTS / name), full_page=False)


def test_warnings_for_a_report_instead_of_a_decision_and_a_plan_of_another_year(
    world: World, live_server: Any, browser: Any, files: dict[str, Path]
) -> None:
    framework = publish_framework(
        create_framework(by=None, owner=world.province, spec=shipped()), by=None
    )
    today = timezone.localdate()
    cycle = actions.open_cycle(
        by=None,
        framework=framework,
        scope=world.province,
        year=2025,
        name="Chỉ số CCHC cấp xã năm 2025",
        self_opens_on=today - dt.timedelta(days=10),
        self_deadline=today + dt.timedelta(days=10),
        appraisal_deadline=today + dt.timedelta(days=30),
    )
    assessment = cycle.assessments.get(unit=world.commune_a)
    answers = {a.node.code: a for a in assessment.answers.select_related("node")}
    officer = login(browser, live_server, "officer_a")

    for name in ("bao-cao-cchc-2025", "ke-hoach-cchc-2024"):
        officer.goto(f"{live_server.url}/danh-gia/{assessment.pk}/tai-lieu/")
        officer.set_input_files("#id_file", str(files[name]))
        officer.click("form button.btn")
        officer.wait_for_selector("text=Đã tải lên")
    report = Document.objects.get(name="bao-cao-cchc-2025.pdf")
    plan = Document.objects.get(name="ke-hoach-cchc-2024.pdf")
    # read in the background: the details come from the files themselves
    assert (report.number, report.issued_on) == ("41/BC-UBND", dt.date(2025, 12, 15))
    assert plan.summary == "Kế hoạch cải cách hành chính năm 2024"

    officer.goto(f"{live_server.url}/tai-lieu/{report.pk}/")
    assert officer.inner_text("#fact-number") == "41/BC-UBND"
    assert officer.inner_text("#fact-date") == "15/12/2025"
    assert officer.input_value("#id_number") == "41/BC-UBND"
    shoot(officer, "evidence-facts-vi-desktop.png")

    officer.goto(f"{live_server.url}/danh-gia/{assessment.pk}/")
    for code, document in (("7.1.1", report), ("1.1.1", plan)):
        card = officer.locator(f"#answer-{answers[code].pk}")
        card.locator("select[name=document]").select_option(str(document.pk))
        card.get_by_role("button", name="Đính kèm").click()
    decision_card = f"#answer-{answers['7.1.1'].pk}"
    warning = officer.wait_for_selector(f"{decision_card} [data-code=wrong_kind]")
    assert "báo cáo" in warning.inner_text().lower() or "report" in warning.inner_text()
    plan_card = f"#answer-{answers['1.1.1'].pk}"
    warning = officer.wait_for_selector(f"{plan_card} [data-code=wrong_year]")
    assert "27/01/2024" in warning.inner_text()
    assert "2025" in warning.inner_text()
    officer.locator(decision_card).scroll_into_view_if_needed()
    shoot(officer, "evidence-warnings-vi-desktop.png")

    # the appraiser sees the same warnings on the same page
    appraiser = login(browser, live_server, "appraiser")
    appraiser.goto(f"{live_server.url}/danh-gia/{assessment.pk}/")
    assert appraiser.locator(f"{decision_card} [data-code=wrong_kind]").count() == 1
    assert appraiser.locator(f"{plan_card} [data-code=wrong_year]").count() == 1
