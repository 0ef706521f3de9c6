"""Reads of the surveys: a case's rounds and their results, the cross-case view.

Every result goes through :func:`boussole.core.surveys.aggregate`, which gives nothing for a
group of fewer than :data:`~boussole.core.surveys.MIN_GROUP` answers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.utils.translation import gettext

from boussole.core import surveys
from boussole.web.accounts.models import User
from boussole.web.cases.models import Case
from boussole.web.cases.selectors import cases_visible_to
from boussole.web.surveys.models import SurveyResponse, SurveyRound


def case_rounds(case: Case) -> list[SurveyRound]:
    """The case's rounds, each with ``answer_count``, in stage order."""
    rounds = list(SurveyRound.objects.filter(case=case)
                  .annotate(answer_count=Count("responses")))
    return sorted(rounds, key=lambda r: (surveys.stage_order(r.stage), r.opened_on, r.pk))


def _answers(rounds: Iterable[SurveyRound]) -> dict[int, list[dict[str, Any]]]:
    by_round: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for round_id, answers in (SurveyResponse.objects.filter(survey_round__in=list(rounds))
                              .values_list("survey_round_id", "answers")):
        by_round[round_id].append(answers)
    return by_round


def round_results(survey_round: SurveyRound, answers: list[dict[str, Any]], *,
                  with_texts: bool) -> dict[str, surveys.QuestionResult | None]:
    form = surveys.questionnaire(survey_round.questionnaire_id,
                                 survey_round.questionnaire_version)
    return surveys.aggregate(form, answers, with_texts=with_texts)


def case_survey_results(case: Case) -> list[dict[str, Any]]:
    """Per round: stage, direction, questionnaire and version, answers count (``None`` under
    the threshold), dates, and per question its aggregate or ``None`` under the threshold.
    Never any free text. For the follow-up CLI and exports."""
    rounds = case_rounds(case)
    answers = _answers(rounds)
    out = []
    for survey_round in rounds:
        results = round_results(survey_round, answers.get(survey_round.pk, []),
                                with_texts=False)
        count = len(answers.get(survey_round.pk, []))
        out.append({
            "stage": survey_round.stage, "direction": survey_round.direction,
            "questionnaire": survey_round.questionnaire_id,
            "questionnaire_version": survey_round.questionnaire_version,
            "opened_on": survey_round.opened_on.isoformat(),
            "closed_on": survey_round.closed_on.isoformat() if survey_round.closed_on else None,
            "answers": None if surveys.under_threshold(count) else count,
            "questions": {qid: (r.as_dict() if r else None) for qid, r in results.items()},
        })
    return out


@dataclass
class QuestionRow:
    """One question of a results table: its text and its result (``None``: hidden)."""

    question: surveys.SurveyQuestion
    result: surveys.QuestionResult | None


@dataclass
class RoundView:
    survey_round: SurveyRound
    count: int
    rows: list[QuestionRow]
    chart: str  # SVG, or "" under the threshold

    @property
    def shown(self) -> bool:
        return not surveys.under_threshold(self.count)

    @property
    def stage_label(self) -> str:
        return gettext(surveys.stage_label(self.survey_round.stage))


def case_round_views(case: Case, *, with_texts: bool) -> list[RoundView]:
    rounds = case_rounds(case)
    answers = _answers(rounds)
    views = []
    for survey_round in rounds:
        rows_answers = answers.get(survey_round.pk, [])
        form = surveys.questionnaire(survey_round.questionnaire_id,
                                     survey_round.questionnaire_version)
        results = surveys.aggregate(form, rows_answers, with_texts=with_texts)
        rows = [QuestionRow(q, results[q.id]) for q in form.questions]
        view = RoundView(survey_round, len(rows_answers), rows, "")
        if view.shown:
            view.chart = bar_chart(rows, f"graphique-{survey_round.pk}")
        views.append(view)
    return views


# --- Cross-case view ---------------------------------------------------------------------------

def overview_rounds(user: User) -> QuerySet[SurveyRound]:
    return (SurveyRound.objects.filter(case__in=cases_visible_to(user))
            .select_related("case"))


@dataclass
class Group:
    """One group of the cross-case view: by stage, by direction, or both."""

    by: str  # "etape", "direction", "etape_direction"
    stage: str
    direction: str
    count: int
    rows: list[QuestionRow]

    @property
    def shown(self) -> bool:
        return not surveys.under_threshold(self.count)

    @property
    def stage_label(self) -> str:
        return gettext(surveys.stage_label(self.stage)) if self.stage else ""


def overview(user: User) -> tuple[surveys.Questionnaire, list[Group]]:
    """Results pooled over every case the user sees, per stage, per direction and per stage
    and direction, for the latest questionnaire (answers to older versions count for the
    questions whose id is unchanged). Scales only: no free text here."""
    form = surveys.questionnaire("conditions-travail")
    rounds = list(overview_rounds(user))
    answers = _answers(rounds)
    pools: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for survey_round in rounds:
        rows = answers.get(survey_round.pk, [])
        pools[("etape", survey_round.stage, "")].extend(rows)
        pools[("direction", "", survey_round.direction)].extend(rows)
        pools[("etape_direction", survey_round.stage, survey_round.direction)].extend(rows)
    groups = []
    for (by, stage, direction), rows in pools.items():
        results = surveys.aggregate(form, rows)
        groups.append(Group(by, stage, direction, len(rows),
                            [QuestionRow(q, results[q.id]) for q in form.scale_questions]))
    order = {"etape": 0, "direction": 1, "etape_direction": 2}
    groups.sort(key=lambda g: (order[g.by], surveys.stage_order(g.stage), g.direction))
    return form, groups


# --- Chart -------------------------------------------------------------------------------------

def _escape(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def bar_chart(rows: list[QuestionRow], ident: str) -> str:
    """A horizontal bar chart of the mean (1 to 5) of each scale question shown, as SVG
    (``role="img"``, title and description); the page gives the same data as a table."""
    shown = [r for r in rows if r.result is not None and r.result.mean is not None]
    if not shown:
        return ""
    label_w, bar_w, row_h = 260, 300, 34
    height = 30 + row_h * len(shown)
    width = label_w + bar_w + 60
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="survey-chart" '
             f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             f'aria-labelledby="{ident}-titre {ident}-desc">',
             f'<title id="{ident}-titre">Moyenne des réponses par question, de 1 (pas du tout '
             f"d'accord) à 5 (tout à fait d'accord)</title>",
             f'<desc id="{ident}-desc">'
             + _escape("; ".join(f"{r.question.text} : {r.result.mean}" for r in shown
                                 if r.result is not None))
             + "</desc>"]
    for tick in range(1, 6):
        x = label_w + bar_w * (tick - 1) / 4
        parts.append(f'<line x1="{x:.0f}" y1="10" x2="{x:.0f}" y2="{height - 14}" '
                     f'stroke="#767676" stroke-width="1"/>'
                     f'<text x="{x:.0f}" y="{height - 2}" font-size="12" text-anchor="middle" '
                     f'fill="#1e1e1e">{tick}</text>')
    for index, row in enumerate(shown):
        assert row.result is not None and row.result.mean is not None  # noqa: S101
        y = 14 + row_h * index
        length = bar_w * (row.result.mean - 1) / 4
        text = row.question.text if len(row.question.text) <= 40 else (
            row.question.text[:39] + "…")
        parts.append(f'<text x="{label_w - 8}" y="{y + 17}" font-size="12" text-anchor="end" '
                     f'fill="#1e1e1e">{_escape(text)}</text>'
                     f'<rect x="{label_w}" y="{y + 4}" width="{max(length, 2):.1f}" height="18" '
                     f'fill="#1d4f91"/>'
                     f'<text x="{label_w + max(length, 2) + 6:.1f}" y="{y + 17}" font-size="12" '
                     f'fill="#1e1e1e">{row.result.mean:.2f}</text>')
    parts.append("</svg>")
    return "".join(parts)
