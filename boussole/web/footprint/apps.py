from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FootprintConfig(AppConfig):
    name = "boussole.web.footprint"
    label = "footprint"
    verbose_name = _("Empreinte environnementale et alternative sans IA")
