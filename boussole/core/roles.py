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
