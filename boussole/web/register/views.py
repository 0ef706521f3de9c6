"""Pages of the public register (no account, no cookie, no script) and its moderation queue.

The public pages extend ``register/base_public.html``: no form token, no session, no language
form, so that reading the register sets no cookie. The message form of a notice is therefore
exempt from the CSRF cookie check; a signed, dated token in the form and a trap field protect
it instead, and the database limits how many messages a sender sends.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from boussole.core import opendata
from boussole.core import public_questions as rules
from boussole.core.errors import Forbidden, Refusal
from boussole.web.accounts.models import Organisation, User
from boussole.web.accounts.throttling import client_ip
from boussole.web.register import selectors, services
from boussole.web.register.forms import (
    AnswerForm,
    FilterForm,
    QuestionForm,
    RejectForm,
    question_token,
    token_valid,
)

#: Open-data files: name -> media type.
DATA_FILES = {
    opendata.CSV_NAME: "text/csv; charset=utf-8",
    opendata.JSON_NAME: "application/json; charset=utf-8",
    opendata.SCHEMA_NAME: "application/json; charset=utf-8",
    opendata.DATAPACKAGE_NAME: "application/json; charset=utf-8",
}


def _not_found(request: HttpRequest) -> HttpResponse:
    """The register's own 404 page (the site's one carries a form token, hence a cookie)."""
    return render(request, "register/not_found.html", status=404)


def not_found(request: HttpRequest) -> HttpResponse:
    """Any address under /registre/ that names nothing."""
    return _not_found(request)


def public(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A public page: missing things answer the register's own 404 page."""

    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except Http404:
            return _not_found(request)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


# --- The register ----------------------------------------------------------------------------


def _register_page(request: HttpRequest, organisation: Organisation | None) -> HttpResponse:
    items = selectors.entries(organisation)
    form = FilterForm(request.GET or None, selectors.filter_options(items))
    chosen = form.chosen() if request.GET else {}
    shown = selectors.filter_entries(items, chosen)
    organisations: list[tuple[str, str, int]] = []
    if organisation is None:
        counts: dict[str, tuple[str, int]] = {}
        for entry in items:
            name, count = counts.get(entry.organisation_slug,
                                     (entry.publication.organisation.name, 0))
            counts[entry.organisation_slug] = (name, count + 1)
        organisations = sorted(((slug, name, count) for slug, (name, count) in counts.items()),
                               key=lambda item: item[1].casefold())
    data_base = ("register:data" if organisation is None else "register:organisation_data")
    return render(request, "register/index.html", {
        "organisation": organisation, "form": form, "entries": shown, "total": len(items),
        "filtered": bool(chosen), "organisations": organisations, "data_base": data_base,
        "data_files": list(DATA_FILES)})


@require_GET
@public
def index(request: HttpRequest) -> HttpResponse:
    """The instance-wide register: every organisation's notices in force."""
    return _register_page(request, None)


@require_GET
@public
def organisation_register(request: HttpRequest, organisation: str) -> HttpResponse:
    """One organisation's register."""
    return _register_page(request, selectors.register_organisation(organisation))


# --- A notice --------------------------------------------------------------------------------


def _datetime(value: Any) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _items(value: Any) -> list[dict[str, Any]]:
    """The objects of a list of the content (anything else is skipped)."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _notice_page(request: HttpRequest, entry: selectors.Entry, form: QuestionForm,
                 *, error: str = "", status: int = 200) -> HttpResponse:
    content = entry.content
    decision = _mapping(content.get("decision"))
    return render(request, "register/notice.html", {
        "entry": entry, "notice": content, "organisation_name": entry.publication.organisation.name,
        "published_at": _datetime(content.get("published_at")),
        "footprint": _mapping(content.get("footprint")),
        "decision": decision, "decision_date": _date(decision.get("date")),
        "officials": [o for o in _items(decision.get("officials")) if o.get("name")],
        "criterion6": _items(content.get("criterion6")),
        "reviews": _items(content.get("reviews")),
        "questions": selectors.answered_questions(entry),
        "form": form, "token": question_token(entry.publication.pk), "error": error,
        "sent": request.GET.get("envoye") == "1" and request.method == "GET",
        "max_text": rules.MAX_TEXT,
    }, status=status)


@csrf_exempt  # no cookie on public pages: a signed token and a trap field protect the form
@require_http_methods(["GET", "HEAD", "POST"])
@public
def notice(request: HttpRequest, organisation: str, reference: str) -> HttpResponse:
    """A notice in force (tier 1, then tier 2 folded), its answered questions, and the form
    to send a question or report an error."""
    entry = selectors.entry_get(organisation, reference)
    if request.method != "POST":
        return _notice_page(request, entry, QuestionForm())
    form = QuestionForm(request.POST)
    sent = HttpResponseRedirect(f"{entry.path}?envoye=1#message-envoye")
    sent.status_code = 303
    if form.is_trap:
        return sent  # a robot filled the trap: nothing is stored, nothing is said
    if not token_valid(request.POST.get("token", ""), entry.publication.pk):
        form.is_valid()
        return _notice_page(request, entry, form, error=rules.FORM_EXPIRED, status=400)
    if not form.is_valid():
        return _notice_page(request, entry, form, status=400)
    try:
        services.question_submit(
            case=entry.publication.notice.case, publication=entry.publication,
            kind=form.cleaned_data["kind"], text=form.cleaned_data["text"],
            email=form.cleaned_data["email"], sender=client_ip(request))
    except Refusal as refusal:
        if refusal.field and refusal.field in form.fields:
            form.add_error(refusal.field, " ".join(refusal.messages))
            return _notice_page(request, entry, form, status=400)
        return _notice_page(request, entry, form, error=" ".join(refusal.messages),
                            status=429)
    return sent


# --- Open data -------------------------------------------------------------------------------


def _data_response(request: HttpRequest, organisation: Organisation | None,
                   filename: str) -> HttpResponse:
    if filename not in DATA_FILES:
        raise Http404
    files = selectors.opendata_files(organisation, request=request)
    response = HttpResponse(files[filename].encode("utf-8"), content_type=DATA_FILES[filename])
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it
    return response


@require_GET
@public
def data(request: HttpRequest, filename: str) -> HttpResponse:
    """An open-data file of the instance-wide register."""
    return _data_response(request, None, filename)


@require_GET
@public
def organisation_data(request: HttpRequest, organisation: str, filename: str) -> HttpResponse:
    """An open-data file of one organisation's register."""
    return _data_response(request, selectors.register_organisation(organisation), filename)


# --- Moderation ------------------------------------------------------------------------------


def _moderator(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 — guaranteed by @login_required
    if not services.may_moderate(user):
        raise PermissionDenied(_("Les messages du public sont traités par les personnes qui "
                                 "publient les notices de l'organisation et par son "
                                 "administrateur·rice."))
    return user


def _queue(request: HttpRequest, user: User, *, target: int | None = None,
           answer_form: AnswerForm | None = None, reject_form: RejectForm | None = None,
           status: int = 200) -> HttpResponse:
    return render(request, "register/moderation.html", {
        "pending": selectors.moderation_queue(user), "done": selectors.moderation_done(user),
        "target": target, "answer_form": answer_form, "reject_form": reject_form,
        "max_answer": rules.MAX_ANSWER, "max_reason": rules.MAX_REASON,
    }, status=status)


@login_required
def moderation(request: HttpRequest) -> HttpResponse:
    """The organisation's messages from the public: those waiting, then those handled."""
    return _queue(request, _moderator(request))


def _moderate(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 — guaranteed by @login_required
    question = selectors.question_for_moderator(user, pk)  # 404 outside the organisation
    user = _moderator(request)
    form: AnswerForm | RejectForm = (AnswerForm(request.POST) if action == "answer"
                                     else RejectForm(request.POST))
    if form.is_valid():
        try:
            if isinstance(form, AnswerForm):
                services.question_answer(case=question.case, question=question, user=user,
                                         answer=form.cleaned_data["answer"])
                messages.success(request, _("Réponse publiée avec la notice."))
            else:
                services.question_reject(case=question.case, question=question, user=user,
                                         reason=form.cleaned_data["reason"])
                messages.success(request, _("Message rejeté : il ne sera pas publié."))
        except Forbidden:
            raise
        except Refusal as refusal:
            if refusal.field and refusal.field in form.fields:
                form.add_error(refusal.field, " ".join(refusal.messages))
            else:
                messages.error(request, " ".join(refusal.messages))
                return redirect("register:moderation")
        else:
            return redirect("register:moderation")
    kwargs: dict[str, Any] = ({"answer_form": form} if isinstance(form, AnswerForm)
                              else {"reject_form": form})
    return _queue(request, user, target=question.pk, status=400, **kwargs)


@login_required
@require_POST
def moderation_answer(request: HttpRequest, pk: int) -> HttpResponse:
    return _moderate(request, pk, "answer")


@login_required
@require_POST
def moderation_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _moderate(request, pk, "reject")
