"""Invalid inputs: every problem is reported at once, with its path and a French message."""

from __future__ import annotations

from typing import Any

import pytest

from boussole.core.errors import InvalidDocument, Problem
from boussole.core.footprint import compute_footprint


def problems(doc: Any, source: str | None = None) -> list[Problem]:
    with pytest.raises(InvalidDocument) as caught:
        compute_footprint(doc, source=source)
    return list(caught.value.problems)


def paths(doc: Any) -> list[str]:
    from boussole.core.errors import format_path

    return [format_path(p.path) for p in problems(doc)]


def test_negative_hours() -> None:
    (problem,) = problems({"compute": [{"hours_per_year": -5, "cpu_cores": 2}]})
    assert problem.path == ("compute", 0, "hours_per_year")
    assert problem.message == "doit être positif ou nul (valeur reçue : -5)."


@pytest.mark.parametrize(
    ("key", "value"),
    [("cpu_cores", -1), ("gpu_count", -2), ("memory_gb", -0.5)],
)
def test_negative_counts(key: str, value: float) -> None:
    (problem,) = problems({"compute": [{"hours_per_year": 1, key: value}]})
    assert problem.path == ("compute", 0, key)
    assert "positif ou nul" in problem.message


def test_unknown_cpu_model_without_tdp() -> None:
    (problem,) = problems(
        {"compute": [{"hours_per_year": 1, "cpu_cores": 4, "cpu_model": "Xeon Imaginaire 9"}]}
    )
    assert problem.path == ("compute", 0, "cpu_model")
    assert "modèle de CPU inconnu « Xeon Imaginaire 9 »" in problem.message
    assert "cpu_tdp_per_core_w" in problem.message


def test_unknown_gpu_model_without_tdp() -> None:
    (problem,) = problems(
        {"training": {"hours": 1, "gpu_count": 1, "gpu_model": "Carte Mystère"}}
    )
    assert problem.path == ("training", "gpu_model")
    assert "gpu_tdp_w" in problem.message


def test_unknown_keys_top_level_and_nested() -> None:
    found = problems(
        {
            "compute": [{"hours_per_year": 1, "heures": 3}],
            "trainig": {"hours": 1},
            "storage": {"tb": 1, "raid": True},
        }
    )
    by_path = {p.path: p.message for p in found}
    assert set(by_path) == {("compute", 0, "heures"), ("trainig",), ("storage", "raid")}
    assert by_path[("trainig",)].startswith("clé inconnue « trainig » ; clés admises : ")
    assert "training" in by_path[("trainig",)]


@pytest.mark.parametrize(
    ("doc", "path", "message"),
    [
        ({"compute": [{"hours_per_year": "beaucoup"}]}, ("compute", 0, "hours_per_year"),
         "doit être un nombre, pas un texte."),
        ({"compute": [{"hours_per_year": True}]}, ("compute", 0, "hours_per_year"),
         "doit être un nombre, pas un booléen."),
        ({"compute": [{"hours_per_year": 1, "cpu_model": 6148, "cpu_cores": 1}]},
         ("compute", 0, "cpu_model"), "doit être un texte, pas un nombre entier."),
        ({"compute": {"hours_per_year": 1}}, ("compute",), "doit être une liste, pas un objet."),
        ({"compute": ["profil"]}, ("compute", 0),
         "doit être un objet (clé : valeur), pas un texte."),
        ({"storage": [1, 2]}, ("storage",), "doit être un objet (clé : valeur), pas une liste."),
        ([1, 2], (), "doit être un objet (clé : valeur), pas une liste."),
    ],
)
def test_wrong_types(doc: Any, path: tuple[Any, ...], message: str) -> None:
    (problem,) = problems(doc)
    assert problem.path == path
    assert problem.message == message


@pytest.mark.parametrize(
    ("doc", "path", "fragment"),
    [
        ({"location": "Atlantis"}, ("location",), "lieu inconnu « Atlantis »"),
        ({"compute": [{"hours_per_year": 1, "location": "XX"}]}, ("compute", 0, "location"),
         "lieu inconnu"),
        ({"provider": "ibm"}, ("provider",), "fournisseur inconnu « ibm »"),
        ({"factor_set": "base-carbone"}, ("factor_set",), "jeu de facteurs inconnu"),
        ({"storage": {"tb": 1, "media": "tape"}}, ("storage", "media"),
         "support inconnu « tape » ; valeurs admises : ssd, hdd."),
        ({"transfer": {"gb_per_year": 1, "kwh_per_gb": "fibre"}}, ("transfer", "kwh_per_gb"),
         "facteur de transfert inconnu « fibre »"),
        ({"equipment": [{"type": "laptop", "count": 1, "lifetime_years": 4}]},
         ("equipment", 0, "type"), "indiquez embodied_kg"),
        ({"pue": 0.9}, ("pue",), "un PUE est toujours supérieur ou égal à 1"),
        ({"compute": [{"hours_per_year": 1, "cpu_usage": 1.5}]}, ("compute", 0, "cpu_usage"),
         "doit être compris entre 0 et 1"),
        ({"green_energy_share": 80}, ("green_energy_share",), "compris entre 0 et 1"),
        ({"service_years": 0}, ("service_years",), "strictement positif"),
        ({"equipment": [{"type": "server", "count": 1, "lifetime_years": 0}]},
         ("equipment", 0, "lifetime_years"), "strictement positif"),
        ({"equipment": [{"type": "server", "count": 1, "lifetime_years": 3, "share": 2}]},
         ("equipment", 0, "share"), "compris entre 0 et 1"),
        ({"storage": {"tb": 1, "replication": 0.5}}, ("storage", "replication"),
         "supérieur ou égal à 1"),
        ({"compute": [{"cpu_cores": 1}]}, ("compute", 0, "hours_per_year"),
         "valeur obligatoire manquante."),
        ({"llm_api": {"output_tokens": 10, "active_params_b": 7}},
         ("llm_api", "requests_per_year"), "valeur obligatoire manquante."),
        ({"llm_api": {"requests_per_year": 1, "output_tokens": 10}},
         ("llm_api", "active_params_b"), "valeur obligatoire manquante"),
        ({"llm_api": {"requests_per_year": 1, "output_tokens": 10, "active_params_b": 70,
                      "total_params_b": 7}}, ("llm_api", "total_params_b"),
         "ne peut pas être inférieur"),
        ({"compute": [{"hours_per_year": 1, "cpu_model": "Any"}]}, ("compute", 0, "cpu_cores"),
         "nombre de cœurs requis"),
        ({"compute": [{"hours_per_year": 1, "gpu_model": "NVIDIA Tesla T4"}]},
         ("compute", 0, "gpu_count"), "nombre de GPU requis"),
        ({"compute": [{"hours_per_year": float("nan")}]}, ("compute", 0, "hours_per_year"),
         "nombre fini"),
    ],
)
def test_single_problem(doc: Any, path: tuple[Any, ...], fragment: str) -> None:
    (problem,) = problems(doc)
    assert problem.path == path
    assert fragment in problem.message


def test_several_problems_at_once() -> None:
    doc = {
        "location": "Mars",
        "provider": "ibm",
        "compute": [
            {"hours_per_year": -1, "cpu_model": "Inconnu 1", "cpu_cores": 2},
            {"hours_per_year": "x", "gpu_count": 1, "gpu_model": "Inconnue 2", "couleur": "bleu"},
        ],
        "storage": {"tb": -2, "media": "tape"},
        "equipment": [{"type": "tablette", "count": -1, "lifetime_years": 2}],
    }
    assert paths(doc) == [
        "location",
        "provider",
        "compute[0].hours_per_year",
        "compute[0].cpu_model",
        "compute[1].couleur",
        "compute[1].hours_per_year",
        "compute[1].gpu_model",
        "storage.tb",
        "storage.media",
        "equipment[0].count",
        "equipment[0].type",
    ]


def test_report_names_the_source_and_each_field() -> None:
    with pytest.raises(InvalidDocument) as caught:
        compute_footprint(
            {"compute": [{"hours_per_year": -1}], "transfer": {"gb_per_year": -3}},
            source="empreinte.yaml",
        )
    report = caught.value.report()
    assert report.splitlines()[0] == "empreinte.yaml : document invalide (2 problèmes)"
    assert "  - compute[0].hours_per_year : doit être positif ou nul" in report
    assert "  - transfer.gb_per_year : doit être positif ou nul" in report


@pytest.mark.parametrize("value", [1e308, 1e16])
def test_implausible_magnitudes_are_refused(value: float) -> None:
    """1e308 hours used to compute to infinity, printed as ``Infinity`` (not JSON)."""
    (problem,) = problems({"compute": [{"hours_per_year": value, "cpu_cores": 2}]})
    assert problem.path == ("compute", 0, "hours_per_year")
    assert problem.message.startswith("valeur invraisemblable : au plus 1 × 10^15")
