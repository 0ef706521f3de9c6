"""A referent instructs criterion 2 with the keyboard only; two people edit the same answer."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from boussole.web import demo
from boussole.web.cases.models import Answer, Case, Comment, Evidence, Opinion
from tests.conftest import axe_violations
from tests.web.browsing import login, press

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def chatbot() -> Case:
    return Case.objects.get(title=demo.CHATBOT.title)


def test_referent_instructs_criterion_2_with_the_keyboard(page: Any, tmp_path: Path,
                                                          settings: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "files"
    demo.create_demo()
    case = chatbot()
    login(page, "juriste")
    assert axe_violations(page) == []
    press(page.get_by_role("link", name=demo.CHATBOT.title).first)
    expect(page.get_by_role("heading", level=1)).to_have_text(demo.CHATBOT.title)
    assert axe_violations(page) == []
    press(page.get_by_role("link", name="Critère 2").first)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Critère 2")
    assert page.evaluate("typeof window.htmx") == "object"
    assert axe_violations(page) == []

    # Q3 (text), saved by htmx without reloading the page.
    q3 = page.locator("#q-conformite_donnees_personnelles")
    q3.get_by_label("Réponse").focus()
    page.keyboard.type("Base légale : mission d'intérêt public ; AIPD à mener.")
    press(q3.get_by_role("button", name="Enregistrer"))
    expect(page.locator("#q-conformite_donnees_personnelles .saved")).to_contain_text(
        "Enregistré.")
    # Q5 (yes/no with justification).
    q5 = page.locator("#q-reglementations_sectorielles")
    press(q5.get_by_label("Non", exact=True), " ")
    q5.get_by_label("Justification, source ou précision").focus()
    page.keyboard.type("Aucune réglementation sectorielle identifiée.")
    press(q5.get_by_role("button", name="Enregistrer"))
    expect(page.locator("#q-reglementations_sectorielles .saved")).to_contain_text("Enregistré.")
    # An empty answer is refused next to the field, and nothing is stored (Q4).
    q4 = page.locator("#q-conformite_textes_ia")
    press(q4.get_by_role("button", name="Enregistrer"))
    expect(page.locator("#q-conformite_textes_ia .field-error")).to_contain_text(
        "Une réponse est attendue")
    # The error summary takes the focus (autofocus, after htmx's settle): only then does the
    # keyboard move on, or the focus would be taken from the next control.
    expect(page.locator("#erreurs-conformite_textes_ia")).to_be_focused()
    # A comment on Q3.
    q3 = page.locator("#q-conformite_donnees_personnelles")
    press(q3.get_by_role("link", name="Commenter ou joindre une pièce — Q3"))
    # The discussion loads in place with the focus on its summary (autofocus, applied after
    # htmx's settle): only then does the keyboard move to the new comment.
    expect(q3.locator("details.discussion > summary")).to_be_focused()
    q3.get_by_label("Nouveau commentaire").focus()
    page.keyboard.type("Vérifier la durée de conservation des conversations.")
    press(q3.get_by_role("button", name="Commenter"))
    expect(page.locator("#q-conformite_donnees_personnelles .comment")).to_contain_text(
        "durée de conservation")
    # A file attached to Q3 (choosing the file is the operating system's dialog).
    note = tmp_path / "analyse.pdf"
    note.write_bytes(b"%PDF-1.4\n% analyse juridique\n")
    q3 = page.locator("#q-conformite_donnees_personnelles")
    q3.locator("input[type=file]").set_input_files(str(note))
    press(q3.get_by_role("button", name="Joindre — Q3"))
    expect(page.get_by_role("link", name="analyse.pdf")).to_be_visible()
    assert axe_violations(page) == []
    # The opinion on criterion 2.
    avis = page.locator("#avis")
    press(avis.get_by_label("Favorable avec réserves"), " ")
    avis.get_by_label("Recommandations", exact=False).focus()
    page.keyboard.type("Mener l'AIPD avant la mise en service.")
    press(avis.get_by_role("button", name="Enregistrer l'avis"))
    expect(page.locator("#avis")).to_contain_text("Favorable avec réserves")
    assert axe_violations(page) == []

    answers = {a.item_id: a for a in Answer.objects.filter(case=case)}
    assert answers["conformite_donnees_personnelles"].value.startswith("Base légale")
    assert answers["reglementations_sectorielles"].value == "non"
    assert "conformite_textes_ia" not in answers
    assert Comment.objects.filter(case=case, item_id="conformite_donnees_personnelles").count() == 1
    assert Evidence.objects.get(case=case).original_name == "analyse.pdf"
    assert Opinion.objects.get(case=case, criterion=2).verdict == "favorable_reserves"
    # The audit trail records each of these changes.
    page.goto(f"/cas/{case.pk}/journal/?item=conformite_donnees_personnelles")
    expect(page.locator("table")).to_contain_text(re.compile(r"a (répondu|changé la réponse)"))
    expect(page.get_by_role("status")).to_contain_text("Journal intègre")
    assert axe_violations(page) == []


def test_concurrent_edit_is_detected_and_nothing_is_overwritten(browser: Any,
                                                               live_server: Any) -> None:
    demo.create_demo()
    case = chatbot()
    url = f"/cas/{case.pk}/critere/2/"
    initial = Answer.objects.get(case=case, item_id="analyse_risques_dict").revision
    pages = []
    for username in ("juriste", "rssi"):
        context = browser.new_context(base_url=live_server.url)
        page = context.new_page()
        login(page, username)
        page.goto(url)
        pages.append(page)
    first, second = pages
    target = "#q-analyse_risques_dict"
    for page in pages:  # an answered question is text: both open its form
        page.locator(target).get_by_role("link", name="Modifier").click()
        expect(page.locator(target).get_by_label("Réponse")).to_be_focused()
    first.locator(target).get_by_label("Réponse").fill("Risque d'injection de prompt.")
    first.locator(target).get_by_role("button", name="Enregistrer").click()
    expect(first.locator(f"{target} .saved")).to_contain_text("Enregistré.")
    # The second person had the page open before: their save is a conflict.
    second.locator(target).get_by_label("Réponse").fill("Risque de fuite de conversation.")
    second.locator(target).get_by_role("button", name="Enregistrer").click()
    conflict = second.locator(f"{target} .conflict")
    expect(conflict).to_contain_text("Conflit")
    expect(conflict).to_contain_text("Risque d'injection de prompt.")
    stored = Answer.objects.get(case=case, item_id="analyse_risques_dict")
    assert stored.value == "Risque d'injection de prompt."
    assert axe_violations(second) == []
    # Both versions are visible; the second person chooses to keep theirs, knowingly.
    assert second.locator(target).get_by_label("Réponse").input_value() == (
        "Risque de fuite de conversation.")
    second.locator(target).get_by_role("button", name="Enregistrer").click()
    expect(second.locator(f"{target} .saved")).to_contain_text("Enregistré.")
    stored.refresh_from_db()
    assert stored.value == "Risque de fuite de conversation."
    assert stored.revision == initial + 2
    for page in pages:
        page.context.close()
