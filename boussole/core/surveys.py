"""Working-conditions surveys of the follow-up (criterion 4, questions 16 to 20 "after the
introduction"): the questionnaire as versioned data, the validation of one anonymous answer
and the aggregation of a group of answers under the anonymity threshold.

No Django here: the web layer stores rounds and answers and calls these functions.

Anonymity: no result is computed for a group of fewer than :data:`MIN_GROUP` answers — per
question (the answers that question received), so a stage, a direction or a case with 4
answers shows nothing at all. Free texts are returned only when the caller asks for them (the
web layer asks only for the HR / working-conditions referent and the staff representatives).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Final

from boussole.core.documents import describe_type, read_document
from boussole.core.errors import InvalidDocument, Problem

#: Fewest answers a group must have before any of its results is shown.
MIN_GROUP: Final = 5
#: Longest free-text answer accepted, in characters.
MAX_TEXT: Final = 2000
#: Question types.
SCALE: Final = "echelle"
TEXT: Final = "texte"
TYPES: Final = (SCALE, TEXT)
#: Follow-up review stages, in order (the follow-up plan uses the same codes).
STAGES: Final = ("T0", "M6", "A1", "A3", "A5")
STAGE_LABELS: Final[Mapping[str, str]] = {
    "T0": "Mise en service (T0)", "M6": "6 mois", "A1": "1 an", "A3": "3 ans", "A5": "5 ans"}

DATA_DIR: Final = Path(__file__).resolve().parent.parent / "data" / "surveys"


@dataclass(frozen=True, slots=True)
class SurveyQuestion:
    id: str
    kind: str
    text: str
    help: str = ""
    criterion_question: int | None = None


@dataclass(frozen=True, slots=True)
class Questionnaire:
    id: str
    version: int
    title: str
    intro: str
    scale: tuple[str, ...]
    questions: tuple[SurveyQuestion, ...]

    def question(self, question_id: str) -> SurveyQuestion:
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(question_id)

    @property
    def scale_questions(self) -> tuple[SurveyQuestion, ...]:
        return tuple(q for q in self.questions if q.kind == SCALE)

    @property
    def text_questions(self) -> tuple[SurveyQuestion, ...]:
        return tuple(q for q in self.questions if q.kind == TEXT)


def _text(data: Mapping[str, Any], key: str, path: tuple[str | int, ...],
          problems: list[Problem], *, required: bool = True) -> str:
    value = data.get(key)
    if value is None:
        if required:
            problems.append(Problem((*path, key), "champ obligatoire manquant."))
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        problems.append(Problem((*path, key), f"un texte non vide est attendu, pas "
                                              f"{describe_type(value)}."))
        return ""
    return value.strip()


def parse_questionnaire(data: Any, *, source: str | None = None) -> Questionnaire:
    """Check a questionnaire document; raise :class:`InvalidDocument` (French, every problem
    with its place) when it is not valid."""
    problems: list[Problem] = []
    if not isinstance(data, dict):
        raise InvalidDocument([Problem((), "un objet (clé : valeur) est attendu, pas "
                                            f"{describe_type(data)}.")], source=source)
    known = {"id", "version", "title", "intro", "scale", "questions"}
    for key in data:
        if key not in known:
            problems.append(Problem((str(key),), "champ inconnu."))
    ident = _text(data, "id", (), problems)
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        problems.append(Problem(("version",), "un nombre entier positif est attendu."))
        version = 0
    title = _text(data, "title", (), problems)
    intro = _text(data, "intro", (), problems, required=False)
    scale = data.get("scale")
    labels: tuple[str, ...] = ()
    if (not isinstance(scale, list) or len(scale) != 5
            or not all(isinstance(x, str) and x.strip() for x in scale)):
        problems.append(Problem(("scale",), "une liste de 5 libellés (de 1 à 5) est attendue."))
    else:
        labels = tuple(x.strip() for x in scale)
    raw_questions = data.get("questions")
    questions: list[SurveyQuestion] = []
    if not isinstance(raw_questions, list) or not raw_questions:
        problems.append(Problem(("questions",), "une liste non vide de questions est attendue."))
        raw_questions = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_questions):
        path: tuple[str | int, ...] = ("questions", index)
        if not isinstance(raw, dict):
            problems.append(Problem(path, "un objet (clé : valeur) est attendu."))
            continue
        for key in raw:
            if key not in {"id", "type", "text", "help", "criterion_question"}:
                problems.append(Problem((*path, str(key)), "champ inconnu."))
        qid = _text(raw, "id", path, problems)
        if qid and not qid.replace("_", "").isalnum():
            problems.append(Problem((*path, "id"), "identifiant invalide : lettres, chiffres "
                                                   "et « _ » seulement."))
        if qid in seen:
            problems.append(Problem((*path, "id"), f"identifiant « {qid} » en double."))
        seen.add(qid)
        kind = raw.get("type")
        if kind not in TYPES:
            problems.append(Problem((*path, "type"), "type inconnu : « echelle » (de 1 à 5) "
                                                     "ou « texte » est attendu."))
        number = raw.get("criterion_question")
        if number is not None and (isinstance(number, bool) or not isinstance(number, int)):
            problems.append(Problem((*path, "criterion_question"),
                                    "un numéro de question de la grille est attendu."))
            number = None
        questions.append(SurveyQuestion(
            id=qid, kind=str(kind), text=_text(raw, "text", path, problems),
            help=_text(raw, "help", path, problems, required=False),
            criterion_question=number))
    if problems:
        raise InvalidDocument(problems, source=source)
    return Questionnaire(id=ident, version=int(version), title=title, intro=intro,
                         scale=labels, questions=tuple(questions))


def load_questionnaire(path: str | Path) -> Questionnaire:
    """Read and check one questionnaire file (YAML or JSON)."""
    return parse_questionnaire(read_document(path), source=str(path))


@cache
def bundled() -> tuple[Questionnaire, ...]:
    """Every questionnaire shipped in ``data/surveys``, by id then version."""
    found = [load_questionnaire(p) for p in sorted(DATA_DIR.glob("*.yaml"))]
    return tuple(sorted(found, key=lambda q: (q.id, q.version)))


def questionnaire(ident: str, version: int | None = None) -> Questionnaire:
    """A bundled questionnaire; without ``version``, its latest. ``KeyError`` when unknown."""
    matching = [q for q in bundled() if q.id == ident
                and (version is None or q.version == version)]
    if not matching:
        raise KeyError(f"{ident} v{version}")
    return matching[-1]


def clean_answers(form: Questionnaire, raw: Mapping[str, str]) -> tuple[dict[str, Any],
                                                                        list[Problem]]:
    """The answers to store from a submitted form (question id → 1..5 or text), and the
    problems (French). Every question is optional; unknown keys are ignored."""
    answers: dict[str, Any] = {}
    problems: list[Problem] = []
    for question in form.questions:
        value = (raw.get(question.id) or "").strip()
        if not value:
            continue
        if question.kind == SCALE:
            if value not in {"1", "2", "3", "4", "5"}:
                problems.append(Problem((question.id,), "choisissez une valeur de 1 à 5."))
                continue
            answers[question.id] = int(value)
        else:
            if len(value) > MAX_TEXT:
                problems.append(Problem((question.id,), f"le texte dépasse {MAX_TEXT} "
                                                        "caractères."))
                continue
            answers[question.id] = value
    return answers, problems


@dataclass(frozen=True, slots=True)
class QuestionResult:
    """The results of one question for one group of answers (at least :data:`MIN_GROUP`)."""

    question_id: str
    kind: str
    count: int
    counts: tuple[int, ...] = ()  # answers per value 1..5 (scale)
    mean: float | None = None  # scale
    texts: tuple[str, ...] = field(default=())  # free text, only when asked for

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"question": self.question_id, "type": self.kind,
                                "count": self.count}
        if self.kind == SCALE:
            data["distribution"] = {str(i + 1): n for i, n in enumerate(self.counts)}
            data["mean"] = self.mean
        return data


def aggregate(form: Questionnaire, responses: Iterable[Mapping[str, Any]], *,
              with_texts: bool = False) -> dict[str, QuestionResult | None]:
    """Per question id, its results for this group of answers, or ``None`` when fewer than
    :data:`MIN_GROUP` answers (to the whole questionnaire, or to that question) were given.
    Free texts are included only with ``with_texts``, and only above the threshold too."""
    rows = list(responses)
    results: dict[str, QuestionResult | None] = {}
    for question in form.questions:
        values = [row[question.id] for row in rows if question.id in row]
        if len(rows) < MIN_GROUP or len(values) < MIN_GROUP:
            results[question.id] = None
        elif question.kind == SCALE:
            numbers = [v for v in values if isinstance(v, int) and 1 <= v <= 5]
            counts = tuple(numbers.count(i) for i in range(1, 6))
            results[question.id] = QuestionResult(
                question.id, SCALE, len(numbers), counts,
                round(sum(numbers) / len(numbers), 2) if numbers else None)
        else:
            texts = tuple(sorted(str(v) for v in values)) if with_texts else ()
            results[question.id] = QuestionResult(question.id, TEXT, len(values), texts=texts)
    return results


def may_manage(role: str, domain: str = "") -> bool:
    """Open and close a case's survey rounds: the HR / working-conditions referent, the digital
    project pilot and the administrator."""
    return role == "admin" or (role == "referent" and domain in ("rh_qvt", "numerique"))


def may_read_free_text(role: str, domain: str = "") -> bool:
    """Free-text answers: only the HR / working-conditions referent and the staff
    representatives (not even the administrator)."""
    return role == "representant_personnel" or (role == "referent" and domain == "rh_qvt")


def may_see_overview(role: str, domain: str = "") -> bool:
    """The cross-case view of the surveys: the working-conditions group (HR referents), the
    staff representatives and the administrator."""
    return role in ("admin", "representant_personnel") or (
        role == "referent" and domain == "rh_qvt")


def stage_label(code: str) -> str:
    return STAGE_LABELS.get(code, code)


def stage_order(code: str) -> int:
    return STAGES.index(code) if code in STAGES else len(STAGES)


def under_threshold(count: int) -> bool:
    return count < MIN_GROUP


__all__: Sequence[str] = (
    "MIN_GROUP",
    "QuestionResult",
    "Questionnaire",
    "SurveyQuestion",
    "aggregate",
    "clean_answers",
    "load_questionnaire",
    "may_manage",
    "may_read_free_text",
    "may_see_overview",
    "parse_questionnaire",
    "questionnaire",
)
