"""The memo warns, in every format, on a favourable opinion given at low completeness."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from boussole.reports import build_document, render_memo_html, render_memo_odt, render_memo_pdf
from boussole.reports.content import LOW_COMPLETENESS_LABEL, Paragraph
from tests.reports.conftest import odt_xml, pdf_text, squash

WARNING = ("Critère 7 (Évaluation du bénéfice par rapport à une solution alternative sans IA) : "
           "avis « Favorable » alors que la complétude n'est que de 0 % (0 réponse sur 7 "
           "questions applicables).")


def at_zero(memo: dict[str, Any]) -> dict[str, Any]:
    """The sample memo with criterion 7 (favourable) answered 0 of 7."""
    memo["criteria"][6]["progress"] = {"answered": 0, "applicable": 7, "unknown": 0}
    return memo


def alerts(memo: dict[str, Any]) -> list[str]:
    return [squash(b.text) for b in build_document(memo).blocks
            if isinstance(b, Paragraph) and b.style == "alert"
            and b.label == LOW_COMPLETENESS_LABEL]


def test_no_warning_when_favourable_opinions_rest_on_enough_answers(memo: dict[str, Any]
                                                                    ) -> None:
    # Criteria 1-4 and 7 favourable with 5/9 to 7/7 answered; 5 unfavourable; 6 without opinion.
    assert alerts(memo) == []


def test_the_warning_after_the_compass_and_in_the_criterion(memo: dict[str, Any]) -> None:
    found = alerts(at_zero(memo))
    assert len(found) == 2 and all(text.startswith(WARNING) for text in found)
    blocks = build_document(memo).blocks
    positions = [i for i, b in enumerate(blocks) if isinstance(b, Paragraph)
                 and b.label == LOW_COMPLETENESS_LABEL]
    headings = [getattr(b, "anchor", "") for b in blocks]
    assert headings.index("boussole") < positions[0] < headings.index("criteres")
    assert headings.index("critere-7") < positions[1] < headings.index("juridique")


def plain(markup: str) -> str:
    """The text of HTML or ODT XML: tags dropped, entities decoded, white space squashed."""
    return squash(html.unescape(re.sub(r"<[^>]+>", " ", markup)))


def test_the_warning_in_html_odt_and_pdf(memo: dict[str, Any], tmp_path: Path) -> None:
    memo = at_zero(memo)
    expected = f"{squash(LOW_COMPLETENESS_LABEL)} {WARNING}"
    assert plain(render_memo_html(memo)).count(expected) == 2
    assert plain(odt_xml(render_memo_odt(memo), "content.xml")).count(expected) == 2
    assert pdf_text(render_memo_pdf(memo), tmp_path).count("0 réponse sur 7") == 2
