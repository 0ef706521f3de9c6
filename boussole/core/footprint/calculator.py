"""The footprint calculator of criterion 5: arithmetic on resolved inputs.

Formulas (see ``shared/specs/footprint.md``):

* Compute, Green Algorithms v3.0::

      P[W]    = PUE × (cpu_cores × tdp_per_core × cpu_usage + gpu_count × tdp_per_gpu × gpu_usage
                       + memory_gb × 0.3725)
      E[kWh]  = hours × P × multiplicative_factor / 1000
      CO2e[g] = E × carbon_intensity[g/kWh]

* Training over the lifetime:
  ``E_training = E_main_run × (1 + rd_factor + retraining_fraction × retrainings)``.
* LLM through an API: EcoLogits per request × requests per year (:mod:`.llm`).
* Storage: ``E[kWh/yr] = TB × coeff[Wh/TB·h] × 8760 / 1000 × replication × PUE``.
* Transfer: ``E = GB × kWh_per_GB`` (no PUE).
* Equipment: ``kg CO2e/yr = Σ count × embodied_per_unit ÷ lifetime_years × share``.

Totals (also stated in the output ``notes``):

* ``lifetime`` = (compute + LLM calls + transfer + equipment, per year) × ``service_years``
  + training (already over the lifetime) + storage over its own ``years``;
* ``per_year`` = ``lifetime`` ÷ ``service_years``: the average year of the service, training
  spread evenly over it. Both carry a per-component ``breakdown``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from boussole.core.footprint import data, llm
from boussole.core.footprint.data import Factor
from boussole.core.footprint.model import (
    JSON,
    Checks,
    ComputeInput,
    ComputeResult,
    EquipmentItemInput,
    EquipmentItemResult,
    EquipmentResult,
    FootprintInput,
    FootprintResult,
    Hardware,
    LlmApiInput,
    LlmApiResult,
    Site,
    StorageInput,
    StorageResult,
    Totals,
    TrainingInput,
    TrainingResult,
    TransferInput,
    TransferResult,
    rounded,
)
from boussole.core.footprint.questions import grid_answers

HOURS_PER_YEAR = 8760
PUE_THRESHOLD = 1.5
GREEN_THRESHOLD = 0.5


def _hardware_power(hw: Hardware, pue: float) -> tuple[float, float, float]:
    """(total power W, CPU + memory power W, GPU power W), PUE included."""
    cpu_w = hw.cpu_cores * hw.cpu_tdp_per_core.value * hw.cpu_usage
    gpu_w = hw.gpu_count * (hw.gpu_tdp.value if hw.gpu_tdp is not None else 0.0) * hw.gpu_usage
    memory_w = hw.memory_gb * data.memory_power().value
    return pue * (cpu_w + gpu_w + memory_w), pue * (cpu_w + memory_w), pue * gpu_w


def _hardware_inputs(hw: Hardware, hours_key: str, site: Site) -> JSON:
    return {
        hours_key: rounded(hw.hours),
        "cpu_cores": rounded(hw.cpu_cores),
        "cpu_model": hw.cpu_model,
        "cpu_tdp_per_core_w": rounded(hw.cpu_tdp_per_core.value) if hw.cpu_cores else None,
        "cpu_usage": rounded(hw.cpu_usage),
        "gpu_count": rounded(hw.gpu_count),
        "gpu_model": hw.gpu_model,
        "gpu_tdp_w": rounded(hw.gpu_tdp.value) if hw.gpu_tdp is not None else None,
        "gpu_usage": rounded(hw.gpu_usage),
        "memory_gb": rounded(hw.memory_gb),
        **_site_inputs(site),
    }


def _site_inputs(site: Site, *, with_pue: bool = True) -> JSON:
    out: JSON = {
        "location": site.location.code,
        "location_label": site.location.label,
        "location_given": site.location_given,
    }
    if with_pue:
        out.update(
            {
                "provider": site.provider,
                "pue": rounded(site.pue.value),
                "pue_known": site.pue_known,
            }
        )
    out["carbon_intensity_g_per_kwh"] = rounded(site.carbon_intensity.value)
    return out


def _hardware_factors(hw: Hardware, site: Site) -> tuple[Factor, ...]:
    used: list[Factor] = []
    if hw.cpu_cores > 0:
        used.append(hw.cpu_tdp_per_core)
    if hw.gpu_tdp is not None and hw.gpu_count > 0:
        used.append(hw.gpu_tdp)
    if hw.memory_gb > 0:
        used.append(data.memory_power())
    used += [site.pue, site.carbon_intensity]
    return tuple(used)


def compute_profile(item: ComputeInput) -> ComputeResult:
    hw, site = item.hardware, item.site
    power_w, cpu_memory_w, gpu_w = _hardware_power(hw, site.pue.value)
    energy = hw.hours * power_w / 1000
    cpu_memory_kwh = hw.hours * cpu_memory_w / 1000
    gpu_kwh = hw.hours * gpu_w / 1000
    ci = site.carbon_intensity.value
    return ComputeResult(
        label=item.label,
        power_w=power_w,
        energy_kwh=energy,
        kg_co2e=energy * ci / 1000,
        cpu_memory_energy_kwh=cpu_memory_kwh,
        gpu_energy_kwh=gpu_kwh,
        kg_co2e_cpu_memory=cpu_memory_kwh * ci / 1000,
        kg_co2e_gpu=gpu_kwh * ci / 1000,
        inputs=_hardware_inputs(hw, "hours_per_year", site),
        factors=_hardware_factors(hw, site),
    )


def training(item: TrainingInput, service_years: float) -> TrainingResult:
    hw, site = item.hardware, item.site
    power_w, cpu_memory_w, gpu_w = _hardware_power(hw, site.pue.value)
    multiplier = 1 + item.rd_factor + item.retraining_fraction * item.retrainings
    main_run = hw.hours * power_w / 1000
    energy = main_run * multiplier
    ci = site.carbon_intensity.value
    kg = energy * ci / 1000
    inputs = _hardware_inputs(hw, "hours", site)
    inputs.update(
        {
            "rd_factor": rounded(item.rd_factor),
            "retrainings": rounded(item.retrainings),
            "retraining_fraction": rounded(item.retraining_fraction),
        }
    )
    return TrainingResult(
        main_run_energy_kwh=main_run,
        multiplier=multiplier,
        energy_kwh=energy,
        kg_co2e=kg,
        kg_co2e_cpu_memory=hw.hours * cpu_memory_w / 1000 * multiplier * ci / 1000,
        kg_co2e_gpu=hw.hours * gpu_w / 1000 * multiplier * ci / 1000,
        energy_kwh_per_year=energy / service_years,
        kg_co2e_per_year=kg / service_years,
        inputs=inputs,
        factors=(
            *_hardware_factors(hw, site),
            Factor(
                name="training_multiplier",
                label="Multiplicateur d'entraînement (1 + R&D + fraction × réentraînements)",
                value=multiplier,
                unit="",
                source="Green Algorithms, méthode « IA » (entraînement sur la durée de vie)",
            ),
        ),
    )


def llm_api(item: LlmApiInput) -> LlmApiResult:
    per = llm.request_impacts(
        active_params_b=item.active_params_b,
        total_params_b=item.total_params_b,
        output_tokens=item.output_tokens,
        zone=item.zone,
        pue=item.pue.value,
        request_latency_s=item.request_latency_s,
    )
    n = item.requests_per_year
    return LlmApiResult(
        per_request={
            "energy_kwh": rounded(per.energy_kwh),
            "kg_co2e_usage": rounded(per.kg_co2e_usage),
            "kg_co2e_embodied": rounded(per.kg_co2e_embodied),
            "kg_co2e": rounded(per.kg_co2e_usage + per.kg_co2e_embodied),
            "generation_latency_s": rounded(per.generation_latency_s),
            "gpu_count": per.gpu_count,
        },
        energy_kwh=per.energy_kwh * n,
        kg_co2e_usage=per.kg_co2e_usage * n,
        kg_co2e_embodied=per.kg_co2e_embodied * n,
        inputs={
            "requests_per_year": rounded(n),
            "output_tokens": rounded(item.output_tokens),
            "active_params_b": rounded(item.active_params_b),
            "total_params_b": rounded(item.total_params_b),
            "request_latency_s": (
                rounded(item.request_latency_s) if item.request_latency_s is not None else None
            ),
            "location": item.location.code,
            "location_label": item.location.label,
            "location_given": item.location_given,
            "ecologits_zone": item.zone,
            "provider": item.provider,
            "pue": rounded(item.pue.value),
            "pue_known": item.pue_known,
            "method": f"EcoLogits {llm.ECOLOGITS_VERSION}, compute_llm_impacts",
        },
        factors=(item.pue, llm.mix_factor(item.zone), *llm.model_factors()),
    )


def storage(item: StorageInput) -> StorageResult:
    site = item.site
    energy = (
        item.tb * item.coefficient.value * HOURS_PER_YEAR / 1000 * item.replication
        * site.pue.value
    )
    return StorageResult(
        energy_kwh=energy,
        kg_co2e=energy * site.carbon_intensity.value / 1000,
        years=item.years,
        inputs={
            "tb": rounded(item.tb),
            "media": item.media,
            "years": rounded(item.years),
            "replication": rounded(item.replication),
            **_site_inputs(site),
        },
        factors=(item.coefficient, site.pue, site.carbon_intensity),
    )


def transfer(item: TransferInput) -> TransferResult:
    ci = item.site.carbon_intensity.value
    energy = item.gb_per_year * item.kwh_per_gb.value
    alternatives = []
    for key, name in data.TRANSFER_FACTORS.items():
        factor = data.factors()[name]
        alt_energy = item.gb_per_year * factor.value
        alternatives.append(
            {
                "factor": key,
                "label": factor.label,
                "kwh_per_gb": factor.value,
                "energy_kwh": rounded(alt_energy),
                "kg_co2e": rounded(alt_energy * ci / 1000),
                "source": factor.source,
            }
        )
    return TransferResult(
        energy_kwh=energy,
        kg_co2e=energy * ci / 1000,
        alternatives=tuple(alternatives),
        inputs={
            "gb_per_year": rounded(item.gb_per_year),
            "kwh_per_gb": rounded(item.kwh_per_gb.value),
            **_site_inputs(item.site, with_pue=False),
        },
        factors=(item.kwh_per_gb, item.site.carbon_intensity),
    )


def equipment(items: Iterable[EquipmentItemInput]) -> EquipmentResult:
    results: list[EquipmentItemResult] = []
    factors: list[Factor] = []
    for item in items:
        unit = item.embodied.value
        embodied = item.count * unit * item.share
        results.append(
            EquipmentItemResult(
                type=item.type,
                label=item.label,
                count=item.count,
                lifetime_years=item.lifetime_years,
                share=item.share,
                embodied_kg_per_unit=unit,
                kg_co2e_embodied=embodied,
                kg_co2e=embodied / item.lifetime_years,
            )
        )
        factors.append(item.embodied)
    return EquipmentResult(items=tuple(results), factors=tuple(factors))


# --------------------------------------------------------------------------------------------


def _fr(value: float) -> str:
    return f"{value:.4g}".replace(".", ",")


def _unique(factors: Iterable[Factor]) -> tuple[Factor, ...]:
    seen: set[tuple[str, float, str]] = set()
    out: list[Factor] = []
    for factor in factors:
        key = (factor.name, factor.value, factor.source)
        if key not in seen:
            seen.add(key)
            out.append(factor)
    return tuple(out)


def _checks(inp: FootprintInput) -> Checks:
    pue_sites: list[tuple[float, bool]] = []
    places: list[tuple[str, bool]] = []
    sites: list[Site] = [c.site for c in inp.compute]
    if inp.training is not None:
        sites.append(inp.training.site)
    if inp.storage is not None:
        sites.append(inp.storage.site)
    for site in sites:
        pue_sites.append((site.pue.value, site.pue_known))
        places.append((site.location.code, site.location_given))
    if inp.llm_api is not None:
        pue_sites.append((inp.llm_api.pue.value, inp.llm_api.pue_known))
        places.append((inp.llm_api.location.code, inp.llm_api.location_given))
    if inp.transfer is not None:
        places.append((inp.transfer.site.location.code, inp.transfer.site.location_given))
    if not pue_sites:
        pue_sites.append((inp.site.pue.value, inp.site.pue_known))
    if not places:
        places.append((inp.site.location.code, inp.site.location_given))

    pue_check: bool | None
    if any(known and value >= PUE_THRESHOLD for value, known in pue_sites):
        pue_check = False
    elif all(known for _, known in pue_sites):
        pue_check = True
    else:
        pue_check = None

    # The world average (given or by default) says nothing about where the servers are.
    places = [(code, given and code != data.WORLD) for code, given in places]
    france: bool | None
    if any(given and code != "FR" for code, given in places):
        france = False
    elif all(given for _, given in places):
        france = True
    else:
        france = None

    share = inp.green_energy_share
    green = None if share is None else share > GREEN_THRESHOLD
    return Checks(pue_below_1_5=pue_check, located_in_france=france, green_energy_over_50=green)


def _notes(inp: FootprintInput, result_llm: LlmApiResult | None) -> tuple[str, ...]:
    notes = [
        "Estimations fondées sur la localisation (location-based) : intensité carbone moyenne "
        "du réseau électrique du lieu. Une alimentation en énergie verte labellisée (Q30) "
        "relève d'une approche par le marché (market-based) et n'est montrée qu'à titre "
        "d'information (indicateur « plus de 50 % d'énergie verte »).",
        "Sur la durée de vie du service, l'empreinte additionne : le calcul, les appels au "
        "LLM, le transfert et la fabrication des équipements d'une année, multipliés par le "
        "nombre d'années de service ; l'entraînement, compté une fois ; le stockage, sur sa "
        "propre durée de conservation. L'empreinte par an est ce total divisé par le nombre "
        "d'années de service : une année moyenne, l'entraînement y étant réparti également.",
        "Parts CPU et GPU (Q45, Q51) : la part GPU d'un profil est l'énergie de ses GPU (PUE "
        "compris) ; la mémoire vive est comptée avec la part CPU ; l'entraînement est réparti "
        "sur les années de service ; l'usage des appels au LLM est compté en Q51 et la "
        "fabrication de leur matériel en Q27.",
        "Toutes les valeurs sont des estimations : chaque ligne donne ses données d'entrée, "
        "ses facteurs et leurs sources ; le groupe peut les remplacer par une valeur justifiée.",
    ]
    if not inp.service_years_given:
        notes.append("Durée de vie du service non indiquée : 5 ans par défaut.")
    if inp.factor_set == "ademe-2022":
        notes.append(
            "Jeu de facteurs ademe-2022 : électricité française à 52 gCO2e/kWh (ADEME, Base "
            "Empreinte, mix de consommation 2022) pour le calcul, l'entraînement, le stockage "
            "et le transfert ; les appels au LLM gardent le mix d'EcoLogits."
        )
    sites = [c.site for c in inp.compute]
    sites += [b.site for b in (inp.training, inp.storage, inp.transfer) if b is not None]
    if any(not s.location_given for s in sites) or (
        inp.llm_api is not None and not inp.llm_api.location_given
    ):
        notes.append(
            "Lieu non indiqué pour au moins un bloc : moyenne mondiale de Green Algorithms "
            "(475 gCO2e/kWh) utilisée."
        )
    pue_sites = [c.site for c in inp.compute]
    pue_sites += [b.site for b in (inp.training, inp.storage) if b is not None]
    if any(not s.pue_known for s in pue_sites) or (
        inp.llm_api is not None and not inp.llm_api.pue_known
    ):
        default = _fr(data.default_pue(None).value)
        notes.append(
            f"PUE inconnu pour au moins un bloc : valeur par défaut de Green Algorithms "
            f"({default}, infrastructure locale ou inconnue ; Uptime Institute 2024)."
        )
    if inp.storage is not None or inp.transfer is not None:
        notes.append(
            "Green Algorithms ne couvre ni le stockage ni le transfert de données, bien que la "
            "grille y renvoie : le stockage utilise les coefficients de Cloud Carbon Footprint, "
            "le transfert un facteur d'énergie par Go."
        )
    if inp.transfer is not None:
        notes.append(
            "Le facteur d'énergie du transfert varie d'un facteur 60 selon la source (0,001 à "
            "0,06 kWh/Go) : voir components.transfer.alternatives."
        )
    if inp.llm_api is not None and result_llm is not None:
        mix = llm.mix_factor(inp.llm_api.zone).value
        ga = inp.llm_api.location.carbon_intensity
        notes.append(
            f"Appels au LLM : méthode EcoLogits {llm.ECOLOGITS_VERSION}, avec le mix électrique "
            f"d'EcoLogits pour la zone {inp.llm_api.zone} ({_fr(mix)} gCO2e/kWh), différent de "
            f"celui de Green Algorithms pour {inp.llm_api.location.code} ({_fr(ga)} gCO2e/kWh)."
        )
    return tuple(notes)


def compute(inp: FootprintInput) -> FootprintResult:
    """Compute every block of a validated input, the totals, the checks and the grid answers."""
    years = inp.service_years
    compute_results = tuple(compute_profile(c) for c in inp.compute)
    training_result = training(inp.training, years) if inp.training is not None else None
    llm_result = llm_api(inp.llm_api) if inp.llm_api is not None else None
    storage_result = storage(inp.storage) if inp.storage is not None else None
    transfer_result = transfer(inp.transfer) if inp.transfer is not None else None
    equipment_result = equipment(inp.equipment) if inp.equipment is not None else None

    lifetime: dict[str, tuple[float, float]] = {}
    if compute_results:
        lifetime["compute"] = (
            sum(c.energy_kwh for c in compute_results) * years,
            sum(c.kg_co2e for c in compute_results) * years,
        )
    if training_result is not None:
        lifetime["training"] = (training_result.energy_kwh, training_result.kg_co2e)
    if llm_result is not None:
        lifetime["llm_api"] = (llm_result.energy_kwh * years, llm_result.kg_co2e * years)
    if storage_result is not None:
        lifetime["storage"] = (storage_result.energy_kwh_total, storage_result.kg_co2e_total)
    if transfer_result is not None:
        lifetime["transfer"] = (transfer_result.energy_kwh * years, transfer_result.kg_co2e * years)
    if equipment_result is not None:
        lifetime["equipment"] = (0.0, equipment_result.kg_co2e * years)
    per_year = {name: (kwh / years, kg / years) for name, (kwh, kg) in lifetime.items()}

    factors: list[Factor] = []
    for c in compute_results:
        factors += c.factors
    for block in (training_result, llm_result, storage_result, transfer_result, equipment_result):
        if block is not None:
            factors += block.factors

    result = FootprintResult(
        input=inp,
        compute=compute_results,
        training=training_result,
        llm_api=llm_result,
        storage=storage_result,
        transfer=transfer_result,
        equipment=equipment_result,
        per_year=Totals(
            energy_kwh=sum(kwh for kwh, _ in per_year.values()),
            kg_co2e=sum(kg for _, kg in per_year.values()),
            breakdown=per_year,
        ),
        lifetime=Totals(
            energy_kwh=sum(kwh for kwh, _ in lifetime.values()),
            kg_co2e=sum(kg for _, kg in lifetime.values()),
            breakdown=lifetime,
        ),
        checks=_checks(inp),
        factors=_unique(factors),
        notes=_notes(inp, llm_result),
    )
    return replace(result, grid=grid_answers(result))
