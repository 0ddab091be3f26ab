"""What each user must do next: the cards on the home page, by role and scope.

Each feature adds its own steps here (self-assessment due, appraisal waiting, plan tasks late ...).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from parindex.accounts.models import Role, RoleGrant
from parindex.accounts.permissions import Perm, has_perm_anywhere, roles_for, units_where
from parindex.orgunits.models import Level

if TYPE_CHECKING:
    from parindex.accounts.models import User


@dataclass(frozen=True)
class Step:
    title: str
    body: str
    url: str = ""
    link_text: str = ""
    tone: str = "info"  # info | todo | done


def next_steps(user: User) -> list[Step]:
    steps: list[Step] = []
    today = timezone.localdate()
    roles = roles_for(user)
    if not roles:
        return [
            Step(
                _("No role yet"),
                _(
                    "Your account has no role on any unit. Ask your unit's PAR administrator to "
                    "grant you one."
                ),
            )
        ]
    if has_perm_anywhere(user, Perm.MANAGE_USERS):
        communes = units_where(user, Perm.MANAGE_USERS).valid_on(today).filter(level=Level.COMMUNE)
        officer = RoleGrant.objects.active().filter(
            unit=OuterRef("pk"), role__in=[Role.COMMUNE_OFFICER, Role.COMMUNE_LEADER]
        )
        missing = communes.exclude(Exists(officer)).count()
        if missing:
            steps.append(
                Step(
                    _("Communes without an account"),
                    ngettext(
                        "%(n)d commune has no commune officer or leader yet.",
                        "%(n)d communes have no commune officer or leader yet.",
                        missing,
                    )
                    % {"n": missing},
                    reverse("accounts:user_create"),
                    _("Create accounts"),
                    "todo",
                )
            )
        else:
            steps.append(
                Step(
                    _("Accounts"),
                    _("Every commune in your scope has an officer or leader account."),
                    reverse("accounts:user_list"),
                    _("Manage accounts"),
                    "done",
                )
            )
    if has_perm_anywhere(user, Perm.MANAGE_UNITS):
        steps.append(
            Step(
                _("Administrative units"),
                _("Keep the unit list current: import a list from Excel or CSV, record mergers."),
                reverse("orgunits:import"),
                _("Import units"),
            )
        )
    steps.extend(_framework_steps(user, roles))
    steps.extend(_assessment_steps(user, roles))
    if Role.COUNCIL in roles:
        steps.append(
            Step(
                _("Council"),
                _("Results waiting for the council's approval will appear here."),
            )
        )
    if not steps and has_perm_anywhere(user, Perm.VIEW_UNIT):
        count = (
            units_where(user, Perm.VIEW_UNIT).valid_on(today).filter(level=Level.COMMUNE).count()
        )
        steps.append(
            Step(
                _("Your units"),
                ngettext(
                    "Your role covers %(n)d commune. Results will appear here once published.",
                    "Your role covers %(n)d communes. Results will appear here once published.",
                    count,
                )
                % {"n": count},
                reverse("orgunits:list"),
                _("See the units"),
            )
        )
    if has_perm_anywhere(user, Perm.VIEW_AUDIT):
        steps.append(
            Step(
                _("Audit trail"),
                _("Every change to scores, locks, roles and units is recorded."),
                reverse("audit:list"),
                _("Open the audit trail"),
            )
        )
    return steps


def _framework_steps(user: User, roles: set[str]) -> list[Step]:
    """The criteria framework: the secretariat publishes it, the communes read it."""
    from django.db.models import Count, Q

    from parindex.frameworks.models import Status
    from parindex.frameworks.permissions import visible_frameworks

    counts = visible_frameworks(user).aggregate(
        published=Count("pk", filter=Q(status=Status.PUBLISHED)),
        drafts=Count("pk", filter=Q(status=Status.DRAFT)),
    )
    if has_perm_anywhere(user, Perm.MANAGE_FRAMEWORKS):
        if not counts["published"]:
            return [
                Step(
                    _("Criteria framework"),
                    _(
                        "No framework is published for your units yet: import the province's "
                        "framework from Excel or YAML, check it and publish it before the "
                        "self-assessment opens."
                    ),
                    reverse("frameworks:import"),
                    _("Import a framework"),
                    "todo",
                )
            ]
        return [
            Step(
                _("Criteria framework"),
                _("%(p)d published, %(d)d draft(s) in progress.")
                % {"p": counts["published"], "d": counts["drafts"]},
                reverse("frameworks:list"),
                _("See the frameworks"),
                "done",
            )
        ]
    if roles & {Role.COMMUNE_OFFICER, Role.COMMUNE_LEADER} and counts["published"]:
        return [
            Step(
                _("Criteria framework"),
                _(
                    "Read the criteria your commune is scored against: the points, how each is "
                    "scored and the documents to attach."
                ),
                reverse("frameworks:list"),
                _("Read the criteria"),
            )
        ]
    return []


def _assessment_steps(user: User, roles: set[str]) -> list[Step]:
    """The cycle: a commune's self-assessment, an appraiser's communes, the secretariat's board."""
    from django.db.models import Count, Q

    from parindex.assessments.models import AppraisalStatus, Assessment, Assignment, Status
    from parindex.assessments.selectors import visible_cycles

    steps: list[Step] = []
    if roles & {Role.COMMUNE_OFFICER, Role.COMMUNE_LEADER}:
        mine = (
            Assessment.objects.filter(unit__in=units_where(user, Perm.ENTER_ASSESSMENT))
            .exclude(status=Status.LOCKED)
            .select_related("unit", "cycle")
            .annotate(
                total=Count("answers", filter=~Q(answers__node__source__startswith="survey")),
                done=Count(
                    "answers",
                    filter=Q(answers__self_points__isnull=False)
                    & ~Q(answers__node__source__startswith="survey"),
                ),
            )
            .order_by("-cycle__year")[:3]
        )
        for a in mine:
            steps.append(
                Step(
                    _("Self-assessment %(year)s") % {"year": a.cycle.year},
                    _("%(unit)s: %(done)d of %(total)d criteria answered; deadline %(day)s.")
                    % {
                        "unit": a.unit.name,
                        "done": a.done,  # type: ignore[attr-defined]
                        "total": a.total,  # type: ignore[attr-defined]
                        "day": a.cycle.self_deadline.strftime("%d/%m/%Y"),
                    },
                    reverse("assessments:assessment", args=[a.pk]),
                    _("Open the self-assessment"),
                    "todo" if a.status == Status.DRAFT else "done",
                )
            )
        if not steps:
            steps.append(
                Step(
                    _("Self-assessment"),
                    _(
                        "The self-assessment of your commune will appear here when the "
                        "secretariat opens the year's assessment."
                    ),
                )
            )
    if Role.APPRAISER in roles:
        assigned = Assignment.objects.filter(appraiser=user)
        pending = (
            Assessment.objects.filter(
                status=Status.APPRAISING,
                unit__in=assigned.values("unit"),
                cycle__in=assigned.values("cycle"),
                answers__appraisal_status__in=[AppraisalStatus.PENDING, AppraisalStatus.QUESTIONED],
            )
            .distinct()
            .count()
        )
        steps.append(
            Step(
                _("Appraisal"),
                _("%(n)d of your communes have criteria to appraise.") % {"n": pending}
                if assigned.exists()
                else _("Self-assessments submitted by the communes you appraise will appear here."),
                reverse("assessments:cycles") if assigned.exists() else "",
                _("Go to the cycles"),
                "todo" if pending else "info",
            )
        )
    if has_perm_anywhere(user, Perm.MANAGE_CAMPAIGNS):
        cycle = visible_cycles(user).order_by("-year").first()
        if cycle is None:
            steps.append(
                Step(
                    _("Assessment cycle"),
                    _("Open the year's cycle once the framework is published."),
                    reverse("assessments:cycle_create"),
                    _("Open a cycle"),
                    "todo",
                )
            )
        else:
            steps.append(
                Step(
                    cycle.name,
                    _("Follow every commune's progress on one board."),
                    reverse("assessments:cycle", args=[cycle.pk]),
                    _("Open the board"),
                )
            )
    return steps
