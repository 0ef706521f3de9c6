"""The forms of the notice editor: the draft (tier 1 and tier 2) and the withdrawal."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from boussole.core import transparency as rules

L = rules.LIMITS
#: Form field names that differ from the notice's (``data`` is a form's own attribute).
FORM_NAMES = {"data": "used_data"}


def form_name(name: str) -> str:
    """The form field of a notice field."""
    return FORM_NAMES.get(name, name)


def notice_values(cleaned: dict[str, Any]) -> dict[str, Any]:
    """The notice's fields from a form's cleaned data."""
    back = {v: k for k, v in FORM_NAMES.items()}
    return {back.get(k, k): v for k, v in cleaned.items() if k != "revision"}


def form_initial(values: dict[str, Any]) -> dict[str, Any]:
    return {form_name(k): v for k, v in values.items()}


def _text(label: Any, name: str, help_text: Any = "", rows: int = 3) -> forms.CharField:
    return forms.CharField(label=label, required=False, max_length=L[name], help_text=help_text,
                           widget=forms.Textarea(attrs={"rows": rows}))


class NoticeForm(forms.Form):
    """The draft notice. Texts may be empty while the group writes; what publishing requires
    is checked when publishing (core rule)."""

    revision = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    # Tier 1
    title = forms.CharField(label=_("Nom de l'algorithme ou du service"), max_length=L["title"])
    summary = _text(_("Ce que fait l'outil"), "summary",
                    _("En deux ou trois phrases simples, pour tout le monde."), rows=4)
    purpose = _text(_("Pourquoi la collectivité l'utilise (finalité)"), "purpose")
    used_data = _text(_("Les données utilisées"), "data",
                 _("Quelles informations, sur qui, d'où elles viennent."))
    responsible_service = forms.CharField(
        label=_("Direction ou service responsable"), max_length=L["responsible_service"],
        required=False)
    contact = _text(_("Joindre une personne"), "contact",
                    _("Adresse postale, courriel ou formulaire : une personne répond."), rows=2)
    contest = _text(_("Contester une décision, exercer vos droits"), "contest")
    founds_individual_decisions = forms.BooleanField(
        label=_("L'outil sert à prendre des décisions individuelles (article L312-1-3 du code "
                "des relations entre le public et l'administration)"), required=False)
    legal_basis = _text(_("Base légale"), "legal_basis",
                        _("Le texte qui autorise cette utilisation (mission, loi, délibération)."),
                        rows=2)
    # Tier 2
    algorithm_rules = _text(
        _("Principales règles de l'algorithme"), "algorithm_rules",
        _("Obligatoire si l'outil fonde des décisions individuelles : données prises en compte, "
          "leur poids, les opérations effectuées."), rows=6)
    criterion6_ids = forms.MultipleChoiceField(
        label=_("Réponses du critère 6 (transparence) à publier"), required=False,
        widget=forms.CheckboxSelectMultiple)
    include_footprint = forms.BooleanField(
        label=_("Publier l'empreinte environnementale (critère 5)"), required=False)
    include_decision = forms.BooleanField(
        label=_("Publier la décision des élus, sa date, sa référence et ses conditions"),
        required=False)
    include_reviews = forms.BooleanField(
        label=_("Publier les revues de suivi faites"), required=False)

    def __init__(self, *args: Any, criterion6: list[tuple[str, str]] | None = None,
                 advice_url: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["criterion6_ids"]
        assert isinstance(field, forms.MultipleChoiceField)  # noqa: S101 — declared above
        field.choices = criterion6 or []
        for notice_name in rules.READABLE_FIELDS:
            name = form_name(notice_name)
            attrs = self.fields[name].widget.attrs
            # The advice below each tier-1 text: read with the field, refreshed while typing
            # when htmx is there (the server computes it at each render anyway).
            attrs["aria-describedby"] = " ".join(
                part for part in (f"id_{name}_helptext" if self.fields[name].help_text else "",
                                  f"conseils-{notice_name}") if part)
            if advice_url:
                attrs.update({"hx-post": advice_url,
                              "hx-trigger": "keyup changed delay:500ms",
                              "hx-target": f"#conseils-{notice_name}", "hx-swap": "outerHTML",
                              "hx-vals": f'{{"field": "{notice_name}"}}'})


class UnpublishForm(forms.Form):
    reason = forms.CharField(label=_("Motif du retrait (obligatoire)"), max_length=L["reason"],
                             widget=forms.Textarea(attrs={"rows": 2}))
