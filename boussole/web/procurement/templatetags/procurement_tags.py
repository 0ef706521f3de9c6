"""Template filters of the procurement pages."""

from __future__ import annotations

from typing import Any

from django import template

from boussole.core.procurement.consultation import may_view

register = template.Library()


@register.filter
def sees_consultations(user: Any, case: Any = None) -> bool:
    """Whether the case's navigation offers « Marché public » to this person (the core's
    rule: the case's group; not the elected officials, staff representatives or vendors)."""
    is_lead = case is not None and getattr(case, "lead_id", None) == getattr(user, "pk", None)
    return may_view(role=getattr(user, "role", ""), is_lead=is_lead)
