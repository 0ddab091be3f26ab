"""Full-text search over a unit's documents: SQLite FTS5 by default, PostgreSQL's full-text search
when the suite runs on it; accents optional; scoped to the units the user's roles cover."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test import Client
from django.urls import reverse

from parindex.assessments import actions
from parindex.evidence import search
from parindex.orgunits.models import Unit
from tests.conftest import World


def upload(unit: Unit, name: str, data: bytes, capture: Any) -> None:
    with capture(execute=True):
        actions.upload_document(by=None, unit=unit, name=name, content=data, max_bytes=10**7)


def test_search_finds_by_words_with_or_without_accents(
    world: World, documents: dict[str, bytes], django_capture_on_commit_callbacks: Any
) -> None:
    assert connection.vendor in {"sqlite", "postgresql"}
    upload(
        world.commune_a, "qd.pdf", documents["decision_2025"], django_capture_on_commit_callbacks
    )
    upload(world.commune_a, "bc.pdf", documents["report_2025"], django_capture_on_commit_callbacks)
    upload(
        world.commune_b, "qd-b.pdf", documents["decision_2025"], django_capture_on_commit_callbacks
    )
    mine = Unit.objects.filter(pk=world.commune_a.pk)
    for query in (
        "Quyết định kiện toàn Ban biên tập",
        "quyet dinh kien toan ban bien tap",
        "kiện toàn ban biên",  # the last word as a prefix
        "12/QĐ-UBND",
    ):
        hits = search.search(query, mine)
        assert [h.document.name for h in hits] == ["qd.pdf"], query
    hit = search.search("ban biên tập", mine)[0]
    assert hit.found == "Ban biên tập"  # the words together, highlighted
    assert "kiện toàn Ban biên tập" in hit.snippet
    assert [h.document.name for h in search.search("cải cách hành chính năm 2025", mine)] == [
        "bc.pdf"
    ]
    assert search.search("thủ tục không có", mine) == []
    assert search.search("  ", mine) == []
    both = Unit.objects.filter(pk__in=[world.commune_a.pk, world.commune_b.pk])
    assert sorted(h.document.name for h in search.search("kiện toàn", both)) == [
        "qd-b.pdf",
        "qd.pdf",
    ]


def test_the_search_page_is_scoped_to_the_users_units(
    world: World, documents: dict[str, bytes], django_capture_on_commit_callbacks: Any
) -> None:
    upload(
        world.commune_a, "qd.pdf", documents["decision_2025"], django_capture_on_commit_callbacks
    )
    upload(
        world.commune_c, "qd-c.pdf", documents["decision_2025"], django_capture_on_commit_callbacks
    )
    url = reverse("evidence:search")
    officer = Client()
    officer.force_login(world.users["commune_officer"])
    html = officer.get(url, {"q": "quyết định kiện toàn ban biên tập"}).content.decode()
    assert "qd.pdf" not in html  # the list shows the summary, read from the file
    assert "<mark>" in html
    assert "Xã An Bình" in html
    assert "Xã Khác" not in html
    other = Client()
    other.force_login(world.users["secretariat_other"])
    html = other.get(url, {"q": "kiện toàn", "don_vi": world.commune_a.code}).content.decode()
    assert "Xã An Bình" not in html
    assert "Xã Khác" in html
    assert "1 " in html  # one document found, Xã Khác's
