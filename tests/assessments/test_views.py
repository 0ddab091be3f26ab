"""The assessment pages as a commune, an appraiser and the secretariat use them."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from parindex.assessments import actions
from parindex.assessments.models import Answer, AnswerDocument, Document, Status
from parindex.audit.models import AuditEntry
from tests.assessments.conftest import Year
from tests.assessments.test_cycle import PDF, complete
from tests.conftest import World


def client_for(world: World, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def test_the_commune_page_lists_every_criterion_with_its_rule_inputs(
    world: World, year: Year
) -> None:
    page = client_for(world, "commune_officer").get(
        reverse("assessments:assessment", args=[year.a.pk])
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert text.count('class="answer card') == 48
    assert 'name="a_level"' in text
    assert 'name="a_done"' in text
    assert 'name="a_yes"' in text
    assert "Ban hành đúng thời hạn (1)" in text
    assert "Điểm của tiêu chí này lấy từ kết quả khảo sát." in text  # 9.1, SIPAS


def test_saving_an_answer_with_htmx_returns_the_card_with_the_rules_points(
    world: World, year: Year
) -> None:
    client = client_for(world, "commune_officer")
    answer = year.a.answers.get(node__code="1.1.2")
    response = client.post(
        reverse("assessments:answer_save", args=[answer.pk]),
        {"a_done": "6", "a_planned": "7", "note": "Còn 1 nhiệm vụ chưa xong", "version": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith(f'<article id="answer-{answer.pk}"')
    assert "2,85/3" in html
    assert "6/7: 3 − 0,15 × 1 = 2,85" in html
    answer.refresh_from_db()
    assert answer.self_points == Decimal("2.85")
    # a stale form (version 1 again) is refused, and the saved answer stays
    stale = client.post(
        reverse("assessments:answer_save", args=[answer.pk]),
        {"a_done": "7", "a_planned": "7", "version": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert "Người khác đã lưu 1.1.2 sau khi bạn mở" in stale.content.decode()
    answer.refresh_from_db()
    assert answer.self_points == Decimal("2.85")


def test_a_bad_value_is_explained_and_nothing_saved(world: World, year: Year) -> None:
    client = client_for(world, "commune_officer")
    answer = year.a.answers.get(node__code="3.3.1")
    response = client.post(
        reverse("assessments:answer_save", args=[answer.pk]),
        {"a_value": "120"},
        HTTP_HX_REQUEST="true",
    )
    assert "“giá trị” là tỷ lệ phần trăm: tối đa 100." in response.content.decode()
    answer.refresh_from_db()
    assert answer.self_points is None


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("bao-cao.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200, "không phải là tệp PDF, Word, Excel"),
        ("rong.pdf", b"", "Tập tin được gửi là rỗng."),
    ],
)
def test_uploads_refused_with_a_clear_message_and_nothing_lost(
    world: World, year: Year, name: str, content: bytes, expected: str
) -> None:
    client = client_for(world, "commune_officer")
    kept = actions.upload_document(
        by=None, unit=world.commune_a, name="ke-hoach.pdf", content=PDF, max_bytes=10**6
    )
    response = client.post(
        reverse("assessments:document_upload", args=[year.a.pk]),
        {"file": SimpleUploadedFile(name, content), "summary": "Báo cáo"},
    )
    assert response.status_code == 422
    assert expected in response.content.decode()
    assert list(Document.objects.all()) == [kept]
    assert kept.file.read() == PDF


def test_a_path_in_the_file_name_never_reaches_storage(world: World, year: Year) -> None:
    """Browsers send a bare name; Django's parser keeps only its last part, and the action refuses
    any name that still holds a path (API and bulk uploads pass the name as given)."""
    from parindex.assessments.uploads import UploadRefusedError

    with pytest.raises(UploadRefusedError) as error:
        actions.upload_document(
            by=None, unit=world.commune_a, name="../../etc/passwd.pdf", content=PDF, max_bytes=10**6
        )
    assert error.value.code == "name_unsafe"
    assert "không dùng được" in error.value.message
    client_for(world, "commune_officer").post(
        reverse("assessments:document_upload", args=[year.a.pk]),
        {"file": SimpleUploadedFile("../../etc/passwd.pdf", PDF)},
    )
    document = Document.objects.get()
    assert document.name == "passwd.pdf"
    assert ".." not in document.file.name
    assert document.file.name.startswith(f"{world.commune_a.pk}/")


@override_settings(EVIDENCE_MAX_MB=1)
def test_an_oversized_upload_is_refused(world: World, year: Year) -> None:
    big = PDF + b"0" * (1024 * 1024)
    response = client_for(world, "commune_officer").post(
        reverse("assessments:document_upload", args=[year.a.pk]),
        {"file": SimpleUploadedFile("lon.pdf", big)},
    )
    assert response.status_code == 422
    assert "lớn hơn 1 MB" in response.content.decode()
    assert Document.objects.count() == 0


def test_upload_then_attach_then_download_through_the_permission_check(
    world: World, year: Year
) -> None:
    client = client_for(world, "commune_officer")
    response = client.post(
        reverse("assessments:document_upload", args=[year.a.pk]),
        {
            "file": SimpleUploadedFile("Kế hoạch CCHC.pdf", PDF),
            "number": "35/KH-UBND",
            "issued_on": "27/01/2025",
            "summary": "Kế hoạch CCHC năm 2025",
        },
    )
    assert response.status_code == 302
    document = Document.objects.get()
    assert (document.name, document.number, document.issued_on.isoformat()) == (
        "Kế hoạch CCHC.pdf",
        "35/KH-UBND",
        "2025-01-27",
    )
    answer = year.a.answers.get(node__code="1.1.1")
    requirement = answer.node.evidence.get()
    card = client.post(
        reverse("assessments:answer_cite", args=[answer.pk]),
        {"document": document.pk, "requirement": requirement.pk},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "Kế hoạch CCHC năm 2025" in card
    assert "chưa đính kèm" not in card
    assert AnswerDocument.objects.get().requirement == requirement
    preview = client.get(reverse("assessments:document_file", args=[document.pk]))
    assert preview.status_code == 200
    assert preview["Content-Type"] == "application/pdf"
    assert preview["Content-Disposition"].startswith("inline")
    assert preview["X-Content-Type-Options"] == "nosniff"
    assert b"".join(preview.streaming_content) == PDF  # type: ignore[attr-defined]
    # the other commune's officer never reaches it, nor can attach it
    other = client_for(world, "officer_b")
    assert other.get(reverse("assessments:document_file", args=[document.pk])).status_code == 404
    b_answer = year.b.answers.get(node__code="1.1.1")
    other.post(reverse("assessments:answer_cite", args=[b_answer.pk]), {"document": document.pk})
    assert AnswerDocument.objects.count() == 1


def test_submission_page_lists_what_blocks_it(world: World, year: Year) -> None:
    leader = client_for(world, "commune_leader")
    page = leader.get(reverse("assessments:assessment", args=[year.a.pk])).content.decode()
    assert "47 tiêu chí còn chặn việc gửi" in page
    refused = leader.post(reverse("assessments:submit", args=[year.a.pk]), follow=True)
    assert "Chưa gửi: còn 47 tiêu chí" in refused.content.decode()
    year.a.refresh_from_db()
    assert year.a.status == Status.DRAFT
    complete(year.a, world.users["commune_leader"])
    done = leader.post(reverse("assessments:submit", args=[year.a.pk]), follow=True)
    assert "Đã gửi kết quả tự đánh giá" in done.content.decode()
    year.a.refresh_from_db()
    assert year.a.status == Status.SUBMITTED


def test_a_locked_result_cannot_be_changed_through_the_pages(world: World, year: Year) -> None:
    complete(year.a, world.users["commune_leader"])
    actions.submit_assessment(year.a, by=None)
    actions.close_self_assessment(year.cycle, by=None)
    for answer in Answer.objects.filter(assessment=year.a).select_related("node", "assessment"):
        if not answer.node.source.startswith("survey"):
            actions.appraise_answer(answer, by=None, decision="agree")
    year.a.refresh_from_db()
    actions.lock_assessment(year.a, by=None)
    answer = year.a.answers.get(node__code="1.1.1")
    before = (answer.version, answer.self_points, answer.appraised_points)
    for role, url, data in (
        ("commune_officer", "assessments:answer_save", {"a_level": "khong_ban_hanh"}),
        ("commune_leader", "assessments:answer_explain", {"explanation": "..."}),
        ("system_admin", "assessments:answer_appraise", {"decision": "agree"}),
    ):
        client_for(world, role).post(reverse(url, args=[answer.pk]), data)
    answer.refresh_from_db()
    assert (answer.version, answer.self_points, answer.appraised_points) == before
    assert AuditEntry.objects.filter(action="lock").count() == 1


def test_exports_hold_the_table(world: World, year: Year) -> None:
    complete(year.a, world.users["commune_leader"])
    client = client_for(world, "commune_leader")
    xlsx = client.get(reverse("assessments:export", args=[year.a.pk, "tu-danh-gia", "xlsx"]))
    assert xlsx.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]  # type: ignore[union-attr]
    header = next(i for i, row in enumerate(values) if row[0] == "STT")
    assert values[header][:6] == [
        "STT",
        "Mã",
        "Tiêu chí",
        "Điểm tối đa",
        "Điểm tự đánh giá",
        "Lý do, giải trình",
    ]
    rows = {row[1]: row for row in values[header + 1 :]}
    assert rows["1.1.2"][3:5] == ["3", "3,00"]
    assert rows["9.1"][4] == "Khảo sát"
    assert values[-1][2:5] == ["TỔNG CỘNG", "100", "64,00"]
    docx = client.get(reverse("assessments:export", args=[year.a.pk, "tham-dinh", "docx"]))
    assert docx.status_code == 200
    from docx import Document as Word

    word = Word(io.BytesIO(docx.content))
    text = "\n".join(p.text for p in word.paragraphs)
    assert "BÁO CÁO" in text
    assert "Kết quả thẩm định Chỉ số cải cách hành chính năm 2025 của Xã An Bình" in text


def test_board_and_assessment_pages_make_a_fixed_number_of_queries(
    world: World, year: Year
) -> None:
    client = client_for(world, "secretariat")
    counts = []
    complete(year.a, world.users["commune_leader"])  # a document cited for every criterion
    for more in (False, True):
        if more:  # a second document cited for every criterion, and commune B filled in too
            complete(year.a, world.users["commune_leader"])
            complete(year.b, world.users["officer_b"])
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("assessments:assessment", args=[year.a.pk]))
            assert page.status_code == 200
        with CaptureQueriesContext(connection) as board:
            assert client.get(reverse("assessments:cycle", args=[year.cycle.pk])).status_code == 200
        counts.append((len(queries), len(board)))
    assert counts[0] == counts[1], counts
    assert counts[0][0] <= 12, counts
    assert counts[0][1] <= 10, counts


def test_autosave_returns_only_the_points_version_and_message(world: World, year: Year) -> None:
    client = client_for(world, "commune_officer")
    answer = year.a.answers.get(node__code="1.3.2")
    url = reverse("assessments:answer_save", args=[answer.pk])
    saved = client.post(
        url,
        {"a_achieved": "3", "a_required": "4", "version": "1", "autosave": "1"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "<article" not in saved  # nothing the user is typing gets replaced
    assert f'id="score-{answer.pk}"' in saved
    assert "0,75/1" in saved
    assert f'id="version-{answer.pk}" value="2" hx-swap-oob="true"' in saved
    refused = client.post(
        url,
        {"a_achieved": "3", "a_required": "-4", "version": "2", "autosave": "1"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "“số yêu cầu” không được âm." in refused
    answer.refresh_from_db()
    assert answer.self_points == Decimal("0.75")
