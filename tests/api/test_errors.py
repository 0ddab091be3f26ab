"""One error body everywhere, in the language asked for; rate limits; the docs page is local."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from tests.api.conftest import client_for
from tests.conftest import World

pytestmark = pytest.mark.django_db

SHAPE = {"code", "message", "details"}


def test_error_bodies_have_one_shape(world: World) -> None:
    client = client_for(world, "commune_officer")
    missing = client.get("/api/v1/units/999999")
    assert missing.status_code == 404
    assert set(missing.json()) == SHAPE
    assert missing.json()["code"] == "not_found"
    invalid = client.get("/api/v1/units?limit=0")
    assert invalid.status_code == 422
    body = invalid.json()
    assert set(body) == SHAPE
    assert body["code"] == "invalid"
    assert body["details"][0]["loc"][-1] == "limit"
    bad_json = client.put("/api/v1/answers/1", "{", content_type="application/json")
    assert bad_json.status_code in {400, 404, 422}
    assert set(bad_json.json()) == SHAPE


def test_messages_follow_accept_language(world: World) -> None:
    vi = client_for(world, "commune_officer", language="vi").get("/api/v1/units/999999")
    en = client_for(world, "commune_officer", language="en-GB,en;q=0.8").get("/api/v1/units/999999")
    assert en.json()["message"] == "Not found."
    assert vi.json()["code"] == en.json()["code"] == "not_found"


def test_a_role_without_units_is_403_on_the_unit_list(world: World) -> None:
    response = client_for(world, "no_role").get("/api/v1/units")
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


@override_settings(API_REQUESTS_PER_MINUTE=3)
def test_rate_limit_per_token(world: World) -> None:
    client = client_for(world, "commune_officer")
    codes = [client.get("/api/v1/units").status_code for _ in range(4)]
    assert codes[:3] == [200, 200, 200]
    if codes[3] == 200:  # the minute turned between two requests: try once more
        codes.append(client.get("/api/v1/units").status_code)
    last = client.get("/api/v1/units")
    assert last.status_code == 429
    assert set(last.json()) == SHAPE
    assert last.json()["code"] == "rate_limited"
    assert 1 <= int(last["Retry-After"]) <= 61
    # another token of the same user has its own budget
    assert client_for(world, "commune_officer").get("/api/v1/units").status_code == 200


def test_the_docs_page_uses_vendored_files_only(world: World) -> None:
    page = Client().get("/api/v1/docs").content.decode()
    assert "vendor/swagger-ui/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
    assert "http" not in page.replace("http-equiv", "")
    schema = Client().get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/units" in schema["paths"]


def test_scores_are_decimal_strings(world: World, data: object) -> None:
    client = client_for(world, "secretariat")
    cycle_id = data.year.cycle.pk  # type: ignore[attr-defined]
    rows = client.get(f"/api/v1/cycles/{cycle_id}/ranking").json()["rows"]
    assert [(r["unit_code"], r["total"], r["rank"]) for r in rows] == [
        (world.commune_b.code, "99.00", 1),
        (world.commune_a.code, "95.35", 2),
    ]
