"""Further cases, each worked out by hand in its comments."""

from __future__ import annotations

from typing import Any

import pytest

from boussole.core.errors import InvalidDocument
from boussole.core.footprint import compute_footprint

REL = 1e-9


def one_cpu(**extra: Any) -> dict[str, Any]:
    """100 h of 4 cores at 7.5 W (Xeon Gold 6248), no memory: 30 W before PUE."""
    profile = {"hours_per_year": 100, "cpu_cores": 4, "cpu_model": "Xeon Gold 6248"}
    profile.update(extra)
    return profile


# -- locations ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("location", "kg"),
    [
        ("FR", 3 * 51.28 / 1000),  # 30 W × 100 h × PUE 1 = 3 kWh × 51.28 g
        ("DE", 1.01598),  # 3 kWh × 338.66 g
        ("IE", 1.00797),  # 3 kWh × 335.99 g
        ("US", 1.27182),  # 3 kWh × 423.94 g
        ("USA", 1.27182),  # ISO alpha-3 alias of US
        ("deu", 1.01598),  # case does not matter
        ("US-CA", 0.64929),  # 3 kWh × 216.43 g (California)
        ("WORLD", 1.425),  # 3 kWh × 475 g
    ],
)
def test_each_location(location: str, kg: float) -> None:
    doc = {"location": location, "pue": 1.0, "compute": [one_cpu()]}
    profile = compute_footprint(doc).compute[0]
    assert profile.energy_kwh == pytest.approx(3.0, rel=REL)
    assert profile.kg_co2e == pytest.approx(kg, rel=REL)


def test_no_location_means_world_average_and_a_note() -> None:
    result = compute_footprint({"pue": 1.0, "compute": [one_cpu()]})
    assert result.compute[0].kg_co2e == pytest.approx(1.425, rel=REL)  # 3 kWh × 475 g
    assert any("moyenne mondiale" in note for note in result.notes)


def test_profile_location_overrides_document_location() -> None:
    doc = {"location": "FR", "pue": 1.0, "compute": [one_cpu(location="DE")]}
    assert compute_footprint(doc).compute[0].kg_co2e == pytest.approx(1.01598, rel=REL)


# -- PUE ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("provider", "pue"),
    [("aws", 1.2), ("gcp", 1.12), ("azure", 1.12), ("ovhcloud", 1.09), ("oracle", 1.2),
     ("local", 1.56), ("other", 1.56)],
)
def test_provider_default_pue(provider: str, pue: float) -> None:
    # 1 core × 10 W × 1,000 h = 10 kWh before PUE
    doc = {
        "location": "FR",
        "provider": provider,
        "compute": [{"hours_per_year": 1000, "cpu_cores": 1, "cpu_tdp_per_core_w": 10}],
    }
    profile = compute_footprint(doc).compute[0]
    assert profile.energy_kwh == pytest.approx(10 * pue, rel=REL)
    assert profile.inputs["pue"] == pue


def test_unknown_pue_is_green_algorithms_default() -> None:
    # (8 × 12 + 64 × 0.3725) × 1.56 = 186.9504 W, as in reference case C
    doc = {"compute": [{"hours_per_year": 1, "cpu_cores": 8, "memory_gb": 64}]}
    assert compute_footprint(doc).compute[0].power_w == pytest.approx(186.9504, rel=REL)


def test_pue_resolution_order() -> None:
    # block pue > block provider > document pue > document provider > 1.56
    doc = {
        "location": "FR",
        "pue": 1.4,
        "provider": "aws",
        "compute": [
            one_cpu(pue=1.1, provider="gcp"),  # own pue: 1.1
            one_cpu(provider="gcp"),  # own provider: 1.12
            one_cpu(),  # document pue: 1.4
        ],
    }
    powers = [c.power_w for c in compute_footprint(doc).compute]
    assert powers == pytest.approx([30 * 1.1, 30 * 1.12, 30 * 1.4], rel=REL)
    doc.pop("pue")
    assert compute_footprint(doc).compute[2].power_w == pytest.approx(30 * 1.2)  # aws


# -- hardware ----------------------------------------------------------------------------------


def test_unknown_models_with_given_power() -> None:
    # CPU 2 × 9 W × 0.5 = 9 W; GPU 1 × 100 W × 0.5 = 50 W; memory 10 × 0.3725 = 3.725 W
    # 62.725 W × PUE 1 × 100 h = 6.2725 kWh × 51.28 g = 0.3216538 kg
    doc = {
        "location": "FR",
        "pue": 1,
        "compute": [
            {"hours_per_year": 100, "cpu_model": "Processeur maison", "cpu_tdp_per_core_w": 9,
             "cpu_cores": 2, "cpu_usage": 0.5, "gpu_model": "Carte X", "gpu_tdp_w": 100,
             "gpu_count": 1, "gpu_usage": 0.5, "memory_gb": 10},
        ],
    }
    profile = compute_footprint(doc).compute[0]
    assert profile.energy_kwh == pytest.approx(6.2725, rel=REL)
    assert profile.kg_co2e == pytest.approx(0.3216538, rel=REL)
    assert profile.inputs["cpu_model"] == "Processeur maison"
    sources = [f.source for f in profile.factors]
    assert "valeur saisie (compute[0].cpu_tdp_per_core_w)" in sources
    assert "valeur saisie (compute[0].gpu_tdp_w)" in sources


def test_unknown_gpu_model_left_empty_is_200_w() -> None:
    # 2 GPUs × 200 W × 10 h × PUE 1 = 4 kWh
    doc = {"pue": 1, "compute": [{"hours_per_year": 10, "gpu_count": 2}]}
    profile = compute_footprint(doc).compute[0]
    assert profile.energy_kwh == pytest.approx(4.0, rel=REL)
    assert profile.gpu_energy_kwh == pytest.approx(4.0, rel=REL)


def test_known_cpu_without_core_count_uses_the_whole_cpu() -> None:
    # Xeon Gold 6148: 20 cores × 7.5 W = 150 W × 10 h = 1.5 kWh
    doc = {"pue": 1, "compute": [{"hours_per_year": 10, "cpu_model": "Xeon Gold 6148"}]}
    profile = compute_footprint(doc).compute[0]
    assert profile.energy_kwh == pytest.approx(1.5, rel=REL)
    assert profile.inputs["cpu_cores"] == 20


@pytest.mark.parametrize(
    ("model", "watts"),
    [
        ("nvidia a100 40gb pcie", 250),  # case and vendor prefix do not matter
        ("A100 80GB PCIe", 300),
        ("NVIDIA Tesla T4", 70),
        ("NVIDIA H100 SXM5 80GB", 700),  # Boussole addition (NVIDIA datasheet)
        ("NVIDIA L4", 72),
    ],
)
def test_gpu_lookup(model: str, watts: float) -> None:
    doc = {"pue": 1, "compute": [{"hours_per_year": 1000, "gpu_count": 1, "gpu_model": model}]}
    assert compute_footprint(doc).compute[0].energy_kwh == pytest.approx(watts, rel=REL)


def test_cpu_lookup_with_vendor_prefix_and_addition() -> None:
    # Intel Xeon Gold 6148 → 7.5 W/core; AMD EPYC 7763 → 4.4 W/core (GA);
    # Xeon Platinum 8380 → 270 W / 40 cores = 6.75 W/core (Boussole addition)
    doc = {
        "pue": 1,
        "compute": [
            {"hours_per_year": 1000, "cpu_cores": 1, "cpu_model": "Intel Xeon Gold 6148"},
            {"hours_per_year": 1000, "cpu_cores": 1, "cpu_model": "AMD EPYC 7763"},
            {"hours_per_year": 1000, "cpu_cores": 1, "cpu_model": "Xeon Platinum 8380"},
        ],
    }
    energies = [c.energy_kwh for c in compute_footprint(doc).compute]
    assert energies == pytest.approx([7.5, 4.4, 6.75], rel=REL)


def test_cpu_and_gpu_split() -> None:
    # Reference case B: CPU + memory = (96 + 23.84) × 1.2 × 200 h = 28.7616 kWh → 1.474894848 kg
    # GPU = 250 × 1.2 × 200 h = 60 kWh → 3.0768 kg
    doc = {
        "location": "FR",
        "compute": [
            {"hours_per_year": 200, "gpu_count": 1, "gpu_model": "NVIDIA A100 40GB PCIe",
             "cpu_cores": 8, "memory_gb": 64, "pue": 1.2},
        ],
    }
    result = compute_footprint(doc)
    profile = result.compute[0]
    assert profile.cpu_memory_energy_kwh == pytest.approx(28.7616, rel=REL)
    assert profile.gpu_energy_kwh == pytest.approx(60.0, rel=REL)
    assert profile.kg_co2e_cpu_memory == pytest.approx(1.474894848, rel=REL)
    assert profile.kg_co2e_gpu == pytest.approx(3.0768, rel=REL)
    assert result.grid["Q45"].value == pytest.approx(1.474894848, rel=REL)
    assert result.grid["Q51"].value == pytest.approx(3.0768, rel=REL)
    assert "Q59" not in result.grid and "Q27" not in result.grid


# -- training ----------------------------------------------------------------------------------


def test_training_multipliers() -> None:
    # P = (300 W + 32 × 0.3725) × 1.12 (Azure) = 349.3504 W; main run 50 h = 17.46752 kWh
    # multiplier 1 + 2 + 0.1 × 4 = 3.4 → 59.389568 kWh × 51.28 g = 3.04549704704 kg
    # GPU part 50 × 300 × 1.12 / 1000 × 3.4 = 57.12 kWh → 2.9291136 kg
    # per year over 5 years: 0.609099409408 kg
    doc = {
        "service_years": 5,
        "location": "FR",
        "training": {
            "hours": 50, "gpu_count": 1, "gpu_model": "NVIDIA A100 80GB PCIe",
            "memory_gb": 32, "provider": "azure", "rd_factor": 2, "retrainings": 4,
            "retraining_fraction": 0.1,
        },
    }
    result = compute_footprint(doc)
    training = result.training
    assert training is not None
    assert training.main_run_energy_kwh == pytest.approx(17.46752, rel=REL)
    assert training.multiplier == pytest.approx(3.4, rel=REL)
    assert training.energy_kwh == pytest.approx(59.389568, rel=REL)
    assert training.kg_co2e == pytest.approx(3.04549704704, rel=REL)
    assert training.kg_co2e_gpu == pytest.approx(2.9291136, rel=REL)
    assert training.kg_co2e_per_year == pytest.approx(0.609099409408, rel=REL)
    # Training is spread over the service years in per_year, counted once in lifetime.
    assert result.per_year.kg_co2e == pytest.approx(0.609099409408, rel=REL)
    assert result.lifetime.kg_co2e == pytest.approx(3.04549704704, rel=REL)
    assert result.grid["Q51"].value == pytest.approx(2.9291136 / 5, rel=REL)


@pytest.mark.parametrize(
    ("extra", "multiplier"),
    [
        ({}, 1.0),  # main run only
        ({"retrainings": 2}, 3.0),  # 1 + 0 + 1.0 (full retraining by default) × 2
        ({"rd_factor": 0.5, "retrainings": 10, "retraining_fraction": 0.2}, 3.5),
    ],
)
def test_training_multiplier_defaults(extra: dict[str, Any], multiplier: float) -> None:
    # 10 h × 1 core × 10 W × PUE 1 = 0.1 kWh per run
    training = {"hours": 10, "cpu_cores": 1, "cpu_tdp_per_core_w": 10, "pue": 1, **extra}
    result = compute_footprint({"training": training}).training
    assert result is not None
    assert result.energy_kwh == pytest.approx(0.1 * multiplier, rel=REL)


# -- LLM API -----------------------------------------------------------------------------------


def test_llm_api_mixture_of_experts_and_location() -> None:
    # 47 B total at 16 bits × 1.2 = 112.8 GB → 2 GPUs of 80 GB (EcoLogits); Germany → zone DEU
    doc = {
        "llm_api": {"requests_per_year": 1000, "output_tokens": 200, "active_params_b": 13,
                    "total_params_b": 47, "location": "DE", "provider": "aws"},
    }
    result = compute_footprint(doc)
    llm = result.llm_api
    assert llm is not None
    assert llm.per_request["gpu_count"] == 2
    assert llm.inputs["ecologits_zone"] == "DEU"
    assert llm.inputs["pue"] == 1.2
    names = [f.name for f in llm.factors]
    assert "ecologits.electricity_mix.DEU" in names
    assert llm.kg_co2e == pytest.approx(llm.kg_co2e_usage + llm.kg_co2e_embodied)
    assert any("EcoLogits" in note and "DEU" in note for note in result.notes)


def test_llm_api_measured_latency_caps_generation_time() -> None:
    base = {"requests_per_year": 1, "output_tokens": 300, "active_params_b": 70, "pue": 1.2}
    estimated = compute_footprint({"llm_api": base}).llm_api
    measured = compute_footprint({"llm_api": {**base, "request_latency_s": 1}}).llm_api
    assert estimated is not None and measured is not None
    assert estimated.per_request["generation_latency_s"] > 20
    assert measured.per_request["generation_latency_s"] == 1
    assert measured.kg_co2e_embodied < estimated.kg_co2e_embodied
    assert estimated.inputs["total_params_b"] == 70  # dense: total = active


def test_llm_api_yearly_is_per_request_times_requests() -> None:
    base = {"output_tokens": 300, "active_params_b": 7, "location": "FR", "pue": 1.1}
    one = compute_footprint({"llm_api": {**base, "requests_per_year": 1}}).llm_api
    many = compute_footprint({"llm_api": {**base, "requests_per_year": 12_345}}).llm_api
    assert one is not None and many is not None
    assert many.energy_kwh == pytest.approx(one.energy_kwh * 12_345, rel=1e-9)
    assert many.kg_co2e == pytest.approx(one.kg_co2e * 12_345, rel=1e-9)


# -- storage and transfer ----------------------------------------------------------------------


def test_storage_ssd_with_replication() -> None:
    # 2 TB × 1.2 Wh/TB·h × 8760 h / 1000 × 3 copies × PUE 1.2 = 75.6864 kWh/yr
    # × 51.28 g = 3.881198592 kg/yr; over 4 years: 302.7456 kWh, 15.524794368 kg
    doc = {"location": "FR",
           "storage": {"tb": 2, "media": "ssd", "replication": 3, "pue": 1.2, "years": 4}}
    result = compute_footprint(doc)
    storage = result.storage
    assert storage is not None
    assert storage.energy_kwh == pytest.approx(75.6864, rel=REL)
    assert storage.kg_co2e == pytest.approx(3.881198592, rel=REL)
    assert storage.energy_kwh_total == pytest.approx(302.7456, rel=REL)
    assert storage.kg_co2e_total == pytest.approx(15.524794368, rel=REL)
    out = result.to_json()["components"]["storage"]
    assert out["energy_kwh_total"] == pytest.approx(302.7456)
    assert out["kg_co2e_total"] == pytest.approx(15.524794368)
    assert result.grid["Q59"].value == pytest.approx(3.881198592, rel=REL)
    assert any("ne couvre ni le stockage ni le transfert" in n for n in result.notes)


def test_storage_hdd_default_pue_germany() -> None:
    # 10 TB × 0.65 × 8.76 = 56.94 kWh × PUE 1.56 (unknown) = 88.8264 kWh × 338.66 g
    # = 30.081948624 kg/yr; years default to service_years (3)
    doc = {"service_years": 3, "location": "DE", "storage": {"tb": 10, "media": "HDD"}}
    storage = compute_footprint(doc).storage
    assert storage is not None
    assert storage.energy_kwh == pytest.approx(88.8264, rel=REL)
    assert storage.kg_co2e == pytest.approx(30.081948624, rel=REL)
    assert storage.years == 3


@pytest.mark.parametrize(
    ("kwh_per_gb", "kwh"),
    [
        (None, 29.5),  # default Sustainable Web Design v4: 500 GB × 0.059
        ("swd-v4", 29.5),
        ("aslan-2018", 30.0),  # 500 × 0.06
        ("ccf", 0.5),  # 500 × 0.001
        (0.01, 5.0),  # a value given by the vendor
    ],
)
def test_transfer_factors(kwh_per_gb: Any, kwh: float) -> None:
    doc = {"location": "FR", "transfer": {"gb_per_year": 500, "kwh_per_gb": kwh_per_gb}}
    transfer = compute_footprint(doc).transfer
    assert transfer is not None
    assert transfer.energy_kwh == pytest.approx(kwh, rel=REL)
    assert transfer.kg_co2e == pytest.approx(kwh * 51.28 / 1000, rel=REL)  # no PUE
    spread = {a["factor"]: a["energy_kwh"] for a in transfer.alternatives}
    assert spread == pytest.approx({"swd-v4": 29.5, "aslan-2018": 30.0, "ccf": 0.5})


# -- equipment ---------------------------------------------------------------------------------


def test_embodied_equipment() -> None:
    # server: 2 × 947.77 / 5 yr × 1 = 379.108 kg/yr
    # gpu (H100 class): 4 × 164 / 4 yr × 0.5 = 82 kg/yr
    # laptop (given): 10 × 200 / 4 yr × 0.25 = 125 kg/yr
    # ssd: 1 × 86.51 / 5 = 17.302; hdd: 1 × 31.11 / 5 = 6.222
    # total 609.632 kg/yr; Q27 over 3 service years = 1828.896 kg
    doc = {
        "service_years": 3,
        "equipment": [
            {"type": "server", "count": 2, "lifetime_years": 5},
            {"type": "gpu", "count": 4, "lifetime_years": 4, "share": 0.5},
            {"type": "laptop", "count": 10, "lifetime_years": 4, "embodied_kg": 200,
             "share": 0.25},
            {"type": "ssd", "count": 1, "lifetime_years": 5},
            {"type": "hdd", "count": 1, "lifetime_years": 5, "embodied_kg": None},
        ],
    }
    result = compute_footprint(doc)
    equipment = result.equipment
    assert equipment is not None
    per_item = [item.kg_co2e for item in equipment.items]
    assert per_item == pytest.approx([379.108, 82.0, 125.0, 17.302, 6.222], rel=REL)
    assert equipment.kg_co2e == pytest.approx(609.632, rel=REL)
    assert equipment.items[0].kg_co2e_embodied == pytest.approx(1895.54, rel=REL)
    assert result.grid["Q27"].value == pytest.approx(609.632 * 3, rel=REL)
    assert result.per_year.kg_co2e == pytest.approx(609.632, rel=REL)
    sources = {f.name: f.source for f in equipment.factors}
    assert "Boavizta" in sources["embodied.server"]
    assert "NVIDIA" in sources["embodied.gpu"]
    assert sources["embodied.laptop"] == "valeur saisie (equipment[2].embodied_kg)"


# -- factor sets -------------------------------------------------------------------------------


def test_ademe_factor_set_for_france() -> None:
    # Case A with ADEME's 52 g/kWh instead of 51.28: 117.376 kWh × 52 g = 6.103552 kg
    doc = {
        "location": "FR",
        "factor_set": "ademe-2022",
        "compute": [{"hours_per_year": 1000, "cpu_cores": 8, "cpu_model": "Xeon Gold 6148",
                     "memory_gb": 64, "pue": 1.4}],
    }
    result = compute_footprint(doc)
    assert result.compute[0].kg_co2e == pytest.approx(6.103552, rel=REL)
    ci = result.compute[0].factors[-1]
    assert ci.value == 52 and "ADEME" in ci.source
    assert result.to_json()["factor_set"] == "ademe-2022"


def test_ademe_factor_set_outside_france_is_refused() -> None:
    doc = {"factor_set": "ademe-2022", "location": "FR",
           "compute": [one_cpu(location="DE")]}
    with pytest.raises(InvalidDocument) as caught:
        compute_footprint(doc)
    (problem,) = caught.value.problems
    assert problem.path == ("compute", 0, "location")
    assert "ne vaut que pour la France" in problem.message


def test_ademe_factor_set_without_location_is_refused() -> None:
    with pytest.raises(InvalidDocument) as caught:
        compute_footprint({"factor_set": "ademe-2022", "compute": [one_cpu()]})
    assert caught.value.problems[0].path == ("factor_set",)


def test_ademe_factor_set_leaves_llm_api_on_ecologits_mix() -> None:
    doc = {"factor_set": "ademe-2022", "location": "FR",
           "llm_api": {"requests_per_year": 10, "output_tokens": 100, "active_params_b": 7,
                       "location": "DE"}}
    llm = compute_footprint(doc).llm_api
    assert llm is not None and llm.inputs["ecologits_zone"] == "DEU"


# -- checks ------------------------------------------------------------------------------------


def test_checks_all_true() -> None:
    doc = {"location": "FR", "pue": 1.4, "green_energy_share": 0.8, "compute": [one_cpu()]}
    checks = compute_footprint(doc).checks
    assert (checks.pue_below_1_5, checks.located_in_france, checks.green_energy_over_50) == (
        True, True, True,
    )


def test_checks_all_false() -> None:
    doc = {"location": "DE", "pue": 1.6, "green_energy_share": 0.5, "compute": [one_cpu()]}
    checks = compute_footprint(doc).checks
    assert (checks.pue_below_1_5, checks.located_in_france, checks.green_energy_over_50) == (
        False, False, False,  # 50 % is not "more than 50 %"
    )


def test_checks_unknown() -> None:
    checks = compute_footprint({"compute": [one_cpu()]}).to_json()["checks"]
    assert checks == {"pue_below_1_5": None, "located_in_france": None,
                      "green_energy_over_50": None}


def test_checks_mixed_blocks() -> None:
    # provider default PUE of a cloud is known (AWS 1.2); one block outside France → False
    doc = {"provider": "aws", "location": "FR",
           "compute": [one_cpu(), one_cpu(location="IE")]}
    checks = compute_footprint(doc).checks
    assert checks.pue_below_1_5 is True
    assert checks.located_in_france is False
    # a local server without PUE is unknown
    doc = {"provider": "local", "location": "FR", "compute": [one_cpu()]}
    assert compute_footprint(doc).checks.pue_below_1_5 is None


# -- totals and output -------------------------------------------------------------------------


SPEC_EXAMPLE: dict[str, Any] = {
    "service_years": 5, "location": "FR", "pue": 1.4, "provider": "local",
    "factor_set": "green-algorithms-3.0",
    "compute": [{"label": "inference", "hours_per_year": 1000, "cpu_cores": 8,
                 "cpu_model": "Xeon Gold 6148", "cpu_usage": 1.0, "gpu_count": 0,
                 "gpu_model": None, "gpu_usage": 1.0, "memory_gb": 64, "pue": None,
                 "location": None}],
    "training": {"hours": 50, "gpu_count": 1, "gpu_model": "NVIDIA A100 80GB PCIe",
                 "memory_gb": 32, "provider": "azure", "rd_factor": 2, "retrainings": 4,
                 "retraining_fraction": 0.1},
    "llm_api": {"requests_per_year": 100000, "output_tokens": 300, "active_params_b": 70,
                "total_params_b": 70, "location": "FR", "pue": 1.2},
    "storage": {"tb": 2, "media": "ssd", "years": 5, "replication": 1, "pue": 1.4},
    "transfer": {"gb_per_year": 1000, "kwh_per_gb": None},
    "equipment": [{"type": "server", "count": 2, "lifetime_years": 5, "embodied_kg": None,
                   "share": 1.0}],
}


def test_spec_example_totals_and_grid_identity() -> None:
    result = compute_footprint(SPEC_EXAMPLE)
    years = 5
    assert result.lifetime.kg_co2e == pytest.approx(result.per_year.kg_co2e * years)
    components = (
        result.compute[0].kg_co2e * years
        + result.training.kg_co2e  # type: ignore[union-attr]
        + result.llm_api.kg_co2e * years  # type: ignore[union-attr]
        + result.storage.kg_co2e_total  # type: ignore[union-attr]
        + result.transfer.kg_co2e * years  # type: ignore[union-attr]
        + result.equipment.kg_co2e * years  # type: ignore[union-attr]
    )
    assert result.lifetime.kg_co2e == pytest.approx(components)
    grid = result.grid
    by_grid = grid["Q27"].value + years * (
        grid["Q45"].value + grid["Q51"].value + grid["Q59"].value
    )
    assert by_grid == pytest.approx(result.lifetime.kg_co2e)


def test_output_shape() -> None:
    out = compute_footprint(SPEC_EXAMPLE).to_json()
    assert set(out["components"]) == {
        "compute", "training", "llm_api", "storage", "transfer", "equipment",
    }
    for name, block in out["components"].items():
        blocks = block if name == "compute" else [block]
        for item in blocks:
            assert {"energy_kwh", "kg_co2e", "factors"} <= set(item)
    assert {"energy_kwh_total", "kg_co2e_total"} <= set(out["components"]["storage"])
    assert {"kg_co2e_usage", "kg_co2e_embodied"} <= set(out["components"]["llm_api"])
    assert {"per_year", "lifetime", "checks", "factors", "notes", "grid"} <= set(out)
    assert set(out["grid"]) == {"Q27", "Q45", "Q51", "Q59"}
    for factor in out["factors"]:
        assert set(factor) == {"name", "label", "value", "unit", "source"}
        assert factor["source"]
    names = {f["name"] for f in out["factors"]}
    assert {"carbon_intensity.FR", "memory_power", "storage_ssd", "transfer_swd_v4",
            "embodied.server", "ecologits.electricity_mix.FRA"} <= names


def test_empty_document_is_all_zero() -> None:
    result = compute_footprint({})
    assert result.per_year.kg_co2e == 0 and result.lifetime.kg_co2e == 0
    assert result.to_json()["components"] == {}


def test_explicit_world_location_is_not_a_known_place() -> None:
    doc = {"location": "WORLD", "pue": 1.2, "compute": [one_cpu()]}
    assert compute_footprint(doc).checks.located_in_france is None


def test_ecologits_runs_offline_without_provider_sdks() -> None:
    import subprocess
    import sys

    code = (
        "import socket, sys\n"
        "def refuse(*a, **k): raise RuntimeError('network')\n"
        "socket.socket.connect = refuse; socket.create_connection = refuse\n"
        "socket.getaddrinfo = refuse\n"
        "from boussole.core.footprint import compute_footprint\n"
        "r = compute_footprint({'llm_api': {'requests_per_year': 10, 'output_tokens': 10,"
        " 'active_params_b': 7, 'location': 'FR'}})\n"
        "assert r.llm_api.kg_co2e > 0\n"
        "bad = [m for m in sys.modules if m.startswith(('ecologits.tracers', 'openai',"
        " 'anthropic', 'mistralai', 'huggingface_hub', 'litellm', 'django'))]\n"
        "assert not bad, bad\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
