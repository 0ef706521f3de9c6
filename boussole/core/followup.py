"""The five-year follow-up of a case in service (product map §2 step 6, issue 13).

Pure rules, no Django: the default schedule of reviews (offsets in months from the day the case
went into service), the state of a review computed from its dates, the rules for moving or
adding a review (a reason is required), the closing or extension of the plan at the last review,
and the kinds of events recorded on a case in service (a material change reopens the
instruction).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

#: The default schedule: stage code -> offset in months from the start of the service.
DEFAULT_SCHEDULE: Mapping[str, int] = {"t0": 0, "m6": 6, "a1": 12, "a3": 36, "a5": 60}

#: French labels of the stages of the default schedule (other stages: see :func:`stage_label`).
STAGE_LABELS: Mapping[str, str] = {
    "t0": "Revue de mise en service (T0)", "m6": "Revue à 6 mois", "a1": "Revue à 1 an",
    "a3": "Revue à 3 ans", "a5": "Revue à 5 ans (clôture ou prolongation)",
}

#: A review is "open" from this many days before its due date (the people in charge prepare
#: it, the survey round can start); after the due date without a conclusion it is "late".
OPEN_WINDOW_DAYS = 30

#: How far an extension of the plan puts the next review after the last one, in months.
EXTENSION_MONTHS = 12

STATES: Mapping[str, str] = {"planned": "Prévue", "open": "À faire", "done": "Faite",
                             "late": "En retard"}

#: The outcome of the last review of the plan.
OUTCOMES: Mapping[str, str] = {"clore": "Clore le suivi",
                               "prolonger": "Prolonger le suivi d'un an"}

EVENT_KINDS: Mapping[str, str] = {
    "incident": "Incident",
    "derive": "Dérive",
    "plainte": "Plainte ou réclamation",
    "changement_materiel": "Changement substantiel (prestataire, modèle, données ou finalité)",
}

#: The event kind that reopens the instruction of a case in service.
MATERIAL_CHANGE = "changement_materiel"

#: The reminder (notification event code) of a review in each state; none otherwise.
REMINDER_OF_STATE: Mapping[str, str] = {"open": "review_open", "late": "review_late"}

#: A survey round open for more than this many days is to be closed (reminder).
SURVEY_OPEN_MAX_DAYS = 30

#: The elected officials are reminded when a frozen version was sent to them more than this
#: many days ago and some of them have not decided.
DECISION_WAIT_DAYS = 14

#: The case state in which the elected officials decide (:mod:`boussole.core.workflow`).
DECISION_STATE = "decision"

CONCLUSION_MAX = 2_000
DESCRIPTION_MAX = 4_000


def add_months(start: dt.date, months: int) -> dt.date:
    """``start`` moved by ``months`` calendar months (the day clamped to the month's end)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def parse_schedule(text: str) -> dict[str, int]:
    """A schedule written as offsets in months, ``"0,6,12,36,60"``: stages named after the
    default stages when the offsets match, ``"r<months>"`` otherwise. Raises ``ValueError``
    (French) on anything else: offsets must be integers from 0 to 240, increasing."""
    raw = [part.strip() for part in text.split(",") if part.strip()]
    if not raw:
        raise ValueError("Le calendrier de suivi est vide.")
    try:
        offsets = [int(part) for part in raw]
    except ValueError:
        raise ValueError(f"Calendrier de suivi invalide : « {text} » (des nombres de mois "
                         "séparés par des virgules sont attendus, par exemple 0,6,12,36,60)."
                         ) from None
    if any(o < 0 or o > 240 for o in offsets) or offsets != sorted(set(offsets)):
        raise ValueError(f"Calendrier de suivi invalide : « {text} » (mois croissants, de 0 à "
                         "240).")
    by_offset = {months: code for code, months in DEFAULT_SCHEDULE.items()}
    return {by_offset.get(months, f"r{months}"): months for months in offsets}


def schedule(start: dt.date, offsets: Mapping[str, int] = DEFAULT_SCHEDULE
             ) -> list[tuple[str, dt.date]]:
    """The reviews of a plan starting on ``start``: (stage code, due date), in order."""
    return sorted(((code, add_months(start, months)) for code, months in offsets.items()),
                  key=lambda item: item[1])


def stage_label(code: str) -> str:
    """French label of a stage code (default stages, extensions ``p<n>``, added ``x<n>``,
    custom offsets ``r<months>``)."""
    if code in STAGE_LABELS:
        return STAGE_LABELS[code]
    if code.startswith("p") and code[1:].isdigit():
        return f"Revue de prolongation n° {code[1:]}"
    if code.startswith("r") and code[1:].isdigit():
        return f"Revue à {code[1:]} mois"
    return "Revue supplémentaire"


def review_state(due: dt.date, done_on: dt.date | None, today: dt.date) -> str:
    """``done`` once concluded; ``late`` when the due date has passed; ``open`` from
    :data:`OPEN_WINDOW_DAYS` days before the due date; ``planned`` before that."""
    if done_on is not None:
        return "done"
    if today > due:
        return "late"
    if today >= due - dt.timedelta(days=OPEN_WINDOW_DAYS):
        return "open"
    return "planned"


def is_final(code: str, codes: Sequence[str]) -> bool:
    """Is ``code`` the last scheduled review of the plan (the 5-year one, or its extension)?
    ``codes``: every stage code of the plan, in due order."""
    closing = [c for c in codes if c == "a5" or (c.startswith("p") and c[1:].isdigit())]
    return bool(closing) and code == closing[-1]


def next_extension_code(codes: Sequence[str]) -> str:
    numbers = [int(c[1:]) for c in codes if c.startswith("p") and c[1:].isdigit()]
    return f"p{max(numbers, default=0) + 1}"


def next_added_code(codes: Sequence[str]) -> str:
    numbers = [int(c[1:]) for c in codes if c.startswith("x") and c[1:].isdigit()]
    return f"x{max(numbers, default=0) + 1}"


@dataclass(frozen=True)
class Problem:
    field: str  # the form field concerned ("" for the form as a whole)
    message: str  # French


def move_problems(*, reason: str, due: dt.date | None, done: bool, plan_closed: bool,
                  start: dt.date) -> list[Problem]:
    """Why a review cannot be moved to ``due`` (empty: it can). A reason is required."""
    problems: list[Problem] = []
    if plan_closed:
        problems.append(Problem("", "Le suivi de ce dossier est clos."))
    if done:
        problems.append(Problem("", "Cette revue est faite : elle ne peut plus être déplacée."))
    if due is None:
        problems.append(Problem("due", "Indiquez la nouvelle échéance."))
    elif due < start:
        problems.append(Problem("due", "L'échéance ne peut pas précéder la mise en service "
                                       f"({start:%d/%m/%Y})."))
    if not reason.strip():
        problems.append(Problem("reason", "Indiquez le motif du changement de calendrier."))
    return problems


def add_problems(*, reason: str, due: dt.date | None, plan_closed: bool,
                 start: dt.date) -> list[Problem]:
    """Why a review cannot be added (empty: it can). A reason is required."""
    return move_problems(reason=reason, due=due, done=False, plan_closed=plan_closed,
                         start=start)


def conclude_problems(*, conclusion: str, done_on: dt.date | None, today: dt.date,
                      final: bool, outcome: str, already_done: bool) -> list[Problem]:
    """Why a review cannot be concluded (empty: it can). The last review says whether the
    plan is closed or extended."""
    problems: list[Problem] = []
    if already_done:
        problems.append(Problem("", "Cette revue est déjà faite."))
    if not conclusion.strip():
        problems.append(Problem("conclusion", "Écrivez la conclusion de la revue."))
    elif len(conclusion) > CONCLUSION_MAX:
        problems.append(Problem("conclusion", f"Conclusion trop longue : {CONCLUSION_MAX} "
                                              "caractères au plus."))
    if done_on is not None and done_on > today:
        problems.append(Problem("done_on", "La date de la revue ne peut pas être dans le "
                                           "futur."))
    if final and outcome not in OUTCOMES:
        problems.append(Problem("outcome", "Dernière revue du plan : choisissez de clore ou de "
                                           "prolonger le suivi."))
    if not final and outcome:
        problems.append(Problem("outcome", "Seule la dernière revue clôt ou prolonge le "
                                           "suivi."))
    return problems


def event_problems(*, kind: str, occurred_on: dt.date | None, today: dt.date,
                   description: str) -> list[Problem]:
    problems: list[Problem] = []
    if kind not in EVENT_KINDS:
        problems.append(Problem("kind", "Choisissez le type d'événement."))
    if occurred_on is None:
        problems.append(Problem("occurred_on", "Indiquez la date de l'événement."))
    elif occurred_on > today:
        problems.append(Problem("occurred_on", "La date ne peut pas être dans le futur."))
    if not description.strip():
        problems.append(Problem("description", "Décrivez l'événement."))
    elif len(description) > DESCRIPTION_MAX:
        problems.append(Problem("description", f"Description trop longue : {DESCRIPTION_MAX} "
                                               "caractères au plus."))
    return problems


#: People who steer the follow-up (move, add reviews; conclude any review).
PLANNERS = frozenset({"referent:numerique", "referent:rh_qvt", "admin"})


def may_plan(*, role: str, domain: str, is_lead: bool, same_organisation: bool) -> bool:
    """May this person change the schedule of a case's reviews?"""
    if not same_organisation:
        return False
    return is_lead or role in PLANNERS or f"{role}:{domain}" in PLANNERS


def may_conclude(*, role: str, domain: str, is_lead: bool, same_organisation: bool,
                 in_charge: bool) -> bool:
    """May this person record a review's conclusion? The person in charge, or a planner."""
    return same_organisation and (in_charge or may_plan(
        role=role, domain=domain, is_lead=is_lead, same_organisation=same_organisation))


def may_record_event(*, role: str, same_organisation: bool) -> bool:
    """Anyone of the organisation but the vendor and the elected officials records events."""
    return same_organisation and role not in ("prestataire", "elu")


# --- Reminders beyond the reviews: surveys and decisions ----------------------------------


def same_stage(a: str, b: str) -> bool:
    """Is ``a`` the same follow-up stage as ``b``? Surveys store ``"T0"``, the plan ``"t0"``."""
    return a.strip().casefold() == b.strip().casefold()


def survey_to_open(*, state: str, stage: str, survey_stages: Sequence[str]) -> bool:
    """A review open or late (``state``, from :func:`review_state`) whose stage has no survey
    round yet: the survey is to be opened."""
    return state in ("open", "late") and not any(same_stage(stage, s) for s in survey_stages)


def survey_close_due(opened_on: dt.date) -> dt.date:
    """The day after which an open survey round is to be closed."""
    return opened_on + dt.timedelta(days=SURVEY_OPEN_MAX_DAYS)


def survey_to_close(*, opened_on: dt.date, closed_on: dt.date | None, today: dt.date) -> bool:
    """A round still open more than :data:`SURVEY_OPEN_MAX_DAYS` days after its opening."""
    return closed_on is None and today > survey_close_due(opened_on)


def decision_due_on(sent_on: dt.date) -> dt.date:
    """The day after which the officials who have not decided are reminded."""
    return sent_on + dt.timedelta(days=DECISION_WAIT_DAYS)


def decision_waiting(*, state: str, sent_on: dt.date | None, today: dt.date,
                     required: Sequence[str], decided: Sequence[str]) -> tuple[str, ...]:
    """The required delegations whose official has not decided, when the case has waited in
    the decision state more than :data:`DECISION_WAIT_DAYS` days since its frozen version was
    sent (empty otherwise)."""
    if state != DECISION_STATE or sent_on is None or today <= decision_due_on(sent_on):
        return ()
    return tuple(d for d in required if d not in decided)
