"""Forms of the « Indicateurs » page: an indicator (added or changed) and the value of one at
a review stage. They carry the inputs as typed: reading the numbers and dates, and the
rules (required fields, baseline before target, stage order), are the core's
(:func:`boussole.core.indicators.clean_indicator`, :func:`~boussole.core.indicators
.clean_measure`), applied by :mod:`.services`, whose problems come back to their field
(:meth:`~boussole.web.cases.plan_forms.PageForm.add_problems`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from boussole.web.cases.plan_forms import PageForm, text_field


class IndicatorForm(PageForm):
    """An indicator of a case: what it measures, its baseline and its target."""

    kind = text_field(_("Type d'indicateur"))
    label = text_field(_("Libellé"))
    unit = text_field(_("Unité"))
    direction = text_field(_("Sens de l'amélioration"))
    baseline_value = text_field(_("Valeur de référence"))
    baseline_date = text_field(_("Date de la valeur de référence"))
    target_value = text_field(_("Cible"))
    target_date = text_field(_("Échéance de la cible"))
    source_key = text_field("")


class MeasurementForm(PageForm):
    """The value of an indicator measured at a review stage."""

    stage = text_field(_("Étape de suivi"))
    value = text_field(_("Valeur mesurée"))
    measured_on = text_field(_("Date de mesure"))
    source = text_field(_("Source ou commentaire"))
