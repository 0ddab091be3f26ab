"""The survey pages, and the results going into the cycle's survey criteria."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from parindex.assessments import actions as cycle_actions
from parindex.assessments.models import AppraisalStatus
from parindex.audit.models import AuditEntry
from parindex.frameworks.actions import create_framework, publish_framework
from parindex.frameworks.library import shipped as shipped_framework
from parindex.surveys import actions
from parindex.surveys.models import Response
from parindex.surveys.yaml_io import shipped
from tests.conftest import World
from tests.surveys.test_paper import forms_of, workbook


def _campaign(world: World, *, with_cycle: bool = False) -> object:
    cycle = None
    if with_cycle:
        framework = publish_framework(
            create_framework(by=None, owner=world.province, spec=shipped_framework()), by=None
        )
        today = timezone.localdate()
        cycle = cycle_actions.open_cycle(
            by=None,
            framework=framework,
            scope=world.province,
            year=2025,
            name="CCHC 2025",
            self_opens_on=today,
            self_deadline=today + dt.timedelta(days=9),
            appraisal_deadline=today + dt.timedelta(days=20),
        )
    return actions.open_campaign(
        by=None,
        questionnaire=actions.install_questionnaire(shipped("sipas-2024.yaml")),
        scope=world.province,
        year=2025,
        name="SIPAS 2025",
        opens_on=dt.date(2025, 10, 1),
        closes_on=dt.date(2025, 12, 1),
        cycle=cycle,
    )


def test_the_template_lists_questions_and_communes(world: World) -> None:
    campaign = _campaign(world)
    client = Client()
    client.force_login(world.users["secretariat"])
    response = client.get(reverse("surveys:paper_template", args=[campaign.pk]))  # type: ignore[attr-defined]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Phiếu", "Hướng dẫn", "Mã xã"]
    assert [c.value for c in book["Phiếu"][1]][:5] == ["Số phiếu", "Mã xã", "Ngày", "TC1", "TC2"]
    guide = {row[0].value: row[2].value for row in book["Hướng dẫn"].iter_rows(min_row=2)}
    assert (
        guide["TC2"]
        == "1 = Rất không hài lòng; 2 = Không hài lòng; 3 = Bình thường; 4 = Hài lòng; "
        "5 = Rất hài lòng"
    )
    communes = [row[0].value for row in book["Mã xã"].iter_rows(min_row=2)]
    assert communes == sorted([world.commune_a.code, world.commune_b.code])


def test_import_page_refuses_then_takes_the_valid_rows(world: World) -> None:
    campaign = _campaign(world)
    client = Client()
    client.force_login(world.users["secretariat"])
    rows = forms_of(0, world.commune_a.code)
    rows[2][3] = "9"
    url = reverse("surveys:paper_import", args=[campaign.pk])  # type: ignore[attr-defined]
    refused = client.post(url, {"file": SimpleUploadedFile("p.xlsx", workbook(rows))})
    assert refused.status_code == 422
    text = refused.content.decode()
    assert "1 dòng lỗi — chưa lưu gì" in text
    assert "“9” không phải là câu trả lời của câu hỏi này" in text
    assert Response.objects.count() == 0
    taken = client.post(
        url, {"file": SimpleUploadedFile("p.xlsx", workbook(rows)), "only_valid": "on"}
    )
    assert taken.status_code == 200
    assert "Đã thêm 49 phiếu, 0 phiếu đã có từ trước, bỏ qua 1 dòng" in taken.content.decode()
    page = client.get(reverse("surveys:campaign", args=[campaign.pk])).content.decode()  # type: ignore[attr-defined]
    assert "Đã thu 49 phiếu hợp lệ trên 100 phiếu dự kiến." in page


def test_results_feed_the_cycles_sipas_criterion(world: World) -> None:
    campaign = _campaign(world, with_cycle=True)
    actions.import_paper(
        campaign,  # type: ignore[arg-type]
        by=None,
        data=workbook(forms_of(0, world.commune_a.code)),
        filename="p.xlsx",
    )
    client = Client()
    client.force_login(world.users["secretariat"])
    client.post(reverse("surveys:feed", args=[campaign.pk]))  # type: ignore[attr-defined]
    answer = campaign.cycle.assessments.get(unit=world.commune_a).answers.get(node__code="9.1")  # type: ignore[attr-defined]
    # commune A's index is 78 % (base 40): 36 × 78 % = 28,08 points
    assert answer.self_value == {"index": "78.00"}
    assert answer.self_points == Decimal("28.08")
    assert (answer.appraisal_status, answer.appraised_points) == (
        AppraisalStatus.AGREED,
        Decimal("28.08"),
    )
    entry = AuditEntry.objects.filter(action="score.change").latest("id")
    assert entry.reason == "khảo sát SIPAS 2025"
    # commune B has no form yet: its criterion stays empty
    empty = campaign.cycle.assessments.get(unit=world.commune_b).answers.get(node__code="9.1")  # type: ignore[attr-defined]
    assert empty.self_points is None


def test_review_exclude_and_export(world: World) -> None:
    campaign = _campaign(world)
    rows = forms_of(0, world.commune_a.code)[:3]
    rows[0][3:11] = ["5"] * 8
    rows[1].append("")  # keep the row shape
    actions.import_paper(campaign, by=None, data=workbook(rows), filename="p.xlsx")  # type: ignore[arg-type]
    client = Client()
    client.force_login(world.users["secretariat"])
    review = client.get(reverse("surveys:flagged", args=[campaign.pk])).content.decode()  # type: ignore[attr-defined]
    assert rows[0][0] in review
    assert "đánh đồng một mức" in review
    flagged = Response.objects.get(form_number=rows[0][0])
    client.post(
        reverse("surveys:exclude", args=[campaign.pk, flagged.pk]),  # type: ignore[attr-defined]
        {"reason": "Chọn một mức cho mọi câu"},
    )
    flagged.refresh_from_db()
    assert (flagged.excluded, flagged.exclusion_reason) == (True, "Chọn một mức cho mọi câu")
    raw = client.get(reverse("surveys:export", args=[campaign.pk, "du-lieu", "csv"]))  # type: ignore[attr-defined]
    lines = raw.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Số phiếu,Mã xã,Kênh,Ngày,Cảnh báo,Bị loại,TC1,TC2")
    assert len(lines) == 4
    assert "straight,có" in lines[1]
    results = client.get(reverse("surveys:export", args=[campaign.pk, "ket-qua", "xlsx"]))  # type: ignore[attr-defined]
    sheet = openpyxl.load_workbook(io.BytesIO(results.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]  # type: ignore[union-attr]
    header = next(i for i, row in enumerate(values) if row[0] == "Mã xã")
    assert values[header][:6] == ["Mã xã", "Tên", "Số phiếu hợp lệ", "TC (%)", "TC n", "TC 95% CI"]
    first = next(row for row in values[header + 1 :] if row[0] == world.commune_a.code)
    assert first[2] == 2  # one of the three excluded
    # raw data are for the secretariat only; a viewer reads the results
    viewer = Client()
    viewer.force_login(world.users["viewer"])
    assert (
        viewer.get(reverse("surveys:export", args=[campaign.pk, "du-lieu", "csv"])).status_code
        == 403
    )  # type: ignore[attr-defined]


def test_exports_neutralise_formulas(world: World) -> None:
    campaign = _campaign(world)
    rows = forms_of(0, world.commune_a.code)[:1]
    header_rows = [[*row, "+1 bàn ghế chờ"] for row in rows]  # would be a formula in Excel
    from tests.surveys import test_paper

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([*test_paper.HEADER, "PA2"])  # type: ignore[union-attr]
    for row in header_rows:
        sheet.append(row)  # type: ignore[union-attr]
    out = io.BytesIO()
    book.save(out)
    report = actions.import_paper(campaign, by=None, data=out.getvalue(), filename="p.xlsx")  # type: ignore[arg-type]
    assert report.added == 1
    client = Client()
    client.force_login(world.users["secretariat"])
    raw = client.get(reverse("surveys:export", args=[campaign.pk, "du-lieu", "csv"]))  # type: ignore[attr-defined]
    assert "'+1 bàn ghế chờ" in raw.content.decode("utf-8-sig")


def test_a_large_file_is_imported_in_the_background_with_its_progress(
    world: World, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from parindex.surveys import views
    from parindex.surveys.models import ImportJob

    monkeypatch.setattr(views, "BACKGROUND_BYTES", 1)  # as if the file were large
    campaign = _campaign(world)
    client = Client()
    client.force_login(world.users["secretariat"])
    data = workbook(forms_of(0, world.commune_a.code))
    with django_capture_on_commit_callbacks(execute=True):
        queued = client.post(
            reverse("surveys:paper_import", args=[campaign.pk]),  # type: ignore[attr-defined]
            {"file": SimpleUploadedFile("lon.xlsx", data)},
        )
    job = ImportJob.objects.get()
    assert queued["Location"] == reverse("surveys:import_job", args=[campaign.pk, job.pk])  # type: ignore[attr-defined]
    assert (job.state, job.progress, job.report["added"]) == ("done", 100, 50)
    assert bytes(job.data) == b""  # the file is not kept once imported
    assert Response.objects.count() == 50
    page = client.get(queued["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "Đã thêm 50 phiếu, 0 phiếu đã có từ trước, bỏ qua 0 dòng" in page
    assert "every 2s" not in page  # finished: the page stops polling
    from parindex.surveys.tasks import run_paper_import

    run_paper_import.call(job.pk)  # a rerun of a finished job does nothing
    assert Response.objects.count() == 50


def test_results_split_by_a_profile_answer(world: World) -> None:
    campaign = _campaign(world)
    actions.import_paper(
        campaign,  # type: ignore[arg-type]
        by=None,
        data=workbook(forms_of(0, world.commune_a.code)),
        filename="p.xlsx",
    )
    client = Client()
    client.force_login(world.users["secretariat"])
    page = client.get(
        reverse("surveys:campaign", args=[campaign.pk]) + "?theo=GT"  # type: ignore[attr-defined]
    ).content.decode()
    assert "Kết quả theo thông tin người trả lời" in page
    # forms_of: odd forms answer "nu", even "nam": 25 each, every one about "ho_tich"
    assert f"{world.commune_a.code}: " in page
    assert "(25)" in page
