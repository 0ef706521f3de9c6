"""The calculator's groups disclosed one at a time (issue 17, EcoIndex B): the group asked for
(``?groupe=``, the first by default) is shown whole, the others are summarised with their
values, which the form posts unchanged in hidden inputs; a link opens a group without
JavaScript, htmx swaps it in place; ``?groupe=tous`` shows them all, as does a refused post."""

from __future__ import annotations

from html import unescape
from html.parser import HTMLParser
from typing import Any

import pytest

from boussole.web.footprint.models import FootprintInput
from tests.web import test_footprint_lead as lead
from tests.web.test_dom_budget import elements
from tests.web.test_footprint_lead import FORM, text, url

pytestmark = pytest.mark.django_db
people, case = lead.people, lead.case  # the fixtures of the lead's tests


class _FormFields(HTMLParser):
    """The name/value pairs the calculator's form would post, as a browser builds them."""

    def __init__(self) -> None:
        super().__init__()
        self.in_form = False
        self.select: str | None = None
        self.first_option: str | None = None
        self.chosen: str | None = None
        self.pairs: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form" and a.get("class") == "fp-groups":
            self.in_form = True
        if not self.in_form:
            return
        if tag == "input" and "name" in a:
            if a.get("type") in ("radio", "checkbox") and "checked" not in a:
                return
            self.pairs[a["name"]] = a.get("value", "")
        elif tag == "select":
            self.select, self.first_option, self.chosen = a["name"], None, None
        elif tag == "option" and self.select is not None:
            if self.first_option is None:
                self.first_option = a.get("value", "")
            if "selected" in a:
                self.chosen = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.in_form = False
        elif tag == "select" and self.select is not None:
            self.pairs[self.select] = (self.chosen if self.chosen is not None
                                       else self.first_option or "")
            self.select = None


def posted_by(html: str) -> dict[str, str]:
    parser = _FormFields()
    parser.feed(html)
    return parser.pairs


def test_one_group_is_open_and_the_closed_ones_keep_their_values(
        client: Any, case: Any, people: Any) -> None:
    client.force_login(people["lead"])
    assert client.post(url(case), FORM).status_code == 302
    stored = FootprintInput.objects.get(case=case)
    page = text(client.get(url(case)))
    # The first group is open; the model's group is summarised, with a link that opens it.
    assert 'id="f-service_years"' in page and 'type="text" name="service_years"' in page
    assert 'type="hidden" name="llm_api-output_tokens" value="400"' in page
    assert '<a href="?groupe=modele#g-modele" hx-get="?groupe=modele"' in page
    assert "Modifier ce groupe<span class=\"visually-hidden\"> — Modèle et appels" in page
    assert "Renseigner ce groupe<span class=\"visually-hidden\"> — Entraînement" in page
    assert "<dt>Jetons générés par réponse</dt><dd>400</dd>" in page
    # The long suggestion lists are sent only with a group whose fields use them.
    assert '<datalist id="dl-cpus"></datalist>' in page
    # Posting the page as it is (closed groups included) changes nothing.
    response = client.post(url(case), posted_by(page))
    assert response.status_code == 302
    again = FootprintInput.objects.get(case=case)
    assert again.document == stored.document and again.revision == stored.revision + 1


def test_a_group_opens_without_javascript_and_in_place_with_htmx(
        client: Any, case: Any, people: Any) -> None:
    client.force_login(people["lead"])
    # Without JavaScript: the link's page has the CPU group open, its suggestions sent.
    page = text(client.get(url(case, "?groupe=cpu")))
    assert 'type="text" name="cpu-hours_per_year"' in page
    assert 'type="hidden" name="service_years"' in page  # the first group is closed now
    assert '<datalist id="dl-cpus"><option value="A8-7680"></option>' in page
    assert '<a href="?groupe=service#g-service"' in page
    # With htmx: only the group, focused, and its suggestion lists swapped in by id.
    fragment = text(client.get(url(case, "?groupe=cpu"), headers={"HX-Request": "true"}))
    assert fragment.lstrip().startswith('<fieldset class="fp-group" id="g-cpu" tabindex="-1" '
                                        'autofocus>')
    assert '<datalist id="dl-cpus" hx-swap-oob="true"><option' in fragment
    assert 'id="dl-gpus"' not in fragment and "<html" not in fragment
    assert client.get(url(case, "?groupe=inconnu"),
                      headers={"HX-Request": "true"}).status_code == 404
    # Every group at once, and an unknown group falls back to the first.
    whole = text(client.get(url(case, "?groupe=tous")))
    assert "Renseigner ce groupe" not in whole and "Afficher tous les groupes" not in whole
    assert 'type="text" name="training-hours"' in whole
    assert elements(whole) > elements(page) > elements(text(client.get(url(case))))
    assert 'type="text" name="service_years"' in text(client.get(url(case, "?groupe=x")))


def test_a_refused_post_shows_every_group_as_typed(client: Any, case: Any, people: Any) -> None:
    client.force_login(people["lead"])
    response = client.post(url(case), {**FORM, "storage-tb": "beaucoup"})
    assert response.status_code == 400
    page = unescape(response.content.decode())
    assert 'type="text" name="storage-tb" value="beaucoup"' in page
    assert 'href="#f-storage-tb"' in page
    # What was typed elsewhere is shown too, in its open group.
    assert 'type="text" name="llm_api-output_tokens" value="400"' in page
    assert "Renseigner ce groupe" not in page and 'type="hidden" name="service_years"' not in page


def test_the_sizing_help_and_the_comparison_send_only_the_list_of_places(
        client: Any, case: Any, people: Any) -> None:
    """Their forms suggest places only: the lists of CPU and GPU models are left empty."""
    client.force_login(people["lead"])
    for tail in ("estimation/", "alternative/"):
        page = text(client.get(url(case, tail)))
        assert 'list="dl-locations"' in page and 'list="dl-cpus"' not in page
        assert '<datalist id="dl-locations"><option value="FR">France</option>' in page
        assert '<datalist id="dl-cpus"></datalist>' in page
        assert '<datalist id="dl-gpus"></datalist>' in page
