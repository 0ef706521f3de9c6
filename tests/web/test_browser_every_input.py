"""Every input of every page that has inputs, filled and saved through the real UI with
JavaScript on, then read back from the reloaded page and from the database (issue 9).

Pages: the identification profile and the seven criterion pages (every item answered « je ne
sais pas », then with a value of its type and a justification; on each criterion, a comment on
one question and on the criterion, and the opinion), the criterion-5 footprint calculator (every
field, then the overrides of the four computed answers) and the decision path (transition
reasons, group opinion, each elected official's decision, union information).

Any browser console error, page error, htmx error event (``htmx:targetError`` and friends, which
htmx does not always log), failed request or HTTP error response fails the test: an answer that
the page silently drops (as the ``securite.*`` facts were, their ``#q-securite.analyse_risques``
target being read as a class selector) cannot pass.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import expect

from boussole.core.grid import Fact, Grid, Question
from boussole.core.grid.model import Condition
from boussole.web import demo
from boussole.web.accounts.models import User
from boussole.web.cases import services
from boussole.web.cases.legal import legal_retain
from boussole.web.cases.models import Answer, AuditEvent, Case, Comment, Opinion
from boussole.web.decisions import services as workflow
from boussole.web.decisions.models import Decision, GroupOpinion, UnionInformation
from boussole.web.footprint.models import ComputedAnswer, FootprintInput
from boussole.web.grids import grid_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEST_PASSWORD = "mot-de-passe-de-test"  # tests/conftest.py's make_user

#: htmx's error events: listened for in the page, since htmx logs only some of them.
HTMX_ERRORS = ("htmx:targetError", "htmx:responseError", "htmx:sendError", "htmx:swapError",
               "htmx:onLoadError", "htmx:oobErrorNoTarget", "htmx:timeout")

WATCH_SCRIPT = """
(() => {
  window.__boussoleErrors = [];
  for (const name of HTMX_ERRORS) {
    document.addEventListener(name, (event) => {
      const d = event.detail || {};
      const elt = d.elt || event.target;
      const where = elt && elt.getAttribute ? (elt.getAttribute("hx-post")
        || elt.getAttribute("hx-get") || elt.id || elt.tagName) : "";
      const text = name + " on " + where + (d.target ? " (target " + d.target + ")" : "")
        + (d.xhr ? " (HTTP " + d.xhr.status + ")" : "");
      window.__boussoleErrors.push(text);
      if (window.boussoleReport) { window.boussoleReport(text); }
    }, true);
  }
})();
""".replace("HTMX_ERRORS", json.dumps(HTMX_ERRORS))

#: After a click on a fragment's button: wait for its new fragment, or for an htmx error.
SWAPPED = """
([id, mark]) => {
  const errors = window.__boussoleErrors || [];
  if (errors.length) { return "htmx error: " + errors.join("; "); }
  const section = document.getElementById("q-" + id);
  if (!section || section.dataset.stale) { return false; }
  const refused = section.querySelector(".field-error, .conflict");
  if (refused) { return "refused: " + refused.textContent.trim(); }
  const found = section.querySelector(mark[0]);
  return found && found.textContent.includes(mark[1]) ? "ok"
    : "new fragment without " + mark[0] + " « " + mark[1] + " »";
}
"""


# --- The browser, watched ------------------------------------------------------------------

def is_favicon(url: str) -> bool:
    return url.split("?")[0].endswith("/favicon.ico")


class Browsing:
    """Browser contexts whose every error is recorded; the test fails on any at the end."""

    def __init__(self, browser: Any, live_server: Any) -> None:
        self.browser = browser
        self.base = live_server.url
        self.errors: list[str] = []
        #: The browser's own request for /favicon.ico, kept apart: see test_pages_have_a_favicon.
        self.favicon: list[str] = []
        self.contexts: list[Any] = []

    def page(self) -> Any:
        context = self.browser.new_context(locale="fr-FR", base_url=self.base)
        context.set_default_timeout(10_000)
        self.contexts.append(context)
        context.expose_function("boussoleReport", lambda text: self.errors.append(text))
        context.add_init_script(WATCH_SCRIPT)
        page = context.new_page()

        def console(message: Any) -> None:
            if message.type != "error":
                return
            where = message.location.get("url", "")
            (self.favicon if is_favicon(where) else self.errors).append(
                f"console error on {page.url}: {message.text} ({where})")

        def response(answer: Any) -> None:
            if answer.status >= 400:
                (self.favicon if is_favicon(answer.url) else self.errors).append(
                    f"HTTP {answer.status}: {answer.request.method} {answer.url}")

        def request(sent: Any) -> None:
            if not sent.url.startswith((self.base, "data:", "about:")):
                self.errors.append(f"external request: {sent.url}")

        page.on("console", console)
        page.on("pageerror", lambda exc: self.errors.append(f"page error on {page.url}: {exc}"))
        page.on("requestfailed", lambda r: self.errors.append(
            f"request failed: {r.method} {r.url} ({r.failure})"))
        page.on("response", response)
        page.on("request", request)
        return page

    def sign_in(self, username: str, password: str = TEST_PASSWORD) -> Any:
        page = self.page()
        page.goto("/comptes/connexion/")
        page.get_by_label("Identifiant").fill(username)
        page.get_by_label("Mot de passe").fill(password)
        page.get_by_role("button", name="Se connecter").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Mes dossiers")
        assert page.evaluate("typeof window.htmx") == "object"
        return page

    def check(self) -> None:
        assert self.errors == [], "errors in the browser:\n" + "\n".join(self.errors)

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def browsing(browser: Any, live_server: Any) -> Iterator[Browsing]:
    watched = Browsing(browser, live_server)
    yield watched
    watched.close()
    watched.check()


def settle(page: Any) -> None:
    """Wait until htmx has no request in flight (e.g. the flags panel refreshed after a fact),
    so that leaving the page does not abort one."""
    page.wait_for_function("() => !document.querySelector('.htmx-request')")


def no_errors_so_far(page: Any, browsing: Browsing) -> None:
    settle(page)
    page.wait_for_timeout(50)  # let the page's last reports reach Python
    browsing.check()


# --- A fresh case that everything can be answered on ----------------------------------------

@pytest.fixture
def instruction(organisation: Any, make_user: Any) -> tuple[Case, User]:
    """A new case in instruction, and a referent the digital project pilot named on every
    criterion: referents answer the profile, and the criteria they are named on."""
    pilot = make_user("pilote", organisation, role="referent", domain="numerique")
    referent = make_user("instructeur", organisation, role="referent", domain="numerique")
    case = services.case_create(organisation=organisation, user=pilot,
                                title="Tri du courrier entrant", service="Courrier",
                                purpose="Orienter le courrier vers le bon service.")
    for number in range(1, 8):  # the launch needs a referent on every criterion
        services.assignment_add(case=case, user=pilot, criterion=number, referent=referent)
    workflow.transition_apply(case=case, user=pilot, code="lancer_instruction")
    case.refresh_from_db()
    assert case.state == "en_instruction"
    return case, referent


# --- What to answer, per answer type ---------------------------------------------------------

@dataclass
class Planned:
    """One item's answer: what is typed or ticked, what the reloaded form shows, what is
    stored."""

    item: Question | Fact
    typed: str | list[str]  # text typed, radio value, or ticked checkbox values
    shown: str | list[str]  # the reloaded form's value(s)
    stored: Any  # the stored JSON value
    justification: str
    comment: str = ""

    @property
    def radio(self) -> bool:
        return self.item.type in ("yes_no", "single_choice", "scale")


def preferred_values(grid: Grid) -> dict[str, tuple[str, ...]]:
    """For each item a condition reads, the values that make the conditional items apply:
    answering with them keeps every item of the page visible."""
    preferred: dict[str, tuple[str, ...]] = {}

    def walk(condition: Condition | None) -> None:
        if condition is None:
            return
        for child in condition.children:
            walk(child)
        if condition.ref:
            preferred.setdefault(condition.ref, condition.values)

    items: list[Question | Fact] = [*grid.profile,
                                    *(q for c in grid.criteria for q in c.questions)]
    for item in items:
        walk(item.condition)
    return preferred


def plan(item: Question | Fact, index: int, preferred: dict[str, tuple[str, ...]]) -> Planned:
    """A valid answer for ``item``; ``index`` varies the choices from one item to the next."""
    kind = item.type
    wanted = [v for v in preferred.get(item.id, ()) if v in (
        ("oui", "non") if kind == "yes_no" else item.option_ids)]
    justification = f"Source pour {item.id} : note n° {index} « vérifiée » & datée."
    if kind in ("yes_no", "single_choice"):
        choices = ("oui", "non") if kind == "yes_no" else item.option_ids
        value = wanted[0] if wanted else choices[index % len(choices)]
        return Planned(item, value, value, value, justification)
    if kind == "scale":
        low = getattr(item, "min", None) or 1
        high = getattr(item, "max", None) or 4
        number = low + index % (high - low + 1)
        return Planned(item, str(number), str(number), number, justification)
    if kind == "multiple_choice":
        free = [o for o in item.option_ids if o not in item.exclusive]
        chosen = {*wanted[:1], free[index % len(free)], free[(index + 1) % len(free)]}
        ordered = [o for o in item.option_ids if o in chosen]
        return Planned(item, ordered, ordered, ordered, justification)
    if kind == "number":
        stored = (index + 1) * 1000 + 0.25
        return Planned(item, f"{index + 1} 000,25", str(stored).replace(".", ","), stored,
                       justification)
    if kind == "date":
        day = dt.date(2019, 1, 1) + dt.timedelta(days=37 * index)
        return Planned(item, day.isoformat(), day.isoformat(), day.isoformat(), justification)
    assert kind == "text", kind
    text = f"Réponse à {item.id} : l'été « 2025 » & <b>sans HTML</b>"
    return Planned(item, text, text, text, justification)


def plans_for(items: list[Question | Fact], grid: Grid) -> dict[str, Planned]:
    preferred = preferred_values(grid)
    return {item.id: plan(item, index, preferred) for index, item in enumerate(items)}


# --- Filling, saving and reading an item through the page -----------------------------------

def item_section(page: Any, item_id: str) -> Any:
    # An attribute selector: ids with a dot (securite.dict.D) are not CSS class selectors here.
    return page.locator(f'section.item[id="q-{item_id}"]')


def open_form(page: Any, item_id: str) -> None:
    """An answered question is text: « Modifier » brings its form (htmx, in place)."""
    section = item_section(page, item_id)
    if section.locator("form.answer-form").count() == 0:
        section.get_by_role("link", name="Modifier").click()
        expect(item_section(page, item_id).locator("form.answer-form")).to_be_visible()


def wait_swapped(page: Any, item_id: str, mark: tuple[str, str], what: str) -> None:
    outcome = page.wait_for_function(SWAPPED, arg=[item_id, list(mark)]).json_value()
    assert outcome == "ok", f"{item_id} — {what}: {outcome}"


def click_and_wait(page: Any, item_id: str, button: Any, mark: tuple[str, str],
                   what: str) -> None:
    item_section(page, item_id).evaluate("el => { el.dataset.stale = '1'; }")
    button.click()
    wait_swapped(page, item_id, mark, what)


def _inputs(section: Any, prefix: str) -> Any:
    """Where an item's inputs are: its own form, or (a profile fact, ``prefix`` « <id>- »)
    its section inside its step's form."""
    return section if prefix else section.locator("form.answer-form")


def fill_answer(section: Any, planned: Planned, *, unknown: bool = False,
                prefix: str = "") -> None:
    kind = planned.item.type
    form = _inputs(section, prefix)
    value, nsp, justification = f"{prefix}value", f"{prefix}nsp", f"{prefix}justification"
    nsp_box = form.locator(f'input[type=checkbox][name="{nsp}"]')
    if unknown:
        if planned.radio:
            form.locator(f'input[type=radio][name="{value}"][value="nsp"]').check()
        else:
            nsp_box.check()
        form.locator(f'textarea[name="{justification}"]').fill("")
        return
    if nsp_box.count():
        nsp_box.uncheck()
    if planned.radio:
        form.locator(f'input[type=radio][name="{value}"][value="{planned.typed}"]').check()
    elif kind == "multiple_choice":
        for box in form.locator(f'input[type=checkbox][name="{value}"]').all():
            box.set_checked(box.get_attribute("value") in planned.typed)
    else:
        form.locator(f'[name="{value}"]').fill(str(planned.typed))
    form.locator(f'textarea[name="{justification}"]').fill(planned.justification)


def save_answer(page: Any, planned: Planned, what: str) -> None:
    button = item_section(page, planned.item.id).locator("form.answer-form button[type=submit]")
    click_and_wait(page, planned.item.id, button, (".saved", "Enregistré."), what)


def read_answer(section: Any, planned: Planned, prefix: str = "") -> tuple[Any, str]:
    """What the (reloaded) form shows for the item: its value(s) and its justification."""
    form = _inputs(section, prefix)
    value = f"{prefix}value"
    justification = form.locator(f'textarea[name="{prefix}justification"]').input_value()
    if planned.radio:
        checked = form.locator(f'input[type=radio][name="{value}"]:checked')
        return [c.get_attribute("value") for c in checked.all()], justification
    if planned.item.type == "multiple_choice":
        checked = form.locator(f'input[type=checkbox][name="{value}"]:checked')
        return [c.get_attribute("value") for c in checked.all()], justification
    nsp = form.locator(f'input[type=checkbox][name="{prefix}nsp"]').is_checked()
    return ("nsp" if nsp else form.locator(f'[name="{value}"]').input_value()), justification


def expected_form(planned: Planned) -> tuple[Any, str]:
    if planned.radio:
        return [planned.shown], planned.justification
    return planned.shown, planned.justification


def answer_every_item(page: Any, url: str, plans: dict[str, Planned]) -> list[str]:
    """Answer every answerable item of the page, first « je ne sais pas », then its value;
    reload and repeat while items appear that were not answered (conditional items)."""
    done: list[str] = []
    while True:
        settle(page)
        page.goto(url)
        ids = page.locator("section.item:has(form.answer-form)").evaluate_all(
            "sections => sections.map(s => s.id.slice(2))")
        new = [item_id for item_id in ids if item_id not in done]
        if not new:
            return done
        for item_id in new:
            assert item_id in plans, f"unexpected item on {url}: {item_id}"
            planned = plans[item_id]
            fill_answer(item_section(page, item_id), planned, unknown=True)
            save_answer(page, planned, "« je ne sais pas »")
            open_form(page, item_id)
            fill_answer(item_section(page, item_id), planned)
            save_answer(page, planned, f"value {planned.typed!r}")
            done.append(item_id)


def answer_every_step(page: Any, url: str, plans: dict[str, Planned]) -> list[str]:
    """The profile: answer every fact of each step, first « je ne sais pas », then its value,
    each time saving the whole step with its one button; reload and repeat while facts appear
    that were not answered (conditional facts)."""
    done: list[str] = []
    while True:
        settle(page)
        page.goto(url)
        keys = page.locator("section.step").evaluate_all(
            "sections => sections.map(s => s.id.slice(6))")
        found = []
        for key in keys:  # one step open at a time: each step's page (?etape=)
            settle(page)
            page.goto(f"{url}?etape={key}")
            found += page.locator("form.step-form section.item").evaluate_all(
                "sections => sections.map(s => [s.closest('section.step').id, s.id.slice(2)])")
        new = [(step, item_id) for step, item_id in found if item_id not in done]
        if not new:
            return done
        for step in dict.fromkeys(step for step, _item in new):
            settle(page)  # the flags panel refreshed after the last step saved
            page.goto(f"{url}?etape={step.removeprefix('etape-')}")
            items = [item_id for s, item_id in new if s == step]
            for item_id in items:
                assert item_id in plans, f"unexpected item on {url}: {item_id}"
                fill_answer(item_section(page, item_id), plans[item_id], unknown=True,
                            prefix=f"{item_id}-")
            save_step(page, step, "« je ne sais pas »")
            for item_id in items:
                fill_answer(item_section(page, item_id), plans[item_id],
                            prefix=f"{item_id}-")
            save_step(page, step, "values")
            done += items


#: After a click on a step's button: wait for the new step, or for an htmx error.
STEP_SWAPPED = """
([id, mark]) => {
  const errors = window.__boussoleErrors || [];
  if (errors.length) { return "htmx error: " + errors.join("; "); }
  const section = document.getElementById(id);
  if (!section || section.dataset.stale) { return false; }
  const refused = section.querySelector(".field-error, .conflict");
  if (refused) { return "refused: " + refused.textContent.trim(); }
  const found = section.querySelector(".saved");
  return found && found.textContent.includes(mark) ? "ok" : "new step without « " + mark + " »";
}
"""


def save_step(page: Any, step: str, what: str) -> None:
    section = page.locator(f'section.step[id="{step}"]')
    section.evaluate("el => { el.dataset.stale = '1'; }")
    section.get_by_role("button", name="Enregistrer cette étape").click()
    outcome = page.wait_for_function(STEP_SWAPPED, arg=[step, "Étape enregistrée."]).json_value()
    assert outcome == "ok", f"{step} — {what}: {outcome}"


def comment_on(page: Any, item_id: str, body: str) -> None:
    """Open the item's discussion (loaded by htmx), comment, and wait for the new fragment."""
    section = item_section(page, item_id)
    details = section.locator("details.discussion")
    if details.count() == 0:  # no thread yet: a link, loading the discussion in place
        section.get_by_role("link", name="Commenter ou joindre une pièce").click()
        expect(item_section(page, item_id).locator("details.discussion")).to_be_visible()
    elif details.get_attribute("open") is None:
        details.locator("summary").click()
    textarea = section.locator('textarea[name="body"]').last  # the new-comment form
    expect(textarea).to_be_visible()
    textarea.fill(body)
    button = section.get_by_role("button", name="Commenter")
    click_and_wait(page, item_id, button, (".comment", body), "comment")


def check_answers(page: Any, case: Case, plans: dict[str, Planned], answered: list[str],
                  *, steps: bool = False) -> None:
    """Read every answer back from the reloaded page, then from the database. ``steps``: the
    profile, whose fields are named after their fact."""
    settle(page)
    page.reload()
    for item_id in answered:
        planned = plans[item_id]
        prefix = f"{item_id}-" if steps else ""
        if steps:  # the page with the fact's step open
            page.goto(f"/cas/{case.pk}/profil/?fait={item_id}")
        else:
            open_form(page, item_id)
        assert read_answer(item_section(page, item_id), planned, prefix) == expected_form(
            planned), f"{item_id} as the reloaded page shows it"
    stored = {a.item_id: (a.value, a.justification)
              for a in Answer.objects.filter(case=case, item_id__in=list(plans))}
    assert stored == {item_id: (plans[item_id].stored, plans[item_id].justification)
                      for item_id in answered}


# --- The identification profile ------------------------------------------------------------

def test_every_profile_fact_is_saved(browsing: Browsing,
                                     instruction: tuple[Case, User]) -> None:
    """Facts have no discussion: their only inputs are the forms of the profile's steps."""
    case, pilot = instruction
    grid = grid_for(case.grid_id, case.grid_version)
    plans = plans_for(list(grid.profile), grid)
    page = browsing.sign_in(pilot.username)
    url = f"/cas/{case.pk}/profil/"
    answered = answer_every_step(page, url, plans)
    assert sorted(answered) == sorted(plans), "every fact of the profile is offered"
    assert any("." in item_id for item_id in answered)  # the securite.* facts
    no_errors_so_far(page, browsing)
    check_answers(page, case, plans, answered, steps=True)
    # The flags panel followed the facts (its htmx refresh is watched like the rest).
    expect(page.locator("#flags")).to_contain_text("Niveau indicatif proposé")

    no_errors_so_far(page, browsing)


def test_pages_have_a_favicon(browsing: Browsing) -> None:
    """Every page declares the site's icon, and it is served (without one, Chromium's own
    request for /favicon.ico was answered 404, a console error on each visit's first page).
    The tests above keep that one request apart (``Browsing.favicon``); this test checks it."""
    page = browsing.page()
    page.goto("/comptes/connexion/")
    icon = page.evaluate("""() => { const link = document.querySelector('link[rel~="icon"]');
                                     return link ? link.href : "/favicon.ico"; }""")
    assert page.request.get(icon).ok, f"the site's icon {icon} is missing"
    assert page.request.get("/favicon.ico").ok


# --- The seven criteria --------------------------------------------------------------------

VERDICTS = {1: "defavorable", 2: "defavorable", 3: "favorable", 4: "favorable_reserves",
            5: "defavorable", 6: "favorable", 7: "favorable_reserves"}


@pytest.mark.parametrize("number", range(1, 8))
def test_every_answer_and_the_opinion_of_a_criterion_are_saved(
        browsing: Browsing, instruction: tuple[Case, User], number: int) -> None:
    case, pilot = instruction
    grid = grid_for(case.grid_id, case.grid_version)
    criterion = grid.criterion(number)
    plans = plans_for(list(criterion.questions), grid)
    page = browsing.sign_in(pilot.username)
    url = f"/cas/{case.pk}/critere/{number}/"
    answered = answer_every_item(page, url, plans)
    assert sorted(answered) == sorted(plans), f"every question of criterion {number}"
    no_errors_so_far(page, browsing)
    check_answers(page, case, plans, answered)

    # The discussion of one question, and the criterion's own discussion (a plain form).
    first = answered[0]
    comment_on(page, first, f"À vérifier : {first}.")
    box = page.locator("section.box").filter(has=page.get_by_role(
        "heading", name="Discussion et pièces du critère"))
    box.locator("details.discussion > summary").click()
    box.get_by_label("Nouveau commentaire").fill(f"Point général du critère {number}.")
    settle(page)
    box.get_by_role("button", name="Commenter").click()
    expect(box.locator(".comment")).to_contain_text(f"Point général du critère {number}.")

    # The opinion on the criterion (a plain form: the page reloads).
    opinion = page.locator("#avis")
    verdict = VERDICTS[number]
    recommendations = f"Recommandation du critère {number} : « suivre » & documenter."
    opinion.locator(f'input[name="verdict"][value="{verdict}"]').check()
    opinion.locator('textarea[name="recommendations"]').fill(recommendations)
    opinion.get_by_role("button", name="Enregistrer l'avis").click()
    expect(page.get_by_text("Avis enregistré.")).to_be_visible()
    page.goto(url)
    opinion = page.locator("#avis")
    assert opinion.locator('input[name="verdict"]:checked').get_attribute("value") == verdict
    assert opinion.locator('textarea[name="recommendations"]').input_value() == recommendations
    expect(item_section(page, first).locator(".comment")).to_contain_text(f"À vérifier : {first}.")
    stored = Opinion.objects.get(case=case, criterion=number)
    assert (stored.verdict, stored.recommendations) == (verdict, recommendations)
    assert Comment.objects.filter(case=case, item_id=first).get().body == f"À vérifier : {first}."
    assert Comment.objects.filter(case=case, item_id="", criterion=number).get().body == (
        f"Point général du critère {number}.")
    no_errors_so_far(page, browsing)


# --- The criterion-5 footprint calculator --------------------------------------------------

#: Every field of the calculator (two equipment rows, as a new form offers), as typed.
CALCULATOR = {
    "service_years": "6", "factor_set": "ademe-2022", "location": "FR", "provider": "ovhcloud",
    "pue": "1,3", "green_energy_share": "40",
    "llm_api-requests_per_year": "60 000", "llm_api-requests_period": "year",
    "llm_api-output_tokens": "400",
    "llm_api-total_params_b": "7", "llm_api-active_params_b": "3,5", "llm_api-provider": "aws",
    "llm_api-pue": "1,2", "llm_api-location": "FR",
    "cpu-hours_per_year": "8760", "cpu-cpu_model": "athlon 3000g", "cpu-cpu_cores": "4",
    "cpu-cpu_tdp_per_core_w": "10", "cpu-cpu_usage": "50", "cpu-memory_gb": "16",
    "cpu-provider": "local", "cpu-pue": "1,5", "cpu-location": "FR",
    "gpu-hours_per_year": "1000", "gpu-gpu_model": "a100 40gb pcie", "gpu-gpu_count": "2",
    "gpu-gpu_tdp_w": "250", "gpu-gpu_usage": "80", "gpu-provider": "gcp", "gpu-pue": "1,1",
    "gpu-location": "FR",
    "storage-tb": "0,5", "storage-years": "4", "storage-media": "hdd", "storage-replication": "3",
    "storage-provider": "azure", "storage-pue": "1,4", "storage-location": "FR",
    "transfer-gb_per_year": "200", "transfer-kwh_per_gb": "aslan-2018",
    "training-hours": "100", "training-gpu_model": "a100 40gb pcie", "training-gpu_count": "4",
    "training-cpu_cores": "8", "training-memory_gb": "64", "training-rd_factor": "2",
    "training-retrainings": "1", "training-retraining_fraction": "50",
    "training-provider": "oracle", "training-pue": "1,25", "training-location": "FR",
    "equipment-0-type": "server", "equipment-0-label": "Serveur frontal",
    "equipment-0-count": "2", "equipment-0-lifetime_years": "5",
    "equipment-0-embodied_kg": "1200", "equipment-0-share": "50",
    "equipment-1-type": "autre", "equipment-1-label": "Boîtier réseau « dédié »",
    "equipment-1-count": "1", "equipment-1-lifetime_years": "7",
    "equipment-1-embodied_kg": "80", "equipment-1-share": "100",
}
#: The custom transfer factor replaces the chosen one: saved in a second round.
CUSTOM_TRANSFER = "transfer-kwh_per_gb_custom"
SITE = {"location": "FR"}
CALCULATOR_DOCUMENT = {
    "service_years": 6, "factor_set": "ademe-2022", "location": "FR", "provider": "ovhcloud",
    "pue": 1.3, "green_energy_share": 0.4,
    "compute": [
        {"label": "Partie CPU", "hours_per_year": 8760, "cpu_model": "athlon 3000g",
         "cpu_cores": 4, "cpu_tdp_per_core_w": 10, "cpu_usage": 0.5, "memory_gb": 16,
         "provider": "local", "pue": 1.5, **SITE},
        {"label": "Partie GPU", "hours_per_year": 1000, "gpu_model": "a100 40gb pcie",
         "gpu_count": 2, "gpu_tdp_w": 250, "gpu_usage": 0.8, "provider": "gcp", "pue": 1.1,
         **SITE},
    ],
    "training": {"hours": 100, "gpu_model": "a100 40gb pcie", "gpu_count": 4, "cpu_cores": 8,
                 "memory_gb": 64, "rd_factor": 2, "retrainings": 1, "retraining_fraction": 0.5,
                 "provider": "oracle", "pue": 1.25, **SITE},
    "llm_api": {"requests_per_year": 60000, "output_tokens": 400, "total_params_b": 7,
                "active_params_b": 3.5, "provider": "aws", "pue": 1.2, **SITE},
    "storage": {"tb": 0.5, "years": 4, "media": "hdd", "replication": 3, "provider": "azure",
                "pue": 1.4, **SITE},
    "transfer": {"gb_per_year": 200, "kwh_per_gb": "aslan-2018"},
    "equipment": [
        {"type": "server", "label": "Serveur frontal", "count": 2, "lifetime_years": 5,
         "embodied_kg": 1200, "share": 0.5},
        {"type": "autre", "label": "Boîtier réseau « dédié »", "count": 1, "lifetime_years": 7,
         "embodied_kg": 80, "share": 1.0},
    ],
}
#: The four computed answers, each replaced by the group with a justified value.
OVERRIDES = {"emissions_fabrication": "310,5", "cpu_emissions": "40", "gpu_emissions": "12,25",
             "stockage_emissions": "3"}


def calculator_values(page: Any) -> dict[str, str]:
    """Every named field of the calculator form, with the value it shows."""
    values: dict[str, str] = page.locator("form.fp-groups").evaluate(
        """form => Object.fromEntries([...form.elements]
             .filter(e => e.name && e.type !== "hidden" && e.type !== "submit")
             .map(e => [e.name, e.value]))""")
    return values


def test_every_input_of_the_footprint_calculator_is_saved(
        browsing: Browsing, instruction: tuple[Case, User]) -> None:
    case, referent = instruction
    page = browsing.sign_in(referent.username)
    url = f"/cas/{case.pk}/empreinte/?groupe=tous"  # every group open (one by default)
    page.goto(url)
    offered = calculator_values(page)
    assert set(offered) == {*CALCULATOR, CUSTOM_TRANSFER}, "every field of the calculator"
    form = page.locator("form.fp-groups")
    for name, typed in CALCULATOR.items():
        field = form.locator(f'[name="{name}"]')
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(typed)
        else:
            field.fill(typed)
    form.get_by_role("button", name="Calculer et enregistrer").click()
    expect(page.get_by_role("heading", name="Résultats")).to_be_visible()
    page.goto(url)
    shown = {**CALCULATOR, "llm_api-requests_per_year": "60000", CUSTOM_TRANSFER: ""}
    # Two blank equipment rows follow the two stored ones.
    shown |= {f"equipment-{row}-{key}": "" for row in (2, 3)
              for key in ("type", "label", "count", "lifetime_years", "embodied_kg", "share")}
    assert calculator_values(page) == shown
    assert FootprintInput.objects.get(case=case).document == CALCULATOR_DOCUMENT

    # Second round: the custom transfer factor, which replaces the chosen one.
    page.locator(f'[name="{CUSTOM_TRANSFER}"]').fill("0,03")
    page.get_by_role("button", name="Calculer et enregistrer").click()
    expect(page.get_by_role("heading", name="Résultats")).to_be_visible()
    page.goto(url)
    assert calculator_values(page) == shown | {CUSTOM_TRANSFER: "0,03",
                                               "transfer-kwh_per_gb": ""}
    assert FootprintInput.objects.get(case=case).document == CALCULATOR_DOCUMENT | {
        "transfer": {"gb_per_year": 200, "kwh_per_gb": 0.03}}

    # The computed answers Q27, Q45, Q51, Q59, each replaced by a justified value.
    for question_id, typed in OVERRIDES.items():
        section = page.locator(f'section.computed-answer[id="v-{question_id}"]')
        section.locator("details > summary").click()
        section.get_by_label("Valeur retenue").fill(typed)
        section.get_by_label("Justification (obligatoire)").fill(
            f"Relevé de l'hébergeur pour {question_id}.")
        section.get_by_role("button", name="Remplacer la valeur").click()
        expect(page.locator(f'section.computed-answer[id="v-{question_id}"]')).to_contain_text(
            "remplacée par le groupe")
    page.goto(url)
    for question_id, typed in OVERRIDES.items():
        section = page.locator(f'section.computed-answer[id="v-{question_id}"]')
        value = float(typed.replace(",", "."))
        shown_value = section.get_by_label("Valeur retenue").input_value()
        assert float(shown_value.replace(",", ".")) == value, (question_id, shown_value)
        assert section.get_by_label("Justification (obligatoire)").input_value() == (
            f"Relevé de l'hébergeur pour {question_id}.")
        row = ComputedAnswer.objects.get(case=case, question_id=question_id)
        assert (row.retained_value, row.justification) == (
            value, f"Relevé de l'hébergeur pour {question_id}.")
        assert Answer.objects.get(case=case, item_id=question_id).value == value
    no_errors_so_far(page, browsing)


# --- The decision path ---------------------------------------------------------------------

def take_step(page: Any, code: str, label: str, reason: str) -> None:
    page.locator(f'textarea[id="reason-{code}"]').fill(reason)
    page.get_by_role("button", name=label, exact=True).click()
    expect(page.get_by_text("Étape enregistrée")).to_be_visible()


def test_every_input_of_the_decision_path_is_saved(browsing: Browsing) -> None:
    demo.create_demo()
    case = Case.objects.get(title=demo.CHATBOT.title)
    people = {u.username: u for u in User.objects.filter(organisation__slug=demo.DEMO_SLUG)}
    # The opinions on each criterion are covered by the criterion pages above.
    for number in range(1, 8):
        if not case.opinions.filter(criterion=number).exists():
            services.opinion_give(case=case, user=demo.expert_for(number, people), criterion=number,
                                  verdict="favorable")
    legal_retain(case=case, user=people["juriste"], retained_level=case.legal_level)
    url = f"/cas/{case.pk}/parcours/"
    reasons = {"consolider_avis": "Tous les avis des référents sont rendus.",
               "transmettre_elus": "Avis du groupe consolidé le 3 mars.",
               "constater_validation": "Trois décisions favorables.",
               "mettre_en_service": "Information syndicale faite le 10 mars."}

    pilot = browsing.sign_in("numerique", demo.DEMO_PASSWORD)
    pilot.goto(url)
    take_step(pilot, "consolider_avis", "Consolider l'avis du groupe",
              reasons["consolider_avis"])
    group = {"summary": "Service utile, risques maîtrisés « sous réserve ».",
             "recommendations": "Tester le service avec des habitants & des agents.",
             "conditions": "Bilan à 6 mois\nRevue annuelle des réponses"}
    pilot.locator('input[name="verdict"][value="favorable_reserves"]').check()
    for field_id, text in (("summary", group["summary"]),
                           ("g-recommendations", group["recommendations"]),
                           ("conditions", group["conditions"])):
        pilot.locator(f"#{field_id}").fill(text)
    pilot.get_by_role("button", name="Enregistrer l'avis du groupe").click()
    expect(pilot.get_by_text("Avis du groupe enregistré.")).to_be_visible()
    pilot.goto(url)
    assert pilot.locator('input[name="verdict"]:checked').get_attribute("value") == (
        "favorable_reserves")
    assert {name: pilot.locator(f"#{field_id}").input_value() for name, field_id in (
        ("summary", "summary"), ("recommendations", "g-recommendations"),
        ("conditions", "conditions"))} == group
    stored = GroupOpinion.objects.get(case=case)
    # Browsers send a textarea's line breaks as CRLF (HTML form submission); stored as sent.
    assert (stored.verdict, stored.summary, stored.recommendations,
            stored.conditions.replace("\r\n", "\n")) == (
        "favorable_reserves", group["summary"], group["recommendations"], group["conditions"])
    assert stored.condition_list == ["Bilan à 6 mois", "Revue annuelle des réponses"]
    take_step(pilot, "transmettre_elus", "Transmettre aux élus pour décision",
              reasons["transmettre_elus"])
    expect(pilot.get_by_role("link", name="Version 1")).to_be_visible()

    decisions = {"elu-numerique": ("valide", "", dt.date(2026, 3, 4), "Arrêté n° 2026-12"),
                 "elu-rh": ("valide_sous_conditions", "Bilan présenté au CST « à 6 mois ».",
                            dt.date(2026, 3, 5), "Délibération n° 2026-301"),
                 "elu-thematique": ("valide", "Information des usagers & affichage.",
                                    dt.date(2026, 3, 6), "")}
    for login, (choice, conditions, day, reference) in decisions.items():
        elected = browsing.sign_in(login, demo.DEMO_PASSWORD)
        elected.goto(url)
        elected.locator(f'input[name="decision"][value="{choice}"]').check()
        elected.locator("#d-conditions").fill(conditions)
        elected.locator("#decided_on").fill(day.isoformat())
        elected.locator("#reference").fill(reference)
        elected.locator("#d-confirm").check()
        elected.get_by_role("button", name="Enregistrer ma décision").click()
        expect(elected.get_by_text("Votre décision est enregistrée.")).to_be_visible()
        elected.goto(url)
        assert elected.locator('input[name="decision"]:checked').get_attribute("value") == choice
        assert [elected.locator(f"#{field_id}").input_value() for field_id in (
            "d-conditions", "decided_on", "reference")] == [conditions, day.isoformat(),
                                                            reference]
        stored_decision = Decision.objects.get(case=case, official=people[login])
        assert (stored_decision.decision, stored_decision.conditions,
                stored_decision.decided_on, stored_decision.reference) == (
            choice, conditions, day, reference)
        no_errors_so_far(elected, browsing)

    pilot.goto(url)
    take_step(pilot, "constater_validation", "Constater la validation des élus",
              reasons["constater_validation"])

    lead = browsing.sign_in("porteur", demo.DEMO_PASSWORD)
    lead.goto(url)
    union = {"held_on": "2026-03-10", "body": "Comité social territorial du 10 mars",
             "documents": "Note d'aide à la décision, version 1",
             "questions": "Quelle charge pour l'accueil ?",
             "answers": "Revue à 6 mois avec le groupe « TN-QVT »."}
    for field_id, text in union.items():
        lead.locator(f"#{field_id}").fill(text)
    lead.get_by_role("button", name="Enregistrer l'information syndicale").click()
    expect(lead.get_by_text("Information syndicale enregistrée.")).to_be_visible()
    lead.goto(url)
    recorded = lead.locator("section.box").filter(has=lead.get_by_role(
        "heading", name="Information des organisations syndicales"))
    for text in (union["body"], "10/03/2026", union["documents"], union["questions"],
                 union["answers"]):
        expect(recorded).to_contain_text(text)
    stored_union = UnionInformation.objects.get(case=case)
    assert (stored_union.held_on.isoformat(), stored_union.body, stored_union.documents,
            stored_union.questions, stored_union.answers) == tuple(union.values())
    take_step(lead, "mettre_en_service", "Mettre en service (information syndicale faite)",
              reasons["mettre_en_service"])
    case.refresh_from_db()
    assert case.state == "en_service"
    notes = list(AuditEvent.objects.filter(case=case, action="state_changed").order_by(
        "sequence").values_list("note", flat=True))
    assert notes[-4:] == list(reasons.values())
    no_errors_so_far(lead, browsing)
