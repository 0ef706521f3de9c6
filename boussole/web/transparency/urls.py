from django.urls import URLPattern, URLResolver, path

from boussole.web.transparency import views

app_name = "transparency"
urlpatterns: list[URLPattern | URLResolver] = [
    path("cas/<int:pk>/notice/", views.notice, name="notice"),
    path("cas/<int:pk>/notice/publier/", views.publish, name="publish"),
    path("cas/<int:pk>/notice/retirer/", views.unpublish, name="unpublish"),
    path("cas/<int:pk>/notice/conseils/", views.advice_fragment, name="advice"),
]
