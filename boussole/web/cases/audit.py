"""The hash-chained audit trail of a case: what an event's hash covers, recording, checking.

A leaf of the web layer: it imports only the case models (and the standard library and
Django), so every writer — the services of each app, the importer, the backup — may import it
without creating a cycle (import-linter contract in ``pyproject.toml``).

Each event's ``hash`` is the SHA-256 of the previous event's hash (``GENESIS`` for the first)
followed by the canonical JSON of :func:`hashed_payload`, the one place that says which fields
the hash covers. Deleting, reordering or editing an event therefore breaks the chain.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from boussole.web.accounts.models import User
from boussole.web.cases.models import AuditEvent, Case

#: The ``previous_hash`` of a trail's first event.
GENESIS = "0" * 64


def hashed_payload(event: AuditEvent) -> dict[str, Any]:
    """What the hash of ``event`` covers: its case and actor primary keys, sequence, time,
    action, item, before, after and note (not its own hashes)."""
    return {"case": event.case_id, "sequence": event.sequence, "actor": event.actor_id,
            "actor_name": event.actor_name, "at": event.at.isoformat(), "action": event.action,
            "item_id": event.item_id, "before": event.before, "after": event.after,
            "note": event.note}


def canonical(data: dict[str, Any]) -> bytes:
    """The canonical JSON bytes of ``data`` (sorted keys, UTF-8)."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")


def event_hash(previous: str, event: AuditEvent) -> str:
    """The hash of ``event`` chained after the hash ``previous``."""
    return hashlib.sha256(previous.encode("ascii") + canonical(hashed_payload(event))).hexdigest()


def chain(events: Iterable[AuditEvent], previous: str = GENESIS) -> str:
    """Set ``previous_hash`` and ``hash`` of (unsaved) ``events``, in order, after the hash
    ``previous``; return the last hash."""
    for event in events:
        event.previous_hash = previous
        event.hash = previous = event_hash(previous, event)
    return previous


def chain_intact(events: Iterable[AuditEvent]) -> bool:
    """True if ``events`` (in sequence order) are numbered 1..n without a gap and each one's
    hashes match the chain recomputed from its content."""
    previous = GENESIS
    for expected, event in enumerate(events, start=1):
        if (event.sequence != expected or event.previous_hash != previous
                or event.hash != event_hash(previous, event)):
            return False
        previous = event.hash
    return True


def audit_record(*, case: Case, user: User | None, action: str, item_id: str = "",
                 before: Any = None, after: Any = None, note: str = "") -> AuditEvent:
    """Append one event to the case's hash-chained audit trail (under the case's row lock, so
    that two writers never take the same sequence number)."""
    list(Case.objects.select_for_update().filter(pk=case.pk).values_list("pk", flat=True))
    last = (AuditEvent.objects.filter(case=case).order_by("-sequence")
            .values_list("sequence", "hash").first())
    sequence, previous = (last[0] + 1, last[1]) if last else (1, GENESIS)
    event = AuditEvent(case=case, sequence=sequence, actor=user,
                       actor_name=str(user) if user else "système", at=timezone.now(),
                       action=action, item_id=item_id, before=before, after=after, note=note)
    chain([event], previous)
    event.save(force_insert=True)
    return event


def audit_verify(case: Case) -> bool:
    """True if no event of the case's trail was removed, reordered or altered."""
    return chain_intact(AuditEvent.objects.filter(case=case).order_by("sequence"))
