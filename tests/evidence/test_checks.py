"""Warnings for a document attached to a requirement (pure)."""

from __future__ import annotations

import datetime as dt

from parindex.evidence.checks import Seen, check, expected_kinds, unrelated

DEADLINE = dt.date(2024, 1, 10)


def codes(seen: Seen, requirement: str | None, others: tuple[str, ...] = ()) -> list[str]:
    found = check(
        seen, requirement=requirement, year=2023, deadline=DEADLINE, other_requirements=others
    )
    assert all(w.message for w in found)
    return [w.code for w in found]


def read(**values: object) -> Seen:
    base: dict[str, object] = {
        "file_kind": "pdf",
        "read": True,
        "method": "ocr",
        "letters": 900,
        "signature": "none",
    }
    return Seen(**(base | values))  # type: ignore[arg-type]


def test_a_fitting_document_has_no_warning() -> None:
    seen = read(kind="bao_cao", issued_on=dt.date(2023, 12, 15), years=(2023,))
    assert codes(seen, "Báo cáo kết quả thực hiện Kế hoạch CCHC năm") == []


def test_a_report_where_a_decision_is_required() -> None:
    seen = read(kind="bao_cao", issued_on=dt.date(2023, 6, 1))
    assert codes(seen, "Quyết định kiện toàn Ban biên tập") == ["wrong_kind"]
    message = check(seen, requirement="Quyết định kiện toàn", year=2023, deadline=None)[0].message
    assert "báo cáo" in message
    assert "quyết định" in message


def test_a_plan_where_a_report_is_required() -> None:
    assert codes(read(kind="ke_hoach", issued_on=dt.date(2023, 1, 5)), "Báo cáo CCHC") == [
        "wrong_kind"
    ]


def test_a_decision_issuing_the_required_kind_fits() -> None:
    seen = read(kind="quyet_dinh", summary="Về việc ban hành Quy chế chi tiêu nội bộ")
    assert codes(seen, "Quy chế chi tiêu nội bộ") == []
    assert codes(read(kind="quyet_dinh", summary="Về việc kiện toàn"), "Quy chế chi tiêu") == [
        "wrong_kind"
    ]


def test_any_kind_fits_a_requirement_naming_none() -> None:
    assert expected_kinds("Văn bản xin lỗi tổ chức, cá nhân") == set()
    assert codes(read(kind="cong_van"), "Văn bản xin lỗi tổ chức, cá nhân") == []
    assert codes(read(kind="cong_van"), None) == []  # attached as another document


def test_wrong_year_by_date_and_by_summary() -> None:
    assert codes(read(kind="ke_hoach", issued_on=dt.date(2022, 1, 27)), "Kế hoạch CCHC năm") == [
        "wrong_year"
    ]
    # a plan for the year issued in its last quarter before is fine; so is a report early after
    assert codes(read(kind="ke_hoach", issued_on=dt.date(2022, 12, 20)), "Kế hoạch CCHC") == []
    assert codes(read(kind="bao_cao", issued_on=dt.date(2024, 1, 5)), "Báo cáo CCHC") == []
    seen = read(kind="ke_hoach", issued_on=dt.date(2023, 1, 3), years=(2022,))
    assert codes(seen, "Kế hoạch CCHC năm") == ["wrong_year"]
    # a decision in force for years is not a yearly document
    assert codes(read(kind="quyet_dinh", issued_on=dt.date(2019, 5, 1)), "Quyết định công bố") == []


def test_after_the_deadline() -> None:
    seen = read(kind="bao_cao", issued_on=dt.date(2024, 1, 15))
    assert codes(seen, "Báo cáo CCHC") == ["after_deadline"]


def test_unsigned_text_pdf_and_word_file() -> None:
    decision = read(kind="quyet_dinh", method="pdf", issued_on=dt.date(2023, 2, 1))
    found = check(decision, requirement="Quyết định công bố", year=2023, deadline=DEADLINE)
    assert [w.code for w in found] == ["unsigned"]
    assert "quyết định" in found[0].message
    assert codes(read(kind="bao_cao", method="pdf", signature="valid"), "Báo cáo") == []
    assert codes(
        read(kind="bao_cao", file_kind="docx", method="docx", signature=""), "Báo cáo"
    ) == ["unsigned"]
    # a scan of the signed paper original is not an unsigned e-document
    assert codes(read(kind="bao_cao", method="ocr", signature="none"), "Báo cáo") == []


def test_signatures_broken_or_changed_and_drafts() -> None:
    assert codes(read(kind="bao_cao", method="pdf", signature="broken"), "Báo cáo") == [
        "signature_broken"
    ]
    assert codes(read(kind="bao_cao", method="pdf", signature="modified"), "Báo cáo") == [
        "signature_modified"
    ]
    assert codes(read(kind="quyet_dinh", draft=True), "Quyết định công bố") == ["draft"]


def test_empty_or_unreadable() -> None:
    assert codes(read(letters=3), "Báo cáo") == ["unreadable"]
    assert codes(read(failed=True, letters=0), "Báo cáo") == ["unreadable"]
    assert codes(read(read=False, letters=0), "Báo cáo") == []  # not read yet: nothing to say


def test_the_same_file_for_an_unrelated_requirement() -> None:
    seen = read(kind="bao_cao")
    title = "Báo cáo kết quả số hóa hồ sơ, kết quả giải quyết TTHC"
    assert codes(seen, title, (title,)) == []  # the same requirement on two criteria
    assert codes(seen, "Báo cáo CCHC quý, 6 tháng, năm", ("Kế hoạch kiểm tra CCHC",)) == ["reused"]
    assert unrelated("Báo cáo tình hình giải quyết TTHC", "Báo cáo số lượng cán bộ, công chức")
    assert not unrelated(
        "Báo cáo kết quả rà soát, đánh giá TTHC", "Báo cáo kết quả rà soát, kiến nghị TTHC"
    )
