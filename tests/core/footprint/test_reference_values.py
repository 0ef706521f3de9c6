"""The five reference values of the specification (shared/specs/footprint.md), to 0.1 %."""

from __future__ import annotations

import pytest

from boussole.core.footprint import compute_footprint

REL = 1e-3


def test_a_xeon_gold_6148_pue_1_4_france() -> None:
    # 8 × 7.5 W = 60 W; 64 GB × 0.3725 = 23.84 W; (60 + 23.84) × 1.4 = 117.376 W
    # × 1,000 h = 117.376 kWh × 51.28 g/kWh = 6.019 kg
    doc = {
        "location": "FR",
        "compute": [
            {"hours_per_year": 1000, "cpu_cores": 8, "cpu_model": "Xeon Gold 6148",
             "cpu_usage": 1, "memory_gb": 64, "pue": 1.4},
        ],
    }
    profile = compute_footprint(doc).compute[0]
    assert profile.energy_kwh == pytest.approx(117.376, rel=REL)
    assert profile.kg_co2e == pytest.approx(6.019, rel=REL)


def test_b_a100_40gb_and_unknown_cpu_pue_1_2_france() -> None:
    # (250 W + 8 × 12 W + 23.84 W) × 1.2 = 443.808 W × 200 h = 88.7616 kWh × 51.28 = 4.552 kg
    doc = {
        "location": "FR",
        "compute": [
            {"hours_per_year": 200, "gpu_count": 1, "gpu_model": "NVIDIA A100 40GB PCIe",
             "cpu_cores": 8, "memory_gb": 64, "pue": 1.2},
        ],
    }
    profile = compute_footprint(doc).compute[0]
    assert profile.energy_kwh == pytest.approx(88.7616, rel=REL)
    assert profile.kg_co2e == pytest.approx(4.552, rel=REL)


def test_c_all_unknown_local_server_world_average() -> None:
    # (8 × 12 + 23.84) × 1.56 = 186.9504 W × 1,000 h = 186.9504 kWh × 475 g = 88.801 kg
    doc = {
        "provider": "local",
        "location": "WORLD",
        "compute": [{"hours_per_year": 1000, "cpu_cores": 8, "memory_gb": 64}],
    }
    profile = compute_footprint(doc).compute[0]
    assert profile.energy_kwh == pytest.approx(186.9504, rel=REL)
    assert profile.kg_co2e == pytest.approx(88.801, rel=REL)


def test_d_xeon_e5_2683_v4_local_server_france() -> None:
    # (12 × 7.5 + 23.84) × 1.56 = 177.5904 W × 12 h = 2.1310848 kWh × 51.28 g = 0.10928 kg
    doc = {
        "provider": "local",
        "location": "FR",
        "compute": [
            {"hours_per_year": 12, "cpu_cores": 12, "cpu_model": "Xeon E5-2683 v4",
             "memory_gb": 64},
        ],
    }
    profile = compute_footprint(doc).compute[0]
    assert profile.energy_kwh == pytest.approx(2.1310848, rel=REL)
    assert profile.kg_co2e == pytest.approx(0.10928, rel=REL)


def test_e_llm_api_ecologits_70b_france() -> None:
    # EcoLogits 0.11.3 compute_llm_impacts, 70 B dense, 300 output tokens, PUE 1.2, zone FRA,
    # latency estimated by EcoLogits; × 100,000 requests.
    doc = {
        "llm_api": {
            "requests_per_year": 100_000, "output_tokens": 300, "active_params_b": 70,
            "total_params_b": 70, "location": "FR", "pue": 1.2,
        },
    }
    llm = compute_footprint(doc).llm_api
    assert llm is not None
    assert llm.energy_kwh == pytest.approx(19.726, rel=REL)
    assert llm.kg_co2e_usage == pytest.approx(0.817, rel=REL)
    assert llm.kg_co2e_embodied == pytest.approx(1.698, rel=REL)
    assert llm.kg_co2e == pytest.approx(0.817 + 1.698, rel=REL)
    out = compute_footprint(doc).to_json()["components"]["llm_api"]
    assert out["kg_co2e"] == pytest.approx(out["kg_co2e_usage"] + out["kg_co2e_embodied"])
