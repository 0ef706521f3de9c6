"""Building the ``boussole-case/1`` document of a case: export, snapshot, evidence checks.

``case_export`` writes the case, its answers, assignments, comments, evidence (file bytes
embedded in base64, or only their hash for a frozen version), opinions, the measures of its
action plan and audit trail, in a deterministic order. ``case_snapshot`` is the export
without what an import legitimately changes (see the package's documentation).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from collections.abc import Collection
from typing import Any

from django.conf import settings
from django.utils import timezone

from boussole.web.accounts.models import User
from boussole.web.cases.models import (
    Answer,
    Assignment,
    AuditEvent,
    Case,
    Comment,
    Evidence,
    Measure,
    Opinion,
)
from boussole.web.grids import grid_for

FORMAT = "boussole-case/1"


class ExportError(Exception):
    """The case cannot be exported (a file is missing or altered); the message is in French."""


def _person(user: User | None) -> dict[str, str] | None:
    if user is None:
        return None
    return {"username": user.username, "name": str(user)}


def iso_utc(value: dt.datetime | None) -> str | None:
    """A date-time in UTC, ISO 8601 (``None`` stays ``None``)."""
    return None if value is None else value.astimezone(dt.UTC).isoformat()


def _item_order(case: Case) -> dict[str, int]:
    """Position of each item in the grid (facts first, then questions), for a stable order."""
    try:
        grid = grid_for(case.grid_id, case.grid_version)
    except LookupError:
        return {}
    ids = [fact.id for fact in grid.profile] + [question.id for question in grid.questions]
    return {item_id: position for position, item_id in enumerate(ids)}


def _evidence_bytes(piece: Evidence) -> bytes:
    limit_mb = settings.BOUSSOLE_EVIDENCE_MAX_MB
    try:
        with piece.file.open("rb") as handle:
            data = bytes(handle.read(limit_mb * 1024 * 1024 + 1))
    except OSError:
        raise ExportError(f"pièce justificative « {piece.original_name} » introuvable dans le "
                          "stockage des fichiers : export impossible.") from None
    if len(data) > limit_mb * 1024 * 1024:
        raise ExportError(f"la pièce « {piece.original_name} » dépasse la taille maximale de "
                          f"{limit_mb} Mo : export impossible.")
    if hashlib.sha256(data).hexdigest() != piece.sha256:
        raise ExportError(f"la pièce « {piece.original_name} » ne correspond plus à son "
                          "empreinte SHA-256 (fichier modifié ou abîmé) : export impossible.")
    return data


def evidence_problems(case: Case) -> list[str]:
    """Each evidence file of the case that is missing from the storage or altered (French)."""
    problems = []
    for piece in Evidence.objects.filter(case=case).order_by("pk"):
        try:
            _evidence_bytes(piece)
        except ExportError as exc:
            problems.append(str(exc).replace(" : export impossible.", "."))
    return problems


#: The list sections of the document, in their order.
SECTIONS = ("answers", "assignments", "comments", "evidence", "opinions", "measures", "audit")
#: The people of the case the document names, read with it.
CASE_PEOPLE = ("organisation", "lead", "created_by", "vendor_account")


def case_export(case: Case, *, with_content: bool = True,
                sections: Collection[str] = SECTIONS) -> dict[str, Any]:
    """The case as one JSON-serialisable document, in a deterministic order. Without
    ``with_content``, evidence files are described by their hash only (their bytes are not
    read). ``sections``: the list sections read and written (every one by default; a reader of
    a few, such as the memo's preview, leaves the others out). The case is read again with its
    people unless it was read with them (:data:`CASE_PEOPLE`)."""
    if not all(getattr(Case, name).is_cached(case) for name in CASE_PEOPLE):
        case = Case.objects.select_related(*CASE_PEOPLE).get(pk=case.pk)
    document: dict[str, Any] = {
        "format": FORMAT,
        "exported_at": iso_utc(timezone.now()),
        "source": {"organisation": case.organisation.slug, "case_id": case.pk},
        "grid": {"id": case.grid_id, "version": case.grid_version},
        "case": {
            "reference": case.reference, "title": case.title, "service": case.service,
            "purpose": case.purpose, "vendor": case.vendor, "state": case.state,
            "created_at": iso_utc(case.created_at), "updated_at": iso_utc(case.updated_at),
            "lead": _person(case.lead), "created_by": _person(case.created_by),
            "vendor_account": _person(case.vendor_account),
        },
    }
    builders = {"answers": _answers, "assignments": _assignments, "comments": _comments,
                "evidence": _evidence, "opinions": _opinions, "measures": _measures,
                "audit": _audit}
    for name in SECTIONS:
        if name in sections:
            document[name] = builders[name](case, with_content)
    return document


def _answers(case: Case, with_content: bool) -> list[dict[str, Any]]:
    order = _item_order(case)
    answers = sorted(
        Answer.objects.filter(case=case).select_related("answered_by"),
        key=lambda a: (order.get(a.item_id, len(order)), a.item_id))
    return [
        {"item_id": a.item_id, "kind": a.kind, "value": a.value,
         "justification": a.justification, "grid_version": a.grid_version,
         "revision": a.revision, "answered_by": _person(a.answered_by),
         "updated_at": iso_utc(a.updated_at)}
        for a in answers
    ]


def _assignments(case: Case, with_content: bool) -> list[dict[str, Any]]:
    return [
        {"criterion": a.criterion, "user": _person(a.user),
         "assigned_by": _person(a.assigned_by), "created_at": iso_utc(a.created_at)}
        for a in sorted(Assignment.objects.filter(case=case)
                        .select_related("user", "assigned_by"),
                        key=lambda a: (a.criterion, a.user.username))
    ]


def _comments(case: Case, with_content: bool) -> list[dict[str, Any]]:
    comments = list(Comment.objects.filter(case=case).select_related("author", "resolved_by")
                    .order_by("created_at", "id"))
    export_ids = {comment.pk: number for number, comment in enumerate(comments, start=1)}
    return [
        {"id": export_ids[c.pk], "criterion": c.criterion, "item_id": c.item_id,
         "parent": export_ids.get(c.parent_id) if c.parent_id else None,
         "author": _person(c.author), "body": c.body, "created_at": iso_utc(c.created_at),
         "resolved_at": iso_utc(c.resolved_at), "resolved_by": _person(c.resolved_by)}
        for c in comments
    ]


def _evidence(case: Case, with_content: bool) -> list[dict[str, Any]]:
    evidence = list(Evidence.objects.filter(case=case).select_related("uploaded_by")
                    .order_by("uploaded_at", "id"))
    return [
        {"criterion": e.criterion, "item_id": e.item_id, "original_name": e.original_name,
         "content_type": e.content_type, "size": e.size, "sha256": e.sha256,
         "uploaded_by": _person(e.uploaded_by), "uploaded_at": iso_utc(e.uploaded_at),
         **({"content_base64": base64.b64encode(_evidence_bytes(e)).decode("ascii")}
            if with_content else {})}
        for e in evidence
    ]


def _opinions(case: Case, with_content: bool) -> list[dict[str, Any]]:
    return [
        {"criterion": o.criterion, "verdict": o.verdict,
         "recommendations": o.recommendations, "author": _person(o.author),
         "revision": o.revision, "updated_at": iso_utc(o.updated_at)}
        for o in Opinion.objects.filter(case=case).select_related("author")
        .order_by("criterion")
    ]


def _measures(case: Case, with_content: bool) -> list[dict[str, Any]]:
    return [
        {"origin": m.origin, "criterion": m.criterion, "flag": m.flag, "text": m.text,
         "owner": _person(m.owner), "owner_name": m.owner_name,
         "due": m.due.isoformat(), "status": m.status,
         "done_on": m.done_on.isoformat() if m.done_on else None, "note": m.note,
         "source_key": m.source_key, "created_by": _person(m.created_by),
         "created_at": iso_utc(m.created_at)}
        for m in Measure.objects.filter(case=case).select_related("owner", "created_by")
        .order_by("created_at", "id")
    ]


def _audit(case: Case, with_content: bool) -> list[dict[str, Any]]:
    return [
        {"sequence": e.sequence, "actor": _person(e.actor), "actor_id": e.actor_id,
         "actor_name": e.actor_name, "at": iso_utc(e.at), "action": e.action,
         "item_id": e.item_id, "before": e.before, "after": e.after, "note": e.note,
         "previous_hash": e.previous_hash, "hash": e.hash}
        for e in AuditEvent.objects.filter(case=case).select_related("actor")
        .order_by("sequence")
    ]


#: The person fields of each section of the document.
PERSON_FIELDS = {
    "answers": ("answered_by",), "assignments": ("user", "assigned_by"),
    "comments": ("author", "resolved_by"), "evidence": ("uploaded_by",),
    "opinions": ("author",), "measures": ("owner", "created_by"),
    "audit": ("actor",),
}


def case_snapshot(case: Case, *, people: bool = True) -> dict[str, Any]:
    """The export without what an import legitimately changes: the export time, the source
    identifiers (organisation, case and actor primary keys), the reference (renumbered when
    taken) and the audit hashes (re-chained). Comment ids are positions, hence kept.

    ``people=False`` also blanks who did what (``None``), except the audit trail's
    ``actor_name``: usernames are unique on an instance, so a case imported into another
    organisation finds none of its people there, and their records go to the importer."""
    document = case_export(case)
    del document["exported_at"], document["source"]
    del document["case"]["reference"]
    for event in document["audit"]:
        del event["actor_id"], event["previous_hash"], event["hash"]
    if not people:
        for key in ("lead", "created_by", "vendor_account"):
            document["case"][key] = None
        for section, keys in PERSON_FIELDS.items():
            for row in document[section]:
                row.update(dict.fromkeys(keys))
        for row in document["measures"]:  # an owner not found is kept by name
            row["owner_name"] = None
    return document
