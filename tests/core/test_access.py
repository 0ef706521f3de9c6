"""Who may do what on a case (core/access.py): porteurs act on the cases they lead, names on
criteria follow the domains, and the vendor sees only its questionnaire."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from boussole.core.access import abilities, assignment_problem, manages_case

REFERENTS = {1: ("juridique",), 2: ("juridique", "cybersecurite"), 3: ("porteur", "organisation"),
             4: ("rh_qvt",), 5: ("numerique_responsable",), 6: ("numerique", "donnees"),
             7: ("groupe",)}


def ab(role: str, **kw: Any) -> Any:
    kw.setdefault("state", "en_instruction")
    return abilities(role=role, criterion_referents=REFERENTS, **kw)


def test_a_porteur_acts_on_the_cases_they_lead() -> None:
    lead = ab("porteur", is_lead=True)
    assert {"answer_profile", "answer", "assign", "edit_description", "attach"} <= lead.actions
    assert lead.answer_criteria == {3, 7}
    other = ab("porteur")
    assert other.actions == {"view", "view_internal", "comment"}
    assert other.answer_criteria == frozenset()
    named = ab("porteur", assigned_criteria=[3])
    assert {"answer", "attach"} <= named.actions and named.answer_criteria == {3}
    assert not named.can("answer_profile") and not named.can("assign")


def test_managers_of_a_case() -> None:
    assert manages_case(role="admin")
    assert manages_case(role="referent", domain="numerique")
    assert manages_case(role="porteur", is_lead=True)
    assert not manages_case(role="porteur")
    assert not manages_case(role="referent", domain="juridique")
    assert not manages_case(role="elu")


def problem(role: str, criterion: int, assignee: tuple[str, str], *, self: bool = False,
            **kw: Any) -> str | None:
    kw.setdefault("state", "en_instruction")
    return assignment_problem(role=role, criterion=criterion, assignee_role=assignee[0],
                              assignee_domain=assignee[1], assignee_is_self=self,
                              criterion_referents=REFERENTS, **kw)


JURISTE, RH, PORTEUR, ELU = ("referent", "juridique"), ("referent", "rh_qvt"), ("porteur", ""), \
    ("elu", "")


def test_who_names_whom() -> None:
    # Managers name any referent anywhere, and porteurs on the porteur's criteria only.
    for role, domain, lead in (("admin", "", False), ("referent", "numerique", False),
                               ("porteur", "", True)):
        for criterion in REFERENTS:
            assert problem(role, criterion, RH, domain=domain, is_lead=lead) is None
        assert problem(role, 3, PORTEUR, domain=domain, is_lead=lead) is None
        assert "critères qui lui reviennent (3, 7)" in str(
            problem(role, 1, PORTEUR, domain=domain, is_lead=lead))
        assert "référents et les porteurs" in str(problem(role, 1, ELU, domain=domain,
                                                          is_lead=lead))
    # A referent names only themselves, on their own domain's criteria.
    assert problem("referent", 1, JURISTE, domain="juridique", self=True) is None
    assert problem("referent", 7, JURISTE, domain="juridique", self=True) is None  # groupe
    assert "votre domaine" in str(problem("referent", 4, JURISTE, domain="juridique",
                                          self=True))
    assert "désignent d'autres" in str(problem("referent", 1, RH, domain="juridique"))
    # Nobody names themselves outside their domain, not even a manager.
    assert "lui reviennent" in str(problem("porteur", 1, PORTEUR, is_lead=True, self=True))
    assert "votre domaine" in str(problem("referent", 1, ("referent", "numerique"),
                                          domain="numerique", self=True))
    # A porteur who does not lead the case names nobody, not even themselves.
    assert problem("porteur", 3, PORTEUR, self=True) is not None
    assert problem("porteur", 1, JURISTE) is not None


def test_assignment_needs_an_open_case_a_real_criterion_and_one_organisation() -> None:
    assert "pendant l'instruction" in str(problem("admin", 1, JURISTE, state="decision"))
    assert "n'existe pas" in str(problem("admin", 99, JURISTE))
    assert "autre organisation" in str(problem("admin", 1, JURISTE, same_organisation=False))
    assert "n'appartient pas" in str(problem("admin", 1, JURISTE,
                                             assignee_same_organisation=False))


@pytest.mark.parametrize(("role", "domain"), [("porteur", ""), ("referent", "juridique"),
                                              ("elu", ""), ("representant_personnel", ""),
                                              ("admin", "")])
def test_internal_people_see_everything(role: str, domain: str) -> None:
    who = ab(role, domain=domain)
    assert who.internal
    for flags in itertools.product([False, True], repeat=2):
        assert who.sees_item(vendor_item=flags[0])
        assert who.sees_thread(vendor_item=flags[0], started_by_viewer=flags[1])
        assert who.sees_evidence(uploaded_by_viewer=flags[1])
        assert who.sees_answer(answered_by_viewer=flags[1])


def test_the_vendor_sees_only_its_questionnaire() -> None:
    vendor = ab("prestataire", is_vendor_of_case=True)
    assert not vendor.internal
    assert vendor.actions == {"view", "comment", "attach", "answer_vendor"}
    assert vendor.sees_item(vendor_item=True) and not vendor.sees_item(vendor_item=False)
    assert vendor.sees_thread(vendor_item=True, started_by_viewer=True)
    assert not vendor.sees_thread(vendor_item=True, started_by_viewer=False)
    assert not vendor.sees_thread(vendor_item=False, started_by_viewer=True)
    assert vendor.sees_evidence(uploaded_by_viewer=True)
    assert not vendor.sees_evidence(uploaded_by_viewer=False)
    assert vendor.sees_answer(answered_by_viewer=True)
    assert not vendor.sees_answer(answered_by_viewer=False)
    # Once the file is frozen, the vendor still reads its own questionnaire but answers nothing.
    frozen = ab("prestataire", is_vendor_of_case=True, state="decision")
    assert frozen.actions == {"view", "comment"}
    # A vendor account not attached to this case sees nothing of it.
    stranger = ab("prestataire")
    assert stranger.actions == frozenset() and not stranger.sees_item(vendor_item=True)


def test_who_records_what_on_the_decision_path() -> None:
    from boussole.core import access

    assert access.may_create_case("porteur") and not access.may_create_case("elu")
    assert access.may_record_group_opinion("referent") and access.may_record_group_opinion(
        "admin")
    assert not access.may_record_group_opinion("porteur")
    assert access.may_decide("elu", "rh", ("numerique", "rh"))
    assert not access.may_decide("elu", "thematique", ("numerique", "rh"))
    assert not access.may_decide("admin", "", ("numerique",))
    assert access.may_record_union_information("porteur", is_lead=True)
    assert not access.may_record_union_information("porteur", is_lead=False)
    assert not access.may_record_union_information("representant_personnel")
    assert access.may_retain_legal_level("referent", "juridique")
    assert not access.may_retain_legal_level("referent", "cybersecurite")


def test_answering_an_item_is_one_rule() -> None:
    from boussole.core.access import Abilities

    vendor = Abilities(frozenset({"view", "answer_vendor"}))
    assert vendor.can_answer_item(is_fact=False, criterion=5, vendor_item=True)
    assert vendor.can_answer_item(is_fact=False, criterion=5, vendor_item=True,
                                  answered_by_viewer=True)
    # the organisation answered it: the vendor may not replace that answer
    assert not vendor.can_answer_item(is_fact=False, criterion=5, vendor_item=True,
                                      answered_by_viewer=False)
    assert not vendor.can_answer_item(is_fact=False, criterion=5, vendor_item=False)
    assert not vendor.can_answer_item(is_fact=True)
    referent = Abilities(frozenset({"view", "view_internal", "answer", "answer_profile"}),
                         answer_criteria=frozenset({1, 2}))
    assert referent.can_answer_item(is_fact=True)
    assert referent.can_answer_item(is_fact=False, criterion=2)
    assert not referent.can_answer_item(is_fact=False, criterion=5)
