"""The notice editor of a case: the draft (tier 1 and tier 2) with its plain-language advice,
the preview of the public rendering, publishing and withdrawal, and the history. Thin: the
rules are the core's (:mod:`boussole.core.transparency`, :mod:`boussole.core.readability`),
the writes :mod:`.services`'. Every form works without JavaScript; htmx only refreshes the
advice of a text while it is typed."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from boussole.core import readability
from boussole.core import transparency as rules
from boussole.core.access import Abilities
from boussole.core.errors import Conflict, Forbidden
from boussole.web.accounts.models import User
from boussole.web.cases import selectors as case_selectors
from boussole.web.cases.access import require_internal
from boussole.web.cases.models import Case
from boussole.web.grids import grid_for
from boussole.web.transparency import gather, selectors, services
from boussole.web.transparency.forms import (
    NoticeForm,
    UnpublishForm,
    form_initial,
    form_name,
    notice_values,
)
from boussole.web.transparency.models import Notice

#: Translated labels of the readability bands (codes of boussole.core.readability.BANDS).
BAND_LABELS = {
    "tres_facile": gettext_lazy("très facile"),
    "facile": gettext_lazy("facile"),
    "plutot_facile": gettext_lazy("plutôt facile"),
    "standard": gettext_lazy("standard"),
    "plutot_difficile": gettext_lazy("plutôt difficile"),
    "difficile": gettext_lazy("difficile"),
    "tres_difficile": gettext_lazy("très difficile"),
}


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 — guaranteed by @login_required
    return user


def _case(request: HttpRequest, pk: int) -> Case:
    """The case (404 outside the user's cases) for an internal person (403 for the vendor)."""
    user = _user(request)
    case = case_selectors.case_get(user, pk)
    require_internal(user, case)
    return case


def advice(field: str, text: str) -> dict[str, Any]:
    """The plain-language advice of one tier-1 text, for the fragment template."""
    result = readability.analyse(text)
    return {"field": field, "r": result, "band_label": BAND_LABELS.get(result.band, ""),
            "long_limit": readability.LONG_SENTENCE_WORDS,
            "target": int(readability.TARGET_SCORE)}


def _form(case: Case, data: Any = None, initial: dict[str, Any] | None = None,
          criterion6: list[Any] | None = None) -> NoticeForm:
    return NoticeForm(data, initial=initial, criterion6=_criterion6_choices(case, criterion6),
                      advice_url=reverse("transparency:advice", args=[case.pk]))


def _criterion6_choices(case: Case, answers: list[Any] | None = None) -> list[tuple[str, str]]:
    """The criterion-6 answers as choices (``answers``: when already read)."""
    answers = gather.criterion6_answers(case) if answers is None else answers
    return [(a.id, f"{a.number}. {a.question}") for a in answers]


def _initial(case: Case, notice: Notice | None) -> dict[str, Any]:
    values = gather.field_values(notice) if notice is not None else gather.prefill(case)
    values["revision"] = notice.revision if notice is not None else 0
    return form_initial(values)


def _page(request: HttpRequest, case: Case, *, form: NoticeForm | None = None,
          unpublish_form: UnpublishForm | None = None, problems: list[str] | None = None,
          status: int = 200, abilities: Abilities | None = None) -> HttpResponse:
    user = _user(request)
    abilities = require_internal(user, case) if abilities is None else abilities
    notice = selectors.notice_of(case.pk)
    # services.may_edit, from the abilities already read
    can_edit = rules.may_edit(role=user.role, internal=abilities.internal)
    can_publish = services.may_publish(user, case)
    # What the content takes from the case file, read once for the preview and the comparison
    # with the version published.
    read = gather.case_inputs(case) if notice is not None else None
    if form is None:
        form = _form(case, initial=_initial(case, notice),
                     criterion6=read["criterion6"] if read is not None else None)
    values = form.data if form.is_bound else form.initial
    history = list(selectors.publication_history(notice)) if notice is not None else []
    current = next((p for p in history if p.withdrawn_at is None), None)
    preview = gather.content(case, notice, read=read) if notice is not None else None
    changed_since = False
    if notice is not None and current is not None:
        frozen = gather.content(case, notice, published_at=current.published_at,
                                version=current.version, read=read)
        changed_since = frozen != current.content
    publish_problems = (rules.publish_problems(state=case.state,
                                               fields=gather.field_values(notice))
                        if notice is not None else [])
    context = {
        "case": case, "grid": grid_for(case.grid_id, case.grid_version),
        "abilities": abilities, "notice": notice, "form": form,
        "unpublish_form": unpublish_form or UnpublishForm(),
        "can_edit": can_edit, "can_publish": can_publish,
        "publishers": rules.publishers_label(case.organisation.publishers),
        "advice": [advice(name, str(values.get(form_name(name)) or ""))
                   for name in rules.READABLE_FIELDS],
        "preview": preview, "history": history, "current": current,
        "changed_since": changed_since, "publish_problems": publish_problems,
        "problems": problems or [],
        "unpublishable": case.state in rules.UNPUBLISHABLE_STATES,
        "target": int(readability.TARGET_SCORE),
        "long_limit": readability.LONG_SENTENCE_WORDS,
    }
    return render(request, "transparency/notice.html", context, status=status)


@login_required
def notice(request: HttpRequest, pk: int) -> HttpResponse:
    """The editor (GET), or the draft saved (POST)."""
    if request.method == "GET":
        user = _user(request)
        case = case_selectors.case_get(user, pk)
        return _page(request, case, abilities=require_internal(user, case))
    case = _case(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    user = _user(request)
    if not services.may_edit(user, case):
        raise PermissionDenied(_("Seuls les membres du groupe qui instruisent le cas modifient "
                                 "sa notice."))
    form = _form(case, request.POST)
    if not form.is_valid():
        return _page(request, case, form=form, status=400)
    values = notice_values(form.cleaned_data)
    revision = form.cleaned_data.get("revision")
    try:
        services.notice_save(case=case, user=user, values=values,
                             revision=revision if revision else None)
    except Conflict as conflict:
        return _page(request, case, form=form, problems=list(conflict.messages), status=409)
    except services.NoticeRefused as refused:
        for field, message in refused.problems:
            name = form_name(field) if field else None
            form.add_error(name if name in form.fields else None, message)
        return _page(request, case, form=form, status=400)
    messages.success(request, _("Notice enregistrée. Elle n'est pas publiée tant qu'une "
                                "personne habilitée ne la publie pas."))
    return redirect("transparency:notice", pk=case.pk)


@login_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    try:
        publication = services.notice_publish(case=case, user=_user(request))
    except Forbidden as refused:
        raise PermissionDenied(" ".join(refused.messages)) from refused
    except services.NoticeRefused as refused:
        return _page(request, case, problems=[m for _f, m in refused.problems], status=400)
    messages.success(request, _("Notice publiée (version %(v)d).") % {"v": publication.version})
    return redirect("transparency:notice", pk=case.pk)


@login_required
@require_POST
def unpublish(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    form = UnpublishForm(request.POST)
    if not services.may_publish(_user(request), case):
        raise PermissionDenied(rules.publish_refusal(
            role=_user(request).role, domain=_user(request).domain,
            setting=case.organisation.publishers))
    if not form.is_valid():
        return _page(request, case, unpublish_form=form, status=400)
    try:
        services.notice_unpublish(case=case, user=_user(request),
                                  reason=form.cleaned_data["reason"])
    except services.NoticeRefused as refused:
        for field, message in refused.problems:
            form.add_error(field if field in form.fields else None, message)
        return _page(request, case, unpublish_form=form, status=400)
    messages.success(request, _("Notice retirée du registre. Son historique est conservé."))
    return redirect("transparency:notice", pk=case.pk)


@login_required
@require_POST
def advice_fragment(request: HttpRequest, pk: int) -> HttpResponse:
    """The advice of one tier-1 text while it is typed (htmx); writes nothing."""
    _case(request, pk)
    field = request.POST.get("field", "")
    if field not in rules.READABLE_FIELDS:
        return HttpResponse(status=400)
    text = request.POST.get(form_name(field), "")[:rules.LIMITS[field] * 2]
    return render(request, "transparency/_advice.html", advice(field, text))
