"""The cases of the REST API: list, detail, export, answers, legal evaluation, footprint and
decisions. Every call checks the same abilities as the web: the case comes from
``case_get`` (another organisation's case does not exist: 404), internal records need
``require_internal`` (403 for the vendor), and writes go through the web's services."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Query, Router
from ninja.params.functions import Path

from boussole.core.grid import Fact, Question
from boussole.web.accounts.models import User
from boussole.web.api import schemas, selectors
from boussole.web.api.auth import TokenAuth, require_write, user_of
from boussole.web.cases import legal, services
from boussole.web.cases.access import case_abilities, require_internal
from boussole.web.cases.exchange import case_export
from boussole.web.cases.models import Answer, Case, State
from boussole.web.cases.selectors import case_get
from boussole.web.decisions.models import Decision, FileVersion, GroupOpinion, UnionInformation
from boussole.web.footprint.models import ComputedAnswer, FootprintInput
from boussole.web.grids import grid_for

router = Router(auth=TokenAuth(), tags=["Dossiers"])

P = schemas.Problem
READ_ERRORS: dict[int, Any] = {401: P, 404: P, 422: P}
INTERNAL_ERRORS: dict[int, Any] = {401: P, 403: P, 404: P, 422: P}


def _case_id() -> Any:
    return Path(..., ge=1, le=schemas.MAX_ID, description="Identifiant du dossier.")


def _summary(case: Case, user: User, *, internal: bool) -> dict[str, Any]:
    return {
        "id": case.pk, "reference": case.reference, "title": case.title,
        "service": case.service, "state": case.state,
        "state_label": str(State(case.state).label) if case.state in State.values
        else case.state,
        "legal_level": case.legal_level if internal else None,
        "legal_potential": case.legal_potential if internal else None,
        "red_line": case.red_line if internal else None,
        "lead": selectors.person(case.lead) if internal else None,
        "grid": case.grid_key, "created_at": case.created_at, "updated_at": case.updated_at,
    }


def _internal_in_list(case: Case, user: User) -> bool:
    """Whether the list may show the case's internal fields (not to the vendor), without a
    query: the vendor role never sees internal records."""
    return user.role != "prestataire" and case.organisation_id == user.organisation_id


@router.get("/cases", response={200: schemas.CasePage, **READ_ERRORS},
            summary="Lister les dossiers",
            description="Les dossiers que vous pouvez ouvrir (comme sur le web), les plus "
                        "récemment modifiés d'abord, filtrés et paginés.")
def list_cases(request: HttpRequest, filters: Query[schemas.CaseFilters]) -> Any:
    user = user_of(request)
    cases = selectors.cases_filtered(
        user, state=filters.state, legal_level=filters.legal_level, service=filters.service,
        referent=filters.referent, q=filters.q)
    total = cases.count()
    page = list(cases[filters.offset:filters.offset + filters.limit])
    return {"total": total, "limit": filters.limit, "offset": filters.offset,
            "items": [_summary(c, user, internal=_internal_in_list(c, user)) for c in page]}


@router.get("/cases/{case_id}", response={200: schemas.CaseDetail, **READ_ERRORS},
            summary="Lire un dossier")
def get_case(request: HttpRequest, case_id: int = _case_id()) -> Any:
    user = user_of(request)
    case = case_get(user, case_id)
    internal = case_abilities(user, case).internal
    return {**_summary(case, user, internal=internal), "purpose": case.purpose,
            "vendor": case.vendor if internal else None,
            "organisation": case.organisation.slug, "internal": internal}


@router.get("/cases/{case_id}/export", response={200: dict[str, Any], **INTERNAL_ERRORS},
            summary="Exporter un dossier (boussole-case/1)",
            description="Le dossier complet au format boussole-case/1 (celui de « boussole "
                        "case export »), les pièces décrites par leur empreinte SHA-256 sans "
                        "leur contenu. Réservé aux personnes de l'organisation.")
def export_case(request: HttpRequest, case_id: int = _case_id()) -> Any:
    user = user_of(request)
    case = case_get(user, case_id)
    require_internal(user, case)
    return case_export(case, with_content=False)


def _item_of(case: Case, item_id: str) -> tuple[Question | Fact | None, bool]:
    """(the grid item, whether it is a vendor-facing question); None for an item the case's
    grid no longer has."""
    grid = grid_for(case.grid_id, case.grid_version)
    if grid.has_question(item_id):
        question = grid.question(item_id)
        return question, bool(question.vendor)
    if grid.has_fact(item_id):
        return grid.fact(item_id), False
    return None, False


def _answer_out(answer: Answer, item: Question | Fact | None) -> dict[str, Any]:
    if isinstance(item, Question):
        label = f"Q{item.number}"
    elif isinstance(item, Fact):
        label = item.display_number or ""
    else:
        label = ""
    return {"item_id": answer.item_id, "kind": answer.kind, "label": label,
            "value": answer.value, "justification": answer.justification,
            "revision": answer.revision, "grid_version": answer.grid_version,
            "answered_by": selectors.person(answer.answered_by),
            "updated_at": answer.updated_at}


@router.get("/cases/{case_id}/answers", response={200: list[schemas.AnswerOut], **READ_ERRORS},
            summary="Lire les réponses d'un dossier",
            description="Les réponses enregistrées, dans l'ordre de la grille. Le prestataire "
                        "ne voit que ses propres réponses aux questions qui lui sont "
                        "adressées.")
def list_answers(request: HttpRequest, case_id: int = _case_id()) -> Any:
    user = user_of(request)
    case = case_get(user, case_id)
    abilities = case_abilities(user, case)
    grid = grid_for(case.grid_id, case.grid_version)
    order = {item_id: rank for rank, item_id in enumerate(
        [f.id for f in grid.profile] + [q.id for q in grid.questions])}
    rows = []
    for answer in sorted(selectors.answers_of(case),
                         key=lambda a: (order.get(a.item_id, len(order)), a.item_id)):
        item, vendor_item = _item_of(case, answer.item_id)
        if not abilities.sees_item(vendor_item=vendor_item):
            continue
        if not abilities.sees_answer(answered_by_viewer=answer.answered_by_id == user.pk):
            continue
        rows.append(_answer_out(answer, item))
    return rows


@router.put("/cases/{case_id}/answers/{item_id}",
            response={200: schemas.AnswerOut, 400: P, 401: P, 403: P, 404: P, 409: P, 422: P},
            summary="Enregistrer une réponse",
            description="Même validation, mêmes droits et même journal que le formulaire du "
                        "web. expected_revision est la révision lue : si quelqu'un a modifié "
                        "la réponse depuis, rien n'est écrit et la réponse est 409 (avec la "
                        "révision actuelle). Nécessite un jeton en lecture et écriture.")
def put_answer(request: HttpRequest, payload: schemas.AnswerIn, case_id: int = _case_id(),
               item_id: str = Path(..., max_length=80,
                                   description="Identifiant de la question ou du fait.")
               ) -> Any:
    user = user_of(request)
    case = case_get(user, case_id)
    require_write(request)
    item, vendor_item = _item_of(case, item_id)
    if item is None:
        raise Http404
    if not case_abilities(user, case).sees_item(vendor_item=vendor_item):
        raise PermissionDenied("Cette question n'est pas ouverte au prestataire.")
    answer = services.answer_record(
        case=case, user=user, item_id=item.id, value=payload.value,
        justification=payload.justification, expected_revision=payload.expected_revision)
    answer = Answer.objects.select_related("answered_by").get(pk=answer.pk)
    return _answer_out(answer, item)


@router.get("/cases/{case_id}/legal", response={200: schemas.LegalOut, **INTERNAL_ERRORS},
            summary="Évaluation juridique d'un dossier",
            description="Les règles juridiques appliquées au profil du dossier (lecture : "
                        "rien n'est enregistré) et le niveau retenu par les juristes.")
def get_legal(request: HttpRequest, case_id: int = _case_id()) -> Any:
    user = user_of(request)
    case = case_get(user, case_id)
    require_internal(user, case)
    evaluation = legal.case_evaluation(case)
    assessment = legal.current_assessment(case)
    retained = None
    if assessment is not None:
        retained = {"retained_level": assessment.retained_level,
                    "proposed_level": assessment.proposed_level,
                    "rationale": assessment.rationale, "measures": assessment.measures,
                    "decided_by": str(assessment.decided_by),
                    "decided_at": assessment.decided_at,
                    "rules_version": assessment.rules_version}
    return {"evaluation": evaluation.to_json(), "retained": retained,
            "red_line": bool(case.red_line)}


@router.get("/cases/{case_id}/footprint", response={200: schemas.FootprintOut,
                                                    **INTERNAL_ERRORS},
            summary="Empreinte environnementale d'un dossier (critère 5)")
def get_footprint(request: HttpRequest, case_id: int = _case_id()) -> Any:
    user = user_of(request)
    case = case_get(user, case_id)
    require_internal(user, case)
    footprint = FootprintInput.objects.filter(case=case).first()
    computed = [{"question_id": row.question_id, "computed_value": row.computed_value,
                 "retained_value": row.retained_value, "justification": row.justification}
                for row in ComputedAnswer.objects.filter(case=case).order_by("question_id")]
    if footprint is None:
        return {"has_footprint": False, "revision": None, "validation": "none",
                "computed_at": None, "per_year_kg_co2e": None, "result": None,
                "computed_answers": computed}
    result = footprint.result or {}
    per_year = (result.get("per_year") or {}).get("kg_co2e")
    return {"has_footprint": True, "revision": footprint.revision,
            "validation": footprint.validation, "computed_at": footprint.computed_at,
            "per_year_kg_co2e": float(per_year) if per_year is not None else None,
            "result": result, "computed_answers": computed}


@router.get("/cases/{case_id}/decisions", response={200: schemas.DecisionsOut,
                                                    **INTERNAL_ERRORS},
            summary="Avis du groupe, versions figées et décisions des élu·es")
def get_decisions(request: HttpRequest, case_id: int = _case_id()) -> Any:
    user = user_of(request)
    case = case_get(user, case_id)
    require_internal(user, case)
    opinion = GroupOpinion.objects.filter(case=case).select_related("author").first()
    decisions: dict[int, list[dict[str, Any]]] = {}
    for decision in Decision.objects.filter(case=case).select_related("official"):
        decisions.setdefault(decision.version_id, []).append({
            "delegation": decision.delegation, "official": str(decision.official),
            "decision": decision.decision, "conditions": decision.conditions,
            "decided_on": decision.decided_on, "reference": decision.reference})
    versions = [{"number": v.number, "frozen_at": v.frozen_at, "frozen_by": str(v.frozen_by),
                 "sha256": v.sha256, "decisions": decisions.get(v.pk, [])}
                for v in FileVersion.objects.filter(case=case).select_related("frozen_by")
                .defer("snapshot").order_by("-number")]
    union = [{"held_on": u.held_on, "body": u.body, "documents": u.documents,
              "questions": u.questions, "answers": u.answers}
             for u in UnionInformation.objects.filter(case=case)]
    return {"state": case.state,
            "group_opinion": None if opinion is None else {
                "verdict": opinion.verdict, "summary": opinion.summary,
                "recommendations": opinion.recommendations,
                "conditions": opinion.condition_list, "author": str(opinion.author),
                "updated_at": opinion.updated_at},
            "versions": versions, "union_information": union}
