from django.urls import path

from boussole.web.accounts import oidc
from boussole.web.accounts.forms import LoginForm

app_name = "accounts"

urlpatterns = [
    path("connexion/", oidc.LoginView.as_view(
        template_name="accounts/login.html", authentication_form=LoginForm,
        redirect_authenticated_user=True), name="login"),
    path("deconnexion/", oidc.LogoutView.as_view(), name="logout"),
    # Single sign-on (boussole/web/accounts/oidc.py): 404 unless BOUSSOLE_OIDC_CLIENT_ID is set.
    path("oidc/connexion/", oidc.oidc_login, name="oidc_login"),
    path("oidc/callback/", oidc.oidc_callback, name="oidc_callback"),
]
