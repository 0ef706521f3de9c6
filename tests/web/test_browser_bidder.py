"""In a real headless Chromium: a bidder answers through its personal link and submits with
the keyboard only; axe-core finds no WCAG 2.1 A/AA violation on the bidder's pages nor on the
group's consultation, bidder, comparison and award pages (issue 15)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from boussole.web.procurement import services
from boussole.web.procurement.models import Bidder, BidderAnswer
from tests.conftest import axe_violations
from tests.web.procurement_setup import make_setup

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def focused_id(page: Any) -> str:
    return str(page.evaluate("document.activeElement && document.activeElement.id"))


def focused_text(page: Any) -> str:
    return str(page.evaluate("document.activeElement && document.activeElement.textContent"))


def tab_to(page: Any, element_id: str, limit: int = 60) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused_id(page) == element_id:
            return
    raise AssertionError(f"#{element_id} is not reachable with Tab")


def tab_to_text(page: Any, text: str, limit: int = 60) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if text in focused_text(page):
            return
    raise AssertionError(f"« {text} » is not reachable with Tab")


def test_a_bidder_answers_and_submits_with_the_keyboard_only(
        page: Any, organisation: Any, make_user: Any) -> None:
    setup = make_setup(organisation, make_user)
    bidder = services.bidder_add(consultation=setup.consultation, user=setup.pilot,
                                 name="Alpha IA")
    token = services.link_issue(bidder=bidder, user=setup.pilot)
    page.goto(f"/offre/{token}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Questionnaire fournisseur")
    assert axe_violations(page) == []

    tab_to_text(page, "Critère 1")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Critère 1")
    assert axe_violations(page) == []
    tab_to(page, "q-donnees_non_discriminatoires-1")
    page.keyboard.press("Space")  # « Oui »
    expect(page.locator("#q-donnees_non_discriminatoires-1")).to_be_checked()
    page.keyboard.press("Tab")
    assert focused_id(page) == "j-donnees_non_discriminatoires"
    page.keyboard.type("Aucune donnée personnelle n'entre dans l'entraînement du modèle.")
    page.keyboard.press("Tab")
    assert focused_id(page) == "d-donnees_non_discriminatoires"
    page.keyboard.press("Tab")
    assert focused_id(page) == "q-biometrie_absente-1"
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # « Je ne sais pas »
    expect(page.locator("#q-biometrie_absente-nsp")).to_be_checked()
    tab_to_text(page, "Enregistrer le brouillon")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Brouillon enregistré")
    assert axe_violations(page) == []

    tab_to_text(page, "Envoyer mes réponses")
    page.keyboard.press("Enter")
    expect(page.get_by_text("ne sont plus modifiables")).to_be_visible()
    assert axe_violations(page) == []
    bidder = Bidder.objects.get(pk=bidder.pk)
    assert bidder.submitted_at is not None
    stored = {a.question_id: a.value for a in BidderAnswer.objects.filter(bidder=bidder)}
    assert stored == {"donnees_non_discriminatoires": "oui", "biometrie_absente": "nsp"}


def test_the_group_pages_are_accessible(page: Any, organisation: Any, make_user: Any) -> None:
    setup = make_setup(organisation, make_user)
    bidder = services.bidder_add(consultation=setup.consultation, user=setup.pilot,
                                 name="Alpha IA", email="offres@alpha.example")
    services.link_issue(bidder=bidder, user=setup.pilot)
    services.answers_save(bidder=bidder, raw={
        "donnees_non_discriminatoires": services.RawAnswer("oui", "Aucune donnée personnelle."),
        "fabrication_nombre_equipements": services.RawAnswer("4", "")})
    page.goto("/comptes/connexion/")
    page.get_by_label("Identifiant").fill("pilote")
    page.get_by_label("Mot de passe").fill("mot-de-passe-de-test")
    page.get_by_role("button", name="Se connecter").click()
    page.goto(f"/cas/{setup.case.pk}/")
    page.get_by_role("link", name="Marché public", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Marché public")
    assert axe_violations(page) == []
    base = f"/cas/{setup.case.pk}/marche/{setup.consultation.pk}/"
    for url, heading in ((f"{base}comparaison/", "Comparaison des offres"),
                         (f"{base}soumissionnaires/{bidder.pk}/", "Réponses de Alpha IA"),
                         (f"{base}attribution/", "Attribuer la consultation")):
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        assert axe_violations(page) == [], url
    # Issuing a link shows it once.
    page.goto(f"/cas/{setup.case.pk}/marche/")
    page.get_by_role("button", name="Émettre un nouveau lien — Alpha IA").click()
    expect(page.get_by_label("Lien à transmettre")).to_have_value(
        re.compile(r"/offre/[A-Za-z0-9_-]{40,}/$"))
    assert axe_violations(page) == []
