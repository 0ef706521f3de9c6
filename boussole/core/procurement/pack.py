"""The vendor-facing questions of a grid, as a tender annex lists them.

A question is in the annex when the grid marks it ``vendor: true``; the annex keeps the grid's
order. Every renderer (ODT, ODS, XLSX, web) and the annex reader share what is here: the
question's number and texts, the French description of the expected answer, the words a cell
may hold for a choice (« Oui », « Non », an option's label, « Je ne sais pas »), the instructions
and the fingerprint that detects a modified annex.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from boussole.core.grid.model import UNKNOWN, Grid, Question, QuestionType

#: The word a cell holds for « je ne sais pas », on every question.
UNKNOWN_LABEL = "Je ne sais pas"
#: Separator of several options in one cell (multiple-choice questions).
MULTIPLE_SEPARATOR = ";"

#: Titles of the annex's parts (sheets of a spreadsheet, tables of the text document).
SHEET_INSTRUCTIONS = "Instructions"
SHEET_QUESTIONS = "Questionnaire"
SHEET_METADATA = "Metadonnees"

#: Column headings of the questionnaire, in order. The first five are the annex's own text;
#: the last three are for the bidder.
COLUMNS = (
    "N°",
    "Critère",
    "Question",
    "Aide",
    "Réponse attendue",
    "Réponse",
    "Justification",
    "Document joint (nom du fichier)",
)
#: Index (0-based) of the first column the bidder fills.
ANSWER_COLUMN = 5

FORMAT_ID = "boussole-annexe-fournisseur/1"

_TYPE_LABELS: dict[QuestionType, str] = {
    "yes_no": "Oui / Non",
    "text": "Texte libre",
    "number": "Nombre",
    "single_choice": "Un choix dans la liste",
    "multiple_choice": "Un ou plusieurs choix de la liste",
}


@dataclass(frozen=True)
class VendorQuestion:
    """One question of the annex. ``options`` are ``(code, French label)`` pairs (for yes/no:
    ``("oui", "Oui")`` and ``("non", "Non")``), without « Je ne sais pas », always allowed."""

    id: str
    number: int
    criterion: int
    criterion_title: str
    text: str
    help: str
    type: QuestionType
    unit: str | None
    options: tuple[tuple[str, str], ...]
    exclusive: tuple[str, ...] = ()
    #: An estimate Boussole's footprint calculator also computes from earlier answers.
    computed: bool = False

    @property
    def label(self) -> str:
        """« Q17 »."""
        return f"Q{self.number}"

    @property
    def is_choice(self) -> bool:
        return self.type in ("yes_no", "single_choice", "multiple_choice")

    @property
    def choices(self) -> tuple[str, ...]:
        """The words a cell may hold for a one-choice question (the annex's drop-down list):
        the options' labels, then « Je ne sais pas ». Empty for the other types."""
        if self.type not in ("yes_no", "single_choice"):
            return ()
        return (*(label for _code, label in self.options), UNKNOWN_LABEL)

    @property
    def expected(self) -> str:
        """The expected answer, in French, as the annex's « Réponse attendue » column says it."""
        kind = _TYPE_LABELS[self.type]
        if self.type == "number":
            unit = f" (en {self.unit})" if self.unit else ""
            return f"{kind}{unit}, ou « {UNKNOWN_LABEL} »"
        if self.type in ("single_choice", "multiple_choice"):
            labels = " ; ".join(label for _code, label in self.options)
            how = (f" (séparés par « {MULTIPLE_SEPARATOR} »)"
                   if self.type == "multiple_choice" else "")
            return f"{kind}{how} : {labels} ; ou « {UNKNOWN_LABEL} »"
        return f"{kind}, ou « {UNKNOWN_LABEL} »"

    def option_code(self, label: str) -> str | None:
        """The code of the option a cell names, by label or by code (case and spaces ignored);
        ``"nsp"`` for « Je ne sais pas »; ``None`` if none matches."""
        wanted = " ".join(label.split()).casefold()
        if wanted in (UNKNOWN_LABEL.casefold(), UNKNOWN):
            return UNKNOWN
        for code, text in self.options:
            if wanted in (code.casefold(), " ".join(text.split()).casefold()):
                return code
        return None

    def option_label(self, code: str) -> str:
        if code == UNKNOWN:
            return UNKNOWN_LABEL
        for option_code, label in self.options:
            if option_code == code:
                return label
        return code

    def cell_value(self, value: object) -> str | int | float | None:
        """A stored answer value as the annex's « Réponse » cell shows it (the inverse of the
        reader): option labels, numbers as numbers, texts as they are."""
        if value is None:
            return None
        if value == UNKNOWN:
            return UNKNOWN_LABEL
        if isinstance(value, list | tuple):
            return f"{MULTIPLE_SEPARATOR} ".join(self.option_label(str(v)) for v in value)
        if self.is_choice:
            return self.option_label(str(value))
        if isinstance(value, bool):
            return str(value)
        if isinstance(value, int | float):
            return value
        return str(value)


def _vendor_question(grid: Grid, question: Question) -> VendorQuestion:
    if question.type == "yes_no":
        options: tuple[tuple[str, str], ...] = (("oui", "Oui"), ("non", "Non"))
    else:
        options = tuple((o.id, o.label) for o in question.options)
    return VendorQuestion(
        id=question.id, number=question.number, criterion=question.criterion,
        criterion_title=grid.criterion(question.criterion).title,
        text=grid.display_text(question), help=question.help or "", type=question.type,
        unit=question.unit, options=options, exclusive=question.exclusive,
        computed=question.computed)


def vendor_questions(grid: Grid) -> list[VendorQuestion]:
    """Every question the grid marks ``vendor: true``, in the grid's order."""
    return [_vendor_question(grid, q) for q in grid.questions if q.vendor]


def instructions_fr() -> list[str]:
    """The annex's instructions to the bidder, one paragraph each (French)."""
    return [
        "Cette annexe fait partie du dossier de consultation. Elle reprend les questions de la "
        "boussole de l'IA de la collectivité qui s'adressent au prestataire.",
        "Répondez dans la feuille « Questionnaire », une ligne par question : colonne "
        "« Réponse » (la réponse elle-même), colonne « Justification » (comment vous "
        "l'établissez : méthode, source, engagement) et, si vous joignez un document à votre "
        "offre, son nom de fichier dans la colonne « Document joint ».",
        "Pour les questions à choix, choisissez dans la liste proposée (« Oui », « Non », une "
        "option, ou « Je ne sais pas »). Quand plusieurs choix sont possibles, séparez-les par "
        f"« {MULTIPLE_SEPARATOR} ». Pour les nombres, écrivez un nombre seul, dans l'unité "
        "indiquée (la virgule décimale est acceptée).",
        "« Je ne sais pas » est une réponse admise : elle vaut mieux qu'une réponse vague. Une "
        "réponse à choix ou un nombre sans justification est considéré comme une réponse "
        "partielle.",
        "Ne modifiez ni l'ordre des lignes, ni le texte des questions, ni les colonnes, et ne "
        "supprimez pas la feuille masquée « Metadonnees » : l'annexe est vérifiée à son import "
        "et une annexe modifiée est refusée en entier.",
        "Enregistrez le fichier dans son format d'origine (ODS ou XLSX) et joignez-le à votre "
        "offre.",
    ]


def reading_instructions_fr() -> list[str]:
    """The instructions of the text version of the annex (ODT), which is read, printed or
    attached to the consultation rules but not filled in nor imported (French)."""
    first, _sheet, choices, unknown, _keep, _save = instructions_fr()
    return [
        first,
        "Ce document est la version à lire de l'annexe. Pour répondre, utilisez l'annexe "
        "tableur (ODS ou XLSX) fournie avec le dossier de consultation, ou le lien personnel "
        "que l'acheteur vous a transmis : les réponses écrites dans ce document texte ne "
        "peuvent pas être importées.",
        "Pour chaque question, la colonne « Réponse attendue » indique la forme de la "
        "réponse ; donnez aussi sa justification (méthode, source, engagement) et, le cas "
        "échéant, le nom du document que vous joignez à votre offre.",
        choices.replace("choisissez dans la liste proposée", "répondez par un choix proposé"),
        unknown,
    ]


def pack_fingerprint(grid: Grid) -> str:
    """SHA-256 (hex) of the grid's id and version and of the ordered ``(id, number, text)`` of
    its vendor questions: a returned annex whose questions differ does not match."""
    payload = {"grid": grid.id, "version": grid.version,
               "questions": [[q.id, q.number, q.text] for q in vendor_questions(grid)]}
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def metadata_rows(grid: Grid) -> list[list[str | int]]:
    """The hidden metadata part of the annex, as rows of two cells (key, value), then one row per
    question of the questionnaire: ``("question", id)``, in the questionnaire's order."""
    rows: list[list[str | int]] = [
        ["format", FORMAT_ID],
        ["grid_id", grid.id],
        ["grid_version", grid.version],
        ["fingerprint", pack_fingerprint(grid)],
        ["header_row", 1],
    ]
    rows.extend(["question", q.id] for q in vendor_questions(grid))
    return rows


def question_row(question: VendorQuestion) -> list[str | int]:
    """The annex's own cells of one question (the first five columns)."""
    return [question.label, f"{question.criterion}. {question.criterion_title}", question.text,
            question.help, question.expected]
