"""The green-IT referent fills criterion 5 of the demo chatbot case with the keyboard, overrides
a figure, uses the sizing help, and compares the AI option with a scenario without AI."""

from __future__ import annotations

import os
from typing import Any

import pytest
from playwright.sync_api import expect

from boussole.web import demo
from boussole.web.cases.models import Answer, Case
from boussole.web.footprint.models import ComputedAnswer, FootprintInput, NoAiComparison
from tests.conftest import axe_violations
from tests.web.browsing import login, press

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOT = os.environ.get("BOUSSOLE_FOOTPRINT_SCREENSHOT", "")


def type_into(locator: Any, text: str) -> None:
    """Focus a field, clear it and type, as a keyboard user does."""
    locator.focus()
    locator.page.keyboard.press("Control+A")
    locator.page.keyboard.press("Delete")
    locator.page.keyboard.type(text)


def shot(page: Any, name: str, locator: Any = None) -> None:
    """A screenshot for a person to look at, when BOUSSOLE_FOOTPRINT_SCREENSHOT names a file."""
    if SCREENSHOT:
        if locator is not None:
            locator.scroll_into_view_if_needed()
        page.screenshot(path=SCREENSHOT.replace(".png", f"-{name}.png"))


def no_violations(page: Any) -> None:
    violations = axe_violations(page)
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]


def test_referent_fills_criterion_5_of_the_chatbot_with_the_keyboard(page: Any) -> None:
    demo.create_demo()
    case = Case.objects.get(title=demo.CHATBOT.title)
    login(page, "numerique-responsable")
    press(page.get_by_role("link", name=demo.CHATBOT.title).first)
    press(page.get_by_role("link", name="Critère 5").first)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Critère 5")
    no_violations(page)
    press(page.get_by_role("link", name="Ouvrir le calculateur d'empreinte"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("calculateur d'empreinte")
    no_violations(page)

    # One group open at a time: the others open in place (htmx), focused, with their fields.
    for key, name in (("infrastructure", "Infrastructure"),
                      ("modele", "Modèle et appels au modèle (API)"),
                      ("cpu", "Calculs : partie CPU"),
                      ("stockage", "Stockage et transfert des données")):
        press(page.locator(f"#g-{key}").get_by_role("link", name=f"ce groupe — {name}"))
        expect(page.locator(f"#g-{key}")).not_to_have_class("fp-group fp-closed")
        expect(page.locator(f"#g-{key}")).to_be_focused()
        # Every request of that opening done (the suggestion lists follow the group), so that
        # the next key goes where the focus now is.
        page.wait_for_function("() => !document.querySelector('.htmx-request')")
    expect(page.locator("#dl-cpus option").first).to_be_attached()
    no_violations(page)
    # Prefilled from the grid: Q35 (7 billion parameters) and Q37 (5,000 questions a month).
    model = page.locator("#g-modele")
    expect(model.get_by_label("Paramètres du modèle")).to_have_value("7")
    expect(model.get_by_role("textbox", name="Nombre de requêtes")).to_have_value("60000")
    expect(model.get_by_label("Période — Nombre de requêtes")).to_have_value("year")
    type_into(page.locator("#g-infrastructure").get_by_label("Lieu de l'infrastructure"), "FR")
    type_into(page.locator("#g-infrastructure").get_by_label("PUE du centre de données"), "1,3")
    type_into(model.get_by_label("Jetons générés par réponse"), "400")
    cpu = page.locator("#g-cpu")
    type_into(cpu.get_by_label("Heures d'utilisation par an"), "8760")
    type_into(cpu.get_by_label("Nombre de cœurs"), "4")
    type_into(cpu.get_by_label("Mémoire vive"), "16")
    storage = page.locator("#g-stockage")
    type_into(storage.get_by_label("Volume stocké"), "0,5")
    type_into(storage.get_by_label("Données transférées par an"), "200")
    press(page.get_by_role("button", name="Calculer et enregistrer"))

    expect(page.get_by_role("heading", name="Résultats")).to_be_visible()
    for label in ("Q27", "Q45", "Q51", "Q59"):
        expect(page.locator(".computed-answer .num", has_text=label)).to_be_visible()
    chart = page.get_by_role("img", name="Répartition des émissions par poste")
    expect(chart).to_be_visible()
    expect(page.get_by_role("table").filter(has_text="Données du graphique")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Voiture thermique")).to_be_visible()
    no_violations(page)
    stored = FootprintInput.objects.get(case=case)
    assert stored.document["llm_api"]["output_tokens"] == 400
    assert set(ComputedAnswer.objects.filter(case=case).values_list("question_id", flat=True)
               ) == {"emissions_fabrication", "cpu_emissions", "gpu_emissions",
                     "stockage_emissions"}
    computed = Answer.objects.get(case=case, item_id="cpu_emissions")

    # An override without justification is refused next to the field; nothing changes.
    q45 = page.locator("#v-cpu_emissions")
    press(q45.get_by_text("Remplacer la valeur calculée de Q45"))
    type_into(q45.get_by_label("Valeur retenue"), "40")
    press(q45.get_by_role("button", name="Remplacer la valeur — Q45"))
    q45 = page.locator("#v-cpu_emissions")
    expect(q45.locator(".field-error")).to_have_text(
        "Une valeur saisie à la place du calcul doit être justifiée.")
    expect(q45.get_by_label("Justification (obligatoire)")).to_have_attribute(
        "aria-invalid", "true")
    assert Answer.objects.get(case=case, item_id="cpu_emissions").value == computed.value
    assert ComputedAnswer.objects.get(case=case, question_id="cpu_emissions").retained_value is None
    shot(page, "override-refused", q45)
    no_violations(page)
    # With a justification, it is kept beside the computed figure.
    type_into(q45.get_by_label("Justification (obligatoire)"),
              "Consommation mesurée du serveur frontal, relevé de l'hébergeur.")
    press(q45.get_by_role("button", name="Remplacer la valeur — Q45"))
    expect(page.locator("#v-cpu_emissions")).to_contain_text("remplacée par le groupe")
    assert Answer.objects.get(case=case, item_id="cpu_emissions").value == 40
    no_violations(page)
    if SCREENSHOT:  # for a person to look at: the whole page, then in readable slices
        page.screenshot(path=SCREENSHOT, full_page=True)
        height = page.evaluate("document.documentElement.scrollHeight")
        for index, top in enumerate(range(0, height, 1200)):
            page.screenshot(path=SCREENSHOT.replace(".png", f"-{index + 1}.png"), full_page=True,
                            clip={"x": 0, "y": top, "width": 1280,
                                  "height": min(1200, height - top)})

    # The criterion page shows the retained figures and the doctrine checks.
    press(page.get_by_role("link", name="Retour aux questions du critère 5"))
    expect(page.get_by_role("heading", name="Calculateur d'empreinte")).to_be_visible()
    expect(page.locator("section").filter(has_text="Calculateur d'empreinte").first
           ).to_contain_text("Localisée en France : respecté")
    no_violations(page)


def test_sizing_help_and_the_no_ai_comparison(page: Any) -> None:
    demo.create_demo()
    case = Case.objects.get(title=demo.CHATBOT.title)
    login(page, "numerique-responsable")
    page.goto(f"/cas/{case.pk}/empreinte/estimation/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Aide au dimensionnement de l'empreinte")
    expect(page.get_by_label("Taille du modèle")).to_have_value("7")
    expect(page.get_by_role("textbox", name="Nombre de requêtes")).to_have_value("5000")
    expect(page.get_by_label("Période — Nombre de requêtes")).to_have_value("month")
    no_violations(page)
    press(page.get_by_role("button", name="Estimer"))
    expect(page.get_by_role("heading", name="Hypothèses")).to_be_visible()
    expect(page.get_by_text("Jetons générés par réponse (agent conversationnel)")).to_be_visible()
    shot(page, "estimate", page.get_by_role("heading", name="Estimation"))
    no_violations(page)
    press(page.get_by_role("button", name="Utiliser cette estimation dans le calculateur"))
    expect(page.get_by_role("heading", name="Résultats")).to_be_visible()
    assert FootprintInput.objects.get(case=case).document["llm_api"]["requests_per_year"] == 60000

    page.goto(f"/cas/{case.pk}/critere/7/")
    press(page.get_by_role("link", name="Ouvrir la comparaison avec une solution sans IA"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("sans IA")
    no_violations(page)
    # The conclusion is required.
    press(page.get_by_role("button", name="Enregistrer la conclusion"))
    expect(page.locator("#e-c-conclusion")).to_have_text("La conclusion du groupe est obligatoire.")
    no_violations(page)
    new = page.locator("form").filter(has=page.get_by_role("button", name="Ajouter le scénario"))
    type_into(new.get_by_label("Intitulé du scénario"), "FAQ enrichie et rappel par un agent")
    type_into(new.get_by_label("Bénéfice pour le service"), "Réponses vérifiées.")
    type_into(new.get_by_label("Réversibilité et mode dégradé"), "Totale.")
    type_into(new.get_by_label("Travail sur poste informatique"), "1600")
    press(new.get_by_role("button", name="Ajouter le scénario"))
    table = page.get_by_role("table", name="L'option avec IA et chaque scénario sans IA")
    expect(table.get_by_role("columnheader", name="FAQ enrichie et rappel par un agent")
           ).to_be_visible()
    expect(table.get_by_role("rowheader", name="Réversibilité et mode dégradé")).to_be_visible()
    type_into(page.get_by_label("Conclusion du groupe (obligatoire)"),
              "L'agent conversationnel est retenu ; la FAQ reste le mode dégradé.")
    press(page.get_by_role("button", name="Enregistrer la conclusion"))
    expect(page.get_by_role("status").filter(has_text="Comparaison conclue")).to_be_visible()
    assert NoAiComparison.objects.get(case=case).concluded
    shot(page, "alternative", table)
    no_violations(page)

    # An elected official reads both pages, without forms.
    page.context.clear_cookies()
    login(page, "elu-numerique")
    for target in (f"/cas/{case.pk}/empreinte/", f"/cas/{case.pk}/empreinte/alternative/"):
        page.goto(target)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert page.locator("form[method=post] textarea, form[method=post] input[type=text]"
                            ).count() == 0
        no_violations(page)
