"""Writes of the consultations: every change lands in the case's audit trail, bidders' actions
too (they have no account: the event names the bidder in its note).

The rules (who, states, link validity) are in :mod:`boussole.core.procurement.consultation`;
the annex reader, the maturity assessment and the supplier dossier in the other modules of
:mod:`boussole.core.procurement`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from boussole.core import limits
from boussole.core.errors import Forbidden, Refusal
from boussole.core.evidence import content_matches
from boussole.core.grid import AnswerInvalid, Grid, Question, validate_value
from boussole.core.procurement import consultation as rules
from boussole.core.procurement import dossier
from boussole.core.procurement import maturity as maturity_rules
from boussole.core.procurement.annex import AnnexAnswer, read_annex
from boussole.core.procurement.pack import vendor_questions
from boussole.core.workflow import CLOSED_STATES, FROZEN_STATES
from boussole.web.accounts.models import User
from boussole.web.cases.access import ensure_allowed, is_lead
from boussole.web.cases.audit import audit_record
from boussole.web.cases.models import Answer, Case
from boussole.web.grids import grid_for
from boussole.web.procurement.models import (
    AnswerSource,
    Bidder,
    BidderAnswer,
    Consultation,
    ConsultationState,
    Maturity,
)

#: Largest document a bidder may attach to one answer (megabytes).
DOCUMENT_MAX_MB = 10


def case_grid(case: Case) -> Grid:
    return grid_for(case.grid_id, case.grid_version)


def vendor_map(grid: Grid) -> dict[str, Question]:
    """The vendor-facing questions of ``grid`` by id, in the grid's order."""
    return {v.id: grid.question(v.id) for v in vendor_questions(grid)}


# --- Permissions --------------------------------------------------------------------------------

def may_run(user: User, case: Case) -> bool:
    return (user.is_authenticated and user.organisation_id == case.organisation_id
            and rules.may_run(role=user.role, domain=user.domain, is_lead=is_lead(user, case)))


def may_view(user: User, case: Case) -> bool:
    return (user.is_authenticated and user.organisation_id == case.organisation_id
            and rules.may_view(role=user.role, is_lead=is_lead(user, case)))


def may_assess(user: User, case: Case) -> bool:
    return (user.is_authenticated and user.organisation_id == case.organisation_id
            and rules.may_assess(role=user.role, domain=user.domain,
                                 is_lead=is_lead(user, case)))


def _require_run(user: User, case: Case) -> None:
    if not may_run(user, case):
        raise Forbidden("Seuls le pilote du projet numérique, l'administrateur et le chef de "
                        "projet du dossier conduisent une consultation.")


def _require_open(consultation: Consultation) -> None:
    problem = rules.receive_problem(consultation.state)
    if problem:
        raise Refusal(problem)


# --- Consultations ------------------------------------------------------------------------------

@transaction.atomic
def consultation_create(*, case: Case, user: User, title: str, reference: str = "",
                        deadline: dt.date | None = None) -> Consultation:
    _require_run(user, case)
    title, reference = title.strip(), reference.strip()
    if not title:
        raise Refusal("Indiquez l'objet de la consultation.", field="title")
    if len(title) > rules.TITLE_MAX:
        raise Refusal(f"{rules.TITLE_MAX} caractères au plus.", field="title")
    if len(reference) > rules.REFERENCE_MAX:
        raise Refusal(f"{rules.REFERENCE_MAX} caractères au plus.", field="reference")
    consultation = Consultation.objects.create(case=case, title=title, reference=reference,
                                               deadline=deadline, created_by=user)
    audit_record(case=case, user=user, action="procurement_opened",
                 item_id=f"consultation:{consultation.pk}",
                 after={"title": title, "reference": reference,
                        "deadline": deadline.isoformat() if deadline else None})
    return consultation


@transaction.atomic
def consultation_close(*, consultation: Consultation, user: User) -> Consultation:
    _require_run(user, consultation.case)
    problem = rules.close_problem(consultation.state)
    if problem:
        raise Refusal(problem)
    consultation.state = ConsultationState.CLOSED
    consultation.save(update_fields=["state"])
    audit_record(case=consultation.case, user=user, action="procurement_closed",
                 item_id=f"consultation:{consultation.pk}")
    return consultation


# --- Bidders and their links ------------------------------------------------------------------

def _bidder_item(bidder: Bidder) -> str:
    return f"soumissionnaire:{bidder.pk}"


@transaction.atomic
def bidder_add(*, consultation: Consultation, user: User, name: str, email: str = "") -> Bidder:
    _require_run(user, consultation.case)
    _require_open(consultation)
    name, email = name.strip(), email.strip()
    if not name:
        raise Refusal("Indiquez le nom du soumissionnaire.", field="name")
    if len(name) > rules.NAME_MAX:
        raise Refusal(f"{rules.NAME_MAX} caractères au plus.", field="name")
    if consultation.bidders.filter(name__iexact=name).exists():
        raise Refusal("Un soumissionnaire porte déjà ce nom dans cette consultation.",
                      field="name")
    bidder = Bidder.objects.create(consultation=consultation, name=name, email=email)
    audit_record(case=consultation.case, user=user, action="procurement_bidder_added",
                 item_id=_bidder_item(bidder), after={"name": name, "email": email})
    return bidder


@transaction.atomic
def link_issue(*, bidder: Bidder, user: User, days: int | None = None) -> str:
    """Issue (or reissue) the bidder's personal link; return its token, shown once. A reissued
    link replaces the previous one, which stops working."""
    consultation = bidder.consultation
    _require_run(user, consultation.case)
    _require_open(consultation)
    if days is not None:
        problem = rules.days_problem(days)
        if problem:
            raise Refusal(problem, field="days")
    now = timezone.now()
    token = rules.new_token()
    bidder.token_hash = rules.token_hash(token)
    bidder.link_issued_at = now
    bidder.expires_at = rules.link_expiry(now, consultation.deadline, days)
    bidder.revoked_at = None
    bidder.save(update_fields=["token_hash", "link_issued_at", "expires_at", "revoked_at"])
    audit_record(case=consultation.case, user=user, action="procurement_link_issued",
                 item_id=_bidder_item(bidder), note=bidder.name,
                 after={"expires_at": bidder.expires_at.isoformat()})
    return token


@transaction.atomic
def link_revoke(*, bidder: Bidder, user: User) -> Bidder:
    _require_run(user, bidder.consultation.case)
    if bidder.token_hash and bidder.revoked_at is None:
        bidder.revoked_at = timezone.now()
        bidder.save(update_fields=["revoked_at"])
        audit_record(case=bidder.consultation.case, user=user,
                     action="procurement_link_revoked", item_id=_bidder_item(bidder),
                     note=bidder.name)
    return bidder


@transaction.atomic
def link_extend(*, bidder: Bidder, user: User, days: int) -> Bidder:
    """Push the link's expiry ``days`` days from now (a revoked link is not revived)."""
    _require_run(user, bidder.consultation.case)
    _require_open(bidder.consultation)
    problem = rules.days_problem(days)
    if problem:
        raise Refusal(problem, field="days")
    if not bidder.token_hash or bidder.revoked_at is not None:
        raise Refusal("Ce lien est révoqué ou n'a pas été émis : émettez un nouveau lien.")
    before = bidder.expires_at.isoformat() if bidder.expires_at else None
    bidder.expires_at = timezone.now() + dt.timedelta(days=days)
    bidder.save(update_fields=["expires_at"])
    audit_record(case=bidder.consultation.case, user=user, action="procurement_link_extended",
                 item_id=_bidder_item(bidder), note=bidder.name, before=before,
                 after=bidder.expires_at.isoformat())
    return bidder


def bidder_for_token(token: str) -> Bidder | None:
    """The bidder whose valid link carries ``token`` (None if unknown, expired or revoked)."""
    if not token or len(token) > 128:
        return None
    bidder = (Bidder.objects.select_related("consultation", "consultation__case")
              .filter(token_hash=rules.token_hash(token)).first())
    if bidder is None or not rules.link_valid(expires_at=bidder.expires_at,
                                              revoked_at=bidder.revoked_at, now=timezone.now()):
        return None
    return bidder


def bidder_may_edit(bidder: Bidder) -> bool:
    return rules.bidder_may_edit(state=bidder.consultation.state,
                                 submitted=bidder.submitted_at is not None)


# --- Answers ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RawAnswer:
    """One answer as given: ``value`` None when the question is left unanswered."""

    value: Any
    justification: str = ""
    document: Any = None  # an uploaded file (web) or a document name (annex)


def _clean(question: Question, raw: RawAnswer) -> tuple[Any, str]:
    empty = raw.value is None or raw.value == "" or raw.value == []
    value = None if empty else validate_value(question, raw.value)  # AnswerInvalid (French)
    justification = (raw.justification or "").strip()
    problem = limits.text_problem("justification", justification)
    if problem:
        raise AnswerInvalid(problem)
    return value, justification


def _check_document(upload: Any) -> str:
    from django.conf import settings

    name = str(upload.name or "fichier")
    extension = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    allowed = settings.BOUSSOLE_EVIDENCE_TYPES
    if extension not in allowed:
        raise AnswerInvalid(f"Type de fichier non accepté ({extension or 'sans extension'}). "
                            "Types acceptés : " + ", ".join(sorted(allowed)) + ".")
    if upload.size > DOCUMENT_MAX_MB * 1024 * 1024:
        raise AnswerInvalid(f"Le fichier dépasse la taille maximale de {DOCUMENT_MAX_MB} Mo.")
    if upload.size == 0:
        raise AnswerInvalid("Le fichier est vide.")
    head = bytes(next(iter(upload.chunks()), b"")[:2048])
    upload.seek(0)
    if not content_matches(head, extension):
        raise AnswerInvalid("Le contenu du fichier ne correspond pas à son extension.")
    return extension


def _store(bidder: Bidder, grid: Grid, question: Question, value: Any, justification: str,
           source: str, document: Any = None, document_name: str = "") -> BidderAnswer | None:
    """Write one answer (None when it is empty: an existing one is removed)."""
    current = BidderAnswer.objects.filter(bidder=bidder, question_id=question.id).first()
    has_document = document is not None or bool(document_name) or bool(
        current and (current.document or current.document_name) and source == AnswerSource.WEB)
    if value is None and not justification and not has_document:
        if current is not None:
            current.delete()
        return None
    answer = current or BidderAnswer(bidder=bidder, question_id=question.id)
    answer.grid_id, answer.grid_version = grid.id, grid.version
    answer.value, answer.justification, answer.source = value, justification, source
    if document is not None:
        digest = hashlib.sha256()
        for chunk in document.chunks():
            digest.update(chunk)
        document.seek(0)
        extension = "." + str(document.name).rsplit(".", 1)[-1].lower()
        answer.document.save(f"{digest.hexdigest()[:16]}{extension}", document, save=False)
        answer.document_name = str(document.name)[:255]
    elif document_name:
        answer.document_name = document_name[:255]
    answer.maturity = maturity_rules.assess(question, value, justification,
                                            answer.document_name)
    answer.save()
    return answer


def answers_save(*, bidder: Bidder, raw: Mapping[str, RawAnswer]
                 ) -> tuple[int, dict[str, str]]:
    """Save a bidder's draft answers given on the web (question id → raw answer). All or
    nothing: if one answer or document is refused, nothing is saved and the problems are
    returned by question id. Returns (number of answers saved, problems)."""
    if not bidder_may_edit(bidder):
        raise Refusal("Vos réponses ont été envoyées ou la consultation est close : elles ne "
                      "peuvent plus être modifiées.")
    case = bidder.consultation.case
    grid = case_grid(case)
    questions = vendor_map(grid)
    problems: dict[str, str] = {}
    cleaned: dict[str, tuple[Any, str, Any]] = {}
    for question_id, answer in raw.items():
        question = questions.get(question_id)
        if question is None:
            problems[question_id] = "Cette question n'est pas posée aux soumissionnaires."
            continue
        try:
            value, justification = _clean(question, answer)
            if answer.document is not None:
                _check_document(answer.document)
        except AnswerInvalid as error:
            problems[question_id] = str(error)
            continue
        cleaned[question_id] = (value, justification, answer.document)
    if problems:
        return 0, problems
    saved = 0
    with transaction.atomic():
        changed: list[str] = []
        for question_id, (value, justification, document) in cleaned.items():
            current = BidderAnswer.objects.filter(bidder=bidder, question_id=question_id).first()
            if (current is not None and document is None and current.value == value
                    and current.justification == justification):
                continue
            if current is None and value is None and not justification and document is None:
                continue
            _store(bidder, grid, questions[question_id], value, justification,
                   AnswerSource.WEB, document=document)
            changed.append(question_id)
            saved += 1
        if changed:
            audit_record(case=case, user=None, action="procurement_bid_saved",
                         item_id=_bidder_item(bidder), note=bidder.name,
                         after={"questions": changed})
    return saved, {}


@transaction.atomic
def bid_submit(*, bidder: Bidder) -> Bidder:
    """The bidder sends its answers: from now on they are read-only."""
    if not bidder_may_edit(bidder):
        raise Refusal("Vos réponses ont déjà été envoyées ou la consultation est close.")
    if not bidder.answers.exists():
        raise Refusal("Répondez à au moins une question avant d'envoyer vos réponses.")
    bidder.submitted_at = timezone.now()
    bidder.save(update_fields=["submitted_at"])
    audit_record(case=bidder.consultation.case, user=None, action="procurement_bid_submitted",
                 item_id=_bidder_item(bidder), note=bidder.name,
                 after={"answers": bidder.answers.count()})
    return bidder


def _replace_answers(bidder: Bidder, grid: Grid, answers: Mapping[str, Any], source: str
                     ) -> int:
    """Replace all of a bidder's answers by ``answers`` (question id → object with ``value``,
    ``justification``, ``document`` (a name)), validated first: AnswerInvalid on the first
    problem, naming the question."""
    questions = vendor_map(grid)
    cleaned: list[tuple[Question, Any, str, str]] = []
    for question_id, given in answers.items():
        question = questions.get(question_id)
        if question is None:
            raise AnswerInvalid(f"Question {question_id} : elle n'est pas posée aux "
                                "soumissionnaires dans la grille du dossier.")
        try:
            value, justification = _clean(question, RawAnswer(
                getattr(given, "value", None), getattr(given, "justification", "") or ""))
        except AnswerInvalid as error:
            raise AnswerInvalid(f"Question {question.number} : {error}") from None
        cleaned.append((question, value, justification,
                        str(getattr(given, "document", "") or "")))
    BidderAnswer.objects.filter(bidder=bidder).delete()
    stored = 0
    for question, value, justification, document_name in cleaned:
        if _store(bidder, grid, question, value, justification, source,
                  document_name=document_name) is not None:
            stored += 1
    return stored


def _import_answers(*, consultation: Consultation, user: User, bidder_name: str,
                    answers: Mapping[str, Any], source: str, filename: str, action: str,
                    trail: dict[str, Any]) -> Bidder:
    """Store ``answers`` read from an imported file as those of the bidder named
    ``bidder_name`` (created if needed), mark them submitted and audit ``action`` with
    ``trail``. Refused whole (Refusal, French, naming the file and the question): nothing is
    kept, not even a bidder created here; a bidder who has submitted by their link keeps their
    answers."""
    case = consultation.case
    with transaction.atomic():
        bidder = consultation.bidders.filter(name__iexact=bidder_name.strip()).first()
        if bidder is None:
            bidder = bidder_add(consultation=consultation, user=user, name=bidder_name)
        elif bidder.submitted_at is not None:
            raise Refusal("Ce soumissionnaire a déjà envoyé ses réponses : elles ne sont pas "
                          "remplacées.")
        try:
            count = _replace_answers(bidder, case_grid(case), answers, source)
        except AnswerInvalid as error:
            transaction.set_rollback(True)
            raise Refusal(f"{filename} : {error}") from None
        bidder.submitted_at = timezone.now()
        bidder.save(update_fields=["submitted_at"])
        audit_record(case=case, user=user, action=action, item_id=_bidder_item(bidder),
                     note=bidder.name, after={"file": filename, "answers": count, **trail})
    return bidder


def annex_import(*, consultation: Consultation, user: User, bidder_name: str, data: bytes,
                 filename: str) -> Bidder:
    """Import a filled tender annex as the answers of the bidder named ``bidder_name`` (created
    if needed). Refused whole (InvalidDocument or Refusal, French, saying where): nothing is
    kept, not even the bidder."""
    _require_run(user, consultation.case)
    _require_open(consultation)
    answers = read_annex(data, filename, case_grid(consultation.case))  # InvalidDocument
    return _import_answers(consultation=consultation, user=user, bidder_name=bidder_name,
                           answers=answers, source=AnswerSource.IMPORT, filename=filename,
                           action="procurement_annex_imported",
                           trail={"sha256": hashlib.sha256(data).hexdigest()})


# --- Maturity ------------------------------------------------------------------------------------

@transaction.atomic
def maturity_override(*, answer: BidderAnswer, user: User, maturity: str, reason: str
                      ) -> BidderAnswer:
    case = answer.bidder.consultation.case
    if not may_assess(user, case):
        raise Forbidden("Seuls les référents du groupe et la conduite de la consultation "
                        "modifient la maturité d'une réponse.")
    problem = rules.override_problem(maturity, reason, {code: code for code in Maturity.values})
    if problem:
        raise Refusal(problem, field="reason" if maturity in Maturity.values else "maturity")
    before = answer.effective_maturity
    answer.maturity_override = "" if maturity == answer.maturity else maturity
    answer.override_reason = reason.strip()
    answer.override_by = user
    answer.override_at = timezone.now()
    answer.save(update_fields=["maturity_override", "override_reason", "override_by",
                               "override_at", "updated_at"])
    audit_record(case=case, user=user, action="procurement_maturity_changed",
                 item_id=answer.question_id, note=f"{answer.bidder.name} — {reason.strip()}",
                 before=maturity_rules.LABELS[before], after=maturity_rules.LABELS[maturity])
    return answer


# --- Award ---------------------------------------------------------------------------------------

@transaction.atomic
def award(*, consultation: Consultation, user: User, bidder: Bidder) -> tuple[int, int]:
    """Retain ``bidder``: its answers are copied into the case as provisional answers marked
    with their source; answers the case already has are kept (not overwritten). The other
    bidders' answers stay in the consultation, read-only. Returns (copied, kept)."""
    case = consultation.case
    _require_run(user, case)
    if bidder.consultation_id != consultation.pk:
        raise Refusal("Ce soumissionnaire ne répond pas à cette consultation.")
    problem = rules.award_problem(consultation.state,
                                  bidder_has_answers=bidder.answers.exists())
    if problem:
        raise Refusal(problem)
    if case.state in FROZEN_STATES or case.state in CLOSED_STATES:
        raise Refusal("Le dossier est figé à cette étape : rouvrez l'instruction pour y "
                      "reporter les réponses du prestataire.")
    grid = case_grid(case)
    source = f"{rules.PROVISIONAL_SOURCE} ({bidder.name})"[:200]
    existing = set(Answer.objects.filter(case=case).values_list("item_id", flat=True))
    copied, kept = 0, 0
    for answer in bidder.answers.order_by("id"):
        if answer.value is None or not grid.has_question(answer.question_id):
            continue
        if answer.question_id in existing:
            kept += 1
            continue
        try:
            value = validate_value(grid.question(answer.question_id), answer.value)
        except AnswerInvalid:
            continue
        Answer.objects.create(case=case, kind=Answer.Kind.QUESTION, item_id=answer.question_id,
                              value=value, justification=answer.justification,
                              grid_version=case.grid_version, answered_by=user,
                              provisional_source=source)
        audit_record(case=case, user=user, action="answer_recorded",
                     item_id=answer.question_id, before=None,
                     after={"value": value, "justification": answer.justification},
                     note=source)
        copied += 1
    consultation.state = ConsultationState.AWARDED
    consultation.awarded_bidder = bidder
    consultation.awarded_at = timezone.now()
    consultation.save(update_fields=["state", "awarded_bidder", "awarded_at"])
    audit_record(case=case, user=user, action="procurement_awarded",
                 item_id=f"consultation:{consultation.pk}", note=bidder.name,
                 after={"bidder": bidder.name, "copied": copied, "kept": kept})
    return copied, kept


@transaction.atomic
def provisional_confirm(*, case: Case, user: User, item_id: str) -> Answer:
    """A referent confirms one provisional answer (the one who may answer the question)."""
    answer = Answer.objects.select_for_update().filter(case=case, item_id=item_id).first()
    if answer is None or not answer.provisional_source:
        raise Refusal("Cette réponse n'est pas à confirmer.")
    grid = case_grid(case)
    ensure_allowed(user, case, "answer", item=grid.item(item_id))
    source = answer.provisional_source
    answer.provisional_source = ""
    answer.answered_by = user
    answer.revision += 1
    answer.save(update_fields=["provisional_source", "answered_by", "revision", "updated_at"])
    audit_record(case=case, user=user, action="answer_confirmed", item_id=item_id,
                 before={"source": source}, after={"value": answer.value})
    return answer


# --- Supplier dossier (reuse of a vendor's answers) ------------------------------------------

def dossier_export(*, bidder: Bidder, user: User) -> dict[str, Any]:
    """The bidder's answers as a « dossier fournisseur » (JSON-ready), with the grid version
    they were given against (a read: nothing is written)."""
    consultation = bidder.consultation
    case = consultation.case
    if not may_view(user, case):
        raise Forbidden("Les consultations sont réservées au groupe du dossier.")
    grid = case_grid(case)
    vendor_ids = vendor_map(grid)
    answers = {a.question_id: AnnexAnswer(a.value, a.justification, a.document_name)
               for a in bidder.answers.all() if a.question_id in vendor_ids}
    return dossier.build(grid, vendor=bidder.name, product=consultation.title,
                         answers=answers, exported_at=timezone.now(),
                         organisation=case.organisation.name)


def dossier_import(*, consultation: Consultation, user: User, bidder_name: str, data: bytes,
                   filename: str) -> tuple[Bidder, Any]:
    """Import a « dossier fournisseur » as the answers of the bidder named ``bidder_name``
    (created if needed), carried over to the case's grid; return the bidder and what changed
    (:class:`boussole.core.procurement.dossier.DossierDiff`). Refused whole, nothing kept."""
    _require_run(user, consultation.case)
    _require_open(consultation)
    answers, diff = dossier.read(data, case_grid(consultation.case), grid_for,
                                 source=filename)  # InvalidDocument: nothing written yet
    bidder = _import_answers(
        consultation=consultation, user=user, bidder_name=bidder_name, answers=answers,
        source=AnswerSource.DOSSIER, filename=filename, action="procurement_dossier_imported",
        trail={"source": diff.source_key, "changed": diff.changed, "removed": diff.removed,
               "invalid": diff.invalid})
    return bidder, diff
