"""What the notice reads from the case file: criterion 6's answers, the profile facts, the
legal level, the footprint, the decision and the follow-up reviews, handed to the core as plain
data (:mod:`boussole.core.transparency` decides what goes into the public content)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from boussole.core import followup as followup_rules
from boussole.core import transparency as rules
from boussole.core import workflow
from boussole.web.cases.legal import case_facts, retained_level
from boussole.web.cases.models import Answer, Case, LegalAssessment
from boussole.web.decisions.models import Decision, FileVersion
from boussole.web.followup.models import Review
from boussole.web.footprint.models import FootprintInput
from boussole.web.grids import grid_for
from boussole.web.transparency.models import Notice

#: The draft's fields a form may change (tier 1 then tier 2).
FIELDS = rules.TIER1_FIELDS + rules.TIER2_FIELDS


def field_values(notice: Notice) -> dict[str, Any]:
    return {name: getattr(notice, name) for name in FIELDS}


def criterion6_questions(case: Case) -> dict[str, Any]:
    """The questions of criterion 6 of the case's grid version, by id."""
    grid = grid_for(case.grid_id, case.grid_version)
    return {q.id: q for q in grid.criterion(rules.CRITERION).questions}


def criterion6_answers(case: Case) -> list[rules.Criterion6Answer]:
    """The case's answers to criterion 6, as French text (value, then justification)."""
    grid = grid_for(case.grid_id, case.grid_version)
    questions = criterion6_questions(case)
    rows = Answer.objects.filter(case=case, item_id__in=list(questions))
    answers = []
    for row in rows:
        question = questions[row.item_id]
        value = "" if row.value in (None, "") else grid.value_label(question, row.value)
        text = " — ".join(part for part in (str(value).strip(), row.justification.strip())
                          if part)
        if text:
            answers.append(rules.Criterion6Answer(id=question.id, number=question.number,
                                                  question=question.text, answer=text))
    return sorted(answers, key=lambda a: a.number)


def prefill(case: Case) -> dict[str, Any]:
    """The first draft of the notice from the case file (nothing is saved or published)."""
    grid = grid_for(case.grid_id, case.grid_version)
    try:
        people = {o.id: o.label for o in grid.fact("personnes").options}
    except KeyError:
        people = {}
    return rules.prefill(
        title=case.title, service=case.service, purpose=case.purpose,
        facts=case_facts(case),
        criterion6={a.id: a.answer for a in criterion6_answers(case)},
        people_labels=people)


def legal_level(case: Case) -> str:
    """The level the lawyers retained, else the rules engine's indicative level."""
    return retained_level(case) or case.legal_level or ""


def footprint(case: Case) -> rules.FootprintFacts | None:
    return _footprint_facts(
        FootprintInput.objects.filter(case=case).values_list("result", flat=True).first())


def _footprint_facts(row: Any) -> rules.FootprintFacts | None:
    if not row:
        return None
    per_year = row.get("per_year") or {}
    return rules.FootprintFacts(kg_co2e_per_year=per_year.get("kg_co2e"),
                                kwh_per_year=per_year.get("energy_kwh"))


def decision(case: Case) -> rules.DecisionFacts | None:
    """The elected officials' decision on the current frozen version, once complete (a refusal
    is complete at once)."""
    # The current version's decisions in one query (none without a version).
    latest = FileVersion.objects.filter(case=case).order_by("-number").values("pk")[:1]
    rows = list(Decision.objects.filter(version=Subquery(latest)).select_related("official")
                .order_by("decided_on", "id"))
    if not rows:
        return None
    outcome = workflow.political_outcome({d.delegation: d.decision for d in rows},
                                         case.organisation.decision_delegations)
    if outcome is None:
        return None
    conditions = []
    for d in rows:
        text = d.conditions.strip()
        if text and text not in conditions:
            conditions.append(text)
    last = rows[-1]
    return rules.DecisionFacts(
        outcome=outcome, date=last.decided_on.isoformat(),
        reference=next((d.reference for d in reversed(rows) if d.reference.strip()), ""),
        officials=[rules.Official(name=d.official.get_full_name() or d.official.username,
                                  delegation=d.delegation) for d in rows],
        conditions="\n".join(conditions))


def reviews(case: Case) -> list[rules.ReviewFacts]:
    """The follow-up reviews already done, oldest first, with their conclusion."""
    rows = (Review.objects.filter(plan__case=case, done_on__isnull=False)
            .order_by("done_on", "id"))
    return [rules.ReviewFacts(date=r.done_on.isoformat() if r.done_on else "",
                              stage_label=followup_rules.stage_label(r.stage),
                              summary=r.conclusion) for r in rows]


def case_inputs(case: Case) -> dict[str, Any]:
    """What the public content takes from the case file (criterion 6, legal level, footprint,
    decision, reviews): read once by a page that builds the content more than once."""
    # The retained level and the footprint's result in one query.
    retained, result = Case.objects.filter(pk=case.pk).annotate(
        retained=Subquery(LegalAssessment.objects.filter(case=OuterRef("pk"))
                          .order_by("-decided_at", "-id").values("retained_level")[:1]),
        result=Subquery(FootprintInput.objects.filter(case=OuterRef("pk")).order_by("pk")
                        .values("result")[:1])).values_list("retained", "result").get()
    return {"criterion6": criterion6_answers(case),
            "legal_level": retained or case.legal_level or "",
            "footprint": _footprint_facts(result), "decision": decision(case),
            "reviews": reviews(case)}


def content(case: Case, notice: Notice, *, published_at: dt.datetime | None = None,
            version: int = 0, read: dict[str, Any] | None = None) -> dict[str, Any]:
    """The public content of the notice as it would be published now (the preview) or is
    published (``published_at`` and ``version`` given). ``read``: :func:`case_inputs`, when
    already read."""
    read = case_inputs(case) if read is None else read
    return rules.build_content(
        reference=case.reference, organisation_slug=case.organisation.slug,
        organisation_name=case.organisation.name, fields=field_values(notice),
        criterion6=read["criterion6"], legal_level=read["legal_level"],
        state=case.state, year=timezone.localtime(case.created_at).year,
        footprint=read["footprint"], decision=read["decision"], reviews=read["reviews"],
        published_at=published_at.isoformat() if published_at else "", version=version)
