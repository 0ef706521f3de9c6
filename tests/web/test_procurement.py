"""Consultations seen by the case's group: the role matrix, the annex round trip (pack filled
programmatically, imported, answers equal to the input), refused annexes leaving the database
unchanged, the maturity override, the comparison and its export, the supplier dossier."""

from __future__ import annotations

import html as html_module
import io
import json
from typing import Any

import pytest
from openpyxl import load_workbook

from boussole.core.errors import InvalidDocument, Refusal
from boussole.core.procurement.pack import vendor_questions
from boussole.reports import vendor_pack
from boussole.web.cases.models import AuditEvent
from boussole.web.grids import grid_for
from boussole.web.procurement import services
from boussole.web.procurement.models import Bidder, BidderAnswer, Consultation
from tests.web.procurement_setup import Setup, make_setup

pytestmark = pytest.mark.django_db

#: question id -> (value as stored, the annex's answer cell, justification, document)
GIVEN: dict[str, tuple[Any, Any, str, str]] = {
    "materiel_ecolabellise": ("oui", "Oui", "Serveurs certifiés TCO, certificats joints.",
                              "certificats-tco.pdf"),
    "fabrication_nombre_equipements": (12, 12, "", ""),
    "fabrication_duree_utilisation": (5.5, "5,5", "Durée contractuelle de renouvellement.", ""),
    "cpu_infrastructure": ("ovhcloud", "OVHcloud", "Hébergement à Roubaix et Gravelines.", ""),
    "type_algorithme": ("Modèle de langue de 7 milliards de paramètres, affiné.", None, "", ""),
    "biais_systeme": ("nsp", "Je ne sais pas", "", ""),
}


@pytest.fixture
def setup(organisation: Any, make_user: Any) -> Setup:
    return make_setup(organisation, make_user)


def filled_annex(grid: Any, fmt: str) -> bytes:
    answers = {qid: [cell if cell is not None else value, justification or None,
                     document or None]
               for qid, (value, cell, justification, document) in GIVEN.items()}
    return vendor_pack.render(grid, {"reference": "2026-001", "title": "Agent"}, fmt,
                              answers=answers)


def snapshot() -> tuple[int, int, int, int]:
    return (Bidder.objects.count(), BidderAnswer.objects.count(), AuditEvent.objects.count(),
            Consultation.objects.count())


@pytest.mark.parametrize("fmt", ["ods", "xlsx"])
def test_round_trip_of_a_filled_annex(setup: Setup, fmt: str, client: Any) -> None:
    grid = grid_for(setup.case.grid_id, setup.case.grid_version)
    data = filled_annex(grid, fmt)
    client.force_login(setup.pilot)
    response = client.post(f"/cas/{setup.case.pk}/marche/{setup.consultation.pk}/import/",
                           {"bidder": "Gamma Données",
                            "file": _upload(data, f"annexe-gamma.{fmt}")})
    assert response.status_code == 302, response.content.decode()[:3000]
    bidder = Bidder.objects.get(consultation=setup.consultation, name="Gamma Données")
    stored = {a.question_id: a for a in bidder.answers.all()}
    assert set(stored) == set(GIVEN)
    for qid, (value, _cell, justification, document) in GIVEN.items():
        assert stored[qid].value == value, qid
        assert stored[qid].justification == justification, qid
        assert stored[qid].document_name == document, qid
        assert stored[qid].source == "import"
    assert stored["materiel_ecolabellise"].maturity == "complete"
    assert stored["fabrication_nombre_equipements"].maturity == "partial"
    assert stored["biais_systeme"].maturity == "not_anticipated"
    assert bidder.submitted_at is not None
    event = AuditEvent.objects.get(case=setup.case, action="procurement_annex_imported")
    assert event.after["answers"] == len(GIVEN) and event.note == "Gamma Données"


def _upload(data: bytes, name: str) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def _tampered(data: bytes) -> bytes:
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook["Questionnaire"]
    sheet.cell(row=3, column=3).value = "Une autre question que celle de la grille ?"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.mark.parametrize("case_name", ["malformed", "tampered", "wrong_grid", "bad_value"])
def test_refused_annexes_change_nothing(setup: Setup, case_name: str) -> None:
    grid = grid_for(setup.case.grid_id, setup.case.grid_version)
    existing = services.bidder_add(consultation=setup.consultation, user=setup.pilot,
                                   name="Delta")
    if case_name == "malformed":
        data = b"PK\x03\x04 ceci n'est pas un classeur"
    elif case_name == "tampered":
        data = _tampered(filled_annex(grid, "xlsx"))
    elif case_name == "wrong_grid":
        data = filled_annex(grid_for(setup.case.grid_id, setup.case.grid_version - 1), "xlsx")
    else:
        answers = {"fabrication_nombre_equipements": ["beaucoup", None, None]}
        data = vendor_pack.render(grid, {}, "xlsx", answers=answers)
    before = snapshot()
    with pytest.raises((InvalidDocument, Refusal)) as raised:
        services.annex_import(consultation=setup.consultation, user=setup.pilot,
                              bidder_name="Nouveau venu", data=data, filename="annexe.xlsx")
    message = (raised.value.report() if isinstance(raised.value, InvalidDocument)
               else str(raised.value))
    assert "annexe.xlsx" in message
    assert snapshot() == before
    with pytest.raises((InvalidDocument, Refusal)):
        services.annex_import(consultation=setup.consultation, user=setup.pilot,
                              bidder_name="Delta", data=data, filename="annexe.xlsx")
    assert snapshot() == before
    assert not existing.answers.exists()


def test_an_oversized_annex_is_refused_by_the_form(setup: Setup, client: Any) -> None:
    client.force_login(setup.pilot)
    before = snapshot()
    response = client.post(f"/cas/{setup.case.pk}/marche/{setup.consultation.pk}/import/",
                           {"bidder": "Epsilon",
                            "file": _upload(b"0" * (5 * 1024 * 1024 + 1), "annexe.xlsx")})
    assert response.status_code == 400
    assert "taille maximale" in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize(("login", "status"), [
    ("cheffe", 200), ("pilote", 200), ("juriste", 200), ("elue", 403), ("syndicat", 404),
    ("prestataire", 404), ("ailleurs", 404)])
def test_role_matrix(setup: Setup, make_user: Any, other_organisation: Any, client: Any,
                     login: str, status: int) -> None:
    organisation = setup.case.organisation
    extra = {"elue": ("elu", organisation), "syndicat": ("representant_personnel", organisation),
             "prestataire": ("prestataire", organisation),
             "ailleurs": ("admin", other_organisation)}
    user = (make_user(login, extra[login][1], extra[login][0]) if login in extra
            else {"cheffe": setup.lead, "pilote": setup.pilot, "juriste": setup.lawyer}[login])
    client.force_login(user)
    base = f"/cas/{setup.case.pk}/marche/"
    cid = setup.consultation.pk
    for url in (base, f"{base}{cid}/comparaison/", f"{base}{cid}/attribution/",
                f"{base}a-confirmer/"):
        assert client.get(url).status_code == status, url
    before = snapshot()
    response = client.post(f"{base}{cid}/soumissionnaires/", {"name": "Intrus"})
    if login in ("cheffe", "pilote"):  # the lead and the digital project pilot run it
        assert response.status_code == 302
        assert Bidder.objects.filter(name="Intrus").exists()
    else:
        assert response.status_code in (400, 403, 404)
        assert snapshot() == before


def test_maturity_override_needs_a_reason_and_is_audited(setup: Setup, client: Any) -> None:
    grid = grid_for(setup.case.grid_id, setup.case.grid_version)
    bidder = services.annex_import(consultation=setup.consultation, user=setup.pilot,
                                   bidder_name="Gamma", data=filled_annex(grid, "xlsx"),
                                   filename="gamma.xlsx")
    answer = bidder.answers.get(question_id="fabrication_nombre_equipements")
    with pytest.raises(Refusal):
        services.maturity_override(answer=answer, user=setup.lawyer, maturity="complete",
                                   reason=" ")
    client.force_login(setup.lawyer)
    url = (f"/cas/{setup.case.pk}/marche/{setup.consultation.pk}/soumissionnaires/"
           f"{bidder.pk}/maturite/{answer.pk}/")
    # The form of one answer, asked for by its link (no JavaScript needed).
    page = client.get(f"/cas/{setup.case.pk}/marche/{setup.consultation.pk}/"
                      f"soumissionnaires/{bidder.pk}/",
                      {"critere": 5, "maturite": answer.pk}).content.decode()
    assert page.count('name="reason"') == 1 and f'action="{url}"' in page
    response = client.post(url, {"maturity": "complete",
                                 "reason": "Inventaire détaillé joint à l'offre."})
    assert response["Location"].endswith(f"/?critere=5#r-{answer.question_id}")
    answer.refresh_from_db()
    assert answer.maturity == "partial" and answer.effective_maturity == "complete"
    assert answer.override_by == setup.lawyer
    event = AuditEvent.objects.get(case=setup.case, action="procurement_maturity_changed")
    assert event.before == "Réponse partielle" and event.after == "Réponse complète"
    page = client.get(response["Location"]).content.decode()
    assert "Inventaire détaillé joint" in page
    assert 'name="reason"' not in page  # one form only when asked for


def test_comparison_page_and_export(setup: Setup, client: Any) -> None:
    grid = grid_for(setup.case.grid_id, setup.case.grid_version)
    services.annex_import(consultation=setup.consultation, user=setup.pilot,
                          bidder_name="Gamma", data=filled_annex(grid, "xlsx"),
                          filename="gamma.xlsx")
    other = services.bidder_add(consultation=setup.consultation, user=setup.pilot,
                                name="Omega")
    services.answers_save(bidder=other, raw={
        "infrastructure_en_france": services.RawAnswer("non", ""),
        "evolution_modele": services.RawAnswer("oui", "Ré-entraînement mensuel sur vos "
                                               "données.")})
    client.force_login(setup.lawyer)
    base = f"/cas/{setup.case.pk}/marche/{setup.consultation.pk}/comparaison/"
    html = client.get(base).content.decode()
    assert "Gamma" in html and "Omega" in html
    assert "Serveurs certifiés TCO" not in html  # question by question: one criterion shown
    assert 'href="?critere=5#questions"' in html and 'href="?critere=tous#questions"' in html
    for shown in ("5", "tous"):
        html = client.get(base, {"critere": shown}).content.decode()
        assert "Serveurs certifiés TCO" in html
    assert "12 équipements" in html  # key figures
    assert "Synthèse par critère" in html
    for fmt in ("ods", "xlsx"):
        response = client.get(f"{base}export.{fmt}")
        assert response.status_code == 200
        assert response.content[:2] == b"PK"
    workbook = load_workbook(io.BytesIO(client.get(f"{base}export.xlsx").content))
    texts = {str(c.value) for sheet in workbook for row in sheet.iter_rows() for c in row
             if c.value is not None}
    assert {"Gamma", "Omega"} <= texts
    assert client.get(f"{base}export.pdf").status_code == 404


def test_dossier_export_and_import_into_another_case(setup: Setup, client: Any) -> None:
    grid = grid_for(setup.case.grid_id, setup.case.grid_version)
    bidder = services.annex_import(consultation=setup.consultation, user=setup.pilot,
                                   bidder_name="Gamma", data=filled_annex(grid, "xlsx"),
                                   filename="gamma.xlsx")
    client.force_login(setup.pilot)
    before = snapshot()
    response = client.get(f"/cas/{setup.case.pk}/marche/{setup.consultation.pk}/"
                          f"soumissionnaires/{bidder.pk}/dossier.json")
    assert snapshot() == before  # a read writes nothing
    document = json.loads(response.content)
    assert document["format"] == "boussole-dossier-fournisseur/1"
    assert document["grid"]["version"] == grid.version
    assert set(document["answers"]) == set(GIVEN)

    from boussole.web.cases import services as case_services

    other_case = case_services.case_create(organisation=setup.case.organisation,
                                           user=setup.lead, title="Autre assistant",
                                           service="Accueil", purpose="Accueil téléphonique.")
    other = services.consultation_create(case=other_case, user=setup.pilot, title="Accueil")
    imported = client.post(f"/cas/{other_case.pk}/marche/{other.pk}/dossier/",
                           {"bidder": "Gamma", "file": _upload(response.content, "g.json")})
    assert imported.status_code == 200
    assert "6 réponses reprises" in imported.content.decode()
    grid = grid_for(other_case.grid_id, other_case.grid_version)
    assert (f"reprises sur la grille du dossier (« {grid.title} », version {grid.version})"
            in html_module.unescape(imported.content.decode()))
    assert f"{grid.id}@" not in imported.content.decode()
    copied = Bidder.objects.get(consultation=other, name="Gamma")
    assert {a.question_id: a.value for a in copied.answers.all()} == {
        qid: given[0] for qid, given in GIVEN.items()}
    assert {a.source for a in copied.answers.all()} == {"dossier"}
    # A damaged dossier changes nothing.
    before = snapshot()
    bad = client.post(f"/cas/{other_case.pk}/marche/{other.pk}/dossier/",
                      {"bidder": "Zeta", "file": _upload(b'{"format": "x"}', "z.json")})
    assert bad.status_code == 400 and snapshot() == before


def test_every_vendor_question_is_on_the_bidder_pages(setup: Setup, client: Any) -> None:
    bidder = services.bidder_add(consultation=setup.consultation, user=setup.pilot, name="Eta")
    token = services.link_issue(bidder=bidder, user=setup.pilot)
    grid = grid_for(setup.case.grid_id, setup.case.grid_version)
    questions = vendor_questions(grid)
    seen = ""
    for number in sorted({q.criterion for q in questions}):
        seen += client.get(f"/offre/{token}/critere/{number}/").content.decode()
    for question in questions:
        assert f'id="t-{question.id}"' in seen


def test_a_bid_settles_the_profile_facts_it_implies(setup: Setup) -> None:
    from boussole.core.procurement.consultation import implied_facts
    from boussole.web.procurement import selectors

    facts = {"regles_communicables": "nsp", "apprentissage_continu": "non", "volume": "x"}
    assert implied_facts({"evolution_modele": "oui", "ouverture_modeles_donnees": "non",
                          "biais_systeme": "oui"}, facts) == {
        "regles_communicables": "non", "apprentissage_continu": "oui", "volume": "x"}
    assert implied_facts({"evolution_modele": "nsp"}, facts) == facts

    retrains = services.bidder_add(consultation=setup.consultation, user=setup.pilot,
                                   name="Omega")
    services.answers_save(bidder=retrains, raw={
        "evolution_modele": services.RawAnswer("oui", "Ré-entraînement mensuel.")})
    stable = services.bidder_add(consultation=setup.consultation, user=setup.pilot,
                                 name="Alpha")
    services.answers_save(bidder=stable, raw={
        "evolution_modele": services.RawAnswer("non", "Modèle figé, versions publiées.")})
    legal = dict(selectors.comparison(setup.consultation).legal_rows)
    by_name = {bidder.name: view for bidder, view in legal.items()}
    assert by_name["Omega"].active > by_name["Alpha"].active
    assert by_name["Omega"].added and not by_name["Alpha"].added


@pytest.mark.parametrize(("role", "offered"), [("referent", True), ("elu", False)])
def test_the_case_navigation_offers_the_consultation_to_its_readers_only(
        setup: Setup, make_user: Any, client: Any, role: str, offered: bool) -> None:
    organisation = setup.case.organisation
    user = (setup.lawyer if role == "referent"
            else make_user("elue-nav", organisation, "elu", delegation="numerique"))
    client.force_login(user)
    response = client.get(f"/cas/{setup.case.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert (f'href="/cas/{setup.case.pk}/marche/"' in page) is offered


def test_imports_never_replace_the_answers_a_bidder_sent_by_their_link(setup: Setup) -> None:
    """Annex and dossier alike: a bidder who has submitted keeps their answers; nothing is
    written and the refusal says why."""
    grid = grid_for(setup.case.grid_id, setup.case.grid_version)
    sent = services.annex_import(consultation=setup.consultation, user=setup.pilot,
                                 bidder_name="Epsilon", data=filled_annex(grid, "xlsx"),
                                 filename="epsilon.xlsx")
    dossier = json.dumps(services.dossier_export(bidder=sent, user=setup.pilot)).encode()
    before = snapshot()
    for importer, data, name in ((services.annex_import, filled_annex(grid, "ods"), "b.ods"),
                                 (services.dossier_import, dossier, "b.json")):
        with pytest.raises(Refusal, match="déjà envoyé ses réponses"):
            importer(consultation=setup.consultation, user=setup.pilot,
                     bidder_name="epsilon ", data=data, filename=name)
        assert snapshot() == before
