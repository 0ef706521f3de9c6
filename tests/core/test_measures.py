"""The action plan's rules (issue 12, item 9), as tables: what a measure must say, its status
changes, and who may propose, edit or change the status of a measure."""

from __future__ import annotations

import datetime as dt

import pytest

from boussole.core import measures as m
from boussole.core.workflow import STATES

DAY = dt.date(2026, 12, 3)
CRITERIA = (1, 2, 3, 4, 5, 6, 7)


def problems(**changes: object) -> dict[str, str]:
    values: dict[str, object] = {"text": "Former les agents", "origin": "critere",
                                 "criterion": 4, "flag": "", "criteria": CRITERIA,
                                 "has_owner_user": True, "owner_name": "", "due": DAY,
                                 "created_on": DAY}
    values.update(changes)
    return dict(m.measure_problems(**values))  # type: ignore[arg-type]


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({}, None, None),
    ({"text": "   "}, "text", "Décrivez la mesure à réaliser."),
    ({"text": "x" * 2001}, "text", "Texte trop long pour « mesure »"),
    ({"text": "x" * 2000}, None, None),
    ({"origin": "autre", "criterion": None}, "target", "Indiquez à quoi répond la mesure"),
    ({"criterion": 8}, "target", "Le critère 8 n'existe pas"),
    ({"criterion": None}, "target", "Le critère None n'existe pas"),
    ({"flag": "DEC-02"}, "target", "pas aux deux"),
    ({"origin": "regle", "criterion": None, "flag": "DEC-02"}, None, None),
    ({"origin": "regle", "criterion": None, "flag": "dec 02"}, "target",
     "n'est pas l'identifiant d'une règle"),
    ({"origin": "regle", "criterion": 1, "flag": "DEC-02"}, "target",
     "Seule une mesure qui répond à un critère"),
    ({"origin": "groupe", "criterion": None}, None, None),
    ({"origin": "decision", "criterion": None, "flag": "DEC-02"}, "target",
     "Seule une mesure qui répond à un point juridique"),
    ({"has_owner_user": False}, "owner", "Indiquez qui est responsable"),
    ({"has_owner_user": False, "owner_name": "Cabinet X"}, None, None),
    ({"owner_name": "Cabinet X"}, "owner", "pas les deux"),
    ({"has_owner_user": False, "owner_name": "x" * 201}, "owner", "Texte trop long"),
    ({"owner_role": "prestataire"}, "owner", "Le compte prestataire"),
    ({"owner_same_organisation": False}, "owner", "n'appartient pas à l'organisation"),
    ({"due": None}, "due", "Indiquez la date"),
    ({"due": DAY - dt.timedelta(days=1)}, "due", "ne peut pas précéder la création"),
    ({"due": DAY + dt.timedelta(days=1)}, None, None),
])
def test_what_a_measure_must_say(changes: dict[str, object], field: str | None,
                                 message: str | None) -> None:
    found = problems(**changes)
    if field is None:
        assert found == {}
    else:
        assert list(found) == [field]
        assert message is not None and message in found[field]


LATER = DAY + dt.timedelta(days=10)


@pytest.mark.parametrize(("current", "new", "done_on", "note", "expected"), [
    ("a_faire", "en_cours", None, "", {}),
    ("a_faire", "fait", LATER, "", {}),
    ("a_faire", "fait", None, "", {"done_on": "Indiquez la date"}),
    ("a_faire", "fait", DAY - dt.timedelta(days=1), "", {"done_on": "ne peut pas précéder"}),
    ("a_faire", "fait", LATER + dt.timedelta(days=1), "", {"done_on": "dans le futur"}),
    ("a_faire", "abandonnee", None, "", {"note": "Dites pourquoi"}),
    ("a_faire", "abandonnee", None, "Plus utile.", {}),
    ("a_faire", "en_cours", LATER, "", {"done_on": "Seule une mesure réalisée"}),
    ("a_faire", "a_faire", None, "", {"status": "déjà « À faire »"}),
    ("en_cours", "a_faire", None, "", {}),
    ("en_cours", "fait", DAY, "", {}),
    ("fait", "en_cours", None, "Reprise.", {}),
    ("fait", "abandonnee", None, "x", {"status": "ne peut pas passer à « Abandonnée »"}),
    ("fait", "a_faire", None, "", {"status": "ne peut pas passer"}),
    ("abandonnee", "a_faire", None, "", {}),
    ("abandonnee", "fait", LATER, "", {"status": "ne peut pas passer"}),
    ("a_faire", "termine", None, "", {"status": "Statut inconnu."}),
    ("a_faire", "en_cours", None, "x" * 2001, {"note": "Texte trop long"}),
])
def test_status_changes(current: str, new: str, done_on: dt.date | None, note: str,
                        expected: dict[str, str]) -> None:
    found = dict(m.status_problems(current=current, new=new, done_on=done_on, note=note,
                                   created_on=DAY, today=LATER))
    assert list(found) == list(expected)
    for field, message in expected.items():
        assert message in found[field]


def test_every_status_has_a_french_label_and_a_way_out() -> None:
    assert set(m.TRANSITIONS) == set(m.STATUSES)
    for code, targets in m.TRANSITIONS.items():
        assert targets and targets <= set(m.STATUSES) and code not in targets
    assert set(m.STATUSES) >= m.OPEN_STATUSES


#: (role, is lead, same organisation, state) -> may propose
PROPOSE = [
    ("porteur", True, True, "brouillon", True),
    ("porteur", False, True, "en_instruction", False),
    ("referent", False, True, "avis_groupe", True),
    ("admin", False, True, "en_service", True),
    ("elu", False, True, "decision", False),
    ("representant_personnel", False, True, "en_service", False),
    ("prestataire", False, True, "en_instruction", False),
    ("referent", False, False, "en_instruction", False),
    ("porteur", True, True, "refuse", False),
    ("referent", False, True, "abandonne", False),
    ("admin", False, True, "retire", False),
    ("porteur", True, True, "ajourne", True),
]


@pytest.mark.parametrize(("role", "lead", "same", "state", "allowed"), PROPOSE)
def test_who_proposes(role: str, lead: bool, same: bool, state: str, allowed: bool) -> None:
    assert m.may_propose(role=role, is_lead=lead, same_organisation=same,
                         state=state) is allowed
    problem = m.propose_problem(role=role, is_lead=lead, same_organisation=same, state=state)
    assert (problem is None) is allowed
    if state in ("refuse", "abandonne", "retire") and same:
        assert problem == "Le dossier est clos : son plan d'action ne se modifie plus."


@pytest.mark.parametrize(("lead", "owner", "same", "state", "allowed"), [
    (True, False, True, "en_service", True),
    (False, True, True, "en_service", True),
    (False, False, True, "en_service", False),
    (True, True, False, "en_service", False),
    (True, True, True, "refuse", False),
    (False, True, True, "abandonne", False),
])
def test_who_changes_the_status(lead: bool, owner: bool, same: bool, state: str,
                                allowed: bool) -> None:
    assert m.may_change_status(is_lead=lead, is_owner=owner, same_organisation=same,
                               state=state) is allowed


@pytest.mark.parametrize(("lead", "author", "state", "allowed"), [
    (True, False, "decision", True),
    (False, True, "decision", True),
    (False, False, "decision", False),
    (True, True, "retire", False),
])
def test_who_edits(lead: bool, author: bool, state: str, allowed: bool) -> None:
    assert (m.edit_problem(is_lead=lead, is_author=author, same_organisation=True,
                           state=state) is None) is allowed


def test_closed_means_the_workflow_closed_states() -> None:
    closed = {s for s in STATES if not m.may_propose(role="admin", is_lead=True,
                                                    same_organisation=True, state=s)}
    assert closed == {"refuse", "abandonne", "retire"}


@pytest.mark.parametrize(("value", "parsed"), [
    ("critere:3", ("critere", 3, "")), ("regle:DEC-02", ("regle", None, "DEC-02")),
    ("groupe", ("groupe", None, "")), ("decision", ("decision", None, "")),
    ("juridique", ("juridique", None, "")), ("critere:x", None), ("groupe:1", None),
    ("", None), ("autre", None),
])
def test_targets_round_trip(value: str, parsed: tuple[str, int | None, str] | None) -> None:
    assert m.parse_target(value) == parsed
    if parsed is not None:
        assert m.target_value(*parsed) == value


def test_labels_and_overdue() -> None:
    assert m.target_label("critere", 3) == "Critère 3"
    assert m.target_label("regle", flag="DEC-02") == "Règle DEC-02"
    assert m.target_label("groupe") == "Avis du groupe"
    assert m.status_label("abandonnee") == "Abandonnée"
    assert m.is_overdue("a_faire", DAY, LATER) and m.is_overdue("en_cours", DAY, LATER)
    assert not m.is_overdue("fait", DAY, LATER) and not m.is_overdue("a_faire", LATER, LATER)


def test_split_texts() -> None:
    assert m.split_texts("- Former les agents\n\n• Mode dégradé\nFormer les agents\n  ") == [
        "Former les agents", "Mode dégradé"]
