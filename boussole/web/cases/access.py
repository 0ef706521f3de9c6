"""The abilities of a user on a case, read by services, views and templates alike."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from boussole.core.access import Abilities, abilities
from boussole.web.accounts.models import User
from boussole.web.cases.models import Assignment, Case
from boussole.web.grids import grid_for


def case_abilities(user: User, case: Case, *,
                   assigned: frozenset[int] | None = None) -> Abilities:
    if not user.is_authenticated:
        return Abilities()
    grid = grid_for(case.grid_id, case.grid_version)
    if assigned is None:
        assigned = frozenset(Assignment.objects.filter(case=case, user=user)
                             .values_list("criterion", flat=True))
    return abilities(
        role=user.role, domain=user.domain, state=case.state,
        is_lead=case.lead_id == user.pk or case.created_by_id == user.pk,
        is_vendor_of_case=case.vendor_account_id == user.pk,
        assigned_criteria=assigned,
        criterion_referents={c.number: c.referents for c in grid.criteria},
        same_organisation=user.organisation_id == case.organisation_id,
    )


def require(ability: Abilities, action: str, message: str) -> None:
    """Raise PermissionDenied (HTTP 403 with a French message) unless ``action`` is allowed."""
    if not ability.can(action):
        raise PermissionDenied(message)
