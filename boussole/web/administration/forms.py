"""Forms of the administration pages (French errors next to their field)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

from boussole.core import followup, roles
from boussole.web.accounts.models import Delegation, Domain, Organisation, Role
from boussole.web.grids import registry

NO_DOMAIN = [("", _("— aucun —"))]


class AssignmentForm(forms.Form):
    """Role, referent domain, elected delegation, checked by the core's rule."""

    role = forms.ChoiceField(label=_("Rôle"), choices=Role.choices)
    domain = forms.ChoiceField(
        label=_("Domaine (référent·e)"), choices=NO_DOMAIN + list(Domain.choices),
        required=False, help_text=_("Obligatoire pour un·e référent·e du groupe d'experts."))
    delegation = forms.ChoiceField(
        label=_("Délégation (élu·e)"), choices=NO_DOMAIN + list(Delegation.choices),
        required=False, help_text=_("Obligatoire pour un·e élu·e."))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "role" in data:
            for field, message in roles.assignment_problems(
                    data["role"], data.get("domain", ""), data.get("delegation", "")):
                self.add_error(field or None, message)
        return data


class InviteForm(AssignmentForm):
    email = forms.EmailField(label=_("Adresse électronique"), max_length=150,
                             widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    first_name = forms.CharField(label=_("Prénom"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Nom"), max_length=150, required=False)

    field_order = ["email", "first_name", "last_name", "role", "domain", "delegation"]


class AcceptForm(SetPasswordForm):  # type: ignore[type-arg]
    """Choose a password: Django's password validators (settings.AUTH_PASSWORD_VALIDATORS)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("Mot de passe")
        self.fields["new_password2"].label = _("Confirmation du mot de passe")
        self.fields["new_password1"].help_text = _(
            "Au moins 10 caractères, ni trop courant, ni uniquement des chiffres, ni trop "
            "proche de votre nom ou de votre adresse.")


class ResetForm(PasswordResetForm):
    """Django's reset form: a message only to an active account, the same answer for any
    address (no account enumeration)."""

    email = forms.EmailField(label=_("Adresse électronique"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))


def _codes(text: str) -> list[str]:
    return [c.strip() for c in text.split(",") if c.strip()]


def publisher_choices() -> list[tuple[str, str]]:
    choices = [("admin", str(Role.ADMIN.label))]
    choices += [(f"referent:{code}", _("Référent·e — %(domain)s") % {"domain": label})
                for code, label in Domain.choices]
    return choices


class SettingsForm(forms.Form):
    name = forms.CharField(label=_("Nom de l'organisation"), max_length=200)
    required_delegations = forms.MultipleChoiceField(
        label=_("Règle de décision : délégations dont la décision est requise"),
        choices=Delegation.choices, widget=forms.CheckboxSelectMultiple,
        help_text=_("Toutes les délégations cochées doivent valider ; un refus refuse."),
        error_messages={"required": _("Cochez au moins une délégation.")})
    followup_schedule = forms.CharField(
        label=_("Calendrier de suivi (mois après la mise en service)"), max_length=200,
        required=False)
    publishers = forms.MultipleChoiceField(
        label=_("Qui peut publier les notices"), choices=publisher_choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Cochez au moins un rôle.")})
    evidence_max_mb = forms.IntegerField(
        label=_("Taille maximale d'une pièce justificative (Mo)"), required=False, min_value=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    grid_versions = forms.MultipleChoiceField(
        label=_("Versions de grille proposées"), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Aucune case cochée : toutes les versions."))
    default_grid = forms.ChoiceField(label=_("Grille des nouveaux cas"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        keys = [(g.key, f"{g.title} — version {g.version}") for g in registry().all()]
        self.fields["grid_versions"].choices = keys  # type: ignore[attr-defined]
        self.fields["default_grid"].choices = (  # type: ignore[attr-defined]
            [("", _("La dernière version")), *keys])
        self.instance_max = int(settings.BOUSSOLE_EVIDENCE_MAX_MB)
        self.fields["evidence_max_mb"].help_text = _(
            "Vide : la limite de l'instance (%(max)s Mo), qui est aussi le maximum.") % {
            "max": self.instance_max}
        self.fields["followup_schedule"].help_text = _(
            "Nombres de mois séparés par des virgules, croissants, par exemple 0,6,12,36,60. "
            "Vide : le calendrier de l'instance (%(default)s).") % {
            "default": settings.BOUSSOLE_FOLLOWUP_SCHEDULE}

    @classmethod
    def initial_for(cls, organisation: Organisation) -> dict[str, Any]:
        return {"name": organisation.name,
                "required_delegations": list(organisation.decision_delegations),
                "followup_schedule": organisation.followup_schedule,
                "publishers": _codes(organisation.publishers),
                "evidence_max_mb": organisation.evidence_max_mb,
                "grid_versions": list(organisation.grid_keys),
                "default_grid": organisation.default_grid}

    def clean_name(self) -> str:
        name = str(self.cleaned_data["name"]).strip()
        if not name:
            raise forms.ValidationError(_("Le nom de l'organisation est obligatoire."))
        return name

    def clean_required_delegations(self) -> str:
        chosen = self.cleaned_data["required_delegations"]
        return ",".join(c for c in roles.DELEGATIONS if c in chosen)

    def clean_followup_schedule(self) -> str:
        text = str(self.cleaned_data["followup_schedule"]).strip()
        if text:
            try:
                followup.parse_schedule(text)
            except ValueError as error:
                raise forms.ValidationError(str(error)) from None
            text = ",".join(str(int(p)) for p in _codes(text))
        return text

    def clean_publishers(self) -> str:
        chosen = self.cleaned_data["publishers"]
        return ",".join(code for code, _label in publisher_choices() if code in chosen)

    def clean_evidence_max_mb(self) -> int | None:
        value = self.cleaned_data["evidence_max_mb"]
        if value is not None and value > self.instance_max:
            raise forms.ValidationError(
                _("La limite de l'instance est de %(max)s Mo : saisissez au plus %(max)s.")
                % {"max": self.instance_max})
        return value  # type: ignore[no-any-return]

    def clean_grid_versions(self) -> str:
        return ",".join(self.cleaned_data["grid_versions"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        default, offered = data.get("default_grid", ""), data.get("grid_versions")
        if default and offered and default not in _codes(offered):
            self.add_error("default_grid", _("La grille des nouveaux cas doit faire partie des "
                                             "versions proposées."))
        return data
