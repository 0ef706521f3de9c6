"""States of a case (product map §2), as stable codes with French labels.

The transitions and their guards belong to the workflow state machine (decision issue); this
module holds the vocabulary shared by every layer.
"""

from __future__ import annotations

from collections.abc import Mapping

STATES: Mapping[str, str] = {
    "brouillon": "Brouillon",
    "en_instruction": "En instruction",
    "avis_groupe": "Avis du groupe",
    "decision": "Décision des élus",
    "information_syndicale": "Information syndicale",
    "en_service": "En service — suivi",
    "ajourne": "Ajourné",
    "refuse": "Refusé",
    "abandonne": "Abandonné",
    "retire": "Retiré",
}

CLOSED_STATES = frozenset({"refuse", "abandonne", "retire"})

#: States in which the file is presented to the staff representatives.
UNION_VISIBLE_STATES = frozenset({"information_syndicale", "en_service"})
