"""French labels of the codes of the rule base, for display (codes stay in exports and the API).

Labels are French (the reference language); the web layer translates them with gettext.
An unknown code is returned unchanged: a new code shows as it is rather than failing a page
(a test walks the pages and fails on any raw code).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final

from boussole.core.rules.logic import Level

#: Who confirms a point (``a_confirmer_par`` of the rules).
CONFIRMERS: Final[Mapping[str, str]] = {
    "DPO": "délégué·e à la protection des données (DPO)",
    "juriste": "juriste",
    "RSSI": "responsable de la sécurité des systèmes d'information (RSSI)",
    "RH": "ressources humaines",
    "groupe_projet": "groupe projet",
    "elus": "élu·es",
}

#: The status of a flag (``statut`` of a flag).
STATUSES: Final[Mapping[str, str]] = {
    "ACTIF": "point d'attention",
    "A_COMPLETER": "à compléter",
    "SATISFAIT": "obligation satisfaite",
}


def level_label(code: str | None) -> str:
    """« élevé » for ``ELEVE``; an empty string for no level; an unknown code unchanged."""
    if not code:
        return ""
    try:
        return Level[code].label_fr
    except KeyError:
        return code


def confirmer_label(code: str) -> str:
    return CONFIRMERS.get(code, code)


def confirmers_label(codes: Iterable[str]) -> list[str]:
    return [confirmer_label(code) for code in codes]


def status_label(code: str) -> str:
    return STATUSES.get(code, code)


#: What an active flag of each level means for the people who carry the project.
_ACTIVE_MEANINGS: Final[Mapping[Level, str]] = {
    Level.BLOQUANT_LOI: "Le projet ne peut pas être mené ainsi : la loi interdit cette "
                        "pratique. Il faut le modifier ou y renoncer.",
    Level.BLOQUANT_DOCTRINE: "Le projet ne peut pas être mené ainsi : c'est une ligne rouge "
                             "de la doctrine de la collectivité. Il faut le modifier ou y "
                             "renoncer.",
    Level.ELEVE: "Des mesures sont obligatoires avant la mise en service : prévoyez-les dans "
                 "le projet et faites-les confirmer.",
    Level.MODERE: "Une obligation s'applique : prévoyez-la dans le projet (documentation, "
                  "information des personnes, garanties).",
    Level.LIMITE: "Une obligation légère s'applique, le plus souvent d'information ou de "
                  "transparence.",
    Level.INFO: "Pour information : rien de particulier à faire.",
}
_PENDING_MEANING: Final = ("Répondez aux questions du profil indiquées : selon vos réponses, ce "
                           "point s'appliquera ou non.")
_SATISFIED_MEANING: Final = ("Rien de plus à faire sur ce point : d'après vos réponses, "
                             "l'obligation est remplie.")


def meaning(status: str, level: str | None) -> str:
    """« Ce que cela signifie pour vous » of one flag, in one sentence, before its legal
    explanation and references."""
    if status == "A_COMPLETER":
        return _PENDING_MEANING
    if status == "SATISFAIT":
        return _SATISFIED_MEANING
    try:
        return _ACTIVE_MEANINGS[Level[level or ""]]
    except KeyError:
        return ""
