from django.urls import path

from boussole.web.surveys import views

app_name = "surveys"
urlpatterns = [
    path("enquete/<str:token>/", views.answer, name="answer"),
    path("enquete/<str:token>/merci/", views.thanks, name="thanks"),
    path("cas/<int:pk>/enquetes/", views.case_surveys, name="case"),
    path("cas/<int:pk>/enquetes/ouvrir/", views.round_open, name="open"),
    path("cas/<int:pk>/enquetes/<int:round_pk>/clore/", views.round_close, name="close"),
    path("enquetes/", views.overview, name="overview"),
    path("enquetes/export.csv", views.overview_csv, name="overview_csv"),
    path("enquetes/export.ods", views.overview_ods, name="overview_ods"),
]
