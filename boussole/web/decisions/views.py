"""The decision path of a case, frozen versions and their memo, and "my tasks"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from boussole.core import workflow
from boussole.reports.html import STYLE
from boussole.web.accounts.models import NotificationMode, User
from boussole.web.cases import selectors
from boussole.web.cases.access import require_internal
from boussole.web.cases.models import Case
from boussole.web.cases.page_helpers import _user
from boussole.web.decisions import memo as memo_module
from boussole.web.decisions import selectors as dselectors
from boussole.web.decisions import services
from boussole.web.decisions import state as path_state
from boussole.web.decisions.models import (
    FileVersion,
    GroupVerdict,
    Notification,
    PoliticalDecision,
)
from boussole.web.grids import grid_for
from boussole.web.security import inline_style_csp


def _date(raw: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        return None


@login_required
def path(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    case = selectors.case_get(user, pk, related=path_state.CASE_RELATED)
    # The referents named: read once for the abilities, the workflow's guards and the page.
    people = selectors.assignments(case)
    require_internal(user, case, assigned=path_state.assigned_to(people, user.pk))
    return _path_page(request, case, user,
                      records=path_state.path_records(case, assignments=people))


#: The decision form's inputs, by the field name the service's problems use: (element id the
#: error summary links to, label).
DECISION_FIELDS = {
    "decision": ("d-decision-valide", gettext_lazy("Ma décision")),
    "conditions": ("d-conditions", gettext_lazy("Conditions")),
    "decided_on": ("decided_on", gettext_lazy("Date")),
    "reference": ("reference", gettext_lazy("Référence de la délibération ou de l'arrêté")),
    "confirm": ("d-confirm", gettext_lazy("Confirmation")),
}


def _path_page(request: HttpRequest, case: Case, user: User, *,
               records: path_state.PathRecords | None = None,
               decision_posted: QueryDict | None = None,
               decision_errors: list[tuple[str | None, str]] | None = None) -> HttpResponse:
    """The path page (``records``: the case's decision-path records, when already read); after
    a refused decision, with what the official typed and each problem at its field and in the
    form's summary (status 400)."""
    context = dselectors.path_context(case, user, records)
    mine = context["my_decision"]
    values: dict[str, str | bool]
    if decision_posted is not None:
        values = {name: decision_posted.get(name, "")
                  for name in ("decision", "conditions", "decided_on", "reference")}
        values["confirm"] = decision_posted.get("confirm") == "oui"
    else:
        values = {"decision": mine.decision if mine else "",
                  "conditions": mine.conditions if mine else "",
                  "decided_on": (mine.decided_on.isoformat() if mine
                                 else dt.date.today().isoformat()),
                  "reference": mine.reference if mine else "", "confirm": False}
    errors = []
    for name, message in decision_errors or []:
        element, label = DECISION_FIELDS.get(name or "", ("", ""))
        errors.append({"field": element, "label": str(label), "message": message,
                       "name": name or ""})
    return render(request, "decisions/path.html", {
        "case": case, "grid": grid_for(case.grid_id, case.grid_version),
        **context,
        "memo_preview": memo_module.preview_available(case),
        "verdicts": GroupVerdict.choices, "decisions_choices": PoliticalDecision.choices,
        "today": dt.date.today().isoformat(),
        "decision_values": values, "decision_errors": errors,
        "decision_error_of": {e["name"]: e["message"] for e in errors if e["name"]},
    }, status=400 if errors else 200)


def _on_path(request: HttpRequest, pk: int,
             record: Callable[[Case, User, QueryDict], str]) -> HttpResponse:
    """Run one recording on the decision path: its success message, or each reason why it was
    refused (nothing recorded), then back to the path page."""
    user = _user(request)
    case = selectors.case_get(user, pk)
    require_internal(user, case)
    try:
        messages.success(request, record(case, user, request.POST))
    except services.WorkflowRefused as exc:
        for problem in exc.problems:
            messages.error(request, problem)
    return redirect("decisions:path", case.pk)


def _required_date(raw: str, message: str) -> dt.date:
    day = _date(raw)
    if day is None:
        raise services.WorkflowRefused([message])
    return day


@login_required
@require_POST
def transition(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    def record(case: Case, user: User, post: QueryDict) -> str:
        if code == "lancer_instruction":  # the launch asks for an explicit confirmation
            services.instruction_launch(case=case, user=user,
                                        confirmed=post.get("confirm") == "oui",
                                        reason=post.get("reason", ""))
        else:
            services.transition_apply(case=case, user=user, code=code,
                                      reason=post.get("reason", ""))
        return _("Étape enregistrée : %(label)s.") % {
            "label": workflow.TRANSITIONS[code].label}

    return _on_path(request, pk, record)


@login_required
@require_POST
def launch(request: HttpRequest, pk: int) -> HttpResponse:
    """Launch the instruction from the launch form: the referents chosen per criterion and
    referent domain (``referent-<criterion>-<domain>``), and the explicit confirmation."""
    def record(case: Case, user: User, post: QueryDict) -> str:
        chosen: dict[int, list[int]] = {}
        for name in post:
            raw = post.get(name, "")
            parts = name.split("-", 2)
            if parts[0] != "referent" or len(parts) != 3 or not parts[1].isdigit() or not raw:
                continue
            if not raw.isdigit():
                raise services.WorkflowRefused([_("Référent·e inconnu·e.")])
            chosen.setdefault(int(parts[1]), []).append(int(raw))
        people = {p.pk: p for p in User.objects.filter(
            organisation_id=case.organisation_id, is_active=True,
            pk__in={i for ids in chosen.values() for i in ids})}
        if any(i not in people for ids in chosen.values() for i in ids):
            raise services.WorkflowRefused([_("Référent·e inconnu·e.")])
        referents = {n: list(dict.fromkeys(people[i] for i in ids))
                     for n, ids in chosen.items()}
        services.instruction_launch(case=case, user=user, referents=referents,
                                    confirmed=post.get("confirm") == "oui",
                                    reason=post.get("reason", ""))
        return _("Étape enregistrée : %(label)s.") % {
            "label": workflow.TRANSITIONS["lancer_instruction"].label}

    return _on_path(request, pk, record)


@login_required
@require_POST
def group_opinion(request: HttpRequest, pk: int) -> HttpResponse:
    def record(case: Case, user: User, post: QueryDict) -> str:
        services.group_opinion_record(
            case=case, user=user, verdict=post.get("verdict", ""),
            summary=post.get("summary", ""), recommendations=post.get("recommendations", ""),
            conditions=post.get("conditions", ""))
        return _("Avis du groupe enregistré.")

    return _on_path(request, pk, record)


@login_required
@require_POST
def decision(request: HttpRequest, pk: int) -> HttpResponse:
    """An elected official's decision. Refused (nothing recorded) without the confirmation box
    or with a problem: the path page again, with what was typed and the problems at their
    fields and in the form's error summary."""
    user = _user(request)
    case = selectors.case_get(user, pk)
    require_internal(user, case)
    post = request.POST
    day = _date(post.get("decided_on", ""))
    if day is None:
        problems: list[tuple[str | None, str]] = [
            ("decided_on", _("Date de la décision invalide (AAAA-MM-JJ)."))]
        if post.get("confirm") != "oui":
            problems.append(("confirm", services.DECISION_UNCONFIRMED))
        return _path_page(request, case, user, decision_posted=post, decision_errors=problems)
    try:
        services.decision_record(case=case, user=user, decision=post.get("decision", ""),
                                 decided_on=day, conditions=post.get("conditions", ""),
                                 reference=post.get("reference", ""),
                                 confirmed=post.get("confirm") == "oui")
    except services.WorkflowRefused as exc:
        return _path_page(request, case, user, decision_posted=post,
                          decision_errors=list(zip(exc.fields, exc.problems, strict=True)))
    messages.success(request, _("Votre décision est enregistrée."))
    return redirect("decisions:path", case.pk)


@login_required
@require_POST
def union_information(request: HttpRequest, pk: int) -> HttpResponse:
    def record(case: Case, user: User, post: QueryDict) -> str:
        day = _required_date(post.get("held_on", ""), _("Date invalide (AAAA-MM-JJ)."))
        services.union_information_record(
            case=case, user=user, held_on=day, body=post.get("body", ""),
            documents=post.get("documents", ""), questions=post.get("questions", ""),
            answers=post.get("answers", ""))
        return _("Information syndicale enregistrée.")

    return _on_path(request, pk, record)


@login_required
def version(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    user = _user(request)
    case = selectors.case_get(user, pk)
    require_internal(user, case)
    frozen = get_object_or_404(FileVersion, case=case, number=number)
    previous = FileVersion.objects.filter(case=case, number=number - 1).first()
    return render(request, "decisions/version.html", {
        "case": case, "grid": grid_for(case.grid_id, case.grid_version), "version": frozen,
        "previous": previous,
        "diff": dselectors.version_diff(previous, frozen) if previous else None})


@login_required
def memo(request: HttpRequest, pk: int, number: int, fmt: str) -> HttpResponse:
    user = _user(request)
    case = selectors.case_get(user, pk)
    require_internal(user, case)
    frozen = get_object_or_404(FileVersion, case=case, number=number)
    if fmt not in memo_module.FORMATS:
        raise Http404
    frozen.case = case  # already read, with its lead and organisation
    return _memo_response(*memo_module.render(frozen, fmt), fmt=fmt)


@login_required
def memo_preview(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The memo of a case not yet frozen, every page marked « Projet — version non figée ».
    Same readers as the memo of a version; nothing is written."""
    user = _user(request)
    case = selectors.case_get(user, pk, related=memo_module.preview_related())
    require_internal(user, case)
    if fmt not in memo_module.FORMATS:
        raise Http404
    if not memo_module.preview_available(case):
        messages.error(request, _("Le dossier est figé depuis sa transmission aux élus : sa "
                                  "note est celle de sa dernière version figée."))
        return redirect("decisions:path", case.pk)
    return _memo_response(*memo_module.render_preview(case, fmt), fmt=fmt)


def _memo_response(content: bytes, content_type: str, filename: str, *, fmt: str
                   ) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if fmt == "html" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    if fmt == "html":
        # The standalone memo page has one inline stylesheet, allowed by its hash; nothing else.
        response["Content-Security-Policy"] = inline_style_csp(STYLE)
    return response


@login_required
def tasks(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return render(request, "decisions/tasks.html", {"tasks": dselectors.tasks_for(user)})


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    """« Mes préférences de notification »: an e-mail at once, a daily digest, or none."""
    user: User = _user(request)
    if request.method == "POST":
        mode = request.POST.get("notification_mode", "")
        if mode in NotificationMode.values:
            user.notification_mode = mode
            user.save(update_fields=["notification_mode"])
            messages.success(request, _("Vos préférences de notification sont enregistrées."))
            return redirect("decisions:preferences")
        messages.error(request, _("Choisissez une des options proposées."))
    return render(request, "decisions/preferences.html", {
        "modes": NotificationMode.choices, "current": user.notification_mode})


@login_required
@require_POST
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    user: User = _user(request)
    note = get_object_or_404(Notification, user=user, pk=notification_id)
    if note.read_at is None:
        note.read_at = dt.datetime.now(dt.UTC)
        note.save(update_fields=["read_at"])
    return redirect(note.url or "decisions:tasks")


