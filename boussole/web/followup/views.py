"""The « Suivi » page of a case: the plan's reviews (conclusion form for the person in
charge, schedule changes with a reason), the events and the form to record one. Thin: the
inputs are read by :mod:`.forms`, the rules are the core's (:mod:`boussole.core.followup`),
the writes :mod:`.services`'. Every form works without JavaScript; a refused form comes back
with every value kept, the error summary at the top and each message at its field."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from boussole.core import followup as rules
from boussole.core.errors import Refusal
from boussole.web.accounts.models import User
from boussole.web.cases import selectors as case_selectors
from boussole.web.cases.access import is_lead, require_internal
from boussole.web.cases.models import Case
from boussole.web.followup import selectors, services
from boussole.web.followup.forms import FORMS
from boussole.web.followup.models import EventKind, Review
from boussole.web.grids import grid_for
from boussole.web.posted import posted_id

FIELD_LABELS = {"due": gettext_lazy("Échéance"), "reason": gettext_lazy("Motif"),
                "conclusion": gettext_lazy("Conclusion"),
                "done_on": gettext_lazy("Date de la revue"),
                "outcome": gettext_lazy("Issue du suivi"), "kind": gettext_lazy("Type"),
                "occurred_on": gettext_lazy("Date"),
                "description": gettext_lazy("Description")}


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 — guaranteed by @login_required
    return user


def _page(request: HttpRequest, case: Case, *, form: str = "", target: int | None = None,
          errors: dict[str, str] | None = None, values: dict[str, str] | None = None
          ) -> HttpResponse:
    user = _user(request)
    abilities = require_internal(user, case)
    today = timezone.localdate()
    plan = selectors.case_plan(case)
    reviews = selectors.plan_reviews(plan, today)
    lead = is_lead(user, case)
    same = user.organisation_id == case.organisation_id
    can_plan = plan is not None and plan.closed_on is None and rules.may_plan(
        role=user.role, domain=user.domain, is_lead=lead, same_organisation=same)
    for review in reviews:
        review.may_conclude = (  # type: ignore[attr-defined]
            plan is not None and plan.closed_on is None and review.done_on is None
            and rules.may_conclude(role=user.role, domain=user.domain, is_lead=lead,
                                   same_organisation=same, in_charge=review.person_id == user.pk))
    prefix = f"{form}-{target}" if target else form
    errors = errors or {}
    summary = [{"field": f"{prefix}-{name}" if name else "",
                "label": FIELD_LABELS.get(name, ""),
                "message": message} for name, message in errors.items()]
    context = {
        "case": case, "grid": grid_for(case.grid_id, case.grid_version),
        "abilities": abilities, "plan": plan, "reviews": reviews, "today": today,
        "can_plan": can_plan, "events": selectors.case_events(case),
        "can_record": rules.may_record_event(role=user.role, same_organisation=same),
        "event_kinds": EventKind.choices, "outcomes": [
            ("clore", _("Clore le suivi")), ("prolonger", _("Prolonger le suivi d'un an"))],
        "form": form, "target": target, "errors": errors, "summary": summary,
        "values": values or {}, "in_service": case.state == "en_service",
    }
    return render(request, "followup/case.html", context, status=400 if errors else 200)


@login_required
def case_followup(request: HttpRequest, pk: int) -> HttpResponse:
    """The follow-up page (GET), or one of its forms (POST, ``action``)."""
    user = _user(request)
    case = case_selectors.case_get(user, pk)
    require_internal(user, case)
    if request.method != "POST":
        return _page(request, case)
    data = request.POST
    action = data.get("action", "")
    target: int | None = None
    review: Review | None = None
    if action in ("move", "conclude"):
        target = posted_id(data.get("review", ""))
        review = get_object_or_404(Review, pk=target, plan__case=case)
    if action not in FORMS:
        raise PermissionDenied(_("Action inconnue."))
    form = FORMS[action](data)
    if form.is_valid():
        values = form.cleaned_data
        try:
            if action == "move" and review is not None:
                services.review_move(case=case, user=user, review=review, due=values["due"],
                                     reason=values["reason"])
                done = _("Revue déplacée.")
            elif action == "add":
                services.review_add(case=case, user=user, due=values["due"],
                                    reason=values["reason"])
                done = _("Revue ajoutée au plan de suivi.")
            elif action == "conclude" and review is not None:
                services.review_conclude(case=case, user=user, review=review,
                                         conclusion=values["conclusion"],
                                         done_on=values["done_on"], outcome=values["outcome"])
                done = _("Conclusion de la revue enregistrée.")
            else:
                services.event_record(case=case, user=user, kind=values["kind"],
                                      occurred_on=values["occurred_on"],
                                      description=values["description"])
                done = _("Événement enregistré.")
                if values["kind"] == rules.MATERIAL_CHANGE and case.state == "en_instruction":
                    done = _("Changement substantiel enregistré : l'instruction est rouverte.")
        except services.FollowupRefused as exc:
            form.add_problems(exc.problems)
        except Refusal as exc:
            form.add_error(None, " ".join(exc.messages))
        else:
            messages.success(request, done)
            return redirect(request.path)
    return _page(request, case, form=action, target=target, errors=form.first_errors(),
                 values=form.values())
