"""Consultations of a case (calls for tenders), their bidders and the bidders' answers.

A bidder reaches its own answers through a personal link: only the SHA-256 of the link's token
is stored (the link is shown once, when issued). The rules are in
:mod:`boussole.core.procurement.consultation`; writes go through
:mod:`boussole.web.procurement.services`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from boussole.web.cases.models import Case


class ConsultationState(models.TextChoices):
    """The states of boussole.core.procurement.consultation.STATES."""

    OPEN = "open", _("Ouverte")
    CLOSED = "closed", _("Close (offres reçues)")
    AWARDED = "awarded", _("Attribuée")


class Consultation(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consultations")
    title = models.CharField(_("objet de la consultation"), max_length=200)
    reference = models.CharField(_("numéro de procédure"), max_length=80, blank=True)
    deadline = models.DateField(_("date limite de remise des offres"), null=True, blank=True)
    state = models.CharField(_("état"), max_length=16, choices=ConsultationState.choices,
                             default=ConsultationState.OPEN)
    awarded_bidder = models.ForeignKey("Bidder", on_delete=models.PROTECT, null=True,
                                       blank=True, related_name="+",
                                       verbose_name=_("soumissionnaire retenu"))
    awarded_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("consultation")
        ordering = ["case", "-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.title}"


class Bidder(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE,
                                     related_name="bidders")
    name = models.CharField(_("nom du soumissionnaire"), max_length=200)
    email = models.EmailField(_("adresse électronique de contact"), blank=True)
    token_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    link_issued_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("lien valable jusqu'au"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("lien révoqué le"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("réponses envoyées le"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("soumissionnaire")
        ordering = ["consultation", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "name"],
                                    name="bidder_name_unique_per_consultation"),
        ]

    def __str__(self) -> str:
        return self.name


class Maturity(models.TextChoices):
    """The codes of boussole.core.procurement.maturity."""

    COMPLETE = "complete", _("Réponse complète")
    PARTIAL = "partial", _("Réponse partielle")
    NOT_ANTICIPATED = "not_anticipated", _("La question n'avait pas été anticipée")


class AnswerSource(models.TextChoices):
    WEB = "web", _("Lien personnel")
    IMPORT = "import", _("Annexe importée")
    DOSSIER = "dossier", _("Dossier fournisseur importé")


class BidderAnswer(models.Model):
    bidder = models.ForeignKey(Bidder, on_delete=models.CASCADE, related_name="answers")
    question_id = models.CharField(max_length=80)
    grid_id = models.CharField(max_length=80)
    grid_version = models.PositiveIntegerField()
    value = models.JSONField(_("réponse"), null=True, blank=True)
    justification = models.TextField(_("justification"), blank=True)
    document = models.FileField(_("document joint"), upload_to="procurement/%Y/%m/",
                                blank=True)
    document_name = models.CharField(_("nom du document"), max_length=255, blank=True)
    source = models.CharField(max_length=16, choices=AnswerSource.choices,
                              default=AnswerSource.WEB)
    maturity = models.CharField(_("maturité calculée"), max_length=24,
                                choices=Maturity.choices)
    maturity_override = models.CharField(_("maturité retenue par le groupe"), max_length=24,
                                         choices=Maturity.choices, blank=True)
    override_reason = models.TextField(_("motif"), blank=True)
    override_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    override_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("réponse d'un soumissionnaire")
        ordering = ["bidder", "id"]
        constraints = [
            models.UniqueConstraint(fields=["bidder", "question_id"],
                                    name="bidder_answer_unique_question"),
        ]

    def __str__(self) -> str:
        return f"{self.bidder_id}:{self.question_id}"

    @property
    def effective_maturity(self) -> str:
        return self.maturity_override or self.maturity
