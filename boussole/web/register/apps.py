from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "boussole.web.register"
    label = "register"
    verbose_name = "Registre public et données ouvertes"
    default_auto_field = "django.db.models.BigAutoField"
