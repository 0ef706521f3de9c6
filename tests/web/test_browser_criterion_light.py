"""Issue 17 in a browser: an answered question is edited with the keyboard (« Modifier », the
form in place with its field focused, saved, text again with the focus back on « Modifier »),
and a closed section of a long criterion is opened in place — no axe-core violation, no console
error."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from boussole.web import demo
from boussole.web.cases.models import Answer, Case
from tests.conftest import axe_violations
from tests.web.browsing import login, press, watch_console

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ITEM = "analyse_risques_dict"


def test_an_answered_question_is_edited_with_the_keyboard(page: Any) -> None:
    demo.create_demo()
    case = Case.objects.get(title=demo.CHATBOT.title)
    errors = watch_console(page)
    login(page, "juriste")
    page.goto(f"/cas/{case.pk}/critere/2/")
    assert page.evaluate("typeof window.htmx") == "object"
    item = page.locator(f"#q-{ITEM}")
    expect(item.locator("form")).to_have_count(0)  # text, not a form
    assert axe_violations(page) == []

    modifier = item.get_by_role("link", name="Modifier — Q")
    press(modifier)
    field = page.locator(f"#q-{ITEM}").get_by_label("Réponse")
    expect(field).to_be_focused()  # autofocus in the fragment swapped by htmx
    assert axe_violations(page) == []
    page.keyboard.press("Control+A")
    page.keyboard.type("Risque d'injection de prompt : filtrage des entrées.")
    press(page.locator(f"#q-{ITEM}").get_by_role("button", name="Enregistrer"))

    item = page.locator(f"#q-{ITEM}")
    expect(item.get_by_role("status")).to_have_text("Enregistré.")
    expect(item).to_contain_text("Risque d'injection de prompt : filtrage des entrées.")
    expect(item.locator("form")).to_have_count(0)
    expect(item.get_by_role("link", name="Modifier — Q")).to_be_focused()
    assert axe_violations(page) == []
    assert Answer.objects.get(case=case, item_id=ITEM).value == (
        "Risque d'injection de prompt : filtrage des entrées.")
    assert errors == []


def test_a_closed_section_is_opened_in_place(page: Any) -> None:
    demo.create_demo()
    case = Case.objects.get(title=demo.CANTINE.title)  # a draft: criterion 5 all to answer
    errors = watch_console(page)
    login(page, "numerique-responsable")
    page.goto(f"/cas/{case.pk}/critere/5/")
    usage = page.locator("#b-usage")
    expect(usage.locator("form")).to_have_count(0)
    assert axe_violations(page) == []
    press(usage.get_by_role("link", name="Ouvrir la section"))
    usage = page.locator("#b-usage")
    expect(usage.locator("form.answer-form").first).to_be_visible()
    first_field = usage.locator("form.answer-form").first.locator(
        "input:not([type=hidden]), textarea").first
    expect(first_field).to_be_focused()
    assert axe_violations(page) == []
    assert errors == []


def test_a_late_answer_does_not_take_the_focus_from_the_next_field(page: Any) -> None:
    """Someone saves Q3 and, before the server has answered, moves on to Q5 and types: the
    saved Q3 comes back as text but its « Modifier » does not take the focus (nor the
    keystrokes) from Q5. Someone who waited gets the focus on « Modifier » as before."""
    demo.create_demo()
    case = Case.objects.get(title=demo.CHATBOT.title)
    errors = watch_console(page)
    login(page, "juriste")
    page.goto(f"/cas/{case.pk}/critere/2/")
    held: list[Any] = []
    page.route("**/reponse/**", lambda route: held.append(route)
               if route.request.method == "POST" else route.continue_())

    q3 = page.locator("#q-conformite_donnees_personnelles")
    q3.get_by_label("Réponse").fill("Base légale : mission d'intérêt public.")
    press(q3.get_by_role("button", name="Enregistrer"))
    page.wait_for_function("document.querySelector('.htmx-request') !== null")
    assert len(held) == 1  # the save is on its way, held

    q5 = page.locator("#q-reglementations_sectorielles")
    justification = q5.get_by_label("Justification, source ou précision")
    justification.focus()
    page.keyboard.type("Aucune réglementation ")
    held.pop().continue_()
    expect(q3.locator(".saved")).to_contain_text("Enregistré.")
    page.wait_for_function("document.querySelector('.htmx-request') === null")
    expect(justification).to_be_focused()
    page.keyboard.type("sectorielle.")
    expect(justification).to_have_value("Aucune réglementation sectorielle.")
    assert Answer.objects.get(case=case, item_id="conformite_donnees_personnelles").value

    # Waiting for the answer: the focus goes to « Modifier » of the saved question.
    press(q5.get_by_label("Non", exact=True), " ")
    press(q5.get_by_role("button", name="Enregistrer"))
    page.wait_for_function("document.querySelector('.htmx-request') !== null")
    held.pop().continue_()
    expect(q5.get_by_role("link", name="Modifier — Q5")).to_be_focused()
    assert errors == []
