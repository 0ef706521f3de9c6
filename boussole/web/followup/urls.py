from django.urls import path

from boussole.web.followup import views

app_name = "followup"

urlpatterns = [
    path("<int:pk>/suivi/", views.case_followup, name="case"),
]
