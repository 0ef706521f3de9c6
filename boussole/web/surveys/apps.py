from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "boussole.web.surveys"
    label = "surveys"
    verbose_name = "Enquêtes conditions de travail"
    default_auto_field = "django.db.models.BigAutoField"
