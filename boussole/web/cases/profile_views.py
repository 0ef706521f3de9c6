"""The identification profile page, in steps (issue 17: a page ten times lighter).

Who may answer sees one step open at a time (the step asked for with ``?etape=<key>``, or the
step of a fact with ``?fait=<id>``, else the first incomplete step, else the first); the other
steps show their title, their status and a link that opens them (a plain link, that htmx
enhances by loading the step's form in place). Who may not answer sees every answer as text.
Each step is one form, saved at once; only the facts whose inputs were in the posted form are
touched.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from boussole.core.access import Abilities
from boussole.core.grid import Fact, is_applicable
from boussole.web.cases import selectors, services
from boussole.web.cases.access import require_internal
from boussole.web.cases.models import Answer, Comment
from boussole.web.cases.page_helpers import (
    _can_answer,
    _is_htmx,
    _legal_context,
    _posted_value,
    _step_summary,
    _user,
)
from boussole.web.grids import grid_for
from boussole.web.posted import STALE_FORM, posted_revision

#: The French titles of the profile's groups of facts (the grid names them A, B, C…): each
#: group is one step of the profile page, saved at once.
PROFILE_GROUPS = {
    "A": gettext_lazy("Nature du système et rôle de la collectivité"),
    "B": gettext_lazy("Données, biométrie, personnes concernées (critère 1)"),
    "C": gettext_lazy("Finalité, effets sur les personnes et décision (critère 2)"),
    "D": gettext_lazy("Interaction, contenus et cadre sectoriel"),
    "E": gettext_lazy("Conformité et sécurité"),
}
OTHER_GROUP = "autres"  # the step of facts without a group in the grid


def _step_key(fact: Fact) -> str:
    return fact.group or OTHER_GROUP


def _fact_views(request: HttpRequest, case: Any, abilities: Abilities,
                answers: dict[str, Answer], facts: list[Fact]) -> list[selectors.ItemView]:
    """The views of the profile's ``facts`` that apply, with their comment threads: one query
    (the profile shows no evidence, so none is read)."""
    user = _user(request)
    comments: dict[str, list[Comment]] = {}
    for comment in selectors._attach_replies(list(
            Comment.objects.filter(case=case, item_id__in=[f.id for f in facts])
            .select_related("author", "resolved_by"))):
        comments.setdefault(comment.item_id, []).append(comment)
    values = {k: a.value for k, a in answers.items() if a.kind == Answer.Kind.FACT}
    plain = {k: a.value for k, a in answers.items()}
    can_answer = _can_answer(user, case, abilities, answers)
    return [selectors.ItemView(item=fact, kind="fact", answer=answers.get(fact.id),
                               comments=comments.get(fact.id, []),
                               can_answer=bool(can_answer(fact)))
            for fact in facts if is_applicable(fact, values, plain)]


def _profile_steps(views: list[selectors.ItemView]) -> list[dict[str, Any]]:
    """The steps of the profile page, in the grid's order: one per group of facts, with its
    French title and its status (answers given, « je ne sais pas » included, out of the facts
    that apply)."""
    steps: list[dict[str, Any]] = []
    for view in views:
        key = _step_key(view.item)  # type: ignore[arg-type]
        if not steps or steps[-1]["key"] != key:
            steps.append({"key": key, "views": [],
                          "title": PROFILE_GROUPS.get(key, _("Autres questions"))})
        steps[-1]["views"].append(view)
    for number, step in enumerate(steps, start=1):
        step["number"] = number
        step["total"] = len(step["views"])
        step["answered"] = sum(1 for v in step["views"] if v.answer is not None)
        step["complete"] = step["answered"] == step["total"]
        step["can_answer"] = any(v.can_answer for v in step["views"])
    return steps


def _all_steps(request: HttpRequest, case: Any, abilities: Abilities
               ) -> tuple[list[dict[str, Any]], dict[str, Answer]]:
    """Every step of the case's profile as stored now, and the answers read."""
    grid = grid_for(case.grid_id, case.grid_version)
    answers = selectors.answers_by_item(case)
    return _profile_steps(_fact_views(request, case, abilities, answers,
                                      list(grid.profile))), answers


def _first_incomplete(steps: list[dict[str, Any]], after: str = "") -> str:
    """The key of the first incomplete step following the step ``after`` (from the start
    again after the last), or "" when no other step is incomplete."""
    keys = [s["key"] for s in steps]
    start = keys.index(after) + 1 if after in keys else 0
    for step in [*steps[start:], *steps[:start]]:
        if not step["complete"] and step["key"] != after:
            return str(step["key"])
    return ""


def _open_step(request: HttpRequest, steps: list[dict[str, Any]]) -> str:
    """The step shown open: the one asked for (``?etape=<key>``, or ``?fait=<fact id>``: the
    step of that fact), else the first incomplete one, else the first."""
    keys = [s["key"] for s in steps]
    asked = request.GET.get("etape", "")
    if asked in keys:
        return asked
    fact = request.GET.get("fait", "")
    for step in steps:
        if fact and any(v.id == fact for v in step["views"]):
            return str(step["key"])
    return _first_incomplete(steps) or (keys[0] if keys else "")


def profile_url(case: Any, step: str = "") -> str:
    """The profile page with ``step`` open, scrolled to it (no JavaScript needed)."""
    url = reverse("cases:profile", args=[case.pk])
    return f"{url}?etape={step}#etape-{step}" if step else url


@login_required
def profile(request: HttpRequest, pk: int, replace: selectors.ItemView | None = None,
            failed_step: dict[str, Any] | None = None) -> HttpResponse:
    """The identification profile: a step menu with each step's status, the legal panel
    (folded while few facts are answered), then the steps, one open. ``replace``: one item
    refused by the single-answer form; ``failed_step``: a step refused whole (its views with
    what was typed, the errors of its summary). The step of either is the one open."""
    user = _user(request)
    case = selectors.case_get(user, pk)
    abilities = require_internal(user, case)
    steps, answers = _all_steps(request, case, abilities)
    refused: list[selectors.ItemView] = (failed_step["views"] if failed_step is not None
                                         else [replace] if replace is not None else [])
    if refused:
        posted = {v.id: v for v in refused}
        steps = _profile_steps([posted.get(v.id, v) for s in steps for v in s["views"]])
    editable = any(s["can_answer"] for s in steps)
    open_key = _open_step(request, steps)
    for step in steps:
        if failed_step is not None and step["key"] == failed_step["key"]:
            step["errors"] = failed_step["errors"]
            open_key = step["key"]
        elif replace is not None and any(v is replace for v in step["views"]):
            step["errors"] = _step_summary([replace])
            open_key = step["key"]
    for step in steps:
        step["open"] = not editable or step["key"] == open_key
    facts = {k: a.value for k, a in answers.items() if a.kind == Answer.Kind.FACT}
    return render(request, "cases/profile.html", {
        "case": case, "steps": steps, "abilities": abilities, "editable": editable,
        **_legal_context(case, profile_page=True, facts=facts)})


def _step_response(request: HttpRequest, case: Any, step: dict[str, Any],
                   steps: list[dict[str, Any]], oob_menu: bool = True) -> HttpResponse:
    """The step's fragment for htmx, open, with the step menu swapped out of band."""
    step["open"] = True
    return render(request, "cases/_profile_step.html", {
        "case": case, "step": step, "steps": steps, "editable": True, "oob_menu": oob_menu})


def _in_form(view: selectors.ItemView, data: Any) -> bool:
    """Whether the posted form held an input of ``view``'s fact: a fact whose inputs were not
    in the form is left as it is."""
    prefix = f"{view.id}-"
    return any(f"{prefix}{name}" in data for name in ("revision", "value", "nsp",
                                                      "justification"))


@login_required
@require_http_methods(["GET", "POST"])
def profile_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """One step of the profile. GET: the step open (its fragment for htmx, with the step menu
    marking it as the current one; otherwise the page with that step open). POST: save every
    answer given in it at once, or none (the step is refused whole, each error at its field,
    every value typed kept); only the facts whose inputs were in the form are touched. Without
    JavaScript, then the page at the next incomplete step (the same step again when refused);
    with htmx, the step again with a link to the next incomplete step, the menu and the legal
    panel refreshed."""
    user = _user(request)
    case = selectors.case_get(user, pk)
    abilities = require_internal(user, case)
    grid = grid_for(case.grid_id, case.grid_version)
    facts = [f for f in grid.profile if _step_key(f) == step]
    if not facts:
        raise Http404
    if request.method == "GET":
        if not _is_htmx(request):
            return redirect(profile_url(case, step))
        steps, _answers = _all_steps(request, case, abilities)
        current = next((s for s in steps if s["key"] == step), None)
        if current is None:  # none of the step's facts applies (any more)
            raise Http404
        current["focus"] = True
        # The menu swapped too: it marks the step just opened as the current one.
        return _step_response(request, case, current, steps)
    answers_read = selectors.answers_by_item(case)
    views = _fact_views(request, case, abilities, answers_read, facts)
    answerable = [v for v in views if v.can_answer]
    if not answerable:
        raise PermissionDenied(_("Vous ne pouvez pas répondre au profil de ce dossier."))
    answers: list[services.StepAnswer] = []
    errors: dict[str, str] = {}
    for view in answerable:
        if not _in_form(view, request.POST):
            continue  # not in the form: left as it is
        prefix = f"{view.id}-"
        value = _posted_value(view.item, request.POST, prefix)
        justification = request.POST.get(f"{prefix}justification", "")
        view.posted = {"value": value, "justification": justification}
        if value in ("", []) and not justification.strip() and view.answer is None:
            continue  # left empty: the question stays to answer
        revision = posted_revision(request, f"{prefix}revision")
        if revision is None:
            errors[view.id] = str(STALE_FORM)
        answers.append(services.StepAnswer(view.id, value, justification, revision))
    conflicts: dict[str, Any] = {}
    if not errors:
        try:
            services.profile_step_record(case=case, user=user, answers=answers)
        except services.StepRefused as exc:
            errors, conflicts = exc.errors, exc.conflicts
            case.refresh_from_db()
    if errors or conflicts:
        for view in answerable:
            view.error = errors.get(view.id, "")
            if view.id in conflicts:
                view.conflict = view.answer = conflicts[view.id]
        summary = _step_summary(answerable)
        if _is_htmx(request):
            steps, _answers = _all_steps(request, case, abilities)
            posted = {v.id: v for v in views}
            steps = _profile_steps([posted.get(v.id, v) for s in steps for v in s["views"]])
            current = next(s for s in steps if s["key"] == step)
            current["errors"] = summary
            return _step_response(request, case, current, steps)
        response = profile(request, pk, failed_step={"key": step, "views": views,
                                                      "errors": summary})
        response.status_code = 409 if conflicts and not errors else 400
        return response
    steps, _answers = _all_steps(request, case, abilities)
    following = _first_incomplete(steps, after=step)
    if _is_htmx(request):
        current = next((s for s in steps if s["key"] == step), None)
        if current is None:  # none of the step's facts applies any more: the whole page
            response = HttpResponse()
            response["HX-Redirect"] = profile_url(case, following)
            return response
        current["saved"] = True
        current["next"] = next((s for s in steps if s["key"] == following), None)
        response = _step_response(request, case, current, steps)
        response["HX-Trigger"] = "facts-changed"
        return response
    messages.success(request, _("Étape « %(title)s » enregistrée.")
                     % {"title": PROFILE_GROUPS.get(step, _("Autres questions"))})
    return redirect(profile_url(case, following or step))
