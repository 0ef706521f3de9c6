"""Computed answers to the questions of criterion 5: Q27, Q45, Q51 and Q59.

* **Q27** (kg CO2e) — embodied emissions attributed to the service over its lifetime: the
  equipment's per-year share (count × per-unit factor ÷ lifetime × share) × ``service_years``,
  plus the embodied share of the LLM calls (EcoLogits) × ``service_years``. The grid's Q24–27
  cover the equipment of the respondent, of the vendor and of the users, hence the LLM part.
* **Q45** (kg CO2e per year) — CPU part: for each compute profile, the energy of its CPU cores
  *and of its memory* (PUE included); plus the same part of training ÷ ``service_years``.
* **Q51** (kg CO2e per year) — GPU part: the energy of the GPUs of each profile (PUE included);
  plus the GPU part of training ÷ ``service_years``; plus the usage emissions of LLM calls.
* **Q59** (kg CO2e per year) — storage (per year while stored) + transfer.

With storage kept for the whole service, ``Q27 + service_years × (Q45 + Q51 + Q59)`` equals the
``lifetime`` total.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from boussole.core.footprint.model import GridAnswer

if TYPE_CHECKING:
    from boussole.core.footprint.model import FootprintResult


def _fr(value: float) -> str:
    return f"{value:.4g}".replace(".", ",")


def grid_answers(result: FootprintResult) -> dict[str, GridAnswer]:
    """The computed answers, keyed by question number (``"Q27"``…), for blocks present."""
    years = result.input.service_years
    out: dict[str, GridAnswer] = {}

    if result.equipment is not None or result.llm_api is not None:
        equipment = result.equipment.kg_co2e * years if result.equipment is not None else 0.0
        llm = result.llm_api.kg_co2e_embodied * years if result.llm_api is not None else 0.0
        detail = (
            f"Fabrication des équipements attribuée au service sur {_fr(years)} ans : "
            f"{_fr(equipment)} kg (Σ nombre × facteur par unité ÷ durée de vie × part, "
            "× durée du service)"
        )
        if result.llm_api is not None:
            detail += f", dont matériel des appels au LLM (EcoLogits) : {_fr(llm)} kg"
        out["Q27"] = GridAnswer("Q27", equipment + llm, "kg CO2e", detail + ".")

    training = result.training
    if result.compute or training is not None:
        cpu = sum(c.kg_co2e_cpu_memory for c in result.compute)
        train_cpu = training.kg_co2e_cpu_memory / years if training is not None else 0.0
        out["Q45"] = GridAnswer(
            "Q45",
            cpu + train_cpu,
            "kg CO2e/an",
            f"Part CPU et mémoire des profils de calcul : {_fr(cpu)} kg/an ; entraînement "
            f"réparti sur {_fr(years)} ans : {_fr(train_cpu)} kg/an (Green Algorithms).",
        )
    if result.compute or training is not None or result.llm_api is not None:
        gpu = sum(c.kg_co2e_gpu for c in result.compute)
        train_gpu = training.kg_co2e_gpu / years if training is not None else 0.0
        llm_usage = result.llm_api.kg_co2e_usage if result.llm_api is not None else 0.0
        out["Q51"] = GridAnswer(
            "Q51",
            gpu + train_gpu + llm_usage,
            "kg CO2e/an",
            f"Part GPU des profils de calcul : {_fr(gpu)} kg/an ; entraînement réparti : "
            f"{_fr(train_gpu)} kg/an ; usage des appels au LLM (EcoLogits) : "
            f"{_fr(llm_usage)} kg/an.",
        )
    if result.storage is not None or result.transfer is not None:
        storage = result.storage.kg_co2e if result.storage is not None else 0.0
        transfer = result.transfer.kg_co2e if result.transfer is not None else 0.0
        out["Q59"] = GridAnswer(
            "Q59",
            storage + transfer,
            "kg CO2e/an",
            f"Stockage : {_fr(storage)} kg/an (Cloud Carbon Footprint) ; transfert : "
            f"{_fr(transfer)} kg/an.",
        )
    return out
