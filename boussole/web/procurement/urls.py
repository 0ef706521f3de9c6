from django.urls import URLPattern, URLResolver, path

from boussole.web.procurement import bid_views, views

app_name = "procurement"
urlpatterns: list[URLPattern | URLResolver] = [
    path("cas/<int:pk>/marche/", views.case_page, name="case"),
    path("cas/<int:pk>/marche/nouvelle/", views.consultation_create, name="create"),
    path("cas/<int:pk>/marche/a-confirmer/", views.provisional, name="provisional"),
    path("cas/<int:pk>/marche/<int:cid>/clore/", views.consultation_close, name="close"),
    path("cas/<int:pk>/marche/<int:cid>/soumissionnaires/", views.bidder_add,
         name="bidder_add"),
    path("cas/<int:pk>/marche/<int:cid>/import/", views.annex_import, name="annex_import"),
    path("cas/<int:pk>/marche/<int:cid>/dossier/", views.dossier_import,
         name="dossier_import"),
    path("cas/<int:pk>/marche/<int:cid>/comparaison/", views.comparison, name="comparison"),
    path("cas/<int:pk>/marche/<int:cid>/comparaison/export.<str:fmt>",
         views.comparison_export, name="comparison_export"),
    path("cas/<int:pk>/marche/<int:cid>/attribution/", views.award, name="award"),
    path("cas/<int:pk>/marche/<int:cid>/soumissionnaires/<int:bid>/", views.bidder_page,
         name="bidder"),
    path("cas/<int:pk>/marche/<int:cid>/soumissionnaires/<int:bid>/lien/",
         views.link_issue, name="link_issue"),
    path("cas/<int:pk>/marche/<int:cid>/soumissionnaires/<int:bid>/revoquer/",
         views.link_revoke, name="link_revoke"),
    path("cas/<int:pk>/marche/<int:cid>/soumissionnaires/<int:bid>/prolonger/",
         views.link_extend, name="link_extend"),
    path("cas/<int:pk>/marche/<int:cid>/soumissionnaires/<int:bid>/dossier.json",
         views.dossier_export, name="dossier_export"),
    path("cas/<int:pk>/marche/<int:cid>/soumissionnaires/<int:bid>/maturite/<int:answer_pk>/",
         views.maturity_override, name="override"),
    path("cas/<int:pk>/marche/<int:cid>/soumissionnaires/<int:bid>/document/<int:answer_pk>/",
         views.document_download, name="document"),
    path("offre/<str:token>/", bid_views.overview, name="bid"),
    path("offre/<str:token>/critere/<int:number>/", bid_views.criterion,
         name="bid_criterion"),
    path("offre/<str:token>/envoyer/", bid_views.submit, name="bid_submit"),
]

# The tender annex (pack_views.py): its page and its download.
from boussole.web.procurement import pack_views  # noqa: E402

urlpatterns += [
    path("cas/<int:pk>/marche/annexe/", pack_views.pack_page, name="pack"),
    path("cas/<int:pk>/marche/annexe.<str:fmt>", pack_views.pack_download,
         name="pack_download"),
]
