"""The decision memo ("note d'aide à la décision") of a frozen version, in three formats.

The memo is built only from the frozen snapshot, so it says exactly what the elected officials
decided on. Before the file is frozen, a preview is built the same way from the document that
freezing would record (:func:`boussole.web.decisions.services.file_document`), without writing
anything, and every page says « Projet — version non figée ». Rendering is done by
:mod:`boussole.reports` (no Django there)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from boussole import reports
from boussole.core import measures as measure_rules
from boussole.core import workflow
from boussole.core.completeness import FACT, criteria_completeness, split_answers
from boussole.core.grid import Fact, Question, is_applicable
from boussole.web.cases.exchange.export import CASE_PEOPLE
from boussole.web.cases.models import Case, Measure
from boussole.web.cases.templatetags.boussole import answer_text
from boussole.web.decisions.models import Decision, FileVersion, UnionInformation
from boussole.web.decisions.services import file_document, footprint_related
from boussole.web.decisions.state import CASE_RELATED
from boussole.web.grids import grid_for

FORMATS = {
    "pdf": "application/pdf",
    "odt": "application/vnd.oasis.opendocument.text",
    "html": "text/html; charset=utf-8",
}
VERDICTS = {"favorable": "Favorable", "favorable_reserves": "Favorable avec réserves",
            "defavorable": "Défavorable"}
DECISIONS = {"valide": "Validé", "valide_sous_conditions": "Validé sous conditions",
             "ajourne": "Ajourné", "refuse": "Refusé"}
DELEGATIONS = {"numerique": "Élu·e au numérique", "rh": "Élu·e aux ressources humaines",
               "thematique": "Vice-président·e de la thématique du projet"}
DISCLAIMER = ("Outil d'aide à l'instruction : il ne décide pas. Les conclusions relèvent du "
              "groupe projet, de la Mission protection des données et, in fine, des élus.")
KEY_ANSWERS = 4


def _answer_text(item: Question | Fact, value: Any) -> str:
    return str(answer_text(item, value))


def memo_data(version: FileVersion) -> dict[str, Any]:
    """The renderers' input document (see boussole.reports) from a frozen snapshot."""
    return _memo_data(
        version.case, version.snapshot,
        version={"number": version.number,
                 "frozen_at": timezone.localtime(version.frozen_at).isoformat(),
                 "frozen_by": str(version.frozen_by)},
        decisions=Decision.objects.filter(version=version).select_related("official"))


def preview_available(case: Case) -> bool:
    """Whether the case is not yet frozen, so that its memo can only be previewed."""
    return workflow.memo_preview_available(case.state)


#: The sections of the case's export that the memo reads (:func:`_memo_data`).
MEMO_SECTIONS = ("answers", "opinions")


def preview_related() -> tuple[str, ...]:
    """The case's relations the preview reads, to be read with the case
    (``case_get(..., related=...)``): the people of the file document, the group opinion and
    the footprint's one-to-one records."""
    return (*CASE_PEOPLE, *CASE_RELATED, *footprint_related())


def preview_data(case: Case) -> dict[str, Any]:
    """The memo of the case as it stands (not frozen): the document ``freeze`` would record
    (only the sections of the export the memo reads), with the same JSON round trip, marked as
    a draft. Reads only."""
    snap = json.loads(json.dumps(file_document(case, sections=MEMO_SECTIONS), sort_keys=True,
                                 ensure_ascii=False, default=str))
    data = _memo_data(case, snap, version=None, decisions=())
    data["draft"] = True
    return data


def _memo_data(case: Case, snap: dict[str, Any], *, version: dict[str, Any] | None,
               decisions: Iterable[Decision]) -> dict[str, Any]:
    grid = grid_for(snap["grid"]["id"], snap["grid"]["version"])
    facts, values = split_answers(snap.get("answers", []))
    answers = {a["item_id"]: a for a in snap.get("answers", []) if a.get("kind") != FACT}
    # The one count of the case screens: applicable questions only (core.completeness).
    progress = criteria_completeness(grid, facts, values)
    opinions = {o["criterion"]: o for o in snap.get("opinions", [])}
    criteria = []
    for criterion in grid.criteria:
        answered = [q for q in criterion.questions if q.id in answers
                    and is_applicable(q, facts, values)]
        counted = progress[criterion.number]
        key = []
        for question in answered[:KEY_ANSWERS]:
            answer = answers[question.id]
            key.append({"number": question.number, "text": question.text,
                        "answer": _answer_text(question, answer["value"]),
                        "justification": answer.get("justification", "")})
        opinion = opinions.get(criterion.number)
        criteria.append({
            "number": criterion.number, "title": criterion.title,
            "commitments": list(criterion.commitments),
            "progress": {"answered": counted.answered, "applicable": counted.applicable,
                         "unknown": counted.unknown},
            "opinion": None if opinion is None else {
                "verdict": opinion["verdict"], "verdict_label": VERDICTS.get(opinion["verdict"]),
                "recommendations": opinion.get("recommendations", ""),
                "author": (opinion.get("author") or {}).get("name", "")},
            "key_answers": key,
        })
    evaluation = snap.get("legal_evaluation") or {}
    retained = snap.get("legal_retained") or {}
    flags = evaluation.get("flags", [])
    blocking = {"BLOQUANT_LOI", "BLOQUANT_DOCTRINE"}
    group = snap.get("group_opinion") or {}
    consulted: dict[str, str] = {}
    for answer in snap.get("answers", []):
        person = answer.get("answered_by") or {}
        if person.get("name"):
            consulted.setdefault(person["name"], "a répondu à la grille")
    for opinion in snap.get("opinions", []):
        person = opinion.get("author") or {}
        if person.get("name"):
            consulted[person["name"]] = "a donné un avis sur un critère"
    union = UnionInformation.objects.filter(case=case).first()
    footprint = snap.get("footprint") or {}
    return {
        "organisation": case.organisation.name,
        "generated_at": timezone.localtime().isoformat(),
        "version": version,
        "case": {**{k: snap["case"].get(k, "") for k in ("reference", "title", "service",
                                                           "purpose", "vendor")},
                 "lead": (snap["case"].get("lead") or {}).get("name", ""),
                 "state_label": case.get_state_display()},
        "grid": {"title": grid.title, "version": grid.version},
        "summary": group.get("summary", ""),
        "criteria": criteria,
        "legal": {
            "level_proposed": evaluation.get("niveau_indicatif", ""),
            "level_potential": evaluation.get("niveau_potentiel", ""),
            "level_retained": retained.get("level", ""),
            "retained_rationale": retained.get("rationale", ""),
            "retained_by": retained.get("by", ""),
            "red_lines": [{"id": f["id"], "level": f["niveau"], "explanation": f["explication"],
                           "references": f.get("references", [])}
                          for f in flags if f["statut"] == "ACTIF" and f["niveau"] in blocking],
            "flags": [{"id": f["id"], "level": f["niveau"], "status": f["statut"],
                       "explanation": f["explication"], "references": f.get("references", []),
                       "question": (f.get("boussole") or [""])[0]}
                      for f in flags if f["niveau"] not in blocking or f["statut"] != "ACTIF"],
            "rules_version": evaluation.get("version_regles", ""),
            # ISO date; absent from the snapshots frozen before it was recorded
            "evaluation_date": evaluation.get("date_evaluation") or "",
        },
        "footprint": footprint.get("memo") if isinstance(footprint, dict) else None,
        "no_ai": footprint.get("no_ai") if isinstance(footprint, dict) else None,
        "group_opinion": {"verdict_label": VERDICTS.get(group.get("verdict", ""), ""),
                          "recommendations": group.get("recommendations", ""),
                          "conditions": group.get("conditions", [])},
        "decisions": [{"delegation_label": DELEGATIONS.get(d.delegation, d.delegation),
                       "name": str(d.official), "decision_label": DECISIONS[d.decision],
                       "conditions": d.conditions, "date": d.decided_on.isoformat(),
                       "reference": d.reference} for d in decisions],
        "action_plan": action_plan(case),
        "union_information": None if union is None else {
            "date": union.held_on.isoformat(), "body": union.body,
            "documents": union.documents, "questions": union.questions},
        "consulted": [{"name": name, "role": role} for name, role in sorted(consulted.items())],
        "disclaimer": DISCLAIMER,
    }


def action_plan(case: Case) -> dict[str, Any]:
    """The case's action plan as it stands when the memo is generated (measures are followed
    after the decision: their status is today's, not the frozen version's)."""
    today = timezone.localdate()
    return {"as_of": today.isoformat(), "measures": [
        {"text": m.text,
         "target": measure_rules.target_label(m.origin, m.criterion, m.flag),
         "owner": m.owner_label, "due": m.due.isoformat(),
         "status": m.status, "status_label": measure_rules.status_label(m.status),
         "overdue": measure_rules.is_overdue(m.status, m.due, today)}
        for m in Measure.objects.filter(case=case).select_related("owner").order_by("due", "id")
    ]}


def render(version: FileVersion, fmt: str) -> tuple[bytes, str, str]:
    """(content, content type, file name) of the memo of ``version`` in ``fmt``."""
    return _render(memo_data(version), fmt), FORMATS[fmt], (
        f"note-{version.case.reference}-v{version.number}.{fmt}")


def render_preview(case: Case, fmt: str) -> tuple[bytes, str, str]:
    """(content, content type, file name) of the preview of the memo of a case not yet
    frozen, every page marked « Projet — version non figée ». Writes nothing."""
    return _render(preview_data(case), fmt), FORMATS[fmt], f"note-{case.reference}-projet.{fmt}"


def _render(data: dict[str, Any], fmt: str) -> bytes:
    # Imported here: the renderers load Typst, which only memo requests need.
    if fmt == "pdf":
        return reports.render_memo_pdf(data)
    if fmt == "odt":
        return reports.render_memo_odt(data)
    return reports.render_memo_html(data).encode("utf-8")
