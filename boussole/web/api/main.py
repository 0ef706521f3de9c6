"""The REST API (``/api/v1/``): one NinjaAPI, its error answers and its OpenAPI 3.1 schema.

Regenerate the committed schema after a change of the API::

    boussole manage export_openapi_schema --api boussole.web.api.main.api \\
        --output docs/openapi.json --indent 2
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

from boussole.web.api import endpoints, problems, register_endpoints

DESCRIPTION = (
    "API REST de Boussole. Authentification : en-tête « Authorization: Bearer <jeton> » avec "
    "un jeton personnel (page « Mes jetons d'API » ou « boussole user token »). Chaque appel "
    "vérifie les mêmes droits que l'application web. Les erreurs sont des « problem details » "
    "(RFC 9457, application/problem+json) en français. Le registre public se lit sans jeton.")


#: The description of each answer in the schema, by status.
STATUS_DESCRIPTIONS = {
    200: "Succès", 201: "Créé", 204: "Succès, sans contenu",
    400: "Requête invalide", 401: "Authentification requise ou jeton refusé",
    403: "Action non autorisée", 404: "Introuvable", 409: "Conflit de modification",
    422: "Données invalides", 500: "Erreur interne",
}


class BoussoleApi(NinjaAPI):
    def create_response(self, request: HttpRequest, data: Any, *, status: int | None = None,
                        temporal_response: HttpResponse | None = None) -> HttpResponse:
        """Ninja's answer, never kept by a browser or a proxy cache (cases are not public;
        the register is cheap to read again)."""
        response = super().create_response(request, data, status=status,
                                           temporal_response=temporal_response)
        add_never_cache_headers(response)
        patch_cache_control(response, private=True)
        return response

    def get_openapi_schema(self, *, path_prefix: str | None = None,
                           path_params: dict[str, Any] | None = None) -> OpenAPISchema:
        """Ninja's schema, with the error answers declared as application/problem+json (the
        media type they are sent with) and the answers described in French (Ninja takes
        Python's English status phrases, which change between versions: 422 is « Unprocessable
        Entity » on 3.11, « Unprocessable Content » on 3.13)."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    response["description"] = STATUS_DESCRIPTIONS.get(
                        int(status), response.get("description", ""))
                    content = response.get("content")
                    if int(status) >= 400 and content and "application/json" in content:
                        response["content"] = {problems.MEDIA_TYPE:
                                               content.pop("application/json")}
        return schema


api = BoussoleApi(
    title="Boussole", version="1", description=DESCRIPTION, urls_namespace="api",
    docs_url=None, openapi_url="/openapi.json",
)
problems.install(api)
api.add_router("", endpoints.router)
api.add_router("", register_endpoints.router)
