"""A whole case as one self-contained JSON document (format ``boussole-case/1``).

``case_export`` writes the case, its answers, assignments, comments, evidence (file bytes
embedded in base64), opinions and audit trail, in a deterministic order. ``case_import``
validates the *whole* document first — every problem is collected with its path inside the
document, in French — and raises :class:`~boussole.core.errors.InvalidDocument` before writing
anything; it then writes everything in one transaction.

Import rules:

* people are matched by username within the target organisation; nobody is created. Usernames
  are unique on an instance, so only an import into the case's own organisation finds them.
  The records of an unknown person (answers, comments, evidence, opinions, "assigned by",
  "resolved by", lead, creator) are attributed to the importing user, and the mapping is
  written in the ``case_imported`` audit event. An assignment *of* an unknown person is not
  imported (only referents and project leads may be designated, and the importer did not
  accept the task): it is listed in that event too. An audit event of an unknown person keeps
  its ``actor_name`` and gets no ``actor``: the trail never claims that the importer did what
  someone else did. An unknown vendor account is left empty.
* the case keeps its reference unless the organisation already uses it (then a new one).
* the audit trail keeps its events (sequence, time, actor name, action, item, before, after,
  note, verbatim — identifiers inside ``before``/``after`` are the source's) but is
  re-chained: the hash of an event covers the case and actor primary keys, which change. The
  source chain is first verified against the document (``source.case_id`` and each event's
  ``actor_id``); that result and the source's last hash go into the final ``case_imported``
  event, so that the imported trail verifies with ``audit_verify``. A document whose source
  chain does not verify is still imported, flagged in that event.

``case_snapshot`` is the export without what an import legitimately changes (export time, source
identifiers, reference, hashes): after an import into the same organisation,
``case_snapshot(imported)`` equals ``case_snapshot(original)`` plus the trailing
``case_imported`` event; into another organisation, the same holds for
``case_snapshot(..., people=False)`` once the dropped assignments are set aside.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from boussole.core import workflow
from boussole.core.documents import CASE_LIMITS, describe_type, load_json, read_text
from boussole.core.errors import InvalidDocument, Problem
from boussole.core.grid import AnswerInvalid, Fact, Grid, Question, validate_value
from boussole.core.limits import LIMITS
from boussole.web.accounts.models import Organisation, User
from boussole.web.cases import audit, services
from boussole.web.cases.legal import fact_names, red_line_standing
from boussole.web.cases.models import (
    Answer,
    Assignment,
    AuditEvent,
    Case,
    Comment,
    Evidence,
    Opinion,
    State,
    Verdict,
)
from boussole.web.grids import grid_for

FORMAT = "boussole-case/1"

PathT = tuple[str | int, ...]
Person = tuple[str, str]  # (username, name)

_HEX64 = re.compile(r"[0-9a-f]{64}")
_INT_MAX = 2_147_483_647
_SMALL_MAX = 32_767
_MAX_JSON_DEPTH = 64


class ExportError(Exception):
    """The case cannot be exported (a file is missing or altered); the message is in French."""


# --- Export ------------------------------------------------------------------------------

def _person(user: User | None) -> dict[str, str] | None:
    if user is None:
        return None
    return {"username": user.username, "name": str(user)}


def _when(value: dt.datetime | None) -> str | None:
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


def case_export(case: Case, *, with_content: bool = True) -> dict[str, Any]:
    """The case as one JSON-serialisable document, in a deterministic order. Without
    ``with_content``, evidence files are described by their hash only (their bytes are not
    read)."""
    case = Case.objects.select_related("organisation", "lead", "created_by",
                                       "vendor_account").get(pk=case.pk)
    order = _item_order(case)
    answers = sorted(
        Answer.objects.filter(case=case).select_related("answered_by"),
        key=lambda a: (order.get(a.item_id, len(order)), a.item_id))
    comments = list(Comment.objects.filter(case=case).select_related("author", "resolved_by")
                    .order_by("created_at", "id"))
    export_ids = {comment.pk: number for number, comment in enumerate(comments, start=1)}
    evidence = list(Evidence.objects.filter(case=case).select_related("uploaded_by")
                    .order_by("uploaded_at", "id"))
    return {
        "format": FORMAT,
        "exported_at": _when(timezone.now()),
        "source": {"organisation": case.organisation.slug, "case_id": case.pk},
        "grid": {"id": case.grid_id, "version": case.grid_version},
        "case": {
            "reference": case.reference, "title": case.title, "service": case.service,
            "purpose": case.purpose, "vendor": case.vendor, "state": case.state,
            "created_at": _when(case.created_at), "updated_at": _when(case.updated_at),
            "lead": _person(case.lead), "created_by": _person(case.created_by),
            "vendor_account": _person(case.vendor_account),
        },
        "answers": [
            {"item_id": a.item_id, "kind": a.kind, "value": a.value,
             "justification": a.justification, "grid_version": a.grid_version,
             "revision": a.revision, "answered_by": _person(a.answered_by),
             "updated_at": _when(a.updated_at)}
            for a in answers
        ],
        "assignments": [
            {"criterion": a.criterion, "user": _person(a.user),
             "assigned_by": _person(a.assigned_by), "created_at": _when(a.created_at)}
            for a in sorted(Assignment.objects.filter(case=case)
                            .select_related("user", "assigned_by"),
                            key=lambda a: (a.criterion, a.user.username))
        ],
        "comments": [
            {"id": export_ids[c.pk], "criterion": c.criterion, "item_id": c.item_id,
             "parent": export_ids.get(c.parent_id) if c.parent_id else None,
             "author": _person(c.author), "body": c.body, "created_at": _when(c.created_at),
             "resolved_at": _when(c.resolved_at), "resolved_by": _person(c.resolved_by)}
            for c in comments
        ],
        "evidence": [
            {"criterion": e.criterion, "item_id": e.item_id, "original_name": e.original_name,
             "content_type": e.content_type, "size": e.size, "sha256": e.sha256,
             "uploaded_by": _person(e.uploaded_by), "uploaded_at": _when(e.uploaded_at),
             **({"content_base64": base64.b64encode(_evidence_bytes(e)).decode("ascii")}
                if with_content else {})}
            for e in evidence
        ],
        "opinions": [
            {"criterion": o.criterion, "verdict": o.verdict,
             "recommendations": o.recommendations, "author": _person(o.author),
             "revision": o.revision, "updated_at": _when(o.updated_at)}
            for o in Opinion.objects.filter(case=case).select_related("author")
            .order_by("criterion")
        ],
        "audit": [
            {"sequence": e.sequence, "actor": _person(e.actor), "actor_id": e.actor_id,
             "actor_name": e.actor_name, "at": _when(e.at), "action": e.action,
             "item_id": e.item_id, "before": e.before, "after": e.after, "note": e.note,
             "previous_hash": e.previous_hash, "hash": e.hash}
            for e in AuditEvent.objects.filter(case=case).select_related("actor")
            .order_by("sequence")
        ],
    }


#: The person fields of each section of the document.
PERSON_FIELDS = {
    "answers": ("answered_by",), "assignments": ("user", "assigned_by"),
    "comments": ("author", "resolved_by"), "evidence": ("uploaded_by",),
    "opinions": ("author",), "audit": ("actor",),
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
    return document


# --- Reading a document ------------------------------------------------------------------

def load_document(path: str | Path) -> Any:
    """Read a JSON file under the case limits (size, nodes, depth; no duplicate key, no lone
    surrogate, no NaN); every failure becomes :class:`InvalidDocument` naming the file."""
    source = str(path)
    text = read_text(path, limits=CASE_LIMITS)
    if not text.strip():
        raise InvalidDocument([Problem((), "le document est vide.")], source=source)
    return load_json(text, source=source, limits=CASE_LIMITS, allow_constants=False)


# --- Validation --------------------------------------------------------------------------

class _Reader:
    """Reads typed fields from the document, recording every problem instead of stopping.
    A method returns ``None`` when the field is absent, null (if allowed) or invalid."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, path: PathT, message: str) -> None:
        problem = Problem(path, message)
        if problem not in self.problems:
            self.problems.append(problem)

    def obj(self, value: Any, path: PathT, keys: dict[str, bool]) -> dict[str, Any] | None:
        """The value as an object with the given keys (``True``: required)."""
        if not isinstance(value, dict):
            self.add(path, f"doit être un objet (clé : valeur), pas {describe_type(value)}.")
            return None
        for key in value:
            if key not in keys:
                self.add((*path, str(key)), f"clé inconnue « {key} » ; clés admises : "
                                            f"{', '.join(keys)}.")
        for key, required in keys.items():
            if required and key not in value:
                self.add(path, f"champ obligatoire manquant : « {key} ».")
        return value

    def array(self, block: dict[str, Any], path: PathT, key: str) -> list[Any]:
        value = block.get(key, [])
        if not isinstance(value, list):
            self.add((*path, key), f"doit être une liste, pas {describe_type(value)}.")
            return []
        return value

    def text(self, block: dict[str, Any], path: PathT, key: str, *, max_length: int | None = None,
             required: bool = False, nullable: bool = False) -> str | None:
        if key not in block:
            return None
        value, here = block[key], (*path, key)
        if value is None and nullable:
            return None
        if not isinstance(value, str):
            self.add(here, f"doit être un texte, pas {describe_type(value)}.")
            return None
        if "\x00" in value:
            self.add(here, "le caractère nul (\\u0000) n'est pas admis.")
            return None
        if required and not value.strip():
            self.add(here, "ne doit pas être vide.")
            return None
        if max_length is not None and len(value) > max_length:
            self.add(here, f"texte trop long : {max_length} caractères au plus "
                           f"({len(value)} reçus).")
            return None
        return value

    def integer(self, block: dict[str, Any], path: PathT, key: str, *, minimum: int = 0,
                maximum: int = _INT_MAX, nullable: bool = False) -> int | None:
        if key not in block:
            return None
        value, here = block[key], (*path, key)
        if value is None and nullable:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(here, f"doit être un nombre entier, pas {describe_type(value)}.")
            return None
        if not minimum <= value <= maximum:
            self.add(here, f"doit être un entier de {minimum} à {maximum} (valeur reçue : "
                           f"{value}).")
            return None
        return value

    def moment(self, block: dict[str, Any], path: PathT, key: str, *, nullable: bool = False
               ) -> dt.datetime | None:
        raw = self.text(block, path, key, nullable=nullable)
        if raw is None:
            return None
        here = (*path, key)
        try:
            value = dt.datetime.fromisoformat(raw)
        except ValueError:
            self.add(here, f"« {raw} » n'est pas une date et heure ISO 8601 (exemple : "
                           "2026-03-01T09:30:00+00:00).")
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            self.add(here, f"« {raw} » : le fuseau horaire manque (exemple : "
                           "2026-03-01T09:30:00+00:00).")
            return None
        return value.astimezone(dt.UTC)

    def person(self, block: dict[str, Any], path: PathT, key: str, *, nullable: bool = False
               ) -> Person | None:
        if key not in block:
            return None
        value, here = block[key], (*path, key)
        if value is None and nullable:
            return None
        person = self.obj(value, here, {"username": True, "name": True})
        if person is None:
            return None
        username = self.text(person, here, "username", max_length=150, required=True)
        name = self.text(person, here, "name", max_length=200)
        if username is None or ("name" in person and name is None):
            return None
        return (username, name or username)

    def plain(self, value: Any, path: PathT, depth: int = 0) -> bool:
        """Is ``value`` plain JSON storable by every database (finite numbers, no NUL)?"""
        if depth > _MAX_JSON_DEPTH:
            self.add(path, "structure trop profondément imbriquée.")
            return False
        if value is None or isinstance(value, bool | int):
            return True
        if isinstance(value, float):
            if not math.isfinite(value):
                self.add(path, "nombre non fini (NaN ou infini) non admis.")
                return False
            return True
        if isinstance(value, str):
            if "\x00" in value:
                self.add(path, "le caractère nul (\\u0000) n'est pas admis.")
                return False
            return True
        if isinstance(value, list):
            return all([self.plain(item, (*path, i), depth + 1)
                        for i, item in enumerate(value)])
        if isinstance(value, dict):
            return all([self._key(key, path) and self.plain(item, (*path, key), depth + 1)
                        for key, item in value.items()])
        self.add(path, f"valeur non JSON ({describe_type(value)}).")
        return False

    def _key(self, key: Any, path: PathT) -> bool:
        if not isinstance(key, str) or "\x00" in key:
            self.add(path, f"clé d'objet invalide : {key!r}.")
            return False
        return True


@dataclass
class _Plan:
    """The validated content of a document, ready to be written."""

    grid: Grid | None
    case: dict[str, Any]
    answers: list[dict[str, Any]] = field(default_factory=list)
    assignments: list[dict[str, Any]] = field(default_factory=list)
    comments: list[dict[str, Any]] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    opinions: list[dict[str, Any]] = field(default_factory=list)
    audit: list[dict[str, Any]] = field(default_factory=list)
    source: dict[str, Any] = field(default_factory=dict)
    exported_at: dt.datetime | None = None
    source_verified: bool | None = None


TOP_KEYS = {"format": True, "exported_at": True, "source": False, "grid": True, "case": True,
            "answers": True, "assignments": True, "comments": True, "evidence": True,
            "opinions": True, "audit": True}
CASE_KEYS = {"reference": True, "title": True, "service": True, "purpose": True, "vendor": True,
             "state": True, "created_at": True, "updated_at": True, "lead": True,
             "created_by": True, "vendor_account": False}
ANSWER_KEYS = {"item_id": True, "kind": True, "value": True, "justification": True,
               "grid_version": True, "revision": True, "answered_by": True, "updated_at": True}
ASSIGNMENT_KEYS = {"criterion": True, "user": True, "assigned_by": True, "created_at": True}
COMMENT_KEYS = {"id": True, "criterion": True, "item_id": True, "parent": True, "author": True,
                "body": True, "created_at": True, "resolved_at": True, "resolved_by": True}
EVIDENCE_KEYS = {"criterion": True, "item_id": True, "original_name": True,
                 "content_type": True, "size": True, "sha256": True, "uploaded_by": True,
                 "uploaded_at": True, "content_base64": True}
OPINION_KEYS = {"criterion": True, "verdict": True, "recommendations": True, "author": True,
                "revision": True, "updated_at": True}
AUDIT_KEYS = {"sequence": True, "actor": True, "actor_id": False, "actor_name": True,
              "at": True, "action": True, "item_id": True, "before": True, "after": True,
              "note": True, "previous_hash": True, "hash": True}


class _Validator:
    def __init__(self, reader: _Reader, document: dict[str, Any], grid: Grid | None) -> None:
        self.r = reader
        self.doc = document
        self.grid = grid

    # shared checks ---------------------------------------------------------------------

    def criterion(self, block: dict[str, Any], path: PathT, *, nullable: bool = False
                  ) -> int | None:
        number = self.r.integer(block, path, "criterion", minimum=1, maximum=_SMALL_MAX,
                                nullable=nullable)
        if number is not None and self.grid is not None:
            try:
                self.grid.criterion(number)
            except KeyError:
                self.r.add((*path, "criterion"),
                           f"critère n° {number} inconnu dans la grille {self.grid.key}.")
                return None
        return number

    def item(self, item_id: str | None, path: PathT) -> Question | Fact | None:
        if not item_id or self.grid is None:
            return None
        if self.grid.has_question(item_id):
            return self.grid.question(item_id)
        if self.grid.has_fact(item_id):
            return self.grid.fact(item_id)
        self.r.add(path, f"« {item_id} » n'est ni une question ni un fait du profil de la "
                         f"grille {self.grid.key}.")
        return None

    # sections --------------------------------------------------------------------------

    def case(self) -> dict[str, Any]:
        r, path = self.r, ("case",)
        block = r.obj(self.doc.get("case"), path, CASE_KEYS) if "case" in self.doc else None
        if block is None:
            return {}
        state = r.text(block, path, "state", required=True)
        if state is not None and state not in State.values:
            r.add((*path, "state"), f"étape « {state} » inconnue ; étapes admises : "
                                    f"{', '.join(State.values)}.")
        return {
            "reference": r.text(block, path, "reference", max_length=32, required=True),
            "title": r.text(block, path, "title", max_length=LIMITS["title"], required=True),
            "service": r.text(block, path, "service", max_length=LIMITS["service"]),
            "purpose": r.text(block, path, "purpose", max_length=LIMITS["purpose"]),
            "vendor": r.text(block, path, "vendor", max_length=LIMITS["vendor"]),
            "state": state,
            "created_at": r.moment(block, path, "created_at"),
            "updated_at": r.moment(block, path, "updated_at"),
            "lead": r.person(block, path, "lead"),
            "created_by": r.person(block, path, "created_by"),
            "vendor_account": r.person(block, path, "vendor_account", nullable=True),
        }

    def answers(self) -> list[dict[str, Any]]:
        r, out = self.r, []
        seen: dict[str, int] = {}
        for index, raw in enumerate(r.array(self.doc, (), "answers")):
            path: PathT = ("answers", index)
            block = r.obj(raw, path, ANSWER_KEYS)
            if block is None:
                continue
            item_id = r.text(block, path, "item_id", max_length=80, required=True)
            kind = r.text(block, path, "kind", required=True)
            if kind is not None and kind not in Answer.Kind.values:
                r.add((*path, "kind"), f"nature « {kind} » inconnue ; « question » ou « fact » "
                                       "attendu.")
            if item_id is not None:
                if item_id in seen:
                    r.add((*path, "item_id"), f"réponse en double pour « {item_id} » (déjà en "
                                              f"answers[{seen[item_id]}]).")
                seen.setdefault(item_id, index)
            item = self.item(item_id, (*path, "item_id"))
            expected = (Answer.Kind.QUESTION if isinstance(item, Question) else Answer.Kind.FACT)
            if item is not None and kind in Answer.Kind.values and kind != expected:
                what = "une question" if expected == Answer.Kind.QUESTION else "un fait du profil"
                r.add((*path, "kind"), f"« {item_id} » est {what} de la grille : « {expected} » "
                                       "attendu.")
            justification = r.text(block, path, "justification",
                                   max_length=LIMITS["justification"])
            value: Any = None
            if "value" in block and r.plain(block["value"], (*path, "value")) and item:
                try:
                    value = validate_value(item, block["value"])
                except AnswerInvalid as exc:
                    r.add((*path, "value"), f"réponse invalide pour « {item_id} » : {exc}")
                else:
                    if (getattr(item, "computed", False) and value != "nsp"
                            and justification is not None and not justification.strip()):
                        r.add((*path, "justification"),
                              "une valeur saisie à la place du calcul doit être justifiée.")
            out.append({
                "item_id": item_id, "kind": expected if item else kind, "value": value,
                "justification": (justification or "").strip(),
                "grid_version": r.integer(block, path, "grid_version", minimum=1),
                "revision": r.integer(block, path, "revision", minimum=1),
                "answered_by": r.person(block, path, "answered_by"),
                "updated_at": r.moment(block, path, "updated_at"),
            })
        return out

    def assignments(self) -> list[dict[str, Any]]:
        r, out = self.r, []
        seen: set[tuple[int, str]] = set()
        for index, raw in enumerate(r.array(self.doc, (), "assignments")):
            path: PathT = ("assignments", index)
            block = r.obj(raw, path, ASSIGNMENT_KEYS)
            if block is None:
                continue
            criterion = self.criterion(block, path)
            user = r.person(block, path, "user")
            if criterion is not None and user is not None:
                if (criterion, user[0]) in seen:
                    r.add(path, f"désignation en double : « {user[0]} » sur le critère "
                                f"n° {criterion}.")
                seen.add((criterion, user[0]))
            out.append({"criterion": criterion, "user": user,
                        "assigned_by": r.person(block, path, "assigned_by"),
                        "created_at": r.moment(block, path, "created_at")})
        return out

    def comments(self) -> list[dict[str, Any]]:
        r, out = self.r, []
        ids: dict[Any, int] = {}
        for index, raw in enumerate(r.array(self.doc, (), "comments")):
            path: PathT = ("comments", index)
            block = r.obj(raw, path, COMMENT_KEYS)
            if block is None:
                continue
            comment_id = self._comment_ref(block, path, "id")
            if comment_id is not None:
                if comment_id in ids:
                    r.add((*path, "id"), f"identifiant de commentaire « {comment_id} » en "
                                         f"double (déjà en comments[{ids[comment_id]}]).")
                ids.setdefault(comment_id, index)
            item_id = r.text(block, path, "item_id", max_length=80)
            self.item(item_id, (*path, "item_id"))
            body = r.text(block, path, "body", max_length=LIMITS["comment"], required=True)
            out.append({
                "index": index, "id": comment_id, "criterion": self.criterion(
                    block, path, nullable=True),
                "item_id": item_id or "", "parent": self._comment_ref(block, path, "parent"),
                "author": r.person(block, path, "author"), "body": (body or "").strip(),
                "created_at": r.moment(block, path, "created_at"),
                "resolved_at": r.moment(block, path, "resolved_at", nullable=True),
                "resolved_by": r.person(block, path, "resolved_by", nullable=True),
            })
        parents = {c["id"]: c["parent"] for c in out if c["id"] is not None}
        for comment in out:
            parent = comment["parent"]
            if parent is None:
                continue
            here: PathT = ("comments", comment["index"], "parent")
            if parent not in parents:
                r.add(here, f"commentaire parent « {parent} » introuvable dans « comments ».")
                continue
            if parents[parent] is not None or parent == comment["id"]:
                # As on the web: a thread is one comment and its replies (one level).
                r.add(here, "une réponse ne peut répondre qu'à un commentaire qui n'est pas "
                            "lui-même une réponse (les fils de discussion n'ont qu'un niveau).")
        return out

    def _comment_ref(self, block: dict[str, Any], path: PathT, key: str) -> Any:
        if key not in block or block[key] is None:
            if key == "id" and key in block:
                self.r.add((*path, key), "doit être un nombre entier ou un texte, pas une "
                                         "valeur vide.")
            return None
        value = block[key]
        if isinstance(value, bool) or not isinstance(value, int | str) or value == "":
            self.r.add((*path, key), f"doit être un nombre entier ou un texte non vide, pas "
                                     f"{describe_type(value)}.")
            return None
        return value

    def evidence(self) -> list[dict[str, Any]]:
        r, out = self.r, []
        allowed: dict[str, str] = settings.BOUSSOLE_EVIDENCE_TYPES
        limit_mb: int = settings.BOUSSOLE_EVIDENCE_MAX_MB
        limit = limit_mb * 1024 * 1024
        for index, raw in enumerate(r.array(self.doc, (), "evidence")):
            path: PathT = ("evidence", index)
            block = r.obj(raw, path, EVIDENCE_KEYS)
            if block is None:
                continue
            item_id = r.text(block, path, "item_id", max_length=80)
            self.item(item_id, (*path, "item_id"))
            name = r.text(block, path, "original_name", max_length=255, required=True)
            extension = ""
            if name is not None:
                extension = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
                if extension not in allowed:
                    r.add((*path, "original_name"),
                          f"type de fichier non accepté ({extension or 'sans extension'}) ; "
                          f"types acceptés : {', '.join(sorted(allowed))}.")
                    extension = ""
            content_type = r.text(block, path, "content_type", max_length=120, required=True)
            if extension and content_type is not None and content_type != allowed[extension]:
                r.add((*path, "content_type"),
                      f"« {content_type} » ne correspond pas à l'extension {extension} "
                      f"(« {allowed[extension]} » attendu).")
            size = r.integer(block, path, "size", minimum=1, maximum=2**63 - 1)
            if size is not None and size > limit:
                r.add((*path, "size"), f"le fichier dépasse la taille maximale de {limit_mb} Mo.")
            sha = r.text(block, path, "sha256", required=True)
            if sha is not None and not _HEX64.fullmatch(sha):
                r.add((*path, "sha256"), "empreinte SHA-256 attendue (64 caractères "
                                         "hexadécimaux en minuscules).")
                sha = None
            data = self._decode(block, path, limit)
            if data is not None:
                if size is not None and len(data) != size:
                    r.add((*path, "size"), f"taille déclarée de {size} octets, mais le contenu "
                                           f"en fait {len(data)}.")
                if sha is not None and hashlib.sha256(data).hexdigest() != sha:
                    r.add((*path, "sha256"), "l'empreinte SHA-256 ne correspond pas au contenu "
                                             "du fichier.")
                if extension and not services._sniff(data[:2048], extension):
                    r.add((*path, "content_base64"), "le contenu du fichier ne correspond pas à "
                                                     f"son extension ({extension}).")
            out.append({"criterion": self.criterion(block, path, nullable=True),
                        "item_id": item_id or "", "original_name": name,
                        "content_type": content_type, "size": size, "sha256": sha,
                        "extension": extension, "data": data,
                        "uploaded_by": r.person(block, path, "uploaded_by"),
                        "uploaded_at": r.moment(block, path, "uploaded_at")})
        return out

    def _decode(self, block: dict[str, Any], path: PathT, limit: int) -> bytes | None:
        encoded = self.r.text(block, path, "content_base64")
        if encoded is None:
            return None
        here = (*path, "content_base64")
        if len(encoded) > (limit // 3 + 1) * 4 + 16:
            self.r.add(here, "contenu trop volumineux pour la taille maximale des pièces.")
            return None
        try:
            data = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            self.r.add(here, "contenu base64 invalide.")
            return None
        if not data:
            self.r.add(here, "le fichier est vide.")
            return None
        return data

    def opinions(self) -> list[dict[str, Any]]:
        r, out = self.r, []
        seen: dict[int, int] = {}
        for index, raw in enumerate(r.array(self.doc, (), "opinions")):
            path: PathT = ("opinions", index)
            block = r.obj(raw, path, OPINION_KEYS)
            if block is None:
                continue
            criterion = self.criterion(block, path)
            if criterion is not None:
                if criterion in seen:
                    r.add((*path, "criterion"), f"avis en double sur le critère n° {criterion} "
                                                f"(déjà en opinions[{seen[criterion]}]).")
                seen.setdefault(criterion, index)
            verdict = r.text(block, path, "verdict", required=True)
            if verdict is not None and verdict not in Verdict.values:
                r.add((*path, "verdict"), f"avis « {verdict} » inconnu ; avis admis : "
                                          f"{', '.join(Verdict.values)}.")
            recommendations = r.text(block, path, "recommendations",
                                     max_length=LIMITS["recommendations"])
            if (verdict in Verdict.values and verdict != Verdict.FAVORABLE
                    and recommendations is not None and not recommendations.strip()):
                r.add((*path, "recommendations"), "un avis avec réserves ou défavorable doit "
                                                  "être motivé par des recommandations.")
            out.append({"criterion": criterion, "verdict": verdict,
                        "recommendations": (recommendations or "").strip(),
                        "author": r.person(block, path, "author"),
                        "revision": r.integer(block, path, "revision", minimum=1),
                        "updated_at": r.moment(block, path, "updated_at")})
        return out

    def audit(self) -> list[dict[str, Any]]:
        r, out = self.r, []
        for index, raw in enumerate(r.array(self.doc, (), "audit")):
            path: PathT = ("audit", index)
            block = r.obj(raw, path, AUDIT_KEYS)
            if block is None:
                continue
            sequence = r.integer(block, path, "sequence", minimum=1)
            if sequence is not None and sequence != index + 1:
                r.add((*path, "sequence"), f"numéro d'ordre {index + 1} attendu (les événements "
                                           "sont numérotés de 1 à n, dans l'ordre, sans trou).")
            hashes = {}
            for key in ("previous_hash", "hash"):
                value = r.text(block, path, key, required=True)
                if value is not None and not _HEX64.fullmatch(value):
                    r.add((*path, key), "empreinte SHA-256 attendue (64 caractères "
                                        "hexadécimaux en minuscules).")
                hashes[key] = value
            for key in ("before", "after"):
                if key in block:
                    r.plain(block[key], (*path, key))
            out.append({
                "sequence": sequence, "actor": r.person(block, path, "actor", nullable=True),
                "actor_id": r.integer(block, path, "actor_id", minimum=1,
                                      maximum=2**63 - 1, nullable=True),
                "actor_name": r.text(block, path, "actor_name", max_length=200, required=True),
                "at": r.moment(block, path, "at"),
                "action": r.text(block, path, "action", max_length=40, required=True),
                "item_id": r.text(block, path, "item_id", max_length=80) or "",
                "before": block.get("before"), "after": block.get("after"),
                "note": r.text(block, path, "note") or "", **hashes,
            })
        return out

    def source(self) -> dict[str, Any]:
        if "source" not in self.doc:
            return {}
        block = self.r.obj(self.doc["source"], ("source",), {"organisation": True,
                                                              "case_id": True})
        if block is None:
            return {}
        return {"organisation": self.r.text(block, ("source",), "organisation",
                                            max_length=200),
                "case_id": self.r.integer(block, ("source",), "case_id", minimum=1,
                                          maximum=2**63 - 1, nullable=True)}


def _source_chain_verified(plan: _Plan, document: dict[str, Any]) -> bool | None:
    """Does the document's audit trail verify as it did in the source database?
    ``None`` when the source identifiers needed to recompute the hashes are missing."""
    case_id = plan.source.get("case_id")
    if case_id is None or any("actor_id" not in e for e in document["audit"]):
        return None
    return audit.chain_intact(
        AuditEvent(case_id=case_id, sequence=e["sequence"], actor_id=e["actor_id"],
                   actor_name=e["actor_name"], at=e["at"], action=e["action"],
                   item_id=e["item_id"], before=e["before"], after=e["after"], note=e["note"],
                   previous_hash=e["previous_hash"], hash=e["hash"])
        for e in plan.audit)


def validate_document(document: Any, *, source: str | None = None) -> _Plan:
    """Check the whole document; raise :class:`InvalidDocument` listing every problem."""
    if not isinstance(document, dict):
        raise InvalidDocument([Problem((), "le document doit être un objet JSON (clé : valeur), "
                                           f"pas {describe_type(document)}.")], source=source)
    if "format" not in document:
        raise InvalidDocument([Problem((), "champ obligatoire manquant : « format » (ce n'est "
                                           f"pas un export de dossier {FORMAT}).")],
                              source=source)
    if document["format"] != FORMAT:
        shown = document["format"] if isinstance(document["format"], str) else describe_type(
            document["format"])
        raise InvalidDocument([Problem(("format",), f"format « {shown} » non reconnu : "
                                                    f"« {FORMAT} » attendu.")], source=source)
    reader = _Reader()
    reader.obj(document, (), TOP_KEYS)
    grid: Grid | None = None
    block = reader.obj(document.get("grid"), ("grid",), {"id": True, "version": True}
                       ) if "grid" in document else None
    if block is not None:
        grid_id = reader.text(block, ("grid",), "id", required=True)
        version = reader.integer(block, ("grid",), "version", minimum=1)
        if grid_id is not None and version is not None:
            try:
                grid = grid_for(grid_id, version)
            except LookupError:
                reader.add(("grid",), f"grille « {grid_id} » version {version} inconnue de "
                                      "cette instance de Boussole.")
    checker = _Validator(reader, document, grid)
    plan = _Plan(grid=grid, case=checker.case(), answers=checker.answers(),
                 assignments=checker.assignments(), comments=checker.comments(),
                 evidence=checker.evidence(), opinions=checker.opinions(),
                 audit=checker.audit(), source=checker.source(),
                 exported_at=reader.moment(document, (), "exported_at"))
    if reader.problems:
        raise InvalidDocument(reader.problems, source=source)
    plan.source_verified = _source_chain_verified(plan, document)
    return plan


# --- Import ------------------------------------------------------------------------------

def _free_reference(organisation: Organisation, wanted: str) -> str:
    taken = set(Case.objects.filter(organisation=organisation)
                .values_list("reference", flat=True))
    if wanted not in taken:
        return wanted
    prefix = f"{timezone.localdate().year}-"
    number = sum(1 for reference in taken if reference.startswith(prefix)) + 1
    while f"{prefix}{number:03d}" in taken:
        number += 1
    return f"{prefix}{number:03d}"


def _usernames(plan: _Plan) -> set[str]:
    people: list[Person | None] = [plan.case["lead"], plan.case["created_by"],
                                   plan.case["vendor_account"]]
    people += [a["answered_by"] for a in plan.answers]
    people += [p for a in plan.assignments for p in (a["user"], a["assigned_by"])]
    people += [p for c in plan.comments for p in (c["author"], c["resolved_by"])]
    people += [e["uploaded_by"] for e in plan.evidence]
    people += [o["author"] for o in plan.opinions]
    people += [e["actor"] for e in plan.audit]
    return {person[0] for person in people if person is not None}


def _restore(model: Any, objects: list[Any], stamps: list[dt.datetime], name: str) -> None:
    """Put back timestamps that ``auto_now``/``auto_now_add`` overwrote on insert."""
    for obj, stamp in zip(objects, stamps, strict=True):
        setattr(obj, name, stamp)
    if objects:
        model.objects.bulk_update(objects, [name], batch_size=500)


def case_import(document: Any, *, organisation: Organisation, user: User,
                source: str | None = None) -> Case:
    """Validate ``document`` entirely, then create the case it describes in ``organisation``
    on behalf of ``user``, in one transaction. Raises :class:`InvalidDocument` (nothing
    written) when anything is wrong."""
    if user.organisation_id != organisation.pk:
        raise ValueError(f"« {user.username} » n'appartient pas à l'organisation "
                         f"« {organisation.slug} ».")
    plan = validate_document(document, source=source)
    saved_files: list[str] = []
    try:
        with transaction.atomic():
            return _write(plan, organisation, user, source, saved_files)
    except BaseException:
        for name in saved_files:  # the rows are rolled back: do not leave orphan files
            default_storage.delete(name)
        raise


def _write(plan: _Plan, organisation: Organisation, importer: User, source: str | None,
           saved_files: list[str]) -> Case:
    people = {u.username: u for u in User.objects.filter(organisation=organisation,
                                                         username__in=_usernames(plan))}
    unmatched: dict[str, str] = {}

    def who(person: Person | None) -> User:
        """The matching person of the organisation, or the importer."""
        assert person is not None  # noqa: S101 — validated
        found = people.get(person[0])
        if found is None:
            unmatched.setdefault(person[0], person[1])
            return importer
        return found

    def who_or_none(person: Person | None) -> User | None:
        return None if person is None else who(person)

    assert plan.grid is not None  # noqa: S101 — validated
    data = plan.case
    vendor_account = people.get(data["vendor_account"][0]) if data["vendor_account"] else None
    case = Case.objects.create(
        organisation=organisation, reference=_free_reference(organisation, data["reference"]),
        title=data["title"], service=data["service"], purpose=data["purpose"],
        vendor=data["vendor"], state=data["state"], lead=who(data["lead"]),
        created_by=who(data["created_by"]), vendor_account=vendor_account,
        grid_id=plan.grid.id, grid_version=plan.grid.version)

    answers = Answer.objects.bulk_create([
        Answer(case=case, kind=a["kind"], item_id=a["item_id"], value=a["value"],
               justification=a["justification"], grid_version=a["grid_version"],
               revision=a["revision"], answered_by=who(a["answered_by"]))
        for a in plan.answers], batch_size=500)
    _restore(Answer, answers, [a["updated_at"] for a in plan.answers], "updated_at")

    dropped: list[dict[str, Any]] = []
    kept: list[dict[str, Any]] = []
    assigned: set[tuple[int, int]] = set()
    for a in plan.assignments:
        referent = people.get(a["user"][0])
        if referent is None:
            unmatched.setdefault(*a["user"])
            dropped.append({"criterion": a["criterion"], "username": a["user"][0],
                            "name": a["user"][1]})
        elif (a["criterion"], referent.pk) not in assigned:
            assigned.add((a["criterion"], referent.pk))
            kept.append({**a, "referent": referent})
    assignments = Assignment.objects.bulk_create([
        Assignment(case=case, criterion=a["criterion"], user=a["referent"],
                   assigned_by=who(a["assigned_by"])) for a in kept])
    _restore(Assignment, assignments, [a["created_at"] for a in kept], "created_at")

    _write_comments(case, plan.comments, who, who_or_none)

    evidence = []
    for e in plan.evidence:
        piece = Evidence(case=case, criterion=e["criterion"], item_id=e["item_id"],
                         original_name=e["original_name"], content_type=e["content_type"],
                         size=e["size"], sha256=e["sha256"], uploaded_by=who(e["uploaded_by"]))
        piece.file.save(f"{e['sha256'][:16]}{e['extension']}", ContentFile(e["data"]),
                        save=False)
        saved_files.append(piece.file.name)
        piece.save()
        evidence.append(piece)
    _restore(Evidence, evidence, [e["uploaded_at"] for e in plan.evidence], "uploaded_at")

    opinions = Opinion.objects.bulk_create([
        Opinion(case=case, criterion=o["criterion"], verdict=o["verdict"],
                recommendations=o["recommendations"], author=who(o["author"]),
                revision=o["revision"]) for o in plan.opinions])
    _restore(Opinion, opinions, [o["updated_at"] for o in plan.opinions], "updated_at")

    events = []
    for e in plan.audit:
        actor = people.get(e["actor"][0]) if e["actor"] else None
        if e["actor"] and actor is None:
            unmatched.setdefault(*e["actor"])
        events.append(AuditEvent(case=case, sequence=e["sequence"], actor=actor,
                                 actor_name=e["actor_name"], at=e["at"], action=e["action"],
                                 item_id=e["item_id"], before=e["before"], after=e["after"],
                                 note=e["note"]))
    audit.chain(events)  # re-chained: the case and actor primary keys are new
    AuditEvent.objects.bulk_create(events, batch_size=500)

    audit.audit_record(case=case, user=importer, action="case_imported",
                       after=_import_record(plan, case, source, unmatched, dropped),
                       note=_import_note(plan, case, importer, source, unmatched, dropped))
    # The same rules as the web (in the core): the state must be reachable, and the red lines
    # block every favourable path (no override). Any problem rolls the whole import back.
    standing = red_line_standing(case)  # derives the legal levels from the imported facts
    snapshot = workflow.CaseSnapshot(
        state=case.state, red_line=standing,
        opinions={o["criterion"]: o["verdict"] for o in plan.opinions})
    problems = workflow.import_problems(snapshot, fact_names(case))
    if problems:
        raise InvalidDocument([Problem(path, message) for path, message in problems],
                              source=source)
    Case.objects.filter(pk=case.pk).update(created_at=data["created_at"],
                                           updated_at=data["updated_at"])
    case.refresh_from_db()
    if not audit.audit_verify(case):  # pragma: no cover — an invariant of this module
        raise RuntimeError("le journal importé ne se vérifie pas : import annulé.")
    return case


def _write_comments(case: Case, planned: list[dict[str, Any]],
                    who: Callable[[Person | None], User],
                    who_or_none: Callable[[Person | None], User | None]) -> list[Comment]:
    """Create the comments parents first (level by level), then restore their dates."""
    by_id = {c["id"]: c for c in planned}

    def depth(comment: dict[str, Any]) -> int:
        level = 0
        while comment["parent"] is not None:
            comment, level = by_id[comment["parent"]], level + 1
        return level

    created: dict[Any, Comment] = {}
    ordered: list[tuple[Comment, dict[str, Any]]] = []
    levels: dict[int, list[dict[str, Any]]] = {}
    for comment in planned:
        levels.setdefault(depth(comment), []).append(comment)
    for level in sorted(levels):
        rows = [Comment(case=case, criterion=c["criterion"], item_id=c["item_id"],
                        parent=created[c["parent"]] if c["parent"] is not None else None,
                        author=who(c["author"]), body=c["body"], resolved_at=c["resolved_at"],
                        resolved_by=who_or_none(c["resolved_by"]))
                for c in levels[level]]
        for row, c in zip(Comment.objects.bulk_create(rows), levels[level], strict=True):
            created[c["id"]] = row
            ordered.append((row, c))
    _restore(Comment, [row for row, _ in ordered], [c["created_at"] for _, c in ordered],
             "created_at")
    return [row for row, _ in ordered]


def _import_record(plan: _Plan, case: Case, source: str | None, unmatched: dict[str, str],
                   dropped: list[dict[str, Any]]) -> dict[str, Any]:
    last_hash = plan.audit[-1]["hash"] if plan.audit else None
    return {
        "format": FORMAT, "document": source or "",
        "source": {"organisation": plan.source.get("organisation"),
                   "case_id": plan.source.get("case_id"),
                   "reference": plan.case["reference"],
                   "exported_at": _when(plan.exported_at)},
        "reference": case.reference,
        "source_audit": {"events": len(plan.audit), "last_hash": last_hash,
                         "verified": plan.source_verified},
        "unmatched_people": [{"username": u, "name": n} for u, n in sorted(unmatched.items())],
        "dropped_assignments": dropped,
    }


def _import_note(plan: _Plan, case: Case, importer: User, source: str | None,
                 unmatched: dict[str, str], dropped: list[dict[str, Any]]) -> str:
    origin = plan.source.get("organisation") or "organisation inconnue"
    parts = [f"Dossier importé depuis {source or 'un document ' + FORMAT} ({origin}, référence "
             f"{plan.case['reference']}) par {importer}."]
    if case.reference != plan.case["reference"]:
        parts.append(f"La référence {plan.case['reference']} étant déjà prise, le dossier "
                     f"devient {case.reference}.")
    verified = {True: "chaîne d'empreintes vérifiée",
                False: "chaîne d'empreintes NON vérifiée : le journal a été modifié depuis "
                       "l'export ou dans la base d'origine",
                None: "chaîne d'empreintes non vérifiable (identifiants d'origine absents)"}
    parts.append(f"Journal d'origine : {len(plan.audit)} événement(s), "
                 f"{verified[plan.source_verified]} ; il est repris tel quel et re-chaîné.")
    if unmatched:
        names = ", ".join(f"{name} ({username})" for username, name in sorted(unmatched.items()))
        parts.append(f"Personnes absentes de l'organisation, dont les réponses, commentaires, "
                     f"pièces et avis sont rattachés à {importer} (leurs actions au journal "
                     f"gardent leur nom) : {names}.")
    if dropped:
        names = ", ".join(f"{d['name']} (critère {d['criterion']})" for d in dropped)
        parts.append(f"Désignations non reprises (personne absente) : {names}.")
    return " ".join(parts)
