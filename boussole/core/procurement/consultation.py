"""The rules of a consultation (a call for tenders on a case): who runs it, its states, the
bidders' personal links, what a bidder may still change, and what a bidder's answers would
change in the case's profile for the rules engine.

Pure Python: the web layer stores consultations and bidders and calls these functions.
Labels are French constants (the web translates them through
``boussole/web/core_messages.py``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Mapping
from typing import Any

from boussole.core.access import manages_case

OPEN, CLOSED, AWARDED = "open", "closed", "awarded"
STATES: Mapping[str, str] = {
    OPEN: "Ouverte",
    CLOSED: "Close (offres reçues)",
    AWARDED: "Attribuée",
}

#: Where a bidder's answer comes from.
SOURCES: Mapping[str, str] = {
    "web": "Lien personnel",
    "import": "Annexe importée",
    "dossier": "Dossier fournisseur importé",
}

#: The mark of an answer copied into the case from the winning bid, until a referent confirms.
PROVISIONAL_SOURCE = "réponse du prestataire, à confirmer"

#: Validity of a personal link when the consultation has no deadline, and its upper bound.
LINK_DAYS = 30
LINK_MAX_DAYS = 180

NAME_MAX = 200
TITLE_MAX = 200
REFERENCE_MAX = 80
REASON_MAX = 2000

#: Roles of the organisation who see a consultation (the case's group), besides its managers.
VIEW_ROLES = frozenset({"porteur", "referent", "admin"})


def may_run(*, role: str, domain: str = "", is_lead: bool = False) -> bool:
    """Create and close a consultation, add bidders, issue and revoke their links, import
    annexes and award: those who organise the instruction of the case (the digital project
    pilot, the administrator, the case's lead)."""
    return manages_case(role=role, domain=domain, is_lead=is_lead)


def may_view(*, role: str, is_lead: bool = False) -> bool:
    """The case's group (project owners, referents, administrator) reads the consultation and
    the comparison; elected officials, staff representatives and vendors do not."""
    return role in VIEW_ROLES or is_lead


def may_assess(*, role: str, domain: str = "", is_lead: bool = False) -> bool:
    """Change a bidder's maturity on a question (with a reason): the group's referents and
    whoever runs the consultation."""
    return role in ("referent", "admin") or may_run(role=role, domain=domain, is_lead=is_lead)


# --- Personal links ---------------------------------------------------------------------------

def new_token() -> str:
    """An unguessable link token (256 random bits); only its hash is stored."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def link_expiry(now: dt.datetime, deadline: dt.date | None, days: int | None = None
                ) -> dt.datetime:
    """When a link issued ``now`` expires: after ``days`` days if given, else at the end of the
    consultation's deadline day, else after :data:`LINK_DAYS` days."""
    if days is not None:
        return now + dt.timedelta(days=days)
    if deadline is not None and deadline >= now.date():
        return dt.datetime.combine(deadline, dt.time(23, 59, 59), tzinfo=now.tzinfo)
    return now + dt.timedelta(days=LINK_DAYS)


def days_problem(days: int) -> str | None:
    if days < 1 or days > LINK_MAX_DAYS:
        return f"Une durée de 1 à {LINK_MAX_DAYS} jours est attendue."
    return None


def link_valid(*, expires_at: dt.datetime | None, revoked_at: dt.datetime | None,
               now: dt.datetime) -> bool:
    """A link opens the bidder's pages until it expires or is revoked."""
    return expires_at is not None and revoked_at is None and now < expires_at


def bidder_may_edit(*, state: str, submitted: bool) -> bool:
    """A bidder changes its answers while the consultation is open and it has not submitted."""
    return state == OPEN and not submitted


# --- States -----------------------------------------------------------------------------------

def close_problem(state: str) -> str | None:
    if state != OPEN:
        return "Seule une consultation ouverte peut être close."
    return None


def receive_problem(state: str) -> str | None:
    """May bidders be added, answers imported, links issued?"""
    if state != OPEN:
        return "La consultation n'est plus ouverte : rien ne peut y être ajouté."
    return None


def award_problem(state: str, *, bidder_has_answers: bool) -> str | None:
    if state == AWARDED:
        return "La consultation est déjà attribuée."
    if not bidder_has_answers:
        return "Ce soumissionnaire n'a donné aucune réponse : il ne peut pas être retenu."
    return None


def override_problem(maturity: str, reason: str, codes: Mapping[str, str]) -> str | None:
    if maturity not in codes:
        return "Choisissez un niveau de maturité."
    if not reason.strip():
        return "Indiquez pourquoi le niveau calculé est modifié."
    if len(reason) > REASON_MAX:
        return f"{REASON_MAX} caractères au plus."
    return None


# --- What a bid would change in the profile ----------------------------------------------------

#: A vendor question's answer → the profile fact it settles (question id → value → (fact, value)).
#: Only unambiguous implications are listed (a hosting outside France may still be in the
#: European Union: no implication); the rules engine evaluates the case's own facts with these
#: replaced, so that the comparison shows the legal flags each bid would raise.
IMPLIED_FACTS: Mapping[str, Mapping[str, tuple[str, Any]]] = {
    "evolution_modele": {"oui": ("apprentissage_continu", "oui"),
                         "non": ("apprentissage_continu", "non")},
    "ouverture_modeles_donnees": {"oui": ("regles_communicables", "oui"),
                                  "non": ("regles_communicables", "non")},
}


def implied_facts(answers: Mapping[str, Any], facts: Mapping[str, Any]) -> dict[str, Any]:
    """The case's ``facts`` as the bid would make them: each fact a bidder's answer settles
    (:data:`IMPLIED_FACTS`) takes the bid's value, since the bid describes the solution it
    offers; the other facts keep the case's values."""
    merged = dict(facts)
    for question_id, implications in IMPLIED_FACTS.items():
        value = answers.get(question_id)
        if isinstance(value, str) and value in implications:
            fact, fact_value = implications[value]
            merged[fact] = fact_value
    return merged
