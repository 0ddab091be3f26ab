"""Officials' surveys: the respondents (one by one or from Excel), each with a personal link to
the communes they rate; one form per respondent and commune; results split by form."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from parindex.audit.models import AuditEntry
from parindex.surveys import actions
from parindex.surveys.models import Campaign, Channel, Respondent, Response
from parindex.surveys.selectors import respondent_counts, results_by_form, targets
from parindex.surveys.yaml_io import shipped
from tests.conftest import World

# CB-2024: four pages (CD, TTHC, CV, the respondent's group)
PAGES = (("CD1",), ("TTHC1", "TTHC2"), ("CV1",), ("NHOM",))


def _campaign(world: World) -> Campaign:
    today = timezone.localdate()
    return actions.open_campaign(
        by=None,
        questionnaire=actions.install_questionnaire(shipped("can-bo-2024.yaml")),
        scope=world.province,
        year=2025,
        name="Đánh giá của cán bộ 2025",
        opens_on=today - dt.timedelta(days=5),
        closes_on=today + dt.timedelta(days=20),
    )


def _client(world: World, role: str = "secretariat") -> Client:
    client = Client()
    client.force_login(world.users[role])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # sentences added since the last round
    return client


def _fill(client: Client, respondent: Respondent, unit_code: str, option: str) -> object:
    """Every page of one commune's form, each rated question answered `option`."""
    response = None
    for number, codes in enumerate(PAGES, start=1):
        answers = {code: option for code in codes if code != "NHOM"}
        if "NHOM" in codes:
            answers["NHOM"] = "dai_bieu" if respondent.form_code == "01" else "lanh_dao"
        response = client.post(
            reverse("surveys:respondent_step", args=[respondent.token, unit_code, number]),
            answers,
        )
    return response


def _book(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Họ tên", "Chức vụ", "Mẫu phiếu", "Mã xã đánh giá"])  # type: ignore[union-attr]
    for row in rows:
        sheet.append(row)  # type: ignore[union-attr]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_respondents_are_added_one_by_one_and_from_excel_once(world: World) -> None:
    campaign = _campaign(world)
    client = _client(world)
    url = reverse("surveys:respondents", args=[campaign.pk])
    added = client.post(
        url,
        {
            "form": "add",
            "name": "Nguyễn Văn An",
            "position": "Đại biểu HĐND tỉnh",
            "form_code": "1",
            "units": [world.commune_a.pk],
        },
    )
    assert added["Location"] == url
    first = Respondent.objects.get()
    assert (first.code, first.form_code) == ("01-001", "01")
    assert list(first.units.all()) == [world.commune_a]
    assert AuditEntry.objects.get(action="respondent.add").new_value["communes"] == [
        world.commune_a.code
    ]
    good = _book(
        [
            ["Trần Thị Bình", "Giám đốc Sở Nội vụ", "03", ""],
            ["Lê Văn Cường", "Đại biểu HĐND tỉnh", 1, f"{world.commune_a.code}; "],
            ["Phạm Thị Dung", "Phó Giám đốc Sở Tư pháp", "3", None],
        ]
    )
    imported = client.post(url, {"form": "upload", "file": SimpleUploadedFile("r.xlsx", good)})
    assert imported["Location"] == url
    assert sorted(Respondent.objects.values_list("code", "name")) == [
        ("01-001", "Nguyễn Văn An"),
        ("01-002", "Lê Văn Cường"),
        ("03-001", "Trần Thị Bình"),
        ("03-002", "Phạm Thị Dung"),
    ]
    # the same file again adds nobody
    again = actions.import_respondents(campaign, by=None, data=good)
    assert (again.changed, again.skipped, again.saved) == (0, 3, True)
    assert Respondent.objects.count() == 4
    # commune A is rated by all four, commune B by the two with no commune listed
    assert respondent_counts(campaign) == {world.commune_a.pk: 4, world.commune_b.pk: 2}
    assert targets(campaign)[world.commune_b.pk]["target"] == 2
    page = client.get(url).content.decode()
    assert reverse("surveys:respondent_home", args=[first.token]) in page


def test_a_bad_list_is_refused_whole_with_its_rows(world: World) -> None:
    campaign = _campaign(world)
    bad = _book(
        [
            ["Trần Thị Bình", "Giám đốc Sở", "03", ""],
            ["", "Đại biểu", "01", ""],
            ["Lê Văn Cường", "Đại biểu", "mẫu một", "99999"],
        ]
    )
    report = actions.import_respondents(campaign, by=None, data=bad)
    assert [(e.row, e.column, e.problem.code) for e in report.errors] == [
        (3, "Họ tên", "respondent.name"),
        (4, "Mẫu phiếu", "respondent.form_code"),
        (4, "Mã xã đánh giá", "paper.unknown_commune"),
    ]
    assert Respondent.objects.count() == 0
    page = _client(world).post(
        reverse("surveys:respondents", args=[campaign.pk]),
        {"form": "upload", "file": SimpleUploadedFile("r.xlsx", bad)},
    )
    assert page.status_code == 422
    assert "“mẫu một” is not a form code" in page.content.decode()


def test_respondents_belong_to_officials_surveys_only(world: World) -> None:
    sipas = actions.open_campaign(
        by=None,
        questionnaire=actions.install_questionnaire(shipped("sipas-2024.yaml")),
        scope=world.province,
        year=2025,
        name="SIPAS 2025",
        opens_on=dt.date(2025, 10, 1),
        closes_on=dt.date(2025, 12, 1),
    )
    with pytest.raises(actions.SurveyError) as refused:
        actions.add_respondent(sipas, by=None, name="A", position="", form_code="01")
    assert [p.code for p in refused.value.problems] == ["respondent.not_officials"]
    assert _client(world).get(reverse("surveys:respondents", args=[sipas.pk])).status_code == 404


def test_a_respondent_rates_each_commune_once_through_their_link(world: World) -> None:
    campaign = _campaign(world)
    respondent = actions.add_respondent(
        campaign, by=None, name="Nguyễn Văn An", position="Đại biểu HĐND", form_code="01"
    )
    visitor = Client()  # no account
    visitor.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    home = reverse("surveys:respondent_home", args=[respondent.token])
    page = visitor.get(home).content.decode()
    assert "0 of 2 communes rated" in page
    assert world.commune_a.name in page
    step_a = reverse("surveys:respondent_step", args=[respondent.token, world.commune_a.code, 1])
    assert step_a in page
    last = _fill(visitor, respondent, world.commune_a.code, "B")
    assert last["Location"] == f"{home}?xong={world.commune_a.code}"  # type: ignore[index]
    form = Response.objects.get()
    assert (form.form_number, form.respondent, form.unit, form.channel) == (
        f"01-001-{world.commune_a.code}",
        respondent,
        world.commune_a,
        Channel.ONLINE,
    )
    assert dict(form.answers.values_list("question", "value")) == {
        "CD1": "B",
        "TTHC1": "B",
        "TTHC2": "B",
        "CV1": "B",
        "NHOM": "dai_bieu",
    }
    done = visitor.get(f"{home}?xong={world.commune_a.code}").content.decode()
    assert "1 of 2 communes rated" in done
    assert f"Your form for {world.commune_a.name} was received." in done
    assert step_a not in done  # a commune done is not offered again
    # sending the form again (every page, or the last one) adds nothing
    assert visitor.get(step_a)["Location"] == home
    _fill(visitor, respondent, world.commune_a.code, "A")
    assert Response.objects.count() == 1
    assert set(form.answers.values_list("value", flat=True)) == {"B", "dai_bieu"}
    # a commune of another province is not theirs to rate; an unknown token is nobody's
    other = reverse("surveys:respondent_step", args=[respondent.token, world.commune_c.code, 1])
    assert visitor.get(other).status_code == 404
    assert visitor.get(reverse("surveys:respondent_home", args=["nope"])).status_code == 404


def test_a_respondent_rates_only_the_communes_listed(world: World) -> None:
    campaign = _campaign(world)
    respondent = actions.add_respondent(
        campaign, by=None, name="B", position="", form_code="03", units=[world.commune_b]
    )
    visitor = Client()
    page = visitor.get(reverse("surveys:respondent_home", args=[respondent.token])).content
    assert world.commune_b.name in page.decode()
    assert world.commune_a.name not in page.decode()
    step = reverse("surveys:respondent_step", args=[respondent.token, world.commune_a.code, 1])
    assert visitor.get(step).status_code == 404


def test_results_are_split_by_form(world: World) -> None:
    campaign = _campaign(world)
    delegate = actions.add_respondent(campaign, by=None, name="A", position="", form_code="01")
    leader = actions.add_respondent(campaign, by=None, name="B", position="", form_code="03")
    visitor = Client()
    _fill(visitor, delegate, world.commune_a.code, "A")  # weight 1 everywhere: 100 %
    _fill(visitor, leader, world.commune_a.code, "C")  # weight 0,2 everywhere: 20 %
    _fill(visitor, leader, world.commune_b.code, "B")  # weight 0,6 everywhere: 60 %
    split = results_by_form(campaign)
    assert list(split) == ["01", "03"]
    assert split["01"][world.commune_a.code].index == Decimal("100.00")
    assert list(split["01"]) == [world.commune_a.code]
    assert split["03"][world.commune_a.code].index == Decimal("20.00")
    assert split["03"][world.commune_b.code].index == Decimal("60.00")
    # together, commune A: every question (1 + 0,2) ÷ 2 = 0,6 → 60 %
    page = _client(world).get(reverse("surveys:campaign", args=[campaign.pk])).content.decode()
    assert "Results by form (group of respondents)" in page
    assert f"{world.commune_a.code}: 100.00% (1)" in page
    assert f"{world.commune_b.code}: 60.00% (1)" in page
    # the target of a commune is the number of respondents who rate it: 2 each, 2 and 1 sent
    assert "2/2" in page
    assert "1/2" in page


def test_a_respondent_who_sent_forms_stays_on_the_list(world: World) -> None:
    campaign = _campaign(world)
    sent = actions.add_respondent(campaign, by=None, name="Đã gửi", position="", form_code="01")
    idle = actions.add_respondent(campaign, by=None, name="Chưa gửi", position="", form_code="01")
    _fill(Client(), sent, world.commune_a.code, "A")
    client = _client(world)
    client.post(reverse("surveys:respondent_remove", args=[campaign.pk, sent.pk]))
    client.post(reverse("surveys:respondent_remove", args=[campaign.pk, idle.pk]))
    assert list(Respondent.objects.values_list("name", flat=True)) == ["Đã gửi"]
    entry = AuditEntry.objects.get(action="respondent.remove")
    assert entry.old_value["name"] == "Chưa gửi"
    with pytest.raises(actions.SurveyError) as refused:
        actions.remove_respondent(sent, by=None)
    assert [p.code for p in refused.value.problems] == ["respondent.has_forms"]


def test_a_paper_form_numbered_for_a_respondent_is_theirs(world: World) -> None:
    campaign = _campaign(world)
    respondent = actions.add_respondent(campaign, by=None, name="A", position="", form_code="03")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Số phiếu", "Mã xã", "CD1", "TTHC1", "TTHC2", "CV1", "NHOM"])  # type: ignore[union-attr]
    sheet.append(
        [f"03-001-{world.commune_b.code}", world.commune_b.code, "A", "B", "C", "D", "khac"]
    )  # type: ignore[union-attr]
    sheet.append(["P-7", world.commune_b.code, "A", "A", "A", "A", "khac"])  # type: ignore[union-attr]
    out = io.BytesIO()
    book.save(out)
    report = actions.import_paper(campaign, by=None, data=out.getvalue(), filename="p.xlsx")
    assert report.added == 2
    assert dict(Response.objects.values_list("form_number", "respondent")) == {
        f"03-001-{world.commune_b.code}": respondent.pk,
        "P-7": None,
    }
    # its respondent's link shows the commune done
    home = Client().get(reverse("surveys:respondent_home", args=[respondent.token]))
    assert (
        reverse("surveys:respondent_step", args=[respondent.token, world.commune_b.code, 1])
        not in home.content.decode()
    )
