"""The facts catalogue (from the grid's profile) and validation of input fact sheets."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from boussole.core.errors import InvalidDocument
from boussole.core.rules import (
    default_grid,
    evaluate,
    evaluate_document,
    fact_catalogue,
    normalize_facts,
)

CATALOGUE = fact_catalogue(default_grid())


def problems(raw: Any) -> str:
    with pytest.raises(InvalidDocument) as caught:
        normalize_facts(raw, CATALOGUE, source="fiche.yaml")
    return caught.value.report()


def test_catalogue_comes_from_the_grid_profile() -> None:
    assert CATALOGUE["est_ia"].options == ("oui", "non")
    assert CATALOGUE["biometrie"].type == "multiple_choice"
    assert CATALOGUE["biometrie"].exclusive == {"aucune"}
    assert (CATALOGUE["securite.dict.C"].min, CATALOGUE["securite.dict.C"].max) == (1, 4)
    assert CATALOGUE["en_service_depuis"].type == "date"


def test_catalogue_is_the_profile_of_the_grid_in_order() -> None:
    grid = default_grid()
    assert list(CATALOGUE) == [fact.id for fact in grid.profile]
    for fact in grid.profile:
        assert CATALOGUE[fact.id].options == fact.option_ids
        assert CATALOGUE[fact.id].number == (fact.number or "")
    assert fact_catalogue(grid) is CATALOGUE  # built once per grid


def test_nested_and_dotted_security_facts_are_the_same() -> None:
    nested = normalize_facts({"securite": {"analyse_risques": "oui", "dict": {"C": 3}}},
                             CATALOGUE)
    dotted = normalize_facts({"securite.analyse_risques": "oui", "securite.dict.C": 3},
                             CATALOGUE)
    mixed = normalize_facts({"securite": {"dict.C": 3}, "securite.analyse_risques": "oui"},
                            CATALOGUE)
    assert nested == dotted == mixed == {"securite.analyse_risques": "oui", "securite.dict.C": 3}


def test_values_are_normalised() -> None:
    facts = normalize_facts({
        "est_ia": True, "croisement": False, "biometrie": ["verification", "nsp"],
        "personnes": "agents", "donnees_sensibles": ["nsp"], "domaine": [],
        "profilage": "nsp", "volume": None, "en_service_depuis": "2023-05-01",
        "securite": {"rag": False},
    }, CATALOGUE)
    assert facts == {
        "est_ia": "oui", "croisement": "non", "biometrie": frozenset({"verification", "nsp"}),
        "personnes": frozenset({"agents"}), "en_service_depuis": dt.date(2023, 5, 1),
        "securite.rag": "non",
    }


@pytest.mark.parametrize(("raw", "message"), [
    ({"inconnu": "oui"}, "faits.inconnu : fait inconnu « inconnu »"),
    ({"securite": {"dict": {"X": 1}}}, "faits.securite.dict.X : fait inconnu « securite.dict.X »"),
    ({"biometrie": ["aucune", "faciale"]},
     "faits.biometrie[1] : option inconnue « faciale » pour biometrie"),
    ({"biometrie": ["aucune", "verification"]},
     "faits.biometrie : l'option « aucune » ne peut pas être combinée avec d'autres réponses"),
    ({"est_ia": "peut-être"}, "faits.est_ia : option inconnue « peut-être » pour est_ia"),
    ({"est_ia": 1}, "faits.est_ia : une réponse parmi oui, non ou nsp est attendue"),
    ({"role": True}, "faits.role : une réponse parmi deployeur, fournisseur"),
    ({"personnes": {"agents": True}}, "faits.personnes : une liste d'options est attendue"),
    ({"securite": {"dict": {"C": 5}}}, "faits.securite.dict.C : valeur 5 hors de l'échelle 1 à 4"),
    ({"securite": {"dict": {"C": "3"}}}, "faits.securite.dict.C : un entier de 1 à 4 est attendu"),
    ({"securite": "oui"}, "faits.securite : un objet regroupant des faits est attendu"),
    ({"en_service_depuis": "01/05/2023"},
     "faits.en_service_depuis : une date au format AAAA-MM-JJ est attendue"),
    ({"securite.dict.C": 2, "securite": {"dict": {"C": 3}}},
     "faits.securite.dict.C : le fait « securite.dict.C » est renseigné deux fois"),
    (["est_ia"], "faits : un objet « identifiant du fait : réponse » est attendu"),
])
def test_invalid_facts_are_reported_in_french(raw: Any, message: str) -> None:
    report = problems(raw)
    assert report.startswith("fiche.yaml : document invalide")
    assert message in report


def test_all_problems_are_reported_at_once() -> None:
    report = problems({"inconnu": 1, "est_ia": "?", "biometrie": ["x", "y"]})
    assert "(4 problèmes)" in report


def test_parameters_are_validated() -> None:
    with pytest.raises(InvalidDocument) as caught:
        evaluate({}, {"effectif": 3, "ia_usage_innovant": "peut-être",
                      "date_evaluation": "demain"})
    report = caught.value.report()
    assert "parametres.effectif : paramètre inconnu « effectif »" in report
    assert "parametres.ia_usage_innovant : true ou false (oui ou non) est attendu" in report
    assert "parametres.date_evaluation : une date au format AAAA-MM-JJ est attendue" in report


def test_parameters_change_the_outcome() -> None:
    facts = {"est_ia": "oui", "donnees_perso": "oui", "decision": "aide"}
    assert evaluate(facts).status_of("DEC-04") == "ACTIF"
    assert evaluate(facts, {"effectif_etp": 49}).status_of("DEC-04") == "ECARTE"


def test_document_shape() -> None:
    with pytest.raises(InvalidDocument) as caught:
        evaluate_document({"fait": {}}, source="x.yaml")
    report = caught.value.report()
    assert "fait : clé inconnue « fait » (attendu : faits, parametres)" in report
    assert "faits : clé « faits » manquante" in report
    with pytest.raises(InvalidDocument):
        evaluate_document(["faits"])


def test_empty_profile_is_all_unknown() -> None:
    evaluation = evaluate({})
    assert evaluation.niveau_indicatif.name == "LIMITE"
    assert evaluation.niveau_potentiel.name == "BLOQUANT_LOI"
    assert evaluation.status_of("BIO-10") == "A_COMPLETER"
    assert evaluation.status_of("GEN-02") == "A_COMPLETER"


def test_date_annotations() -> None:
    facts = {"est_ia": "oui", "donnees_perso": "oui", "domaine": ["emploi_rh"],
             "sortie": "evaluation_personne", "profilage": "oui", "tache_6_3": "aucune",
             "video": "experimentation_art10"}
    early = {f["id"]: f for f in evaluate(facts, {"date_evaluation": "2026-11-30"})
             .to_json()["flags"]}
    late = {f["id"]: f for f in evaluate(facts, {"date_evaluation": "2028-01-15"})
            .to_json()["flags"]}
    assert early["HR-01"]["exigible_a_compter_du"] == "2027-12-02"
    assert early["HR-01"]["annotations"][0] == (
        "Exigible à compter du 2 décembre 2027 : la collectivité l'applique par anticipation.")
    assert "annotations" not in late["HR-01"]
    assert early["HR-01"]["statut"] == late["HR-01"]["statut"] == "ACTIF"
    assert any("expirée le 31 mars 2025" in a and "30 novembre 2026" in a
               for a in early["VID-02"]["annotations"])
    assert early["VID-02"]["niveau"] == "BLOQUANT_LOI"  # expired basis (rules v2, principle 3)
    prolonged = {f["id"]: f for f in evaluate(
        facts, {"date_evaluation": "2026-11-30", "vsa_experimentation_fin": "2027-12-31"}
    ).to_json()["flags"]}
    assert any("jusqu'au 31 décembre 2027" in a for a in prolonged["VID-02"]["annotations"])
    assert prolonged["VID-02"]["niveau"] == "ELEVE"
    assert any("autorite_notification_aipdf" in a for a in early["HR-09"]["annotations"])
    named = {f["id"]: f for f in evaluate(
        facts, {"autorite_notification_aipdf": "CNIL"}).to_json()["flags"]}
    assert "Autorité destinataire de la notification : CNIL." in named["HR-09"]["annotations"]
