"""The public notice through the web layer: the editor's access, the prefill, saving, the
plain-language advice (server-rendered and as an htmx fragment), publishing by the
organisation's publishers only, a refused case never published, withdrawal with history, the
frozen content free of private data, and the demo's notices."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from boussole.core.errors import Conflict, Forbidden
from boussole.web import demo
from boussole.web.accounts.models import Organisation, User
from boussole.web.cases import services as case_services
from boussole.web.cases.models import AuditEvent, Case
from boussole.web.transparency import selectors, services
from boussole.web.transparency.models import Notice, NoticePublication

pytestmark = pytest.mark.django_db

TEXTS: dict[str, Any] = {
    "title": "Tri des courriels", "summary": "L'outil range les courriels reçus par thème.",
    "purpose": "Répondre plus vite aux habitants.", "data": "Le texte des courriels reçus.",
    "responsible_service": "Direction de la relation aux usagers",
    "contact": "accueil@ville.example", "contest": "Écrivez au service : une personne répond.",
}


@pytest.fixture
def people(organisation: Organisation, make_user: Any) -> dict[str, User]:
    return {
        "porteur": make_user("porteur", organisation, "porteur", first_name="Camille",
                             last_name="Morin"),
        "dpo": make_user("dpo", organisation, "referent", domain="juridique",
                         first_name="Yann", last_name="Le Goff"),
        "rssi": make_user("rssi", organisation, "referent", domain="cybersecurite"),
        "elu": make_user("elu", organisation, "elu"),
        "syndicat": make_user("syndicat", organisation, "representant_personnel"),
        "prestataire": make_user("prestataire", organisation, "prestataire"),
        "admin": make_user("admin", organisation, "admin"),
    }


@pytest.fixture
def case(people: dict[str, User], organisation: Organisation) -> Case:
    case = case_services.case_create(
        organisation=organisation, user=people["porteur"], title="Tri automatique des courriels",
        service="Direction de la relation aux usagers", purpose="Orienter les courriels.",
        lead=people["porteur"])
    case.vendor_account = people["prestataire"]
    case.save(update_fields=["vendor_account"])
    return case


def posted(**values: Any) -> dict[str, Any]:
    """The editor's form data (the notice's ``data`` is the form field ``used_data``)."""
    data = {**TEXTS, **values}
    data["used_data"] = data.pop("data")
    return data


def written(case: Case, people: dict[str, User], **values: Any) -> Notice:
    return services.notice_save(case=case, user=people["porteur"], values={**TEXTS, **values})


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


# --- access --------------------------------------------------------------------------------

@pytest.mark.parametrize(("who", "status", "editor", "publisher"), [
    ("porteur", 200, True, False),
    ("rssi", 200, True, False),
    ("dpo", 200, True, True),
    ("admin", 200, True, False),
    ("elu", 200, False, False),  # reads the notice
    ("syndicat", 404, False, False),  # the file is not presented to the unions yet
    ("prestataire", 403, False, False),  # the vendor sees only its questionnaire
    ("outsider", 404, False, False),  # another organisation's case does not exist
])
def test_access_matrix_of_the_editor(people: dict[str, User], case: Case, who: str,
                                     status: int, editor: bool, publisher: bool,
                                     other_organisation: Organisation, make_user: Any) -> None:
    written(case, people)
    user = (make_user("outsider", other_organisation, "admin") if who == "outsider"
            else people[who])
    client = client_for(user)
    url = reverse("transparency:notice", args=[case.pk])
    response = client.get(url)
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert ('name="title"' in html) is editor
        assert (reverse("transparency:publish", args=[case.pk]) in html) is publisher
        assert "Aperçu de la notice publique" in html
    saved = client.post(url, posted(title="Changé", revision="1"))
    assert saved.status_code == (302 if editor else (403 if status == 200 else status))
    assert Notice.objects.get(case=case).title == ("Changé" if editor else TEXTS["title"])
    published = client.post(reverse("transparency:publish", args=[case.pk]))
    assert published.status_code == (302 if publisher else (403 if status == 200 else status))
    assert NoticePublication.objects.filter(notice__case=case).exists() is publisher


def test_anonymous_people_are_sent_to_the_login(case: Case) -> None:
    response = Client().get(reverse("transparency:notice", args=[case.pk]))
    assert response.status_code == 302 and "/comptes/" in response["Location"]


def test_the_case_page_links_to_the_notice(people: dict[str, User], case: Case) -> None:
    html = client_for(people["porteur"]).get(reverse("cases:detail", args=[case.pk]))
    assert reverse("transparency:notice", args=[case.pk]) in html.content.decode()


# --- prefill, saving, advice ---------------------------------------------------------------

def test_the_form_is_prefilled_from_the_case_and_nothing_is_saved(people: dict[str, User],
                                                                 case: Case) -> None:
    html = client_for(people["porteur"]).get(
        reverse("transparency:notice", args=[case.pk])).content.decode()
    assert "Tri automatique des courriels" in html  # the title, from the case
    assert "Direction de la relation aux usagers" in html
    assert not Notice.objects.filter(case=case).exists()


def test_saving_is_audited_and_checks_revision_and_limits(people: dict[str, User],
                                                          case: Case) -> None:
    client = client_for(people["porteur"])
    url = reverse("transparency:notice", args=[case.pk])
    assert client.post(url, posted(revision="0")).status_code == 302
    notice = Notice.objects.get(case=case)
    assert (notice.state, notice.revision, notice.summary) == ("draft", 1, TEXTS["summary"])
    assert notice.data == TEXTS["data"]
    event = AuditEvent.objects.filter(case=case, action="notice_saved").get()
    assert event.actor == people["porteur"] and event.after["title"] == TEXTS["title"]
    too_long = client.post(url, posted(title="x" * 201, revision="1"))
    assert too_long.status_code == 400 and "Rien n'a été enregistré" in too_long.content.decode()
    assert client.post(url, posted(summary="Autre", revision="1")).status_code == 302
    stale = client.post(url, posted(summary="Écrasé ?", revision="1"))
    assert stale.status_code == 409
    notice.refresh_from_db()
    assert (notice.revision, notice.summary) == (2, "Autre")
    with pytest.raises(Conflict):
        services.notice_save(case=case, user=people["porteur"], values=TEXTS, revision=1)


def test_advice_is_rendered_with_the_page_and_as_a_fragment(people: dict[str, User],
                                                            case: Case) -> None:
    written(case, people, summary="Le RGPD s'applique à ce traitement.")
    client = client_for(people["porteur"])
    html = client.get(reverse("transparency:notice", args=[case.pk])).content.decode()
    assert 'id="conseils-summary"' in html and "Kandel–Moles" in html
    assert "règles européennes sur les données personnelles" in html  # RGPD's replacement
    assert 'hx-trigger="keyup changed delay:500ms"' in html
    url = reverse("transparency:advice", args=[case.pk])
    fragment = client.post(url, {"field": "data", "used_data": "Un LLM lit vos courriels."})
    body = fragment.content.decode()
    assert fragment.status_code == 200 and body.startswith('<div id="conseils-data"')
    assert "LLM" in body and "modèle de langage" in body
    assert client.post(url, {"field": "title", "title": "x"}).status_code == 400
    assert client_for(people["prestataire"]).post(url, {"field": "summary"}).status_code == 403
    assert Notice.objects.get(case=case).revision == 1  # advice writes nothing


# --- publishing ----------------------------------------------------------------------------

def test_publishing_requires_the_right_set_by_the_organisation(people: dict[str, User],
                                                               case: Case) -> None:
    written(case, people)
    with pytest.raises(Forbidden, match="droit de publier"):
        services.notice_publish(case=case, user=people["porteur"])
    with pytest.raises(Forbidden):
        services.notice_publish(case=case, user=people["admin"])
    publication = services.notice_publish(case=case, user=people["dpo"])
    assert (publication.version, publication.published_by) == (1, people["dpo"])
    assert Notice.objects.get(case=case).state == "published"
    event = AuditEvent.objects.get(case=case, action="notice_published")
    assert event.actor == people["dpo"] and event.after == {"version": 1}
    # The organisation gives the right to its administrators instead of the DPO.
    case.organisation.publishers = "admin"
    case.organisation.save()
    case.refresh_from_db()
    with pytest.raises(Forbidden):
        services.notice_publish(case=case, user=people["dpo"])
    with pytest.raises(Forbidden):
        services.notice_unpublish(case=case, user=people["dpo"], reason="Test")
    again = services.notice_publish(case=case, user=people["admin"])
    assert again.version == 2
    # Through the page: refused with a French 403 for the porteur.
    refused = client_for(people["porteur"]).post(reverse("transparency:publish", args=[case.pk]))
    assert refused.status_code == 403
    assert NoticePublication.objects.filter(notice__case=case).count() == 2


def test_an_incomplete_notice_is_not_published(people: dict[str, User], case: Case) -> None:
    written(case, people, contact="", founds_individual_decisions=True)
    response = client_for(people["dpo"]).post(reverse("transparency:publish", args=[case.pk]))
    html = response.content.decode()
    assert response.status_code == 400 and "joindre une personne" in html and "L312-1-3" in html
    assert not NoticePublication.objects.exists()


def test_a_refused_case_cannot_be_published_and_leaves_the_register(people: dict[str, User],
                                                                    case: Case) -> None:
    written(case, people)
    services.notice_publish(case=case, user=people["dpo"])
    assert selectors.current_publication(case.organisation.slug, case.reference) is not None
    Case.objects.filter(pk=case.pk).update(state="refuse")
    case.refresh_from_db()
    assert selectors.current_publication(case.organisation.slug, case.reference) is None
    assert not selectors.current_publications(case.organisation).exists()
    with pytest.raises(services.NoticeRefused, match="refusé ou abandonné"):
        services.notice_publish(case=case, user=people["dpo"])
    response = client_for(people["dpo"]).post(reverse("transparency:publish", args=[case.pk]))
    assert response.status_code == 400 and "refusé ou abandonné" in response.content.decode()
    assert NoticePublication.objects.filter(notice__case=case).count() == 1


def test_unpublishing_asks_a_reason_and_keeps_the_history(people: dict[str, User],
                                                          case: Case) -> None:
    written(case, people)
    first = services.notice_publish(case=case, user=people["dpo"])
    client = client_for(people["dpo"])
    url = reverse("transparency:unpublish", args=[case.pk])
    empty = client.post(url, {"reason": "  "})
    assert empty.status_code == 400
    assert selectors.current_publication(case.organisation.slug, case.reference) == first
    assert client.post(url, {"reason": "Outil arrêté pendant l'été."}).status_code == 302
    first.refresh_from_db()
    assert first.withdrawn_by == people["dpo"] and first.withdrawn_at is not None
    assert first.withdrawal_reason == "Outil arrêté pendant l'été."
    assert Notice.objects.get(case=case).state == "unpublished"
    assert selectors.current_publication(case.organisation.slug, case.reference) is None
    assert AuditEvent.objects.get(case=case, action="notice_unpublished").after == {
        "version": 1, "reason": "Outil arrêté pendant l'été."}
    # Republishing makes version 2; version 1 stays in the history, shown on the page.
    second = services.notice_publish(case=case, user=people["dpo"])
    assert second.version == 2
    assert list(selectors.current_publications(case.organisation)) == [second]
    html = client.get(reverse("transparency:notice", args=[case.pk])).content.decode()
    assert "Historique des publications" in html and "Outil arrêté pendant l&#x27;été." in html
    # A new publication withdraws the one in force with a reason naming its successor.
    third = services.notice_publish(case=case, user=people["dpo"])
    second.refresh_from_db()
    assert second.withdrawal_reason == "Remplacée par la version 3." and third.version == 3
    assert [p.version for p in selectors.publication_history(third.notice)] == [3, 2, 1]


def test_a_publication_is_immutable(people: dict[str, User], case: Case) -> None:
    written(case, people)
    publication = services.notice_publish(case=case, user=people["dpo"])
    publication.content = {**publication.content, "title": "Autre"}
    with pytest.raises(ValueError, match="immuable"):
        publication.save()
    with pytest.raises(ValueError, match="immuable"):
        publication.save(update_fields=["content"])
    publication.refresh_from_db()
    assert publication.content["title"] == TEXTS["title"]


def test_changes_after_publication_are_flagged_until_republished(people: dict[str, User],
                                                                 case: Case) -> None:
    written(case, people)
    services.notice_publish(case=case, user=people["dpo"])
    client = client_for(people["dpo"])
    url = reverse("transparency:notice", args=[case.pk])
    assert "ont changé depuis la publication" not in client.get(url).content.decode()
    written(case, people, summary="Nouveau résumé.")
    assert "ont changé depuis la publication" in client.get(url).content.decode()
    current = selectors.current_publication(case.organisation.slug, case.reference)
    assert current is not None and current.content["summary"] == TEXTS["summary"]  # frozen


# --- the demo, and nothing private in the content -----------------------------------------

def test_demo_notices_and_no_private_data_in_any_publication() -> None:
    demo.create_demo()
    organisation = Organisation.objects.get(slug=demo.DEMO_SLUG)
    published = list(selectors.current_publications(organisation))
    assert len(published) == 2
    assert [p.content["founds_individual_decisions"] for p in published].count(True) == 1
    dpo = User.objects.get(organisation=organisation, username="juriste")
    assert {p.published_by for p in published} == {dpo}
    drafts = Notice.objects.filter(case__organisation=organisation, state="draft")
    assert drafts.count() == 1 and not drafts.get().publications.exists()
    refused = Case.objects.get(organisation=organisation, state="refuse")
    services.notice_save(case=refused, user=User.objects.get(username="numerique",
                                                             organisation=organisation),
                         values=TEXTS)
    with pytest.raises(services.NoticeRefused):
        services.notice_publish(case=refused, user=dpo)
    text = json.dumps([p.content for p in published], ensure_ascii=False)
    officials = {"Paul Rivière", "Aïcha Diallo", "Jeanne Roux"}
    agents = {f"{first} {last}" for _login, first, last, role, *_rest in demo.PEOPLE
              if role != "elu"}
    for name in agents:
        assert name not in text, name
    assert {o["name"] for p in published for o in p.content["decision"]["officials"]} <= officials
    private = ["Tenir l'AIPD à jour", "Mesurer la consommation réelle des serveurs",
               "Synthèse de l'instruction collective", "Quel suivi des conditions de travail",
               "Floutage irréversible à bord du véhicule, contrôlé par échantillon",
               "Mesures du plan d'action juridique", "boussole-demo"]
    for excerpt in private:
        assert excerpt not in text, excerpt
    for publication in published:
        assert publication.content["organisation"]["slug"] == demo.DEMO_SLUG
        assert publication.content["version"] == 1
