"""A commune's token reads and writes its own commune only, through every endpoint.

Every operation of the schema is listed here (a test fails when one is added without a row):
commune A's officer reaches nothing of commune B (reads 404; writes 404, or 403/refused where the
object is shared, and nothing changes), while the same requests on commune A's objects succeed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from parindex.api.main import api
from parindex.assessments.models import Answer, AnswerDocument, Document
from parindex.audit.models import AuditEntry
from parindex.plans.models import TargetReport, Task
from parindex.surveys.models import Response
from tests.api.conftest import PDF, Data, client_for
from tests.conftest import World

pytestmark = pytest.mark.django_db


@dataclass
class Op:
    method: str
    path: str  # as in the schema
    other: Callable[[World, Data], str]  # URL of commune B's object (or a list filtered to it)
    body: Callable[[World, Data], Any] = field(default=lambda w, d: None)
    denied: tuple[int, ...] = (404,)
    # for lists: the codes or ids of commune B that must not appear
    leak: Callable[[World, Data], list[str]] = field(default=lambda w, d: [])


def _answer_b(d: Data) -> Answer:
    return Answer.objects.filter(assessment=d.year.b).order_by("pk").first()  # type: ignore[return-value]


def _citation_b(d: Data) -> AnswerDocument:
    # the results are locked: the citation is made directly, as it stood before the lock
    return AnswerDocument.objects.create(answer=_answer_b(d), document=d.doc_b)


OPS = [
    Op(
        "get",
        "/api/v1/units",
        lambda w, d: f"/api/v1/units?under={w.commune_b.code}",
        denied=(200,),
        leak=lambda w, d: [w.commune_b.name, w.commune_c.name],
    ),
    Op("get", "/api/v1/units/{unit_id}", lambda w, d: f"/api/v1/units/{w.commune_b.pk}"),
    Op("get", "/api/v1/frameworks", lambda w, d: "/api/v1/frameworks", denied=(200,)),
    Op("get", "/api/v1/frameworks/{framework_id}", lambda w, d: "/api/v1/frameworks/999999"),
    Op(
        "get",
        "/api/v1/frameworks/{framework_id}/export.yaml",
        lambda w, d: "/api/v1/frameworks/999999/export.yaml",
    ),
    Op("get", "/api/v1/cycles", lambda w, d: "/api/v1/cycles", denied=(200,)),
    Op("get", "/api/v1/cycles/{cycle_id}", lambda w, d: "/api/v1/cycles/999999"),
    Op(
        "get",
        "/api/v1/assessments",
        lambda w, d: f"/api/v1/assessments?under={w.commune_b.code}",
        denied=(200,),
        leak=lambda w, d: [w.commune_b.code],
    ),
    Op(
        "get",
        "/api/v1/assessments/{assessment_id}",
        lambda w, d: f"/api/v1/assessments/{d.year.b.pk}",
    ),
    Op(
        "put",
        "/api/v1/answers/{answer_id}",
        lambda w, d: f"/api/v1/answers/{_answer_b(d).pk}",
        body=lambda w, d: {"answer": {"yes": True}, "note": "x"},
    ),
    Op(
        "post",
        "/api/v1/assessments/{assessment_id}/documents",
        lambda w, d: f"/api/v1/assessments/{d.year.b.pk}/documents",
    ),
    Op(
        "get",
        "/api/v1/answers/{answer_id}/citations",
        lambda w, d: f"/api/v1/answers/{_answer_b(d).pk}/citations",
    ),
    Op(
        "post",
        "/api/v1/answers/{answer_id}/citations",
        lambda w, d: f"/api/v1/answers/{_answer_b(d).pk}/citations",
        body=lambda w, d: {"document_id": d.doc_b.pk},
    ),
    Op(
        "delete",
        "/api/v1/answers/{answer_id}/citations/{citation_id}",
        lambda w, d: f"/api/v1/answers/{_answer_b(d).pk}/citations/{_citation_b(d).pk}",
    ),
    Op(
        "post",
        "/api/v1/answers/{answer_id}/explanation",
        lambda w, d: f"/api/v1/answers/{_answer_b(d).pk}/explanation",
        body=lambda w, d: {"text": "Giải trình"},
    ),
    Op(
        "post",
        "/api/v1/assessments/{assessment_id}/submit",
        lambda w, d: f"/api/v1/assessments/{d.year.b.pk}/submit",
    ),
    Op(
        "get",
        "/api/v1/documents",
        lambda w, d: f"/api/v1/documents?under={w.commune_b.code}",
        denied=(200,),
        leak=lambda w, d: [d.doc_b.name],
    ),
    Op(
        "post",
        "/api/v1/units/import",
        lambda w, d: "/api/v1/units/import",
        denied=(403,),
    ),
    Op("get", "/api/v1/documents/{document_id}", lambda w, d: f"/api/v1/documents/{d.doc_b.pk}"),
    Op(
        "get",
        "/api/v1/documents/{document_id}/file",
        lambda w, d: f"/api/v1/documents/{d.doc_b.pk}/file",
    ),
    Op(
        "get",
        "/api/v1/cycles/{cycle_id}/versions",
        lambda w, d: f"/api/v1/cycles/{d.year.cycle.pk}/versions",
        denied=(200,),
    ),
    Op(
        "get",
        "/api/v1/cycles/{cycle_id}/ranking",
        lambda w, d: f"/api/v1/cycles/{d.year.cycle.pk}/ranking",
        denied=(200,),
        leak=lambda w, d: [w.commune_b.code, w.commune_b.name],
    ),
    Op("get", "/api/v1/campaigns", lambda w, d: "/api/v1/campaigns", denied=(200,)),
    Op(
        "post",
        "/api/v1/campaigns/{campaign_id}/responses",
        lambda w, d: f"/api/v1/campaigns/{d.campaign.pk}/responses",
        body=lambda w, d: {
            "forms": [{"form_number": "B-1", "unit": w.commune_b.code, "answers": {}}]
        },
        denied=(200, 403, 422),
    ),
    Op(
        "get",
        "/api/v1/plans",
        lambda w, d: f"/api/v1/plans?under={w.commune_b.code}",
        denied=(200,),
        leak=lambda w, d: [w.commune_b.code],
    ),
    Op("get", "/api/v1/plans/{plan_id}", lambda w, d: f"/api/v1/plans/{d.plan_b.pk}"),
    Op(
        "patch",
        "/api/v1/tasks/{task_id}",
        lambda w, d: f"/api/v1/tasks/{d.task_b.pk}",
        body=lambda w, d: {"status": "doing"},
    ),
    Op(
        "post",
        "/api/v1/targets/{target_id}/reports",
        lambda w, d: f"/api/v1/targets/{d.target_b.pk}/reports",
        body=lambda w, d: {"period": "2025", "value": "95"},
    ),
]


def test_every_operation_has_a_scoping_row() -> None:
    schema = api.get_openapi_schema()
    operations = {(m, p) for p, ops in schema["paths"].items() for m in ops}
    assert operations == {(op.method, op.path) for op in OPS}


def _state(d: Data) -> tuple[object, ...]:
    return (
        list(Answer.objects.filter(assessment=d.year.b).values_list("pk", "version")),
        AnswerDocument.objects.count(),
        d.year.b.__class__.objects.get(pk=d.year.b.pk).status,
        Document.objects.filter(unit=d.doc_b.unit).count(),
        list(Task.objects.filter(plan=d.plan_b).values_list("pk", "status")),
        TargetReport.objects.filter(target=d.target_b).count(),
        Response.objects.count(),
        AuditEntry.objects.exclude(action__startswith="api_token").count(),
    )


@pytest.mark.parametrize("op", OPS, ids=lambda op: f"{op.method} {op.path}")
def test_commune_a_token_reaches_nothing_of_commune_b(world: World, data: Data, op: Op) -> None:
    client = client_for(world, "commune_officer")
    url = op.other(world, data)
    before = _state(data)
    if op.method == "post" and op.path.endswith(("/documents", "/import")):
        response = client.post(url, {"file": SimpleUploadedFile("qd.pdf", PDF)})
    elif op.method == "get":
        response = client.get(url)
    else:
        response = getattr(client, op.method)(
            url, op.body(world, data), content_type="application/json"
        )
    assert response.status_code in op.denied, (url, response.status_code, response.content)
    if response.status_code != 200 or op.method != "get":
        assert _state(data) == before
    text = response.content.decode()
    for secret in op.leak(world, data):
        assert secret not in text, (url, secret)
    if op.method == "post" and response.status_code == 200:
        assert response.json()["added"] == 0


def test_the_same_requests_succeed_on_commune_a(world: World, data: Data) -> None:
    client = client_for(world, "commune_officer")
    assert client.get(f"/api/v1/units/{world.commune_a.pk}").status_code == 200
    assert client.get(f"/api/v1/assessments/{data.year.a.pk}").status_code == 200
    download = client.get(f"/api/v1/documents/{data.doc_a.pk}/file")
    assert b"".join(download.streaming_content) == PDF  # type: ignore[attr-defined]
    assert client.get(f"/api/v1/plans/{data.plan_a.pk}").status_code == 200
    ranking = client.get(f"/api/v1/cycles/{data.year.cycle.pk}/ranking").json()
    assert [r["unit_code"] for r in ranking["rows"]] == [world.commune_a.code]
    assert ranking["whole_scope"] is False
    listed = client.get("/api/v1/assessments").json()
    assert [a["unit"]["code"] for a in listed["items"]] == [world.commune_a.code]
    upload = client.post(
        f"/api/v1/assessments/{data.year.a.pk}/documents",
        {"file": SimpleUploadedFile("bc.pdf", PDF), "summary": "Báo cáo"},
    )
    assert upload.status_code == 201, upload.content
    assert upload.json()["unit_id"] == world.commune_a.pk


def test_another_province_s_secretariat_sees_nothing_here(world: World, data: Data) -> None:
    client = client_for(world, "secretariat_other")
    assert client.get(f"/api/v1/assessments/{data.year.a.pk}").status_code == 404
    assert client.get(f"/api/v1/cycles/{data.year.cycle.pk}/ranking").status_code == 404
    assert client.get(f"/api/v1/plans/{data.plan_a.pk}").status_code == 404
    assert client.get("/api/v1/assessments").json()["count"] == 0
