"""A whole year of the PAR Index in a real browser, played by the people who do it.

The secretariat imports the framework from Excel, publishes it and opens the calendar; three
communes self-assess with their evidence (one is refused for a missing document and fixes it);
citizens answer the survey on a phone and paper forms are imported; the appraiser adjusts two
items, a commune explains, the results are locked; the index is ranked, approved by the council
and published; the public page shows it; a commune drafts its improvement plan; the award rule
names the eligible units. Every figure the pages show is worked out here by hand from the answers
given.

With PARINDEX_SCREENSHOTS=1 it saves the pictures of the Vietnamese user guide
(docs/huong-dan/anh/).
"""

from __future__ import annotations

import datetime as dt
import os
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from parindex.accounts.models import Role, User
from parindex.assessments import actions
from parindex.assessments.models import Answer, AppraisalStatus, Assessment, Cycle, Status
from parindex.awards.models import Campaign as AwardCampaign
from parindex.frameworks.excel_io import write_xlsx
from parindex.frameworks.library import shipped
from parindex.frameworks.models import Framework
from parindex.frameworks.models import Status as FrameworkStatus
from parindex.orgunits.models import Kind, Unit
from parindex.plans.models import Plan
from parindex.scoring.models import Publication, PublicationState
from parindex.surveys import actions as surveys
from parindex.surveys.models import Campaign, Channel, Response
from parindex.surveys.yaml_io import shipped as shipped_questionnaire
from tests import factories
from tests.assessments.test_cycle import full_marks
from tests.conftest import World
from tests.surveys.test_paper import RATED, workbook

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "huong-dan" / "anh"
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}
D = Decimal
TOTAL = D(100)
SIPAS_MAX = D(36)  # field 9, fed by the citizens' survey
APPRAISED_MAX = TOTAL - SIPAS_MAX  # 64: the points a commune self-assesses


def vn(value: Decimal) -> str:
    """A score the Vietnamese way: two decimals after a comma (96,70)."""
    return f"{value:.2f}".replace(".", ",")


def ascii_text(text: str) -> str:
    """Vietnamese without its marks (Nghị quyết → Nghi quyet), for the PDF's standard font."""
    bare = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in bare if not unicodedata.combining(c) and c not in "()\\")


def pdf(*lines: str) -> bytes:
    """A small, valid one-page PDF with these lines, and a correct cross-reference table."""
    shown = " ".join(f"({ascii_text(line)}) Tj 0 -22 Td" for line in lines)
    stream = f"BT /F1 13 Tf 60 780 Td {shown} ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


@dataclass
class Year:
    """What the walk shares from one step to the next."""

    world: World
    url: str
    browser: Any
    tmp: Path
    commune_c: Unit
    cycle: Cycle | None = None
    campaign: Campaign | None = None
    pages: list[Any] = field(default_factory=list)

    def page(self, username: str | None = None, viewport: dict[str, int] = DESKTOP) -> Any:
        page = self.browser.new_context(viewport=viewport, locale="vi-VN").new_page()
        self.pages.append(page)
        if username is not None:
            page.goto(f"{self.url}/dang-nhap/")
            page.fill("#id_username", username)
            page.fill("#id_password", factories.PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_selector("text=Đăng xuất", state="attached")  # folded menu on a phone
        return page

    def assessment(self, unit: Unit) -> Assessment:
        assert self.cycle is not None
        return Assessment.objects.get(cycle=self.cycle, unit=unit)

    def answer(self, unit: Unit, code: str) -> Answer:
        return Answer.objects.select_related("node", "assessment__cycle").get(
            assessment=self.assessment(unit), node__code=code
        )

    def dump(self, failure: BaseException) -> None:
        """On a failure: every open page's picture and text, next to the test's files."""
        for n, page in enumerate(self.pages):
            if not page.is_closed():
                page.screenshot(path=str(self.tmp / f"page-{n}.png"), full_page=True)
                (self.tmp / f"page-{n}.txt").write_text(f"{page.url}\n{page.inner_text('body')}")
        failure.add_note(f"Pages at the failure: {self.tmp}")

    def close(self) -> None:
        for page in self.pages:
            page.context.close()


def shoot(page: Any, name: str, *, full_page: bool = False, at: str | None = None) -> None:
    """A picture for the user guide, when asked for (PARINDEX_SCREENSHOTS=1)."""
    if not os.environ.get("PARINDEX_SCREENSHOTS"):
        return
    GUIDE.mkdir(parents=True, exist_ok=True)
    if at is not None:
        page.locator(at).first.evaluate("element => element.scrollIntoView({block: 'start'})")
        page.evaluate("window.scrollBy(0, -70)")
    page.screenshot(path=str(GUIDE / name), full_page=full_page)


def fits(page: Any) -> None:
    """Nothing spills past a phone's width."""
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


# --- The hand-worked figures ---------------------------------------------------------------------
#
# Every criterion the communes do not answer by hand below is answered at full points through the
# same service the page uses (actions.save_answer, actions.cite_document), so the figures are the
# 64 appraised points minus what the hand answers and the appraisal take away, plus the survey.
#
# Xã An Bình (A): 1.1.1 "Ban hành chậm" = 0,5 of 1; 7.1.1 yes = 1 (refused without its decision,
#   then fixed). Appraisal: 3.1.1 adjusted to "no" (0 of 1), explained by the commune.
# Phường Bình Minh (B), on a phone: 1.2.1 one late report: 1 − 0,25 × 1 = 0,75 of 1.
# Xã Tân Lập (C): 1.1.1 "Không ban hành" = 0 of 1; 5.2.3 two disciplined officials:
#   2 − 0,5 × 2 = 1 of 2; 4.1.2 and 6.1.1 "no" (0 of 1,5 each). Appraisal: 7.2.1 adjusted to
#   180 of 200 files: 2 × 180 ÷ 200 = 1,8 of 2.
SELF = {
    "A": APPRAISED_MAX - D("0.5"),  # 63,50
    "B": APPRAISED_MAX - D("0.25"),  # 63,75
    "C": APPRAISED_MAX - D(1) - D(1) - D("1.5") - D("1.5"),  # 59,00
}
APPRAISED = {
    "A": SELF["A"] - D(1),  # 62,50
    "B": SELF["B"],  # 63,75
    "C": SELF["C"] - (D(2) - D("1.8")),  # 58,80
}
# The survey: a question's rate is the share of answers 4 or 5; an element's index the mean of its
# questions' rates; the commune's index the mean of the five elements; 9.1 = 36 × index ÷ 100.
# Rated questions: TC2 TC3 (access), TT2 TT3 (procedure), CC1 CC2 (civil servant), KQ2 (result),
# PA1 (feedback).
ALL = dict.fromkeys(RATED, "5")
FORMS: dict[str, dict[str, list[dict[str, str]]]] = {
    "A": {
        "online": [
            {**ALL, "TC3": "4", "TT2": "4", "TT3": "4", "CC2": "3", "KQ2": "4", "PA1": "4"},
            ALL,
        ],
        "paper": [dict.fromkeys(RATED, "4"), {**ALL, "TC2": "2"}],
    },
    "B": {"online": [], "paper": [ALL, dict.fromkeys(RATED, "4")]},
    "C": {"online": [dict.fromkeys(RATED, "4")], "paper": [dict.fromkeys(RATED, "2"), ALL]},
}
# A: TC2 3 of 4 (one 2), CC2 3 of 4 (one 3), everything else 4 of 4:
#   TC (75 + 100) ÷ 2 = 87,5; CC 87,5; TT, KQ, PA 100 → (87,5 × 2 + 100 × 3) ÷ 5 = 95 %.
# B: every answer 4 or 5 → 100 %.  C: one form of three says 2 everywhere → every rate 2/3, 66,67 %.
SURVEY_INDEX = {"A": D(95), "B": D(100), "C": D(200) / D(3)}
SIPAS = {k: (SIPAS_MAX * v / 100).quantize(D("0.01")) for k, v in SURVEY_INDEX.items()}
assert {"A": D("34.20"), "B": D("36.00"), "C": D("24.00")} == SIPAS
FINAL = {k: APPRAISED[k] + SIPAS[k] for k in SIPAS}  # A 96,70 · B 99,75 · C 82,80
assert {"A": D("96.70"), "B": D("99.75"), "C": D("82.80")} == FINAL
RANKING = ["B", "A", "C"]
FIELD_MAX = [D(12), D(5), D(14), D(4), D(7), D(5), D(11), D(6), SIPAS_MAX]
LOST_BY_FIELD = {  # points lost in fields 1 to 8, from the answers and the appraisal above
    "A": {1: D("0.5"), 3: D(1)},
    "B": {1: D("0.25")},
    "C": {1: D(1), 4: D("1.5"), 5: D(1), 6: D("1.5"), 7: D("0.2")},
}
BAND = {"A": "Xuất sắc", "B": "Xuất sắc", "C": "Tốt"}  # ≥ 90, ≥ 80


def public_row(key: str, rank: int) -> list[str]:
    """The public ranking's cells: rank, the nine fields, the total and the band."""
    fields = [top - LOST_BY_FIELD[key].get(n, D(0)) for n, top in enumerate(FIELD_MAX[:8], 1)]
    assert sum(fields) == APPRAISED[key]
    return [str(rank), *map(vn, fields), vn(SIPAS[key]), vn(FINAL[key]), BAND[key]]


# --- The steps -----------------------------------------------------------------------------------


def import_and_publish_the_framework(year: Year) -> Framework:
    """The secretariat imports the province's Excel table, checks it and publishes it."""
    login = year.page()
    login.goto(f"{year.url}/dang-nhap/")
    shoot(login, "01-dang-nhap.png")
    table = year.tmp / "bo-chi-so-cap-xa-2025.xlsx"
    table.write_bytes(write_xlsx(shipped()))  # the project's own Excel layout
    page = year.page("secretariat")
    page.goto(f"{year.url}/bo-chi-so/nhap/")
    page.set_input_files("#id_file", str(table))
    page.click("form button.btn")
    page.wait_for_selector("text=Đã nhập bộ chỉ số PAR-XA-2025 thành bản dự thảo")
    page.wait_for_selector("#problems.valid")
    framework = Framework.objects.get(code="PAR-XA-2025")
    assert framework.status == FrameworkStatus.DRAFT
    assert framework.nodes.filter(rule__isnull=False).exclude(rule={}).count() == 48
    shoot(page, "02-nhap-khung-tieu-chi.png")
    page.check("form[action$='/cong-bo/'] input[name=confirm]")
    page.click("form[action$='/cong-bo/'] button")
    page.wait_for_selector("text=Đã công bố bộ chỉ số.")
    framework.refresh_from_db()
    assert framework.status == FrameworkStatus.PUBLISHED
    return framework


def open_the_calendar(year: Year, framework: Framework) -> None:
    """The secretariat opens the year's cycle: every commune of the province gets its form."""
    today = timezone.localdate()

    def day(days: int) -> str:
        return (today + dt.timedelta(days=days)).strftime("%d/%m/%Y")

    page = year.page("secretariat")
    page.goto(f"{year.url}/danh-gia/mo-ky/")
    page.select_option("#id_framework", str(framework.pk))
    page.select_option("#id_scope", str(year.world.province.pk))
    page.fill("#id_year", "2025")
    page.fill("#id_name", "Chỉ số CCHC cấp xã năm 2025")
    page.fill("#id_self_opens_on", day(-10))
    page.fill("#id_self_deadline", day(10))
    page.fill("#id_appraisal_deadline", day(30))
    page.fill("#id_explanation_from", day(-1))
    page.fill("#id_explanation_to", day(40))
    page.fill("#id_council_on", day(45))
    page.fill("#id_publish_on", day(50))
    page.click("form.card button.btn")
    page.wait_for_selector("text=Đã mở kỳ đánh giá: 3 xã có thể tự đánh giá.")
    year.cycle = Cycle.objects.get(year=2025, scope=year.world.province)
    assert year.cycle.assessments.count() == 3
    assert year.cycle.self_deadline == today + dt.timedelta(days=10)
    calendar = page.inner_text(".facts")
    assert f"{day(-10)} – {day(10)}" in calendar
    assert "0/47" in page.inner_text("table")  # 47 criteria to answer, 9.1 comes from the survey
    shoot(page, "03-lich-danh-gia.png")


def fill_the_rest(year: Year, unit: Unit, *, skip: set[str], zero: set[str] = frozenset()) -> None:  # type: ignore[assignment]
    """The criteria not answered by hand: full points (or "no" for `zero`) through the service the
    page uses, citing the commune's summary file for every required document."""
    assessment = year.assessment(unit)
    summary = actions.upload_document(
        by=None,
        unit=unit,
        name="ho-so-tong-hop.pdf",
        content=pdf(
            f"UY BAN NHAN DAN {unit.name}",
            "So: 99/BC-UBND ngay 05/12/2025",
            "Bao cao tong hop ket qua cai cach hanh chinh nam 2025",
            "kem theo cac ke hoach, bao cao va quyet dinh cua xa.",
        ),
        max_bytes=10**6,
        number=f"99/BC-UBND-{unit.code}",
        summary="Hồ sơ tổng hợp kết quả CCHC năm 2025",
    )
    for answer in assessment.answers.select_related("node", "assessment__cycle"):
        code = answer.node.code
        if code in skip or answer.node.source.startswith("survey"):
            continue
        if code in zero:
            actions.save_answer(answer, by=None, value={"yes": False}, note="")
            continue
        actions.save_answer(answer, by=None, value=full_marks(answer), note="")
        for requirement in answer.node.evidence.filter(required=True):
            actions.cite_document(answer, summary, by=None, requirement=requirement)


def upload(
    page: Any, year: Year, assessment: Assessment, name: str, number: str, day: str, summary: str
) -> None:
    """The commune's officer uploads a signed-off document with its number, date and summary."""
    path = year.tmp / name
    unit = assessment.unit.name
    path.write_bytes(
        pdf(f"UY BAN NHAN DAN {unit}", f"So: {number}", f"{unit}, ngay {day}", summary)
    )
    page.goto(f"{year.url}/danh-gia/{assessment.pk}/tai-lieu/")
    page.set_input_files("#id_file", str(path))
    page.fill("#id_number", number)
    page.fill("#id_issued_on", day)
    page.fill("#id_summary", summary)
    page.click("form.card button.btn")
    page.wait_for_selector(f"text=Đã tải lên “{name}”")  # back on the assessment page


def attach(page: Any, answer: Answer, label: str) -> None:
    item = page.locator(f"#answer-{answer.pk}")
    item.locator("select[name=document]").select_option(label=label)
    item.get_by_role("button", name="Đính kèm").click()
    page.wait_for_selector(f"#answer-{answer.pk} .evidence a:has-text('{label.split(' (')[0]}')")


def self_assess_commune_a(year: Year) -> None:
    """Xã An Bình: two criteria by hand with their evidence; refused for a missing decision."""
    world = year.world
    commune = world.commune_a
    fill_the_rest(year, commune, skip={"1.1.1", "7.1.1"})
    assessment = year.assessment(commune)
    leader = year.page("leader_a")
    upload(
        leader,
        year,
        assessment,
        "ke-hoach-cchc-2025.pdf",
        "35/KH-UBND",
        "27/01/2025",
        "Kế hoạch CCHC năm 2025",
    )
    leader.goto(f"{year.url}/danh-gia/{assessment.pk}/")
    plan = year.answer(commune, "1.1.1")
    leader.locator(f"#answer-{plan.pk} select[name=a_level]").select_option("ban_hanh_cham")
    leader.wait_for_selector(f"#score-{plan.pk} >> text=0,50/1")  # saved on change
    assert "«Ban hành chậm» = 0,5" in leader.inner_text(f"#working-{plan.pk}")
    attach(leader, plan, "Kế hoạch CCHC năm 2025 (35/KH-UBND)")
    shoot(leader, "05-tai-lieu-kiem-chung.png", at=f"#answer-{plan.pk}")

    board = year.answer(commune, "7.1.1")
    leader.locator(f"#answer-{board.pk} input[name=a_yes][value='1']").check()
    leader.wait_for_selector(f"#score-{board.pk} >> text=1,00/1")
    leader.reload()
    assert leader.is_disabled("#submit button")
    blocked = leader.inner_text("#submit")
    assert "1 tiêu chí còn chặn việc gửi" in blocked
    assert "7.1.1: có điểm nhưng thiếu: Quyết định kiện toàn Ban biên tập" in blocked
    # 63,50 counted already; nothing appraised yet (9.1 waits for the survey)
    assert leader.inner_text("tfoot").split()[-2:] == [vn(SELF["A"]), "—"]
    shoot(leader, "06-nop-bi-tu-choi.png", at="#submit")

    # the decision is found, uploaded and attached: the submission goes through
    upload(
        leader,
        year,
        assessment,
        "qd-kien-toan-ban-bien-tap.pdf",
        "12/QĐ-UBND",
        "15/02/2025",
        "Quyết định kiện toàn Ban biên tập Trang thông tin điện tử",
    )
    leader.goto(f"{year.url}/danh-gia/{assessment.pk}/")
    attach(leader, board, "Quyết định kiện toàn Ban biên tập Trang thông tin điện tử (12/QĐ-UBND)")
    leader.reload()
    assert "Mọi tiêu chí đã được trả lời" in leader.inner_text("#submit")
    shoot(leader, "04-tu-danh-gia.png", at="h1")
    leader.check("#submit input[name=confirm]")  # sending cannot be taken back
    leader.click("#submit button")
    leader.wait_for_selector("text=Đã gửi kết quả tự đánh giá cho Tổ thư ký.")
    assert leader.inner_text("tfoot").split()[-2:] == [vn(SELF["A"]), "—"]
    assert year.assessment(commune).status == Status.SUBMITTED


def self_assess_commune_b(year: Year) -> None:
    """Phường Bình Minh's leader, on a phone: one late report under 1.2.1."""
    commune = year.world.commune_b
    fill_the_rest(year, commune, skip={"1.2.1"})
    assessment = year.assessment(commune)
    reports = year.answer(commune, "1.2.1")
    leader = year.page("leader_b", PHONE)
    leader.goto(f"{year.url}/danh-gia/{assessment.pk}/")
    fits(leader)
    item = leader.locator(f"#answer-{reports.pk}")
    item.locator("input[name=a_count]").fill("1")
    item.locator("input[name=a_count]").press("Tab")
    leader.wait_for_selector(f"#score-{reports.pk} >> text=0,75/1")
    item.locator("select[name=document]").select_option(
        label="Hồ sơ tổng hợp kết quả CCHC năm 2025 (99/BC-UBND-91002)"
    )
    item.get_by_role("button", name="Đính kèm").click()
    leader.wait_for_selector(f"#answer-{reports.pk} .evidence a:has-text('Hồ sơ tổng hợp')")
    shoot(leader, "17-tu-danh-gia-dien-thoai.png", at=f"#answer-{reports.pk}")
    leader.reload()
    leader.check("#submit input[name=confirm]")  # sending cannot be taken back
    leader.click("#submit button")
    leader.wait_for_selector("text=Đã gửi kết quả tự đánh giá cho Tổ thư ký.")
    assert leader.inner_text("tfoot").split()[-2:] == [vn(SELF["B"]), "—"]


def self_assess_commune_c(year: Year) -> None:
    """Xã Tân Lập: no plan issued (0 points, no document needed) and two disciplined officials."""
    commune = year.commune_c
    fill_the_rest(year, commune, skip={"1.1.1", "5.2.3"}, zero={"4.1.2", "6.1.1"})
    assessment = year.assessment(commune)
    leader = year.page("leader_c")
    leader.goto(f"{year.url}/danh-gia/{assessment.pk}/")
    plan = year.answer(commune, "1.1.1")
    leader.locator(f"#answer-{plan.pk} select[name=a_level]").select_option("khong_ban_hanh")
    leader.wait_for_selector(f"#score-{plan.pk} >> text=0,00/1")
    discipline = year.answer(commune, "5.2.3")
    field_ = leader.locator(f"#answer-{discipline.pk} input[name=a_count]")
    field_.fill("2")
    field_.press("Tab")
    leader.wait_for_selector(f"#score-{discipline.pk} >> text=1,00/2")
    leader.reload()
    assert "Mọi tiêu chí đã được trả lời" in leader.inner_text("#submit")
    leader.check("#submit input[name=confirm]")  # sending cannot be taken back
    leader.click("#submit button")
    leader.wait_for_selector("text=Đã gửi kết quả tự đánh giá cho Tổ thư ký.")
    assert leader.inner_text("tfoot").split()[-2:] == [vn(SELF["C"]), "—"]


def codes(year: Year) -> dict[str, Unit]:
    return {"A": year.world.commune_a, "B": year.world.commune_b, "C": year.commune_c}


def survey(year: Year) -> None:
    """Citizens answer on their phones; the secretariat imports the paper forms and feeds 9.1."""
    assert year.cycle is not None
    today = timezone.localdate()
    year.campaign = surveys.open_campaign(
        by=None,
        questionnaire=surveys.install_questionnaire(shipped_questionnaire("sipas-2024.yaml")),
        scope=year.world.province,
        year=2025,
        name="Khảo sát SIPAS năm 2025",
        opens_on=today - dt.timedelta(days=20),
        closes_on=today + dt.timedelta(days=5),
        cycle=year.cycle,
    )
    links = {link.unit.code: link for link in surveys.public_links(year.campaign)}
    units = codes(year)
    profile = {"TC1": "1", "TT1": "1", "KQ1": "1", "PA2": "", "GT": "nu", "TUOI": "25_40"}
    profile |= {"LV": "ho_tich", "KENH": "truc_tiep"}
    first = True
    for key, forms in FORMS.items():
        for ratings in forms["online"]:
            answers = {**profile, **ratings}
            citizen = year.page(viewport=PHONE)
            citizen.goto(f"{year.url}/khao-sat/p/{links[units[key].code].token}/")
            citizen.click("text=Bắt đầu")
            for number in range(1, 7):
                citizen.wait_for_selector(f"text=Phần {number}/6")
                fits(citizen)
                for name in citizen.eval_on_selector_all(
                    "form [name]:not([type=hidden]):not([name=csrfmiddlewaretoken])",
                    "els => [...new Set(els.map(e => e.name))]",
                ):
                    if name not in answers or name == "website":
                        continue
                    kind = citizen.locator(f"[name={name}]").first.get_attribute("type")
                    if kind == "radio":
                        citizen.check(f"input[name={name}][value='{answers[name]}']")
                    else:
                        citizen.fill(f"[name={name}]", answers[name])
                if first and number == 2:
                    shoot(citizen, "07-khao-sat-dien-thoai.png", full_page=True)
                    first = False
                citizen.click("button.btn")
            citizen.wait_for_selector("text=Xin cảm ơn")
            citizen.context.close()
    online = Response.objects.filter(campaign=year.campaign, channel=Channel.ONLINE)
    assert online.count() == 3

    rows: list[list[object]] = []
    for key, forms in FORMS.items():
        code = units[key].code
        for n, ratings in enumerate(forms["paper"], start=1):
            row: list[object] = [f"G-{code}-{n:02d}", code, today.strftime("%d/%m/%Y")]
            rows.append([*row, *(ratings[q] for q in RATED), "1", "nam", "ho_tich"])
    paper = year.tmp / "phieu-giay-sipas-2025.xlsx"
    paper.write_bytes(workbook(rows))
    page = year.page("secretariat")
    page.goto(f"{year.url}/khao-sat/{year.campaign.pk}/phieu-giay/")
    page.set_input_files("#id_file", str(paper))
    page.click("form button.btn")
    page.wait_for_selector("text=Đã thêm 6 phiếu, 0 phiếu đã có từ trước, bỏ qua 0 dòng")
    shoot(page, "08-nhap-phieu-giay.png")
    assert Response.objects.filter(campaign=year.campaign, channel=Channel.PAPER).count() == 6

    page.goto(f"{year.url}/khao-sat/{year.campaign.pk}/")
    table = page.locator("table", has_text=units["A"].name).last
    for key, unit in units.items():
        forms = len(FORMS[key]["online"]) + len(FORMS[key]["paper"])
        row = table.locator("tr", has_text=unit.name).first.inner_text()
        assert f"{forms}/50" in row.replace(" ", ""), row
        assert vn(SURVEY_INDEX[key].quantize(D("0.01"))) in row, row
    page.click("button:has-text('Cập nhật kết quả vào các tiêu chí khảo sát')")
    page.wait_for_selector("text=Đã cập nhật 3 tiêu chí khảo sát của kỳ đánh giá.")
    for key, unit in units.items():
        assert year.answer(unit, "9.1").self_points == SIPAS[key]


def appraise(year: Year) -> None:
    """The secretariat closes the self-assessment and assigns the appraiser, who adjusts two
    items; Xã An Bình explains; the secretariat locks the three results."""
    assert year.cycle is not None
    world = year.world
    secretariat = year.page("secretariat")
    secretariat.goto(f"{year.url}/danh-gia/ky/{year.cycle.pk}/")
    secretariat.check("form[action$='/chot-tu-danh-gia/'] input[name=confirm]")
    secretariat.click("form[action$='/chot-tu-danh-gia/'] button")
    secretariat.wait_for_selector("text=Đã chốt điểm tự đánh giá")
    for unit in codes(year).values():
        secretariat.check(f"input[name=units][value='{unit.pk}']")
    secretariat.select_option("#appraiser", str(world.users["appraiser"].pk))
    secretariat.click("#assign button.btn")
    secretariat.wait_for_selector("text=thẩm định 3 xã")

    appraiser = year.page("appraiser")
    a, c = world.commune_a, year.commune_c
    review = year.answer(a, "3.1.1")
    appraiser.goto(f"{year.url}/danh-gia/{year.assessment(a).pk}/")
    item = appraiser.locator(f"#answer-{review.pk}")
    item.locator("input[name=decision][value=adjust]").check()
    item.locator("input[name=a_yes][value='0']").check()
    item.locator("input[name=reason]").fill("Thiếu báo cáo kết quả rà soát, đánh giá TTHC năm 2025")
    shoot(appraiser, "09-tham-dinh.png", at=f"#answer-{review.pk} .appraisal")
    item.get_by_role("button", name="Ghi kết quả thẩm định").click()
    appraiser.wait_for_selector(f"#score-{review.pk} >> text=0,00/1")
    # every other criterion of the field, then of each field, agreed at once
    for number in (1, 3):  # the rest of fields 1 and 3 at once, by the page's button ...
        with appraiser.expect_navigation():
            appraiser.click(f"#field-{number} form button:has-text('Thống nhất mọi tiêu chí')")
    for number in (2, 4, 5, 6, 7, 8):  # ... and the other fields through the same service
        actions.agree_field(year.assessment(a), by=world.users["appraiser"], field_code=str(number))
    pending = year.assessment(a).answers.filter(appraisal_status=AppraisalStatus.PENDING)
    assert list(pending.values_list("node__code", flat=True)) == []
    online = year.answer(c, "7.2.1")
    appraiser.goto(f"{year.url}/danh-gia/{year.assessment(c).pk}/")
    item = appraiser.locator(f"#answer-{online.pk}")
    item.locator("input[name=decision][value=adjust]").check()
    item.locator("input[name=a_achieved]").fill("180")
    item.locator("input[name=a_required]").fill("200")
    item.locator("input[name=reason]").fill("Theo Cổng dịch vụ công: 180/200 hồ sơ toàn trình")
    item.get_by_role("button", name="Ghi kết quả thẩm định").click()
    appraiser.wait_for_selector(f"#score-{online.pk} >> text=1,80/2")
    # The other communes' remaining criteria: the same bulk agreement the page's button makes.
    for unit in (world.commune_b, c):
        for number in range(1, 9):
            actions.agree_field(
                year.assessment(unit), by=world.users["appraiser"], field_code=str(number)
            )
    adjusted = Answer.objects.filter(
        assessment__cycle=year.cycle, appraisal_status=AppraisalStatus.ADJUSTED
    )
    assert sorted(adjusted.values_list("node__code", flat=True)) == ["3.1.1", "7.2.1"]

    leader = year.page("leader_a")
    leader.goto(f"{year.url}/danh-gia/{year.assessment(a).pk}/")
    item = leader.locator(f"#answer-{review.pk}")
    assert "Thiếu báo cáo kết quả rà soát" in item.inner_text()
    item.locator("textarea[name=explanation]").fill(
        "Báo cáo kết quả rà soát TTHC được ban hành ngày 20/11/2025, sau hạn tự đánh giá; "
        "xã xin ghi nhận và sẽ ban hành đúng hạn năm 2026."
    )
    item.get_by_role("button", name="Gửi giải trình").click()
    leader.wait_for_selector(f"#answer-{review.pk} >> text=sẽ ban hành đúng hạn năm 2026")
    shoot(leader, "10-giai-trinh.png", at=f"#answer-{review.pk} .appraisal")

    for key, unit in codes(year).items():
        secretariat.goto(f"{year.url}/danh-gia/{year.assessment(unit).pk}/")
        secretariat.click("form[action$='/khoa/'] button")
        secretariat.wait_for_selector("text=Đã khóa kết quả.")
        # self-assessed and appraised totals, 9.1 from the survey now counted in both
        totals = secretariat.inner_text("tfoot").split()
        assert totals[-2:] == [vn(SELF[key] + SIPAS[key]), vn(FINAL[key])], (key, totals)
        assert year.assessment(unit).status == Status.LOCKED
        if key == "A":
            shoot(secretariat, "11-khoa-ket-qua.png")


def rank_approve_publish(year: Year) -> None:
    """The dashboard ranks the three; the council approves the frozen version; it is published."""
    assert year.cycle is not None
    units = codes(year)
    page = year.page("secretariat")
    page.goto(f"{year.url}/ket-qua/{year.cycle.pk}/")
    rows = page.locator("table.ranking tbody tr:not(.avg)")
    assert rows.count() == 3
    average = (sum(FINAL.values()) / 3).quantize(D("0.01"))  # 279,25 ÷ 3 = 93,08
    assert vn(average) in page.inner_text("table.ranking tr.avg")
    for rank, key in enumerate(RANKING, start=1):
        text = rows.nth(rank - 1).inner_text()
        assert units[key].name in text, text
        assert vn(FINAL[key]) in text, text
    page.wait_for_selector("canvas[data-chart='chart-bars'][data-chart-drawn]")
    page.wait_for_timeout(400)  # the chart's animation
    shoot(page, "12-xep-hang.png", at="h2:has-text('Xếp hạng')")

    page.goto(f"{year.url}/ket-qua/{year.cycle.pk}/cong-bo/")
    page.click("text=Chốt kết quả thành phiên bản mới")
    page.wait_for_selector("text=sẵn sàng để Hội đồng thông qua")
    council = year.page("council")
    council.goto(f"{year.url}/ket-qua/{year.cycle.pk}/cong-bo/")
    council.fill("input[name=decision]", "Nghị quyết số 05/NQ-HĐTĐ ngày 15/01/2026")
    council.click("button[value=approve]")
    council.wait_for_selector("text=đã được thông qua")
    page.reload()
    page.check("form[action$='/cong-bo/'] input[name=confirm]")  # publishing cannot be undone
    page.click("form[action$='/cong-bo/'] button:has-text('Công bố')")
    page.wait_for_selector("text=đã được công bố")
    shoot(page, "13-phe-duyet-cong-bo.png")
    publication = Publication.objects.get(cycle=year.cycle)
    assert publication.state == PublicationState.PUBLISHED
    assert publication.decision == "Nghị quyết số 05/NQ-HĐTĐ ngày 15/01/2026"


def the_public_reads_it(year: Year) -> None:
    assert year.cycle is not None
    units = codes(year)
    public = year.page(viewport=DESKTOP)
    public.goto(f"{year.url}/cong-khai/")
    public.click(f"text={year.cycle.name}")
    public.wait_for_url(f"**/cong-khai/{year.cycle.pk}/")
    rows = public.locator("table.ranking tbody tr")
    assert rows.count() == 3
    for rank, key in enumerate(RANKING, start=1):
        text = rows.nth(rank - 1).inner_text()
        assert text.startswith(str(rank)), text
        assert units[key].name in text, text
        assert vn(FINAL[key]) in text, text
        cells = rows.nth(rank - 1).locator("td").all_inner_texts()
        assert [c.strip() for c in cells] == public_row(key, rank), (key, cells)
    assert "Nghị quyết số 05/NQ-HĐTĐ" in public.inner_text(".meta")
    shoot(public, "14-cong-khai.png")
    public.click(f"text={units['A'].name}")
    public.wait_for_selector(f"text={vn(FINAL['A'])}/100")


def improvement_plan(year: Year) -> None:
    """Xã An Bình drafts next year's plan from its lost points: 1.1.1, 3.1.1 and 9.1."""
    assert year.cycle is not None
    a = year.world.commune_a
    officer = year.page("officer_a")
    officer.goto(f"{year.url}/ket-qua/{year.cycle.pk}/xa/{a.code}/")
    assert f"{vn(FINAL['A'])}/100" in officer.locator(".stat.big").inner_text()
    assert "2/3" in officer.locator(".stat").nth(1).inner_text()  # rank 2 of 3
    assert "45/48" in officer.content()  # 48 sub-criteria, 3 below full points
    officer.click("button:has-text('Lập kế hoạch khắc phục')")
    officer.wait_for_selector("text=Đã lập dự thảo: mỗi tiêu chí thành phần bị mất điểm là một")
    officer.wait_for_load_state("load")
    plan = Plan.objects.get(unit=a)
    assert plan.tasks.count() == 3
    body = officer.inner_text("body")
    # one task per sub-criterion below its maximum, with what it got and the appraiser's reason
    got = {
        "1.1.1": "Đạt 0,5/1 điểm.",  # "Ban hành chậm"
        "3.1.1": "Đạt 0/1 điểm: Thiếu báo cáo kết quả rà soát, đánh giá TTHC năm 2025",
        "9.1": f"Đạt {vn(SIPAS['A']).rstrip('0')}/36 điểm.",  # 34,2: the survey's 95 %
    }
    for code, text in got.items():
        assert f"Khắc phục tiêu chí {code}:" in body, code
        assert text in body, text
    assert "Đạt từ 95% trở lên" in body  # the citizens' satisfaction target
    shoot(officer, "15-ke-hoach-cai-thien.png", at="#nhiem-vu")


def awards(year: Year) -> None:
    """The province's emulation campaign: seed 004's rule names Phường Bình Minh and Xã An Bình."""
    assert year.cycle is not None
    units = codes(year)
    page = year.page("secretariat")
    page.goto(f"{year.url}/thi-dua/moi/")
    if page.locator("#id_issuer").count():
        page.select_option("#id_issuer", str(year.world.province.pk))
    page.select_option("#id_cycle", str(year.cycle.pk))
    page.fill("#id_name", "Phong trào thi đua “Cải cách hành chính” năm 2025")
    page.fill("#id_number", "15/KH-UBND")
    page.fill("#id_period_from", "01/01/2026")
    page.fill("#id_period_to", "31/12/2026")
    page.fill("#id_nomination_deadline", "31/12/2026")
    page.check("#id_for_collectives")
    page.fill("#id_award_forms", "Bằng khen của Chủ tịch UBND tỉnh")
    page.click("form.card button.btn")
    campaign = AwardCampaign.objects.get(cycle=year.cycle)
    page.wait_for_url(f"**/thi-dua/{campaign.pk}/**")
    page.goto(f"{year.url}/thi-dua/{campaign.pk}/dieu-kien/?mau=seed004")
    page.click("form.card button.btn:has-text('Lưu')")
    page.wait_for_selector("text=Đã lưu điều kiện.")  # back on the campaign's page
    with page.expect_navigation():
        page.click("form[action$='/trang-thai/'] button")  # open for nominations
    campaign.refresh_from_db()
    assert campaign.status == "open"
    stats = page.locator(".stats .stat strong").all_inner_texts()
    assert stats == ["3", "2"], stats  # three communes in the publication, two eligible
    rows = page.locator("table.candidates tbody tr")
    verdicts = {}
    for i in range(rows.count()):
        text = rows.nth(i).inner_text()
        key = next(k for k, u in units.items() if u.name in text)
        verdicts[key] = text
    assert "Không đủ điều kiện" not in verdicts["A"] + verdicts["B"]
    assert f"chỉ số {vn(FINAL['B'])}% ≥ 83%" in verdicts["B"]
    assert f"chỉ số {vn(FINAL['A'])}% ≥ 83%" in verdicts["A"]
    assert (
        f"Không đủ điều kiện: chỉ số {vn(FINAL['C'])}% ≥ 80% nhưng không có kết quả công bố năm "
        f"trước để so sánh; chỉ số {vn(FINAL['C'])}% < 83%"
    ) in verdicts["C"]
    shoot(page, "16-thi-dua.png", at="#candidates")


def test_a_year_of_the_index_played_by_its_people(
    world: World, live_server: Any, browser: Any, tmp_path: Path
) -> None:
    # Who works on what is set up by the administrator, not walked through here.
    commune_c = factories.unit("Xã Tân Lập", Kind.XA, world.province, code="91003")
    factories.user("leader_b", role=Role.COMMUNE_LEADER, on=world.commune_b)
    factories.user("leader_c", role=Role.COMMUNE_LEADER, on=commune_c)
    names = {
        "secretariat": "Nguyễn Thị Hoa",
        "appraiser": "Trần Văn Minh",
        "council": "Lê Quang Huy",
        "leader_a": "Phạm Văn Bình",
        "officer_a": "Đỗ Thị Lan",
        "leader_b": "Vũ Thị Mai",
        "leader_c": "Hoàng Văn Tâm",
    }
    for username, full_name in names.items():
        User.objects.filter(username=username).update(full_name=full_name)
    year = Year(
        world=world, url=live_server.url, browser=browser, tmp=tmp_path, commune_c=commune_c
    )
    try:
        framework = import_and_publish_the_framework(year)
        open_the_calendar(year, framework)
        self_assess_commune_a(year)
        self_assess_commune_b(year)
        self_assess_commune_c(year)
        survey(year)
        appraise(year)
        rank_approve_publish(year)
        the_public_reads_it(year)
        improvement_plan(year)
        awards(year)
    except Exception as failure:
        year.dump(failure)
        raise
    finally:
        year.close()
