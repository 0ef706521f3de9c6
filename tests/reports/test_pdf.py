"""The PDF memo: content, PDF/A identification, tagged structure, language, safety."""

from __future__ import annotations

import io
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pypdf
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from boussole.reports import render_memo_pdf
from tests.reports.conftest import pdf_text, squash
from tests.reports.memo_fixture import sample_memo


def _catalog(pdf: bytes) -> DictionaryObject:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    assert isinstance(root, DictionaryObject)
    return root


def _xmp(pdf: bytes) -> str:
    metadata = _catalog(pdf)["/Metadata"].get_object()
    return str(metadata.get_data().decode("utf-8"))


def _structure(pdf: bytes) -> tuple[list[str], list[dict[str, Any]]]:
    """Structure types in reading order (role-mapped), and the Figure elements."""
    root = _catalog(pdf)["/StructTreeRoot"].get_object()
    role_map = {str(k): str(v) for k, v in root.get("/RoleMap", {}).items()}
    kinds: list[str] = []
    figures: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, IndirectObject):
            node = node.get_object()
        if isinstance(node, ArrayObject):
            for child in node:
                walk(child)
            return
        if not isinstance(node, DictionaryObject):
            return  # a marked-content id
        if "/S" in node:
            kind = str(node["/S"])
            kind = role_map.get(kind, kind)
            kinds.append(kind)
            if kind == "/Figure":
                figures.append(dict(node))
        if "/K" in node:
            walk(node["/K"])

    walk(root["/K"])
    return kinds, figures


def test_is_a_pdf_with_the_memo_content(sample_pdf: bytes, tmp_path: Path) -> None:
    assert sample_pdf.startswith(b"%PDF-")
    text = pdf_text(sample_pdf, tmp_path)
    for expected in (
        "Tri automatique des courriels des usagers",  # the case title
        "Contribution à l'amélioration du service public",  # a criterion title
        "BIO-01",  # a red line
        "DEC-02",  # a legal flag
        "Délibération n° 2026-123",  # the decision reference
        "« état civil »",
        "Société Œuvre Numérique",
        "12,3 kg CO₂e par an",
        "Comité social territorial",
        "Yann Le Goff",
        "Outil d'aide à l'instruction : il ne décide pas.",
    ):
        assert expected in text, expected


def test_sections_come_in_the_contract_order(sample_pdf: bytes, tmp_path: Path) -> None:
    text = pdf_text(sample_pdf, tmp_path)
    sections = ["Synthèse du cas d'usage", "La boussole : avis du groupe par critère",
                "Avis et réponses clés par critère", "Lignes rouges et risques juridiques",
                "Empreinte environnementale", "Comparaison avec des scénarios sans IA",
                "Avis du groupe d'experts", "Décisions des élus",
                "Information des organisations syndicales", "Personnes consultées",
                "Avertissement"]
    positions = [text.find(section) for section in sections]
    assert -1 not in positions, dict(zip(sections, positions, strict=True))
    assert positions == sorted(positions)


def test_pypdf_also_extracts_the_text(sample_pdf: bytes) -> None:
    """Text extraction without poppler: the text layer is real Unicode text."""
    reader = pypdf.PdfReader(io.BytesIO(sample_pdf))
    text = squash(" ".join(page.extract_text() for page in reader.pages))
    assert "Tri automatique des courriels des usagers" in text
    assert "Délibération n° 2026-123" in text


def test_declares_pdf_a_2a_and_pdf_ua_1(sample_pdf: bytes) -> None:
    xmp = _xmp(sample_pdf)
    assert re.search(r"<pdfaid:part>2</pdfaid:part>", xmp)
    assert re.search(r"<pdfaid:conformance>A</pdfaid:conformance>", xmp)
    assert re.search(r"<pdfuaid:part>1</pdfuaid:part>", xmp)
    assert "<dc:title>" in xmp and "Tri automatique des courriels des usagers" in xmp
    catalog = _catalog(sample_pdf)
    assert "/OutputIntents" in catalog  # PDF/A: an output intent with an ICC profile
    intent = catalog["/OutputIntents"][0].get_object()
    assert intent["/S"] == "/GTS_PDFA1"
    assert "/DestOutputProfile" in intent


def test_is_tagged_with_language_and_title(sample_pdf: bytes) -> None:
    catalog = _catalog(sample_pdf)
    assert "/StructTreeRoot" in catalog
    mark_info = catalog["/MarkInfo"]
    assert bool(mark_info["/Marked"]) is True
    assert str(catalog["/Lang"]).lower().startswith("fr")
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"]
    info = pypdf.PdfReader(io.BytesIO(sample_pdf)).metadata
    assert info is not None and info.title is not None
    assert "Tri automatique des courriels des usagers" in info.title


def test_structure_tree_has_headings_tables_lists_and_an_alt_figure(sample_pdf: bytes) -> None:
    kinds, figures = _structure(sample_pdf)
    assert kinds.count("/H1") == 1
    assert kinds.count("/H2") == 11
    assert kinds.count("/H3") >= 7 + 2  # the criteria, red lines, legal flags
    assert kinds.index("/H1") < kinds.index("/H2")
    assert "/Table" in kinds and "/TH" in kinds and "/TD" in kinds
    assert "/L" in kinds and "/LI" in kinds
    assert "/Caption" in kinds
    assert figures, "the compass is a tagged figure"
    alt = str(figures[0].get("/Alt", ""))
    assert "Critère 1" in alt and "complétude" in alt


def test_markup_in_user_text_is_printed_literally(hostile: dict[str, Any],
                                                   tmp_path: Path) -> None:
    pdf = render_memo_pdf(hostile)
    text = pdf_text(pdf, tmp_path)
    assert "#set page(fill: red)" in text
    assert "<script>alert(1)</script>" in text
    assert "*gras* _italique_ $x^2$ @ref <label> = Titre" in text
    assert "]]> & &amp; {{ variable }} {% if %} \\ \\n" in text
    assert "<b>Critère</b> #strong[1] ]]>" in text


def test_a_minimal_memo_renders(tmp_path: Path) -> None:
    pdf = render_memo_pdf({"case": {"title": "Cas minimal"}})
    text = pdf_text(pdf, tmp_path)
    assert "Cas minimal" in text
    assert "non renseigné" in text


def test_the_creation_date_is_the_generation_date(sample_pdf: bytes) -> None:
    info = pypdf.PdfReader(io.BytesIO(sample_pdf)).metadata
    assert info is not None
    assert info["/CreationDate"].startswith("D:20261130")


def test_same_memo_same_bytes_even_from_threads(sample_pdf: bytes) -> None:
    """Reproducible (dates come from ``generated_at``) and safe to call from a threaded server."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        outputs = list(pool.map(lambda _: render_memo_pdf(sample_memo()), range(2)))
    assert outputs == [sample_pdf, sample_pdf]


def test_characters_without_a_glyph_do_not_break_pdf_a(memo: dict[str, Any],
                                                       tmp_path: Path) -> None:
    """PDF/A forbids a glyph no font has: such characters become U+FFFD, in the PDF only."""
    memo["summary"] = "Avant 😀 中文 한국 ไทย \ue000 ሀ après « œ » — ≤ € Жж αβ עברית fin"
    memo["criteria"][0]["title"] = "Critère 😀 fin"
    text = pdf_text(render_memo_pdf(memo), tmp_path)
    assert "Avant \ufffd \ufffd\ufffd \ufffd\ufffd \ufffd\ufffd\ufffd \ufffd \ufffd après" in text
    assert "« œ » — ≤ € Жж αβ" in text
    assert "Critère \ufffd fin" in text
