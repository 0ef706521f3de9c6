"""The legal panel's groups of flags in a real browser: opening a group loads its flags (htmx),
without an accessibility violation or a console error; without JavaScript, the group's link shows
it whole on the legal page."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from boussole.web import demo
from boussole.web.cases.models import Case
from tests.conftest import axe_violations
from tests.web.browsing import watch_console

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page: Any) -> None:
    page.goto("/comptes/connexion/")
    page.get_by_label("Identifiant").fill("porteur")
    page.get_by_label("Mot de passe").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes dossiers")


def test_opening_a_group_loads_its_flags(page: Any) -> None:
    demo.create_demo()
    draft = Case.objects.get(title=demo.CANTINE.title)
    errors = watch_console(page)
    _login(page)
    for url in (f"/cas/{draft.pk}/juridique/", f"/cas/{draft.pk}/profil/"):
        page.goto(url)
        group = page.locator("#g-Q4")
        expect(group.locator("article.flag")).to_have_count(0)  # folded, not loaded
        assert axe_violations(page) == []
        wrapper = page.locator("details.flag-groups > summary")  # few answers: all folded
        if wrapper.count():
            wrapper.click()
        group.locator(":scope > summary").click()
        expect(group.locator("article.flag").first).to_be_visible()
        count = int(group.locator(":scope > summary").inner_text().split("(")[1].split(")")[0])
        expect(group.locator("article.flag")).to_have_count(count)
        expect(group.get_by_role("link", name="Afficher ces points")).to_have_count(0)
        # Closed and opened again: loaded once, not twice.
        group.locator(":scope > summary").click()
        group.locator(":scope > summary").click()
        expect(group.locator("article.flag")).to_have_count(count)
        assert axe_violations(page) == []
    assert errors == []


def test_without_javascript_a_group_opens_on_the_legal_page(browser: Any,
                                                            live_server: Any) -> None:
    demo.create_demo()
    draft = Case.objects.get(title=demo.CANTINE.title)
    context = browser.new_context(locale="fr-FR", base_url=live_server.url,
                                  java_script_enabled=False)
    page = context.new_page()
    try:
        _login(page)
        page.goto(f"/cas/{draft.pk}/profil/")
        page.locator("details.flag-groups > summary").click()  # few answers: all folded
        group = page.locator("#g-Q4")
        group.locator(":scope > summary").click()
        group.get_by_role("link", name="Afficher ces points").click()
        expect(page).to_have_url(f"{live_server.url}/cas/{draft.pk}/juridique/?groupe=Q4#g-Q4")
        group = page.locator("#g-Q4")
        expect(group).to_have_attribute("open", "")
        expect(group.locator("article.flag").first).to_be_visible()
        expect(page.locator("#g-Q3 article.flag")).to_have_count(0)
    finally:
        context.close()
