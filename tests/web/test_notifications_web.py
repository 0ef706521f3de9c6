"""Notifications through the services and the pages (issue 12, items 1 and 2): the launch needs
a referent on every criterion and a confirmation; everyone named hears of it in-app and by
e-mail; the daily digest; @mentions; unfavourable opinions; clearing when done."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command

from boussole.web.accounts.models import User
from boussole.web.cases import services
from boussole.web.cases.models import Assignment, AuditEvent, Case
from boussole.web.decisions import services as wf
from boussole.web.decisions.models import Notification

pytestmark = pytest.mark.django_db

STAFF = [  # login, first name, last name, role, domain
    ("porteur", "Camille", "Morin", "porteur", ""),
    ("juriste", "Yann", "Le Goff", "referent", "juridique"),
    ("rssi", "Inès", "Bernard", "referent", "cybersecurite"),
    ("rh", "Sophie", "Garnier", "referent", "rh_qvt"),
    ("nr", "Hugo", "Petit", "referent", "numerique_responsable"),
    ("donnees", "Léa", "Fontaine", "referent", "donnees"),
    ("organisation", "Marc", "Leroy", "referent", "organisation"),
    ("numerique", "Nadia", "Benali", "referent", "numerique"),
]


@pytest.fixture
def people(organisation: Any, make_user: Any) -> dict[str, User]:
    out = {}
    for login, first, last, role, domain in STAFF:
        extra = {"domain": domain} if domain else {}
        out[login] = make_user(login, organisation, role=role, first_name=first,
                               last_name=last, email=f"{login}@example.invalid", **extra)
    for delegation in ("numerique", "rh", "thematique"):
        out[f"elu-{delegation}"] = make_user(f"elu-{delegation}", organisation, role="elu",
                                             delegation=delegation,
                                             email=f"elu-{delegation}@example.invalid")
    return out


@pytest.fixture
def case(organisation: Any, people: dict[str, User]) -> Case:
    return services.case_create(organisation=organisation, user=people["porteur"],
                                title="Tri automatique des courriels de l'état civil",
                                service="État civil", purpose="Orienter les courriels.")


def launched(case: Case, people: dict[str, User], capture: Any) -> None:
    """Launch with the defaults the page proposes (through the service)."""
    defaults = {1: ["juriste"], 2: ["juriste", "rssi"], 3: ["porteur", "organisation"],
                4: ["rh"], 5: ["nr"], 6: ["numerique", "donnees"], 7: ["numerique"]}
    with capture(execute=True):
        wf.instruction_launch(case=case, user=people["porteur"], confirmed=True, referents={
            n: [people[login] for login in logins] for n, logins in defaults.items()})


def open_for(user: User) -> list[Notification]:
    from boussole.web.cases.notifications import open_notifications

    return list(open_notifications(user))


def test_launch_refused_without_referents(client: Any, case: Case,
                                          people: dict[str, User]) -> None:
    events = AuditEvent.objects.filter(case=case).count()
    with pytest.raises(wf.WorkflowRefused) as refused:
        wf.transition_apply(case=case, user=people["porteur"], code="lancer_instruction")
    assert refused.value.problems == [
        "Nommez au moins un·e référent·e pour chaque critère avant de lancer l'instruction : "
        "critère(s) 1, 2, 3, 4, 5, 6, 7 sans référent·e."]
    # Through the page: every referent left empty, confirmed: refused, nothing changed.
    client.force_login(people["porteur"])
    post = {f"referent-{n}-x": "" for n in range(1, 8)} | {"confirm": "oui"}
    page = client.post(f"/cas/{case.pk}/parcours/lancer/", post, follow=True).content.decode()
    assert "sans référent·e" in page
    # Without the confirmation, even with referents: refused, nothing named.
    post = {f"referent-{n}-x": str(people["numerique"].pk) for n in range(1, 8)}
    page = client.post(f"/cas/{case.pk}/parcours/lancer/", post, follow=True).content.decode()
    assert "Cochez la case de confirmation" in page
    # The generic transition route asks for the confirmation too.
    client.post(f"/cas/{case.pk}/parcours/lancer_instruction/", {})
    case.refresh_from_db()
    assert case.state == "brouillon"
    assert not Assignment.objects.filter(case=case).exists()
    assert AuditEvent.objects.filter(case=case).count() == events
    assert not Notification.objects.filter(case=case).exists()


def test_launch_page_proposes_the_defaults_and_notifies_everyone(
        client: Any, case: Case, people: dict[str, User],
        django_capture_on_commit_callbacks: Any) -> None:
    client.force_login(people["porteur"])
    page = client.get(f"/cas/{case.pk}/parcours/").content.decode()
    assert "Ce qui manque" in page and "Référent·e à nommer pour le(s) critère(s) 1, 2, 3" in page
    assert "Profil d&#x27;identification renseigné à 0 %" in page
    assert 'name="confirm"' in page
    expected = {"referent-1-juridique": "juriste", "referent-2-juridique": "juriste",
                "referent-2-cybersecurite": "rssi", "referent-3-porteur": "porteur",
                "referent-3-organisation": "organisation", "referent-4-rh_qvt": "rh",
                "referent-5-numerique_responsable": "nr",
                "referent-6-numerique": "numerique", "referent-6-donnees": "donnees",
                "referent-7-groupe": "numerique"}
    for field, login in expected.items():
        select = page.split(f'name="{field}"', 1)[1].split("</select>", 1)[0]
        assert f'value="{people[login].pk}" selected' in select, field
    post = {field: str(people[login].pk) for field, login in expected.items()}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/cas/{case.pk}/parcours/lancer/", post | {"confirm": "oui"},
                               follow=True)
    assert "Étape enregistrée : Lancer l&#x27;instruction." in response.content.decode()
    case.refresh_from_db()
    assert case.state == "en_instruction"
    assert set(Assignment.objects.filter(case=case, criterion=2)
               .values_list("user__username", flat=True)) == {"juriste", "rssi"}
    told = set(Notification.objects.filter(case=case, event="instruction_launched")
               .values_list("user__username", flat=True))
    # Every referent named, the lawyer and the CISO; never the person who launched.
    assert told == {"juriste", "rssi", "organisation", "rh", "nr", "numerique", "donnees"}
    mailed = {address for message in mail.outbox for address in message.to}
    assert mailed == {f"{login}@example.invalid" for login in told}
    assert all(len(m.to) == 1 for m in mail.outbox)  # nobody sees the others' addresses
    assert all("L'instruction est lancée" in m.body for m in mail.outbox)
    assert Notification.objects.filter(case=case, emailed_at__isnull=True).count() == 0
    # In the referent's tasks.
    client.force_login(people["rh"])
    assert "L&#x27;instruction est lancée" in client.get("/taches/").content.decode()


def test_digest_mode_queues_then_the_command_sends_one_digest(
        case: Case, people: dict[str, User], django_capture_on_commit_callbacks: Any) -> None:
    lawyer = people["juriste"]
    lawyer.notification_mode = "digest"
    lawyer.save()
    people["rssi"].notification_mode = "none"
    people["rssi"].save()
    launched(case, people, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_add(case=case, user=people["porteur"], criterion=1,
                             body="@Yann Le Goff la base légale est-elle identifiée ?")
    mailed = {address for message in mail.outbox for address in message.to}
    assert "juriste@example.invalid" not in mailed  # queued for the digest
    assert "rssi@example.invalid" not in mailed  # no e-mail at all
    assert Notification.objects.filter(user=lawyer, emailed_at__isnull=True).count() == 2
    before = len(mail.outbox)
    call_command("send_notification_digest")
    digests = mail.outbox[before:]
    assert [m.to for m in digests] == [["juriste@example.invalid"]]
    assert "2 notifications" in digests[0].subject
    assert "L'instruction est lancée" in digests[0].body
    assert "Une question vous est adressée" in digests[0].body
    assert not Notification.objects.filter(user=lawyer, emailed_at__isnull=True).exists()
    call_command("send_notification_digest")  # nothing new: nothing sent
    assert len(mail.outbox) == before + 1
    # The in-app notifications of the person who wants no e-mail are there all the same.
    assert Notification.objects.filter(user=people["rssi"], event="instruction_launched",
                                       emailed_at__isnull=True).exists()


def test_a_mention_reaches_the_tasks_and_a_reply_clears_it(
        client: Any, case: Case, people: dict[str, User],
        django_capture_on_commit_callbacks: Any) -> None:
    launched(case, people, django_capture_on_commit_callbacks)
    comment = services.comment_add(case=case, user=people["juriste"], criterion=3,
                                   body="Question pour @porteur : quels agents sont concernés ?")
    client.force_login(people["porteur"])
    tasks = client.get("/taches/").content.decode()
    assert "Une question vous est adressée dans un commentaire." in tasks
    note = Notification.objects.get(user=people["porteur"], event="mention")
    assert note.url == f"/cas/{case.pk}/critere/3/"
    assert not Notification.objects.filter(user=people["juriste"], event="mention").exists()
    # Opened, it stays in the tasks until answered; the reply clears it and tells the asker.
    client.post(f"/notifications/{note.pk}/lue/")
    assert "Une question vous est adressée" in client.get("/taches/").content.decode()
    services.comment_add(case=case, user=people["porteur"], parent=comment,
                         body="Les agents de l'accueil de l'état civil.")
    assert "Une question vous est adressée" not in client.get("/taches/").content.decode()
    assert [n.event for n in open_for(people["juriste"])
            if n.event != "instruction_launched"] == ["comment_reply"]
    # Resolving the thread clears the reply's notification.
    services.comment_resolve(case=case, user=people["porteur"], comment=comment)
    assert not [n for n in open_for(people["juriste"]) if n.event == "comment_reply"]


def test_an_unfavourable_opinion_reaches_the_lead_and_the_opinion_clears_the_request(
        client: Any, case: Case, people: dict[str, User],
        django_capture_on_commit_callbacks: Any) -> None:
    launched(case, people, django_capture_on_commit_callbacks)
    # A referent named after the launch is told of it; their opinion clears it.
    services.assignment_add(case=case, user=people["numerique"], criterion=4,
                            referent=people["organisation"])
    assert [n.event for n in open_for(people["organisation"])
            if n.topic == "critere:4"] == ["assignment"]
    services.opinion_give(case=case, user=people["rh"], criterion=4, verdict="defavorable",
                          recommendations="Associer les agents avant tout déploiement.")
    assert not [n for n in open_for(people["organisation"]) if n.topic == "critere:4"]
    client.force_login(people["porteur"])
    assert "Avis « Défavorable » sur le critère 4" in client.get("/taches/").content.decode()
    assert not Notification.objects.filter(user=people["rh"], event="opinion_reserved").exists()
    # Revised to favourable: the lead's request is settled.
    services.opinion_give(case=case, user=people["rh"], criterion=4, verdict="favorable")
    assert "Avis « Défavorable »" not in client.get("/taches/").content.decode()


def test_decision_requests_are_cleared_when_decided(
        case: Case, people: dict[str, User], django_capture_on_commit_callbacks: Any) -> None:
    from boussole.web.cases.legal import legal_retain
    from boussole.web.demo import BASE_FACTS

    launched(case, people, django_capture_on_commit_callbacks)
    for fact, value in BASE_FACTS.items():
        services.answer_record(case=case, user=people["juriste"], item_id=fact, value=value)
    experts = {7: "numerique", 1: "juriste", 2: "juriste", 3: "organisation", 4: "rh",
               5: "nr", 6: "donnees"}  # the last one is not the pilot's (never the actor)
    for number, login in experts.items():
        services.opinion_give(case=case, user=people[login], criterion=number,
                              verdict="favorable")
    # Every criterion has an opinion, but the lawyers have not retained the level yet: the
    # consolidation is not possible, so the pilot is not asked to consolidate.
    assert not [n for n in open_for(people["numerique"]) if n.event == "group_opinion_due"]
    case.refresh_from_db()
    legal_retain(case=case, user=people["juriste"], retained_level=case.legal_level)
    # The retained level was the last thing awaited: now the pilot is told.
    assert [n.event for n in open_for(people["numerique"])
            if n.event == "group_opinion_due"] == ["group_opinion_due"]
    pilot = people["numerique"]
    wf.transition_apply(case=case, user=pilot, code="consolider_avis")
    assert not [n for n in open_for(people["rh"]) if n.event == "instruction_launched"]
    wf.group_opinion_record(case=case, user=pilot, verdict="favorable")
    assert not [n for n in open_for(pilot) if n.event == "group_opinion_due"]
    wf.transition_apply(case=case, user=pilot, code="transmettre_elus")
    for delegation in ("numerique", "rh", "thematique"):
        assert [n.event for n in open_for(people[f"elu-{delegation}"])] == ["decision_due"]
    import datetime as dt

    wf.decision_record(case=case, user=people["elu-rh"], decision="valide",
                       decided_on=dt.date(2026, 1, 5), confirmed=True)
    assert open_for(people["elu-rh"]) == []
    assert [n.event for n in open_for(people["elu-numerique"])] == ["decision_due"]


def test_preferences_page(client: Any, people: dict[str, User]) -> None:
    lawyer = people["juriste"]
    client.force_login(lawyer)
    assert "Mes préférences de notification" in client.get("/taches/").content.decode()
    page = client.get("/taches/preferences/").content.decode()
    assert 'value="immediate" checked' in page
    response = client.post("/taches/preferences/", {"notification_mode": "digest"}, follow=True)
    assert "Vos préférences de notification sont enregistrées." in response.content.decode()
    lawyer.refresh_from_db()
    assert lawyer.notification_mode == "digest"
    response = client.post("/taches/preferences/", {"notification_mode": "pigeon"}, follow=True)
    assert "Choisissez une des options proposées." in response.content.decode()
    lawyer.refresh_from_db()
    assert lawyer.notification_mode == "digest"
