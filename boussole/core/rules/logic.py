"""Three-valued (Kleene) logic and the ordered scale of risk levels.

Truth values are small integers so that the connectives are plain ``min``/``max``:
``FALSE`` (0) < ``UNKNOWN`` (1) < ``TRUE`` (2). An answer « je ne sais pas » (``nsp``) or a
missing answer gives ``UNKNOWN``, which never counts as « non »: a rule whose trigger is
unknown is reported as « à compléter » instead of passing silently.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Final

Truth = int

FALSE: Final = 0
UNKNOWN: Final = 1
TRUE: Final = 2

def count_ge(n_true: int, n_unknown: int, k: int) -> Truth:
    """``k`` or more of the criteria hold: TRUE, UNKNOWN or FALSE (§9.3)."""
    if n_true >= k:
        return TRUE
    if n_true + n_unknown >= k:
        return UNKNOWN
    return FALSE


def count_eq(n_true: int, n_unknown: int, k: int) -> Truth:
    """Exactly ``k`` criteria hold; the same as ``count_ge(k) ∧ ¬count_ge(k + 1)``."""
    if n_true > k or n_true + n_unknown < k:
        return FALSE
    if n_unknown == 0:
        return TRUE
    return UNKNOWN


class Level(IntEnum):
    """Risk levels, from the lowest to the highest (§6.1, §6.3)."""

    INFO = 0
    LIMITE = 1
    MODERE = 2
    ELEVE = 3
    BLOQUANT_DOCTRINE = 4
    BLOQUANT_LOI = 5

    @property
    def label_fr(self) -> str:
        return LEVEL_LABELS_FR[self]


LEVEL_LABELS_FR: Final = {
    Level.INFO: "information",
    Level.LIMITE: "limité",
    Level.MODERE: "modéré",
    Level.ELEVE: "élevé",
    Level.BLOQUANT_DOCTRINE: "bloquant (doctrine nantaise)",
    Level.BLOQUANT_LOI: "bloquant (pratique interdite ou illicite)",
}

#: The lowest level of the output scale: INFO flags never raise the aggregated level.
FLOOR_LEVEL: Final = Level.LIMITE

LEVEL_NAMES: Final = frozenset(level.name for level in Level)
