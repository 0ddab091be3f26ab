"""Evidence uploads are checked by content: allowed kinds pass, anything else is refused."""

from __future__ import annotations

import hashlib
import io
import struct
import unicodedata
import zipfile
import zlib

import docx
import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from parindex.assessments.uploads import (
    MESSAGES,
    CheckedUpload,
    UploadRefusedError,
    check_upload,
)

LIMIT = 10 * 1024 * 1024


# --- real files, made here ------------------------------------------------------------------


def make_pdf() -> bytes:
    return (
        b"%PDF-1.4\n"
        b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
        b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> endobj\n"
        b"trailer << /Root 1 0 R >>\n"
        b"%%EOF\n"
    )


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def make_png() -> bytes:
    """A valid 1x1 white RGB PNG."""
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")  # filter byte, then one RGB pixel
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", pixels)
        + _png_chunk(b"IEND", b"")
    )


def make_jpeg() -> bytes:
    app0 = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    return (
        b"\xff\xd8\xff\xe0" + struct.pack(">H", len(app0) + 2) + app0 + b"\x00" * 64 + b"\xff\xd9"
    )


def make_ole2() -> bytes:
    """The 512-byte header of an OLE2 compound file, as .doc and .xls files begin."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + b"\x3e\x00\x03\x00" + b"\x00" * 484


def make_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("Báo cáo kết quả cải cách hành chính năm 2026")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_xlsx() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet["A1"] = "Tiêu chí"
    sheet["B1"] = 91.84
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def make_zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def declare_size(data: bytes, member: str, size: int) -> bytes:
    """`data` with the central directory claiming `member` expands to `size` bytes."""
    patched = bytearray(data)
    start = patched.find(b"PK\x01\x02")
    while start != -1:
        name_length = struct.unpack_from("<H", patched, start + 28)[0]
        if patched[start + 46 : start + 46 + name_length] == member.encode():
            struct.pack_into("<I", patched, start + 24, size)
            return bytes(patched)
        start = patched.find(b"PK\x01\x02", start + 4)
    raise AssertionError(f"{member} not in the archive")


def refusal(name: str, content: bytes, max_bytes: int = LIMIT) -> UploadRefusedError:
    with pytest.raises(UploadRefusedError) as caught:
        check_upload(name, content, max_bytes=max_bytes)
    return caught.value


# --- accepted kinds -------------------------------------------------------------------------


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.mark.parametrize(
    ("name", "make", "kind", "content_type", "previewable"),
    [
        ("Báo cáo CCHC 2026.pdf", make_pdf, "pdf", "application/pdf", True),
        ("anh-chup.png", make_png, "png", "image/png", True),
        ("anh.jpg", make_jpeg, "jpeg", "image/jpeg", True),
        ("anh.jpeg", make_jpeg, "jpeg", "image/jpeg", True),
        ("Quyết định.docx", make_docx, "docx", DOCX_TYPE, False),
        ("Bảng điểm.xlsx", make_xlsx, "xlsx", XLSX_TYPE, False),
        ("Công văn cũ.doc", make_ole2, "doc", "application/msword", False),
        ("Bảng cũ.xls", make_ole2, "xls", "application/vnd.ms-excel", False),
    ],
)
def test_allowed_kinds_are_accepted(name, make, kind, content_type, previewable):
    content = make()
    checked = check_upload(name, content, max_bytes=LIMIT)
    assert checked == CheckedUpload(
        name=name,
        kind=kind,
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        previewable=previewable,
    )


@pytest.mark.parametrize(
    ("name", "make", "kind"),
    [
        ("BAO-CAO.PDF", make_pdf, "pdf"),
        ("Anh.JPG", make_jpeg, "jpeg"),
        ("anh.JpEg", make_jpeg, "jpeg"),
        ("QD.DOCX", make_docx, "docx"),
        ("CU.XLS", make_ole2, "xls"),
        ("CU.Doc", make_ole2, "doc"),
    ],
)
def test_extensions_compare_case_insensitively(name, make, kind):
    checked = check_upload(name, make(), max_bytes=LIMIT)
    assert (checked.name, checked.kind) == (name, kind)


def test_a_file_of_exactly_the_limit_is_accepted():
    content = make_pdf()
    assert check_upload("a.pdf", content, max_bytes=len(content)).size == len(content)


def test_bytearray_content_is_accepted():
    content = make_png()
    checked = check_upload("a.png", bytearray(content), max_bytes=LIMIT)
    assert checked.sha256 == hashlib.sha256(content).hexdigest()


# --- names ----------------------------------------------------------------------------------


def test_vietnamese_name_is_kept_nfc_normalised_and_stripped():
    decomposed = unicodedata.normalize("NFD", "  Báo cáo tổng hợp Quý IV.pdf \u3000")
    checked = check_upload(decomposed, make_pdf(), max_bytes=LIMIT)
    assert checked.name == "Báo cáo tổng hợp Quý IV.pdf"
    assert checked.name == unicodedata.normalize("NFC", checked.name)


def test_dots_inside_a_name_are_not_a_path_segment():
    assert check_upload("v1..2 (bản cuối).pdf", make_pdf(), max_bytes=LIMIT).name == (
        "v1..2 (bản cuối).pdf"
    )


def test_a_name_of_200_characters_is_accepted():
    name = "ạ" * 196 + ".pdf"
    assert check_upload(name, make_pdf(), max_bytes=LIMIT).name == name


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd.pdf",
        "..\\x.pdf",
        "a/b.pdf",
        "/etc/passwd.pdf",
        "C:\\Windows\\x.pdf",
        "..",
        "...",
        ".",
        "",
        "   ",
        " . . ",
        "bad\x00.pdf",
        "bad\n.pdf",
        "bad.pdf\n",
        "tab\t.pdf",
        "del\x7f.pdf",
        "x\u202efdp.exe",  # a right-to-left override shows this as "xexe.pdf"
        "zero\u200bwidth.pdf",
        "line\u2028sep.pdf",
        "a" * 197 + ".pdf",
    ],
)
def test_unsafe_names_are_refused(name):
    error = refusal(name, make_pdf())
    assert error.code == "name_unsafe"


def test_an_unsafe_name_is_refused_before_the_content_is_read():
    stream = CountingStream(make_pdf())
    with pytest.raises(UploadRefusedError) as caught:
        check_upload("../x.pdf", stream, max_bytes=LIMIT)
    assert caught.value.code == "name_unsafe"
    assert stream.bytes_read == 0


def test_an_unsafe_name_is_shown_without_its_control_characters():
    error = refusal("bad\x00name\u202e.pdf", make_pdf())
    assert error.params == {"name": "bad\ufffdname\ufffd.pdf"}
    with translation.override("en"):
        assert "\x00" not in error.message
        assert "bad\ufffdname\ufffd.pdf" in error.message


def test_a_too_long_name_is_shown_shortened():
    error = refusal("b" * 300 + ".pdf", make_pdf())
    assert error.params == {"name": "b" * 79 + "…"}


# --- size -----------------------------------------------------------------------------------


def test_empty_content_is_refused():
    error = refusal("trong.pdf", b"")
    assert (error.code, error.params) == ("empty", {"name": "trong.pdf"})


def test_an_empty_file_object_is_refused():
    with pytest.raises(UploadRefusedError) as caught:
        check_upload("trong.pdf", io.BytesIO(b""), max_bytes=LIMIT)
    assert caught.value.code == "empty"


def test_content_over_the_limit_is_refused():
    content = make_pdf()
    error = refusal("lon.pdf", content, max_bytes=len(content) - 1)
    assert (error.code, error.params) == ("too_large", {"name": "lon.pdf", "limit": 1})


def test_the_limit_is_given_in_rounded_megabytes():
    content = make_pdf() + b"\x00" * (20 * 1024 * 1024)
    error = refusal("lon.pdf", content, max_bytes=20 * 1024 * 1024)
    assert error.params == {"name": "lon.pdf", "limit": 20}
    error = refusal("lon.pdf", content, max_bytes=int(2.6 * 1024 * 1024))
    assert error.params == {"name": "lon.pdf", "limit": 3}


def test_a_non_positive_limit_is_a_programming_error():
    with pytest.raises(ValueError, match="max_bytes must be positive"):
        check_upload("a.pdf", make_pdf(), max_bytes=0)


# --- content that is not an allowed type ----------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 100,  # Windows .exe
        b"\x7fELF\x02\x01\x01" + b"\x00" * 100,  # Linux executable
        b"#!/bin/sh\nrm -rf /\n",
        b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
        b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
        b"Chi la van ban thuong.\n",
        b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
        b" %PDF-1.4\n%%EOF\n",  # the signature must come first
        b"PK\x05\x06" + b"\x00" * 18,  # an empty ZIP
    ],
)
def test_content_of_another_type_is_refused_whatever_its_name(content):
    error = refusal("bao-cao.pdf", content)
    assert (error.code, error.params) == ("type_not_allowed", {"name": "bao-cao.pdf"})


def test_a_renamed_executable_is_not_allowed_rather_than_mismatched():
    error = refusal("bao-cao.pdf", b"MZ" + b"\x00" * 200)
    assert error.code == "type_not_allowed"


@pytest.mark.parametrize("name", ["cu.pdf", "cu.docx", "cu.xlsx", "setup.msi", "cu"])
def test_ole2_content_is_allowed_only_as_doc_or_xls(name):
    error = refusal(name, make_ole2())
    assert (error.code, error.params) == ("type_not_allowed", {"name": name})


def test_a_zip_that_is_not_office_is_refused():
    content = make_zip({"hello.txt": b"xin chao", "readme.md": b"# Hi"})
    error = refusal("bao-cao.docx", content)
    assert (error.code, error.params) == ("type_not_allowed", {"name": "bao-cao.docx"})


def test_a_presentation_is_refused():
    content = make_zip({"[Content_Types].xml": b"<Types/>", "ppt/presentation.xml": b"<p/>"})
    assert refusal("slides.docx", content).code == "type_not_allowed"


def test_a_zip_without_content_types_is_refused():
    content = make_zip({"word/document.xml": b"<w:document/>"})
    assert refusal("bao-cao.docx", content).code == "type_not_allowed"


def test_a_zip_claiming_to_be_both_word_and_excel_is_refused():
    content = make_zip(
        {
            "[Content_Types].xml": b"<Types/>",
            "word/document.xml": b"<d/>",
            "xl/workbook.xml": b"<w/>",
        }
    )
    assert refusal("bao-cao.docx", content).code == "type_not_allowed"


def test_a_corrupt_zip_is_refused_as_damaged():
    error = refusal("bao-cao.docx", make_docx()[:300])
    assert (error.code, error.params) == ("damaged", {"name": "bao-cao.docx"})


def test_a_zip_with_too_many_entries_is_refused():
    entries = {f"word/media/{number}.xml": b"" for number in range(5001)}
    content = make_zip({"[Content_Types].xml": b"<T/>", "word/document.xml": b"<d/>", **entries})
    error = refusal("bao-cao.docx", content)
    assert (error.code, error.params) == ("zip_suspicious", {"name": "bao-cao.docx"})


def test_a_zip_with_5000_entries_is_accepted():
    entries = {f"word/media/{number}.xml": b"" for number in range(4998)}
    content = make_zip({"[Content_Types].xml": b"<T/>", "word/document.xml": b"<d/>", **entries})
    assert check_upload("bao-cao.docx", content, max_bytes=LIMIT).kind == "docx"


def test_a_zip_bomb_is_refused_without_expanding_it():
    bomb = make_zip({"[Content_Types].xml": b"<T/>", "xl/workbook.xml": b"<w/>", "x.xml": b"0"})
    content = declare_size(bomb, "x.xml", 201 * 1024 * 1024)
    error = refusal("bang.xlsx", content)
    assert (error.code, error.params) == ("zip_suspicious", {"name": "bang.xlsx"})


def test_the_uncompressed_sizes_are_added_up():
    bomb = make_zip(
        {"[Content_Types].xml": b"<T/>", "xl/workbook.xml": b"<w/>", "a": b"0", "b": b""}
    )
    content = declare_size(declare_size(bomb, "a", 150 * 1024 * 1024), "b", 60 * 1024 * 1024)
    assert refusal("bang.xlsx", content).code == "zip_suspicious"


def test_an_office_file_with_large_declared_content_under_the_cap_is_accepted():
    plain = make_zip({"[Content_Types].xml": b"<T/>", "xl/workbook.xml": b"<w/>", "x.xml": b"0"})
    content = declare_size(plain, "x.xml", 199 * 1024 * 1024)
    assert check_upload("bang.xlsx", content, max_bytes=LIMIT).kind == "xlsx"


# --- the name must agree with the content ---------------------------------------------------


@pytest.mark.parametrize(
    ("name", "make", "kind", "extension"),
    [
        ("report.pdf", make_png, "png", ".png"),
        ("anh.png", make_jpeg, "jpeg", ".jpg"),
        ("anh.jpg", make_png, "png", ".png"),
        ("bang.xlsx", make_docx, "docx", ".docx"),
        ("qd.docx", make_xlsx, "xlsx", ".xlsx"),
        ("qd.doc", make_docx, "docx", ".docx"),
        ("bang.xls", make_xlsx, "xlsx", ".xlsx"),
        ("van-ban.docx", make_pdf, "pdf", ".pdf"),
        ("khong-duoi", make_pdf, "pdf", ".pdf"),
        ("bao-cao.pdf.png", make_pdf, "pdf", ".pdf"),
    ],
)
def test_a_name_that_disagrees_with_the_content_is_refused(name, make, kind, extension):
    error = refusal(name, make())
    assert error.code == "type_mismatch"
    assert error.params == {"name": name, "kind": kind, "extension": extension}


# --- file objects ---------------------------------------------------------------------------


class CountingStream(io.BytesIO):
    """A file object that counts what is read from it and records the largest single read."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.bytes_read = 0
        self.largest_read = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        self.largest_read = max(self.largest_read, len(chunk))
        return chunk


class OneWayStream(io.RawIOBase):
    """A stream that cannot seek and hands out at most 7 bytes per read, as a pipe may."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def read(self, size: int = -1) -> bytes:
        size = 7 if size < 0 else min(size, 7)
        chunk = self.data[self.position : self.position + size]
        self.position += len(chunk)
        return chunk


def test_a_file_object_is_checked_and_rewound():
    content = make_docx()
    stream = io.BytesIO(content)
    stream.seek(100)  # left there by an earlier reader: the whole file is still checked
    checked = check_upload("qd.docx", stream, max_bytes=LIMIT)
    assert checked.kind == "docx"
    assert checked.size == len(content)
    assert checked.sha256 == hashlib.sha256(content).hexdigest()
    assert stream.tell() == 0
    assert stream.read() == content


def test_a_django_uploaded_file_is_checked_and_rewound():
    content = make_png()
    upload = SimpleUploadedFile("anh.png", content, content_type="application/pdf")
    checked = check_upload(upload.name or "", upload, max_bytes=LIMIT)
    assert (checked.kind, checked.content_type) == ("png", "image/png")  # not what the browser said
    assert checked.sha256 == hashlib.sha256(content).hexdigest()
    assert upload.tell() == 0


def test_a_refused_file_object_is_rewound_too():
    stream = io.BytesIO(b"MZ" + b"\x00" * 100)
    with pytest.raises(UploadRefusedError):
        check_upload("a.pdf", stream, max_bytes=LIMIT)
    assert stream.tell() == 0


def test_an_oversized_file_object_is_read_no_further_than_one_byte_past_the_limit():
    stream = CountingStream(make_pdf() + b"\x00" * (3 * 1024 * 1024))
    with pytest.raises(UploadRefusedError) as caught:
        check_upload("lon.pdf", stream, max_bytes=100_000)
    assert caught.value.code == "too_large"
    assert stream.bytes_read == 100_001
    assert stream.largest_read <= 100_001
    assert stream.tell() == 0


def test_a_file_object_is_read_in_chunks():
    stream = CountingStream(make_pdf() + b"\x00" * (1024 * 1024))
    check_upload("a.pdf", stream, max_bytes=LIMIT)
    assert stream.bytes_read == len(stream.getvalue())
    assert stream.largest_read < 1024 * 1024


def test_a_stream_that_cannot_seek_and_reads_short_is_read_whole():
    content = make_xlsx()
    checked = check_upload("bang.xlsx", OneWayStream(content), max_bytes=LIMIT)
    assert checked.size == len(content)
    assert checked.sha256 == hashlib.sha256(content).hexdigest()


# --- messages -------------------------------------------------------------------------------


def test_the_refusal_codes():
    assert set(MESSAGES) == {
        "name_unsafe",
        "empty",
        "too_large",
        "type_not_allowed",
        "type_mismatch",
        "zip_suspicious",
        "damaged",
    }


def test_an_unknown_code_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown upload refusal code: 'nope'"):
        UploadRefusedError("nope")


def test_str_gives_code_and_params_for_logs():
    assert str(UploadRefusedError("empty", name="a.pdf")) == "empty {'name': 'a.pdf'}"


REFUSALS = [
    ("../../etc/passwd.pdf", make_pdf, LIMIT, "name_unsafe"),
    ("trống.pdf", lambda: b"", LIMIT, "empty"),
    ("lớn.pdf", make_pdf, 10, "too_large"),
    ("bao-cao.pdf", lambda: b"MZ" + b"\x00" * 64, LIMIT, "type_not_allowed"),
    ("report.pdf", make_png, LIMIT, "type_mismatch"),
    (
        "bom.xlsx",
        lambda: make_zip({f"{number}": b"" for number in range(5001)}),
        LIMIT,
        "zip_suspicious",
    ),
    ("hỏng.docx", lambda: make_docx()[:300], LIMIT, "damaged"),
]


@pytest.mark.parametrize(("name", "make", "max_bytes", "code"), REFUSALS)
@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_refusal_has_a_message_naming_the_file(name, make, max_bytes, code, language):
    error = refusal(name, make(), max_bytes=max_bytes)
    assert error.code == code
    with translation.override(language):
        message = error.message
    assert isinstance(message, str)
    assert name in message
    assert "%(" not in message


@pytest.mark.parametrize(
    ("name", "make", "max_bytes", "expected"),
    [
        (
            "a/b.pdf",
            make_pdf,
            LIMIT,
            "The file name “a/b.pdf” cannot be used. Rename the file with a short name without "
            "slashes or special characters, then attach it again.",
        ),
        ("trống.pdf", lambda: b"", LIMIT, "The file “trống.pdf” is empty."),
        ("lớn.pdf", make_pdf, 10, "The file “lớn.pdf” is larger than 1 MB."),
        (
            "bao-cao.pdf",
            lambda: b"MZ" + b"\x00" * 64,
            LIMIT,
            "“bao-cao.pdf” is not a PDF, Word, Excel or image file: only those can be attached.",
        ),
        (
            "report.pdf",
            make_png,
            LIMIT,
            "The name “report.pdf” does not match the file's content, which is a .png file. "
            "Rename the file to end in .png, then attach it again.",
        ),
        (
            "bom.xlsx",
            lambda: make_zip({f"{number}": b"" for number in range(5001)}),
            LIMIT,
            "“bom.xlsx” cannot be accepted: it unpacks to far more data than a Word or Excel "
            "file holds.",
        ),
        (
            "hỏng.docx",
            lambda: make_docx()[:300],
            LIMIT,
            "“hỏng.docx” looks like a Word or Excel file but cannot be opened: it may be "
            "damaged. Save it again and attach the new copy.",
        ),
    ],
)
def test_english_messages(name, make, max_bytes, expected):
    error = refusal(name, make(), max_bytes=max_bytes)
    with translation.override("en"):
        assert error.message == expected
