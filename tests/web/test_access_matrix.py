"""The matrix of roles × actions on a case under instruction, including another organisation,
a porteur who does not lead the case, and the vendor's view (only its questionnaire).

Each refused action must leave the data unchanged (same audit trail, same rows, same state)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from boussole.web.cases import services
from boussole.web.cases.models import Answer, Assignment, AuditEvent, Comment, Evidence, Opinion

pytestmark = pytest.mark.django_db

PERSONAS = {
    # key: (role, extra)
    "lead": ("porteur", {}),
    "porteur_other": ("porteur", {}),
    "juriste": ("referent", {"domain": "juridique"}),
    "rh": ("referent", {"domain": "rh_qvt"}),
    "pilote": ("referent", {"domain": "numerique"}),
    "elu": ("elu", {"delegation": "numerique"}),
    "syndicat": ("representant_personnel", {}),
    "prestataire": ("prestataire", {}),
    "admin": ("admin", {}),
    "outsider": ("admin", {}),
}

ACTIONS = ["view", "answer_q3", "answer_profile", "answer_vendor_q2", "comment", "attach",
           "assign", "opinion_c2",
           # Finding 4: who names whom, removes a referent, moves the case.
           "self_assign_c1", "self_assign_c4", "unassign_rh", "abandon",
           # Finding 6: the vendor's questionnaire, and every internal page or fragment.
           "comment_vendor_q2", "attach_vendor_q2", "profile_page", "criterion_page",
           "legal_page", "legal_panel", "journal", "path", "footprint",
           "discussion_internal", "discussion_vendor_q2", "download_internal"]

# Expected HTTP status per persona and action, on a case "en instruction".
# 404: the case does not exist for the user; 403: visible but not allowed.
OK, NO, HIDDEN = "ok", "no", "hidden"
# Internal pages (profile … download_internal): allowed to every internal role, refused to the
# vendor.
INTERNAL = (OK,) * 10
MATRIX = {
    #               view answer_q3 profile vendor_q2 comment attach assign opinion
    #                   self_c1 self_c4 unassign abandon  comment_vq2 attach_vq2  pages…
    "lead":          (OK, NO, OK, NO, OK, OK, OK, NO,
                      NO, NO, OK, OK, OK, OK, *INTERNAL),
    "porteur_other": (OK, NO, NO, NO, OK, NO, NO, NO,
                      NO, NO, NO, NO, OK, NO, *INTERNAL),
    "juriste":       (OK, OK, OK, OK, OK, OK, OK, OK,  # assign: names themselves (own domain)
                      OK, NO, NO, NO, OK, OK, *INTERNAL),
    "rh":            (OK, NO, OK, NO, OK, OK, NO, NO,
                      NO, OK, OK, NO, OK, OK, *INTERNAL),
    "pilote":        (OK, NO, OK, NO, OK, OK, OK, NO,
                      NO, NO, OK, OK, OK, OK, *INTERNAL),
    "elu":           (OK, NO, NO, NO, OK, NO, NO, NO,
                      NO, NO, NO, NO, OK, NO, *INTERNAL),
    "syndicat":      (HIDDEN,) * len(ACTIONS),
    "prestataire":   (OK, NO, NO, OK, NO, NO, NO, NO,
                      NO, NO, NO, NO, OK, OK, *(NO,) * 8, OK, NO),
    "admin":         (OK, NO, NO, NO, OK, NO, OK, NO,
                      NO, NO, OK, OK, OK, NO, *INTERNAL),
    "outsider":      (HIDDEN,) * len(ACTIONS),
}
#: Pages read with GET (an allowed one answers 200 and changes nothing).
PAGES = {"view", "profile_page", "criterion_page", "legal_page", "legal_panel", "journal",
         "path", "footprint", "discussion_internal", "discussion_vendor_q2",
         "download_internal"}
#: Moves on the decision path: refused by the workflow with a message on the path page (302),
#: or 403 for people who may not open the path at all.
MOVES = {"abandon"}


@pytest.fixture
def world(organisation: Any, other_organisation: Any, make_user: Any) -> dict[str, Any]:
    people = {}
    for key, (role, extra) in PERSONAS.items():
        org = other_organisation if key == "outsider" else organisation
        people[key] = make_user(key, org, role=role, **extra)
    case = services.case_create(organisation=organisation, user=people["lead"],
                                title="Dossier de la matrice", service="Service",
                                purpose="Tester les droits.")
    case.vendor_account = people["prestataire"]
    case.save()
    services.case_move(case=case, user=people["pilote"], state="en_instruction")
    return {"case": case, "people": people}


def snapshot(case: Any) -> tuple[Any, ...]:
    return (*(model.objects.filter(case=case).count() for model in (
        Answer, Assignment, AuditEvent, Comment, Evidence, Opinion)),
            type(case).objects.get(pk=case.pk).state)


def perform(client: Any, case: Any, action: str, people: dict[str, Any]) -> int:
    base = f"/cas/{case.pk}"
    if action == "view":
        return int(client.get(f"{base}/").status_code)
    if action == "answer_q3":
        return int(client.post(f"{base}/reponse/conformite_donnees_personnelles/",
                               {"value": "Conforme sous réserve.", "revision": "0"}).status_code)
    if action == "answer_profile":
        return int(client.post(f"{base}/reponse/est_ia/", {"value": "oui", "revision": "0"}
                               ).status_code)
    if action == "answer_vendor_q2":
        return int(client.post(f"{base}/reponse/biometrie_absente/",
                               {"value": "oui", "justification": "Aucune donnée biométrique.",
                                "revision": "0"}).status_code)
    if action == "comment":
        return int(client.post(f"{base}/commentaires/",
                               {"item_id": "conformite_donnees_personnelles",
                                "body": "Une remarque."}).status_code)
    if action == "attach":
        upload = SimpleUploadedFile("note.txt", b"Analyse jointe.", content_type="text/plain")
        return int(client.post(f"{base}/pieces/", {"criterion": "2", "file": upload}
                               ).status_code)
    if action == "assign":
        return int(client.post(f"{base}/critere/2/referents/",
                               {"user": people["juriste"].pk}).status_code)
    if action == "opinion_c2":
        return int(client.post(f"{base}/critere/2/avis/",
                               {"verdict": "defavorable", "recommendations": "À revoir.",
                                "revision": "0"}).status_code)
    me = client.session.get("_auth_user_id")
    if action in ("self_assign_c1", "self_assign_c4"):
        return int(client.post(f"{base}/critere/{action[-1]}/referents/", {"user": me}
                               ).status_code)
    if action == "unassign_rh":
        assignment = Assignment.objects.get(case=case, criterion=4, user=people["rh"])
        return int(client.post(f"{base}/affectation/{assignment.pk}/retrait/").status_code)
    if action == "abandon":
        return int(client.post(f"/cas/{case.pk}/parcours/abandonner/",
                               {"reason": "Le projet s'arrête."}).status_code)
    if action == "comment_vendor_q2":
        return int(client.post(f"{base}/commentaires/",
                               {"item_id": "biometrie_absente", "body": "Une question ?"}
                               ).status_code)
    if action == "attach_vendor_q2":
        upload = SimpleUploadedFile("fiche.txt", b"Fiche produit.", content_type="text/plain")
        return int(client.post(f"{base}/pieces/", {"item_id": "biometrie_absente",
                                                   "file": upload}).status_code)
    pages = {"profile_page": "profil/", "criterion_page": "critere/2/",
             "legal_page": "juridique/", "legal_panel": "juridique/points/",
             "journal": "journal/", "path": "parcours/", "footprint": "empreinte/",
             "discussion_internal": "discussion/conformite_donnees_personnelles/",
             "discussion_vendor_q2": "discussion/biometrie_absente/"}
    if action in pages:
        return int(client.get(f"{base}/{pages[action]}").status_code)
    if action == "download_internal":
        piece = Evidence.objects.get(case=case, original_name="interne.txt")
        return int(client.get(f"{base}/pieces/{piece.pk}/").status_code)
    raise AssertionError(action)


@pytest.mark.parametrize("persona", list(PERSONAS))
@pytest.mark.parametrize("action", ACTIONS)
def test_role_action_matrix(client: Any, world: dict[str, Any], persona: str, action: str,
                            settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    case, people = world["case"], world["people"]
    if action == "download_internal":
        services.evidence_add(case=case, user=people["juriste"], criterion=2,
                              upload=SimpleUploadedFile("interne.txt", b"Analyse interne.",
                                                        content_type="text/plain"))
    if action == "unassign_rh":
        services.assignment_add(case=case, user=people["pilote"], criterion=4,
                                referent=people["rh"])
    client.force_login(people[persona])
    before = snapshot(case)
    status = perform(client, case, action, people)
    expected = MATRIX[persona][ACTIONS.index(action)]
    if expected == HIDDEN:
        assert status == 404
    elif expected == NO:
        assert status in ((302, 403) if action in MOVES else (403,))
    elif action in PAGES:
        assert status == 200
    else:
        assert status in (200, 302)
    if expected != OK or action in PAGES:
        assert snapshot(case) == before, "a refused action (or a page) changed the case"
    else:
        assert snapshot(case) != before, "an allowed action changed nothing"


def test_frozen_case_refuses_answers(client: Any, world: dict[str, Any]) -> None:
    case, people = world["case"], world["people"]
    services.case_move(case=case, user=people["pilote"], state="decision")
    client.force_login(people["juriste"])
    before = snapshot(case)
    assert perform(client, case, "answer_q3", people) == 403
    assert snapshot(case) == before
