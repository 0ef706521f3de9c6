"""The calculator's input documents seen from the web: numbers as people type them, the core's
messages in the form's words, a document in the form's shape, and a first document (or sizing)
prefilled from the grid's answers. The forms themselves are in :mod:`.forms`.

In the form, a compute profile is either the CPU part or the GPU part of the grid's compute
questions; a document that describes both in one profile (e.g. a sizing estimate) is split in
two, which gives the same figures (the Green Algorithms power is a sum).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from boussole.core.footprint import data
from boussole.core.footprint.places import PlaceUnknown, parse_place

JSON = dict[str, Any]

BLOCK_LABELS = {"cpu": _("Partie CPU"), "gpu": _("Partie GPU")}
CPU_KEYS = ("cpu_cores", "cpu_model", "cpu_tdp_per_core_w", "cpu_usage", "memory_gb")
GPU_KEYS = ("gpu_count", "gpu_model", "gpu_tdp_w", "gpu_usage")
SITE_KEYS = ("location", "pue", "provider")

#: The two profiles of a scenario without AI (criterion 7), told apart by their label.
DESKTOP_PROFILE: JSON = {"label": "poste de travail", "cpu_cores": 4, "memory_gb": 8,
                         "pue": 1.0}
SERVER_PROFILE: JSON = {"label": "serveur", "memory_gb": 16}
DEFAULT_SERVER_CORES = 4


# --- Reading numbers the way people type them ------------------------------------------------

_SPACES = re.compile(r"[\s\u202f\u00a0]")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def parse_number(raw: str) -> float | int:
    """``"1 250,5"`` or ``"1250.5"`` → 1250.5; ``ValueError`` (French message) otherwise."""
    text = _SPACES.sub("", raw)
    if "," in text and "." in text:
        text = text.replace(",", "")  # "1,250.5": commas group thousands
    text = text.replace(",", ".")
    if not _NUMBER.fullmatch(text):
        raise ValueError(gettext("« %(value)s » n'est pas un nombre (exemple : 1 250,5).")
                         % {"value": raw.strip()})
    number = float(text)
    return int(number) if number.is_integer() and abs(number) < 1e15 else number


def format_number(value: Any) -> str:
    """A document number as a form shows it (decimal comma, no noise)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "" if value is None else str(value)
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.10g}".replace(".", ",")


# --- The core's messages in the form's words -------------------------------------------------

#: Document keys named in the core's messages, and how the form calls them.
KEY_LABELS: tuple[tuple[str, Promise | str], ...] = (
    ("cpu_tdp_per_core_w", _("« Puissance par cœur »")),
    ("gpu_tdp_w", _("« Puissance d'un GPU »")),
    ("embodied_kg", _("« Fabrication par unité »")),
    ("cpu_model", _("« Modèle de CPU »")),
    ("factor_set: green-algorithms-3.0", _("le jeu de facteurs Green Algorithms")),
    ("location: FR", _("le lieu FR")),
)


def humanise(message: str) -> str:
    """A core message as the form says it: field labels instead of document keys."""
    for key, label in KEY_LABELS:
        message = message.replace(key, str(label))
    return message[:1].upper() + message[1:]


# --- Document → form -------------------------------------------------------------------------

def normalise_document(doc: Mapping[str, Any]) -> JSON:
    """The document in the form's shape: a compute profile that has both CPU and GPU is split
    into its CPU part and its GPU part (same figures, as Green Algorithms adds the powers)."""
    out: JSON = {key: value for key, value in doc.items() if key != "compute"}
    profiles: list[JSON] = []
    for raw in doc.get("compute") or []:
        profile = dict(raw)
        site = {key: profile[key] for key in SITE_KEYS if key in profile}
        has_gpu = any(profile.get(key) for key in ("gpu_count", "gpu_model", "gpu_tdp_w"))
        has_cpu = any(profile.get(key) for key in CPU_KEYS)
        if has_gpu and has_cpu:
            hours = profile.get("hours_per_year")
            profiles.append({"label": str(BLOCK_LABELS["cpu"]), "hours_per_year": hours,
                             **{k: profile[k] for k in CPU_KEYS if k in profile}, **site})
            profiles.append({"label": str(BLOCK_LABELS["gpu"]), "hours_per_year": hours,
                             **{k: profile[k] for k in GPU_KEYS if k in profile}, **site})
        else:
            profile["label"] = str(BLOCK_LABELS["gpu" if has_gpu else "cpu"])
            profiles.append(profile)
    if profiles:
        out["compute"] = profiles
    return out


# --- Prefilling from the grid's answers -----------------------------------------------------

PROVIDER_FROM_GRID = {"local": "local", "aws": "aws", "gcp": "gcp", "azure": "azure",
                      "ovhcloud": "ovhcloud", "autre": "other"}


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _place(value: Any) -> str | None:
    """A place answered in the grid ("France", "Allemagne", "FR"…) as the calculator's code."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return parse_place(value)
    except PlaceUnknown:
        return "FR" if "france" in value.lower() else None


_RATE = re.compile(r"(\d[\d\s\u202f\u00a0]*(?:,\d+)?)\s*\D{0,30}?par (mois|an)\b")


def _per_year(value: Any) -> float | None:
    """« Environ 5 000 questions par mois » → 60 000 a year; None when unclear."""
    if not isinstance(value, str):
        return None
    match = _RATE.search(value.lower())
    if match is None:
        return None
    try:
        number = float(parse_number(match.group(1)))
    except ValueError:
        return None
    return number * (12 if match.group(2) == "mois" else 1)


def _provider(value: Any) -> str | None:
    return PROVIDER_FROM_GRID.get(str(value))


def _part(answers: Mapping[str, Any], part: str) -> JSON:
    """The CPU or GPU part of the grid (``cpu_heures_par_an``, ``cpu_modele``…) as a profile."""
    profile: JSON = {}
    hours = _number(answers.get(f"{part}_heures_par_an"))
    if hours is None or hours <= 0:
        return profile
    profile["hours_per_year"] = hours
    model = answers.get(f"{part}_modele")
    found = (data.find_cpu if part == "cpu" else data.find_gpu)(model) if isinstance(
        model, str) else None
    if found is not None:
        profile[f"{part}_model"] = found.model
    if part == "gpu":
        profile["gpu_count"] = 1
    if (provider := _provider(answers.get(f"{part}_infrastructure"))) is not None:
        profile["provider"] = provider
    if (pue := _number(answers.get(f"{part}_pue"))) is not None:
        profile["pue"] = pue
    return profile


def document_from_answers(answers: Mapping[str, Any]) -> JSON:
    """A first document from the grid's answers to criterion 5 (by question id), for a case
    that has no footprint yet. Only unambiguous answers are used."""
    doc: JSON = {}
    if (place := _place(answers.get("cpu_localisation"))
            or _place(answers.get("stockage_localisation"))) is not None:
        doc["location"] = place
    compute = [p for p in (_part(answers, "cpu"), _part(answers, "gpu")) if p]
    if compute:
        doc["compute"] = compute
    params = _number(answers.get("nombre_parametres"))
    requests = _per_year(answers.get("nombre_executions"))
    if params is not None and params > 0 and not compute:
        # A parameter count without compute figures: most likely a model used through an API.
        doc["llm_api"] = {"total_params_b": params / 1e9}
        if requests is not None:
            doc["llm_api"]["requests_per_year"] = requests
    if (tb := _number(answers.get("stockage_volume"))) is not None and tb > 0:
        doc["storage"] = {"tb": tb}
        if (years := _number(answers.get("stockage_duree"))) is not None and years > 0:
            doc["storage"]["years"] = years
        if (provider := _provider(answers.get("stockage_infrastructure"))) is not None:
            doc["storage"]["provider"] = provider
    if (gb := _number(answers.get("transfert_volume"))) is not None and gb > 0:
        doc["transfer"] = {"gb_per_year": gb}
    count = _number(answers.get("fabrication_nombre_equipements"))
    lifetime = _number(answers.get("fabrication_duree_utilisation"))
    if count and lifetime:
        text = answers.get("fabrication_type_materiel")
        item: JSON = {"count": count, "lifetime_years": lifetime}
        if isinstance(text, str):
            item["label"] = text[:200]
            if "serveur" in text.lower():
                item["type"] = "server"
        doc["equipment"] = [item]
    return doc


def sizing_initial(answers: Mapping[str, Any]) -> dict[str, str]:
    """The sizing form, prefilled from the grid (parameters and executions of the model)."""
    values = {"use_case": "chatbot", "hosting": "api", "location": "FR",
              "requests_period": "month"}
    params = _number(answers.get("nombre_parametres"))
    if params:
        values["model_params_b"] = format_number(params / 1e9)
    per_year = _per_year(answers.get("nombre_executions"))
    if per_year:
        values["requests_per_year"] = format_number(per_year / 12)
    return values
