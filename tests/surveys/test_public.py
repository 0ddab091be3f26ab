"""The public survey form: anonymous, one section a page, stored once, protected from abuse."""

from __future__ import annotations

import datetime as dt
import time

from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from parindex.surveys import actions
from parindex.surveys.models import Campaign, Channel, PublicLink, Response, ResponseAnswer
from parindex.surveys.yaml_io import shipped
from tests.conftest import World

FULL = {
    1: {"TC1": "1", "TC2": "5", "TC3": "4"},
    2: {"TT1": "1", "TT2": "4", "TT3": "4"},
    3: {"CC1": "5", "CC2": "3"},
    4: {"KQ1": "1", "KQ2": "4"},
    5: {"PA1": "4", "PA2": "Niêm yết thêm bảng giá lệ phí"},
    6: {"GT": "nu", "TUOI": "25_40", "LV": "ho_tich", "KENH": "truc_tiep"},
}


def link_of(world: World, *, open_now: bool = True) -> PublicLink:
    today = timezone.localdate()
    window = (today - dt.timedelta(days=5), today + dt.timedelta(days=5))
    if not open_now:
        window = (today + dt.timedelta(days=5), today + dt.timedelta(days=9))
    campaign: Campaign = actions.open_campaign(
        by=None,
        questionnaire=actions.install_questionnaire(shipped("sipas-2024.yaml")),
        scope=world.province,
        year=2025,
        name="SIPAS 2025",
        opens_on=window[0],
        closes_on=window[1],
    )
    return next(link for link in actions.public_links(campaign) if link.unit == world.commune_a)


def fill(client: Client, link: PublicLink) -> object:
    response = None
    for number, answers in FULL.items():
        response = client.post(reverse("surveys:public_step", args=[link.token, number]), answers)
    return response


def test_a_citizen_answers_page_by_page_and_the_form_is_stored_once(world: World) -> None:
    link = link_of(world)
    client = Client()
    start = client.get(reverse("surveys:public_start", args=[link.token]))
    assert start.status_code == 200
    assert "Bắt đầu" in start.content.decode()
    page = client.get(reverse("surveys:public_step", args=[link.token, 1])).content.decode()
    assert "Phần 1/6" in page
    assert 'name="TC2" value="5"' in page
    # a required answer missing: the page says so and keeps what was chosen
    missing = client.post(reverse("surveys:public_step", args=[link.token, 1]), {"TC2": "5"})
    assert missing.status_code == 422
    text = missing.content.decode()
    assert "Vui lòng trả lời câu hỏi này." in text
    assert 'value="5" checked' in text
    last = fill(client, link)
    assert last["Location"] == reverse("surveys:public_done", args=[link.token])  # type: ignore[index]
    form = Response.objects.get()
    assert (form.channel, form.unit, form.answered_on) == (
        Channel.ONLINE,
        world.commune_a,
        timezone.localdate(),
    )
    assert ResponseAnswer.objects.filter(response=form).count() == 16
    assert "fast" in form.flags  # filled in seconds by a test
    # the last page sent twice (a double tap): no second, partial form
    again = client.post(reverse("surveys:public_step", args=[link.token, 6]), FULL[6])
    assert again["Location"] == reverse("surveys:public_step", args=[link.token, 1])
    assert Response.objects.count() == 1


def test_the_page_is_light(world: World) -> None:
    from django.contrib.sessions.models import Session

    link = link_of(world)
    page = Client().get(reverse("surveys:public_step", args=[link.token, 1]))
    assert len(page.content) < 8_000
    assert b"<script" not in page.content
    assert Session.objects.count() == 0  # reading the form stores nothing


def test_the_honeypot_stores_nothing(world: World) -> None:
    link = link_of(world)
    client = Client()
    response = client.post(
        reverse("surveys:public_step", args=[link.token, 1]), FULL[1] | {"website": "http://spam"}
    )
    assert response["Location"] == reverse("surveys:public_done", args=[link.token])
    assert Response.objects.count() == 0


def test_outside_the_window_the_form_is_closed(world: World) -> None:
    link = link_of(world, open_now=False)
    client = Client()
    assert (
        "Đợt khảo sát nhận trả lời từ"
        in client.get(reverse("surveys:public_start", args=[link.token])).content.decode()
    )
    step = client.post(reverse("surveys:public_step", args=[link.token, 1]), FULL[1])
    assert step["Location"] == reverse("surveys:public_start", args=[link.token])
    link.active = False
    link.save()
    assert client.get(reverse("surveys:public_start", args=[link.token])).status_code == 404


@override_settings(SURVEY_FORMS_PER_ADDRESS_PER_HOUR=60)
def test_a_thousand_forms_from_one_address_are_throttled_and_none_accepted_is_lost(
    world: World,
) -> None:
    link = link_of(world)
    answers = {code: value for page in FULL.values() for code, value in page.items()}
    url = reverse("surveys:public_step", args=[link.token, 6])
    accepted = refused = 0
    started = time.perf_counter()
    for n in range(1000):
        client = Client(REMOTE_ADDR="203.0.113.7")
        session = client.session
        session[f"survey:{link.token}"] = {
            "id": f"form-{n}",
            "answers": answers,
            "started": (timezone.now() - dt.timedelta(minutes=5)).isoformat(),
        }
        session.save()
        response = client.post(url, FULL[6])
        if response.status_code == 302:
            accepted += 1
        else:
            assert response.status_code == 429
            refused += 1
    assert (accepted, refused) == (60, 940)
    assert Response.objects.count() == 60  # every accepted form is stored, once
    assert ResponseAnswer.objects.count() == 60 * 16
    assert time.perf_counter() - started < 120
    # another address is not held back
    other = Client(REMOTE_ADDR="198.51.100.9")
    fill(other, link)
    assert Response.objects.count() == 61


def test_links_and_a_printable_poster(world: World) -> None:
    link = link_of(world)
    client = Client()
    client.force_login(world.users["secretariat"])
    page = client.get(reverse("surveys:links", args=[link.campaign_id])).content.decode()
    assert f"/khao-sat/p/{link.token}/" in page
    pdf = client.get(reverse("surveys:poster", args=[link.campaign_id, link.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
