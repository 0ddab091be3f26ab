"""The benchmark's data set: seeded, repeatable, at national scale.

`generate(size, seed=...)` fills an empty database with:
- the official 2025 units (`load_2025_units`: 34 provinces, 3,321 communes; a size may keep one
  province, or its first communes only);
- the shipped framework (library/par-xa-2025.yaml, through `load_framework`), published for each
  province;
- one year (2025) of assessments per province, every answer self-assessed and appraised with the
  points its rule gives (the demo's generator of answers, `scoring.demo`), locked and published
  through the real services;
- a SIPAS campaign per province feeding its cycle, with `size.forms` forms a commune and all
  their answers (written in bulk: COPY on PostgreSQL, one prepared INSERT on SQLite);
- an annual plan per commune (2026) with `size.tasks` tasks;
- the accounts the page workloads log in as, and an open SIPAS campaign of the benchmark's
  province for the public-form and paper-import workloads.

The same seed gives the same data (names, points, answers), on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from parindex.accounts.actions import create_user, grant_role
from parindex.accounts.models import Role, User
from parindex.assessments.models import Answer, Assessment, Cycle
from parindex.core.bench.sizes import BENCH_PROVINCE, PLAN_YEAR, YEAR, Size
from parindex.frameworks.models import Framework
from parindex.orgunits.models import Level, Unit
from parindex.orgunits.national import REFORM_DAY, load_2025_units
from parindex.plans.models import DueKind, Plan, PlanStatus, Task, TaskStatus
from parindex.surveys.models import Campaign, Channel, Questionnaire, Response, ResponseAnswer

SECRETARIAT = "bench.sothuky"  # secretariat of the benchmark's province: the ranking page
OFFICER = "bench.canbo"  # officer of its first commune: the assessment page
SUBMISSION_CAMPAIGN = "Khảo sát SIPAS trực tuyến (đo hiệu năng)"
FRAMEWORK_FILE = "par-xa-2025.yaml"

Log = Callable[[str], None]


@contextmanager
def _step(name: str, timings: dict[str, float], log: Log) -> Iterator[None]:
    started = time.perf_counter()
    yield
    timings[name] = round(time.perf_counter() - started, 2)
    log(f"  {name}: {timings[name]:.1f} s")


def generate(size: Size, *, seed: int = 2026, log: Log = lambda _m: None) -> dict[str, Any]:
    """Fill the (empty) database with a size's data; returns the counts and each step's time."""
    rng = random.Random(seed)  # noqa: S311 - benchmark data, not secrets
    timings: dict[str, float] = {}
    with _step("units", timings, log):
        provinces = _units(size)
    with _step("frameworks", timings, log):
        for province in provinces:
            call_command(
                "load_framework",
                FRAMEWORK_FILE,
                owner=province.code,
                publish=True,
                stdout=io.StringIO(),
            )
    with _step("accounts", timings, log):
        _accounts()
    cycles: list[Cycle] = []
    with _step("assessments (appraised, locked, published)", timings, log):
        for province in provinces:
            cycles.append(_cycle(province, rng))
    with _step("SIPAS forms and answers", timings, log):
        questionnaire = _questionnaire()
        for cycle in cycles:
            _campaign(cycle, questionnaire, size.forms, rng)
        _submission_campaign(questionnaire)
    with _step("plans and tasks", timings, log):
        _plans(size.tasks, rng)
    # Rows written in bulk leave the planner's statistics empty until autovacuum runs: it then
    # scans every survey answer for one campaign's results instead of using the index.
    with _step("statistics (ANALYZE)", timings, log), connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    counts = counts_of()
    log("  " + ", ".join(f"{k}: {v:,}" for k, v in counts.items()))
    return {"size": size.name, "seed": seed, "counts": counts, "seconds": timings}


def counts_of() -> dict[str, int]:
    return {
        "provinces": Unit.objects.filter(level=Level.PROVINCE).count(),
        "communes": Unit.objects.filter(level=Level.COMMUNE).count(),
        "assessments": Assessment.objects.count(),
        "answers": Answer.objects.count(),
        "survey forms": Response.objects.count(),
        "survey answers": ResponseAnswer.objects.count(),
        "plans": Plan.objects.count(),
        "tasks": Task.objects.count(),
    }


# --- units, accounts -----------------------------------------------------------------------------


def _units(size: Size) -> list[Unit]:
    load_2025_units(province_codes=set(size.provinces) if size.provinces else None)
    provinces = list(
        Unit.objects.filter(valid_from=REFORM_DAY, parent__isnull=True, level=Level.PROVINCE)
        .filter(code__in=size.provinces or _province_codes())
        .order_by("code")
    )
    if size.communes is not None:
        for province in provinces:
            keep = list(
                Unit.objects.filter(parent=province)
                .order_by("code")
                .values_list("pk", flat=True)[: size.communes]
            )
            Unit.objects.filter(parent=province).exclude(pk__in=keep).delete()
    return provinces


def _province_codes() -> list[str]:
    return list(
        Unit.objects.filter(valid_from=REFORM_DAY, parent__isnull=True).values_list(
            "code", flat=True
        )
    )


def bench_province() -> Unit:
    return Unit.objects.get(valid_from=REFORM_DAY, parent__isnull=True, code=BENCH_PROVINCE)


def first_commune() -> Unit:
    return Unit.objects.filter(parent=bench_province()).order_by("name", "code").first()  # type: ignore[return-value]


def _accounts() -> None:
    province, commune = bench_province(), first_commune()
    for username, name, role, unit in (
        (SECRETARIAT, "Nguyễn Văn Thư", Role.SECRETARIAT, province),
        (OFFICER, "Trần Thị Cán", Role.COMMUNE_OFFICER, commune),
    ):
        if User.objects.filter(username=username).exists():
            continue
        user = create_user(by=None, username=username, full_name=name, unit=unit)
        grant_role(by=None, user=user, role=role, unit=unit, valid_from=dt.date(2025, 7, 1))


# --- assessments ---------------------------------------------------------------------------------


def _cycle(province: Unit, rng: random.Random) -> Cycle:
    from parindex.assessments.actions import open_cycle
    from parindex.scoring import demo
    from parindex.scoring.services import approve_publication, prepare_publication, publish

    framework = Framework.objects.get(owner=province, code="PAR-XA-2025")
    days = demo.NEW_CALENDAR
    with transaction.atomic():
        cycle = open_cycle(
            by=None,
            framework=framework,
            scope=province,
            year=YEAR,
            name=f"Chỉ số CCHC cấp xã năm {YEAR} — {province.name}",
            self_opens_on=days.self_opens_on,
            self_deadline=days.self_deadline,
            appraisal_deadline=days.appraisal_deadline,
            explanation_from=days.explanation_from,
            explanation_to=days.explanation_to,
            council_on=days.council_on,
            publish_on=days.publish_on,
        )
        leaves = demo._leaves(framework)
        assessments = list(cycle.assessments.select_related("unit").order_by("unit__code"))
        cards = {a.unit.code: demo._card(leaves, rng, rng.betavariate(2.5, 2)) for a in assessments}
        demo._write(cycle, assessments, leaves, cards, rng, appraiser=None)
        publication = prepare_publication(cycle, by=None)
        decision = f"Quyết định số {rng.randint(100, 2000)}/QĐ-UBND ngày 16/3/2026 (minh họa)"
        publish(approve_publication(publication, by=None, decision=decision), by=None)
    return cycle


# --- surveys -------------------------------------------------------------------------------------

COMMENTS = (
    "Rút ngắn thời gian chờ",
    "Bổ sung ghế ngồi chờ",
    "Hướng dẫn rõ hơn khi nộp hồ sơ trực tuyến",
    "Niêm yết thủ tục dễ đọc hơn",
    "Trả kết quả qua bưu chính",
)


def _questionnaire() -> Questionnaire:
    from parindex.surveys.actions import install_questionnaire
    from parindex.surveys.yaml_io import shipped

    return install_questionnaire(shipped("sipas-2024.yaml"))


def form_answers(spec: Any, rng: random.Random, satisfied: float) -> dict[str, str]:
    """One plausible form: each rating satisfied (4 or 5) with probability `satisfied`."""
    answers: dict[str, str] = {}
    for _section, question in spec.questions():
        if question.kind == "scale5":
            if rng.random() < satisfied:
                answers[question.code] = "5" if rng.random() < 0.45 else "4"
            else:
                answers[question.code] = rng.choice("12333")
        elif question.kind == "yes_no":
            answers[question.code] = "1" if rng.random() < 0.85 else "0"
        elif question.kind == "text":
            if rng.random() < 0.15:
                answers[question.code] = rng.choice(COMMENTS)
        else:
            answers[question.code] = rng.choice(question.choices()).code
    return answers


def _campaign(cycle: Cycle, questionnaire: Questionnaire, forms: int, rng: random.Random) -> None:
    from parindex.surveys.actions import campaign_communes, content_hash, open_campaign

    spec = questionnaire.parsed()
    opens, closes = dt.date(YEAR, 10, 1), dt.date(YEAR, 12, 15)
    with transaction.atomic():
        campaign = open_campaign(
            by=None,
            questionnaire=questionnaire,
            scope=cycle.scope,
            year=YEAR,
            name=f"Khảo sát SIPAS cấp xã năm {YEAR} — {cycle.scope.name}",
            opens_on=opens,
            closes_on=closes,
            target_per_commune=forms,
            cycle=cycle,
        )
        responses: list[Response] = []
        answers: list[dict[str, str]] = []
        window = (closes - opens).days
        for code, unit in sorted(campaign_communes(campaign).items()):
            satisfied = rng.uniform(0.72, 0.97)
            for number in range(1, forms + 1):
                form = form_answers(spec, rng, satisfied)
                excluded = rng.random() < 0.005
                responses.append(
                    Response(
                        campaign=campaign,
                        unit=unit,
                        form_number=f"{code}-{number:04d}",
                        channel=Channel.PAPER if rng.random() < 0.7 else Channel.ONLINE,
                        answered_on=opens + dt.timedelta(days=rng.randint(0, window)),
                        content_hash=content_hash(code, form),
                        excluded=excluded,
                        exclusion_reason="Phiếu trả lời trùng lặp" if excluded else "",
                    )
                )
                answers.append(form)
        saved = Response.objects.bulk_create(responses, batch_size=2000)
        insert_rows(
            ResponseAnswer._meta.db_table,
            ("response_id", "question", "value"),
            (
                (response.pk, question, value)
                for response, form in zip(saved, answers, strict=True)
                for question, value in form.items()
            ),
        )


def _submission_campaign(questionnaire: Questionnaire) -> Campaign:
    """An open campaign of the benchmark's province: the public form and the paper import."""
    from parindex.surveys.actions import open_campaign, public_links

    today = timezone.localdate()
    campaign = open_campaign(
        by=None,
        questionnaire=questionnaire,
        scope=bench_province(),
        year=PLAN_YEAR,
        name=SUBMISSION_CAMPAIGN,
        opens_on=today - dt.timedelta(days=7),
        closes_on=today + dt.timedelta(days=90),
        target_per_commune=50,
    )
    public_links(campaign)
    return campaign


def submission_campaign() -> Campaign:
    """The open campaign, its window moved to include today (the data may be older)."""
    campaign = Campaign.objects.select_related("questionnaire", "scope").get(
        name=SUBMISSION_CAMPAIGN
    )
    today = timezone.localdate()
    if not campaign.opens_on <= today <= campaign.closes_on:
        campaign.opens_on = today - dt.timedelta(days=7)
        campaign.closes_on = today + dt.timedelta(days=90)
        campaign.save(update_fields=["opens_on", "closes_on"])
    return campaign


def insert_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write many rows at once: COPY on PostgreSQL, one prepared INSERT run on SQLite."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        marks = ", ".join("%s" for _c in columns)
        sql = f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})"  # noqa: S608 - names only
        batch: list[Sequence[Any]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= 50_000:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


# --- plans ---------------------------------------------------------------------------------------

TASKS = (
    ("Công tác chỉ đạo, điều hành", "Ban hành kế hoạch cải cách hành chính năm {year}"),
    ("Công tác chỉ đạo, điều hành", "Kiểm tra công tác cải cách hành chính tại các thôn"),
    ("Công tác chỉ đạo, điều hành", "Tuyên truyền cải cách hành chính trên trang thông tin"),
    ("Cải cách thủ tục hành chính", "Rà soát, đánh giá thủ tục hành chính"),
    ("Cải cách thủ tục hành chính", "Công khai thủ tục hành chính tại Bộ phận Một cửa"),
    ("Cải cách thủ tục hành chính", "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính"),
    ("Cải cách tổ chức bộ máy", "Rà soát vị trí việc làm của cán bộ, công chức"),
    ("Cải cách chế độ công vụ", "Đánh giá, xếp loại cán bộ, công chức"),
    ("Cải cách tài chính công", "Công khai dự toán, quyết toán ngân sách"),
    ("Xây dựng chính quyền số", "Sử dụng chữ ký số trong xử lý văn bản"),
    ("Xây dựng chính quyền số", "Cung cấp dịch vụ công trực tuyến toàn trình"),
    ("Công tác chỉ đạo, điều hành", "Đo lường sự hài lòng của người dân (SIPAS)"),
)


def _plans(per_commune: int, rng: random.Random) -> None:
    communes = list(Unit.objects.filter(level=Level.COMMUNE).order_by("code"))
    today = timezone.localdate()
    with transaction.atomic():
        plans = Plan.objects.bulk_create(
            (
                Plan(
                    unit=unit,
                    year=PLAN_YEAR,
                    title=f"Kế hoạch cải cách hành chính năm {PLAN_YEAR} của UBND {unit.name}",
                    number=f"{rng.randint(1, 99)}/KH-UBND",
                    issued_on=dt.date(PLAN_YEAR, 1, rng.randint(5, 25)),
                    status=PlanStatus.ISSUED,
                )
                for unit in communes
            ),
            batch_size=2000,
        )
        tasks = []
        for plan in plans:
            for position in range(1, per_commune + 1):
                group, title = rng.choice(TASKS)
                month = rng.randint(1, 12)
                kind = rng.choice((DueKind.DATE, DueKind.MONTH, DueKind.QUARTER))
                due = _due(kind, month)
                done = (due <= today and rng.random() < 0.8) or rng.random() < 0.2
                tasks.append(
                    Task(
                        plan=plan,
                        position=position,
                        code=str(position),
                        group=group,
                        title=title.format(year=PLAN_YEAR),
                        lead="Văn phòng HĐND và UBND xã",
                        due_kind=kind,
                        due_on=due,
                        status=TaskStatus.DONE
                        if done
                        else rng.choice((TaskStatus.TODO, TaskStatus.DOING)),
                        done_on=min(due, today) if done else None,
                    )
                )
        Task.objects.bulk_create(tasks, batch_size=5000)


def _due(kind: str, month: int) -> dt.date:
    if kind == DueKind.QUARTER:
        month = ((month - 1) // 3 + 1) * 3
    if kind == DueKind.DATE:
        return dt.date(PLAN_YEAR, month, 15)
    following = dt.date(PLAN_YEAR + (month == 12), month % 12 + 1, 1)
    return following - dt.timedelta(days=1)
