"""Footprint inputs and results of a case (criterion 5), its computed answers with their
justified overrides, and the no-AI comparison (criterion 7).

Documents are stored exactly as :func:`boussole.core.footprint.parse_document` accepts them, and
results as ``FootprintResult.to_json()``: the core stays the one place where figures are made.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from boussole.web.cases.models import Case


class FootprintInput(models.Model):
    """The calculator's input document of a case and its last result."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="footprint")
    document = models.JSONField(_("données d'entrée du calculateur"))
    result = models.JSONField(_("résultat du calcul"))
    computed_at = models.DateTimeField(_("calculé le"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    revision = models.PositiveIntegerField(default=1)
    #: The criterion-5 referent's validation of the inputs, and the revision it covers: a
    #: later revision (the inputs changed) is "à revalider".
    validated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    validated_at = models.DateTimeField(_("validé le"), null=True, blank=True)
    validated_revision = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("empreinte d'un cas d'usage")

    def __str__(self) -> str:
        return f"{self.case_id}: empreinte r{self.revision}"

    @property
    def validation(self) -> str:
        """``validated``, ``to_revalidate`` (the inputs changed since) or ``none``."""
        if self.validated_revision is None:
            return "none"
        return "validated" if self.validated_revision == self.revision else "to_revalidate"


class ComputedAnswer(models.Model):
    """A grid answer made by the calculator (Q27, Q45, Q51, Q59).

    ``computed_value`` is always the calculator's figure; ``retained_value`` is set only when
    the group replaced it, with a ``justification``. The retained figure (override, else
    computed) is what the case's :class:`~boussole.web.cases.models.Answer` holds.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="computed_answers")
    question_id = models.CharField(max_length=80)
    computed_value = models.FloatField(_("valeur calculée"))
    retained_value = models.FloatField(_("valeur retenue"), null=True, blank=True)
    justification = models.TextField(_("justification"), blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["case", "question_id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "question_id"],
                                    name="computed_answer_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.question_id}"

    @property
    def overridden(self) -> bool:
        return self.retained_value is not None

    @property
    def retained(self) -> float:
        return self.computed_value if self.retained_value is None else self.retained_value


class NoAiScenario(models.Model):
    """An alternative without AI, described on the same lines as the AI option."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="no_ai_scenarios")
    position = models.PositiveSmallIntegerField(default=1)
    title = models.CharField(_("intitulé du scénario"), max_length=200)
    service_benefit = models.TextField(_("bénéfice pour le service"), blank=True)
    cost = models.TextField(_("coût"), blank=True)
    risks = models.TextField(_("risques"), blank=True)
    dependency = models.TextField(_("dépendance aux fournisseurs et aux compétences rares"),
                                  blank=True)
    reversibility = models.TextField(_("réversibilité et mode dégradé"), blank=True)
    footprint_document = models.JSONField(null=True, blank=True)
    footprint_result = models.JSONField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["case", "position", "id"]
        verbose_name = _("scénario sans IA")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.title}"


class NoAiComparison(models.Model):
    """The AI option's column of the comparison, and the group's conclusion."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="no_ai_comparison")
    ai_service_benefit = models.TextField(_("bénéfice pour le service"), blank=True)
    ai_cost = models.TextField(_("coût"), blank=True)
    ai_risks = models.TextField(_("risques"), blank=True)
    ai_dependency = models.TextField(_("dépendance aux fournisseurs et aux compétences rares"),
                                     blank=True)
    ai_reversibility = models.TextField(_("réversibilité et mode dégradé"), blank=True)
    conclusion = models.TextField(_("conclusion du groupe"), blank=True)
    concluded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    concluded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("comparaison avec une solution sans IA")

    def __str__(self) -> str:
        return f"{self.case_id}: comparaison sans IA"

    @property
    def concluded(self) -> bool:
        return bool(self.conclusion.strip()) and self.concluded_at is not None
