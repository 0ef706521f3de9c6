"""Validating a ``boussole-case/1`` document as a whole before anything is written: every
problem is collected with its path inside the document, in French, and
:func:`validate_document` raises :class:`~boussole.core.errors.InvalidDocument` listing them
all, or returns the :class:`Plan` that the importer writes."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from boussole.core import cases as rules
from boussole.core import limits
from boussole.core import measures as measure_rules
from boussole.core.documents import describe_type
from boussole.core.errors import InvalidDocument, Problem
from boussole.core.evidence import content_matches
from boussole.core.grid import AnswerInvalid, Fact, Grid, Question, validate_value
from boussole.core.limits import LIMITS
from boussole.web.cases.audit import chain_intact
from boussole.web.cases.exchange.export import FORMAT
from boussole.web.cases.exchange.reader import PathT, Reader
from boussole.web.cases.models import Answer, AuditEvent, State, Verdict
from boussole.web.grids import grid_for

_HEX64 = re.compile(r"[0-9a-f]{64}")
_SMALL_MAX = 32_767


@dataclass
class Plan:
    """The validated content of a document, ready to be written."""

    grid: Grid | None
    case: dict[str, Any]
    answers: list[dict[str, Any]] = field(default_factory=list)
    assignments: list[dict[str, Any]] = field(default_factory=list)
    comments: list[dict[str, Any]] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    opinions: list[dict[str, Any]] = field(default_factory=list)
    measures: list[dict[str, Any]] = field(default_factory=list)
    audit: list[dict[str, Any]] = field(default_factory=list)
    source: dict[str, Any] = field(default_factory=dict)
    exported_at: dt.datetime | None = None
    source_verified: bool | None = None


TOP_KEYS = {"format": True, "exported_at": True, "source": False, "grid": True, "case": True,
            "answers": True, "assignments": True, "comments": True, "evidence": True,
            "opinions": True, "audit": True, "measures": False}
CASE_KEYS = {"reference": True, "title": True, "service": True, "purpose": True, "vendor": True,
             "state": True, "created_at": True, "updated_at": True, "lead": True,
             "created_by": True, "vendor_account": False}
def _sentence(message: str) -> str:
    """A core message as the continuation of a located problem ("path : message")."""
    return message[:1].lower() + message[1:]


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
MEASURE_KEYS = {"origin": True, "criterion": True, "flag": True, "text": True, "owner": True,
                "owner_name": True, "due": True, "status": True, "done_on": True, "note": True,
                "source_key": True, "created_by": True, "created_at": True}
#: Where each of the core's measure problems is located in a measure of the document.
MEASURE_PATHS = {"text": "text", "target": "origin", "owner": "owner", "due": "due"}
AUDIT_KEYS = {"sequence": True, "actor": True, "actor_id": False, "actor_name": True,
              "at": True, "action": True, "item_id": True, "before": True, "after": True,
              "note": True, "previous_hash": True, "hash": True}


class _Validator:
    def __init__(self, reader: Reader, document: dict[str, Any], grid: Grid | None) -> None:
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
                    problem = (None if justification is None else
                               rules.justification_problem(item, value, justification))
                    if problem:
                        r.add((*path, "justification"), _sentence(problem))
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
                if extension and not content_matches(data[:2048], extension):
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
            problem = (rules.opinion_problem(verdict, recommendations)
                       if verdict in Verdict.values and recommendations is not None else None)
            if problem:
                r.add((*path, "recommendations"), _sentence(problem))
            out.append({"criterion": criterion, "verdict": verdict,
                        "recommendations": (recommendations or "").strip(),
                        "author": r.person(block, path, "author"),
                        "revision": r.integer(block, path, "revision", minimum=1),
                        "updated_at": r.moment(block, path, "updated_at")})
        return out

    def _day(self, block: dict[str, Any], path: PathT, key: str) -> dt.date | None:
        raw = self.r.text(block, path, key, nullable=True)
        if raw is None:
            return None
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            self.r.add((*path, key), f"« {raw} » n'est pas une date ISO 8601 (exemple : "
                                     "2027-03-01).")
            return None

    def measures(self) -> list[dict[str, Any]]:
        """The action plan: each measure checked by the core's rules (what it answers, its
        text, owner and due date, its status and done date)."""
        r, out = self.r, []
        keys: dict[str, int] = {}
        criteria = [c.number for c in self.grid.criteria] if self.grid is not None else []
        for index, raw in enumerate(r.array(self.doc, (), "measures")):
            path: PathT = ("measures", index)
            block = r.obj(raw, path, MEASURE_KEYS)
            if block is None:
                continue
            origin = r.text(block, path, "origin", required=True)
            criterion = r.integer(block, path, "criterion", minimum=1, maximum=_SMALL_MAX,
                                  nullable=True)
            flag = r.text(block, path, "flag", max_length=40) or ""
            text = r.text(block, path, "text", required=True)
            owner = r.person(block, path, "owner", nullable=True)
            owner_name = r.text(block, path, "owner_name", max_length=LIMITS["owner"]) or ""
            due = self._day(block, path, "due")
            status = r.text(block, path, "status", required=True)
            done_on = self._day(block, path, "done_on")
            note = r.text(block, path, "note") or ""
            source_key = r.text(block, path, "source_key", max_length=80) or ""
            created_at = r.moment(block, path, "created_at")
            if status is not None and status not in measure_rules.STATUSES:
                r.add((*path, "status"), f"statut « {status} » inconnu ; statuts admis : "
                                         f"{', '.join(measure_rules.STATUSES)}.")
                status = None
            if origin is not None and text is not None and created_at is not None and (
                    "due" not in block or block["due"] is None or due is not None):
                for name, message in measure_rules.measure_problems(
                        text=text, origin=origin, criterion=criterion, flag=flag,
                        criteria=criteria, has_owner_user=owner is not None,
                        owner_name="" if owner is not None else owner_name,
                        due=due, created_on=created_at.date()):
                    r.add((*path, MEASURE_PATHS[name]) if name != "target" or criterion is None
                          else path, _sentence(message))
            if status is not None and created_at is not None:
                for name, message in self._status_problems(status, done_on, note,
                                                           created_at.date()):
                    r.add((*path, name), _sentence(message))
            if source_key:
                if source_key in keys:
                    r.add((*path, "source_key"), f"mesure en double (même texte d'origine que "
                                                 f"measures[{keys[source_key]}]).")
                keys.setdefault(source_key, index)
            out.append({"origin": origin, "criterion": criterion, "flag": flag.strip(),
                        "text": (text or "").strip(), "owner": owner,
                        "owner_name": owner_name.strip(), "due": due, "status": status,
                        "done_on": done_on, "note": note.strip(), "source_key": source_key,
                        "created_by": r.person(block, path, "created_by"),
                        "created_at": created_at})
        return out

    @staticmethod
    def _status_problems(status: str, done_on: dt.date | None, note: str,
                         created_on: dt.date) -> list[tuple[str, str]]:
        """A measure's stored status: done with a date (not before its creation), given up
        with a reason, and no done date otherwise (the core's rules of a status change)."""
        problem = limits.text_problem("measure_note", note.strip())
        problems = [("note", problem)] if problem else []
        if status == "fait":
            if done_on is None:
                problems.append(("done_on", "Une mesure réalisée a une date de réalisation."))
            elif done_on < created_on:
                problems.append(("done_on", "La date de réalisation ne peut pas précéder la "
                                            "création de la mesure."))
        elif done_on is not None:
            problems.append(("done_on", "Seule une mesure réalisée a une date de réalisation."))
        if status == "abandonnee" and not note.strip():
            problems.append(("note", "Une mesure abandonnée dit pourquoi."))
        return problems

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


def _source_chain_verified(plan: Plan, document: dict[str, Any]) -> bool | None:
    """Does the document's audit trail verify as it did in the source database?
    ``None`` when the source identifiers needed to recompute the hashes are missing."""
    case_id = plan.source.get("case_id")
    if case_id is None or any("actor_id" not in e for e in document["audit"]):
        return None
    return chain_intact(
        AuditEvent(case_id=case_id, sequence=e["sequence"], actor_id=e["actor_id"],
                   actor_name=e["actor_name"], at=e["at"], action=e["action"],
                   item_id=e["item_id"], before=e["before"], after=e["after"], note=e["note"],
                   previous_hash=e["previous_hash"], hash=e["hash"])
        for e in plan.audit)


def validate_document(document: Any, *, source: str | None = None) -> Plan:
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
    reader = Reader()
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
    plan = Plan(grid=grid, case=checker.case(), answers=checker.answers(),
                 assignments=checker.assignments(), comments=checker.comments(),
                 evidence=checker.evidence(), opinions=checker.opinions(),
                 measures=checker.measures(), audit=checker.audit(), source=checker.source(),
                 exported_at=reader.moment(document, (), "exported_at"))
    if reader.problems:
        raise InvalidDocument(reader.problems, source=source)
    plan.source_verified = _source_chain_verified(plan, document)
    return plan
