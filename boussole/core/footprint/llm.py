"""LLM inference through an API, with EcoLogits (MPL-2.0), pinned at version 0.11.3.

Only EcoLogits' pure computation module is used — ``ecologits.impacts.llm`` and its bundled
electricity mixes (``ecologits/data/electricity_mixes.json``); its tracers, which patch provider
SDKs, are never imported, and nothing touches the network. EcoLogits is imported lazily, on the
first LLM computation, so that the rest of the calculator starts fast.

The call reproduces what EcoLogits' own high-level ``llm_impacts`` does for a provider, except
that the model size, PUE and electricity-mix zone come from the input document:

``compute_llm_impacts(model_active_parameter_count, model_total_parameter_count,
output_token_count, if_electricity_mix_adpe/pe/gwp/wue, datacenter_pue, datacenter_wue,
request_latency)`` with ``request_latency`` = the measured latency if given, else ``None`` (then
EcoLogits estimates the generation latency from its regression on the number of active
parameters, with its default batch of 64 requests). The water usage effectiveness only affects
the water indicator, which is not reported: it is set to 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from boussole.core.footprint.data import Factor

ECOLOGITS_VERSION = "0.11.3"
ECOLOGITS = f"EcoLogits {ECOLOGITS_VERSION} (MPL-2.0)"


@dataclass(frozen=True)
class LlmRequestImpacts:
    """Impacts of one request."""

    energy_kwh: float
    kg_co2e_usage: float
    kg_co2e_embodied: float
    generation_latency_s: float
    gpu_count: int


@cache
def _mixes() -> Any:
    from ecologits.electricity_mix_repository import electricity_mixes

    return electricity_mixes


def has_zone(zone: str) -> bool:
    """Whether EcoLogits has an electricity mix for this ISO alpha-3 zone (``WOR``: world)."""
    return _mixes().find_electricity_mix(zone=zone) is not None


def mix_factor(zone: str) -> Factor:
    mix = _mixes().find_electricity_mix(zone=zone)
    return Factor(
        name=f"ecologits.electricity_mix.{zone}",
        label=f"Intensité carbone de l'électricité selon EcoLogits : zone {zone}",
        value=float(mix.gwp) * 1000.0,
        unit="gCO2e/kWh",
        source=f"{ECOLOGITS}, mix électrique du pays (zone {zone})",
    )


@cache
def model_factors() -> tuple[Factor, ...]:
    """The fixed hypotheses of EcoLogits' LLM model, shown beside the results."""
    from ecologits.impacts import llm

    src = f"{ECOLOGITS}, modèle d'impact des requêtes aux LLM"
    return (
        Factor("ecologits.server_power", "Puissance d'un serveur d'inférence (hors GPU)",
               float(llm.SERVER_POWER), "kW", src),
        Factor("ecologits.server_gpus", "Nombre de GPU par serveur",
               float(llm.SERVER_GPUS), "GPU", src),
        Factor("ecologits.gpu_memory", "Mémoire d'un GPU", float(llm.GPU_MEMORY), "Go", src),
        Factor("ecologits.batch_size", "Requêtes traitées simultanément (taille de lot)",
               float(llm.BATCH_SIZE), "requêtes", src),
        Factor("ecologits.quantization", "Précision des poids du modèle",
               float(llm.MODEL_QUANTIZATION_BITS), "bits", src),
        Factor("ecologits.server_embodied", "Émissions de fabrication d'un serveur (hors GPU)",
               float(llm.SERVER_EMBODIED_IMPACT_GWP), "kgCO2e", src),
        Factor("ecologits.gpu_embodied", "Émissions de fabrication d'un GPU",
               float(llm.GPU_EMBODIED_IMPACT_GWP), "kgCO2e", src),
        Factor("ecologits.hardware_lifespan", "Durée de vie du matériel",
               float(llm.HARDWARE_LIFESPAN) / (365 * 24 * 3600), "ans", src),
    )


@lru_cache(maxsize=1024)
def request_impacts(
    *,
    active_params_b: float,
    total_params_b: float,
    output_tokens: float,
    zone: str,
    pue: float,
    request_latency_s: float | None = None,
) -> LlmRequestImpacts:
    """EcoLogits impacts of one LLM request (a pure function of its arguments, cached)."""
    from ecologits.impacts.llm import compute_llm_impacts, compute_llm_impacts_dag

    mix = _mixes().find_electricity_mix(zone=zone)
    arguments: dict[str, Any] = {
        "model_active_parameter_count": active_params_b,
        "model_total_parameter_count": total_params_b,
        "output_token_count": output_tokens,
        "if_electricity_mix_adpe": mix.adpe,
        "if_electricity_mix_pe": mix.pe,
        "if_electricity_mix_gwp": mix.gwp,
        "if_electricity_mix_wue": mix.wue,
        "datacenter_pue": pue,
        "datacenter_wue": 0.0,
    }
    impacts = compute_llm_impacts(request_latency=request_latency_s, **arguments)
    # Intermediate values, for display only (same computation graph).
    dag = compute_llm_impacts_dag(
        request_latency=math.inf if request_latency_s is None else request_latency_s,
        **arguments,
    )
    return LlmRequestImpacts(
        energy_kwh=_number(impacts.energy.value),
        kg_co2e_usage=_number(impacts.usage.gwp.value),
        kg_co2e_embodied=_number(impacts.embodied.gwp.value),
        generation_latency_s=_number(dag["generation_latency"]),
        gpu_count=round(_number(dag["gpu_required_count"])),
    )


def _number(value: object) -> float:
    """A plain number from EcoLogits (ranges only arise from ranged inputs, never used here)."""
    if isinstance(value, int | float):
        return float(value)
    raise TypeError(f"unexpected EcoLogits value: {value!r}")


def generation_latency_s(
    *, active_params_b: float, output_tokens: float, batch_size: int
) -> float:
    """EcoLogits' regression of the generation latency (seconds) for a given batch size."""
    from ecologits.impacts import llm

    per_token = (
        llm.LATENCY_ALPHA * active_params_b + llm.LATENCY_BETA * batch_size + llm.LATENCY_GAMMA
    )
    return output_tokens * per_token


def required_gpu_memory_gb(total_params_b: float) -> float:
    """EcoLogits' estimate of the GPU memory needed to load a model (16-bit weights, +20 %)."""
    from ecologits.impacts import llm

    return 1.2 * total_params_b * llm.MODEL_QUANTIZATION_BITS / 8
