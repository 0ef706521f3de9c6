"""The contract: light validation, « non renseigné » for missing parts, French wording."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

import boussole.reports
from boussole.reports import (
    MemoError,
    build_document,
    render_memo_html,
    render_memo_odt,
    render_memo_pdf,
)
from boussole.reports.content import (
    Chart,
    Fields,
    Heading,
    Paragraph,
    Table,
    format_date,
    format_number,
)
from tests.reports.conftest import odt_xml, squash


def test_the_package_imports_no_django() -> None:
    package = Path(boussole.reports.__file__).parent
    for path in package.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                assert not name.startswith(("django", "boussole.web", "boussole.settings")), (
                    path.name, name)


@pytest.mark.parametrize(("value", "expected"), [
    (12.3, "12,3"), (61.5, "61,5"), (5, "5"), (56, "56"), (1234.5, "1\u202f234"),
    (0.034, "0,03"), (0.4, "0,4"), (18000, "18\u202f000"), (2.0, "2"),
])
def test_numbers_are_written_the_french_way(value: float, expected: str) -> None:
    assert format_number(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("2026-11-20", "20 novembre 2026"),
    ("2026-12-01", "1er décembre 2026"),
    ("2026-11-30T10:00:00+01:00", "30 novembre 2026 à 10 h 00"),
    ("bientôt", "bientôt"),
])
def test_dates_are_written_in_french(value: str, expected: str) -> None:
    assert format_date(value) == expected


def test_sections_and_blocks(memo: dict[str, Any]) -> None:
    doc = build_document(memo)
    headings = [b for b in doc.blocks if isinstance(b, Heading)]
    assert [h.level for h in headings].count(1) == 1
    assert [squash(h.text) for h in headings if h.level == 2] == [
        "Synthèse du cas d'usage", "La boussole : avis du groupe par critère",
        "Avis et réponses clés par critère", "Lignes rouges et risques juridiques",
        "Empreinte environnementale", "Comparaison avec des scénarios sans IA",
        "Avis du groupe d'experts", "Décisions des élus",
        "Information des organisations syndicales", "Personnes consultées", "Avertissement"]
    assert len({h.anchor for h in headings}) == len(headings)
    charts = [b for b in doc.blocks if isinstance(b, Chart)]
    assert len(charts) == 1
    index = doc.blocks.index(charts[0])
    following = doc.blocks[index + 1]
    assert isinstance(following, Table) and following.caption == "Données de la boussole"
    assert len(following.rows) == 7
    assert doc.title == ("Note d'aide à la décision — 2026-003 — "
                         "Tri automatique des courriels des usagers")
    for block in doc.blocks:
        if isinstance(block, Table):
            assert all(len(row) == len(block.header) == len(block.widths)
                       for row in block.rows), block.caption


def test_missing_optional_parts_render_as_not_provided() -> None:
    doc = build_document({"case": {"title": "Cas minimal"}})
    fields = [item for b in doc.blocks if isinstance(b, Fields) for item in b.items]
    assert ("Service porteur", "non renseigné") in fields
    assert ("Version du dossier", "non renseigné") in fields
    texts = [squash(b.text) for b in doc.blocks if isinstance(b, Paragraph)]
    assert "Aucune décision n'est encore enregistrée." in texts
    assert "Information des organisations syndicales : non renseigné." in texts
    assert "Estimation de l'empreinte : non renseigné." in texts
    assert any("il ne décide pas" in t for t in texts)  # the default disclaimer
    memo: dict[str, Any] = {"case": {"title": "Cas minimal"}}
    html = render_memo_html(memo)
    assert "non renseigné" in html
    assert "non renseigné" in odt_xml(render_memo_odt(memo), "content.xml")
    assert render_memo_pdf(memo).startswith(b"%PDF")


def test_none_and_empty_values_everywhere(memo: dict[str, Any]) -> None:
    memo["summary"] = ""
    memo["legal"] = None
    memo["footprint"] = {}
    memo["no_ai"] = {"scenarios": [], "ai_option": None}
    memo["group_opinion"] = {"conditions": []}
    memo["decisions"] = []
    memo["union_information"] = None
    memo["consulted"] = None
    memo["criteria"][0]["opinion"] = None
    memo["criteria"][0]["key_answers"] = None
    memo["version"] = {}
    doc = build_document(memo)
    texts = [b.text for b in doc.blocks if isinstance(b, Paragraph)]
    assert "Aucune ligne rouge active." in texts
    assert any("Aucun scénario sans IA" in t for t in texts)
    assert render_memo_pdf(memo).startswith(b"%PDF")
    render_memo_odt(memo)


@pytest.mark.parametrize(("change", "where"), [
    (lambda m: m.update(case=None), "memo.case"),
    (lambda m: m["case"].update(title="  "), "memo.case.title"),
    (lambda m: m.update(criteria={"a": 1}), "memo.criteria"),
    (lambda m: m["criteria"][2]["progress"].update(answered="2"),
     "memo.criteria[2].progress.answered"),
    (lambda m: m["criteria"][1].update(title=["liste"]), "memo.criteria[1].title"),
    (lambda m: m["legal"].update(red_lines="BIO-01"), "memo.legal.red_lines"),
    (lambda m: m["footprint"].update(per_year_kg="douze"), "memo.footprint.per_year_kg"),
    (lambda m: m["footprint"].update(per_year_kg=float("nan")), "memo.footprint.per_year_kg"),
    (lambda m: m.update(decisions=[["x"]]), "memo.decisions[0]"),
])
def test_wrong_types_are_refused_with_a_french_path(memo: dict[str, Any], change: Any,
                                                    where: str) -> None:
    change(memo)
    with pytest.raises(MemoError) as caught:
        build_document(memo)
    assert where in str(caught.value)
    assert "attendu" in str(caught.value) or "obligatoire" in str(caught.value)


def test_a_memo_must_be_a_mapping() -> None:
    with pytest.raises(MemoError, match="dictionnaire"):
        build_document(["pas", "un", "dict"])


def test_retained_level_rationale_and_labels(memo: dict[str, Any]) -> None:
    doc = build_document(memo)
    fields = dict(item for b in doc.blocks if isinstance(b, Fields) for item in b.items)
    assert fields["Niveau de risque proposé par les règles"] == "Élevé"
    assert fields["Niveau retenu par les juristes"] == "Modéré"
    assert fields["Motif du niveau retenu"].startswith("Le classement est une simple suggestion")
    tables = {b.caption: b for b in doc.blocks if isinstance(b, Table)}
    flags = tables["Points d'attention relevés par la base de règles"]
    assert flags.rows[1][:4] == ("RGPD-05", "Modéré", "À compléter", "—")
    checks = tables["Vérifications sur l'hébergement et l'énergie"]
    assert [row[1] for row in checks.rows] == ["Oui", "non renseigné", "Non"]


def test_references_may_be_rule_base_links(memo: dict[str, Any]) -> None:
    memo["legal"]["flags"][0]["references"] = [
        {"texte": "CRPA art. L311-3-1", "url": "https://www.legifrance.gouv.fr/"},
        "RGPD art. 22", {"text": "Loi n° 78-17"}]
    doc = build_document(memo)
    tables = {b.caption: b for b in doc.blocks if isinstance(b, Table)}
    row = tables["Points d'attention relevés par la base de règles"].rows[0]
    assert row[-1] == "CRPA art. L311-3-1\nRGPD art. 22\nLoi n° 78-17"
