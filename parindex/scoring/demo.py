"""The demo's published results: two finished cycles, so that rankings, scorecards, lost points,
year-over-year comparisons and publication versions have something to show.

- 2023, Huyện Thanh Miện (framework TM-XA-2023, calendar January–March 2024): its 17 communes
  appraised, locked and published (version 1).
- 2025, Thành phố Hải Phòng (framework PAR-XA-2025, calendar January–March 2026): its 114 communes
  appraised, locked and published (version 1); then Xã Nam Thanh Miện's explanation on
  sub-criterion 3.1.1 is accepted (the result unlocked, re-appraised and locked again through the
  real actions, audited) and the correction is published as version 2, which supersedes version 1
  (both kept).

The seven communes that continue Thanh Miện's 17 do a little better in 2025 than their
predecessors did in 2023, weighted by the predecessors' populations (illustrative figures recorded
as the weights of the succession links), so that the year-over-year page compares a merged commune
with its predecessors' weighted result.

The figures are illustrative, generated with a fixed seed (the same on every load) in the shape of
seed 003: most sub-criteria at full points, about eight of 48 losing some (some far more often
than others), SIPAS indices of about 80–95%, totals between about 80 and 97, a few ties. Every
answer is one its rule accepts, with the points the rule gives. The answers are written in bulk
(demo data: no audit entry per answer); the publication steps and the correction go through the
real services and actions, so their audit entries and timestamps are those of the load.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from parindex.accounts.models import User
from parindex.assessments.actions import (
    AGREE,
    appraise_answer,
    lock_assessment,
    open_cycle,
    unlock_assessment,
)
from parindex.assessments.models import Answer, AppraisalStatus, Assessment, Cycle, Status
from parindex.frameworks.models import Framework
from parindex.frameworks.rules import (
    SURVEY_SOURCES,
    DeductionRule,
    LevelsRule,
    PlanCompletionRule,
    ProportionalRule,
    Rule,
    Score,
    TiersRule,
    YesNoRule,
    fmt,
    parse_rule,
    plain,
    round_points,
)
from parindex.orgunits.models import Succession, Unit
from parindex.scoring.models import PublicationState, PublishedUnit
from parindex.scoring.services import approve_publication, prepare_publication, publish

SEED = 2026
OLD_YEAR, NEW_YEAR = 2023, 2025
OLD_FRAMEWORK, NEW_FRAMEWORK = "TM-XA-2023", "PAR-XA-2025"
# The correction of 2025: this commune's explanation on this sub-criterion is accepted.
CORRECTED_UNIT, CORRECTED_NODE = "11284", "3.1.1"
CORRECTED_REASON = "Điều chỉnh điểm tiêu chí {node} của {unit} theo kết quả giải trình"
CORRECTION_EXPLANATION = (
    "Xã đã ban hành Kế hoạch rà soát, đánh giá thủ tục hành chính năm 2025 (Kế hoạch số "
    "09/KH-UBND ngày 15/01/2025 của UBND xã Chi Lăng Nam, nay là xã Nam Thanh Miện); gửi bổ sung "
    "bản chụp kế hoạch kèm văn bản giải trình."
)
CORRECTION_APPRAISAL = (
    "Chấp nhận giải trình: xã đã bổ sung Kế hoạch rà soát, đánh giá TTHC năm 2025 ban hành đúng "
    "thời hạn"
)

# Illustrative populations of Thanh Miện's communes in 2023: the weights of their successions. A
# commune split between two successors weighs on each by the share of its people that moved there.
POPULATION = {
    "11239": 11620,  # Thị trấn Thanh Miện
    "11242": 9140,  # Xã Thanh Tùng
    "11245": 10380,  # Xã Phạm Kha
    "11248": 8460,  # Xã Ngô Quyền
    "11251": 12730,  # Xã Đoàn Tùng
    "11254": 8910,  # Xã Hồng Quang
    "11257": 9560,  # Xã Tân Trào
    "11260": 10240,  # Xã Lam Sơn
    "11263": 8120,  # Xã Đoàn Kết
    "11266": 11050,  # Xã Lê Hồng
    "11269": 9380,  # Xã Tứ Cường
    "11275": 10870,  # Xã Ngũ Hùng
    "11278": 8640,  # Xã Cao Thắng
    "11281": 9930,  # Xã Chi Lăng Bắc
    "11284": 10460,  # Xã Chi Lăng Nam
    "11287": 11780,  # Xã Thanh Giang
    "11293": 8290,  # Xã Hồng Phong
}
# The share of a split commune's people that went to its other successor (the rest stayed).
MOVED_SHARE = {
    ("11239", "11065"): Decimal("0.18"),
    ("11242", "10993"): Decimal("0.35"),
    ("11251", "10993"): Decimal("0.27"),
}


@dataclass(frozen=True)
class _Calendar:
    self_opens_on: dt.date
    self_deadline: dt.date
    appraisal_deadline: dt.date
    explanation_from: dt.date
    explanation_to: dt.date
    council_on: dt.date
    publish_on: dt.date


# Self-assessment in January, appraisal, explanations after Tết, the council and publication.
OLD_CALENDAR = _Calendar(
    dt.date(2024, 1, 2),
    dt.date(2024, 1, 15),
    dt.date(2024, 2, 6),
    dt.date(2024, 2, 19),
    dt.date(2024, 2, 23),
    dt.date(2024, 3, 5),
    dt.date(2024, 3, 12),
)
NEW_CALENDAR = _Calendar(
    dt.date(2026, 1, 5),
    dt.date(2026, 1, 20),
    dt.date(2026, 2, 6),
    dt.date(2026, 2, 23),
    dt.date(2026, 2, 27),
    dt.date(2026, 3, 10),
    dt.date(2026, 3, 16),
)
OLD_DECISION = "Quyết định số 856/QĐ-UBND ngày 12/3/2024 của UBND huyện Thanh Miện (minh họa)"
NEW_DECISIONS = (
    "Quyết định số 1025/QĐ-UBND ngày 16/3/2026 của UBND thành phố Hải Phòng (minh họa)",
    "Quyết định số 1388/QĐ-UBND ngày 10/4/2026 của UBND thành phố Hải Phòng (minh họa)",
)

# How many units a rate is counted over (required), per proportional sub-criterion.
SIZES: dict[str, tuple[int, int]] = {
    "1.3.2": (2, 8),
    "3.3.3": (0, 9),
    "3.4.1": (1200, 6000),
    "3.4.2": (1200, 6000),
    "5.1.2": (18, 27),
    "5.2.2": (8, 24),
    "6.1.3": (1, 6),
    "7.1.2": (600, 2400),
    "7.1.3": (150, 600),
    "7.2.1": (300, 2500),
    "7.2.2": (200, 1500),
    "7.2.3": (800, 5000),
    "8.1.4": (800, 5000),
}
# How often a sub-criterion loses points, relative to the others (1): the Pareto chart's shape.
DIFFICULTY: dict[str, float] = {
    "1.5.1": 7,
    "7.2.1": 5,
    "7.2.2": 5,
    "1.1.2": 4,
    "3.4.1": 4,
    "3.4.2": 4,
    "8.1.2": 3.5,
    "7.1.3": 3,
    "3.3.1": 3,
    "6.1.4": 3,
    "8.1.4": 3,
    "7.1.4": 2,
    "1.2.1": 2,
    "5.2.2": 2,
    "3.1.1": 1.5,
    "1.4.1": 1.5,
}


@dataclass(frozen=True)
class _Leaf:
    pk: int
    code: str
    maximum: Decimal
    rule: Rule
    survey: bool
    evidence: str  # the first required document ("" when none)


@dataclass
class _Outcome:
    """One sub-criterion of one commune: what it answered and what the appraisal decided."""

    self_value: dict[str, Any]
    self_score: Score
    value: dict[str, Any]
    score: Score
    reason: str = ""
    explanation: str = ""

    @property
    def adjusted(self) -> bool:
        return self.value != self.self_value


Card = dict[str, _Outcome]  # by sub-criterion code


def load_demo_results() -> int:
    """Create the demo's finished cycles that are missing (2023 of Huyện Thanh Miện, 2025 of
    Thành phố Hải Phòng) with their published results; returns how many were created."""
    district = _unit("300", dt.date(OLD_YEAR, 12, 31))
    province = _unit("31", dt.date(NEW_YEAR, 12, 31))
    rng = random.Random(SEED)  # noqa: S311 - illustrative figures, not secrets
    created = 0
    with transaction.atomic():
        _weigh_successions()
        if not Cycle.objects.filter(scope=district, year=OLD_YEAR).exists():
            _old_cycle(district, rng)
            created += 1
        if not Cycle.objects.filter(scope=province, year=NEW_YEAR).exists():
            _new_cycle(province, rng)
            created += 1
    return created


def _unit(code: str, day: dt.date) -> Unit:
    return Unit.objects.valid_on(day).exclude(kind="co_quan").get(code=code)


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def _weigh_successions() -> None:
    """Population weights on the links from Thanh Miện's communes (where none is recorded)."""
    links = Succession.objects.filter(
        predecessor__code__in=POPULATION, predecessor__valid_to__lt=dt.date(2025, 7, 1)
    ).select_related("predecessor", "successor")
    changed = []
    for link in links:
        if link.weight is not None:
            continue
        key = (link.predecessor.code, link.successor.code)
        population = Decimal(POPULATION[link.predecessor.code])
        moved = [s for (p, _s), s in MOVED_SHARE.items() if p == key[0]]
        share = MOVED_SHARE.get(key, Decimal(1) - sum(moved, Decimal(0)))
        link.weight = round(population * share)
        changed.append(link)
    Succession.objects.bulk_update(changed, ["weight"])


# --- the two cycles ------------------------------------------------------------------------------


def _old_cycle(district: Unit, rng: random.Random) -> None:
    framework = Framework.objects.get(owner=district, code=OLD_FRAMEWORK)
    cycle = _open(
        framework,
        district,
        OLD_YEAR,
        f"Chỉ số CCHC cấp xã năm {OLD_YEAR} huyện Thanh Miện",
        OLD_CALENDAR,
        by=None,
    )
    leaves = _leaves(framework)
    assessments = _assessments(cycle)
    cards = {a.unit.code: _card(leaves, rng, rng.betavariate(2.2, 2)) for a in assessments}
    _tie(cards, leaves, rng, pairs=1)
    _write(cycle, assessments, leaves, cards, rng, appraiser=None)
    pub = prepare_publication(cycle, by=None)
    publish(approve_publication(pub, by=None, decision=OLD_DECISION), by=None)


def _new_cycle(province: Unit, rng: random.Random) -> None:
    framework = Framework.objects.get(owner=province, code=NEW_FRAMEWORK)
    secretariat, council, appraiser = _user("sonoivu"), _user("hoidong"), _user("thamdinh")
    cycle = _open(
        framework,
        province,
        NEW_YEAR,
        f"Chỉ số CCHC cấp xã năm {NEW_YEAR}",
        NEW_CALENDAR,
        by=secretariat,
    )
    leaves = _leaves(framework)
    assessments = _assessments(cycle)
    targets = _targets(assessments, rng)
    cards: dict[str, Card] = {}
    for assessment in assessments:
        code = assessment.unit.code
        must_lose = (CORRECTED_NODE,) if code == CORRECTED_UNIT else ()
        if code in targets:
            cards[code] = _card_near(leaves, rng, targets[code], must_lose)
        else:
            cards[code] = _card(leaves, rng, rng.betavariate(2.5, 2), must_lose)
    # The commune claimed the point, the appraisal found no plan attached; it explains.
    corrected = cards[CORRECTED_UNIT][CORRECTED_NODE]
    document = next(leaf.evidence for leaf in leaves if leaf.code == CORRECTED_NODE)
    corrected.reason = f"Thiếu {document} kèm theo"
    corrected.explanation = CORRECTION_EXPLANATION
    _tie(cards, leaves, rng, pairs=3, keep=set(targets))
    _write(cycle, assessments, leaves, cards, rng, appraiser=appraiser)
    first = prepare_publication(cycle, by=secretariat)
    publish(approve_publication(first, by=council, decision=NEW_DECISIONS[0]), by=secretariat)
    # The correction: the explanation is accepted after publication, through the real actions.
    assessment = next(a for a in assessments if a.unit.code == CORRECTED_UNIT)
    answer = Answer.objects.select_related("node", "assessment__cycle", "assessment__unit").get(
        assessment=assessment, node__code=CORRECTED_NODE
    )
    name = assessment.unit.name
    reason = CORRECTED_REASON.format(node=CORRECTED_NODE, unit=name[:1].lower() + name[1:])
    unlock_assessment(answer.assessment, by=secretariat, reason=reason)
    appraise_answer(answer, by=appraiser, decision=AGREE, reason=CORRECTION_APPRAISAL)
    lock_assessment(answer.assessment, by=secretariat)
    second = prepare_publication(cycle, by=secretariat, reason=reason)
    publish(approve_publication(second, by=council, decision=NEW_DECISIONS[1]), by=secretariat)


def _open(
    framework: Framework, scope: Unit, year: int, name: str, days: _Calendar, *, by: User | None
) -> Cycle:
    return open_cycle(
        by=by,
        framework=framework,
        scope=scope,
        year=year,
        name=name,
        self_opens_on=days.self_opens_on,
        self_deadline=days.self_deadline,
        appraisal_deadline=days.appraisal_deadline,
        explanation_from=days.explanation_from,
        explanation_to=days.explanation_to,
        council_on=days.council_on,
        publish_on=days.publish_on,
    )


def _leaves(framework: Framework) -> list[_Leaf]:
    nodes = framework.nodes.prefetch_related("evidence").order_by("sort_key")
    parents = {n.parent_id for n in nodes}
    return [
        _Leaf(
            n.pk,
            n.code,
            n.max_points,
            parse_rule(n.rule),
            n.source in SURVEY_SOURCES,
            next((e.title for e in n.evidence.all() if e.required), ""),
        )
        for n in nodes
        if n.pk not in parents
    ]


def _assessments(cycle: Cycle) -> list[Assessment]:
    return list(cycle.assessments.select_related("unit").order_by("unit__code"))


def _targets(assessments: Iterable[Assessment], rng: random.Random) -> dict[str, Decimal]:
    """For each commune continuing Thanh Miện's: a little above its predecessors' weighted 2023
    total (as `services.previous_result` combines them)."""
    totals = _published_totals(OLD_YEAR)
    out: dict[str, Decimal] = {}
    for assessment in assessments:
        links = [
            (totals[link.predecessor_id], link.weight or Decimal(1))
            for link in Succession.objects.filter(successor=assessment.unit)
            if link.predecessor_id in totals
        ]
        if not links:
            continue
        weight = sum((w for _t, w in links), Decimal(0))
        before = round_points(sum((t * w for t, w in links), Decimal(0)) / weight)
        gain = Decimal(rng.randint(60, 380)) / 100
        out[assessment.unit.code] = min(before + gain, Decimal("97.5"))
    return out


def _published_totals(year: int) -> dict[int, Decimal]:
    rows = PublishedUnit.objects.filter(
        publication__cycle__year=year, publication__state=PublicationState.PUBLISHED
    ).values_list("unit_id", "total")
    return dict(rows)


# --- one commune's answers -----------------------------------------------------------------------


def _card(
    leaves: list[_Leaf], rng: random.Random, quality: float, must_lose: Iterable[str] = ()
) -> Card:
    """A commune's answers: the better its `quality` (0–1), the fewer and smaller its losses."""
    scored = [leaf for leaf in leaves if not leaf.survey]
    count = min(max(round(rng.gauss(3 + 10 * (1 - quality), 1.5)), 1), 16)
    # Weighted sampling without replacement: the harder sub-criteria lose points more often.
    keyed = sorted(scored, key=lambda leaf: -(rng.random() ** (1 / DIFFICULTY.get(leaf.code, 1))))
    losing = {leaf.code for leaf in keyed[:count]} | set(must_lose)
    severe = 0.2 + 0.5 * (1 - quality)
    card: Card = {}
    for leaf in leaves:
        if leaf.survey:
            index = min(max(rng.gauss(79 + 13 * quality, 2.5), 76), 98)
            card[leaf.code] = _survey(leaf, Decimal(f"{index:.2f}"))
            continue
        full = _full(leaf, rng)
        if leaf.code not in losing:
            card[leaf.code] = _agreed(leaf, full)
            continue
        lower = _lower(leaf, rng, severe=rng.random() < severe)
        if lower is None:
            card[leaf.code] = _agreed(leaf, full)
        elif leaf.code in must_lose or rng.random() < 0.4:
            # The commune claimed full points; the appraisal found less.
            card[leaf.code] = _Outcome(
                full,
                _score(leaf, full),
                lower,
                _score(leaf, lower),
                _adjust_reason(leaf, lower, rng),
            )
        else:
            outcome = _agreed(leaf, lower)
            outcome.reason = _loss_fact(leaf, lower)
            card[leaf.code] = outcome
    return card


def _card_near(
    leaves: list[_Leaf], rng: random.Random, target: Decimal, must_lose: Iterable[str]
) -> Card:
    """A card whose total is `target`, reached through its SIPAS index."""
    survey = next(leaf for leaf in leaves if leaf.survey)
    card = _card(leaves, rng, rng.uniform(0.5, 1), must_lose)
    for _attempt in range(500):
        rest = sum((o.score.points for c, o in card.items() if c != survey.code), Decimal(0))
        if _fit_survey(card, survey, target - rest):
            return card
        card = _card(leaves, rng, rng.uniform(0.3, 1), must_lose)
    return card


def _fit_survey(card: Card, survey: _Leaf, points: Decimal) -> bool:
    """Give the survey criterion `points` through a plausible index (False when none fits)."""
    if not survey.maximum * Decimal("0.76") <= points <= survey.maximum * Decimal("0.98"):
        return False
    index = (points * 100 / survey.maximum).quantize(Decimal("0.01"))
    outcome = _survey(survey, index)
    if outcome.score.points != points:
        return False
    card[survey.code] = outcome
    return True


def _tie(
    cards: dict[str, Card],
    leaves: list[_Leaf],
    rng: random.Random,
    *,
    pairs: int,
    keep: Iterable[str] = (),
) -> None:
    """Make sure at least `pairs` totals are shared by two communes, as in real rankings."""
    survey = next(leaf for leaf in leaves if leaf.survey)
    kept = set(keep)
    free = sorted(code for code in cards if code not in kept)
    shared = Counter(_total(card) for card in cards.values())
    tied = {code for code, card in cards.items() if shared[_total(card)] > 1}
    wanted = 2 * max(pairs - sum(1 for n in shared.values() if n > 1), 0)
    added: set[str] = set()
    for _attempt in range(50 * pairs):
        left = [c for c in free if c not in tied and c not in added]
        if len(added) >= wanted or len(left) < 2:
            break
        first, second = rng.sample(left, 2)
        target = _total(cards[first])
        rest = _total(cards[second]) - cards[second][survey.code].score.points
        if _fit_survey(cards[second], survey, target - rest):
            added |= {first, second}


def _total(card: Card) -> Decimal:
    return sum((o.score.points for o in card.values()), Decimal(0))


def _score(leaf: _Leaf, value: Mapping[str, Any]) -> Score:
    return leaf.rule.score(leaf.maximum, value)


def _agreed(leaf: _Leaf, value: dict[str, Any]) -> _Outcome:
    score = _score(leaf, value)
    return _Outcome(value, score, value, score)


def _survey(leaf: _Leaf, index: Decimal) -> _Outcome:
    return _agreed(leaf, {"index": plain(index)})


def _full(leaf: _Leaf, rng: random.Random) -> dict[str, Any]:
    """An answer that earns the sub-criterion's full points."""
    rule = leaf.rule
    if isinstance(rule, LevelsRule):
        return {"level": max(rule.levels, key=lambda lv: lv.points).code}
    if isinstance(rule, YesNoRule):
        return {"yes": True}
    if isinstance(rule, ProportionalRule):
        low, high = SIZES.get(leaf.code, (20, 200))
        required = rng.randint(low, high)
        least = math.ceil(required * rule.target / 100)
        achieved = rng.randint(max(least, required - max(required // 20, 1)), required)
        return {"achieved": str(min(achieved, required)), "required": str(required)}
    if isinstance(rule, TiersRule):
        top = max(rule.tiers, key=lambda t: t.points)
        ceiling = Decimal(100) if rule.percent else top.minimum * 2
        return {"value": plain(_between(rng, top.minimum, ceiling, inclusive=True))}
    if isinstance(rule, DeductionRule):
        return {"count": "0"}
    if isinstance(rule, PlanCompletionRule):
        planned = rng.randint(6, 14)
        return {"done": str(planned), "planned": str(planned)}
    raise ValueError(f"no full answer for {rule.kind}")


def _lower(leaf: _Leaf, rng: random.Random, *, severe: bool) -> dict[str, Any] | None:
    """An answer that loses some points (most when `severe`); None when the rule has none."""
    rule = leaf.rule
    value: dict[str, Any] | None = None
    if isinstance(rule, LevelsRule):
        below = sorted(
            (lv for lv in rule.levels if lv.points < leaf.maximum), key=lambda lv: -lv.points
        )
        partial = [lv for lv in below if lv.points > 0]
        if below:
            value = {"level": (below[-1] if severe or not partial else partial[0]).code}
    elif isinstance(rule, YesNoRule):
        value = {"yes": False}
    elif isinstance(rule, ProportionalRule):
        low, high = SIZES.get(leaf.code, (20, 200))
        required = rng.randint(max(low, 2), max(high, 2))
        share = rng.uniform(0.3, 0.7) if severe else rng.uniform(0.75, 0.98)
        achieved = math.floor(required * float(rule.target) / 100 * share)
        value = {"achieved": str(achieved), "required": str(required)}
    elif isinstance(rule, TiersRule):
        tiers = sorted(rule.tiers, key=lambda t: t.minimum, reverse=True)
        below_tiers = [(i, t) for i, t in enumerate(tiers) if t.points < leaf.maximum]
        if below_tiers:
            i, tier = below_tiers[-1] if severe else below_tiers[0]
            upper = tiers[i - 1].minimum if i > 0 else tier.minimum * 2
            value = {"value": plain(_between(rng, tier.minimum, upper, inclusive=False))}
    elif isinstance(rule, DeductionRule):
        value = {"count": str(rng.randint(2, 3) if severe else 1)}
    elif isinstance(rule, PlanCompletionRule):
        planned = rng.randint(6, 14)
        done = planned - (rng.randint(2, 3) if severe else 1)
        value = {"done": str(done), "planned": str(planned)}
    if value is None or _score(leaf, value).points >= leaf.maximum:
        return None
    return value


def _between(rng: random.Random, low: Decimal, high: Decimal, *, inclusive: bool) -> Decimal:
    """A number with two decimals from `low` up to `high` (included or not)."""
    start, end = int(low * 100), int(high * 100) - (0 if inclusive else 1)
    # Rates cluster near the top of their band.
    return Decimal(max(rng.randint(start, end), rng.randint(start, end))) / 100


def _adjust_reason(leaf: _Leaf, value: Mapping[str, Any], rng: random.Random) -> str:
    """The appraiser's reason for points below the commune's claim."""
    document = leaf.evidence or "tài liệu kiểm chứng"
    rule = leaf.rule
    if isinstance(rule, YesNoRule):
        return rng.choice(
            [
                f"Thiếu {document} kèm theo",
                f"{document} không đúng năm đánh giá",
                f"{document} chưa được ký, đóng dấu",
            ]
        )
    if isinstance(rule, LevelsRule):
        return rng.choice(
            [
                f"{document} chưa thể hiện đầy đủ nội dung theo hướng dẫn",
                f"Thiếu {document} kèm theo; chấm theo mức tài liệu chứng minh được",
            ]
        )
    if isinstance(rule, DeductionRule):
        return f"Theo {document}, có {value['count']} trường hợp thiếu hoặc trễ hạn"
    if isinstance(rule, PlanCompletionRule):
        missing = int(value["planned"]) - int(value["done"])
        return f"Theo {document}, {missing} nhiệm vụ chưa hoàn thành đúng hạn"
    return f"Số liệu tự đánh giá chưa khớp với {document}; chấm theo số liệu kiểm chứng"


def _loss_fact(leaf: _Leaf, value: Mapping[str, Any]) -> str:
    """Why a sub-criterion lost points, when the appraisal agreed with the commune's own answer."""
    rule = leaf.rule
    if isinstance(rule, LevelsRule):
        level = rule.level(str(value["level"]))
        return f"Đạt mức «{level.label if level else value['level']}»"
    if isinstance(rule, YesNoRule):
        return f"Không có {leaf.evidence}" if leaf.evidence else "Chưa thực hiện"
    if isinstance(rule, ProportionalRule):
        rate = f"{value['achieved']}/{value['required']}"
        if rule.target != 100:
            return f"Đạt {rate}, chưa đạt {fmt(rule.target)}% theo yêu cầu"
        return f"Đạt {rate}, chưa đạt 100% theo yêu cầu"
    if isinstance(rule, TiersRule):
        label = rule.value_label or "Giá trị"
        unit = "%" if rule.percent else ""
        return f"{label} {fmt(Decimal(value['value']))}{unit}, chưa đạt mức điểm tối đa"
    if isinstance(rule, DeductionRule):
        return f"{rule.count_label or 'Số trường hợp bị trừ điểm'}: {value['count']}"
    if isinstance(rule, PlanCompletionRule):
        missing = int(value["planned"]) - int(value["done"])
        return f"{missing}/{value['planned']} nhiệm vụ chưa hoàn thành đúng hạn"
    return ""


# --- writing it ----------------------------------------------------------------------------------


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


ANSWER_FIELDS = (
    "self_value",
    "self_points",
    "self_working",
    "appraisal_status",
    "appraised_value",
    "appraised_points",
    "appraised_working",
    "appraisal_reason",
    "appraised_by",
    "appraised_at",
    "explanation",
    "explained_at",
)


def _update(rows: list[Answer], names: Iterable[str]) -> None:
    """Save these fields of many answers with one prepared UPDATE run per row.

    Django's `bulk_update` builds a CASE per field over every row of a batch, which takes about
    40 seconds in Python for the demo's 6,000 answers; this takes well under one. Values go
    through each field's own conversion, so it works on SQLite and PostgreSQL alike.
    """
    wanted = set(names)
    fields = [f for f in Answer._meta.concrete_fields if f.name in wanted]
    quote = connection.ops.quote_name
    columns = ", ".join(f"{quote(str(f.column))} = %s" for f in fields)
    table, key = quote(Answer._meta.db_table), quote(str(Answer._meta.pk.column))
    # Names come from the model; every value is a parameter.
    sql = f"UPDATE {table} SET {columns} WHERE {key} = %s"  # noqa: S608
    params = [
        [f.get_db_prep_save(getattr(row, f.attname), connection) for f in fields] + [row.pk]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _write(
    cycle: Cycle,
    assessments: list[Assessment],
    leaves: list[_Leaf],
    cards: Mapping[str, Card],
    rng: random.Random,
    *,
    appraiser: User | None,
) -> None:
    """Store every answer and appraisal in bulk, and lock every result."""
    code_of = {leaf.pk: leaf.code for leaf in leaves}
    unit_of = {a.pk: a.unit.code for a in assessments}
    appraised_on = cycle.appraisal_deadline - dt.timedelta(days=3)
    explained_on = cycle.explanation_to or appraised_on
    answers = list(
        Answer.objects.filter(assessment__cycle=cycle).only("pk", "assessment_id", "node_id")
    )
    for answer in answers:
        outcome = cards[unit_of[answer.assessment_id]][code_of[answer.node_id]]
        answer.self_value = outcome.self_value
        answer.self_points = outcome.self_score.points
        answer.self_working = outcome.self_score.working[:300]
        status = AppraisalStatus.ADJUSTED if outcome.adjusted else AppraisalStatus.AGREED
        answer.appraisal_status = status.value
        answer.appraised_value = outcome.value
        answer.appraised_points = outcome.score.points
        answer.appraised_working = outcome.score.working[:300]
        answer.appraisal_reason = outcome.reason
        answer.appraised_by = appraiser
        answer.appraised_at = _at(appraised_on, 15)
        answer.explanation = outcome.explanation
        answer.explained_at = _at(explained_on, 10) if outcome.explanation else None
    _update(answers, ANSWER_FIELDS)
    for assessment in assessments:
        day = cycle.self_deadline - dt.timedelta(days=rng.randint(0, 6))
        assessment.submitted_at = _at(day, rng.randint(8, 16), rng.randrange(0, 60, 5))
        assessment.status = Status.LOCKED
        assessment.locked_at = _at(cycle.council_on or appraised_on, 16)
    Assessment.objects.bulk_update(assessments, ["submitted_at", "status", "locked_at"])
    cycle.self_closed_at = _at(cycle.self_deadline, 17)
    cycle.save(update_fields=["self_closed_at"])
