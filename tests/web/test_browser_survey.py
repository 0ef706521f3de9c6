"""In a real headless Chromium: an agent answers the working-conditions survey through its
link, without an account, with the keyboard only; axe-core finds no WCAG 2.1 A/AA violation on
the survey page nor on the case's results page (issue 13)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from boussole.web import demo
from boussole.web.accounts.models import User
from boussole.web.cases.models import Case
from boussole.web.surveys import services
from boussole.web.surveys.models import SurveyResponse
from tests.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def focused_id(page: Any) -> str:
    return str(page.evaluate("document.activeElement && document.activeElement.id"))


def tab_to(page: Any, element_id: str) -> None:
    for _ in range(40):
        page.keyboard.press("Tab")
        if focused_id(page) == element_id:
            return
    raise AssertionError(f"#{element_id} is not reachable with Tab")


def test_an_agent_answers_with_the_keyboard_only(page: Any) -> None:
    demo.create_demo()
    case = Case.objects.get(title=demo.EKONOMIA.title)
    survey_round = services.round_open(case=case, user=User.objects.get(username="rh"),
                                       stage="M6", direction="Relation abonnés")
    page.goto(f"/enquete/{survey_round.token}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("conditions de travail")
    expect(page.get_by_role("group", name="1. L'outil m'aide à réguler ma charge de travail.")
           ).to_be_visible()
    assert axe_violations(page) == []

    wanted = {"charge_travail": 4, "competences": 2, "relations": 3, "autonomie": 5,
              "sante": 1}
    tab_to(page, "q-charge_travail-1")
    for index, (question, value) in enumerate(wanted.items()):
        if index:
            page.keyboard.press("Tab")  # the next group: its first option
            assert focused_id(page) == f"q-{question}-1"
        page.keyboard.press("Space")
        for _ in range(value - 1):
            page.keyboard.press("ArrowDown")
        assert focused_id(page) == f"q-{question}-{value}"
        expect(page.locator(f"#q-{question}-{value}")).to_be_checked()
    page.keyboard.press("Tab")
    assert focused_id(page) == "q-commentaire"
    page.keyboard.type("Plus de temps pour les abonnés.")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Merci, vos réponses sont enregistrées")
    assert axe_violations(page) == []
    stored = SurveyResponse.objects.get(survey_round=survey_round)
    assert stored.answers == {**wanted, "commentaire": "Plus de temps pour les abonnés."}


def test_the_results_page_is_accessible(page: Any) -> None:
    demo.create_demo()
    case = Case.objects.get(title=demo.EKONOMIA.title)
    page.goto("/comptes/connexion/")
    page.get_by_label("Identifiant").fill("rh")
    page.get_by_label("Mot de passe").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.goto(f"/cas/{case.pk}/")
    page.get_by_role("link", name="Enquêtes", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Enquêtes sur les conditions de travail")
    expect(page.locator("svg[role=img]")).to_have_count(1)
    expect(page.get_by_role("table")).to_contain_text("Moyenne (1 à 5)")
    expect(page.get_by_text("Moins d'appels d'abonnés surpris par leur facture.")).to_be_visible()
    assert axe_violations(page) == []
    page.goto("/enquetes/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("tous les dossiers")
    assert axe_violations(page) == []
