"""Sizing help: a few facts about a use case → a valid input document and its assumptions."""

from __future__ import annotations

import pytest

from boussole.core.errors import InvalidDocument
from boussole.core.footprint import compute_footprint, estimate_from_sizing, parse_document
from boussole.core.footprint.sizing import USE_CASES


def test_api_chatbot_7b_france() -> None:
    estimate = estimate_from_sizing(
        use_case="chatbot", requests_per_month=5000, model_params_b=7, location="FR",
        hosting="api",
    )
    parse_document(estimate.document)  # a valid input document
    llm = estimate.document["llm_api"]
    assert llm["requests_per_year"] == 60_000  # 5,000 × 12
    assert llm["output_tokens"] == 400  # EcoLogits preset for a chatbot conversation
    result = compute_footprint(estimate.document)
    assert result.llm_api is not None
    assert 0 < result.per_year.kg_co2e < 100  # well under 100 kg CO2e a year in France
    assert 0 < result.per_year.energy_kwh < 1000
    labels = [a.label for a in estimate.assumptions]
    assert any("Jetons" in label for label in labels)
    assert any("génération" in label for label in labels)
    assert all(a.source for a in estimate.assumptions)
    assert any("EcoLogits" in a.source for a in estimate.assumptions)


def test_self_hosted_chatbot_7b_france() -> None:
    estimate = estimate_from_sizing(
        use_case="chatbot", requests_per_month=5000, model_params_b=7, location="FR",
        hosting="self_hosted",
    )
    profile = estimate.document["compute"][0]
    # 7 B × 2 bytes × 1.2 = 16.8 GB → one A100 40GB
    assert profile["gpu_count"] == 1
    assert profile["gpu_model"] == "NVIDIA A100 40GB PCIe"
    assert profile["hours_per_year"] == 8760
    assert 0 < profile["gpu_usage"] < 0.1  # a dedicated server for 5,000 questions is idle
    result = compute_footprint(estimate.document)
    assert result.equipment is not None
    # dominated by the embodied emissions of a dedicated server, plausible order of magnitude
    assert 10 < result.per_year.kg_co2e < 2000
    assert result.compute[0].kg_co2e < 100
    api = compute_footprint(
        estimate_from_sizing(requests_per_month=5000, model_params_b=7).document
    )
    assert api.per_year.kg_co2e < result.per_year.kg_co2e
    labels = " ".join(a.label for a in estimate.assumptions)
    assert "GPU" in labels and "Heures" in labels


def test_large_model_needs_several_gpus() -> None:
    # 70 B × 2 × 1.2 = 168 GB → ceil(168 / 80) = 3 → 4 A100 80GB (power of two, EcoLogits)
    estimate = estimate_from_sizing(
        requests_per_month=1000, model_params_b=70, hosting="self_hosted"
    )
    profile = estimate.document["compute"][0]
    assert (profile["gpu_count"], profile["gpu_model"]) == (4, "NVIDIA A100 80GB PCIe")
    assert estimate.document["equipment"][1]["count"] == 4


@pytest.mark.parametrize("use_case", sorted(USE_CASES))
def test_every_use_case(use_case: str) -> None:
    for hosting in ("api", "self_hosted"):
        estimate = estimate_from_sizing(
            use_case=use_case, requests_per_month=100, model_params_b=8, hosting=hosting,
            location="DE", provider="azure", service_years=3,
        )
        result = compute_footprint(estimate.document)
        assert result.per_year.kg_co2e > 0
        assert result.input.service_years == 3
        assert result.checks.located_in_france is False
        json_out = estimate.to_json()
        assert json_out["document"] == estimate.document
        assert all(set(a) == {"label", "value", "source"} for a in json_out["assumptions"])


def test_overrides() -> None:
    estimate = estimate_from_sizing(
        requests_per_month=10, model_params_b=47, active_params_b=13, output_tokens=123,
        pue=1.3, hosting="api",
    )
    llm = estimate.document["llm_api"]
    assert (llm["active_params_b"], llm["total_params_b"], llm["output_tokens"]) == (13, 47, 123)
    assert estimate.document["pue"] == 1.3
    assert compute_footprint(estimate.document).llm_api is not None


def test_invalid_parameters() -> None:
    with pytest.raises(InvalidDocument) as caught:
        estimate_from_sizing(
            use_case="poème", requests_per_month=-1, model_params_b=0, hosting="cloud",
            location="Lune",
        )
    paths = [p.path for p in caught.value.problems]
    assert paths == [("use_case",), ("hosting",), ("location",), ("requests_per_month",),
                     ("model_params_b",)]
