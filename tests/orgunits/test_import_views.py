"""The import page: units and mergers, the per-row report, and nothing saved on an error."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from parindex.audit.models import AuditAction, AuditEntry
from parindex.orgunits.models import Kind, Succession, Unit
from tests import factories
from tests.conftest import World


def _post(client: Client, what: str, name: str, text: str):  # type: ignore[no-untyped-def]
    upload = SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")
    return client.post(reverse("orgunits:import"), {"what": what, "file": upload})


def _secretariat(world: World) -> Client:
    client = Client()
    client.force_login(world.users["secretariat"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    return client


def test_units_file_imports_and_reports(world: World) -> None:
    client = _secretariat(world)
    text = (
        "Mã;Tên;Loại;Mã cấp trên;Hiệu lực từ;Hiệu lực đến\n"
        "91003;Xã Tân Lập;xã;91;01/07/2025;\n"
        "91003-VP;Văn phòng HĐND và UBND xã Tân Lập;cơ quan;91003;01/07/2025;\n"
    )
    response = _post(client, "units", "don-vi.csv", text)
    assert response.status_code == 302
    commune = Unit.objects.get(code="91003")
    assert commune.parent == world.province
    assert Unit.objects.get(code="91003-VP").parent == commune
    entry = AuditEntry.objects.get(action=AuditAction.UNIT_IMPORT)
    assert entry.new_value == {"file": "don-vi.csv", "created": 2, "updated": 0}


def test_bad_units_file_lists_errors_and_saves_nothing(world: World) -> None:
    client = _secretariat(world)
    count = Unit.objects.count()
    text = (
        "Mã,Tên,Loại,Mã cấp trên,Hiệu lực từ\n"
        "91003,Xã Tân Lập,xã,91,01/07/2025\n"
        "\n"
        "91004,Xã Lạ,làng,91,01/07/2025\n"
        "91005,Xã Khác Tỉnh,xã,92,01/07/2025\n"
    )
    response = _post(client, "units", "don-vi.csv", text)
    assert response.status_code == 422
    body = response.content.decode()
    assert "2 errors — nothing was saved" in body
    assert "Unknown kind “làng”." in body
    assert "You may not add units under Tỉnh Khác." in body
    # the blank line keeps its place: the bad kind is on row 4 of the sheet
    assert '<td class="num" data-label="Row">4</td>' in body
    assert Unit.objects.count() == count


def test_mergers_file_links_units_and_ends_the_old_ones(world: World) -> None:
    old = factories.unit(
        "Xã Cũ", Kind.XA, world.province, code="91090", valid_from=dt.date(2020, 1, 1)
    )
    client = _secretariat(world)
    text = (
        "Mã đơn vị cũ,Mã đơn vị mới,Kế thừa chính,Hiệu lực,Căn cứ\n"
        f"91090,{world.commune_a.code},có,01/07/2025,Nghị quyết sắp xếp\n"
    )
    response = _post(client, "successions", "sap-xep.csv", text)
    assert response.status_code == 302
    link = Succession.objects.get(predecessor=old)
    assert (link.successor, link.is_main, link.legal_basis) == (
        world.commune_a,
        True,
        "Nghị quyết sắp xếp",
    )
    old.refresh_from_db()
    assert old.valid_to == dt.date(2025, 6, 30)
    # importing the same file again changes nothing
    response = _post(client, "successions", "sap-xep.csv", text)
    assert response.status_code == 302
    assert Succession.objects.count() == 1


def test_bad_mergers_file_saves_nothing(world: World) -> None:
    factories.unit("Xã Cũ", Kind.XA, world.province, code="91090", valid_from=dt.date(2020, 1, 1))
    client = _secretariat(world)
    text = (
        "Mã đơn vị cũ,Mã đơn vị mới,Kế thừa chính,Hiệu lực\n"
        f"91090,{world.commune_a.code},có,01/07/2025\n"
        "91090,99999,có,01/07/2025\n"
        f"91090,{world.commune_b.code},có lẽ,01/07/2025\n"
        f"91090,{world.commune_c.code},có,01/07/2025\n"
    )
    response = _post(client, "successions", "sap-xep.csv", text)
    assert response.status_code == 422
    body = response.content.decode()
    assert "No unit with code 99999 valid on 01/07/2025." in body
    assert "Write “có” or “không”." in body
    assert "You may not record mergers of these units." in body
    assert Succession.objects.count() == 0
    assert Unit.objects.get(code="91090").valid_to is None


def test_wrong_file_type_is_refused(world: World) -> None:
    client = _secretariat(world)
    upload = SimpleUploadedFile("anh.png", b"\x89PNG\r\n", content_type="image/png")
    response = client.post(reverse("orgunits:import"), {"what": "units", "file": upload})
    assert response.status_code == 422
    assert "Please upload an .xlsx or .csv file." in response.content.decode()


def test_template_download_is_a_real_workbook(world: World) -> None:
    import io

    import openpyxl

    client = _secretariat(world)
    response = client.get(reverse("orgunits:import_template"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    assert [c.value for c in sheet[1]] == [
        "Mã",
        "Tên",
        "Loại",
        "Mã cấp trên",
        "Hiệu lực từ",
        "Hiệu lực đến",
    ]
