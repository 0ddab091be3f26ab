"""Reading the facts of state documents from their text: PDF text layers, Word, OCR output."""

from __future__ import annotations

import datetime as dt

import pytest

from parindex.evidence.facts import fold, kind_of_symbol, kind_of_words, read_facts

PLAN_PDF = """UBND HUYỆN THANH MIỆN
ỦY BAN NHÂN DÂN XÃ AN
BÌNH
Số: 35/KH-UBND
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
An Bình, ngày 27 tháng 01 năm 2023
KẾ HOẠCH
Cải thiện Chỉ số cải cách hành chính năm 2023
Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;
I. MỤC ĐÍCH, YÊU CẦU
Nâng cao chất lượng ngày 12 tháng 5 năm 2022 ...
Nơi nhận:
- UBND huyện;
- Lưu: VT.
TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
Nguyễn Văn An
"""

# Tesseract's reading of the same page: the two header columns glued line by line.
PLAN_OCR = """UBND HUYỆN THANH MIỆN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
ỦY BAN NHÂN DÂN XÃ AN Độc lập - Tự do - Hạnh phúc
BÌNH

———— An Bình, ngày 27 tháng 01 năm 2023
Số: 35/KH-UBND

KẾ HOẠCH
Cải thiện Chỉ số cải cách hành chính năm 2023

Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;

Nơi nhận: TM. ỦY BAN NHÂN DÂN
- UBND huyện; CHỦ TỊCH
- Lưu: VT. L

Nguyễn Văn An
"""

DECISION = """ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
XÃ HỒNG QUANG Độc lập - Tự do - Hạnh phúc
Số 12/2023/QĐ-UBND Hồng Quang, ngày 05 tháng 3 năm 2023
QUYẾT ĐỊNH
Về việc kiện toàn Ban biên tập Trang thông tin điện tử xã
CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ HỒNG QUANG
Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ;
QUYẾT ĐỊNH:
Điều 1. Kiện toàn Ban biên tập ...
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Trần Thị Hương
"""

LETTER = """UBND HUYỆN GIA LỘC
ỦY BAN NHÂN DÂN XÃ THỐNG NHẤT
Số: 123/UBND-VP
V/v báo cáo kết quả số hóa hồ sơ năm 2024
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Thống Nhất, ngày 08 tháng 4 năm 2024
Kính gửi: Phòng Văn hóa - Xã hội huyện
"""

REPORT_UNACCENTED = """UY BAN NHAN DAN XA PHU THU
So: 07/BC-UBND
Phu Thu, ngay 9 thang 12 nam 2022
BAO CAO
Ket qua thuc hien cong tac cai cach hanh chinh nam 2022
"""


def test_a_plan_from_a_pdf_text_layer() -> None:
    facts = read_facts(PLAN_PDF)
    assert facts.kind == "ke_hoach"
    assert facts.kind_from == "title+symbol"
    assert facts.number == "35/KH-UBND"
    assert facts.issued_on == dt.date(2023, 1, 27)  # the header's date, not the grounds' or body's
    assert facts.issuer == "ỦY BAN NHÂN DÂN XÃ AN BÌNH"
    assert facts.summary == "Cải thiện Chỉ số cải cách hành chính năm 2023"
    assert facts.signer == "Nguyễn Văn An"
    assert facts.signer_title == "CHỦ TỊCH"
    assert facts.years == [2023]
    assert not facts.draft
    assert facts.confidence == 100


def test_the_same_plan_as_ocr_reads_it() -> None:
    facts = read_facts(PLAN_OCR)
    assert (facts.kind, facts.number, facts.issued_on) == (
        "ke_hoach",
        "35/KH-UBND",
        dt.date(2023, 1, 27),
    )
    assert facts.issuer == "ỦY BAN NHÂN DÂN XÃ AN BÌNH"
    assert facts.signer == "Nguyễn Văn An"


def test_a_legal_decision_with_its_year_in_the_number() -> None:
    facts = read_facts(DECISION)
    assert facts.kind == "quyet_dinh"
    assert facts.number == "12/2023/QĐ-UBND"
    assert facts.issued_on == dt.date(2023, 3, 5)
    assert facts.summary == "Về việc kiện toàn Ban biên tập Trang thông tin điện tử xã"
    assert facts.signer == "Trần Thị Hương"
    assert facts.signer_title == "PHÓ CHỦ TỊCH"


def test_an_official_letter_has_its_kind_in_the_symbol_only() -> None:
    facts = read_facts(LETTER)
    assert facts.kind == "cong_van"
    assert facts.kind_from == "symbol"
    assert facts.number == "123/UBND-VP"
    assert facts.issued_on == dt.date(2024, 4, 8)
    assert facts.summary == "báo cáo kết quả số hóa hồ sơ năm 2024"


def test_ocr_without_accents_still_reads() -> None:
    facts = read_facts(REPORT_UNACCENTED)
    assert facts.kind == "bao_cao"
    assert facts.number == "07/BC-UBND"
    assert facts.issued_on == dt.date(2022, 12, 9)
    assert facts.years == [2022]


@pytest.mark.parametrize(
    ("text", "number", "day"),
    [
        ("Số: 35/KH-UBND\nAn Bình, ngày 27 tháng 01 năm 2023", "35/KH-UBND", dt.date(2023, 1, 27)),
        ("Số 12/2023/QĐ-UBND\nX, ngày 05 tháng 3 năm 2023", "12/2023/QĐ-UBND", dt.date(2023, 3, 5)),
        ("Số:  08 / TB - UBND\nY, ngày 5 tháng 10 năm 2021", "08/TB-UBND", dt.date(2021, 10, 5)),
        ("Số: 4/TTr-UBND\nZ, ngày 31/12/2024", "4/TTr-UBND", dt.date(2024, 12, 31)),
        ("SỐ: 150/BC-UBND\nngày 1 tháng 2 năm 2025", "150/BC-UBND", dt.date(2025, 2, 1)),
        # a Latin "Ð" from OCR, and a zero read for the O of a symbol
        ("Số: 9/QÐ-UBND\nngày 01 tháng 02 năm 2025", "9/QĐ-UBND", dt.date(2025, 2, 1)),
        ("Số: 22/KH-UBN0\nngày 3 tháng 3 năm 2023", "22/KH-UBNO", dt.date(2023, 3, 3)),
    ],
)
def test_numbers_and_dates(text: str, number: str, day: dt.date) -> None:
    facts = read_facts(text)
    assert facts.number == number
    assert facts.issued_on == day


def test_an_impossible_date_is_not_a_date() -> None:
    assert read_facts("Số: 1/KH-UBND\nngày 31 tháng 02 năm 2023").issued_on is None


@pytest.mark.parametrize(
    ("heading", "kind"),
    [
        ("KẾ HOẠCH", "ke_hoach"),
        ("QUYẾT ĐỊNH", "quyet_dinh"),
        ("BÁO CÁO", "bao_cao"),
        ("THÔNG BÁO", "thong_bao"),
        ("TỜ TRÌNH", "to_trinh"),
        ("QUY CHẾ", "quy_che"),
        ("ĐỀ ÁN", "de_an"),
    ],
)
def test_uppercase_headings(heading: str, kind: str) -> None:
    assert read_facts(f"ỦY BAN NHÂN DÂN XÃ A\n\n{heading}\nVề việc gì đó\n").kind == kind


def test_a_heading_in_running_text_is_not_a_title() -> None:
    assert read_facts("Thực hiện kế hoạch số 5 của huyện\nbáo cáo kết quả").kind == ""


def test_a_draft_is_flagged() -> None:
    assert read_facts("DỰ THẢO\nSố: 5/QĐ-UBND\nQUYẾT ĐỊNH\nVề việc ...").draft
    blank = read_facts("Số:      /QĐ-UBND\nngày    tháng    năm 2023\nQUYẾT ĐỊNH\nVề việc ...")
    assert blank.draft
    assert blank.number == ""
    assert blank.kind == "quyet_dinh"


def test_a_number_cited_in_the_grounds_is_not_the_documents() -> None:
    text = "QUYẾT ĐỊNH\nVề việc ...\nCăn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020;"
    assert read_facts(text).number == ""


def test_symbols_and_words() -> None:
    assert kind_of_symbol("35/KH-UBND") == "ke_hoach"
    assert kind_of_symbol("12/2023/QĐ-UBND") == "quyet_dinh"
    assert kind_of_symbol("123/UBND-VP") == "cong_van"
    assert kind_of_symbol("5/CTr-UBND") == "chuong_trinh"
    assert kind_of_symbol("7/XYZ-UBND") == ""
    assert kind_of_words("Quyết định công bố danh mục TTHC") == "quyet_dinh"
    assert kind_of_words("Báo cáo kết quả") == "bao_cao"
    assert kind_of_words("Văn bản xin lỗi") == ""


def test_fold_keeps_every_character_in_its_place() -> None:
    text = "Quyết định kiện toàn Ban biên tập, Đảng ủy"
    assert fold(text) == "quyet dinh kien toan ban bien tap, dang uy"
    assert len(fold(text)) == len(text)


def test_empty_text() -> None:
    facts = read_facts("")
    assert (facts.kind, facts.number, facts.issued_on, facts.confidence) == ("", "", None, 0)
