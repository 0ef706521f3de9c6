"""The two small footprint forms: the sizing help of criterion 5 (what a case knows at first)
and the footprint of a scenario without AI (criterion 7), on the calculator's fields."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from boussole.core.errors import Problem
from boussole.web.footprint.fields import (
    JSON,
    LOCATIONS,
    PROVIDER_CHOICES,
    ChoiceField,
    Choices,
    DocPath,
    FootprintForm,
    LocationField,
    NumberField,
    PeriodField,
    place_problems,
)
from boussole.web.footprint.inputs import (
    DEFAULT_SERVER_CORES,
    DESKTOP_PROFILE,
    SERVER_PROFILE,
)

# --- The sizing help ------------------------------------------------------------------------

USE_CASE_CHOICES: Choices = (
    ("chatbot", _("Agent conversationnel (environ 400 jetons par réponse)")),
    ("summary", _("Résumé de documents (environ 250 jetons)")),
    ("email", _("Rédaction de courriels ou de courriers (environ 170 jetons)")),
    ("classification", _("Classification ou extraction, réponse courte (environ 50 jetons)")),
    ("report", _("Rédaction de rapports longs (environ 5 000 jetons)")),
)
HOSTING_CHOICES: Choices = (
    ("api", _("Par l'API d'un fournisseur")),
    ("self_hosted", _("Hébergé par la collectivité ou pour elle (serveur dédié)")),
)


class SizingForm(FootprintForm):
    """What a case knows at first: use case, volume, model size, hosting."""

    use_case = ChoiceField(_("Cas d'usage"), USE_CASE_CHOICES)
    requests_per_year = NumberField(_("Nombre de requêtes"), required=True, help_text=_(
        "Questions posées, documents traités… par mois ou par an : choisissez la période à "
        "côté du nombre."))
    requests_period = PeriodField(initial="month")
    model_params_b = NumberField(_("Taille du modèle"), unit=_("milliards de paramètres"),
                                 required=True,
                                 help_text=_("Exemple : 7 pour un modèle « 7B »."))
    hosting = ChoiceField(_("Hébergement du modèle"), HOSTING_CHOICES, widget=forms.RadioSelect)
    location = LocationField(_("Lieu des serveurs"), datalist=LOCATIONS, help_text=_(
        "Pays ou code : France ou FR, Allemagne ou DE… France si vide."))
    active_params_b = NumberField(_("Paramètres actifs par jeton"), unit=_("milliards"),
                                  help_text=_("Modèles à mélange d'experts ; vide : tous."))
    output_tokens = NumberField(_("Jetons générés par réponse"),
                                help_text=_("Vide : valeur du cas d'usage."))
    service_years = NumberField(_("Durée de vie du service"), unit=_("années"),
                                help_text=_("5 ans si vide."))
    provider = ChoiceField(_("Hébergeur"), PROVIDER_CHOICES)
    pue = NumberField(_("PUE du centre de données"))
    OPTIONAL: ClassVar[tuple[str, ...]] = ("active_params_b", "output_tokens", "service_years",
                                           "provider", "pue")
    #: Stand-ins for missing figures, so that every other problem shows at once.
    PLACEHOLDERS: ClassVar[JSON] = {"requests_per_year": 1, "model_params_b": 1}
    periods = {"requests_per_year": "requests_period"}

    def essential(self) -> list[forms.BoundField]:
        return [field for field in self if field.name not in self.OPTIONAL]

    def optional(self) -> list[forms.BoundField]:
        return [field for field in self if field.name in self.OPTIONAL]

    def params(self) -> JSON:
        """Keyword arguments of ``estimate_from_sizing`` (call after ``is_valid()``)."""
        return {"location": "FR", **self.block()}

    def add_problems(self, problems: Iterable[Problem]) -> list[str]:
        """The core's problems on their field (named by the path); the others returned."""
        return place_problems(problems, [self], lambda path: (
            (self, str(path[0])) if path and str(path[0]) in self.fields else None))


# --- The footprint of a scenario without AI (criterion 7) -----------------------------------

class ScenarioFootprintForm(FootprintForm):
    """A small footprint form: desktop and server hours, storage, transfer."""

    desktop_hours = NumberField(_("Travail sur poste informatique"), unit=_("heures par an"),
                                help_text=_(
        "Poste de 4 cœurs de modèle inconnu (12 W par cœur), 8 Go de mémoire, hors centre de "
        "données (PUE 1)."))
    server_hours = NumberField(_("Fonctionnement d'un serveur"), unit=_("heures par an"),
                               help_text=_(
        "Serveur de modèle inconnu (12 W par cœur), 16 Go de mémoire, PUE par défaut de Green "
        "Algorithms."))
    server_cores = NumberField(_("Cœurs du serveur"), help_text=_("4 si vide."))
    storage_tb = NumberField(_("Données stockées"), unit=_("To"))
    transfer_gb = NumberField(_("Données transférées par an"), unit=_("Go"))
    location = LocationField(_("Lieu"), datalist=LOCATIONS, help_text=_(
        "Pays ou code (France ou FR…) ; France si vide."))

    def __init__(self, *args: Any, key: str, **kwargs: Any) -> None:
        super().__init__(*args, prefix="fp", auto_id=f"{key}-%s", **kwargs)
        self._origins: dict[DocPath, str] = {}

    @staticmethod
    def initial_from(doc: Mapping[str, Any] | None) -> JSON:
        if not doc:
            return {}
        initial: JSON = {}
        if doc.get("location") and doc.get("location") != "FR":
            initial["location"] = doc["location"]
        for profile in doc.get("compute") or []:
            if profile.get("label") == DESKTOP_PROFILE["label"]:
                initial["desktop_hours"] = profile.get("hours_per_year")
            elif profile.get("label") == SERVER_PROFILE["label"]:
                initial["server_hours"] = profile.get("hours_per_year")
                initial["server_cores"] = profile.get("cpu_cores")
        if isinstance(doc.get("storage"), Mapping):
            initial["storage_tb"] = doc["storage"].get("tb")
        if isinstance(doc.get("transfer"), Mapping):
            initial["transfer_gb"] = doc["transfer"].get("gb_per_year")
        return initial

    def document(self, service_years: float | None = None) -> JSON:
        """The calculator document (empty: nothing described); call after ``is_valid()``."""
        values = self.block()
        if not set(values) - {"location"}:
            return {}
        origins = self._origins = {}
        doc: JSON = {"location": values.get("location", "FR")}
        if "location" in values:
            origins[("location",)] = "location"
        if service_years:
            doc["service_years"] = service_years
        compute: list[JSON] = []
        if "desktop_hours" in values:
            origins[("compute", len(compute), "hours_per_year")] = "desktop_hours"
            compute.append({**DESKTOP_PROFILE, "hours_per_year": values["desktop_hours"]})
        if "server_hours" in values or "server_cores" in values:
            origins[("compute", len(compute), "hours_per_year")] = "server_hours"
            origins[("compute", len(compute), "cpu_cores")] = "server_cores"
            compute.append({**SERVER_PROFILE, "hours_per_year": values.get("server_hours"),
                            "cpu_cores": values.get("server_cores", DEFAULT_SERVER_CORES)})
        if compute:
            doc["compute"] = compute
        if "storage_tb" in values:
            origins[("storage", "tb")] = "storage_tb"
            doc["storage"] = {"tb": values["storage_tb"]}
        if "transfer_gb" in values:
            origins[("transfer", "gb_per_year")] = "transfer_gb"
            doc["transfer"] = {"gb_per_year": values["transfer_gb"]}
        return doc

    def add_problems(self, problems: Iterable[Problem]) -> list[str]:
        """The core's problems on the field they came from; the others returned."""
        return place_problems(problems, [self], lambda path: (
            (self, self._origins[path]) if path in self._origins else None))
