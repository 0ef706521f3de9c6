from django.urls import URLPattern, URLResolver, path

from boussole.web.api import views
from boussole.web.api.main import api

app_name = "api"
urlpatterns: list[URLPattern | URLResolver] = [
    path("docs", views.docs, name="docs"),
    path("docs/modeles", views.docs_models, name="docs_models"),
    *api.urls[0],
    path("<path:rest>", views.not_found, name="not_found"),
]
