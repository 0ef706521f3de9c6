"""Writes on the public notice of a case: save the draft, publish it, withdraw it.

Each write takes the case's row lock (``@case_write``), asks the core
(:mod:`boussole.core.transparency`) whether it is allowed, and appends to the case's audit
trail. Publishing freezes the public content in a new :class:`NoticePublication` built from an
explicit list of fields (:func:`boussole.core.transparency.build_content`): nothing else of the
case file can reach the public register.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from boussole.core import transparency as rules
from boussole.core.errors import Conflict, Forbidden, Refusal
from boussole.web.accounts.models import User
from boussole.web.cases.access import case_abilities
from boussole.web.cases.audit import audit_record
from boussole.web.cases.locking import case_write
from boussole.web.cases.models import Case
from boussole.web.transparency import gather
from boussole.web.transparency.models import Notice, NoticePublication, NoticeState

FIELDS = gather.FIELDS
field_values = gather.field_values


class NoticeRefused(Refusal):
    """A notice write refused; ``problems`` are (field or None, French message) pairs."""

    def __init__(self, problems: list[rules.Problem]) -> None:
        self.problems = [(p.field, p.message) for p in problems]
        super().__init__([p.message for p in problems],
                         field=next((p.field for p in problems if p.field), None))


def may_edit(user: User, case: Case) -> bool:
    return rules.may_edit(role=user.role, internal=case_abilities(user, case).internal)


def may_publish(user: User, case: Case) -> bool:
    return rules.publish_refusal(
        role=user.role, domain=user.domain, setting=case.organisation.publishers,
        same_organisation=user.organisation_id == case.organisation_id) is None


def _require_publisher(user: User, case: Case) -> None:
    if not case_abilities(user, case).internal:
        raise Forbidden("Vous n'avez pas le droit de publier les notices de cette organisation.")
    refusal = rules.publish_refusal(
        role=user.role, domain=user.domain, setting=case.organisation.publishers,
        same_organisation=user.organisation_id == case.organisation_id)
    if refusal is not None:
        raise Forbidden(refusal)


@case_write
def notice_save(*, case: Case, user: User, values: dict[str, Any],
                revision: int | None = None) -> Notice:
    """Create or change the draft notice of ``case``. ``revision``: the one the form was
    opened on (a concurrent change is a :class:`Conflict`); None to skip the check."""
    if not may_edit(user, case):
        raise Forbidden("Seuls les membres du groupe qui instruisent le cas modifient sa notice.")
    notice = Notice.objects.filter(case=case).first()
    if notice is not None and revision is not None and revision != notice.revision:
        raise Conflict("La notice a été modifiée entre-temps par une autre personne : "
                       "rechargez la page pour voir sa version.", notice.revision)
    clean = {name: values[name] for name in FIELDS if name in values}
    if "criterion6_ids" in clean:
        allowed = set(gather.criterion6_questions(case))
        clean["criterion6_ids"] = [q for q in clean["criterion6_ids"] if q in allowed]
    problems = rules.text_problems(clean)
    if not str(clean.get("title", notice.title if notice else "x")).strip():
        problems.insert(0, rules.Problem("title", "Indiquez le nom de l'algorithme ou du "
                                                  "service."))
    if problems:
        raise NoticeRefused(problems)
    before = field_values(notice) if notice is not None else None
    if notice is None:
        notice = Notice(case=case, **{**gather.prefill(case), **clean})
        notice.updated_by = user
        notice.save()
    else:
        for name, value in clean.items():
            setattr(notice, name, value)
        notice.revision += 1
        notice.updated_by = user
        notice.save()
    after = field_values(notice)
    changed = [name for name in FIELDS if before is None or before[name] != after[name]]
    if changed:
        audit_record(case=case, user=user, action="notice_saved", item_id="notice",
                     before={k: before[k] for k in changed} if before else None,
                     after={k: after[k] for k in changed})
    return notice


@case_write
def notice_publish(*, case: Case, user: User) -> NoticePublication:
    """Publish the saved draft: a new version of the public content, by a person with the
    publishing right; the version in force (if any) is withdrawn, its history kept."""
    _require_publisher(user, case)
    notice = Notice.objects.filter(case=case).first()
    if notice is None:
        raise NoticeRefused([rules.Problem(None, "Enregistrez d'abord la notice.")])
    problems = rules.publish_problems(state=case.state, fields=field_values(notice))
    if problems:
        raise NoticeRefused(problems)
    now = timezone.now()
    current = notice.publications.filter(withdrawn_at__isnull=True).first()
    last = notice.publications.order_by("-version").values_list("version", flat=True).first()
    version = (last or 0) + 1
    if current is not None:
        current.withdrawn_at = now
        current.withdrawn_by = user
        current.withdrawal_reason = f"Remplacée par la version {version}."
        current.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
    content = gather.content(case, notice, published_at=now, version=version)
    publication = NoticePublication.objects.create(
        notice=notice, organisation_id=case.organisation_id, version=version,
        published_at=now, published_by=user, content=content)
    notice.state = NoticeState.PUBLISHED
    notice.save(update_fields=["state", "updated_at"])
    audit_record(case=case, user=user, action="notice_published", item_id="notice",
                 after={"version": version})
    return publication


@case_write
def notice_unpublish(*, case: Case, user: User, reason: str) -> NoticePublication:
    """Withdraw the notice in force, with a reason; the publication stays in the history."""
    _require_publisher(user, case)
    notice = Notice.objects.filter(case=case).first()
    current = (notice.publications.filter(withdrawn_at__isnull=True).first()
               if notice is not None else None)
    problems = rules.unpublish_problems(published=current is not None, reason=reason)
    if problems or notice is None or current is None:
        raise NoticeRefused(problems)
    current.withdrawn_at = timezone.now()
    current.withdrawn_by = user
    current.withdrawal_reason = reason.strip()
    current.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
    notice.state = NoticeState.UNPUBLISHED
    notice.save(update_fields=["state", "updated_at"])
    audit_record(case=case, user=user, action="notice_unpublished", item_id="notice",
                 after={"version": current.version, "reason": reason.strip()})
    return current
