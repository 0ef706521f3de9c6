"""Criterion 5 (footprint calculator, computed answers, overrides, sizing help) and criterion 7
(no-AI comparison) in the case file: services, views, access and query counts."""

from __future__ import annotations

import dataclasses
import re
from html import unescape
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from boussole.core.errors import InvalidDocument
from boussole.core.footprint import compute_footprint, estimate_from_sizing
from boussole.web.cases import services as case_services
from boussole.web.cases.audit import audit_verify
from boussole.web.cases.models import Answer, AuditEvent
from boussole.web.footprint import forms, inputs, services
from boussole.web.footprint.models import (
    ComputedAnswer,
    FootprintInput,
    NoAiComparison,
    NoAiScenario,
)
from boussole.web.grids import current_grid

pytestmark = pytest.mark.django_db

COMPUTED_IDS = {"Q27": "emissions_fabrication", "Q45": "cpu_emissions",
                "Q51": "gpu_emissions", "Q59": "stockage_emissions"}

#: A chatbot through an API, its web front on a small server, its logs stored and sent.
CHATBOT_DOC: dict[str, Any] = {
    "service_years": 5,
    "location": "FR",
    "llm_api": {"requests_per_year": 60000, "output_tokens": 400, "total_params_b": 7},
    "compute": [{"label": "Partie CPU", "hours_per_year": 8760, "cpu_cores": 4,
                 "memory_gb": 16, "provider": "ovhcloud"}],
    "storage": {"tb": 0.5, "provider": "ovhcloud"},
    "transfer": {"gb_per_year": 200},
}

#: The equipment formset's management form, as a new calculator page has it.
ROWS = {"equipment-TOTAL_FORMS": "2", "equipment-INITIAL_FORMS": "0"}

#: The same inputs, as the calculator form posts them.
CHATBOT_FORM: dict[str, str] = {
    "revision": "0", **ROWS, "service_years": "5", "location": "FR",
    "llm_api-requests_per_year": "60 000", "llm_api-output_tokens": "400",
    "llm_api-total_params_b": "7",
    "cpu-hours_per_year": "8760", "cpu-cpu_cores": "4", "cpu-memory_gb": "16",
    "cpu-provider": "ovhcloud",
    "storage-tb": "0,5", "storage-provider": "ovhcloud", "transfer-gb_per_year": "200",
}


@pytest.fixture
def people(organisation: Any, make_user: Any) -> dict[str, Any]:
    return {
        "lead": make_user("porteur", organisation, role="porteur"),
        "green": make_user("nr", organisation, role="referent",
                           domain="numerique_responsable"),
        "lawyer": make_user("dpo", organisation, role="referent", domain="juridique"),
        "elu": make_user("elu", organisation, role="elu"),
        "vendor": make_user("vendor", organisation, role="prestataire"),
    }


@pytest.fixture
def case(organisation: Any, people: dict[str, Any]) -> Any:
    case = case_services.case_create(
        organisation=organisation, user=people["lead"], title="Agent conversationnel",
        service="Relation aux usagers", purpose="Répondre aux questions des habitants.")
    case_services.case_move(case=case, user=people["lead"], state="en_instruction")
    case.vendor_account = people["vendor"]
    case.save()
    return case


def url(case: Any, tail: str = "") -> str:
    return f"/cas/{case.pk}/empreinte/{tail}"


def snapshot(case: Any) -> tuple[Any, ...]:
    """Everything a refused request must leave untouched."""
    return (
        list(FootprintInput.objects.filter(case=case).values()),
        list(ComputedAnswer.objects.filter(case=case).values()),
        list(Answer.objects.filter(case=case).values("item_id", "value", "justification",
                                                      "revision")),
        list(NoAiScenario.objects.filter(case=case).values()),
        list(NoAiComparison.objects.filter(case=case).values()),
        AuditEvent.objects.filter(case=case).count(),
    )


def error_of(html: str, field_id: str) -> str:
    """The text of the error shown next to a field (``id="e-<field id>"``)."""
    match = re.search(rf'id="e-{re.escape(field_id)}"[^>]*>([^<]*)<', html)
    assert match, f"no error next to {field_id}"
    return unescape(match.group(1))


# --- Computing stores the result and the four retained answers -----------------------------

def test_compute_stores_result_and_the_four_retained_answers(case: Any, people: Any) -> None:
    footprint = services.footprint_compute(case=case, user=people["green"],
                                           document=CHATBOT_DOC, expected_revision=0)
    expected = compute_footprint(CHATBOT_DOC)
    assert footprint.revision == 1
    assert footprint.result == expected.to_json()
    assert footprint.document == CHATBOT_DOC
    rows = {r.question_id: r for r in ComputedAnswer.objects.filter(case=case)}
    answers = {a.item_id: a for a in Answer.objects.filter(case=case)}
    for label, item_id in COMPUTED_IDS.items():
        assert rows[item_id].computed_value == pytest.approx(expected.grid[label].value)
        assert not rows[item_id].overridden
        assert answers[item_id].value == pytest.approx(expected.grid[label].value, rel=1e-3)
        assert answers[item_id].justification == services.TOOL_JUSTIFICATION
    event = AuditEvent.objects.filter(case=case, action="footprint_computed").get()
    assert event.before is None
    assert event.after["document"] == CHATBOT_DOC
    assert set(event.after["grid"]) == set(COMPUTED_IDS)
    assert audit_verify(case)


def test_the_form_computes_and_the_page_shows_answers_chart_and_sources(
        client: Any, case: Any, people: Any) -> None:
    client.force_login(people["green"])
    response = client.post(url(case), CHATBOT_FORM)
    assert response.status_code == 302
    assert response["Location"].endswith("#resultats")
    stored = FootprintInput.objects.get(case=case)
    assert stored.document["llm_api"]["requests_per_year"] == 60000
    assert stored.document["storage"]["tb"] == 0.5
    assert stored.result == compute_footprint(stored.document).to_json()
    html = client.get(url(case)).content.decode()
    for label in COMPUTED_IDS:
        assert f'<span class="num">{label}</span>' in html
    assert '<svg role="img" aria-labelledby="chart-breakdown-title chart-breakdown-desc"' in html
    assert "Données du graphique" in html
    assert "Voiture thermique" in html and "impactCO2.fr" in html
    assert "Infrastructure localisée en France (Q29)" in html
    assert "Respecté" in html  # located in France
    assert "Green Algorithms v3.0, CI_aggregated.csv" in html  # a factor's source
    assert html.count("<h1") == 1
    # The criterion page links to it and shows the retained figures and the checks.
    page = client.get(f"/cas/{case.pk}/critere/5/").content.decode()
    assert f'href="{url(case)}"' in page
    assert "Q59" in page and "Localisée en France" in page


def test_recomputing_keeps_the_stale_revision_out(client: Any, case: Any, people: Any) -> None:
    services.footprint_compute(case=case, user=people["green"], document=CHATBOT_DOC)
    before = snapshot(case)
    client.force_login(people["green"])
    response = client.post(url(case), {**CHATBOT_FORM, "revision": "0"})
    assert response.status_code == 409
    assert "modifiées entre-temps" in response.content.decode()
    assert snapshot(case) == before


# --- Invalid inputs: a French message next to the field, nothing stored --------------------

@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"cpu-hours_per_year": "-5"}, "cpu-hours_per_year", "positif ou nul"),
    ({"cpu-cpu_model": "Processeur imaginaire 9000"}, "cpu-cpu_model",
     "Modèle de CPU inconnu « Processeur imaginaire 9000 »"),
    ({"cpu-hours_per_year": "beaucoup"}, "cpu-hours_per_year", "n'est pas un nombre"),
    ({"llm_api-output_tokens": "400 jetons"}, "llm_api-output_tokens", "n'est pas un nombre"),
    ({"cpu-cpu_usage": "150"}, "cpu-cpu_usage", "pourcentage entre 0 et 100"),
    ({"location": "Atlantide"}, "location", "Lieu inconnu « Atlantide »"),
    ({"pue": "0,8"}, "pue", "supérieur ou égal à 1"),
    ({"storage-tb": ""}, "storage-tb", "Valeur obligatoire manquante"),
    ({"equipment-0-type": "autre", "equipment-0-count": "3",
      "equipment-0-lifetime_years": "4"}, "equipment-0-type", "« Fabrication par unité »"),
    ({"factor_set": "ademe-2022", "location": "DE"}, "location", "ne vaut que pour la France"),
])
def test_invalid_input_is_refused_next_to_the_field(client: Any, case: Any, people: Any,
                                                    changes: dict[str, str], field: str,
                                                    message: str) -> None:
    client.force_login(people["green"])
    before = snapshot(case)
    response = client.post(url(case), {**CHATBOT_FORM, **changes})
    assert response.status_code == 400
    html = response.content.decode()
    shown = error_of(html, f"f-{field}")
    assert message in shown
    # The field points to its message, for screen readers.
    assert re.search(rf'id="f-{field}"[^>]*aria-describedby="[^"]*e-f-{field}"[^>]*'
                     r'aria-invalid="true"', html)
    assert "rien n'a été enregistré" in unescape(html)
    assert snapshot(case) == before
    # What was typed is still in the form.
    for value in changes.values():
        if value:
            assert f'value="{escape(value)}"' in html or f'value="{value}" selected' in html


def test_the_service_refuses_an_invalid_document_and_stores_nothing(case: Any,
                                                                    people: Any) -> None:
    before = snapshot(case)
    with pytest.raises(InvalidDocument) as error:
        services.footprint_compute(case=case, user=people["green"], document={
            "compute": [{"hours_per_year": "mille", "cpu_cores": 4}],
            "storage": {"tb": -1}, "surprise": 1})
    messages = {p.path: p.message for p in error.value.problems}
    assert messages[("compute", 0, "hours_per_year")] == "doit être un nombre, pas un texte."
    assert "positif ou nul" in messages[("storage", "tb")]
    assert "clé inconnue « surprise »" in messages[("surprise",)]
    assert snapshot(case) == before


def test_an_empty_form_is_refused(client: Any, case: Any, people: Any) -> None:
    client.force_login(people["green"])
    response = client.post(url(case), {"revision": "0", **ROWS,
                                       "location": "FR"})
    assert response.status_code == 400
    assert "Renseignez au moins un groupe" in unescape(response.content.decode())
    assert not FootprintInput.objects.filter(case=case).exists()


def test_a_cpu_part_must_describe_its_processors(client: Any, case: Any, people: Any) -> None:
    client.force_login(people["green"])
    response = client.post(url(case), {"revision": "0", **ROWS,
                                       "cpu-hours_per_year": "100"})
    assert response.status_code == 400
    assert "nombre de cœurs" in error_of(response.content.decode(), "f-cpu-cpu_cores")
    assert not FootprintInput.objects.filter(case=case).exists()


# --- Overrides: justified, kept beside the computed value, audited -------------------------

def test_override_without_justification_is_refused_next_to_the_field(
        client: Any, case: Any, people: Any) -> None:
    services.footprint_compute(case=case, user=people["green"], document=CHATBOT_DOC)
    before = snapshot(case)
    client.force_login(people["green"])
    response = client.post(url(case, "valeurs/emissions_fabrication/"),
                           {"value": "12,5", "justification": "  "})
    assert response.status_code == 400
    html = response.content.decode()
    assert error_of(html, "o-emissions_fabrication-justification") == (
        "Une valeur saisie à la place du calcul doit être justifiée.")
    assert 'value="12,5"' in html  # what was typed is kept
    assert snapshot(case) == before
    with pytest.raises(services.Rejected) as error:
        services.computed_override(case=case, user=people["green"],
                                   question_id="emissions_fabrication", value="abc",
                                   justification="")
    assert set(error.value.errors) == {"value", "justification"}
    assert snapshot(case) == before


def test_override_with_justification_keeps_both_values_and_is_audited(
        client: Any, case: Any, people: Any) -> None:
    services.footprint_compute(case=case, user=people["green"], document=CHATBOT_DOC)
    computed = ComputedAnswer.objects.get(case=case, question_id="cpu_emissions").computed_value
    client.force_login(people["green"])
    response = client.post(url(case, "valeurs/cpu_emissions/"), {
        "value": "42,5", "justification": "Mesure du wattmètre du serveur sur un mois."})
    assert response.status_code == 302
    row = ComputedAnswer.objects.get(case=case, question_id="cpu_emissions")
    assert row.computed_value == computed
    assert row.retained_value == 42.5 and row.overridden
    answer = Answer.objects.get(case=case, item_id="cpu_emissions")
    assert answer.value == 42.5
    assert answer.justification == "Mesure du wattmètre du serveur sur un mois."
    event = AuditEvent.objects.filter(case=case, action="computed_overridden").get()
    assert event.before == {"computed": computed, "retained": computed, "overridden": False,
                            "justification": ""}
    assert event.after["computed"] == computed and event.after["retained"] == 42.5
    html = client.get(url(case)).content.decode()
    assert "remplacée par le groupe" in html and "Mesure du wattmètre" in html
    # A new computation updates the computed figure and keeps the group's value.
    document = {**CHATBOT_DOC, "compute": [{**CHATBOT_DOC["compute"][0], "cpu_cores": 8}]}
    services.footprint_compute(case=case, user=people["green"], document=document)
    row.refresh_from_db()
    assert row.computed_value > computed and row.retained_value == 42.5
    assert Answer.objects.get(case=case, item_id="cpu_emissions").value == 42.5
    # Going back to the computed figure.
    response = client.post(url(case, "valeurs/cpu_emissions/"), {"action": "reset"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert not row.overridden
    answer = Answer.objects.get(case=case, item_id="cpu_emissions")
    assert answer.value == services.answer_figure(row.computed_value)
    assert answer.justification == services.TOOL_JUSTIFICATION
    assert AuditEvent.objects.filter(case=case, action="computed_override_removed").count() == 1
    assert audit_verify(case)


def test_an_answer_given_by_hand_is_kept_as_the_retained_value(case: Any, people: Any) -> None:
    case_services.answer_record(case=case, user=people["green"], item_id="stockage_emissions",
                                value=3, justification="Bilan carbone de l'hébergeur 2024.")
    services.footprint_compute(case=case, user=people["green"], document=CHATBOT_DOC)
    row = ComputedAnswer.objects.get(case=case, question_id="stockage_emissions")
    assert row.retained_value == 3 and row.justification == "Bilan carbone de l'hébergeur 2024."
    assert Answer.objects.get(case=case, item_id="stockage_emissions").value == 3


def test_a_block_removed_is_no_longer_answered(case: Any, people: Any) -> None:
    services.footprint_compute(case=case, user=people["green"], document=CHATBOT_DOC)
    document = {key: value for key, value in CHATBOT_DOC.items()
                if key not in ("storage", "transfer")}
    services.footprint_compute(case=case, user=people["green"], document=document)
    assert not ComputedAnswer.objects.filter(case=case, question_id="stockage_emissions").exists()
    answer = Answer.objects.get(case=case, item_id="stockage_emissions")
    assert answer.value == "nsp" and answer.justification == services.RETIRED_JUSTIFICATION


# --- Sizing help ---------------------------------------------------------------------------

def test_sizing_help_lists_assumptions_and_feeds_the_calculator(client: Any, case: Any,
                                                                 people: Any) -> None:
    client.force_login(people["green"])
    form = {"use_case": "chatbot", "requests_per_year": "5 000", "requests_period": "month",
            "model_params_b": "7", "hosting": "self_hosted", "location": "FR"}
    response = client.post(url(case, "estimation/"), {**form, "action": "estimate"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Hypothèses" in html and "Mémoire GPU nécessaire" in html
    assert "60\u202f000" in html  # requests per year, from 5 000 a month
    assert not FootprintInput.objects.filter(case=case).exists()
    response = client.post(url(case, "estimation/"), {**form, "action": "use"})
    assert response.status_code == 302
    stored = FootprintInput.objects.get(case=case)
    direct = compute_footprint(estimate_from_sizing(
        use_case="chatbot", requests_per_month=5000, model_params_b=7, hosting="self_hosted",
        location="FR").document)
    # The form's shape (CPU part and GPU part) gives the same figures as the estimate.
    assert [p["label"] for p in stored.document["compute"]] == ["Partie CPU", "Partie GPU"]
    assert stored.result["per_year"]["kg_co2e"] == pytest.approx(direct.per_year.kg_co2e)
    for label, answer in direct.grid.items():
        assert stored.result["grid"][label]["value"] == pytest.approx(answer.value)
    # The calculator form shows the estimate again, and saving it unchanged changes nothing.
    html = client.get(url(case)).content.decode()
    assert 'name="gpu-gpu_model" value="NVIDIA A100 40GB PCIe"' in html


def test_sizing_help_refuses_bad_figures_next_to_the_field(client: Any, case: Any,
                                                           people: Any) -> None:
    client.force_login(people["green"])
    before = snapshot(case)
    response = client.post(url(case, "estimation/"), {
        "use_case": "chatbot", "requests_per_year": "-3", "requests_period": "month",
        "model_params_b": "",
        "hosting": "api", "location": "FR", "action": "use"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "strictement positif" not in error_of(html, "f-requests_per_year")
    assert "positif ou nul" in error_of(html, "f-requests_per_year")
    assert error_of(html, "f-model_params_b") == "Valeur obligatoire."
    assert snapshot(case) == before


def test_the_forms_are_prefilled_from_the_grid(client: Any, case: Any, people: Any) -> None:
    for item_id, value in (("nombre_parametres", 7_000_000_000),
                           ("nombre_executions", "Environ 5 000 questions par mois")):
        case_services.answer_record(case=case, user=people["green"], item_id=item_id,
                                    value=value)
    client.force_login(people["green"])
    html = client.get(url(case)).content.decode()
    assert 'name="llm_api-total_params_b" value="7"' in html
    assert 'name="llm_api-requests_per_year" value="60000"' in html
    html = client.get(url(case, "estimation/")).content.decode()
    assert 'name="model_params_b" value="7"' in html
    assert 'name="requests_per_year" value="5000"' in html
    assert '<option value="month" selected>par mois</option>' in html


def test_a_form_round_trips_a_document() -> None:
    document = inputs.normalise_document(estimate_from_sizing(
        use_case="summary", requests_per_month=1000, model_params_b=70, hosting="self_hosted",
        location="FR").document)
    shown = forms.Calculator(grid=current_grid(), document=document)
    management = shown.equipment.management_form
    posted = {field.html_name: field.value() or "" for form in shown.all_forms() for field in form}
    posted.update({management[name].html_name: str(management[name].value())
                   for name in ("TOTAL_FORMS", "INITIAL_FORMS")})
    calculator = forms.Calculator(posted, grid=current_grid())
    assert calculator.is_valid(), calculator.error_fields()
    assert compute_footprint(calculator.document()).to_json()["per_year"]["kg_co2e"] == (
        pytest.approx(compute_footprint(document).to_json()["per_year"]["kg_co2e"]))


def test_question_numbers_are_read_from_the_grid(client: Any, case: Any, people: Any) -> None:
    """The calculator names the grid's questions by identifier: renumbered, they show their
    new numbers (the groups' legends, the computed answers they feed, each field's number)."""
    grid = current_grid()
    shifted = dataclasses.replace(grid, criteria=tuple(
        dataclasses.replace(c, questions=tuple(dataclasses.replace(q, number=q.number + 100)
                                               for q in c.questions))
        for c in grid.criteria))
    calculator = forms.Calculator(grid=shifted)
    groups = {group["spec"].id: group for group in calculator.groups()}
    assert (groups["equipements"]["questions"], groups["equipements"]["feeds"]) == (
        "Q124 à Q126", "Q127")
    assert groups["modele"]["feeds"] == "Q127, Q151"
    assert groups["entrainement"]["questions"] == "Q136"
    assert calculator.cpu["hours_per_year"].question_number == 140
    assert calculator.equipment.forms[0]["count"].question_number == 125
    assert calculator.service["service_years"].question_number is None
    client.force_login(people["green"])
    html = client.get(url(case)).content.decode()
    assert "Fabrication des équipements — questions Q24 à Q26 (→ Q27)" in unescape(html)
    assert "Stockage et transfert des données — questions Q52 à Q58 (→ Q59)" in unescape(html)
    assert "le calcul donne les réponses Q27, Q45, Q51 et Q59" in html
    # Each field's number, in its group once opened (the CPU group is closed by default).
    assert '<span class="qnum">Q40</span>' not in html
    assert '<span class="qnum">Q40</span>' in client.get(url(case, "?groupe=cpu")).content.decode()


def test_a_form_without_its_equipment_rows_count_is_refused(client: Any, case: Any,
                                                            people: Any) -> None:
    """The formset's management form is part of the page; a post without it is refused with
    a French message, and nothing is stored."""
    client.force_login(people["green"])
    posted = {key: value for key, value in CHATBOT_FORM.items() if key not in ROWS}
    response = client.post(url(case), posted)
    assert response.status_code == 400
    assert ("Le formulaire est incomplet (nombre de lignes d'équipement manquant) : rechargez "
            "la page.") in unescape(response.content.decode())
    assert not FootprintInput.objects.filter(case=case).exists()


# --- Access ----------------------------------------------------------------------------------

def test_other_organisation_gets_404(client: Any, case: Any, people: Any,
                                     other_organisation: Any, make_user: Any) -> None:
    services.footprint_compute(case=case, user=people["green"], document=CHATBOT_DOC)
    before = snapshot(case)
    client.force_login(make_user("x", other_organisation, role="referent",
                                 domain="numerique_responsable"))
    for tail in ("", "estimation/", "alternative/"):
        assert client.get(url(case, tail)).status_code == 404
    assert client.post(url(case), CHATBOT_FORM).status_code == 404
    assert client.post(url(case, "valeurs/cpu_emissions/"),
                       {"value": "1", "justification": "x"}).status_code == 404
    assert client.post(url(case, "alternative/conclusion/"),
                       {"conclusion": "x"}).status_code == 404
    assert snapshot(case) == before


def test_elected_official_reads_but_cannot_change(client: Any, case: Any, people: Any) -> None:
    services.footprint_compute(case=case, user=people["green"], document=CHATBOT_DOC)
    services.scenario_save(case=case, user=people["green"], values={"title": "Formulaire"})
    scenario = NoAiScenario.objects.get(case=case)
    before = snapshot(case)
    client.force_login(people["elu"])
    html = client.get(url(case)).content.decode()
    assert "Calculer et enregistrer" not in html and "Remplacer la valeur" not in html
    assert "<svg" in html
    assert "<dt>Nombre de requêtes</dt><dd>60000 par an</dd>" in html  # stored, read-only
    assert client.get(url(case, "alternative/")).status_code == 200
    posts = [
        (url(case), CHATBOT_FORM),
        (url(case, "valeurs/cpu_emissions/"), {"value": "1", "justification": "x"}),
        (url(case, "estimation/"), {"requests_per_year": "1", "model_params_b": "7",
                                    "action": "use"}),
        (url(case, "alternative/option-ia/"), {"ai_cost": "x"}),
        (url(case, "alternative/scenarios/"), {"title": "x"}),
        (url(case, f"alternative/scenarios/{scenario.pk}/"), {"title": "y"}),
        (url(case, f"alternative/scenarios/{scenario.pk}/suppression/"), {}),
        (url(case, "alternative/conclusion/"), {"conclusion": "x"}),
    ]
    for target, data in posts:
        assert client.post(target, data).status_code == 403, target
    assert snapshot(case) == before


def test_vendor_has_no_access_to_the_calculator(client: Any, case: Any, people: Any) -> None:
    """The vendor sees only the vendor-facing questions (product map, roles): the calculator is
    an internal page; the vendor's figures reach it through its answers."""
    client.force_login(people["vendor"])
    before = snapshot(case)
    assert client.get(url(case)).status_code == 403
    assert client.post(url(case), CHATBOT_FORM).status_code == 403
    response = client.post(url(case, "valeurs/cpu_emissions/"),
                           {"value": "1", "justification": "Notre mesure."})
    assert response.status_code == 403
    assert client.post(url(case, "alternative/conclusion/"),
                       {"conclusion": "x"}).status_code == 403
    assert snapshot(case) == before
    assert not FootprintInput.objects.filter(case=case).exists()


def test_a_referent_of_another_domain_cannot_compute(client: Any, case: Any,
                                                    people: Any) -> None:
    client.force_login(people["lawyer"])
    assert client.post(url(case), CHATBOT_FORM).status_code == 403
    assert not FootprintInput.objects.filter(case=case).exists()
    # …but criterion 7 belongs to the whole group.
    response = client.post(url(case, "alternative/scenarios/"), {"title": "Formulaire"})
    assert response.status_code == 302


# --- Criterion 7: the comparison without AI -------------------------------------------------

def test_conclusion_is_required(client: Any, case: Any, people: Any) -> None:
    client.force_login(people["lawyer"])
    before = snapshot(case)
    response = client.post(url(case, "alternative/conclusion/"), {"conclusion": "  "})
    assert response.status_code == 400
    assert error_of(response.content.decode(), "c-conclusion") == (
        "La conclusion du groupe est obligatoire.")
    response = client.post(url(case, "alternative/conclusion/"),
                           {"conclusion": "L'IA apporte peu."})
    assert response.status_code == 400
    assert "au moins un scénario sans IA" in error_of(response.content.decode(),
                                                      "c-conclusion")
    assert snapshot(case) == before


def test_comparison_side_by_side_with_a_scenario_footprint(client: Any, case: Any,
                                                           people: Any) -> None:
    services.footprint_compute(case=case, user=people["green"], document=CHATBOT_DOC)
    client.force_login(people["lawyer"])
    # A scenario without a title is refused next to the field; nothing stored.
    response = client.post(url(case, "alternative/scenarios/"),
                           {"title": "", "fp-desktop_hours": "1 600"})
    assert response.status_code == 400
    assert error_of(response.content.decode(), "new-title") == "Donnez un intitulé au scénario."
    assert not NoAiScenario.objects.exists()
    response = client.post(url(case, "alternative/scenarios/"),
                           {"title": "", "fp-desktop_hours": "-4"})
    assert "positif ou nul" in error_of(response.content.decode(), "new-fp-desktop_hours")
    response = client.post(url(case, "alternative/scenarios/"), {
        "title": "FAQ enrichie et rappel par un agent",
        "service_benefit": "Réponses vérifiées aux questions fréquentes.",
        "cost": "0,2 ETP de rédaction par an.", "risks": "Pages à tenir à jour.",
        "dependency": "Aucune dépendance à un fournisseur d'IA.",
        "reversibility": "Totale ; mode dégradé : accueil téléphonique.",
        "fp-desktop_hours": "1 600", "fp-storage_tb": "0,01"})
    assert response.status_code == 302
    scenario = NoAiScenario.objects.get(case=case)
    assert scenario.footprint_document is not None
    assert scenario.footprint_result == compute_footprint(scenario.footprint_document).to_json()
    client.post(url(case, "alternative/option-ia/"), {
        "ai_service_benefit": "Réponse 24 h/24.", "ai_cost": "Abonnement de 12 000 € par an.",
        "ai_risks": "Réponses erronées.", "ai_dependency": "Éditeur et fournisseur du modèle.",
        "ai_reversibility": "Réversible : retour à la FAQ."})
    response = client.post(url(case, "alternative/conclusion/"),
                           {"conclusion": "Le groupe retient l'IA, avec la FAQ en secours."})
    assert response.status_code == 302
    comparison = NoAiComparison.objects.get(case=case)
    assert comparison.concluded and comparison.concluded_by == people["lawyer"]
    html = client.get(url(case, "alternative/")).content.decode()
    table = html[html.index('<table class="comparison">'):html.index("</table>")]
    assert '<th scope="col">Option avec IA</th>' in table
    assert '<th scope="col">FAQ enrichie et rappel par un agent</th>' in table
    assert '<th scope="row">Réversibilité et mode dégradé</th>' in table
    assert "Abonnement de 12" in table and "0,2 ETP" in table
    assert table.count("kg CO2e/an") == 2
    assert "Comparaison conclue par le groupe." in html
    actions = set(AuditEvent.objects.filter(case=case, item_id="comparaison_sans_ia")
                  .values_list("action", flat=True))
    assert actions == {"no_ai_scenario_saved", "no_ai_comparison_saved",
                       "no_ai_comparison_concluded"}
    page = client.get(f"/cas/{case.pk}/critere/7/").content.decode()
    assert "Comparaison conclue (1 scénario sans IA)." in page
    # Editing and deleting a scenario.
    response = client.post(url(case, f"alternative/scenarios/{scenario.pk}/"),
                           {"title": "FAQ enrichie"})
    assert response.status_code == 302
    scenario.refresh_from_db()
    assert scenario.title == "FAQ enrichie" and scenario.footprint_document is None
    client.post(url(case, f"alternative/scenarios/{scenario.pk}/suppression/"))
    assert not NoAiScenario.objects.filter(case=case).exists()
    assert audit_verify(case)


# --- Query counts ----------------------------------------------------------------------------

def _queries(client: Any, target: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(target).status_code == 200
    return len(ctx.captured_queries)


def test_pages_make_a_bounded_number_of_queries(client: Any, case: Any, people: Any) -> None:
    client.force_login(people["green"])
    services.scenario_save(case=case, user=people["green"], values={"title": "Scénario 0"})
    empty = {name: _queries(client, name) for name in (
        url(case), url(case, "alternative/"), f"/cas/{case.pk}/critere/5/",
        f"/cas/{case.pk}/critere/7/")}
    document = {**CHATBOT_DOC, "equipment": [
        {"type": "server", "count": n + 1, "lifetime_years": 5} for n in range(6)]}
    services.footprint_compute(case=case, user=people["green"], document=document)
    for n in range(1, 8):
        services.scenario_save(case=case, user=people["green"], values={"title": f"S{n}"},
                               footprint_document={"location": "FR",
                                                   "storage": {"tb": n}})
    full = {name: _queries(client, name) for name in empty}
    for name, count in full.items():
        assert count <= empty[name] + 2, (name, empty[name], count)
    assert full[url(case, "alternative/")] <= 12
    assert full[url(case)] <= 12
