"""In a real headless Chromium: the lead of the demo case in service opens its « Indicateurs »
tab, sees each indicator's SVG chart with its data table, is refused an incomplete indicator
with the values kept, records a value with the keyboard; axe-core finds no WCAG 2.1 A/AA
violation on the page in each state (issue 13, item 3)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from boussole.web import demo
from boussole.web.cases.models import Case
from boussole.web.indicators.models import Indicator, Measurement
from tests.conftest import axe_violations
from tests.web.browsing import login_with_pointer as login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_indicators_page(page: Any) -> None:
    demo.create_demo()
    case = Case.objects.get(title=demo.EKONOMIA.title)
    login(page, "porteur")
    page.goto(f"/cas/{case.pk}/")
    page.get_by_role("link", name="Indicateurs").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Indicateurs")
    charts = page.get_by_role("img", name="Évolution de « Appels pour surconsommation »")
    expect(charts).to_have_count(1)
    expect(page.locator("svg[role=img]")).to_have_count(3)
    expect(page.get_by_role("table", name="Données du graphique : Appels pour surconsommation")
           ).to_contain_text("330 appels/mois")
    assert axe_violations(page) == []

    # Refused: a label only; the summary says what is missing and the label is kept.
    page.get_by_label("Libellé").fill("Délai de traitement")
    page.get_by_role("button", name="Ajouter l'indicateur").click()
    expect(page.locator("#indicateur-erreurs")).to_contain_text("Rien n'a été enregistré")
    expect(page.get_by_label("Libellé")).to_have_value("Délai de traitement")
    assert axe_violations(page) == []
    assert Indicator.objects.filter(case=case).count() == 3

    # A value at one year, with the keyboard.
    indicator = Indicator.objects.get(case=case, label="Appels pour surconsommation")
    section = page.locator(f"#indicateur-{indicator.pk}")
    section.get_by_text("Enregistrer une valeur").focus()
    page.keyboard.press("Enter")
    section.get_by_label("Étape de suivi").select_option("A1")
    today = Measurement.objects.filter(indicator=indicator, stage="M6").get().measured_on
    section.get_by_label("Valeur mesurée (appels/mois)").fill("300")
    section.get_by_label("Date de mesure").fill(today.isoformat())
    section.get_by_label("Date de mesure").press("Enter")
    expect(page.get_by_role("table", name="Données du graphique : Appels pour surconsommation")
           ).to_contain_text("300 appels/mois")
    assert Measurement.objects.get(indicator=indicator, stage="A1").value == 300.0
    assert axe_violations(page) == []
