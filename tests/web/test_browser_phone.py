"""At phone size (390 × 844), in a real headless Chromium: no page scrolls sideways, the header
stays compact, tables become stacked rows that keep their table semantics, and axe-core finds
no WCAG A/AA violation — as the project lead, a referent and an elected official."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from boussole.web import demo
from boussole.web.cases.models import Case
from tests.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH, HEIGHT = 390, 844
HEADER_MAX = 120  # px, the whole site header with its menu closed

#: The elements sticking out to the right of the viewport (for a readable failure message).
OVERFLOWING = """(width) => {
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.width && box.right > width + 0.5) {
      const kids = Array.from(el.children).some(c => c.getBoundingClientRect().right > width + 0.5);
      if (!kids) out.push(el.tagName.toLowerCase() + (el.className ? '.' + el.className : '')
                          + ' ' + Math.round(box.right) + 'px: '
                          + (el.textContent || '').trim().slice(0, 60));
    }
  }
  return out.slice(0, 10);
}"""


@pytest.fixture
def phone(browser: Any, live_server: Any) -> Iterator[Any]:
    """A new browser context at phone size; yields a function that signs a demo user in."""
    contexts: list[Any] = []

    def sign_in(username: str) -> Any:
        context = browser.new_context(locale="fr-FR", base_url=live_server.url,
                                      viewport={"width": WIDTH, "height": HEIGHT},
                                      device_scale_factor=2, is_mobile=True, has_touch=True)
        contexts.append(context)
        page = context.new_page()
        page.goto("/comptes/connexion/")
        check_phone_page(page)  # the login page too
        page.get_by_label("Identifiant").fill(username)
        page.get_by_label("Mot de passe").fill(demo.DEMO_PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Mes dossiers")
        return page

    yield sign_in
    for context in contexts:
        context.close()


def check_phone_page(page: Any) -> None:
    """No horizontal scroll, a compact header, no axe violation."""
    # A mobile browser zooms out when a page is too wide: the layout viewport grows with it.
    widths = page.evaluate("[window.innerWidth, document.documentElement.scrollWidth]")
    assert widths == [WIDTH, min(widths[1], WIDTH)], (page.url, widths,
                                                      page.evaluate(OVERFLOWING, WIDTH))
    header = page.locator("header.site-header").bounding_box()
    assert header is not None and header["height"] <= HEADER_MAX, (page.url, header)
    assert axe_violations(page) == [], page.url
    assert page.evaluate(UNLABELLED) == [], page.url


#: Cells of the page's tables without the label of their column (a table left out of the
#: stacked treatment counts too).
UNLABELLED = """() => {
  const out = [];
  for (const table of document.querySelectorAll('main table')) {
    const caption = table.caption ? table.caption.textContent : '';
    if (!table.classList.contains('stack')) { out.push('not stacked: ' + caption); continue; }
    const heads = Array.from(table.querySelectorAll('thead th, thead td'))
      .map(h => h.textContent.trim());
    for (const row of table.querySelectorAll('tbody tr')) {
      let column = 0;
      for (const cell of row.children) {
        const span = cell.colSpan || 1;
        if (cell.tagName === 'TD' && span === 1 && cell.dataset.label !== heads[column]) {
          out.push(caption + ': ' + cell.dataset.label + ' ≠ ' + heads[column]);
        }
        column += span;
      }
    }
  }
  return out;
}"""


def visit(page: Any, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    check_phone_page(page)


def main_pages(cases: list[Case]) -> list[str]:
    pages = ["/", "/taches/", "/mes-questions/"]
    for case in cases:
        pages += [f"/cas/{case.pk}/", f"/cas/{case.pk}/profil/", f"/cas/{case.pk}/critere/1/",
                  f"/cas/{case.pk}/critere/5/", f"/cas/{case.pk}/juridique/",
                  f"/cas/{case.pk}/parcours/"]
    return pages


@pytest.mark.parametrize("username", ["porteur", "juriste", "elu-numerique"])
def test_main_pages_fit_a_phone(phone: Any, username: str) -> None:
    demo.create_demo()
    cases = [Case.objects.get(title=demo.CHATBOT.title),  # in instruction
             Case.objects.get(title=demo.INVENTAIRE.title)]  # waiting for the officials' decision
    page = phone(username)
    for url in main_pages(cases):
        visit(page, url)


def test_journal_and_footprint_calculator_fit_a_phone(phone: Any) -> None:
    demo.create_demo()
    case = Case.objects.get(title=demo.EKONOMIA.title)  # a computed footprint, a long journal
    page = phone("porteur")
    for url in [f"/cas/{case.pk}/journal/", f"/cas/{case.pk}/empreinte/"]:
        visit(page, url)


def test_case_tables_become_stacked_rows_that_stay_tables(phone: Any) -> None:
    demo.create_demo()
    page = phone("porteur")
    table = page.locator("table.stack").first
    assert table.count() == 1
    # Each cell stands alone on its own line, labelled with its column header; the header row
    # is out of sight but still read by screen readers.
    stage = table.locator("tbody tr").first.locator("td[data-label='Étape']")
    label = stage.evaluate("el => getComputedStyle(el, '::before').content")
    assert "Étape" in label
    assert stage.evaluate("el => getComputedStyle(el).display") == "block"
    first_row = table.locator("tbody tr").first.bounding_box()
    assert first_row is not None
    assert first_row["x"] >= 0 and first_row["x"] + first_row["width"] <= WIDTH
    assert table.locator("thead").bounding_box()["height"] <= 1  # visually hidden, not removed
    # The browser's own accessibility tree still sees a table with column headers and cells.
    cdp = page.context.new_cdp_session(page)
    nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    roles = {n.get("role", {}).get("value") for n in nodes if not n.get("ignored")}
    assert {"table", "row", "columnheader", "cell"} <= roles, roles
    headers = {n.get("name", {}).get("value") for n in nodes
               if n.get("role", {}).get("value") == "columnheader"}
    assert {"Référence", "Cas d'usage", "Étape"} <= headers
    # On a wide screen the same table is an ordinary table again.
    page.set_viewport_size({"width": 1280, "height": 800})
    assert stage.evaluate("el => getComputedStyle(el).display") == "table-cell"
    assert stage.evaluate("el => getComputedStyle(el, '::before').content") in ("none", "normal")


def test_header_menu_opens_without_javascript(phone: Any) -> None:
    demo.create_demo()
    page = phone("porteur")
    menu = page.locator("header.site-header details")
    logout = page.get_by_role("button", name="Se déconnecter")
    expect(logout).to_be_hidden()
    summary = menu.locator("summary")
    box = summary.bounding_box()
    assert box is not None and box["height"] >= 24 and box["width"] >= 24  # target size
    summary.click()
    expect(logout).to_be_visible()
    expect(page.get_by_label("Langue")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    assert axe_violations(page) == []
    # The main menu stays in sight on a phone, and on a wide screen the account is shown as before.
    main_menu = page.get_by_role("navigation", name="Menu principal")
    expect(main_menu.get_by_role("link", name="Mes tâches")).to_be_visible()
    summary.click()
    page.set_viewport_size({"width": 1280, "height": 800})
    expect(logout).to_be_visible()
    expect(summary).to_be_hidden()
    # ... and reached with the keyboard.
    page.get_by_role("link", name="Mes questions").focus()
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Se déconnecter":
            break
    assert page.evaluate("document.activeElement.textContent.trim()") == "Se déconnecter"
    assert axe_violations(page) == []
