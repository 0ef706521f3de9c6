"""The follow-up rules of the core: default schedule, review states from the dates, moving and
adding reviews (a reason required), the last review closes or extends the plan."""

from __future__ import annotations

import datetime as dt

import pytest

from boussole.core import followup as rules

D = dt.date


@pytest.mark.parametrize(("start", "months", "expected"), [
    (D(2026, 1, 15), 0, D(2026, 1, 15)),
    (D(2026, 1, 15), 6, D(2026, 7, 15)),
    (D(2026, 8, 31), 6, D(2027, 2, 28)),  # clamped to the month's end
    (D(2024, 2, 29), 12, D(2025, 2, 28)),
    (D(2026, 11, 30), 60, D(2031, 11, 30)),
    (D(2026, 1, 31), -1, D(2025, 12, 31)),
])
def test_add_months(start: dt.date, months: int, expected: dt.date) -> None:
    assert rules.add_months(start, months) == expected


def test_default_schedule_t0_6_months_1_3_5_years() -> None:
    assert rules.schedule(D(2026, 3, 10)) == [
        ("t0", D(2026, 3, 10)), ("m6", D(2026, 9, 10)), ("a1", D(2027, 3, 10)),
        ("a3", D(2029, 3, 10)), ("a5", D(2031, 3, 10))]


@pytest.mark.parametrize(("text", "expected"), [
    ("0,6,12,36,60", dict(rules.DEFAULT_SCHEDULE)),
    ("0, 3, 12, 60", {"t0": 0, "r3": 3, "a1": 12, "a5": 60}),
])
def test_parse_schedule(text: str, expected: dict[str, int]) -> None:
    assert rules.parse_schedule(text) == expected


@pytest.mark.parametrize("text", ["", "0,six", "12,6", "0,0", "-1,6", "0,500"])
def test_parse_schedule_refuses(text: str) -> None:
    with pytest.raises(ValueError, match=r"[Cc]alendrier"):
        rules.parse_schedule(text)


DUE = D(2027, 6, 30)


@pytest.mark.parametrize(("today", "done_on", "state"), [
    (D(2027, 1, 1), None, "planned"),
    (DUE - dt.timedelta(days=rules.OPEN_WINDOW_DAYS + 1), None, "planned"),
    (DUE - dt.timedelta(days=rules.OPEN_WINDOW_DAYS), None, "open"),
    (DUE, None, "open"),  # due today: still on time
    (DUE + dt.timedelta(days=1), None, "late"),  # due date passed, not done
    (D(2030, 1, 1), None, "late"),
    (D(2030, 1, 1), D(2027, 7, 15), "done"),  # done late is done
    (D(2027, 1, 1), D(2027, 1, 1), "done"),  # done early is done
])
def test_review_state(today: dt.date, done_on: dt.date | None, state: str) -> None:
    assert rules.review_state(DUE, done_on, today) == state
    assert state in rules.STATES


START = D(2026, 1, 1)


@pytest.mark.parametrize(("reason", "due", "done", "closed", "fields"), [
    ("Comité reporté", D(2026, 9, 1), False, False, []),
    ("", D(2026, 9, 1), False, False, ["reason"]),  # a reason is required
    ("   ", D(2026, 9, 1), False, False, ["reason"]),
    ("Motif", None, False, False, ["due"]),
    ("Motif", D(2025, 12, 31), False, False, ["due"]),  # not before the start of service
    ("Motif", D(2026, 9, 1), True, False, [""]),  # a done review does not move
    ("Motif", D(2026, 9, 1), False, True, [""]),  # nor in a closed plan
])
def test_move_problems(reason: str, due: dt.date | None, done: bool, closed: bool,
                       fields: list[str]) -> None:
    problems = rules.move_problems(reason=reason, due=due, done=done, plan_closed=closed,
                                   start=START)
    assert [p.field for p in problems] == fields
    added = rules.add_problems(reason=reason, due=due, plan_closed=closed, start=START)
    assert [p.field for p in added] == [f for f in fields if not (f == "" and done)]


CODES = ["t0", "m6", "a1", "a3", "a5"]


@pytest.mark.parametrize(("code", "codes", "final"), [
    ("a5", CODES, True), ("a3", CODES, False), ("t0", CODES, False),
    ("a5", [*CODES, "p1"], False), ("p1", [*CODES, "p1"], True),
    ("x1", [*CODES, "x1"], False), ("t0", ["t0", "r3"], False),
])
def test_the_last_review_closes_or_extends(code: str, codes: list[str], final: bool) -> None:
    assert rules.is_final(code, codes) is final


@pytest.mark.parametrize(("final", "outcome", "conclusion", "done_on", "fields"), [
    (False, "", "RAS", None, []),
    (True, "clore", "RAS", None, []),
    (True, "prolonger", "RAS", D(2026, 5, 1), []),
    (True, "", "RAS", None, ["outcome"]),  # the 5-year review must close or extend
    (False, "clore", "RAS", None, ["outcome"]),  # only the last one does
    (False, "", " ", None, ["conclusion"]),
    (False, "", "RAS", D(2026, 6, 2), ["done_on"]),  # not in the future
])
def test_conclude_problems(final: bool, outcome: str, conclusion: str,
                           done_on: dt.date | None, fields: list[str]) -> None:
    problems = rules.conclude_problems(conclusion=conclusion, done_on=done_on,
                                       today=D(2026, 6, 1), final=final, outcome=outcome,
                                       already_done=False)
    assert [p.field for p in problems] == fields


def test_codes_and_labels() -> None:
    assert rules.next_extension_code(CODES) == "p1"
    assert rules.next_extension_code([*CODES, "p1"]) == "p2"
    assert rules.next_added_code([*CODES, "x1", "x2"]) == "x3"
    assert rules.stage_label("m6") == "Revue à 6 mois"
    assert rules.stage_label("p2") == "Revue de prolongation n° 2"
    assert rules.stage_label("r3") == "Revue à 3 mois"
    assert rules.REMINDER_OF_STATE == {"open": "review_open", "late": "review_late"}


@pytest.mark.parametrize(("role", "domain", "lead", "same", "plan", "conclude_in_charge"), [
    ("referent", "numerique", False, True, True, True),
    ("referent", "rh_qvt", False, True, True, True),
    ("admin", "", False, True, True, True),
    ("porteur", "", True, True, True, True),
    ("porteur", "", False, True, False, True),  # a person in charge concludes their review
    ("referent", "juridique", False, True, False, True),
    ("referent", "numerique", False, False, False, False),  # another organisation
])
def test_who_plans_and_concludes(role: str, domain: str, lead: bool, same: bool, plan: bool,
                                 conclude_in_charge: bool) -> None:
    assert rules.may_plan(role=role, domain=domain, is_lead=lead,
                          same_organisation=same) is plan
    assert rules.may_conclude(role=role, domain=domain, is_lead=lead, same_organisation=same,
                              in_charge=True) is conclude_in_charge
    assert rules.may_conclude(role=role, domain=domain, is_lead=lead, same_organisation=same,
                              in_charge=False) is plan


@pytest.mark.parametrize(("kind", "occurred", "description", "fields"), [
    ("incident", D(2026, 5, 1), "Panne", []),
    ("changement_materiel", D(2026, 5, 1), "Nouveau modèle", []),
    ("autre", D(2026, 5, 1), "x", ["kind"]),
    ("incident", None, "x", ["occurred_on"]),
    ("incident", D(2026, 6, 2), "x", ["occurred_on"]),
    ("incident", D(2026, 5, 1), "", ["description"]),
])
def test_event_problems(kind: str, occurred: dt.date | None, description: str,
                        fields: list[str]) -> None:
    problems = rules.event_problems(kind=kind, occurred_on=occurred, today=D(2026, 6, 1),
                                    description=description)
    assert [p.field for p in problems] == fields


# --- Reminders of the surveys and the decisions -------------------------------------------


def test_same_stage_ignores_letter_case() -> None:
    assert rules.same_stage("T0", "t0") and rules.same_stage("a1", " A1 ")
    assert not rules.same_stage("m6", "A1")


@pytest.mark.parametrize(("state", "stages", "expected"), [
    ("open", [], True),
    ("late", ["T0", "M6"], True),
    ("open", ["A1"], False),  # the survey of the stage exists (upper case in the surveys)
    ("planned", [], False),
    ("done", [], False),
])
def test_survey_to_open(state: str, stages: list[str], expected: bool) -> None:
    assert rules.survey_to_open(state=state, stage="a1", survey_stages=stages) is expected


def test_survey_to_close_after_thirty_days() -> None:
    opened = dt.date(2027, 1, 1)
    limit = opened + dt.timedelta(days=rules.SURVEY_OPEN_MAX_DAYS)
    assert rules.SURVEY_OPEN_MAX_DAYS == 30 and rules.survey_close_due(opened) == limit
    assert not rules.survey_to_close(opened_on=opened, closed_on=None, today=limit)
    assert rules.survey_to_close(opened_on=opened, closed_on=None,
                                 today=limit + dt.timedelta(days=1))
    assert not rules.survey_to_close(opened_on=opened, closed_on=limit,
                                     today=limit + dt.timedelta(days=10))


def test_decision_waiting_after_fourteen_days_for_those_who_have_not_decided() -> None:
    sent = dt.date(2027, 3, 1)
    late = sent + dt.timedelta(days=rules.DECISION_WAIT_DAYS + 1)
    required = ("numerique", "rh", "thematique")
    assert rules.DECISION_WAIT_DAYS == 14
    assert rules.decision_waiting(state="decision", sent_on=sent, today=late,
                                  required=required, decided=("rh",)) == (
        "numerique", "thematique")
    assert rules.decision_waiting(state="decision", sent_on=sent,
                                  today=rules.decision_due_on(sent), required=required,
                                  decided=()) == ()
    assert rules.decision_waiting(state="decision", sent_on=sent, today=late,
                                  required=required, decided=required) == ()
    assert rules.decision_waiting(state="avis_groupe", sent_on=sent, today=late,
                                  required=required, decided=()) == ()
    assert rules.decision_waiting(state="decision", sent_on=None, today=late,
                                  required=required, decided=()) == ()
