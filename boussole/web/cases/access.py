"""The abilities of a user on a case, read by services, views and templates alike.

The rules live in the core (:mod:`boussole.core.access`, :mod:`boussole.core.workflow`); this
module only reads what they need from the database."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from boussole.core.access import Abilities, abilities, assignment_problem
from boussole.core.errors import Forbidden
from boussole.core.grid import Fact, Question
from boussole.web.accounts.models import User
from boussole.web.cases.models import Answer, Assignment, Case
from boussole.web.grids import grid_for


def is_lead(user: User, case: Case) -> bool:
    """The user leads the case (or created it)."""
    return bool(user.pk) and (case.lead_id == user.pk or case.created_by_id == user.pk)


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
        is_lead=is_lead(user, case),
        is_vendor_of_case=case.vendor_account_id == user.pk,
        assigned_criteria=assigned,
        criterion_referents={c.number: c.referents for c in grid.criteria},
        same_organisation=user.organisation_id == case.organisation_id,
    )


def require(ability: Abilities, action: str, message: str) -> None:
    """Raise PermissionDenied (HTTP 403 with a French message) unless ``action`` is allowed."""
    if not ability.can(action):
        raise PermissionDenied(message)


def require_internal(user: User, case: Case, *,
                     assigned: frozenset[int] | None = None) -> Abilities:
    """The user's abilities, or 403 for a page or record internal to the organisation (the
    vendor sees only its questionnaire). ``assigned``: as for :func:`case_abilities`."""
    ability = case_abilities(user, case, assigned=assigned)
    if not ability.internal:
        raise PermissionDenied(_("Cette page est réservée aux personnes de l'organisation."))
    return ability


def require_assignment(user: User, case: Case, criterion: int, assignee: User) -> None:
    """403 unless the user may name (or remove) ``assignee`` on ``criterion`` (core rule)."""
    grid = grid_for(case.grid_id, case.grid_version)
    problem = assignment_problem(
        role=user.role, domain=user.domain, state=case.state, is_lead=is_lead(user, case),
        criterion=criterion, assignee_role=assignee.role, assignee_domain=assignee.domain,
        assignee_is_self=assignee.pk == user.pk,
        criterion_referents={c.number: c.referents for c in grid.criteria},
        same_organisation=user.organisation_id == case.organisation_id,
        assignee_same_organisation=assignee.organisation_id == case.organisation_id)
    if problem is not None:
        raise PermissionDenied(problem)


def ensure_allowed(user: User, case: Case, action: str, *, criterion: int | None = None,
                   item: Question | Fact | None = None) -> None:
    """Defence in depth for the services: refuse (:class:`Forbidden`) a change the core's
    abilities do not allow, whatever the entry point. ``item`` is the question or fact
    answered; ``criterion`` the criterion of an opinion."""
    ability = case_abilities(user, case)
    if action == "answer" and item is not None:
        stored = list(Answer.objects.filter(case=case, item_id=item.id)
                      .values_list("answered_by_id", flat=True)[:1])
        allowed = ability.can_answer_item(
            is_fact=isinstance(item, Fact), criterion=getattr(item, "criterion", None),
            vendor_item=isinstance(item, Question) and item.vendor,
            answered_by_viewer=(stored[0] == user.pk) if stored else None)
    elif action == "give_opinion" and criterion is not None:
        allowed = ability.can("give_opinion") and ability.can_give_opinion(criterion)
    else:
        allowed = ability.can(action)
    if not allowed:
        raise Forbidden(_("Votre rôle ou votre place dans ce dossier ne permet pas cette "
                          "action."))
