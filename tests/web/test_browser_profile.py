"""A project lead creates a case and answers the profile: the red line shows at once."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from boussole.web import demo
from boussole.web.cases.models import Answer, Case
from boussole.web.grids import current_grid
from tests.conftest import axe_violations
from tests.web.browsing import press

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_new_case_and_live_flags(page: Any) -> None:
    demo.create_demo()
    page.goto("/comptes/connexion/")
    page.get_by_label("Identifiant").fill("porteur")
    page.get_by_label("Mot de passe").fill(demo.DEMO_PASSWORD)
    press(page.get_by_role("button", name="Se connecter"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes dossiers")
    press(page.get_by_role("link", name="Nouveau cas d'usage"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouveau cas d'usage")
    assert axe_violations(page) == []
    # An empty form is refused with French messages next to the fields.
    press(page.get_by_role("button", name="Enregistrer"))
    expect(page.locator(".field-error").first).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("Titre du cas d'usage").fill("Accueil des visiteurs par caméra")
    page.get_by_label("Service métier").fill("Direction des bâtiments")
    page.get_by_label("Finalité : à quoi servira l'IA ?").fill(
        "Reconnaître les agents à l'entrée des bâtiments.")
    press(page.get_by_role("button", name="Enregistrer"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Profil d'identification")
    assert axe_violations(page) == []
    case = Case.objects.get(title="Accueil des visiteurs par caméra")
    assert case.grid_key == current_grid().key  # the latest version
    expect(page.locator("#flags")).not_to_contain_text("Irrecevable en l'état")
    # A blocking gate answered: the step is saved, the flags panel refreshes by itself, the
    # red line on top. The step is opened first (one step open at a time: the first, A).
    press(page.locator("#etape-B").get_by_role("link", name="Répondre à l'étape"))
    expect(page.locator("#h-etape-B")).to_be_focused()
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    biometrics = page.locator("#q-biometrie")
    press(biometrics.get_by_label("Identification (1:N)", exact=False), " ")
    expect(biometrics.get_by_label("Identification (1:N)", exact=False)).to_be_checked()
    press(page.locator("#etape-B").get_by_role("button", name="Enregistrer cette étape"))
    # The panel's refresh is a second request, after the step's: on a loaded machine it may
    # take longer than expect's default 5 s.
    expect(page.locator("#flags .red-lines")).to_contain_text("BIO-01", timeout=20000)
    expect(page.locator("#flags")).to_contain_text("Irrecevable en l'état")
    assert axe_violations(page) == []
    case.refresh_from_db()
    assert case.red_line
    page.goto("/")
    expect(page.get_by_role("row").filter(has_text=case.title).first).to_contain_text(
        "Irrecevable en l'état")


def test_profile_steps_at_phone_size(browser: Any, live_server: Any) -> None:
    """On a phone, an empty case's profile starts with its questions (the legal panel is one
    line, no level claimed); a step is saved at once with htmx, its status and the panel follow;
    a refused step keeps every value with the message at the field; axe finds nothing."""
    demo.create_demo()
    context = browser.new_context(locale="fr-FR", base_url=live_server.url,
                                  viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    try:
        page.goto("/comptes/connexion/")
        page.get_by_label("Identifiant").fill("porteur")
        page.get_by_label("Mot de passe").fill(demo.DEMO_PASSWORD)
        press(page.get_by_role("button", name="Se connecter"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Mes dossiers")
        press(page.get_by_role("link", name="Nouveau cas d'usage"))
        page.get_by_label("Titre du cas d'usage").fill("Tri des courriels de l'état civil")
        page.get_by_label("Service métier").fill("État civil")
        page.get_by_label("Finalité : à quoi servira l'IA ?").fill("Trier les courriels.")
        press(page.get_by_role("button", name="Enregistrer"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Profil d'identification")
        case = Case.objects.get(title="Tri des courriels de l'état civil")
        flags = page.locator("#flags")
        expect(flags).to_contain_text("questions du profil sans réponse")
        assert "bloquant" not in flags.inner_text().lower()
        # The first question is near the top, the page far shorter than one form per fact.
        first = page.locator('input[name="est_ia-value"]').first.bounding_box()
        assert first is not None and first["y"] < 2000, first
        assert page.evaluate("document.documentElement.scrollHeight") < 20000
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert page.get_by_role("button", name="Enregistrer cette étape").count() == 1
        assert axe_violations(page) == []

        # Step A saved with htmx: the step, its status in the menu, then the panel.
        step = page.locator("#etape-A")
        step.locator("#q-est_ia").get_by_label("Oui", exact=True).check()
        step.locator("#q-role").get_by_label("Déployeur", exact=True).check()
        step.locator("#q-modele_general").get_by_label("Oui, appelé par l'API d'un tiers",
                                                       exact=True).check()
        url = page.url
        step.get_by_role("button", name="Enregistrer cette étape").click()
        expect(page.locator("#etape-A .saved")).to_contain_text("Étape enregistrée.")
        expect(page.locator("#etapes")).to_contain_text("3/6 réponses")
        expect(flags).to_contain_text("Niveau indicatif proposé")
        expect(flags).to_contain_text("l'analyse juridique s'affinera à mesure des réponses")
        assert page.url == url  # swapped in place
        stored = dict(Answer.objects.filter(case=case).values_list("item_id", "value"))
        assert stored == {"est_ia": "oui", "role": "deployeur", "modele_general": "api_tiers"}
        assert axe_violations(page) == []

        # Step B, the next incomplete one, opened from the link offered after saving.
        page.get_by_role("link", name="Étape suivante : 2, Données").click()
        expect(page.locator("#h-etape-B")).to_be_focused()
        # Step B refused whole: the message at the field, every value kept, nothing saved.
        step = page.locator("#etape-B")
        step.locator("#q-donnees_perso").get_by_label("Oui", exact=True).check()
        biometrics = step.locator("#q-biometrie")
        biometrics.get_by_label("Aucune", exact=True).check()
        biometrics.get_by_label("Vérification (1:1)", exact=False).check()
        step.get_by_role("button", name="Enregistrer cette étape").click()
        summary = page.locator("#etape-B [data-error-summary]")
        expect(summary).to_contain_text("ne peut pas être combiné")
        expect(summary).to_be_focused()
        expect(page.locator("#q-biometrie .field-error")).to_contain_text(
            "ne peut pas être combiné")
        expect(page.locator("#q-donnees_perso").get_by_label("Oui", exact=True)).to_be_checked()
        expect(page.locator("#q-biometrie").get_by_label("Aucune", exact=True)).to_be_checked()
        assert not Answer.objects.filter(case=case, item_id="donnees_perso").exists()
        assert axe_violations(page) == []
        # Corrected: the step is saved.
        page.locator("#q-biometrie").get_by_label("Aucune", exact=True).uncheck()
        page.locator("#etape-B").get_by_role("button", name="Enregistrer cette étape").click()
        expect(page.locator("#etape-B .saved")).to_contain_text("Étape enregistrée.")
        assert Answer.objects.get(case=case, item_id="biometrie").value == ["verification"]
        assert Answer.objects.get(case=case, item_id="donnees_perso").value == "oui"
    finally:
        context.close()
