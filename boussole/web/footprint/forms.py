"""The criterion-5 calculator as Django forms: one form per group of inputs of the page.

Groups: service, equipment rows (a formset), infrastructure, model used through an API, CPU part,
GPU part, storage and transfer, training. Each group names the grid questions it answers and the
computed questions it feeds by their identifiers: their numbers are read from the case's grid.
The core validates the document the forms make
(:func:`boussole.core.footprint.compute_footprint`), and each of its problems, located by a path
in the document, is added to the field it came from (``form.add_error``).

A compute profile is either the CPU part or the GPU part of the grid; a document that describes
both in one profile is split in two first (:func:`boussole.web.footprint.inputs
.normalise_document`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from boussole.core.errors import Problem
from boussole.core.footprint import data
from boussole.core.grid import Grid
from boussole.web.footprint.fields import (
    CPUS,
    GPUS,
    JSON,
    LOCATIONS,
    PROVIDER_CHOICES,
    ChoiceField,
    Choices,
    DocPath,
    FootprintForm,
    LocationField,
    NumberField,
    PercentField,
    PeriodField,
    TextField,
    empty,
    place_problems,
)
from boussole.web.footprint.inputs import BLOCK_LABELS, GPU_KEYS

FACTOR_SET_CHOICES: Choices = (
    ("", _("Green Algorithms v3.0 (par défaut)")),
    ("ademe-2022", _("ADEME Base Empreinte, électricité française 2022 (France seulement)")),
)
MEDIA_CHOICES: Choices = (
    ("", _("— non précisé (SSD) —")),
    ("ssd", _("SSD")),
    ("hdd", _("Disque dur (HDD)")),
)
TRANSFER_CHOICES: Choices = (
    ("", _("0,059 kWh/Go — Sustainable Web Design v4 (par défaut)")),
    ("aslan-2018", _("0,06 kWh/Go — Aslan et al. 2018 (réseau fixe)")),
    ("ccf", _("0,001 kWh/Go — Cloud Carbon Footprint (entre centres de données)")),
)
EQUIPMENT_OTHER = "autre"
EQUIPMENT_CHOICES: Choices = (
    ("", _("— choisir —")),
    ("server", _("Serveur rack")),
    ("gpu", _("Carte GPU (classe H100)")),
    ("ssd", _("Disque SSD 2 To")),
    ("hdd", _("Disque dur (HDD)")),
    (EQUIPMENT_OTHER, _("Autre équipement (facteur à indiquer)")),
)
#: Blank equipment rows offered after the stored ones; at most this many rows are read.
BLANK_EQUIPMENT_ROWS = 2
MAX_EQUIPMENT_ROWS = 50
SAME_PLACE = _("Vide : lieu de l'infrastructure ci-dessus.")


class SiteForm(FootprintForm):
    """A block that may name its own host, PUE and place (defaults: the infrastructure's)."""

    provider = ChoiceField(_("Hébergeur"), PROVIDER_CHOICES,
                           help_text=_("Donne le PUE par défaut quand il n'est pas connu."))
    pue = NumberField(_("PUE"), help_text=_("Vide : PUE de l'infrastructure ou de l'hébergeur."))
    location = LocationField(_("Lieu"), datalist=LOCATIONS, help_text=SAME_PLACE)


class ServiceForm(FootprintForm):
    service_years = NumberField(_("Durée de vie du service"), unit=_("années"), help_text=_(
        "5 ans si vide ; sert aux totaux sur la durée de vie."))
    factor_set = ChoiceField(_("Intensité carbone de l'électricité"), FACTOR_SET_CHOICES)


class InfrastructureForm(FootprintForm):
    location = LocationField(_("Lieu de l'infrastructure"), datalist=LOCATIONS, help_text=_(
        "Pays ou code : France ou FR, Allemagne ou DE, Irlande ou IE… Vide : moyenne "
        "mondiale."))
    provider = ChoiceField(_("Hébergeur"), PROVIDER_CHOICES)
    pue = NumberField(_("PUE du centre de données"), help_text=_(
        "Vide : valeur par défaut de l'hébergeur (1,56 si inconnu)."))
    green_energy_share = PercentField(
        _("Part d'énergie verte labellisée"), unit="%", help_text=_(
            "Information seulement : les émissions restent calculées avec le mix du lieu."))
    questions = {"location": "infrastructure_en_france", "pue": "pue_inferieur_1_5",
                 "green_energy_share": "energie_verte_50"}


class LlmApiForm(SiteForm):
    requests_per_year = NumberField(_("Nombre de requêtes"), help_text=_(
        "Par mois ou par an : choisissez la période à côté du nombre."))
    requests_period = PeriodField()
    output_tokens = NumberField(_("Jetons générés par réponse"),
                                help_text=_("Environ 400 pour une conversation courte."))
    total_params_b = NumberField(_("Paramètres du modèle"), unit=_("milliards"))
    active_params_b = NumberField(_("Paramètres actifs par jeton"), unit=_("milliards"),
                                  help_text=_("Vide : tous (modèle dense)."))
    field_order = ("requests_per_year", "requests_period", "output_tokens", "total_params_b",
                   "active_params_b")
    questions = {"requests_per_year": "nombre_executions", "total_params_b": "nombre_parametres"}
    periods = {"requests_per_year": "requests_period"}


class ComputeForm(SiteForm):
    """The CPU part or the GPU part of the grid: one compute profile of the document."""

    hours_per_year = NumberField(_("Heures d'utilisation par an"))
    block_label: ClassVar[Promise] = BLOCK_LABELS["cpu"]
    #: The profile must name at least one of these; the error goes on the first.
    describing: ClassVar[tuple[str, ...]] = ()
    missing: ClassVar[Promise] = _("Indiquez le nombre de cœurs, le modèle ou la mémoire vive.")

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        first = self.describing[0]
        if (self.filled() and not any(not empty(cleaned.get(key)) for key in self.describing)
                and not self.has_error(first)):
            self.add_error(first, str(self.missing))
        return cleaned


class CpuForm(ComputeForm):
    cpu_cores = NumberField(_("Nombre de cœurs"))
    cpu_model = TextField(_("Modèle de CPU"), datalist=CPUS,
                          help_text=_("Vide : modèle inconnu, 12 W par cœur."))
    cpu_tdp_per_core_w = NumberField(_("Puissance par cœur"), unit="W",
                                     help_text=_("Pour un modèle absent de la liste."))
    cpu_usage = PercentField(_("Taux d'utilisation"), unit="%", help_text=_("100 % si vide."))
    memory_gb = NumberField(_("Mémoire vive"), unit=_("Go"))
    field_order = ("hours_per_year", "cpu_model", "cpu_cores", "cpu_tdp_per_core_w",
                   "cpu_usage", "memory_gb")
    describing = ("cpu_cores", "cpu_model", "cpu_tdp_per_core_w", "cpu_usage", "memory_gb")
    questions = {"hours_per_year": "cpu_heures_par_an", "cpu_model": "cpu_modele",
                 "provider": "cpu_infrastructure", "pue": "cpu_pue",
                 "location": "cpu_localisation"}


class GpuForm(ComputeForm):
    gpu_model = TextField(_("Modèle de GPU"), datalist=GPUS,
                          help_text=_("Vide : modèle inconnu, 200 W."))
    gpu_count = NumberField(_("Nombre de GPU"))
    gpu_tdp_w = NumberField(_("Puissance d'un GPU"), unit="W",
                            help_text=_("Pour un modèle absent de la liste."))
    gpu_usage = PercentField(_("Taux d'utilisation"), unit="%", help_text=_("100 % si vide."))
    field_order = ("hours_per_year", "gpu_model", "gpu_count", "gpu_tdp_w", "gpu_usage")
    block_label = BLOCK_LABELS["gpu"]
    describing = ("gpu_count", "gpu_model", "gpu_tdp_w")
    missing = _("Indiquez le nombre de GPU ou leur modèle.")
    questions = {"hours_per_year": "gpu_heures_par_an", "gpu_model": "gpu_modele",
                 "provider": "gpu_infrastructure", "pue": "gpu_pue",
                 "location": "gpu_localisation"}


class StorageForm(SiteForm):
    tb = NumberField(_("Volume stocké"), unit=_("To"))
    years = NumberField(_("Durée du stockage"), unit=_("années"),
                        help_text=_("Vide : durée de vie du service."))
    media = ChoiceField(_("Support"), MEDIA_CHOICES)  # type: ignore[assignment]  # a field
    replication = NumberField(_("Nombre de copies"), help_text=_("1 si vide."))
    field_order = ("tb", "years", "media", "replication")
    questions = {"tb": "stockage_volume", "years": "stockage_duree",
                 "media": "stockage_type_materiel", "provider": "stockage_infrastructure",
                 "location": "stockage_localisation"}


class TransferForm(FootprintForm):
    gb_per_year = NumberField(_("Données transférées par an"), unit=_("Go"))
    kwh_per_gb = ChoiceField(_("Facteur d'énergie du transfert"), TRANSFER_CHOICES,
                             help_text=_("L'écart entre les sources est grand (facteur 60)."))
    kwh_per_gb_custom = NumberField(_("Autre facteur de transfert"), unit=_("kWh/Go"), help_text=_(
        "Remplace le facteur choisi ; indiquez sa source en commentaire."))
    questions = {"gb_per_year": "transfert_volume"}

    def block(self) -> JSON:
        values = super().block()
        if "kwh_per_gb_custom" in values:  # a factor typed wins over the one chosen
            values["kwh_per_gb"] = values.pop("kwh_per_gb_custom")
        return values

    @staticmethod
    def initial_from(block: Mapping[str, Any]) -> JSON:
        initial = dict(block)
        factor = initial.pop("kwh_per_gb", None)
        if isinstance(factor, str):
            initial["kwh_per_gb"] = "" if factor == data.DEFAULT_TRANSFER_FACTOR else factor
        elif factor is not None:
            initial["kwh_per_gb_custom"] = factor
        return initial


class TrainingForm(SiteForm):
    hours = NumberField(_("Durée de l'entraînement principal"), unit=_("heures"))
    gpu_model = TextField(_("Modèle de GPU"), datalist=GPUS)
    gpu_count = NumberField(_("Nombre de GPU"))
    cpu_cores = NumberField(_("Nombre de cœurs de CPU"))
    memory_gb = NumberField(_("Mémoire vive"), unit=_("Go"))
    rd_factor = NumberField(_("Facteur de recherche et développement"), help_text=_(
        "2 : les essais coûtent deux entraînements principaux."))
    retrainings = NumberField(_("Réentraînements sur la durée de vie"))
    retraining_fraction = PercentField(_("Coût d'un réentraînement"), unit="%", help_text=_(
        "En part d'un entraînement complet ; 100 % si vide."))
    field_order = ("hours", "gpu_model", "gpu_count", "cpu_cores", "memory_gb", "rd_factor",
                   "retrainings", "retraining_fraction")


class EquipmentForm(FootprintForm):
    type = ChoiceField(_("Type"), EQUIPMENT_CHOICES)
    label = TextField(_("Description"))
    count = NumberField(_("Nombre"))
    lifetime_years = NumberField(_("Durée d'utilisation"), unit=_("années"))
    embodied_kg = NumberField(_("Fabrication par unité"), unit=_("kg CO2e"),
                              help_text=_("Vide : facteur par défaut et sa source."))
    share = PercentField(_("Part attribuée au service"), unit="%", help_text=_("100 % si vide."))
    questions = {"type": "fabrication_type_materiel", "count": "fabrication_nombre_equipements",
                 "lifetime_years": "fabrication_duree_utilisation"}

    @staticmethod
    def initial_from(item: Mapping[str, Any]) -> JSON:
        initial = dict(item)
        if initial.get("type") not in {value for value, _label in EQUIPMENT_CHOICES}:
            initial["type"] = EQUIPMENT_OTHER
        return initial


class EquipmentRows(forms.BaseFormSet):  # type: ignore[type-arg]
    default_error_messages = {
        "missing_management_form": _("Le formulaire est incomplet (nombre de lignes "
                                     "d'équipement manquant) : rechargez la page."),
    }


EquipmentFormSet = forms.formset_factory(
    EquipmentForm, formset=EquipmentRows, extra=BLANK_EQUIPMENT_ROWS,
    max_num=MAX_EQUIPMENT_ROWS, absolute_max=MAX_EQUIPMENT_ROWS)


# --- The calculator: its groups and the document they make ---------------------------------

@dataclass(frozen=True)
class Group:
    """A group of the page (a fieldset): its forms, the grid questions it answers and the
    computed questions it feeds (identifiers; numbers are read from the case's grid)."""

    id: str
    legend: Promise | str
    intro: Promise | str
    forms: tuple[str, ...]  # attributes of :class:`Calculator`
    answers: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()


GROUPS: tuple[Group, ...] = (
    Group("service", _("Service"), _("Durée de vie du service et jeu de facteurs."),
          ("service",)),
    Group("equipements", _("Fabrication des équipements"), _(
        "Matériel dédié au service : serveurs, cartes GPU, disques. Un équipement sans facteur "
        "par défaut demande ses émissions de fabrication et leur source."), ("equipment",),
        ("fabrication_type_materiel", "fabrication_nombre_equipements",
         "fabrication_duree_utilisation"), ("emissions_fabrication",)),
    Group("infrastructure", _("Infrastructure"), _(
        "Valeurs par défaut de tous les blocs ci-dessous ; chaque bloc peut les préciser."),
        ("infrastructure",),
        ("pue_inferieur_1_5", "infrastructure_en_france", "energie_verte_50")),
    Group("modele", _("Modèle et appels au modèle (API)"), _(
        "Un modèle de langage utilisé par une API (méthode EcoLogits) : laissez vide pour un "
        "modèle hébergé par vos soins, décrit en parties CPU et GPU."), ("llm_api",),
        ("type_algorithme", "nombre_parametres", "nombre_executions"),
        ("emissions_fabrication", "gpu_emissions")),
    Group("cpu", _("Calculs : partie CPU"),
          _("Processeurs et mémoire vive (méthode Green Algorithms)."), ("cpu",),
          ("cpu_heures_par_an", "cpu_modele", "cpu_infrastructure", "cpu_pue",
           "cpu_localisation"), ("cpu_emissions",)),
    Group("gpu", _("Calculs : partie GPU"),
          _("Cartes graphiques (méthode Green Algorithms)."), ("gpu",),
          ("gpu_heures_par_an", "gpu_modele", "gpu_infrastructure", "gpu_pue",
           "gpu_localisation"), ("gpu_emissions",)),
    Group("stockage", _("Stockage et transfert des données"), _(
        "Green Algorithms ne couvre ni le stockage ni le transfert : le stockage utilise les "
        "coefficients de Cloud Carbon Footprint, le transfert un facteur d'énergie par Go."),
        ("storage", "transfer"),
        ("stockage_type_donnees", "stockage_volume", "stockage_duree", "stockage_type_materiel",
         "stockage_infrastructure", "stockage_localisation", "transfert_volume"),
        ("stockage_emissions",)),
    Group("entrainement", _("Entraînement du modèle"), _(
        "Seulement si le modèle est entraîné ou réentraîné pour le service : durée de "
        "l'entraînement principal, multipliée par les essais et les réentraînements."),
        ("training",), ("nombre_entrainements",), ("cpu_emissions", "gpu_emissions")),
)

#: Document blocks that make a figure (the others only set defaults).
COMPONENT_KEYS = ("compute", "training", "llm_api", "storage", "transfer", "equipment")
BLOCK_FORMS = (("training", "training"), ("llm_api", "llm_api"), ("storage", "storage"),
               ("transfer", "transfer"))


def question_labels(grid: Grid, ids: Iterable[str], *, computed: bool | None = None
                    ) -> list[str]:
    """``["Q27", "Q51"]``: the numbers of these questions in the grid (unknown ids left out)."""
    return [f"Q{grid.question(i).number}" for i in ids if grid.has_question(i)
            and (computed is None or grid.question(i).computed == computed)]


class Calculator:
    """The forms of the calculator page, bound to a POST or showing a document."""

    def __init__(self, post: Mapping[str, Any] | None = None, *, grid: Grid,
                 document: Mapping[str, Any] | None = None) -> None:
        doc: Mapping[str, Any] = document or {}
        profiles: dict[str, Mapping[str, Any]] = {}
        for profile in doc.get("compute") or []:
            has_gpu = any(profile.get(key) for key in GPU_KEYS)
            profiles.setdefault("gpu" if has_gpu else "cpu", profile)

        def block(key: str) -> Mapping[str, Any]:
            value = doc.get(key)
            return value if isinstance(value, Mapping) else {}

        def make(form_class: type[FootprintForm], prefix: str | None,
                 initial: Mapping[str, Any]) -> Any:
            return form_class(post, prefix=prefix, initial=initial, grid=grid)

        self.grid = grid
        self.service = make(ServiceForm, None, doc)
        self.infrastructure = make(InfrastructureForm, None, doc)
        self.llm_api = make(LlmApiForm, "llm_api", block("llm_api"))
        self.cpu = make(CpuForm, "cpu", profiles.get("cpu", {}))
        self.gpu = make(GpuForm, "gpu", profiles.get("gpu", {}))
        self.storage = make(StorageForm, "storage", block("storage"))
        self.transfer = make(TransferForm, "transfer", TransferForm.initial_from(
            block("transfer")))
        self.training = make(TrainingForm, "training", block("training"))
        items = [EquipmentForm.initial_from(item) for item in doc.get("equipment") or []
                 if isinstance(item, Mapping)]
        self.equipment = EquipmentFormSet(post, prefix="equipment", auto_id="f-%s",
                                          form_kwargs={"grid": grid},
                                          initial=None if post is not None else items)
        self.general: list[str] = []
        self._origins: dict[DocPath, tuple[FootprintForm, str]] = {}
        self._blocks: dict[DocPath, FootprintForm] = {}

    # --- Reading -----------------------------------------------------------------------

    def all_forms(self) -> list[FootprintForm]:
        """Every form, in the page's order."""
        return [form for group in GROUPS for name in group.forms
                for form in self._forms_of(name)]

    def _forms_of(self, name: str) -> list[FootprintForm]:
        return list(self.equipment.forms) if name == "equipment" else [getattr(self, name)]

    def is_valid(self) -> bool:
        valid = [form.is_valid() for form in self.all_forms()]
        self.general += [str(message) for message in self.equipment.non_form_errors()]
        return all(valid) and self.equipment.is_valid()

    def document(self) -> JSON:
        """The input document from the valid values (call after ``is_valid()``); blocks left
        empty are left out. Remembers where each part came from, for the core's problems."""
        doc: JSON = {}
        self._origins, self._blocks = {}, {}
        for form in (self.service, self.infrastructure):
            for key, value in form.block().items():
                doc[key] = value
                self._origins[(key,)] = (form, key)
        compute: list[JSON] = []
        for form in (self.cpu, self.gpu):
            if form.filled():
                self._add(compute, form, ("compute",),
                          {"label": str(form.block_label), **form.block()})
        if compute:
            doc["compute"] = compute
        for key, name in BLOCK_FORMS:
            form = getattr(self, name)
            if form.filled():
                doc[key] = form.block()
                self._blocks[(key,)] = form
                for field in doc[key]:
                    self._origins[(key, field)] = (form, field)
        if isinstance(self.transfer.cleaned_data.get("kwh_per_gb_custom"), int | float):
            self._origins[("transfer", "kwh_per_gb")] = (self.transfer, "kwh_per_gb_custom")
        equipment: list[JSON] = []
        for form in self.equipment.forms:
            if form.filled():
                self._add(equipment, form, ("equipment",), form.block())
        if equipment:
            doc["equipment"] = equipment
        return doc

    def _add(self, items: list[JSON], form: FootprintForm, path: DocPath, values: JSON) -> None:
        index = len(items)
        items.append(values)
        self._blocks[(*path, index)] = form
        for key in values:
            if key in form.fields:
                self._origins[(*path, index, key)] = (form, key)

    def add_problems(self, problems: Iterable[Problem]) -> None:
        """The core's problems, each on the field it came from; the others as general
        messages."""
        self.general += place_problems(problems, self.all_forms(), self._field_for)

    def _field_for(self, path: DocPath) -> tuple[FootprintForm, str] | None:
        if path in self._origins:
            return self._origins[path]
        key = path[-1] if path else None
        if isinstance(key, str) and len(path) >= 2:
            form = self._blocks.get(path[:-1])
            if form is not None and key in form.fields:
                return form, key
        if isinstance(key, str) and len(path) == 1:
            for form in (self.service, self.infrastructure):
                if key in form.fields:
                    return form, key
        return None

    def has_errors(self) -> bool:
        return bool(self.general or self.error_fields())

    def error_fields(self) -> list[forms.BoundField]:
        """The fields refused, in the page's order (for the summary at the top)."""
        return [field for form in self.all_forms() for field in form.error_fields()]

    def groups(self) -> list[dict[str, Any]]:
        """The page's groups, with their forms and the grid's questions and answers."""
        out = []
        for group in GROUPS:
            numbers = sorted(self.grid.question(i).number for i in group.answers
                             if self.grid.has_question(i))
            questions = ("" if not numbers else f"Q{numbers[0]}" if len(numbers) == 1
                         else gettext("Q%(first)s à Q%(last)s") % {
                             "first": numbers[0], "last": numbers[-1]})
            forms_ = [] if group.forms == ("equipment",) else [
                getattr(self, name) for name in group.forms]
            rows = list(self.equipment.forms) if group.forms == ("equipment",) else []
            out.append({
                "spec": group, "forms": forms_, "rows": rows, "questions": questions,
                "feeds": ", ".join(question_labels(self.grid, group.feeds, computed=True)),
                "grid_questions": [self.grid.question(i) for i in group.answers
                                   if self.grid.has_question(i)],
                "filled": any(form.filled() for form in (*forms_, *rows)),
            })
        return out
