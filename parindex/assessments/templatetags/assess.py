"""Template helpers of the assessment pages."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get(mapping: Any, key: str) -> Any:
    """mapping[key], or "" (for answers stored as dicts)."""
    if isinstance(mapping, dict):
        value = mapping.get(key, "")
        return "" if value is None else value
    return ""


@register.filter
def shown(item: Any, value: Any) -> str:
    """An answer for reading ("Có", "6 / 7", the level's name)."""
    return str(item.shown(value))
