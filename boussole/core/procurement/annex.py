"""Reading a returned tender annex: checked whole, or refused whole.

:func:`read_annex` reads the ODS, XLSX or ODT annex a bidder returns (see :mod:`.pack` for its
layout) and gives its answers by question id. The annex is refused — nothing of it is kept —
with :class:`~boussole.core.errors.InvalidDocument`, whose French problems say where (sheet,
row, question, column), when:

* the file is too big (:data:`~boussole.core.limits.MAX_ANNEX_BYTES`), not of its format,
  damaged or a zip bomb (:mod:`.sheets`);
* its hidden « Metadonnees » part is missing, or names another grid or grid version
  (« annexe établie pour une autre version de la grille »);
* it was tampered with: fingerprint or question ids changed, a question's number, criterion,
  text, help or expected answer changed, column headings changed, rows added, removed or
  reordered, cells written in added columns;
* an answer is invalid for its question (a choice not in the list, a number that is not one,
  « Je ne sais pas » combined with an option…), or a text is over its limit
  (:mod:`boussole.core.limits`), or holds a NUL character.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from boussole.core.errors import InvalidDocument, Problem
from boussole.core.grid.answers import AnswerInvalid, Value, validate_value
from boussole.core.grid.model import UNKNOWN, Grid
from boussole.core.limits import MAX_DOCUMENT_NAME, text_problem
from boussole.core.procurement.pack import (
    ANSWER_COLUMN,
    COLUMNS,
    FORMAT_ID,
    MULTIPLE_SEPARATOR,
    SHEET_METADATA,
    SHEET_QUESTIONS,
    UNKNOWN_LABEL,
    VendorQuestion,
    pack_fingerprint,
    question_row,
    vendor_questions,
)
from boussole.core.procurement.sheets import Cell, Rows, SheetError, read_tables

#: Most problems reported at once (the annex is refused whole anyway).
MAX_PROBLEMS = 30

TAMPERED = ("l'annexe a été modifiée en dehors des cellules de réponse ; repartez de l'annexe "
            "d'origine (les réponses peuvent y être recopiées).")
#: The same, as a sentence of its own (after a full stop).
TAMPERED_SENTENCE = TAMPERED[0].upper() + TAMPERED[1:]


@dataclass(frozen=True)
class AnnexAnswer:
    """One answer of a bidder: ``value`` is the normalised answer value as a case stores it
    (``"oui"``, an option code, a list of codes, a number, a text or ``"nsp"``), or ``None``
    when only a justification or a document was given."""

    value: Value | None
    justification: str = ""
    document: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "justification": self.justification,
                "document": self.document}


def _where(row: int, question: VendorQuestion | None = None, column: int | None = None) -> str:
    text = f"feuille « {SHEET_QUESTIONS} », ligne {row}"
    if question is not None:
        text += f" ({question.label})"
    if column is not None:
        text += f", colonne « {COLUMNS[column]} »"
    return text


def _same(cell: Cell, expected: str | int) -> bool:
    if cell is None:
        return expected == ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return " ".join(str(cell).split()) == " ".join(str(expected).split())


def _text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "Oui" if cell else "Non"
    if isinstance(cell, float):
        return str(int(cell)) if cell.is_integer() else str(cell).replace(".", ",")
    return _lines(cell).strip()


def _lines(text: str) -> str:
    """Line breaks as line feeds, whatever the office suite wrote (CR LF, CR)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


class _Checker:
    def __init__(self, grid: Grid) -> None:
        self.grid = grid
        self.problems: list[Problem] = []

    def add(self, where: str, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem((where,), message))

    # --- the hidden metadata ---------------------------------------------------------------

    def metadata(self, rows: Rows) -> bool:
        where = f"feuille « {SHEET_METADATA} »"
        keys: dict[str, str] = {}
        ids: list[str] = []
        for row in rows:
            key = _text(row[0]) if row else ""
            value = _text(row[1]) if len(row) > 1 else ""
            if key == "question":
                ids.append(value)
            elif key:
                keys[key] = value
        if keys.get("format") != FORMAT_ID:
            self.add(where, "ce fichier n'est pas une annexe fournisseur établie par Boussole "
                            "(format non reconnu).")
            return False
        ours = f"« {self.grid.title} », version {self.grid.version}"
        if keys.get("grid_id") != self.grid.id:
            self.add(where, f"annexe établie pour une autre grille que celle du dossier ({ours})"
                            ". Utilisez l'annexe téléchargée depuis ce dossier.")
            return False
        if keys.get("grid_version") != str(self.grid.version):
            self.add(where, "annexe établie pour une autre version de la grille (version "
                            f"{keys.get('grid_version') or '?'}) ; le dossier utilise la grille "
                            f"{ours}. Utilisez l'annexe téléchargée depuis ce dossier.")
            return False
        if keys.get("fingerprint") != pack_fingerprint(self.grid):
            self.add(where, "empreinte de l'annexe modifiée : " + TAMPERED)
            return False
        if ids != [q.id for q in vendor_questions(self.grid)]:
            self.add(where, "liste des questions modifiée : " + TAMPERED)
            return False
        if keys.get("header_row") != "1":
            self.add(where, "position de l'en-tête modifiée : " + TAMPERED)
            return False
        return True

    # --- the questionnaire -----------------------------------------------------------------

    def layout(self, rows: Rows, questions: list[VendorQuestion]) -> bool:
        """The annex's own cells are those of the grid, row by row; no row or column added."""
        ok = True
        header = rows[0] if rows else []
        for index, title in enumerate(COLUMNS):
            cell = header[index] if index < len(header) else None
            if not _same(cell, title):
                self.add(_where(1), f"intitulé de colonne modifié (« {title} » attendu) : "
                                    + TAMPERED)
                ok = False
                break
        labels = {q.label: q for q in questions}
        for index, question in enumerate(questions):
            number = index + 2
            row = rows[index + 1] if index + 1 < len(rows) else []
            own = question_row(question)
            if not _same(row[0] if row else None, own[0]):
                found = _text(row[0]) if row else ""
                if found in labels:
                    self.add(_where(number), f"{question.label} attendue à cette ligne, "
                                             f"{found} trouvée : lignes déplacées ou "
                                             "supprimées. " + TAMPERED_SENTENCE)
                elif not row:
                    self.add(_where(number), f"{question.label} attendue à cette ligne, "
                                             "ligne vide ou supprimée. " + TAMPERED_SENTENCE)
                else:
                    self.add(_where(number), f"numéro de question modifié ({question.label} "
                                             f"attendue, « {found} » trouvé). " + TAMPERED_SENTENCE)
                return False
            for column in range(1, ANSWER_COLUMN):
                cell = row[column] if column < len(row) else None
                if not _same(cell, own[column]):
                    what = {1: "le critère a été modifié", 2: "le texte de la question a été "
                            "modifié", 3: "l'aide a été modifiée",
                            4: "la réponse attendue a été modifiée"}[column]
                    self.add(_where(number, question, column), f"{what}. " + TAMPERED_SENTENCE)
                    ok = False
        for index, row in enumerate(rows):
            if len(row) > len(COLUMNS) and any(c not in (None, "") for c in row[len(COLUMNS):]):
                self.add(_where(index + 1), "cellules remplies hors des colonnes de l'annexe "
                                            "(colonne ajoutée ?). " + TAMPERED_SENTENCE)
                ok = False
        for index in range(len(questions) + 1, len(rows)):
            if any(c not in (None, "") for c in rows[index]):
                self.add(_where(index + 1), "ligne ajoutée après la dernière question. "
                                            + TAMPERED_SENTENCE)
                ok = False
                break
        return ok

    def value(self, question: VendorQuestion, cell: Cell, where: str) -> Value | None:
        if cell is None or (isinstance(cell, str) and not cell.strip()):
            return None
        raw: Any
        if isinstance(cell, bool):
            raw = "oui" if cell else "non"
        elif isinstance(cell, float):
            raw = int(cell) if cell.is_integer() else cell
            if question.type == "text":
                raw = _text(cell)
        else:
            raw = _lines(cell).strip()
            if "\x00" in raw:
                self.add(where, "le caractère nul n'est pas admis.")
                return None
            if raw.casefold() == UNKNOWN_LABEL.casefold():
                return UNKNOWN
        if question.is_choice and isinstance(raw, str):
            parts = ([p for p in (s.strip() for s in raw.split(MULTIPLE_SEPARATOR)) if p]
                     if question.type == "multiple_choice" else [raw])
            codes = []
            for part in parts:
                code = question.option_code(part)
                if code is None:
                    choices = ", ".join(f"« {c} »" for c in (
                        *(label for _code, label in question.options), UNKNOWN_LABEL))
                    self.add(where, f"« {part} » n'est pas un choix proposé (choix : "
                                    f"{choices}).")
                    return None
                codes.append(code)
            raw = codes if question.type == "multiple_choice" else codes[0]
        if question.type == "text" and isinstance(raw, str):
            problem = text_problem("answers", raw)
            if problem:
                self.add(where, problem)
                return None
        try:
            return validate_value(self.grid.question(question.id), raw)
        except AnswerInvalid as exc:
            self.add(where, str(exc))
            return None

    def answers(self, rows: Rows, questions: list[VendorQuestion]) -> dict[str, AnnexAnswer]:
        out: dict[str, AnnexAnswer] = {}
        for index, question in enumerate(questions):
            number = index + 2
            row = rows[index + 1]
            cells = [row[c] if c < len(row) else None for c in range(len(COLUMNS))]
            value = self.value(question, cells[ANSWER_COLUMN],
                               _where(number, question, ANSWER_COLUMN))
            justification = _text(cells[ANSWER_COLUMN + 1])
            document = _text(cells[ANSWER_COLUMN + 2])
            for column, text, problem in (
                    (ANSWER_COLUMN + 1, justification, text_problem("justification",
                                                                    justification)),
                    (ANSWER_COLUMN + 2, document,
                     f"nom de fichier trop long : {MAX_DOCUMENT_NAME} caractères au plus."
                     if len(document) > MAX_DOCUMENT_NAME else None)):
                if "\x00" in text:
                    problem = "le caractère nul n'est pas admis."
                if problem:
                    self.add(_where(number, question, column), problem)
            if value is not None or justification or document:
                out[question.id] = AnnexAnswer(value, justification, document)
        return out


def read_annex(data: bytes, filename: str, grid: Grid) -> dict[str, AnnexAnswer]:
    """The answers of a returned annex, by question id (only the questions with an answer, a
    justification or a document), checked against ``grid``; :class:`InvalidDocument` (French,
    located problems, ``source`` = ``filename``) if anything is wrong: nothing is partial."""
    try:
        tables = read_tables(data, filename)
    except SheetError as exc:
        raise InvalidDocument([Problem(("fichier",), exc.message)], source=filename) from None
    checker = _Checker(grid)
    metadata = tables.get(SHEET_METADATA)
    questionnaire = tables.get(SHEET_QUESTIONS)
    if metadata is None or questionnaire is None:
        missing = SHEET_METADATA if metadata is None else SHEET_QUESTIONS
        raise InvalidDocument([Problem(("fichier",), (
            f"partie « {missing} » absente : ce fichier n'est pas une annexe fournisseur "
            "établie par Boussole, ou elle a été modifiée (feuille renommée ou supprimée)."))],
            source=filename)
    questions = vendor_questions(grid)
    if checker.metadata(metadata) and checker.layout(questionnaire, questions):
        answers = checker.answers(questionnaire, questions)
        if not checker.problems:
            return answers
    raise InvalidDocument(checker.problems, source=filename)
