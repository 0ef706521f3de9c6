"""The public register (issue 14, items 3, 4 and 5): pages without an account, cookie or
script; filters; open data that frictionless validates; the public's messages, limited, hidden
until answered, moderated by the organisation's publishers."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path
from typing import Any

import frictionless
import pytest
from django.test import Client
from django.utils import timezone

from boussole.core import opendata
from boussole.core import public_questions as rules
from boussole.web.cases import services as case_services
from boussole.web.cases.models import AuditEvent, Case
from boussole.web.register import demo as register_demo
from boussole.web.register import services
from boussole.web.register.forms import question_token
from boussole.web.register.models import PublicQuestion
from boussole.web.transparency.models import Notice, NoticePublication

pytestmark = pytest.mark.django_db


def content_for(case: Case, version: int = 1, **overrides: Any) -> dict[str, Any]:
    """A notice's public content as the transparency app freezes it (the notice contract)."""
    content: dict[str, Any] = {
        "reference": case.reference,
        "organisation": {"slug": case.organisation.slug, "name": case.organisation.name},
        "title": case.title, "summary": "L'outil trie les demandes reçues.",
        "purpose": "Répondre plus vite aux habitants.", "data": "Le texte des demandes.",
        "responsible_service": case.service, "contact": "Accueil, 1 place de la Mairie.",
        "contest": "Écrire au service.", "founds_individual_decisions": False,
        "legal_basis": "Mission de service public.", "algorithm_rules": "",
        "criterion6": [], "legal_level": "limite", "legal_level_label": "limité",
        "state": case.state, "state_label": case.get_state_display(),
        "footprint": {"kg_co2e_per_year": 10.5, "kwh_per_year": 120.0,
                      "water_l_per_year": None, "summary": ""},
        "decision": {"outcome": "valide", "outcome_label": "Validé", "date": "2025-11-20",
                     "reference": "Délibération n° 2025-142",
                     "officials": [{"name": "Paul Rivière", "delegation_label": "Numérique"}],
                     "conditions": ""},
        "reviews": [], "year": case.created_at.year,
        "published_at": timezone.now().isoformat(), "version": version,
    }
    content.update(overrides)
    return content


def publish(case: Case, user: Any, **overrides: Any) -> NoticePublication:
    """Publish (or republish) the notice of ``case`` with this content."""
    notice, _created = Notice.objects.get_or_create(case=case, defaults={"title": case.title})
    current = notice.publications.filter(withdrawn_at__isnull=True).first()
    version = (current.version + 1) if current else 1
    if current:
        current.withdrawn_at = timezone.now()
        current.withdrawn_by = user
        current.save(update_fields=["withdrawn_at", "withdrawn_by"])
    notice.state = "published"
    notice.save(update_fields=["state"])
    return NoticePublication.objects.create(
        notice=notice, organisation=case.organisation, version=version,
        published_at=timezone.now(), published_by=user,
        content=content_for(case, version, **overrides))


def new_case(organisation: Any, user: Any, title: str, service: str,
             state: str = "en_service") -> Case:
    case: Case = case_services.case_create(organisation=organisation, user=user, title=title,
                                           service=service, purpose="Finalité interne.")
    Case.objects.filter(pk=case.pk).update(state=state)
    case.refresh_from_db()
    return case


@pytest.fixture
def people(organisation: Any, other_organisation: Any, make_user: Any) -> dict[str, Any]:
    return {
        "porteur": make_user("porteur", organisation),
        "dpo": make_user("dpo", organisation, "referent", domain="juridique"),
        "pilote": make_user("pilote", organisation, "referent", domain="numerique"),
        "admin": make_user("admin", organisation, "admin"),
        "dpo_voisin": make_user("dpo-voisin", other_organisation, "referent",
                                domain="juridique"),
        "porteur_voisin": make_user("porteur-voisin", other_organisation),
    }


@pytest.fixture
def register(organisation: Any, other_organisation: Any, people: dict[str, Any]
             ) -> dict[str, Any]:
    """Two published notices here, one in the neighbour organisation, and three cases that
    must not show: a draft notice, a withdrawn one and a refused case's."""
    dpo = people["dpo"]
    eau = new_case(organisation, people["porteur"], "Comparateur de consommation d'eau",
                   "Direction du cycle de l'eau")
    aides = new_case(organisation, people["porteur"], "Tri des demandes d'aide",
                     "Direction des solidarités", state="information_syndicale")
    voisin = new_case(other_organisation, people["porteur_voisin"], "Chatbot de la mairie",
                      "Accueil")
    draft = new_case(organisation, people["porteur"], "Projet en brouillon", "Direction X")
    withdrawn = new_case(organisation, people["porteur"], "Notice retirée", "Direction Y")
    refused = new_case(organisation, people["porteur"], "Reconnaissance faciale",
                       "Police municipale")
    publications = {
        "eau": publish(eau, dpo),
        "aides": publish(aides, dpo, founds_individual_decisions=True, legal_level="eleve",
                         legal_level_label="élevé", year=2024),
        "voisin": publish(voisin, people["dpo_voisin"]),
    }
    Notice.objects.create(case=draft, title=draft.title)
    publish(withdrawn, dpo)
    NoticePublication.objects.filter(notice__case=withdrawn).update(withdrawn_at=timezone.now())
    publish(refused, dpo)
    Case.objects.filter(pk=refused.pk).update(state="refuse")
    return {"cases": {"eau": eau, "aides": aides, "voisin": voisin, "draft": draft,
                      "withdrawn": withdrawn, "refused": refused},
            "publications": publications}


def notice_url(case: Case) -> str:
    return f"/registre/{case.organisation.slug}/{case.reference}/"


def text_of(response: Any) -> str:
    """The body, HTML entities decoded (« l'eau » rather than « l'eau »)."""
    return html.unescape(response.content.decode("utf-8"))


PUBLIC_DATA = [opendata.CSV_NAME, opendata.JSON_NAME, opendata.SCHEMA_NAME,
               opendata.DATAPACKAGE_NAME]


# --- The pages -------------------------------------------------------------------------------


def test_the_register_lists_the_notices_in_force_only(register: dict[str, Any],
                                                      organisation: Any) -> None:
    cases = register["cases"]
    client = Client()
    page = text_of(client.get("/registre/"))
    for shown in ("eau", "aides", "voisin"):
        assert cases[shown].title in page
        assert client.get(notice_url(cases[shown])).status_code == 200
    own = text_of(client.get(f"/registre/{organisation.slug}/"))
    assert cases["eau"].title in own and cases["aides"].title in own
    assert cases["voisin"].title not in own
    for hidden in ("draft", "withdrawn", "refused"):
        assert cases[hidden].title not in page and cases[hidden].title not in own
        response = client.get(notice_url(cases[hidden]))
        assert response.status_code == 404
        assert "Page introuvable" in text_of(response)
        assert not response.cookies
    assert client.get("/registre/organisation-inconnue/").status_code == 404


def test_unpublished_and_refused_cases_are_not_in_the_open_data(
        register: dict[str, Any], organisation: Any) -> None:
    cases = register["cases"]
    client = Client()
    for base in ("/registre/donnees/", f"/registre/{organisation.slug}/donnees/"):
        for name in (opendata.CSV_NAME, opendata.JSON_NAME):
            body = text_of(client.get(base + name))
            assert cases["eau"].title in body
            for hidden in ("draft", "withdrawn", "refused"):
                assert cases[hidden].title not in body
    rows = json.loads(text_of(client.get(f"/registre/{organisation.slug}/donnees/registre.json")))
    assert {row["reference"] for row in rows} == {cases["eau"].reference,
                                                  cases["aides"].reference}
    instance = json.loads(text_of(client.get("/registre/donnees/registre.json")))
    assert len(instance) == 3


def test_the_notice_shows_tier_one_then_tier_two_folded(register: dict[str, Any]) -> None:
    case = register["cases"]["aides"]
    page = text_of(Client().get(notice_url(case)))
    assert page.index("L'essentiel") < page.index("La notice détaillée")
    assert "<details>" in page and "<summary>" in page
    assert "Cet outil fonde des décisions individuelles." in page
    for text in ("L'outil trie les demandes reçues.", "Accueil, 1 place de la Mairie.",
                 "Délibération n° 2025-142", "Paul Rivière (Numérique)", "élevé",
                 "10,5 kg d'équivalent CO2 par an", "20 novembre 2025"):
        assert text in page, text
    assert page.count("<h1") == 1


@pytest.mark.parametrize(("query", "shown", "hidden"), [
    ("direction=Direction+des+solidarit%C3%A9s", {"aides"}, {"eau", "voisin"}),
    ("etat=en_service", {"eau", "voisin"}, {"aides"}),
    ("niveau=eleve", {"aides"}, {"eau", "voisin"}),
    ("annee=2024", {"aides"}, {"eau", "voisin"}),
    ("decisions=oui", {"aides"}, {"eau", "voisin"}),
    ("decisions=non", {"eau", "voisin"}, {"aides"}),
    ("decisions=non&etat=en_service&direction=Accueil", {"voisin"}, {"eau", "aides"}),
])
def test_filters(register: dict[str, Any], query: str, shown: set[str],
                 hidden: set[str]) -> None:
    response = Client().get(f"/registre/?{query}")
    assert response.status_code == 200
    page = text_of(response)
    for key in shown:
        assert register["cases"][key].title in page, key
    for key in hidden:
        assert register["cases"][key].title not in page, key
    assert not response.cookies


def test_an_unknown_filter_value_is_ignored_with_a_message(register: dict[str, Any]) -> None:
    page = text_of(Client().get("/registre/?etat=inconnu&decisions=oui"))
    assert "Un filtre demandé n'existe pas" in page
    assert register["cases"]["aides"].title in page  # the valid filter still applies
    assert register["cases"]["eau"].title not in page


def _public_urls(register: dict[str, Any], organisation: Any) -> list[str]:
    urls = ["/registre/", f"/registre/{organisation.slug}/", "/registre/?decisions=oui",
            f"/registre/{organisation.slug}/?etat=en_service"]
    urls += [notice_url(case) for key, case in register["cases"].items()
             if key in ("eau", "aides", "voisin")]
    urls += [f"/registre/donnees/{name}" for name in PUBLIC_DATA]
    urls += [f"/registre/{organisation.slug}/donnees/{name}" for name in PUBLIC_DATA]
    urls.append(notice_url(register["cases"]["draft"]))  # a 404
    urls += ["/registre/a/b/c/", f"/registre/{organisation.slug}/donnees/inconnu.csv"]  # 404s
    return urls


def test_no_cookie_no_script_nothing_from_another_host(register: dict[str, Any],
                                                      organisation: Any) -> None:
    client = Client()
    for url in _public_urls(register, organisation):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert "Set-Cookie" not in response.headers, url
        assert not response.cookies, url
        assert "csrftoken" not in text_of(response) and "csrfmiddlewaretoken" not in text_of(
            response), url
        if response["Content-Type"].startswith("text/html"):
            page = text_of(response)
            assert "<script" not in page, url
            assert " style=" not in page, url
            # Every resource the page loads is this site's own.
            assert not re.search(r'<(?:link|img|script|iframe)[^>]+(?:src|href)="(?:https?:)?//',
                                 page), url
            assert "default-src 'self'" in response["Content-Security-Policy"]


def test_a_signed_in_person_sees_the_same_public_page(register: dict[str, Any],
                                                      people: dict[str, Any]) -> None:
    client = Client()
    client.force_login(people["dpo"])
    page = text_of(client.get("/registre/"))
    assert "Se déconnecter" not in page and "Mon compte" not in page
    assert register["cases"]["eau"].title in page


def test_the_login_page_and_the_menu_link_to_the_register(people: dict[str, Any]) -> None:
    assert 'href="/registre/"' in text_of(Client().get("/comptes/connexion/"))
    client = Client()
    client.force_login(people["porteur"])
    home = text_of(client.get("/"))
    assert 'href="/registre/"' in home and 'href="/registre-moderation/"' not in home
    client.force_login(people["dpo"])  # a publisher: the moderation queue is in the menu
    assert 'href="/registre-moderation/"' in text_of(client.get("/"))


# --- Open data -------------------------------------------------------------------------------


def test_the_served_open_data_validates_and_csv_and_json_agree(
        register: dict[str, Any], organisation: Any, tmp_path: Path) -> None:
    client = Client()
    for base, count in (("/registre/donnees/", 3), (f"/registre/{organisation.slug}/donnees/", 2)):
        folder = tmp_path / str(count)
        folder.mkdir()
        for name in PUBLIC_DATA:
            response = client.get(base + name)
            assert response.status_code == 200
            assert response["Access-Control-Allow-Origin"] == "*"
            (folder / name).write_bytes(response.content)
        assert client.get(base + opendata.CSV_NAME)["Content-Type"] == "text/csv; charset=utf-8"
        report = frictionless.validate(str(folder / opendata.DATAPACKAGE_NAME))
        assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
        schema = frictionless.Schema.from_descriptor(
            json.loads((folder / opendata.SCHEMA_NAME).read_text(encoding="utf-8")))
        from_csv = [dict(r) for r in frictionless.Resource(
            str(folder / opendata.CSV_NAME), schema=schema).read_rows()]
        data = json.loads((folder / opendata.JSON_NAME).read_text(encoding="utf-8"))
        names = list(opendata.FIELD_NAMES)
        from_json = [dict(r) for r in frictionless.Resource(
            data=[names, *([item[n] for n in names] for item in data)],
            schema=schema).read_rows()]
        assert len(from_csv) == len(from_json) == count
        assert from_csv == from_json
        urls = {row["url_notice"] for row in from_csv}
        assert f"http://testserver{notice_url(register['cases']['eau'])}" in urls
    assert client.get("/registre/donnees/autre.csv").status_code == 404


def test_the_register_reads_only_the_frozen_content(register: dict[str, Any]) -> None:
    """Changing the case after publication changes nothing public until it is republished."""
    case = register["cases"]["eau"]
    Case.objects.filter(pk=case.pk).update(title="Titre interne modifié", service="Interne")
    client = Client()
    assert "Titre interne modifié" not in text_of(client.get(notice_url(case)))
    assert "Titre interne modifié" not in text_of(client.get("/registre/donnees/registre.csv"))
    assert "Comparateur de consommation d'eau" in text_of(client.get(notice_url(case)))


# --- Messages from the public ----------------------------------------------------------------


def _send(client: Client, case: Case, text: str = "Quelles données utilisez-vous ?",
          ip: str = "203.0.113.7", **extra: str) -> Any:
    page = text_of(client.get(notice_url(case)))
    token = re.search(r'name="token" value="([^"]+)"', page)
    assert token
    data = {"token": token.group(1), "kind": "question", "text": text, "email": "",
            "site_web": ""}
    data.update(extra)
    return client.post(notice_url(case), data, REMOTE_ADDR=ip)


def test_a_question_is_hidden_until_answered_then_shown_without_the_address(
        register: dict[str, Any], people: dict[str, Any]) -> None:
    case = register["cases"]["eau"]
    public = Client(enforce_csrf_checks=True)
    response = _send(public, case, "Combien de foyers sont comparés chaque mois ?",
                     email="habitant@example.org")
    assert response.status_code == 303 and response["Location"].endswith("?envoye=1#message-envoye")
    assert not response.cookies
    assert "votre message a été transmis" in text_of(public.get(response["Location"]))
    question = PublicQuestion.objects.get()
    assert question.status == rules.PENDING and question.email == "habitant@example.org"
    assert question.sender_hash and "203.0.113.7" not in question.sender_hash
    assert "Combien de foyers" not in text_of(public.get(notice_url(case)))

    moderator = Client()
    moderator.force_login(people["dpo"])
    queue = text_of(moderator.get("/registre-moderation/"))
    assert "Combien de foyers" in queue
    response = moderator.post(f"/registre-moderation/{question.pk}/repondre/",
                              {"answer": "Environ 60 000 foyers chaque trimestre."})
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.status == rules.ANSWERED and question.answered_by == people["dpo"]
    page = text_of(public.get(notice_url(case)))
    assert "Combien de foyers" in page and "Environ 60 000 foyers" in page
    assert "habitant@example.org" not in page
    event = AuditEvent.objects.filter(case=case).order_by("-sequence").first()
    assert event is not None and event.action == "public_question_answered"
    assert event.actor == people["dpo"]
    journal = " ".join(text_of(moderator.get(f"/cas/{case.pk}/journal/")).split())
    assert f"a répondu au message du public n° {question.pk}" in journal
    # Answered once: a second answer is refused, nothing changes.
    moderator.post(f"/registre-moderation/{question.pk}/repondre/", {"answer": "Autre."})
    question.refresh_from_db()
    assert question.answer == "Environ 60 000 foyers chaque trimestre."


def test_a_rejected_message_is_never_shown(register: dict[str, Any],
                                           people: dict[str, Any]) -> None:
    case = register["cases"]["eau"]
    _send(Client(), case, "Message hors sujet et insultant.")
    question = PublicQuestion.objects.get()
    admin = Client()
    admin.force_login(people["admin"])
    assert admin.post(f"/registre-moderation/{question.pk}/rejeter/",
                      {"reason": ""}).status_code == 400  # a reason is required
    question.refresh_from_db()
    assert question.status == rules.PENDING
    admin.post(f"/registre-moderation/{question.pk}/rejeter/", {"reason": "Injurieux."})
    question.refresh_from_db()
    assert question.status == rules.REJECTED
    page = text_of(Client().get(notice_url(case)))
    assert "hors sujet" not in page and "Injurieux" not in page
    assert AuditEvent.objects.filter(case=case, action="public_question_rejected").exists()


def test_messages_are_rate_limited_per_sender_in_the_database(register: dict[str, Any]) -> None:
    case = register["cases"]["eau"]
    client = Client()
    for n in range(rules.MAX_PER_SENDER):
        assert _send(client, case, f"Question numéro {n} sur l'outil.").status_code == 303
    refused = _send(client, case, "Une question de trop sur l'outil.")
    assert refused.status_code == 429
    assert rules.TOO_MANY_FROM_SENDER in text_of(refused)
    assert PublicQuestion.objects.count() == rules.MAX_PER_SENDER
    # Another sender may still write; an hour later the first one may again.
    assert _send(client, case, "Une autre personne demande.", ip="198.51.100.4"
                 ).status_code == 303
    PublicQuestion.objects.update(created_at=timezone.now() - dt.timedelta(hours=2))
    assert _send(client, case, "Une nouvelle question plus tard.").status_code == 303


def test_messages_are_rate_limited_per_notice(register: dict[str, Any]) -> None:
    case = register["cases"]["eau"]
    publication = register["publications"]["eau"]
    PublicQuestion.objects.bulk_create(
        PublicQuestion(case=case, publication=publication, text="Question répétée ici.",
                       sender_hash=f"h{n}") for n in range(rules.MAX_PER_NOTICE))
    refused = _send(Client(), case, "Encore une question sur l'outil.")
    assert refused.status_code == 429 and rules.TOO_MANY_ON_NOTICE in text_of(refused)
    # The other notices are not limited by this one.
    assert _send(Client(), register["cases"]["aides"], "Question sur les aides.",
                 ip="192.0.2.9").status_code == 303


def test_the_form_needs_its_signed_token_and_a_robot_filling_the_trap_stores_nothing(
        register: dict[str, Any]) -> None:
    case = register["cases"]["eau"]
    other = register["publications"]["aides"]
    client = Client()
    data = {"kind": "question", "text": "Question sans jeton valide.", "site_web": ""}
    for token in ("", "falsifié", question_token(other.pk)):
        response = client.post(notice_url(case), {**data, "token": token})
        assert response.status_code == 400
        assert rules.FORM_EXPIRED in text_of(response)
    token = question_token(register["publications"]["eau"].pk)
    with pytest.MonkeyPatch.context() as patch:  # the form was displayed too long ago
        patch.setattr(rules, "FORM_MAX_AGE_SECONDS", -1)
        assert client.post(notice_url(case), {**data, "token": token}).status_code == 400
    trapped = _send(client, case, "Achetez nos produits !", site_web="http://spam.example")
    assert trapped.status_code == 303
    assert PublicQuestion.objects.count() == 0


def test_french_errors_next_to_the_fields(register: dict[str, Any]) -> None:
    case = register["cases"]["eau"]
    response = _send(Client(), case, "court", email="pas-une-adresse")
    assert response.status_code == 400
    page = text_of(response)
    assert "Votre message est trop court" in page
    assert "Cette adresse électronique n'est pas valide" in page
    assert 'aria-invalid="true"' in page and "q-text-error" in page
    assert PublicQuestion.objects.count() == 0


# --- Moderation: who may answer ---------------------------------------------------------------


def test_only_the_organisations_publishers_and_admin_moderate(
        register: dict[str, Any], people: dict[str, Any]) -> None:
    case = register["cases"]["eau"]
    _send(Client(), case, "Question à modérer ici.")
    question = PublicQuestion.objects.get()
    neighbour = Client()
    neighbour.force_login(people["dpo_voisin"])  # a publisher, of another organisation
    assert neighbour.post(f"/registre-moderation/{question.pk}/repondre/",
                          {"answer": "Non."}).status_code == 404
    assert neighbour.post(f"/registre-moderation/{question.pk}/rejeter/",
                          {"reason": "Non."}).status_code == 404
    assert "Question à modérer" not in text_of(neighbour.get("/registre-moderation/"))
    lead = Client()
    lead.force_login(people["porteur"])  # same organisation, without the publishing right
    assert lead.get("/registre-moderation/").status_code == 403
    assert lead.post(f"/registre-moderation/{question.pk}/repondre/",
                     {"answer": "Non."}).status_code == 403
    question.refresh_from_db()
    assert question.status == rules.PENDING and question.answer == ""
    assert Client().get("/registre-moderation/").status_code == 302  # sign in first
    # The organisation's setting decides: the digital pilot once named a publisher.
    organisation = case.organisation
    organisation.publishers = "referent:juridique,referent:numerique"
    organisation.save(update_fields=["publishers"])
    pilot = Client()
    pilot.force_login(people["pilote"])
    assert pilot.post(f"/registre-moderation/{question.pk}/repondre/",
                      {"answer": "Oui."}).status_code == 302


def test_the_service_refuses_a_moderator_of_another_organisation(
        register: dict[str, Any], people: dict[str, Any]) -> None:
    case = register["cases"]["eau"]
    question = services.question_submit(case=case, publication=register["publications"]["eau"],
                                        kind=rules.ERROR, text="Le service indiqué a changé.",
                                        sender="192.0.2.1")
    from boussole.core.errors import Forbidden

    with pytest.raises(Forbidden):
        services.question_answer(case=case, question=question, user=people["dpo_voisin"],
                                 answer="Non.")
    question.refresh_from_db()
    assert question.status == rules.PENDING


def test_answered_questions_stay_with_the_notice_when_it_is_republished(
        register: dict[str, Any], people: dict[str, Any]) -> None:
    case = register["cases"]["eau"]
    question = services.question_submit(case=case, publication=register["publications"]["eau"],
                                        kind=rules.QUESTION, text="Le modèle est-il réentraîné ?",
                                        sender="192.0.2.1")
    services.question_answer(case=case, question=question, user=people["dpo"],
                             answer="Une fois par an.")
    publish(case, people["dpo"], title="Comparateur d'eau, version 2")
    page = text_of(Client().get(notice_url(case)))
    assert "Comparateur d'eau, version 2" in page and "Une fois par an." in page
    csv_text = text_of(Client().get("/registre/donnees/registre.csv"))
    assert "Comparateur d'eau, version 2" in csv_text
    assert "Comparateur de consommation d'eau" not in csv_text


def test_the_register_pages_take_a_bounded_number_of_queries(
        register: dict[str, Any], people: dict[str, Any], organisation: Any,
        django_assert_max_num_queries: Any) -> None:
    for n in range(8):  # more notices do not mean more queries
        publish(new_case(organisation, people["porteur"], f"Outil numéro {n}", "Direction Z"),
                people["dpo"])
    client = Client()
    for url in ("/registre/", f"/registre/{organisation.slug}/?etat=en_service",
                "/registre/donnees/registre.csv", notice_url(register["cases"]["eau"])):
        with django_assert_max_num_queries(4):
            assert client.get(url).status_code == 200


def test_the_register_demo_adds_nothing_without_a_published_notice(
        organisation: Any, people: dict[str, Any]) -> None:
    register_demo.create(organisation, {"juriste": people["dpo"]})
    assert not PublicQuestion.objects.exists()


def test_the_register_demo_answers_one_question_and_leaves_one_pending(
        register: dict[str, Any], people: dict[str, Any]) -> None:
    register_demo.create(people["dpo"].organisation, {"juriste": people["dpo"]})
    questions = list(PublicQuestion.objects.filter(text__in=[register_demo.QUESTION,
                                                             register_demo.ERROR_REPORT]))
    assert sorted(q.status for q in questions) == sorted([rules.ANSWERED, rules.PENDING])
    answered = next(q for q in questions if q.status == rules.ANSWERED)
    assert answered.answer == register_demo.ANSWER
    assert answered.case.organisation == people["dpo"].organisation
