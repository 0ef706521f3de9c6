"""The « dossier fournisseur »: a vendor's answers for one product, as a reusable JSON file.

A vendor's answers to the vendor questions can be exported and imported into another case, or
another organisation's instance (authorities share what a vendor told them). The file says which
grid version the answers were given against; on import, :func:`read` compares that version with
the importing case's grid (:func:`boussole.core.grid.diff.diff_grids`) and keeps only the
answers that still mean the same::

    {
      "format": "boussole-dossier-fournisseur/1",
      "vendor": "Acme IA",                       # 1 to 200 characters
      "product": "Assistant courrier v3",        # 0 to 200 characters
      "organisation": "Nantes Métropole",        # optional: who collected the answers
      "grid": {"id": "boussole-nantes", "version": 2, "title": "…"},   # title optional
      "exported_at": "2026-12-04T10:00:00+00:00",
      "answers": {                                # by question id
        "materiel_ecolabellise": {"number": 21, "question": "Le matériel …",  # for reading
                                  "value": "oui", "justification": "…", "document": "…"}
      }
    }

``value`` is an answer value as a case stores it (``"oui"``, an option code, a list of codes,
a number, a text, ``"nsp"``) or ``null``. Reading refuses the whole file
(:class:`~boussole.core.errors.InvalidDocument`, French, located problems) when it is not such a
document, or when an answer does not fit its own grid version.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from boussole.core.documents import describe_type, load_json
from boussole.core.errors import InvalidDocument, Problem
from boussole.core.grid.answers import AnswerInvalid, validate_value
from boussole.core.grid.diff import GridDiff, diff_grids
from boussole.core.grid.model import Grid
from boussole.core.limits import LIMITS, MAX_ANNEX_BYTES, MAX_DOCUMENT_NAME, text_problem
from boussole.core.procurement.annex import AnnexAnswer
from boussole.core.procurement.pack import vendor_questions

FORMAT_ID = "boussole-dossier-fournisseur/1"
_KEYS = {"format": True, "vendor": True, "product": False, "organisation": False, "grid": True,
         "exported_at": True, "answers": True}
_ANSWER_KEYS = {"number": False, "question": False, "value": False, "justification": False,
                "document": False}


def build(grid: Grid, *, vendor: str, product: str, answers: Mapping[str, AnnexAnswer],
          exported_at: dt.datetime, organisation: str | None = None) -> dict[str, Any]:
    """The dossier (a JSON-ready dict) of ``answers`` (by question id) given against ``grid``.
    Only vendor questions are exported, in the grid's order; another id raises ``ValueError``."""
    questions = {q.id: q for q in vendor_questions(grid)}
    unknown = sorted(set(answers) - set(questions))
    if unknown:
        raise ValueError(f"questions inconnues ou non destinées au prestataire : "
                         f"{', '.join(unknown)}")
    document: dict[str, Any] = {"format": FORMAT_ID, "vendor": vendor, "product": product}
    if organisation:
        document["organisation"] = organisation
    document["grid"] = {"id": grid.id, "version": grid.version, "title": grid.title}
    document["exported_at"] = exported_at.isoformat()
    document["answers"] = {
        q.id: {"number": q.number, "question": q.text, **answers[q.id].to_dict()}
        for q in questions.values() if q.id in answers}
    return document


@dataclass
class DossierDiff:
    """What became of the dossier's answers in the importing grid."""

    source_key: str
    target_key: str
    #: The grid diff, when the dossier's grid version is known here and differs.
    grid_diff: GridDiff | None = None
    kept: list[str] = field(default_factory=list)
    #: Questions whose meaning changed (text, type, options…): to answer again.
    changed: list[str] = field(default_factory=list)
    #: Questions gone from the importing grid, or no longer vendor questions.
    removed: list[str] = field(default_factory=list)
    #: Answers that no longer fit their question (by new id: French message).
    invalid: dict[str, str] = field(default_factory=dict)
    #: The two grids as a reader names them: « title », version n (French).
    source_label: str = ""
    target_label: str = ""

    @property
    def same_grid(self) -> bool:
        return self.source_key == self.target_key

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source_key, "target": self.target_key,
                "grid_diff": self.grid_diff.to_dict() if self.grid_diff else None,
                "kept": self.kept, "changed": self.changed, "removed": self.removed,
                "invalid": self.invalid}

    def render(self) -> str:
        """A French report, one line per fact."""
        lines = [f"Dossier fournisseur établi sur la grille "
                 f"{self.source_label or self.source_key}, importé sur "
                 f"{self.target_label or self.target_key}."]
        lines.append(f"Réponses reprises : {len(self.kept)}.")
        if self.changed:
            lines.append(f"Questions modifiées depuis, à répondre de nouveau : "
                         f"{', '.join(self.changed)}.")
        if self.removed:
            lines.append(f"Questions absentes de la grille (ou plus destinées au prestataire), "
                         f"réponses écartées : {', '.join(self.removed)}.")
        for question_id, message in self.invalid.items():
            lines.append(f"Réponse à {question_id} écartée : {message}")
        return "\n".join(lines)


def _fail(problems: list[Problem], source: str) -> InvalidDocument:
    return InvalidDocument(problems, source=source)


def _text(block: Mapping[str, Any], key: str, path: tuple[str | int, ...],
          problems: list[Problem], *, limit: int, required: bool = False) -> str:
    value = block.get(key, "")
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        problems.append(Problem((*path, key), f"doit être un texte, pas {describe_type(value)}."))
        return ""
    if "\x00" in value:
        problems.append(Problem((*path, key), "le caractère nul n'est pas admis."))
        return ""
    if required and not value.strip():
        problems.append(Problem((*path, key), "ne doit pas être vide."))
    if len(value) > limit:
        problems.append(Problem((*path, key), f"texte trop long : {limit} caractères au plus "
                                              f"({len(value)} reçus)."))
        return ""
    return value.strip()


def _parse(data: bytes, source: str) -> tuple[dict[str, Any], list[Problem]]:
    if len(data) > MAX_ANNEX_BYTES:
        raise _fail([Problem((), f"fichier trop volumineux : {MAX_ANNEX_BYTES // 1048576} Mo "
                                 "au plus.")], source)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _fail([Problem((), "le fichier n'est pas du texte UTF-8 (JSON attendu).")],
                    source) from None
    if not text.strip():
        raise _fail([Problem((), "le document est vide.")], source)
    document = load_json(text, source=source, allow_constants=False)
    problems: list[Problem] = []
    if not isinstance(document, dict):
        raise _fail([Problem((), f"doit être un objet JSON, pas {describe_type(document)}.")],
                    source)
    if document.get("format") != FORMAT_ID:
        raise _fail([Problem(("format",), f"format « {FORMAT_ID} » attendu : ce fichier n'est "
                                          "pas un dossier fournisseur de Boussole.")], source)
    for key in document:
        if key not in _KEYS:
            problems.append(Problem((key,), f"clé inconnue « {key} » ; clés admises : "
                                            f"{', '.join(_KEYS)}."))
    for key, required in _KEYS.items():
        if required and key not in document:
            problems.append(Problem((), f"champ obligatoire manquant : « {key} »."))
    return document, problems


def read(data: bytes, importing_grid: Grid,
         grids: Callable[[str, int], Grid] | None = None, *,
         source: str = "dossier fournisseur") -> tuple[dict[str, AnnexAnswer], DossierDiff]:
    """The dossier's answers carried over to ``importing_grid`` (by its question ids), and what
    changed. ``grids(id, version)`` finds the dossier's own grid version (``LookupError`` if
    unknown); without it, or when it is unknown, a question is matched by id and counted as
    changed when its text differs from the one the dossier recorded."""
    document, problems = _parse(data, source)
    vendor = _text(document, "vendor", (), problems, limit=LIMITS["vendor"], required=True)
    del vendor
    _text(document, "product", (), problems, limit=LIMITS["vendor"])
    _text(document, "organisation", (), problems, limit=LIMITS["vendor"])
    exported = document.get("exported_at")
    try:
        dt.datetime.fromisoformat(exported if isinstance(exported, str) else "")
    except ValueError:
        problems.append(Problem(("exported_at",), "date et heure ISO 8601 attendue (exemple : "
                                                  "2026-12-04T10:00:00+00:00)."))
    grid_block = document.get("grid")
    grid_id, version = None, None
    if not isinstance(grid_block, dict):
        problems.append(Problem(("grid",), "objet attendu : {\"id\": …, \"version\": …}."))
    else:
        grid_id, version = grid_block.get("id"), grid_block.get("version")
        if not isinstance(grid_id, str) or not grid_id:
            problems.append(Problem(("grid", "id"), "identifiant de grille attendu."))
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            problems.append(Problem(("grid", "version"), "numéro de version attendu (entier "
                                                         "positif)."))
    raw_answers = document.get("answers")
    if not isinstance(raw_answers, dict):
        problems.append(Problem(("answers",), "objet attendu (réponses par identifiant de "
                                              "question)."))
        raw_answers = {}
    if problems or not isinstance(grid_id, str) or not isinstance(version, int):
        raise _fail(problems, source)
    source_key = f"{grid_id}@{version}"

    source_grid: Grid | None = None
    if (grid_id, version) == (importing_grid.id, importing_grid.version):
        source_grid = importing_grid
    elif grids is not None:
        try:
            source_grid = grids(grid_id, version)
        except LookupError:
            source_grid = None

    entries: dict[str, tuple[Any, str, str, str]] = {}
    for question_id, entry in raw_answers.items():
        path = ("answers", question_id)
        if not isinstance(entry, dict):
            problems.append(Problem(path, f"doit être un objet, pas {describe_type(entry)}."))
            continue
        for key in entry:
            if key not in _ANSWER_KEYS:
                problems.append(Problem((*path, key), f"clé inconnue « {key} »."))
        justification = _text(entry, "justification", path, problems,
                              limit=LIMITS["justification"])
        document_name = _text(entry, "document", path, problems, limit=MAX_DOCUMENT_NAME)
        question_text = _text(entry, "question", path, problems, limit=LIMITS["answers"])
        value = entry.get("value")
        if isinstance(value, str) and (message := text_problem("answers", value)):
            problems.append(Problem((*path, "value"), message))
            continue
        if source_grid is not None and value is not None:
            if not source_grid.has_question(question_id):
                problems.append(Problem(path, f"question inconnue de la grille {source_key}."))
                continue
            try:
                value = validate_value(source_grid.question(question_id), value)
            except AnswerInvalid as exc:
                problems.append(Problem((*path, "value"), str(exc)))
                continue
        entries[question_id] = (value, justification, document_name, question_text)
    if problems:
        raise _fail(problems, source)

    title = grid_block.get("title") if isinstance(grid_block, dict) else None
    if source_grid is not None:
        title = source_grid.title
    result = DossierDiff(
        source_key, importing_grid.key,
        source_label=(f"« {title} », version {version}" if isinstance(title, str) and title
                      else f"{grid_id}, version {version}"),
        target_label=f"« {importing_grid.title} », version {importing_grid.version}")
    vendor_ids = {q.id for q in vendor_questions(importing_grid)}
    renamed: Mapping[str, str] = {}
    reanswer: set[str] = set()
    gone: set[str] = set()
    if source_grid is not None and source_grid is not importing_grid:
        result.grid_diff = diff_grids(source_grid, importing_grid)
        renamed = result.grid_diff.renamed
        reanswer = {c.old_id for c in result.grid_diff.changed if c.reanswer}
        gone = set(result.grid_diff.removed)
    answers: dict[str, AnnexAnswer] = {}
    for old_id, (value, justification, document_name, question_text) in entries.items():
        new_id = renamed.get(old_id, old_id)
        if old_id in gone or new_id not in vendor_ids:
            result.removed.append(old_id)
            continue
        question = importing_grid.question(new_id)
        shown = importing_grid.display_text(question)  # the text the dossier records
        text_changed = (source_grid is None and question_text
                        and " ".join(question_text.split()) != " ".join(shown.split()))
        if old_id in reanswer or text_changed:
            result.changed.append(new_id)
            continue
        if value is not None:
            try:
                value = validate_value(question, value)
            except AnswerInvalid as exc:
                result.invalid[new_id] = str(exc)
                continue
        answers[new_id] = AnnexAnswer(value, justification, document_name)
        result.kept.append(new_id)
    order = {q.id: i for i, q in enumerate(importing_grid.questions)}
    result.kept.sort(key=order.__getitem__)
    return dict(sorted(answers.items(), key=lambda kv: order[kv[0]])), result
