"""Vietnamese number formatting for scores: 91,84 and 91,84/100."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

register = template.Library()


@register.filter
def points(value: object, places: int = 2) -> str:
    """A score with exactly `places` decimals, rounded half up, in the active language's format."""
    if value is None or value == "":
        return "—"
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    quantum = Decimal(1).scaleb(-int(places))
    return number_format(
        number.quantize(quantum, rounding=ROUND_HALF_UP), int(places), force_grouping=True
    )


@register.filter
def out_of(value: object, maximum: object) -> str:
    """'91,84/100': a score over its maximum, the maximum without needless decimals."""
    try:
        top = Decimal(str(maximum))
    except InvalidOperation:
        return points(value)
    top_text = (
        number_format(top.normalize(), 0, force_grouping=True)
        if top == top.to_integral()
        else points(top)
    )
    return f"{points(value)}/{top_text}"


# How audit values read: field names and coded values in the user's language.
FIELD_LABELS = {
    "username": _("username"),
    "full_name": _("full name"),
    "unit": _("unit"),
    "role": _("role"),
    "field_codes": _("limited to fields"),
    "is_active": _("active"),
    "code": _("code"),
    "name": _("name"),
    "kind": _("kind"),
    "parent": _("parent unit"),
    "valid_from": _("valid from"),
    "valid_to": _("valid to"),
    "predecessor": _("old unit"),
    "successor": _("new unit"),
    "effective_on": _("effective on"),
    "legal_basis": _("legal basis"),
    "file": _("file"),
    "created": _("created"),
    "updated": _("updated"),
    "ip": _("IP address"),
}


def _coded(key: str, value: object) -> object:
    from parindex.accounts.models import Role
    from parindex.orgunits.models import Kind

    choices = {"role": Role, "kind": Kind}.get(key)
    if choices is not None and value in choices.values:
        return choices(value).label
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    return value


@register.filter
def change(value: object) -> str:
    """An audit value for reading.

    {"name": "X", "unit": {"id": 3, "repr": "Xã Y"}} -> "tên: X · đơn vị: Xã Y".
    """
    if value is None:
        return "—"
    if isinstance(value, dict):
        if set(value) == {"id", "repr"}:
            return str(value["repr"])
        return " · ".join(
            f"{FIELD_LABELS.get(k, k)}: {change(_coded(k, v))}" for k, v in value.items()
        )
    if isinstance(value, list):
        return ", ".join(change(v) for v in value) or "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if value == "":
        return "—"
    return str(value)


@register.filter
def num(value: object) -> str:
    """A number with only the decimals it needs, the active language's way: 0,5 · 12 · 7,25."""
    if value is None or value == "":
        return "—"
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    places = 0 if number == number.to_integral() else -number.normalize().as_tuple().exponent  # type: ignore[operator]
    return number_format(number, min(int(places), 2), force_grouping=True)


@register.filter
def delta(now: object, before: object) -> str:
    """A change with its sign and 2 decimals, the Vietnamese way: +1,25 · −0,50 · 0."""
    try:
        difference = Decimal(str(now)) - Decimal(str(before))
    except InvalidOperation:
        return "—"
    if difference == 0:
        return "0"
    sign = "+" if difference > 0 else "−"
    return f"{sign}{points(abs(difference))}"


@register.filter
def share(value: object, maximum: object) -> Decimal:
    """value ÷ maximum × 100, 2 places half up (0 when the maximum is 0)."""
    try:
        top = Decimal(str(maximum))
        number = Decimal(str(value))
    except InvalidOperation:
        return Decimal(0)
    if top == 0:
        return Decimal(0)
    return (number * 100 / top).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@register.filter
def get(mapping: object, key: object) -> object:
    """mapping[key] in a template ('' when missing): {{ names|get:code }}."""
    if isinstance(mapping, dict):
        return mapping.get(key, key if isinstance(key, str) else "")
    return ""
