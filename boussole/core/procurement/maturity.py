"""How mature a bidder's answers are: « complète », « partielle » or « non anticipée ».

Asking the questions is a signal in itself: bidders who anticipated them answer all of them,
others answer in part, others had not thought about them. Each answer of a bidder to a vendor
question is assessed by :func:`assess`, with these rules (the group may overrule an assessment,
with a reason, in the consultation):

``not_anticipated`` — « la question n'avait pas été anticipée »
    no answer; « Je ne sais pas » (``nsp``); or a generic non-answer that says nothing
    (« NC », « non communiqué », « à définir », « à venir », « en cours », « n/a », « ? », « - »,
    « voir documentation »…, see :func:`is_non_answer`), as the answer of a text question or
    as the answer's only content.
``partial`` — « réponse partielle »
    an answer is given, but not substantiated: a choice (yes/no, option) or a number without a
    justification and without an attached document; a text answer shorter than
    :data:`MIN_TEXT` characters with neither justification nor document. A justification
    counts when it has at least :data:`MIN_JUSTIFICATION` characters and is not itself a
    generic non-answer.
``complete`` — « réponse complète »
    an answer given and substantiated: a choice or a number with a justification or an
    attached document; a text answer of at least :data:`MIN_TEXT` characters (or shorter, with
    a justification or a document).

:func:`summary_by_criterion` counts the levels per criterion, every vendor question of the grid
included (a question the bidder did not answer is « non anticipée »), with a score from 0 to
100: complete answers count 1, partial ones ½.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from boussole.core.grid.model import UNKNOWN, Grid, Question
from boussole.core.procurement.pack import VendorQuestion, vendor_questions

Level = Literal["complete", "partial", "not_anticipated"]
LEVELS: tuple[Level, ...] = ("complete", "partial", "not_anticipated")

#: French labels of the levels (the web translates them through ``core_messages``).
LABELS: Mapping[str, str] = {
    "complete": "Réponse complète",
    "partial": "Réponse partielle",
    "not_anticipated": "La question n'avait pas été anticipée",
}
#: Short labels for tables (one word or two).
SHORT_LABELS: Mapping[str, str] = {
    "complete": "Complète",
    "partial": "Partielle",
    "not_anticipated": "Non anticipée",
}

#: Shortest text answer that is complete without a justification or a document.
MIN_TEXT = 12
#: Shortest justification that substantiates an answer.
MIN_JUSTIFICATION = 20

#: Generic non-answers, compared without case, accents, punctuation or spaces.
NON_ANSWERS = frozenset({
    "", "nsp", "jenesaispas", "nesaispas", "jesaispas", "inconnu", "inconnue", "nonconnu",
    "nc", "noncommunique", "nonrenseigne", "nr", "na", "nd", "nondisponible", "adefinir",
    "apreciser", "avenir", "acompleter", "encours", "tbd", "todo", "xxx", "x",
    "voirdocumentation", "cfdocumentation", "voirdoc", "cfdoc", "voirannexe", "cfannexe",
    "surdemande", "confidentiel", "sansreponse", "aucunereponse", "pasdereponse",
})


def _key(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.casefold())
    return re.sub(r"[^a-z0-9]", "", "".join(c for c in folded if not unicodedata.combining(c)))


#: Openings of a short generic non-answer (« À définir ultérieurement », « En cours… »).
NON_ANSWER_OPENINGS = ("adefinir", "apreciser", "avenir", "acompleter", "encours",
                       "voirdocumentation", "cfdocumentation", "noncommunique", "nonrenseigne",
                       "jenesaispas", "nondisponible", "surdemande")
#: A text that opens like a non-answer but is at least this long says something.
NON_ANSWER_MAX = 40


def is_non_answer(text: str | None) -> bool:
    """Is ``text`` empty or a generic non-answer: one of :data:`NON_ANSWERS`, or shorter than
    :data:`NON_ANSWER_MAX` characters and opening with one of :data:`NON_ANSWER_OPENINGS`
    (« À définir ultérieurement »)? Case, accents, punctuation and spaces are ignored."""
    key = _key(text or "")
    if key in NON_ANSWERS:
        return True
    return len((text or "").strip()) < NON_ANSWER_MAX and key.startswith(NON_ANSWER_OPENINGS)


def _substantiated(justification: str | None, document: str | None) -> bool:
    text = (justification or "").strip()
    if text and len(text) >= MIN_JUSTIFICATION and not is_non_answer(text):
        return True
    return bool((document or "").strip())


def assess(question: Question | VendorQuestion, value: object, justification: str | None,
           document: str | None = None) -> Level:
    """The maturity of one answer (see the module's documentation for the rules).

    ``value`` is the stored answer value (``None`` when there is none)."""
    if value is None or value == UNKNOWN or value == [] or value == [UNKNOWN]:
        return "not_anticipated"
    if isinstance(value, str) and is_non_answer(value):
        return "not_anticipated"
    substantiated = _substantiated(justification, document)
    if question.type == "text":
        text = str(value).strip()
        return "complete" if len(text) >= MIN_TEXT or substantiated else "partial"
    return "complete" if substantiated else "partial"


@dataclass(frozen=True)
class CriterionMaturity:
    """The levels of a bidder's answers to one criterion's vendor questions."""

    number: int
    title: str
    total: int
    complete: int
    partial: int
    not_anticipated: int

    @property
    def answered(self) -> int:
        """Questions with an answer (complete or partial)."""
        return self.complete + self.partial

    @property
    def score(self) -> int:
        """0 to 100: complete answers count 1, partial ones ½ (rounded)."""
        if not self.total:
            return 0
        return round(100 * (self.complete + self.partial / 2) / self.total)

    def to_dict(self) -> dict[str, int | str]:
        return {"number": self.number, "title": self.title, "total": self.total,
                "complete": self.complete, "partial": self.partial,
                "not_anticipated": self.not_anticipated, "score": self.score}


def summary_by_criterion(grid: Grid, levels: Mapping[str, str]) -> list[CriterionMaturity]:
    """Per criterion having vendor questions (in order), the count of each level; ``levels``
    maps a question id to its level (assessed or set by the group); a vendor question missing
    from it counts as « non anticipée »."""
    counts: dict[int, dict[str, int]] = {}
    for question in vendor_questions(grid):
        level = levels.get(question.id, "not_anticipated")
        if level not in LEVELS:
            raise ValueError(f"niveau de maturité inconnu : {level}")
        counts.setdefault(question.criterion, dict.fromkeys(LEVELS, 0))[level] += 1
    return [CriterionMaturity(number, grid.criterion(number).title, sum(c.values()),
                              c["complete"], c["partial"], c["not_anticipated"])
            for number, c in counts.items()]


def overall(summary: list[CriterionMaturity]) -> CriterionMaturity:
    """The totals over every criterion (``number`` 0, title « Ensemble »)."""
    return CriterionMaturity(0, "Ensemble", sum(c.total for c in summary),
                             sum(c.complete for c in summary), sum(c.partial for c in summary),
                             sum(c.not_anticipated for c in summary))
