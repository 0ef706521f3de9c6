from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "boussole.web.cases"
    label = "cases"
    verbose_name = _("Cas d'usage")

    def ready(self) -> None:
        from boussole.web.cases import counters  # noqa: F401 — connects the answer signals
