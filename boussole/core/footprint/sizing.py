"""Sizing help: from a few facts about a use case to a full footprint input document.

A project lead rarely knows GPU hours or tokens per answer. :func:`estimate_from_sizing` turns
"a chatbot, 5,000 questions a month, a 7 B model, in France, through an API" into an input
document for the same calculator, and lists every assumption it made, in French, with its
source, so that the group can check and replace them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from boussole.core.errors import InvalidDocument, Problem
from boussole.core.footprint import data, llm
from boussole.core.footprint.places import PlaceUnknown, parse_place

JSON = dict[str, Any]

ECOLOGITS_PRESETS = "préréglages du calculateur EcoLogits (jetons de sortie par requête)"


@dataclass(frozen=True)
class UseCase:
    label: str
    output_tokens: int
    source: str


USE_CASES: dict[str, UseCase] = {
    "chatbot": UseCase(
        "agent conversationnel",
        400,
        f"{ECOLOGITS_PRESETS} : « Small conversation with a chatbot », 400 jetons",
    ),
    "summary": UseCase(
        "résumé de documents",
        250,
        f"{ECOLOGITS_PRESETS} : « Write an article summary », 250 jetons",
    ),
    "email": UseCase(
        "rédaction de courriels ou de courriers",
        170,
        f"{ECOLOGITS_PRESETS} : « Write an email », 170 jetons",
    ),
    "classification": UseCase(
        "classification ou extraction (réponse courte)",
        50,
        f"hypothèse Boussole, réponse courte, ordre de grandeur du préréglage « Write a "
        f"tweet » ({ECOLOGITS_PRESETS}), 50 jetons",
    ),
    "report": UseCase(
        "rédaction de rapports longs",
        5000,
        f"{ECOLOGITS_PRESETS} : « Write a 5-page report », 5 000 jetons",
    ),
}
HOSTINGS = ("api", "self_hosted")

#: Self-hosted defaults.
DEFAULT_CPU_CORES = 8
MIN_SERVER_MEMORY_GB = 32
SELF_HOSTED_BATCH = 1
GPU_40GB = ("NVIDIA A100 40GB PCIe", 40.0)
GPU_80GB = ("NVIDIA A100 80GB PCIe", 80.0)


@dataclass(frozen=True)
class Assumption:
    """One assumption of a sizing estimate, in French, with its source."""

    label: str
    value: str
    source: str

    def to_json(self) -> JSON:
        return {"label": self.label, "value": self.value, "source": self.source}


@dataclass(frozen=True)
class SizingEstimate:
    document: JSON  # a footprint input document
    assumptions: tuple[Assumption, ...]

    def to_json(self) -> JSON:
        return {
            "document": self.document,
            "assumptions": [a.to_json() for a in self.assumptions],
        }


def _fr(value: float, digits: int = 4) -> str:
    """A number written the French way: 60 000 ; 16,8 ; 1,87."""
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}".replace(",", "\u202f")
    if abs(value) >= 10 ** digits:
        return f"{value:,.0f}".replace(",", "\u202f")
    return f"{value:.{digits}g}".replace(".", ",")


def _check_number(
    problems: list[Problem], name: str, value: Any, *, positive: bool = False
) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        problems.append(Problem((name,), "doit être un nombre."))
        return 1.0
    if value < 0 or (positive and value == 0):
        expected = "strictement positif" if positive else "positif ou nul"
        problems.append(Problem((name,), f"doit être {expected}."))
        return 1.0
    return float(value)


def estimate_from_sizing(
    *,
    use_case: str = "chatbot",
    requests_per_month: float | None = None,
    model_params_b: float,
    requests_per_year: float | None = None,
    location: str = "FR",
    hosting: str = "api",
    active_params_b: float | None = None,
    output_tokens: float | None = None,
    service_years: float = 5,
    provider: str | None = None,
    pue: float | None = None,
    availability_hours_per_year: float = 8760,
    equipment_lifetime_years: float | None = None,
) -> SizingEstimate:
    """A footprint input document for an LLM use case, and the assumptions behind it.

    ``hosting="api"`` gives an ``llm_api`` block (EcoLogits); ``hosting="self_hosted"`` gives a
    compute profile for a dedicated inference server (Green Algorithms) and its equipment.
    The volume is given per month (``requests_per_month``) or per year
    (``requests_per_year``), not both. Raises :class:`InvalidDocument` (French messages) on
    invalid parameters.
    """
    problems: list[Problem] = []
    case = USE_CASES.get(use_case)
    if case is None:
        problems.append(
            Problem(("use_case",), f"cas d'usage inconnu « {use_case} » ; valeurs admises : "
                    f"{', '.join(USE_CASES)}.")
        )
    if hosting not in HOSTINGS:
        problems.append(
            Problem(("hosting",), f"hébergement inconnu « {hosting} » ; valeurs admises : "
                    f"{', '.join(HOSTINGS)}.")
        )
    try:
        location = parse_place(location)
    except PlaceUnknown as exc:
        problems.append(Problem(("location",), str(exc)))
    if provider is not None and provider not in data.PROVIDERS:
        problems.append(
            Problem(("provider",), f"fournisseur inconnu « {provider} » ; valeurs admises : "
                    f"{', '.join(data.PROVIDERS)}.")
        )
    if (requests_per_month is None) == (requests_per_year is None):
        problems.append(Problem(("requests_per_year",), "indiquez le nombre de requêtes par "
                                "mois ou par an (l'un des deux)."))
        requests_per_year = 1.0
    if requests_per_year is not None:
        yearly = _check_number(problems, "requests_per_year", requests_per_year)
        volume_text = _fr(yearly)
    else:
        monthly = _check_number(problems, "requests_per_month", requests_per_month)
        yearly = monthly * 12
        volume_text = f"{_fr(yearly)} (= {_fr(monthly)} par mois × 12)"
    total_b = _check_number(problems, "model_params_b", model_params_b, positive=True)
    active_b = (
        _check_number(problems, "active_params_b", active_params_b, positive=True)
        if active_params_b is not None
        else total_b
    )
    years = _check_number(problems, "service_years", service_years, positive=True)
    hours = _check_number(
        problems, "availability_hours_per_year", availability_hours_per_year, positive=True
    )
    tokens = (
        _check_number(problems, "output_tokens", output_tokens)
        if output_tokens is not None
        else None
    )
    if pue is not None and _check_number(problems, "pue", pue) < 1:
        problems.append(Problem(("pue",), "un PUE est toujours supérieur ou égal à 1."))
    lifetime = (
        _check_number(problems, "equipment_lifetime_years", equipment_lifetime_years,
                      positive=True)
        if equipment_lifetime_years is not None
        else None
    )
    if problems or case is None:
        raise InvalidDocument(problems, source="estimation par dimensionnement")

    requests_per_year = yearly
    tokens = float(case.output_tokens) if tokens is None else tokens
    document: JSON = {"service_years": years, "location": location.upper()}
    if provider is not None:
        document["provider"] = provider
    if pue is not None:
        document["pue"] = pue
    assumptions = [
        Assumption(
            "Requêtes par an",
            volume_text,
            "donnée du porteur",
        ),
        Assumption(
            f"Jetons générés par réponse ({case.label})",
            _fr(tokens),
            "valeur saisie" if output_tokens is not None else case.source,
        ),
        Assumption(
            "Taille du modèle",
            f"{_fr(total_b)} Md de paramètres, dont {_fr(active_b)} Md actifs par jeton",
            "donnée du porteur ou du fournisseur",
        ),
        Assumption(
            "Durée de vie du service", f"{_fr(years)} ans", "donnée du porteur (5 ans par défaut)"
        ),
    ]
    pue_text = (
        f"{_fr(pue)} (valeur saisie)"
        if pue is not None
        else f"{_fr(data.default_pue(provider).value)} (valeur par défaut de Green Algorithms "
        f"pour {provider or 'une infrastructure inconnue'})"
    )
    assumptions.append(Assumption("PUE du centre de données", pue_text, "Green Algorithms v3.0"))

    if hosting == "api":
        document["llm_api"] = {
            "requests_per_year": requests_per_year,
            "output_tokens": tokens,
            "active_params_b": active_b,
            "total_params_b": total_b,
        }
        latency = llm.generation_latency_s(
            active_params_b=active_b, output_tokens=tokens, batch_size=64
        )
        place = data.find_location(location) or data.locations()[data.WORLD]
        assumptions += [
            Assumption(
                "Durée de génération d'une réponse",
                f"{_fr(latency)} s (estimée par EcoLogits, lots de 64 requêtes)",
                f"{llm.ECOLOGITS}, régression de la durée d'une requête",
            ),
            Assumption(
                "Matériel du fournisseur d'API",
                "serveurs de 8 GPU de 80 Go, 1,2 kW hors GPU, durée de vie 3 ans",
                f"{llm.ECOLOGITS}, hypothèses de modélisation des LLM",
            ),
            Assumption(
                "Mix électrique",
                f"zone EcoLogits {data.ecologits_zone(place)}",
                f"{llm.ECOLOGITS}, mix électrique par pays",
            ),
        ]
        return SizingEstimate(document=document, assumptions=tuple(assumptions))

    # Self-hosted: a dedicated inference server.
    need_gb = llm.required_gpu_memory_gb(total_b)
    gpu_model, gpu_memory = GPU_40GB if need_gb <= GPU_40GB[1] else GPU_80GB
    count = math.ceil(need_gb / gpu_memory)
    gpu_count = 2 ** math.ceil(math.log2(count)) if count > 1 else 1
    latency = llm.generation_latency_s(
        active_params_b=active_b, output_tokens=tokens, batch_size=SELF_HOSTED_BATCH
    )
    busy_hours = requests_per_year * latency / 3600
    usage = min(1.0, busy_hours / hours)
    memory_gb = float(max(MIN_SERVER_MEMORY_GB, math.ceil(need_gb)))
    equipment_years = lifetime if lifetime is not None else 3.0
    document["compute"] = [
        {
            "label": "serveur d'inférence dédié",
            "hours_per_year": hours,
            "cpu_cores": DEFAULT_CPU_CORES,
            "cpu_usage": usage,
            "gpu_count": gpu_count,
            "gpu_model": gpu_model,
            "gpu_usage": usage,
            "memory_gb": memory_gb,
        }
    ]
    document["equipment"] = [
        {"type": "server", "count": 1, "lifetime_years": equipment_years, "share": 1.0},
        {"type": "gpu", "count": gpu_count, "lifetime_years": equipment_years, "share": 1.0},
    ]
    assumptions += [
        Assumption(
            "Mémoire GPU nécessaire",
            f"{_fr(need_gb)} Go (poids sur 16 bits + 20 %)",
            f"{llm.ECOLOGITS}, méthode de dimensionnement des serveurs",
        ),
        Assumption(
            "GPU",
            f"{gpu_count} × {gpu_model}",
            "hypothèse Boussole : plus petit GPU de centre de données de la table Green "
            "Algorithms dont la mémoire suffit, nombre arrondi à une puissance de 2 (EcoLogits)",
        ),
        Assumption(
            "CPU et mémoire vive du serveur",
            f"{DEFAULT_CPU_CORES} cœurs de modèle inconnu (12 W par cœur), "
            f"{_fr(memory_gb)} Go de mémoire vive",
            "hypothèse Boussole (au moins 32 Go, et de quoi charger le modèle) ; 12 W par cœur : "
            "valeur par défaut de Green Algorithms",
        ),
        Assumption(
            "Durée de génération d'une réponse",
            f"{_fr(latency)} s (une requête à la fois)",
            f"{llm.ECOLOGITS}, régression de latence avec un lot de 1",
        ),
        Assumption(
            "Heures de calcul effectif par an",
            f"{_fr(busy_hours)} h",
            "requêtes par an × durée de génération",
        ),
        Assumption(
            "Heures de fonctionnement du serveur par an",
            f"{_fr(hours)} h",
            "hypothèse Boussole : serveur dédié allumé en permanence (8 760 h) sauf indication",
        ),
        Assumption(
            "Taux d'utilisation moyen du CPU et du GPU",
            f"{_fr(usage * 100, 3)} %",
            "heures de calcul effectif ÷ heures de fonctionnement, au sens du facteur "
            "d'utilisation de Green Algorithms (la consommation au repos n'est pas modélisée : "
            "l'estimation est basse pour un serveur peu chargé)",
        ),
        Assumption(
            "Durée de vie du serveur et des GPU",
            f"{_fr(equipment_years)} ans",
            "valeur saisie"
            if lifetime is not None
            else f"{llm.ECOLOGITS}, durée de vie du matériel (3 ans)",
        ),
        Assumption(
            "Fabrication d'un GPU",
            "164 kg CO2e (classe H100, appliqué faute de mieux à l'A100)",
            "NVIDIA, empreinte carbone produit du HGX H100",
        ),
    ]
    return SizingEstimate(document=document, assumptions=tuple(assumptions))
