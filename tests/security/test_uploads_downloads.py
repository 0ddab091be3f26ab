"""Uploads are checked by content and size before anything reads them; downloads go through the
views' permission checks and are sent as attachments (PDFs and images inline) without sniffing."""

from __future__ import annotations

import ast
import io
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from parindex.common.import_files import ImportFile
from parindex.orgunits.models import Unit
from tests.accounts.test_permission_matrix import ROWS, Row
from tests.conftest import World

SOURCE = Path(settings.BASE_DIR) / "parindex"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _xlsx() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["Mã", "Tên"])  # type: ignore[union-attr]
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _docx_renamed() -> bytes:
    """A ZIP that is a Word document, not a workbook."""
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


# --- every upload field is checked ------------------------------------------------------------

# Evidence uploads: their views pass the file to assessments.uploads.check_upload (by way of
# upload_document), which reads the content, the size and the name.
EVIDENCE_FORMS = {"assessments/forms.py", "awards/forms.py"}


def test_every_file_field_has_a_content_check() -> None:
    unchecked = []
    fields = 0
    for path in sorted(SOURCE.rglob("*.py")):
        relative = path.relative_to(SOURCE).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in {"FileField", "ImageField"}
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "forms"
            ):
                continue
            fields += 1
            validators = next((k.value for k in node.keywords if k.arg == "validators"), None)
            checked = validators is not None and "ImportFile(" in ast.unparse(validators)
            if not checked and relative not in EVIDENCE_FORMS:
                unchecked.append(f"{relative}:{node.lineno}")
    assert fields >= 8
    assert not unchecked, "File fields without a content check:\n" + "\n".join(unchecked)


def test_evidence_views_check_the_upload() -> None:
    for module in ("assessments/views.py", "awards/views.py"):
        text = (SOURCE / module).read_text(encoding="utf-8")
        assert "max_bytes=settings.EVIDENCE_MAX_MB" in text, module


# --- the import check -------------------------------------------------------------------------


def _upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


@pytest.mark.parametrize(
    ("kinds", "name", "data"),
    [
        (("xlsx",), "don-vi.xlsx", EXE),  # a program renamed
        (("xlsx",), "don-vi.xlsx", PDF),
        (("xlsx",), "don-vi.xlsx", b"Ma,Ten\n1,A\n"),  # text renamed
        (("xlsx",), "don-vi.xlsx", _docx_renamed()),  # a Word document renamed
        (("xlsx",), "don-vi.xlsx", b"PK\x03\x04garbage"),  # a damaged ZIP
        (("xlsx", "csv"), "don-vi.csv", EXE),
        (("xlsx", "csv"), "don-vi.csv", b"\xff\xfeM\x00a\x00"),  # UTF-16: not what we read
        (("yaml",), "bo-chi-so.yaml", _xlsx()),  # a workbook named .yaml
        (("yaml",), "bo-chi-so.yaml", b"code: A\x00\x00"),
        (("xlsx", "yaml"), "bo-chi-so.exe", b"code: A\n"),  # a name no import takes
        (("xlsx",), "rong.xlsx", b""),
    ],
)
def test_bad_import_files_are_refused(kinds: tuple[str, ...], name: str, data: bytes) -> None:
    with pytest.raises(ValidationError):
        ImportFile(*kinds)(_upload(name, data))


@pytest.mark.parametrize(
    ("kinds", "name", "data"),
    [
        (("xlsx",), "don-vi.xlsx", _xlsx()),
        (("xlsx", "csv"), "don-vi.csv", "Mã,Tên\n91001,Xã An Bình\n".encode()),
        (("xlsx", "csv"), "don-vi.csv", "\ufeffMã;Tên\n".encode()),
        (("yaml",), "bo-chi-so.yaml", "code: PAR\nname: Bộ chỉ số\n".encode()),
        (("xlsx", "yaml"), "bo-chi-so.yml", b"code: PAR\n"),
    ],
)
def test_good_import_files_pass(kinds: tuple[str, ...], name: str, data: bytes) -> None:
    upload = _upload(name, data)
    ImportFile(*kinds)(upload)
    assert upload.read() == data  # rewound for the importer


@override_settings(IMPORT_MAX_MB=1)
def test_an_import_file_over_the_limit_is_refused() -> None:
    big = _xlsx() + b"\x00" * (1024 * 1024)
    with pytest.raises(ValidationError, match="1 MB"):
        ImportFile("xlsx")(_upload("lon.xlsx", big))


@pytest.mark.django_db
def test_the_units_import_page_refuses_a_renamed_program(world: World) -> None:
    client = Client()
    client.force_login(world.users["secretariat"])
    count = Unit.objects.count()
    response = client.post(
        reverse("orgunits:import"), {"what": "units", "file": _upload("don-vi.xlsx", EXE)}
    )
    assert response.status_code in {200, 422}
    text = response.content.decode()
    assert "don-vi.xlsx" in text
    assert Unit.objects.count() == count


@pytest.mark.django_db
def test_the_framework_import_page_refuses_a_binary_yaml(world: World) -> None:
    from parindex.frameworks.models import Framework

    client = Client()
    client.force_login(world.users["secretariat"])
    response = client.post(
        reverse("frameworks:import"),
        {"owner": world.province.pk, "file": _upload("bo-chi-so.yaml", EXE)},
    )
    assert response.status_code in {200, 422}
    assert Framework.objects.count() == 0


@pytest.mark.django_db
def test_the_api_units_import_refuses_a_renamed_program(world: World) -> None:
    from tests.api.conftest import client_for

    count = Unit.objects.count()
    response = client_for(world, "system_admin").post(
        "/api/v1/units/import", {"what": "units", "file": _upload("don-vi.xlsx", EXE)}
    )
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "import.file_refused"
    assert Unit.objects.count() == count


@pytest.mark.django_db
def test_evidence_content_is_checked_not_its_name(world: World) -> None:
    from parindex.assessments.actions import upload_document
    from parindex.assessments.uploads import UploadRefusedError

    with pytest.raises(UploadRefusedError) as refused:
        upload_document(
            by=None, unit=world.commune_a, name="bao-cao.pdf", content=EXE, max_bytes=10**6
        )
    assert refused.value.code == "type_not_allowed"
    with pytest.raises(UploadRefusedError) as refused:
        upload_document(
            by=None, unit=world.commune_a, name="bao-cao.pdf", content=PDF * 100, max_bytes=100
        )
    assert refused.value.code == "too_large"


# --- downloads --------------------------------------------------------------------------------

PAGE_TYPES = ("text/html", "application/json")


def _allowed_role(row: Row) -> str | None:
    for role in ("system_admin", "secretariat", "commune_officer", "viewer"):
        if role in row.allowed:
            return role
    return "anonymous" if "anonymous" in row.allowed else None


FILE_ROWS = [row for row in ROWS if row.method == "get" and not row.name.startswith("v1:")]


@pytest.mark.django_db
def test_every_file_download_is_an_attachment_without_sniffing(world: World) -> None:
    """Every GET view of the matrix, as a role allowed to read it: whatever is not a page comes
    with nosniff and a Content-Disposition (attachment, or inline for PDFs and images) naming a
    file; an evidence file also with a sandboxing policy."""
    files = []
    problems = []
    for row in FILE_ROWS:
        role = _allowed_role(row)
        if role is None or row.ok != 200:
            continue
        client = Client()
        if role != "anonymous":
            client.force_login(world.users[role])
        response = client.get(row.url(world), row.data(world))
        if response.status_code != 200:
            continue
        content_type = response.get("Content-Type", "").split(";")[0]
        if content_type in PAGE_TYPES or not content_type:
            continue
        files.append(row.name)
        if response.get("X-Content-Type-Options") != "nosniff":
            problems.append(f"{row.name}: no nosniff")
        disposition = response.get("Content-Disposition", "")
        inline_ok = content_type in {"application/pdf", "image/png", "image/jpeg", "image/svg+xml"}
        if not (
            disposition.startswith("attachment")
            or (disposition.startswith("inline") and inline_ok)
            or (not disposition and content_type.startswith("image/") and "help" in row.name)
            or (not disposition and content_type in {"text/css", "application/javascript"})
        ):
            problems.append(f"{row.name}: {content_type} with Content-Disposition {disposition!r}")
        elif disposition and "filename" not in disposition:
            problems.append(f"{row.name}: no file name")
    assert len(files) >= 10, files
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_an_evidence_file_is_served_only_through_the_permission_check(world: World) -> None:
    from tests.accounts.test_permission_matrix import _document

    doc = _document(world)
    url = reverse("assessments:document_file", args=[doc])
    own = Client()
    own.force_login(world.users["commune_officer"])
    response = own.get(url)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["Content-Disposition"].startswith("inline")
    assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]
    download = own.get(url, {"tai": "1"})
    assert download["Content-Disposition"].startswith("attachment")
    other = Client()
    other.force_login(world.users["officer_b"])
    assert other.get(url).status_code == 404
    assert Client().get(url).status_code == 302
    # the file is nowhere under the web root
    assert not str(settings.EVIDENCE_ROOT).startswith(str(settings.STATIC_ROOT))
