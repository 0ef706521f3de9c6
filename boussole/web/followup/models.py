"""The follow-up of a case in service: its plan of reviews, the events recorded on it, and the
reminders already sent (so that the daily command sends each one once a day)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from boussole.core import followup as rules
from boussole.web.cases.models import Case


class FollowupPlan(models.Model):
    """The plan of reviews of a case, created when the case goes into service."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="followup_plan")
    started_on = models.DateField(_("mise en service"))
    closed_on = models.DateField(_("suivi clos le"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Suivi {self.case_id}"


class Review(models.Model):
    """One review of the plan (stage code of the core: t0, m6, a1, a3, a5, x<n>, p<n>)."""

    plan = models.ForeignKey(FollowupPlan, on_delete=models.CASCADE, related_name="reviews")
    stage = models.CharField(_("étape"), max_length=10)
    due = models.DateField(_("échéance"))
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="+", verbose_name=_("responsable"))
    conclusion = models.TextField(_("conclusion"), blank=True)
    done_on = models.DateField(_("faite le"), null=True, blank=True)
    outcome = models.CharField(_("issue"), max_length=12, blank=True)
    concluded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["due", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "stage"],
                                               name="review_stage_unique")]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.stage} {self.due}"

    def state(self, today: dt.date) -> str:
        """planned / open / done / late, from the dates (core rule)."""
        return rules.review_state(self.due, self.done_on, today)

    @property
    def label(self) -> str:
        return rules.stage_label(self.stage)


class EventKind(models.TextChoices):
    INCIDENT = "incident", _("Incident")
    DERIVE = "derive", _("Dérive")
    PLAINTE = "plainte", _("Plainte ou réclamation")
    CHANGEMENT_MATERIEL = "changement_materiel", _(
        "Changement substantiel (prestataire, modèle, données ou finalité)")


class CaseEvent(models.Model):
    """Something that happened to the system in service."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="followup_events")
    kind = models.CharField(_("type"), max_length=24, choices=EventKind.choices)
    occurred_on = models.DateField(_("date"))
    description = models.TextField(_("description"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.occurred_on}"


class ReminderSent(models.Model):
    """A reminder the daily command sent: one per item, kind and day. The item is a review
    (``review_open``, ``review_late``, ``survey_to_open``), or — without a review — a survey
    round or a case waiting for its decision, named by ``topic`` (``enquete:<id>``,
    ``decision:<case id>``)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="reminders",
                               null=True, blank=True)
    topic = models.CharField(max_length=40, blank=True, default="")
    kind = models.CharField(max_length=20)
    sent_on = models.DateField()
    recipients = models.JSONField(default=list)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "kind", "sent_on"],
                                               name="reminder_once_a_day"),
                       models.UniqueConstraint(fields=["topic", "kind", "sent_on"],
                                               condition=models.Q(review__isnull=True),
                                               name="reminder_topic_once_a_day")]

    def __str__(self) -> str:
        return f"{self.review_id or self.topic} {self.kind} {self.sent_on}"
