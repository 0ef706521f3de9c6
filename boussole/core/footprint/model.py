"""Typed inputs (validated and resolved) and outputs of the footprint calculator.

Inputs are produced by :func:`boussole.core.footprint.validate.parse_document`: every model,
location and provider is already looked up, and every default is already applied, each as a
:class:`~boussole.core.footprint.data.Factor` naming its source. The calculator only does
arithmetic on them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from boussole.core.footprint.data import Factor, Location

JSON = dict[str, Any]


def rounded(value: float) -> float:
    """Hide floating-point noise in output (10 significant digits), keep small values."""
    return float(f"{value:.10g}")


# --------------------------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Site:
    """Where a block runs: its PUE and the carbon intensity of its electricity, resolved."""

    location: Location
    location_given: bool  # False: nothing said, the world average is used
    provider: str | None
    pue: Factor
    pue_known: bool  # False: the "local or unknown" default PUE is used
    carbon_intensity: Factor  # g CO2e / kWh


@dataclass(frozen=True)
class Hardware:
    """The Green Algorithms description of a job: cores, GPUs, memory, hours."""

    hours: float
    cpu_cores: float
    cpu_model: str | None  # as found in the table, None when given as a TDP
    cpu_tdp_per_core: Factor  # W per core
    cpu_usage: float
    gpu_count: float
    gpu_model: str | None
    gpu_tdp: Factor | None  # W per device; None when there is no GPU
    gpu_usage: float
    memory_gb: float


@dataclass(frozen=True)
class ComputeInput:
    label: str
    hardware: Hardware  # hours per year
    site: Site


@dataclass(frozen=True)
class TrainingInput:
    hardware: Hardware  # hours of the main training run
    site: Site
    rd_factor: float
    retrainings: float
    retraining_fraction: float


@dataclass(frozen=True)
class LlmApiInput:
    requests_per_year: float
    output_tokens: float
    active_params_b: float
    total_params_b: float
    request_latency_s: float | None
    location: Location
    location_given: bool
    zone: str  # EcoLogits electricity-mix zone (ISO alpha-3)
    pue: Factor
    pue_known: bool
    provider: str | None


@dataclass(frozen=True)
class StorageInput:
    tb: float
    media: str
    coefficient: Factor  # Wh per TB·h
    years: float
    replication: float
    site: Site


@dataclass(frozen=True)
class TransferInput:
    gb_per_year: float
    kwh_per_gb: Factor
    site: Site


@dataclass(frozen=True)
class EquipmentItemInput:
    type: str
    label: str
    count: float
    lifetime_years: float
    embodied: Factor  # kg CO2e per unit
    share: float


@dataclass(frozen=True)
class FootprintInput:
    service_years: float
    service_years_given: bool
    factor_set: str
    green_energy_share: float | None
    site: Site  # document-level defaults
    compute: tuple[ComputeInput, ...] = ()
    training: TrainingInput | None = None
    llm_api: LlmApiInput | None = None
    storage: StorageInput | None = None
    transfer: TransferInput | None = None
    equipment: tuple[EquipmentItemInput, ...] | None = None


# --------------------------------------------------------------------------------------------
# Outputs
# --------------------------------------------------------------------------------------------


def _factors_json(factors: tuple[Factor, ...]) -> list[JSON]:
    return [f.to_json() for f in factors]


@dataclass(frozen=True)
class ComputeResult:
    """One compute profile, per year (Green Algorithms)."""

    label: str
    power_w: float
    energy_kwh: float
    kg_co2e: float
    cpu_memory_energy_kwh: float
    gpu_energy_kwh: float
    kg_co2e_cpu_memory: float
    kg_co2e_gpu: float
    inputs: JSON
    factors: tuple[Factor, ...]

    def to_json(self) -> JSON:
        return {
            "label": self.label,
            "period": "an",
            "power_w": rounded(self.power_w),
            "energy_kwh": rounded(self.energy_kwh),
            "kg_co2e": rounded(self.kg_co2e),
            "cpu_memory_energy_kwh": rounded(self.cpu_memory_energy_kwh),
            "gpu_energy_kwh": rounded(self.gpu_energy_kwh),
            "kg_co2e_cpu_memory": rounded(self.kg_co2e_cpu_memory),
            "kg_co2e_gpu": rounded(self.kg_co2e_gpu),
            "inputs": self.inputs,
            "factors": _factors_json(self.factors),
        }


@dataclass(frozen=True)
class TrainingResult:
    """Training over the service lifetime (Green Algorithms "AI" method)."""

    main_run_energy_kwh: float
    multiplier: float
    energy_kwh: float
    kg_co2e: float
    kg_co2e_cpu_memory: float
    kg_co2e_gpu: float
    energy_kwh_per_year: float
    kg_co2e_per_year: float
    inputs: JSON
    factors: tuple[Factor, ...]

    def to_json(self) -> JSON:
        return {
            "period": "durée de vie du service",
            "main_run_energy_kwh": rounded(self.main_run_energy_kwh),
            "multiplier": rounded(self.multiplier),
            "energy_kwh": rounded(self.energy_kwh),
            "kg_co2e": rounded(self.kg_co2e),
            "kg_co2e_cpu_memory": rounded(self.kg_co2e_cpu_memory),
            "kg_co2e_gpu": rounded(self.kg_co2e_gpu),
            "energy_kwh_per_year": rounded(self.energy_kwh_per_year),
            "kg_co2e_per_year": rounded(self.kg_co2e_per_year),
            "inputs": self.inputs,
            "factors": _factors_json(self.factors),
        }


@dataclass(frozen=True)
class LlmApiResult:
    """LLM calls through an API, per year (EcoLogits)."""

    per_request: JSON
    energy_kwh: float
    kg_co2e_usage: float
    kg_co2e_embodied: float
    inputs: JSON
    factors: tuple[Factor, ...]

    @property
    def kg_co2e(self) -> float:
        return self.kg_co2e_usage + self.kg_co2e_embodied

    def to_json(self) -> JSON:
        return {
            "period": "an",
            "energy_kwh": rounded(self.energy_kwh),
            "kg_co2e_usage": rounded(self.kg_co2e_usage),
            "kg_co2e_embodied": rounded(self.kg_co2e_embodied),
            "kg_co2e": rounded(self.kg_co2e),
            "per_request": self.per_request,
            "inputs": self.inputs,
            "factors": _factors_json(self.factors),
        }


@dataclass(frozen=True)
class StorageResult:
    """Storage per year, and over its duration (Cloud Carbon Footprint coefficients)."""

    energy_kwh: float
    kg_co2e: float
    years: float
    inputs: JSON
    factors: tuple[Factor, ...]

    @property
    def energy_kwh_total(self) -> float:
        return self.energy_kwh * self.years

    @property
    def kg_co2e_total(self) -> float:
        return self.kg_co2e * self.years

    def to_json(self) -> JSON:
        return {
            "period": "an",
            "energy_kwh": rounded(self.energy_kwh),
            "kg_co2e": rounded(self.kg_co2e),
            "years": rounded(self.years),
            "energy_kwh_total": rounded(self.energy_kwh_total),
            "kg_co2e_total": rounded(self.kg_co2e_total),
            "inputs": self.inputs,
            "factors": _factors_json(self.factors),
        }


@dataclass(frozen=True)
class TransferResult:
    """Network transfer per year, with the figure under each offered factor."""

    energy_kwh: float
    kg_co2e: float
    alternatives: tuple[JSON, ...]
    inputs: JSON
    factors: tuple[Factor, ...]

    def to_json(self) -> JSON:
        return {
            "period": "an",
            "energy_kwh": rounded(self.energy_kwh),
            "kg_co2e": rounded(self.kg_co2e),
            "alternatives": list(self.alternatives),
            "inputs": self.inputs,
            "factors": _factors_json(self.factors),
        }


@dataclass(frozen=True)
class EquipmentItemResult:
    type: str
    label: str
    count: float
    lifetime_years: float
    share: float
    embodied_kg_per_unit: float
    kg_co2e_embodied: float  # count × per unit × share
    kg_co2e: float  # per year

    def to_json(self) -> JSON:
        return {
            "type": self.type,
            "label": self.label,
            "count": rounded(self.count),
            "lifetime_years": rounded(self.lifetime_years),
            "share": rounded(self.share),
            "embodied_kg_per_unit": rounded(self.embodied_kg_per_unit),
            "kg_co2e_embodied": rounded(self.kg_co2e_embodied),
            "kg_co2e": rounded(self.kg_co2e),
        }


@dataclass(frozen=True)
class EquipmentResult:
    """Embodied emissions of equipment, spread over its lifetime (per year)."""

    items: tuple[EquipmentItemResult, ...]
    factors: tuple[Factor, ...]

    @property
    def energy_kwh(self) -> float:
        return 0.0

    @property
    def kg_co2e(self) -> float:
        return sum(item.kg_co2e for item in self.items)

    @property
    def kg_co2e_embodied(self) -> float:
        return sum(item.kg_co2e_embodied for item in self.items)

    def to_json(self) -> JSON:
        return {
            "period": "an",
            "energy_kwh": 0.0,
            "kg_co2e": rounded(self.kg_co2e),
            "kg_co2e_embodied": rounded(self.kg_co2e_embodied),
            "items": [item.to_json() for item in self.items],
            "factors": _factors_json(self.factors),
        }


@dataclass(frozen=True)
class Totals:
    energy_kwh: float
    kg_co2e: float
    breakdown: dict[str, tuple[float, float]]  # component → (kWh, kg CO2e)

    def to_json(self) -> JSON:
        return {
            "energy_kwh": rounded(self.energy_kwh),
            "kg_co2e": rounded(self.kg_co2e),
            "breakdown": {
                name: {"energy_kwh": rounded(kwh), "kg_co2e": rounded(kg)}
                for name, (kwh, kg) in self.breakdown.items()
            },
        }


@dataclass(frozen=True)
class Checks:
    pue_below_1_5: bool | None
    located_in_france: bool | None
    green_energy_over_50: bool | None

    def to_json(self) -> JSON:
        return {
            "pue_below_1_5": self.pue_below_1_5,
            "located_in_france": self.located_in_france,
            "green_energy_over_50": self.green_energy_over_50,
        }


@dataclass(frozen=True)
class GridAnswer:
    """A computed answer to a question of criterion 5."""

    question: str  # "Q27"
    value: float
    unit: str
    detail: str

    def to_json(self) -> JSON:
        return {"value": rounded(self.value), "unit": self.unit, "detail": self.detail}


@dataclass(frozen=True)
class FootprintResult:
    input: FootprintInput
    compute: tuple[ComputeResult, ...]
    training: TrainingResult | None
    llm_api: LlmApiResult | None
    storage: StorageResult | None
    transfer: TransferResult | None
    equipment: EquipmentResult | None
    per_year: Totals
    lifetime: Totals
    checks: Checks
    factors: tuple[Factor, ...]
    notes: tuple[str, ...]
    grid: dict[str, GridAnswer] = field(default_factory=dict)

    def to_json(self) -> JSON:
        components: JSON = {}
        if self.compute:
            components["compute"] = [c.to_json() for c in self.compute]
        if self.training is not None:
            components["training"] = self.training.to_json()
        if self.llm_api is not None:
            components["llm_api"] = self.llm_api.to_json()
        if self.storage is not None:
            components["storage"] = self.storage.to_json()
        if self.transfer is not None:
            components["transfer"] = self.transfer.to_json()
        if self.equipment is not None:
            components["equipment"] = self.equipment.to_json()
        return {
            "service_years": rounded(self.input.service_years),
            "factor_set": self.input.factor_set,
            "components": components,
            "per_year": self.per_year.to_json(),
            "lifetime": self.lifetime.to_json(),
            "checks": self.checks.to_json(),
            "grid": {q: a.to_json() for q, a in self.grid.items()},
            "factors": _factors_json(self.factors),
            "notes": list(self.notes),
        }
