from django.urls import path

from boussole.web.portfolio import views

app_name = "portfolio"
urlpatterns = [
    path("tableau-de-bord/", views.dashboard, name="dashboard"),
]
