"""In a real headless Chromium: the project lead adds a measure to the action plan from a
recommendation written earlier, with the keyboard, sees it, is refused an incomplete one, and
the owner marks it done; axe-core finds no WCAG 2.1 A/AA violation on the page in each state
(issue 12, item 9)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from boussole.web import demo
from boussole.web.accounts.models import User
from boussole.web.cases.models import Case, Measure, Opinion
from tests.conftest import axe_violations
from tests.web.browsing import login_with_pointer as login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_action_plan_page(page: Any, browser: Any, live_server: Any) -> None:
    demo.create_demo()
    case = Case.objects.get(title=demo.CHATBOT.title)
    lawyer = User.objects.get(username="juriste")
    Opinion.objects.update_or_create(
        case=case, criterion=2, defaults={"verdict": "favorable_reserves", "author": lawyer,
                                          "recommendations": "Chiffrer les échanges."})
    login(page, "porteur")
    page.goto(f"/cas/{case.pk}/")
    page.get_by_role("link", name="Plan d'action").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Plan d'action")
    assert axe_violations(page) == []

    # Refused: nothing typed but the text; the summary names what is missing.
    page.get_by_label("Mesure à réaliser").fill("Former les agents")
    page.get_by_role("button", name="Ajouter au plan d'action").click()
    expect(page.locator("#mesure-erreurs")).to_contain_text("Rien n'a été enregistré")
    expect(page.get_by_label("Mesure à réaliser")).to_have_value("Former les agents")
    assert axe_violations(page) == []
    assert not Measure.objects.exists()

    # One click prefills the form from the recommendation; the keyboard does the rest.
    page.get_by_role("link", name="Créer une mesure — Chiffrer les échanges.").click()
    expect(page.get_by_label("Mesure à réaliser")).to_have_value("Chiffrer les échanges.")
    page.get_by_label("Une personne de l'organisation").select_option(label=str(lawyer))
    due = timezone.localdate() + dt.timedelta(days=30)
    page.get_by_label("Échéance").fill(due.isoformat())
    page.get_by_label("Échéance").press("Enter")
    row = page.locator("tr", has_text="Chiffrer les échanges.")
    expect(row).to_contain_text(str(lawyer))
    expect(row).to_contain_text(due.strftime("%d/%m/%Y"))
    expect(row).to_contain_text("À faire")
    expect(page.get_by_role("link", name="Créer une mesure — Chiffrer les échanges.")
           ).to_have_count(0)
    assert axe_violations(page) == []

    # The owner marks it done.
    context = browser.new_context(locale="fr-FR", base_url=live_server.url)
    owner = context.new_page()
    login(owner, "juriste")
    owner.goto(f"/cas/{case.pk}/plan-action/")
    owner.get_by_text("Changer le statut").click()
    owner.get_by_label("Nouveau statut").select_option(label="Fait")
    owner.get_by_role("button", name="Enregistrer le statut").click()
    expect(owner.locator("tr", has_text="Chiffrer les échanges.")).to_contain_text("Fait")
    assert axe_violations(owner) == []
    context.close()
    assert Measure.objects.get().status == "fait"
