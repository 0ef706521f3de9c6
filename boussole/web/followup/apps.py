from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    name = "boussole.web.followup"
    label = "followup"
    verbose_name = _("Suivi dans le temps")

    def ready(self) -> None:
        # Imported here: the services use the models, which need the app registry ready.
        from boussole.web.decisions.services import entered_service
        from boussole.web.followup.services import on_entered_service

        entered_service.connect(on_entered_service, dispatch_uid="followup_plan_create")
