"""The decision path through the web layer: roles, guards, red lines, frozen versions."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

import pytest

from boussole.web import demo
from boussole.web.accounts.models import User
from boussole.web.cases import services
from boussole.web.cases.legal import legal_retain
from boussole.web.cases.models import Answer, Case
from boussole.web.decisions import services as wf
from boussole.web.decisions.models import Decision, FileVersion, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def people() -> dict[str, User]:
    demo.create_demo()
    return {u.username: u for u in User.objects.filter(organisation__slug=demo.DEMO_SLUG)}


def case_titled(title: str) -> Case:
    return Case.objects.get(title=title)


def bring_to_avis(case: Case, people: dict[str, User]) -> None:
    for number in range(1, 8):
        if not case.opinions.filter(criterion=number).exists():
            services.opinion_give(case=case, user=demo.expert_for(number, people), criterion=number,
                                  verdict="favorable")
    legal_retain(case=case, user=people["juriste"],
                 retained_level=case.legal_level or "MODERE")
    wf.transition_apply(case=case, user=people["numerique"], code="consolider_avis")


def test_transition_refused_for_wrong_role_changes_nothing(people: dict[str, User]) -> None:
    case = case_titled(demo.CHATBOT.title)
    events = case.audit_events.count()
    for login in ("elu-numerique", "syndicat", "prestataire", "juriste"):
        with pytest.raises(wf.WorkflowRefused, match="Votre rôle"):
            wf.transition_apply(case=case, user=people[login], code="consolider_avis")
    case.refresh_from_db()
    assert case.state == "en_instruction"
    assert case.audit_events.count() == events


def test_group_opinion_needs_all_opinions_and_retained_level(people: dict[str, User]) -> None:
    case = case_titled(demo.CHATBOT.title)
    with pytest.raises(wf.WorkflowRefused) as excinfo:
        wf.transition_apply(case=case, user=people["numerique"], code="consolider_avis")
    assert any("Il manque l'avis" in p for p in excinfo.value.problems)
    assert any("niveau de risque juridique" in p for p in excinfo.value.problems)


def test_full_path_freezes_and_notifies(people: dict[str, User], mailoutbox: Any,
                                       django_capture_on_commit_callbacks: Any) -> None:
    case = case_titled(demo.CHATBOT.title)
    bring_to_avis(case, people)
    assert case.state == "avis_groupe"
    wf.group_opinion_record(case=case, user=people["numerique"], verdict="favorable_reserves",
                            recommendations="Tester avec des habitants.",
                            conditions="Revue à 6 mois")
    with django_capture_on_commit_callbacks(execute=True):  # e-mails leave after the commit
        wf.transition_apply(case=case, user=people["numerique"], code="transmettre_elus")
    version = FileVersion.objects.get(case=case)
    assert version.number == 1 and len(version.sha256) == 64
    assert Notification.objects.filter(case=case, user=people["elu-rh"]).exists()
    assert any("transmis pour décision" in m.body for m in mailoutbox)
    # Frozen: answers and opinions can no longer change.
    with pytest.raises(Exception, match="figé"):
        services.answer_record(case=case, user=people["juriste"], item_id="est_ia", value="non")
    with pytest.raises(ValueError, match="figé"):
        services.opinion_give(case=case, user=people["juriste"], criterion=1,
                              verdict="defavorable", recommendations="x")
    for login, decision in (("elu-numerique", "valide"), ("elu-rh", "valide"),
                            ("elu-thematique", "valide_sous_conditions")):
        wf.decision_record(case=case, user=people[login], decision=decision,
                           decided_on=dt.date(2026, 11, 20), reference="Délibération 2026-7",
                           conditions="Bilan à 6 mois" if "conditions" in decision else "",
                           confirmed=True)
    assert Decision.objects.filter(version=version).count() == 3
    with pytest.raises(wf.WorkflowRefused, match="syndicales"):
        wf.transition_apply(case=case, user=people["numerique"], code="constater_validation")
        wf.transition_apply(case=case, user=people["porteur"], code="mettre_en_service")
    case.refresh_from_db()
    assert case.state == "information_syndicale"
    wf.union_information_record(case=case, user=people["porteur"], held_on=dt.date(2026, 12, 1),
                                body="Comité social territorial", documents="Note v1")
    wf.transition_apply(case=case, user=people["porteur"], code="mettre_en_service")
    assert case.state == "en_service"
    # A later change reopens the instruction and the next sending makes version 2, with a diff.
    with pytest.raises(wf.WorkflowRefused, match="motif"):
        wf.transition_apply(case=case, user=people["porteur"], code="rouvrir_instruction")
    wf.transition_apply(case=case, user=people["porteur"], code="rouvrir_instruction",
                        reason="Nouveau modèle de langage proposé par l'éditeur.")
    services.answer_record(case=case, user=people["numerique-responsable"],
                           item_id="nombre_parametres", value=8_000_000_000)
    wf.transition_apply(case=case, user=people["numerique"], code="consolider_avis")
    wf.transition_apply(case=case, user=people["numerique"], code="transmettre_elus")
    assert FileVersion.objects.filter(case=case).count() == 2
    assert version.snapshot == FileVersion.objects.get(case=case, number=1).snapshot
    from boussole.web.decisions.selectors import version_diff

    diff = version_diff(version, FileVersion.objects.get(case=case, number=2))
    assert {"item": "nombre_parametres", "before": (7_000_000_000, ""),
            "after": (8_000_000_000, "")} in [
        {**d, "before": tuple(d["before"]), "after": tuple(d["after"])} for d in diff["answers"]]


def test_red_line_blocks_favourable_paths_everywhere(people: dict[str, User],
                                                     client: Any) -> None:
    case = case_titled(demo.TRANSCRIPTION.title)
    services.answer_record(case=case, user=people["juriste"], item_id="biometrie",
                           value=["identification"])
    case.refresh_from_db()
    assert case.red_line
    # Service layer: no favourable opinion on criteria 1-2, no favourable group opinion.
    with pytest.raises(ValueError, match="ligne rouge"):
        services.opinion_give(case=case, user=people["juriste"], criterion=1,
                              verdict="favorable")
    for number in range(1, 8):
        services.opinion_give(case=case, user=demo.expert_for(number, people), criterion=number,
                              verdict="defavorable", recommendations="Irrecevable.")
    legal_retain(case=case, user=people["juriste"], retained_level=case.legal_level)
    with pytest.raises(ValueError, match="ligne rouge"):
        legal_retain(case=case, user=people["juriste"], retained_level="MODERE",
                     rationale="On pense que ça passe.")
    wf.transition_apply(case=case, user=people["numerique"], code="consolider_avis")
    with pytest.raises(wf.WorkflowRefused, match="ligne rouge"):
        wf.group_opinion_record(case=case, user=people["numerique"], verdict="favorable")
    # Web: the same refusal, and nothing recorded.
    client.force_login(people["numerique"])
    response = client.post(f"/cas/{case.pk}/avis-du-groupe/", {"verdict": "favorable"},
                           follow=True)
    assert "ligne rouge" in response.content.decode()
    from boussole.web.decisions.models import GroupOpinion

    assert not GroupOpinion.objects.filter(case=case, verdict="favorable").exists()
    wf.group_opinion_record(case=case, user=people["numerique"], verdict="defavorable",
                            recommendations="Irrecevable : biométrie.")
    wf.transition_apply(case=case, user=people["numerique"], code="transmettre_elus")
    with pytest.raises(wf.WorkflowRefused, match="irrecevable"):
        wf.decision_record(case=case, user=people["elu-numerique"], decision="valide",
                           decided_on=dt.date(2026, 11, 30), confirmed=True)
    assert not Decision.objects.filter(case=case).exists()
    listing = html.unescape(client.get("/").content.decode())
    assert "Irrecevable en l'état" in listing


def test_only_elected_officials_decide(people: dict[str, User]) -> None:
    case = case_titled(demo.INVENTAIRE.title)
    assert case.state == "decision"
    for login in ("juriste", "porteur", "admin", "syndicat"):
        with pytest.raises(wf.WorkflowRefused):
            wf.decision_record(case=case, user=people[login], decision="valide",
                               decided_on=dt.date(2026, 11, 30), confirmed=True)
    assert not Decision.objects.filter(case=case).exists()


def test_path_page_and_tasks(people: dict[str, User], client: Any) -> None:
    case = case_titled(demo.INVENTAIRE.title)
    client.force_login(people["elu-rh"])
    page = client.get(f"/cas/{case.pk}/parcours/").content.decode()
    assert "Ma décision" in page
    tasks = client.get("/taches/").content.decode()
    assert demo.INVENTAIRE.title.replace("'", "&#x27;") in tasks
    response = client.post(f"/cas/{case.pk}/decision/", {
        "decision": "valide", "decided_on": "2026-11-30", "reference": "Arrêté 12",
        "confirm": "oui"})
    assert response.status_code == 302
    assert Decision.objects.get(case=case).official == people["elu-rh"]
    tasks = client.get("/taches/").content.decode()
    assert demo.INVENTAIRE.title.replace("'", "&#x27;") not in tasks
    assert Answer.objects.filter(case=case).exists()


def test_the_organisation_rule_decides_who_must_validate(people: dict[str, User]) -> None:
    case = case_titled(demo.INVENTAIRE.title)
    organisation = case.organisation
    organisation.required_delegations = "numerique"
    organisation.save()
    with pytest.raises(wf.WorkflowRefused):
        wf.decision_record(case=case, user=people["elu-rh"], decision="valide",
                           decided_on=dt.date(2026, 11, 30), confirmed=True)
    wf.decision_record(case=case, user=people["elu-numerique"], decision="valide",
                       decided_on=dt.date(2026, 11, 30), reference="Arrêté 2026-12",
                       confirmed=True)
    wf.transition_apply(case=case, user=people["numerique"], code="constater_validation")
    assert case.state == "information_syndicale"
