"""The framework pages as a secretariat and a commune use them (Vietnamese by default)."""

from __future__ import annotations

import io
from dataclasses import replace

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parindex.audit.models import AuditEntry
from parindex.frameworks import actions
from parindex.frameworks.excel_io import write_xlsx
from parindex.frameworks.library import shipped
from parindex.frameworks.models import Framework, Node, Status
from parindex.frameworks.yaml_io import dump_yaml, load_yaml
from tests.conftest import World


def client_for(world: World, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


@pytest.fixture
def draft(world: World) -> Framework:
    return actions.create_framework(by=None, owner=world.province, spec=shipped())


@pytest.fixture
def published(world: World) -> Framework:
    framework = actions.create_framework(
        by=None,
        owner=world.province,
        spec=replace(shipped(), code="PAR-XA-2024", year_from=2024, year_to=2024),
    )
    return actions.publish_framework(framework, by=None)


def test_tree_page_shows_points_rules_and_documents(world: World, published: Framework) -> None:
    page = client_for(world, "commune_officer").get(
        reverse("frameworks:detail", args=[published.pk])
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "Bộ chỉ số cải cách hành chính của UBND cấp xã (minh họa)" in text
    assert "Đã công bố" in text
    assert (
        'theo kết quả thực hiện kế hoạch</span> <span class="small">trừ mỗi nhiệm vụ = 0,15' in text
    )
    assert "Quyết định kiện toàn Ban biên tập Trang thông tin điện tử" in text
    assert '<td data-label="Tối đa" class="num">0,5</td>' in text  # 1.3.1, the Vietnamese way
    # a commune reads; it gets no edit, publish or problems panel
    assert "Sửa" not in text
    assert 'name="confirm"' not in text
    assert 'id="problems"' not in text


def test_a_commune_sees_published_frameworks_only(
    world: World, draft: Framework, published: Framework
) -> None:
    listing = client_for(world, "commune_officer").get(reverse("frameworks:list")).content.decode()
    assert "PAR-XA-2024" in listing
    assert f'href="{reverse("frameworks:detail", args=[draft.pk])}"' not in listing
    mine = client_for(world, "secretariat").get(reverse("frameworks:list")).content.decode()
    assert "PAR-XA-2025" in mine
    assert "PAR-XA-2024" in mine
    other = Client()
    other.force_login(world.users["secretariat_other"])
    assert "PAR-XA" not in other.get(reverse("frameworks:list")).content.decode()


def test_inline_edit_with_htmx_saves_and_refreshes_the_problems(
    world: World, draft: Framework
) -> None:
    client = client_for(world, "secretariat")
    node = Node.objects.get(framework=draft, code="3.3.2")
    url = reverse("frameworks:node_edit", args=[draft.pk, node.pk])
    form = client.get(url, HTTP_HX_REQUEST="true")
    assert form.status_code == 200
    html = form.content.decode()
    assert html.startswith('<tr class="editing"')
    assert 'name="rule"' in html
    assert 'value="có/không"' in html
    version = form.context["form"].initial["version"]
    saved = client.post(
        url,
        {
            "code": "3.3.2",
            "title": "Có văn bản xin lỗi hồ sơ trễ hạn",
            "max_points": "1,5",
            "source": "appraised",
            "rule": "có/không",
            "evidence": "Văn bản xin lỗi\nSổ theo dõi hồ sơ (không bắt buộc)",
            "version": version,
        },
        HTTP_HX_REQUEST="true",
    )
    assert saved.status_code == 200
    html = saved.content.decode()
    assert f'<tr id="node-{node.pk}"' in html
    assert "Có văn bản xin lỗi hồ sơ trễ hạn" in html
    assert "1,5" in html
    # the problems panel comes along, out of band: 3.3 no longer adds up
    assert 'id="problems"' in html
    assert 'hx-swap-oob="true"' in html
    assert "Các mục con cộng lại được 6 điểm, không bằng điểm tối đa 5,5." in html
    node.refresh_from_db()
    assert node.max_points == 1.5
    assert [(e.title, e.required) for e in node.evidence.all()] == [
        ("Văn bản xin lỗi", True),
        ("Sổ theo dõi hồ sơ", False),
    ]
    assert (
        AuditEntry.objects.filter(
            action="criterion.update", actor=world.users["secretariat"]
        ).count()
        == 1
    )


def test_a_bad_rule_in_the_form_is_explained_and_nothing_is_saved(
    world: World, draft: Framework
) -> None:
    client = client_for(world, "secretariat")
    node = Node.objects.get(framework=draft, code="1.1.1")
    response = client.post(
        reverse("frameworks:node_edit", args=[draft.pk, node.pk]),
        {
            "code": "1.1.1",
            "title": node.title,
            "max_points": "1",
            "source": "appraised",
            "rule": "mức: Đúng hạn = 2; Không = 0",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200  # htmx swaps the form back, with its message
    html = response.content.decode()
    assert "2 điểm vượt điểm tối đa 1 của tiêu chí." in html
    assert 'value="mức: Đúng hạn = 2; Không = 0"' in html  # what was typed is kept
    node.refresh_from_db()
    assert node.rule["levels"][0]["points"] == "1"
    without_htmx = client.post(
        reverse("frameworks:node_edit", args=[draft.pk, node.pk]),
        {"code": "1.1.1", "title": node.title, "max_points": "một", "rule": "có/không"},
    )
    assert without_htmx.status_code == 422
    assert "“một” không phải là số." in without_htmx.content.decode()


def test_someone_elses_save_in_between_is_not_overwritten(world: World, draft: Framework) -> None:
    client = client_for(world, "secretariat")
    node = Node.objects.get(framework=draft, code="1.1.1")
    url = reverse("frameworks:node_edit", args=[draft.pk, node.pk])
    version = client.get(url).context["form"].initial["version"]
    actions.update_node(node, by=None, data=replace(actions.node_data_of(node), title="Sửa trước"))
    response = client.post(
        url,
        {
            "code": "1.1.1",
            "title": "Sửa sau",
            "max_points": "1",
            "source": "appraised",
            "rule": "có/không",
            "version": version,
        },
    )
    assert response.status_code == 422
    assert "Người khác đã lưu tiêu chí này" in response.content.decode()
    node.refresh_from_db()
    assert node.title == "Sửa trước"


def test_add_a_sub_criterion_then_delete_it(world: World, draft: Framework) -> None:
    client = client_for(world, "secretariat")
    parent = Node.objects.get(framework=draft, code="7.2")
    form = client.get(reverse("frameworks:node_add", args=[draft.pk]) + f"?parent={parent.pk}")
    assert form.context["form"].initial["code"] == "7.2.4"
    added = client.post(
        reverse("frameworks:node_add", args=[draft.pk]),
        {
            "parent": parent.pk,
            "code": "7.2.4",
            "title": "Tổ công nghệ số cộng đồng",
            "max_points": "1",
            "source": "appraised",
            "rule": "có/không",
        },
        HTTP_HX_REQUEST="true",
    )
    assert added.status_code == 204
    node = Node.objects.get(framework=draft, code="7.2.4")
    assert added["HX-Redirect"].endswith(f"#node-{node.pk}")
    assert node.parent == parent
    assert node.depth == 3
    deleted = client.post(reverse("frameworks:node_delete", args=[draft.pk, node.pk]))
    assert deleted.status_code == 302
    assert not Node.objects.filter(pk=node.pk).exists()


def test_publish_needs_a_confirmation_and_a_valid_tree(world: World, draft: Framework) -> None:
    client = client_for(world, "secretariat")
    url = reverse("frameworks:publish", args=[draft.pk])
    client.post(url)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT  # not ticked: nothing happens
    actions.delete_node(Node.objects.get(framework=draft, code="9"), by=None)  # SIPAS, 36 points
    page = client.post(url, {"confirm": "1"}, follow=True).content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert "Chưa công bố: còn 1 lỗi" in page
    assert "Các lĩnh vực cộng lại được 64 điểm, không bằng tổng điểm 100 của bộ chỉ số." in page


def test_publish_then_edit_is_refused(world: World, draft: Framework) -> None:
    client = client_for(world, "secretariat")
    assert (
        client.post(reverse("frameworks:publish", args=[draft.pk]), {"confirm": "1"}).status_code
        == 302
    )
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED
    node = Node.objects.get(framework=draft, code="1.1.1")
    refused = client.post(
        reverse("frameworks:node_edit", args=[draft.pk, node.pk]),
        {
            "code": "1.1.1",
            "title": "Đổi",
            "max_points": "1",
            "source": "appraised",
            "rule": "có/không",
        },
        HTTP_HX_REQUEST="true",
    )
    assert refused.status_code == 409
    assert "chỉ bản dự thảo mới được sửa" in refused.content.decode()
    node.refresh_from_db()
    assert node.title != "Đổi"


def test_import_page_lists_problems_by_row(world: World) -> None:
    spec = shipped()
    bad = replace(
        spec, fields=(replace(spec.fields[0], maximum=spec.fields[0].maximum + 1), *spec.fields[1:])
    )
    data = write_xlsx(bad)
    client = client_for(world, "secretariat")
    upload = io.BytesIO(data)
    upload.name = "bo-chi-so.xlsx"
    response = client.post(
        reverse("frameworks:import"), {"file": upload, "owner": world.province.pk}
    )
    assert response.status_code == 422
    text = response.content.decode()
    assert "2 lỗi — chưa lưu gì" in text
    assert "Các lĩnh vực cộng lại được 101 điểm, không bằng tổng điểm 100 của bộ chỉ số." in text
    assert "Các mục con cộng lại được 12 điểm, không bằng điểm tối đa 13." in text
    assert Framework.objects.count() == 0
    good = io.BytesIO(write_xlsx(spec))
    good.name = "bo-chi-so.xlsx"
    done = client.post(reverse("frameworks:import"), {"file": good, "owner": world.province.pk})
    framework = Framework.objects.get()
    assert done.status_code == 302
    assert done["Location"] == reverse("frameworks:detail", args=[framework.pk])


def test_import_cannot_target_a_unit_out_of_scope(world: World) -> None:
    upload = io.BytesIO(dump_yaml(shipped()).encode())
    upload.name = "x.yaml"
    response = client_for(world, "secretariat").post(
        reverse("frameworks:import"), {"file": upload, "owner": world.other_province.pk}
    )
    assert response.status_code == 422
    assert Framework.objects.count() == 0


def test_exports_give_back_the_framework(world: World, published: Framework) -> None:
    client = client_for(world, "viewer")
    xlsx = client.get(reverse("frameworks:export", args=[published.pk, "xlsx"]))
    assert xlsx["Content-Disposition"] == 'attachment; filename="par-xa-2024.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert book["Tiêu chí"]["A2"].value == "1"
    yaml_response = client.get(reverse("frameworks:export", args=[published.pk, "yaml"]))
    assert load_yaml(yaml_response.content) == replace(
        shipped(), code="PAR-XA-2024", year_from=2024, year_to=2024
    )
    assert client.get(reverse("frameworks:export", args=[published.pk, "pdf"])).status_code == 404


def test_clone_and_compare_pages(world: World, published: Framework) -> None:
    client = client_for(world, "secretariat")
    form = client.get(reverse("frameworks:clone", args=[published.pk]))
    assert form.context["form"].initial["code"] == "PAR-XA-2025"
    response = client.post(
        reverse("frameworks:clone", args=[published.pk]),
        {"code": "PAR-XA-2025", "name": "Bộ chỉ số 2025", "year_from": 2025, "year_to": 2025},
    )
    clone = Framework.objects.get(code="PAR-XA-2025")
    assert response["Location"] == reverse("frameworks:detail", args=[clone.pk])
    node = Node.objects.get(framework=clone, code="8.1.5")
    actions.delete_node(node, by=None)
    page = client.get(reverse("frameworks:compare", args=[clone.pk])).content.decode()
    assert "0 thêm, 1 bỏ, 0 đánh số lại hoặc chuyển chỗ, 0 đổi điểm, 0 sửa khác." in page
    assert "Bố trí kho, trang thiết bị bảo quản tài liệu lưu trữ" in page


def test_the_tree_page_makes_a_fixed_number_of_queries(world: World) -> None:
    client = client_for(world, "secretariat")
    small = load_yaml(dump_yaml(shipped()))
    one = actions.create_framework(
        by=None, owner=world.province, spec=replace(small, code="A", fields=small.fields[:1])
    )
    whole = actions.create_framework(by=None, owner=world.province, spec=replace(small, code="B"))
    counts = []
    for framework in (one, whole):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("frameworks:detail", args=[framework.pk])).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 12, counts


def test_home_says_what_to_do_about_the_framework(world: World) -> None:
    secretariat = client_for(world, "secretariat")
    officer = client_for(world, "commune_officer")
    home = secretariat.get(reverse("home")).content.decode()
    assert "Chưa có bộ chỉ số nào được công bố cho đơn vị của bạn" in home
    assert "Đọc các tiêu chí" not in officer.get(reverse("home")).content.decode()
    framework = actions.create_framework(by=None, owner=world.province, spec=shipped())
    actions.publish_framework(framework, by=None)
    assert "1 đã công bố, 0 dự thảo đang soạn." in secretariat.get(reverse("home")).content.decode()
    assert "Đọc các tiêu chí" in officer.get(reverse("home")).content.decode()
