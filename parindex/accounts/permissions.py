"""The one permission service: may this user do this action on this object?

Every view and API call asks `can(user, perm, obj)` (or filters with `units_where`). A role granted
on a unit covers the unit's whole subtree, and the subtrees of the units it continues (a merger's
old communes, a merged province's old tree), so earlier years stay readable by their successors.
The system administrator's role covers everything.
Objects are placed on the tree by `unit_of`: a Unit is itself, any other object names its unit.

Rules of thumb (DEVELOPERS.md): users only see and change the units their role covers; a denied
read answers 404 (we never confirm another unit's object exists), a denied write 403.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.db.models import Q

from parindex.accounts.models import Role, RoleGrant
from parindex.orgunits.models import Level, Succession, Unit, UnitQuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from parindex.accounts.models import User


class Perm(StrEnum):
    VIEW_UNIT = "view_unit"
    MANAGE_UNITS = "manage_units"
    VIEW_AUDIT = "view_audit"
    MANAGE_USERS = "manage_users"
    MANAGE_FRAMEWORKS = "manage_frameworks"
    MANAGE_CAMPAIGNS = "manage_campaigns"
    ENTER_ASSESSMENT = "enter_assessment"
    SUBMIT_ASSESSMENT = "submit_assessment"
    APPRAISE = "appraise"
    APPROVE_PUBLICATION = "approve_publication"
    VIEW_RESULTS = "view_results"


ROLE_PERMS: dict[str, frozenset[Perm]] = {
    Role.SYSTEM_ADMIN: frozenset(Perm),
    Role.SECRETARIAT: frozenset(
        {
            Perm.VIEW_UNIT,
            Perm.MANAGE_UNITS,
            Perm.VIEW_AUDIT,
            Perm.MANAGE_USERS,
            Perm.MANAGE_FRAMEWORKS,
            Perm.MANAGE_CAMPAIGNS,
            Perm.VIEW_RESULTS,
        }
    ),
    Role.APPRAISER: frozenset({Perm.VIEW_UNIT, Perm.APPRAISE, Perm.VIEW_RESULTS, Perm.VIEW_AUDIT}),
    Role.COUNCIL: frozenset({Perm.VIEW_UNIT, Perm.APPROVE_PUBLICATION, Perm.VIEW_RESULTS}),
    Role.COMMUNE_LEADER: frozenset(
        {
            Perm.VIEW_UNIT,
            Perm.ENTER_ASSESSMENT,
            Perm.SUBMIT_ASSESSMENT,
            Perm.VIEW_RESULTS,
            Perm.VIEW_AUDIT,
        }
    ),
    Role.COMMUNE_OFFICER: frozenset(
        {Perm.VIEW_UNIT, Perm.ENTER_ASSESSMENT, Perm.VIEW_RESULTS, Perm.VIEW_AUDIT}
    ),
    Role.VIEWER: frozenset({Perm.VIEW_UNIT, Perm.VIEW_RESULTS}),
}

# The levels on which each role may be granted (commune roles sit on a commune; appraisers and the
# secretariat on the level above; the system administrator anywhere, usually a province).
ROLE_LEVELS: dict[str, frozenset[str]] = {
    Role.SYSTEM_ADMIN: frozenset({Level.PROVINCE, Level.DISTRICT, Level.COMMUNE}),
    Role.SECRETARIAT: frozenset({Level.PROVINCE, Level.DISTRICT}),
    Role.APPRAISER: frozenset({Level.PROVINCE, Level.DISTRICT}),
    Role.COUNCIL: frozenset({Level.PROVINCE, Level.DISTRICT}),
    Role.COMMUNE_LEADER: frozenset({Level.COMMUNE}),
    Role.COMMUNE_OFFICER: frozenset({Level.COMMUNE}),
    Role.VIEWER: frozenset({Level.PROVINCE, Level.DISTRICT, Level.COMMUNE}),
}

_CACHE_ATTR = "_parindex_grants"


def active_grants(user: User | AnonymousUser) -> list[RoleGrant]:
    """The user's active grants, loaded once per user object (so once per request).

    Each grant carries `cover_paths`: the paths of its unit and of every unit it continues.
    """
    if not user.is_authenticated or not user.is_active:
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(RoleGrant.objects.active().filter(user=user).select_related("unit"))
        for grant in cached:
            grant.cover_paths = _lineage_paths(grant.unit)  # type: ignore[attr-defined]
        setattr(user, _CACHE_ATTR, cached)
    return cached


def _lineage_paths(unit: Unit) -> tuple[str, ...]:
    """The unit's path and those of all units it continues, transitively.

    One query a generation of mergers.
    """
    paths = [unit.path]
    seen = {unit.pk}
    frontier = [unit.pk]
    while frontier:
        rows = list(
            Succession.objects.filter(successor_id__in=frontier)
            .exclude(predecessor_id__in=seen)
            .values_list("predecessor_id", "predecessor__path")
        )
        frontier = []
        for pk, path in rows:
            if pk not in seen:
                seen.add(pk)
                frontier.append(pk)
                paths.append(path)
    return tuple(paths)


def _covers(grant: RoleGrant, unit: Unit) -> bool:
    return bool(unit.path) and any(
        unit.path.startswith(path)
        for path in grant.cover_paths  # type: ignore[attr-defined]
    )


def forget_grants(user: User) -> None:
    """Drop the cached grants after a change to them."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def is_system_admin(user: User | AnonymousUser) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return bool(user.is_superuser) or any(g.role == Role.SYSTEM_ADMIN for g in active_grants(user))


def unit_of(obj: Any) -> Unit | None:
    """The unit an object belongs to: a Unit is itself; others carry `unit` or `permission_unit`."""
    if isinstance(obj, Unit):
        return obj
    getter = getattr(obj, "permission_unit", None)
    if callable(getter):
        unit = getter()
        return unit if isinstance(unit, Unit) else None
    unit = getattr(obj, "unit", None)
    return unit if isinstance(unit, Unit) else None


def roles_for(user: User | AnonymousUser) -> set[str]:
    roles = {g.role for g in active_grants(user)}
    if user.is_authenticated and user.is_superuser:
        roles.add(Role.SYSTEM_ADMIN)
    return roles


def has_perm_anywhere(user: User | AnonymousUser, perm: Perm) -> bool:
    """May the user do `perm` on at least one unit? (For menus and list pages.)"""
    if is_system_admin(user):
        return True
    return any(perm in ROLE_PERMS[g.role] for g in active_grants(user))


def can(user: User | AnonymousUser, perm: Perm, obj: Any, *, field_code: str | None = None) -> bool:
    """May `user` do `perm` on `obj`? `field_code` narrows an appraiser's field-limited grant."""
    if is_system_admin(user):
        return True
    unit = unit_of(obj)
    if unit is None:
        return False
    for grant in active_grants(user):
        if perm not in ROLE_PERMS[grant.role]:
            continue
        if not _covers(grant, unit):
            continue
        if (
            field_code is not None
            and grant.field_codes
            and not any(
                field_code == code or field_code.startswith(f"{code}.")
                for code in grant.field_codes
            )
        ):
            continue
        return True
    return False


def units_where(user: User | AnonymousUser, perm: Perm) -> UnitQuerySet:
    """Every unit on which `user` may do `perm` (the subtrees of the matching grants)."""
    if is_system_admin(user):
        return Unit.objects.all()
    roots = {
        path
        for g in active_grants(user)
        if perm in ROLE_PERMS[g.role]
        for path in g.cover_paths  # type: ignore[attr-defined]
    }
    if not roots:
        return Unit.objects.none()
    condition = Q()
    for root in sorted(roots):
        condition |= Q(path__startswith=root)
    return Unit.objects.filter(condition)


def can_grant_role(user: User | AnonymousUser, role: str, unit: Unit) -> bool:
    """Who may hand out which role where.

    The system administrator grants anything. A secretariat grants, inside its subtree, every role
    but system administrator and secretariat (it cannot multiply its own powers).
    """
    if role not in ROLE_LEVELS or unit.level not in ROLE_LEVELS[role]:
        return False
    if is_system_admin(user):
        return True
    if role in {Role.SYSTEM_ADMIN, Role.SECRETARIAT}:
        return False
    return can(user, Perm.MANAGE_USERS, unit)


def can_manage_user(user: User | AnonymousUser, target: User) -> bool:
    """A user manager manages the accounts that belong to a unit in their scope.

    Nobody but a system administrator manages a system administrator or an account of no unit.
    """
    if is_system_admin(user):
        return True
    if target.unit is None or is_system_admin(target):
        return False
    return can(user, Perm.MANAGE_USERS, target.unit)


def concerning(user: User | AnonymousUser, path_field: str) -> Q | None:
    """A filter for objects whose unit (its path at `path_field`) concerns the user: a unit the
    user's roles cover, or one above the units they sit on (the province that runs their index).
    None when the user has no role."""
    if is_system_admin(user):
        return Q()
    paths = {path for g in active_grants(user) for path in g.cover_paths}  # type: ignore[attr-defined]
    if not paths:
        return None
    condition = Q()
    for path in sorted(paths):
        condition |= Q(**{f"{path_field}__startswith": path})
    ancestors = {a for path in paths for a in ancestor_paths(path)}
    return condition | Q(**{f"{path_field}__in": sorted(ancestors)})


def ancestor_paths(path: str) -> list[str]:
    """'/00000001/00000007/' -> ['/00000001/', '/00000001/00000007/']: the unit's and its
    ancestors' paths."""
    return [path[: i + 1] for i, ch in enumerate(path) if ch == "/" and i]
