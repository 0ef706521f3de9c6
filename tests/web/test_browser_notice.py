"""In a real headless Chromium: the demo DPO opens the notice of the chatbot case (a draft),
sees the plain-language advice refresh while typing (htmx), saves, publishes with the keyboard,
then withdraws it with a reason with JavaScript disabled; axe-core finds no WCAG 2.1 A/AA
violation on the page with JavaScript."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from boussole.web import demo
from boussole.web.cases.models import Case
from boussole.web.transparency.models import NoticePublication
from tests.conftest import axe_violations
from tests.web.browsing import login_with_pointer as login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_notice_editor(page: Any, browser: Any, live_server: Any) -> None:
    demo.create_demo()
    case = Case.objects.get(title=demo.CHATBOT.title)
    login(page, "juriste")
    page.goto(f"/cas/{case.pk}/")
    page.get_by_role("link", name="Écrire, relire ou publier la notice publique").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notice publique")
    page.wait_for_load_state()
    assert page.evaluate("typeof window.htmx") == "object"
    assert axe_violations(page) == []

    # The advice follows the text while it is typed (htmx), without saving anything.
    summary = page.get_by_label("Ce que fait l'outil")
    summary.fill("")
    summary.press_sequentially("Un LLM répond aux questions.", delay=5)
    advice = page.locator("#conseils-summary")
    expect(advice).to_contain_text("LLM")
    expect(advice).to_contain_text("modèle de langage")
    assert axe_violations(page) == []

    page.get_by_role("button", name="Enregistrer la notice").click()
    expect(page.get_by_role("status")).to_contain_text("Notice enregistrée")
    publish = page.get_by_role("button", name="Publier la notice")
    publish.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Notice publiée (version 1)")
    assert NoticePublication.objects.filter(notice__case=case, withdrawn_at=None).count() == 1
    assert axe_violations(page) == []

    # Without JavaScript: the advice is on the page, the withdrawal form works.
    context = browser.new_context(locale="fr-FR", base_url=live_server.url,
                                  java_script_enabled=False)
    plain = context.new_page()
    login(plain, "juriste")
    plain.goto(f"/cas/{case.pk}/notice/")
    expect(plain.locator("#conseils-summary")).to_contain_text("LLM")
    plain.get_by_label("Motif du retrait (obligatoire)").fill("Relecture par le service.")
    plain.get_by_role("button", name="Retirer la notice du registre").click()
    expect(plain.get_by_role("status")).to_contain_text("Notice retirée du registre")
    expect(plain.get_by_role("table")).to_contain_text("Relecture par le service.")
    context.close()
    assert NoticePublication.objects.get(notice__case=case).withdrawn_at is not None
