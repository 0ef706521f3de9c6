"""The public notice of a case (issue 14): the group's editable draft, and the frozen rows of
each publishing act. The public register reads only ``NoticePublication.content``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from boussole.web.accounts.models import Organisation
from boussole.web.cases.models import Case


class NoticeState(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    PUBLISHED = "published", _("Publiée")
    UNPUBLISHED = "unpublished", _("Retirée")


class Notice(models.Model):
    """The draft notice of a case, written by the group from the case file.

    Tier 1 is the short notice for everyone, in plain French; tier 2 the detailed record.
    Nothing here is public: publishing freezes a copy in a ``NoticePublication``.
    """

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="notice")
    state = models.CharField(_("état"), max_length=12, choices=NoticeState.choices,
                             default=NoticeState.DRAFT)
    # Tier 1
    title = models.CharField(_("nom de l'algorithme ou du service"), max_length=200)
    summary = models.TextField(_("ce que fait l'outil"), blank=True)
    purpose = models.TextField(_("pourquoi (finalité)"), blank=True)
    data = models.TextField(_("données utilisées"), blank=True)
    responsible_service = models.CharField(_("direction ou service responsable"),
                                           max_length=200, blank=True)
    contact = models.TextField(_("joindre une personne"), blank=True)
    contest = models.TextField(_("contester une décision, exercer vos droits"), blank=True)
    founds_individual_decisions = models.BooleanField(
        _("fonde des décisions individuelles (CRPA L312-1-3)"), default=False)
    legal_basis = models.TextField(_("base légale"), blank=True)
    # Tier 2
    algorithm_rules = models.TextField(_("principales règles de l'algorithme"), blank=True)
    criterion6_ids = models.JSONField(_("réponses du critère 6 publiées"), default=list,
                                      blank=True)
    include_footprint = models.BooleanField(_("publier l'empreinte environnementale"),
                                            default=True)
    include_decision = models.BooleanField(_("publier la décision et ses conditions"),
                                           default=True)
    include_reviews = models.BooleanField(_("publier les revues de suivi"), default=True)
    revision = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("notice publique")

    def __str__(self) -> str:
        return f"Notice {self.case_id}"


class NoticePublication(models.Model):
    """One publishing act: immutable, except for its withdrawal (date, person, reason)."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="publications")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="notice_publications")
    version = models.PositiveIntegerField(_("version"))
    published_at = models.DateTimeField(_("publiée le"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("publiée par"))
    withdrawn_at = models.DateTimeField(_("retirée le"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("retirée par"))
    withdrawal_reason = models.TextField(_("motif du retrait"), blank=True)
    content = models.JSONField(_("contenu publié"), default=dict)

    class Meta:
        verbose_name = _("publication de notice")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "version"],
                                    name="notice_publication_version_unique"),
            models.UniqueConstraint(fields=["notice"], condition=models.Q(withdrawn_at=None),
                                    name="notice_one_current_publication"),
        ]
        indexes = [models.Index(fields=["organisation", "-published_at"],
                                name="notice_pub_org_published")]

    def __str__(self) -> str:
        return f"{self.notice_id} v{self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """A publication is written once; afterwards only its withdrawal is recorded."""
        if self.pk is not None:
            fields = kwargs.get("update_fields")
            if fields is None or not set(fields) <= WITHDRAWAL_FIELDS:
                raise ValueError("Une publication est immuable : seul son retrait s'enregistre.")
        super().save(*args, **kwargs)


WITHDRAWAL_FIELDS = frozenset({"withdrawn_at", "withdrawn_by", "withdrawal_reason"})
