"""Pages of the API app: the personal tokens page (« Mes jetons d'API »), the API's docs pages
(its operations and data models, rendered from its OpenAPI schema) and the problem answer for
an unknown API path."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from boussole.core.errors import Refusal
from boussole.web.accounts.models import User
from boussole.web.api import reference, tokens
from boussole.web.api.forms import TokenForm
from boussole.web.api.main import DESCRIPTION
from boussole.web.api.problems import problem


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 — guaranteed by @login_required
    return user


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    """The person's tokens; a new one is shown once, on the page that answers its creation."""
    user = _user(request)
    created = None
    status = 200
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            try:
                created = tokens.token_create(user=user, name=form.cleaned_data["name"],
                                              scope=form.cleaned_data["scope"])
            except Refusal as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        if created is None:
            status = 400
        else:
            form = TokenForm()
    else:
        form = TokenForm()
    return render(request, "api/tokens.html", {
        "form": form, "created": created, "tokens": tokens.tokens_of(user)}, status=status)


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        record = tokens.token_revoke(user=_user(request), token_id=token_id)
    except LookupError:
        raise Http404 from None
    messages.success(request, _("Le jeton « %(name)s » est révoqué : il ne donne plus accès "
                                "à l'API.") % {"name": record.name})
    return redirect("api_tokens:list")


def docs(request: HttpRequest) -> HttpResponse:
    """The API's operations, read from its OpenAPI schema and rendered on the server (no
    viewer to download; tools read the schema itself)."""
    groups, _models, version = reference.reference()
    return render(request, "api/docs.html", {"groups": groups, "version": version,
                                             "description": DESCRIPTION})


def docs_models(request: HttpRequest) -> HttpResponse:
    """The API's data models (the schema's components)."""
    return render(request, "api/docs_models.html", {"models": reference.reference()[1]})


def not_found(request: HttpRequest, rest: str) -> HttpResponse:
    return problem(request, 404, "Aucune opération de l'API à cette adresse : voyez la "
                                 "documentation (/api/v1/docs).")
