"""Helpers shared by the case pages' views (``views``, ``profile_views``): the request's
user, htmx detection, posted answers, who may answer what, refused steps' summaries and the
legal panel's context. A leaf of the views: it imports none of them."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from boussole.core.access import Abilities
from boussole.core.grid import Fact, Question
from boussole.web.accounts.models import User
from boussole.web.cases import legal, selectors


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 — guaranteed by @login_required
    return user


def _posted_value(item: Question | Fact, data: Any, prefix: str = "") -> Any:
    """The posted answer as the core validates it: "je ne sais pas" together with a value is
    passed on as both, so that the core refuses it rather than one being silently dropped.
    ``prefix``: before the field names, in a form holding several answers (a profile step)."""
    values = [v for v in data.getlist(f"{prefix}value") if v != "nsp"]
    unknown = bool(data.get(f"{prefix}nsp")) or "nsp" in data.getlist(f"{prefix}value")
    if item.type == "multiple_choice":
        return ["nsp", *values] if unknown else values
    given = [v for v in values if v.strip()]
    if unknown:
        return ["nsp", *given] if given else "nsp"
    return values[-1] if values else ""


def _can_answer(user: User, case: Any, abilities: Abilities, answers: dict[str, Any]) -> Any:
    def check(item: Question | Fact) -> bool:
        current = answers.get(item.id)
        return abilities.can_answer_item(
            is_fact=isinstance(item, Fact), criterion=getattr(item, "criterion", None),
            vendor_item=isinstance(item, Question) and item.vendor,
            answered_by_viewer=None if current is None else current.answered_by_id == user.pk)
    return check


def _field_id(view: selectors.ItemView) -> str:
    """The id of the first input of an answer (where the error summary's link leads)."""
    if view.item.type in ("text", "number", "date"):
        return f"v-{view.id}"
    return f"v-{view.id}-0"


def _step_summary(views: list[selectors.ItemView]) -> list[dict[str, str]]:
    """The error summary of a refused step: each refused answer, then each one in conflict,
    linked to its field."""
    summary = [{"field": _field_id(v), "label": v.label, "message": v.error}
               for v in views if v.error]
    summary += [{"field": _field_id(v), "label": v.label,
                 "message": _("modifiée entre-temps par %(name)s : relisez la version "
                              "enregistrée.") % {"name": v.conflict.answered_by}}
                for v in views if v.conflict is not None]
    return summary


def _legal_context(case: Any, profile_page: bool = False, open_group: str = "",
                   facts: dict[str, Any] | None = None) -> dict[str, Any]:
    """The legal panel's context; ``profile_page``: with how far the profile is answered, so
    that the panel folds the potential points while few facts are answered; ``open_group``:
    a group of flags asked for, shown whole (see :func:`legal.open_groups`)."""
    facts = legal.case_facts(case) if facts is None else facts  # given: already read
    evaluation = legal.case_evaluation(case, facts)  # a read: the services keep the levels
    assessment = legal.current_assessment(case)
    standing = legal.red_line_with(evaluation, assessment)  # the assessment already read
    flags = legal.grouped_flags(evaluation)
    context = {"legal": flags, "evaluation": evaluation,
               "red_line": legal.red_line_view(case, standing),
               "assessment": assessment, "changes": legal.changes_since(assessment, evaluation),
               "open_groups": legal.open_groups(flags["groups"], open_group,
                                                profile_page=profile_page)}
    if profile_page:
        context["panel"] = legal.profile_panel(case, facts)
    return context
