"""Every API operation × every role's token × own and other unit, generated from the OpenAPI
schema (an operation added later is in the matrix at once).

Each operation is called with ids of commune A's objects (the cycle's, framework's and campaign's
where the operation addresses those). Accounts outside commune A — commune B's officer, the other
province's secretariat, an account without a role — never get commune A's data: a read of one of
its objects is refused (401/403/404), a list or shared object never names it, and a write changes
nothing. The accounts whose roles cover commune A read every one of its objects.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from parindex.api.main import api
from parindex.assessments.models import Answer, AnswerDocument, Document
from parindex.audit.models import AuditEntry
from parindex.plans.models import Target, TargetReport, Task
from parindex.surveys.models import Response
from tests.api.conftest import PDF, Data, client_for, data  # noqa: F401 - the fixture
from tests.conftest import World
from tests.scoring.conftest import scored, year  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

OUTSIDERS = ["officer_b", "secretariat_other", "no_role"]
INSIDERS = [
    "system_admin",
    "secretariat",
    "appraiser",
    "council",
    "viewer",
    "commune_leader",
    "commune_officer",
]
# Objects read by every role covering commune A; the rest of the reads may be narrower.
COVERED_READS = {
    "/api/v1/units/{unit_id}",
    "/api/v1/assessments/{assessment_id}",
    "/api/v1/plans/{plan_id}",
}


def _operations() -> list[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return sorted((m, p) for p, ops in schema["paths"].items() for m in ops)


def _citation_a(d: Data) -> AnswerDocument:
    answer = Answer.objects.filter(assessment=d.year.a).order_by("pk").first()
    citation = AnswerDocument.objects.filter(answer=answer).first()
    return citation or AnswerDocument.objects.create(answer=answer, document=d.doc_a)


IDS: dict[str, Callable[[World, Data], int]] = {
    "unit_id": lambda w, d: w.commune_a.pk,
    "framework_id": lambda w, d: d.year.cycle.framework_id,
    "cycle_id": lambda w, d: d.year.cycle.pk,
    "assessment_id": lambda w, d: d.year.a.pk,
    "answer_id": lambda w, d: _citation_a(d).answer_id,
    "citation_id": lambda w, d: _citation_a(d).pk,
    "document_id": lambda w, d: d.doc_a.pk,
    "campaign_id": lambda w, d: d.campaign.pk,
    "plan_id": lambda w, d: d.plan_a.pk,
    "task_id": lambda w, d: Task.objects.filter(plan=d.plan_a).first().pk,  # type: ignore[union-attr]
    "target_id": lambda w, d: Target.objects.filter(plan=d.plan_a).first().pk,  # type: ignore[union-attr]
}

BODIES: dict[str, Callable[[World, Data], Any]] = {
    "/api/v1/answers/{answer_id}": lambda w, d: {"answer": {"yes": True}, "note": "x"},
    "/api/v1/answers/{answer_id}/citations": lambda w, d: {"document_id": d.doc_a.pk},
    "/api/v1/answers/{answer_id}/explanation": lambda w, d: {"text": "Giải trình"},
    "/api/v1/campaigns/{campaign_id}/responses": lambda w, d: {
        "forms": [{"form_number": "A-1", "unit": w.commune_a.code, "answers": {}}]
    },
    "/api/v1/tasks/{task_id}": lambda w, d: {"status": "doing"},
    "/api/v1/targets/{target_id}/reports": lambda w, d: {"period": "2025", "value": "95"},
}


def _url(path: str, world: World, d: Data) -> str:
    def fill(match: re.Match[str]) -> str:
        return str(IDS[match.group(1)](world, d))

    return re.sub(r"\{([a-z_]+)\}", fill, path)


def _call(client: Client, method: str, path: str, url: str, world: World, d: Data) -> Any:
    if method == "post" and path.endswith(("/documents", "/import")):
        return client.post(url, {"file": SimpleUploadedFile("qd.pdf", PDF)})
    if method == "get":
        return client.get(url)
    body = BODIES.get(path, lambda w, d: {})(world, d)
    return getattr(client, method)(url, body, content_type="application/json")


def _state(d: Data) -> tuple[object, ...]:
    return (
        list(Answer.objects.filter(assessment=d.year.a).values_list("pk", "version")),
        AnswerDocument.objects.count(),
        d.year.a.__class__.objects.get(pk=d.year.a.pk).status,
        Document.objects.count(),
        list(Task.objects.filter(plan=d.plan_a).values_list("pk", "status")),
        TargetReport.objects.count(),
        Response.objects.count(),
        AuditEntry.objects.exclude(action__startswith="api_token").count(),
    )


def _text(response: Any) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", errors="replace")
    return response.content.decode("utf-8", errors="replace")


def test_the_matrix_has_every_operation() -> None:
    operations = _operations()
    assert len(operations) >= 25
    params = {p for _m, path in operations for p in re.findall(r"\{([a-z_]+)\}", path)}
    assert params <= set(IDS), f"no commune A object for {params - set(IDS)}"


@pytest.mark.parametrize("role", OUTSIDERS)
@pytest.mark.parametrize("operation", _operations(), ids=lambda o: f"{o[0]} {o[1]}")
def test_outsiders_get_nothing_of_commune_a(
    world: World,
    data: Data,  # noqa: F811
    operation: tuple[str, str],
    role: str,
) -> None:
    method, path = operation
    client = client_for(world, role)
    secrets = [world.commune_a.name, data.doc_a.name]
    if role == "secretariat_other":
        secrets += [world.province.name, world.commune_b.name]
    url = _url(path, world, data)  # objects made first: the state compares the request alone
    before = _state(data)
    response = _call(client, method, path, url, world, data)
    addressed = "{" in path
    if addressed and path not in {
        "/api/v1/frameworks/{framework_id}",
        "/api/v1/frameworks/{framework_id}/export.yaml",
        "/api/v1/cycles/{cycle_id}",
        "/api/v1/cycles/{cycle_id}/versions",
        "/api/v1/cycles/{cycle_id}/ranking",
        "/api/v1/campaigns/{campaign_id}/responses",
    }:
        # commune A's own object: never served to an outsider
        assert response.status_code in {401, 403, 404, 422}, (path, role, response.status_code)
    text = _text(response)
    for secret in secrets:
        assert secret not in text, (method, path, role, secret)
    if method != "get":
        assert _state(data) == before, (method, path, role, response.status_code)


@pytest.mark.parametrize("role", INSIDERS)
def test_the_roles_covering_commune_a_read_its_objects(
    world: World,
    data: Data,  # noqa: F811
    role: str,
) -> None:
    client = client_for(world, role)
    for path in sorted(COVERED_READS):
        response = _call(client, "get", path, _url(path, world, data), world, data)
        assert response.status_code == 200, (path, role, response.status_code)
        assert world.commune_a.name in _text(response) or world.commune_a.code in _text(response)
