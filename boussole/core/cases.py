"""Invariants of a case that every writer (web services, import, freeze, future API) applies:
one place for each rule, pure functions returning a French message (``None``: allowed).

The workflow (states, transitions, red lines) is in :mod:`boussole.core.workflow`, who may do
what in :mod:`boussole.core.access`, text limits in :mod:`boussole.core.limits`.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from boussole.core.grid.model import Fact, Grid, Question
from boussole.core.limits import text_problem

#: Opinion verdicts (criteria and group) that need no explanation.
UNEXPLAINED_VERDICTS = frozenset({"favorable"})


def reference(year: int, number: int) -> str:
    return f"{year}-{number:03d}"


def next_reference(year: int, taken: Collection[str], wanted: str | None = None) -> str:
    """The reference of a new case: ``wanted`` if free (an imported case keeps its own),
    otherwise the first free ``YEAR-NNN`` from the count of the year's references on."""
    if wanted is not None and wanted not in taken:
        return wanted
    prefix = f"{year}-"
    number = sum(1 for ref in taken if ref.startswith(prefix)) + 1
    while reference(year, number) in taken:
        number += 1
    return reference(year, number)


def item_problem(grid: Grid, item_id: str) -> str | None:
    """Which item an id names: a question or a fact of the case's grid."""
    if grid.has_item(item_id):
        return None
    return f"« {item_id} » n'est pas une question de la grille {grid.key}."


def justification_problem(item: Question | Fact, normalised: Any, justification: str
                          ) -> str | None:
    """A value typed in place of a computed one must be justified; justifications are
    bounded."""
    problem = text_problem("justification", justification)
    if problem:
        return problem
    if getattr(item, "computed", False) and normalised != "nsp" and not justification.strip():
        return "Une valeur saisie à la place du calcul doit être justifiée."
    return None


def opinion_problem(verdict: str, recommendations: str) -> str | None:
    """An opinion other than plainly favourable (criterion or group) must be explained."""
    problem = text_problem("recommendations", recommendations)
    if problem:
        return problem
    if verdict not in UNEXPLAINED_VERDICTS and not recommendations.strip():
        return ("Un avis avec réserves ou défavorable doit être motivé par des "
                "recommandations.")
    return None


def revision_problem(expected: int | None, current: int | None) -> str | None:
    """Optimistic concurrency: the writer says which revision it read (0: none stored yet).
    ``"conflict"`` when someone saved since, ``"deleted"`` when the record is gone, ``None``
    when the write may proceed. ``expected=None`` is for writers without a reader (demo,
    computed values): they always proceed."""
    if expected is None or expected == (current or 0):
        return None
    return "deleted" if current is None else "conflict"
