"""Who may do what in the yearly cycle (over the one permission service).

- read an assessment or a document: anyone whose role covers the commune (its officers, the
  appraisers, secretariat and council above it);
- answer and attach evidence: the commune's officers and leader; submit: the leader;
- open a cycle, set its calendar, close the self-assessment scores, reopen, assign, lock and
  unlock: the secretariat of the scope;
- appraise: an appraiser whose role covers the commune and the criterion's field, and who is
  assigned to that commune (and field) in the cycle.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from parindex.accounts.permissions import Perm, can, is_system_admin
from parindex.assessments.models import Assessment, Assignment, Cycle, Document

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from parindex.accounts.models import User

    AnyUser = User | AnonymousUser


def can_view_assessment(user: AnyUser, assessment: Assessment) -> bool:
    return can(user, Perm.VIEW_UNIT, assessment.unit)


def can_enter(user: AnyUser, assessment: Assessment) -> bool:
    return can(user, Perm.ENTER_ASSESSMENT, assessment.unit)


def can_submit(user: AnyUser, assessment: Assessment) -> bool:
    return can(user, Perm.SUBMIT_ASSESSMENT, assessment.unit)


def can_manage_cycle(user: AnyUser, cycle: Cycle) -> bool:
    return can(user, Perm.MANAGE_CAMPAIGNS, cycle.scope)


def can_view_cycle(user: AnyUser, cycle: Cycle) -> bool:
    return can(user, Perm.VIEW_UNIT, cycle.scope) or can_manage_cycle(user, cycle)


def assignments_of(user: AnyUser, assessment: Assessment) -> list[Assignment]:
    if not user.is_authenticated:
        return []
    return list(
        Assignment.objects.filter(
            cycle=assessment.cycle_id, unit=assessment.unit_id, appraiser=user
        )
    )


def can_appraise(
    user: AnyUser,
    assessment: Assessment,
    node_code: str,
    assignments: list[Assignment] | None = None,
) -> bool:
    """An appraiser of the commune's field, assigned to it in the cycle."""
    if is_system_admin(user):
        return True
    if not can(user, Perm.APPRAISE, assessment.unit, field_code=node_code):
        return False
    assignments = assignments_of(user, assessment) if assignments is None else assignments
    return any(a.covers(node_code) for a in assignments)


def can_view_document(user: AnyUser, document: Document) -> bool:
    return can(user, Perm.VIEW_UNIT, document.unit)
