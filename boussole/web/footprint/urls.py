"""Mounted under ``cas/<int:pk>/empreinte/`` (see ``boussole/web/urls.py``)."""

from django.urls import path

from boussole.web.footprint import views

app_name = "footprint"

urlpatterns = [
    path("", views.calculator, name="calculator"),
    path("valeurs/<str:question_id>/", views.override, name="override"),
    path("validation/", views.validate, name="validate"),
    path("estimation/", views.estimate, name="estimate"),
    path("alternative/", views.alternative, name="alternative"),
    path("alternative/option-ia/", views.ai_option_save, name="ai_option"),
    path("alternative/scenarios/", views.scenario_save, name="scenario_add"),
    path("alternative/scenarios/<int:scenario_id>/", views.scenario_save, name="scenario_edit"),
    path("alternative/scenarios/<int:scenario_id>/suppression/", views.scenario_delete,
         name="scenario_delete"),
    path("alternative/conclusion/", views.conclude, name="conclude"),
]
