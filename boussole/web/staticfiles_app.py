"""The static-files app, configured for what Boussole serves: the API documentation viewers
(Swagger UI, ReDoc) and the htmx extensions shipped by dependencies, which no page uses, are
left out of the collection (they were copied and compressed at every fresh installation)."""

from __future__ import annotations

from django.contrib.staticfiles.apps import StaticFilesConfig


class BoussoleStaticFilesConfig(StaticFilesConfig):
    ignore_patterns = [*StaticFilesConfig.ignore_patterns, "redoc.*", "swagger-ui*",
                       "django_htmx"]
