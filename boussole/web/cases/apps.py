from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "boussole.web.cases"
    label = "cases"
    verbose_name = _("Cas d'usage")

    def ready(self) -> None:
        # Once the models are loaded (Django's rule for signal receivers): connects the
        # receivers that keep the per-case counters.
        from boussole.web.cases import counters  # noqa: F401
