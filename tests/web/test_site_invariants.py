"""Site-wide invariants on the demo: every page a role can open renders, with exactly one <h1>,
in French by default and in English on request, and makes no reference to an external host."""

from __future__ import annotations

import re
from typing import Any

import pytest

from boussole.web import demo
from boussole.web.accounts.models import User
from boussole.web.cases.models import Case

pytestmark = pytest.mark.django_db

CASE_PAGES = ["", "profil/", *[f"critere/{n}/" for n in range(1, 8)], "juridique/",
              "journal/", "parcours/", "empreinte/", "empreinte/alternative/",
              "empreinte/estimation/"]
#: A resource loaded from another host (links to legal texts are fine: they load nothing).
EXTERNAL = re.compile(r'(?:\ssrc="|<link[^>]*\shref=")(?:https?:)?//', re.IGNORECASE)


@pytest.fixture
def demo_data() -> None:
    demo.create_demo()


@pytest.mark.parametrize("login", ["porteur", "juriste", "numerique-responsable", "elu-rh",
                                   "syndicat", "prestataire", "admin"])
def test_every_page_has_one_h1(client: Any, demo_data: None, login: str) -> None:
    user = User.objects.get(username=login)
    client.force_login(user)
    urls = ["/", "/mes-questions/", "/taches/", "/tableau-de-bord/"]
    for case in Case.objects.filter(organisation=user.organisation):
        urls += [f"/cas/{case.pk}/{page}" for page in CASE_PAGES]
    checked = 0
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 403, 404), url
        if response.status_code != 200:
            continue
        html = response.content.decode()
        assert html.count("<h1") == 1, url
        assert '<html lang="fr">' in html, url
        assert not EXTERNAL.search(html), url
        checked += 1
    assert checked >= 3


def test_english_on_request(client: Any, demo_data: None) -> None:
    client.force_login(User.objects.get(username="porteur"))
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "My files" in html
