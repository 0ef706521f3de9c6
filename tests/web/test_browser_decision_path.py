"""In a real browser, with the keyboard only: from instruction to "en service" on a demo case."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from boussole.web import demo
from boussole.web.accounts.models import User
from boussole.web.cases import services
from boussole.web.cases.legal import legal_retain
from boussole.web.cases.models import Case
from tests.conftest import axe_violations
from tests.web.browsing import press

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def type_into(locator: Any, text: str) -> None:
    locator.focus()
    locator.page.keyboard.type(text)


def sign_in(browser: Any, live_server: Any, username: str) -> Any:
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.goto("/comptes/connexion/")
    type_into(page.get_by_label("Identifiant"), username)
    page.keyboard.press("Tab")
    page.keyboard.type(demo.DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes dossiers")
    return page


def open_path(page: Any, case: Case) -> None:
    page.goto(f"/cas/{case.pk}/parcours/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Parcours de décision")
    assert axe_violations(page) == []


def test_full_decision_path_with_the_keyboard(browser: Any, live_server: Any) -> None:
    demo.create_demo()
    case = Case.objects.get(title=demo.CHATBOT.title)
    people = {u.username: u for u in User.objects.filter(organisation__slug=demo.DEMO_SLUG)}
    # The instruction itself (answers, opinions) is covered by the instruction tests.
    for number in range(1, 8):
        if not case.opinions.filter(criterion=number).exists():
            services.opinion_give(case=case, user=demo.expert_for(number, people), criterion=number,
                                  verdict="favorable")
    legal_retain(case=case, user=people["juriste"], retained_level=case.legal_level)

    pilot = sign_in(browser, live_server, "numerique")
    open_path(pilot, case)
    press(pilot.get_by_role("button", name="Consolider l'avis du groupe"))
    expect(pilot.get_by_text("Étape enregistrée")).to_be_visible()
    press(pilot.get_by_label("Favorable avec réserves"), " ")
    type_into(pilot.get_by_label("Recommandations"), "Tester le service avec des habitants.")
    type_into(pilot.get_by_label("Conditions (une par ligne)"), "Bilan à 6 mois")
    press(pilot.get_by_role("button", name="Enregistrer l'avis du groupe"))
    expect(pilot.get_by_text("Avis du groupe enregistré.")).to_be_visible()
    press(pilot.get_by_role("button", name="Transmettre aux élus pour décision"))
    expect(pilot.get_by_role("link", name="Version 1")).to_be_visible()
    assert axe_violations(pilot) == []

    for login, choice in (("elu-numerique", "Validé"), ("elu-rh", "Validé"),
                          ("elu-thematique", "Validé sous conditions")):
        elected = sign_in(browser, live_server, login)
        press(elected.get_by_role("link", name="Mes tâches"))
        expect(elected.get_by_role("link", name=f"{case.reference} — {case.title}")).to_be_visible()
        assert axe_violations(elected) == []
        open_path(elected, case)
        press(elected.get_by_label(choice, exact=True), " ")
        type_into(elected.locator("#d-conditions"), "Bilan à 6 mois présenté aux élus.")
        type_into(elected.get_by_label("Référence de la délibération ou de l'arrêté"),
                  "Délibération n° 2026-301")
        expect(elected.get_by_text("Vous décidez de l'usage de l'IA")).to_be_visible()
        if login == "elu-numerique":  # without the confirmation: refused, what was typed kept
            press(elected.get_by_role("button", name="Enregistrer ma décision"))
            expect(elected.locator("#decision-errors")).to_contain_text("Je confirme ma décision")
            expect(elected.locator("#decision-errors")).to_be_focused()
            expect(elected.locator("#reference")).to_have_value("Délibération n° 2026-301")
            expect(elected.get_by_label(choice, exact=True)).to_be_checked()
            assert axe_violations(elected) == []
        press(elected.get_by_label("Je confirme ma décision", exact=False), " ")
        press(elected.get_by_role("button", name="Enregistrer ma décision"))
        expect(elected.get_by_text("Votre décision est enregistrée.")).to_be_visible()
        elected.context.close()

    open_path(pilot, case)
    press(pilot.get_by_role("button", name="Constater la validation des élus"))
    expect(pilot.get_by_text("Étape enregistrée")).to_be_visible()

    lead = sign_in(browser, live_server, "porteur")
    open_path(lead, case)
    type_into(lead.get_by_label("Documents présentés"), "Note d'aide à la décision, version 1")
    type_into(lead.get_by_label("Questions posées"), "Quelle charge pour l'accueil ?")
    press(lead.get_by_role("button", name="Enregistrer l'information syndicale"))
    expect(lead.get_by_text("Information syndicale enregistrée.")).to_be_visible()
    press(lead.get_by_role("button", name="Mettre en service (information syndicale faite)"))
    expect(lead.get_by_text("Étape actuelle : En service — suivi")).to_be_visible()
    assert axe_violations(lead) == []
    case.refresh_from_db()
    assert case.state == "en_service"
    assert [e.action for e in case.audit_events.filter(action="state_changed")][-5:] == [
        "state_changed"] * 5
    for page in (pilot, lead):
        page.context.close()
