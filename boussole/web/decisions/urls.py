from django.urls import path

from boussole.web.decisions import views

app_name = "decisions"

urlpatterns = [
    path("cas/<int:pk>/parcours/", views.path, name="path"),
    path("cas/<int:pk>/parcours/lancer/", views.launch, name="launch"),
    path("cas/<int:pk>/parcours/<str:code>/", views.transition, name="transition"),
    path("cas/<int:pk>/avis-du-groupe/", views.group_opinion, name="group_opinion"),
    path("cas/<int:pk>/decision/", views.decision, name="decision"),
    path("cas/<int:pk>/information-syndicale/", views.union_information, name="union"),
    path("cas/<int:pk>/versions/<int:number>/", views.version, name="version"),
    path("cas/<int:pk>/versions/<int:number>/note.<str:fmt>", views.memo, name="memo"),
    path("cas/<int:pk>/note-projet.<str:fmt>", views.memo_preview, name="memo_preview"),
    path("taches/", views.tasks, name="tasks"),
    path("taches/preferences/", views.preferences, name="preferences"),
    path("notifications/<int:notification_id>/lue/", views.notification_read,
         name="notification_read"),
]
