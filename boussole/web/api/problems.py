"""Errors of the REST API as RFC 9457 problem details (``application/problem+json``), in French.

Every error the API answers has ``type``, ``title``, ``status``, ``detail`` and ``instance``;
validation errors add ``errors`` (one entry per refused field, with where it is and why)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from boussole.core.errors import Conflict, Forbidden, Refusal

logger = logging.getLogger("boussole.api")

MEDIA_TYPE = "application/problem+json"

#: status -> (type slug, French title)
KINDS: dict[int, tuple[str, str]] = {
    400: ("requete-invalide", "Requête invalide"),
    401: ("authentification-requise", "Authentification requise"),
    403: ("action-interdite", "Action interdite"),
    404: ("introuvable", "Ressource introuvable"),
    405: ("methode-non-permise", "Méthode non permise"),
    409: ("conflit", "Conflit de modification"),
    422: ("donnees-invalides", "Données invalides"),
    500: ("erreur-interne", "Erreur interne"),
}


def problem_type(status: int) -> str:
    return f"urn:boussole:probleme:{KINDS.get(status, KINDS[500])[0]}"


def problem(request: HttpRequest, status: int, detail: str, *,
            errors: Iterable[Mapping[str, Any]] | None = None,
            extra: Mapping[str, Any] | None = None) -> HttpResponse:
    """A problem-details response."""
    body: dict[str, Any] = {
        "type": problem_type(status),
        "title": KINDS.get(status, KINDS[500])[1],
        "status": status,
        "detail": detail,
        "instance": request.path,
    }
    if errors is not None:
        body["errors"] = list(errors)
    if extra:
        body.update(extra)
    response = JsonResponse(body, status=status, content_type=MEDIA_TYPE,
                            json_dumps_params={"ensure_ascii": False})
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="boussole"'
    return response


# --- Pydantic's messages, in French ------------------------------------------------------

_MESSAGES: dict[str, str] = {
    "missing": "Champ obligatoire.",
    "int_parsing": "Nombre entier attendu.",
    "int_type": "Nombre entier attendu.",
    "int_from_float": "Nombre entier attendu.",
    "float_parsing": "Nombre attendu.",
    "string_type": "Texte attendu.",
    "bool_parsing": "Booléen attendu (true ou false).",
    "bool_type": "Booléen attendu (true ou false).",
    "dict_type": "Objet JSON attendu.",
    "model_attributes_type": "Objet JSON attendu.",
    "list_type": "Liste attendue.",
    "enum": "Valeur non prévue.",
    "literal_error": "Valeur non prévue.",
    "greater_than_equal": "Valeur trop petite.",
    "greater_than": "Valeur trop petite.",
    "less_than_equal": "Valeur trop grande.",
    "less_than": "Valeur trop grande.",
    "string_too_long": "Texte trop long.",
    "string_too_short": "Texte trop court.",
    "extra_forbidden": "Champ inconnu.",
    "json_invalid": "JSON illisible.",
    "string_pattern_mismatch": "Caractère non accepté (caractère nul).",
    "value_error": "Caractère non accepté (caractère nul).",
}


def _french_error(error: Mapping[str, Any]) -> dict[str, Any]:
    kind = str(error.get("type", ""))
    message = _MESSAGES.get(kind, "Valeur invalide.")
    context = error.get("ctx") or {}
    for key, word in (("ge", "minimum"), ("gt", "au-dessus de"), ("le", "maximum"),
                      ("lt", "en dessous de"), ("max_length", "maximum"),
                      ("min_length", "minimum")):
        if key in context:
            message = f"{message[:-1]} ({word} {context[key]})."
            break
    if kind in ("enum", "literal_error") and "expected" in context:
        message = f"Valeur non prévue (attendu : {context['expected']})."
    location = [str(part) for part in error.get("loc", ())]
    if location[:2] == ["body", "payload"]:  # the view's argument name is not the client's
        location = ["body", *location[2:]]
    return {"field": ".".join(location), "message": message, "type": kind}


# --- Handlers ----------------------------------------------------------------------------

def install(api: NinjaAPI) -> None:
    """Replace ninja's error answers by problem details."""

    def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return problem(request, 404, "Cette ressource n'existe pas ou ne vous est pas "
                                     "accessible.")

    def denied(request: HttpRequest, exc: Exception) -> HttpResponse:
        detail = str(exc) or "Votre rôle ou votre place dans ce dossier ne permet pas cette " \
                             "action."
        return problem(request, 403, detail)

    def conflict(request: HttpRequest, exc: Conflict) -> HttpResponse:
        current = exc.current
        extra = {}
        if hasattr(current, "revision"):
            extra["current_revision"] = current.revision
        return problem(request, 409, str(exc) + " Relisez la valeur actuelle, puis renvoyez "
                                                "votre modification avec sa révision.",
                       extra=extra)

    def refused(request: HttpRequest, exc: Refusal) -> HttpResponse:
        field = exc.field or "body.value"
        return problem(request, 422, " ".join(exc.messages),
                       errors=[{"field": field, "message": message, "type": "refus"}
                               for message in exc.messages])

    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = [_french_error(error) for error in exc.errors]
        return problem(request, 422, "La requête contient des valeurs invalides : voyez "
                                     "« errors ».", errors=errors)

    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        detail = exc.message if exc.message != "Unauthorized" else (
            "Jeton d'API manquant : envoyez l'en-tête « Authorization: Bearer <jeton> ».")
        return problem(request, 401, detail)

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        status = exc.status_code
        if status == 400:
            return problem(request, 400, "Corps de requête illisible : un objet JSON valide "
                                         "est attendu.")
        if status in KINDS:
            return problem(request, status, KINDS[status][1] + ".")
        return problem(request, status, str(exc))

    def crashed(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API error on %s", request.path, exc_info=exc)
        return problem(request, 500, "Une erreur inattendue s'est produite ; elle a été "
                                     "enregistrée. Rien n'a été modifié.")

    api.add_exception_handler(Exception, crashed)  # type: ignore[arg-type]
    api.add_exception_handler(Http404, not_found)  # type: ignore[arg-type]
    api.add_exception_handler(PermissionDenied, denied)  # type: ignore[arg-type]
    api.add_exception_handler(Forbidden, denied)  # type: ignore[arg-type]
    api.add_exception_handler(Conflict, conflict)  # type: ignore[arg-type]
    api.add_exception_handler(Refusal, refused)  # type: ignore[arg-type]
    api.add_exception_handler(ValidationError, invalid)  # type: ignore[arg-type]
    api.add_exception_handler(AuthenticationError, unauthenticated)  # type: ignore[arg-type]
    api.add_exception_handler(HttpError, http_error)  # type: ignore[arg-type]
