"""Mounted under ``cas/<int:pk>/indicateurs/`` (see ``boussole/web/urls.py``)."""

from django.urls import path

from boussole.web.indicators import views

app_name = "indicators"

urlpatterns = [
    path("", views.page, name="page"),
    path("<int:indicator_id>/modifier/", views.edit, name="edit"),
    path("<int:indicator_id>/valeur/", views.record_value, name="record_value"),
]
