"""The walk of issue 12, in a real headless Chromium: from « Nouveau cas d'usage » to the
elected officials' decision, guided by the next-action cards, as the people of the demo would do
it — a project lead proposing « tri automatique des courriels de l'état civil » with an LLM API
(on a laptop), the legal referent (on a phone), the digital project pilot (on a laptop) and an
elected official (on a phone).

The test fails on any raw code shown on a page visited (the shared detector of
tests/web/plain_text.py), on any choice lost after a refused form, on any page wider than 390 px
at phone size, and on any step after which the next person has no notification (in-app, in
their « Mes tâches », and by e-mail). It drives the interface only; the database is read to
check what the pages did, and written only where a comment says so (the other referents'
opinions, whose pages are covered by other browser tests).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import expect

from boussole.web import demo
from boussole.web.accounts.models import User
from boussole.web.cases import services
from boussole.web.cases.models import Answer, Assignment, Case, LegalAssessment, Opinion
from boussole.web.decisions import services as wf
from boussole.web.decisions.models import Decision, GroupOpinion, Notification
from tests.web.plain_text import cached_forbidden_tokens, raw_codes
from tests.web.test_browser_phone import OVERFLOWING

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Tri automatique des courriels de l'état civil"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

#: The profile of an e-mail triage by a general-purpose model called through a third party's
#: API: fact -> value (a list for a multiple choice), by step of the profile.
PROFILE: dict[str, dict[str, Any]] = {
    "A": {"est_ia": "oui", "role": "deployeur", "en_service_avant": "non",
          "modele_general": "api_tiers", "entrainement_donnees_collectivite": "non"},
    "B": {"donnees_perso": "oui", "biometrie": ["aucune"], "espace_public": "non",
          "personnes": ["usagers"], "donnees_sensibles": ["aucune"],
          "sensibles_comme_critere": "non", "volume": "1000_10000", "croisement": "non"},
    "C": {"domaine": ["aucun"], "sortie": "agregee", "profilage": "non",
          "finalite_controle": "non", "decision": "aide", "controle_humain": "effectif",
          "tache_6_3": "procedurale", "apprentissage_continu": "non",
          "regles_communicables": "oui", "pratiques_art5": ["aucune"]},
    "D": {"interaction": "aucune", "contenus": ["interne"], "video": "non"},
    "E": {"base_legale": "identifiee", "aipd": "en_cours", "hebergement": "cloud_ue",
          "outil_grand_public": "non", "securite.analyse_risques": "en_cours",
          "securite.dict.D": "2", "securite.dict.I": "2", "securite.dict.C": "3",
          "securite.dict.T": "2", "securite.plan_traitement_valide": "non",
          "securite.mode_degrade": "oui", "securite.journalisation": "oui",
          "securite.actions_auto": "non", "securite.rag": "non",
          "securite.entrees_externes": "oui"},
}


# --- What every page must satisfy -------------------------------------------------------------

class Walker:
    """One person's browser tab; :meth:`check` runs the page checks of the walk."""

    def __init__(self, page: Any, username: str, phone: bool) -> None:
        self.page, self.username, self.phone = page, username, phone

    def check(self) -> None:
        """No raw code in the page; at phone size, nothing wider than the screen."""
        page = self.page
        page.wait_for_load_state()
        hits = raw_codes(page.content(), cached_forbidden_tokens())
        assert not hits, f"{self.username} — {page.url} shows raw codes:\n" + "\n".join(hits)
        if self.phone:
            # As in test_browser_phone: a mobile browser zooms out when a page is too wide.
            widths = page.evaluate("[window.innerWidth, document.documentElement.scrollWidth]")
            assert widths[0] == PHONE["width"] and widths[1] <= PHONE["width"], (
                f"{self.username} — {page.url} is wider than the phone: {widths}",
                page.evaluate(OVERFLOWING, PHONE["width"]))

    def follow(self, locator: Any) -> None:
        """Follow a link (a card's) and check the page it leads to."""
        expect(locator).to_be_visible()
        with self.page.expect_navigation():
            locator.click()
        self.check()

    def submit(self, button: Any) -> None:
        """Send a plain form and check the page that comes back."""
        with self.page.expect_navigation():
            button.click()
        self.check()

    # -- the cards --------------------------------------------------------------------------

    def home_card(self) -> Any:
        """This case's line in « Ce qui vous attend » on the home page."""
        self.follow(self.page.get_by_role("link", name="Mes dossiers", exact=True).first)
        waiting = self.page.locator("section.next-action")
        expect(waiting.get_by_role("heading", name="Ce qui vous attend")).to_be_visible()
        line = waiting.locator("li").filter(has_text=TITLE)
        expect(line).to_have_count(1)
        return line

    def case_card(self) -> Any:
        """The next-action card of the case's overview, reached by the breadcrumb."""
        self.follow(self.page.locator("p.breadcrumb").get_by_role("link", name=re.compile(TITLE)))
        card = self.page.locator("section.next-action")
        expect(card).to_be_visible()
        return card

    def tasks(self) -> Any:
        """« Mes tâches », from the main menu."""
        self.follow(self.page.get_by_role("navigation", name="Menu principal")
                    .get_by_role("link", name="Mes tâches"))
        return self.page.locator("main")


@pytest.fixture
def sign_in(browser: Any, live_server: Any) -> Iterator[Any]:
    contexts: list[Any] = []

    def open_as(username: str, *, phone: bool) -> Walker:
        size = PHONE if phone else DESKTOP
        extra = {"device_scale_factor": 2, "is_mobile": True, "has_touch": True} if phone else {}
        context = browser.new_context(locale="fr-FR", base_url=live_server.url, viewport=size,
                                      **extra)
        contexts.append(context)
        walker = Walker(context.new_page(), username, phone)
        walker.page.goto("/comptes/connexion/")
        walker.check()
        walker.page.get_by_label("Identifiant").fill(username)
        walker.page.get_by_label("Mot de passe").fill(demo.DEMO_PASSWORD)
        walker.submit(walker.page.get_by_role("button", name="Se connecter"))
        expect(walker.page.get_by_role("heading", level=1)).to_have_text("Mes dossiers")
        return walker

    yield open_as
    for context in contexts:
        context.close()


# --- Reading what the pages did -----------------------------------------------------------------

def told(case: Case, user: User, *events: str) -> list[Notification]:
    """The open notifications of ``user`` on ``case`` (of these events, if given)."""
    found = Notification.objects.filter(case=case, user=user, done_at__isnull=True)
    if events:
        found = found.filter(event__in=events)
    return list(found)


def mailed_to(user: User, since: int = 0, about: str = "") -> list[Any]:
    """The e-mails sent to ``user`` (after the ``since`` first ones), saying ``about``."""
    return [m for m in mail.outbox[since:] if user.email in m.to and about in m.body]


def fact_input(scope: Any, fact: str, value: str) -> Any:
    return scope.locator(f'[id="q-{fact}"] input[name="{fact}-value"][value="{value}"]')


def answer_step(walker: Walker, key: str, answers: dict[str, Any]) -> Any:
    step = walker.page.locator(f"#etape-{key}")
    if step.locator("form").count() == 0:  # one step open at a time: open it (htmx, in place)
        step.get_by_role("link", name=re.compile(r"^(Répondre à|Revoir) l'étape")).click()
        expect(walker.page.locator(f"#etape-{key} form")).to_have_count(1)
    for fact, value in answers.items():
        for one in value if isinstance(value, list) else [value]:
            fact_input(step, fact, one).check()
    return step


def save_step(walker: Walker, key: str) -> None:
    step = walker.page.locator(f"#etape-{key}")
    step.get_by_role("button", name="Enregistrer cette étape").click()
    expect(walker.page.locator(f"#etape-{key} .saved")).to_contain_text("Étape enregistrée.")
    walker.check()


def answer_question(walker: Walker, item: str, *, choice: str = "", text: str = "",
                    justification: str = "") -> None:
    """Answer one question of a criterion page (saved by htmx, in place)."""
    block = walker.page.locator(f"#q-{item}")
    if block.locator("form.answer-form").count() == 0:  # answered: « Modifier » first
        block.get_by_role("link", name="Modifier").click()
        expect(block.locator("form.answer-form")).to_be_visible()
    if choice:
        block.get_by_label(choice, exact=True).check()
    if text:
        block.get_by_label("Réponse", exact=False).first.fill(text)
    if justification:
        block.get_by_label("Justification, source ou précision").fill(justification)
    block.get_by_role("button", name="Enregistrer").click()
    expect(walker.page.locator(f"#q-{item} .saved")).to_contain_text("Enregistré.")
    walker.check()


# --- The walk ---------------------------------------------------------------------------------

def test_walk_from_a_new_case_to_the_officials_decision(sign_in: Any, mailoutbox: Any) -> None:
    demo.create_demo()
    people = {u.username: u for u in User.objects.filter(organisation__slug=demo.DEMO_SLUG)}
    mail.outbox.clear()  # the demo's own notifications stay in the application

    # 1. The project lead, on a laptop: a new case and its profile.
    lead = sign_in("porteur", phone=False)
    page = lead.page
    lead.follow(page.get_by_role("link", name="Nouveau cas d'usage"))
    page.get_by_label("Titre du cas d'usage").fill(TITLE)
    page.get_by_label("Service métier").fill("État civil")
    page.get_by_label("Finalité : à quoi servira l'IA ?").fill(
        "Trier les courriels reçus par l'état civil (actes, mariages, décès) et les orienter "
        "vers le bon agent, par un grand modèle de langage appelé par API.")
    lead.submit(page.get_by_role("button", name="Enregistrer"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Profil d'identification")
    case = Case.objects.get(title=TITLE)

    answer_step(lead, "A", PROFILE["A"])
    save_step(lead, "A")
    # A contradictory multiple choice (« Usagers » and « Aucune »): refused with the message at
    # the field and in the step's summary, every choice of the step kept, nothing stored.
    step = answer_step(lead, "B", PROFILE["B"])
    fact_input(step, "personnes", "aucune").check()
    step.get_by_role("button", name="Enregistrer cette étape").click()
    summary = page.locator("#etape-B [data-error-summary]")
    expect(summary).to_contain_text("Aucune")
    expect(summary).to_be_focused()
    expect(page.locator("#q-personnes .field-error")).to_be_visible()
    expect(page.locator("#q-personnes .field-error")).to_contain_text("Aucune")
    lead.check()
    step = page.locator("#etape-B")
    for value in ("usagers", "aucune"):
        expect(fact_input(step, "personnes", value)).to_be_checked()
    for fact, value in PROFILE["B"].items():  # the other choices of the step too
        for one in value if isinstance(value, list) else [value]:
            expect(fact_input(step, fact, one)).to_be_checked()
    assert not Answer.objects.filter(case=case, item_id__in=list(PROFILE["B"])).exists()
    fact_input(step, "personnes", "aucune").uncheck()
    save_step(lead, "B")
    assert Answer.objects.get(case=case, item_id="personnes").value == ["usagers"]
    for key in ("C", "D", "E"):
        answer_step(lead, key, PROFILE[key])
        save_step(lead, key)
    stored = dict(Answer.objects.filter(case=case).values_list("item_id", "value"))
    assert stored["modele_general"] == "api_tiers" and stored["donnees_perso"] == "oui"

    # The card leads to the launch: the checklist with the proposed referents, confirmed.
    card = lead.case_card()
    lead.follow(card.get_by_role("link", name="Transmettre le dossier au groupe d'experts"))
    launch = page.locator("form.launch")
    expect(launch).to_be_visible()
    proposals = launch.locator("select")
    assert proposals.count() >= 7  # at least one per criterion, each with a referent proposed
    for index in range(proposals.count()):
        expect(proposals.nth(index)).not_to_have_value("")
    launch.get_by_label("Je confirme le lancement de l'instruction", exact=False).check()
    lead.submit(launch.get_by_role("button", name="Lancer l'instruction"))
    case.refresh_from_db()
    assert case.state == "en_instruction", page.locator("main").inner_text()

    # 2. Every referent named, the legal referent and the CISO heard of it, in-app and by mail.
    named = {a.user for a in Assignment.objects.filter(case=case).select_related("user")}
    assert {people["juriste"], people["rssi"], people["rh"], people["numerique"],
            people["numerique-responsable"], people["donnees"], people["organisation"]} <= named
    for person in (named - {people["porteur"]}) | {people["juriste"], people["rssi"]}:
        assert told(case, person), f"{person.username} was not notified of the launch"
        assert mailed_to(person, about=TITLE), f"{person.username} got no e-mail"

    # 3. The legal referent, on a phone: the tasks, then the cards.
    lawyer = sign_in("juriste", phone=True)
    page = lawyer.page
    tasks = lawyer.tasks()
    expect(tasks.locator("ul.notifications li").filter(has_text=case.reference).first
           ).to_be_visible()
    line = lawyer.home_card()
    lawyer.follow(line.get_by_role("link", name="Répondre à 2 questions du critère 1"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Critère 1")
    answer_question(lawyer, "donnees_non_discriminatoires", choice="Oui",
                    justification="Les courriels ne servent pas à évaluer les personnes.")
    answer_question(lawyer, "biometrie_absente", choice="Oui")
    lawyer.follow(lawyer.case_card().get_by_role("link", name="Donner l'avis du critère 1"))
    avis = page.locator("#avis")
    avis.get_by_label("Favorable", exact=True).check()
    lawyer.submit(avis.get_by_role("button", name="Enregistrer l'avis"))
    expect(page.locator("#avis")).to_contain_text("Favorable")

    lawyer.follow(lawyer.case_card().get_by_role("link",
                                                 name="Répondre à 4 questions du critère 2"))
    answer_question(lawyer, "conformite_donnees_personnelles",
                    text="Mission d'intérêt public de l'état civil ; AIPD en cours.")
    answer_question(lawyer, "conformite_textes_ia",
                    text="Pas de haut risque : tri de courriels relu par les agents.")
    answer_question(lawyer, "reglementations_sectorielles", choice="Non",
                    justification="Code civil : pas de règle propre au tri des courriels.")
    answer_question(lawyer, "analyse_risques_dict",
                    text="Confidentialité 3 : courriels d'usagers envoyés à l'API d'un tiers.")
    lawyer.follow(lawyer.case_card().get_by_role("link", name="Donner l'avis du critère 2"))
    since = len(mail.outbox)
    # « Avec réserves » without a recommendation: refused, the verdict kept, the error in view.
    avis = page.locator("#avis")
    avis.get_by_label("Favorable avec réserves").check()
    lawyer.submit(avis.get_by_role("button", name="Enregistrer l'avis"))
    expect(page.locator("#avis-erreur")).to_be_visible()
    expect(page.locator("#avis").get_by_label("Favorable avec réserves")).to_be_checked()
    assert not Opinion.objects.filter(case=case, criterion=2).exists()
    page.locator("#avis").get_by_label("Recommandations", exact=False).fill(
        "Contrat avec le fournisseur de l'API : pas de réutilisation des courriels.")
    lawyer.submit(page.locator("#avis").get_by_role("button", name="Enregistrer l'avis"))
    expect(page.locator("#avis")).to_contain_text("Favorable avec réserves")
    # The reserve reached the project lead.
    assert told(case, people["porteur"], "opinion_reserved"), "the lead was not told"
    assert mailed_to(people["porteur"], since, "des réserves sont à lever"), (
        "the lead got no e-mail about the reserve")
    # A question to the lead in the discussion of Q6 (@mention), at phone size.
    q6 = page.locator("#q-analyse_risques_dict")
    q6.get_by_role("link", name="Commenter ou joindre une pièce").click()
    q6.get_by_label("Nouveau commentaire").fill(
        "@Camille Morin : le fournisseur de l'API garde-t-il les courriels ?")
    q6.get_by_role("button", name="Commenter").click()
    expect(page.locator("#q-analyse_risques_dict .comment")).to_contain_text("fournisseur")
    lawyer.check()
    assert told(case, people["porteur"], "mention"), "the lead was not told of the question"
    lead_tasks = lead.tasks()
    expect(lead_tasks).to_contain_text("Une question vous est adressée dans un commentaire.")
    expect(lead_tasks).to_contain_text("des réserves sont à lever")

    lawyer.follow(lawyer.case_card().get_by_role("link",
                                                 name="Retenir le niveau de risque juridique"))
    retained = page.locator("#h-retained").locator("..")
    retained.get_by_label("Mesures décidées").fill(
        "Clause contractuelle de non-réutilisation ; AIPD à finaliser.")
    lawyer.submit(retained.get_by_role("button", name="Enregistrer le niveau retenu"))
    expect(page.locator("#h-retained").locator("..")).to_contain_text("Niveau retenu :")
    assert LegalAssessment.objects.filter(case=case).exists()
    expect(lawyer.case_card()).to_contain_text("Rien ne vous attend sur ce dossier")

    # 4. The other referents' opinions, through the services: their pages (a criterion's
    # answers and opinion) are walked by test_browser_instruction.py. The pilot's own
    # opinions first, so that the last one is someone else's and the pilot hears of it.
    for number in (6, 7, 3, 4):
        services.opinion_give(case=case, user=demo.expert_for(number, people),
                              criterion=number, verdict="favorable")
    assert not told(case, people["numerique"], "group_opinion_due")  # not before the last one
    since = len(mail.outbox)
    services.opinion_give(case=case, user=demo.expert_for(5, people), criterion=5,
                          verdict="favorable")
    assert told(case, people["numerique"], "group_opinion_due"), (
        "the pilot was not told that the group's opinion is due")
    assert mailed_to(people["numerique"], since, "l'avis du groupe est à consolider"), (
        "the pilot got no e-mail")

    pilot = sign_in("numerique", phone=False)
    page = pilot.page
    expect(pilot.tasks()).to_contain_text("l'avis du groupe est à consolider")
    line = pilot.home_card()
    pilot.follow(line.get_by_role("link", name="Consolider l'avis du groupe"))
    pilot.submit(page.locator("#h-actions").locator("..")
                 .get_by_role("button", name="Consolider l'avis du groupe"))
    expect(page.get_by_text("Étape enregistrée")).to_be_visible()
    case.refresh_from_db()
    assert case.state == "avis_groupe"
    # The next step is the pilot's own: no notification to oneself, the card says it.
    pilot.follow(pilot.case_card().get_by_role("link",
                                               name="Rédiger l'avis consolidé du groupe"))
    group = page.locator("#h-group").locator("..")
    group.get_by_label("Favorable avec réserves").check()
    group.get_by_label("Recommandations").fill("Finaliser l'AIPD avant la mise en service.")
    group.get_by_label("Conditions (une par ligne)").fill("AIPD finalisée\nBilan à 6 mois")
    pilot.submit(group.get_by_role("button", name="Enregistrer l'avis du groupe"))
    expect(page.get_by_text("Avis du groupe enregistré.")).to_be_visible()
    assert GroupOpinion.objects.filter(case=case).exists()
    pilot.follow(pilot.case_card().get_by_role(
        "link", name="Transmettre le dossier aux élus pour décision"))
    since = len(mail.outbox)
    pilot.submit(page.locator("#h-actions").locator("..")
                 .get_by_role("button", name="Transmettre aux élus pour décision"))
    expect(page.get_by_role("link", name="Version 1")).to_be_visible()
    case.refresh_from_db()
    assert case.state == "decision"
    for login in ("elu-numerique", "elu-rh", "elu-thematique"):
        assert told(case, people[login], "decision_due"), f"{login} was not told"
        assert mailed_to(people[login], since, "transmis pour décision"), (
            f"{login} got no e-mail")

    # 5. An elected official, on a phone.
    official = sign_in("elu-numerique", phone=True)
    page = official.page
    expect(official.tasks()).to_contain_text("Le dossier vous est transmis pour décision.")
    line = official.home_card()
    official.follow(line.get_by_role("link", name=re.compile("^Décider")))
    decisions = page.locator("#h-decisions").locator("..")
    expect(decisions.get_by_text("Vous décidez de l'usage de l'IA")).to_be_visible()
    expect(page.get_by_text("Aucune action ne vous revient")).to_have_count(0)
    decisions.get_by_label("Validé sous conditions", exact=True).check()
    decisions.locator("#d-conditions").fill("AIPD finalisée avant la mise en service.")
    decisions.get_by_label("Référence de la délibération ou de l'arrêté").fill(
        "Délibération n° 2026-412")
    # Without the confirmation: refused, everything typed kept.
    official.submit(decisions.get_by_role("button", name="Enregistrer ma décision"))
    expect(page.locator("#decision-errors")).to_contain_text("Je confirme ma décision")
    decisions = page.locator("#h-decisions").locator("..")
    expect(decisions.get_by_label("Validé sous conditions", exact=True)).to_be_checked()
    expect(decisions.locator("#d-conditions")).to_have_value(
        "AIPD finalisée avant la mise en service.")
    expect(decisions.locator("#reference")).to_have_value("Délibération n° 2026-412")
    assert not Decision.objects.filter(version__case=case).exists()
    decisions.get_by_label("Je confirme ma décision", exact=False).check()
    official.submit(decisions.get_by_role("button", name="Enregistrer ma décision"))
    expect(page.get_by_text("Votre décision est enregistrée.")).to_be_visible()
    recorded = Decision.objects.get(version__case=case)
    assert (recorded.decision, recorded.reference) == ("valide_sous_conditions",
                                                       "Délibération n° 2026-412")
    # Done for this official; the two others are still told it waits for them.
    assert not told(case, people["elu-numerique"], "decision_due")
    for login in ("elu-rh", "elu-thematique"):
        assert told(case, people[login], "decision_due"), f"{login} is no longer told"
    expect(official.case_card()).to_contain_text("Rien ne vous attend sur ce dossier")

    # The two other officials decide through the service (their page is walked above and by
    # test_browser_decision_path.py); the pilot and the lead learn the outcome, and the
    # pilot's card leads to recording it.
    for login in ("elu-rh", "elu-thematique"):
        wf.decision_record(case=case, user=people[login], decision="valide",
                           decided_on=dt.date.today(), confirmed=True)
    for login in ("numerique", "porteur"):
        assert told(case, people[login], "decision_outcome"), f"{login} was not told"
    expect(pilot.case_card().get_by_role("link", name="Constater la décision des élus")
           ).to_be_visible()
