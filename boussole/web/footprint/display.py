"""What the pages show of a stored footprint result: rows, checks, a bar chart, equivalents.

Everything here reads the stored ``FootprintResult.to_json()``; nothing is recomputed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from boussole.web.footprint.equivalents import Equivalent, equivalents_of

COMPONENT_LABELS: dict[str, Promise] = {
    "compute": _("Calcul (CPU, GPU, mémoire)"),
    "training": _("Entraînement"),
    "llm_api": _("Appels au modèle (API)"),
    "storage": _("Stockage"),
    "transfer": _("Transfert réseau"),
    "equipment": _("Fabrication des équipements"),
}

def enumeration(items: list[str]) -> str:
    """``"Q27, Q45, Q51 et Q59"``."""
    if len(items) < 2:
        return "".join(items)
    return gettext("%(items)s et %(last)s") % {"items": ", ".join(items[:-1]),
                                                "last": items[-1]}


CHECKS: tuple[tuple[str, Promise, Promise], ...] = (
    ("pue_below_1_5", _("PUE inférieur à 1,5 (Q28)"),
     _("Inconnu quand le PUE d'au moins un bloc n'est pas indiqué (valeur par défaut).")),
    ("located_in_france", _("Infrastructure localisée en France (Q29)"),
     _("Inconnu quand le lieu d'au moins un bloc n'est pas indiqué.")),
    ("green_energy_over_50", _("Plus de 50 % d'énergie verte labellisée (Q30)"),
     _("Déclaratif (approche par le marché) : n'entre pas dans le calcul des émissions.")),
)


def figure(value: Any, digits: int = 3) -> str:
    """A figure with ``digits`` significant digits, in the active language's format."""
    if value is None or isinstance(value, bool) or not isinstance(value, int | float):
        return "—"
    if value == 0 or not math.isfinite(value):
        return "0"
    magnitude = math.floor(math.log10(abs(value)))
    decimals = max(0, digits - 1 - magnitude)
    rounded = round(value, decimals)
    shown = f"{rounded:.{decimals}f}".rstrip("0") if decimals else ""
    used = len(shown.split(".")[1]) if "." in shown else 0  # no trailing zeros: 5, not 5,00
    return number_format(rounded, decimal_pos=used, use_l10n=True, force_grouping=True)


@dataclass(frozen=True)
class Check:
    code: str
    label: str
    status: str  # "met" | "not_met" | "unknown"
    explanation: str

    @property
    def status_label(self) -> str:
        return {"met": gettext("Respecté"), "not_met": gettext("Non respecté"),
                "unknown": gettext("Inconnu")}[self.status]


def checks(result: Mapping[str, Any]) -> list[Check]:
    values = result.get("checks") or {}
    out = []
    for code, label, explanation in CHECKS:
        value = values.get(code)
        status = "unknown" if value is None else ("met" if value else "not_met")
        out.append(Check(code, str(label), status, str(explanation)))
    return out


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str
    share: str
    y: int
    width: float


@dataclass(frozen=True)
class BarChart:
    """A horizontal bar chart drawn on the server (inline SVG, no script)."""

    bars: list[Bar]
    width: int
    height: int
    label_width: int
    bar_height: int
    unit: str
    summary: str

    @property
    def text_x(self) -> int:
        return self.label_width - 8


def bar_chart(items: list[tuple[str, float]], *, unit: str, width: int = 640,
              label_width: int = 230, bar_height: int = 26, gap: int = 12) -> BarChart:
    """Bars sorted from the largest; each bar's length is proportional to its value."""
    items = sorted(items, key=lambda pair: -pair[1])
    total = sum(value for _label, value in items) or 1.0
    largest = max((value for _label, value in items), default=0.0) or 1.0
    room = width - label_width - 110  # keep room for the value written after the bar
    bars = []
    for index, (label, value) in enumerate(items):
        bars.append(Bar(label=label, value=value, text=figure(value),
                        share=figure(100 * value / total, 2),
                        y=gap + index * (bar_height + gap),
                        width=max(1.0, room * value / largest) if value > 0 else 0.0))
    height = gap + len(items) * (bar_height + gap)
    summary = "; ".join(f"{bar.label} : {bar.text} {unit} ({bar.share} %)" for bar in bars)
    return BarChart(bars=bars, width=width, height=height, label_width=label_width,
                    bar_height=bar_height, unit=unit, summary=summary)


def breakdown_chart(result: Mapping[str, Any]) -> BarChart:
    """The chart of the average year, per component, in kg CO2e."""
    breakdown = (result.get("per_year") or {}).get("breakdown") or {}
    items = [(str(COMPONENT_LABELS.get(name, name)), float(values.get("kg_co2e") or 0.0))
             for name, values in breakdown.items()]
    return bar_chart(items, unit=gettext("kg CO2e/an"))


@dataclass
class ComponentRow:
    label: str
    period: str
    energy_kwh: float | None
    kg_co2e: float | None
    detail: list[str] = field(default_factory=list)


def component_rows(result: Mapping[str, Any]) -> list[ComponentRow]:
    """One row per block of the result, with what each block's figure covers."""
    components = result.get("components") or {}
    year, life = gettext("par an"), gettext("sur la durée de vie")
    rows: list[ComponentRow] = []
    for profile in components.get("compute") or []:
        rows.append(ComponentRow(
            f"{COMPONENT_LABELS['compute']} — {profile.get('label', '')}", year,
            profile.get("energy_kwh"), profile.get("kg_co2e"),
            [gettext("CPU et mémoire : %(cpu)s kg CO2e ; GPU : %(gpu)s kg CO2e ; puissance "
                     "moyenne %(w)s W")
             % {"cpu": figure(profile.get("kg_co2e_cpu_memory")),
                "gpu": figure(profile.get("kg_co2e_gpu")), "w": figure(profile.get("power_w"))}]))
    if (training := components.get("training")) is not None:
        rows.append(ComponentRow(
            str(COMPONENT_LABELS["training"]), life, training.get("energy_kwh"),
            training.get("kg_co2e"),
            [gettext("Entraînement principal %(main)s kWh × %(mult)s (essais et "
                     "réentraînements)")
             % {"main": figure(training.get("main_run_energy_kwh")),
                "mult": figure(training.get("multiplier"))}]))
    if (llm := components.get("llm_api")) is not None:
        per_request = llm.get("per_request") or {}
        rows.append(ComponentRow(
            str(COMPONENT_LABELS["llm_api"]), year, llm.get("energy_kwh"), llm.get("kg_co2e"),
            [gettext("Usage : %(usage)s kg CO2e ; fabrication du matériel : %(emb)s kg CO2e "
                     "(EcoLogits)")
             % {"usage": figure(llm.get("kg_co2e_usage")),
                "emb": figure(llm.get("kg_co2e_embodied"))},
             gettext("Par requête : %(wh)s Wh, %(g)s g CO2e")
             % {"wh": figure(1000 * (per_request.get("energy_kwh") or 0)),
                "g": figure(1000 * (per_request.get("kg_co2e") or 0))}]))
    if (storage := components.get("storage")) is not None:
        rows.append(ComponentRow(
            str(COMPONENT_LABELS["storage"]), year, storage.get("energy_kwh"),
            storage.get("kg_co2e"),
            [gettext("Sur %(years)s ans de stockage : %(kwh)s kWh, %(kg)s kg CO2e")
             % {"years": figure(storage.get("years")),
                "kwh": figure(storage.get("energy_kwh_total")),
                "kg": figure(storage.get("kg_co2e_total"))}]))
    if (transfer := components.get("transfer")) is not None:
        rows.append(ComponentRow(
            str(COMPONENT_LABELS["transfer"]), year, transfer.get("energy_kwh"),
            transfer.get("kg_co2e"),
            [gettext("Avec %(label)s : %(kg)s kg CO2e")
             % {"label": alt.get("label", ""), "kg": figure(alt.get("kg_co2e"))}
             for alt in transfer.get("alternatives") or []]))
    if (equipment := components.get("equipment")) is not None:
        rows.append(ComponentRow(
            str(COMPONENT_LABELS["equipment"]), year, None, equipment.get("kg_co2e"),
            [gettext("%(count)s × %(label)s : %(unit)s kg CO2e par unité ÷ %(years)s ans × "
                     "%(share)s %%")
             % {"count": figure(item.get("count")), "label": item.get("label", ""),
                "unit": figure(item.get("embodied_kg_per_unit")),
                "years": figure(item.get("lifetime_years")),
                "share": figure(100 * (item.get("share") or 0))}
             for item in equipment.get("items") or []]))
    return rows


@dataclass(frozen=True)
class EquivalentRow:
    equivalent: Equivalent
    km_per_year: float
    km_lifetime: float


def equivalent_rows(result: Mapping[str, Any]) -> list[EquivalentRow]:
    per_year = float((result.get("per_year") or {}).get("kg_co2e") or 0.0)
    lifetime = float((result.get("lifetime") or {}).get("kg_co2e") or 0.0)
    life = dict((e.name, km) for e, km in equivalents_of(lifetime))
    return [EquivalentRow(e, km, life[e.name]) for e, km in equivalents_of(per_year)]
