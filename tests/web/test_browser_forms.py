"""Forms that keep what was typed, in a real browser: a contradictory answer ("Usagers" +
"Aucune") is refused with the French message at the field and in a summary that takes the
focus, every box still ticked (with htmx, and without JavaScript); leaving a page with an
edited, unsaved field asks for confirmation (beforeunload), saving clears it."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from boussole.web import demo
from boussole.web.cases.models import Answer, Case
from tests.conftest import axe_violations
from tests.web.browsing import login_with_pointer as login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MESSAGE = "« Aucune » ne peut pas être combiné avec d'autres options (« Usagers »)"


def chatbot() -> Case:
    return Case.objects.get(title=demo.CHATBOT.title)


def stored(case: Case, item_id: str) -> Any:
    answer = Answer.objects.filter(case=case, item_id=item_id).first()
    return (answer.value, answer.revision) if answer else None


def tick_usagers_and_aucune(page: Any) -> Any:
    """On the profile, in the step of « personnes » (saved at once): returns the fact."""
    section = page.locator("#q-personnes")
    section.get_by_label("Usagers", exact=True).check()
    section.get_by_label("Aucune", exact=True).check()
    save_step(page)
    return section


def save_step(page: Any) -> None:
    page.locator("#etape-B").get_by_role("button", name="Enregistrer cette étape").click()


def assert_refused_with_everything_kept(page: Any, section: Any) -> None:
    summary = page.locator("#etape-B [data-error-summary]")
    expect(summary).to_contain_text(MESSAGE)
    expect(summary).to_have_attribute("role", "alert")
    expect(summary.get_by_role("link")).to_have_attribute("href", "#v-personnes-0")
    expect(section.locator(".field-error")).to_contain_text(MESSAGE)
    expect(summary).to_be_focused()
    expect(section.get_by_label("Usagers", exact=True)).to_be_checked()
    expect(section.get_by_label("Aucune", exact=True)).to_be_checked()
    # The field names its message; the summary comes before the field.
    usagers = section.get_by_label("Usagers", exact=True)
    expect(usagers).to_have_attribute("aria-describedby", "e-personnes")
    above = page.evaluate("""() => {
        const s = document.querySelector('#etape-B [data-error-summary]');
        const f = document.getElementById('v-personnes-0');
        return Boolean(s.compareDocumentPosition(f) & Node.DOCUMENT_POSITION_FOLLOWING);
    }""")
    assert above


def test_contradictory_choices_are_refused_and_kept_with_htmx(page: Any) -> None:
    demo.create_demo()
    case = chatbot()
    before = stored(case, "personnes")
    login(page, "juriste")
    page.goto(f"/cas/{case.pk}/profil/?etape=B")  # the step of « personnes »
    assert page.evaluate("typeof window.htmx") == "object"
    url = page.url
    section = tick_usagers_and_aucune(page)
    assert_refused_with_everything_kept(page, section)
    assert page.url == url  # swapped in place by htmx
    assert stored(case, "personnes") == before
    # Following the summary's link reaches the first choice.
    page.locator("#etape-B [data-error-summary]").get_by_role("link").click()
    assert page.evaluate("location.hash") == "#v-personnes-0"
    assert axe_violations(page) == []
    # Unticking "Aucune" saves.
    section.get_by_label("Aucune", exact=True).uncheck()
    save_step(page)
    expect(page.locator("#etape-B .saved")).to_contain_text("Étape enregistrée.")
    assert "usagers" in stored(case, "personnes")[0]


def test_contradictory_choices_are_refused_and_kept_without_javascript(
        browser: Any, live_server: Any) -> None:
    demo.create_demo()
    case = chatbot()
    context = browser.new_context(locale="fr-FR", base_url=live_server.url,
                                  java_script_enabled=False)
    page = context.new_page()
    try:
        login(page, "juriste")
        page.goto(f"/cas/{case.pk}/profil/?etape=B")  # the step of « personnes »
        section = tick_usagers_and_aucune(page)
        expect(page).to_have_url(f"{live_server.url}/cas/{case.pk}/profil/etape/B/")
        # The whole page comes back (status 400); the summary has the focus (autofocus).
        assert_refused_with_everything_kept(page, section)
    finally:
        context.close()


def test_leaving_with_unsaved_changes_asks_first(page: Any) -> None:
    demo.create_demo()
    case = chatbot()
    login(page, "juriste")
    profile = f"/cas/{case.pk}/profil/?etape=B"  # the step of « personnes », open
    page.goto(profile)
    dialogs: list[str] = []
    answer = {"leave": False}

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.type)
        if answer["leave"]:
            dialog.accept()
        else:
            dialog.dismiss()

    page.on("dialog", on_dialog)
    home = page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Mes dossiers")
    # Nothing typed: leaving asks nothing.
    home.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes dossiers")
    assert dialogs == []
    page.goto(profile)
    # A field edited and not saved: leaving asks; staying keeps the page and what was typed.
    justification = page.locator("#q-personnes").get_by_label("Source ou précision")
    justification.fill("Registre des traitements, fiche 12")
    home.click(no_wait_after=True)
    page.wait_for_timeout(300)
    assert dialogs == ["beforeunload"]
    assert page.url.endswith(profile)
    expect(justification).to_have_value("Registre des traitements, fiche 12")
    # Saved (htmx): leaving asks nothing any more.
    save_step(page)
    expect(page.locator("#etape-B .saved")).to_contain_text("Étape enregistrée.")
    home.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes dossiers")
    assert dialogs == ["beforeunload"]
    # Edited again, and the person chooses to leave: the browser asks, then leaves.
    page.goto(profile)
    page.locator("#q-personnes").get_by_label("Source ou précision").fill("Autre source")
    answer["leave"] = True
    home.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes dossiers")
    assert dialogs == ["beforeunload", "beforeunload"]
