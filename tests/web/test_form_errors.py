"""Forms that keep what was typed: a refused form comes back with every value and choice kept,
the message next to its field (aria-describedby) and in a summary at the top of the form
(role="alert", focused, with a link to the field). Contradictory choices ("Aucune" with
"Usagers") are refused alike by every entry point, nothing stored."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from boussole.core.errors import InvalidDocument, Refusal
from boussole.core.limits import LIMITS
from boussole.web import demo
from boussole.web.accounts.models import Organisation, User
from boussole.web.cases import services
from boussole.web.cases.exchange import case_export, case_import
from boussole.web.cases.models import Answer, AuditEvent, Case, Comment

pytestmark = pytest.mark.django_db

CONTRADICTORY = ["usagers", "aucune"]
REFUSED = "« Aucune » ne peut pas être combiné avec d'autres options (« Usagers »)"


@pytest.fixture
def people() -> dict[str, User]:
    demo.create_demo()
    return {u.username: u for u in User.objects.filter(organisation__slug=demo.DEMO_SLUG)}


def chatbot() -> Case:
    return Case.objects.get(title=demo.CHATBOT.title)


def state() -> tuple[Any, ...]:
    return (sorted(Answer.objects.values_list("case_id", "item_id", "value", "revision")),
            Case.objects.count(), AuditEvent.objects.count())


def text(response: Any) -> str:
    page: str = response.content.decode()
    return page.replace("&#x27;", "'").replace("&quot;", '"')


def tag(page: str, element_id: str) -> str:
    """The opening tag of the element with this id."""
    found = re.search(rf'<[a-z]+ [^>]*id="{re.escape(element_id)}"[^>]*>', page)
    assert found, f"no element #{element_id}"
    return found.group(0)


def summary(page: str, summary_id: str) -> str:
    found = re.search(rf'<div id="{summary_id}" role="alert" class="error-summary"[^>]*>'
                      r"(.*?)</div>", page, re.S)
    assert found, f"no error summary #{summary_id}"
    assert "autofocus" in found.group(0) and 'tabindex="-1"' in found.group(0)
    return found.group(1)


def revision(case: Case, item_id: str) -> str:
    current = Answer.objects.filter(case=case, item_id=item_id).first()
    return str(current.revision if current else 0)


# --- "Aucune" with another option: refused by every entry point ---------------------------

@pytest.mark.parametrize("entry", ["web", "htmx", "service", "import"])
def test_aucune_with_another_option_is_refused_everywhere(people: dict[str, User], client: Any,
                                                           entry: str) -> None:
    case = chatbot()
    before = state()
    if entry in ("web", "htmx"):
        client.force_login(people["juriste"])
        headers = {"HTTP_HX_REQUEST": "true"} if entry == "htmx" else {}
        response = client.post(f"/cas/{case.pk}/reponse/personnes/", {
            "value": CONTRADICTORY, "revision": revision(case, "personnes")}, **headers)
        assert response.status_code == (200 if entry == "htmx" else 400)
        assert REFUSED in text(response)
    elif entry == "service":
        with pytest.raises(Refusal, match=re.escape(REFUSED)):
            services.answer_record(case=case, user=people["juriste"], item_id="personnes",
                                   value=CONTRADICTORY,
                                   expected_revision=int(revision(case, "personnes")))
    else:
        document = json.loads(json.dumps(case_export(case)))
        template = next(a for a in document["answers"] if a["kind"] == "fact")
        document["answers"] = [a for a in document["answers"] if a["item_id"] != "personnes"
                               ] + [{**template, "item_id": "personnes", "value": CONTRADICTORY}]
        other = Organisation.objects.create(slug="voisine", name="Commune voisine")
        importer = User.objects.create_user("import", organisation=other, role="admin")
        before = state()
        with pytest.raises(InvalidDocument, match=re.escape(REFUSED)):
            case_import(document, organisation=other, user=importer)
    assert state() == before


# --- The answer forms (profile and criteria) ---------------------------------------------

@pytest.mark.parametrize("htmx", [False, True])
def test_a_refused_answer_keeps_every_choice_with_a_summary(people: dict[str, User],
                                                            client: Any, htmx: bool) -> None:
    case = chatbot()
    client.force_login(people["juriste"])
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.post(f"/cas/{case.pk}/reponse/personnes/", {
        "value": CONTRADICTORY, "justification": "Accueil du public",
        "revision": revision(case, "personnes")}, **headers)
    page = text(response)
    # The summary, at the top of the item's form (without htmx: of the profile step the item
    # belongs to, whose fields are named after their fact), links to the first choice.
    summary_id, name = ("erreurs-personnes", "value") if htmx else ("erreurs-etape-B",
                                                                   "personnes-value")
    listed = summary(page, summary_id)
    assert 'href="#v-personnes-0"' in listed and REFUSED in listed
    assert page.index(f'id="{summary_id}"') < page.index('id="v-personnes-0"')
    # The message next to the field, which names it.
    assert re.search(r'<p class="field-error" id="e-personnes">[^<]*' + re.escape(REFUSED), page)
    grid_options = re.findall(rf'<input type="checkbox" name="{name}" value="([a-z_]+)"'
                              r' id="v-personnes-\d+"( checked)?', page)
    assert {value for value, checked in grid_options if checked} == set(CONTRADICTORY)
    for value, _checked in grid_options:
        index = [v for v, _c in grid_options].index(value)
        assert 'aria-describedby="e-personnes"' in tag(page, f"v-personnes-{index}")
    assert "Accueil du public</textarea>" in page
    if not htmx:  # the whole profile page, with the page's other items
        assert response.status_code == 400 and 'id="q-biometrie"' in page


def test_je_ne_sais_pas_with_an_answer_comes_back_with_both(people: dict[str, User],
                                                           client: Any) -> None:
    case = chatbot()
    client.force_login(people["juriste"])
    response = client.post(f"/cas/{case.pk}/reponse/personnes/", {
        "value": ["usagers"], "nsp": "1", "revision": revision(case, "personnes")},
        HTTP_HX_REQUEST="true")
    page = text(response)
    assert "ne peut pas être combiné" in summary(page, "erreurs-personnes")
    assert re.search(r'value="usagers" id="v-personnes-\d+" checked', page)
    assert '<input type="checkbox" name="nsp" value="1" checked>' in page
    client.force_login(people["porteur"])
    response = client.post(f"/cas/{case.pk}/reponse/nombre_usagers/", {
        "value": "1 200", "nsp": "1", "revision": revision(case, "nombre_usagers")},
        HTTP_HX_REQUEST="true")
    page = text(response)
    assert 'href="#v-nombre_usagers"' in summary(page, "erreurs-nombre_usagers")
    assert 'value="1 200"' in tag(page, "v-nombre_usagers")
    assert '<input type="checkbox" name="nsp" value="1" checked>' in page


# --- The other forms of the site -------------------------------------------------------------

def test_case_creation_form_keeps_values_with_summary_and_field_messages(
        people: dict[str, User], client: Any) -> None:
    client.force_login(people["porteur"])
    response = client.post("/cas/nouveau/", {"title": "Tri des courriels", "service": "",
                                              "purpose": "Trier les courriels reçus."})
    assert response.status_code == 200
    page = text(response)
    listed = summary(page, "erreurs")
    assert 'href="#id_service"' in listed and 'href="#id_title"' not in listed
    field = tag(page, "id_service")
    assert 'aria-invalid="true"' in field and 'aria-describedby="id_service_error"' in field
    assert re.search(r'<p class="field-error" id="id_service_error">', page)
    assert 'value="Tri des courriels"' in tag(page, "id_title")
    assert "Trier les courriels reçus.</textarea>" in page


def test_legal_retain_form_keeps_values_with_summary_and_field_message(
        people: dict[str, User], client: Any) -> None:
    case = chatbot()
    client.force_login(people["juriste"])
    page = text(client.get(f"/cas/{case.pk}/juridique/"))
    proposed = re.search(r'<option value="([A-Z_]+)" selected>', page)
    assert proposed
    other = next(level for level in re.findall(r'<option value="([A-Z_]+)"', page)
                 if level != proposed.group(1))
    response = client.post(f"/cas/{case.pk}/juridique/", {
        "retained_level": other, "rationale": "", "measures": "Former les agents",
        "owner": "DSI", "review_date": "2027-01-15"})
    assert response.status_code == 400
    page = text(response)
    listed = summary(page, "retain-error")
    assert 'href="#rationale"' in listed and "motivez ce choix" in listed
    assert 'aria-describedby="retain-field-error"' in tag(page, "rationale")
    assert re.search(r'<p class="field-error" id="retain-field-error">[^<]*motivez', page)
    assert f'<option value="{other}" selected>' in page
    assert "Former les agents</textarea>" in page
    assert 'value="DSI"' in tag(page, "owner") and 'value="2027-01-15"' in tag(page,
                                                                             "review_date")
    # A malformed review date is placed at its own field.
    response = client.post(f"/cas/{case.pk}/juridique/", {
        "retained_level": other, "rationale": "Motif", "review_date": "15/01/2027"})
    page = text(response)
    assert 'href="#review_date"' in summary(page, "retain-error")
    assert 'aria-describedby="retain-field-error"' in tag(page, "review_date")
    assert "Motif</textarea>" in page


def test_opinion_form_has_the_summary_and_the_message_at_the_field(
        people: dict[str, User], client: Any) -> None:
    case = chatbot()
    client.force_login(people["numerique"])
    response = client.post(f"/cas/{case.pk}/critere/6/avis/", {
        "verdict": "defavorable", "recommendations": " ", "revision": "0"})
    assert response.status_code == 400
    page = text(response)
    listed = summary(page, "avis-erreur")
    assert 'href="#recommendations"' in listed and "doit être motivé" in listed
    assert 'aria-describedby="avis-erreur-champ"' in tag(page, "recommendations")
    assert re.search(r'value="defavorable" checked', page)
    response = client.post(f"/cas/{case.pk}/critere/6/avis/", {
        "recommendations": "Mes notes", "revision": "0"})
    page = text(response)
    assert 'href="#verdict-0"' in summary(page, "avis-erreur")
    assert "Mes notes</textarea>" in page


ITEM = "conformite_donnees_personnelles"


@pytest.mark.parametrize("htmx", [True, False])
def test_a_refused_comment_keeps_its_text_at_the_field(people: dict[str, User], client: Any,
                                                       htmx: bool) -> None:
    case = chatbot()
    client.force_login(people["juriste"])
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    before = Comment.objects.count()
    typed = "Vérifier la durée de conservation. " + "x" * LIMITS["comment"]
    response = client.post(f"/cas/{case.pk}/commentaires/", {
        "item_id": ITEM, "criterion": "", "body": typed}, **headers)
    assert response.status_code == (200 if htmx else 400)
    page = text(response)
    listed = summary(page, f"erreurs-c-{ITEM}")
    assert f'href="#c-{ITEM}"' in listed and "trop long" in listed
    field = tag(page, f"c-{ITEM}")
    assert f'aria-describedby="e-c-{ITEM}"' in field and 'aria-invalid="true"' in field
    assert f"{typed}</textarea>" in page
    assert '<details class="discussion" open' in page
    # The answer's own form is not marked wrong.
    assert f'id="e-{ITEM}"' not in page
    assert Comment.objects.count() == before
    # A reply refused: the message at the reply's field.
    comment = services.comment_add(case=case, user=people["juriste"], body="Question ?",
                                   item_id=ITEM, criterion=None)
    response = client.post(f"/cas/{case.pk}/commentaires/", {
        "item_id": ITEM, "criterion": "", "parent": str(comment.pk), "body": "  "},
        **headers)
    page = text(response)
    assert f'href="#r-{comment.pk}"' in summary(page, f"erreurs-r-{comment.pk}")
    assert f'aria-describedby="e-r-{comment.pk}"' in tag(page, f"r-{comment.pk}")


def test_an_upload_without_file_is_refused_at_the_field(people: dict[str, User],
                                                        client: Any) -> None:
    case = chatbot()
    client.force_login(people["juriste"])
    response = client.post(f"/cas/{case.pk}/pieces/", {"item_id": ITEM, "criterion": ""},
                           HTTP_HX_REQUEST="true")
    page = text(response)
    assert f'href="#f-{ITEM}"' in summary(page, f"erreurs-f-{ITEM}")
    assert f'aria-describedby="e-f-{ITEM}"' in tag(page, f"f-{ITEM}")
    assert "Choisissez un fichier" in page
