"""The organisation's portfolio of use cases, summed up for its dashboard.

Pure aggregation over plain rows (one per case, one per follow-up review) that the web layer
reads in a few queries: cases by stage, by legal level and by direction; the reviews and the
decisions that are late; the yearly footprint of the cases in service; the time from creation to
decision. Labels are French (the web layer translates them); codes stay in links and exports.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from boussole.core import followup, workflow
from boussole.core.rules.logic import Level

#: The stage a case is in while it waits for its elected officials.
DECISION_STATE = followup.DECISION_STATE
#: The stage of a case in service (its footprint counts in the portfolio's yearly total).
IN_SERVICE_STATE = "en_service"
#: How many directions the chart names before grouping the rest as « Autres directions ».
MAX_DIRECTIONS = 8
OTHER_DIRECTIONS = "Autres directions"
NO_LEVEL = "Pas encore évalué"


@dataclass(frozen=True)
class CaseRow:
    """What the dashboard needs of a case."""

    pk: int
    reference: str
    title: str
    state: str
    legal_level: str  # a Level name, or "" before any evaluation
    service: str
    created_on: dt.date
    decided_on: dt.date | None = None  # the last official decision on the case, if any
    decision_sent_on: dt.date | None = None  # when its file version went to the officials
    decisions_missing: int = 0  # required delegations that have not decided that version
    kg_co2e_per_year: float | None = None


@dataclass(frozen=True)
class ReviewRow:
    case_pk: int
    reference: str
    title: str
    stage_label: str
    due: dt.date
    done_on: dt.date | None


@dataclass(frozen=True)
class Count:
    code: str  # what the list filter receives ("" for no level)
    label: str
    count: int


@dataclass(frozen=True)
class Late:
    case_pk: int
    reference: str
    title: str
    what: str
    due: dt.date
    days_late: int


@dataclass(frozen=True)
class Durations:
    count: int
    median_days: float | None
    shortest_days: int | None
    longest_days: int | None


@dataclass(frozen=True)
class Footprint:
    cases_in_service: int
    with_figure: int
    kg_co2e_per_year: float


@dataclass(frozen=True)
class Portfolio:
    total: int
    by_stage: tuple[Count, ...]
    by_level: tuple[Count, ...]
    by_direction: tuple[Count, ...]
    late_reviews: tuple[Late, ...]
    late_decisions: tuple[Late, ...]
    footprint: Footprint
    time_to_decision: Durations


def by_stage(rows: Sequence[CaseRow]) -> tuple[Count, ...]:
    """Every stage of the workflow in its order, with its number of cases (zeros included:
    the chart's axis does not change with the data)."""
    counts = Counter(row.state for row in rows)
    known = [Count(code, label, counts.get(code, 0)) for code, label in workflow.STATES.items()]
    unknown = [Count(code, code, n) for code, n in sorted(counts.items())
               if code not in workflow.STATES]
    return tuple(known + unknown)


def by_level(rows: Sequence[CaseRow]) -> tuple[Count, ...]:
    """The legal levels from the highest to the lowest, then the cases not evaluated yet."""
    counts = Counter(row.legal_level for row in rows)
    levels = [Count(level.name, level.label_fr, counts.get(level.name, 0))
              for level in sorted(Level, reverse=True)]
    unknown = [Count(code, code, n) for code, n in sorted(counts.items())
               if code and code not in Level.__members__]
    return tuple([*levels, *unknown, Count("", NO_LEVEL, counts.get("", 0))])


def by_direction(rows: Sequence[CaseRow], *, limit: int = MAX_DIRECTIONS) -> tuple[Count, ...]:
    """The directions with the most cases first (ties by name); beyond ``limit``, the rest
    summed as one bar whose code is empty (its link is the unfiltered list)."""
    counts = Counter(row.service.strip() for row in rows if row.service.strip())
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0].casefold()))
    shown = [Count(name, name, n) for name, n in ranked[:limit]]
    rest = sum(n for _name, n in ranked[limit:])
    if rest:
        shown.append(Count("", OTHER_DIRECTIONS, rest))
    return tuple(shown)


def late_reviews(reviews: Iterable[ReviewRow], today: dt.date) -> tuple[Late, ...]:
    """The follow-up reviews past their due date and not concluded, the oldest first."""
    late = [Late(r.case_pk, r.reference, r.title, r.stage_label, r.due, (today - r.due).days)
            for r in reviews if followup.review_state(r.due, r.done_on, today) == "late"]
    return tuple(sorted(late, key=lambda item: (item.due, item.reference)))


def late_decisions(rows: Iterable[CaseRow], today: dt.date) -> tuple[Late, ...]:
    """The cases waiting for their officials longer than the follow-up's reminder delay."""
    late = []
    for row in rows:
        if row.state != DECISION_STATE or row.decision_sent_on is None:
            continue
        due = followup.decision_due_on(row.decision_sent_on)
        if today > due and row.decisions_missing > 0:
            late.append(Late(row.pk, row.reference, row.title, "Décision des élus", due,
                             (today - due).days))
    return tuple(sorted(late, key=lambda item: (item.due, item.reference)))


def footprint_in_service(rows: Iterable[CaseRow]) -> Footprint:
    serving = [row for row in rows if row.state == IN_SERVICE_STATE]
    figures = [row.kg_co2e_per_year for row in serving if row.kg_co2e_per_year is not None]
    return Footprint(cases_in_service=len(serving), with_figure=len(figures),
                     kg_co2e_per_year=round(sum(figures), 1))


def time_to_decision(rows: Iterable[CaseRow]) -> Durations:
    """Days from the creation of a case to its last official decision, over the decided cases.

    A decision dated before the case was created in Boussole (a file imported, or entered
    after the fact) says nothing of the time the instruction took: it is left out."""
    days = sorted(day for day in ((row.decided_on - row.created_on).days for row in rows
                                  if row.decided_on is not None) if day >= 0)
    if not days:
        return Durations(0, None, None, None)
    return Durations(len(days), float(statistics.median(days)), days[0], days[-1])


def summarise(rows: Sequence[CaseRow], reviews: Iterable[ReviewRow],
              today: dt.date) -> Portfolio:
    return Portfolio(
        total=len(rows), by_stage=by_stage(rows), by_level=by_level(rows),
        by_direction=by_direction(rows), late_reviews=late_reviews(reviews, today),
        late_decisions=late_decisions(rows, today), footprint=footprint_in_service(rows),
        time_to_decision=time_to_decision(rows))
