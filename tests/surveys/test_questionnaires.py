"""Questionnaires in the interface: listed and shown to everyone, edited as YAML while a draft,
frozen once answers use them (then copied as a new version), added from a file; audited."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from parindex.audit.models import AuditEntry
from parindex.surveys import actions
from parindex.surveys.models import Campaign, Questionnaire
from parindex.surveys.yaml_io import load_questionnaire, shipped, to_yaml
from tests.conftest import World


def _client(world: World, role: str, *, english: bool = False) -> Client:
    client = Client()
    client.force_login(world.users[role])
    if english:  # for sentences added since the last translation round
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _officials() -> Questionnaire:
    return actions.install_questionnaire(shipped("can-bo-2024.yaml"))


def _answered_campaign(world: World) -> Campaign:
    """A SIPAS campaign of the province with one form: its questionnaire is frozen."""
    campaign = actions.open_campaign(
        by=None,
        questionnaire=actions.install_questionnaire(shipped("sipas-2024.yaml")),
        scope=world.province,
        year=2025,
        name="SIPAS 2025",
        opens_on=dt.date(2025, 10, 1),
        closes_on=dt.date(2025, 12, 1),
    )
    link = next(link for link in actions.public_links(campaign) if link.unit == world.commune_a)
    actions.submit_online(
        link, answers={"TC2": "4"}, form_id="f-1", started_at=None, client_hash=""
    )
    return campaign


@pytest.mark.parametrize("name", ["sipas-2024.yaml", "can-bo-2024.yaml"])
def test_the_yaml_shown_for_editing_reads_back_as_the_same_questionnaire(name: str) -> None:
    spec = shipped(name)
    assert load_questionnaire(to_yaml(spec)) == spec


def test_everyone_signed_in_reads_the_list_and_a_questionnaire_with_its_weights(
    world: World,
) -> None:
    questionnaire = _officials()
    client = _client(world, "commune_officer")
    listing = client.get(reverse("surveys:questionnaires"))
    assert listing.status_code == 200
    assert "CB-2024" in listing.content.decode()
    page = client.get(reverse("surveys:questionnaire", args=[questionnaire.pk])).content.decode()
    assert "Mức độ quyết liệt của lãnh đạo UBND xã" in page
    # options with their weights: A 100%, B 60%, C 20%, D 0%
    assert "B = Khá · <strong>60%</strong>" in page
    assert "D = Kém · <strong>0%</strong>" in page
    # no edit for a commune officer
    assert reverse("surveys:questionnaire_edit", args=[questionnaire.pk]) not in page
    assert (
        client.get(reverse("surveys:questionnaire_edit", args=[questionnaire.pk])).status_code
        == 403
    )


def test_a_draft_is_edited_as_yaml_and_the_change_is_audited(world: World) -> None:
    questionnaire = _officials()
    client = _client(world, "secretariat")
    url = reverse("surveys:questionnaire_edit", args=[questionnaire.pk])
    shown = client.get(url).content.decode()
    assert "code: CB-2024" in html.unescape(shown)
    text = to_yaml(questionnaire.parsed()).replace(
        "Việc giải quyết hồ sơ đúng hạn", "Tỷ lệ hồ sơ giải quyết đúng hạn"
    )
    saved = client.post(url, {"text": text})
    assert saved["Location"] == reverse("surveys:questionnaire", args=[questionnaire.pk])
    questionnaire.refresh_from_db()
    assert questionnaire.parsed().question("TTHC2").text == "Tỷ lệ hồ sơ giải quyết đúng hạn"  # type: ignore[union-attr]
    entry = AuditEntry.objects.get(action="questionnaire.update")
    assert entry.actor == world.users["secretariat"]
    old_texts = [q["text"] for s in entry.old_value["spec"]["sections"] for q in s["questions"]]
    assert "Việc giải quyết hồ sơ đúng hạn" in old_texts
    # the same text again changes nothing and writes no second entry
    client.post(url, {"text": text})
    assert AuditEntry.objects.filter(action="questionnaire.update").count() == 1


def test_a_wrong_text_is_refused_whole_listed_in_vietnamese_and_kept(world: World) -> None:
    questionnaire = _officials()
    before = questionnaire.spec
    client = _client(world, "secretariat")
    text = to_yaml(questionnaire.parsed())
    text = text.replace("code: TTHC2", "code: TTHC1").replace("rated: true", "ratd: true", 1)
    refused = client.post(
        reverse("surveys:questionnaire_edit", args=[questionnaire.pk]), {"text": text}
    )
    assert refused.status_code == 422
    page = html.unescape(refused.content.decode())
    assert "Mục “ratd” không hợp lệ." in page
    # the whole text comes back as sent, nothing is lost
    assert text in page
    questionnaire.refresh_from_db()
    assert questionnaire.spec == before
    # a duplicate question code, once the unknown key is fixed
    fixed = text.replace("ratd: true", "rated: true")
    again = client.post(
        reverse("surveys:questionnaire_edit", args=[questionnaire.pk]), {"text": fixed}
    )
    assert "Mã câu hỏi “TTHC1” bị trống hoặc trùng." in html.unescape(again.content.decode())
    assert AuditEntry.objects.filter(action="questionnaire.update").count() == 0


def test_unreadable_yaml_says_on_which_line(world: World) -> None:
    questionnaire = _officials()
    client = _client(world, "secretariat", english=True)
    text = "questionnaire:\n  code: CB-2024\n  name: [unclosed\nsections: []\n"
    refused = client.post(
        reverse("surveys:questionnaire_edit", args=[questionnaire.pk]), {"text": text}
    )
    assert refused.status_code == 422
    assert "The YAML cannot be read at line 4" in html.unescape(refused.content.decode())


def test_the_code_of_a_questionnaire_does_not_change_by_editing(world: World) -> None:
    questionnaire = _officials()
    text = to_yaml(questionnaire.parsed()).replace("code: CB-2024", "code: CB-2025")
    with pytest.raises(actions.SurveyError) as refused:
        actions.update_questionnaire(questionnaire, by=None, text=text)
    assert [p.code for p in refused.value.problems] == ["questionnaire.code_changed"]
    assert not Questionnaire.objects.filter(code="CB-2025").exists()


def test_a_frozen_questionnaire_refuses_edits_and_is_copied_as_a_new_version(
    world: World,
) -> None:
    campaign = _answered_campaign(world)
    questionnaire = campaign.questionnaire
    before = questionnaire.spec
    client = _client(world, "secretariat", english=True)
    edit_url = reverse("surveys:questionnaire_edit", args=[questionnaire.pk])
    page = client.get(edit_url).content.decode()
    assert "already has answers: it can no longer change" in page
    assert reverse("surveys:questionnaire_copy", args=[questionnaire.pk]) in page
    assert 'value="SIPAS-2024-v2"' in page  # the code proposed for the copy
    text = to_yaml(questionnaire.parsed()).replace("Giới tính", "Giới")
    refused = client.post(edit_url, {"text": text})
    assert refused.status_code == 422
    assert "Giới\n" in html.unescape(refused.content.decode())  # the text is kept
    questionnaire.refresh_from_db()
    assert questionnaire.spec == before
    copied = client.post(
        reverse("surveys:questionnaire_copy", args=[questionnaire.pk]), {"code": "SIPAS-2024-v2"}
    )
    copy = Questionnaire.objects.get(code="SIPAS-2024-v2")
    assert copied["Location"] == reverse("surveys:questionnaire_edit", args=[copy.pk])
    assert copy.parsed().sections == questionnaire.parsed().sections
    assert not copy.frozen
    # the copy is a draft: it takes the change the original refused
    saved = client.post(
        reverse("surveys:questionnaire_edit", args=[copy.pk]),
        {"text": text.replace("code: SIPAS-2024\n", "code: SIPAS-2024-v2\n")},
    )
    assert saved.status_code == 302
    copy.refresh_from_db()
    assert copy.parsed().question("GT").text == "Giới"  # type: ignore[union-attr]
    assert AuditEntry.objects.get(action="questionnaire.create").new_value["copied from"] == (
        "SIPAS-2024"
    )
    # the next free code is proposed after that
    assert actions.next_version_code("SIPAS-2024") == "SIPAS-2024-v3"
    assert actions.next_version_code("SIPAS-2024-v2") == "SIPAS-2024-v3"


def test_a_copy_needs_a_new_code(world: World) -> None:
    questionnaire = _officials()
    client = _client(world, "secretariat", english=True)
    refused = client.post(
        reverse("surveys:questionnaire_copy", args=[questionnaire.pk]), {"code": "CB-2024"}
    )
    assert refused.status_code == 422
    assert "A questionnaire with the code CB-2024 already exists" in refused.content.decode()
    assert Questionnaire.objects.count() == 1


def test_a_questionnaire_is_added_from_a_file_with_a_new_code_only(world: World) -> None:
    client = _client(world, "secretariat", english=True)
    url = reverse("surveys:questionnaire_upload")
    text = to_yaml(shipped("can-bo-2024.yaml")).replace("CB-2024", "CB-2026")
    added = client.post(url, {"file": SimpleUploadedFile("cb.yaml", text.encode())})
    questionnaire = Questionnaire.objects.get(code="CB-2026")
    assert added["Location"] == reverse("surveys:questionnaire", args=[questionnaire.pk])
    assert questionnaire.audience == "officials"
    entry = AuditEntry.objects.get(action="questionnaire.create")
    assert (entry.new_value["file"], entry.actor) == ("cb.yaml", world.users["secretariat"])
    again = client.post(url, {"file": SimpleUploadedFile("cb.yaml", text.encode())})
    assert again.status_code == 422
    assert "already exists" in again.content.decode()
    bad = client.post(url, {"file": SimpleUploadedFile("cb.yaml", b"\xff\xfe not text")})
    assert bad.status_code == 422
    assert Questionnaire.objects.count() == 1
    # only those who manage campaigns somewhere add questionnaires
    viewer = _client(world, "viewer")
    assert viewer.get(url).status_code == 403


def test_another_provinces_secretariat_cannot_edit_a_questionnaire_used_here(
    world: World,
) -> None:
    questionnaire = _officials()
    other = _client(world, "secretariat_other")
    url = reverse("surveys:questionnaire_edit", args=[questionnaire.pk])
    assert other.get(url).status_code == 200  # unused: any manager may edit it
    actions.open_campaign(
        by=None,
        questionnaire=questionnaire,
        scope=world.province,
        year=2025,
        name="Cán bộ 2025",
        opens_on=dt.date(2025, 10, 1),
        closes_on=dt.date(2025, 12, 1),
    )
    assert other.get(url).status_code == 403
    assert other.post(url, {"text": to_yaml(questionnaire.parsed())}).status_code == 403
