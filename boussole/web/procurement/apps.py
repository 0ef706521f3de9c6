from django.apps import AppConfig


class ProcurementConfig(AppConfig):
    name = "boussole.web.procurement"
    label = "procurement"
    verbose_name = "Marchés publics : questionnaire fournisseur"
    default_auto_field = "django.db.models.BigAutoField"
