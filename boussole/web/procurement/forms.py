"""Forms of the consultation pages (the bidder's questionnaire is built from the grid)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from boussole.core.procurement import consultation as rules
from boussole.web.procurement.models import Maturity

#: Largest annex or dossier accepted for import (bytes).
IMPORT_MAX_BYTES = 5 * 1024 * 1024


class ConsultationForm(forms.Form):
    title = forms.CharField(label=_("Objet de la consultation"), max_length=rules.TITLE_MAX)
    reference = forms.CharField(label=_("Numéro de procédure (facultatif)"), required=False,
                                max_length=rules.REFERENCE_MAX)
    deadline = forms.DateField(label=_("Date limite de remise des offres (facultatif)"),
                               required=False, help_text=_("Format : AAAA-MM-JJ."),
                               widget=forms.DateInput(attrs={"type": "date"}))


class BidderForm(forms.Form):
    name = forms.CharField(label=_("Nom du soumissionnaire"), max_length=rules.NAME_MAX)
    email = forms.EmailField(label=_("Adresse électronique de contact (facultatif)"),
                             required=False)


class DaysForm(forms.Form):
    days = forms.IntegerField(label=_("Validité du lien (jours)"), required=False,
                              min_value=1, max_value=rules.LINK_MAX_DAYS)


class _UploadForm(forms.Form):
    bidder = forms.CharField(label=_("Nom du soumissionnaire"), max_length=rules.NAME_MAX)
    file = forms.FileField(label=_("Fichier"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("Le fichier dépasse la taille maximale de %(mo)s Mo."),
                params={"mo": IMPORT_MAX_BYTES // (1024 * 1024)})
        return upload


class AnnexImportForm(_UploadForm):
    file = forms.FileField(label=_("Annexe remplie (ODS ou XLSX)"))


class DossierImportForm(_UploadForm):
    file = forms.FileField(label=_("Dossier fournisseur (JSON)"))


class OverrideForm(forms.Form):
    maturity = forms.ChoiceField(label=_("Maturité retenue"), choices=Maturity.choices)
    reason = forms.CharField(label=_("Motif"), max_length=rules.REASON_MAX,
                             widget=forms.Textarea(attrs={"rows": 2}))


class AwardForm(forms.Form):
    bidder = forms.TypedChoiceField(label=_("Soumissionnaire retenu"), coerce=int,
                                    widget=forms.RadioSelect)

    def __init__(self, *args: Any, bidders: Iterable[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["bidder"]
        assert isinstance(field, forms.TypedChoiceField)  # noqa: S101 — declared above
        field.choices = [(b.pk, b.name) for b in bidders]
