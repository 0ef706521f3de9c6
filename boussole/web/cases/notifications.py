"""Notifications that reach people: every write that makes something wait for someone calls
:func:`notify_event`; every write that does the thing calls :func:`notifications_done`.

Who is told what is decided once, in :mod:`boussole.core.notifications`; this module reads
the case into the core's :class:`~boussole.core.notifications.CaseFacts`, stores the in-app
notifications and sends the e-mails — at once (after the transaction commits), or in the daily
digest (``boussole manage send_notification_digest``), as each person chose.

It lives in the ``cases`` app because the case services (assignments, comments, opinions) emit
events and the decision services build on them; the ``Notification`` model belongs to the
``decisions`` app, which imports ``cases``: it is looked up by name through Django's app
registry (:func:`_model`) so that ``cases`` does not import ``decisions`` (no import cycle).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Collection, Iterable
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from boussole.core import notifications as rules
from boussole.web.accounts.models import NotificationMode, User
from boussole.web.cases.models import Assignment, Case, LegalAssessment, Opinion
from boussole.web.grids import grid_for

log = logging.getLogger(__name__)


def _model() -> Any:
    """The ``decisions.Notification`` model (by name: see the module's docstring)."""
    return apps.get_model("decisions", "Notification")


def case_facts(case: Case) -> rules.CaseFacts:
    """What the core's recipient rules need, read from the database (two queries)."""
    people = tuple(
        rules.Person(id=u.pk, role=u.role, domain=u.domain, delegation=u.delegation,
                     username=u.username, full_name=u.get_full_name())
        for u in User.objects.filter(organisation_id=case.organisation_id, is_active=True))
    named: dict[int, set[int]] = {}
    for criterion, user_id in Assignment.objects.filter(case=case).values_list(
            "criterion", "user_id"):
        named.setdefault(criterion, set()).add(user_id)
    return rules.CaseFacts(people=people, lead=case.lead_id, referents=named,
                           required_delegations=case.organisation.decision_delegations,
                           state=case.state)


def mentioned_in(text: str, facts: rules.CaseFacts) -> tuple[int, ...]:
    """The people of the organisation a comment addresses (``@Prénom Nom``, ``@identifiant``)."""
    return rules.mentioned(text, facts.people)


def default_url(case: Case, code: str, criterion: int | None = None) -> str:
    if criterion is not None and code in ("assignment", "opinion_on_answer",
                                          "opinion_reserved"):
        return reverse("cases:criterion", args=[case.pk, criterion])
    if code in ("instruction_launched", "stage_changed", "review_due"):
        return reverse("cases:detail", args=[case.pk])
    return reverse("decisions:path", args=[case.pk])


def notify_event(case: Case, code: str, *, actor: User | None, criterion: int | None = None,
                 targets: Iterable[User | int] = (), verdict: str = "", outcome: str = "",
                 topic: str = "", url: str = "", facts: rules.CaseFacts | None = None,
                 due: str = "") -> list[Any]:
    """Notify the people event ``code`` concerns (core rule): one in-app notification each,
    and an e-mail after the commit to those who want one at once. Returns the notifications."""
    context = rules.EventContext(
        actor=actor.pk if actor is not None else None, criterion=criterion,
        targets=tuple(t if isinstance(t, int) else t.pk for t in targets),
        verdict=verdict, outcome=outcome, state=case.state, due=due)
    who = rules.recipients(code, facts or case_facts(case), context)
    text = rules.message(code, context)[:300]
    model = _model()
    # The same thing still waiting for the same person is not notified twice.
    waiting = set(model.objects.filter(case=case, event=code, topic=topic, message=text,
                                       user_id__in=who, done_at__isnull=True, read_at__isnull=True)
                  .values_list("user_id", flat=True))
    who = tuple(person for person in who if person not in waiting)
    if not who:
        return []
    link = url or default_url(case, code, criterion)
    created = model.objects.bulk_create([
        model(user_id=user_id, case=case, event=code, topic=topic, message=text, url=link)
        for user_id in who])
    ids = [n.pk for n in created]
    transaction.on_commit(lambda: send_immediate(ids), robust=True)
    return list(created)


def group_opinion_due_if_ready(case: Case, actor: User | None,
                               facts: rules.CaseFacts | None = None) -> bool:
    """Tell the pilots that the group opinion is to be consolidated once it can be: every
    criterion has an opinion and the lawyers retained the legal level (the workflow's guards
    of « consolider l'avis »), whichever of the two comes last. Returns whether it was sent."""
    if case.state != "en_instruction":
        return False
    grid = _grid(case)
    given = Opinion.objects.filter(case=case).values("criterion").distinct().count()
    if given < len(grid.criteria) or not LegalAssessment.objects.filter(case=case).exists():
        return False
    notify_event(case, "group_opinion_due", actor=actor,
                 facts=facts if facts is not None else case_facts(case))
    return True


def _grid(case: Case) -> Any:
    return grid_for(case.grid_id, case.grid_version)


def notifications_done(case: Case, done: str, *, actor: User | None, topic: str = "",
                       targets: Collection[User | int] = ()) -> int:
    """Clear the notifications that ``done`` (a thing done, e.g. ``opinion_given``) settles
    on this case and topic (core rule). Returns how many were cleared."""
    target_ids = [t if isinstance(t, int) else t.pk for t in targets]
    query = Q()
    for code, scope in rules.cleared(done).items():
        part = Q(event=code, topic=topic)
        if scope == "actor":
            part &= Q(user_id=actor.pk if actor is not None else None)
        elif scope == "targets":
            part &= Q(user_id__in=target_ids)
        query |= part
    if not query:
        return 0
    return int(_model().objects.filter(query, case=case, done_at__isnull=True)
               .update(done_at=timezone.now()))


def notifications_stale(case: Case) -> int:
    """Clear the notifications of events that no longer wait for anyone in the case's state."""
    stale = rules.stale_in(case.state)
    return int(_model().objects.filter(case=case, event__in=stale, done_at__isnull=True)
               .update(done_at=timezone.now()))


def open_notifications(user: User) -> Any:
    """The user's notifications still waiting: not done, and — for a mere information — not
    read (an action stays until it is done)."""
    return (_model().objects.filter(user=user, done_at__isnull=True)
            .filter(Q(read_at__isnull=True) | Q(event__in=rules.ACTIONABLE))
            .select_related("case"))


# --- E-mail ---------------------------------------------------------------------------------

def absolute(url: str) -> str:
    base = str(getattr(settings, "BOUSSOLE_SITE_URL", "") or "").rstrip("/")
    return f"{base}{url}" if base and url.startswith("/") else url


FOOTER = ("\n\n— \nBoussole. Vous recevez ce courriel parce qu'une action vous attend. "
          "Choisissez un courriel à chaque notification, un récapitulatif par jour ou aucun "
          "courriel dans « Mes préférences de notification » : {url}")


def _footer() -> str:
    return FOOTER.format(url=absolute(reverse("decisions:preferences")))


def _send(user: User, subject: str, body: str) -> bool:
    try:
        sent = send_mail(subject=subject[:200], message=body,
                         from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=[user.email],
                         fail_silently=False)
    except Exception:  # a mail server down must not break anything: the digest retries
        log.exception("notification e-mail to user %s not sent", user.pk)
        return False
    return bool(sent)


def send_immediate(ids: Collection[int]) -> int:
    """E-mail each of these notifications to its person, if they want an e-mail at once
    (others wait for the digest, or want none). Returns how many e-mails went out."""
    model = _model()
    count = 0
    for note in (model.objects.filter(pk__in=ids, emailed_at__isnull=True,
                                      done_at__isnull=True,
                                      user__notification_mode=NotificationMode.IMMEDIATE,
                                      user__is_active=True)
                 .exclude(user__email="").select_related("user", "case")):
        body = (f"{note.message}\n\nDossier {note.case.reference} — {note.case.title}\n"
                f"{absolute(note.url)}" + _footer())
        if _send(note.user, f"[Boussole] {note.case.reference} — {note.message}", body):
            model.objects.filter(pk=note.pk).update(emailed_at=timezone.now())
            count += 1
    return count


def send_unsent_immediate(before: dt.datetime) -> int:
    """Retry the immediate e-mails that could not go out (mail server down) until ``before``."""
    ids = list(_model().objects.filter(
        emailed_at__isnull=True, done_at__isnull=True, created_at__lt=before,
        user__notification_mode=NotificationMode.IMMEDIATE).values_list("pk", flat=True))
    return send_immediate(ids)


def send_digests(now: dt.datetime | None = None) -> int:
    """One e-mail per person who chose the daily digest, listing their notifications not yet
    e-mailed and still waiting; they are then marked e-mailed. Returns the e-mails sent."""
    now = now or timezone.now()
    model = _model()
    pending: dict[int, list[Any]] = {}
    for note in (model.objects.filter(emailed_at__isnull=True, done_at__isnull=True,
                                      created_at__lte=now,
                                      user__notification_mode=NotificationMode.DIGEST,
                                      user__is_active=True)
                 .exclude(user__email="").select_related("user", "case")
                 .order_by("user_id", "created_at", "id")):
        pending.setdefault(note.user_id, []).append(note)
    sent = 0
    for notes in pending.values():
        user = notes[0].user
        lines = [f"- {n.case.reference} — {n.message}\n  {absolute(n.url)}" for n in notes]
        subject = (f"[Boussole] Votre récapitulatif : {len(notes)} notification"
                   f"{'s' if len(notes) > 1 else ''}")
        body = ("Bonjour,\n\nVoici ce qui vous attend dans Boussole :\n\n" + "\n".join(lines)
                + f"\n\nMes tâches : {absolute(reverse('decisions:tasks'))}" + _footer())
        if _send(user, subject, body):
            model.objects.filter(pk__in=[n.pk for n in notes]).update(emailed_at=now)
            sent += 1
    return sent


def reviews_due(today: dt.date | None = None) -> int:
    """Notify the reviews that fell due (the review date the lawyers set with the retained
    legal level), once per review date; clear those whose date changed. Returns how many
    cases got a new notification."""
    today = today or timezone.localdate()
    latest: dict[int, Any] = {}
    for assessment in (LegalAssessment.objects.filter(
            case__state__in=rules.EVENTS["review_due"].open_states)
            .select_related("case", "case__organisation").order_by("case_id", "-decided_at",
                                                                   "-id")):
        latest.setdefault(assessment.case_id, assessment)
    count = 0
    model = _model()
    for assessment in latest.values():
        topic = f"revue:{assessment.review_date.isoformat()}" if assessment.review_date else ""
        model.objects.filter(case_id=assessment.case_id, event="review_due",
                             done_at__isnull=True).exclude(topic=topic).update(
            done_at=timezone.now())
        if not topic or assessment.review_date > today:
            continue
        if model.objects.filter(case_id=assessment.case_id, event="review_due",
                                topic=topic).exists():
            continue
        if notify_event(assessment.case, "review_due", actor=None, topic=topic):
            count += 1
    return count
