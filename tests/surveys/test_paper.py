"""Paper forms: 850 forms of 17 communes imported from Excel give the per-commune results worked
out by hand; a re-import adds nothing; bad rows are refused with their row and reason."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from parindex.audit.models import AuditEntry
from parindex.orgunits.models import Kind
from parindex.surveys import actions
from parindex.surveys.models import Campaign, Response, ResponseAnswer
from parindex.surveys.problems import message
from parindex.surveys.selectors import campaign_results
from parindex.surveys.yaml_io import shipped
from tests import factories
from tests.conftest import World

D = Decimal
RATED = ("TC2", "TC3", "TT2", "TT3", "CC1", "CC2", "KQ2", "PA1")
# How many of a commune's 50 forms are satisfied (4 or 5), by element, for a commune of base k:
# TC k, TT k − 2, CC k, KQ k + 2, PA k − 5. Every question of an element has the same count, so an
# element's index is count ÷ 50 × 100 and the commune's index is the mean of the five:
# (5k − 5) ÷ 5 ÷ 50 × 100 = 2(k − 1) %.
SHIFT = {"TC": 0, "TT": -2, "CC": 0, "KQ": 2, "PA": -5}


def base(i: int) -> int:
    return 40 + i % 5  # 40 … 44: indices 78 %, 80 %, 82 %, 84 %, 86 %


def forms_of(i: int, code: str) -> list[list[object]]:
    rows = []
    for j in range(50):
        row: list[object] = [f"P{code}-{j + 1:03d}", code, "15/11/2025"]
        for question in RATED:
            satisfied = j < base(i) + SHIFT[question[:2]]
            row.append(("5" if j % 2 else "4") if satisfied else ("3" if j % 3 else "2"))
        row += ["1", "nu" if j % 2 else "nam", "ho_tich"]
        rows.append(row)
    return rows


HEADER = ["Số phiếu", "Mã xã", "Ngày", *RATED, "TC1", "GT", "LV"]


def workbook(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)  # type: ignore[union-attr]
    for row in rows:
        sheet.append(row)  # type: ignore[union-attr]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def campaign(world: World) -> tuple[Campaign, list[str]]:
    codes = [world.commune_a.code, world.commune_b.code]
    for n in range(15):
        codes.append(
            factories.unit(f"Xã Số {n}", Kind.XA, world.province, code=f"91{100 + n}").code
        )
    questionnaire = actions.install_questionnaire(shipped("sipas-2024.yaml"))
    campaign = actions.open_campaign(
        by=world.users["secretariat"],
        questionnaire=questionnaire,
        scope=world.province,
        year=2025,
        name="Khảo sát SIPAS năm 2025",
        opens_on=dt.date(2025, 10, 1),
        closes_on=dt.date(2025, 12, 15),
    )
    return campaign, codes


def test_850_forms_of_17_communes_give_the_hand_computed_results(
    world: World, campaign: tuple[Campaign, list[str]]
) -> None:
    survey, codes = campaign
    rows = [row for i, code in enumerate(codes) for row in forms_of(i, code)]
    assert len(rows) == 850
    report = actions.import_paper(
        survey, by=world.users["secretariat"], data=workbook(rows), filename="phieu.xlsx"
    )
    assert (report.rows, report.added, report.skipped, report.errors) == (850, 850, 0, [])
    assert Response.objects.count() == 850
    assert ResponseAnswer.objects.count() == 850 * 11
    results = campaign_results(survey)
    assert len(results) == 17
    for i, code in enumerate(codes):
        k = base(i)
        result = results[code]
        assert result.forms == 50
        by_element = {s.element: s.index for s in result.sections}
        assert by_element == {element: D(k + shift) * 2 for element, shift in SHIFT.items()}, code
        assert result.index == D(2 * (k - 1)), code
        rate = result.sections[0].questions["TC2"]
        assert (rate.n, rate.pct) == (50, D(k) * 2)
    # the first commune (k = 40): TC2 is 80 % of 50; Wilson: centre 0,778595, half-width 0,108969
    first = results[codes[0]].sections[0].questions["TC2"]
    assert (first.low, first.high) == (D("66.96"), D("88.76"))
    entry = AuditEntry.objects.get(action="survey.import")
    assert entry.new_value == {"file": "phieu.xlsx", "added": 850, "skipped": 0, "refused rows": 0}


def test_importing_the_same_file_twice_adds_nothing(
    world: World, campaign: tuple[Campaign, list[str]]
) -> None:
    survey, codes = campaign
    data = workbook(forms_of(0, codes[0]))
    assert actions.import_paper(survey, by=None, data=data, filename="a.xlsx").added == 50
    again = actions.import_paper(survey, by=None, data=data, filename="a.xlsx")
    assert (again.added, again.skipped, again.errors) == (0, 50, [])
    assert Response.objects.count() == 50


def test_three_bad_rows_refuse_the_file_then_the_valid_rows_can_go_in(
    world: World, campaign: tuple[Campaign, list[str]]
) -> None:
    survey, codes = campaign
    rows = forms_of(0, codes[0])
    rows[4][1] = "99999"  # sheet row 6: a commune outside the campaign
    rows[9][3] = "7"  # sheet row 11: out of the 5-point scale
    rows[19][4] = ""  # sheet row 21: a required rating left blank
    data = workbook(rows)
    report = actions.import_paper(survey, by=None, data=data, filename="loi.xlsx")
    assert not report.saved
    assert Response.objects.count() == 0
    found = [(e.row, e.column, message(e.problem)) for e in report.errors]
    assert found == [
        (6, "Mã xã", "“99999” không phải là xã của đợt khảo sát này."),
        (11, "TC2", "“7” không phải là câu trả lời của câu hỏi này (1, 2, 3, 4, 5)."),
        (21, "TC3", "Câu hỏi này bắt buộc phải trả lời."),
    ]
    chosen = actions.import_paper(survey, by=None, data=data, filename="loi.xlsx", only_valid=True)
    assert (chosen.saved, chosen.added, chosen.bad_rows) == (True, 47, 3)
    assert Response.objects.count() == 47


def test_a_form_number_reused_with_other_answers_is_refused(
    world: World, campaign: tuple[Campaign, list[str]]
) -> None:
    survey, codes = campaign
    rows = forms_of(0, codes[0])[:2]
    actions.import_paper(survey, by=None, data=workbook(rows), filename="a.xlsx")
    rows[0][3] = "1"
    report = actions.import_paper(survey, by=None, data=workbook(rows), filename="b.xlsx")
    assert [e.problem.code for e in report.errors] == ["paper.conflict"]
    assert ResponseAnswer.objects.get(response__form_number=rows[0][0], question="TC2").value != "1"


def test_excluded_forms_leave_the_results_but_keep_their_answers(
    world: World, campaign: tuple[Campaign, list[str]]
) -> None:
    survey, codes = campaign
    actions.import_paper(survey, by=None, data=workbook(forms_of(0, codes[0])), filename="a.xlsx")
    response = Response.objects.get(form_number=f"P{codes[0]}-001")
    with pytest.raises(actions.SurveyError):
        actions.exclude_response(response, by=None, reason=" ")
    actions.exclude_response(response, by=world.users["secretariat"], reason="Phiếu trùng lặp")
    assert campaign_results(survey)[codes[0]].forms == 49
    assert ResponseAnswer.objects.filter(response=response).count() == 11
    assert AuditEntry.objects.get(action="survey.exclude").reason == "Phiếu trùng lặp"


def test_paper_forms_get_quality_flags(world: World, campaign: tuple[Campaign, list[str]]) -> None:
    survey, codes = campaign
    rows = forms_of(0, codes[0])[:3]
    rows[0][3] = rows[2][3] = "5"  # TC2 differs from the other ratings (4): not straight
    rows.append(["PX-1", *rows[0][1:]])  # the same answers as the first form: a duplicate
    rows[1][3:11] = ["5"] * 8  # every rating the same: straight-lining
    rows[2][2] = "01/01/2026"  # answered after the collection closed
    rows[2][12] = "nu"  # (and not the same answers as the first)
    actions.import_paper(survey, by=None, data=workbook(rows), filename="a.xlsx")
    flags = dict(Response.objects.values_list("form_number", "flags"))
    assert flags[rows[0][0]] == []
    assert flags[rows[1][0]] == ["straight"]
    assert flags[rows[2][0]] == ["out_of_window"]
    assert flags["PX-1"] == ["duplicate"]
