"""In a real headless Chromium, on the demo: the public register and a notice are axe-core clean
and readable on a phone; with JavaScript disabled, a visitor filters the register, opens a
notice, unfolds its details and sends a question with the keyboard only — and no cookie is
ever set; the organisation's publisher answers from an accessible moderation queue (issue 14,
items 3 and 5)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from boussole.web import demo
from boussole.web.register import services
from boussole.web.register.models import PublicQuestion
from boussole.web.transparency.selectors import current_publications
from tests.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def focused(page: Any) -> Any:
    return page.locator(":focus")


def tab_until(page: Any, condition: Any, limit: int = 60) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if condition(focused(page)):
            return
    raise AssertionError("not reachable with Tab")


def _notice(individual: bool) -> Any:
    return next(p for p in current_publications()
                if p.content.get("founds_individual_decisions") is individual)


def test_register_and_notice_are_accessible_and_fit_a_phone(page: Any) -> None:
    """axe-core needs scripts to run; the public pages have none, so what it checks here is
    exactly what a browser without JavaScript renders (the second test)."""
    demo.create_demo()
    publication = _notice(True)
    notice = f"/registre/{publication.organisation.slug}/{publication.content['reference']}/"
    for url in ("/registre/", f"/registre/{publication.organisation.slug}/?decisions=oui",
                notice):
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_have_count(1)
        assert axe_violations(page) == [], url
    page.get_by_text("Afficher le détail").click()
    expect(page.get_by_role("heading", name="La décision")).to_be_visible()
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 360, "height": 740})
    for url in ("/registre/", notice):
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth <= "
                             "document.documentElement.clientWidth"), url
    assert page.context.cookies() == []
    # The moderation queue of the organisation's publisher.
    services.question_submit(case=publication.notice.case, publication=publication,
                             kind="erreur", text="L'adresse du service a changé.",
                             email="habitant@exemple.fr", sender="192.0.2.1")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/comptes/connexion/")
    page.get_by_label("Identifiant").fill("juriste")
    page.get_by_label("Mot de passe").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("link", name="Messages du public").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Messages du public")
    expect(page.get_by_text("L'adresse du service a changé.")).to_be_visible()
    # The demo's own pending message is in the queue too: work on this test's message.
    message = page.locator("article").filter(has_text="L'adresse du service a changé.")
    message.get_by_text("Rejeter ce message").click()  # unfold the rejection form for axe
    assert axe_violations(page) == []
    message.get_by_label("Réponse publiée sous la question").fill("Merci, c'est corrigé.")
    message.get_by_role("button", name="Publier la réponse").click()
    expect(page.get_by_text("Réponse publiée avec la notice.")).to_be_visible()
    page.goto(notice)
    expect(page.get_by_text("Merci, c'est corrigé.")).to_be_visible()


def test_without_javascript_a_visitor_filters_reads_and_asks_with_the_keyboard(
        browser: Any, live_server: Any) -> None:
    demo.create_demo()
    individual, other = _notice(True), _notice(False)
    context = browser.new_context(locale="fr-FR", base_url=live_server.url,
                                  java_script_enabled=False)
    page = context.new_page()
    external: list[str] = []
    page.on("request", lambda request: external.append(request.url)
            if not request.url.startswith(live_server.url) else None)
    try:
        page.goto("/registre/")
        expect(page.get_by_role("link", name=other.content["title"])).to_be_visible()
        # The « fonde des décisions individuelles » filter, by keyboard.
        tab_until(page, lambda el: el.get_attribute("name") == "decisions")
        page.keyboard.press("ArrowDown")  # « Oui »
        expect(page.locator("select[name=decisions]")).to_have_value("oui")
        tab_until(page, lambda el: (el.text_content() or "").strip() == "Filtrer")
        page.keyboard.press("Enter")
        page.wait_for_url("**decisions=oui**")
        expect(page.get_by_role("link", name=other.content["title"])).to_have_count(0)
        title = individual.content["title"]
        tab_until(page, lambda el: (el.text_content() or "").strip() == title)
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        # Tier 2 is folded; the keyboard unfolds it.
        expect(page.get_by_role("heading", name="Base légale")).to_be_hidden()
        tab_until(page, lambda el: "Afficher le détail" in (el.text_content() or ""))
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name="Base légale")).to_be_visible()
        # A question, without an account.
        tab_until(page, lambda el: el.get_attribute("id") == "q-text")
        page.keyboard.type("Comment le foyer de référence est-il choisi ?")
        tab_until(page, lambda el: (el.text_content() or "").strip() == "Envoyer")
        page.keyboard.press("Enter")
        expect(page.get_by_role("status")).to_contain_text("votre message a été transmis")
        assert PublicQuestion.objects.filter(
            text="Comment le foyer de référence est-il choisi ?", status="en_attente").count() == 1
        assert context.cookies() == []
        assert external == []
    finally:
        context.close()
