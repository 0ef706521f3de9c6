"""The action plan through the pages and services (issue 12, item 9): adding a measure,
changing its status, refusals in French with nothing changed, the trail, the owner's
notifications (at once and when due), the suggestions from the free texts, the memo, and the
export/import round trip."""

from __future__ import annotations

import datetime as dt
from html import unescape
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from boussole.core.errors import InvalidDocument
from boussole.reports.content import format_date
from boussole.web.accounts.models import User
from boussole.web.cases import measures, services
from boussole.web.cases.exchange import case_export, case_import
from boussole.web.cases.models import AuditEvent, Case, Measure, Opinion
from boussole.web.decisions.models import Notification

pytestmark = pytest.mark.django_db

@pytest.fixture
def people(organisation: Any, make_user: Any) -> dict[str, User]:
    return {
        "porteur": make_user("porteur", organisation, first_name="Camille", last_name="Morin",
                             email="porteur@example.invalid"),
        "juriste": make_user("juriste", organisation, role="referent", domain="juridique",
                             first_name="Yann", last_name="Le Goff",
                             email="juriste@example.invalid"),
        "rssi": make_user("rssi", organisation, role="referent", domain="cybersecurite",
                          first_name="Inès", last_name="Bernard"),
        "elu": make_user("elu", organisation, role="elu", delegation="numerique",
                         first_name="Claire", last_name="Roux"),
        "autre": make_user("autre", organisation, role="porteur", first_name="Paul",
                           last_name="Martin"),
        "prestataire": make_user("prestataire", organisation, role="prestataire",
                                 first_name="Julie", last_name="Marchand"),
    }


@pytest.fixture
def case(organisation: Any, people: dict[str, User]) -> Case:
    return services.case_create(organisation=organisation, user=people["porteur"],
                                title="Tri automatique des courriels de l'état civil",
                                service="État civil", purpose="Orienter les courriels.")


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def plan_url(case: Case) -> str:
    return f"/cas/{case.pk}/plan-action/"


def page(client: Client, case: Case, query: str = "") -> str:
    response = client.get(plan_url(case) + query)
    assert response.status_code == 200
    return unescape(response.content.decode())


def later(days: int = 30) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def add(case: Case, user: User, **extra: Any) -> Measure:
    values: dict[str, Any] = {"text": "Réaliser l'AIPD avant la mise en service",
                              "origin": "critere", "criterion": 1, "owner": user,
                              "due": later()}
    values.update(extra)
    return measures.measure_create(case=case, user=user, **values)


def trail(case: Case) -> list[str]:
    return list(AuditEvent.objects.filter(case=case).values_list("action", flat=True))


# --- Adding a measure --------------------------------------------------------------------------

def test_the_lead_adds_a_measure_owned_by_a_lawyer_who_is_notified(
        case: Case, people: dict[str, User]) -> None:
    due = later(45)
    response = client_for(people["porteur"]).post(plan_url(case), {
        "text": "Mettre à jour le registre des traitements", "target": "regle:DEC-02",
        "owner": str(people["juriste"].pk), "owner_name": "", "due": due.isoformat()})
    assert response.status_code == 302
    measure = Measure.objects.get(case=case)
    assert (measure.text, measure.origin, measure.flag, measure.criterion) == (
        "Mettre à jour le registre des traitements", "regle", "DEC-02", None)
    assert (measure.owner, measure.due, measure.status) == (people["juriste"], due, "a_faire")
    assert measure.created_by == people["porteur"]
    event = AuditEvent.objects.filter(case=case).last()
    assert event is not None and event.action == "measure_created"
    assert event.item_id == f"mesure:{measure.pk}"
    after = event.after or {}
    assert after["owner"] == "Yann Le Goff" and after["due"] == due.isoformat()
    note = Notification.objects.get(case=case, event="measure_assigned")
    assert note.user == people["juriste"]
    assert due.strftime("%d/%m/%Y") in note.message
    assert note.url.endswith(f"/plan-action/#mesure-{measure.pk}")
    html = page(client_for(people["juriste"]), case)
    assert "Mettre à jour le registre des traitements" in html
    assert "Règle DEC-02" in html and "Yann Le Goff" in html
    assert "À faire" in html and due.strftime("%d/%m/%Y") in html
    journal = unescape(client_for(people["porteur"]).get(f"/cas/{case.pk}/journal/")
                       .content.decode())
    assert ("a ajouté au plan d'action la mesure « Mettre à jour le registre des "
            "traitements », confiée à Yann Le Goff.") in journal
    assert "measure_created" not in journal and "a_faire" not in journal


def test_a_referent_of_the_group_adds_a_measure_for_someone_outside_boussole(
        case: Case, people: dict[str, User]) -> None:
    response = client_for(people["rssi"]).post(plan_url(case), {
        "text": "Audit de sécurité du prestataire", "target": "critere:2", "owner": "",
        "owner_name": "Cabinet Sécu & Co", "due": later().isoformat()})
    assert response.status_code == 302
    measure = Measure.objects.get(case=case)
    assert measure.owner is None and measure.owner_name == "Cabinet Sécu & Co"
    assert measure.owner_label == "Cabinet Sécu & Co"
    assert not Notification.objects.filter(event="measure_assigned").exists()
    assert "(hors Boussole)" in page(client_for(people["porteur"]), case)


@pytest.mark.parametrize(("posted", "messages"), [
    ({"text": "", "target": "critere:1", "owner": "", "owner_name": "", "due": ""},
     ["Décrivez la mesure à réaliser.", "Indiquez qui est responsable de la mesure",
      "Indiquez la date à laquelle la mesure doit être réalisée."]),
    ({"text": "Former les agents", "target": "critere:1", "owner_name": "Jean Dupont",
      "due": "2020-01-01"}, ["L'échéance ne peut pas précéder la création de la mesure"]),
    ({"text": "Former les agents", "target": "critere:99", "owner_name": "Jean Dupont",
      "due": "2099-01-01"}, ["Le critère 99 n'existe pas dans la grille de ce dossier."]),
    ({"text": "Former les agents", "target": "", "owner_name": "Jean Dupont",
      "due": "2099-01-01"}, ["Choisissez à quoi répond la mesure."]),
    ({"text": "Former les agents", "target": "groupe", "owner_name": "Jean Dupont",
      "due": "03/12/2099"}, ["Date invalide : utilisez le format AAAA-MM-JJ."]),
    ({"text": "x" * 2001, "target": "groupe", "owner_name": "Jean Dupont",
      "due": "2099-01-01"}, ["Texte trop long pour « mesure » : 2\u00a0000 caractères"]),
])
def test_a_refused_measure_keeps_what_was_typed_and_writes_nothing(
        case: Case, people: dict[str, User], posted: dict[str, str],
        messages: list[str]) -> None:
    before = trail(case)
    response = client_for(people["porteur"]).post(plan_url(case), posted)
    assert response.status_code == 400
    html = unescape(response.content.decode())
    assert "Rien n'a été enregistré" in html
    for message in messages:
        assert message in html
    if posted["text"] and len(posted["text"]) < 100:
        assert f">{posted['text']}</textarea>" in html  # kept
    assert not Measure.objects.exists()
    assert trail(case) == before


def test_owner_both_a_person_and_a_name_or_the_vendor_is_refused(
        case: Case, people: dict[str, User]) -> None:
    client = client_for(people["porteur"])
    both = client.post(plan_url(case), {"text": "Former", "target": "groupe",
                                         "owner": str(people["juriste"].pk),
                                         "owner_name": "Jean", "due": later().isoformat()})
    assert both.status_code == 400
    assert "pas les deux" in unescape(both.content.decode())
    vendor = client.post(plan_url(case), {"text": "Former", "target": "groupe",
                                           "owner": str(people["prestataire"].pk),
                                           "due": later().isoformat()})
    assert vendor.status_code == 400
    assert "Le compte prestataire n'a pas accès au plan d'action" in unescape(
        vendor.content.decode())
    assert not Measure.objects.exists()


@pytest.mark.parametrize("who", ["elu", "autre"])
def test_only_the_group_and_the_lead_propose(case: Case, people: dict[str, User],
                                             who: str) -> None:
    client = client_for(people[who])
    html = page(client, case)
    assert "Ajouter une mesure" not in html
    response = client.post(plan_url(case), {"text": "Former", "target": "groupe",
                                             "owner_name": "Jean", "due": later().isoformat()})
    assert response.status_code == 400
    assert ("Seuls les membres du groupe d'experts et le chef de projet du dossier proposent "
            "des mesures.") in unescape(response.content.decode())
    assert not Measure.objects.exists()


def test_the_vendor_and_other_organisations_do_not_see_the_plan(
        case: Case, people: dict[str, User], other_organisation: Any, make_user: Any) -> None:
    Case.objects.filter(pk=case.pk).update(vendor_account=people["prestataire"])
    assert client_for(people["prestataire"]).get(plan_url(case)).status_code == 403
    stranger = make_user("ailleurs", other_organisation, role="referent")
    assert client_for(stranger).get(plan_url(case)).status_code == 404


# --- Status ----------------------------------------------------------------------------------

def test_the_owner_marks_the_measure_done_and_the_notification_is_cleared(
        case: Case, people: dict[str, User]) -> None:
    measure = add(case, people["porteur"], owner=people["juriste"])
    assert Notification.objects.get(event="measure_assigned").done_at is None
    url = f"/cas/{case.pk}/plan-action/{measure.pk}/statut/"
    response = client_for(people["juriste"]).post(url, {"status": "fait", "done_on": "",
                                                        "note": "Fait avec la DPO."})
    assert response.status_code == 302
    measure.refresh_from_db()
    assert (measure.status, measure.done_on, measure.note) == (
        "fait", timezone.localdate(), "Fait avec la DPO.")
    event = AuditEvent.objects.filter(case=case).last()
    assert event is not None and event.action == "measure_status_changed"
    assert ((event.before or {})["status"], (event.after or {})["status"]) == ("a_faire", "fait")
    assert Notification.objects.get(event="measure_assigned").done_at is not None
    journal = unescape(client_for(people["porteur"]).get(f"/cas/{case.pk}/journal/")
                       .content.decode())
    assert "de « À faire » à « Fait »" in journal


@pytest.mark.parametrize(("posted", "message"), [
    ({"status": "abandonnee", "note": ""}, "Dites pourquoi la mesure est abandonnée."),
    ({"status": "fait", "done_on": "2099-01-01"},
     "La date de réalisation ne peut pas être dans le futur."),
    ({"status": "a_faire"}, "La mesure est déjà « À faire »."),
    ({"status": "en_cours", "done_on": "2026-01-01"},
     "Seule une mesure réalisée a une date de réalisation."),
    ({"status": "inconnu"}, "Statut inconnu."),
])
def test_a_refused_status_change_changes_nothing(case: Case, people: dict[str, User],
                                                 posted: dict[str, str], message: str) -> None:
    measure = add(case, people["porteur"])
    before = trail(case)
    response = client_for(people["porteur"]).post(
        f"/cas/{case.pk}/plan-action/{measure.pk}/statut/", posted)
    assert response.status_code == 400
    html = unescape(response.content.decode())
    assert message in html and "Rien n'a été enregistré" in html
    measure.refresh_from_db()
    assert measure.status == "a_faire" and measure.done_on is None
    assert trail(case) == before


def test_only_the_lead_or_the_owner_change_the_status(case: Case,
                                                      people: dict[str, User]) -> None:
    measure = add(case, people["porteur"], owner=people["juriste"])
    before = trail(case)
    url = f"/cas/{case.pk}/plan-action/{measure.pk}/statut/"
    response = client_for(people["rssi"]).post(url, {"status": "en_cours"})
    assert response.status_code == 400
    assert ("Seuls le chef de projet du dossier et la personne responsable de la mesure en "
            "changent le statut.") in unescape(response.content.decode())
    measure.refresh_from_db()
    assert measure.status == "a_faire" and trail(case) == before
    assert client_for(people["porteur"]).post(url, {"status": "en_cours"}).status_code == 302
    measure.refresh_from_db()
    assert measure.status == "en_cours"


def test_nobody_changes_the_plan_of_a_closed_case(case: Case, people: dict[str, User]) -> None:
    measure = add(case, people["porteur"], owner=people["juriste"])
    Case.objects.filter(pk=case.pk).update(state="abandonne")
    case.refresh_from_db()
    before = trail(case)
    lead = client_for(people["porteur"])
    refused = lead.post(f"/cas/{case.pk}/plan-action/{measure.pk}/statut/", {"status": "fait"})
    assert refused.status_code == 400
    assert "Le dossier est clos : son plan d'action ne se modifie plus." in unescape(
        refused.content.decode())
    new = lead.post(plan_url(case), {"text": "Autre", "target": "groupe", "owner_name": "Jean",
                                     "due": later().isoformat()})
    assert new.status_code == 400
    with pytest.raises(measures.MeasureRefused, match="clos"):
        measures.measure_update(case=case, user=people["porteur"], measure=measure,
                                text="Autre texte", origin="groupe", owner=people["juriste"],
                                due=later())
    measure.refresh_from_db()
    assert measure.status == "a_faire" and measure.text.startswith("Réaliser")
    assert Measure.objects.count() == 1 and trail(case) == before


def test_edit_by_the_author_or_the_lead_reassigns_and_notifies_the_new_owner(
        case: Case, people: dict[str, User]) -> None:
    measure = add(case, people["juriste"], owner=people["juriste"])
    with pytest.raises(measures.MeasureRefused, match="Seuls le chef de projet"):
        measures.measure_update(case=case, user=people["rssi"], measure=measure,
                                text="Autre", origin="critere", criterion=1,
                                owner=people["rssi"], due=later())
    measures.measure_update(case=case, user=people["porteur"], measure=measure,
                            text="Réaliser l'AIPD", origin="critere", criterion=1,
                            owner=people["rssi"], due=later(60))
    measure.refresh_from_db()
    assert measure.owner == people["rssi"] and measure.text == "Réaliser l'AIPD"
    assert trail(case)[-1] == "measure_updated"
    assert Notification.objects.filter(event="measure_assigned", user=people["rssi"],
                                       done_at__isnull=True).exists()


# --- The daily reminder ------------------------------------------------------------------------

def test_the_daily_command_tells_the_owner_once_when_a_measure_falls_due(
        case: Case, people: dict[str, User]) -> None:
    soon = add(case, people["porteur"], owner=people["juriste"], due=timezone.localdate())
    outside = add(case, people["porteur"], owner=None, owner_name="Cabinet", due=later(1))
    assert measures.measures_due(timezone.localdate()) == 1
    note = Notification.objects.get(event="measure_due")
    assert note.user == people["juriste"] and note.topic == f"mesure:{soon.pk}"
    note.read_at = timezone.now()
    note.save()
    call_command("send_notification_digest")
    assert Notification.objects.filter(event="measure_due").count() == 1  # once per due date
    # A day later the outside owner's measure is due too: the lead is told.
    assert measures.measures_due(later(1)) == 1
    lead_note = Notification.objects.get(event="measure_due", topic=f"mesure:{outside.pk}")
    assert lead_note.user == people["porteur"]
    measures.measure_set_status(case=case, user=people["juriste"], measure=soon, status="fait")
    note.refresh_from_db()
    assert note.done_at is not None


# --- Suggestions from the free texts ---------------------------------------------------------

def test_each_recommendation_is_offered_once_prefilled(case: Case,
                                                       people: dict[str, User]) -> None:
    Opinion.objects.create(case=case, criterion=4, verdict="favorable_reserves",
                           recommendations="Former les agents.\n- Prévoir un mode dégradé.",
                           author=people["rssi"])
    lead = client_for(people["porteur"])
    html = page(lead, case)
    assert html.count("Créer une mesure") == 2
    offered = measures.suggestions(case)
    assert [s.text for s in offered] == ["Former les agents.", "Prévoir un mode dégradé."]
    first = offered[0]
    prefilled = page(lead, case, f"?depuis={first.key}")
    assert ">Former les agents.</textarea>" in prefilled
    assert 'value="critere:4" selected' in prefilled
    assert f'name="source_key" value="{first.key}"' in prefilled
    posted = {"text": first.text, "target": first.target, "owner": str(people["rssi"].pk),
              "due": later().isoformat(), "source_key": first.key}
    assert lead.post(plan_url(case), posted).status_code == 302
    after = page(lead, case)
    assert after.count("Créer une mesure") == 1
    assert [s.text for s in measures.suggestions(case)] == ["Prévoir un mode dégradé."]
    again = lead.post(plan_url(case), posted)  # the same text twice: refused
    assert again.status_code == 400
    assert "Une mesure a déjà été créée à partir de ce texte." in unescape(
        again.content.decode())
    assert Measure.objects.filter(case=case).count() == 1


# --- Memo --------------------------------------------------------------------------------------

def test_the_memo_shows_the_action_plan_as_a_table(case: Case, people: dict[str, User]) -> None:
    add(case, people["porteur"], text="Réaliser l'AIPD", owner=people["juriste"],
        due=later(10))
    add(case, people["porteur"], text="Prévoir un mode dégradé", origin="regle", criterion=None,
        flag="DEC-02", owner=None, owner_name="Cabinet Sécu", due=later(20))
    response = client_for(people["porteur"]).get(
        reverse("decisions:memo_preview", args=[case.pk, "html"]))
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert ">Plan d'action</h2>" in html
    table = html[html.index(">Plan d'action</h2>"):]
    table = table[table.index("<table"):table.index("</table>")]
    for header in ("Mesure", "Répond à", "Responsable", "Échéance", "Statut"):
        assert f">{header}</th>" in table, header
    for text in ("Réaliser l'AIPD", "Critère 1", "Yann Le Goff",
                 format_date(later(10).isoformat()), "Prévoir un mode dégradé",
                 "Règle DEC-02", "Cabinet Sécu", "À faire"):
        assert text in table, text


# --- Export and import -------------------------------------------------------------------------

def test_measures_go_through_export_and_import(case: Case, people: dict[str, User],
                                               organisation: Any) -> None:
    first = add(case, people["porteur"], owner=people["juriste"], source_key="avis-1:abc")
    measures.measure_set_status(case=case, user=people["juriste"], measure=first,
                                status="fait", note="Validé par la DPO.")
    add(case, people["rssi"], text="Audit", origin="groupe", criterion=None, owner=None,
        owner_name="Cabinet", due=later(90))
    document = case_export(case)
    assert [m["text"] for m in document["measures"]] == [
        "Réaliser l'AIPD avant la mise en service", "Audit"]
    assert document["measures"][0]["owner"]["username"] == "juriste"
    assert document["measures"][0]["status"] == "fait"
    assert document["measures"][1]["owner"] is None
    assert document["measures"][1]["owner_name"] == "Cabinet"
    imported = case_import(document, organisation=organisation, user=people["porteur"])
    copied = list(Measure.objects.filter(case=imported).order_by("due", "id"))
    assert [(m.text, m.origin, m.owner, m.owner_name, m.status, m.done_on, m.note,
             m.source_key, m.created_by) for m in copied] == [
        (m.text, m.origin, m.owner, m.owner_name, m.status, m.done_on, m.note, m.source_key,
         m.created_by) for m in Measure.objects.filter(case=case).order_by("due", "id")]
    assert case_export(imported)["measures"] == document["measures"]


@pytest.mark.parametrize(("change", "path", "message"), [
    ({"status": "termine"}, "measures[0].status", "statut « termine » inconnu"),
    ({"text": ""}, "measures[0].text", "ne doit pas être vide"),
    ({"origin": "critere", "criterion": 42}, "measures[0]", "le critère 42 n'existe pas"),
    ({"due": "2000-01-01"}, "measures[0].due", "l'échéance ne peut pas précéder"),
    ({"owner": None, "owner_name": ""}, "measures[0].owner", "indiquez qui est responsable"),
])
def test_an_invalid_measure_in_an_import_writes_nothing(
        case: Case, people: dict[str, User], organisation: Any, change: dict[str, Any],
        path: str, message: str) -> None:
    add(case, people["porteur"], owner=people["juriste"])
    document = case_export(case)
    document["measures"][0].update(change)
    cases_before = Case.objects.count()
    with pytest.raises(InvalidDocument) as caught:
        case_import(document, organisation=organisation, user=people["porteur"])
    report = caught.value.report()
    assert path in report and message in report, report
    assert Case.objects.count() == cases_before and Measure.objects.count() == 1


def test_an_older_document_without_measures_still_imports(
        case: Case, people: dict[str, User], organisation: Any) -> None:
    document = case_export(case)
    del document["measures"]
    imported = case_import(document, organisation=organisation, user=people["porteur"])
    assert not Measure.objects.filter(case=imported).exists()


def test_the_model_statuses_are_the_core_statuses() -> None:
    from boussole.core import measures as core
    from boussole.web.cases.models import MeasureStatus

    assert {code: str(label) for code, label in MeasureStatus.choices} == dict(core.STATUSES)


def test_the_plan_and_its_journal_show_no_raw_code(case: Case, people: dict[str, User]) -> None:
    from tests.web.plain_text import forbidden_tokens, raw_codes

    done = add(case, people["porteur"], owner=people["juriste"])
    measures.measure_set_status(case=case, user=people["juriste"], measure=done, status="fait")
    given_up = add(case, people["porteur"], origin="groupe", criterion=None)
    measures.measure_set_status(case=case, user=people["porteur"], measure=given_up,
                                status="abandonnee", note="Plus utile.")
    add(case, people["porteur"], origin="regle", criterion=None, flag="DEC-02",
        owner=None, owner_name="Cabinet")
    forbidden = {**forbidden_tokens(), **{code: "statut de mesure" for code in
                                          ("a_faire", "en_cours", "abandonnee")},
                 "measure_created": "action", "measure_status_changed": "action",
                 "measure_assigned": "événement"}
    lead = client_for(people["porteur"])
    for url in (plan_url(case), f"/cas/{case.pk}/journal/", "/taches/"):
        response = lead.get(url)
        if response.status_code == 404:
            continue
        assert raw_codes(response.content.decode(), forbidden) == [], url
    html = page(lead, case)
    for label in ("Fait", "Abandonnée", "À faire", "Plus utile."):
        assert label in html
