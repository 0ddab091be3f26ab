"""Every write of the surveys: questionnaires, campaigns (sample size, who keys in paper forms,
dossiers per commune, officials' respondents), paper forms, exclusions, and feeding the index's
survey criteria. Each is checked, done in one transaction and audited."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from parindex.audit.actions import record
from parindex.audit.models import AuditAction
from parindex.frameworks.rules import Problem, SurveyRule, parse_rule, slug
from parindex.orgunits.models import Level, Unit
from parindex.surveys.models import (
    Campaign,
    Channel,
    Questionnaire,
    Respondent,
    Response,
    ResponseAnswer,
)
from parindex.surveys.spec import QuestionnaireSpec, validate
from parindex.surveys.yaml_io import to_data

if TYPE_CHECKING:
    from parindex.accounts.models import User

MAX_ROWS = 20_000
# A workbook larger than this is refused before it is opened (20,000 forms take about 2 MB).
MAX_WORKBOOK_MB = 20


class SurveyError(Exception):
    """A survey action was refused; `problems` says why."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.code for p in problems))
        self.problems = problems


def install_questionnaire(spec: QuestionnaireSpec) -> Questionnaire:
    """Store a questionnaire, or update a stored one while no answer uses it (then it is frozen)."""
    problems = validate(spec)
    if problems:
        raise SurveyError(problems)
    existing = Questionnaire.objects.filter(code=spec.code).first()
    if existing is not None:
        if existing.frozen and existing.spec != to_data(spec):
            raise SurveyError([Problem("survey.frozen", {"code": spec.code})])
        existing.name, existing.audience, existing.spec = spec.name, spec.audience, to_data(spec)
        existing.save()
        return existing
    return Questionnaire.objects.create(
        code=spec.code, name=spec.name, audience=spec.audience, spec=to_data(spec)
    )


def open_campaign(
    *,
    by: User | None,
    questionnaire: Questionnaire,
    scope: Unit,
    year: int,
    name: str,
    opens_on: dt.date,
    closes_on: dt.date,
    target_per_commune: int = 50,
    cycle: Any = None,
) -> Campaign:
    if scope.level not in {Level.PROVINCE, Level.DISTRICT}:
        raise SurveyError([Problem("cycle.scope_level", {"unit": scope.name})])
    if closes_on < opens_on:
        raise SurveyError([Problem("campaign.window")])
    if Campaign.objects.filter(scope=scope, questionnaire=questionnaire, year=year).exists():
        raise SurveyError([Problem("campaign.exists", {"unit": scope.name, "year": year})])
    with transaction.atomic():
        campaign = Campaign.objects.create(
            questionnaire=questionnaire,
            scope=scope,
            cycle=cycle,
            year=year,
            name=name,
            target_per_commune=target_per_commune,
            opens_on=opens_on,
            closes_on=closes_on,
            created_by=by,
        )
        record(
            actor=by,
            action=AuditAction.CAMPAIGN_CREATE,
            obj=campaign,
            unit=scope,
            new={"name": name, "questionnaire": questionnaire.code, "year": year},
        )
    return campaign


def campaign_communes(campaign: Campaign) -> dict[str, Unit]:
    """The communes of the campaign's scope that exist during its year, by code."""
    start, end = dt.date(campaign.year, 1, 1), dt.date(campaign.year, 12, 31)
    units = (
        Unit.objects.within(campaign.scope)
        .filter(level=Level.COMMUNE, valid_from__lte=end)
        .exclude(valid_to__lt=start)
    )
    return {u.code: u for u in units}


def content_hash(unit_code: str, answers: Mapping[str, str]) -> str:
    text = json.dumps(
        {"unit": unit_code, "answers": dict(sorted(answers.items()))}, ensure_ascii=False
    )
    return hashlib.sha256(text.encode()).hexdigest()


# --- paper forms ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    problem: Problem


@dataclass
class PaperReport:
    rows: int = 0
    added: int = 0
    skipped: int = 0  # already imported (same form number, same answers)
    errors: list[RowError] = field(default_factory=list)
    saved: bool = False

    @property
    def bad_rows(self) -> int:
        return len({e.row for e in self.errors})


FIXED_HEADERS = {
    "so_phieu": "form_number",
    "form_number": "form_number",
    "ma_phieu": "form_number",
    "ma_xa": "unit",
    "ma_don_vi": "unit",
    "commune": "unit",
    "unit": "unit",
    "ngay": "date",
    "ngay_khao_sat": "date",
    "date": "date",
}


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().strftime("%d/%m/%Y")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _choice(question: Any, raw: str) -> str | None:
    """The option code an answer means: its code, or its label, accents and case ignored."""
    if question.kind == "text":
        return raw
    codes = {o.code: o.code for o in question.choices()}
    codes |= {slug(o.code): o.code for o in question.choices()}
    codes |= {slug(o.label): o.code for o in question.choices()}
    return codes.get(raw) or codes.get(slug(raw))


def read_paper(
    campaign: Campaign,
    data: bytes,
    spec: QuestionnaireSpec,
    progress: Callable[[int], None] | None = None,
    allowed: set[int] | None = None,
) -> tuple[list[tuple[int, str, Unit, dt.date | None, dict[str, str]]], PaperReport]:
    """Parse and check every row of a paper-forms workbook; nothing is stored here.

    `allowed`: the ids of the communes the person importing may key in (None = every commune);
    a row of another commune is refused.
    """
    import io

    import openpyxl

    from parindex.common.dates import parse_day

    report = PaperReport()
    if len(data) > MAX_WORKBOOK_MB * 1024 * 1024:
        report.errors.append(RowError(0, "", Problem("file.too_large", {"mb": MAX_WORKBOOK_MB})))
        return [], report
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        report.errors.append(RowError(0, "", Problem("file.unreadable_excel")))
        return [], report
    sheet = book.worksheets[0]
    rows = []
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = [_cell(v) for v in values]
        if any(cells):
            rows.append((number, cells))
        if len(rows) > MAX_ROWS + 1:
            report.errors.append(RowError(0, "", Problem("file.too_many_rows", {"rows": MAX_ROWS})))
            book.close()
            return [], report
    book.close()
    if not rows:
        report.errors.append(RowError(0, "", Problem("file.empty")))
        return [], report
    questions = {q.code.lower(): q for _s, q in spec.questions()}
    header: list[tuple[str, Any]] = []
    for title in rows[0][1]:
        key = FIXED_HEADERS.get(slug(title))
        if key:
            header.append((key, None))
        elif title.lower() in questions:
            header.append(("q", questions[title.lower()]))
        elif title:
            report.errors.append(
                RowError(rows[0][0], title, Problem("paper.unknown_column", {"column": title}))
            )
            header.append(("", None))
        else:
            header.append(("", None))
    missing = [c for c in ("form_number", "unit") if c not in {k for k, _q in header}]
    if missing:
        report.errors.append(RowError(rows[0][0], "", Problem("paper.missing_columns")))
        return [], report
    communes = campaign_communes(campaign)
    seen: dict[str, int] = {}
    parsed = []
    for number, cells in rows[1:]:
        report.rows += 1
        if progress is not None and report.rows % 500 == 0:
            progress(80 * report.rows // len(rows))
        errors_before = len(report.errors)
        form_number = unit_code = date_text = ""
        answers: dict[str, str] = {}
        for (key, question), raw in zip(header, cells, strict=False):
            if key == "form_number":
                form_number = raw
            elif key == "unit":
                unit_code = raw
            elif key == "date":
                date_text = raw
            elif key == "q" and raw:
                value = _choice(question, raw)
                if value is None:
                    choices = ", ".join(o.code for o in question.choices())
                    report.errors.append(
                        RowError(
                            number,
                            question.code,
                            Problem("paper.bad_answer", {"value": raw, "allowed": choices}),
                        )
                    )
                else:
                    answers[question.code] = value
        if not form_number:
            report.errors.append(RowError(number, "Số phiếu", Problem("paper.no_form_number")))
        elif form_number in seen:
            report.errors.append(
                RowError(
                    number,
                    "Số phiếu",
                    Problem("paper.repeated", {"number": form_number, "row": seen[form_number]}),
                )
            )
        else:
            seen[form_number] = number
        unit = communes.get(unit_code)
        if unit is None:
            report.errors.append(
                RowError(number, "Mã xã", Problem("paper.unknown_commune", {"code": unit_code}))
            )
        elif allowed is not None and unit.pk not in allowed:
            report.errors.append(
                RowError(number, "Mã xã", Problem("paper.commune_not_yours", {"code": unit_code}))
            )
            unit = None
        day = parse_day(date_text) if date_text else None
        if date_text and day is None:
            report.errors.append(
                RowError(number, "Ngày", Problem("paper.bad_date", {"value": date_text}))
            )
        for _section, question in spec.questions():
            if (
                question.required
                and question.code not in answers
                and not any(e.row == number and e.column == question.code for e in report.errors)
            ):
                report.errors.append(
                    RowError(number, question.code, Problem("paper.missing_answer"))
                )
        if len(report.errors) == errors_before and unit is not None:
            parsed.append((number, form_number, unit, day, answers))
    return parsed, report


def import_paper(
    campaign: Campaign,
    *,
    by: User | None,
    data: bytes,
    filename: str,
    only_valid: bool = False,
    progress: Callable[[int], None] | None = None,
) -> PaperReport:
    """Import paper forms keyed into the template workbook.

    All or nothing by default: a file with any bad row saves nothing and reports every problem by
    row and column. With `only_valid` the good rows are saved and the bad ones reported. A form
    number already imported with the same answers is skipped (importing a file again adds
    nothing); with other answers it is an error (it would overwrite a saved form).

    Who may import is checked here, not only by the page: `by` keys in the communes
    `permissions.paper_units` gives (None = the system: every commune); rows of other communes are
    refused by row, and a user who may key in no commune saves nothing.
    An officials' form numbered "<respondent code>-<commune code>" is tied to that respondent.
    """
    from parindex.surveys.permissions import paper_units

    allowed = paper_units(by, campaign)
    if allowed is not None and not allowed:
        refused = PaperReport()
        refused.errors.append(RowError(0, "", Problem("paper.not_allowed")))
        return refused
    spec = campaign.questionnaire.parsed()
    rows, report = read_paper(campaign, data, spec, progress, allowed)
    existing = dict(
        Response.objects.filter(
            campaign=campaign, form_number__in=[r[1] for r in rows]
        ).values_list("form_number", "content_hash")
    )
    fresh = []
    for number, form_number, unit, day, answers in rows:
        digest = content_hash(unit.code, answers)
        if form_number in existing:
            if existing[form_number] == digest:
                report.skipped += 1
            else:
                report.errors.append(
                    RowError(number, "Số phiếu", Problem("paper.conflict", {"number": form_number}))
                )
            continue
        fresh.append((form_number, unit, day, answers, digest))
    if report.errors and not only_valid:
        report.skipped = 0
        return report
    from parindex.surveys.quality import flags

    known: dict[int, set[str]] = {}
    for unit_id, digest in Response.objects.filter(campaign=campaign).values_list(
        "unit_id", "content_hash"
    ):
        known.setdefault(unit_id, set()).add(digest)
    flagged = []
    for _form_number, unit, day, answers, digest in fresh:
        seen = known.setdefault(unit.pk, set())
        flagged.append(
            flags(
                spec,
                answers,
                digest=digest,
                known_digests=seen,
                day=day,
                opens_on=campaign.opens_on,
                closes_on=campaign.closes_on,
            )
        )
        seen.add(digest)
    respondents = {r.code: r for r in campaign.respondents.all()}
    with transaction.atomic():
        responses = Response.objects.bulk_create(
            Response(
                campaign=campaign,
                unit=unit,
                form_number=form_number,
                channel=Channel.PAPER,
                answered_on=day,
                content_hash=digest,
                flags=found,
                entered_by=by,
                source=filename[:200],
                respondent=_respondent_of(form_number, unit, respondents),
            )
            for (form_number, unit, day, _answers, digest), found in zip(
                fresh, flagged, strict=True
            )
        )
        ResponseAnswer.objects.bulk_create(
            ResponseAnswer(response=response, question=code, value=value)
            for response, (_n, _u, _d, answers, _h) in zip(responses, fresh, strict=True)
            for code, value in answers.items()
        )
        report.added = len(responses)
        report.saved = True
        if report.added:
            record(
                actor=by,
                action=AuditAction.SURVEY_IMPORT,
                obj=campaign,
                unit=campaign.scope,
                new={
                    "file": filename,
                    "added": report.added,
                    "skipped": report.skipped,
                    "refused rows": report.bad_rows,
                },
            )
    return report


def _respondent_of(
    form_number: str, unit: Unit, respondents: Mapping[str, Respondent]
) -> Respondent | None:
    """The respondent of a form numbered "<respondent code>-<commune code>", if any."""
    suffix = f"-{unit.code}"
    if not respondents or not form_number.endswith(suffix):
        return None
    return respondents.get(form_number[: -len(suffix)])


def public_links(campaign: Campaign) -> list[Any]:
    """Every commune's anonymous link, made the first time they are asked for."""
    import secrets

    from parindex.surveys.models import PublicLink

    communes = campaign_communes(campaign)
    have = {link.unit_id for link in campaign.links.all()}
    PublicLink.objects.bulk_create(
        PublicLink(campaign=campaign, unit=unit, token=secrets.token_urlsafe(9))
        for unit in communes.values()
        if unit.pk not in have
    )
    return list(campaign.links.select_related("unit").order_by("unit__name"))


def submit_online(
    link: Any,
    *,
    answers: Mapping[str, str],
    form_id: str,
    started_at: dt.datetime | None,
    client_hash: str,
    respondent: Respondent | None = None,
) -> tuple[Response, bool]:
    """Store an on-line form once: a resend of the same form (same id) returns the stored one.

    `link` is a commune's public link, or anything with its `campaign` and `unit` (an official's
    form for one commune, then with its `respondent`). Returns the form and whether it was created
    now. Quality flags are set, never acted on.
    """
    campaign = link.campaign
    spec = campaign.questionnaire.parsed()
    digest = content_hash(link.unit.code, answers)
    existing = Response.objects.filter(campaign=campaign, form_number=form_id).first()
    if existing is not None:
        return existing, False
    try:
        return _store_online(
            link, spec, answers, form_id, started_at, client_hash, digest, respondent
        )
    except IntegrityError:  # the same form sent twice at once: the other request stored it
        return Response.objects.get(campaign=campaign, form_number=form_id), False


def _store_online(
    link: Any,
    spec: QuestionnaireSpec,
    answers: Mapping[str, str],
    form_id: str,
    started_at: dt.datetime | None,
    client_hash: str,
    digest: str,
    respondent: Respondent | None,
) -> tuple[Response, bool]:
    from parindex.surveys.quality import flags

    campaign = link.campaign
    now = timezone.now()
    with transaction.atomic():
        known = set(
            Response.objects.filter(campaign=campaign, unit=link.unit).values_list(
                "content_hash", flat=True
            )
        )
        duration = int((now - started_at).total_seconds()) if started_at else None
        response = Response.objects.create(
            campaign=campaign,
            unit=link.unit,
            form_number=form_id,
            channel=Channel.ONLINE,
            answered_on=timezone.localdate(),
            duration_seconds=duration,
            content_hash=digest,
            client_hash=client_hash,
            respondent=respondent,
            flags=flags(
                spec,
                answers,
                digest=digest,
                known_digests=known,
                day=timezone.localdate(),
                opens_on=campaign.opens_on,
                closes_on=campaign.closes_on,
                duration_seconds=duration,
            ),
        )
        ResponseAnswer.objects.bulk_create(
            ResponseAnswer(response=response, question=code, value=value[:2000])
            for code, value in answers.items()
        )
    return response, True


def report_data(report: PaperReport) -> dict[str, Any]:
    """A report as stored with a background import (problems as codes with parameters)."""
    return {
        "rows": report.rows,
        "added": report.added,
        "skipped": report.skipped,
        "saved": report.saved,
        "errors": [
            {
                "row": e.row,
                "column": e.column,
                "code": e.problem.code,
                "params": dict(e.problem.params),
            }
            for e in report.errors[:1000]
        ],
        "bad_rows": report.bad_rows,
    }


def queue_paper_import(
    campaign: Campaign, *, by: User | None, data: bytes, filename: str, only_valid: bool
) -> Any:
    """Hand a large file to the background worker; the job page shows its progress."""
    from parindex.surveys.models import ImportJob
    from parindex.surveys.tasks import run_paper_import

    job = ImportJob.objects.create(
        campaign=campaign, data=data, filename=filename[:200], only_valid=only_valid, created_by=by
    )
    transaction.on_commit(lambda: run_paper_import.enqueue(job.pk))
    return job


def exclude_response(response: Response, *, by: User | None, reason: str) -> Response:
    """Leave a flagged form out of the results (its answers stay); a reason is required."""
    if not reason.strip():
        raise SurveyError([Problem("reason.required")])
    with transaction.atomic():
        old = {"excluded": response.excluded, "reason": response.exclusion_reason}
        response.excluded = True
        response.exclusion_reason = reason.strip()
        response.save(update_fields=["excluded", "exclusion_reason"])
        record(
            actor=by,
            action=AuditAction.SURVEY_EXCLUDE,
            obj=response,
            unit=response.unit,
            old=old,
            new={"excluded": True, "reason": response.exclusion_reason},
            reason=reason,
        )
    return response


# --- results into the index ----------------------------------------------------------------------


def feed_cycle(campaign: Campaign, *, by: User | None) -> int:
    """Put the campaign's results into its cycle's survey criteria, through their rules.

    A criterion's rule names the element whose index it takes ("" for the overall index); its
    points are recorded as self-assessed and agreed, with the index as the answer, audited.
    Returns how many criteria changed.
    """
    from parindex.assessments.actions import record_answer_change
    from parindex.assessments.models import Answer, AppraisalStatus
    from parindex.surveys.selectors import campaign_results

    if campaign.cycle is None:
        raise SurveyError([Problem("campaign.no_cycle")])
    source = (
        "survey_citizens" if campaign.questionnaire.audience == "citizens" else "survey_officials"
    )
    results = campaign_results(campaign)
    changed = 0
    with transaction.atomic():
        answers = Answer.objects.filter(
            assessment__cycle=campaign.cycle, node__source=source
        ).select_related("node", "assessment__unit")
        for answer in answers:
            result = results.get(answer.assessment.unit.code)
            if result is None or result.index is None:
                continue
            rule = parse_rule(answer.node.rule)
            element = rule.element if isinstance(rule, SurveyRule) else ""
            index = result.index
            if element:
                section = next((s for s in result.sections if s.element == element), None)
                if section is None or section.index is None:
                    continue
                index = section.index
            score = rule.score(answer.node.max_points, {"index": index})
            if answer.self_points == score.points and answer.self_value == {"index": str(index)}:
                continue
            old = {"value": answer.self_value, "points": answer.self_points}
            answer.self_value = {"index": str(index)}
            answer.self_points = score.points
            answer.self_working = score.working[:300]
            answer.appraisal_status = AppraisalStatus.AGREED
            answer.appraised_value = answer.self_value
            answer.appraised_points = score.points
            answer.appraised_working = answer.self_working
            answer.appraised_at = timezone.now()
            record_answer_change(
                answer,
                by=by,
                old=old,
                new={"value": answer.self_value, "points": score.points},
                reason=f"khảo sát {campaign.name}",
            )
            changed += 1
    return changed


# --- questionnaires in the interface -------------------------------------------------------------

QUESTIONNAIRE_CREATE = AuditAction.QUESTIONNAIRE_CREATE
QUESTIONNAIRE_UPDATE = AuditAction.QUESTIONNAIRE_UPDATE
CAMPAIGN_UPDATE = AuditAction.CAMPAIGN_UPDATE
DOSSIERS_SET = AuditAction.CAMPAIGN_DOSSIERS
RESPONDENT_ADD = AuditAction.RESPONDENT_ADD
RESPONDENT_REMOVE = AuditAction.RESPONDENT_REMOVE

MAX_QUESTIONNAIRE_KB = 200


def read_questionnaire(text: str | bytes) -> QuestionnaireSpec:
    """The questionnaire a YAML text (or uploaded file) holds, checked whole.

    Raises SurveyError with every problem found: unreadable YAML (with its line), unknown entries,
    and everything `spec.validate` finds.
    """
    from parindex.frameworks.issues import FrameworkFileError
    from parindex.surveys.yaml_io import load_questionnaire

    if isinstance(text, bytes):
        if len(text) > MAX_QUESTIONNAIRE_KB * 1024:
            raise SurveyError([Problem("questionnaire.too_large", {"kb": MAX_QUESTIONNAIRE_KB})])
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise SurveyError([Problem("file.not_utf8")]) from None
    if len(text) > MAX_QUESTIONNAIRE_KB * 1024:
        raise SurveyError([Problem("questionnaire.too_large", {"kb": MAX_QUESTIONNAIRE_KB})])
    if not text.strip():
        raise SurveyError([Problem("file.empty")])
    try:
        spec = load_questionnaire(text)
    except FrameworkFileError as exc:
        raise SurveyError([issue.problem for issue in exc.issues]) from None
    problems = validate(spec)
    if problems:
        raise SurveyError(problems)
    return spec


def _store_new_questionnaire(
    spec: QuestionnaireSpec, *, by: User | None, audit: dict[str, Any]
) -> Questionnaire:
    if Questionnaire.objects.filter(code=spec.code).exists():
        raise SurveyError([Problem("questionnaire.exists", {"code": spec.code})])
    try:
        with transaction.atomic():
            questionnaire = Questionnaire.objects.create(
                code=spec.code, name=spec.name, audience=spec.audience, spec=to_data(spec)
            )
            record(actor=by, action=QUESTIONNAIRE_CREATE, obj=questionnaire, new=audit)
    except IntegrityError:  # the same code stored meanwhile by someone else
        raise SurveyError([Problem("questionnaire.exists", {"code": spec.code})]) from None
    return questionnaire


def create_questionnaire(
    *, by: User | None, text: str | bytes, filename: str = ""
) -> Questionnaire:
    """A new questionnaire from YAML (an uploaded file); its code must be new."""
    spec = read_questionnaire(text)
    return _store_new_questionnaire(
        spec,
        by=by,
        audit={"code": spec.code, "name": spec.name, "audience": spec.audience, "file": filename},
    )


def update_questionnaire(questionnaire: Questionnaire, *, by: User | None, text: str) -> bool:
    """Replace a questionnaire's questions with the YAML `text`, while no answer uses it.

    The code stays (a new version is a copy: `copy_questionnaire`). Returns whether anything
    changed; the old and new questions go to the audit trail.
    """
    spec = read_questionnaire(text)
    if spec.code != questionnaire.code:
        raise SurveyError(
            [Problem("questionnaire.code_changed", {"code": questionnaire.code, "new": spec.code})]
        )
    with transaction.atomic():
        current = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
        if current.frozen:
            raise SurveyError([Problem("survey.frozen", {"code": current.code})])
        data = to_data(spec)
        if (current.name, current.audience, current.spec) == (spec.name, spec.audience, data):
            return False
        old = {"name": current.name, "audience": current.audience, "spec": current.spec}
        current.name, current.audience, current.spec = spec.name, spec.audience, data
        current.save(update_fields=["name", "audience", "spec"])
        record(
            actor=by,
            action=QUESTIONNAIRE_UPDATE,
            obj=current,
            old=old,
            new={"name": spec.name, "audience": spec.audience, "spec": data},
        )
    questionnaire.refresh_from_db()
    return True


def next_version_code(code: str) -> str:
    """The first free code of a new version: SIPAS-2024 → SIPAS-2024-v2; …-v2 → …-v3."""
    import re

    found = re.fullmatch(r"(.+)-v(\d+)", code)
    base, number = (found.group(1), int(found.group(2)) + 1) if found else (code, 2)
    taken = set(
        Questionnaire.objects.filter(code__startswith=f"{base}-v").values_list("code", flat=True)
    )
    while f"{base}-v{number}" in taken:
        number += 1
    return f"{base}-v{number}"


def copy_questionnaire(
    questionnaire: Questionnaire, *, by: User | None, code: str
) -> Questionnaire:
    """A new version of a questionnaire (frozen or not): the same questions under a new code,
    editable until answers use it."""
    from dataclasses import replace

    code = code.strip()
    if not code:
        raise SurveyError([Problem("survey.code_name")])
    if len(code) > 50:
        raise SurveyError([Problem("questionnaire.code_long", {"max": 50})])
    spec = replace(questionnaire.parsed(), code=code)
    return _store_new_questionnaire(
        spec, by=by, audit={"code": code, "name": spec.name, "copied from": questionnaire.code}
    )


# --- sample size, dossiers, who keys in paper forms ---------------------------------------------


def set_sample_size(
    campaign: Campaign,
    *,
    by: User | None,
    method: str,
    target_per_commune: int,
    confidence: int,
    margin: Decimal,
) -> bool:
    """How many forms each commune must collect: the same number everywhere, or computed from the
    dossiers the commune handled (Cochran, `stats.sample_size`) at a confidence level and margin.

    Returns whether anything changed.
    """
    from parindex.surveys.models import SampleMethod
    from parindex.surveys.stats import CONFIDENCE_Z

    problems = []
    if method not in SampleMethod.values:
        problems.append(Problem("campaign.sample_method", {"value": method}))
    if not 1 <= target_per_commune <= 10_000:
        problems.append(Problem("campaign.target", {"value": target_per_commune}))
    if confidence not in CONFIDENCE_Z:
        problems.append(Problem("campaign.confidence", {"value": confidence}))
    if not Decimal(0) < margin <= Decimal(50) or margin != margin.quantize(Decimal("0.1")):
        problems.append(Problem("campaign.margin", {"value": margin}))
    if problems:
        raise SurveyError(problems)
    tenth = Decimal("0.1")
    old = {
        "method": campaign.sample_method,
        "target": campaign.target_per_commune,
        "confidence": campaign.confidence,
        "margin": str(Decimal(campaign.margin).quantize(tenth)),
    }
    new = {
        "method": method,
        "target": target_per_commune,
        "confidence": confidence,
        "margin": str(margin.quantize(tenth)),
    }
    if old == new:
        return False
    with transaction.atomic():
        campaign.sample_method = method
        campaign.target_per_commune = target_per_commune
        campaign.confidence = confidence
        campaign.margin = margin
        campaign.save(update_fields=["sample_method", "target_per_commune", "confidence", "margin"])
        record(
            actor=by, action=CAMPAIGN_UPDATE, obj=campaign, unit=campaign.scope, old=old, new=new
        )
    return True


def set_paper_entry(
    campaign: Campaign, *, by: User | None, enterers: Iterable[User], communes_enter_own: bool
) -> bool:
    """Who keys in paper forms besides the scope's secretariat: the users named (accounts of a unit
    of the campaign's scope), and (when `communes_enter_own`) each commune's officers for their own
    commune. Returns whether anything changed."""
    chosen = {user.pk: user for user in enterers}
    current = {user.pk: user for user in campaign.enterers.all()}
    scope_path = campaign.scope.path
    outside = [
        user.get_full_name()
        for pk, user in chosen.items()
        if pk not in current and (user.unit is None or not user.unit.path.startswith(scope_path))
    ]
    if outside:
        raise SurveyError(
            [Problem("campaign.enterer_outside", {"name": name}) for name in sorted(outside)]
        )
    old = {
        "enterers": sorted(u.get_username() for u in current.values()),
        "communes enter their own": campaign.communes_enter_own,
    }
    new = {
        "enterers": sorted(u.get_username() for u in chosen.values()),
        "communes enter their own": communes_enter_own,
    }
    if old == new:
        return False
    with transaction.atomic():
        campaign.enterers.set(list(chosen.values()))
        campaign.communes_enter_own = communes_enter_own
        campaign.save(update_fields=["communes_enter_own"])
        record(
            actor=by, action=CAMPAIGN_UPDATE, obj=campaign, unit=campaign.scope, old=old, new=new
        )
    return True


@dataclass
class ListReport:
    """What an import of a list (dossiers, respondents) did: rows read, rows saved or left as
    they were, and the problems by row (then nothing is saved)."""

    rows: int = 0
    changed: int = 0
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)
    saved: bool = False


def set_dossiers(campaign: Campaign, *, by: User | None, counts: Mapping[int, int | None]) -> int:
    """Record how many dossiers communes handled in the year (commune id → N; None forgets N, and
    the commune goes back to the fixed target). Returns how many communes changed."""
    from parindex.surveys.models import CampaignUnit

    communes = {unit.pk: unit for unit in campaign_communes(campaign).values()}
    problems = []
    for unit_id, dossiers in counts.items():
        if unit_id not in communes:
            problems.append(Problem("dossiers.unknown_commune", {"code": str(unit_id)}))
        elif dossiers is not None and dossiers < 0:
            name = communes[unit_id].name
            problems.append(Problem("dossiers.not_a_count", {"value": dossiers, "unit": name}))
    if problems:
        raise SurveyError(problems)
    existing = {row.unit_id: row for row in campaign.units.all()}
    old: dict[str, int | None] = {}
    new: dict[str, int | None] = {}
    with transaction.atomic():
        for unit_id, dossiers in counts.items():
            row = existing.get(unit_id)
            before = row.dossiers if row is not None else None
            if before == dossiers:
                continue
            code = communes[unit_id].code
            old[code], new[code] = before, dossiers
            if dossiers is None:
                row.delete()  # type: ignore[union-attr]
            elif row is None:
                CampaignUnit.objects.create(campaign=campaign, unit_id=unit_id, dossiers=dossiers)
            else:
                row.dossiers = dossiers
                row.save(update_fields=["dossiers"])
        if new:
            record(
                actor=by, action=DOSSIERS_SET, obj=campaign, unit=campaign.scope, old=old, new=new
            )
    return len(new)


def _sheet_rows(data: bytes, report: ListReport) -> list[tuple[int, list[str]]]:
    """The non-empty rows of a workbook's first sheet as texts (row number, cells); a problem with
    the file itself goes to the report (row 0)."""
    import io

    import openpyxl

    if len(data) > MAX_WORKBOOK_MB * 1024 * 1024:
        report.errors.append(RowError(0, "", Problem("file.too_large", {"mb": MAX_WORKBOOK_MB})))
        return []
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        report.errors.append(RowError(0, "", Problem("file.unreadable_excel")))
        return []
    rows = []
    for number, values in enumerate(book.worksheets[0].iter_rows(values_only=True), start=1):
        cells = [_cell(v) for v in values]
        if any(cells):
            rows.append((number, cells))
        if len(rows) > MAX_ROWS + 1:
            report.errors.append(RowError(0, "", Problem("file.too_many_rows", {"rows": MAX_ROWS})))
            book.close()
            return []
    book.close()
    if not rows:
        report.errors.append(RowError(0, "", Problem("file.empty")))
    return rows


def _columns(
    header: list[str], names: Mapping[str, str], required: Iterable[str]
) -> dict[str, int] | Problem:
    """Where each known column is ({key: index}), or the problem of the missing ones."""
    where: dict[str, int] = {}
    for index, title in enumerate(header):
        key = names.get(slug(title))
        if key and key not in where:
            where[key] = index
    missing = [key for key in required if key not in where]
    if missing:
        return Problem("list.missing_columns", {"columns": ", ".join(missing)})
    return where


DOSSIER_COLUMNS = {
    "ma_xa": "Mã xã",
    "ma_don_vi": "Mã xã",
    "so_ho_so": "Số hồ sơ",
    "ho_so": "Số hồ sơ",
    "so_ho_so_da_giai_quyet": "Số hồ sơ",
}


def import_dossiers(
    campaign: Campaign, *, by: User | None, data: bytes, filename: str = ""
) -> ListReport:
    """The dossiers each commune handled, from a workbook with the columns Mã xã and Số hồ sơ.

    All or nothing: an unknown commune, a commune twice or a count that is not a whole number ≥ 0
    is reported by row and nothing is saved. An empty count leaves the commune as it is.
    """
    report = ListReport()
    rows = _sheet_rows(data, report)
    if not rows:
        return report
    where = _columns(rows[0][1], DOSSIER_COLUMNS, ("Mã xã", "Số hồ sơ"))
    if isinstance(where, Problem):
        report.errors.append(RowError(rows[0][0], "", where))
        return report
    columns: dict[str, int] = where
    communes = campaign_communes(campaign)
    seen: dict[str, int] = {}
    counts: dict[int, int | None] = {}

    def cell(cells: list[str], key: str) -> str:
        index = columns[key]
        return cells[index] if index < len(cells) else ""

    for number, cells in rows[1:]:
        code, text = cell(cells, "Mã xã"), cell(cells, "Số hồ sơ")
        if not code and not text:
            continue
        report.rows += 1
        unit = communes.get(code)
        if unit is None:
            report.errors.append(
                RowError(number, "Mã xã", Problem("paper.unknown_commune", {"code": code}))
            )
        elif code in seen:
            report.errors.append(
                RowError(
                    number, "Mã xã", Problem("list.repeated", {"code": code, "row": seen[code]})
                )
            )
        else:
            seen[code] = number
        if not text:
            continue
        digits = text.replace(".", "").replace(" ", "").replace("\u00a0", "")
        if not digits.isdigit():
            report.errors.append(
                RowError(number, "Số hồ sơ", Problem("dossiers.not_a_number", {"value": text}))
            )
            continue
        if unit is not None:
            counts[unit.pk] = int(digits)
    if report.errors:
        return report
    report.changed = set_dossiers(campaign, by=by, counts=counts)
    report.skipped = report.rows - report.changed
    report.saved = True
    return report


# --- officials' respondents ----------------------------------------------------------------------


def _form_code(raw: str) -> str | None:
    """'1' → '01', '03' → '03', 'A2' → 'A2'; None when it is not 1 to 10 letters or digits."""
    text = raw.strip()
    if text.isdigit() and len(text) == 1:
        text = f"0{text}"
    if not 1 <= len(text) <= 10 or not text.isascii() or not text.isalnum():
        return None
    return text


def _respondent_problems(
    campaign: Campaign, *, name: str, form_code: str
) -> tuple[str | None, list[Problem]]:
    problems = []
    if campaign.questionnaire.audience != "officials":
        problems.append(Problem("respondent.not_officials"))
    if not name.strip():
        problems.append(Problem("respondent.name"))
    code = _form_code(form_code)
    if code is None:
        problems.append(Problem("respondent.form_code", {"value": form_code}))
    return code, problems


def _create_respondent(
    campaign: Campaign, *, name: str, position: str, form_code: str, units: Iterable[Unit]
) -> Respondent:
    """A respondent coded "<form>-<number>" (01-001, 01-002 …, numbered within its form)."""
    import secrets

    taken = set(campaign.respondents.values_list("code", flat=True))
    number = sum(1 for code in taken if code.startswith(f"{form_code}-")) + 1
    while f"{form_code}-{number:03d}" in taken:
        number += 1
    respondent = Respondent.objects.create(
        campaign=campaign,
        code=f"{form_code}-{number:03d}",
        name=name.strip()[:150],
        position=position.strip()[:200],
        form_code=form_code,
        token=secrets.token_urlsafe(12),
    )
    respondent.units.set(list(units))
    return respondent


def _respondent_audit(respondent: Respondent, units: Iterable[Unit]) -> dict[str, Any]:
    return {
        "code": respondent.code,
        "name": respondent.name,
        "position": respondent.position,
        "form": respondent.form_code,
        "communes": sorted(u.code for u in units) or "all",
    }


def add_respondent(
    campaign: Campaign,
    *,
    by: User | None,
    name: str,
    position: str,
    form_code: str,
    units: Iterable[Unit] = (),
) -> Respondent:
    """Add an official to an officials' survey, with the communes they rate (none = all)."""
    code, problems = _respondent_problems(campaign, name=name, form_code=form_code)
    chosen = list(units)
    communes = {u.pk for u in campaign_communes(campaign).values()}
    problems += [
        Problem("paper.unknown_commune", {"code": u.code}) for u in chosen if u.pk not in communes
    ]
    if problems or code is None:
        raise SurveyError(problems)
    with transaction.atomic():
        respondent = _create_respondent(
            campaign, name=name, position=position, form_code=code, units=chosen
        )
        record(
            actor=by,
            action=RESPONDENT_ADD,
            obj=respondent,
            unit=campaign.scope,
            new=_respondent_audit(respondent, chosen),
        )
    return respondent


RESPONDENT_COLUMNS = {
    "ho_ten": "Họ tên",
    "ho_va_ten": "Họ tên",
    "chuc_vu": "Chức vụ",
    "mau_phieu": "Mẫu phiếu",
    "ma_xa_danh_gia": "Mã xã đánh giá",
    "xa_danh_gia": "Mã xã đánh giá",
    "ma_xa": "Mã xã đánh giá",
}


def import_respondents(
    campaign: Campaign, *, by: User | None, data: bytes, filename: str = ""
) -> ListReport:
    """Officials from a workbook: Họ tên, Chức vụ, Mẫu phiếu, Mã xã đánh giá (codes separated by
    commas or semicolons; empty = every commune).

    All or nothing: a missing name, a bad form code or an unknown commune is reported by row and
    nothing is saved. A person already listed (same name, position and form) is skipped, so
    importing the same file again adds nothing.
    """
    import re

    report = ListReport()
    if campaign.questionnaire.audience != "officials":
        report.errors.append(RowError(0, "", Problem("respondent.not_officials")))
        return report
    rows = _sheet_rows(data, report)
    if not rows:
        return report
    where = _columns(rows[0][1], RESPONDENT_COLUMNS, ("Họ tên", "Mẫu phiếu"))
    if isinstance(where, Problem):
        report.errors.append(RowError(rows[0][0], "", where))
        return report
    columns: dict[str, int] = where
    communes = campaign_communes(campaign)
    known = {
        (slug(r.name), slug(r.position), r.form_code)
        for r in campaign.respondents.all().only("name", "position", "form_code")
    }

    def cell(cells: list[str], key: str) -> str:
        index = columns.get(key)
        return cells[index] if index is not None and index < len(cells) else ""

    fresh: list[tuple[str, str, str, list[Unit]]] = []
    for number, cells in rows[1:]:
        name, position = cell(cells, "Họ tên"), cell(cells, "Chức vụ")
        form_text, codes_text = cell(cells, "Mẫu phiếu"), cell(cells, "Mã xã đánh giá")
        report.rows += 1
        errors_before = len(report.errors)
        if not name:
            report.errors.append(RowError(number, "Họ tên", Problem("respondent.name")))
        form_code = _form_code(form_text)
        if form_code is None:
            report.errors.append(
                RowError(number, "Mẫu phiếu", Problem("respondent.form_code", {"value": form_text}))
            )
        units = []
        for code in (c for c in re.split(r"[,;\s]+", codes_text) if c):
            unit = communes.get(code)
            if unit is None:
                report.errors.append(
                    RowError(
                        number, "Mã xã đánh giá", Problem("paper.unknown_commune", {"code": code})
                    )
                )
            elif unit not in units:
                units.append(unit)
        if len(report.errors) > errors_before or form_code is None:
            continue
        key = (slug(name), slug(position), form_code)
        if key in known:
            report.skipped += 1
            continue
        known.add(key)
        fresh.append((name, position, form_code, units))
    if report.errors:
        return report
    with transaction.atomic():
        for name, position, form_code, units in fresh:
            respondent = _create_respondent(
                campaign, name=name, position=position, form_code=form_code, units=units
            )
            record(
                actor=by,
                action=RESPONDENT_ADD,
                obj=respondent,
                unit=campaign.scope,
                new=_respondent_audit(respondent, units) | {"file": filename},
            )
    report.changed = len(fresh)
    report.saved = True
    return report


def remove_respondent(respondent: Respondent, *, by: User | None) -> None:
    """Take an official off the list, while they have sent no form (forms are never deleted)."""
    if respondent.responses.exists():
        raise SurveyError([Problem("respondent.has_forms", {"name": respondent.name})])
    campaign = respondent.campaign
    with transaction.atomic():
        units = list(respondent.units.all())
        record(
            actor=by,
            action=RESPONDENT_REMOVE,
            obj=respondent,
            unit=campaign.scope,
            old=_respondent_audit(respondent, units),
        )
        respondent.delete()
