"""One commune through the yearly cycle, in a real browser: self-assessment with an upload, a
submission refused for a missing document, the submission, an adjustment, an explanation, the
final decision and the lock."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from parindex.assessments import actions
from parindex.assessments.models import Answer, AppraisalStatus, Status
from parindex.audit.models import AuditEntry
from parindex.frameworks.actions import create_framework, publish_framework
from parindex.frameworks.library import shipped
from tests import factories
from tests.assessments.test_cycle import PDF, full_marks
from tests.conftest import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def login(browser: Any, live_server: Any, username: str, width: int = 1366) -> Any:
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.goto(f"{live_server.url}/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("text=Đăng xuất")
    return page


def card(page: Any, answer: Answer) -> Any:
    return page.locator(f"#answer-{answer.pk}")


def test_one_commune_through_the_year(
    world: World, live_server: Any, browser: Any, tmp_path: Path
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
        explanation_from=today - dt.timedelta(days=1),
        explanation_to=today + dt.timedelta(days=40),
    )
    assessment = cycle.assessments.get(unit=world.commune_a)
    answers = {
        a.node.code: a for a in assessment.answers.select_related("node", "assessment__cycle")
    }
    # Most of the work was done earlier: every criterion answered at full marks with its documents,
    # except 1.1.1 (answered below) and 7.1.1 (its decision on the editorial board comes below).
    plan = actions.upload_document(
        by=None,
        unit=world.commune_a,
        name="ke-hoach.pdf",
        content=PDF,
        max_bytes=10**6,
        summary="Kế hoạch CCHC năm 2025",
    )
    for code, answer in answers.items():
        if answer.node.source.startswith("survey") or code == "1.1.1":
            continue
        actions.save_answer(answer, by=None, value=full_marks(answer), note="")
        if code != "7.1.1":
            for requirement in answer.node.evidence.filter(required=True):
                actions.cite_document(answer, plan, by=None, requirement=requirement)

    leader = login(browser, live_server, "leader_a")
    leader.goto(f"{live_server.url}/danh-gia/{assessment.pk}/")
    # 1.1.1: the answer the rule asks for; the points come back from the rule
    item = card(leader, answers["1.1.1"])
    item.locator("select[name=a_level]").select_option("ban_hanh_cham")  # saved on change
    leader.wait_for_selector(f"#score-{answers['1.1.1'].pk} >> text=0,50/1")
    assert "«Ban hành chậm» = 0,5" in leader.inner_text(f"#working-{answers['1.1.1'].pk}")
    assert Answer.objects.get(pk=answers["1.1.1"].pk).self_points == 0.5
    item = card(leader, answers["1.1.1"])
    item.locator("select[name=document]").select_option(label="Kế hoạch CCHC năm 2025")
    item.get_by_role("button", name="Đính kèm").click()
    leader.wait_for_selector(
        f"#answer-{answers['1.1.1'].pk} >> a:has-text('Kế hoạch CCHC năm 2025')"
    )
    # submission refused: 7.1.1 claims its point without the decision on the editorial board
    leader.reload()
    blocked = leader.inner_text("#submit")
    assert "1 tiêu chí còn chặn việc gửi" in blocked
    assert "7.1.1: có điểm nhưng thiếu: Quyết định kiện toàn Ban biên tập" in blocked
    assert leader.is_disabled("#submit button")
    # upload the decision, attach it as the required document
    decision = tmp_path / "QĐ kiện toàn Ban biên tập.pdf"
    decision.write_bytes(PDF)
    leader.click("text=Tài liệu kiểm chứng (1)")
    leader.set_input_files("#id_file", str(decision))
    leader.fill("#id_number", "12/QĐ-UBND")
    leader.fill("#id_issued_on", "15/02/2025")
    leader.fill("#id_summary", "Quyết định kiện toàn Ban biên tập Trang thông tin điện tử")
    leader.click("form button.btn")
    leader.wait_for_selector("text=Đã tải lên")
    item = card(leader, answers["7.1.1"])
    item.locator("select[name=document]").select_option(
        label="Quyết định kiện toàn Ban biên tập Trang thông tin điện tử (12/QĐ-UBND)"
    )
    item.get_by_role("button", name="Đính kèm").click()
    leader.wait_for_selector(f"#answer-{answers['7.1.1'].pk} >> a:has-text('Quyết định kiện toàn')")
    leader.reload()
    assert "Mọi tiêu chí đã được trả lời" in leader.inner_text("#submit")
    if os.environ.get("PARINDEX_SCREENSHOTS"):
        leader.locator("#submit").evaluate("element => element.scrollIntoView()")
        leader.screenshot(path=str(SCREENSHOTS / "assessment-vi-desktop.png"))
    leader.check("#submit input[name=confirm]")  # sending cannot be taken back
    leader.click("#submit button")
    leader.wait_for_selector("text=Đã gửi kết quả tự đánh giá cho Tổ thư ký.")
    assessment.refresh_from_db()
    assert assessment.status == Status.SUBMITTED
    assert "63,50" in leader.inner_text("tfoot")  # 64 − 0,5 (1.1.1 late)

    # the secretariat closes the self-assessment scores and assigns the appraiser
    secretariat = login(browser, live_server, "secretariat")
    secretariat.goto(f"{live_server.url}/danh-gia/ky/{cycle.pk}/")
    secretariat.check("form[action$='/chot-tu-danh-gia/'] input[name=confirm]")
    secretariat.click("form[action$='/chot-tu-danh-gia/'] button")
    secretariat.wait_for_selector("text=Đã chốt điểm tự đánh giá")
    secretariat.check(f"input[name=units][value='{world.commune_a.pk}']")
    secretariat.select_option("#appraiser", str(world.users["appraiser"].pk))
    secretariat.click("#assign button.btn")
    secretariat.wait_for_selector("text=thẩm định 1 xã")

    # the appraiser adjusts 3.1.1, asks about 7.2.1, agrees with the rest field by field
    appraiser = login(browser, live_server, "appraiser")
    appraiser.goto(f"{live_server.url}/danh-gia/{assessment.pk}/")
    item = card(appraiser, answers["3.1.1"])
    item.locator("input[name=decision][value=adjust]").check()
    item.locator("input[name=a_yes][value='0']").check()
    item.locator("input[name=reason]").fill("Thiếu đính kèm báo cáo kết quả thực hiện")
    item.get_by_role("button", name="Ghi kết quả thẩm định").click()
    appraiser.wait_for_selector(f"#answer-{answers['3.1.1'].pk} >> text=Điều chỉnh")
    item = card(appraiser, answers["7.2.1"])
    item.locator("input[name=decision][value=question]").check()
    item.locator("input[name=reason]").fill("Số liệu hồ sơ toàn trình chưa khớp với hệ thống")
    item.get_by_role("button", name="Ghi kết quả thẩm định").click()
    appraiser.wait_for_selector(f"#answer-{answers['7.2.1'].pk} >> text=Yêu cầu giải trình")
    for field in ("1", "2", "3", "4", "5", "6", "7", "8"):
        appraiser.click(f"#field-{field} form button:has-text('Thống nhất mọi tiêu chí')")
        appraiser.wait_for_selector("text=Đã thống nhất")
    adjusted = Answer.objects.get(pk=answers["3.1.1"].pk)
    assert (adjusted.appraisal_status, adjusted.appraised_points) == (AppraisalStatus.ADJUSTED, 0)

    # the commune explains; the appraiser decides; the secretariat locks
    leader.goto(f"{live_server.url}/danh-gia/{assessment.pk}/")
    item = card(leader, answers["7.2.1"])
    item.locator("textarea[name=explanation]").fill("199/200 hồ sơ toàn trình, có bảng thống kê")
    item.get_by_role("button", name="Gửi giải trình").click()
    leader.wait_for_selector(f"#answer-{answers['7.2.1'].pk} >> text=199/200 hồ sơ toàn trình")
    appraiser.goto(f"{live_server.url}/danh-gia/{assessment.pk}/")
    item = card(appraiser, answers["7.2.1"])
    item.locator("input[name=decision][value=adjust]").check()
    item.locator("input[name=a_achieved]").fill("199")
    item.locator("input[name=a_required]").fill("200")
    item.locator("input[name=reason]").fill("Theo giải trình: 199/200 hồ sơ")
    item.get_by_role("button", name="Ghi kết quả thẩm định").click()
    appraiser.wait_for_selector(f"#answer-{answers['7.2.1'].pk} >> text=1,99/2")
    secretariat.goto(f"{live_server.url}/danh-gia/{assessment.pk}/")
    secretariat.click("form[action$='/khoa/'] button")
    secretariat.wait_for_selector("text=Đã khóa kết quả.")
    assessment.refresh_from_db()
    assert assessment.status == Status.LOCKED
    assert "62,49" in secretariat.inner_text("tfoot")  # 63,5 − 1 (3.1.1) − 0,01 (7.2.1)
    assert AuditEntry.objects.filter(action="lock").count() == 1
    # locked: no form is offered to anyone any more
    appraiser.goto(f"{live_server.url}/danh-gia/{assessment.pk}/")
    assert appraiser.locator("form.appraise-form").count() == 0
    for page in (leader, secretariat, appraiser):
        page.context.close()
