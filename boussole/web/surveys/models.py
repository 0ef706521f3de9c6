"""Working-conditions survey rounds and their anonymous answers.

Anonymity is a property of the storage: a :class:`SurveyResponse` has no link to a person (no
user, no session, no IP address) and only the day it was given (a date, never a time). The
round's link is a random token: whoever has it may answer; one answer per person cannot be
enforced without identifying people, and is not.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from boussole.web.cases.models import Case


def new_token() -> str:
    """An unguessable token for the public link (192 random bits)."""
    return secrets.token_urlsafe(24)


class SurveyRound(models.Model):
    """One survey of a case at one follow-up stage (``T0``, ``M6``, ``A1``, ``A3``, ``A5``),
    for one direction or service."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="survey_rounds")
    stage = models.CharField(_("étape du suivi"), max_length=8)
    questionnaire_id = models.CharField(max_length=80)
    questionnaire_version = models.PositiveIntegerField()
    direction = models.CharField(_("direction ou service"), max_length=200)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    opened_on = models.DateField(_("ouverte le"))
    closed_on = models.DateField(_("close le"), null=True, blank=True)

    class Meta:
        verbose_name = _("enquête")
        ordering = ["case", "opened_on", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.stage} {self.direction}"

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class SurveyResponse(models.Model):
    """One anonymous answer: the answers by question id, and the day. Nothing else."""

    survey_round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE,
                                     related_name="responses")
    answers = models.JSONField()
    answered_on = models.DateField()

    class Meta:
        verbose_name = _("réponse à une enquête")
        ordering = ["survey_round", "answered_on", "id"]

    def __str__(self) -> str:
        return f"{self.survey_round_id} {self.answered_on}"
