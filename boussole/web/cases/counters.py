"""Per-case counters: answers, « je ne sais pas » and progress per criterion.

Every write of an answer refreshes them: ``Answer.save()`` through the signal below
(``answer_record`` and any other writer), bulk writes by calling :func:`refresh_counters` (the
importer). Answers are deleted only with their case (no receiver on delete: a cascade would
recount once per answer); a writer that deletes some answers of a live case calls
:func:`refresh_counters`. The lists (home, « Mes tâches », « Mes questions ») read them instead of
loading every answer of every case. A case whose ``progress`` is empty (created before the
counters existed, or filled by a raw bulk load) gets them computed on first read
(:func:`ensure_counters`).
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from boussole.core.completeness import criteria_completeness
from boussole.core.grid import Progress, profile_progress
from boussole.core.grid.model import UNKNOWN
from boussole.web.cases.models import Answer, Case
from boussole.web.grids import grid_for

PROFILE = "profile"


def compute(case: Case, rows: list[tuple[str, str, Any]]) -> dict[str, Any]:
    """The counters of ``case`` from its answers ``rows`` (kind, item id, value)."""
    facts: dict[str, Any] = {}
    answers: dict[str, Any] = {}
    for kind, item_id, value in rows:
        (facts if kind == Answer.Kind.FACT else answers)[item_id] = value
    grid = grid_for(case.grid_id, case.grid_version)
    profile = profile_progress(grid, facts)
    progress: dict[str, list[int]] = {
        PROFILE: [profile.applicable, profile.answered, profile.unknown]}
    for number, p in criteria_completeness(grid, facts, answers).items():
        progress[str(number)] = [p.applicable, p.answered, p.unknown]
    return {"answer_count": len(answers),
            "unknown_count": sum(1 for value in answers.values() if value == UNKNOWN),
            "progress": progress}


def refresh_counters(case_id: int) -> dict[str, Any]:
    """Recount one case from its stored answers and save the counters (two queries)."""
    case = Case.objects.only("grid_id", "grid_version").get(pk=case_id)
    counters = compute(case, list(Answer.objects.filter(case_id=case_id).values_list(
        "kind", "item_id", "value")))
    Case.objects.filter(pk=case_id).update(**counters)
    return counters


def ensure_counters(cases: list[Case]) -> list[Case]:
    """Compute and store the counters of the cases of ``cases`` that have none yet (one query
    for all of them, none when every case has its counters)."""
    missing = {case.pk: case for case in cases if not case.progress}
    if not missing:
        return cases
    rows: dict[int, list[tuple[str, str, Any]]] = {pk: [] for pk in missing}
    for case_id, kind, item_id, value in Answer.objects.filter(
            case_id__in=list(missing)).values_list("case_id", "kind", "item_id", "value"):
        rows[case_id].append((kind, item_id, value))
    for pk, case in missing.items():
        counters = compute(case, rows[pk])
        Case.objects.filter(pk=pk).update(**counters)
        for name, value in counters.items():
            setattr(case, name, value)
    return cases


def _progress(raw: list[int]) -> Progress:
    return Progress(applicable=raw[0], answered=raw[1], unknown=raw[2])


def profile_of(case: Case) -> Progress:
    """The identification profile's progress (``ensure_counters`` first)."""
    return _progress(case.progress[PROFILE])


def criteria_of(case: Case) -> dict[int, Progress]:
    """Progress per criterion number (``ensure_counters`` first)."""
    return {int(key): _progress(raw) for key, raw in case.progress.items() if key != PROFILE}


@receiver(post_save, sender=Answer, dispatch_uid="cases-counters-save")
def _answer_changed(sender: Any, instance: Answer, raw: bool = False, **kwargs: Any) -> None:
    if raw:  # fixtures: the counters are recomputed on first read
        return
    refresh_counters(instance.case_id)


@receiver(post_save, sender=Case, dispatch_uid="cases-counters-created")
def _case_created(sender: Any, instance: Case, created: bool = False, raw: bool = False,
                  **kwargs: Any) -> None:
    if created and not raw:
        counters = refresh_counters(instance.pk)
        for name, value in counters.items():
            setattr(instance, name, value)
