"""In a real headless Chromium: the demo project lead logs in and sees the case list."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from boussole.web import demo
from tests.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page: Any, username: str) -> None:
    page.goto("/")
    assert page.url.endswith("/comptes/connexion/?next=/")
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/")


def test_porteur_logs_in_and_sees_the_cases(page: Any) -> None:
    demo.create_demo()
    page.goto("/")
    assert axe_violations(page) == []  # the login page
    login(page, "porteur")
    assert page.get_by_role("heading", level=1).inner_text() == "Mes dossiers"
    table = page.get_by_role("table").first
    for case in demo.CASES:
        assert table.get_by_role("link", name=case.title).count() == 1
    assert page.get_by_text("En instruction").count() >= 1
    assert axe_violations(page) == []
    page.get_by_role("link", name=demo.CHATBOT.title).first.click()
    assert page.get_by_role("heading", level=1).inner_text() == demo.CHATBOT.title
    assert axe_violations(page) == []


def test_keyboard_only_login(page: Any) -> None:
    demo.create_demo()
    page.goto("/comptes/connexion/")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.textContent") == "Aller au contenu"
    page.keyboard.press("Enter")  # skip to the main content
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_username"
    page.keyboard.type("syndicat")
    page.keyboard.press("Tab")
    page.keyboard.type(demo.DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes dossiers")
    # The staff representative sees only the files presented to the unions.
    assert page.get_by_role("link", name=demo.EKONOMIA.title).count() >= 1
    assert page.get_by_role("link", name=demo.CHATBOT.title).count() == 0


def test_language_switch_to_english(page: Any) -> None:
    page.goto("/comptes/connexion/")
    page.get_by_label("Langue").select_option("en")
    page.get_by_role("button", name="Changer").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Sign in"
    assert axe_violations(page) == []
