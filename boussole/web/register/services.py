"""Writes of the public register: a message from the public on a notice, and its moderation
(answer, which publishes it under the notice, or rejection). Answering and rejecting are
recorded on the case's audit trail."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from boussole.core import public_questions as rules
from boussole.core.errors import Forbidden, Refusal
from boussole.web.accounts.models import User
from boussole.web.cases.audit import audit_record
from boussole.web.cases.locking import case_write
from boussole.web.cases.models import Case
from boussole.web.register.models import PublicQuestion
from boussole.web.transparency.models import NoticePublication

logger = logging.getLogger(__name__)

#: The key of the sender's hash: an HMAC of the address with the site's secret key, so that
#: the stored hash cannot be turned back into an address by trying every address.
SENDER_SALT = "boussole.register.sender"
#: How much of a message the audit trail quotes.
AUDIT_QUOTE = 200


def sender_hash(address: str | None) -> str:
    """The keyed hash of a sender's network address ("" when it is unknown)."""
    if not address:
        return ""
    return salted_hmac(SENDER_SALT, address, algorithm="sha256").hexdigest()


def may_moderate(user: User) -> bool:
    """Whether the person may answer or reject the public's messages of their organisation:
    its administrator and the people its setting lets publish notices."""
    organisation = user.organisation
    if organisation is None or not user.is_active:
        return False
    return rules.may_moderate(role=user.role, domain=user.domain,
                              publishers=organisation.publishers)


def _require_moderator(user: User, case: Case) -> None:
    if user.organisation_id != case.organisation_id or not may_moderate(user):
        raise Forbidden("Seules les personnes qui publient les notices de l'organisation et "
                        "son administrateur·rice répondent aux messages du public.")


@case_write
def question_submit(*, case: Case, publication: NoticePublication, kind: str, text: str,
                    email: str = "", sender: str | None = None,
                    now: dt.datetime | None = None) -> PublicQuestion:
    """Store a message from the public, pending moderation. Refused (nothing stored) when the
    text is not acceptable or when the sender or the notice sent too many messages in the
    last hour (counted under the case's lock, so two messages never slip past the limit)."""
    if publication.notice.case_id != case.pk:
        raise Refusal("Cette notice n'existe pas.")
    if kind not in rules.KINDS:
        raise Refusal("Choisissez : une question ou une erreur à signaler.", field="kind")
    problem = rules.text_problem(text)
    if problem:
        raise Refusal(problem, field="text")
    now = now or timezone.now()
    since = now - dt.timedelta(seconds=rules.WINDOW_SECONDS)
    hashed = sender_hash(sender)
    recent = PublicQuestion.objects.filter(created_at__gte=since)
    problem = rules.rate_problem(
        from_sender=recent.filter(sender_hash=hashed).count() if hashed else 0,
        on_notice=recent.filter(case=case).count())
    if problem:
        raise Refusal(problem)
    return PublicQuestion.objects.create(case=case, publication=publication, kind=kind,
                                         text=text.strip(), email=email.strip(),
                                         sender_hash=hashed)


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= AUDIT_QUOTE else text[:AUDIT_QUOTE - 1] + "…"


def _pending(question: PublicQuestion) -> None:
    question.refresh_from_db(fields=["status"])
    if question.status != rules.PENDING:
        raise Refusal("Ce message a déjà été traité.")


def _moderate(*, case: Case, question: PublicQuestion, user: User, status: str, field: str,
              text: str, problem: str | None, action: str) -> PublicQuestion:
    """Settle a pending message once: the moderator's ``text`` (checked: ``problem``) goes to
    the question's ``field``, the status and who settled it are recorded, and the case's
    trail says ``action``."""
    _require_moderator(user, case)
    if question.case_id != case.pk:
        raise Refusal("Ce message ne porte pas sur ce dossier.")
    _pending(question)
    if problem:
        raise Refusal(problem, field="answer" if field == "answer" else "reason")
    question.status = status
    setattr(question, field, text.strip())
    question.answered_by = user
    question.answered_at = timezone.now()
    question.save(update_fields=["status", field, "answered_by", "answered_at"])
    audit_record(case=case, user=user, action=action,
                 item_id=f"question-publique:{question.pk}", note=_quote(text.strip()))
    return question


@case_write
def question_answer(*, case: Case, question: PublicQuestion, user: User,
                    answer: str) -> PublicQuestion:
    """Answer a message: the question and its answer are then shown under the notice. The
    sender is told by e-mail when they gave an address."""
    _moderate(case=case, question=question, user=user, status=rules.ANSWERED, field="answer",
              text=answer, problem=rules.answer_problem(answer),
              action="public_question_answered")
    if question.email:
        transaction.on_commit(lambda: _tell_sender(question))
    return question


@case_write
def question_reject(*, case: Case, question: PublicQuestion, user: User,
                    reason: str) -> PublicQuestion:
    """Reject a message (spam, insult, personal data...): it is never shown; the reason stays
    internal."""
    return _moderate(case=case, question=question, user=user, status=rules.REJECTED,
                     field="rejection_reason", text=reason,
                     problem=rules.reason_problem(reason), action="public_question_rejected")


def _tell_sender(question: PublicQuestion) -> None:
    """E-mail the answer to the sender (a failure is logged, never shown to the moderator)."""
    path = reverse("register:notice", kwargs={
        "organisation": question.case.organisation.slug, "reference": question.case.reference})
    link = f"{settings.BOUSSOLE_SITE_URL}{path}" if settings.BOUSSOLE_SITE_URL else path
    body = (f"Bonjour,\n\nVous avez écrit au sujet de la notice « "
            f"{question.publication.content.get('title', '')} » :\n\n{question.text}\n\n"
            f"Réponse de {question.case.organisation.name} :\n\n{question.answer}\n\n"
            f"La question et sa réponse sont publiées avec la notice : {link}\n")
    try:
        send_mail("Réponse à votre message sur le registre public", body, None, [question.email])
    except Exception:  # an unreachable mail server must not undo the published answer
        logger.exception("register: the answer to public message %s was not e-mailed",
                         question.pk)
