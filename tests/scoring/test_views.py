"""The results pages as their users see them (Vietnamese), and the publication through them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from parindex.scoring.models import Publication, PublicationState

pytestmark = pytest.mark.django_db


def login(world, role: str) -> Client:
    client = Client(headers={"accept-language": "vi"})
    client.force_login(world.users[role])
    return client


def text(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_dashboard_ranks_and_shows_where_points_are_lost(scored, world):
    page = text(login(world, "viewer").get(reverse("scoring:dashboard", args=[scored.cycle.pk])))
    assert "Chưa công bố" in page or "chưa công bố" in page
    assert page.index(scored.b.unit.name) < page.index(scored.a.unit.name)  # 99 before 95,35
    assert "95,35" in page
    assert "99,00" in page
    assert "3.1.1" in page  # lost by both: first in the Pareto table
    assert 'data-chart="chart-bars"' in page


def test_rank_by_field_and_group(scored, world):
    client = login(world, "secretariat")
    url = reverse("scoring:dashboard", args=[scored.cycle.pk])
    page = text(client.get(url, {"linh-vuc": "9"}))
    assert "Hạng theo 9" in page
    assert text(client.get(url, {"nhom": "nonsense"}))


def test_scorecard_of_a_commune(scored, world):
    client = login(world, "commune_officer")
    page = text(
        client.get(reverse("scoring:scorecard", args=[scored.cycle.pk, scored.a.unit.code]))
    )
    assert "95,35/100" in page
    assert "Thiếu báo cáo" in page
    assert "−0,15" in page  # 1.1.2 lost 0,15
    # Not published: the commune does not see its rank yet.
    assert "sau khi công bố" in page
    assert 'data-chart="chart-radar"' not in page


def test_a_commune_cannot_read_another_communes_scorecard(scored, world):
    client = login(world, "commune_officer")
    url = reverse("scoring:scorecard", args=[scored.cycle.pk, scored.b.unit.code])
    assert client.get(url).status_code == 404
    assert client.get(reverse("scoring:dashboard", args=[scored.cycle.pk])).status_code == 404


def test_what_if_gives_points_and_rank(scored, world):
    client = login(world, "secretariat")
    url = reverse("scoring:what_if", args=[scored.cycle.pk, scored.a.unit.code])
    page = text(client.get(url, {"sua": ["9.1", "3.1.1"]}))
    assert "+4,5" in page
    assert "99,85/100" in page
    assert "Hạng 1/2" in page


def test_publication_through_the_pages(scored, world):
    secretariat, council = login(world, "secretariat"), login(world, "council")
    pk = scored.cycle.pk
    secretariat.post(reverse("scoring:prepare", args=[pk]))
    assert secretariat.post(reverse("scoring:publish", args=[pk, 1])).status_code == 302
    assert Publication.objects.get().state == PublicationState.AWAITING  # not approved: refused
    assert council.post(reverse("scoring:publish", args=[pk, 1])).status_code == 403
    council.post(reverse("scoring:approve", args=[pk, 1]), {"decision": "Nghị quyết số 5"})
    secretariat.post(reverse("scoring:publish", args=[pk, 1]))
    assert Publication.objects.get().state == PublicationState.PUBLISHED
    page = text(secretariat.get(reverse("scoring:publication", args=[pk])))
    assert "Nghị quyết số 5" in page
    # A correction needs its reason: refused without, and nothing is created.
    response = secretariat.post(reverse("scoring:prepare", args=[pk]), follow=True)
    assert "cần nêu lý do" in response.content.decode()
    assert Publication.objects.count() == 1
    # The commune now sees its rank.
    officer = login(world, "commune_officer")
    page = text(officer.get(reverse("scoring:scorecard", args=[pk, scored.a.unit.code])))
    assert "2/2" in page


def test_public_pages_show_only_published_results(scored, world):
    anonymous = Client(headers={"accept-language": "vi"})
    pk = scored.cycle.pk
    assert anonymous.get(reverse("public:ranking", args=[pk])).status_code == 404
    secretariat, council = login(world, "secretariat"), login(world, "council")
    secretariat.post(reverse("scoring:prepare", args=[pk]))
    assert anonymous.get(reverse("public:ranking", args=[pk])).status_code == 404  # awaiting
    council.post(reverse("scoring:approve", args=[pk, 1]))
    secretariat.post(reverse("scoring:publish", args=[pk, 1]))
    page = text(anonymous.get(reverse("public:ranking", args=[pk])))
    assert scored.a.unit.name in page
    assert "95,35" in page
    card = text(anonymous.get(reverse("public:scorecard", args=[pk, scored.a.unit.code])))
    assert "95,35/100" in card
    assert "Thiếu báo cáo" in card
    assert text(anonymous.get(reverse("public:list")))


def test_a_long_export_runs_in_the_background_and_is_downloaded(
    scored, world, django_capture_on_commit_callbacks
):
    client = login(world, "viewer")
    pk = scored.cycle.pk
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("scoring:export", args=[pk, "scores_xlsx"]))
    assert response.status_code == 302
    page = text(client.get(response["Location"]))
    assert "Tải về bang-diem-chi-so-cchc-" in page
    job_pk = int(response["Location"].rstrip("/").split("/")[-1])
    download = client.get(reverse("scoring:export_file", args=[pk, job_pk]))
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert bytes(download.content[:2]) == b"PK"
    assert client.post(reverse("scoring:export", args=[pk, "nonsense"])).status_code == 404


def test_a_commune_downloads_its_scorecard(scored, world):
    client = login(world, "commune_officer")
    url = reverse("scoring:scorecard_pdf", args=[scored.cycle.pk, scored.a.unit.code])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    other = reverse("scoring:scorecard_pdf", args=[scored.cycle.pk, scored.b.unit.code])
    assert client.get(other).status_code == 404


def test_once_published_the_published_version_shows_by_default(scored, world):
    from parindex.scoring import services

    pub = services.prepare_publication(scored.cycle, by=None)
    services.approve_publication(pub, by=None)
    services.publish(pub, by=None)
    client = login(world, "viewer")
    url = reverse("scoring:dashboard", args=[scored.cycle.pk])
    assert "Phiên bản 1: Đã công bố" in text(client.get(url))
    live = text(client.get(url, {"phien-ban": "tam-tinh"}))
    assert "Số liệu tạm tính, chưa công bố" in live
    assert 'name="phien-ban" value="tam-tinh"' in live
    assert client.get(url, {"phien-ban": "9"}).status_code == 404
