from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from boussole.web import views
from boussole.web.cases import views as cases_views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico when a document (a file, an error) declares no icon.
    path("favicon.ico", RedirectView.as_view(url=static("boussole/icon.svg"), permanent=True)),
    path("comptes/", include("boussole.web.accounts.urls")),
    path("cas/", include("boussole.web.cases.urls")),
    path("cas/<int:pk>/empreinte/", include("boussole.web.footprint.urls")),
    path("cas/", include("boussole.web.followup.urls")),
    path("cas/<int:pk>/indicateurs/", include("boussole.web.indicators.urls")),
    path("mes-questions/", cases_views.my_questions, name="my_questions"),
    path("", include("boussole.web.decisions.urls")),
    path("", include("boussole.web.surveys.urls")),
    path("", include("boussole.web.transparency.urls")),
    path("", include("boussole.web.register.urls")),
    path("", include("boussole.web.procurement.urls")),
    path("", include("boussole.web.administration.urls")),
    path("api/v1/", include("boussole.web.api.urls")),
    path("compte/jetons/", include("boussole.web.api.account_urls")),
    path("", include("boussole.web.portfolio.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
