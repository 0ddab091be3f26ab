"""A citizen answers the SIPAS form on a phone-sized screen, in a real browser."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from parindex.surveys.models import Channel, Response, ResponseAnswer
from tests.conftest import World
from tests.surveys.test_public import FULL, link_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def test_a_citizen_fills_the_form_on_a_phone(world: World, live_server: Any, browser: Any) -> None:
    link = link_of(world)
    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    page.goto(f"{live_server.url}/khao-sat/p/{link.token}/")
    page.click("text=Bắt đầu")
    for number, answers in FULL.items():
        page.wait_for_selector(f"text=Phần {number}/6")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        if number == 1 and os.environ.get("PARINDEX_SCREENSHOTS"):
            page.screenshot(path=str(SCREENSHOTS / "survey-vi-phone.png"), full_page=True)
        if number == 2:  # forgetting one answer: the page says which, and keeps the others
            page.check("input[name=TT2][value='4']")
            page.click("button.btn")
            page.wait_for_selector("text=Còn câu hỏi chưa trả lời")
            assert page.is_checked("input[name=TT2][value='4']")
        for code, value in answers.items():
            field = page.locator(f"[name={code}]")
            if field.first.get_attribute("type") == "radio":
                page.check(f"input[name={code}][value='{value}']")
            else:
                field.fill(value)
        page.click("button.btn")
    page.wait_for_selector("text=Xin cảm ơn")
    form = Response.objects.get()
    assert (form.channel, form.unit) == (Channel.ONLINE, world.commune_a)
    stored = dict(ResponseAnswer.objects.filter(response=form).values_list("question", "value"))
    assert stored == {code: value for page in FULL.values() for code, value in page.items()}
    page.context.close()
