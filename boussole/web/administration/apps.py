from django.apps import AppConfig


class AdministrationConfig(AppConfig):
    name = "boussole.web.administration"
    label = "administration"
    verbose_name = "Administration et tableau de bord"
    default_auto_field = "django.db.models.BigAutoField"
