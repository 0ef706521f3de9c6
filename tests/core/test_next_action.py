"""The « next action » of a person on a case: a table of state × person → actions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from boussole.core import workflow
from boussole.core.next_action import (
    REVIEW_NOTICE,
    CaseState,
    Person,
    next_actions,
    waiting_for,
)

TODAY = dt.date(2026, 3, 1)

#: Default referents per criterion, as in the Nantes grid.
REFERENTS = {1: ("juridique",), 2: ("juridique", "cybersecurite"), 3: ("porteur", "organisation"),
             4: ("rh_qvt",), 5: ("numerique_responsable",), 6: ("donnees", "numerique"),
             7: ("groupe",)}
ALL_OPINIONS = {n: "favorable" for n in REFERENTS}

LEAD = Person("porteur", is_lead=True)
OTHER_PORTEUR = Person("porteur")
LAWYER = Person("referent", "juridique")
CISO = Person("referent", "cybersecurite")
HR = Person("referent", "rh_qvt")
PILOT = Person("referent", "numerique")
ADMIN = Person("admin")
ELU_NUM = Person("elu", delegation="numerique")
ELU_RH = Person("elu", delegation="rh")
UNION_REP = Person("representant_personnel")


def case(state: str, **extra: Any) -> CaseState:
    return CaseState(state=state, criterion_referents=REFERENTS, **extra)


def codes(person: Person, state: CaseState) -> list[tuple[str, int | None]]:
    return [(a.code, a.criterion) for a in next_actions(person, state, today=TODAY).actions]


# (person, case, expected [(code, criterion)])
TABLE: list[tuple[str, Person, CaseState, list[tuple[str, int | None]]]] = [
    # Draft: only the lead is expected; the profile first, then sending to the group.
    ("draft, lead, profile incomplete", LEAD, case("brouillon", profile_missing=12),
     [("completer_et_transmettre", None)]),
    ("draft, lead, profile complete", LEAD, case("brouillon"), [("transmettre_groupe", None)]),
    ("draft, another porteur", OTHER_PORTEUR, case("brouillon", profile_missing=3), []),
    ("draft, lawyer", LAWYER, case("brouillon", missing_answers={1: 4}), []),
    ("draft, pilot", PILOT, case("brouillon"), []),
    # Instruction: answers then opinions, per criterion of the person's domain or assignment.
    ("instruction, lawyer", LAWYER,
     case("en_instruction", missing_answers={1: 3, 2: 0, 3: 2}),
     [("repondre", 1), ("donner_avis", 2), ("retenir_niveau", None)]),
    ("instruction, lawyer, level retained, opinions given", LAWYER,
     case("en_instruction", missing_answers={1: 0, 2: 0}, opinions={1: "favorable",
                                                                    2: "favorable"},
          legal_level_retained=True), []),
    ("instruction, ciso (criterion 2 only)", CISO, case("en_instruction",
                                                        missing_answers={1: 3, 2: 5}),
     [("repondre", 2)]),
    ("instruction, hr named on criterion 6 too", HR,
     case("en_instruction", missing_answers={4: 1, 6: 2}, assigned=(6,)),
     [("repondre", 4), ("repondre", 6)]),
    ("instruction, lead: profile, then criterion 3", LEAD,
     case("en_instruction", profile_missing=2, missing_answers={3: 4, 1: 2}),
     [("completer_profil", None), ("repondre", 3)]),
    ("instruction, lead gives no opinion", LEAD, case("en_instruction"), []),
    # A criterion of the whole group: everyone may answer it, the people named on it are
    # expected to.
    ("instruction, group criterion, not named", HR,
     case("en_instruction", missing_answers={7: 5}, opinions={4: "favorable"}), []),
    ("instruction, group criterion, named", HR,
     case("en_instruction", missing_answers={7: 5}, opinions={4: "favorable"},
          assigned=(7,)), [("repondre", 7)]),
    ("instruction, group criterion answered, named: opinion", PILOT,
     case("en_instruction", missing_answers={6: 2}, assigned=(7,)),
     [("repondre", 6), ("donner_avis", 7)]),
    ("instruction, porteur named on criterion 3", OTHER_PORTEUR,
     case("en_instruction", missing_answers={3: 1}, assigned=(3,)), [("repondre", 3)]),
    ("instruction, porteur not named", OTHER_PORTEUR,
     case("en_instruction", missing_answers={3: 1}), []),
    ("instruction, pilot, opinions missing", PILOT,
     case("en_instruction", opinions={6: "favorable", 7: "favorable"},
          legal_level_retained=True), []),
    ("instruction, pilot, ready to consolidate", PILOT,
     case("en_instruction", opinions=ALL_OPINIONS, legal_level_retained=True),
     [("consolider_avis", None)]),
    ("instruction, admin is never expected", ADMIN,
     case("en_instruction", opinions=ALL_OPINIONS, legal_level_retained=True), []),
    ("instruction, elected official", ELU_NUM, case("en_instruction", missing_answers={1: 2}),
     []),
    # Group opinion: the pilot writes it, then sends the file to the elected officials.
    ("group, pilot, no opinion yet", PILOT, case("avis_groupe", opinions=ALL_OPINIONS),
     [("rediger_avis_groupe", None)]),
    ("group, pilot, opinion written", PILOT,
     case("avis_groupe", opinions=ALL_OPINIONS, group_verdict="favorable"),
     [("transmettre_elus", None)]),
    ("group, lawyer", LAWYER, case("avis_groupe", opinions=ALL_OPINIONS), []),
    ("group, lead", LEAD, case("avis_groupe", opinions=ALL_OPINIONS), []),
    # Decision: each required official decides once; then the pilot records the outcome.
    ("decision, official", ELU_NUM, case("decision"), [("decider", None)]),
    ("decision, official who decided", ELU_NUM, case("decision",
                                                     decisions={"numerique": "valide"}), []),
    ("decision, official not required", ELU_RH,
     case("decision", required_delegations=("numerique",)), []),
    ("decision, pilot, waiting", PILOT, case("decision", decisions={"numerique": "valide"}),
     []),
    ("decision, pilot, all decided", PILOT,
     case("decision", decisions={"numerique": "valide", "rh": "valide",
                                 "thematique": "valide_sous_conditions"}),
     [("constater_decision", None)]),
    ("decision, pilot, one refusal is enough", PILOT,
     case("decision", decisions={"rh": "refuse"}), [("constater_decision", None)]),
    ("decision, lead", LEAD, case("decision"), []),
    # Union information, then the entry into service.
    ("union, lead", LEAD, case("information_syndicale"), [("information_syndicale", None)]),
    ("union, pilot", PILOT, case("information_syndicale"), [("information_syndicale", None)]),
    ("union, other porteur", OTHER_PORTEUR, case("information_syndicale"), []),
    ("union, staff representative", UNION_REP, case("information_syndicale"), []),
    ("union recorded, lead", LEAD, case("information_syndicale", union_information=True),
     [("mettre_en_service", None)]),
    # In service: the review, when it is near.
    ("service, lead, review far", LEAD, case("en_service", review_date=dt.date(2027, 6, 30)),
     []),
    ("service, lead, review near", LEAD,
     case("en_service", review_date=TODAY + REVIEW_NOTICE), [("preparer_revue", None)]),
    ("service, lawyer, review near", LAWYER,
     case("en_service", review_date=TODAY + dt.timedelta(days=3)), []),
    # Postponed and closed cases.
    ("postponed, pilot", PILOT, case("ajourne"), [("reprendre_instruction", None)]),
    ("postponed, lead", LEAD, case("ajourne"), [("suite_ajournement", None)]),
    ("refused, lead", LEAD, case("refuse"), []),
    ("abandoned, pilot", PILOT, case("abandonne"), []),
]


@pytest.mark.parametrize(("person", "state", "expected"), [row[1:] for row in TABLE],
                         ids=[row[0] for row in TABLE])
def test_next_actions_table(person: Person, state: CaseState,
                            expected: list[tuple[str, int | None]]) -> None:
    assert codes(person, state) == expected


def test_every_state_of_the_workflow_is_in_the_table() -> None:
    assert {row[2].state for row in TABLE} >= set(workflow.STATES) - {"retire"}


def test_labels_count_and_name_the_criterion() -> None:
    actions = next_actions(LAWYER, case("en_instruction", missing_answers={1: 1, 2: 7}),
                           today=TODAY).actions
    assert [a.label for a in actions[:2]] == ["Répondre à 1 question du critère 1",
                                              "Répondre à 7 questions du critère 2"]
    assert (actions[0].target, actions[0].criterion, actions[0].count) == ("criterion", 1, 1)
    draft = next_actions(LEAD, case("brouillon", profile_missing=1), today=TODAY).actions[0]
    assert draft.label == "Compléter le profil et transmettre au groupe (1 information manquante)"
    assert draft.target == "profile"


def test_the_review_carries_its_deadline() -> None:
    due = TODAY + dt.timedelta(days=10)
    action = next_actions(PILOT, case("en_service", review_date=due), today=TODAY).actions[0]
    assert action.deadline == due


def test_transition_actions_name_the_workflow_transition_and_its_blockers() -> None:
    # A favourable group opinion under a red line: the action is shown, with the workflow's
    # own reason why it cannot be taken yet.
    blocked = case("avis_groupe", opinions=ALL_OPINIONS, group_verdict="favorable",
                   red_line=workflow.RedLine(active=True))
    action = next_actions(PILOT, blocked, today=TODAY).actions[0]
    assert action.transition == "transmettre_elus"
    assert action.blocked_by and "ligne rouge" in action.blocked_by[0]
    free = next_actions(LEAD, case("brouillon"), today=TODAY).actions[0]
    assert (free.transition, free.blocked_by) == ("lancer_instruction", ())


def test_a_red_line_with_a_favourable_outcome_is_shown_blocked_to_the_pilot() -> None:
    state = case("decision", red_line=workflow.RedLine(potential=True),
                 decisions={"numerique": "valide", "rh": "valide", "thematique": "valide"})
    action = next_actions(PILOT, state, today=TODAY).actions[0]
    assert action.code == "constater_decision" and action.blocked_by


def test_nothing_to_do_says_who_the_case_waits_for() -> None:
    result = next_actions(HR, case("en_instruction", missing_answers={1: 2, 4: 0},
                                   opinions={4: "favorable"},
                                   referent_names={1: ("Yann Le Goff",)}), today=TODAY)
    assert not result and result.waiting is not None
    assert result.waiting.code == "referents"
    assert "critère 1 (Yann Le Goff)" in result.waiting.text
    assert "critère 2 (personne n'est nommé)" in result.waiting.text
    assert result.waiting.legal_pending


@pytest.mark.parametrize(("state", "code", "fragment"), [
    (case("brouillon", lead_name="Camille Morin"), "brouillon", "que Camille Morin complète"),
    (case("en_instruction", opinions=ALL_OPINIONS), "juristes", "juristes retiennent"),
    (case("en_instruction", opinions=ALL_OPINIONS, legal_level_retained=True),
     "consolidation", "consolide"),
    (case("avis_groupe"), "avis_groupe", "avis consolidé"),
    (case("avis_groupe", group_verdict="favorable"), "transmission", "transmette aux élus"),
    (case("decision", decisions={"numerique": "valide"}), "elus",
     "Ressources humaines, Vice-présidence thématique"),
    (case("decision", decisions={"rh": "refuse"}), "constat", "constate"),
    (case("information_syndicale"), "information_syndicale", "organisations syndicales"),
    (case("information_syndicale", union_information=True), "mise_en_service", "en service"),
    (case("en_service", review_date=dt.date(2027, 6, 30)), "suivi_revue", "30/06/2027"),
    (case("ajourne"), "ajourne", "ajourné"),
    (case("refuse"), "clos", "« Refusé »"),
])
def test_waiting_sentences(state: CaseState, code: str, fragment: str) -> None:
    waiting = waiting_for(state)
    assert waiting.code == code
    assert fragment in waiting.text
