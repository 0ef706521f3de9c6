"""Scenario fixtures (legal-rules §8): exact flag sets per level and status, both levels."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from boussole.core.rules import Level, default_rule_base

from .support import actual_sets, expected_sets, load_yaml, run, scenario_files

FILES = scenario_files()


def _scenario(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = load_yaml(path)
    return data


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_scenario(path: Path) -> None:
    scenario = _scenario(path)
    evaluation = run(scenario)
    expected = scenario["attendu"]
    assert evaluation.niveau_indicatif.name == str(expected["niveau_indicatif"]).upper()
    assert evaluation.niveau_potentiel.name == str(expected["niveau_potentiel"]).upper()
    assert actual_sets(evaluation) == expected_sets(scenario)


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_systematic_info_flags(path: Path) -> None:
    """GEN-03 always; TR-05 whenever est_ia = oui; GEN-04 whenever the level is ≥ ELEVE."""
    scenario = _scenario(path)
    evaluation = run(scenario)
    statuses = evaluation.statuses()
    assert statuses["GEN-03"] == ("ACTIF", Level.INFO)
    est_ia = (scenario.get("faits") or {}).get("est_ia", "oui")
    assert ("TR-05" in statuses and statuses["TR-05"][0] == "ACTIF") == (est_ia == "oui")
    high = evaluation.niveau_indicatif >= Level.ELEVE
    assert (statuses.get("GEN-04", ("",))[0] == "ACTIF") == high


def test_at_least_fourteen_scenarios_covering_every_family() -> None:
    assert len(FILES) >= 14
    seen: set[str] = set()
    for path in FILES:
        evaluation = run(_scenario(path))
        seen |= {o.rule.famille for o in evaluation.outcomes if o.rule.id not in {"GEN-03"}}
    families = {rule.famille for rule in default_rule_base().rules}
    assert families <= seen


def test_every_rule_is_exercised_by_some_scenario() -> None:
    listed: set[str] = set()
    for path in FILES:
        listed |= set(run(_scenario(path)).statuses())
    assert {rule.id for rule in default_rule_base().rules} <= listed


def test_worked_example_sc04_pourquoi() -> None:
    """The machine-interface example: DEC-02 explained by decision and controle_humain."""
    evaluation = run(_scenario(Path(__file__).parent / "scenarios" / "SC04.yaml"))
    flags = {flag["id"]: flag for flag in evaluation.to_json()["flags"]}
    assert flags["DEC-02"]["pourquoi"] == {"decision": "aide", "controle_humain": "partiel"}
    assert flags["DEC-02"]["niveau"] == "ELEVE"
    assert flags["DEC-02"]["famille"] == "decision"
    assert flags["DEC-05"]["statut"] == "A_COMPLETER"
    assert flags["DEC-05"]["pourquoi"] == {"decision": "aide", "regles_communicables": "nsp"}
    assert flags["DEC-05"]["faits_a_completer"] == ["regles_communicables"]
    # "all": every condition; "any": the first true one (EVAL before finalite_controle…).
    assert flags["ART5-06"]["pourquoi"] == {
        "sortie": "evaluation_personne", "profilage": "oui", "croisement": "oui",
        "domaine": ["aides_essentielles"],
    }
    assert "ECARTE" not in {flag["statut"] for flag in flags.values()}
    assert "DEC-01" not in flags


def test_sc05_satisfied_flag_shows_why() -> None:
    evaluation = run(_scenario(Path(__file__).parent / "scenarios" / "SC05.yaml"))
    flags = {flag["id"]: flag for flag in evaluation.to_json()["flags"]}
    assert flags["GDPR-02"]["statut"] == "SATISFAIT"
    assert flags["GDPR-02"]["niveau"] == "ELEVE"  # escalated: CNIL list (L10)
    assert flags["GDPR-02"]["pourquoi"]["aipd"] == "realisee"


def test_sc21_unknown_escalation_raises_only_the_potential_level() -> None:
    evaluation = run(_scenario(Path(__file__).parent / "scenarios" / "SC21.yaml"))
    flags = {flag["id"]: flag for flag in evaluation.to_json()["flags"]}
    assert flags["GDPR-04"]["statut"] == "ACTIF"
    assert flags["GDPR-04"]["niveau"] == "MODERE"
    assert flags["GDPR-04"]["niveau_potentiel"] == "ELEVE"
    assert flags["GDPR-04"]["faits_a_completer"] == ["securite.dict.C"]
    priorities = evaluation.to_json()["a_completer_en_priorite"]
    assert priorities[0]["fait"] == "securite.dict.C"
    assert priorities[0]["niveau_potentiel"] == "ELEVE"
