"""The identification profile in a real browser (issue 17): one step open at a time, the others
opened in place by htmx (the heading focused) or by a plain link without JavaScript; a saved
step leads to the next incomplete one. axe-core finds nothing, the console stays clean."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from boussole.web import demo
from boussole.web.cases.models import Answer, Case
from tests.web.browsing import watch_console

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page: Any, login: str) -> None:
    page.goto("/comptes/connexion/")
    page.get_by_label("Identifiant").fill(login)
    page.get_by_label("Mot de passe").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def _draft() -> Case:
    return Case.objects.get(title="Prévision de la fréquentation des restaurants scolaires")


def test_walking_the_steps_with_htmx(page: Any) -> None:
    from tests.conftest import axe_violations

    demo.create_demo()
    errors = watch_console(page)
    _sign_in(page, "porteur")
    case = _draft()
    page.goto(f"/cas/{case.pk}/profil/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Profil d'identification")
    # One step open (the first incomplete: A), the others a title, a status and a link.
    expect(page.get_by_role("button", name="Enregistrer cette étape")).to_have_count(1)
    expect(page.locator("#etape-A form")).to_have_count(1)
    expect(page.locator("#etape-E")).to_contain_text("0/15 réponses")
    assert axe_violations(page) == []

    # Step E opened in place: its heading focused, the page not reloaded.
    url = page.url
    page.locator("#etape-E").get_by_role("link", name="Répondre à l'étape").click()
    expect(page.locator("#h-etape-E")).to_be_focused()
    assert page.url == url
    expect(page.get_by_role("button", name="Enregistrer cette étape")).to_have_count(2)
    assert axe_violations(page) == []

    # Saved: the status, the menu, and a link to the next incomplete step (A, from the start).
    page.locator("#q-aipd").get_by_label("Non", exact=True).check()
    page.locator("#etape-E").get_by_role("button", name="Enregistrer cette étape").click()
    expect(page.locator("#etape-E .saved")).to_contain_text("Étape enregistrée. 1/15 réponses")
    expect(page.locator("#etapes")).to_contain_text("1/15 réponses")
    expect(page.locator("#enregistrer-E")).to_be_focused()  # kept on the button swapped
    assert Answer.objects.get(case=case, item_id="aipd").value == "non"
    assert axe_violations(page) == []

    # Step D from the next-step link of step A, once A is saved.
    page.locator("#q-est_ia").get_by_label("Oui", exact=True).check()
    page.locator("#etape-A").get_by_role("button", name="Enregistrer cette étape").click()
    expect(page.locator("#etape-A .saved")).to_contain_text("Étape enregistrée.")
    page.get_by_role("link", name="Étape suivante : 2, Données").click()
    expect(page.locator("#h-etape-B")).to_be_focused()
    expect(page.locator("#etape-B form")).to_have_count(1)
    assert axe_violations(page) == []
    assert errors == []


def test_walking_the_steps_without_javascript(browser: Any, live_server: Any) -> None:
    demo.create_demo()
    context = browser.new_context(locale="fr-FR", base_url=live_server.url,
                                  java_script_enabled=False)
    page = context.new_page()
    try:
        _sign_in(page, "porteur")
        case = _draft()
        page.goto(f"/cas/{case.pk}/profil/")
        page.locator("#etape-D").get_by_role("link", name="Répondre à l'étape").click()
        assert page.url.endswith(f"/cas/{case.pk}/profil/?etape=D#etape-D")
        expect(page.get_by_role("button", name="Enregistrer cette étape")).to_have_count(1)
        step = page.locator("#etape-D")
        step.locator("#q-interaction").get_by_label("Non", exact=True).check()
        step.locator("#q-contenus").get_by_label("Aucun", exact=True).check()
        step.locator("#q-video").get_by_label("Non", exact=True).check()
        step.get_by_role("button", name="Enregistrer cette étape").click()
        # D complete: to the next incomplete step, E, open; the message says D was saved.
        assert page.url.endswith(f"/cas/{case.pk}/profil/?etape=E#etape-E")
        expect(page.get_by_text("Étape « Interaction, contenus et cadre sectoriel » "
                                "enregistrée.")).to_be_visible()
        expect(page.locator("#etape-E form")).to_have_count(1)
        expect(page.locator("#etapes")).to_contain_text("Étape complète")
        # (axe-core needs JavaScript: the same markup is checked by the tests above.)
    finally:
        context.close()


def test_who_may_not_answer_reads_the_whole_profile(page: Any) -> None:
    from tests.conftest import axe_violations

    demo.create_demo()
    errors = watch_console(page)
    _sign_in(page, "elu-numerique")
    page.goto(f"/cas/{_draft().pk}/profil/")
    expect(page.get_by_role("button", name="Enregistrer cette étape")).to_have_count(0)
    expect(page.locator("section.step")).to_have_count(5)
    expect(page.locator("section.step-closed")).to_have_count(0)
    assert axe_violations(page) == []
    assert errors == []
