"""The portfolio's aggregation (issue 16, item 4): counts by stage, level and direction, late
reviews and decisions, the footprint in service and the time from creation to decision."""

from __future__ import annotations

import datetime as dt

from boussole.core import portfolio, workflow
from boussole.core.portfolio import CaseRow, ReviewRow

TODAY = dt.date(2027, 6, 1)


def row(pk: int, state: str = "brouillon", level: str = "", service: str = "Eau",
        **kwargs: object) -> CaseRow:
    return CaseRow(pk=pk, reference=f"2027-{pk:03}", title=f"Cas {pk}", state=state,
                   legal_level=level, service=service, created_on=dt.date(2027, 1, 1),
                   **kwargs)  # type: ignore[arg-type]


def test_stages_keep_the_workflow_order_and_count_every_case() -> None:
    rows = [row(1), row(2, "en_service"), row(3, "en_service"), row(4, "inconnu")]
    counts = portfolio.by_stage(rows)
    assert [c.code for c in counts][:len(workflow.STATES)] == list(workflow.STATES)
    assert {c.code: c.count for c in counts}["en_service"] == 2
    assert sum(c.count for c in counts) == len(rows)  # an unknown stage is not dropped


def test_levels_from_the_highest_then_the_cases_not_evaluated() -> None:
    counts = portfolio.by_level([row(1, level="ELEVE"), row(2, level="ELEVE"), row(3)])
    assert counts[0].code == "BLOQUANT_LOI"
    assert {c.code: c.count for c in counts} == {
        "BLOQUANT_LOI": 0, "BLOQUANT_DOCTRINE": 0, "ELEVE": 2, "MODERE": 0, "LIMITE": 0,
        "INFO": 0, "": 1}
    assert counts[-1].label == portfolio.NO_LEVEL


def test_directions_most_cases_first_and_the_rest_grouped() -> None:
    rows = [row(i, service=name) for i, name in enumerate(
        ["Eau", "Eau", "Déchets", "RH", "RH", "RH", " ", "Voirie"], start=1)]
    counts = portfolio.by_direction(rows, limit=2)
    assert [(c.code, c.count) for c in counts] == [("RH", 3), ("Eau", 2), ("", 2)]
    assert counts[-1].label == portfolio.OTHER_DIRECTIONS


def test_late_reviews_are_past_due_and_not_done() -> None:
    reviews = [
        ReviewRow(1, "A", "a", "6 mois", TODAY - dt.timedelta(days=10), None),
        ReviewRow(2, "B", "b", "1 an", TODAY - dt.timedelta(days=40), None),
        ReviewRow(3, "C", "c", "1 an", TODAY - dt.timedelta(days=40), TODAY),  # done
        ReviewRow(4, "D", "d", "3 ans", TODAY, None),  # due today: not late yet
    ]
    late = portfolio.late_reviews(reviews, TODAY)
    assert [(item.reference, item.days_late) for item in late] == [("B", 40), ("A", 10)]


def test_late_decisions_wait_longer_than_the_reminder_delay() -> None:
    sent = TODAY - dt.timedelta(days=30)
    rows = [row(1, "decision", decision_sent_on=sent, decisions_missing=1),
            row(2, "decision", decision_sent_on=sent, decisions_missing=0),  # all decided
            row(3, "decision", decision_sent_on=TODAY - dt.timedelta(days=3),
                decisions_missing=2),  # recent
            row(4, "en_instruction", decision_sent_on=sent, decisions_missing=1)]
    late = portfolio.late_decisions(rows, TODAY)
    assert [item.case_pk for item in late] == [1]
    assert late[0].days_late == 30 - 14


def test_footprint_sums_the_cases_in_service_only() -> None:
    rows = [row(1, "en_service", kg_co2e_per_year=12.5), row(2, "en_service"),
            row(3, "decision", kg_co2e_per_year=1000.0),
            row(4, "en_service", kg_co2e_per_year=0.25)]
    assert portfolio.footprint_in_service(rows) == portfolio.Footprint(
        cases_in_service=3, with_figure=2, kg_co2e_per_year=12.8)


def test_time_to_decision_over_decided_cases() -> None:
    rows = [row(1, decided_on=dt.date(2027, 1, 31)), row(2, decided_on=dt.date(2027, 3, 2)),
            row(3, decided_on=dt.date(2027, 1, 11)), row(4),
            row(5, decided_on=dt.date(2026, 12, 1))]  # decided before its creation: left out
    durations = portfolio.time_to_decision(rows)
    assert durations == portfolio.Durations(3, 30.0, 10, 60)
    assert portfolio.time_to_decision([row(1)]) == portfolio.Durations(0, None, None, None)
