"""Follow-up indicators of a case and their measured values (issue 13, item 3).

A value belongs to a case's review *stage* (``T0``, ``M6``, ``A1``, ``A3``, ``A5``: plain codes
shared with the follow-up plan) and a measurement date; one value per indicator and stage
(recording it again replaces it, audited)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from boussole.web.cases.models import Case


class Kind(models.TextChoices):
    BENEFIT = "benefit", _("Bénéfice promis (critère 3)")
    FREE = "free", _("Indicateur libre")
    ENERGY = "energie_mesuree", _("Énergie mesurée (critère 5)")


class Direction(models.TextChoices):
    HIGHER = "higher", _("Plus haut est mieux")
    LOWER = "lower", _("Plus bas est mieux")


class Stage(models.TextChoices):
    T0 = "T0", _("Mise en service (T0)")
    M6 = "M6", _("6 mois")
    A1 = "A1", _("1 an")
    A3 = "A3", _("3 ans")
    A5 = "A5", _("5 ans")


class Indicator(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="indicators")
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.FREE)
    #: The criterion-3 answer it comes from (``Q8:<option>``, ``Q9``, ``Q11``), or empty.
    source_key = models.CharField(max_length=80, blank=True)
    label = models.CharField(_("libellé"), max_length=200)
    unit = models.CharField(_("unité"), max_length=40)
    direction = models.CharField(_("sens"), max_length=8, choices=Direction.choices)
    baseline_value = models.FloatField(_("valeur de référence"))
    baseline_date = models.DateField(_("date de la valeur de référence"))
    target_value = models.FloatField(_("cible"))
    target_date = models.DateField(_("échéance de la cible"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("indicateur")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.label}"


class Measurement(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE,
                                  related_name="measurements")
    stage = models.CharField(_("étape de suivi"), max_length=4, choices=Stage.choices)
    value = models.FloatField(_("valeur mesurée"))
    measured_on = models.DateField(_("date de mesure"))
    source = models.TextField(_("source ou commentaire"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("valeur mesurée")
        constraints = [models.UniqueConstraint(fields=["indicator", "stage"],
                                               name="indicator_one_value_per_stage")]

    def __str__(self) -> str:
        return f"{self.indicator_id}@{self.stage}: {self.value}"
