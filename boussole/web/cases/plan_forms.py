"""Forms of the « Plan d'action » page (adding a measure, changing its status), and
:class:`PageForm`, the small base the case pages' hand-written templates share (the plan, the
follow-up, the indicators and the surveys).

The forms read and type what was posted (dates, the target, the person responsible); the rules
(required text, length limits, allowed status changes) stay in :mod:`boussole.core.measures`,
applied by :mod:`boussole.web.cases.measures`: their problems come back to the form with
:meth:`PageForm.add_problems`, each at its field."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext_lazy as _

from boussole.core import measures as rules
from boussole.web.accounts.models import User
from boussole.web.posted import posted_id

#: The message of a malformed date, on every page of a case's follow-up.
INVALID_DATE = _("Date invalide : utilisez le format AAAA-MM-JJ.")


def text_field(label: Any) -> forms.CharField:
    """A free text passed as typed (the core checks whether it is required and its length)."""
    return forms.CharField(label=label, required=False, strip=False)


def date_field(label: Any) -> forms.DateField:
    """An optional ISO date (what ``<input type="date">`` posts); malformed: a French message."""
    return forms.DateField(label=label, required=False, input_formats=["%Y-%m-%d"],
                           error_messages={"invalid": INVALID_DATE})


class PageForm(forms.Form):
    """A form whose page renders its fields by hand (ids, ``aria-invalid`` and
    ``aria-describedby`` written in the template): it hands the template the values as typed
    and the first error of each field, under the field's name ("" for the whole form)."""

    def values(self) -> dict[str, str]:
        """What was posted for each field, as typed (kept on the page after a refusal)."""
        if not self.is_bound:
            return {name: str(self.initial.get(name, "") or "") for name in self.fields}
        return {name: str(self.data.get(self.add_prefix(name), "") or "")
                for name in self.fields}

    def first_errors(self) -> dict[str, str]:
        """The first message of each field with an error ("" for the whole form)."""
        errors: dict[str, str] = {}
        for name, messages in self.errors.items():
            key = "" if name == NON_FIELD_ERRORS else name
            errors.setdefault(key, str(messages[0]))
        return errors

    def add_problems(self, problems: Iterable[tuple[str, str]]) -> None:
        """Add the (field, French message) problems of a refused write, each to its field;
        one naming no field of the form goes to the whole form."""
        for name, message in problems:
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
            elif name not in self.fields:
                self.add_error(None, message)


class MeasureForm(PageForm):
    """A new measure of the action plan."""

    text = text_field(_("Mesure à réaliser"))
    target = forms.CharField(label=_("Répond à"), required=False)
    owner = forms.CharField(label=_("Responsable"), required=False)
    owner_name = text_field(_("Ou le nom d'une personne extérieure à Boussole"))
    due = date_field(_("Échéance"))
    source_key = text_field("")

    def clean_target(self) -> tuple[str, int | None, str]:
        target = rules.parse_target(self.cleaned_data["target"])
        if target is None:
            raise forms.ValidationError(_("Choisissez à quoi répond la mesure."))
        return target

    def clean_owner(self) -> User | None:
        raw = self.cleaned_data["owner"]
        if not raw:
            return None
        owner = User.objects.filter(pk=posted_id(raw)).first()
        if owner is None:
            raise forms.ValidationError(_("Cette personne n'existe pas."))
        return owner


class MeasureStatusForm(PageForm):
    """The new status of one measure."""

    status = forms.CharField(label=_("Nouveau statut"), required=False)
    done_on = date_field(_("Date de réalisation"))
    note = text_field(_("Note"))
