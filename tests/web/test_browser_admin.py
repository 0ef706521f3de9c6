"""In a real headless Chromium: an administrator opens Administration from the main menu,
invites a referent (a refused form first, its error summary and field errors), changes the
settings; the invited person activates the account through the link; axe-core finds no WCAG
2.1 A/AA violation on any administration, invitation or password reset page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import expect

from boussole.web.accounts.models import User
from tests.conftest import axe_violations
from tests.web.test_browser_phone import OVERFLOWING

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_invites_and_the_person_activates(browser: Any, live_server: Any,
                                                organisation: Any, make_user: Any) -> None:
    make_user("admin", organisation, role="admin", first_name="Alix", last_name="Admin")
    context = browser.new_context(locale="fr-FR", base_url=live_server.url)
    page = context.new_page()
    page.goto("/comptes/connexion/")
    page.get_by_label("Identifiant").fill("admin")
    page.get_by_label("Mot de passe").fill("mot-de-passe-de-test")
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Administration").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Administration")
    assert axe_violations(page) == []

    page.get_by_role("link", name="Inviter une personne").click()
    page.get_by_label("Adresse électronique").fill("rita@ville.fr")
    page.get_by_label("Rôle").select_option("referent")
    page.get_by_role("button", name="Envoyer l'invitation").click()
    summary = page.get_by_role("alert").filter(has_text="Rien n'a été enregistré")
    expect(summary).to_contain_text("doit avoir un domaine")
    expect(page.get_by_label("Adresse électronique")).to_have_value("rita@ville.fr")
    assert axe_violations(page) == []
    page.get_by_label("Domaine (référent·e)").select_option("juridique")
    page.get_by_role("button", name="Envoyer l'invitation").click()
    expect(page.get_by_role("status")).to_contain_text("Invitation envoyée à rita@ville.fr")
    expect(page.get_by_role("row", name=re.compile("rita@ville.fr"))).to_contain_text(
        "invitation en attente")

    page.get_by_role("link", name="rita@ville.fr").first.click()
    expect(page.get_by_role("button", name="Révoquer")).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_role("link", name="Paramètres").click()
    page.get_by_label("Calendrier de suivi").fill("12,6")
    page.get_by_role("button", name="Enregistrer les paramètres").click()
    expect(page.get_by_role("alert").filter(has_text="Rien n'a été enregistré")
           ).to_contain_text("mois croissants")
    assert axe_violations(page) == []
    page.get_by_label("Calendrier de suivi").fill("0,12,36")
    page.get_by_role("button", name="Enregistrer les paramètres").click()
    expect(page.get_by_role("status")).to_contain_text("Paramètres de l'organisation enregistrés")

    page.get_by_role("link", name="Journal").click()
    expect(page.get_by_role("table")).to_contain_text("Paramètres de l'organisation modifiés")
    assert axe_violations(page) == []
    # On a phone the people list and the journal are stacked rows: no horizontal scroll.
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/administration/journal/", "/administration/"):
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (path, page.evaluate(OVERFLOWING, 390))
    assert axe_violations(page) == []
    context.close()

    link = re.search(r"https?://\S+", mail.outbox[-1].body).group(0)  # type: ignore[union-attr]
    invited = browser.new_context(locale="fr-FR", base_url=live_server.url)
    other = invited.new_page()
    other.goto(link)
    expect(other.get_by_role("heading", level=1)).to_have_text("Activer votre compte")
    assert axe_violations(other) == []
    other.locator("#id_new_password1").fill("Rita-Juridique-2026!")
    other.get_by_label("Confirmation du mot de passe").fill("Rita-Juridique-2026!")
    other.get_by_role("button", name="Activer mon compte").click()
    expect(other.get_by_role("status")).to_contain_text("Votre compte est activé")
    assert User.objects.get(email="rita@ville.fr").is_active
    other.goto(link)
    expect(other.get_by_role("heading", level=1)).to_have_text("Ce lien n'est pas valable")
    assert axe_violations(other) == []
    other.goto("/mot-de-passe/oublie/")
    assert axe_violations(other) == []
    other.get_by_label("Adresse électronique").fill("personne@ville.fr")
    other.get_by_role("button", name="Recevoir un lien").click()
    expect(other.get_by_role("heading", level=1)).to_have_text("Demande enregistrée")
    assert axe_violations(other) == []
    invited.close()


def test_single_sign_on_only_pages_are_accessible(page: Any, organisation: Any,
                                                  settings: Any) -> None:
    """Password login closed: the invitation page and the password reset page say so, link to
    the provider, and have no axe-core violation nor console error."""
    from boussole.web.administration import services
    from tests.web.browsing import watch_console

    settings.BOUSSOLE_PASSWORD_LOGIN = False
    settings.BOUSSOLE_OIDC_ENABLED = True
    settings.BOUSSOLE_OIDC_PROVIDER_NAME = "ProConnect"
    _invitation, link = services.user_invite(
        organisation=organisation, actor=None, email="sam@ville.fr", role="porteur",
        send=False)
    errors = watch_console(page)
    page.goto("/" + link.split("/", 3)[-1] if "://" in link else link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Activer votre compte")
    expect(page.get_by_role("link", name="Se connecter avec ProConnect")).to_be_visible()
    expect(page.locator('input[type="password"]')).to_have_count(0)
    assert axe_violations(page) == []
    page.goto("/mot-de-passe/oublie/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Connexion par mot de passe fermée")
    expect(page.get_by_role("link", name="Se connecter avec ProConnect")).to_be_visible()
    assert axe_violations(page) == []
    assert errors == []
