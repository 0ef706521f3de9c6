"""Writes on cases. Every change goes through here and lands in the case's audit trail."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from boussole.core.grid import AnswerInvalid, validate_value
from boussole.web.accounts.models import Organisation, User
from boussole.web.cases.models import Answer, AuditEvent, Case, State
from boussole.web.grids import current_grid, grid_for

GENESIS = "0" * 64


class AnswerConflict(Exception):
    """Someone else saved this answer since it was read: nothing was overwritten."""

    def __init__(self, current: Answer) -> None:
        self.current = current
        super().__init__("Cette réponse a été modifiée entre-temps par une autre personne.")


def _canonical(data: dict[str, Any]) -> bytes:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")


def _event_hash(previous: str, payload: dict[str, Any]) -> str:
    return hashlib.sha256(previous.encode("ascii") + _canonical(payload)).hexdigest()


def audit_record(*, case: Case, user: User | None, action: str, item_id: str = "",
                 before: Any = None, after: Any = None, note: str = "") -> AuditEvent:
    """Append one event to the case's hash-chained audit trail."""
    last = (AuditEvent.objects.filter(case=case).order_by("-sequence")
            .values_list("sequence", "hash").first())
    sequence, previous = (last[0] + 1, last[1]) if last else (1, GENESIS)
    at = timezone.now()
    actor_name = str(user) if user else "système"
    payload = {"case": case.pk, "sequence": sequence, "actor": user.pk if user else None,
               "actor_name": actor_name, "at": at.isoformat(), "action": action,
               "item_id": item_id, "before": before, "after": after, "note": note}
    return AuditEvent.objects.create(
        case=case, sequence=sequence, actor=user, actor_name=actor_name, at=at, action=action,
        item_id=item_id, before=before, after=after, note=note, previous_hash=previous,
        hash=_event_hash(previous, payload),
    )


def audit_verify(case: Case) -> bool:
    """True if no event of the trail was removed, reordered or altered."""
    previous = GENESIS
    for expected, event in enumerate(AuditEvent.objects.filter(case=case).order_by("sequence"),
                                     start=1):
        payload = {"case": case.pk, "sequence": event.sequence, "actor": event.actor_id,
                   "actor_name": event.actor_name, "at": event.at.isoformat(),
                   "action": event.action, "item_id": event.item_id, "before": event.before,
                   "after": event.after, "note": event.note}
        if (event.sequence != expected or event.previous_hash != previous
                or event.hash != _event_hash(previous, payload)):
            return False
        previous = event.hash
    return True


def _next_reference(organisation: Organisation) -> str:
    year = timezone.localdate().year
    prefix = f"{year}-"
    count = Case.objects.filter(organisation=organisation, reference__startswith=prefix).count()
    return f"{prefix}{count + 1:03d}"


@transaction.atomic
def case_create(*, organisation: Organisation, user: User, title: str, service: str,
                purpose: str, lead: User | None = None, vendor: str = "",
                grid_id: str | None = None) -> Case:
    """Create a case pinned to the current version of the grid."""
    grid = current_grid(grid_id) if grid_id else current_grid()
    case = Case.objects.create(
        organisation=organisation, reference=_next_reference(organisation), title=title.strip(),
        service=service.strip(), purpose=purpose.strip(), vendor=vendor.strip(),
        lead=lead or user, created_by=user, grid_id=grid.id, grid_version=grid.version,
    )
    audit_record(case=case, user=user, action="case_created",
                 after={"title": case.title, "service": case.service, "purpose": case.purpose,
                        "lead": case.lead_id, "vendor": case.vendor, "grid": case.grid_key})
    return case


@transaction.atomic
def answer_record(*, case: Case, user: User, item_id: str, value: Any, justification: str = "",
                  expected_revision: int | None = None) -> Answer:
    """Validate and store one answer. ``expected_revision`` is the revision the user read
    (0 for "no answer yet"); if the stored one differs, :class:`AnswerConflict` is raised and
    nothing changes. Invalid values raise :class:`AnswerInvalid` (French message)."""
    grid = grid_for(case.grid_id, case.grid_version)
    if grid.has_question(item_id):
        item: Any = grid.question(item_id)
        kind = Answer.Kind.QUESTION
    elif grid.has_fact(item_id):
        item = grid.fact(item_id)
        kind = Answer.Kind.FACT
    else:
        raise AnswerInvalid(f"« {item_id} » n'est pas une question de la grille {grid.key}.")
    normalised = validate_value(item, value)
    justification = justification.strip()
    current = Answer.objects.select_for_update().filter(case=case, item_id=item_id).first()
    current_revision = current.revision if current else 0
    if expected_revision is not None and expected_revision != current_revision:
        if current is None:
            raise AnswerInvalid("Cette réponse a été supprimée entre-temps : rechargez la page.")
        raise AnswerConflict(current)
    before = ({"value": current.value, "justification": current.justification}
              if current else None)
    after = {"value": normalised, "justification": justification}
    if before == after and current is not None:
        return current
    if current is None:
        current = Answer.objects.create(
            case=case, kind=kind, item_id=item_id, value=normalised,
            justification=justification, grid_version=case.grid_version, answered_by=user)
    else:
        current.value, current.justification = normalised, justification
        current.revision += 1
        current.answered_by = user
        current.grid_version = case.grid_version
        current.save()
    audit_record(case=case, user=user, action="answer_recorded", item_id=item_id,
                 before=before, after=after)
    Case.objects.filter(pk=case.pk).update(updated_at=timezone.now())
    return current


@transaction.atomic
def case_move(*, case: Case, user: User | None, state: str, note: str = "") -> Case:
    """Record a change of stage (the workflow's guards and roles sit in front of this)."""
    if state not in State.values:
        raise ValueError(f"étape inconnue : {state}")
    before = case.state
    case.state = state
    case.save(update_fields=["state", "updated_at"])
    audit_record(case=case, user=user, action="state_changed", before=before, after=state,
                 note=note)
    return case


def audit_last_sequence(case: Case) -> int:
    return AuditEvent.objects.filter(case=case).aggregate(m=Max("sequence"))["m"] or 0
