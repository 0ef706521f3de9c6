from django.urls import path

from boussole.web.cases import plan_views, profile_views, views

app_name = "cases"

urlpatterns = [
    path("nouveau/", views.case_create, name="create"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/modifier/", views.case_edit, name="edit"),
    path("<int:pk>/profil/", profile_views.profile, name="profile"),
    path("<int:pk>/profil/etape/<str:step>/", profile_views.profile_step,
         name="profile_step"),
    path("<int:pk>/critere/<int:number>/", views.criterion, name="criterion"),
    path("<int:pk>/critere/<int:number>/avis/", views.opinion_save, name="opinion"),
    path("<int:pk>/critere/<int:number>/referents/", views.assignment_add, name="assign"),
    path("<int:pk>/affectation/<int:assignment_id>/retrait/", views.assignment_remove,
         name="unassign"),
    path("<int:pk>/reponse/<str:item_id>/", views.answer_save, name="answer"),
    path("<int:pk>/reponse/<str:item_id>/modifier/", views.answer_form, name="answer_form"),
    path("<int:pk>/discussion/<str:item_id>/", views.discussion, name="discussion"),
    path("<int:pk>/commentaires/", views.comment_add, name="comment"),
    path("<int:pk>/commentaires/<int:comment_id>/resolution/", views.comment_resolve,
         name="resolve"),
    path("<int:pk>/pieces/", views.evidence_add, name="evidence"),
    path("<int:pk>/pieces/<int:evidence_id>/", views.evidence_download, name="download"),
    path("<int:pk>/journal/", views.audit, name="audit"),
    path("<int:pk>/juridique/", views.legal_page, name="legal"),
    path("<int:pk>/juridique/points/", views.legal_panel, name="legal_panel"),
    path("<int:pk>/juridique/points/<str:key>/", views.legal_group, name="legal_group"),
    path("<int:pk>/plan-action/", plan_views.plan, name="plan"),
    path("<int:pk>/plan-action/<int:measure_id>/statut/", plan_views.measure_status,
         name="measure_status"),
]
