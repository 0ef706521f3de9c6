"""Issue 17: the legal panel discloses its groups of flags progressively. A group is loaded when
opened (htmx), or shown whole by the legal page when asked for (``?groupe=``, without
JavaScript); the red lines are always shown whole; the legal page stays under a DOM budget and a
bound of SQL queries."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from boussole.web import demo
from boussole.web.accounts.models import User
from boussole.web.cases import services
from boussole.web.cases.legal import GROUP_KEYS, OPEN_GROUPS_UP_TO, open_groups
from boussole.web.cases.models import Case
from tests.web.test_dom_budget import elements

pytestmark = pytest.mark.django_db

#: The roles of issue 17's target for the legal page.
LOGINS = ["porteur", "juriste", "rssi", "numerique-responsable", "admin", "elu-numerique"]
LEGAL_BUDGET = 650
PANEL_BUDGET = 200
MAX_QUERIES = 10
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def people() -> dict[str, User]:
    demo.create_demo()
    return {u.username: u for u in User.objects.filter(organisation__slug=demo.DEMO_SLUG)}


@pytest.fixture
def draft() -> Case:
    """The demo's draft: dozens of potential points, grouped and folded."""
    return Case.objects.get(title=demo.CANTINE.title)


def _articles(html: str) -> list[str]:
    return re.findall(r'<span class="flag-id">([^<]+)</span>', html)


def _group(html: str, key: str) -> str:
    match = re.search(rf'<details class="flag-group" id="g-{key}".*?</details>\s*(?=<details '
                      r'class="flag-group"|\s*(?:</details>\s*)?<p><a)', html, re.S)
    assert match, key
    return match.group(0)


def test_the_draft_folds_its_groups_with_their_counts(client: Any, people: dict[str, User],
                                                     draft: Case) -> None:
    client.force_login(people["juriste"])
    html = client.get(f"/cas/{draft.pk}/juridique/").content.decode()
    summaries = re.findall(r'<details class="flag-group" id="g-(\w+)"([^>]*)>\s*<summary>([^<]*)',
                           html)
    assert len(summaries) >= 4
    for key, attributes, summary in summaries:
        assert " open" not in attributes  # too many points: each group waits to be opened
        assert f'hx-get="/cas/{draft.pk}/juridique/points/{key}/"' in attributes
        assert 'hx-trigger="toggle once"' in attributes
        assert re.search(r"\(\d+\)", summary)  # the count stays visible
        # Without JavaScript, a link shows the group whole on the legal page.
        assert (f'href="/cas/{draft.pk}/juridique/?groupe={key}#g-{key}"'
                in _group(html, key))
    assert _articles(html) == []  # no red line on the draft: no flag rendered up front
    # The priority list keeps its first three entries visible once opened.
    priority = re.search(r'<details class="priority">(.*?)<details class="priority-more">',
                         html, re.S)
    assert priority and priority.group(1).count("<li>") == 3


def test_the_group_view_returns_the_flags_of_its_group(client: Any, people: dict[str, User],
                                                       draft: Case) -> None:
    client.force_login(people["porteur"])
    page = client.get(f"/cas/{draft.pk}/juridique/").content.decode()
    counts = {key: int(n) for key, n in re.findall(
        r'id="g-(\w+)"[^>]*>\s*<summary>[^<(]*\((\d+)\)', page)}
    assert "Q4" in counts
    seen: set[str] = set()
    for key, count in counts.items():
        response = client.get(f"/cas/{draft.pk}/juridique/points/{key}/", **HTMX)
        assert response.status_code == 200
        html = response.content.decode()
        ids = _articles(html)
        assert len(ids) == count and not seen & set(ids)
        seen |= set(ids)
        assert "<!DOCTYPE" not in html and html.count('<article class="flag ') == count
    # Without htmx, the link leads to the legal page with the group shown whole.
    response = client.get(f"/cas/{draft.pk}/juridique/points/Q4/")
    assert response.status_code == 302
    assert response["Location"] == f"/cas/{draft.pk}/juridique/?groupe=Q4#g-Q4"


def test_the_group_view_refuses_unknown_groups_and_strangers(
        client: Any, people: dict[str, User], draft: Case, organisation: Any,
        make_user: Any) -> None:
    client.force_login(people["juriste"])
    for key in ("Q9", "rien", "Q1x"):
        assert client.get(f"/cas/{draft.pk}/juridique/points/{key}/", **HTMX).status_code == 404
        assert client.get(f"/cas/{draft.pk}/juridique/points/{key}/").status_code == 404
    assert client.get("/cas/99999/juridique/points/Q4/", **HTMX).status_code == 404
    # Someone of another organisation: the same answer as the legal page.
    client.force_login(make_user("ailleurs", organisation, role="referent", domain="juridique"))
    legal = client.get(f"/cas/{draft.pk}/juridique/").status_code
    assert legal in (403, 404)
    assert client.get(f"/cas/{draft.pk}/juridique/points/Q4/", **HTMX).status_code == legal
    assert client.get(f"/cas/{draft.pk}/juridique/points/Q4/").status_code == legal
    # The vendor does not see the legal analysis either.
    client.force_login(people["prestataire"])
    legal = client.get(f"/cas/{draft.pk}/juridique/").status_code
    assert legal in (403, 404)
    assert client.get(f"/cas/{draft.pk}/juridique/points/Q4/", **HTMX).status_code == legal


def test_a_group_asked_for_is_shown_whole_without_javascript(
        client: Any, people: dict[str, User], draft: Case) -> None:
    client.force_login(people["porteur"])
    fragment = client.get(f"/cas/{draft.pk}/juridique/points/Q4/", **HTMX).content.decode()
    html = client.get(f"/cas/{draft.pk}/juridique/?groupe=Q4").content.decode()
    group = _group(html, "Q4")
    assert re.match(r'<details class="flag-group" id="g-Q4" open>', group)
    assert "hx-get" not in group.split(">", 1)[0]
    assert _articles(group) == _articles(fragment) and len(_articles(group)) > 3
    # The other groups stay folded; an unknown group is ignored.
    assert _articles(html) == _articles(group)
    html = client.get(f"/cas/{draft.pk}/juridique/?groupe=Q9").content.decode()
    assert _articles(html) == []


def test_red_lines_are_always_shown_whole(client: Any, people: dict[str, User],
                                          draft: Case) -> None:
    for fact, value in demo.RECONNAISSANCE.facts.items():
        services.answer_record(case=draft, user=people["porteur"], item_id=fact, value=value)
    client.force_login(people["porteur"])
    for url in (f"/cas/{draft.pk}/juridique/", f"/cas/{draft.pk}/profil/",
                f"/cas/{draft.pk}/juridique/points/"):
        html = client.get(url).content.decode()
        red = re.search(r'<div class="red-lines" role="alert">(.*?)</div>', html, re.S)
        assert red, url
        assert "BIO-01" in _articles(red.group(1)), url
        assert "Pourquoi ce point d'attention ?" in red.group(1)


def test_small_analyses_open_every_group_on_the_legal_page() -> None:
    few = [{"key": "Q3", "flags": [{}] * 3}, {"key": "Q6", "flags": [{}] * 2}]
    many = [{"key": "Q3", "flags": [{}] * OPEN_GROUPS_UP_TO}, {"key": "Q4", "flags": [{}]}]
    assert open_groups(few) == {"Q3", "Q6"}
    assert open_groups(few, profile_page=True) == set()
    assert open_groups(few, "Q6", profile_page=True) == {"Q6"}
    assert open_groups(many) == set()
    assert open_groups(many, "Q4") == {"Q4"}
    assert open_groups(many, "Q5") == set()  # not a group of this case
    assert set(GROUP_KEYS) == {"Q1", "Q2", "Q3", "Q4", "Q5", "Q6", "autres"}


@pytest.mark.parametrize("login", LOGINS)
def test_the_legal_page_is_under_its_budget_for_every_demo_case(
        client: Any, people: dict[str, User], login: str) -> None:
    client.force_login(people[login])
    sizes = {}
    for case in Case.objects.filter(organisation=people[login].organisation):
        response = client.get(f"/cas/{case.pk}/juridique/")
        if response.status_code == 200:
            sizes[case.pk] = elements(response.content.decode())
    assert len(sizes) >= 5
    assert all(size < LEGAL_BUDGET for size in sizes.values()), sizes


def test_the_panel_of_the_profile_page_is_light(client: Any, people: dict[str, User],
                                                draft: Case) -> None:
    for login in ("porteur", "juriste"):
        client.force_login(people[login])
        panel = client.get(f"/cas/{draft.pk}/juridique/points/", **HTMX).content.decode()
        assert elements(panel) < PANEL_BUDGET
        assert 'hx-trigger="facts-changed from:body"' in panel
        profile = client.get(f"/cas/{draft.pk}/profil/").content.decode()
        section = re.search(r'<section id="flags".*?</section>', profile, re.S)
        assert section and elements(section.group(0)) < PANEL_BUDGET


@pytest.mark.parametrize("login", ["porteur", "juriste"])
def test_the_legal_views_run_a_bounded_number_of_queries(
        client: Any, people: dict[str, User], draft: Case, login: str) -> None:
    client.force_login(people[login])
    client.get("/")  # the session is written once, on the first request
    for case in Case.objects.filter(organisation=people[login].organisation):
        for url, extra in ((f"/cas/{case.pk}/juridique/", {}),
                           (f"/cas/{case.pk}/juridique/?groupe=Q4", {}),
                           (f"/cas/{case.pk}/juridique/points/", HTMX),
                           (f"/cas/{case.pk}/juridique/points/Q4/", HTMX)):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url, **extra)
            assert response.status_code in (200, 404), url
            assert len(queries) <= MAX_QUERIES, (url, [q["sql"] for q in queries])
