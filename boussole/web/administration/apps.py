from django.apps import AppConfig


class AdministrationConfig(AppConfig):
    name = "boussole.web.administration"
    label = "administration"
    verbose_name = "Administration et tableau de bord"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here: the services use the models, which need the app registry ready.
        from boussole.web.accounts.oidc import inactive_account_matched
        from boussole.web.administration.services import on_inactive_account_matched

        inactive_account_matched.connect(on_inactive_account_matched,
                                         dispatch_uid="administration_invitation_sign_in")
