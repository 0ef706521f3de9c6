"""The identification profile, ten times lighter (issue 17): one step open at a time, the
others a title, a status and a link that opens them (a plain link; htmx loads the step's form
in place); who may not answer reads every answer as text. A saved step leads to the next
incomplete one; a fact whose inputs were not in the posted form is never touched."""

from __future__ import annotations

import re
from typing import Any

import pytest

from boussole.web import demo
from boussole.web.accounts.models import User
from boussole.web.cases import services
from boussole.web.cases.models import Answer, AuditEvent, Case
from boussole.web.grids import grid_for
from tests.web.test_dom_budget import elements

pytestmark = pytest.mark.django_db

STEP = re.compile(r'<section class="step( step-closed)?" id="etape-(\w+)"')


@pytest.fixture
def lead(organisation: Any, make_user: Any) -> Any:
    return make_user("lead", organisation)


@pytest.fixture
def case(organisation: Any, lead: Any) -> Case:
    return services.case_create(organisation=organisation, user=lead, title="Tri des courriels",
                                service="État civil", purpose="Trier les courriels reçus.")


def _get(client: Any, url: str, **extra: Any) -> str:
    response = client.get(url, **extra)
    assert response.status_code == 200
    html: str = response.content.decode()
    return html


def _open_steps(html: str) -> list[str]:
    """The keys of the steps shown open (a form or the answers), in the page's order."""
    return [key for closed, key in STEP.findall(html) if not closed]


def _step(html: str, key: str) -> str:
    start = html.index(f'id="etape-{key}"')
    end = html.find('<section class="step', start)
    return html[start:end if end >= 0 else len(html)]


def _revisions(case: Case, step: str) -> dict[str, int]:
    grid = grid_for(case.grid_id, case.grid_version)
    stored = {a.item_id: a.revision for a in Answer.objects.filter(case=case)}
    return {f"{fact.id}-revision": stored.get(fact.id, 0)
            for fact in grid.profile if (fact.group or "autres") == step}


def _answer_step(case: Case, user: Any, step: str) -> None:
    """Every fact of ``step`` answered « je ne sais pas » (those whose condition is unknown
    apply too), so that the step is complete."""
    for fact in grid_for(case.grid_id, case.grid_version).profile:
        if (fact.group or "autres") == step:
            services.answer_record(case=case, user=user, item_id=fact.id, value="nsp")


# --- Which step is open ------------------------------------------------------------------------

def test_the_first_incomplete_step_is_open_the_others_are_links(client: Any, case: Case,
                                                                lead: Any) -> None:
    client.force_login(lead)
    html = _get(client, f"/cas/{case.pk}/profil/")
    assert [key for _closed, key in STEP.findall(html)] == ["A", "B", "C", "D", "E"]
    assert _open_steps(html) == ["A"]
    assert html.count("Enregistrer cette étape") == 1
    closed = _step(html, "C")
    assert "Étape 3 : Finalité, effets sur les personnes et décision (critère 2)" in closed
    assert "0/10 réponses" in closed
    assert 'name="' not in closed  # no input of a closed step
    # A plain link opens it without JavaScript; htmx loads its form in place.
    assert (f'href="/cas/{case.pk}/profil/?etape=C#etape-C" '
            f'hx-get="/cas/{case.pk}/profil/etape/C/" hx-target="closest section.step" '
            'hx-swap="outerHTML">Répondre à l\'étape') in closed
    # Step A answered whole: step B is open, A shows « Étape complète ».
    _answer_step(case, lead, "A")
    html = _get(client, f"/cas/{case.pk}/profil/")
    assert _open_steps(html) == ["B"]
    assert "Étape complète" in _step(html, "A")
    assert "Revoir l'étape" in _step(html, "A")
    # Every step complete: the first is open.
    for key in "BCDE":
        _answer_step(case, lead, key)
    assert _open_steps(_get(client, f"/cas/{case.pk}/profil/")) == ["A"]


def test_the_step_asked_for_is_open(client: Any, case: Case, lead: Any) -> None:
    client.force_login(lead)
    html = _get(client, f"/cas/{case.pk}/profil/?etape=D")
    assert _open_steps(html) == ["D"]
    assert f'action="/cas/{case.pk}/profil/etape/D/"' in _step(html, "D")
    menu = re.search(r'<nav id="etapes".*?</nav>', html, re.S)
    assert menu
    assert f'href="/cas/{case.pk}/profil/?etape=D#etape-D" aria-current="step"' in menu.group(0)
    # The step of a fact (the legal panel's links): ?fait=<id>.
    assert _open_steps(_get(client, f"/cas/{case.pk}/profil/?fait=biometrie")) == ["B"]
    # An unknown step: the default one.
    assert _open_steps(_get(client, f"/cas/{case.pk}/profil/?etape=Z")) == ["A"]


def test_who_may_not_answer_reads_every_step_as_text(client: Any, case: Case, lead: Any,
                                                     make_user: Any,
                                                     organisation: Any) -> None:
    services.answer_record(case=case, user=lead, item_id="biometrie", value=["aucune"])
    client.force_login(make_user("elu", organisation, role="elu"))
    html = _get(client, f"/cas/{case.pk}/profil/")
    assert _open_steps(html) == ["A", "B", "C", "D", "E"]
    assert "<form" not in html.split('<nav id="etapes"')[1].split('<section id="flags"')[0]
    assert "Enregistrer cette étape" not in html
    assert 'name="biometrie-value"' not in html
    fact = _step(html, "B")
    assert re.search(r'id="q-biometrie".*?<p class="answer-read">Aucune</p>', fact, re.S)
    assert "Pas encore de réponse." in fact


# --- Saving ------------------------------------------------------------------------------------

def test_saving_without_javascript_leads_to_the_next_incomplete_step(
        client: Any, case: Case, lead: Any) -> None:
    client.force_login(lead)
    _answer_step(case, lead, "C")
    response = client.post(f"/cas/{case.pk}/profil/etape/B/", {
        **_revisions(case, "B"), "donnees_perso-value": "oui"})
    assert response.status_code == 302
    # B is still incomplete, C is complete: D is next.
    assert response["Location"] == f"/cas/{case.pk}/profil/?etape=D#etape-D"
    html = _get(client, response["Location"])
    assert _open_steps(html) == ["D"]
    assert "Étape « Données, biométrie, personnes concernées (critère 1) » enregistrée." in html
    # From the last step, back to the first incomplete one.
    response = client.post(f"/cas/{case.pk}/profil/etape/E/", {
        **_revisions(case, "E"), "aipd-value": "non"})
    assert response["Location"] == f"/cas/{case.pk}/profil/?etape=A#etape-A"
    # Refused: the same step, open with its error.
    response = client.post(f"/cas/{case.pk}/profil/etape/D/", {
        **_revisions(case, "D"), "contenus-value": ["aucun", "interne"]})
    assert response.status_code == 400
    html = response.content.decode()
    assert _open_steps(html) == ["D"]
    assert 'id="e-contenus"' in _step(html, "D")


def test_a_fact_absent_from_the_form_is_left_unchanged(client: Any, case: Case,
                                                       lead: Any) -> None:
    client.force_login(lead)
    services.answer_record(case=case, user=lead, item_id="est_ia", value="oui",
                           justification="Fiche produit")
    services.answer_record(case=case, user=lead, item_id="role", value="deployeur")
    before = AuditEvent.objects.filter(case=case).count()
    # A form holding only « modele_general » (no field of est_ia or role at all).
    response = client.post(f"/cas/{case.pk}/profil/etape/A/", {
        "modele_general-revision": 0, "modele_general-value": "api_tiers"})
    assert response.status_code == 302
    answers = {a.item_id: a for a in Answer.objects.filter(case=case)}
    assert answers["est_ia"].value == "oui"
    assert answers["est_ia"].justification == "Fiche produit"
    assert answers["est_ia"].revision == 1
    assert answers["role"].value == "deployeur"
    assert answers["modele_general"].value == "api_tiers"
    assert list(AuditEvent.objects.filter(case=case, sequence__gt=0).order_by("-sequence")
                .values_list("item_id", flat=True)[:1]) == ["modele_general"]
    assert AuditEvent.objects.filter(case=case).count() == before + 1
    # A fact whose fields are in the form but emptied is still refused, not ignored.
    response = client.post(f"/cas/{case.pk}/profil/etape/A/", {
        "role-revision": answers["role"].revision, "role-justification": ""})
    assert response.status_code == 400
    assert Answer.objects.get(case=case, item_id="role").value == "deployeur"


# --- htmx --------------------------------------------------------------------------------------

def test_htmx_opens_a_step_in_place(client: Any, case: Case, lead: Any) -> None:
    client.force_login(lead)
    url = f"/cas/{case.pk}/profil/etape/E/"
    html = _get(client, url, HTTP_HX_REQUEST="true")
    assert html.lstrip().startswith('<section class="step" id="etape-E"')
    assert f'hx-post="{url}"' in html
    assert 'name="aipd-value"' in html
    # The heading focused once loaded (htmx honours autofocus).
    assert '<h2 id="h-etape-E" tabindex="-1" autofocus>Étape 5 : Conformité et sécurité</h2>' in (
        html)
    # The step menu swapped out of band: it marks the step just opened as the current one.
    menu = html[html.index('<nav id="etapes"'):]
    assert 'hx-swap-oob="true"' in menu[:menu.index(">")]
    current = re.findall(r'<a href="[^"]*#etape-(\w+)" aria-current="step"', menu)
    assert current == ["E"]
    assert "<html" not in html
    # Without htmx, the same address is the page with that step open.
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/cas/{case.pk}/profil/?etape=E#etape-E"
    assert client.get(f"/cas/{case.pk}/profil/etape/Z/", HTTP_HX_REQUEST="true"
                      ).status_code == 404


def test_htmx_save_offers_the_next_incomplete_step(client: Any, case: Case, lead: Any) -> None:
    client.force_login(lead)
    _answer_step(case, lead, "B")
    response = client.post(f"/cas/{case.pk}/profil/etape/A/", {
        **_revisions(case, "A"), "est_ia-value": "oui"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Trigger"] == "facts-changed"
    html = response.content.decode()
    assert "Étape enregistrée." in html
    assert (f'<a href="/cas/{case.pk}/profil/?etape=C#etape-C" '
            f'hx-get="/cas/{case.pk}/profil/etape/C/" hx-target="#etape-C" '
            'hx-swap="outerHTML">Étape suivante : 3, Finalité') in html
    assert 'id="enregistrer-A"' in html  # htmx keeps the focus on the button it swaps
    assert 'hx-swap-oob="true"' in html  # the menu refreshed


# --- Sobriety ------------------------------------------------------------------------------------

def test_the_profile_page_reads_at_most_ten_queries(client: Any, case: Case, lead: Any,
                                                    make_user: Any, organisation: Any,
                                                    django_assert_max_num_queries: Any) -> None:
    for fact in grid_for(case.grid_id, case.grid_version).profile[:20]:
        services.answer_record(case=case, user=lead, item_id=fact.id, value="nsp")
    services.comment_add(case=case, user=lead, item_id="est_ia", body="À vérifier.")
    for user in (lead, make_user("elu", organisation, role="elu")):
        client.force_login(user)
        client.get(f"/cas/{case.pk}/profil/")  # the session's first visit stamps it
        with django_assert_max_num_queries(10):
            html = _get(client, f"/cas/{case.pk}/profil/?etape=E")
        assert "Profil d'identification" in html


@pytest.mark.parametrize("login", ["porteur", "juriste", "elu-numerique"])
def test_every_demo_profile_is_under_800_elements(client: Any, login: str) -> None:
    demo.create_demo()
    client.force_login(User.objects.get(username=login))
    for case in Case.objects.order_by("pk"):
        for query in ("", "?etape=B", "?etape=C", "?etape=E"):  # the three largest steps
            response = client.get(f"/cas/{case.pk}/profil/{query}")
            if response.status_code == 403:
                continue
            assert response.status_code == 200
            count = elements(response.content.decode())
            assert count < 800, (login, case.pk, query, count)
