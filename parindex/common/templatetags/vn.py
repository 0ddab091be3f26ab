"""Vietnamese number formatting for scores: 91,84 and 91,84/100."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format

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
    return number_format(number.quantize(quantum, rounding=ROUND_HALF_UP), int(places))


@register.filter
def out_of(value: object, maximum: object) -> str:
    """'91,84/100': a score over its maximum, the maximum without needless decimals."""
    try:
        top = Decimal(str(maximum))
    except InvalidOperation:
        return points(value)
    top_text = number_format(top.normalize(), 0) if top == top.to_integral() else points(top)
    return f"{points(value)}/{top_text}"


@register.filter
def change(value: object) -> str:
    """An audit value for reading.

    {"name": "X", "unit": {"id": 3, "repr": "Xã Y"}} -> "name: X · unit: Xã Y".
    """
    if value is None:
        return "—"
    if isinstance(value, dict):
        if set(value) == {"id", "repr"}:
            return str(value["repr"])
        return " · ".join(f"{k}: {change(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(change(v) for v in value) or "—"
    if value == "":
        return "—"
    return str(value)
