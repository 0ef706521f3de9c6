"""The workflow state machine: every transition × role, and the guards."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from boussole.core import workflow
from boussole.core.workflow import CaseSnapshot, check, political_outcome

ROLES = [("porteur", ""), ("referent", "numerique"), ("referent", "juridique"), ("elu", ""),
         ("representant_personnel", ""), ("prestataire", ""), ("admin", "")]

LEAD_ONLY = ("Seul·e le·la chef·fe de projet de ce dossier peut faire cette action (ou le "
             "pilote du projet numérique).")
ALL_OPINIONS = {n: "favorable" for n in range(1, 8)}
VALIDATED = {"numerique": "valide", "rh": "valide", "thematique": "valide_sous_conditions"}


def ready(state: str) -> CaseSnapshot:
    """A case whose guards are all met for the transitions out of ``state``."""
    return CaseSnapshot(state=state, opinions=ALL_OPINIONS, legal_level_retained=True,
                        group_verdict="favorable", decisions=VALIDATED,
                        union_information=True, has_reason=True)


EXPECTED_ROLES = {
    "lancer_instruction": {"porteur", "referent:numerique", "admin"},
    "consolider_avis": {"referent:numerique", "admin"},
    "reprendre_instruction": {"referent:numerique", "admin"},
    "transmettre_elus": {"referent:numerique", "admin"},
    "constater_validation": {"referent:numerique", "admin"},
    "constater_ajournement": {"referent:numerique", "admin"},
    "constater_refus": {"referent:numerique", "admin"},
    "mettre_en_service": {"porteur", "referent:numerique", "admin"},
    "rouvrir_instruction": {"porteur", "referent:numerique", "admin"},
    "abandonner": {"porteur", "referent:numerique", "admin"},
    "retirer": {"porteur", "referent:numerique", "admin"},
}


@pytest.mark.parametrize(("code", "role"), list(itertools.product(EXPECTED_ROLES, ROLES)))
def test_every_transition_by_every_role(code: str, role: tuple[str, str]) -> None:
    transition = workflow.TRANSITIONS[code]
    name, domain = role
    key = f"{name}:{domain}" if domain else name
    allowed = key in EXPECTED_ROLES[code] or name in EXPECTED_ROLES[code]
    for state in sorted(transition.sources):
        case = ready(state)
        if code == "constater_ajournement":
            case = CaseSnapshot(state=state, decisions={**VALIDATED, "rh": "ajourne"})
        if code == "constater_refus":
            case = CaseSnapshot(state=state, decisions={"numerique": "refuse"})
        problems = check(code, case, name, domain, is_lead=True)
        if allowed:
            assert problems == [], (code, role, state, problems)
        else:
            assert problems == ["Votre rôle ne permet pas cette action."]
        # A porteur takes a porteur transition only on a case they lead; others do not
        # depend on leading the case.
        not_lead = check(code, case, name, domain, is_lead=False)
        if allowed and name == "porteur":
            assert not_lead == [LEAD_ONLY]
        elif allowed:
            assert not_lead == []
        else:
            assert not_lead == ["Votre rôle ne permet pas cette action."]


def test_porteur_moves_only_the_cases_they_lead() -> None:
    draft = CaseSnapshot(state="brouillon", has_reason=True)
    assert check("lancer_instruction", draft, "porteur", is_lead=True) == []
    refused = check("lancer_instruction", draft, "porteur")
    assert refused == [LEAD_ONLY]
    assert check("abandonner", draft, "porteur") == refused
    assert [t.code for t in workflow.available(draft, "porteur")] == []
    assert {t.code for t in workflow.available(draft, "porteur", is_lead=True)} == {
        "lancer_instruction", "abandonner"}
    # The pilot and the administrator never need to lead the case.
    assert check("abandonner", draft, "referent", "numerique") == []
    assert check("abandonner", draft, "admin") == []


@pytest.mark.parametrize("code", list(EXPECTED_ROLES))
def test_transitions_refused_from_other_states(code: str) -> None:
    transition = workflow.TRANSITIONS[code]
    for state in set(workflow.STATES) - transition.sources:
        problems = check(code, ready(state), "admin")
        assert problems and "pas possible à cette étape" in problems[0]


def test_group_opinion_needs_every_criterion_and_the_retained_legal_level() -> None:
    case = CaseSnapshot(state="en_instruction", opinions={1: "favorable", 2: "defavorable"})
    problems = check("consolider_avis", case, "admin")
    assert "critère(s) 3, 4, 5, 6, 7" in problems[0]
    assert "niveau de risque juridique" in problems[1]


def test_red_line_blocks_every_favourable_path() -> None:
    red = CaseSnapshot(state="avis_groupe", group_verdict="favorable", red_line=True,
                       opinions=ALL_OPINIONS, legal_level_retained=True)
    assert "ligne rouge" in check("transmettre_elus", red, "admin")[0]
    unfavourable = CaseSnapshot(state="avis_groupe", group_verdict="defavorable", red_line=True)
    assert check("transmettre_elus", unfavourable, "admin") == []
    decided = CaseSnapshot(state="decision", red_line=True, decisions=VALIDATED)
    assert "irrecevable" in check("constater_validation", decided, "admin")[0]
    assert workflow.can_record_decision("valide", red_line=True) is not None
    assert workflow.can_record_decision("refuse", red_line=True) is None
    assert workflow.can_record_group_opinion("favorable_reserves", red_line=True) is not None
    assert workflow.can_record_group_opinion("defavorable", red_line=True) is None


def test_service_needs_union_information() -> None:
    case = CaseSnapshot(state="information_syndicale")
    assert "organisations syndicales" in check("mettre_en_service", case, "porteur",
                                               is_lead=True)[0]


def test_reason_required_for_abandon_and_reopen() -> None:
    case = CaseSnapshot(state="en_service")
    assert check("rouvrir_instruction", case, "porteur", is_lead=True) == [
        "Indiquez le motif de cette décision."]


@given(st.dictionaries(st.sampled_from(workflow.DEFAULT_DELEGATIONS),
                       st.sampled_from(list(workflow.DECISIONS))))
def test_political_outcome_rule(decisions: dict[str, str]) -> None:
    outcome = political_outcome(decisions)
    if "refuse" in decisions.values():
        assert outcome == "refuse"
    elif len(decisions) < 3:
        assert outcome is None
    elif "ajourne" in decisions.values():
        assert outcome == "ajourne"
    else:
        assert outcome in workflow.FAVOURABLE_DECISIONS
