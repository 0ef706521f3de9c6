"""The decision path: group opinion, frozen file versions, elected officials' decisions,
information of the unions, and in-app notifications."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from boussole.web.cases.models import Case, Verdict

#: The group's consolidated opinion uses the same three verdicts as the per-criterion opinions.
GroupVerdict = Verdict


class GroupOpinion(models.Model):
    """The expert group's consolidated opinion on the whole case."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="group_opinion")
    verdict = models.CharField(_("avis du groupe"), max_length=24, choices=GroupVerdict.choices)
    summary = models.TextField(_("synthèse"), blank=True)
    recommendations = models.TextField(_("recommandations"), blank=True)
    conditions = models.TextField(_("conditions"), blank=True,
                                  help_text=_("Une condition par ligne."))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.case_id}: {self.verdict}"

    @property
    def condition_list(self) -> list[str]:
        return [line.strip() for line in self.conditions.splitlines() if line.strip()]


class FileVersion(models.Model):
    """A frozen version of the file, made when it is sent to the elected officials.

    ``snapshot`` is the whole case as exported (answers, opinions, legal evaluation, footprint…)
    at that moment; it is never modified afterwards."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    frozen_at = models.DateTimeField(auto_now_add=True)
    frozen_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["case", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="version_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} v{self.number}"


class PoliticalDecision(models.TextChoices):
    VALIDE = "valide", _("Validé")
    VALIDE_SOUS_CONDITIONS = "valide_sous_conditions", _("Validé sous conditions")
    AJOURNE = "ajourne", _("Ajourné")
    REFUSE = "refuse", _("Refusé")


class Decision(models.Model):
    """One elected official's decision on one frozen version of the file."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="decisions")
    version = models.ForeignKey(FileVersion, on_delete=models.CASCADE, related_name="decisions")
    delegation = models.CharField(_("délégation"), max_length=32)
    official = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("élu·e"))
    decision = models.CharField(_("décision"), max_length=32, choices=PoliticalDecision.choices)
    conditions = models.TextField(_("conditions"), blank=True)
    decided_on = models.DateField(_("date de la décision"))
    reference = models.CharField(_("référence de la délibération ou de l'arrêté"),
                                 max_length=200, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["delegation"]
        constraints = [
            models.UniqueConstraint(fields=["version", "delegation"],
                                    name="decision_unique_delegation"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} v{self.version_id} {self.delegation}: {self.decision}"


class UnionInformation(models.Model):
    """The information of the trade unions: required before the system goes into service."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="union_information")
    held_on = models.DateField(_("date"))
    body = models.CharField(_("instance"), max_length=200,
                            default="Comité social territorial")
    documents = models.TextField(_("documents présentés"))
    questions = models.TextField(_("questions posées"), blank=True)
    answers = models.TextField(_("réponses apportées"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.body} {self.held_on}"


class Notification(models.Model):
    """An in-app message telling someone that it is their turn (the rules of who is told what
    are in :mod:`boussole.core.notifications`). It stays in the person's tasks until the thing
    is done (``done_at``), or, for a mere information, until it is read; ``emailed_at`` is set
    once it went out by e-mail (immediately or in the daily digest)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notifications")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notifications")
    event = models.CharField(max_length=40, blank=True)
    #: What the event is about, within the case (e.g. ``critere:3``, ``fil:12``): what clears it.
    topic = models.CharField(max_length=80, blank=True)
    message = models.CharField(max_length=300)
    url = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread"),
                   models.Index(fields=["case", "event", "topic"], name="notification_topic")]

    def __str__(self) -> str:
        return self.message
