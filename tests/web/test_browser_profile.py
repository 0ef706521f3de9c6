"""A project lead creates a case and answers the profile: the red line shows at once."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from boussole.web import demo
from boussole.web.cases.models import Case
from boussole.web.grids import current_grid
from tests.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def press(locator: Any, key: str = "Enter") -> None:
    locator.focus()
    locator.page.keyboard.press(key)


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
    # A blocking gate answered: the flags panel refreshes by itself, the red line on top.
    biometrics = page.locator("#q-biometrie")
    press(biometrics.get_by_label("Identification (1:N)", exact=False), " ")
    press(biometrics.get_by_role("button", name="Enregistrer"))
    expect(page.locator("#flags .red-lines")).to_contain_text("BIO-01")
    expect(page.locator("#flags")).to_contain_text("Irrecevable en l'état")
    assert axe_violations(page) == []
    case.refresh_from_db()
    assert case.red_line
    page.goto("/")
    expect(page.get_by_role("row").filter(has_text=case.title).first).to_contain_text(
        "Irrecevable en l'état")
