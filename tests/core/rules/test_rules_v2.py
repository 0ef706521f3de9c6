"""Rules amended or added by the legal review v2 (rule base 2026.12.03-1): for each, a profile
that fires it and one just outside it, plus the defects the review found, written as the
profiles that exposed them. Profiles are the scenario defaults (``defaults.yaml``) plus the
deviations given here."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from boussole.core.rules import (
    Evaluation,
    Level,
    default_grid,
    evaluate,
    fact_catalogue,
    load_rule_base,
)
from boussole.core.rules.base import RuleBase

from .support import defaults, merge

PREVIOUS = Path(__file__).resolve().parents[2] / "data" / "rules" / "2026.11.30-1"
ECARTE = "ECARTE"


def run(deviations: dict[str, Any], params: dict[str, Any] | None = None,
        base: RuleBase | None = None) -> Evaluation:
    data = defaults()
    facts = merge(data["faits"], deviations)
    parameters = {**data["parametres"], **(params or {})}
    return evaluate(facts, parameters, base=base)


def state(evaluation: Evaluation, rule_id: str) -> tuple[str, Level | None]:
    """(status, level shown) of a rule, ("ECARTE", None) when it is not listed."""
    return evaluation.statuses().get(rule_id, (ECARTE, None))


def flag(evaluation: Evaluation, rule_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(f for f in evaluation.to_json()["flags"] if f["id"] == rule_id)
    return found


BD, BL = Level.BLOQUANT_DOCTRINE, Level.BLOQUANT_LOI
E, M, L, INFO = Level.ELEVE, Level.MODERE, Level.LIMITE, Level.INFO
EMOTIONS = {"biometrie": ["emotions"]}
HEALTH = {"donnees_sensibles": ["sante"]}

# (rule, deviations, expected (status, level)) — each rule fires once and misses once at least.
CASES: list[tuple[str, dict[str, Any], tuple[str, Level | None]]] = [
    # Principle 1: an aid to decision with no human review is an automated decision.
    ("DEC-01", {"decision": "aide", "controle_humain": "absent"}, ("ACTIF", BD)),
    ("DEC-01", {"decision": "automatique"}, ("ACTIF", BD)),
    ("DEC-01", {"decision": "aide", "controle_humain": "nsp"}, ("A_COMPLETER", BD)),
    ("DEC-01", {"decision": "aide", "controle_humain": "partiel"}, (ECARTE, None)),
    ("DEC-02", {"decision": "aide", "controle_humain": "partiel"}, ("ACTIF", E)),
    ("DEC-02", {"decision": "aide", "controle_humain": "absent"}, (ECARTE, None)),
    ("DEC-02", {"decision": "aide", "controle_humain": "effectif"}, (ECARTE, None)),
    # Principle 2: no guard, at-least counts.
    ("DISC-02", {**HEALTH, "sensibles_comme_critere": "nsp"}, ("ACTIF", E)),
    ("DISC-02", {**HEALTH, "sensibles_comme_critere": "oui", "sortie": "evaluation_personne"},
     ("ACTIF", E)),
    ("DISC-02", {"donnees_sensibles": ["nationalite"], "sensibles_comme_critere": "nsp"},
     (ECARTE, None)),
    ("DISC-01", {**HEALTH, "sensibles_comme_critere": "oui", "sortie": "evaluation_personne"},
     ("ACTIF", BD)),
    ("DISC-01", {**HEALTH, "sensibles_comme_critere": "oui"}, (ECARTE, None)),
    ("BIO-06", {**EMOTIONS, "personnes": "nsp"}, ("ACTIF", BD)),
    ("BIO-06", {**EMOTIONS, "personnes": ["agents"]}, ("ACTIF", BD)),
    ("BIO-06", {"biometrie": ["categorisation"]}, (ECARTE, None)),
    # WP248: c8 (innovative use, every AI system) + c7 (agents) = 2 criteria.
    ("GDPR-02", {"personnes": ["agents"]}, ("ACTIF", M)),
    ("GDPR-02", {"personnes": ["agents"], "croisement": "oui"}, ("ACTIF", E)),
    ("GDPR-02", {"personnes": ["agents"], "croisement": "nsp"}, ("ACTIF", M)),
    ("GDPR-02", {"personnes": ["agents"], "aipd": "realisee"}, ("SATISFAIT", M)),
    ("GDPR-02", {}, (ECARTE, None)),
    ("GDPR-02", {"personnes": ["agents"], "donnees_perso": "non"}, (ECARTE, None)),
    ("GDPR-02a", {}, ("ACTIF", INFO)),
    ("GDPR-02a", {"personnes": ["agents"]}, (ECARTE, None)),
    # Principle 4: qualify by the law's own test.
    ("BIO-02", {"biometrie": ["identification"], "espace_public": "oui", "temps_reel": "non"},
     ("ACTIF", BL)),
    ("BIO-02", {"biometrie": ["identification"], "espace_public": "oui", "temps_reel": "oui"},
     ("ACTIF", BL)),
    ("BIO-02", {"biometrie": ["identification"], "espace_public": "non"}, (ECARTE, None)),
    ("BIO-03", {"biometrie": ["moissonnage_visages"]}, ("ACTIF", BL)),
    ("BIO-03", {"biometrie": ["base_visages"]}, (ECARTE, None)),
    ("BIO-04", {**EMOTIONS, "personnes": ["agents"]}, ("ACTIF", BL)),
    ("BIO-04", {**EMOTIONS, "personnes": ["usagers"]}, (ECARTE, None)),
    ("HR-01", {"domaine": ["aides_essentielles"], "sortie": "information_personne",
               "decision": "aide"}, ("ACTIF", E)),
    ("HR-01", {"domaine": ["aides_essentielles"], "sortie": "information_personne",
               "profilage": "oui"}, ("ACTIF", E)),
    ("HR-01", {"domaine": ["aides_essentielles"], "sortie": "information_personne"},
     (ECARTE, None)),
    ("HR-01", {"domaine": ["aucun"], "sortie": "evaluation_personne"}, (ECARTE, None)),
    ("HR-07", {"personnes": ["agents"]}, ("ACTIF", M)),
    ("HR-07", {"personnes": ["usagers"]}, (ECARTE, None)),
    ("TR-02", {"contenus": ["diffuses_public"], "role": "fournisseur"}, ("ACTIF", L)),
    ("TR-02", {"contenus": ["diffuses_public"], "role": "deployeur"}, (ECARTE, None)),
    ("CYB-01", {"securite": {"analyse_risques": "non"}}, ("ACTIF", E)),
    ("CYB-01", {}, (ECARTE, None)),
    ("GEN-01", {"est_ia": "non"}, ("ACTIF", INFO)),
    ("GEN-01", {}, (ECARTE, None)),
    # New rules.
    ("GDPR-09", {}, ("ACTIF", INFO)),  # deployer
    ("GDPR-09", {"role": "fournisseur", "hebergement": "cloud_ue"}, ("ACTIF", INFO)),
    ("GDPR-09", {"role": "fournisseur"}, (ECARTE, None)),
    ("GDPR-09", {"donnees_perso": "non"}, (ECARTE, None)),
    ("GDPR-10", {"modele_general": "api_tiers"}, ("ACTIF", INFO)),
    ("GDPR-10", {"modele_general": "api_tiers", "hebergement": "hors_ue"}, (ECARTE, None)),
    ("GDPR-10", {"modele_general": "auto_heberge"}, (ECARTE, None)),
    ("HDS-01", {**HEALTH, "hebergement": "cloud_ue"}, ("ACTIF", M)),
    ("HDS-01", {**HEALTH, "hebergement": "hors_ue"}, ("ACTIF", M)),
    ("HDS-01", {**HEALTH, "hebergement": "secnumcloud"}, (ECARTE, None)),
    ("HDS-01", {"donnees_sensibles": ["handicap"], "hebergement": "cloud_ue"}, (ECARTE, None)),
    ("ACC-01", {"interaction": "public"}, ("ACTIF", INFO)),
    ("ACC-01", {"interaction": "agents"}, (ECARTE, None)),
    ("ARCH-01", {}, ("ACTIF", INFO)),
    ("ARCH-01", {"donnees_perso": "non", "decision": "aide"}, ("ACTIF", INFO)),
    ("ARCH-01", {"donnees_perso": "non"}, (ECARTE, None)),
    ("ARCH-01", {"est_ia": "non"}, (ECARTE, None)),
    ("MP-01", {}, ("ACTIF", INFO)),
    ("MP-01", {"role": "fournisseur", "modele_general": "api_tiers"}, ("ACTIF", INFO)),
    ("MP-01", {"role": "fournisseur"}, (ECARTE, None)),
    ("NIS2-01", {}, ("ACTIF", INFO)),
    ("NIS2-01", {"est_ia": "non"}, (ECARTE, None)),
]


@pytest.mark.parametrize(("rule_id", "deviations", "expected"), CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_rule_fires_or_not(rule_id: str, deviations: dict[str, Any],
                           expected: tuple[str, Level | None]) -> None:
    assert state(run(deviations), rule_id) == expected


def test_every_changed_or_new_rule_fires_once_and_misses_once() -> None:
    fired = {rule for rule, _, (status, _level) in CASES if status != ECARTE}
    missed = {rule for rule, _, (status, _level) in CASES if status == ECARTE}
    v2 = {"DEC-01", "DEC-02", "DISC-01", "DISC-02", "BIO-02", "BIO-03", "BIO-04", "BIO-06",
          "GDPR-02", "VID-02", "HR-01", "HR-07", "TR-02", "CYB-01", "GEN-01", "GDPR-09",
          "GDPR-10", "HDS-01", "ACC-01", "ARCH-01", "MP-01", "NIS2-01"}
    v2_missing_here = {"VID-02"}  # tested below with dates
    assert v2 - v2_missing_here <= fired and v2 - v2_missing_here <= missed


# ---------------------------------------------------------------------------------------------
# The defects of 2026.11.30-1, as the review found them


def test_aid_without_human_review_was_only_high_and_is_now_a_red_line() -> None:
    facts = {"decision": "aide", "controle_humain": "absent"}
    old = load_rule_base(PREVIOUS, catalogue=fact_catalogue(default_grid()))
    assert run(facts, base=old).niveau_indicatif == Level.ELEVE
    evaluation = run(facts)
    assert evaluation.niveau_indicatif == Level.BLOQUANT_DOCTRINE
    dec = flag(evaluation, "DEC-01")
    assert "aide à la décision" in dec["explication"] and "C-634/21" in " ".join(dec["references"])
    assert any("aucun contrôle humain" in note for note in dec["annotations"])


def test_two_certain_dpia_criteria_and_one_unknown_keep_the_dpia_obligation() -> None:
    facts = {"personnes": ["agents"], "croisement": "nsp"}
    old = load_rule_base(PREVIOUS, catalogue=fact_catalogue(default_grid()))
    before = run(facts, base=old)
    assert before.statuses()["GDPR-02b"][0] == "A_COMPLETER"
    assert before.statuses()["GDPR-02c"][0] == "A_COMPLETER"  # no DPIA rule was ACTIF
    after = run(facts)
    assert state(after, "GDPR-02") == ("ACTIF", Level.MODERE)
    assert after.niveau_indicatif == Level.MODERE and after.niveau_potentiel == Level.ELEVE
    gdpr = flag(after, "GDPR-02")
    assert gdpr["niveau_potentiel"] == "ELEVE" and "croisement" in gdpr["faits_a_completer"]


def test_special_category_data_stay_high_when_their_use_as_criterion_is_unknown() -> None:
    facts = {**HEALTH, "sensibles_comme_critere": "nsp", "sortie": "evaluation_personne"}
    old = load_rule_base(PREVIOUS, catalogue=fact_catalogue(default_grid()))
    assert run(facts, base=old).statuses()["DISC-02"][0] == "A_COMPLETER"
    after = run(facts)
    assert state(after, "DISC-02") == ("ACTIF", Level.ELEVE)
    assert state(after, "DISC-01") == ("A_COMPLETER", Level.BLOQUANT_DOCTRINE)
    assert after.niveau_indicatif >= Level.ELEVE
    assert after.niveau_potentiel == Level.BLOQUANT_DOCTRINE


def test_deferred_facial_identification_in_public_space_is_blocked_by_law() -> None:
    deferred = run({"biometrie": ["identification"], "espace_public": "oui",
                    "temps_reel": "non"})
    assert deferred.niveau_indicatif == Level.BLOQUANT_LOI
    notes = flag(deferred, "BIO-02")["annotations"]
    assert any("différé" in note for note in notes)
    assert not any("5(1)(h)" in note for note in notes)
    live = run({"biometrie": ["identification"], "espace_public": "oui", "temps_reel": "oui"})
    assert any("5(1)(h)" in note for note in flag(live, "BIO-02")["annotations"])


def test_a_face_database_is_not_by_itself_untargeted_scraping() -> None:
    other = run({"biometrie": ["base_visages"]})
    assert state(other, "BIO-03") == (ECARTE, None)
    assert state(other, "BIO-01") == ("ACTIF", Level.BLOQUANT_DOCTRINE)
    assert other.niveau_indicatif == Level.BLOQUANT_DOCTRINE
    scraping = run({"biometrie": ["moissonnage_visages"]})
    assert scraping.niveau_indicatif == Level.BLOQUANT_LOI
    assert "5(1)(e)" in flag(scraping, "BIO-03")["explication"]


def test_emotion_rule_speaks_of_emotions_only() -> None:
    text = flag(run({**EMOTIONS, "personnes": ["agents"]}), "BIO-04")["explication"]
    assert "émotions" in text and "intention" not in text


def test_staff_consultation_is_due_now() -> None:
    hr7 = flag(run({"personnes": ["agents"]}, {"date_evaluation": "2026-12-03"}), "HR-07")
    assert not any("Exigible à compter" in note for note in hr7.get("annotations", []))
    assert "comité social territorial" in hr7["explication"]
    assert hr7["references"][0].startswith("CGFP")


def test_security_references_start_with_the_gdpr() -> None:
    refs = flag(run({"securite": {"analyse_risques": "non"}}), "CYB-01")["references"]
    assert refs[0] == "RGPD art. 32"
    assert any("téléservices" in ref for ref in refs if ref.startswith("RGS"))


def test_discrimination_and_ai_definition_references() -> None:
    disc = flag(run({**HEALTH, "sensibles_comme_critere": "oui",
                     "sortie": "evaluation_personne"}), "DISC-01")
    joined = " ".join(disc["references"])
    assert "432-7" in joined and "2008-496" in joined
    gen = flag(run({"est_ia": "non"}), "GEN-01")
    assert any("C(2025) 924" in ref for ref in gen["references"])


# ---------------------------------------------------------------------------------------------
# Principle 3: an expired legal basis is no basis (VID-02)

VIDEO = {"video": "experimentation_art10"}


@pytest.mark.parametrize(("day", "level"), [
    ("2023-06-01", Level.ELEVE),
    ("2025-03-31", Level.ELEVE),   # the last day of the experiment
    ("2025-04-01", Level.BLOQUANT_LOI),
    ("2026-12-03", Level.BLOQUANT_LOI),
])
def test_experiment_of_article_10_after_its_end_date(day: str, level: Level) -> None:
    evaluation = run(VIDEO, {"date_evaluation": day})
    assert state(evaluation, "VID-02") == ("ACTIF", level)
    assert evaluation.niveau_indicatif == level
    notes = " ".join(flag(evaluation, "VID-02")["annotations"])
    assert "31 mars 2025" in notes
    assert dt.date.fromisoformat(day).year == evaluation.date_evaluation.year
    assert str(evaluation.date_evaluation.year) in notes
    assert evaluation.to_json()["date_evaluation"] == day


def test_a_verified_extension_of_the_end_date_restores_the_basis() -> None:
    params = {"date_evaluation": "2026-12-03", "vsa_experimentation_fin": "2027-12-31"}
    evaluation = run(VIDEO, params)
    assert state(evaluation, "VID-02") == ("ACTIF", Level.ELEVE)
    assert "31 décembre 2027" in " ".join(flag(evaluation, "VID-02")["annotations"])


def test_without_an_evaluation_date_today_is_used() -> None:
    evaluation = run(VIDEO)
    assert evaluation.date_evaluation == dt.date.today()
    assert state(evaluation, "VID-02") == ("ACTIF", Level.BLOQUANT_LOI)  # today > 2025-03-31


def test_video_not_used_leaves_vid02_out() -> None:
    assert state(run({}, {"date_evaluation": "2026-12-03"}), "VID-02") == (ECARTE, None)
