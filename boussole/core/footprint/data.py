"""Bundled factor tables of the footprint calculator, loaded once.

* ``data/footprint/green-algorithms-3.0/``: Green Algorithms v3.0 tables (CC BY 4.0,
  Lannelongue et al., Adv. Sci. 2021). Like the GA-data files, each CSV starts with a metadata
  row, then the header row.
* ``data/footprint/hardware_additions.csv``: CPUs and GPUs that Boussole adds, with sources.
* ``data/footprint/embodied_factors.csv``: embodied emissions per unit of equipment.
* ``data/footprint/factors.csv``: storage, transfer and ADEME electricity factors.

Every value reaches the calculator as a :class:`Factor` carrying its unit and source, so that
the interface can show where each figure comes from.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from boussole.core.paths import DATA_DIR

FOOTPRINT_DIR = DATA_DIR / "footprint"
GA_DIR = FOOTPRINT_DIR / "green-algorithms-3.0"
GA_NAME = "Green Algorithms v3.0"
GA_CREDIT = "Green Algorithms v3.0 (Lannelongue et al., Adv. Sci. 2021 ; données CC BY 4.0)"

#: Location code of the world average in ``CI_aggregated.csv``.
WORLD = "WORLD"
#: Code of the "unknown" row in ``TDP_cpu.csv`` / ``TDP_gpu.csv``.
ANY_MODEL = "Any"

#: Providers accepted in input documents, mapped to their row in ``defaults_PUE.csv``.
PROVIDERS: dict[str, str] = {
    "local": "Unknown",
    "other": "Unknown",
    "aws": "aws",
    "gcp": "gcp",
    "azure": "azure",
    "ovhcloud": "OVHcloud",
    "oracle": "Oracle",
}

#: ISO 3166-1 alpha-2 → alpha-3 for the countries of ``CI_aggregated.csv`` (EcoLogits zones use
#: alpha-3 codes). Regions (``US-CA``, ``CN-HK``…) map through their country, except Hong Kong.
ISO3: dict[str, str] = {
    "WORLD": "WOR", "TW": "TWN", "IL": "ISR", "ZA": "ZAF", "CN": "CHN", "CN-HK": "HKG",
    "CN-HK2": "HKG", "IN": "IND", "ID": "IDN", "JP": "JPN", "KR": "KOR", "SA": "SAU",
    "SG": "SGP", "TH": "THA", "TR": "TUR", "AE": "ARE", "AT": "AUT", "BE": "BEL", "BG": "BGR",
    "HR": "HRV", "CY": "CYP", "CZ": "CZE", "DK": "DNK", "EE": "EST", "FI": "FIN", "FR": "FRA",
    "DE": "DEU", "GR": "GRC", "HU": "HUN", "IS": "ISL", "IE": "IRL", "IT": "ITA", "LV": "LVA",
    "LT": "LTU", "LU": "LUX", "MT": "MLT", "NL": "NLD", "NO": "NOR", "PL": "POL", "PT": "PRT",
    "RO": "ROU", "RU": "RUS", "RS": "SRB", "SK": "SVK", "SI": "SVN", "ES": "ESP", "SE": "SWE",
    "CH": "CHE", "GB": "GBR", "CA": "CAN", "MX": "MEX", "US": "USA", "AU": "AUS", "NZ": "NZL",
    "AR": "ARG", "BR": "BRA",
}


@dataclass(frozen=True)
class Factor:
    """One factor used in a computation: what, how much, in which unit, from where."""

    name: str
    label: str
    value: float
    unit: str
    source: str

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "label": self.label,
            "value": self.value,
            "unit": self.unit,
            "source": self.source,
        }


@dataclass(frozen=True)
class Location:
    code: str
    continent: str
    country: str
    region: str
    carbon_intensity: float  # g CO2e / kWh
    source: str

    @property
    def label(self) -> str:
        if self.code == WORLD:
            return "moyenne mondiale"
        return self.country if self.region == "Any" else f"{self.country} ({self.region})"

    @property
    def country_code(self) -> str:
        return self.code.split("-", 1)[0]


@dataclass(frozen=True)
class Processor:
    """A CPU (power per core) or GPU (power per device) model."""

    model: str
    tdp_w: float | None
    n_cores: int | None
    tdp_per_core_w: float
    source: str
    origin: str  # "ga" or "boussole"


@dataclass(frozen=True)
class Datacenter:
    provider: str
    name: str
    location: str
    detail: str
    pue: float | None
    source: str


@dataclass(frozen=True)
class EmbodiedFactor:
    type: str
    label: str
    kg_co2e: float
    source: str


def _rows(path: Path) -> Iterator[dict[str, str]]:
    """Rows of a bundled CSV whose first line is a metadata row and second line the header."""
    with path.open(encoding="utf-8", newline="") as handle:
        handle.readline()  # metadata row
        for row in csv.DictReader(handle):
            yield {(k or "").strip(): (v or "").strip() for k, v in row.items()}


def _float(text: str) -> float | None:
    return float(text) if text else None


def normalise_name(name: str) -> str:
    """Key used to look a hardware model up: case, spacing and vendor prefix do not matter."""
    key = re.sub(r"\s+", " ", name.strip().lower())
    for prefix in ("intel ", "nvidia ", "amd "):
        if key.startswith(prefix):
            return key[len(prefix):]
    return key


@cache
def locations() -> dict[str, Location]:
    """Green Algorithms locations by code (``FR``, ``US-CA``, ``WORLD``…)."""
    out: dict[str, Location] = {}
    for row in _rows(GA_DIR / "CI_aggregated.csv"):
        ci = _float(row["carbonIntensity"])
        if not row["location"] or ci is None:
            continue
        out[row["location"]] = Location(
            code=row["location"],
            continent=row["continentName"],
            country=row["countryName"],
            region=row["regionName"],
            carbon_intensity=ci,
            source=row["source"],
        )
    return out


@cache
def _location_aliases() -> dict[str, str]:
    aliases = {code.upper(): code for code in locations()}
    for alpha2, alpha3 in ISO3.items():
        if alpha2 in locations() and alpha3 not in aliases:
            aliases[alpha3] = alpha2
    return aliases


def find_location(code: str) -> Location | None:
    """A location by its Green Algorithms code, case-insensitive; ISO alpha-3 codes accepted."""
    target = _location_aliases().get(code.strip().upper())
    return locations()[target] if target else None


def ecologits_zone(location: Location) -> str:
    """The EcoLogits electricity-mix zone (ISO alpha-3) of a Green Algorithms location."""
    return ISO3.get(location.code) or ISO3.get(location.country_code, "WOR")


def _processors(kind: str, filename: str) -> dict[str, Processor]:
    out: dict[str, Processor] = {}
    for row in _rows(GA_DIR / filename):
        per_core = _float(row["TDP_per_core"])
        if not row["model"] or per_core is None:
            continue
        cores = _float(row.get("n_cores", ""))
        out[normalise_name(row["model"])] = Processor(
            model=row["model"],
            tdp_w=_float(row["TDP"]),
            n_cores=int(cores) if cores else None,
            tdp_per_core_w=per_core,
            source=row["source"],
            origin="ga",
        )
    for row in _rows(FOOTPRINT_DIR / "hardware_additions.csv"):
        if row["kind"] != kind:
            continue
        key = normalise_name(row["model"])
        if key in out:  # Green Algorithms first
            continue
        cores = _float(row["n_cores"])
        out[key] = Processor(
            model=row["model"],
            tdp_w=_float(row["TDP"]),
            n_cores=int(cores) if cores else None,
            tdp_per_core_w=float(row["TDP_per_core"]),
            source=row["source"],
            origin="boussole",
        )
    return out


@cache
def cpus() -> dict[str, Processor]:
    """CPU models by normalised name; ``tdp_per_core_w`` is per core."""
    return _processors("cpu", "TDP_cpu.csv")


@cache
def gpus() -> dict[str, Processor]:
    """GPU models by normalised name; ``tdp_per_core_w`` is per device."""
    return _processors("gpu", "TDP_gpu.csv")


def find_cpu(model: str) -> Processor | None:
    return cpus().get(normalise_name(model))


def find_gpu(model: str) -> Processor | None:
    return gpus().get(normalise_name(model))


def unknown_cpu() -> Processor:
    return cpus()[normalise_name(ANY_MODEL)]


def unknown_gpu() -> Processor:
    return gpus()[normalise_name(ANY_MODEL)]


@cache
def _pue_rows() -> dict[str, tuple[float, str]]:
    return {
        row["provider"]: (float(row["PUE"]), row["source"])
        for row in _rows(GA_DIR / "defaults_PUE.csv")
        if row["provider"] and row["PUE"]
    }


def default_pue(provider: str | None) -> Factor:
    """The Green Algorithms default PUE of a provider (``None``: unknown)."""
    row_name = PROVIDERS.get(provider or "local", "Unknown")
    value, source = _pue_rows()[row_name]
    if row_name == "Unknown":
        label = "PUE par défaut (infrastructure locale ou inconnue)"
    else:
        names = {"aws": "AWS", "gcp": "Google Cloud", "azure": "Microsoft Azure"}
        label = f"PUE par défaut de {names.get(row_name, row_name)}"
    return Factor(
        name=f"pue.default.{row_name.lower()}",
        label=label,
        value=value,
        unit="",
        source=f"{GA_NAME}, defaults_PUE.csv ; {source}",
    )


@cache
def reference_values() -> dict[str, tuple[float, str]]:
    return {
        row["variable"]: (float(row["value"]), row["source"])
        for row in _rows(GA_DIR / "referenceValues.csv")
        if row["variable"] and row["value"]
    }


@cache
def memory_power() -> Factor:
    value, source = reference_values()["memoryPower"]
    return Factor(
        name="memory_power",
        label="Puissance de la mémoire vive",
        value=value,
        unit="W/Go",
        source=f"{GA_NAME}, referenceValues.csv (memoryPower) ; {source}",
    )


@cache
def datacenters() -> tuple[Datacenter, ...]:
    """Cloud regions and their Green Algorithms location (for the interface's pickers)."""
    return tuple(
        Datacenter(
            provider=row["provider"],
            name=row["Name"],
            location=row["location"],
            detail=row["location_freeForm"],
            pue=_float(row["PUE"]),
            source=row["source_datacentre"],
        )
        for row in _rows(GA_DIR / "cloudProviders_datacenters.csv")
        if row["provider"]
    )


@cache
def embodied_factors() -> dict[str, EmbodiedFactor]:
    return {
        row["type"]: EmbodiedFactor(
            type=row["type"],
            label=row["label"],
            kg_co2e=float(row["kg_co2e_per_unit"]),
            source=row["source"],
        )
        for row in _rows(FOOTPRINT_DIR / "embodied_factors.csv")
    }


@cache
def factors() -> dict[str, Factor]:
    """Storage, transfer and ADEME factors by name."""
    return {
        row["name"]: Factor(
            name=row["name"],
            label=row["label"],
            value=float(row["value"]),
            unit=row["unit"],
            source=row["source"],
        )
        for row in _rows(FOOTPRINT_DIR / "factors.csv")
    }


#: Transfer factors selectable by name in ``transfer.kwh_per_gb``.
TRANSFER_FACTORS: dict[str, str] = {
    "swd-v4": "transfer_swd_v4",
    "aslan-2018": "transfer_aslan_2018",
    "ccf": "transfer_ccf",
}
DEFAULT_TRANSFER_FACTOR = "swd-v4"

#: Storage media and their coefficient.
STORAGE_MEDIA: dict[str, str] = {"ssd": "storage_ssd", "hdd": "storage_hdd"}

#: Carbon-intensity factor sets.
FACTOR_SETS = ("green-algorithms-3.0", "ademe-2022")
DEFAULT_FACTOR_SET = "green-algorithms-3.0"
