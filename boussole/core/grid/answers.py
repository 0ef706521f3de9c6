"""Answer values: validation by item type, applicability (conditions) and completeness.

Stored answer values are plain JSON:

* ``yes_no``: ``"oui"`` / ``"non"``; ``text``: a non-empty string; ``number``: a number;
  ``single_choice``: an option id; ``multiple_choice``: a list of option ids;
  ``scale``: an integer within bounds; ``date``: ``"YYYY-MM-DD"``;
* ``"nsp"`` ("je ne sais pas") is accepted for every item and never counts as "non".

Form input arrives as text: numbers accept a decimal comma and spaces ("1 000,5").
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from boussole.core.errors import Refusal
from boussole.core.grid.model import UNKNOWN, YES_NO_VALUES, Condition, Fact, Grid, Question

Value = str | int | float | list[str]

MAX_TEXT_LENGTH = 20_000


class AnswerInvalid(Refusal):
    """The value does not fit the item; the message is in French, for the user."""


def _number(raw: Any) -> float | int:
    if isinstance(raw, bool):
        raise AnswerInvalid("Un nombre est attendu.")
    if isinstance(raw, int | float):
        value: float | int = raw
    elif isinstance(raw, str):
        cleaned = re.sub(r"[\s\u202f\u00a0]", "", raw).replace(",", ".")
        try:
            value = int(cleaned) if re.fullmatch(r"[+-]?\d+", cleaned) else float(cleaned)
        except ValueError:
            raise AnswerInvalid(f"« {raw} » n'est pas un nombre (exemple : 1 250,5).") from None
    else:
        raise AnswerInvalid("Un nombre est attendu.")
    if isinstance(value, float) and not math.isfinite(value):
        raise AnswerInvalid("Le nombre doit être fini.")
    return value


def _choices(raw: Any) -> list[str]:
    if isinstance(raw, str):
        return [raw]
    if isinstance(raw, Sequence) and all(isinstance(item, str) for item in raw):
        return list(raw)
    raise AnswerInvalid("Une liste d'options est attendue.")


def validate_value(item: Question | Fact, raw: Any) -> Value:
    """Return the normalised value of ``raw`` for ``item``, or raise :class:`AnswerInvalid`."""
    if raw is None or (isinstance(raw, str) and not raw.strip()) or raw == []:
        raise AnswerInvalid("Une réponse est attendue (ou « Je ne sais pas »).")
    if raw == UNKNOWN or raw == [UNKNOWN]:
        return UNKNOWN
    if isinstance(raw, list | tuple) and UNKNOWN in raw:
        # Never keep one and silently drop the other: the person must choose.
        raise AnswerInvalid("« Je ne sais pas » ne peut pas être combiné avec une réponse : "
                            "décochez l'un ou l'autre.")
    kind = item.type
    if kind == "yes_no":
        if raw is True or raw is False:
            return "oui" if raw else "non"
        if isinstance(raw, str) and raw.strip().lower() in YES_NO_VALUES:
            return raw.strip().lower()
        raise AnswerInvalid("Répondez « oui », « non » ou « je ne sais pas ».")
    if kind == "text":
        if not isinstance(raw, str):
            raise AnswerInvalid("Un texte est attendu.")
        text = raw.strip()
        if len(text) > MAX_TEXT_LENGTH:
            raise AnswerInvalid(f"Le texte dépasse {MAX_TEXT_LENGTH} caractères.")
        return text
    if kind == "number":
        number = _number(raw)
        if number < 0:
            raise AnswerInvalid("La valeur ne peut pas être négative.")
        return number
    if kind == "scale":
        number = _number(raw)
        low = item.min if isinstance(item, Fact) else None
        high = item.max if isinstance(item, Fact) else None
        if not float(number).is_integer() or (low is not None and number < low) or (
                high is not None and number > high):
            raise AnswerInvalid(f"Un entier de {low} à {high} est attendu.")
        return int(number)
    if kind == "date":
        if not isinstance(raw, str | dt.date):
            raise AnswerInvalid("Une date est attendue (AAAA-MM-JJ).")
        try:
            return (raw if isinstance(raw, dt.date) else dt.date.fromisoformat(raw.strip())
                    ).isoformat()
        except ValueError:
            raise AnswerInvalid(f"« {raw} » n'est pas une date (AAAA-MM-JJ).") from None
    allowed = item.option_ids
    chosen = _choices(raw)
    unknown = [value for value in chosen if value not in allowed]
    if unknown:
        raise AnswerInvalid(f"Option inconnue : {', '.join(unknown)}.")
    if kind == "single_choice":
        if len(chosen) != 1:
            raise AnswerInvalid("Une seule option est attendue.")
        return chosen[0]
    if len(set(chosen)) != len(chosen):
        raise AnswerInvalid("Une option est cochée deux fois.")
    exclusive = [value for value in chosen if value in item.exclusive]
    if exclusive and len(chosen) > 1:
        # Contradictory choices ("Aucune" and "Usagers"): refused, never one silently dropped.
        labels = {o.id: o.label for o in item.options}
        others = ", ".join(f"« {labels[v]} »" for v in chosen if v != exclusive[0])
        raise AnswerInvalid(f"« {labels[exclusive[0]]} » ne peut pas être combiné avec d'autres "
                            f"options ({others}) : décochez l'un ou l'autre.")
    return [value for value in allowed if value in chosen]  # the grid's order


def condition_applies(condition: Condition | None, facts: Mapping[str, Any],
                      answers: Mapping[str, Any]) -> bool | None:
    """Three-valued: True (applies), False (does not), None (unknown yet: show the item)."""
    if condition is None:
        return True
    if condition.kind in ("all", "any"):
        results = [condition_applies(child, facts, answers) for child in condition.children]
        if condition.kind == "all":
            if False in results:
                return False
            return None if None in results else True
        if True in results:
            return True
        return None if None in results else False
    source = facts if condition.kind == "fact" else answers
    value = source.get(condition.ref or "")
    if value is None or value == UNKNOWN:
        return None
    chosen = value if isinstance(value, list) else [value]
    if UNKNOWN in chosen:
        return None
    return any(item in condition.values for item in chosen)


def is_applicable(item: Question | Fact, facts: Mapping[str, Any],
                  answers: Mapping[str, Any]) -> bool:
    """Shown unless its condition is known to be false."""
    return condition_applies(item.condition, facts, answers) is not False


@dataclass(frozen=True)
class Progress:
    """Completeness of a set of items."""

    applicable: int
    answered: int
    unknown: int

    @property
    def missing(self) -> int:
        return self.applicable - self.answered

    @property
    def percent(self) -> int:
        return 100 if self.applicable == 0 else round(100 * self.answered / self.applicable)

    @property
    def complete(self) -> bool:
        return self.answered == self.applicable


def _progress(items: Sequence[Question | Fact], facts: Mapping[str, Any],
              answers: Mapping[str, Any], values: Mapping[str, Any]) -> Progress:
    applicable = answered = unknown = 0
    for item in items:
        if not is_applicable(item, facts, answers):
            continue
        applicable += 1
        value = values.get(item.id)
        if value is None:
            continue
        answered += 1
        if value == UNKNOWN:
            unknown += 1
    return Progress(applicable, answered, unknown)


def criterion_progress(grid: Grid, facts: Mapping[str, Any],
                       answers: Mapping[str, Any]) -> dict[int, Progress]:
    """Completeness per criterion number: "nsp" counts as answered, and is counted apart."""
    return {c.number: _progress(c.questions, facts, answers, answers) for c in grid.criteria}


def profile_progress(grid: Grid, facts: Mapping[str, Any]) -> Progress:
    return _progress(grid.profile, facts, {}, facts)
