"""Criterion 5 fed by the project lead (issue 12, item 5): the lead enters the calculator's
inputs, the criterion-5 referent validates them (à revalider after a change), places and
volumes are read as people type them, the inputs fill Q35 and Q37 without overwriting a
person's answer, and nobody meets a dead end without a reason."""

from __future__ import annotations

from html import unescape
from typing import Any

import pytest

from boussole.core.errors import Forbidden
from boussole.web.cases import services as case_services
from boussole.web.cases.models import Answer, AuditEvent
from boussole.web.footprint import services
from boussole.web.footprint.models import FootprintInput

pytestmark = pytest.mark.django_db

ROWS = {"equipment-TOTAL_FORMS": "2", "equipment-INITIAL_FORMS": "0"}
#: A chatbot through an API, as the calculator form posts it.
FORM: dict[str, str] = {
    "revision": "0", **ROWS, "service_years": "5", "location": "France",
    "llm_api-requests_per_year": "5 000", "llm_api-requests_period": "month",
    "llm_api-output_tokens": "400", "llm_api-total_params_b": "7",
    "storage-tb": "0,5", "storage-provider": "ovhcloud",
}
SIZING = {"use_case": "chatbot", "requests_per_year": "5 000", "requests_period": "month",
          "model_params_b": "7", "hosting": "api", "location": "France"}


@pytest.fixture
def people(organisation: Any, make_user: Any) -> dict[str, Any]:
    return {
        "lead": make_user("porteur", organisation, role="porteur", first_name="Yann",
                          last_name="Le Goff"),
        "green": make_user("nr", organisation, role="referent",
                           domain="numerique_responsable", first_name="Nora",
                           last_name="Vert"),
        "lawyer": make_user("dpo", organisation, role="referent", domain="juridique"),
        "elu": make_user("elu", organisation, role="elu"),
    }


@pytest.fixture
def case(organisation: Any, people: dict[str, Any]) -> Any:
    case = case_services.case_create(
        organisation=organisation, user=people["lead"], title="Tri des courriels",
        service="État civil", purpose="Trier les courriels entrants.")
    case_services.case_move(case=case, user=people["lead"], state="en_instruction")
    return case


def url(case: Any, tail: str = "") -> str:
    return f"/cas/{case.pk}/empreinte/{tail}"


def text(response: Any) -> str:
    return unescape(response.content.decode())


def answer(case: Any, item_id: str) -> Any:
    return Answer.objects.filter(case=case, item_id=item_id).first()


# --- The lead enters, the referent validates ----------------------------------------------

def test_the_lead_enters_the_inputs_and_sees_the_results(client: Any, case: Any,
                                                         people: Any) -> None:
    client.force_login(people["lead"])
    page = text(client.get(url(case)))
    assert "Calculer et enregistrer" in page
    assert "Aucune donnée d'entrée" not in page
    response = client.post(url(case), FORM, follow=True)
    assert response.status_code == 200
    page = text(response)
    assert "Résultats" in page and "Réponses calculées de la grille" in page
    assert "les réponses Q27, Q45, Q51, Q59, Q35 et Q37 de la grille sont à jour" in page
    stored = FootprintInput.objects.get(case=case)
    assert stored.updated_by == people["lead"]
    assert stored.document["location"] == "FR"
    assert stored.document["llm_api"]["requests_per_year"] == 60000
    assert stored.validation == "none"
    assert "pas encore été validées" in page
    assert "Valider ces données" not in page  # the lead does not validate
    # The calculator's answers are in the grid, written for the lead.
    assert answer(case, "gpu_emissions").answered_by == people["lead"]
    assert answer(case, "stockage_emissions").justification == services.TOOL_JUSTIFICATION
    # Replacing a computed figure stays the group's call.
    assert client.post(url(case, "valeurs/gpu_emissions/"),
                       {"value": "1", "justification": "x"}).status_code == 403


def test_the_referent_validates_and_a_later_change_needs_revalidation(
        client: Any, case: Any, people: Any) -> None:
    client.force_login(people["lead"])
    assert client.post(url(case), FORM).status_code == 302
    # The lead may not validate, not even by posting.
    assert client.post(url(case, "validation/"), {"revision": "1"}).status_code == 403
    with pytest.raises(Forbidden):
        services.footprint_validate(case=case, user=people["lead"], expected_revision=1)
    assert FootprintInput.objects.get(case=case).validation == "none"

    client.force_login(people["green"])
    assert "Valider ces données" in text(client.get(url(case)))
    response = client.post(url(case, "validation/"), {"revision": "1"}, follow=True)
    page = text(response)
    assert "Données du calculateur validées." in page
    assert "Données validées par Nora Vert le" in page
    stored = FootprintInput.objects.get(case=case)
    assert (stored.validation, stored.validated_by, stored.validated_revision) == (
        "validated", people["green"], 1)
    event = AuditEvent.objects.get(case=case, action="footprint_validated")
    assert event.actor == people["green"] and event.after == {
        "validation": "validated", "validated_by": people["green"].pk, "validated_revision": 1}

    # The lead changes an input: the validation no longer covers it.
    client.force_login(people["lead"])
    changed = {**FORM, "revision": "1", "llm_api-requests_per_year": "8 000"}
    assert client.post(url(case), changed).status_code == 302
    stored = FootprintInput.objects.get(case=case)
    assert (stored.revision, stored.validation) == (2, "to_revalidate")
    page = text(client.get(url(case)))
    assert "À revalider" in page and "ont changé depuis leur validation par Nora Vert" in page
    criterion = text(client.get(f"/cas/{case.pk}/critere/5/"))
    assert "Données d'entrée à revalider" in criterion

    client.force_login(people["green"])
    assert "Revalider ces données" in text(client.get(url(case)))
    # A stale form (the revision read before the change) is refused.
    client.post(url(case, "validation/"), {"revision": "1"})
    assert FootprintInput.objects.get(case=case).validation == "to_revalidate"
    client.post(url(case, "validation/"), {"revision": "2"})
    assert FootprintInput.objects.get(case=case).validation == "validated"


def test_who_may_not_enter_is_told_who_does(client: Any, case: Any, people: Any) -> None:
    for who in ("elu", "lawyer"):
        client.force_login(people[who])
        page = text(client.get(url(case)))
        assert "Calculer et enregistrer" not in page
        assert ("Les données du calculateur sont saisies par le chef de projet du dossier "
                "(Yann Le Goff) ou par les référents du critère 5") in page
        assert f'/cas/{case.pk}/critere/5/#h-discussion' in page
        assert client.post(url(case), FORM).status_code == 403
        sizing = text(client.get(url(case, "estimation/")))
        assert "(Yann Le Goff)" in sizing
    with pytest.raises(Forbidden):
        services.footprint_compute(case=case, user=people["elu"],
                                   document={"storage": {"tb": 1}})
    assert not FootprintInput.objects.filter(case=case).exists()


def test_the_criterion_page_explains_computed_questions(client: Any, case: Any,
                                                        people: Any) -> None:
    client.force_login(people["lead"])
    page = text(client.get(f"/cas/{case.pk}/critere/5/"))
    section = page[page.index('id="q-emissions_fabrication"'):]
    section = section[:section.index("</section>")]
    assert "Pas encore de réponse" not in section
    assert "Pas encore calculée : cette valeur vient du calculateur d'empreinte" in section
    assert f'href="/cas/{case.pk}/empreinte/"' in section
    assert "Le chef de projet ou un·e référent·e du critère 5 (numérique responsable) saisit" in (
        page)


# --- Places and volumes as people type them --------------------------------------------

def test_places_are_accepted_as_typed(client: Any, case: Any, people: Any) -> None:
    client.force_login(people["lead"])
    posted = {**FORM, "location": "france", "storage-location": "Allemagne"}
    assert client.post(url(case), posted).status_code == 302
    document = FootprintInput.objects.get(case=case).document
    assert document["location"] == "FR" and document["storage"]["location"] == "DE"
    # An unknown place is refused next to the field, with examples.
    posted = {**FORM, "revision": "1", "location": "Union européenne"}
    response = client.post(url(case), posted)
    assert response.status_code == 400
    page = text(response)
    assert "pas de chiffre unique pour l'Union européenne" in page
    assert "France ou FR, Allemagne ou DE" in page
    assert 'value="Union européenne"' in page  # what was typed stays
    assert FootprintInput.objects.get(case=case).revision == 1


def test_a_volume_per_month_or_per_year_gives_the_same_stored_value(
        client: Any, case: Any, people: Any) -> None:
    client.force_login(people["lead"])
    assert client.post(url(case), FORM).status_code == 302
    monthly = FootprintInput.objects.get(case=case).document
    yearly_form = {**FORM, "revision": "1", "llm_api-requests_per_year": "60 000",
                   "llm_api-requests_period": "year"}
    assert client.post(url(case), yearly_form).status_code == 302
    stored = FootprintInput.objects.get(case=case)
    assert stored.document == monthly
    assert stored.document["llm_api"]["requests_per_year"] == 60000
    # The page shows the stored figure per year, with its switch (in the model's group).
    page = text(client.get(url(case, "?groupe=modele")))
    assert 'name="llm_api-requests_per_year" value="60000"' in page
    assert '<option value="year" selected>par an</option>' in page
    # The sizing help reads the same switch.
    client.post(url(case, "estimation/"), {**SIZING, "action": "use"})
    assert FootprintInput.objects.get(case=case).document["llm_api"][
        "requests_per_year"] == 60000


# --- The inputs fill the questions that ask for the same figures -----------------------------

def test_sizing_help_fills_q35_and_q37(client: Any, case: Any, people: Any) -> None:
    client.force_login(people["lead"])
    response = client.post(url(case, "estimation/"), {**SIZING, "action": "use"}, follow=True)
    assert response.status_code == 200
    assert "Q35 et Q37 de la grille sont à jour" in text(response)
    assert FootprintInput.objects.get(case=case).document["location"] == "FR"
    q35, q37 = answer(case, "nombre_parametres"), answer(case, "nombre_executions")
    assert q35.value == 7e9 and q35.justification == services.INPUT_JUSTIFICATION
    assert q37.value == "60\u202f000 requêtes par an (5\u202f000 par mois)"
    # Answers the calculator wrote follow the next estimate.
    client.post(url(case, "estimation/"), {**SIZING, "model_params_b": "70",
                                           "requests_period": "year", "action": "use"})
    assert answer(case, "nombre_parametres").value == 7e10
    assert answer(case, "nombre_executions").value.startswith("5\u202f000 requêtes par an")


def test_a_persons_answer_to_q35_is_not_overwritten(client: Any, case: Any,
                                                    people: Any) -> None:
    case_services.answer_record(case=case, user=people["green"], item_id="nombre_parametres",
                                value=13_000_000_000)
    client.force_login(people["lead"])
    response = client.post(url(case, "estimation/"), {**SIZING, "action": "use"}, follow=True)
    page = text(response)
    assert "Les réponses Q35, données dans la grille, ont été conservées" in page
    q35 = answer(case, "nombre_parametres")
    assert (q35.value, q35.answered_by) == (13_000_000_000, people["green"])
    assert answer(case, "nombre_executions").justification == services.INPUT_JUSTIFICATION
    kept = AuditEvent.objects.get(case=case, action="footprint_answer_kept")
    assert kept.item_id == "nombre_parametres" and kept.after == {"calculator": 7e9}
    # The same figure typed by a person is left as it is, with no warning.
    assert services.input_answer_status(
        case, {"llm_api": {"total_params_b": 13}}) == {"nombre_parametres": "filled"}
