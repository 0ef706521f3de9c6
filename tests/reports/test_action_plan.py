"""The memo's « Plan d'action » section (issue 12, item 9): one table (measure, what it
answers, owner, due date, status) in the blocks and in the three formats; memos built before
the plan existed (no ``action_plan`` key) have no such section."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from boussole.reports import render_memo_html, render_memo_odt, render_memo_pdf
from boussole.reports.content import Heading, Paragraph, Table, build_document
from tests.reports.conftest import odt_xml, parse_xml, pdf_text, squash
from tests.reports.memo_fixture import sample_memo

PLAN = {"as_of": "2027-02-01", "measures": [
    {"text": "Réaliser l'analyse d'impact", "target": "Critère 1", "owner": "Yann Le Goff",
     "due": "2027-01-15", "status": "en_cours", "status_label": "En cours", "overdue": True},
    {"text": "Former les agents du service", "target": "Règle DEC-02",
     "owner": "Cabinet Sécu", "due": "2027-06-30", "status": "a_faire",
     "status_label": "À faire", "overdue": False},
]}


@pytest.fixture
def planned() -> dict[str, Any]:
    memo = sample_memo()
    memo["action_plan"] = PLAN
    return memo


def test_the_plan_is_a_table_after_the_decisions(planned: dict[str, Any]) -> None:
    doc = build_document(planned)
    titles = [b.text for b in doc.blocks if isinstance(b, Heading) and b.level == 2]
    assert titles.index("Plan d'action") == titles.index("Décisions des élus") + 1
    start = next(i for i, b in enumerate(doc.blocks)
                 if isinstance(b, Heading) and b.text == "Plan d'action")
    meta, table = doc.blocks[start + 1], doc.blocks[start + 2]
    assert isinstance(meta, Paragraph) and meta.text == "État du plan d'action au 1er février 2027."
    assert isinstance(table, Table)
    assert table.header == ("Mesure", "Répond à", "Responsable", "Échéance", "Statut")
    assert table.rows == (
        ("Réaliser l'analyse d'impact", "Critère 1", "Yann Le Goff", "15 janvier 2027",
         "En cours — en retard"),
        ("Former les agents du service", "Règle DEC-02", "Cabinet Sécu", "30 juin 2027",
         "À faire"))


def test_an_empty_plan_says_so_and_an_older_memo_has_no_section(
        planned: dict[str, Any]) -> None:
    planned["action_plan"] = {"as_of": "2027-02-01", "measures": []}
    texts = [b.text for b in build_document(planned).blocks if isinstance(b, Paragraph)]
    assert "Aucune mesure n'est inscrite au plan d'action." in texts
    older = build_document(sample_memo())
    assert "Plan d'action" not in [b.text for b in older.blocks if isinstance(b, Heading)]


def test_the_three_formats_show_the_plan(planned: dict[str, Any], tmp_path: Path) -> None:
    html = render_memo_html(planned)
    assert 'id="plan-action"' in html
    assert "Former les agents du service" in html and "En cours — en retard" in html
    odt = squash(" ".join(parse_xml(odt_xml(render_memo_odt(planned), "content.xml"))
                          .itertext()))
    assert "Réaliser l'analyse d'impact" in odt and "Règle DEC-02" in odt
    pdf = squash(pdf_text(render_memo_pdf(planned), tmp_path))
    assert "Plan d'action" in pdf and "Cabinet Sécu" in pdf and "30 juin 2027" in pdf
