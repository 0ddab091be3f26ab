"""Every view, for every role: who gets the page, who gets 403/404, and that denials change nothing.

The first test fails when a view is added without a row here, so the matrix always covers every
view that exists. Rows name the object they touch: an object of commune A (the officer's own), or of
another province (nobody's but the system administrator's and that province's).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from parindex.accounts.models import Role, RoleGrant, User
from parindex.assessments.actions import cite_document, open_cycle, upload_document
from parindex.assessments.models import (
    Answer,
    AnswerDocument,
    Assessment,
    Assignment,
    Cycle,
    Document,
)
from parindex.audit.models import AuditEntry
from parindex.frameworks.actions import create_framework, publish_framework
from parindex.frameworks.library import shipped
from parindex.frameworks.models import Framework, Node
from parindex.orgunits.models import Unit
from tests.conftest import World

ROLES = [
    "system_admin",
    "secretariat",
    "appraiser",
    "council",
    "commune_leader",
    "commune_officer",
    "viewer",
    "no_role",
    "anonymous",
]
EVERYONE = set(ROLES) - {"anonymous"}
MANAGERS = {"system_admin", "secretariat"}
AUDIT_READERS = {"system_admin", "secretariat", "appraiser", "commune_leader", "commune_officer"}
UNIT_READERS = EVERYONE - {"no_role"}


@dataclass
class Row:
    name: str  # URL name
    url: Callable[[World], str]
    allowed: set[str]
    method: str = "get"
    data: Callable[[World], dict[str, object]] = field(default=lambda w: {})
    ok: int = 200  # status for an allowed role
    denied: int = 403  # status for a logged-in role without the right
    anonymous: int = 302  # login redirect
    not_found: set[str] = field(default_factory=set)  # roles that may not even read it: 404


def _grant_of(w: World, key: str) -> RoleGrant:
    return RoleGrant.objects.get(user=w.users[key])


def _fw(w: World, status: str, *, foreign: bool = False) -> int:
    """A framework of the province (or of the other province), made on first use."""
    from dataclasses import replace

    owner = w.other_province if foreign else w.province
    code = f"{'KHAC' if foreign else 'TINH'}-{status}"
    framework = Framework.objects.filter(owner=owner, code=code).first()
    if framework is None:
        framework = create_framework(by=None, owner=owner, spec=replace(shipped(), code=code))
        if status == "published":
            publish_framework(framework, by=None)
    return framework.pk


def _node(w: World, status: str, *, foreign: bool = False) -> list[int]:
    pk = _fw(w, status, foreign=foreign)
    return [pk, Node.objects.get(framework_id=pk, code="1.1.1").pk]


FRAMEWORK_READERS = EVERYONE - {"no_role"}
ENTERERS = {"system_admin", "commune_leader", "commune_officer"}
CYCLE_READERS = {"system_admin", "secretariat", "appraiser", "council", "viewer"}
COMMUNE_ROLES = {"commune_leader", "commune_officer", "no_role"}
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _cycle(w: World, *, foreign: bool = False) -> Cycle:
    """An open cycle of the province (or of the other province), made on first use, with a
    document of its first commune cited for criterion 1.1.1."""
    import datetime as dt

    from django.utils import timezone

    scope = w.other_province if foreign else w.province
    cycle = Cycle.objects.filter(scope=scope).first()
    if cycle is None:
        framework = Framework.objects.get(pk=_fw(w, "published", foreign=foreign))
        today = timezone.localdate()
        cycle = open_cycle(
            by=None,
            framework=framework,
            scope=scope,
            year=2025,
            name="Chỉ số CCHC 2025",
            self_opens_on=today - dt.timedelta(days=5),
            self_deadline=today + dt.timedelta(days=5),
            appraisal_deadline=today + dt.timedelta(days=20),
        )
        commune = w.commune_c if foreign else w.commune_a
        document = upload_document(
            by=None, unit=commune, name="ke-hoach.pdf", content=PDF, max_bytes=10**6
        )
        answer = Answer.objects.get(
            assessment__cycle=cycle, assessment__unit=commune, node__code="1.1.1"
        )
        cite_document(answer, document, by=None)
    return cycle


def _published(w: World) -> int:
    """The province's cycle with every result locked, version 1 published and version 2 (a
    correction) awaiting the council, made on first use."""
    from django.utils import timezone

    from parindex.scoring import services
    from parindex.scoring.models import Publication

    cycle = _cycle(w)
    if not Publication.objects.filter(cycle=cycle).exists():
        cycle.assessments.update(status="locked", locked_at=timezone.now())
        first = services.prepare_publication(cycle, by=None)
        services.approve_publication(first, by=None)
        services.publish(first, by=None)
        services.prepare_publication(cycle, by=None, reason="Điều chỉnh")
    return cycle.pk


def _export_job(w: World) -> int:
    """A finished export of the province's cycle."""
    from parindex.scoring.models import ExportJob

    job = ExportJob.objects.filter(cycle=_cycle(w)).first() or ExportJob.objects.create(
        cycle=_cycle(w),
        kind="scores_xlsx",
        state="done",
        progress=100,
        filename="bang-diem.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        data=b"PK",
    )
    return job.pk


def _plan(w: World, *, foreign: bool = False) -> int:
    """A 2025 plan of commune A (or of the other province's commune) with a target and a task,
    made on first use."""
    import datetime as dt

    from parindex.plans import actions as plan_actions
    from parindex.plans.models import Plan
    from parindex.plans.rules import Due

    unit = w.commune_c if foreign else w.commune_a
    plan = Plan.objects.filter(unit=unit).first()
    if plan is None:
        plan = plan_actions.create_plan(
            by=None, unit=unit, year=2025, title="Kế hoạch CCHC năm 2025"
        )
        plan_actions.add_target(plan, by=None, name="Số hóa hồ sơ", target_text="90%")
        plan_actions.add_task(
            plan, by=None, title="Kế hoạch kiểm tra", due=Due("month", dt.date(2025, 3, 31))
        )
    return plan.pk


def _plan_in_cycle(w: World) -> int:
    """Commune A's 2025 plan, with the province's 2025 cycle open (what the plan feeds)."""
    _cycle(w)
    return _plan(w)


def _target(w: World) -> int:
    from parindex.plans.models import Target

    return Target.objects.get(plan_id=_plan(w)).pk


def _task(w: World, *, foreign: bool = False) -> int:
    from parindex.plans.models import Task

    return Task.objects.get(plan_id=_plan(w, foreign=foreign)).pk


def _assessment(w: World, *, foreign: bool = False) -> int:
    cycle = _cycle(w, foreign=foreign)
    return cycle.assessments.get(unit=w.commune_c if foreign else w.commune_a).pk


def _answer(w: World, *, foreign: bool = False) -> int:
    return Answer.objects.get(assessment_id=_assessment(w, foreign=foreign), node__code="1.1.1").pk


def _document(w: World, *, foreign: bool = False) -> int:
    _cycle(w, foreign=foreign)
    return Document.objects.get(unit=w.commune_c if foreign else w.commune_a).pk


def _campaign(w: World, *, foreign: bool = False) -> int:
    """A SIPAS campaign of the province (or of the other province), made on first use."""
    import datetime as dt

    from django.utils import timezone

    from parindex.surveys.actions import install_questionnaire, open_campaign
    from parindex.surveys.models import Campaign
    from parindex.surveys.yaml_io import shipped as shipped_questionnaire

    scope = w.other_province if foreign else w.province
    campaign = Campaign.objects.filter(scope=scope).first()
    if campaign is None:
        campaign = open_campaign(
            by=None,
            questionnaire=install_questionnaire(shipped_questionnaire("sipas-2024.yaml")),
            scope=scope,
            year=2025,
            name="SIPAS 2025",
            opens_on=timezone.localdate() - dt.timedelta(days=30),
            closes_on=timezone.localdate() + dt.timedelta(days=30),
        )
    return campaign.pk


def _response(w: World) -> int:
    """One on-line form of commune A in the province's campaign."""
    from parindex.surveys.actions import submit_online
    from parindex.surveys.models import Response

    existing = Response.objects.filter(campaign_id=_campaign(w)).first()
    if existing is not None:
        return existing.pk
    from parindex.surveys.actions import public_links
    from parindex.surveys.models import Campaign

    link = next(
        link
        for link in public_links(Campaign.objects.get(pk=_campaign(w)))
        if link.unit == w.commune_a
    )
    response, _new = submit_online(
        link, answers={"TC2": "4"}, form_id="matrix-1", started_at=None, client_hash=""
    )
    return response.pk


def _job(w: World) -> int:
    from parindex.surveys.models import ImportJob

    job = ImportJob.objects.filter(campaign_id=_campaign(w)).first()
    if job is None:
        job = ImportJob.objects.create(
            campaign_id=_campaign(w), data=b"", filename="a.xlsx", state="done", progress=100
        )
    return job.pk


def _link(w: World) -> tuple[int, str]:
    from parindex.surveys.actions import public_links
    from parindex.surveys.models import Campaign

    link = public_links(Campaign.objects.get(pk=_campaign(w)))[0]
    return link.pk, link.token


def _citation(w: World) -> list[int]:
    answer = _answer(w)
    return [answer, AnswerDocument.objects.get(answer_id=answer).pk]


ROWS = [
    Row("home", lambda w: reverse("home"), EVERYONE),
    Row("health", lambda w: reverse("health"), set(ROLES), anonymous=200),
    Row(
        "set_language",
        lambda w: reverse("set_language"),
        set(ROLES),
        method="post",
        data=lambda w: {"language": "en", "next": "/"},
        ok=302,
        anonymous=302,
    ),
    Row(
        "accounts:login",
        lambda w: reverse("accounts:login"),
        {"anonymous"},
        ok=200,
        denied=302,
        anonymous=200,
    ),
    Row("accounts:logout", lambda w: reverse("accounts:logout"), EVERYONE, method="post", ok=302),
    Row("accounts:password_change", lambda w: reverse("accounts:password_change"), EVERYONE),
    Row(
        "accounts:password_change_done",
        lambda w: reverse("accounts:password_change_done"),
        EVERYONE,
    ),
    Row(
        "accounts:password_reset",
        lambda w: reverse("accounts:password_reset"),
        set(ROLES),
        anonymous=200,
    ),
    Row(
        "accounts:password_reset_done",
        lambda w: reverse("accounts:password_reset_done"),
        set(ROLES),
        anonymous=200,
    ),
    Row(
        "accounts:password_reset_confirm",
        lambda w: reverse("accounts:password_reset_confirm", args=["MQ", "bad-token"]),
        set(ROLES),
        anonymous=200,
    ),
    Row(
        "accounts:password_reset_complete",
        lambda w: reverse("accounts:password_reset_complete"),
        set(ROLES),
        anonymous=200,
    ),
    Row("accounts:user_list", lambda w: reverse("accounts:user_list"), MANAGERS),
    Row("accounts:user_create", lambda w: reverse("accounts:user_create"), MANAGERS),
    # A commune A account: the province's managers only; everyone else 403 (no manager right at
    # all) — a manager of another unit would get 404 (tested below).
    Row(
        "accounts:user_detail",
        lambda w: reverse("accounts:user_detail", args=[w.users["commune_officer"].pk]),
        MANAGERS,
    ),
    Row(
        "accounts:grant_create",
        lambda w: reverse("accounts:grant_create", args=[w.users["no_role"].pk]),
        MANAGERS,
        method="post",
        data=lambda w: {"role": Role.VIEWER, "unit": w.commune_a.pk},
        ok=302,
    ),
    Row(
        "accounts:grant_revoke",
        lambda w: reverse(
            "accounts:grant_revoke",
            args=[w.users["commune_officer"].pk, _grant_of(w, "commune_officer").pk],
        ),
        MANAGERS,
        method="post",
        ok=302,
    ),
    Row(
        "accounts:user_set_active",
        lambda w: reverse("accounts:user_set_active", args=[w.users["no_role"].pk]),
        MANAGERS,
        method="post",
        data=lambda w: {"active": "0"},
        ok=302,
    ),
    Row(
        "accounts:user_edit",
        lambda w: reverse("accounts:user_edit", args=[w.users["commune_officer"].pk]),
        MANAGERS,
    ),
    Row(
        "accounts:user_set_password",
        lambda w: reverse("accounts:user_set_password", args=[w.users["commune_officer"].pk]),
        MANAGERS,
    ),
    Row("orgunits:list", lambda w: reverse("orgunits:list"), UNIT_READERS),
    Row(
        "orgunits:detail",
        lambda w: reverse("orgunits:detail", args=[w.commune_a.pk]),
        UNIT_READERS,
        denied=404,
    ),
    Row("orgunits:pick", lambda w: reverse("orgunits:pick") + "?q=X", MANAGERS),
    Row("orgunits:import", lambda w: reverse("orgunits:import"), MANAGERS),
    Row("orgunits:import_template", lambda w: reverse("orgunits:import_template"), MANAGERS),
    Row("audit:list", lambda w: reverse("audit:list"), AUDIT_READERS),
    Row("frameworks:list", lambda w: reverse("frameworks:list"), EVERYONE),
    Row("frameworks:create", lambda w: reverse("frameworks:create"), MANAGERS),
    Row("frameworks:import", lambda w: reverse("frameworks:import"), MANAGERS),
    Row("frameworks:import_template", lambda w: reverse("frameworks:import_template"), MANAGERS),
    # A published framework is read by everyone it concerns; a draft only by its managers.
    Row(
        "frameworks:detail",
        lambda w: reverse("frameworks:detail", args=[_fw(w, "published")]),
        FRAMEWORK_READERS,
        denied=404,
    ),
    Row(
        "frameworks:detail",
        lambda w: reverse("frameworks:detail", args=[_fw(w, "draft")]),
        MANAGERS,
        denied=404,
    ),
    Row(
        "frameworks:export",
        lambda w: reverse("frameworks:export", args=[_fw(w, "published"), "xlsx"]),
        FRAMEWORK_READERS,
        denied=404,
    ),
    Row(
        "frameworks:compare",
        lambda w: reverse("frameworks:compare", args=[_fw(w, "published")]),
        FRAMEWORK_READERS,
        denied=404,
    ),
    Row(
        "frameworks:edit",
        lambda w: reverse("frameworks:edit", args=[_fw(w, "draft")]),
        MANAGERS,
        denied=404,
    ),
    Row(
        "frameworks:publish",
        lambda w: reverse("frameworks:publish", args=[_fw(w, "draft")]),
        MANAGERS,
        method="post",
        data=lambda w: {"confirm": "1"},
        ok=302,
        denied=404,
    ),
    Row(
        "frameworks:delete",
        lambda w: reverse("frameworks:delete", args=[_fw(w, "draft")]),
        MANAGERS,
        method="post",
        data=lambda w: {"confirm": "1"},
        ok=302,
        denied=404,
    ),
    Row(
        "frameworks:archive",
        lambda w: reverse("frameworks:archive", args=[_fw(w, "published")]),
        MANAGERS,
        method="post",
        data=lambda w: {"confirm": "1", "reason": "Hết hiệu lực"},
        ok=302,
        not_found={"no_role"},
    ),
    Row(
        "frameworks:clone",
        lambda w: reverse("frameworks:clone", args=[_fw(w, "published")]),
        MANAGERS,
        not_found={"no_role"},
    ),
    Row(
        "frameworks:node_add",
        lambda w: reverse("frameworks:node_add", args=[_fw(w, "draft")]),
        MANAGERS,
        denied=404,
    ),
    Row(
        "frameworks:node_row",
        lambda w: reverse("frameworks:node_row", args=_node(w, "draft")),
        MANAGERS,
        denied=404,
    ),
    Row(
        "frameworks:node_edit",
        lambda w: reverse("frameworks:node_edit", args=_node(w, "draft")),
        MANAGERS,
        denied=404,
    ),
    Row(
        "frameworks:node_delete",
        lambda w: reverse("frameworks:node_delete", args=_node(w, "draft")),
        MANAGERS,
        method="post",
        ok=302,
        denied=404,
    ),
    Row("assessments:cycles", lambda w: reverse("assessments:cycles"), EVERYONE),
    Row("assessments:cycle_create", lambda w: reverse("assessments:cycle_create"), MANAGERS),
    # The board of all communes: the scope's roles; a commune reads its own assessment only.
    Row(
        "assessments:cycle",
        lambda w: reverse("assessments:cycle", args=[_cycle(w).pk]),
        CYCLE_READERS,
        denied=404,
    ),
    Row(
        "assessments:cycle_edit",
        lambda w: reverse("assessments:cycle_edit", args=[_cycle(w).pk]),
        MANAGERS,
        not_found=COMMUNE_ROLES,
    ),
    Row(
        "assessments:cycle_close_self",
        lambda w: reverse("assessments:cycle_close_self", args=[_cycle(w).pk]),
        MANAGERS,
        method="post",
        data=lambda w: {"confirm": "1"},
        ok=302,
        not_found=COMMUNE_ROLES,
    ),
    Row(
        "assessments:cycle_assign",
        lambda w: reverse("assessments:cycle_assign", args=[_cycle(w).pk]),
        MANAGERS,
        method="post",
        data=lambda w: {"appraiser": w.users["appraiser"].pk, "units": [w.commune_a.pk]},
        ok=302,
        not_found=COMMUNE_ROLES,
    ),
    Row(
        "assessments:assessment",
        lambda w: reverse("assessments:assessment", args=[_assessment(w)]),
        UNIT_READERS,
        denied=404,
    ),
    Row(
        "assessments:export",
        lambda w: reverse("assessments:export", args=[_assessment(w), "tu-danh-gia", "xlsx"]),
        UNIT_READERS,
        denied=404,
    ),
    Row(
        "assessments:submit",
        lambda w: reverse("assessments:submit", args=[_assessment(w)]),
        {"system_admin", "commune_leader"},
        method="post",
        ok=302,
        not_found={"no_role"},
    ),
    Row(
        "assessments:reopen",
        lambda w: reverse("assessments:reopen", args=[_assessment(w)]),
        MANAGERS,
        method="post",
        data=lambda w: {"until": "31/12/2099", "reason": "Mở lại"},
        ok=302,
        not_found={"no_role"},
    ),
    Row(
        "assessments:lock",
        lambda w: reverse("assessments:lock", args=[_assessment(w)]),
        MANAGERS,
        method="post",
        ok=302,
        not_found={"no_role"},
    ),
    Row(
        "assessments:agree_field",
        lambda w: reverse("assessments:agree_field", args=[_assessment(w)]),
        {"system_admin"},  # the appraiser is not assigned to commune A
        method="post",
        data=lambda w: {"field": "1"},
        ok=302,
        not_found={"no_role"},
    ),
    Row(
        "assessments:document_upload",
        lambda w: reverse("assessments:document_upload", args=[_assessment(w)]),
        ENTERERS,
        not_found={"no_role"},
    ),
    Row(
        "assessments:document_file",
        lambda w: reverse("assessments:document_file", args=[_document(w)]),
        UNIT_READERS,
        denied=404,
    ),
    Row(
        "assessments:answer_save",
        lambda w: reverse("assessments:answer_save", args=[_answer(w)]),
        ENTERERS,
        method="post",
        data=lambda w: {"a_level": "ban_hanh_dung_thoi_han", "note": ""},
        ok=302,
        not_found={"no_role"},
    ),
    Row(
        "assessments:answer_cite",
        lambda w: reverse("assessments:answer_cite", args=[_answer(w)]),
        ENTERERS,
        method="post",
        data=lambda w: {"document": _document(w), "requirement": ""},
        ok=302,
        not_found={"no_role"},
    ),
    Row(
        "assessments:answer_uncite",
        lambda w: reverse("assessments:answer_uncite", args=_citation(w)),
        ENTERERS,
        method="post",
        ok=302,
        not_found={"no_role"},
    ),
    Row(
        "assessments:answer_appraise",
        lambda w: reverse("assessments:answer_appraise", args=[_answer(w)]),
        {"system_admin"},
        method="post",
        data=lambda w: {"decision": "agree"},
        ok=302,
        not_found={"no_role"},
    ),
    Row(
        "assessments:answer_explain",
        lambda w: reverse("assessments:answer_explain", args=[_answer(w)]),
        ENTERERS,
        method="post",
        data=lambda w: {"explanation": "Giải trình"},
        ok=302,
        not_found={"no_role"},
    ),
    Row("surveys:campaigns", lambda w: reverse("surveys:campaigns"), EVERYONE),
    Row("surveys:campaign_create", lambda w: reverse("surveys:campaign_create"), MANAGERS),
    Row(
        "surveys:campaign",
        lambda w: reverse("surveys:campaign", args=[_campaign(w)]),
        CYCLE_READERS,
        denied=404,
    ),
    Row(
        "surveys:paper_template",
        lambda w: reverse("surveys:paper_template", args=[_campaign(w)]),
        MANAGERS,
        not_found=COMMUNE_ROLES,
    ),
    Row(
        "surveys:paper_import",
        lambda w: reverse("surveys:paper_import", args=[_campaign(w)]),
        MANAGERS,
        not_found=COMMUNE_ROLES,
    ),
    Row(
        "surveys:feed",
        lambda w: reverse("surveys:feed", args=[_campaign(w)]),
        MANAGERS,
        method="post",
        ok=302,
        not_found=COMMUNE_ROLES,
    ),
    Row(
        "surveys:links",
        lambda w: reverse("surveys:links", args=[_campaign(w)]),
        MANAGERS,
        not_found=COMMUNE_ROLES,
    ),
    Row(
        "surveys:poster",
        lambda w: reverse("surveys:poster", args=[_campaign(w), _link(w)[0]]),
        MANAGERS,
        not_found=COMMUNE_ROLES,
    ),
    Row(
        "surveys:flagged",
        lambda w: reverse("surveys:flagged", args=[_campaign(w)]),
        MANAGERS,
        not_found=COMMUNE_ROLES,
    ),
    Row(
        "surveys:exclude",
        lambda w: reverse("surveys:exclude", args=[_campaign(w), _response(w)]),
        MANAGERS,
        method="post",
        data=lambda w: {"reason": "Phiếu trùng"},
        ok=302,
        not_found=COMMUNE_ROLES,
    ),
    Row(
        "surveys:export",
        lambda w: reverse("surveys:export", args=[_campaign(w), "ket-qua", "csv"]),
        CYCLE_READERS,
        denied=404,
    ),
    Row(
        "surveys:import_job",
        lambda w: reverse("surveys:import_job", args=[_campaign(w), _job(w)]),
        MANAGERS,
        not_found=COMMUNE_ROLES,
    ),
    # The public form: anyone, without an account.
    Row(
        "surveys:public_start",
        lambda w: reverse("surveys:public_start", args=[_link(w)[1]]),
        set(ROLES),
        anonymous=200,
    ),
    Row(
        "surveys:public_step",
        lambda w: reverse("surveys:public_step", args=[_link(w)[1], 1]),
        set(ROLES),
        anonymous=200,
    ),
    Row(
        "surveys:public_done",
        lambda w: reverse("surveys:public_done", args=[_link(w)[1]]),
        set(ROLES),
        anonymous=200,
    ),
    Row(
        "notifications:read",
        lambda w: reverse("notifications:read"),
        EVERYONE,
        method="post",
        ok=302,
    ),
]


RESULT_READERS = {"system_admin", "secretariat", "appraiser", "council", "viewer"}
PUBLIC = set(ROLES)

ROWS += [
    Row("scoring:cycles", lambda w: reverse("scoring:cycles"), EVERYONE),
    Row(
        "scoring:dashboard",
        lambda w: reverse("scoring:dashboard", args=[_cycle(w).pk]),
        RESULT_READERS,
        denied=404,
    ),
    Row(
        "scoring:scorecard",
        lambda w: reverse("scoring:scorecard", args=[_cycle(w).pk, w.commune_a.code]),
        RESULT_READERS | {"commune_leader", "commune_officer"},
        denied=404,
    ),
    Row(
        "scoring:what_if",
        lambda w: reverse("scoring:what_if", args=[_cycle(w).pk, w.commune_a.code]) + "?sua=1.1.1",
        RESULT_READERS | {"commune_leader", "commune_officer"},
        denied=404,
    ),
    Row(
        "scoring:publication",
        lambda w: reverse("scoring:publication", args=[_published(w)]),
        RESULT_READERS,
        denied=404,
    ),
    Row(
        "scoring:prepare",
        lambda w: reverse("scoring:prepare", args=[_published(w)]),
        MANAGERS,
        method="post",
        ok=302,
        not_found={"commune_leader", "commune_officer", "no_role"},
    ),
    Row(
        "scoring:approve",
        lambda w: reverse("scoring:approve", args=[_published(w), 2]),
        {"system_admin", "council"},
        method="post",
        data=lambda w: {"decision_kind": "approve", "decision": "NQ 1"},
        ok=302,
        not_found={"commune_leader", "commune_officer", "no_role"},
    ),
    Row(
        "scoring:publish",
        lambda w: reverse("scoring:publish", args=[_published(w), 2]),
        MANAGERS,
        method="post",
        ok=302,
        not_found={"commune_leader", "commune_officer", "no_role"},
    ),
    Row(
        "scoring:ranking_settings",
        lambda w: reverse("scoring:ranking_settings", args=[_cycle(w).pk]),
        MANAGERS,
        method="post",
        data=lambda w: {"tie_break": ["1", "3"]},
        ok=302,
        not_found={"commune_leader", "commune_officer", "no_role"},
    ),
    Row(
        "scoring:scorecard_pdf",
        lambda w: reverse("scoring:scorecard_pdf", args=[_cycle(w).pk, w.commune_a.code]),
        RESULT_READERS | {"commune_leader", "commune_officer"},
        denied=404,
    ),
    Row(
        "scoring:export",
        lambda w: reverse("scoring:export", args=[_cycle(w).pk, "scores_xlsx"]),
        RESULT_READERS,
        method="post",
        ok=302,
        denied=404,
    ),
    Row(
        "scoring:export_job",
        lambda w: reverse("scoring:export_job", args=[_cycle(w).pk, _export_job(w)]),
        RESULT_READERS,
        denied=404,
    ),
    Row(
        "scoring:export_file",
        lambda w: reverse("scoring:export_file", args=[_cycle(w).pk, _export_job(w)]),
        RESULT_READERS,
        denied=404,
    ),
    Row("public:list", lambda w: reverse("public:list"), PUBLIC, anonymous=200),
    Row(
        "public:ranking",
        lambda w: reverse("public:ranking", args=[_published(w)]),
        PUBLIC,
        anonymous=200,
    ),
    Row(
        "public:scorecard",
        lambda w: reverse("public:scorecard", args=[_published(w), w.commune_a.code]),
        PUBLIC,
        anonymous=200,
    ),
]


PLAN_READERS = EVERYONE - {"no_role"}
PLAN_EDITORS = {"system_admin", "secretariat", "commune_leader", "commune_officer"}
NOT_THEIRS = {"no_role"}

ROWS += [
    Row("plans:plans", lambda w: reverse("plans:plans"), EVERYONE),
    Row(
        "plans:plan_create",
        lambda w: reverse("plans:plan_create"),
        PLAN_EDITORS,
    ),
    Row(
        "plans:plan",
        lambda w: reverse("plans:plan", args=[_plan(w)]),
        PLAN_READERS,
        denied=404,
    ),
    Row(
        "plans:plan_edit",
        lambda w: reverse("plans:plan_edit", args=[_plan(w)]),
        PLAN_EDITORS,
        not_found=NOT_THEIRS,
    ),
    Row(
        "plans:plan_issue",
        lambda w: reverse("plans:plan_issue", args=[_plan(w)]),
        PLAN_EDITORS,
        not_found=NOT_THEIRS,
    ),
    Row(
        "plans:target_create",
        lambda w: reverse("plans:target_create", args=[_plan(w)]),
        PLAN_EDITORS,
        not_found=NOT_THEIRS,
    ),
    Row(
        "plans:target_report",
        lambda w: reverse("plans:target_report", args=[_plan(w), _target(w)]),
        PLAN_READERS,
        denied=404,
    ),
    Row(
        "plans:task_create",
        lambda w: reverse("plans:task_create", args=[_plan(w)]),
        PLAN_EDITORS,
        not_found=NOT_THEIRS,
    ),
    Row(
        "plans:task_edit",
        lambda w: reverse("plans:task_edit", args=[_plan(w), _task(w)]),
        PLAN_READERS,
        denied=404,
    ),
    Row(
        "plans:task_status",
        lambda w: reverse("plans:task_status", args=[_plan(w), _task(w)]),
        PLAN_EDITORS,
        method="post",
        data=lambda w: {"status": "doing"},
        ok=302,
        not_found=NOT_THEIRS,
    ),
    Row(
        "plans:board",
        lambda w: reverse("plans:board", args=[_plan(w)]),
        PLAN_READERS,
        denied=404,
    ),
    Row(
        "plans:calendar",
        lambda w: reverse("plans:calendar", args=[_plan(w)]),
        PLAN_READERS,
        denied=404,
    ),
    Row(
        "plans:feed",
        lambda w: reverse("plans:feed", args=[_plan_in_cycle(w)]),
        PLAN_EDITORS,
        method="post",
        ok=302,
        not_found=NOT_THEIRS,
    ),
    Row(
        "plans:improve",
        lambda w: reverse("plans:improve", args=[_cycle(w).pk, w.commune_a.code]),
        PLAN_EDITORS,
        method="post",
        ok=302,
        not_found=NOT_THEIRS,
    ),
]


# Views of another province's objects: only the system administrator gets through; for everyone
# else a read is a 404 (we never confirm it exists) and a write a 403 or 404, never data.
FOREIGN_ROWS = [
    Row(
        "orgunits:detail",
        lambda w: reverse("orgunits:detail", args=[w.commune_c.pk]),
        {"system_admin"},
        denied=404,
    ),
    Row(
        "accounts:user_detail",
        lambda w: reverse("accounts:user_detail", args=[w.users["secretariat_other"].pk]),
        {"system_admin"},
        denied=404,
    ),
    Row(
        "accounts:grant_create",
        lambda w: reverse("accounts:grant_create", args=[w.users["secretariat_other"].pk]),
        {"system_admin"},
        method="post",
        data=lambda w: {"role": Role.VIEWER, "unit": w.commune_c.pk},
        ok=302,
        denied=404,
    ),
    Row(
        "accounts:grant_revoke",
        lambda w: reverse(
            "accounts:grant_revoke",
            args=[w.users["secretariat_other"].pk, _grant_of(w, "secretariat_other").pk],
        ),
        {"system_admin"},
        method="post",
        ok=302,
        denied=404,
    ),
    Row(
        "accounts:user_set_active",
        lambda w: reverse("accounts:user_set_active", args=[w.users["secretariat_other"].pk]),
        {"system_admin"},
        method="post",
        data=lambda w: {"active": "0"},
        ok=302,
        denied=404,
    ),
    Row(
        "accounts:user_edit",
        lambda w: reverse("accounts:user_edit", args=[w.users["secretariat_other"].pk]),
        {"system_admin"},
        method="post",
        data=lambda w: {"full_name": "Đổi Tên", "unit": w.other_province.pk},
        ok=302,
        denied=404,
    ),
    Row(
        "accounts:user_set_password",
        lambda w: reverse("accounts:user_set_password", args=[w.users["secretariat_other"].pk]),
        {"system_admin"},
        method="post",
        data=lambda w: {"password1": "Mat-khau-moi-2027", "password2": "Mat-khau-moi-2027"},
        ok=302,
        denied=404,
    ),
]


FOREIGN_ROWS += [
    Row(
        f"frameworks:{name}",
        (lambda n, st: lambda w: reverse(f"frameworks:{n}", args=[_fw(w, st, foreign=True)]))(
            name, status
        ),
        {"system_admin"},
        denied=404,
    )
    for name, status in (
        ("detail", "published"),
        ("compare", "published"),
        ("clone", "published"),
        ("detail", "draft"),
        ("edit", "draft"),
        ("node_add", "draft"),
    )
] + [
    Row(
        "frameworks:export",
        lambda w: reverse("frameworks:export", args=[_fw(w, "published", foreign=True), "yaml"]),
        {"system_admin"},
        denied=404,
    ),
    Row(
        "frameworks:node_edit",
        lambda w: reverse("frameworks:node_edit", args=_node(w, "draft", foreign=True)),
        {"system_admin"},
        method="post",
        data=lambda w: {
            "code": "1.1.1",
            "title": "Đổi",
            "max_points": "1",
            "source": "appraised",
            "rule": "có/không",
        },
        ok=302,
        denied=404,
    ),
    Row(
        "frameworks:publish",
        lambda w: reverse("frameworks:publish", args=[_fw(w, "draft", foreign=True)]),
        {"system_admin"},
        method="post",
        data=lambda w: {"confirm": "1"},
        ok=302,
        denied=404,
    ),
    Row(
        "frameworks:archive",
        lambda w: reverse("frameworks:archive", args=[_fw(w, "published", foreign=True)]),
        {"system_admin"},
        method="post",
        data=lambda w: {"confirm": "1"},
        ok=302,
        denied=404,
    ),
    Row(
        "frameworks:node_delete",
        lambda w: reverse("frameworks:node_delete", args=_node(w, "draft", foreign=True)),
        {"system_admin"},
        method="post",
        ok=302,
        denied=404,
    ),
]


FOREIGN_ROWS += [
    Row(
        "surveys:campaign",
        lambda w: reverse("surveys:campaign", args=[_campaign(w, foreign=True)]),
        {"system_admin"},
        denied=404,
    ),
    Row(
        "surveys:paper_import",
        lambda w: reverse("surveys:paper_import", args=[_campaign(w, foreign=True)]),
        {"system_admin"},
        denied=404,
    ),
    Row(
        "assessments:assessment",
        lambda w: reverse("assessments:assessment", args=[_assessment(w, foreign=True)]),
        {"system_admin"},
        denied=404,
    ),
    Row(
        "assessments:document_file",
        lambda w: reverse("assessments:document_file", args=[_document(w, foreign=True)]),
        {"system_admin"},
        denied=404,
    ),
    Row(
        "assessments:export",
        lambda w: reverse(
            "assessments:export", args=[_assessment(w, foreign=True), "tu-danh-gia", "docx"]
        ),
        {"system_admin"},
        denied=404,
    ),
    Row(
        "assessments:answer_save",
        lambda w: reverse("assessments:answer_save", args=[_answer(w, foreign=True)]),
        {"system_admin"},
        method="post",
        data=lambda w: {"a_level": "ban_hanh_cham", "note": ""},
        ok=302,
        denied=404,
    ),
    Row(
        "assessments:answer_cite",
        lambda w: reverse("assessments:answer_cite", args=[_answer(w, foreign=True)]),
        {"system_admin"},
        method="post",
        data=lambda w: {"document": _document(w, foreign=True)},
        ok=302,
        denied=404,
    ),
    Row(
        "assessments:cycle",
        lambda w: reverse("assessments:cycle", args=[_cycle(w, foreign=True).pk]),
        {"system_admin"},
        denied=404,
    ),
    Row(
        "assessments:lock",
        lambda w: reverse("assessments:lock", args=[_assessment(w, foreign=True)]),
        {"system_admin"},
        method="post",
        ok=302,
        denied=404,
    ),
]


FOREIGN_ROWS += [
    Row(
        "scoring:dashboard",
        lambda w: reverse("scoring:dashboard", args=[_cycle(w, foreign=True).pk]),
        {"system_admin"},
        denied=404,
    ),
    Row(
        "scoring:scorecard",
        lambda w: reverse("scoring:scorecard", args=[_cycle(w, foreign=True).pk, w.commune_c.code]),
        {"system_admin"},
        denied=404,
    ),
    Row(
        "scoring:prepare",
        lambda w: reverse("scoring:prepare", args=[_cycle(w, foreign=True).pk]),
        {"system_admin"},
        method="post",
        ok=302,
        denied=404,
    ),
]


def _questionnaire(w: World) -> int:
    """The officials' questionnaire, stored on first use (no campaign uses it)."""
    from parindex.surveys.actions import install_questionnaire
    from parindex.surveys.yaml_io import shipped as shipped_questionnaire

    return install_questionnaire(shipped_questionnaire("can-bo-2024.yaml")).pk


def _officials_campaign(w: World, *, foreign: bool = False) -> int:
    """An officials' survey of the province (or of the other province) with one respondent who
    rates every commune, made on first use. Named so that `_campaign` never picks it."""
    import datetime as dt

    from django.utils import timezone

    from parindex.surveys.actions import add_respondent, install_questionnaire, open_campaign
    from parindex.surveys.models import Campaign
    from parindex.surveys.yaml_io import shipped as shipped_questionnaire

    scope = w.other_province if foreign else w.province
    campaign = Campaign.objects.filter(scope=scope, questionnaire__audience="officials").first()
    if campaign is None:
        campaign = open_campaign(
            by=None,
            questionnaire=install_questionnaire(shipped_questionnaire("can-bo-2024.yaml")),
            scope=scope,
            year=2025,
            name="Đánh giá của cán bộ 2025",
            opens_on=timezone.localdate() - dt.timedelta(days=30),
            closes_on=timezone.localdate() + dt.timedelta(days=30),
        )
        add_respondent(campaign, by=None, name="Nguyễn Văn An", position="", form_code="01")
    return campaign.pk


def _respondent(w: World) -> list[int]:
    from parindex.surveys.models import Respondent

    campaign = _officials_campaign(w)
    return [campaign, Respondent.objects.filter(campaign_id=campaign).first().pk]  # type: ignore[union-attr]


def _respondent_token(w: World) -> str:
    from parindex.surveys.models import Respondent

    return Respondent.objects.get(campaign_id=_officials_campaign(w)).token


# Questionnaires (shared reference data: read by every signed-in user, changed by those who manage
# campaigns somewhere), sample sizes, who keys in paper forms, officials' respondents and their
# personal links (no account).
ROWS += [
    Row("surveys:questionnaires", lambda w: reverse("surveys:questionnaires"), EVERYONE),
    Row(
        "surveys:questionnaire",
        lambda w: reverse("surveys:questionnaire", args=[_questionnaire(w)]),
        EVERYONE,
    ),
    Row(
        "surveys:questionnaire_yaml",
        lambda w: reverse("surveys:questionnaire_yaml", args=[_questionnaire(w)]),
        EVERYONE,
    ),
    Row(
        "surveys:questionnaire_edit",
        lambda w: reverse("surveys:questionnaire_edit", args=[_questionnaire(w)]),
        MANAGERS,
    ),
    Row(
        "surveys:questionnaire_copy",
        lambda w: reverse("surveys:questionnaire_copy", args=[_questionnaire(w)]),
        MANAGERS,
        method="post",
        data=lambda w: {"code": "CB-2024-v2"},
        ok=302,
    ),
    Row(
        "surveys:questionnaire_upload", lambda w: reverse("surveys:questionnaire_upload"), MANAGERS
    ),
    Row(
        "surveys:sample",
        lambda w: reverse("surveys:sample", args=[_campaign(w)]),
        MANAGERS,
        not_found=COMMUNE_ROLES,
    ),
    Row(
        "surveys:sample_template",
        lambda w: reverse("surveys:sample_template", args=[_campaign(w)]),
        MANAGERS,
        not_found=COMMUNE_ROLES,
    ),
    Row(
        "surveys:paper_entry",
        lambda w: reverse("surveys:paper_entry", args=[_campaign(w)]),
        MANAGERS,
        not_found=COMMUNE_ROLES,
    ),
    Row(
        "surveys:respondents",
        lambda w: reverse("surveys:respondents", args=[_officials_campaign(w)]),
        MANAGERS,
        not_found=COMMUNE_ROLES,
    ),
    Row(
        "surveys:respondents_template",
        lambda w: reverse("surveys:respondents_template", args=[_officials_campaign(w)]),
        MANAGERS,
        not_found=COMMUNE_ROLES,
    ),
    Row(
        "surveys:respondent_remove",
        lambda w: reverse("surveys:respondent_remove", args=_respondent(w)),
        MANAGERS,
        method="post",
        ok=302,
        not_found=COMMUNE_ROLES,
    ),
    Row(
        "surveys:respondent_home",
        lambda w: reverse("surveys:respondent_home", args=[_respondent_token(w)]),
        set(ROLES),
        anonymous=200,
    ),
    Row(
        "surveys:respondent_step",
        lambda w: reverse(
            "surveys:respondent_step", args=[_respondent_token(w), w.commune_a.code, 1]
        ),
        set(ROLES),
        anonymous=200,
    ),
]

FOREIGN_ROWS += [
    Row(
        f"surveys:{name}",
        (lambda n: lambda w: reverse(f"surveys:{n}", args=[_campaign(w, foreign=True)]))(name),
        {"system_admin"},
        denied=404,
    )
    for name in ("sample", "paper_entry", "paper_template")
] + [
    Row(
        "surveys:respondents",
        lambda w: reverse("surveys:respondents", args=[_officials_campaign(w, foreign=True)]),
        {"system_admin"},
        denied=404,
    ),
]

# The monthly review of a commune's criteria (plans): read by the roles covering the commune,
# kept by its officers and leader or the secretariat above.
REVIEW_KEEPERS = {"system_admin", "secretariat", "commune_leader", "commune_officer"}


def _review(w: World, *, foreign: bool = False) -> list[object]:
    """A review of April 2025 of the cycle's first commune, kept on first use."""
    from parindex.plans.actions import save_review
    from parindex.plans.models import Review
    from parindex.plans.review import review_items

    cycle = _cycle(w, foreign=foreign)
    commune = w.commune_c if foreign else w.commune_a
    if not Review.objects.filter(cycle=cycle, unit=commune, month="2025-04").exists():
        items = review_items(cycle, commune, "2025-04")
        save_review(by=None, unit=commune, cycle=cycle, month="2025-04", items=items, note="")
    return [cycle.pk, commune.code, "2025-04"]


ROWS += [
    Row(
        "plans:review",
        lambda w: reverse("plans:review", args=[_cycle(w).pk, w.commune_a.code]) + "?thang=2025-04",
        UNIT_READERS,
        denied=404,
    ),
    Row(
        "plans:review",
        lambda w: reverse("plans:review", args=[_cycle(w).pk, w.commune_a.code]),
        REVIEW_KEEPERS,
        method="post",
        data=lambda w: {"thang": "2025-04", "note": "Đã rà soát."},
        ok=302,
        not_found={"no_role"},
    ),
    Row(
        "plans:review_saved",
        lambda w: reverse("plans:review_saved", args=_review(w)),
        UNIT_READERS,
        denied=404,
    ),
]

FOREIGN_ROWS += [
    Row(
        "plans:review",
        lambda w: reverse("plans:review", args=[_cycle(w, foreign=True).pk, w.commune_c.code]),
        {"system_admin"},
        denied=404,
    ),
    Row(
        "plans:review",
        lambda w: reverse("plans:review", args=[_cycle(w, foreign=True).pk, w.commune_c.code]),
        {"system_admin"},
        method="post",
        data=lambda w: {"thang": "2025-04", "note": "Đã rà soát."},
        ok=302,
        denied=404,
    ),
    Row(
        "plans:review_saved",
        lambda w: reverse("plans:review_saved", args=_review(w, foreign=True)),
        {"system_admin"},
        denied=404,
    ),
]


FOREIGN_ROWS += [
    Row(
        "plans:plan",
        lambda w: reverse("plans:plan", args=[_plan(w, foreign=True)]),
        {"system_admin"},
        denied=404,
    ),
    Row(
        "plans:task_status",
        lambda w: reverse(
            "plans:task_status", args=[_plan(w, foreign=True), _task(w, foreign=True)]
        ),
        {"system_admin"},
        method="post",
        data=lambda w: {"status": "doing"},
        ok=302,
        denied=404,
    ),
]


def _plan_tasks_file(w: World) -> dict[str, object]:
    """A Phụ lục 2 workbook of one group and one task of 2025, as an upload."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["TT", "Nhiệm vụ", "Hoạt động/sản phẩm", "Cơ quan chủ trì", "Cơ quan phối hợp"])
    sheet["F1"] = "Thời gian thực hiện"
    sheet.append(["I", "CÔNG TÁC CHỈ ĐẠO ĐIỀU HÀNH"])
    sheet.append(["1", "Kế hoạch tuyên truyền CCHC", "Kế hoạch", "Văn hóa", "", "Tháng 3/2025"])
    out = io.BytesIO()
    book.save(out)
    return {"file": SimpleUploadedFile("nhiem-vu.xlsx", out.getvalue())}


# A plan's files (plans/views_files.py): the templates and the imports are for those who change the
# plan, the Word document for its readers.
ROWS += [
    Row(
        "plans:tasks_template",
        lambda w: reverse("plans:tasks_template", args=[_plan(w)]),
        PLAN_EDITORS,
        not_found=NOT_THEIRS,
    ),
    Row(
        "plans:targets_template",
        lambda w: reverse("plans:targets_template", args=[_plan(w)]),
        PLAN_EDITORS,
        not_found=NOT_THEIRS,
    ),
    Row(
        "plans:import_tasks",
        lambda w: reverse("plans:import_tasks", args=[_plan(w)]),
        PLAN_EDITORS,
        not_found=NOT_THEIRS,
    ),
    Row(
        "plans:import_tasks",
        lambda w: reverse("plans:import_tasks", args=[_plan(w)]),
        PLAN_EDITORS,
        method="post",
        data=_plan_tasks_file,
        ok=302,
        not_found=NOT_THEIRS,
    ),
    Row(
        "plans:import_targets",
        lambda w: reverse("plans:import_targets", args=[_plan(w)]),
        PLAN_EDITORS,
        not_found=NOT_THEIRS,
    ),
    Row(
        "plans:export_docx",
        lambda w: reverse("plans:export_docx", args=[_plan(w)]),
        PLAN_READERS,
        denied=404,
    ),
]

FOREIGN_ROWS += [
    Row(
        "plans:export_docx",
        lambda w: reverse("plans:export_docx", args=[_plan(w, foreign=True)]),
        {"system_admin"},
        denied=404,
    ),
    Row(
        "plans:import_tasks",
        lambda w: reverse("plans:import_tasks", args=[_plan(w, foreign=True)]),
        {"system_admin"},
        method="post",
        data=_plan_tasks_file,
        ok=302,
        denied=404,
    ),
]


# Emulation campaigns and awards (awards): read by the issuer's roles and the competing communes;
# managed by the secretariat; nominations by the commune's leader and officers; the council votes
# and decides; the review and the decision files for the issuer's roles.
AWARD_SCOPE = {"system_admin", "secretariat", "appraiser", "council", "viewer"}
NOMINATORS = {"system_admin", "commune_leader", "commune_officer"}
AWARD_COUNCIL = {"system_admin", "council"}


def _award_campaign(w: World, *, foreign: bool = False) -> int:
    """An open campaign of the province on its published 2025 results (of the other province on
    its open cycle), with seed 004's rule and one required document, made on first use."""
    import datetime as dt

    from django.utils import timezone

    from parindex.awards import actions as award_actions
    from parindex.awards.eligibility import SEED_004
    from parindex.awards.models import Campaign

    issuer = w.other_province if foreign else w.province
    campaign = Campaign.objects.filter(issuer=issuer).first()
    if campaign is None:
        cycle = _cycle(w, foreign=True) if foreign else Cycle.objects.get(pk=_published(w))
        today = timezone.localdate()
        campaign = award_actions.create_campaign(
            by=None,
            issuer=issuer,
            cycle=cycle,
            name="Thi đua CCHC năm 2025",
            period_from=today - dt.timedelta(days=30),
            period_to=today + dt.timedelta(days=30),
            nomination_deadline=today + dt.timedelta(days=10),
            award_forms=["Giấy khen"],
            required_documents=["Tờ trình đề nghị khen thưởng"],
        )
        award_actions.save_rule(campaign, by=None, data=SEED_004)
        campaign = award_actions.set_campaign_status(campaign, by=None, to="open")
    return campaign.pk


def _award_nomination(w: World, *, submitted: bool = False, foreign: bool = False) -> int:
    """Commune A's draft nomination of itself with its required document (complete), or a
    submitted one of a person (of the other province's commune when foreign)."""
    from parindex.awards import actions as award_actions
    from parindex.awards.models import Campaign, Nomination

    campaign = Campaign.objects.get(pk=_award_campaign(w, foreign=foreign))
    commune = w.commune_c if foreign else w.commune_a
    kind = "person" if submitted else "unit"
    nomination = Nomination.objects.filter(campaign=campaign, kind=kind).first()
    if nomination is None:
        nomination = award_actions.create_nomination(
            campaign,
            by=None,
            unit=commune,
            kind=kind,
            award_form="Giấy khen",
            name="Nguyễn Văn A" if submitted else "",
            position="Chủ tịch UBND xã" if submitted else "",
        )
        document = Document.objects.filter(unit=commune).order_by("pk").first()
        assert document is not None
        award_actions.cite_document(
            nomination, document, by=None, requirement="Tờ trình đề nghị khen thưởng"
        )
        if submitted:
            nomination = award_actions.submit_nomination(nomination, by=None)
    return nomination.pk


def _award_citation(w: World) -> list[int]:
    from parindex.awards.models import NominationDocument

    nomination = _award_nomination(w)
    return [nomination, NominationDocument.objects.get(nomination_id=nomination).pk]


def _award_campaign_form(w: World) -> dict[str, object]:
    return {
        "issuer": w.province.pk,
        "cycle": _published(w),
        "name": "Thi đua CCHC năm 2026",
        "period_from": "01/01/2026",
        "period_to": "31/12/2026",
        "nomination_deadline": "15/12/2026",
        "for_collectives": "on",
        "award_forms": "Giấy khen của Chủ tịch UBND tỉnh",
        "required_documents": "Tờ trình đề nghị khen thưởng",
    }


def _award_upload(w: World) -> dict[str, object]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    _award_nomination(w)
    return {"file": SimpleUploadedFile("bao-cao.pdf", PDF), "requirement": ""}


ROWS += [
    Row("awards:campaigns", lambda w: reverse("awards:campaigns"), EVERYONE),
    Row("awards:campaign_create", lambda w: reverse("awards:campaign_create"), MANAGERS),
    Row(
        "awards:campaign_create",
        # The cycle is made before the snapshot (the form's data is read after it).
        lambda w: (_published(w), reverse("awards:campaign_create"))[1],
        MANAGERS,
        method="post",
        data=_award_campaign_form,
        ok=302,
    ),
    Row(
        "awards:campaign",
        lambda w: reverse("awards:campaign", args=[_award_campaign(w)]),
        UNIT_READERS,
        denied=404,
    ),
    Row(
        "awards:campaign_edit",
        lambda w: reverse("awards:campaign_edit", args=[_award_campaign(w)]),
        MANAGERS,
        not_found=NOT_THEIRS,
    ),
    Row(
        "awards:campaign_status",
        lambda w: reverse("awards:campaign_status", args=[_award_campaign(w)]),
        MANAGERS,
        method="post",
        data=lambda w: {"to": "closed"},
        ok=302,
        not_found=NOT_THEIRS,
    ),
    Row(
        "awards:rules",
        lambda w: reverse("awards:rules", args=[_award_campaign(w)]),
        MANAGERS,
        not_found=NOT_THEIRS,
    ),
    Row(
        "awards:rules",
        lambda w: reverse("awards:rules", args=[_award_campaign(w)]),
        MANAGERS,
        method="post",
        data=lambda w: {"applies_to": "both", "text": "percent: 85"},
        ok=302,
        not_found=NOT_THEIRS,
    ),
    Row(
        "awards:targets",
        lambda w: reverse("awards:targets", args=[_award_campaign(w)]),
        MANAGERS,
        not_found=NOT_THEIRS,
    ),
    Row(
        "awards:review",
        lambda w: reverse("awards:review", args=[_award_campaign(w)]),
        AWARD_SCOPE,
        not_found=NOT_THEIRS,
    ),
    Row(
        "awards:export_docx",
        lambda w: reverse("awards:export_docx", args=[_award_campaign(w)]),
        AWARD_SCOPE,
        not_found=NOT_THEIRS,
    ),
    Row(
        "awards:export_xlsx",
        lambda w: reverse("awards:export_xlsx", args=[_award_campaign(w)]),
        AWARD_SCOPE,
        not_found=NOT_THEIRS,
    ),
    Row(
        "awards:nomination_create",
        lambda w: reverse("awards:nomination_create", args=[_award_campaign(w)]),
        NOMINATORS,
        not_found=NOT_THEIRS,
    ),
    Row(
        "awards:nomination_create",
        lambda w: reverse("awards:nomination_create", args=[_award_campaign(w)]),
        NOMINATORS,
        method="post",
        data=lambda w: {"unit": w.commune_a.pk, "kind": "unit", "award_form": "Giấy khen"},
        ok=302,
        not_found=NOT_THEIRS,
    ),
    Row(
        "awards:nomination",
        lambda w: reverse("awards:nomination", args=[_award_nomination(w)]),
        UNIT_READERS,
        denied=404,
    ),
    Row(
        "awards:nomination_edit",
        lambda w: reverse("awards:nomination_edit", args=[_award_nomination(w)]),
        NOMINATORS,
        not_found=NOT_THEIRS,
    ),
    Row(
        "awards:nomination_cite",
        lambda w: reverse("awards:nomination_cite", args=[_award_nomination(w)]),
        NOMINATORS,
        method="post",
        data=lambda w: {"document": _document(w), "requirement": ""},
        ok=302,
        not_found=NOT_THEIRS,
    ),
    Row(
        "awards:nomination_upload",
        lambda w: reverse("awards:nomination_upload", args=[_award_nomination(w)]),
        NOMINATORS,
        method="post",
        data=_award_upload,
        ok=302,
        not_found=NOT_THEIRS,
    ),
    Row(
        "awards:nomination_uncite",
        lambda w: reverse("awards:nomination_uncite", args=_award_citation(w)),
        NOMINATORS,
        method="post",
        ok=302,
        not_found=NOT_THEIRS,
    ),
    Row(
        "awards:nomination_submit",
        lambda w: reverse("awards:nomination_submit", args=[_award_nomination(w)]),
        NOMINATORS,
        method="post",
        ok=302,
        not_found=NOT_THEIRS,
    ),
    Row(
        "awards:nomination_vote",
        lambda w: reverse("awards:nomination_vote", args=[_award_nomination(w, submitted=True)]),
        AWARD_COUNCIL,
        method="post",
        data=lambda w: {"votes_for": "5", "votes_against": "1", "votes_abstain": "0"},
        ok=302,
        not_found=NOT_THEIRS,
    ),
    Row(
        "awards:nomination_decide",
        lambda w: reverse("awards:nomination_decide", args=[_award_nomination(w, submitted=True)]),
        AWARD_COUNCIL,
        method="post",
        data=lambda w: {"outcome": "accepted", "reason": "Đủ điều kiện"},
        ok=302,
        not_found=NOT_THEIRS,
    ),
]

FOREIGN_ROWS += [
    Row(
        "awards:campaign",
        lambda w: reverse("awards:campaign", args=[_award_campaign(w, foreign=True)]),
        {"system_admin"},
        denied=404,
    ),
    Row(
        "awards:rules",
        lambda w: reverse("awards:rules", args=[_award_campaign(w, foreign=True)]),
        {"system_admin"},
        method="post",
        data=lambda w: {"applies_to": "both", "text": "percent: 85"},
        ok=302,
        denied=404,
    ),
    Row(
        "awards:nomination",
        lambda w: reverse("awards:nomination", args=[_award_nomination(w, foreign=True)]),
        {"system_admin"},
        denied=404,
    ),
    Row(
        "awards:nomination_decide",
        lambda w: reverse(
            "awards:nomination_decide", args=[_award_nomination(w, submitted=True, foreign=True)]
        ),
        {"system_admin"},
        method="post",
        data=lambda w: {"outcome": "rejected", "reason": "Chưa đủ điều kiện"},
        ok=302,
        denied=404,
    ),
]


# The REST API (api): the token pages are every account's own (a token of someone else is a 404);
# the API operations (namespace "v1") answer only to a bearer token, so a logged-in session gets
# 401 on every one of them — their scoping, token by token, is tested in tests/api. The schema and
# its documentation page are public.
def _api_token_of(w: World, key: str) -> int:
    from parindex.api.actions import create_token

    return create_token(user=w.users[key], name="matrix")[0].pk


def _api_url(path: str) -> Callable[[World], str]:
    return lambda w: path.format(unit=w.commune_a.pk)


def _api_operations() -> dict[str, tuple[str, str]]:
    """Every operation of the API, read from its routers (so a new one cannot escape the matrix):
    {"v1:<url name>": (method, path with ids filled in)}."""
    import re

    from parindex.api.main import api

    operations = {}
    for prefix, router in api._routers:
        for path, view in router.path_operations.items():
            for operation in view.operations:
                filled = re.sub(r"\{unit_id\}", "{unit}", f"{prefix}{path}")
                filled = re.sub(r"\{(?!unit\})[a-z_]+\}", "1", filled)
                for method in operation.methods:
                    operations[f"v1:{operation.url_name}"] = (method.lower(), f"/api/v1{filled}")
    return operations


API_OPERATIONS = _api_operations()

ROWS += [
    Row("api:tokens", lambda w: reverse("api:tokens"), EVERYONE),
    Row(
        "api:token_revoke",
        lambda w: reverse("api:token_revoke", args=[_api_token_of(w, "viewer")]),
        {"viewer"},
        method="post",
        ok=302,
        denied=404,
    ),
    Row("v1:openapi-json", lambda w: "/api/v1/openapi.json", EVERYONE, anonymous=200),
    # Two-step login: every account's own security page; turning it off needs a device (nobody
    # here has one: 403); the code page sends an account without a pending step home.
    Row("accounts:two_factor", lambda w: reverse("accounts:two_factor"), EVERYONE),
    Row(
        "accounts:two_factor_disable",
        lambda w: reverse("accounts:two_factor_disable"),
        set(),
        method="post",
        data=lambda w: {"code": "123456"},
    ),
    Row(
        "accounts:two_factor_verify",
        lambda w: reverse("accounts:two_factor_verify"),
        EVERYONE,
        ok=302,
    ),
    Row("v1:openapi-view", lambda w: "/api/v1/docs", EVERYONE, anonymous=200),
    # ninja names its root for reversing only: nothing is served there
    Row("v1:api-root", lambda w: "/api/v1/", set(), denied=404, anonymous=404),
    *(
        Row(name, _api_url(path), set(), method=method, denied=401, anonymous=401)
        for name, (method, path) in API_OPERATIONS.items()
    ),
]


# The user guide (core/help.py) holds no data: every page of it is public, for citizens too. Its
# pictures are taken by the browser test (PARINDEX_SCREENSHOTS=1); until then, 404 for everyone.
def _guide_picture_status() -> int:
    from django.conf import settings

    return 200 if (settings.BASE_DIR / "docs/huong-dan/anh/01-dang-nhap.png").is_file() else 404


ROWS += [
    Row("help:index", lambda w: reverse("help:index"), set(ROLES), anonymous=200),
    Row(
        "help:chapter",
        lambda w: reverse("help:chapter", args=["06-nguoi-dan"]),
        set(ROLES),
        anonymous=200,
    ),
    Row(
        "help:image",
        lambda w: reverse("help:image", args=["01-dang-nhap.png"]),
        set(ROLES),
        ok=_guide_picture_status(),
        anonymous=_guide_picture_status(),
    ),
]

# Evidence reading: a document's facts are read by whoever reads its unit, confirmed or read again
# by the commune; the search is everyone's, over the units their roles cover.
ROWS += [
    Row("evidence:search", lambda w: reverse("evidence:search") + "?q=ke+hoach", EVERYONE),
    Row(
        "evidence:document",
        lambda w: reverse("evidence:document", args=[_document(w)]),
        UNIT_READERS,
        denied=404,
    ),
    Row(
        "evidence:document",
        lambda w: reverse("evidence:document", args=[_document(w)]),
        ENTERERS,
        method="post",
        data=lambda w: {"number": "35/KH-UBND", "issued_on": "27/01/2025"},
        ok=302,
        not_found={"no_role"},
    ),
    Row(
        "evidence:reread",
        lambda w: reverse("evidence:reread", args=[_document(w)]),
        ENTERERS,
        method="post",
        ok=302,
        not_found={"no_role"},
    ),
]
FOREIGN_ROWS += [
    Row(
        "evidence:document",
        lambda w: reverse("evidence:document", args=[_document(w, foreign=True)]),
        {"system_admin"},
        denied=404,
    ),
    Row(
        "evidence:reread",
        lambda w: reverse("evidence:reread", args=[_document(w, foreign=True)]),
        {"system_admin"},
        method="post",
        ok=302,
        denied=404,
    ),
]


def _url_names(resolver: URLResolver | None = None, prefix: str = "") -> set[str]:
    resolver = resolver or get_resolver()
    names: set[str] = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            names |= _url_names(pattern, namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{prefix}{pattern.name}")
    return names


def test_the_matrix_covers_every_view() -> None:
    assert _url_names() == {row.name for row in ROWS}


def _client(world: World, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(world.users[role])
    return client


def _snapshot() -> tuple[object, ...]:
    return (
        list(RoleGrant.objects.values_list("pk", "role", "unit_id", "revoked_at").order_by("pk")),
        list(User.objects.values_list("pk", "is_active").order_by("pk")),
        list(Unit.objects.values_list("pk", "name", "valid_to").order_by("pk")),
        AuditEntry.objects.count(),
        list(Framework.objects.values_list("pk", "status", "name").order_by("pk")),
        list(Node.objects.values_list("pk", "code", "title", "max_points").order_by("pk")),
        list(Answer.objects.values_list("pk", "version", "self_points").order_by("pk")),
        list(Assessment.objects.values_list("pk", "status", "reopened_until").order_by("pk")),
        list(Cycle.objects.values_list("pk", "self_closed_at").order_by("pk")),
        Document.objects.count(),
        AnswerDocument.objects.count(),
        Assignment.objects.count(),
        _survey_counts(),
        _publications(),
        _exports(),
        _plan_counts(),
        _award_counts(),
    )


def _award_counts() -> tuple[object, ...]:
    from parindex.awards.models import (
        Campaign,
        CampaignTarget,
        CouncilRecord,
        EligibilityRule,
        Nomination,
        NominationDocument,
    )

    return (
        list(Campaign.objects.values_list("pk", "status", "name").order_by("pk")),
        list(EligibilityRule.objects.values_list("pk", "data").order_by("pk")),
        CampaignTarget.objects.count(),
        list(Nomination.objects.values_list("pk", "status", "name").order_by("pk")),
        NominationDocument.objects.count(),
        CouncilRecord.objects.count(),
    )


def _plan_counts() -> tuple[object, ...]:
    from parindex.plans.models import Plan, Review, Target, TargetReport, Task

    return (
        Plan.objects.count(),
        Target.objects.count(),
        TargetReport.objects.count(),
        list(Task.objects.values_list("pk", "status", "title").order_by("pk")),
        Review.objects.count(),
    )


def _exports() -> int:
    from parindex.scoring.models import ExportJob

    return ExportJob.objects.count()


def _publications() -> list[tuple[int, str]]:
    from parindex.scoring.models import Publication

    return list(Publication.objects.values_list("pk", "state").order_by("pk"))


def _survey_counts() -> tuple[int, int, int]:
    from parindex.surveys.models import Campaign, Response

    return (
        Campaign.objects.count(),
        Response.objects.count(),
        Response.objects.filter(excluded=True).count(),
    )


def _no_foreign_names(world: World, role: str, row: Row, response: object) -> None:
    """No answer to anyone but the system administrator names the other province or its commune
    (whatever the status: a denial must not confirm what exists there either)."""
    if role == "system_admin" or getattr(response, "streaming", False):
        return
    text = response.content.decode("utf-8", errors="replace")  # type: ignore[attr-defined]
    for name in (world.other_province.name, world.commune_c.name):
        assert name not in text, f"{row.name} shows {name!r} to {role}"


def _check(world: World, row: Row, role: str, url: str | None = None) -> None:
    client = _client(world, role)
    url = row.url(world) if url is None else url
    before = _snapshot()
    response = getattr(client, row.method)(url, row.data(world))
    if role == "anonymous":
        expected = row.anonymous
    elif role in row.allowed:
        expected = row.ok
    elif role in row.not_found:
        expected = 404
    else:
        expected = row.denied
    assert response.status_code == expected, (row.name, role, response.status_code)
    if role == "anonymous" and expected == 302 and "anonymous" not in row.allowed:
        assert response["Location"].startswith(reverse("accounts:login"))
    _no_foreign_names(world, role, row, response)
    allowed_write = row.method == "post" and role in row.allowed and row.name != "set_language"
    if not allowed_write and row.name not in {"accounts:logout", "set_language"}:
        assert _snapshot() == before, f"{row.name} changed data for {role}"


def _check_roles(
    world: World,
    row: Row,
    roles: list[str],
    adjust: Callable[[Row, str], Row] = lambda row, _role: row,
) -> None:
    """Every role against one row, each in a savepoint rolled back after it: every role meets
    the same data (what an allowed write changed is undone) while the row's objects are made
    once. All failures are reported together."""
    url = row.url(world)
    failures = []
    for role in roles:
        try:
            with transaction.atomic():
                _check(world, adjust(row, role), role, url)
                transaction.set_rollback(True)
        except AssertionError as exc:
            failures.append(f"{role}: {exc}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.name)
def test_role_matrix(world: World, row: Row) -> None:
    _check_roles(world, row, ROLES)


NO_MANAGER_RIGHT = {
    "appraiser",
    "council",
    "commune_leader",
    "commune_officer",
    "viewer",
    "no_role",
}


def _foreign_for_role(row: Row, role: str) -> Row:
    if role in NO_MANAGER_RIGHT and row.name.startswith("accounts:"):
        # No manager right at all: refused before the object is looked at.
        return Row(row.name, row.url, row.allowed, row.method, row.data, row.ok, 403)
    return row


@pytest.mark.parametrize("row", FOREIGN_ROWS, ids=lambda r: f"foreign-{r.name}")
def test_other_province_is_out_of_reach(world: World, row: Row) -> None:
    roles = [r for r in ROLES if r != "anonymous"]  # anonymous: above
    _check_roles(world, row, roles, _foreign_for_role)


def test_officer_of_commune_a_sees_nothing_of_commune_b(world: World) -> None:
    client = _client(world, "commune_officer")
    assert client.get(reverse("orgunits:detail", args=[world.commune_b.pk])).status_code == 404
    listing = client.get(reverse("orgunits:list")).content.decode()
    assert world.commune_a.name in listing
    assert world.commune_b.name not in listing
    assert world.commune_c.name not in listing
    # the officer's own office, under commune A, is visible
    assert client.get(reverse("orgunits:detail", args=[world.office_a.pk])).status_code == 200


def test_secretariat_of_another_province_cannot_touch_commune_a(world: World) -> None:
    client = _client(world, "secretariat_other")
    officer_a = world.users["commune_officer"]
    before = _snapshot()
    assert client.get(reverse("accounts:user_detail", args=[officer_a.pk])).status_code == 404
    response = client.post(
        reverse("accounts:grant_create", args=[officer_a.pk]),
        {"role": Role.VIEWER, "unit": world.commune_a.pk},
    )
    assert response.status_code == 404
    assert (
        client.post(
            reverse("accounts:user_set_active", args=[officer_a.pk]), {"active": "0"}
        ).status_code
        == 404
    )
    listing = client.get(reverse("accounts:user_list")).content.decode()
    assert officer_a.username not in listing
    assert _snapshot() == before


def test_secretariat_does_not_see_system_administrators(world: World) -> None:
    client = _client(world, "secretariat")
    listing = client.get(reverse("accounts:user_list")).content.decode()
    admin_page = reverse("accounts:user_detail", args=[world.users["system_admin"].pk])
    officer_page = reverse("accounts:user_detail", args=[world.users["commune_officer"].pk])
    assert f'href="{officer_page}"' in listing
    assert f'href="{admin_page}"' not in listing
    assert client.get(admin_page).status_code == 404
