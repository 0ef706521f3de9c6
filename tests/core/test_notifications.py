"""Who is notified of what (issue 12, item 2), as a table: event × facts → recipients; never
the actor; the vendor never told of internal discussions; what clears what; @mentions; and
the launch rule (a referent on every criterion) with its defaults and checklist."""

from __future__ import annotations

import pytest

from boussole.core import launch, workflow
from boussole.core import notifications as n
from boussole.core.notifications import CaseFacts, EventContext, Person

LEAD, LAWYER, CISO, HR, PILOT, DATA, ELU_NUM, ELU_RH, ELU_THEM, UNION, VENDOR, ADMIN = range(
    1, 13)
PEOPLE = (
    Person(LEAD, "porteur", username="porteur", full_name="Camille Morin"),
    Person(LAWYER, "referent", "juridique", username="juriste", full_name="Yann Le Goff"),
    Person(CISO, "referent", "cybersecurite", username="rssi", full_name="Inès Bernard"),
    Person(HR, "referent", "rh_qvt", username="rh", full_name="Sophie Garnier"),
    Person(PILOT, "referent", "numerique", username="numerique", full_name="Nadia Benali"),
    Person(DATA, "referent", "donnees", username="donnees", full_name="Léa Fontaine"),
    Person(ELU_NUM, "elu", delegation="numerique", username="elu-numerique"),
    Person(ELU_RH, "elu", delegation="rh", username="elu-rh"),
    Person(ELU_THEM, "elu", delegation="thematique", username="elu-thematique"),
    Person(UNION, "representant_personnel", username="syndicat"),
    Person(VENDOR, "prestataire", username="prestataire", full_name="Julie Marchand"),
    Person(ADMIN, "admin", username="admin"),
)
FACTS = CaseFacts(people=PEOPLE, lead=LEAD, referents={1: {LAWYER}, 4: {HR}, 6: {DATA}},
                  required_delegations=("numerique", "rh"))

#: (event, context, recipients)
TABLE = [
    ("assignment", EventContext(actor=PILOT, criterion=4, targets=(HR,)), {HR}),
    ("assignment", EventContext(actor=HR, criterion=4, targets=(HR,)), set()),  # self-named
    # Launch: every named referent, the lawyers and the CISO, and the lead.
    ("instruction_launched", EventContext(actor=PILOT), {LAWYER, CISO, HR, DATA, LEAD}),
    ("instruction_launched", EventContext(actor=LEAD), {LAWYER, CISO, HR, DATA}),
    ("mention", EventContext(actor=LAWYER, targets=(LEAD, PILOT)), {LEAD, PILOT}),
    ("mention", EventContext(actor=LAWYER, targets=(LAWYER, VENDOR)), set()),
    ("comment_on_answer", EventContext(actor=LAWYER, targets=(LEAD,)), {LEAD}),
    ("comment_reply", EventContext(actor=LEAD, targets=(LAWYER, LEAD)), {LAWYER}),
    ("opinion_on_answer", EventContext(actor=HR, criterion=4, verdict="favorable",
                                       targets=(LEAD, HR)), {LEAD}),
    ("opinion_reserved", EventContext(actor=HR, criterion=4, verdict="defavorable"), {LEAD}),
    ("opinion_reserved", EventContext(actor=HR, criterion=4, verdict="favorable_reserves"),
     {LEAD}),
    ("opinion_reserved", EventContext(actor=HR, criterion=4, verdict="favorable"), set()),
    ("opinion_reserved", EventContext(actor=LEAD, criterion=3, verdict="defavorable"), set()),
    ("group_opinion_due", EventContext(actor=HR), {PILOT}),
    ("group_opinion_due", EventContext(actor=PILOT), set()),
    # The organisation's rule requires the digital and HR officials only.
    ("decision_due", EventContext(actor=PILOT), {ELU_NUM, ELU_RH}),
    ("decision_outcome", EventContext(actor=ELU_RH, outcome="valide"), {PILOT, LEAD}),
    ("union_information_due", EventContext(actor=PILOT), {LEAD, UNION}),
    ("review_due", EventContext(actor=None), {LEAD, LAWYER}),
    # A measure of the action plan: its owner (the lead when the owner is outside Boussole).
    ("measure_assigned", EventContext(actor=LEAD, targets=(LAWYER,), due="01/03/2027"),
     {LAWYER}),
    ("measure_assigned", EventContext(actor=LAWYER, targets=(LAWYER,)), set()),  # self
    ("measure_assigned", EventContext(actor=LEAD, targets=(VENDOR,)), set()),
    ("measure_due", EventContext(actor=None, targets=(HR,)), {HR}),
    ("measure_due", EventContext(actor=None), {LEAD}),
    # A follow-up review (issue 13): its person in charge and the lead.
    ("review_open", EventContext(actor=None, targets=(HR,), due="01/03/2027"), {HR, LEAD}),
    ("review_late", EventContext(actor=None, targets=(HR,)), {HR, LEAD}),
    ("review_late", EventContext(actor=None), {LEAD}),  # nobody in charge
    # The surveys (issue 13): the stage's survey to open, by the review's person in charge;
    # a round open too long, by the HR referents who manage the surveys (not the pilots).
    ("survey_to_open", EventContext(actor=None, targets=(HR,), due="01/03/2027"), {HR}),
    ("survey_to_open", EventContext(actor=None), set()),
    ("survey_to_close", EventContext(actor=None, due="01/03/2027"), {HR}),
    # A decision waiting: only the required officials among those who have not decided.
    ("decision_waiting", EventContext(actor=None, targets=(ELU_RH, ELU_THEM, LEAD)), {ELU_RH}),
    ("decision_waiting", EventContext(actor=None), set()),
    ("stage_changed", EventContext(actor=PILOT, state="ajourne"), {LEAD}),
    ("stage_changed", EventContext(actor=LEAD, state="abandonne"), set()),
]


@pytest.mark.parametrize(("code", "context", "expected"), TABLE,
                         ids=[f"{row[0]}-{i}" for i, row in enumerate(TABLE)])
def test_who_is_notified(code: str, context: EventContext, expected: set[int]) -> None:
    who = n.recipients(code, FACTS, context)
    assert set(who) == expected
    assert list(who) == sorted(set(who))  # each person once
    assert context.actor not in who


def test_every_event_is_in_the_table_and_has_a_french_message() -> None:
    assert {row[0] for row in TABLE} == set(n.EVENTS)
    for code, event in n.EVENTS.items():
        text = n.message(code, EventContext(criterion=3, verdict="defavorable",
                                             outcome="refuse", state="ajourne"))
        assert text and "{" not in text and len(text) <= 300, code
        assert event.open_states <= set(workflow.STATES)
        assert set(event.cleared_by.values()) <= {"all", "actor", "targets"}


@pytest.mark.parametrize("code", list(n.EVENTS))
def test_never_the_actor_whoever_acts(code: str) -> None:
    everyone = tuple(p.id for p in PEOPLE)
    for person in PEOPLE:
        context = EventContext(actor=person.id, criterion=1, targets=everyone,
                               verdict="defavorable", outcome="valide")
        who = n.recipients(code, FACTS, context)
        assert person.id not in who
        assert VENDOR not in who  # every event is internal to the organisation


def test_people_outside_the_organisation_are_never_notified() -> None:
    assert n.recipients("mention", FACTS, EventContext(actor=LEAD, targets=(999,))) == ()


def test_messages_name_the_criterion_and_the_french_labels() -> None:
    assert "critère 4" in n.message("assignment", EventContext(criterion=4))
    assert "« Défavorable »" in n.message("opinion_reserved",
                                          EventContext(criterion=2, verdict="defavorable"))
    assert "Refusé" in n.message("decision_outcome", EventContext(outcome="refuse"))
    assert "« Ajourné »" in n.message("stage_changed", EventContext(state="ajourne"))


def test_what_is_cleared_by_what_is_done() -> None:
    assert n.cleared("opinion_given") == {"assignment": "all", "opinion_reserved": "all"}
    assert n.cleared("decision_recorded") == {"decision_due": "actor",
                                              "decision_waiting": "actor"}
    assert n.cleared("review_done") == {"review_open": "all", "review_late": "all",
                                        "survey_to_open": "all"}
    assert n.cleared("group_opinion_recorded") == {"group_opinion_due": "all"}
    assert n.cleared("union_information_recorded") == {"union_information_due": "all"}
    assert n.cleared("comment_resolved") == {"mention": "all", "comment_on_answer": "all",
                                             "comment_reply": "all"}
    assert n.cleared("assignment_removed") == {"assignment": "targets"}
    # Moving on: the launch's and the decision's requests are stale once the case moved on.
    assert {"instruction_launched", "group_opinion_due", "assignment"} <= n.stale_in("decision")
    assert "decision_due" not in n.stale_in("decision")
    assert "decision_due" in n.stale_in("information_syndicale")
    assert "instruction_launched" not in n.stale_in("en_instruction")
    assert {"assignment", "mention", "decision_due"} <= n.ACTIONABLE
    assert not n.ACTIONABLE & {"instruction_launched", "stage_changed", "opinion_on_answer"}


@pytest.mark.parametrize(("text", "expected"), [
    ("@Camille Morin pouvez-vous préciser ?", {LEAD}),
    ("Question pour @camille morin.", {LEAD}),
    ("@juriste et @Inès Bernard : avis ?", {LAWYER, CISO}),
    ("écrire à camille@example.org", set()),
    ("@juristes n'existe pas", set()),
    ("@Julie Marchand @prestataire", set()),  # the vendor is not addressed internally
    ("@Yann Le Goff, @Yann Le Goff !", {LAWYER}),
])
def test_mentions(text: str, expected: set[int]) -> None:
    assert set(n.mentioned(text, PEOPLE)) == expected


# --- The launch of the instruction ------------------------------------------------------------

GRID = {1: ("juridique",), 2: ("juridique", "cybersecurite"), 3: ("porteur", "organisation"),
        4: ("rh_qvt",), 5: ("numerique_responsable",), 6: ("numerique", "donnees"),
        7: ("groupe",)}
CANDIDATES = [launch.Candidate(p.id, p.role, p.domain, p.full_name) for p in PEOPLE
              if p.role in ("referent", "porteur")]


def test_defaults_follow_the_domains_of_each_criterion() -> None:
    defaults = launch.default_referents(GRID, CANDIDATES, LEAD)
    assert defaults == {
        1: {"juridique": LAWYER}, 2: {"juridique": LAWYER, "cybersecurite": CISO},
        3: {"porteur": LEAD, "organisation": None}, 4: {"rh_qvt": HR},
        5: {"numerique_responsable": None}, 6: {"numerique": PILOT, "donnees": DATA},
        7: {"groupe": PILOT}}
    # A lead who is a referent is not proposed as the project lead of criterion 3.
    assert launch.default_for("porteur", CANDIDATES, PILOT) is None


def test_the_launch_needs_a_referent_on_every_criterion() -> None:
    missing = launch.missing_referents(GRID, {1: [LAWYER], 2: [], 4: [HR]})
    assert missing == (2, 3, 5, 6, 7)
    draft = workflow.CaseSnapshot(state="brouillon", missing_referents=missing)
    problems = workflow.check("lancer_instruction", draft, "porteur", is_lead=True)
    assert problems == ["Nommez au moins un·e référent·e pour chaque critère avant de lancer "
                        "l'instruction : critère(s) 2, 3, 5, 6, 7 sans référent·e."]
    ready = workflow.CaseSnapshot(state="brouillon",
                                  missing_referents=launch.missing_referents(
                                      GRID, {k: [LAWYER] for k in GRID}))
    assert workflow.check("lancer_instruction", ready, "porteur", is_lead=True) == []
    # Only the launch asks for it.
    assert workflow.check("abandonner", workflow.CaseSnapshot(
        state="brouillon", missing_referents=missing, has_reason=True), "admin") == []


def test_checklist() -> None:
    listed = launch.checklist((2, 5), 73, 9, {"numerique_responsable"},
                              {"numerique_responsable": "Numérique responsable"})
    assert not listed.ready
    assert listed.blocking == ("Référent·e à nommer pour le(s) critère(s) 2, 5.",)
    assert any("73 %" in w and "9 réponse(s)" in w for w in listed.warnings)
    assert any("« Numérique responsable »" in w for w in listed.warnings)
    assert launch.checklist((), 100, 0).ready
    assert launch.checklist((), 100, 0).warnings == ()
