"""The matrix of roles × actions on a case under instruction, including another organisation.

Each refused action must leave the data unchanged (same audit trail, same rows)."""

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
           "assign", "opinion_c2"]

# Expected HTTP status per persona and action, on a case "en instruction".
# 404: the case does not exist for the user; 403: visible but not allowed.
OK, NO, HIDDEN = "ok", "no", "hidden"
MATRIX = {
    #               view answer_q3 profile vendor_q2 comment attach assign opinion
    "lead":          (OK, NO, OK, NO, OK, OK, OK, NO),
    "porteur_other": (OK, NO, OK, NO, OK, OK, OK, NO),
    "juriste":       (OK, OK, OK, OK, OK, OK, NO, OK),
    "rh":            (OK, NO, OK, NO, OK, OK, NO, NO),
    "pilote":        (OK, NO, OK, NO, OK, OK, OK, NO),
    "elu":           (OK, NO, NO, NO, OK, NO, NO, NO),
    "syndicat":      (HIDDEN,) * 8,
    "prestataire":   (OK, NO, NO, OK, OK, OK, NO, NO),
    "admin":         (OK, NO, NO, NO, OK, NO, OK, NO),
    "outsider":      (HIDDEN,) * 8,
}


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


def snapshot(case: Any) -> tuple[int, ...]:
    return tuple(model.objects.filter(case=case).count() for model in (
        Answer, Assignment, AuditEvent, Comment, Evidence, Opinion))


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
                               {"verdict": "favorable", "revision": "0"}).status_code)
    raise AssertionError(action)


@pytest.mark.parametrize("persona", list(PERSONAS))
@pytest.mark.parametrize("action", ACTIONS)
def test_role_action_matrix(client: Any, world: dict[str, Any], persona: str, action: str,
                            settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    case, people = world["case"], world["people"]
    client.force_login(people[persona])
    before = snapshot(case)
    status = perform(client, case, action, people)
    expected = MATRIX[persona][ACTIONS.index(action)]
    if expected == HIDDEN:
        assert status == 404
    elif expected == NO:
        assert status == 403
    else:
        assert status in (200, 302)
    if expected != OK:
        assert snapshot(case) == before, "a refused action changed the case"
    elif action != "view":
        assert snapshot(case) != before, "an allowed action changed nothing"


def test_frozen_case_refuses_answers(client: Any, world: dict[str, Any]) -> None:
    case, people = world["case"], world["people"]
    services.case_move(case=case, user=people["pilote"], state="decision")
    client.force_login(people["juriste"])
    before = snapshot(case)
    assert perform(client, case, "answer_q3", people) == 403
    assert snapshot(case) == before
