"""Every write of the surveys: questionnaires, campaigns, paper forms, exclusions, and feeding the
index's survey criteria. Each is checked, done in one transaction and audited."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from parindex.audit.actions import record
from parindex.audit.models import AuditAction
from parindex.frameworks.rules import Problem, SurveyRule, parse_rule, slug
from parindex.orgunits.models import Level, Unit
from parindex.surveys.models import Campaign, Channel, Questionnaire, Response, ResponseAnswer
from parindex.surveys.spec import QuestionnaireSpec, validate
from parindex.surveys.yaml_io import to_data

if TYPE_CHECKING:
    from parindex.accounts.models import User

MAX_ROWS = 20_000


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
) -> tuple[list[tuple[int, str, Unit, dt.date | None, dict[str, str]]], PaperReport]:
    """Parse and check every row of a paper-forms workbook; nothing is stored here."""
    import io

    import openpyxl

    from parindex.common.dates import parse_day

    report = PaperReport()
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
                    allowed = ", ".join(o.code for o in question.choices())
                    report.errors.append(
                        RowError(
                            number,
                            question.code,
                            Problem("paper.bad_answer", {"value": raw, "allowed": allowed}),
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
    """
    spec = campaign.questionnaire.parsed()
    rows, report = read_paper(campaign, data, spec, progress)
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
) -> tuple[Response, bool]:
    """Store an on-line form once: a resend of the same form (same id) returns the stored one.

    Returns the form and whether it was created now. Quality flags are set, never acted on.
    """
    campaign = link.campaign
    spec = campaign.questionnaire.parsed()
    digest = content_hash(link.unit.code, answers)
    existing = Response.objects.filter(campaign=campaign, form_number=form_id).first()
    if existing is not None:
        return existing, False
    try:
        return _store_online(link, spec, answers, form_id, started_at, client_hash, digest)
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
