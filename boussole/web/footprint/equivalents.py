"""Familiar equivalents of a footprint: kilometres by car and by train, each with its source.

The factors live in ``data/footprint/equivalents.csv`` (first line: a comment, then the header,
as the other footprint tables).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache

from boussole.core.paths import DATA_DIR

EQUIVALENTS_CSV = DATA_DIR / "footprint" / "equivalents.csv"


@dataclass(frozen=True)
class Equivalent:
    name: str
    label: str
    kg_co2e_per_km: float
    source: str
    date: str

    def km(self, kg_co2e: float) -> float:
        return kg_co2e / self.kg_co2e_per_km


@cache
def equivalents() -> tuple[Equivalent, ...]:
    with EQUIVALENTS_CSV.open(encoding="utf-8", newline="") as handle:
        handle.readline()  # comment line
        return tuple(
            Equivalent(name=row["name"], label=row["label"],
                       kg_co2e_per_km=float(row["kg_co2e_per_km"]), source=row["source"],
                       date=row["date"])
            for row in csv.DictReader(handle)
        )


def equivalents_of(kg_co2e: float) -> list[tuple[Equivalent, float]]:
    """Each equivalent with the kilometres that emit ``kg_co2e``."""
    return [(equivalent, equivalent.km(kg_co2e)) for equivalent in equivalents()]
