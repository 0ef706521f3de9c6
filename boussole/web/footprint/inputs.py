"""The criterion-5 calculator form: plain HTML fields ↔ the core's input document.

The form is grouped like the grid's sub-sections of criterion 5, each group naming the questions
it answers. Posting it builds a footprint input document (exactly what
:func:`boussole.core.footprint.parse_document` accepts); the core validates it, and each of its
problems (a path in the document) is shown next to the field it came from.

In the form, a compute profile is either the CPU part (Q40–44) or the GPU part (Q46–50) of the
grid; a document that describes both in one profile (e.g. a sizing estimate) is split in two,
which gives the same figures (the Green Algorithms power is a sum).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from boussole.core.errors import Problem, format_path
from boussole.core.footprint import data

JSON = dict[str, Any]
DocPath = tuple[str | int, ...]

PROVIDER_CHOICES: tuple[tuple[str, Promise | str], ...] = (
    ("", _("— non précisé —")),
    ("local", _("Serveurs de la collectivité ou infrastructure inconnue")),
    ("ovhcloud", "OVHcloud"),
    ("aws", "AWS"),
    ("gcp", "Google Cloud (GCP)"),
    ("azure", "Microsoft Azure"),
    ("oracle", "Oracle Cloud"),
    ("other", _("Autre")),
)
FACTOR_SET_CHOICES: tuple[tuple[str, Promise | str], ...] = (
    ("", _("Green Algorithms v3.0 (par défaut)")),
    ("ademe-2022", _("ADEME Base Empreinte, électricité française 2022 (France seulement)")),
)
MEDIA_CHOICES: tuple[tuple[str, Promise | str], ...] = (
    ("", _("— non précisé (SSD) —")),
    ("ssd", _("SSD")),
    ("hdd", _("Disque dur (HDD)")),
)
TRANSFER_CHOICES: tuple[tuple[str, Promise | str], ...] = (
    ("", _("0,059 kWh/Go — Sustainable Web Design v4 (par défaut)")),
    ("aslan-2018", _("0,06 kWh/Go — Aslan et al. 2018 (réseau fixe)")),
    ("ccf", _("0,001 kWh/Go — Cloud Carbon Footprint (entre centres de données)")),
)
EQUIPMENT_OTHER = "autre"
EQUIPMENT_CHOICES: tuple[tuple[str, Promise | str], ...] = (
    ("", _("— choisir —")),
    ("server", _("Serveur rack")),
    ("gpu", _("Carte GPU (classe H100)")),
    ("ssd", _("Disque SSD 2 To")),
    ("hdd", _("Disque dur (HDD)")),
    (EQUIPMENT_OTHER, _("Autre équipement (facteur à indiquer)")),
)
#: Blank equipment rows offered after the stored ones.
BLANK_EQUIPMENT_ROWS = 2


@dataclass(frozen=True)
class FieldSpec:
    """One input: its form name, its place in the document, how to read it."""

    block: str  # "top", "llm_api", "cpu", "gpu", "storage", "transfer", "training", "equipment"
    key: str  # key in the block of the document
    label: Promise | str
    kind: str = "number"  # number | percent | text | choice | location | cpu_model | gpu_model
    unit: Promise | str = ""
    help: Promise | str = ""
    choices: tuple[tuple[str, Promise | str], ...] = ()
    question: int | None = None  # the grid question this input answers
    suffix: str = ""  # distinguishes two inputs of the same document key

    @property
    def name(self) -> str:
        base = self.key + self.suffix
        return base if self.block == "top" else f"{self.block}-{base}"


@dataclass(frozen=True)
class GroupSpec:
    id: str
    legend: Promise | str
    questions: str  # "Q24 à Q26"
    feeds: str  # computed answers fed, "Q27"
    numbers: tuple[int, ...]  # grid questions shown beside the group
    intro: Promise | str
    fields: tuple[FieldSpec, ...] = ()


def _site(block: str, where: Promise | str,
          questions: tuple[int | None, int | None, int | None] | None = None
          ) -> tuple[FieldSpec, ...]:
    provider_q, pue_q, location_q = questions or (None, None, None)
    return (
        FieldSpec(block, "provider", _("Hébergeur"), "choice", choices=PROVIDER_CHOICES,
                  question=provider_q,
                  help=_("Donne le PUE par défaut quand il n'est pas connu.")),
        FieldSpec(block, "pue", _("PUE"), question=pue_q,
                  help=_("Vide : PUE de l'infrastructure ou de l'hébergeur.")),
        FieldSpec(block, "location", _("Lieu (code)"), "location", question=location_q,
                  help=where),
    )


SAME_PLACE = _("Vide : lieu de l'infrastructure ci-dessus.")

GROUPS: tuple[GroupSpec, ...] = (
    GroupSpec(
        "service", _("Service"), "", "", (), _("Durée de vie du service et jeu de facteurs."),
        (
            FieldSpec("top", "service_years", _("Durée de vie du service"), unit=_("années"),
                      help=_("5 ans si vide ; sert aux totaux sur la durée de vie.")),
            FieldSpec("top", "factor_set", _("Intensité carbone de l'électricité"), "choice",
                      choices=FACTOR_SET_CHOICES),
        ),
    ),
    GroupSpec(
        "equipements", _("Fabrication des équipements"), "Q24 à Q26", "Q27", (24, 25, 26),
        _("Matériel dédié au service : serveurs, cartes GPU, disques. Un équipement sans facteur "
          "par défaut demande ses émissions de fabrication et leur source."),
    ),
    GroupSpec(
        "infrastructure", _("Infrastructure"), "Q28 à Q30", "", (28, 29, 30),
        _("Valeurs par défaut de tous les blocs ci-dessous ; chaque bloc peut les préciser."),
        (
            FieldSpec("top", "location", _("Lieu de l'infrastructure (code)"), "location",
                      question=29,
                      help=_("Code Green Algorithms : FR, DE, IE, US… Vide : moyenne mondiale.")),
            FieldSpec("top", "provider", _("Hébergeur"), "choice", choices=PROVIDER_CHOICES),
            FieldSpec("top", "pue", _("PUE du centre de données"), question=28,
                      help=_("Vide : valeur par défaut de l'hébergeur (1,56 si inconnu).")),
            FieldSpec("top", "green_energy_share", _("Part d'énergie verte labellisée"),
                      "percent", unit="%", question=30,
                      help=_("Information seulement : les émissions restent calculées avec le "
                             "mix du lieu.")),
        ),
    ),
    GroupSpec(
        "modele", _("Modèle et appels au modèle (API)"), "Q34 à Q37", "Q27, Q51",
        (34, 35, 37),
        _("Un modèle de langage utilisé par une API (méthode EcoLogits) : laissez vide pour un "
          "modèle hébergé par vos soins, décrit en parties CPU et GPU."),
        (
            FieldSpec("llm_api", "requests_per_year", _("Requêtes par an"), question=37),
            FieldSpec("llm_api", "output_tokens", _("Jetons générés par réponse"),
                      help=_("Environ 400 pour une conversation courte.")),
            FieldSpec("llm_api", "total_params_b", _("Paramètres du modèle"),
                      unit=_("milliards"), question=35),
            FieldSpec("llm_api", "active_params_b", _("Paramètres actifs par jeton"),
                      unit=_("milliards"), help=_("Vide : tous (modèle dense).")),
            *_site("llm_api", SAME_PLACE),
        ),
    ),
    GroupSpec(
        "cpu", _("Calculs : partie CPU"), "Q40 à Q44", "Q45", (40, 41, 42, 43, 44),
        _("Processeurs et mémoire vive (méthode Green Algorithms)."),
        (
            FieldSpec("cpu", "hours_per_year", _("Heures d'utilisation par an"), question=40),
            FieldSpec("cpu", "cpu_model", _("Modèle de CPU"), "cpu_model", question=41,
                      help=_("Vide : modèle inconnu, 12 W par cœur.")),
            FieldSpec("cpu", "cpu_cores", _("Nombre de cœurs")),
            FieldSpec("cpu", "cpu_tdp_per_core_w", _("Puissance par cœur"), unit="W",
                      help=_("Pour un modèle absent de la liste.")),
            FieldSpec("cpu", "cpu_usage", _("Taux d'utilisation"), "percent", unit="%",
                      help=_("100 % si vide.")),
            FieldSpec("cpu", "memory_gb", _("Mémoire vive"), unit=_("Go")),
            *_site("cpu", SAME_PLACE, (42, 43, 44)),
        ),
    ),
    GroupSpec(
        "gpu", _("Calculs : partie GPU"), "Q46 à Q50", "Q51", (46, 47, 48, 49, 50),
        _("Cartes graphiques (méthode Green Algorithms)."),
        (
            FieldSpec("gpu", "hours_per_year", _("Heures d'utilisation par an"), question=46),
            FieldSpec("gpu", "gpu_model", _("Modèle de GPU"), "gpu_model", question=47,
                      help=_("Vide : modèle inconnu, 200 W.")),
            FieldSpec("gpu", "gpu_count", _("Nombre de GPU")),
            FieldSpec("gpu", "gpu_tdp_w", _("Puissance d'un GPU"), unit="W",
                      help=_("Pour un modèle absent de la liste.")),
            FieldSpec("gpu", "gpu_usage", _("Taux d'utilisation"), "percent", unit="%",
                      help=_("100 % si vide.")),
            *_site("gpu", SAME_PLACE, (48, 49, 50)),
        ),
    ),
    GroupSpec(
        "stockage", _("Stockage et transfert des données"), "Q52 à Q58", "Q59",
        (52, 53, 54, 55, 56, 57, 58),
        _("Green Algorithms ne couvre ni le stockage ni le transfert : le stockage utilise les "
          "coefficients de Cloud Carbon Footprint, le transfert un facteur d'énergie par Go."),
        (
            FieldSpec("storage", "tb", _("Volume stocké"), unit=_("To"), question=53),
            FieldSpec("storage", "years", _("Durée du stockage"), unit=_("années"), question=54,
                      help=_("Vide : durée de vie du service.")),
            FieldSpec("storage", "media", _("Support"), "choice", choices=MEDIA_CHOICES,
                      question=55),
            FieldSpec("storage", "replication", _("Nombre de copies"),
                      help=_("1 si vide.")),
            *_site("storage", SAME_PLACE, (56, None, 57)),
            FieldSpec("transfer", "gb_per_year", _("Données transférées par an"),
                      unit=_("Go"), question=58),
            FieldSpec("transfer", "kwh_per_gb", _("Facteur d'énergie du transfert"), "choice",
                      choices=TRANSFER_CHOICES,
                      help=_("L'écart entre les sources est grand (facteur 60).")),
            FieldSpec("transfer", "kwh_per_gb", _("Autre facteur de transfert"),
                      unit=_("kWh/Go"), suffix="_custom",
                      help=_("Remplace le facteur choisi ; indiquez sa source en commentaire.")),
        ),
    ),
    GroupSpec(
        "entrainement", _("Entraînement du modèle"), "Q36", "Q45, Q51", (36,),
        _("Seulement si le modèle est entraîné ou réentraîné pour le service : durée de "
          "l'entraînement principal, multipliée par les essais et les réentraînements."),
        (
            FieldSpec("training", "hours", _("Durée de l'entraînement principal"),
                      unit=_("heures")),
            FieldSpec("training", "gpu_model", _("Modèle de GPU"), "gpu_model"),
            FieldSpec("training", "gpu_count", _("Nombre de GPU")),
            FieldSpec("training", "cpu_cores", _("Nombre de cœurs de CPU")),
            FieldSpec("training", "memory_gb", _("Mémoire vive"), unit=_("Go")),
            FieldSpec("training", "rd_factor", _("Facteur de recherche et développement"),
                      help=_("2 : les essais coûtent deux entraînements principaux.")),
            FieldSpec("training", "retrainings", _("Réentraînements sur la durée de vie")),
            FieldSpec("training", "retraining_fraction", _("Coût d'un réentraînement"),
                      "percent", unit="%",
                      help=_("En part d'un entraînement complet ; 100 % si vide.")),
            *_site("training", SAME_PLACE),
        ),
    ),
)

EQUIPMENT_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("equipment", "type", _("Type"), "choice", choices=EQUIPMENT_CHOICES, question=24),
    FieldSpec("equipment", "label", _("Description"), "text"),
    FieldSpec("equipment", "count", _("Nombre"), question=25),
    FieldSpec("equipment", "lifetime_years", _("Durée d'utilisation"), unit=_("années"),
              question=26),
    FieldSpec("equipment", "embodied_kg", _("Fabrication par unité"), unit=_("kg CO2e"),
              help=_("Vide : facteur par défaut et sa source.")),
    FieldSpec("equipment", "share", _("Part attribuée au service"), "percent", unit="%",
              help=_("100 % si vide.")),
)

#: Document keys named in the core's messages, and how the form calls them.
KEY_LABELS: tuple[tuple[str, Promise | str], ...] = (
    ("cpu_tdp_per_core_w", _("« Puissance par cœur »")),
    ("gpu_tdp_w", _("« Puissance d'un GPU »")),
    ("embodied_kg", _("« Fabrication par unité »")),
    ("cpu_model", _("« Modèle de CPU »")),
    ("factor_set: green-algorithms-3.0", _("le jeu de facteurs Green Algorithms")),
    ("location: FR", _("le lieu FR")),
)

BLOCK_LABELS = {"cpu": _("Partie CPU"), "gpu": _("Partie GPU")}
COMPUTE_BLOCKS = ("cpu", "gpu")
#: Document blocks that make a figure (the others only set defaults).
COMPONENT_KEYS = ("compute", "training", "llm_api", "storage", "transfer", "equipment")
CPU_KEYS = ("cpu_cores", "cpu_model", "cpu_tdp_per_core_w", "cpu_usage", "memory_gb")
GPU_KEYS = ("gpu_count", "gpu_model", "gpu_tdp_w", "gpu_usage")
SITE_KEYS = ("location", "pue", "provider")


def all_fields(equipment_rows: int) -> list[FieldSpec]:
    """Every field of the form; equipment fields carry their row in their block name."""
    out = [spec for group in GROUPS for spec in group.fields]
    for row in range(equipment_rows):
        out += [FieldSpec(f"equipment-{row}", spec.key, spec.label, spec.kind, spec.unit,
                          spec.help, spec.choices, spec.question) for spec in EQUIPMENT_FIELDS]
    return out


@dataclass(frozen=True)
class BoundField:
    """A field as a template renders it: its value and its error, if any."""

    spec: FieldSpec
    value: str = ""
    error: str = ""
    id_prefix: str = "f-"

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def id(self) -> str:
        return f"{self.id_prefix}{self.spec.name}"

    @property
    def label(self) -> str:
        return str(self.spec.label)

    @property
    def unit(self) -> str:
        return str(self.spec.unit)

    @property
    def help(self) -> str:
        return str(self.spec.help)

    @property
    def kind(self) -> str:
        return self.spec.kind

    @property
    def choices(self) -> list[tuple[str, str]]:
        return [(value, str(label)) for value, label in self.spec.choices]

    @property
    def question(self) -> int | None:
        return self.spec.question

    @property
    def list_id(self) -> str:
        return {"location": "dl-locations", "cpu_model": "dl-cpus",
                "gpu_model": "dl-gpus"}.get(self.spec.kind, "")

    @property
    def described_by(self) -> str:
        ids = []
        if self.help:
            ids.append(f"h-{self.id}")
        if self.error:
            ids.append(f"e-{self.id}")
        return " ".join(ids)

    @property
    def shown_value(self) -> str:
        """The value for a read-only page: the choice's label, with its unit."""
        if self.kind in ("choice", "radio"):
            return dict(self.choices).get(self.value, self.value)
        return f"{self.value} {self.unit}".strip()


def bind(specs: Iterable[FieldSpec], values: Mapping[str, str], errors: Mapping[str, str],
         id_prefix: str = "f-") -> list[BoundField]:
    return [BoundField(spec, str(values.get(spec.name, "") or ""), errors.get(spec.name, ""),
                       id_prefix) for spec in specs]


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


# --- Form → document -----------------------------------------------------------------------

@dataclass
class Built:
    """A document built from posted values, and where each part of it came from."""

    document: JSON
    errors: dict[str, str] = field(default_factory=dict)  # field name → French message
    origins: dict[DocPath, str] = field(default_factory=dict)  # document path → field name
    blocks: dict[DocPath, str] = field(default_factory=dict)  # block path → field prefix


def _read(spec: FieldSpec, raw: str, errors: dict[str, str], name: str) -> Any:
    text = raw.strip()
    if spec.kind in ("number", "percent"):
        try:
            number = parse_number(text)
        except ValueError as exc:
            errors[name] = str(exc)
            return None
        if spec.kind == "percent":
            if not 0 <= number <= 100:
                errors[name] = gettext(
                    "Un pourcentage entre 0 et 100 est attendu (valeur reçue : %(value)s)."
                ) % {"value": text}
                return None
            return number / 100
        return number
    if spec.kind in ("choice", "radio"):
        allowed = [value for value, _label in spec.choices]
        if text not in allowed:
            errors[name] = gettext("Choix inconnu : « %(value)s ».") % {"value": text}
            return None
    return text


def document_from_post(post: Mapping[str, Any], equipment_rows: int) -> Built:
    """Build the input document from the posted form; blocks left empty are left out."""
    built = Built(document={})
    blocks: dict[str, dict[str, Any]] = {}
    block_origins: dict[str, dict[str, str]] = {}
    for spec in all_fields(equipment_rows):
        name = spec.name
        raw = str(post.get(name, "") or "")
        if not raw.strip():
            continue
        value = _read(spec, raw, built.errors, name)
        target = blocks.setdefault(spec.block, {})
        origin = block_origins.setdefault(spec.block, {})
        if value is None:
            target.setdefault("__invalid__", True)
            continue
        # The custom transfer factor (a suffixed field) wins over the chosen one.
        if spec.suffix or spec.key not in target:
            target[spec.key] = value
            origin[spec.key] = name

    doc = built.document
    top = blocks.pop("top", {})
    top.pop("__invalid__", None)
    for key, value in top.items():
        doc[key] = value
        built.origins[(key,)] = block_origins["top"][key]
    compute: list[JSON] = []
    for block in COMPUTE_BLOCKS:
        values = blocks.pop(block, None)
        if values is None:
            continue
        values.pop("__invalid__", None)
        index = len(compute)
        profile = {"label": str(BLOCK_LABELS[block]), **values}
        described = CPU_KEYS if block == "cpu" else GPU_KEYS[:3]
        missing = f"{block}-{'cpu_cores' if block == 'cpu' else 'gpu_count'}"
        if not any(key in profile for key in described) and missing not in built.errors:
            built.errors[missing] = (
                gettext("Indiquez le nombre de cœurs, le modèle ou la mémoire vive.")
                if block == "cpu" else gettext("Indiquez le nombre de GPU ou leur modèle."))
        compute.append(profile)
        built.blocks[("compute", index)] = block
        for key in values:
            built.origins[("compute", index, key)] = block_origins[block][key]
    if compute:
        doc["compute"] = compute
    for block in ("training", "llm_api", "storage", "transfer"):
        values = blocks.pop(block, None)
        if values is None:
            continue
        values.pop("__invalid__", None)
        doc[block] = values
        built.blocks[(block,)] = block
        for key in values:
            built.origins[(block, key)] = block_origins[block][key]
    equipment: list[JSON] = []
    for row in range(equipment_rows):
        values = blocks.pop(f"equipment-{row}", None)
        if values is None:
            continue
        values.pop("__invalid__", None)
        index = len(equipment)
        built.blocks[("equipment", index)] = f"equipment-{row}"
        for key in values:
            built.origins[("equipment", index, key)] = block_origins[f"equipment-{row}"][key]
        equipment.append(values)
    if equipment:
        doc["equipment"] = equipment
    return built


def field_errors(problems: Iterable[Problem], built: Built, names: set[str]
                 ) -> tuple[dict[str, str], list[str]]:
    """The core's problems placed next to their field; the others as general messages."""
    errors: dict[str, str] = {}
    general: list[str] = []
    for problem in problems:
        name = _field_for(problem.path, built, names)
        message = humanise(problem.message)
        if name is None:
            general.append(f"{format_path(problem.path)} : {message}")
        elif name in errors:
            errors[name] += " " + message
        else:
            errors[name] = message
    return errors, general


def _field_for(path: DocPath, built: Built, names: set[str]) -> str | None:
    if path in built.origins:
        return built.origins[path]
    if len(path) >= 2 and isinstance(path[-1], str):
        prefix = built.blocks.get(path[:-1])
        if prefix is None and len(path) == 2 and isinstance(path[0], str):
            prefix = path[0]
        if prefix is not None and f"{prefix}-{path[-1]}" in names:
            return f"{prefix}-{path[-1]}"
    if len(path) == 1 and isinstance(path[0], str) and path[0] in names:
        return path[0]
    return None


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


def _shown(spec: FieldSpec, value: Any) -> str:
    if value is None:
        return ""
    if spec.kind == "percent" and isinstance(value, int | float):
        return format_number(value * 100)
    if spec.kind == "number":
        return format_number(value)
    return str(value)


def values_from_document(doc: Mapping[str, Any]) -> dict[str, str]:
    """Form values (by field name) showing a document."""
    doc = normalise_document(doc)
    blocks: dict[str, Mapping[str, Any]] = {"top": doc}
    for profile in doc.get("compute") or []:
        has_gpu = any(profile.get(key) for key in GPU_KEYS)
        blocks.setdefault("gpu" if has_gpu else "cpu", profile)
    for block in ("training", "llm_api", "storage", "transfer"):
        if isinstance(doc.get(block), Mapping):
            blocks[block] = doc[block]
    for row, item in enumerate(doc.get("equipment") or []):
        if isinstance(item, Mapping):
            blocks[f"equipment-{row}"] = item
    values: dict[str, str] = {}
    for spec in all_fields(equipment_rows_for(doc)):
        source = blocks.get(spec.block)
        if source is None or spec.key not in source:
            continue
        value = source[spec.key]
        if spec.block == "transfer" and spec.key == "kwh_per_gb":
            is_named = isinstance(value, str)
            if is_named != (spec.suffix == ""):
                continue
            if is_named and value == data.DEFAULT_TRANSFER_FACTOR:
                value = ""
        if spec.block.startswith("equipment") and spec.key == "type" and value not in {
                v for v, _label in EQUIPMENT_CHOICES}:
            value = EQUIPMENT_OTHER
        values[spec.name] = _shown(spec, value)
    return values


def equipment_rows_for(doc: Mapping[str, Any] | None) -> int:
    stored = len((doc or {}).get("equipment") or [])
    return stored + BLANK_EQUIPMENT_ROWS


def equipment_rows_posted(post: Mapping[str, Any]) -> int:
    """How many equipment rows the posted form had (bounded)."""
    try:
        rows = int(str(post.get("equipment_rows", "")))
    except ValueError:
        rows = BLANK_EQUIPMENT_ROWS
    return max(BLANK_EQUIPMENT_ROWS, min(rows, 50))


# --- Prefilling from the grid's answers -----------------------------------------------------

PROVIDER_FROM_GRID = {"local": "local", "aws": "aws", "gcp": "gcp", "azure": "azure",
                      "ovhcloud": "ovhcloud", "autre": "other"}


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _place(value: Any) -> str | None:
    if isinstance(value, str) and "france" in value.lower():
        return "FR"
    return None


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


def document_from_answers(answers: Mapping[int, Any]) -> JSON:
    """A first document from the grid's answers to criterion 5 (by question number), for a
    case that has no footprint yet. Only unambiguous answers are used."""
    doc: JSON = {}
    if (place := _place(answers.get(44)) or _place(answers.get(57))) is not None:
        doc["location"] = place
    cpu: JSON = {}
    if (hours := _number(answers.get(40))) is not None and hours > 0:
        cpu["hours_per_year"] = hours
        if isinstance(answers.get(41), str) and data.find_cpu(answers[41]) is not None:
            cpu["cpu_model"] = data.find_cpu(answers[41]).model  # type: ignore[union-attr]
        if (provider := PROVIDER_FROM_GRID.get(str(answers.get(42)))) is not None:
            cpu["provider"] = provider
        if (pue := _number(answers.get(43))) is not None:
            cpu["pue"] = pue
    gpu: JSON = {}
    if (hours := _number(answers.get(46))) is not None and hours > 0:
        gpu["hours_per_year"] = hours
        if isinstance(answers.get(47), str) and data.find_gpu(answers[47]) is not None:
            gpu["gpu_model"] = data.find_gpu(answers[47]).model  # type: ignore[union-attr]
        gpu["gpu_count"] = 1
        if (provider := PROVIDER_FROM_GRID.get(str(answers.get(48)))) is not None:
            gpu["provider"] = provider
        if (pue := _number(answers.get(49))) is not None:
            gpu["pue"] = pue
    compute = [p for p in (cpu, gpu) if p]
    if compute:
        doc["compute"] = compute
    params = _number(answers.get(35))
    requests = _per_year(answers.get(37))
    if params is not None and params > 0 and not compute:
        # A parameter count without compute figures: most likely a model used through an API.
        doc["llm_api"] = {"total_params_b": params / 1e9}
        if requests is not None:
            doc["llm_api"]["requests_per_year"] = requests
    if (tb := _number(answers.get(53))) is not None and tb > 0:
        doc["storage"] = {"tb": tb}
        if (years := _number(answers.get(54))) is not None and years > 0:
            doc["storage"]["years"] = years
        if (provider := PROVIDER_FROM_GRID.get(str(answers.get(56)))) is not None:
            doc["storage"]["provider"] = provider
    if (gb := _number(answers.get(58))) is not None and gb > 0:
        doc["transfer"] = {"gb_per_year": gb}
    count, lifetime = _number(answers.get(25)), _number(answers.get(26))
    if count and lifetime:
        text = answers.get(24)
        item: JSON = {"count": count, "lifetime_years": lifetime}
        if isinstance(text, str):
            item["label"] = text[:200]
            if "serveur" in text.lower():
                item["type"] = "server"
        doc["equipment"] = [item]
    return doc


# --- The small footprint form of a scenario without AI (criterion 7) -----------------------

DESKTOP_LABEL = "poste de travail"
SERVER_LABEL = "serveur"
DESKTOP_PROFILE: JSON = {"label": DESKTOP_LABEL, "cpu_cores": 4, "memory_gb": 8, "pue": 1.0}
SERVER_PROFILE: JSON = {"label": SERVER_LABEL, "memory_gb": 16}
DEFAULT_SERVER_CORES = 4

SCENARIO_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("fp", "desktop_hours", _("Travail sur poste informatique"),
              unit=_("heures par an"),
              help=_("Poste de 4 cœurs de modèle inconnu (12 W par cœur), 8 Go de mémoire, "
                     "hors centre de données (PUE 1).")),
    FieldSpec("fp", "server_hours", _("Fonctionnement d'un serveur"), unit=_("heures par an"),
              help=_("Serveur de modèle inconnu (12 W par cœur), 16 Go de mémoire, PUE par "
                     "défaut de Green Algorithms.")),
    FieldSpec("fp", "server_cores", _("Cœurs du serveur"), help=_("4 si vide.")),
    FieldSpec("fp", "storage_tb", _("Données stockées"), unit=_("To")),
    FieldSpec("fp", "transfer_gb", _("Données transférées par an"), unit=_("Go")),
    FieldSpec("fp", "location", _("Lieu (code)"), "location", help=_("FR si vide.")),
)


def scenario_document(post: Mapping[str, Any], service_years: float | None = None) -> Built:
    """The calculator document of a scenario's small footprint form (empty: no document)."""
    built = Built(document={})
    values: dict[str, Any] = {}
    for spec in SCENARIO_FIELDS:
        raw = str(post.get(spec.name, "") or "")
        if raw.strip():
            value = _read(spec, raw, built.errors, spec.name)
            if value is not None:
                values[spec.key] = value
    described = {key for key in values if key != "location"}
    if not described:
        return built
    doc = built.document
    doc["location"] = values.get("location", "FR")
    if "location" in values:
        built.origins[("location",)] = "fp-location"
    if service_years:
        doc["service_years"] = service_years
    compute: list[JSON] = []
    if "desktop_hours" in values:
        built.origins[("compute", len(compute), "hours_per_year")] = "fp-desktop_hours"
        compute.append({**DESKTOP_PROFILE, "hours_per_year": values["desktop_hours"]})
    if "server_hours" in values or "server_cores" in values:
        index = len(compute)
        built.origins[("compute", index, "hours_per_year")] = "fp-server_hours"
        built.origins[("compute", index, "cpu_cores")] = "fp-server_cores"
        compute.append({**SERVER_PROFILE, "hours_per_year": values.get("server_hours"),
                        "cpu_cores": values.get("server_cores", DEFAULT_SERVER_CORES)})
    if compute:
        doc["compute"] = compute
    if "storage_tb" in values:
        built.origins[("storage", "tb")] = "fp-storage_tb"
        doc["storage"] = {"tb": values["storage_tb"]}
    if "transfer_gb" in values:
        built.origins[("transfer", "gb_per_year")] = "fp-transfer_gb"
        doc["transfer"] = {"gb_per_year": values["transfer_gb"]}
    return built


def scenario_values(doc: Mapping[str, Any] | None) -> dict[str, str]:
    """The small form's values showing a scenario's stored document."""
    if not doc:
        return {}
    values: dict[str, str] = {}
    if doc.get("location") and doc.get("location") != "FR":
        values["fp-location"] = str(doc["location"])
    for profile in doc.get("compute") or []:
        if profile.get("label") == DESKTOP_LABEL:
            values["fp-desktop_hours"] = format_number(profile.get("hours_per_year"))
        elif profile.get("label") == SERVER_LABEL:
            values["fp-server_hours"] = format_number(profile.get("hours_per_year"))
            values["fp-server_cores"] = format_number(profile.get("cpu_cores"))
    if isinstance(doc.get("storage"), Mapping):
        values["fp-storage_tb"] = format_number(doc["storage"].get("tb"))
    if isinstance(doc.get("transfer"), Mapping):
        values["fp-transfer_gb"] = format_number(doc["transfer"].get("gb_per_year"))
    return values


# --- Sizing help ---------------------------------------------------------------------------

USE_CASE_CHOICES: tuple[tuple[str, Promise | str], ...] = (
    ("chatbot", _("Agent conversationnel (environ 400 jetons par réponse)")),
    ("summary", _("Résumé de documents (environ 250 jetons)")),
    ("email", _("Rédaction de courriels ou de courriers (environ 170 jetons)")),
    ("classification", _("Classification ou extraction, réponse courte (environ 50 jetons)")),
    ("report", _("Rédaction de rapports longs (environ 5 000 jetons)")),
)
HOSTING_CHOICES: tuple[tuple[str, Promise | str], ...] = (
    ("api", _("Par l'API d'un fournisseur")),
    ("self_hosted", _("Hébergé par la collectivité ou pour elle (serveur dédié)")),
)
SIZING_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("top", "use_case", _("Cas d'usage"), "choice", choices=USE_CASE_CHOICES),
    FieldSpec("top", "requests_per_month", _("Requêtes par mois"),
              help=_("Questions posées, documents traités…")),
    FieldSpec("top", "model_params_b", _("Taille du modèle"),
              unit=_("milliards de paramètres"), help=_("Exemple : 7 pour un modèle « 7B ».")),
    FieldSpec("top", "hosting", _("Hébergement du modèle"), "radio", choices=HOSTING_CHOICES),
    FieldSpec("top", "location", _("Lieu des serveurs (code)"), "location",
              help=_("FR pour la France.")),
)
SIZING_OPTIONAL: tuple[FieldSpec, ...] = (
    FieldSpec("top", "active_params_b", _("Paramètres actifs par jeton"),
              unit=_("milliards"), help=_("Modèles à mélange d'experts ; vide : tous.")),
    FieldSpec("top", "output_tokens", _("Jetons générés par réponse"),
              help=_("Vide : valeur du cas d'usage.")),
    FieldSpec("top", "service_years", _("Durée de vie du service"), unit=_("années"),
              help=_("5 ans si vide.")),
    FieldSpec("top", "provider", _("Hébergeur"), "choice", choices=PROVIDER_CHOICES),
    FieldSpec("top", "pue", _("PUE du centre de données")),
)
SIZING_REQUIRED = ("requests_per_month", "model_params_b")
SIZING_PLACEHOLDERS: JSON = {"requests_per_month": 1, "model_params_b": 1}


def sizing_params(post: Mapping[str, Any]) -> tuple[JSON, dict[str, str]]:
    """Keyword arguments of ``estimate_from_sizing`` from the posted form, and field errors."""
    params: JSON = {}
    errors: dict[str, str] = {}
    for spec in (*SIZING_FIELDS, *SIZING_OPTIONAL):
        raw = str(post.get(spec.name, "") or "")
        if not raw.strip():
            if spec.key in SIZING_REQUIRED:
                errors[spec.name] = gettext("Valeur obligatoire.")
            continue
        value = _read(spec, raw, errors, spec.name)
        if value is not None and value != "":
            params[spec.key] = value
    params.setdefault("location", "FR")
    return params, errors


def sizing_initial(answers: Mapping[int, Any]) -> dict[str, str]:
    """The sizing form, prefilled from the grid (Q35 parameters, Q37 executions)."""
    values = {"use_case": "chatbot", "hosting": "api", "location": "FR"}
    params = _number(answers.get(35))
    if params:
        values["model_params_b"] = format_number(params / 1e9)
    per_year = _per_year(answers.get(37))
    if per_year:
        values["requests_per_month"] = format_number(per_year / 12)
    return values
