"""Completeness of a case's answers, counted one way everywhere, and the warning shown when a
criterion's opinion is favourable while too few of its questions are answered.

The count itself is :func:`boussole.core.grid.criterion_progress` (applicable questions only: a
conditional question whose condition is known to be false is left out; "je ne sais pas" counts
as answered and is counted apart; a computed question counts as answered once it has a value).
Every page, list, task and the memo call it, through :func:`criteria_completeness` or directly,
so that the overview and the memo never disagree (3/4 here, 3/5 there)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from boussole.core.grid import Grid, Progress, criterion_progress
from boussole.core.workflow import FAVOURABLE_VERDICTS, GROUP_VERDICTS

#: Below this share of answered applicable questions (in %), a favourable opinion on a criterion
#: (« Favorable » or « Favorable avec réserves ») is flagged on the decision path and in the memo.
LOW_COMPLETENESS_PERCENT = 50

#: Kinds of the stored answers (the case's export format and the database use these codes).
FACT = "fact"
QUESTION = "question"


def split_answers(rows: Iterable[Mapping[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(profile facts, question answers) by item id, from answer records that carry ``kind``,
    ``item_id`` and ``value`` (a frozen snapshot's or an export's ``answers``)."""
    facts: dict[str, Any] = {}
    answers: dict[str, Any] = {}
    for row in rows:
        (facts if row.get("kind") == FACT else answers)[row["item_id"]] = row.get("value")
    return facts, answers


def criteria_completeness(grid: Grid, facts: Mapping[str, Any],
                          answers: Mapping[str, Any]) -> dict[int, Progress]:
    """Completeness per criterion number: the one count every reader uses."""
    return criterion_progress(grid, facts, answers)


def is_low(progress: Progress) -> bool:
    """Fewer than :data:`LOW_COMPLETENESS_PERCENT` % of the applicable questions answered
    (exact ratio, not the rounded percentage; a criterion with no applicable question is
    complete)."""
    return progress.applicable > 0 and (
        100 * progress.answered < LOW_COMPLETENESS_PERCENT * progress.applicable)


@dataclass(frozen=True)
class LowCompleteness:
    """A favourable opinion on a criterion whose answers are too incomplete."""

    criterion: int
    title: str
    verdict: str
    progress: Progress

    @property
    def message(self) -> str:
        """The French warning, one sentence and its consequence."""
        label = GROUP_VERDICTS.get(self.verdict, self.verdict)
        title = f" ({self.title})" if self.title else ""
        answered, applicable = self.progress.answered, self.progress.applicable
        counted = (f"{answered} réponse{'s' if answered > 1 else ''} sur {applicable} "
                   f"question{'s' if applicable > 1 else ''} "
                   f"applicable{'s' if applicable > 1 else ''}")
        return (f"Critère {self.criterion}{title} : avis « {label} » alors que la complétude "
                f"n'est que de {self.progress.percent}\u00a0% ({counted}). Sous "
                f"{LOW_COMPLETENESS_PERCENT}\u00a0% de réponses, cet avis repose sur un dossier "
                "incomplet : à vérifier avant de décider.")


def low_completeness(criterion: int, verdict: str | None, progress: Progress,
                     title: str = "") -> LowCompleteness | None:
    """The warning for one criterion, or ``None`` (no opinion, an unfavourable one, or enough
    answers)."""
    if verdict not in FAVOURABLE_VERDICTS or not is_low(progress):
        return None
    return LowCompleteness(criterion, title, str(verdict), progress)


def low_completeness_warnings(verdicts: Mapping[int, str | None],
                              progress: Mapping[int, Progress],
                              titles: Mapping[int, str] | None = None) -> list[LowCompleteness]:
    """The warnings of every criterion, in criterion order (``verdicts``: the opinion given on
    each criterion; ``progress``: :func:`criteria_completeness`)."""
    out = []
    for number in sorted(progress):
        warning = low_completeness(number, verdicts.get(number), progress[number],
                                   (titles or {}).get(number, ""))
        if warning is not None:
            out.append(warning)
    return out
