from django.urls import URLPattern, URLResolver, path, re_path

from boussole.web.register import views

app_name = "register"
urlpatterns: list[URLPattern | URLResolver] = [
    path("registre/", views.index, name="index"),
    path("registre/donnees/<str:filename>", views.data, name="data"),
    path("registre/<slug:organisation>/", views.organisation_register, name="organisation"),
    path("registre/<slug:organisation>/donnees/<str:filename>", views.organisation_data,
         name="organisation_data"),
    path("registre/<slug:organisation>/<str:reference>/", views.notice, name="notice"),
    # Any other address under /registre/: the register's own 404 (no cookie).
    re_path(r"^registre/.+/$", views.not_found),
    path("registre-moderation/", views.moderation, name="moderation"),
    path("registre-moderation/<int:pk>/repondre/", views.moderation_answer,
         name="moderation_answer"),
    path("registre-moderation/<int:pk>/rejeter/", views.moderation_reject,
         name="moderation_reject"),
]
