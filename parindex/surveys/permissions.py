"""Who may do what in the surveys, over the one permission service (`accounts.permissions`).

- Questionnaires are shared reference data: every signed-in user reads them; a user who manages
  campaigns somewhere uploads, copies and edits them — but edits only one whose campaigns are all
  in scopes they manage (a questionnaire another province's campaign uses is not theirs to change).
- Paper forms of a campaign are keyed in by the scope's secretariat (MANAGE_CAMPAIGNS), by the
  users the campaign names (`Campaign.enterers`), and, when the campaign lets communes key in their
  own forms, by a commune's officers (ENTER_ASSESSMENT on the commune) for their communes only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from parindex.accounts.permissions import Perm, can, has_perm_anywhere

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from parindex.accounts.models import User
    from parindex.surveys.models import Campaign, Questionnaire


def can_manage_questionnaires(user: User | AnonymousUser) -> bool:
    return has_perm_anywhere(user, Perm.MANAGE_CAMPAIGNS)


def can_edit_questionnaire(user: User | AnonymousUser, questionnaire: Questionnaire) -> bool:
    """May `user` change this questionnaire (frozen or not: the action refuses a frozen one)?"""
    from parindex.surveys.models import Campaign

    if not can_manage_questionnaires(user):
        return False
    scopes = Campaign.objects.filter(questionnaire=questionnaire).select_related("scope")
    return all(can(user, Perm.MANAGE_CAMPAIGNS, c.scope) for c in scopes)


def paper_units(user: User | AnonymousUser | None, campaign: Campaign) -> set[int] | None:
    """The communes (ids) whose paper forms `user` may key into the campaign.

    None means every commune of the campaign (the secretariat, a named enterer, or `None` for the
    system itself: the background worker and the commands); an empty set means none.
    """
    if user is None:
        return None
    if can(user, Perm.MANAGE_CAMPAIGNS, campaign.scope):
        return None
    if user.is_authenticated and campaign.enterers.filter(pk=user.pk).exists():
        return None
    if not campaign.communes_enter_own:
        return set()
    from parindex.surveys.actions import campaign_communes

    return {
        unit.pk
        for unit in campaign_communes(campaign).values()
        if can(user, Perm.ENTER_ASSESSMENT, unit)
    }


def can_enter_paper(user: User | AnonymousUser | None, campaign: Campaign) -> bool:
    allowed = paper_units(user, campaign)
    return allowed is None or bool(allowed)
