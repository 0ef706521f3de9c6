"""Validate a footprint input document and resolve it into typed inputs.

All problems are collected in one pass (unknown keys, wrong types, out-of-range numbers,
unknown hardware, locations, providers, factor sets, media, equipment types), then raised
together as one :class:`~boussole.core.errors.InvalidDocument`, each naming its path
(``compute[0].cpu_model``) with a French message.

Resolution rules (documented in the output ``notes`` too):

* PUE of a block: its own ``pue``; else the default PUE of its own ``provider``; else the
  document's ``pue``; else the default PUE of the document's ``provider``; else the Green
  Algorithms "local or unknown" default (1.56).
* Location of a block: its own ``location``; else the document's; else the world average.
* CPU: ``cpu_tdp_per_core_w`` if given; else the model's power per core from the tables; an
  empty ``cpu_model`` means "unknown model" (12 W per core). ``cpu_cores`` defaults to the
  model's core count when a known model is named, to 0 when no CPU is described.
* GPU: ``gpu_tdp_w`` if given; else the model's power; an empty ``gpu_model`` with
  ``gpu_count`` > 0 means "unknown model" (200 W).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from boussole.core.documents import describe_type
from boussole.core.errors import InvalidDocument, Problem, format_path
from boussole.core.footprint import data
from boussole.core.footprint.data import GA_NAME, WORLD, Factor, Location
from boussole.core.footprint.model import (
    ComputeInput,
    EquipmentItemInput,
    FootprintInput,
    Hardware,
    LlmApiInput,
    Site,
    StorageInput,
    TrainingInput,
    TransferInput,
)

Path = tuple[str | int, ...]

DEFAULT_SERVICE_YEARS = 5.0

SITE_KEYS = ("location", "pue", "provider")
HARDWARE_KEYS = (
    "cpu_cores", "cpu_model", "cpu_tdp_per_core_w", "cpu_usage",
    "gpu_count", "gpu_model", "gpu_tdp_w", "gpu_usage", "memory_gb",
)
TOP_KEYS = (
    "service_years", "location", "pue", "provider", "factor_set", "green_energy_share",
    "compute", "training", "llm_api", "storage", "transfer", "equipment",
)
COMPUTE_KEYS = ("label", "hours_per_year", *HARDWARE_KEYS, *SITE_KEYS)
TRAINING_KEYS = (
    "hours", *HARDWARE_KEYS, *SITE_KEYS, "rd_factor", "retrainings", "retraining_fraction",
)
LLM_API_KEYS = (
    "requests_per_year", "output_tokens", "active_params_b", "total_params_b",
    "request_latency_s", *SITE_KEYS,
)
STORAGE_KEYS = ("tb", "media", "years", "replication", *SITE_KEYS)
TRANSFER_KEYS = ("gb_per_year", "kwh_per_gb", "location")
EQUIPMENT_KEYS = ("type", "label", "count", "lifetime_years", "embodied_kg", "share")


#: Above this, a quantity (hours, counts, volumes, requests…) is a typing error, and products of
#: such values could overflow to infinity, which is not a figure.
PLAUSIBLE_MAXIMUM = 1e15


def _fmt(value: float) -> str:
    text = f"{value:g}"
    return text.replace(".", ",")


def _sub(path: Path, key: str | int) -> Path:
    return (*path, key)


class _Reader:
    """Reads typed values from mappings, recording every problem instead of stopping."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, path: Path, message: str) -> None:
        problem = Problem(path, message)
        if problem not in self.problems:
            self.problems.append(problem)

    def mapping(
        self, value: Any, path: Path, allowed: tuple[str, ...]
    ) -> Mapping[str, Any] | None:
        """The value as a mapping with only allowed keys; ``None`` (and a problem) otherwise."""
        if not isinstance(value, Mapping):
            self.add(path, f"doit être un objet (clé : valeur), pas {describe_type(value)}.")
            return None
        good: dict[str, Any] = {}
        for key, item in value.items():
            if isinstance(key, str) and key in allowed:
                good[key] = item
            else:
                self.add(
                    _sub(path, str(key)),
                    f"clé inconnue « {key} » ; clés admises : {', '.join(allowed)}.",
                )
        return good

    def number(
        self,
        block: Mapping[str, Any],
        path: Path,
        key: str,
        *,
        required: bool = False,
        minimum: float = 0.0,
        positive: bool = False,
        maximum: float | None = None,
        kind: str = "",
    ) -> float | None:
        value = block.get(key)
        here = _sub(path, key)
        if value is None:
            if required:
                self.add(here, "valeur obligatoire manquante.")
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.add(here, f"doit être un nombre, pas {describe_type(value)}.")
            return None
        number = float(value)
        if not math.isfinite(number):
            self.add(here, "doit être un nombre fini.")
            return None
        if kind == "pue" and number < 1:
            self.add(
                here, f"un PUE est toujours supérieur ou égal à 1 (valeur reçue : {_fmt(number)})."
            )
            return None
        if number < minimum or (positive and number <= minimum):
            if minimum == 0 and positive:
                expected = "strictement positif"
            elif minimum == 0:
                expected = "positif ou nul"
            else:
                expected = f"supérieur ou égal à {_fmt(minimum)}"
            self.add(here, f"doit être {expected} (valeur reçue : {_fmt(number)}).")
            return None
        if maximum is None and number > PLAUSIBLE_MAXIMUM:
            self.add(here, f"valeur invraisemblable : au plus {PLAUSIBLE_MAXIMUM:.0e} "
                           f"(valeur reçue : {_fmt(number)}).".replace("e+", " × 10^"))
            return None
        if maximum is not None and number > maximum:
            self.add(
                here,
                f"doit être compris entre {_fmt(minimum)} et {_fmt(maximum)} "
                f"(valeur reçue : {_fmt(number)}).",
            )
            return None
        return number

    def text(
        self, block: Mapping[str, Any], path: Path, key: str, *, required: bool = False
    ) -> str | None:
        value = block.get(key)
        here = _sub(path, key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.add(here, "valeur obligatoire manquante.")
            return None
        if not isinstance(value, str):
            self.add(here, f"doit être un texte, pas {describe_type(value)}.")
            return None
        return value.strip()

    def choice(
        self, block: Mapping[str, Any], path: Path, key: str, choices: tuple[str, ...], what: str
    ) -> str | None:
        value = self.text(block, path, key)
        if value is None:
            return None
        lowered = value.lower()
        if lowered not in choices:
            self.add(
                _sub(path, key),
                f"{what} inconnu « {value} » ; valeurs admises : {', '.join(choices)}.",
            )
            return None
        return lowered


class _Parser:
    def __init__(self, source: str | None) -> None:
        self.source = source
        self.r = _Reader()
        self.factor_set = data.DEFAULT_FACTOR_SET
        self.doc_location: Location | None = None
        self.doc_location_path: Path | None = None
        self.doc_pue: float | None = None
        self.doc_provider: str | None = None

    # -- sites ---------------------------------------------------------------------------------

    def _location(self, block: Mapping[str, Any], path: Path) -> Location | None:
        """The block's own location (``None`` when absent or unknown, with a problem then)."""
        code = self.r.text(block, path, "location")
        if code is None:
            return None
        location = data.find_location(code)
        if location is None:
            self.r.add(
                _sub(path, "location"),
                f"lieu inconnu « {code} » ; utilisez un code de lieu Green Algorithms "
                "(FR, DE, IE, US, US-CA, WORLD…).",
            )
        return location

    def _carbon_intensity(
        self, location: Location, where: Path, *, given: bool, check: bool
    ) -> Factor:
        if self.factor_set == "ademe-2022":
            if check and not given:
                self.r.add(
                    where,
                    "le jeu de facteurs ademe-2022 (électricité française) ne vaut que pour "
                    "la France : indiquez location: FR.",
                )
            elif check and location.code != "FR":
                self.r.add(
                    where,
                    "le jeu de facteurs ademe-2022 (électricité française) ne vaut que pour "
                    f"la France (FR), pas pour « {location.code} » ; choisissez "
                    "factor_set: green-algorithms-3.0.",
                )
            return data.factors()["ademe_2022_fr"]
        return Factor(
            name=f"carbon_intensity.{location.code}",
            label=f"Intensité carbone de l'électricité : {location.label}",
            value=location.carbon_intensity,
            unit="gCO2e/kWh",
            source=f"{GA_NAME}, CI_aggregated.csv ; {location.source}",
        )

    def site(
        self, block: Mapping[str, Any], path: Path, *, own_pue: bool = True, check: bool = True
    ) -> Site:
        location = self._location(block, path)
        given = True
        where: Path
        if location is not None:
            where = _sub(path, "location")
        elif self.doc_location is not None:
            location = self.doc_location
            where = self.doc_location_path or ("location",)
        else:
            location = data.locations()[WORLD]
            given = False
            where = ("factor_set",)
        ci = self._carbon_intensity(location, where, given=given, check=check)

        pue_value = self.r.number(block, path, "pue", kind="pue") if own_pue else None
        provider = (
            self.r.choice(block, path, "provider", tuple(data.PROVIDERS), "fournisseur")
            if own_pue
            else None
        )
        if pue_value is not None:
            pue = self._given_pue(pue_value, _sub(path, "pue"))
            known = True
        elif provider is not None:
            pue = data.default_pue(provider)
            known = data.PROVIDERS[provider] != "Unknown"
        elif self.doc_pue is not None:
            pue = self._given_pue(self.doc_pue, ("pue",))
            known = True
        else:
            pue = data.default_pue(self.doc_provider)
            known = data.PROVIDERS.get(self.doc_provider or "local") != "Unknown"
        return Site(
            location=location,
            location_given=given,
            provider=provider or self.doc_provider,
            pue=pue,
            pue_known=known,
            carbon_intensity=ci,
        )

    @staticmethod
    def _given_pue(value: float, path: Path) -> Factor:
        return Factor(
            name="pue",
            label="PUE déclaré",
            value=value,
            unit="",
            source=f"valeur saisie ({_path_text(path)})",
        )

    # -- hardware ------------------------------------------------------------------------------

    def hardware(self, block: Mapping[str, Any], path: Path, hours_key: str) -> Hardware:
        r = self.r
        hours = r.number(block, path, hours_key, required=True)

        cpu_model = r.text(block, path, "cpu_model")
        cpu_tdp = r.number(block, path, "cpu_tdp_per_core_w")
        cpu_cores = r.number(block, path, "cpu_cores")
        cpu_factor: Factor
        cpu_name: str | None = None
        if cpu_tdp is not None:
            cpu_name = cpu_model
            cpu_factor = Factor(
                name="cpu_tdp_per_core",
                label=f"Puissance par cœur du CPU{f' {cpu_model}' if cpu_model else ''}",
                value=cpu_tdp,
                unit="W/cœur",
                source=f"valeur saisie ({_path_text(_sub(path, 'cpu_tdp_per_core_w'))})",
            )
        else:
            found = data.find_cpu(cpu_model) if cpu_model is not None else data.unknown_cpu()
            if found is None:
                r.add(
                    _sub(path, "cpu_model"),
                    f"modèle de CPU inconnu « {cpu_model} » : indiquez cpu_tdp_per_core_w "
                    "(puissance par cœur, en W), ou laissez cpu_model vide pour la valeur par "
                    "défaut de Green Algorithms (12 W par cœur).",
                )
                found = data.unknown_cpu()
            else:
                cpu_name = found.model if found.model != data.ANY_MODEL else None
                if cpu_cores is None and cpu_model is not None and found.n_cores:
                    cpu_cores = float(found.n_cores)
            cpu_factor = _processor_factor(found, "cpu")
        if cpu_cores is None:
            described = cpu_model is not None or cpu_tdp is not None
            if described and "cpu_cores" not in block:
                r.add(_sub(path, "cpu_cores"), "nombre de cœurs requis quand un CPU est décrit.")
            cpu_cores = 0.0

        gpu_model = r.text(block, path, "gpu_model")
        gpu_tdp = r.number(block, path, "gpu_tdp_w")
        gpu_count = r.number(block, path, "gpu_count")
        gpu_factor: Factor | None = None
        gpu_name: str | None = None
        if gpu_count is None:
            if (gpu_model is not None or gpu_tdp is not None) and "gpu_count" not in block:
                r.add(_sub(path, "gpu_count"), "nombre de GPU requis quand un GPU est décrit.")
            gpu_count = 0.0
        if gpu_tdp is not None:
            gpu_name = gpu_model
            gpu_factor = Factor(
                name="gpu_tdp",
                label=f"Puissance du GPU{f' {gpu_model}' if gpu_model else ''}",
                value=gpu_tdp,
                unit="W/GPU",
                source=f"valeur saisie ({_path_text(_sub(path, 'gpu_tdp_w'))})",
            )
        elif gpu_model is not None or gpu_count > 0:
            gpu = data.find_gpu(gpu_model) if gpu_model is not None else data.unknown_gpu()
            if gpu is None:
                r.add(
                    _sub(path, "gpu_model"),
                    f"modèle de GPU inconnu « {gpu_model} » : indiquez gpu_tdp_w (puissance "
                    "du GPU, en W), ou laissez gpu_model vide pour la valeur par défaut de "
                    "Green Algorithms (200 W).",
                )
                gpu = data.unknown_gpu()
            gpu_name = gpu.model if gpu.model != data.ANY_MODEL else None
            gpu_factor = _processor_factor(gpu, "gpu")

        return Hardware(
            hours=hours or 0.0,
            cpu_cores=cpu_cores,
            cpu_model=cpu_name,
            cpu_tdp_per_core=cpu_factor,
            cpu_usage=_or(r.number(block, path, "cpu_usage", maximum=1.0), 1.0),
            gpu_count=gpu_count,
            gpu_model=gpu_name,
            gpu_tdp=gpu_factor,
            gpu_usage=_or(r.number(block, path, "gpu_usage", maximum=1.0), 1.0),
            memory_gb=_or(r.number(block, path, "memory_gb"), 0.0),
        )

    # -- blocks --------------------------------------------------------------------------------

    def document(self, doc: Any) -> FootprintInput:
        r = self.r
        top = r.mapping(doc, (), TOP_KEYS)
        if top is None:
            raise InvalidDocument(r.problems, source=self.source)
        root: Path = ()
        factor_set = r.choice(top, root, "factor_set", data.FACTOR_SETS, "jeu de facteurs")
        self.factor_set = factor_set or data.DEFAULT_FACTOR_SET
        location = self._location(top, root)
        if location is not None:
            self.doc_location = location
            self.doc_location_path = ("location",)
        self.doc_pue = r.number(top, root, "pue", kind="pue")
        self.doc_provider = r.choice(top, root, "provider", tuple(data.PROVIDERS), "fournisseur")
        service_years = r.number(top, root, "service_years", positive=True)
        green = r.number(top, root, "green_energy_share", maximum=1.0)
        doc_site = self.site({}, root, own_pue=False, check=False)
        years = service_years if service_years is not None else DEFAULT_SERVICE_YEARS

        compute: list[ComputeInput] = []
        raw_compute = top.get("compute")
        if raw_compute is not None:
            if not isinstance(raw_compute, list):
                r.add(("compute",), f"doit être une liste, pas {describe_type(raw_compute)}.")
            else:
                for index, raw in enumerate(raw_compute):
                    path: Path = ("compute", index)
                    block = r.mapping(raw, path, COMPUTE_KEYS)
                    if block is None:
                        continue
                    label = r.text(block, path, "label") or f"profil {index + 1}"
                    compute.append(
                        ComputeInput(
                            label=label,
                            hardware=self.hardware(block, path, "hours_per_year"),
                            site=self.site(block, path),
                        )
                    )

        training = None
        block = self.block(top, "training", TRAINING_KEYS)
        if block is not None:
            path = ("training",)
            training = TrainingInput(
                hardware=self.hardware(block, path, "hours"),
                site=self.site(block, path),
                rd_factor=_or(r.number(block, path, "rd_factor"), 0.0),
                retrainings=_or(r.number(block, path, "retrainings"), 0.0),
                retraining_fraction=_or(r.number(block, path, "retraining_fraction"), 1.0),
            )

        block = self.block(top, "llm_api", LLM_API_KEYS)
        llm_api = self.llm_api(block) if block is not None else None

        storage = None
        block = self.block(top, "storage", STORAGE_KEYS)
        if block is not None:
            path = ("storage",)
            tb = r.number(block, path, "tb", required=True)
            media = r.choice(block, path, "media", tuple(data.STORAGE_MEDIA), "support")
            media = media or ("ssd" if block.get("media") is None else "?")
            coefficient = data.factors()[data.STORAGE_MEDIA.get(media, "storage_ssd")]
            storage = StorageInput(
                tb=tb or 0.0,
                media=media,
                coefficient=coefficient,
                years=_or(r.number(block, path, "years", positive=True), years),
                replication=_or(r.number(block, path, "replication", minimum=1.0), 1.0),
                site=self.site(block, path),
            )

        transfer = None
        block = self.block(top, "transfer", TRANSFER_KEYS)
        if block is not None:
            path = ("transfer",)
            gb = r.number(block, path, "gb_per_year", required=True)
            transfer = TransferInput(
                gb_per_year=gb or 0.0,
                kwh_per_gb=self.transfer_factor(block, path),
                site=self.site(block, path, own_pue=False),
            )

        equipment = None
        raw_equipment = top.get("equipment")
        if raw_equipment is not None:
            if not isinstance(raw_equipment, list):
                r.add(
                    ("equipment",), f"doit être une liste, pas {describe_type(raw_equipment)}."
                )
            else:
                items = (
                    self.equipment_item(raw, ("equipment", index))
                    for index, raw in enumerate(raw_equipment)
                )
                equipment = tuple(item for item in items if item is not None)

        if r.problems:
            raise InvalidDocument(r.problems, source=self.source)
        return FootprintInput(
            service_years=years,
            service_years_given=service_years is not None,
            factor_set=self.factor_set,
            green_energy_share=green,
            site=doc_site,
            compute=tuple(compute),
            training=training,
            llm_api=llm_api,
            storage=storage,
            transfer=transfer,
            equipment=equipment,
        )

    def block(
        self, top: Mapping[str, Any], key: str, allowed: tuple[str, ...]
    ) -> Mapping[str, Any] | None:
        """A top-level block: ``None`` when absent, null or not an object."""
        if top.get(key) is None:
            return None
        return self.r.mapping(top[key], (key,), allowed)

    def llm_api(self, block: Mapping[str, Any]) -> LlmApiInput:
        from boussole.core.footprint import llm

        r = self.r
        path: Path = ("llm_api",)
        requests = r.number(block, path, "requests_per_year", required=True)
        tokens = r.number(block, path, "output_tokens", required=True)
        active = r.number(block, path, "active_params_b", positive=True)
        total = r.number(block, path, "total_params_b", positive=True)
        if active is None and total is None:
            if "active_params_b" not in block and "total_params_b" not in block:
                r.add(
                    _sub(path, "active_params_b"),
                    "valeur obligatoire manquante (nombre de paramètres actifs, en milliards).",
                )
            active = total = 1.0
        active = _or(active, _or(total, 1.0))
        total = _or(total, active)
        if total < active:
            r.add(
                _sub(path, "total_params_b"),
                f"le nombre total de paramètres ({_fmt(total)} Md) ne peut pas être inférieur "
                f"au nombre de paramètres actifs ({_fmt(active)} Md).",
            )
        latency = r.number(block, path, "request_latency_s", positive=True)
        site = self.site(block, path, check=False)
        # EcoLogits uses its own electricity mixes; the factor set does not apply here.
        zone = data.ecologits_zone(site.location)
        if not llm.has_zone(zone):
            r.add(
                _sub(path, "location"),
                f"EcoLogits n'a pas de mix électrique pour la zone « {zone} ».",
            )
        return LlmApiInput(
            requests_per_year=requests or 0.0,
            output_tokens=tokens or 0.0,
            active_params_b=active,
            total_params_b=total,
            request_latency_s=latency,
            location=site.location,
            location_given=site.location_given,
            zone=zone,
            pue=site.pue,
            pue_known=site.pue_known,
            provider=site.provider,
        )

    def transfer_factor(self, block: Mapping[str, Any], path: Path) -> Factor:
        value = block.get("kwh_per_gb")
        named = data.factors()[data.TRANSFER_FACTORS[data.DEFAULT_TRANSFER_FACTOR]]
        if value is None:
            return named
        if isinstance(value, str):
            key = value.strip().lower()
            if key in data.TRANSFER_FACTORS:
                return data.factors()[data.TRANSFER_FACTORS[key]]
            self.r.add(
                _sub(path, "kwh_per_gb"),
                f"facteur de transfert inconnu « {value} » ; indiquez un nombre (kWh/Go) ou "
                f"l'un de : {', '.join(data.TRANSFER_FACTORS)}.",
            )
            return named
        number = self.r.number(block, path, "kwh_per_gb")
        if number is None:
            return named
        return Factor(
            name="transfer_kwh_per_gb",
            label="Énergie du transfert réseau (valeur saisie)",
            value=number,
            unit="kWh/Go",
            source=f"valeur saisie ({_path_text(_sub(path, 'kwh_per_gb'))})",
        )

    def equipment_item(self, raw: Any, path: Path) -> EquipmentItemInput | None:
        r = self.r
        block = r.mapping(raw, path, EQUIPMENT_KEYS)
        if block is None:
            return None
        kind = r.text(block, path, "type", required=True)
        count = r.number(block, path, "count", required=True)
        lifetime = r.number(block, path, "lifetime_years", required=True, positive=True)
        embodied = r.number(block, path, "embodied_kg")
        share = _or(r.number(block, path, "share", maximum=1.0), 1.0)
        label = r.text(block, path, "label")
        known = data.embodied_factors().get((kind or "").lower())
        factor: Factor
        if embodied is not None:
            factor = Factor(
                name=f"embodied.{kind or 'equipment'}",
                label=f"Émissions de fabrication par unité : {label or kind}",
                value=embodied,
                unit="kgCO2e/unité",
                source=f"valeur saisie ({_path_text(_sub(path, 'embodied_kg'))})",
            )
        elif known is not None:
            factor = Factor(
                name=f"embodied.{known.type}",
                label=f"Émissions de fabrication par unité : {known.label}",
                value=known.kg_co2e,
                unit="kgCO2e/unité",
                source=known.source,
            )
        else:
            if kind is not None and "embodied_kg" not in block:
                r.add(
                    _sub(path, "type"),
                    f"type d'équipement sans facteur par défaut « {kind} » : indiquez "
                    "embodied_kg (kg CO2e par unité, avec sa source) ; types avec facteur : "
                    f"{', '.join(data.embodied_factors())}.",
                )
            factor = Factor("embodied.unknown", "", 0.0, "kgCO2e/unité", "")
        return EquipmentItemInput(
            type=(kind or "").lower() if known is not None else (kind or ""),
            label=label or (known.label if known is not None else (kind or "")),
            count=count or 0.0,
            lifetime_years=lifetime or 1.0,
            embodied=factor,
            share=share,
        )


def _or(value: float | None, default: float) -> float:
    return default if value is None else value


def _path_text(path: Path) -> str:
    return format_path(path)


def _processor_factor(processor: data.Processor, kind: str) -> Factor:
    unknown = processor.model == data.ANY_MODEL
    if kind == "cpu":
        name, unit = "cpu_tdp_per_core", "W/cœur"
        label = (
            "Puissance par cœur d'un CPU de modèle inconnu"
            if unknown
            else f"Puissance par cœur du CPU {processor.model}"
        )
        table = "TDP_cpu.csv"
    else:
        name, unit = "gpu_tdp", "W/GPU"
        label = (
            "Puissance d'un GPU de modèle inconnu"
            if unknown
            else f"Puissance du GPU {processor.model}"
        )
        table = "TDP_gpu.csv"
    if processor.origin == "ga":
        detail = f" ; {processor.source}" if processor.source else " (valeur par défaut)"
        source = f"{GA_NAME}, {table}{detail}"
    else:
        source = f"Ajout Boussole (hardware_additions.csv) ; {processor.source}"
    if kind == "cpu" and processor.n_cores and processor.tdp_w:
        source += f" ; {processor.tdp_w:g} W pour {processor.n_cores} cœurs"
    return Factor(name=name, label=label, value=processor.tdp_per_core_w, unit=unit, source=source)


def parse_document(doc: Any, *, source: str | None = None) -> FootprintInput:
    """Validate and resolve a footprint input document; raise ``InvalidDocument`` if invalid."""
    return _Parser(source).document(doc)
