"""Messages from the public on a published notice: a question or an error report, moderated by
the organisation before anything is shown (issue 14, item 5)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from boussole.core import public_questions as rules
from boussole.web.cases.models import Case
from boussole.web.transparency.models import NoticePublication


class QuestionKind(models.TextChoices):
    QUESTION = rules.QUESTION, _("Une question")
    ERROR = rules.ERROR, _("Une erreur à signaler")


class QuestionStatus(models.TextChoices):
    PENDING = rules.PENDING, _("En attente")
    ANSWERED = rules.ANSWERED, _("Répondue")
    REJECTED = rules.REJECTED, _("Rejetée")


class PublicQuestion(models.Model):
    """One message from the public. The sender has no account; their e-mail address, if they
    give one, is only for the answer and never shown; their network address is kept only as a
    keyed hash (``sender_hash``) to limit how many messages one sender sends."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="public_questions")
    publication = models.ForeignKey(NoticePublication, on_delete=models.CASCADE,
                                    related_name="public_questions",
                                    verbose_name=_("version de la notice lue"))
    kind = models.CharField(_("nature"), max_length=16, choices=QuestionKind.choices,
                            default=QuestionKind.QUESTION)
    text = models.TextField(_("message"), max_length=rules.MAX_TEXT)
    email = models.EmailField(_("adresse électronique"), blank=True)
    status = models.CharField(_("statut"), max_length=16, choices=QuestionStatus.choices,
                              default=QuestionStatus.PENDING)
    answer = models.TextField(_("réponse publiée"), blank=True, max_length=rules.MAX_ANSWER)
    rejection_reason = models.TextField(_("motif du rejet"), blank=True,
                                        max_length=rules.MAX_REASON)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("traitée par"))
    answered_at = models.DateTimeField(_("traitée le"), null=True, blank=True)
    created_at = models.DateTimeField(_("reçue le"), auto_now_add=True)
    sender_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("message du public")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["sender_hash", "created_at"], name="public_question_sender"),
            models.Index(fields=["case", "created_at"], name="public_question_case"),
            models.Index(fields=["status", "created_at"], name="public_question_status"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} n° {self.pk}"
