"""The identification profile starts with questions (issue 12, item 4): the legal panel is one
summary line while few facts are answered (no level claimed before any answer), and the facts
are grouped in steps, each saved at once (all its answers or none) with a status per step."""

from __future__ import annotations

import re
from typing import Any

import pytest

from boussole.web.cases import services
from boussole.web.cases.models import Answer, AuditEvent, Case
from boussole.web.grids import grid_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(organisation: Any, make_user: Any) -> Any:
    return make_user("lead", organisation)


@pytest.fixture
def case(organisation: Any, lead: Any) -> Case:
    return services.case_create(organisation=organisation, user=lead, title="Tri des courriels",
                                service="État civil", purpose="Trier les courriels reçus.")


def _page(client: Any, case: Case) -> str:
    response = client.get(f"/cas/{case.pk}/profil/")
    assert response.status_code == 200
    html: str = response.content.decode()
    return html


def _panel(html: str) -> str:
    """The legal panel of the profile page (the section #flags)."""
    match = re.search(r'<section id="flags".*?</section>', html, re.S)
    assert match, "the legal panel is on the page"
    return match.group(0)


def _step(html: str, key: str) -> str:
    """The HTML of one step: from its section to the next step (or the end of the page)."""
    start = html.find(f'<section class="step" id="etape-{key}"')
    assert start >= 0, f"step {key} is on the page"
    end = html.find('<section class="step', start + 1)
    return html[start:end if end >= 0 else len(html)]


def _menu(html: str) -> str:
    match = re.search(r'<nav id="etapes".*?</nav>', html, re.S)
    assert match, "the step menu is on the page"
    return match.group(0)


def _facts(case: Case) -> dict[str, Any]:
    return dict(Answer.objects.filter(case=case, kind=Answer.Kind.FACT)
                .values_list("item_id", "value"))


def _recorded(case: Case) -> list[str]:
    return list(AuditEvent.objects.filter(case=case, action="answer_recorded")
                .order_by("sequence").values_list("item_id", flat=True))


def _post_step(client: Any, case: Case, step: str, data: dict[str, Any], **extra: Any) -> Any:
    """Post a step as the page's form does: every fact of the step with its revision (0 for
    "no answer yet"), then the values given."""
    grid = grid_for(case.grid_id, case.grid_version)
    stored = {a.item_id: a.revision for a in Answer.objects.filter(case=case)}
    posted: dict[str, Any] = {f"{fact.id}-revision": stored.get(fact.id, 0)
                              for fact in grid.profile if (fact.group or "autres") == step}
    posted.update(data)
    return client.post(f"/cas/{case.pk}/profil/etape/{step}/", posted, **extra)


# --- The legal panel -------------------------------------------------------------------------

def test_an_empty_profile_shows_one_summary_line_and_no_level(client: Any, case: Case,
                                                              lead: Any) -> None:
    client.force_login(lead)
    html = _page(client, case)
    panel = _panel(html)
    applicable = len([f for f in grid_for(case.grid_id, case.grid_version).profile
                      if f.condition is None]) + 3  # the conditional facts are unknown: shown
    assert (f"{applicable} questions du profil sans réponse : l'analyse juridique commence avec "
            "vos premières réponses") in panel
    assert "bloquant" not in panel.lower()  # no level claimed before any answer
    assert "Niveau indicatif proposé" not in panel
    assert "niveau potentiel" not in panel
    assert "Ligne rouge non levée" not in panel
    assert 'class="flag ' not in panel  # no list of potential points
    # The questions that matter most, folded, the first three then « voir tout ».
    assert '<details class="priority">' in panel
    assert "Voir tout" in panel
    # Nothing but the folded panel between the step menu and the first question.
    between = html[html.index('<nav id="etapes"'):html.index('<section class="step"')]
    assert between.count("<details") == 2  # the priority questions and their « voir tout »


def test_the_panel_folds_while_few_facts_are_answered(client: Any, case: Case,
                                                      lead: Any) -> None:
    client.force_login(lead)
    services.answer_record(case=case, user=lead, item_id="biometrie", value="nsp")
    panel = _panel(_page(client, case))
    assert "Niveau indicatif proposé" in panel  # answers started: the levels are stated
    assert "l'analyse juridique s'affinera à mesure des réponses." in panel
    assert '<details class="flag-groups">' in panel  # the points folded under one line
    assert '<details class="flag-group" open>' not in panel
    assert "Ligne rouge non levée" in panel  # « je ne sais pas » does not lift a red line
    # The htmx refresh of the panel shows the same, and keeps its trigger.
    fragment = client.get(f"/cas/{case.pk}/juridique/points/").content.decode()
    assert 'hx-trigger="facts-changed from:body"' in fragment
    assert '<details class="flag-groups">' in fragment


def test_an_active_red_line_is_always_shown(client: Any, case: Case, lead: Any) -> None:
    client.force_login(lead)
    services.answer_record(case=case, user=lead, item_id="biometrie", value=["identification"])
    panel = _panel(_page(client, case))
    assert "Irrecevable en l'état : ligne rouge" in panel
    assert 'class="red-lines" role="alert"' in panel


def test_the_panel_unfolds_once_most_facts_are_answered(client: Any, case: Case,
                                                        lead: Any) -> None:
    client.force_login(lead)
    for fact in grid_for(case.grid_id, case.grid_version).profile:
        services.answer_record(case=case, user=lead, item_id=fact.id, value="nsp")
    panel = _panel(_page(client, case))
    assert "questions du profil sans réponse" not in panel
    assert '<details class="flag-groups">' not in panel
    # The groups are listed, folded, each loaded when opened (its link shows it without JS).
    groups = re.findall(r'<details class="flag-group" id="g-(\w+)" hx-get="/cas/'
                        + str(case.pk) + r'/juridique/points/\1/"', panel)
    assert groups and len(groups) == panel.count('<details class="flag-group"')
    for key in groups:
        assert f'href="/cas/{case.pk}/juridique/?groupe={key}#g-{key}"' in panel
    assert "Niveau indicatif proposé" in panel


def test_the_legal_page_keeps_the_full_analysis(client: Any, case: Case, lead: Any) -> None:
    client.force_login(lead)
    panel = _panel(client.get(f"/cas/{case.pk}/juridique/").content.decode())
    assert "Niveau indicatif proposé" in panel
    groups = re.findall(r'<details class="flag-group" id="g-(\w+)"', panel)
    assert groups
    # Each group is there whole on request, without JavaScript.
    for key in groups:
        page = client.get(f"/cas/{case.pk}/juridique/", {"groupe": key}).content.decode()
        assert f'<details class="flag-group" id="g-{key}" open>' in page
        assert '<article class="flag' in _panel(page)


# --- Steps -----------------------------------------------------------------------------------

def test_the_profile_is_grouped_in_steps_with_one_button_each(client: Any, case: Case,
                                                              lead: Any) -> None:
    client.force_login(lead)
    html = _page(client, case)
    steps = re.findall(r'<section class="step[^"]*" id="etape-(\w+)"', html)
    assert steps == ["A", "B", "C", "D", "E"]
    assert html.count("Enregistrer cette étape") == 1  # one step open at a time
    assert ">Enregistrer<" not in html  # no button per question any more
    html = client.get(f"/cas/{case.pk}/profil/?etape=B").content.decode()
    step = _step(html, "B")
    assert "<legend><h2" in step and "Étape 2 : Données, biométrie, personnes concernées" in step
    assert 'name="biometrie-value"' in step and 'name="biometrie-revision"' in step
    assert f'action="/cas/{case.pk}/profil/etape/B/"' in step
    menu = _menu(html)
    assert re.findall(rf'href="/cas/{case.pk}/profil/\?etape=(\w+)#etape-\1"', menu) == steps
    assert "0/6 réponses" in menu  # step A: six facts apply (the date: condition unknown)


def test_saving_a_step_saves_all_its_facts_with_one_event_per_change(client: Any, case: Case,
                                                                      lead: Any) -> None:
    client.force_login(lead)
    response = _post_step(client, case, "A", {
        "est_ia-value": "oui", "role-value": "deployeur", "en_service_avant-value": "non",
        "modele_general-value": "api_tiers", "modele_general-justification": "Devis du 3 mai",
        "entrainement_donnees_collectivite-nsp": "1"})
    assert response.status_code == 302
    # Step A complete (the date does not apply): to the next incomplete step, B.
    assert response["Location"] == f"/cas/{case.pk}/profil/?etape=B#etape-B"
    assert _facts(case) == {"est_ia": "oui", "role": "deployeur", "en_service_avant": "non",
                            "modele_general": "api_tiers",
                            "entrainement_donnees_collectivite": "nsp"}
    assert Answer.objects.get(case=case, item_id="modele_general").justification == (
        "Devis du 3 mai")
    assert sorted(_recorded(case)) == sorted(_facts(case))  # one event per answer
    case.refresh_from_db()
    assert case.legal_level  # the stored levels refreshed
    # Saved again with one change: one more event, for that answer only.
    response = _post_step(client, case, "A", {
        "est_ia-value": "oui", "role-value": "fournisseur", "en_service_avant-value": "non",
        "modele_general-value": "api_tiers", "modele_general-justification": "Devis du 3 mai",
        "entrainement_donnees_collectivite-nsp": "1"})
    assert response.status_code == 302
    assert _recorded(case)[5:] == ["role"]
    events = AuditEvent.objects.filter(case=case, action="answer_recorded", item_id="role")
    assert [(e.after or {}).get("value") for e in events.order_by("sequence")] == [
        "deployeur", "fournisseur"]
    # The page after the redirect: the step's status, the date question gone (« non »).
    html = client.get(response["Location"]).content.decode()
    assert "Étape « Nature du système et rôle de la collectivité » enregistrée." in html
    assert "complète" in _menu(html)
    assert 'id="q-en_service_depuis"' not in html


def test_an_invalid_value_refuses_the_whole_step_and_keeps_what_was_typed(
        client: Any, case: Case, lead: Any) -> None:
    client.force_login(lead)
    response = _post_step(client, case, "B", {
        "donnees_perso-value": "oui",
        "donnees_perso-justification": "Registre des traitements",
        "biometrie-value": ["aucune", "identification"],  # contradictory: refused by the core
        "personnes-value": ["usagers", "agents"],
        "volume-value": "plus_10000"})
    assert response.status_code == 400
    assert _facts(case) == {}  # nothing saved, not even the valid answers
    assert _recorded(case) == []
    html = response.content.decode()
    step = _step(html, "B")
    # The error at its field, and in the summary at the top of the step, linked to the field.
    error = re.search(r'<p class="field-error" id="e-biometrie">(.*?)</p>', step, re.S)
    assert error and "ne peut pas être combiné" in error.group(1)
    assert 'aria-describedby="e-biometrie"' in step
    summary = re.search(r'<div id="erreurs-etape-B" role="alert".*?</div>', step, re.S)
    assert summary and 'href="#v-biometrie-0"' in summary.group(0)
    assert step.count('class="field-error"') == 1  # only there
    # Every value typed is kept, the refused one included.
    checked = set(re.findall(r'name="([\w.]+-value)" value="(\w+)" id="[^"]+" checked', step))
    assert checked >= {("donnees_perso-value", "oui"), ("biometrie-value", "aucune"),
                       ("biometrie-value", "identification"), ("personnes-value", "usagers"),
                       ("personnes-value", "agents"), ("volume-value", "plus_10000")}
    assert ">Registre des traitements</textarea>" in step
    # Corrected, the whole step is saved.
    response = _post_step(client, case, "B", {
        "donnees_perso-value": "oui", "biometrie-value": ["aucune"],
        "personnes-value": ["usagers", "agents"], "volume-value": "plus_10000"})
    assert response.status_code == 302
    assert _facts(case) == {"donnees_perso": "oui", "biometrie": ["aucune"],
                            "personnes": ["usagers", "agents"], "volume": "plus_10000"}


def test_emptying_an_answer_is_refused_not_ignored(client: Any, case: Case, lead: Any) -> None:
    client.force_login(lead)
    services.answer_record(case=case, user=lead, item_id="en_service_avant", value="oui")
    services.answer_record(case=case, user=lead, item_id="en_service_depuis",
                           value="2024-01-15")
    response = _post_step(client, case, "A", {"en_service_avant-value": "oui",
                                              "en_service_depuis-value": "",
                                              "est_ia-value": "oui"})
    assert response.status_code == 400
    step = _step(response.content.decode(), "A")
    assert re.search(r'id="e-en_service_depuis">Une réponse est attendue', step)
    assert _facts(case) == {"en_service_avant": "oui", "en_service_depuis": "2024-01-15"}


def test_a_conflict_refuses_the_step_and_shows_both_versions(client: Any, case: Case,
                                                             lead: Any, make_user: Any,
                                                             organisation: Any) -> None:
    other = make_user("juriste", organisation, role="referent", domain="juridique")
    client.force_login(lead)
    stale = {"est_ia-revision": 0}
    services.answer_record(case=case, user=other, item_id="est_ia", value="non")
    response = _post_step(client, case, "A", {**stale, "est_ia-value": "oui",
                                              "role-value": "deployeur"})
    assert response.status_code == 409
    assert _facts(case) == {"est_ia": "non"}  # nothing overwritten, nothing else saved
    step = _step(response.content.decode(), "A")
    assert "Conflit : cette réponse a été modifiée pendant que vous l'éditiez." in step
    assert 'name="est_ia-revision" value="1"' in step  # saving again replaces, knowingly


def test_a_missing_revision_is_refused(client: Any, case: Case, lead: Any) -> None:
    client.force_login(lead)
    response = client.post(f"/cas/{case.pk}/profil/etape/A/", {"est_ia-value": "oui"})
    assert response.status_code == 400
    assert "Le formulaire ne dit pas quelle version vous avez lue" in response.content.decode()
    assert _facts(case) == {}


def test_per_step_status(client: Any, case: Case, lead: Any) -> None:
    client.force_login(lead)
    _post_step(client, case, "A", {"est_ia-value": "oui", "role-value": "deployeur"})
    _post_step(client, case, "D", {"interaction-value": "public", "contenus-value": ["aucun"],
                                   "video-nsp": "1"})
    menu = _menu(_page(client, case))
    statuses = dict(re.findall(r'href="[^"]*#etape-(\w+)"[^>]*>[^<]*</a> — '
                               r'<span class="step-status[^"]*">([^<]*)</span>', menu))
    assert statuses == {"A": "2/6 réponses", "B": "0/9 réponses", "C": "0/10 réponses",
                        "D": "Étape complète", "E": "0/15 réponses"}


def test_saving_a_step_with_htmx_swaps_the_step_and_refreshes_the_panel(
        client: Any, case: Case, lead: Any) -> None:
    client.force_login(lead)
    response = _post_step(client, case, "D", {"interaction-value": "public"},
                          HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Trigger"] == "facts-changed"
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="step" id="etape-D"')
    assert "Étape enregistrée." in html
    assert ('<nav id="etapes" class="step-menu" aria-labelledby="h-etapes" '
            'hx-swap-oob="true">') in html
    assert "1/3 réponses" in html
    assert _facts(case) == {"interaction": "public"}
    # Refused with htmx: the step again with the error, the panel not refreshed.
    response = _post_step(client, case, "D", {"contenus-value": ["aucun", "interne"]},
                          HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "HX-Trigger" not in response
    assert 'id="e-contenus"' in response.content.decode()
    assert _facts(case) == {"interaction": "public"}


def test_a_step_is_refused_to_who_may_not_answer_the_profile(
        client: Any, case: Case, make_user: Any, organisation: Any) -> None:
    official = make_user("elu", organisation, role="elu")
    client.force_login(official)
    html = _page(client, case)
    assert "Enregistrer cette étape" not in html  # read only
    response = _post_step(client, case, "A", {"est_ia-value": "oui"})
    assert response.status_code == 403
    assert _facts(case) == {}


def test_an_unknown_step_is_not_found(client: Any, case: Case, lead: Any) -> None:
    client.force_login(lead)
    assert client.post(f"/cas/{case.pk}/profil/etape/Z/", {}).status_code == 404


def test_the_single_answer_form_still_saves_a_fact(client: Any, case: Case, lead: Any) -> None:
    client.force_login(lead)
    response = client.post(f"/cas/{case.pk}/reponse/est_ia/", {"value": "oui", "revision": 0})
    assert response.status_code == 302
    assert _facts(case) == {"est_ia": "oui"}
    response = client.post(f"/cas/{case.pk}/reponse/est_ia/", {"value": "peut-être",
                                                               "revision": 1})
    assert response.status_code == 400  # the profile page, the error at the fact
    assert 'id="e-est_ia"' in response.content.decode()
