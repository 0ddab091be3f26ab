"""Who reads and who changes campaigns and nominations.

- A campaign is read by the roles covering its issuer (secretariat, appraisers, council, viewers)
  and by the people of the units that compete in it (the communes of its scope); a draft only by
  those who manage it. The eligibility of every candidate is read from published results, which
  are public anyway.
- The secretariat of the issuer (`MANAGE_CAMPAIGNS`) creates and changes the campaign, its rules
  and targets, and closes it.
- A commune's leader and officers (`ENTER_ASSESSMENT` on the commune) nominate, attach the
  documents and submit.
- The council (`APPROVE_PUBLICATION` on the issuer) records votes and decides.
- A nomination is read by the roles covering the nominating unit (so the province's, and the
  commune's own people, not another commune's).
A read out of reach is a 404, a write a 403.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone

from parindex.accounts.permissions import Perm, can, units_where
from parindex.awards.models import Campaign, CampaignStatus, Nomination
from parindex.orgunits.models import Level

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from parindex.accounts.models import User
    from parindex.orgunits.models import Unit, UnitQuerySet

    AnyUser = User | AnonymousUser


def may_manage(user: AnyUser, campaign: Campaign) -> bool:
    return can(user, Perm.MANAGE_CAMPAIGNS, campaign.issuer)


def may_review(user: AnyUser, campaign: Campaign) -> bool:
    return can(user, Perm.APPROVE_PUBLICATION, campaign.issuer)


def sees_all(user: AnyUser, campaign: Campaign) -> bool:
    """The issuer's roles see every nomination; the communes their own."""
    return can(user, Perm.VIEW_UNIT, campaign.issuer)


def competing_units(user: AnyUser, campaign: Campaign, perm: Perm = Perm.VIEW_UNIT) -> UnitQuerySet:
    """The communes of the campaign's scope on which the user holds `perm` (valid today)."""
    today = timezone.localdate()
    return (
        units_where(user, perm)
        .filter(path__startswith=campaign.scope.path, level=Level.COMMUNE)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .order_by("name")
    )


def may_read(user: AnyUser, campaign: Campaign) -> bool:
    if campaign.status == CampaignStatus.DRAFT:
        return may_manage(user, campaign)
    return sees_all(user, campaign) or competing_units(user, campaign).exists()


def nominating_units(user: AnyUser, campaign: Campaign) -> UnitQuerySet:
    """The communes for which the user may nominate in this campaign."""
    return competing_units(user, campaign, Perm.ENTER_ASSESSMENT)


def may_nominate(user: AnyUser, campaign: Campaign) -> bool:
    return campaign.status != CampaignStatus.DRAFT and nominating_units(user, campaign).exists()


def may_read_nomination(user: AnyUser, nomination: Nomination) -> bool:
    return may_read(user, nomination.campaign) and can(user, Perm.VIEW_UNIT, nomination.unit)


def may_edit_nomination(user: AnyUser, nomination: Nomination) -> bool:
    return can(user, Perm.ENTER_ASSESSMENT, nomination.unit)


# --- view guards ---------------------------------------------------------------------------------


def _user(request: HttpRequest) -> Any:
    return request.user


def campaign_for_read(request: HttpRequest, pk: int) -> Campaign:
    campaign = get_object_or_404(
        Campaign.objects.select_related("issuer", "scope", "cycle__scope"), pk=pk
    )
    if not may_read(_user(request), campaign):
        raise Http404
    return campaign


def campaign_for_manage(request: HttpRequest, pk: int) -> Campaign:
    campaign = campaign_for_read(request, pk)
    if not may_manage(_user(request), campaign):
        raise PermissionDenied
    return campaign


def campaign_for_scope(request: HttpRequest, pk: int) -> Campaign:
    """The review and the decision list: the issuer's roles only."""
    campaign = campaign_for_read(request, pk)
    if not sees_all(_user(request), campaign):
        raise PermissionDenied
    return campaign


def nomination_for_read(request: HttpRequest, pk: int) -> Nomination:
    nomination = get_object_or_404(
        Nomination.objects.select_related(
            "campaign__issuer", "campaign__scope", "campaign__cycle", "unit", "nominee_unit"
        ),
        pk=pk,
    )
    if not may_read_nomination(_user(request), nomination):
        raise Http404
    return nomination


def nomination_for_edit(request: HttpRequest, pk: int) -> Nomination:
    nomination = nomination_for_read(request, pk)
    if not may_edit_nomination(_user(request), nomination):
        raise PermissionDenied
    return nomination


def nomination_for_review(request: HttpRequest, pk: int) -> Nomination:
    nomination = nomination_for_read(request, pk)
    if not may_review(_user(request), nomination.campaign):
        raise PermissionDenied
    return nomination


def offices_of(unit: Unit) -> UnitQuerySet:
    """The unit and its offices: what a collective nomination may name."""
    from parindex.orgunits.models import Unit

    return Unit.objects.filter(Q(pk=unit.pk) | Q(parent=unit, level=Level.OFFICE)).order_by("path")
