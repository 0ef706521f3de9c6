"""The audit trail (``boussole.web.cases.audit``): one payload, one chain, tampering detected."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from boussole.web.cases import services
from boussole.web.cases.audit import (
    GENESIS,
    audit_record,
    audit_verify,
    chain,
    chain_intact,
    event_hash,
)
from boussole.web.cases.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(organisation: Any, make_user: Any) -> Any:
    lead = make_user("porteur", organisation)
    case = services.case_create(organisation=organisation, user=lead, title="Agent d'accueil",
                                service="Accueil", purpose="Répondre.")
    audit_record(case=case, user=lead, action="case_updated", before={"title": "A"},
                 after={"title": "B"}, note="Renommé.")
    audit_record(case=case, user=None, action="state_changed", before="brouillon",
                 after="en_instruction")
    return case


def events(case: Any) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(case=case).order_by("sequence"))


def test_recorded_events_are_chained(case: Any) -> None:
    trail = events(case)
    assert [e.sequence for e in trail] == [1, 2, 3]
    assert trail[0].previous_hash == GENESIS
    assert all(later.previous_hash == earlier.hash
               for earlier, later in itertools.pairwise(trail))
    assert trail[2].actor is None and trail[2].actor_name == "système"
    assert audit_verify(case)


@pytest.mark.parametrize("change", [
    {"note": "Note réécrite."}, {"after": {"title": "C"}}, {"action": "case_created"},
    {"actor_name": "Quelqu'un d'autre"}, {"item_id": "Q1"},
])
def test_an_edited_event_breaks_the_chain(case: Any, change: dict[str, Any]) -> None:
    AuditEvent.objects.filter(case=case, sequence=2).update(**change)
    assert not audit_verify(case)


def test_a_deleted_event_breaks_the_chain(case: Any) -> None:
    AuditEvent.objects.filter(case=case, sequence=2).delete()
    assert not audit_verify(case)


def test_chaining_unsaved_events_gives_the_recorded_hashes(case: Any) -> None:
    """The importer re-chains events with ``chain``: the same payload as ``audit_record``."""
    recorded = events(case)
    copies = [AuditEvent(case=case, sequence=e.sequence, actor=e.actor, actor_name=e.actor_name,
                         at=e.at, action=e.action, item_id=e.item_id, before=e.before,
                         after=e.after, note=e.note) for e in recorded]
    assert chain(copies) == recorded[-1].hash
    assert [(c.previous_hash, c.hash) for c in copies] == [
        (e.previous_hash, e.hash) for e in recorded]
    assert chain_intact(copies)
    copies[1].hash = event_hash(GENESIS, copies[1])  # a link that does not follow the chain
    assert not chain_intact(copies)
