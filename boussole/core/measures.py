"""The action plan of a case (issue 12, item 9): the measures decided, each with an owner and a
due date, followed until done (and, later, in the five-year follow-up).

Pure rules, no storage: every writer (web service, import, future API) asks the same
functions. Each check returns a French message (``None``: allowed) or a list of
``(field, message)`` problems, the field naming the input concerned.

What a measure answers (its *origin*):

* ``critere`` — a criterion of the grid (an opinion « avec réserves », a recommendation);
* ``regle`` — a point of the legal rule base (a flag id such as ``DEC-02``);
* ``juridique`` — the measures the lawyers decided with the retained legal level;
* ``groupe`` — a condition or recommendation of the group's opinion;
* ``decision`` — a condition of the elected officials' decision.

Who may do what (on top of belonging to the case's organisation):

* propose a measure: the members of the group of experts (referents), the administrator and
  the case's lead;
* change its status (start, mark done, give up, reopen): the case's lead or the measure's
  owner;
* change its text, owner or due date: the case's lead or the person who proposed it;
* nobody changes anything once the case is closed (refused, abandoned, withdrawn).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Mapping

from boussole.core.limits import text_problem
from boussole.core.workflow import CLOSED_STATES

#: Status codes and their French labels, in the order of a measure's life.
STATUSES: Mapping[str, str] = {
    "a_faire": "À faire",
    "en_cours": "En cours",
    "fait": "Fait",
    "abandonnee": "Abandonnée",
}
#: Statuses in which a measure still waits for someone (and may be overdue).
OPEN_STATUSES = frozenset({"a_faire", "en_cours"})
#: The status changes allowed: start, finish or give up an open measure; reopen a closed one.
TRANSITIONS: Mapping[str, frozenset[str]] = {
    "a_faire": frozenset({"en_cours", "fait", "abandonnee"}),
    "en_cours": frozenset({"a_faire", "fait", "abandonnee"}),
    "fait": frozenset({"en_cours"}),
    "abandonnee": frozenset({"a_faire"}),
}

#: What a measure answers: origin code -> French label.
ORIGINS: Mapping[str, str] = {
    "critere": "Critère de la grille",
    "regle": "Point juridique (règle)",
    "juridique": "Niveau juridique retenu",
    "groupe": "Avis du groupe",
    "decision": "Décision des élus",
}
#: A rule's identifier, as the rule base writes them (``DEC-02``, ``GDPR-09``, ``BIO-02b``).
FLAG_ID = re.compile(r"[A-Z][A-Z0-9]{0,15}-[0-9A-Za-z]{1,8}")

#: Roles whose members may propose a measure on any case of their organisation.
PROPOSER_ROLES = frozenset({"referent", "admin"})


def status_label(code: str) -> str:
    return STATUSES.get(code, code)


def target_label(origin: str, criterion: int | None = None, flag: str = "") -> str:
    """What a measure answers, in French (« Critère 3 », « Règle DEC-02 », « Avis du
    groupe »)."""
    if origin == "critere" and criterion is not None:
        return f"Critère {criterion}"
    if origin == "regle" and flag:
        return f"Règle {flag}"
    return ORIGINS.get(origin, origin)


def parse_target(value: str) -> tuple[str, int | None, str] | None:
    """A form's target choice (``critere:3``, ``regle:DEC-02``, ``groupe``, ``decision``,
    ``juridique``) as ``(origin, criterion, flag)``; ``None`` when it is not one."""
    origin, _sep, rest = value.strip().partition(":")
    if origin == "critere" and rest.isdigit():
        return origin, int(rest), ""
    if origin == "regle" and rest:
        return origin, None, rest
    if origin in ("groupe", "decision", "juridique") and not rest:
        return origin, None, ""
    return None


def target_value(origin: str, criterion: int | None = None, flag: str = "") -> str:
    """The inverse of :func:`parse_target`."""
    if origin == "critere":
        return f"critere:{criterion}"
    if origin == "regle":
        return f"regle:{flag}"
    return origin


def target_problem(origin: str, criterion: int | None, flag: str,
                   criteria: Collection[int]) -> str | None:
    """Does the measure name one thing it answers, that exists in the case's grid?"""
    if origin not in ORIGINS:
        return ("Indiquez à quoi répond la mesure : un critère, un point juridique, le niveau "
                "retenu, l'avis du groupe ou la décision des élus.")
    if origin == "critere":
        if criterion is None or criterion not in criteria:
            return f"Le critère {criterion} n'existe pas dans la grille de ce dossier."
        if flag:
            return "Une mesure répond à un critère ou à un point juridique, pas aux deux."
        return None
    if criterion is not None:
        return "Seule une mesure qui répond à un critère en porte le numéro."
    if origin == "regle":
        if not FLAG_ID.fullmatch(flag or ""):
            return f"« {flag} » n'est pas l'identifiant d'une règle (par exemple DEC-02)."
        return None
    if flag:
        return "Seule une mesure qui répond à un point juridique porte l'identifiant d'une règle."
    return None


def owner_problem(*, has_user: bool, name: str, user_role: str = "",
                  user_same_organisation: bool = True) -> str | None:
    """A measure has one owner: an active person of the organisation, or a name (someone
    outside Boussole), not both. The vendor does not see the organisation's action plan: it is
    named as someone outside Boussole."""
    if has_user and not user_same_organisation:
        return "Cette personne n'appartient pas à l'organisation du dossier."
    if has_user and user_role == "prestataire":
        return ("Le compte prestataire n'a pas accès au plan d'action : écrivez le nom de la "
                "personne responsable chez le prestataire.")
    if has_user and name.strip():
        return ("Choisissez une personne de l'organisation ou écrivez un nom, pas les deux.")
    if not has_user and not name.strip():
        return ("Indiquez qui est responsable de la mesure : une personne de l'organisation, ou "
                "le nom d'une personne extérieure à Boussole.")
    return text_problem("owner", name.strip())


def due_problem(due: dt.date | None, created_on: dt.date) -> str | None:
    """A measure has a due date, not before the day it was created."""
    if due is None:
        return "Indiquez la date à laquelle la mesure doit être réalisée."
    if due < created_on:
        return (f"L'échéance ne peut pas précéder la création de la mesure "
                f"({created_on.strftime('%d/%m/%Y')}).")
    return None


def text_problems(text: str) -> str | None:
    if not text.strip():
        return "Décrivez la mesure à réaliser."
    return text_problem("measure", text.strip())


def measure_problems(*, text: str, origin: str, criterion: int | None, flag: str,
                     criteria: Collection[int], has_owner_user: bool, owner_name: str,
                     due: dt.date | None, created_on: dt.date, owner_role: str = "",
                     owner_same_organisation: bool = True) -> list[tuple[str, str]]:
    """Every problem of a measure as proposed or edited: ``(field, message)`` pairs."""
    problems: list[tuple[str, str]] = []
    for name, problem in (
            ("text", text_problems(text)),
            ("target", target_problem(origin, criterion, flag, criteria)),
            ("owner", owner_problem(has_user=has_owner_user, name=owner_name,
                                    user_role=owner_role,
                                    user_same_organisation=owner_same_organisation)),
            ("due", due_problem(due, created_on))):
        if problem:
            problems.append((name, problem))
    return problems


def status_problems(*, current: str, new: str, done_on: dt.date | None, note: str,
                    created_on: dt.date, today: dt.date) -> list[tuple[str, str]]:
    """Problems of a status change: the change must be allowed, a measure done has a done date
    (not before its creation, not in the future), a measure given up says why."""
    if new not in STATUSES:
        return [("status", "Statut inconnu.")]
    if new == current:
        return [("status", f"La mesure est déjà « {STATUSES[new]} ».")]
    if new not in TRANSITIONS.get(current, frozenset()):
        return [("status", f"Une mesure « {status_label(current)} » ne peut pas passer à "
                           f"« {STATUSES[new]} ».")]
    problems: list[tuple[str, str]] = []
    problem = text_problem("measure_note", note.strip())
    if problem:
        problems.append(("note", problem))
    if new == "fait":
        if done_on is None:
            problems.append(("done_on", "Indiquez la date à laquelle la mesure a été réalisée."))
        elif done_on < created_on:
            problems.append(("done_on", "La date de réalisation ne peut pas précéder la "
                                        "création de la mesure "
                                        f"({created_on.strftime('%d/%m/%Y')})."))
        elif done_on > today:
            problems.append(("done_on", "La date de réalisation ne peut pas être dans le "
                                        "futur."))
    elif done_on is not None:
        problems.append(("done_on", "Seule une mesure réalisée a une date de réalisation."))
    if new == "abandonnee" and not note.strip():
        problems.append(("note", "Dites pourquoi la mesure est abandonnée."))
    return problems


def is_overdue(status: str, due: dt.date, today: dt.date) -> bool:
    """A measure still open whose due date has passed."""
    return status in OPEN_STATUSES and due < today


# --- Who may do what ------------------------------------------------------------------------

def _closed_problem(state: str) -> str | None:
    if state in CLOSED_STATES:
        return "Le dossier est clos : son plan d'action ne se modifie plus."
    return None


def propose_problem(*, role: str, is_lead: bool, same_organisation: bool, state: str
                    ) -> str | None:
    """May this person add a measure to the case's plan?"""
    if not same_organisation:
        return "Dossier d'une autre organisation."
    closed = _closed_problem(state)
    if closed:
        return closed
    if is_lead or role in PROPOSER_ROLES:
        return None
    return ("Seuls les membres du groupe d'experts et le chef de projet du dossier proposent "
            "des mesures.")


def status_change_problem(*, is_lead: bool, is_owner: bool, same_organisation: bool,
                          state: str) -> str | None:
    """May this person change the status of the measure?"""
    if not same_organisation:
        return "Dossier d'une autre organisation."
    closed = _closed_problem(state)
    if closed:
        return closed
    if is_lead or is_owner:
        return None
    return ("Seuls le chef de projet du dossier et la personne responsable de la mesure en "
            "changent le statut.")


def edit_problem(*, is_lead: bool, is_author: bool, same_organisation: bool, state: str
                 ) -> str | None:
    """May this person change the text, owner or due date of the measure?"""
    if not same_organisation:
        return "Dossier d'une autre organisation."
    closed = _closed_problem(state)
    if closed:
        return closed
    if is_lead or is_author:
        return None
    return ("Seuls le chef de projet du dossier et la personne qui a proposé la mesure la "
            "modifient.")


def may_propose(*, role: str, is_lead: bool, same_organisation: bool, state: str) -> bool:
    return propose_problem(role=role, is_lead=is_lead, same_organisation=same_organisation,
                           state=state) is None


def may_change_status(*, is_lead: bool, is_owner: bool, same_organisation: bool, state: str
                      ) -> bool:
    return status_change_problem(is_lead=is_lead, is_owner=is_owner,
                                 same_organisation=same_organisation, state=state) is None


# --- Suggestions from the free texts --------------------------------------------------------

def split_texts(text: str) -> list[str]:
    """The measures a free text holds: one per non-empty line (bullets removed)."""
    lines = []
    for line in text.splitlines():
        line = line.strip().lstrip("-•*–").strip()
        if line and line not in lines:
            lines.append(line)
    return lines
