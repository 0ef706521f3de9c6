"""Reads of the consultations: a case's consultations with each bidder's completeness, one
bidder's answers, and the comparison of the bidders side by side."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext

from boussole.core.errors import InvalidDocument
from boussole.core.grid import Grid
from boussole.core.procurement import consultation as rules
from boussole.core.procurement.maturity import CriterionMaturity, overall, summary_by_criterion
from boussole.core.procurement.pack import VendorQuestion, vendor_questions
from boussole.core.rules import evaluate
from boussole.web.cases.legal import case_facts, level_label, parameters
from boussole.web.cases.models import Answer, Case
from boussole.web.grids import grid_for
from boussole.web.procurement.models import Bidder, BidderAnswer, Consultation, Maturity

MATURITY_ORDER = (Maturity.COMPLETE, Maturity.PARTIAL, Maturity.NOT_ANTICIPATED)


def consultations_of(case: Case) -> list[Consultation]:
    answers = BidderAnswer.objects.only("id", "bidder_id", "question_id", "maturity",
                                        "maturity_override")
    return list(Consultation.objects.filter(case=case).select_related("awarded_bidder")
                .prefetch_related(Prefetch("bidders__answers", queryset=answers)))


def consultation_get(case: Case, consultation_pk: int) -> Consultation | None:
    return Consultation.objects.filter(case=case, pk=consultation_pk).first()


def bidder_get(consultation: Consultation, bidder_pk: int) -> Bidder | None:
    return consultation.bidders.filter(pk=bidder_pk).first()


def completeness(grid: Grid, answers: list[BidderAnswer]) -> CriterionMaturity:
    """Complete / partial / not anticipated over every vendor question of ``grid`` (an
    unanswered question was not anticipated), as the group sees them (its overrides count)."""
    return overall(summary_by_criterion(grid, levels(answers)))


def levels(answers: list[BidderAnswer]) -> dict[str, str]:
    return {a.question_id: a.effective_maturity for a in answers}


def link_status(bidder: Bidder, now: Any) -> str:
    if not bidder.token_hash:
        return gettext("Aucun lien émis")
    if bidder.revoked_at is not None:
        return gettext("Lien révoqué")
    if not rules.link_valid(expires_at=bidder.expires_at, revoked_at=None, now=now):
        return gettext("Lien expiré")
    return gettext("Lien valable")


@dataclass
class Cell:
    answer: BidderAnswer | None
    value_label: str
    maturity: str

    @property
    def maturity_label(self) -> str:
        return str(Maturity(self.maturity).label)


@dataclass
class Row:
    question: VendorQuestion
    cells: list[Cell]


@dataclass
class CriterionSummary:
    number: int
    title: str
    by_bidder: list[CriterionMaturity]


@dataclass
class LegalView:
    level: str
    active: int
    added: list[str]


@dataclass
class Comparison:
    consultation: Consultation
    bidders: list[Bidder]
    rows: list[Row]
    criteria: list[CriterionSummary]
    totals: list[CriterionMaturity]
    figures: list[Row]
    legal: list[LegalView]
    case_level: str

    @property
    def legal_rows(self) -> list[tuple[Bidder, LegalView]]:
        return list(zip(self.bidders, self.legal, strict=True))


def french_number(number: int | float) -> str:
    """A number as a French reader writes it: « 70 000 000 000 », « 1,3 », « 0,00025 »
    (never « 7e+10 » nor « 8000000000.0 »); the answer readers parse it back."""
    if isinstance(number, float) and not number.is_integer():
        text = f"{number:.10f}".rstrip("0").rstrip(".")
    else:
        text = str(int(number))
    sign = "-" if text.startswith("-") else ""
    whole, _dot, decimals = text.lstrip("-").partition(".")
    groups = f"{int(whole):,}".replace(",", "\u202f")
    return sign + groups + ("," + decimals if decimals else "")


def value_label(question: VendorQuestion, value: Any) -> str:
    if value is None:
        return ""
    shown = question.cell_value(value)
    text = (french_number(shown) if isinstance(shown, int | float)
            and not isinstance(shown, bool) else str(shown))
    if question.unit and question.type == "number" and value != "nsp":
        text = f"{text} {question.unit}"
    return text


def _legal(case: Case, bidders: list[Bidder], answers: dict[int, dict[str, BidderAnswer]]
           ) -> tuple[str, list[LegalView]]:
    grid = grid_for(case.grid_id, case.grid_version)
    facts = case_facts(case)
    params = parameters(case)
    try:
        base_eval = evaluate(facts, params, grid=grid)
    except InvalidDocument:
        return "", [LegalView("", 0, []) for _ in bidders]
    base_active = {f.id for f in base_eval.flags if f.statut == "ACTIF"}
    views = []
    for bidder in bidders:
        given = {qid: a.value for qid, a in answers[bidder.pk].items()}
        merged = rules.implied_facts(given, facts)
        try:
            evaluation = base_eval if merged == facts else evaluate(merged, params, grid=grid)
        except InvalidDocument:
            evaluation = base_eval
        active = [f for f in evaluation.flags if f.statut == "ACTIF"]
        views.append(LegalView(
            level=gettext(level_label(evaluation.niveau_indicatif.name)),
            active=len(active),
            added=[f.explication or f.id for f in active if f.id not in base_active]))
    return gettext(level_label(base_eval.niveau_indicatif.name)), views


def comparison(consultation: Consultation) -> Comparison:
    """The bidders side by side: per question (answer, maturity), per criterion (complete,
    partial, not anticipated), the key figures (the footprint inputs of criterion 5) and the
    legal level their answers would give the case through the rules engine."""
    case = consultation.case
    grid = grid_for(case.grid_id, case.grid_version)
    questions = vendor_questions(grid)
    bidders = list(consultation.bidders.order_by("name", "id"))
    answers: dict[int, dict[str, BidderAnswer]] = {b.pk: {} for b in bidders}
    for stored in BidderAnswer.objects.filter(bidder__in=bidders):
        answers[stored.bidder_id][stored.question_id] = stored
    rows = []
    for question in questions:
        cells = []
        for bidder in bidders:
            given = answers[bidder.pk].get(question.id)
            cells.append(Cell(given, value_label(question, given.value) if given else "",
                              given.effective_maturity if given
                              else Maturity.NOT_ANTICIPATED))
        rows.append(Row(question, cells))
    summaries = [summary_by_criterion(grid, levels(list(answers[b.pk].values())))
                 for b in bidders]
    criteria = [CriterionSummary(c.number, c.title, [summary[i] for summary in summaries])
                for i, c in enumerate(summaries[0])] if summaries else []
    totals = [overall(summary) for summary in summaries]
    figures = [row for row in rows if row.question.criterion == 5
               and row.question.type == "number"]
    case_level, legal = _legal(case, bidders, answers)
    return Comparison(consultation, bidders, rows, criteria, totals, figures, legal, case_level)


def bidder_answers(bidder: Bidder) -> list[tuple[VendorQuestion, BidderAnswer | None, str]]:
    """The vendor questions with the bidder's answer (or None) and its value's label."""
    case = bidder.consultation.case
    grid = grid_for(case.grid_id, case.grid_version)
    given = {a.question_id: a for a in bidder.answers.select_related("override_by")}
    return [(q, given.get(q.id), value_label(q, given[q.id].value) if q.id in given else "")
            for q in vendor_questions(grid)]


def provisional_answers(case: Case) -> list[Answer]:
    return list(Answer.objects.filter(case=case).exclude(provisional_source="")
                .order_by("id"))


def comparison_table(consultation: Consultation) -> dict[str, Any]:
    """The comparison in the shape :func:`boussole.reports.vendor_comparison.render` reads."""
    table = comparison(consultation)
    case = consultation.case
    grid = grid_for(case.grid_id, case.grid_version)

    def counts(c: CriterionMaturity) -> dict[str, int]:
        return {"complete": c.complete, "partial": c.partial,
                "not_anticipated": c.not_anticipated, "total": c.total, "score": c.score}

    def figure(value: Any) -> Any:
        return None if value is None or value == "nsp" else value

    figures: list[dict[str, Any]] = [
        {"label": f"{row.question.label} — {row.question.text}", "unit": row.question.unit or "",
         "values": [figure(cell.answer.value) if cell.answer else None for cell in row.cells]}
        for row in table.figures]
    figures.append({"label": "Niveau juridique indicatif (moteur de règles)", "unit": "",
                    "values": [view.level for view in table.legal]})
    return {
        "title": f"Comparaison des offres — {consultation.title}",
        "case": {"reference": case.reference, "title": case.title},
        "grid": f"{grid.title} (version {grid.version})",
        "generated_at": timezone.localdate().strftime("%d/%m/%Y"),
        "bidders": [b.name for b in table.bidders],
        "criteria": [{"number": c.number, "title": c.title,
                      "bidders": [counts(s) for s in c.by_bidder]} for c in table.criteria],
        "totals": [counts(t) for t in table.totals],
        "figures": figures,
        "questions": [
            {"number": row.question.label, "criterion": row.question.criterion,
             "text": row.question.text,
             "answers": [{"value": cell.value_label, "justification": cell.answer.justification,
                          "document": cell.answer.document_name,
                          "maturity": cell.maturity} if cell.answer else None
                         for cell in row.cells]}
            for row in table.rows],
    }
