"""The « next action » cards on the demo data: the case overview and the home page."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from boussole.core.next_action import next_actions
from boussole.web import demo
from boussole.web.accounts.models import User
from boussole.web.cases import selectors, services
from boussole.web.cases.models import Assignment, Case
from boussole.web.cases.next_action import action_label, cards, waiting_cases, waiting_text
from boussole.web.decisions import services as workflow_services
from tests.core.test_next_action import TABLE, TODAY

pytestmark = pytest.mark.django_db

NOTHING = "Rien ne vous attend sur ce dossier pour le moment :"


@pytest.fixture
def people() -> dict[str, User]:
    demo.create_demo()
    return {user.username: user for user in User.objects.filter(
        organisation__slug=demo.DEMO_SLUG)}


def _case(state: str, title: str = "") -> Case:
    cases = Case.objects.filter(organisation__slug=demo.DEMO_SLUG, state=state)
    if title:
        cases = cases.filter(title__startswith=title)
    return cases.get()


def _card(client: Client, user: User, case: Case) -> str:
    client.force_login(user)
    response = client.get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 200
    found = re.search(r'<section class="box next-action".*?</section>',
                      response.content.decode(), re.S)
    assert found, "the case overview has no next-action card"
    return found.group(0)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#x27;", "'")


# The demo takes seconds to create: each test below walks several people through one copy.

def test_case_cards_on_the_demo(client: Client, people: dict[str, User]) -> None:
    _lead_of_a_draft_completes_the_profile(client, people)
    _a_referent_is_told_how_many_questions_and_where(client, people)
    _nothing_to_do_is_said_plainly(client, people)
    _an_elected_official_decides_then_waits(client, people)
    case = _case("en_instruction", "Agent conversationnel")
    with CaptureQueriesContext(connection) as ctx:
        cards(people["juriste"], [case], names=True)
    assert len(ctx) <= 15


def _lead_of_a_draft_completes_the_profile(client: Client, people: dict[str, User]) -> None:
    case = _case("brouillon")
    card = _card(client, people["porteur"], case)
    assert "Compléter le profil et transmettre au groupe" in _text(card)
    assert f'href="{reverse("cases:profile", args=[case.pk])}"' in card
    # Someone else on the same draft: told plainly who it waits for.
    other = _text(_card(client, people["juriste"], case))
    assert NOTHING in other and "Camille Morin" in other


def _a_referent_is_told_how_many_questions_and_where(client: Client,
                                                     people: dict[str, User]) -> None:
    case = _case("en_instruction", "Agent conversationnel")
    _, progress = selectors.case_progress(case)
    missing = progress[2].missing
    assert missing > 0
    card = _card(client, people["rssi"], case)
    url = reverse("cases:criterion", args=[case.pk, 2])
    label = f"Répondre à {missing} question{'s' if missing > 1 else ''} du critère 2"
    assert re.search(rf'<a[^>]*href="{re.escape(url)}"[^>]*>{label}</a>', card), card
    # The CISO's domain is criterion 2 only: no other criterion is asked of them.
    assert "du critère 1" not in card and "du critère 4" not in card


def _an_elected_official_decides_then_waits(client: Client, people: dict[str, User]) -> None:
    case = _case("decision")
    card = _card(client, people["elu-rh"], case)
    assert "Décider" in _text(card)
    assert f'href="{reverse("decisions:path", args=[case.pk])}#h-decisions"' in card
    workflow_services.decision_record(case=case, user=people["elu-rh"], decision="valide",
                                      decided_on=dt.date(2026, 1, 5), confirmed=True)
    after = _text(_card(client, people["elu-rh"], case))
    assert "Décider" not in after
    assert NOTHING in after
    assert "Numérique, Vice-présidence thématique" in after
    assert "Ressources humaines" not in after.split(NOTHING)[1]


def _nothing_to_do_is_said_plainly(client: Client, people: dict[str, User]) -> None:
    case = _case("en_instruction", "Agent conversationnel")
    card = _text(_card(client, people["admin"], case))
    assert NOTHING in card
    assert "il attend les réponses et les avis des référents" in card
    assert "Inès Bernard" in card  # the named referents of criterion 2
    closed = _text(_card(client, people["porteur"], _case("refuse")))
    assert NOTHING in closed and "le dossier est clos" in closed


def _tables(html: str) -> str:
    return "".join(re.findall(r"<table.*?</table>", html, re.S))


def test_home_on_the_demo(client: Client, people: dict[str, User]) -> None:
    _home_shows_what_waits_and_each_case_once(client, people)
    _home_lists_only_the_cases_needing_the_person(people)
    _queries_do_not_grow_with_the_number_of_cases(client, people)


def _home_shows_what_waits_and_each_case_once(client: Client,
                                              people: dict[str, User]) -> None:
    client.force_login(people["porteur"])
    html = client.get(reverse("home")).content.decode()
    section = re.search(r'<section class="box next-action".*?</section>', html, re.S)
    assert section and "Ce qui vous attend" in section.group(0)
    draft = _case("brouillon")
    assert "Compléter le profil et transmettre au groupe" in _text(section.group(0))
    assert f'href="{reverse("cases:profile", args=[draft.pk])}"' in section.group(0)
    tables = _tables(html)
    for case in Case.objects.filter(organisation__slug=demo.DEMO_SLUG):
        link = f'href="{reverse("cases:detail", args=[case.pk])}"'
        assert tables.count(link) == 1, case.title
    # A person who leads nothing sees the organisation's list, every case once too.
    client.force_login(people["juriste"])
    tables = _tables(client.get(reverse("home")).content.decode())
    for case in Case.objects.filter(organisation__slug=demo.DEMO_SLUG):
        assert tables.count(f'href="{reverse("cases:detail", args=[case.pk])}"') == 1


def _home_lists_only_the_cases_needing_the_person(people: dict[str, User]) -> None:
    official = [card.case.state for card in waiting_cases(people["elu-numerique"])]
    assert official == ["decision"]
    assert waiting_cases(people["admin"]) == []
    lawyer = {card.case.title for card in waiting_cases(people["juriste"])}
    assert lawyer == set(Case.objects.filter(organisation__slug=demo.DEMO_SLUG,
                                             state="en_instruction")
                         .values_list("title", flat=True))


STATES = ["brouillon", "en_instruction", "avis_groupe", "decision", "information_syndicale",
          "en_service", "ajourne"]


def _more_cases(people: dict[str, User], count: int) -> None:
    """``count`` more cases, in every state in turn, with the lawyer named on some
    criteria (states set directly: only the number of queries is measured)."""
    organisation = people["porteur"].organisation
    assert organisation is not None
    for index in range(count):
        case = services.case_create(organisation=organisation, user=people["porteur"],
                                    title=f"Cas supplémentaire {index}", service="Service",
                                    purpose="Mesurer le nombre de requêtes.")
        Case.objects.filter(pk=case.pk).update(state=STATES[index % len(STATES)])
        Assignment.objects.create(case=case, criterion=1 + index % 7, user=people["juriste"],
                                  assigned_by=people["numerique"])


def _queries_do_not_grow_with_the_number_of_cases(client: Client,
                                                  people: dict[str, User]) -> None:
    logins = ["porteur", "juriste", "numerique", "elu-numerique"]

    def count(login: str) -> tuple[int, int]:
        user = User.objects.get(pk=people[login].pk)  # nothing cached on the instance
        client.force_login(user)
        client.get(reverse("home"))  # the session and the grid cache warm
        with CaptureQueriesContext(connection) as selector:
            waiting_cases(user)
        with CaptureQueriesContext(connection) as page:
            assert client.get(reverse("home")).status_code == 200
        return len(selector), len(page)

    # Every state present (every query of the selector runs), and more cases led by the
    # project lead than the home page's first table shows (both tables are filled).
    _more_cases(people, 4 * len(STATES))
    before = {login: count(login) for login in logins}
    _more_cases(people, 2 * len(STATES))
    after = {login: count(login) for login in logins}
    assert after == before
    assert all(selector <= 15 for selector, _ in after.values())


@pytest.mark.parametrize(("person", "state"), [row[1:3] for row in TABLE],
                         ids=[row[0] for row in TABLE])
def test_translated_labels_are_the_core_labels_in_french(person: Any, state: Any) -> None:
    result = next_actions(person, state, today=TODAY)
    with translation.override("fr"):
        assert [action_label(a) for a in result.actions] == [a.label for a in result.actions]
        if result.waiting is not None:
            assert waiting_text(result.waiting) == result.waiting.text
