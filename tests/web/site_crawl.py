"""Every page of the demo as its users reach it, measured once per process: from the home page,
every link of every HTML page served (the main menu, the case navigation, the links of the
lists…), for one demo role at a time. Each kind of page (URL name and arguments) is fetched once
— one discussion thread per case, not one per question — with its SQL queries and its number
of DOM elements. Used by the bounded-queries and the DOM budget tests."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve

from boussole.web import demo
from boussole.web.accounts.models import User

#: The demo roles whose pages differ most: the project lead, a legal and a green-IT referent,
#: the elected official (reading only), the administrator and the vendor.
LOGINS_ALL = ["porteur", "juriste", "numerique-responsable", "elu-numerique", "admin",
              "prestataire"]

#: Not followed: files and exports (not pages), the logout, the language switch, the API
#: (bounded by tests/web/api), the static files.
NOT_PAGES = re.compile(r"^/(static/|comptes/deconnexion|i18n/|api/v1/(?!docs)|favicon)"
                       r"|\.(csv|ods|odt|json|pdf|md|txt|zip|xlsx|svg|png)$")
#: Keyword arguments that only choose one of many similar rows: one page of each per case.
SAMPLED = ("item_id", "question_id")


@dataclass(frozen=True)
class Page:
    url: str
    queries: int
    elements: int


class _Counter(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.elements = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.elements += 1

    def handle_startendtag(self, tag: str, attrs: Any) -> None:
        self.elements += 1


def elements(html: str) -> int:
    """The elements a browser builds from ``html`` (start tags, void ones included)."""
    counter = _Counter()
    counter.feed(html)
    return counter.elements


def _key(url: str) -> tuple[str, tuple[tuple[str, Any], ...]] | None:
    try:
        match = resolve(url)
    except Resolver404:
        return None
    kwargs = {k: v for k, v in match.kwargs.items() if k not in SAMPLED}
    return match.view_name, tuple(sorted(kwargs.items()))


def crawl(client: Client) -> dict[str, list[Page]]:
    """Every HTML page reachable from the home page by links, by URL name."""
    queue, seen, keys = ["/"], set(), set()
    found: dict[str, list[Page]] = {}
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        key = _key(url)
        if key is None or key in keys:
            continue
        keys.add(key)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        found.setdefault(key[0], []).append(Page(url, len(queries), elements(html)))
        for link in re.findall(r'href="(/[^"#?]*)', html):
            if link not in seen and not NOT_PAGES.search(link):
                queue.append(link)
    return found


_measured: dict[str, dict[str, list[Page]]] = {}


def measured(login: str) -> dict[str, list[Page]]:
    """The crawl of the demo for ``login`` (the demo and the crawl are the same for every test
    of a login: measured once per process)."""
    if login not in _measured:
        demo.create_demo()
        user = User.objects.get(username=login)
        client = Client()
        client.force_login(user)
        client.get("/")  # the first request after the login writes the session once
        _measured[login] = crawl(client)
    return _measured[login]
