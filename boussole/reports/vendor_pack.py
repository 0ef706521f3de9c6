"""The tender annex (« questionnaire fournisseur ») as ODT, ODS or XLSX.

:func:`render` writes the grid's vendor-facing questions (:mod:`boussole.core.procurement.pack`)
as a file ready to put in a consultation file. Every format holds the same three parts:

* « Instructions »: the title, the case and grid it was made for, the instructions;
* « Questionnaire »: a heading row (:data:`~boussole.core.procurement.pack.COLUMNS`), then one
  row per vendor question in the grid's order — number, criterion, question, help, expected
  answer — and three cells for the bidder: answer, justification, attached document's name.
  A one-choice answer cell has a drop-down list (ODS: a content validation; XLSX: a data
  validation over a hidden « Listes » sheet; the ODT lists the choices in « Réponse attendue »);
* « Metadonnees », hidden (a hidden sheet; in the ODT, a hidden section): the format, grid id
  and version, the pack's fingerprint and the question id of each row, so that
  :func:`boussole.core.procurement.annex.read_annex` can check a returned annex.

``case_info`` (every key optional)::

    {"reference": "2026-003", "title": "Chatbot des déchets", "organisation": "Nantes Métropole",
     "generated_at": "2026-12-04"}
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import odfdo
from odfdo import Element
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from boussole.core.grid.model import Grid
from boussole.core.procurement.pack import (
    ANSWER_COLUMN,
    COLUMNS,
    SHEET_INSTRUCTIONS,
    SHEET_METADATA,
    SHEET_QUESTIONS,
    VendorQuestion,
    instructions_fr,
    metadata_rows,
    question_row,
    reading_instructions_fr,
    vendor_questions,
)

FORMATS = ("odt", "ods", "xlsx")
CONTENT_TYPES = {
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
TITLE = "Questionnaire fournisseur — annexe au dossier de consultation"
#: Column widths in centimetres (spreadsheets), in the order of ``COLUMNS``.
WIDTHS_CM = (1.5, 4.5, 9.0, 8.0, 4.5, 6.0, 8.0, 5.0)
SHEET_LISTS = "Listes"
#: Width of the questionnaire table in the text document (landscape A4, 1.5 cm margins).
ODT_TABLE_WIDTH_CM = 26.7

Cell = str | int | float | None


def filename(case_info: Mapping[str, Any], fmt: str) -> str:
    """« annexe-fournisseur-2026-003.ods »."""
    reference = str(case_info.get("reference") or "").strip()
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in reference)
    return f"annexe-fournisseur{'-' + safe if safe else ''}.{fmt}"


def _heading_lines(grid: Grid, case_info: Mapping[str, Any]) -> list[str]:
    lines = [f"Grille : {grid.title} (version {grid.version})"]
    reference, title = case_info.get("reference"), case_info.get("title")
    if reference or title:
        lines.append("Dossier : " + " — ".join(str(v) for v in (reference, title) if v))
    if case_info.get("organisation"):
        lines.append(f"Organisation : {case_info['organisation']}")
    if case_info.get("generated_at"):
        lines.append(f"Établie le : {case_info['generated_at']}")
    return lines


def _rows(grid: Grid) -> list[tuple[VendorQuestion, list[Cell]]]:
    return [(q, [*question_row(q), None, None, None]) for q in vendor_questions(grid)]


def render(grid: Grid, case_info: Mapping[str, Any], fmt: str,
           answers: Mapping[str, Sequence[Cell]] | None = None) -> bytes:
    """The annex of ``grid`` in ``fmt`` (``odt``, ``ods`` or ``xlsx``).

    ``answers`` (optional, for a pre-filled annex and the tests) maps a question id to the
    cells of its three answer columns (answer, justification, document); the answer as the
    cell shows it (:meth:`VendorQuestion.cell_value`)."""
    if fmt not in FORMATS:
        raise ValueError(f"format inconnu : {fmt} (odt, ods ou xlsx).")
    rows = _rows(grid)
    for question, row in rows:
        filled = (answers or {}).get(question.id)
        if filled:
            row[ANSWER_COLUMN:] = [*filled, None, None, None][:3]
    if fmt == "xlsx":
        return _xlsx(grid, case_info, rows)
    return _odf(grid, case_info, rows, fmt)


# --- OpenDocument (odfdo) -------------------------------------------------------------------

def _paragraphs(text: str, style: str | None = None) -> str:
    attribute = f" text:style-name={quoteattr(style)}" if style else ""
    return "".join(f"<text:p{attribute}>{escape(line)}</text:p>"
                   for line in (text.split("\n") if text else [""]))


def _cell_xml(value: Cell, style: str, validation: str | None = None) -> str:
    extra = f" table:content-validation-name={quoteattr(validation)}" if validation else ""
    style_attr = f" table:style-name={quoteattr(style)}"
    if value is None or value == "":
        return f"<table:table-cell{style_attr}{extra}/>"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (f'<table:table-cell{style_attr}{extra} office:value-type="float" '
                f'office:value="{value!r}"><text:p>{value}</text:p></table:table-cell>')
    return (f'<table:table-cell{style_attr}{extra} office:value-type="string">'
            f"{_paragraphs(str(value))}</table:table-cell>")


def _row(cells: str) -> Element:
    return Element.from_tag(f"<table:table-row>{cells}</table:table-row>")


_ODS_STYLES = (
    '<style:style style:name="bxHidden" style:family="table">'
    '<style:table-properties table:display="false"/></style:style>',
    '<style:style style:name="bxHead" style:family="table-cell">'
    '<style:table-cell-properties fo:wrap-option="wrap" fo:background-color="#dde3ea" '
    'style:vertical-align="top"/><style:text-properties fo:font-weight="bold"/></style:style>',
    '<style:style style:name="bxText" style:family="table-cell">'
    '<style:table-cell-properties fo:wrap-option="wrap" style:vertical-align="top"/>'
    '</style:style>',
    '<style:style style:name="bxAnswer" style:family="table-cell">'
    '<style:table-cell-properties fo:wrap-option="wrap" style:vertical-align="top" '
    'fo:background-color="#fff8dc" style:cell-protect="none"/></style:style>',
    '<style:style style:name="bxTitle" style:family="table-cell">'
    '<style:text-properties fo:font-size="14pt" fo:font-weight="bold"/></style:style>',
    *(f'<style:style style:name="bxCol{i}" style:family="table-column">'
      f'<style:table-column-properties style:column-width="{w}cm"/></style:style>'
      for i, w in enumerate(WIDTHS_CM)),
    '<style:style style:name="bxColWide" style:family="table-column">'
    '<style:table-column-properties style:column-width="24cm"/></style:style>',
)


def _ods_validations(rows: list[tuple[VendorQuestion, list[Cell]]]) -> tuple[str, dict[str, str]]:
    """The content validations (one per distinct list of choices) and their name per question."""
    names: dict[tuple[str, ...], str] = {}
    by_question: dict[str, str] = {}
    for question, _row_cells in rows:
        if question.choices:
            name = names.setdefault(question.choices, f"bxChoice{len(names) + 1}")
            by_question[question.id] = name
    parts = []
    for choices, name in names.items():
        listed = ";".join('"' + c.replace('"', '""') + '"' for c in choices)
        condition = f"of:cell-content-is-in-list({listed})"
        parts.append(
            f"<table:content-validation table:name={quoteattr(name)} "
            f"table:condition={quoteattr(condition)} table:allow-empty-cell=\"true\" "
            'table:display-list="unsorted">'
            '<table:help-message table:display="true"><text:p>Choisissez dans la liste.</text:p>'
            "</table:help-message>"
            '<table:error-message table:display="true" table:message-type="stop">'
            "<text:p>Choisissez une réponse dans la liste proposée.</text:p>"
            "</table:error-message></table:content-validation>")
    xml = ("<table:content-validations>" + "".join(parts) + "</table:content-validations>"
           if parts else "")
    return xml, by_question


def _questions_table(rows: list[tuple[VendorQuestion, list[Cell]]],
                     validations: Mapping[str, str], *, spreadsheet: bool) -> odfdo.Table:
    # Protected without a password in a spreadsheet: only the answer cells (style
    # « bxAnswer », not protected) can be typed in; the reader checks the rest anyway.
    table = odfdo.Table(SHEET_QUESTIONS)
    if spreadsheet:
        table.set_attribute("table:protected", "true")
    if spreadsheet:
        for index in range(len(COLUMNS)):
            table.append(Element.from_tag(
                f'<table:table-column table:style-name="bxCol{index}"/>'))
    else:
        table.set_attribute("table:style-name", "bxTable")
        for index in range(len(COLUMNS)):
            table.append(Element.from_tag(
                f'<table:table-column table:style-name="bxTCol{index}"/>'))
    heading = _row("".join(_cell_xml(title, "bxHead") for title in COLUMNS))
    if spreadsheet:
        table.append(heading)
    else:  # repeated at the top of every page
        header_rows = Element.from_tag("<table:table-header-rows/>")
        header_rows.append(heading)
        table.append(header_rows)
    for question, cells in rows:
        xml = "".join(
            _cell_xml(value, "bxAnswer" if index >= ANSWER_COLUMN else "bxText",
                      validations.get(question.id) if index == ANSWER_COLUMN else None)
            for index, value in enumerate(cells))
        table.append(_row(xml))
    return table


def _metadata_table(grid: Grid, *, hidden_style: str | None) -> odfdo.Table:
    table = odfdo.Table(SHEET_METADATA, style=hidden_style)
    table.append(Element.from_tag('<table:table-column table:number-columns-repeated="2"/>'))
    for key, value in metadata_rows(grid):
        table.append(_row(_cell_xml(key, "bxText") + _cell_xml(value, "bxText")))
    return table


def _heading(level: int, text: str) -> odfdo.Header:
    heading = odfdo.Header(level, text)
    heading.set_attribute("text:style-name", f"Heading_20_{level}")
    return heading


def _odf(grid: Grid, case_info: Mapping[str, Any],
         rows: list[tuple[VendorQuestion, list[Cell]]], fmt: str) -> bytes:
    if fmt == "ods":
        document = odfdo.Document("spreadsheet")
        body = document.body
        body.clear()
        for style in _ODS_STYLES:
            document.insert_style(style, automatic=True)
        xml, validations = _ods_validations(rows)
        if xml:
            body.append(Element.from_tag(xml))
        intro = odfdo.Table(SHEET_INSTRUCTIONS)
        intro.append(Element.from_tag('<table:table-column table:style-name="bxColWide"/>'))
        intro.append(_row(_cell_xml(TITLE, "bxTitle")))
        for line in [*_heading_lines(grid, case_info), "", *instructions_fr()]:
            intro.append(_row(_cell_xml(line, "bxText")))
        body.append(intro)
        body.append(_questions_table(rows, validations, spreadsheet=True))
        body.append(_metadata_table(grid, hidden_style="bxHidden"))
    else:
        document = odfdo.Document("text")
        body = document.body
        body.clear()
        # Landscape A4 with narrow margins: the questionnaire has eight columns.
        for layout in document.get_styles(family="page-layout"):
            properties = layout.get_element("style:page-layout-properties")
            if properties is not None:
                for name, value in (("fo:page-width", "29.7cm"), ("fo:page-height", "21cm"),
                                    ("style:print-orientation", "landscape"),
                                    ("fo:margin-left", "1.5cm"), ("fo:margin-right", "1.5cm")):
                    properties.set_attribute(name, value)
        scale = ODT_TABLE_WIDTH_CM / sum(WIDTHS_CM)
        document.insert_style(
            '<style:style style:name="bxTable" style:family="table"><style:table-properties '
            f'style:width="{ODT_TABLE_WIDTH_CM}cm" table:align="margins"/></style:style>',
            automatic=True)
        for name, background in (("bxHead", "#dde3ea"), ("bxText", None),
                                 ("bxAnswer", "#fff8dc")):
            fill = f' fo:background-color="{background}"' if background else ""
            document.insert_style(
                f'<style:style style:name="{name}" style:family="table-cell">'
                f'<style:table-cell-properties{fill} fo:padding="0.08cm" '
                'fo:border="0.5pt solid #000000"/></style:style>', automatic=True)
        for index, width in enumerate(WIDTHS_CM):
            document.insert_style(
                f'<style:style style:name="bxTCol{index}" style:family="table-column">'
                f'<style:table-column-properties style:column-width="{width * scale:.2f}cm"/>'
                "</style:style>", automatic=True)
        # Headings without the template's outline numbering (« 1. », « 1.1. »).
        for level_style in document.styles.get_elements("//text:outline-level-style"):
            level_style.set_attribute("style:num-format", "")
            for name in ("loext:num-list-format", "style:num-suffix"):
                if level_style.get_attribute(name) is not None:
                    level_style.del_attribute(name)
        body.append(_heading(1, TITLE))
        for line in _heading_lines(grid, case_info):
            body.append(odfdo.Paragraph(line, style="Standard"))
        body.append(_heading(2, SHEET_INSTRUCTIONS))
        for line in reading_instructions_fr():
            body.append(odfdo.Paragraph(line, style="Text_20_body"))
        body.append(_heading(2, SHEET_QUESTIONS))
        body.append(_questions_table(rows, {}, spreadsheet=False))
        section = Element.from_tag(
            f'<text:section text:name="{SHEET_METADATA}" text:display="none"/>')
        section.append(_metadata_table(grid, hidden_style=None))
        body.append(section)
    meta = document.meta
    meta.set_title(TITLE)
    meta.set_language("fr-FR")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- Office Open XML (openpyxl) -------------------------------------------------------------

def _xlsx(grid: Grid, case_info: Mapping[str, Any],
          rows: list[tuple[VendorQuestion, list[Cell]]]) -> bytes:
    workbook = Workbook()
    intro = workbook.active
    assert intro is not None  # noqa: S101 — a new workbook has one sheet
    intro.title = SHEET_INSTRUCTIONS
    intro.column_dimensions["A"].width = 120
    wrap = Alignment(wrap_text=True, vertical="top")
    intro.append([TITLE])
    intro["A1"].font = Font(bold=True, size=14)
    for line in [*_heading_lines(grid, case_info), "", *instructions_fr()]:
        intro.append([line or None])
        intro.cell(row=intro.max_row, column=1).alignment = wrap

    sheet = workbook.create_sheet(SHEET_QUESTIONS)
    for index, width in enumerate(WIDTHS_CM, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width * 5
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = wrap
        cell.fill = PatternFill("solid", fgColor="DDE3EA")
    sheet.freeze_panes = "A2"
    # Protected without a password: only the answer cells can be typed in (rows and columns
    # may still be resized); the reader checks the rest anyway.
    sheet.protection.sheet = True
    sheet.protection.formatRows = False
    sheet.protection.formatColumns = False
    sheet.protection.formatCells = False
    answer_fill = PatternFill("solid", fgColor="FFF8DC")

    lists = workbook.create_sheet(SHEET_LISTS)
    lists.sheet_state = "hidden"
    ranges: dict[tuple[str, ...], str] = {}
    validations: dict[str, DataValidation] = {}
    for row_index, (question, cells) in enumerate(rows, start=2):
        for column, value in enumerate(cells, start=1):
            cell = sheet.cell(row=row_index, column=column)
            cell.value = value
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # a text, never a formula
            cell.alignment = wrap
            if column > ANSWER_COLUMN:
                cell.fill = answer_fill
                cell.protection = Protection(locked=False)
        if question.choices:
            if question.choices not in ranges:
                column_letter = get_column_letter(len(ranges) + 1)
                for list_row, choice in enumerate(question.choices, start=1):
                    lists.cell(row=list_row, column=len(ranges) + 1, value=choice)
                ranges[question.choices] = (f"{SHEET_LISTS}!${column_letter}$1:"
                                            f"${column_letter}${len(question.choices)}")
            formula = ranges[question.choices]
            if formula not in validations:
                validation = DataValidation(
                    type="list", formula1=formula, allow_blank=True, showDropDown=False,
                    showErrorMessage=True, errorStyle="stop",
                    errorTitle="Réponse non prévue",
                    error="Choisissez une réponse dans la liste proposée.",
                    promptTitle="Réponse", prompt="Choisissez dans la liste.")
                sheet.add_data_validation(validation)
                validations[formula] = validation
            validations[formula].add(f"{get_column_letter(ANSWER_COLUMN + 1)}{row_index}")

    metadata = workbook.create_sheet(SHEET_METADATA)
    metadata.sheet_state = "hidden"
    for meta_row in metadata_rows(grid):
        metadata.append(meta_row)
    workbook.properties.title = TITLE
    workbook.properties.language = "fr-FR"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
