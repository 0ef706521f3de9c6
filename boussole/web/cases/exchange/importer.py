"""Importing a ``boussole-case/1`` document: validated whole first, then written in one
transaction (the import rules are in the package's documentation)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from boussole.core import cases as rules
from boussole.core import workflow
from boussole.core.errors import InvalidDocument, Problem
from boussole.web.accounts.models import Organisation, User
from boussole.web.cases.audit import audit_record, audit_verify, chain
from boussole.web.cases.counters import refresh_counters
from boussole.web.cases.exchange.export import FORMAT, iso_utc
from boussole.web.cases.exchange.reader import Person
from boussole.web.cases.exchange.validation import Plan, validate_document
from boussole.web.cases.legal import fact_names, legal_refresh, red_line_standing
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


def _free_reference(organisation: Organisation, wanted: str) -> str:
    taken = set(Case.objects.filter(organisation=organisation)
                .values_list("reference", flat=True))
    return rules.next_reference(timezone.localdate().year, taken, wanted)


def _usernames(plan: Plan) -> set[str]:
    people: list[Person | None] = [plan.case["lead"], plan.case["created_by"],
                                   plan.case["vendor_account"]]
    people += [a["answered_by"] for a in plan.answers]
    people += [p for a in plan.assignments for p in (a["user"], a["assigned_by"])]
    people += [p for c in plan.comments for p in (c["author"], c["resolved_by"])]
    people += [e["uploaded_by"] for e in plan.evidence]
    people += [o["author"] for o in plan.opinions]
    people += [p for m in plan.measures for p in (m["owner"], m["created_by"])]
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


def _write(plan: Plan, organisation: Organisation, importer: User, source: str | None,
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
    refresh_counters(case.pk)  # bulk_create sends no signal

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

    _write_measures(case, plan.measures, people, who, unmatched)

    events = []
    for e in plan.audit:
        actor = people.get(e["actor"][0]) if e["actor"] else None
        if e["actor"] and actor is None:
            unmatched.setdefault(*e["actor"])
        events.append(AuditEvent(case=case, sequence=e["sequence"], actor=actor,
                                 actor_name=e["actor_name"], at=e["at"], action=e["action"],
                                 item_id=e["item_id"], before=e["before"], after=e["after"],
                                 note=e["note"]))
    chain(events)  # re-chained: the case and actor primary keys are new
    AuditEvent.objects.bulk_create(events, batch_size=500)

    audit_record(case=case, user=importer, action="case_imported",
                       after=_import_record(plan, case, source, unmatched, dropped),
                       note=_import_note(plan, case, importer, source, unmatched, dropped))
    # The same rules as the web (in the core): the state must be reachable, and the red lines
    # block every favourable path (no override). Any problem rolls the whole import back.
    # Derives and stores the legal levels from the imported facts.
    standing = red_line_standing(case, legal_refresh(case))
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
    if not audit_verify(case):  # pragma: no cover — an invariant of this module
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


def _write_measures(case: Case, planned: list[dict[str, Any]], people: dict[str, User],
                    who: Callable[[Person | None], User], unmatched: dict[str, str]
                    ) -> list[Measure]:
    """Create the action plan's measures. An owner absent from the organisation stays the
    owner by name (someone outside Boussole), never the importer."""
    rows = []
    for m in planned:
        owner = people.get(m["owner"][0]) if m["owner"] else None
        owner_name = m["owner_name"]
        if m["owner"] and owner is None:
            unmatched.setdefault(*m["owner"])
            owner_name = m["owner"][1]
        rows.append(Measure(case=case, origin=m["origin"], criterion=m["criterion"],
                            flag=m["flag"], text=m["text"], owner=owner,
                            owner_name="" if owner else owner_name, due=m["due"],
                            status=m["status"], done_on=m["done_on"], note=m["note"],
                            source_key=m["source_key"], created_by=who(m["created_by"])))
    created = Measure.objects.bulk_create(rows)
    _restore(Measure, created, [m["created_at"] for m in planned], "created_at")
    return created


def _import_record(plan: Plan, case: Case, source: str | None, unmatched: dict[str, str],
                   dropped: list[dict[str, Any]]) -> dict[str, Any]:
    last_hash = plan.audit[-1]["hash"] if plan.audit else None
    return {
        "format": FORMAT, "document": source or "",
        "source": {"organisation": plan.source.get("organisation"),
                   "case_id": plan.source.get("case_id"),
                   "reference": plan.case["reference"],
                   "exported_at": iso_utc(plan.exported_at)},
        "reference": case.reference,
        "source_audit": {"events": len(plan.audit), "last_hash": last_hash,
                         "verified": plan.source_verified},
        "unmatched_people": [{"username": u, "name": n} for u, n in sorted(unmatched.items())],
        "dropped_assignments": dropped,
    }


def _import_note(plan: Plan, case: Case, importer: User, source: str | None,
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
