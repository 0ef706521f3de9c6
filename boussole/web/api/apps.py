from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "boussole.web.api"
    label = "api"
    verbose_name = "API REST"
    default_auto_field = "django.db.models.BigAutoField"
