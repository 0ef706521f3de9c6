"""Figures and the criterion-page summary of criteria 5 and 7."""

from __future__ import annotations

from typing import Any

from django import template

from boussole.web.footprint import display, selectors

register = template.Library()


@register.filter
def figure(value: Any, digits: int = 3) -> str:
    """A figure with three significant digits (or ``digits``), in the active language."""
    return display.figure(value, int(digits))


@register.simple_tag
def footprint_summary(case: Any, number: int) -> selectors.CriterionSummary:
    """What the criterion page shows of the calculator (5) or the comparison (7): ≤ 2 queries."""
    return selectors.criterion_summary(case, int(number))


@register.filter
def check_status(checks: dict[str, Any], code: str) -> str:
    """``met``, ``not_met`` or ``unknown`` for one doctrine check of a stored result."""
    value = (checks or {}).get(code)
    return "unknown" if value is None else ("met" if value else "not_met")


@register.filter
def get(mapping: Any, key: str) -> Any:
    """``mapping[key]``, or an empty string."""
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""
