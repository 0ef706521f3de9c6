"""The tender annex in ODT, ODS and XLSX: every vendor question once, in order, read back with
odfdo, openpyxl and python-calamine; filled as a bidder would and read back by the core's
reader; malformed, tampered, wrong-grid and oversized annexes refused whole, saying where."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import odfdo
import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from boussole.core.errors import InvalidDocument
from boussole.core.grid import GridRegistry
from boussole.core.grid.loader import bundled_grid_dir, load_grid_text
from boussole.core.grid.model import UNKNOWN, Grid
from boussole.core.limits import LIMITS, MAX_ANNEX_BYTES
from boussole.core.procurement.annex import AnnexAnswer, read_annex
from boussole.core.procurement.pack import (
    COLUMNS,
    SHEET_METADATA,
    SHEET_QUESTIONS,
    VendorQuestion,
    pack_fingerprint,
    vendor_questions,
)
from boussole.reports import vendor_comparison, vendor_pack

REGISTRY = GridRegistry()
GRID = REGISTRY.get("boussole-nantes", 2)
V1 = REGISTRY.get("boussole-nantes", 1)
INFO = {"reference": "2026-007", "title": "Assistant courrier", "organisation": "Ville de Test",
        "generated_at": "04/12/2026"}


@pytest.fixture(scope="module")
def packs() -> dict[str, bytes]:
    return {fmt: vendor_pack.render(GRID, INFO, fmt) for fmt in vendor_pack.FORMATS}


def _cell_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else " ".join(str(value).split())


def _question_rows(rows: list[list[Any]]) -> list[tuple[str, str]]:
    """(number, question text) of every data row of the questionnaire table."""
    assert [_cell_text(c) for c in rows[0][:len(COLUMNS)]] == list(COLUMNS)
    return [(_cell_text(r[0]), _cell_text(r[2])) for r in rows[1:] if any(c not in (None, "")
                                                                         for c in r)]


def _expected() -> list[tuple[str, str]]:
    return [(f"Q{q.number}", " ".join(q.text.split())) for q in vendor_questions(GRID)]


# --- Every vendor question, once, in order ----------------------------------------------------

def test_the_bundled_grid_has_vendor_questions_of_every_kind_used() -> None:
    questions = vendor_questions(GRID)
    assert len(questions) == sum(1 for q in GRID.questions if q.vendor) == 57
    assert {q.type for q in questions} == {"yes_no", "text", "number", "single_choice"}


def test_ods_read_back_with_odfdo(packs: dict[str, bytes]) -> None:
    document = odfdo.Document(io.BytesIO(packs["ods"]))
    names = [t.name for t in document.body.get_tables()]
    assert names == ["Instructions", SHEET_QUESTIONS, SHEET_METADATA]
    table = document.body.get_table(name=SHEET_QUESTIONS)
    assert _question_rows(table.get_values()) == _expected()


def test_odt_read_back_with_odfdo(packs: dict[str, bytes]) -> None:
    document = odfdo.Document(io.BytesIO(packs["odt"]))
    assert document.get_type() == "text"
    table = document.body.get_table(name=SHEET_QUESTIONS)
    assert _question_rows(table.get_values()) == _expected()
    text = document.get_formatted_text()
    assert "Questionnaire fournisseur" in text and "2026-007" in text
    # The metadata is in a hidden section.
    content = zipfile.ZipFile(io.BytesIO(packs["odt"])).read("content.xml").decode()
    assert re.search(r'<text:section[^>]*text:display="none"', content)


def test_xlsx_read_back_with_openpyxl(packs: dict[str, bytes]) -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(packs["xlsx"]))
    assert workbook.sheetnames[:2] == ["Instructions", SHEET_QUESTIONS]
    assert workbook[SHEET_METADATA].sheet_state == "hidden"
    rows = [list(r) for r in workbook[SHEET_QUESTIONS].iter_rows(values_only=True)]
    assert _question_rows(rows) == _expected()


@pytest.mark.parametrize("fmt", ["ods", "xlsx"])
def test_spreadsheets_read_back_with_calamine(packs: dict[str, bytes], fmt: str) -> None:
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(packs[fmt]))
    rows = workbook.get_sheet_by_name(SHEET_QUESTIONS).to_python()
    assert _question_rows(rows) == _expected()
    meta = workbook.get_sheet_by_name(SHEET_METADATA).to_python()
    values = {str(r[0]): r[1] for r in meta if r and r[0] != "question"}
    assert values["grid_id"] == GRID.id and int(values["grid_version"]) == GRID.version
    assert values["fingerprint"] == pack_fingerprint(GRID)
    assert [r[1] for r in meta if r[0] == "question"] == [q.id for q in vendor_questions(GRID)]


def test_every_row_has_criterion_help_and_expected_answer(packs: dict[str, bytes]) -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(packs["xlsx"]))
    rows = list(workbook[SHEET_QUESTIONS].iter_rows(min_row=2, values_only=True))
    for question, row in zip(vendor_questions(GRID), rows, strict=True):
        assert row[1] == f"{question.criterion}. {question.criterion_title}"
        assert (row[3] or "") == question.help
        assert row[4] == question.expected
        assert row[5:] == (None, None, None)
    by_number = {q.number: q for q in vendor_questions(GRID)}
    assert "Oui / Non" in by_number[21].expected
    assert "équipements" in by_number[25].expected
    assert "OVHcloud" in by_number[42].expected


def test_instructions_and_case_are_in_every_format(packs: dict[str, bytes]) -> None:
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(packs["xlsx"]))
    text = " ".join(str(r[0]) for r in workbook.get_sheet_by_name("Instructions").to_python())
    assert "Questionnaire fournisseur" in text and "2026-007 — Assistant courrier" in text
    assert "Ville de Test" in text and "Je ne sais pas" in text
    ods = CalamineWorkbook.from_filelike(io.BytesIO(packs["ods"]))
    assert "2026-007" in " ".join(str(r[0]) for r in ods.get_sheet_by_name("Instructions")
                                  .to_python())


def test_choice_answers_have_a_drop_down(packs: dict[str, bytes]) -> None:
    choices = [q for q in vendor_questions(GRID) if q.choices]
    # ODS: a content validation per list, named on each choice answer cell.
    content = zipfile.ZipFile(io.BytesIO(packs["ods"])).read("content.xml").decode()
    assert "of:cell-content-is-in-list(&quot;Oui&quot;;&quot;Non&quot;;&quot;Je ne sais " \
           "pas&quot;)" in content
    assert "OVHcloud" in content.split("</table:content-validations>")[0]
    assert content.count('table:content-validation-name="') == len(choices)
    # XLSX: a list validation over the hidden « Listes » sheet, covering each choice cell.
    workbook = openpyxl.load_workbook(io.BytesIO(packs["xlsx"]))
    sheet = workbook[SHEET_QUESTIONS]
    covered = {str(cell) for dv in sheet.data_validations.dataValidation
               for rng in dv.sqref.ranges for cell in _cells(rng.coord)}
    rows = {q.id: index for index, q in enumerate(vendor_questions(GRID), start=2)}
    assert covered == {f"F{rows[q.id]}" for q in choices}
    assert all(dv.type == "list" and dv.formula1.startswith("Listes!")
               for dv in sheet.data_validations.dataValidation)
    assert workbook["Listes"].sheet_state == "hidden"
    listed = {c for col in workbook["Listes"].iter_cols(values_only=True) for c in col}
    assert {"Oui", "Non", "Je ne sais pas", "OVHcloud"} <= listed


def _cells(coord: str) -> list[str]:
    if ":" not in coord:
        return [coord]
    start, end = coord.split(":")
    column = start[0]
    return [f"{column}{n}" for n in range(int(start[1:]), int(end[1:]) + 1)]


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="format inconnu"):
        vendor_pack.render(GRID, INFO, "pdf")


def test_file_name() -> None:
    assert vendor_pack.filename(INFO, "ods") == "annexe-fournisseur-2026-007.ods"
    assert vendor_pack.filename({}, "xlsx") == "annexe-fournisseur.xlsx"


# --- Filled as a bidder would, read back ------------------------------------------------------

def bidder_answers(grid: Grid) -> dict[str, tuple[Any, str, str, AnnexAnswer]]:
    """For each vendor question: (cell value, justification, document, expected AnnexAnswer)."""
    out: dict[str, tuple[Any, str, str, AnnexAnswer]] = {}
    for index, q in enumerate(vendor_questions(grid)):
        justification = f"Justification n° {index} : mesuré en 2026\nsur deux lignes."
        document = f"preuve-{index}.pdf" if index % 3 == 0 else ""
        if index % 11 == 5:
            cell, value = "Je ne sais pas", UNKNOWN
        elif q.type == "yes_no":
            cell, value = ("Oui", "oui") if index % 2 else ("non", "non")
        elif q.type == "single_choice":
            code, label = q.options[index % len(q.options)]
            cell, value = label, code
        elif q.type == "number":
            cell, value = (12.5, 12.5) if index % 2 else ("1 250,5", 1250.5)
        else:
            cell = value = f"Réponse détaillée & <précise> n° {index}"
        if index % 13 == 4:
            justification, document = "", ""
        out[q.id] = (cell, justification, document, AnnexAnswer(value, justification, document))
    return out


def _fill_xlsx(data: bytes, fill: Callable[[Any], None]) -> bytes:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    fill(workbook)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _fill_ods(data: bytes, fill: Callable[[Any], None]) -> bytes:
    document = odfdo.Document(io.BytesIO(data))
    fill(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def filled(fmt: str, data: bytes, answers: dict[str, tuple[Any, str, str, AnnexAnswer]]
           ) -> bytes:
    rows = {q.id: index for index, q in enumerate(vendor_questions(GRID), start=1)}
    if fmt == "xlsx":
        def fill_x(workbook: Any) -> None:
            sheet = workbook[SHEET_QUESTIONS]
            for qid, (cell, justification, document, _e) in answers.items():
                for column, value in ((6, cell), (7, justification), (8, document)):
                    if value != "":
                        sheet.cell(row=rows[qid] + 1, column=column, value=value)
        return _fill_xlsx(data, fill_x)

    def fill_o(document: Any) -> None:
        table = document.body.get_table(name=SHEET_QUESTIONS)
        for qid, (cell, justification, doc, _e) in answers.items():
            for column, value in ((5, cell), (6, justification), (7, doc)):
                if value != "":
                    table.set_value((column, rows[qid]), value)
    return _fill_ods(data, fill_o)


@pytest.mark.parametrize("fmt", ["ods", "xlsx", "odt"])
def test_round_trip(packs: dict[str, bytes], fmt: str) -> None:
    answers = bidder_answers(GRID)
    data = filled(fmt, packs[fmt], answers)
    result = read_annex(data, f"offre.{fmt}", GRID)
    assert result == {qid: expected for qid, (_c, _j, _d, expected) in answers.items()}
    assert result["materiel_ecolabellise"].value in ("oui", "non")


def test_round_trip_of_a_prefilled_pack() -> None:
    answers = {q.id: (q.cell_value("oui") if q.type == "yes_no" else None, "Parce que.", "")
               for q in vendor_questions(GRID)}
    for fmt in ("ods", "xlsx", "odt"):
        data = vendor_pack.render(GRID, INFO, fmt, answers=answers)
        result = read_annex(data, f"a.{fmt}", GRID)
        assert {k for k, v in result.items() if v.value == "oui"} == {
            q.id for q in vendor_questions(GRID) if q.type == "yes_no"}
        assert all(v.justification == "Parce que." for v in result.values())


def test_an_empty_pack_has_no_answer(packs: dict[str, bytes]) -> None:
    for fmt, data in packs.items():
        assert read_annex(data, f"vide.{fmt}", GRID) == {}


# --- Refused whole, saying where ---------------------------------------------------------------

def refused(data: bytes, filename: str, grid: Grid = GRID) -> str:
    with pytest.raises(InvalidDocument) as caught:
        read_annex(data, filename, grid)
    assert caught.value.source == filename
    return caught.value.report()


def row_of(number: int) -> int:
    """Spreadsheet row (1-based) of question ``number``."""
    return 2 + [q.number for q in vendor_questions(GRID)].index(number)


@pytest.mark.parametrize("fmt", ["ods", "xlsx"])
def test_changed_question_text_is_refused(packs: dict[str, bytes], fmt: str) -> None:
    def edit_x(workbook: Any) -> None:
        workbook[SHEET_QUESTIONS].cell(row=row_of(28), column=3, value="Le PUE est-il bas ?")

    def edit_o(document: Any) -> None:
        document.body.get_table(name=SHEET_QUESTIONS).set_value((2, row_of(28) - 1),
                                                                "Le PUE est-il bas ?")
    data = _fill_xlsx(packs[fmt], edit_x) if fmt == "xlsx" else _fill_ods(packs[fmt], edit_o)
    report = refused(data, f"offre.{fmt}")
    assert (f"feuille « Questionnaire », ligne {row_of(28)} (Q28), colonne « Question » : le "
            "texte de la question a été modifié") in report


def test_removed_row_is_refused(packs: dict[str, bytes]) -> None:
    def edit(workbook: Any) -> None:
        workbook[SHEET_QUESTIONS].delete_rows(row_of(22))
    report = refused(_fill_xlsx(packs["xlsx"], edit), "offre.xlsx")
    assert f"ligne {row_of(22)} : Q22 attendue à cette ligne, Q23 trouvée" in report


def test_swapped_rows_are_refused(packs: dict[str, bytes]) -> None:
    def edit(document: Any) -> None:
        table = document.body.get_table(name=SHEET_QUESTIONS)
        first, second = row_of(30) - 1, row_of(31) - 1
        row_a, row_b = table.get_row(first), table.get_row(second)
        table.set_row(first, row_b.clone)
        table.set_row(second, row_a.clone)
    report = refused(_fill_ods(packs["ods"], edit), "offre.ods")
    assert f"ligne {row_of(30)} : Q30 attendue à cette ligne, Q31 trouvée" in report


def test_added_row_is_refused(packs: dict[str, bytes]) -> None:
    last = row_of(vendor_questions(GRID)[-1].number)

    def edit(workbook: Any) -> None:
        workbook[SHEET_QUESTIONS].cell(row=last + 2, column=3, value="Notre question en plus")
    report = refused(_fill_xlsx(packs["xlsx"], edit), "offre.xlsx")
    assert f"ligne {last + 2} : ligne ajoutée après la dernière question" in report


def test_added_column_is_refused(packs: dict[str, bytes]) -> None:
    def edit(workbook: Any) -> None:
        workbook[SHEET_QUESTIONS].cell(row=3, column=10, value="remarque")
    assert "ligne 3 : cellules remplies hors des colonnes" in refused(
        _fill_xlsx(packs["xlsx"], edit), "offre.xlsx")


def test_changed_fingerprint_is_refused(packs: dict[str, bytes]) -> None:
    def edit(workbook: Any) -> None:
        sheet = workbook[SHEET_METADATA]
        for row in sheet.iter_rows():
            if row[0].value == "fingerprint":
                row[1].value = "0" * 64
    report = refused(_fill_xlsx(packs["xlsx"], edit), "offre.xlsx")
    assert "feuille « Metadonnees » : empreinte de l'annexe modifiée" in report


def test_changed_question_ids_are_refused(packs: dict[str, bytes]) -> None:
    def edit(workbook: Any) -> None:
        sheet = workbook[SHEET_METADATA]
        rows = [r for r in sheet.iter_rows() if r[0].value == "question"]
        rows[0][1].value, rows[1][1].value = rows[1][1].value, rows[0][1].value
    assert "liste des questions modifiée" in refused(_fill_xlsx(packs["xlsx"], edit),
                                                      "offre.xlsx")


def test_deleted_metadata_sheet_is_refused(packs: dict[str, bytes]) -> None:
    def edit(workbook: Any) -> None:
        del workbook[SHEET_METADATA]
    assert "partie « Metadonnees » absente" in refused(_fill_xlsx(packs["xlsx"], edit),
                                                        "offre.xlsx")


@pytest.mark.parametrize("fmt", ["ods", "xlsx"])
def test_annex_of_another_grid_version_is_refused(fmt: str) -> None:
    data = vendor_pack.render(V1, INFO, fmt)
    report = refused(data, f"ancienne.{fmt}")
    assert ("annexe établie pour une autre version de la grille (version 1) ; le dossier "
            f"utilise la grille « {GRID.title} », version 2. Utilisez l'annexe") in report
    assert "boussole-nantes" not in report


def test_annex_of_a_grid_whose_vendor_questions_changed_is_refused() -> None:
    text = (bundled_grid_dir() / "boussole-nantes-v2.yaml").read_text(encoding="utf-8")
    changed = text.replace('text: "Le matériel utilisé est-il écolabellisé (TCO, Energie Star, '
                           'Blue angel, etc.) ?"', 'text: "Le matériel est-il labellisé ?"')
    assert changed != text
    other = load_grid_text(changed)
    assert other.key == GRID.key and pack_fingerprint(other) != pack_fingerprint(GRID)
    report = refused(vendor_pack.render(other, INFO, "xlsx"), "offre.xlsx")
    assert "empreinte de l'annexe modifiée" in report


def test_invalid_answers_are_refused_with_their_place(packs: dict[str, bytes]) -> None:
    def edit(workbook: Any) -> None:
        sheet = workbook[SHEET_QUESTIONS]
        sheet.cell(row=row_of(21), column=6, value="Peut-être")
        sheet.cell(row=row_of(25), column=6, value="beaucoup")
        sheet.cell(row=row_of(42), column=6, value="Scaleway")
        sheet.cell(row=row_of(26), column=6, value=-3)
        sheet.cell(row=row_of(24), column=7, value="x" * (LIMITS["justification"] + 1))
        sheet.cell(row=row_of(23), column=8, value="d" * 300)
    report = refused(_fill_xlsx(packs["xlsx"], edit), "offre.xlsx")
    assert (f"ligne {row_of(21)} (Q21), colonne « Réponse » : « Peut-être » n'est pas un choix "
            "proposé (choix : « Oui », « Non », « Je ne sais pas »)") in report
    assert f"ligne {row_of(25)} (Q25), colonne « Réponse » : « beaucoup » n'est pas un nombre" \
        in report
    assert f"ligne {row_of(42)} (Q42), colonne « Réponse » : « Scaleway » n'est pas un choix" \
        in report
    assert f"ligne {row_of(26)} (Q26), colonne « Réponse » : La valeur ne peut pas être " \
        "négative" in report
    assert (f"ligne {row_of(24)} (Q24), colonne « Justification » : Texte trop long pour "
            "« justification »") in report
    assert f"ligne {row_of(23)} (Q23), colonne « Document joint (nom du fichier) » : nom de " \
        "fichier trop long" in report


def test_changed_heading_is_refused(packs: dict[str, bytes]) -> None:
    def edit(workbook: Any) -> None:
        workbook[SHEET_QUESTIONS].cell(row=1, column=6, value="Votre réponse")
    assert "ligne 1 : intitulé de colonne modifié (« Réponse » attendu)" in refused(
        _fill_xlsx(packs["xlsx"], edit), "offre.xlsx")


def test_oversized_and_malformed_files_are_refused(packs: dict[str, bytes]) -> None:
    big = packs["xlsx"] + b"\0" * (MAX_ANNEX_BYTES + 1 - len(packs["xlsx"]))
    assert "fichier trop volumineux : 5 Mo au plus" in refused(big, "offre.xlsx")
    assert "n'est pas un fichier XLSX lisible" in refused(b"not a zip at all", "offre.xlsx")
    assert "format de fichier non reconnu" in refused(packs["xlsx"], "offre.pdf")
    # An ODS renamed .xlsx: the parts of the named format are missing.
    assert "partie « xl/workbook.xml » absente" in refused(packs["ods"], "offre.xlsx")
    assert "n'est pas un document ODS" in refused(packs["odt"], "offre.ods")


def test_comparison_in_both_formats_reads_back() -> None:
    table = {
        "title": "Comparaison des offres — Assistant courrier",
        "bidders": ["Acme IA", "Beta", "Gamma"],
        "criteria": [{"number": 5, "title": "Sobriété",
                      "bidders": [{"complete": 3, "partial": 1, "not_anticipated": 0,
                                   "total": 4}, {"complete": 0, "partial": 2,
                                                 "not_anticipated": 2, "total": 4},
                                  {"complete": 0, "partial": 0, "not_anticipated": 4,
                                   "total": 4, "score": 0}]}],
        "totals": [{"complete": 3, "partial": 1, "not_anticipated": 0, "total": 4}] * 3,
        "figures": [{"label": "Q25 — Nombre d'équipements", "unit": "équipements",
                     "values": [12, None, "=1+1"]}],
        "questions": [{"number": "Q21", "criterion": 5, "text": "Le matériel …",
                       "answers": [{"value": "Oui", "justification": "Label TCO",
                                    "document": "tco.pdf", "maturity": "complete"},
                                   {"value": "Non", "maturity": "partial"}, None]}],
    }
    for fmt in vendor_comparison.FORMATS:
        data = vendor_comparison.render(table, fmt)
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        assert workbook.sheet_names == ["Synthèse", "Questions"]
        summary = workbook.get_sheet_by_name("Synthèse").to_python()
        row = next(r for r in summary if r[0] == "5. Sobriété")
        assert [r for r in row[1:] if r != ""] == [3, 1, 0, 88, 0, 2, 2, 25, 0, 0, 4, 0]
        figures = next(r for r in summary if str(r[0]).startswith("Q25"))
        assert figures[1] == 12 and figures[9] == "=1+1"
        questions = workbook.get_sheet_by_name("Questions").to_python()
        assert questions[0][3] == "Acme IA" and questions[0][7] == "Beta"
        assert questions[2][:11] == ["Q21", 5, "Le matériel …", "Oui", "Label TCO", "tco.pdf",
                                     "Complète", "Non", "", "", "Partielle"]
        assert questions[2][14] == "Non anticipée"
    with pytest.raises(vendor_comparison.ComparisonError, match=r"table.questions\[0\].answers"):
        vendor_comparison.render({"bidders": ["Acme IA"], "questions": table["questions"]},
                                 "ods")
    with pytest.raises(ValueError, match="format inconnu"):
        vendor_comparison.render(table, "odt")


def test_vendor_question_cell_values() -> None:
    question = next(q for q in vendor_questions(GRID) if q.number == 42)
    assert isinstance(question, VendorQuestion)
    assert question.cell_value("ovhcloud") == "OVHcloud"
    assert question.cell_value(UNKNOWN) == "Je ne sais pas"
    assert question.option_code("  ovhcloud ") == "ovhcloud"
    assert question.option_code("Google  Cloud (GCP)") == "gcp"
    assert question.option_code("Scaleway") is None


def test_only_the_answer_cells_are_open_to_typing(packs: dict[str, bytes]) -> None:
    sheet = openpyxl.load_workbook(io.BytesIO(packs["xlsx"]))[SHEET_QUESTIONS]
    assert sheet.protection.sheet and not sheet.protection.formatRows
    assert [sheet.cell(row=2, column=c).protection.locked for c in range(1, 9)] == [
        True] * 5 + [False] * 3
    content = zipfile.ZipFile(io.BytesIO(packs["ods"])).read("content.xml").decode()
    assert '<table:table table:name="Questionnaire" table:protected="true">' in content
    assert re.search(r'style:name="bxAnswer"[^>]*>.*?style:cell-protect="none"', content)


def test_line_breaks_of_any_office_suite_become_line_feeds(packs: dict[str, bytes]) -> None:
    def edit(workbook: Any) -> None:
        sheet = workbook[SHEET_QUESTIONS]
        sheet.cell(row=row_of(24), column=6, value="Serveurs\r\nGPU A100")
        sheet.cell(row=row_of(24), column=7, value="Inventaire\rdu parc")
    result = read_annex(_fill_xlsx(packs["xlsx"], edit), "offre.xlsx", GRID)
    assert result["fabrication_type_materiel"] == AnnexAnswer(
        "Serveurs\nGPU A100", "Inventaire\ndu parc", "")


def test_multiple_choice_answers() -> None:
    text = (bundled_grid_dir() / "boussole-nantes-v2.yaml").read_text(encoding="utf-8")
    start = text.index("id: cpu_infrastructure")
    cut = text.index("type: single_choice", start)
    grid = load_grid_text(text[:cut] + "type: multiple_choice"
                          + text[cut + len("type: single_choice"):])
    question = next(q for q in vendor_questions(grid) if q.id == "cpu_infrastructure")
    assert question.choices == ()  # no drop-down: several choices in one cell
    assert "séparés par « ; »" in question.expected
    assert question.cell_value(["aws", "ovhcloud"]) == "AWS; OVHcloud"
    row = 2 + [q.id for q in vendor_questions(grid)].index("cpu_infrastructure")

    def annex(cell: str) -> bytes:
        def edit(workbook: Any) -> None:
            workbook[SHEET_QUESTIONS].cell(row=row, column=6, value=cell)
        return _fill_xlsx(vendor_pack.render(grid, INFO, "xlsx"), edit)
    result = read_annex(annex("OVHcloud ; aws"), "offre.xlsx", grid)
    assert result["cpu_infrastructure"].value == ["aws", "ovhcloud"]  # the grid's order
    with pytest.raises(InvalidDocument, match="« Je ne sais pas » ne peut pas être combiné"):
        read_annex(annex("AWS; Je ne sais pas"), "offre.xlsx", grid)
    with pytest.raises(InvalidDocument, match="« Scaleway » n'est pas un choix proposé"):
        read_annex(annex("AWS; Scaleway"), "offre.xlsx", grid)


SOFFICE = shutil.which("soffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
def test_an_annex_saved_again_by_libreoffice_is_read(packs: dict[str, bytes],
                                                     tmp_path: Path) -> None:
    """A bidder's office suite rewrites the whole file: the ODS filled here, saved by
    LibreOffice as ODS and as XLSX, still reads back to the same answers."""
    answers = bidder_answers(GRID)
    source = tmp_path / "offre.ods"
    source.write_bytes(filled("ods", packs["ods"], answers))
    expected = {qid: e for qid, (_c, _j, _d, e) in answers.items()}
    for fmt in ("ods", "xlsx"):
        out = tmp_path / fmt
        subprocess.run([str(SOFFICE), f"-env:UserInstallation=file://{tmp_path}/profile",
                        "--headless", "--convert-to", fmt, "--outdir", str(out), str(source)],
                       check=True, capture_output=True, timeout=180)
        saved = out / f"offre.{fmt}"
        assert read_annex(saved.read_bytes(), saved.name, GRID) == expected


def test_the_text_annex_says_how_to_answer_instead_of_sheets(packs: dict[str, bytes]) -> None:
    content = zipfile.ZipFile(io.BytesIO(packs["odt"])).read("content.xml").decode()
    instructions = content.split(">Questionnaire<")[0]
    assert "version à lire de l&apos;annexe" in instructions or \
        "version à lire de l'annexe" in instructions
    assert "le lien personnel" in instructions
    # No instruction about sheets the text document does not have.
    assert "feuille" not in instructions and "Metadonnees" not in instructions
    # The spreadsheets keep their own instructions.
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(packs["xlsx"]))
    text = " ".join(str(r[0]) for r in workbook.get_sheet_by_name("Instructions").to_python())
    assert "feuille « Questionnaire »" in text and "version à lire" not in text
