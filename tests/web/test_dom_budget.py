"""Digital sobriety (issue 17): every page of the demo, as each demo role reaches it from the
home page by links (:mod:`tests.web.site_crawl`), stays under a budget of DOM elements — light
enough for EcoIndex B with the pages' few requests and small weight. The profile, the criterion
pages, the legal analysis and the footprint calculator included: answered items as text with
« Modifier », one step, section or group open at a time, the legal groups loaded when opened.
What a person opens on request (« Afficher tous les groupes », a large group of legal points)
may weigh more; the view every link leads to may not."""

from __future__ import annotations

import pytest

from tests.web.site_crawl import LOGINS_ALL, elements, measured

pytestmark = pytest.mark.django_db

BUDGET = 800
#: Not pages but documents: the decision memo in HTML (frozen or draft) is the whole file as
#: printed and sent to the elected officials, like its PDF and ODT renditions.
DOCUMENTS = {"decisions:memo", "decisions:memo_preview"}


def test_the_counter_counts_elements() -> None:
    assert elements("<html><body><p>a<br>b</p><img src=x /><!-- c --></body></html>") == 5


@pytest.mark.parametrize("login", LOGINS_ALL)
def test_every_page_is_under_the_dom_budget(login: str) -> None:
    pages = measured(login)
    assert len(pages) >= 8, pages
    assert DOCUMENTS & set(pages) or login == "prestataire"  # the documents are reached
    over = {page.url: page.elements for name, found in pages.items() for page in found
            if page.elements > BUDGET and name not in DOCUMENTS}
    assert not over, f"{login}: more than {BUDGET} elements: {over}"
