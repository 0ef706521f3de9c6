from django.urls import URLPattern, URLResolver, path

from boussole.web.administration import views

app_name = "administration"
urlpatterns: list[URLPattern | URLResolver] = [
    path("administration/", views.people, name="people"),
    path("administration/inviter/", views.invite, name="invite"),
    path("administration/personnes/<int:pk>/", views.person, name="person"),
    path("administration/personnes/<int:pk>/activite/", views.person_active,
         name="person_active"),
    path("administration/personnes/<int:pk>/reinviter/", views.person_reinvite,
         name="person_reinvite"),
    path("administration/invitations/<int:pk>/revoquer/", views.invitation_revoke,
         name="invitation_revoke"),
    path("administration/parametres/", views.organisation_settings, name="settings"),
    path("administration/journal/", views.journal, name="journal"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    path("mot-de-passe/oublie/", views.PasswordResetView.as_view(), name="password_reset"),
    path("mot-de-passe/envoye/", views.PasswordResetDoneView.as_view(),
         name="password_reset_done"),
    path("mot-de-passe/nouveau/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("mot-de-passe/modifie/", views.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
]
