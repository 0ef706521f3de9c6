"""The Content-Security-Policy in a real browser: the pages a signed-in person uses load without a
single violation or console error, htmx still saves answers, and an injected inline script is
refused (so the watch below does see violations)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from boussole.web.cases import services
from boussole.web.cases.models import Answer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


def test_pages_respect_the_policy_and_htmx_still_saves(page: Any, organisation: Any,
                                                       make_user: Any) -> None:
    lead = make_user("porteuse", organisation)
    case = services.case_create(organisation=organisation, user=lead, title="Tri du courrier",
                                service="Courrier", purpose="Trier le courrier entrant.")
    errors: list[str] = []

    def console(message: Any) -> None:
        # Chromium's own /favicon.ico request (the site has no icon yet) is not the policy's.
        if message.type == "error" and "favicon.ico" not in message.location.get("url", ""):
            errors.append(f"{page.url}: {message.text}")

    page.on("console", console)
    page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
    page.add_init_script(WATCH)

    page.goto("/comptes/connexion/")
    page.get_by_label("Identifiant").fill("porteuse")
    page.get_by_label("Mot de passe").fill("mot-de-passe-de-test")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes dossiers")

    for url in ["/", f"/cas/{case.pk}/", f"/cas/{case.pk}/profil/"]:
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        assert "default-src 'self'" in response.headers["content-security-policy"], url
        assert "no-store" in response.headers["cache-control"], url
        assert page.evaluate("typeof window.htmx") == "object", url
        assert page.evaluate("window.__violations") == [], url
    # htmx's own inline indicator style was not injected (it would be a violation).
    assert page.evaluate("document.querySelectorAll('head style').length") == 0

    # An answer saved by htmx on the profile page (its step, opened in place), without
    # reloading.
    page.locator("#etape-B").get_by_role("link", name="Répondre à l'étape").click()
    biometrics = page.locator("#q-biometrie")
    biometrics.get_by_label("Identification (1:N)", exact=False).check()
    page.locator("#etape-B").get_by_role("button", name="Enregistrer cette étape").click()
    expect(page.locator("#flags .red-lines")).to_contain_text("BIO-01")
    assert Answer.objects.filter(case=case, item_id="biometrie").exists()
    assert page.evaluate("window.__violations") == []
    assert errors == []

    # Control: an inline script slipped into the page does not run, and is reported.
    page.evaluate("""() => { const s = document.createElement("script");
                             s.textContent = "window.__ran = true"; document.body.append(s); }""")
    page.wait_for_timeout(100)
    assert page.evaluate("window.__ran") is None
    assert any(v.startswith("script-src") for v in page.evaluate("window.__violations"))
