"""The HTML memo: a standalone, accessible, printable French page."""

from __future__ import annotations

from html.parser import HTMLParser
from itertools import pairwise
from typing import Any

import pytest

from boussole.reports import render_memo_html
from tests.conftest import axe_violations


class Page(HTMLParser):
    """Records elements (with attributes and open-element path) and the text."""

    VOID = {"meta", "br", "link", "img", "input", "hr", "col", "source", "wbr",
            "path", "rect", "line", "circle"}

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None], tuple[str, ...]]] = []
        self.stack: list[str] = []
        self.text_parts: list[str] = []
        self.texts_by_tag: dict[str, list[str]] = {}
        self.doctype = ""
        self.feed(source)
        self.close()

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs), tuple(self.stack)))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs), tuple(self.stack)))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        assert self.stack and self.stack[-1] == tag, (tag, self.stack)
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text_parts.append(data)
        if self.stack:
            self.texts_by_tag.setdefault(self.stack[-1], []).append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.text_parts).split())

    def tags(self, name: str) -> list[dict[str, str | None]]:
        return [attrs for tag, attrs, _ in self.elements if tag == name]


def test_is_a_standalone_french_html5_document(sample_html: str) -> None:
    page = Page(sample_html)
    assert page.doctype.lower() == "doctype html"
    assert page.tags("html") == [{"lang": "fr"}]
    assert page.tags("meta")[0] == {"charset": "utf-8"}
    assert not page.stack, "every element is closed"
    assert "Tri automatique des courriels des usagers" in " ".join(page.texts_by_tag["title"])
    # no external resource, no script
    assert not page.tags("script") and not page.tags("link") and not page.tags("img")
    assert "http://" not in sample_html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in sample_html
    assert "@media print" in sample_html and "@page" in sample_html


def test_one_h1_and_headings_in_order(sample_html: str) -> None:
    page = Page(sample_html)
    levels = [int(tag[1]) for tag, _, _ in page.elements if tag in {"h1", "h2", "h3", "h4"}]
    assert levels.count(1) == 1 and levels[0] == 1
    for previous, current in pairwise(levels):
        assert current <= previous + 1, levels
    assert page.elements[0][0] == "html"
    assert len(page.tags("main")) == 1
    assert len(page.tags("section")) == 11


def test_tables_have_captions_and_scoped_headers(sample_html: str) -> None:
    page = Page(sample_html)
    tables = page.tags("table")
    assert len(tables) >= 10
    assert len(page.tags("caption")) == len(tables)
    for tag, attrs, _ in page.elements:
        if tag == "th":
            assert attrs.get("scope") in {"col", "row"}
    assert any(attrs.get("scope") == "row" for attrs in page.tags("th"))


def test_the_compass_svg_is_an_image_with_title_and_a_data_table(sample_html: str) -> None:
    page = Page(sample_html)
    svgs = page.tags("svg")
    assert len(svgs) == 1
    svg = svgs[0]
    assert svg["role"] == "img"
    labelled = (svg["aria-labelledby"] or "").split()
    ids = {attrs.get("id") for _, attrs, _ in page.elements}
    assert labelled and all(i in ids for i in labelled)
    assert any(path[-1:] == ("svg",) for tag, _, path in page.elements if tag == "title")
    assert any(path[-1:] == ("svg",) for tag, _, path in page.elements if tag == "desc")
    assert "Données de la boussole" in page.text
    # the figure is followed by its data table
    figure_index = sample_html.index("<figure>")
    table_index = sample_html.index("<caption>Données de la boussole</caption>")
    assert figure_index < table_index


def test_contains_every_section_and_key_facts(sample_html: str) -> None:
    text = Page(sample_html).text
    for expected in ("Synthèse du cas d'usage", "BIO-01", "RIA, art. 3(34)", "DEC-02",
                     "12,3 kg CO₂e par an", "Règles de tri par mots-clés",
                     "Favorable avec réserves", "Délibération n° 2026-123",
                     "Comité social territorial", "Inès Ouattara", "il ne décide pas",
                     "« je ne sais pas »", "Hébergement en France"):
        assert expected in text, expected
    assert "non renseigné" in text  # the data centre's location is unknown


def test_markup_in_user_text_is_escaped(hostile: dict[str, Any]) -> None:
    html = render_memo_html(hostile)
    page = Page(html)
    assert not page.tags("script")
    assert not page.tags("b")
    assert not any(tag.startswith("office") or tag.startswith("text:") for tag, _, _ in
                   page.elements)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" in page.text
    assert "#set page(fill: red)" in page.text
    assert "]]> & &amp; {{ variable }} {% if %} \\ \\n" in page.text
    title = " ".join(page.texts_by_tag["title"])
    assert "<script>" in title


def test_line_breaks_and_paragraphs_of_user_text(memo: dict[str, Any]) -> None:
    memo["summary"] = "Première ligne\nseconde ligne\n\nNouveau paragraphe"
    html = render_memo_html(memo)
    assert "Première ligne<br>seconde ligne</p>" in html
    assert "<p>Nouveau paragraphe</p>" in html


@pytest.mark.browser
def test_no_axe_violation_and_no_request(browser: Any, sample_html: str,
                                         hostile: dict[str, Any]) -> None:
    """WCAG 2.1 A/AA rules of axe-core, in headless Chromium; the page loads nothing."""
    context = browser.new_context(locale="fr-FR")
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    try:
        for html in (sample_html, render_memo_html(hostile)):
            page = context.new_page()
            page.on("dialog", lambda dialog: pytest.fail(f"a dialog opened: {dialog.message}"))
            page.set_content(html)
            assert axe_violations(page) == []
            assert requests == []
            assert page.locator("h1").count() == 1
            page.close()
    finally:
        context.close()
