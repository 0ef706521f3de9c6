"""Roles of the people who use Boussole (product map §1), as stable codes.

Labels are French (the reference language); the web layer translates them.
"""

from __future__ import annotations

from collections.abc import Mapping

ROLES: Mapping[str, str] = {
    "porteur": "Porteur de projet",
    "referent": "Référent du groupe d'experts",
    "elu": "Élu·e",
    "representant_personnel": "Représentant·e du personnel",
    "prestataire": "Prestataire",
    "admin": "Administrateur·rice",
}

REFERENT_DOMAINS: Mapping[str, str] = {
    "juridique": "Juridique et protection des données",
    "cybersecurite": "Cybersécurité",
    "rh_qvt": "Ressources humaines et qualité de vie au travail",
    "numerique_responsable": "Numérique responsable",
    "donnees": "Administration de la donnée",
    "organisation": "Organisation et transformation",
    "numerique": "Pilotage de projet numérique",
}

DELEGATIONS: Mapping[str, str] = {
    "numerique": "Numérique",
    "rh": "Ressources humaines",
    "thematique": "Vice-présidence thématique",
}

#: Roles that belong to the organisation's own staff or elected body.
INTERNAL_ROLES = frozenset({"porteur", "referent", "elu", "admin"})


def assignment_problems(role: str, domain: str, delegation: str) -> list[tuple[str, str]]:
    """What is wrong with giving a person ``role`` with ``domain`` and ``delegation``, as
    (field, French message) pairs: a referent needs a domain, an elected official a
    delegation (the database checks the same rule)."""
    problems: list[tuple[str, str]] = []
    if role not in ROLES:
        problems.append(("role", f"Rôle inconnu : « {role} »."))
    if role == "referent" and domain not in REFERENT_DOMAINS:
        problems.append(("domain", "Un·e référent·e doit avoir un domaine d'expertise."))
    if role == "elu" and delegation not in DELEGATIONS:
        problems.append(("delegation", "Un·e élu·e doit avoir une délégation."))
    return problems


def normalised_assignment(role: str, domain: str, delegation: str) -> tuple[str, str, str]:
    """The (role, domain, delegation) to store: a domain only for a referent, a delegation
    only for an elected official."""
    return (role, domain if role == "referent" else "", delegation if role == "elu" else "")


def admin_change_problem(*, actor_id: int | None, target_id: int, target_is_active_admin: bool,
                         stays_active_admin: bool, other_active_admins: int) -> str | None:
    """Why an administrator may not make this change to a person, or ``None``: nobody
    deactivates themself or takes away their own administration role, and an organisation
    keeps at least one active administrator."""
    if not target_is_active_admin or stays_active_admin:
        return None
    if actor_id is not None and actor_id == target_id:
        return ("Vous ne pouvez pas vous désactiver ni retirer votre propre rôle "
                "d'administration.")
    if other_active_admins == 0:
        return ("L'organisation doit garder au moins une administratrice ou un administrateur "
                "actif.")
    return None
