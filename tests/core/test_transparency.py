"""The core rules of the public notice: who may publish (the organisation's setting), what a
notice needs before publishing, the prefill from the profile, and the public content (exactly
the contract's keys, built from named fields only)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from boussole.core import transparency as t


@pytest.mark.parametrize(("role", "domain", "setting", "allowed"), [
    ("referent", "juridique", "referent:juridique", True),  # the DPO, by default
    ("referent", "cybersecurite", "referent:juridique", False),
    ("porteur", "", "referent:juridique", False),
    ("admin", "", "referent:juridique", False),
    ("admin", "", "admin", True),
    ("referent", "juridique", "admin", False),
    ("referent", "numerique", "referent", True),  # a role without domain: any domain
    ("referent", "juridique", "admin, referent:juridique", True),
    ("prestataire", "", "inconnu, prestataire:juridique", False),
    ("admin", "", "", False),
])
def test_publishing_right_follows_the_organisation_setting(role: str, domain: str,
                                                           setting: str, allowed: bool) -> None:
    assert t.may_publish(role=role, domain=domain, setting=setting) is allowed
    refusal = t.publish_refusal(role=role, domain=domain, setting=setting)
    assert (refusal is None) is allowed


def test_another_organisation_never_publishes() -> None:
    assert not t.may_publish(role="referent", domain="juridique", setting="referent:juridique",
                             same_organisation=False)


def test_refusal_names_who_may_publish_in_french() -> None:
    message = t.publish_refusal(role="porteur", domain="", setting=t.DEFAULT_PUBLISHERS)
    assert message is not None
    assert "Juridique et protection des données" in message and "droit de publier" in message
    assert t.publishers_problems("admin, chef:juridique, referent:cuisine") == [
        "Rôle inconnu : « chef ».", "Domaine inconnu : « cuisine »."]
    assert t.publishers_problems(" ") == ["Indiquez au moins un rôle qui peut publier les "
                                          "notices."]


def test_editors_are_the_group_members_who_see_the_internal_pages() -> None:
    assert t.may_edit(role="porteur", internal=True)
    assert t.may_edit(role="referent", internal=True)
    assert not t.may_edit(role="elu", internal=True)
    assert not t.may_edit(role="representant_personnel", internal=True)
    assert not t.may_edit(role="prestataire", internal=False)


COMPLETE: dict[str, Any] = {
    "title": "Comparateur", "summary": "Il compare.", "purpose": "Pour économiser.",
    "data": "Les relevés.", "responsible_service": "Direction de l'eau",
    "contact": "eau@exemple.fr", "contest": "Écrivez-nous.",
    "founds_individual_decisions": False, "legal_basis": "", "algorithm_rules": "",
}


def test_a_complete_notice_of_a_case_in_service_can_be_published() -> None:
    assert t.publish_problems(state="en_service", fields=COMPLETE) == []


@pytest.mark.parametrize("state", ["refuse", "abandonne"])
def test_a_refused_or_abandoned_case_cannot_be_published(state: str) -> None:
    [problem] = t.publish_problems(state=state, fields=COMPLETE)
    assert problem.field is None and "refusé ou abandonné" in problem.message


def test_missing_tier1_texts_and_crpa_rules_are_required_before_publishing() -> None:
    fields = {**COMPLETE, "contact": " ", "founds_individual_decisions": True}
    problems = t.publish_problems(state="decision", fields=fields)
    assert [p.field for p in problems] == ["contact", "algorithm_rules"]
    assert "L312-1-3" in problems[1].message
    too_long = {**COMPLETE, "title": "x" * 201}
    assert [p.field for p in t.publish_problems(state="decision", fields=too_long)] == ["title"]


def test_unpublishing_needs_a_publication_and_a_reason() -> None:
    assert [p.field for p in t.unpublish_problems(published=True, reason=" ")] == ["reason"]
    assert [p.message for p in t.unpublish_problems(published=False, reason="Fin")] == [
        "Cette notice n'est pas publiée."]
    assert t.unpublish_problems(published=True, reason="Service arrêté") == []


def test_prefill_reads_individual_decisions_and_personal_data_from_the_profile() -> None:
    answers = {"objectif_documente": "Oui — documenté", "explication_resultats": "Expliqué",
               "choix_conception": "Interne"}
    aid = t.prefill(title="Tri", service="Accueil", purpose="Trier", criterion6=answers,
                    facts={"decision": "aide", "donnees_perso": "oui",
                           "personnes": ["usagers", "agents"]},
                    people_labels={"usagers": "Usagers", "agents": "Agents"})
    assert aid["founds_individual_decisions"] is True
    assert aid["algorithm_rules"] == "Expliqué"
    assert aid["data"] == "L'outil utilise des informations sur des personnes (usagers, agents)."
    assert aid["responsible_service"] == "Accueil" and aid["purpose"] == "Trier"
    assert aid["criterion6_ids"] == ["objectif_documente", "explication_resultats"]
    none = t.prefill(title="Tri", service="Accueil", purpose="Trier", criterion6={},
                     facts={"decision": "aucune", "donnees_perso": "non"})
    assert none["founds_individual_decisions"] is False and none["algorithm_rules"] == ""
    assert none["data"] == "L'outil n'utilise pas d'informations sur des personnes."
    assert none["criterion6_ids"] == []


def _content(**overrides: Any) -> dict[str, Any]:
    arguments: dict[str, Any] = {
        "reference": "2026-003", "organisation_slug": "ville", "organisation_name": "Ville",
        "fields": {**COMPLETE, "criterion6_ids": ["b", "a", "absent"],
                   # private fields of the draft or of a case are never read
                   "comments": "PRIVÉ commentaire", "opinion": "PRIVÉ avis"},
        "criterion6": [t.Criterion6Answer("a", 61, "Question A ?", "Réponse A"),
                       t.Criterion6Answer("b", 60, "Question B ?", "Réponse B"),
                       t.Criterion6Answer("c", 62, "Question C ?", "Non publiée")],
        "legal_level": "ELEVE", "state": "en_service", "year": 2026,
        "footprint": t.FootprintFacts(kg_co2e_per_year=42.4361, kwh_per_year=88.2),
        "decision": t.DecisionFacts(outcome="valide_sous_conditions", date="2025-11-20",
                                    reference="Délibération 2025-142",
                                    officials=[t.Official("Paul Rivière", "numerique")],
                                    conditions="Bilan à 6 mois"),
        "reviews": [t.ReviewFacts("2026-06-01", "Revue à 6 mois", "Rien à signaler")],
        "published_at": "2026-12-04T10:00:00+00:00", "version": 2,
    }
    arguments.update(overrides)
    return t.build_content(**arguments)


def test_content_has_exactly_the_contract_keys_and_is_json() -> None:
    content = _content()
    assert list(content) == list(t.CONTENT_KEYS)
    assert set(content) == {
        "reference", "organisation", "title", "summary", "purpose", "data",
        "responsible_service", "contact", "contest", "founds_individual_decisions",
        "legal_basis", "algorithm_rules", "criterion6", "legal_level", "legal_level_label",
        "state", "state_label", "footprint", "decision", "reviews", "year", "published_at",
        "version"}
    assert json.loads(json.dumps(content)) == content
    assert set(content["footprint"]) == set(t.FOOTPRINT_KEYS)
    assert set(content["decision"]) == set(t.DECISION_KEYS)
    assert content["organisation"] == {"slug": "ville", "name": "Ville"}
    assert content["legal_level_label"] == "élevé"
    assert content["state_label"] == "En service — suivi"
    assert content["decision"]["outcome_label"] == "Validé sous conditions"
    assert content["decision"]["officials"] == [{"name": "Paul Rivière",
                                                 "delegation_label": "Numérique"}]
    assert content["footprint"]["kg_co2e_per_year"] == 42.436
    assert content["footprint"]["water_l_per_year"] is None
    assert "42 kg" in content["footprint"]["summary"]
    assert content["reviews"] == [{"date": "2026-06-01", "stage_label": "Revue à 6 mois",
                                   "summary": "Rien à signaler"}]
    assert (content["year"], content["version"]) == (2026, 2)


def test_only_selected_criterion6_answers_in_question_order_and_nothing_private() -> None:
    content = _content()
    assert [a["id"] for a in content["criterion6"]] == ["b", "a"]  # numbers 60 then 61
    assert content["criterion6"][0] == {"id": "b", "number": 60, "question": "Question B ?",
                                        "answer": "Réponse B"}
    assert "PRIVÉ" not in json.dumps(content, ensure_ascii=False)
    assert "Non publiée" not in json.dumps(content, ensure_ascii=False)


def test_excluded_parts_are_empty_values() -> None:
    fields = {**COMPLETE, "include_footprint": False, "include_decision": False,
              "include_reviews": False}
    content = _content(fields=fields, legal_level="")
    assert content["footprint"] == {"kg_co2e_per_year": None, "kwh_per_year": None,
                                    "water_l_per_year": None, "summary": ""}
    assert content["decision"] == {"outcome": "", "outcome_label": "", "date": "",
                                   "reference": "", "officials": [], "conditions": ""}
    assert content["reviews"] == [] and content["criterion6"] == []
    assert content["legal_level"] == "" and content["legal_level_label"] == ""
