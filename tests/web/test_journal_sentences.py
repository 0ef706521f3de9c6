"""The journal reads as sentences (issue 12, item 3): « Yann Le Goff a répondu « Aide à la
décision » à « P17 — … » » instead of ``answer_recorded`` and ``{'value': 'aide'}``; every
action the services record has its sentence, in one place (``web/cases/audit_labels.py``)."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

import boussole
from boussole.web.cases import audit_labels, services
from boussole.web.cases.models import AuditEvent, Case
from boussole.web.grids import grid_for
from tests.web.test_no_raw_codes import forbidden_tokens, raw_codes, visible_text

pytestmark = pytest.mark.django_db

WEB = Path(boussole.__file__).parent / "web"
#: The ``action=`` argument of every ``audit_record(...)`` call in the web layer.
ACTION_ARGUMENT = re.compile(r"audit_record\([^)]*?action=([^,]+),", re.S)


def recorded_actions() -> set[str]:
    found: set[str] = set()
    for path in WEB.rglob("*.py"):
        for argument in ACTION_ARGUMENT.findall(path.read_text(encoding="utf-8")):
            found.update(re.findall(r"\"([a-z_]+)\"", argument))
    return found


def test_every_action_the_services_record_has_a_label_and_a_sentence() -> None:
    actions = recorded_actions()
    assert {"answer_recorded", "state_changed", "comment_reopened", "decision_recorded",
            "no_ai_scenario_deleted"} <= actions  # the scan finds them
    assert actions <= set(audit_labels.ACTIONS), actions - set(audit_labels.ACTIONS)
    assert actions <= set(audit_labels.SENTENCES), actions - set(audit_labels.SENTENCES)


@pytest.fixture
def case(organisation: Any, make_user: Any) -> Case:
    lead = make_user("porteur", organisation, first_name="Camille", last_name="Morin")
    case: Case = services.case_create(organisation=organisation, user=lead,
                                      title="Tri des courriels", service="État civil",
                                      purpose="Trier les courriels.", lead=lead)
    return case


def _journal(client: Client, case: Case, query: str = "") -> str:
    response = client.get(f"/cas/{case.pk}/journal/{query}")
    assert response.status_code == 200
    return unescape(response.content.decode())


def test_the_journal_tells_who_answered_what_to_which_question(
        case: Case, organisation: Any, make_user: Any) -> None:
    lawyer = make_user("juriste", organisation, role="referent", domain="juridique",
                       first_name="Yann", last_name="Le Goff")
    services.answer_record(case=case, user=lawyer, item_id="decision", value="aide")
    services.answer_record(case=case, user=lawyer, item_id="decision", value="automatique",
                           justification="Le logiciel décide seul.")
    services.answer_record(case=case, user=lawyer, item_id="biometrie",
                           value=["identification", "verification"])
    services.case_update(case=case, user=case.lead, title="Tri automatique des courriels")
    client = Client()
    client.force_login(lawyer)
    page = _journal(client, case)
    text = " ".join(visible_text(page).split())
    assert ("Yann Le Goff a répondu « Aide à la décision » à « P17 — Le résultat intervient-il "
            "dans une décision individuelle") in text
    assert ("Yann Le Goff a changé la réponse à « P17 — Le résultat intervient-il dans une "
            "décision individuelle") in text
    assert "« Aide à la décision » devient « Décision automatique »." in text
    assert "Justification : Le logiciel décide seul." in text
    assert ("a répondu « Identification (1:N), Vérification (1:1) » à « P6 — Le système "
            "traite-t-il") in text
    assert ("Camille Morin a modifié la description du dossier (titre)." in text)
    assert "Camille Morin a créé le dossier « Tri des courriels »." in text
    for code in ("answer_recorded", "case_updated", "{'value'", "'aide'", "Q17", "Q06"):
        assert code not in text
    assert raw_codes(page, forbidden_tokens()) == []
    # Filtered on one item: the filter names the question, not its id.
    filtered = " ".join(visible_text(_journal(client, case, "?item=decision")).split())
    assert "Filtré sur « P17 — Le résultat intervient-il" in filtered
    assert "biometrie" not in filtered and "Identification (1:N)" not in filtered


def test_the_journal_tells_the_instruction_steps(case: Case, organisation: Any,
                                                 make_user: Any) -> None:
    pilot = make_user("pilote", organisation, role="referent", domain="numerique",
                      first_name="Nadia", last_name="Benali")
    lawyer = make_user("juriste", organisation, role="referent", domain="juridique",
                       first_name="Yann", last_name="Le Goff")
    services.assignment_add(case=case, user=pilot, criterion=1, referent=lawyer)
    assignment = case.assignments.get()
    services.assignment_remove(case=case, user=pilot, assignment=assignment)
    comment = services.comment_add(case=case, user=lawyer, body="Base légale ?",
                                   item_id="conformite_donnees_personnelles")
    services.comment_resolve(case=case, user=lawyer, comment=comment)
    services.comment_resolve(case=case, user=lawyer, comment=comment, resolved=False)
    services.case_move(case=case, user=pilot, state="en_instruction", note="Référents nommés.")
    grid = grid_for(case.grid_id, case.grid_version)
    rows = audit_labels.journal_rows(grid, AuditEvent.objects.filter(case=case)
                                     .order_by("sequence"))
    sentences = [row.sentence for row in rows]
    question = audit_labels.item_label(grid, "conformite_donnees_personnelles")
    assert question.startswith("Q3 — Quelles sont les conclusions") and question.endswith("…")
    assert len(question) <= audit_labels.MAX_ITEM
    assert sentences[1:] == [
        "Nadia Benali a nommé Yann Le Goff référent·e du critère 1.",
        "Nadia Benali a retiré Yann Le Goff des référent·es du critère 1.",
        f"Yann Le Goff a ouvert une discussion sur « {question} ».",
        f"Yann Le Goff a clos une discussion sur « {question} ».",
        f"Yann Le Goff a rouvert une discussion sur « {question} ».",
        "Nadia Benali a fait passer le dossier de l'étape « Brouillon » à l'étape « En "
        "instruction ».",
    ]
    assert rows[-1].before == [("Étape", "Brouillon")]
    assert rows[-1].after == [("Étape", "En instruction")]
    assert rows[3].after == [("Commentaire", "Base légale ?")]  # no comment or parent id


def test_an_unknown_action_is_still_a_sentence_without_its_code(case: Case) -> None:
    event = AuditEvent(case=case, sequence=99, actor_name="Alex Martin", action="new_thing",
                       item_id="", before=None, after={"secret_code": "x_y"})
    grid = grid_for(case.grid_id, case.grid_version)
    row = audit_labels.journal_rows(grid, [event])[0]
    assert row.sentence == "Alex Martin a modifié le dossier."
    assert row.after == []  # unknown keys are not shown (the export keeps them)
    assert audit_labels.action_label("new_thing") == "Modification du dossier"


def test_the_journal_shows_20_events_a_page_and_its_page_links_keep_the_filter(
        case: Case, organisation: Any, make_user: Any) -> None:
    """Issue 17: a long journal is paginated (20 events a page: 718 → ~340 elements, EcoIndex
    A); the links to the other pages keep the item filter."""
    lawyer = make_user("juriste", organisation, role="referent", domain="juridique")
    for n in range(30):
        services.answer_record(case=case, user=lawyer, item_id="decision",
                               value="aide" if n % 2 else "automatique")
    services.answer_record(case=case, user=lawyer, item_id="biometrie", value=["verification"])
    client = Client()
    client.force_login(lawyer)
    first = _journal(client, case, "?item=decision")
    assert first.count("<time ") == 20
    assert "Page 1 sur 2" in first
    assert 'href="?item=decision&page=2"' in first and "Plus anciens" in first
    assert "Plus récents" not in first
    second = _journal(client, case, "?item=decision&page=2")
    assert second.count("<time ") == 10
    assert "Page 2 sur 2" in second and 'href="?item=decision&page=1"' in second
    assert "Filtré sur « P17" in second and "Vérification" not in second
    # Unfiltered: 30 answers + the creation + the other answer, on two pages, no empty filter.
    whole = _journal(client, case)
    assert whole.count("<time ") == 20 and 'href="?page=2"' in whole
    assert _journal(client, case, "?page=2").count("<time ") == 12
