from django.apps import AppConfig


class TransparencyConfig(AppConfig):
    name = "boussole.web.transparency"
    label = "transparency"
    verbose_name = "Transparence : notices publiques"
    default_auto_field = "django.db.models.BigAutoField"
