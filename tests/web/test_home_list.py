"""The home case list: filters (stage, legal level, service, named referent, text), pagination
that keeps the filters, and a number of SQL queries that does not grow with the cases."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from boussole.web.accounts.models import User
from boussole.web.cases import services
from boussole.web.cases.models import Case
from boussole.web.cases.next_action import HOME_LIMIT, home_inputs
from boussole.web.decisions.selectors import task_count, tasks_for
from boussole.web.demo import create_demo

pytestmark = pytest.mark.django_db

#: The home page's queries (session, user, referents of the filter, the two lists and their
#: count, « Ce qui vous attend » and the number of tasks); it must not depend on the number
#: of cases either.
MAX_QUERIES = 10


@pytest.fixture
def people(organisation: Any, make_user: Any) -> dict[str, Any]:
    return {"porteur": make_user("porteur", organisation, first_name="Camille",
                                 last_name="Morin"),
            "juriste": make_user("juriste", organisation, role="referent", first_name="Yann",
                                 last_name="Le Goff")}


def make_cases(organisation: Any, lead: Any, n: int, start: int = 0) -> list[Case]:
    cases = []
    for i in range(start, start + n):
        cases.append(services.case_create(
            organisation=organisation, user=lead, title=f"Cas numéro {i}",
            service="Direction des sports" if i % 2 else "Direction de l'eau",
            purpose=f"Finalité {i}."))
    return cases


def rows(html: str) -> list[str]:
    """The cases in the lists' tables (not the « Ce qui vous attend » links)."""
    tables = "".join(re.findall(r'<table class="cases.*?</table>', html, re.S))
    return re.findall(r'href="/cas/(\d+)/">', tables)


def test_filters_narrow_the_list_and_pagination_keeps_them(client: Any,
                                                            people: dict[str, Any],
                                                            organisation: Any) -> None:
    lead, juriste = people["porteur"], people["juriste"]
    cases = make_cases(organisation, lead, 60)
    Case.objects.filter(pk=cases[3].pk).update(state="en_instruction", legal_level="ELEVE")
    services.assignment_add(case=cases[5], user=lead, criterion=2, referent=juriste)
    client.force_login(lead)

    page = client.get("/").content.decode()
    assert "Filtrer et rechercher les cas d'usage" in page
    assert "<details" in page

    found = rows(client.get("/", {"state": "en_instruction"}).content.decode())
    assert found == [str(cases[3].pk)]
    found = rows(client.get("/", {"level": "ELEVE"}).content.decode())
    assert found == [str(cases[3].pk)]
    found = rows(client.get("/", {"referent": juriste.pk}).content.decode())
    assert found == [str(cases[5].pk)]
    found = rows(client.get("/", {"q": "Cas numéro 17"}).content.decode())
    assert found == [str(cases[17].pk)]

    response = client.get("/", {"service": "sports"})
    html = response.content.decode()
    assert "30 cas d&#x27;usage correspondent aux filtres" in html or \
        "30 cas d'usage correspondent aux filtres" in html
    first = rows(html)
    assert len(first) == 25
    assert "service=sports&amp;page=2" in html
    second = rows(client.get("/", {"service": "sports", "page": 2}).content.decode())
    assert len(second) == 5 and not set(first) & set(second)
    sports = {str(c.pk) for i, c in enumerate(cases) if i % 2}
    assert set(first) | set(second) == sports

    nothing = client.get("/", {"q": "introuvable"}).content.decode()
    assert "Aucun cas d&#x27;usage ne correspond à ces filtres." in nothing or \
        "Aucun cas d'usage ne correspond à ces filtres." in nothing

    refused = client.get("/", {"state": "inconnu"})
    assert refused.status_code == 200
    assert "n&#x27;est pas valable" in refused.content.decode() or \
        "n'est pas valable" in refused.content.decode()


def test_a_long_list_is_counted_only_a_few_pages_ahead(client: Any, people: dict[str, Any],
                                                       organisation: Any,
                                                       monkeypatch: Any) -> None:
    """Counting every row grows with the table: the list counts ten pages past the one asked
    for, and says « au moins » beyond (pages of 2 here, 30 cases)."""
    from boussole.web import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    make_cases(organisation, people["porteur"], 30)
    client.force_login(people["porteur"])
    first = html.unescape(client.get("/", {"q": "Cas numéro"}).content.decode())
    assert "Plus de 22 cas d'usage correspondent aux filtres" in first
    assert "Page 1 sur au moins 11" in first and len(rows(first)) == 2
    # Further on, the end of the list is within reach: exact figures again.
    far = html.unescape(client.get("/", {"q": "Cas numéro", "page": 12}).content.decode())
    assert "30 cas d'usage correspondent aux filtres" in far
    assert "Page 12 sur 15" in far and len(rows(far)) == 2
    last = html.unescape(client.get("/", {"q": "Cas numéro", "page": 15}).content.decode())
    assert "Page 15 sur 15" in last and "Page suivante" not in last
    # Every case once over the pages.
    seen = [pk for n in range(1, 16) for pk in rows(client.get(
        "/", {"q": "Cas numéro", "page": n}).content.decode())]
    assert len(seen) == len(set(seen)) == 30


def test_other_organisations_cases_never_match(client: Any, people: dict[str, Any],
                                               organisation: Any, other_organisation: Any,
                                               make_user: Any) -> None:
    stranger = make_user("autre", other_organisation)
    make_cases(other_organisation, stranger, 3)
    mine = make_cases(organisation, people["porteur"], 2)
    client.force_login(people["porteur"])
    found = rows(client.get("/", {"q": "Cas numéro"}).content.decode())
    assert sorted(found) == sorted(str(c.pk) for c in mine)


def _queries(client: Any, path: str, params: dict[str, Any] | None = None) -> int:
    client.get(path, params or {})  # warm-up (grid registry, templates)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, params or {})
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("params", [{}, {"service": "eau", "page": "2"},
                                    {"q": "Cas", "state": "brouillon"}])
def test_home_queries_do_not_grow_with_the_cases(client: Any, people: dict[str, Any],
                                                 organisation: Any,
                                                 params: dict[str, Any]) -> None:
    lead, juriste = people["porteur"], people["juriste"]
    cases = make_cases(organisation, lead, 30)  # both lists filled: mine and a page of others
    services.assignment_add(case=cases[0], user=lead, criterion=2, referent=juriste)
    services.answer_record(case=cases[0], user=juriste, item_id="est_ia", value="oui")
    client.force_login(lead)
    few = _queries(client, "/", params)
    more = make_cases(organisation, lead, 60, start=30)
    services.assignment_add(case=more[0], user=lead, criterion=2, referent=juriste)
    services.answer_record(case=more[1], user=juriste, item_id="est_ia", value="nsp",
                           justification="À vérifier.")
    many = _queries(client, "/", params)
    assert few == many
    assert many <= MAX_QUERIES
    client.force_login(juriste)
    assert _queries(client, "/", params) <= MAX_QUERIES


def test_home_queries_on_the_demo_and_the_same_number_of_tasks(client: Any) -> None:
    """On the demo, for three kinds of people: at most MAX_QUERIES queries (after a warm-up
    request, which loads the session), and the page's number of tasks is the tasks page's."""
    create_demo()
    for user in User.objects.all():
        assert task_count(user, *home_inputs(user)) == (tasks_for(user)["count"], True), \
            user.username
    for name in ("porteur", "juriste", "admin"):
        user = User.objects.get(username=name)
        client.force_login(user)
        assert _queries(client, "/") <= MAX_QUERIES, name
        count = tasks_for(user)["count"]
        html = client.get("/").content.decode()
        if count:
            assert re.search(rf">{count} tâches? (vous attend|vous attendent)</a>", html), name
        else:
            assert "vous attend</a>" not in html and "vous attendent</a>" not in html


def test_beyond_the_window_the_home_page_counts_at_least_and_links_to_every_task(
        client: Any, people: dict[str, Any], organisation: Any) -> None:
    """More open cases than the home page looks at: the number of tasks is a lower bound,
    said « Au moins », never more than « Mes tâches » counts, and the page's queries stay
    the same."""
    lead = people["porteur"]
    make_cases(organisation, lead, HOME_LIMIT - 1)  # drafts: one task each for their lead
    client.force_login(lead)
    below = _queries(client, "/")
    count, complete = task_count(lead, *home_inputs(lead))
    per_case = count // (HOME_LIMIT - 1)
    assert complete and per_case >= 1 and count == tasks_for(lead)["count"] \
        == per_case * (HOME_LIMIT - 1)
    make_cases(organisation, lead, 30, start=HOME_LIMIT)
    count, complete = task_count(lead, *home_inputs(lead))
    assert not complete
    assert count == per_case * HOME_LIMIT < tasks_for(lead)["count"] \
        == per_case * (HOME_LIMIT + 29)
    html = client.get("/").content.decode()
    assert re.search(rf'href="/taches/">Au moins {count} tâches vous attendent</a>', html)
    assert _queries(client, "/") == below
