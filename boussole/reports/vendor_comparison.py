"""The bidders side by side, as ODS or XLSX, for the award report.

:func:`render` writes two sheets:

* « Synthèse »: per criterion, for each bidder, the number of complete, partial and not
  anticipated answers and the score (0–100); the totals; then the key figures (one row each:
  footprint inputs, legal level their answers would give…);
* « Questions »: one row per vendor question — number, criterion, question — and, for each
  bidder, its answer, justification, attached document and maturity.

``table`` (only ``bidders`` is required; every list may be empty)::

    {
      "title": "Comparaison des offres — Assistant courrier",   # optional
      "case": {"reference": "2026-003", "title": "…"},          # optional
      "grid": "boussole-nantes@2",                               # optional
      "generated_at": "2026-12-04",                              # optional
      "bidders": ["Acme IA", "Beta", "Gamma"],                   # column order
      "criteria": [                                              # per criterion
        {"number": 5, "title": "Sobriété…",
         "bidders": [{"complete": 20, "partial": 5, "not_anticipated": 12, "total": 37,
                      "score": 61}, …]}],                        # one per bidder, same order
      "totals": [{"complete": …, "partial": …, "not_anticipated": …, "total": …,
                  "score": …}, …],                               # one per bidder (optional)
      "figures": [{"label": "Q25 — Nombre d'équipements", "unit": "équipements",
                   "values": [12, None, 3.5]}],                  # number, text or None
      "questions": [
        {"number": "Q21", "criterion": 5, "text": "Le matériel …",
         "answers": [{"value": "Oui", "justification": "…", "document": "label.pdf",
                      "maturity": "complete" | "partial" | "not_anticipated"},
                     None, …]}],                                 # None: no answer
    }

``score`` is computed from the counts when absent. A value of the wrong shape raises
:class:`ComparisonError` (French, naming the path).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import odfdo
from odfdo import Element
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from boussole.core.procurement.maturity import SHORT_LABELS

FORMATS = ("ods", "xlsx")
CONTENT_TYPES = {
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
SHEET_SUMMARY = "Synthèse"
SHEET_QUESTIONS = "Questions"
_COUNTS = (("complete", "Complètes"), ("partial", "Partielles"),
           ("not_anticipated", "Non anticipées"), ("score", "Score (0-100)"))
_ANSWER_COLUMNS = ("Réponse", "Justification", "Document", "Maturité")

Value = str | int | float | None


class ComparisonError(ValueError):
    """The table does not have the documented shape; the message names the path."""


class _Sheet:
    def __init__(self, name: str, widths: Sequence[float]) -> None:
        self.name = name
        self.widths = list(widths)
        self.rows: list[list[Value]] = []
        self.bold: set[int] = set()

    def add(self, cells: Sequence[Value], *, bold: bool = False) -> None:
        if bold:
            self.bold.add(len(self.rows))
        self.rows.append(list(cells))


def _list(value: Any, path: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        raise ComparisonError(f"{path} : une liste est attendue.")
    return list(value)


def _value(value: Any, path: str) -> Value:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if isinstance(value, int | float):
        return value
    raise ComparisonError(f"{path} : un texte ou un nombre est attendu.")


def _count(block: Any, key: str, path: str) -> int:
    if not isinstance(block, Mapping):
        raise ComparisonError(f"{path} : un objet est attendu.")
    if key == "score" and "score" not in block:
        total = _count(block, "total", path) if "total" in block else sum(
            _count(block, k, path) for k in ("complete", "partial", "not_anticipated"))
        complete, partial = _count(block, "complete", path), _count(block, "partial", path)
        return round(100 * (complete + partial / 2) / total) if total else 0
    value = block.get(key, 0)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ComparisonError(f"{path}.{key} : un nombre entier est attendu.")
    return value


def _sheets(table: Mapping[str, Any]) -> list[_Sheet]:
    if not isinstance(table, Mapping):
        raise ComparisonError("table : un objet est attendu.")
    bidders = [str(_value(b, f"table.bidders[{i}]") or "")
               for i, b in enumerate(_list(table.get("bidders"), "table.bidders"))]
    count = len(bidders)

    summary = _Sheet(SHEET_SUMMARY, [9.0, *([2.6] * (4 * count))])
    summary.add([str(table.get("title") or "Comparaison des offres")], bold=True)
    case = table.get("case") or {}
    if isinstance(case, Mapping) and (case.get("reference") or case.get("title")):
        summary.add(["Dossier : " + " — ".join(str(case[k]) for k in ("reference", "title")
                                                if case.get(k))])
    for key, label in (("grid", "Grille"), ("generated_at", "Établi le")):
        if table.get(key):
            summary.add([f"{label} : {table[key]}"])
    summary.add([])
    summary.add(["Maturité des réponses par critère",
                 *[name if index == 0 else None for name in bidders for index in range(4)]],
                bold=True)
    summary.add(["Critère", *[label for _ in bidders for _key, label in _COUNTS]], bold=True)

    def bidder_cells(blocks: list[Any], path: str) -> list[Value]:
        if len(blocks) != count:
            raise ComparisonError(f"{path} : {count} éléments attendus (un par "
                                  f"soumissionnaire), {len(blocks)} reçus.")
        return [_count(block, key, f"{path}[{i}]")
                for i, block in enumerate(blocks) for key, _label in _COUNTS]

    for index, criterion in enumerate(_list(table.get("criteria"), "table.criteria")):
        path = f"table.criteria[{index}]"
        if not isinstance(criterion, Mapping):
            raise ComparisonError(f"{path} : un objet est attendu.")
        label = f"{criterion.get('number', '')}. {criterion.get('title', '')}".strip(". ")
        summary.add([label, *bidder_cells(_list(criterion.get("bidders"), f"{path}.bidders"),
                                          f"{path}.bidders")])
    totals = _list(table.get("totals"), "table.totals")
    if totals:
        summary.add(["Ensemble", *bidder_cells(totals, "table.totals")], bold=True)
    figures = _list(table.get("figures"), "table.figures")
    if figures:
        summary.add([])
        summary.add(["Chiffres clés", *[name if index == 0 else None
                                        for name in bidders for index in range(4)]], bold=True)
        for index, figure in enumerate(figures):
            path = f"table.figures[{index}]"
            if not isinstance(figure, Mapping):
                raise ComparisonError(f"{path} : un objet est attendu.")
            values = _list(figure.get("values"), f"{path}.values")
            if len(values) != count:
                raise ComparisonError(f"{path}.values : {count} valeurs attendues, "
                                      f"{len(values)} reçues.")
            unit = figure.get("unit")
            label = str(figure.get("label") or "") + (f" ({unit})" if unit else "")
            summary.add([label, *[cell for i, v in enumerate(values)
                                  for cell in (_value(v, f"{path}.values[{i}]"), None, None,
                                               None)]])

    questions = _Sheet(SHEET_QUESTIONS, [1.6, 2.0, 9.0, *([5.0, 6.0, 3.5, 2.8] * count)])
    questions.add(["", "", "", *[name if index == 0 else None
                                 for name in bidders for index in range(4)]], bold=True)
    questions.add(["N°", "Critère", "Question", *[c for _ in bidders for c in _ANSWER_COLUMNS]],
                  bold=True)
    for index, question in enumerate(_list(table.get("questions"), "table.questions")):
        path = f"table.questions[{index}]"
        if not isinstance(question, Mapping):
            raise ComparisonError(f"{path} : un objet est attendu.")
        answers = _list(question.get("answers"), f"{path}.answers")
        if len(answers) != count:
            raise ComparisonError(f"{path}.answers : {count} réponses attendues (une par "
                                  f"soumissionnaire, ou null), {len(answers)} reçues.")
        cells: list[Value] = [_value(question.get("number"), f"{path}.number"),
                              _value(question.get("criterion"), f"{path}.criterion"),
                              _value(question.get("text"), f"{path}.text")]
        for i, answer in enumerate(answers):
            where = f"{path}.answers[{i}]"
            if answer is None:
                cells.extend([None, None, None, SHORT_LABELS["not_anticipated"]])
                continue
            if not isinstance(answer, Mapping):
                raise ComparisonError(f"{where} : un objet ou null est attendu.")
            maturity = answer.get("maturity") or "not_anticipated"
            if maturity not in SHORT_LABELS:
                raise ComparisonError(f"{where}.maturity : complete, partial ou "
                                      "not_anticipated attendu.")
            cells.extend([_value(answer.get("value"), f"{where}.value"),
                          _value(answer.get("justification"), f"{where}.justification"),
                          _value(answer.get("document"), f"{where}.document"),
                          SHORT_LABELS[maturity]])
        questions.add(cells)
    return [summary, questions]


def render(table: Mapping[str, Any], fmt: str) -> bytes:
    """The comparison table as ``ods`` or ``xlsx`` (see the module for ``table``)."""
    if fmt not in FORMATS:
        raise ValueError(f"format inconnu : {fmt} (ods ou xlsx).")
    sheets = _sheets(table)
    return _xlsx(sheets) if fmt == "xlsx" else _ods(sheets)


# --- ODS -----------------------------------------------------------------------------------

_STYLES = (
    '<style:style style:name="cxText" style:family="table-cell">'
    '<style:table-cell-properties fo:wrap-option="wrap" style:vertical-align="top"/>'
    "</style:style>",
    '<style:style style:name="cxBold" style:family="table-cell">'
    '<style:table-cell-properties fo:wrap-option="wrap" fo:background-color="#dde3ea" '
    'style:vertical-align="top"/><style:text-properties fo:font-weight="bold"/></style:style>',
)


def _ods_cell(value: Value, style: str) -> str:
    attribute = f" table:style-name={quoteattr(style)}"
    if value is None or value == "":
        return f"<table:table-cell{attribute}/>"
    if isinstance(value, int | float):
        return (f'<table:table-cell{attribute} office:value-type="float" '
                f'office:value="{value!r}"><text:p>{value}</text:p></table:table-cell>')
    paragraphs = "".join(f"<text:p>{escape(line)}</text:p>" for line in value.split("\n"))
    return (f'<table:table-cell{attribute} office:value-type="string">{paragraphs}'
            "</table:table-cell>")


def _ods(sheets: list[_Sheet]) -> bytes:
    document = odfdo.Document("spreadsheet")
    body = document.body
    body.clear()
    widths = sorted({w for sheet in sheets for w in sheet.widths})
    for style in _STYLES:
        document.insert_style(style, automatic=True)
    for index, width in enumerate(widths):
        document.insert_style(
            f'<style:style style:name="cxCol{index}" style:family="table-column">'
            f'<style:table-column-properties style:column-width="{width}cm"/></style:style>',
            automatic=True)
    for sheet in sheets:
        table = odfdo.Table(sheet.name)
        for width in sheet.widths:
            table.append(Element.from_tag(
                f'<table:table-column table:style-name="cxCol{widths.index(width)}"/>'))
        for row_index, row in enumerate(sheet.rows):
            style = "cxBold" if row_index in sheet.bold else "cxText"
            table.append(Element.from_tag(
                "<table:table-row>" + "".join(_ods_cell(v, style) for v in row)
                + "</table:table-row>"))
        body.append(table)
    document.meta.set_title("Comparaison des offres")
    document.meta.set_language("fr-FR")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- XLSX ----------------------------------------------------------------------------------

def _xlsx(sheets: list[_Sheet]) -> bytes:
    workbook = Workbook()
    first = workbook.active
    if first is not None:
        workbook.remove(first)
    wrap = Alignment(wrap_text=True, vertical="top")
    fill = PatternFill("solid", fgColor="DDE3EA")
    for sheet in sheets:
        worksheet = workbook.create_sheet(sheet.name)
        for index, width in enumerate(sheet.widths, start=1):
            worksheet.column_dimensions[get_column_letter(index)].width = width * 5
        for row_index, row in enumerate(sheet.rows, start=1):
            for column, value in enumerate(row, start=1):
                if value is None or value == "":
                    continue
                cell = worksheet.cell(row=row_index, column=column, value=value)
                if isinstance(value, str) and value.startswith("="):
                    cell.data_type = "s"  # a text, never a formula
                cell.alignment = wrap
                if row_index - 1 in sheet.bold:
                    cell.font = Font(bold=True)
                    cell.fill = fill
    workbook.properties.title = "Comparaison des offres"
    workbook.properties.language = "fr-FR"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
