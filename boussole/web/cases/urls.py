from django.urls import path

from boussole.web.cases import views

app_name = "cases"

urlpatterns = [
    path("<int:pk>/", views.case_detail, name="detail"),
]
