"""The rules engine applied to a case: evaluation, display grouping, retained level, changes.

The engine proposes; the lawyers retain a level (and say why when it differs); the red lines
of the doctrine block whatever anyone records.

A case is evaluated against the facts of its own grid version. Reads do not write:
:func:`case_evaluation` and :func:`red_line_standing` only read (pages, selectors and the
guards of the services use them); :func:`legal_refresh`, which stores the denormalised levels
and red-line flag on the case, is called by the services that change what the evaluation reads
(the facts, the retained level: ``case_create``, ``answer_record``, ``legal_retain``, the
import) and by ``boussole manage legal_refresh`` after a change of the rule base.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from boussole.core import limits, workflow
from boussole.core.access import may_retain_legal_level
from boussole.core.errors import Forbidden, InvalidDocument, Refusal
from boussole.core.grid import Grid, profile_progress
from boussole.core.rules import Evaluation, Level, evaluate, rule_base_for
from boussole.core.rules import labels as rule_labels
from boussole.web.accounts.models import User
from boussole.web.cases.audit import audit_record
from boussole.web.cases.locking import case_lock, case_write
from boussole.web.cases.models import Answer, Case, LegalAssessment
from boussole.web.cases.notifications import group_opinion_due_if_ready
from boussole.web.grids import current_grid, grid_for, registry

BLOCKING = workflow.BLOCKING_LEVELS
LEVEL_ORDER = [level.name for level in sorted(Level, reverse=True)]
RETAINABLE = [Level.BLOQUANT_LOI, Level.BLOQUANT_DOCTRINE, Level.ELEVE, Level.MODERE,
              Level.LIMITE]
QUESTION_TITLES = {
    "Q1": "Q1 — Critère 1 : absence de données recueillies à des fins discriminatoires",
    "Q2": "Q2 — Critère 1 : absence de biométrie",
    "Q3": "Q3 — Protection des données personnelles (RGPD)",
    "Q4": "Q4 — Règlement européen sur l'IA",
    "Q5": "Q5 — Réglementations sectorielles et transparence des algorithmes (CRPA)",
    "Q6": "Q6 — Cybersécurité",
}
#: The keys of the groups of flags shown by the legal panel (a page may ask for one of them).
GROUP_KEYS = (*QUESTION_TITLES, "autres")


def case_facts(case: Case) -> dict[str, Any]:
    return dict(Answer.objects.filter(case=case, kind=Answer.Kind.FACT)
                .values_list("item_id", "value"))


def parameters(case: Case) -> dict[str, Any]:
    params: dict[str, Any] = {}
    if case.organisation.headcount_fte is not None:
        params["effectif_etp"] = case.organisation.headcount_fte
    return params


def case_evaluation(case: Case, facts: dict[str, Any] | None = None) -> Evaluation:
    """Evaluate the case's profile now, against the facts of its own grid version (facts
    answered "nsp" or missing are unknown). A pure read: nothing is stored."""
    return evaluate(case_facts(case) if facts is None else facts, parameters(case),
                    grid=grid_for(case.grid_id, case.grid_version))


def retained_level(case: Case) -> str | None:
    """The level the lawyers retained last, if any."""
    return (LegalAssessment.objects.filter(case=case).values_list("retained_level", flat=True)
            .first())


def legal_refresh(case: Case, evaluation: Evaluation | None = None) -> Evaluation:
    """Store the denormalised levels and red-line flag on the case (the flag is set when the
    indicative or the retained level is blocking): a write, for the services that change the
    facts or the retained level (re-evaluated unless ``evaluation`` is given)."""
    if evaluation is None:
        evaluation = case_evaluation(case)
    standing = workflow.red_line_from(evaluation, retained_level(case))
    fields = {
        "legal_level": evaluation.niveau_indicatif.name,
        "legal_potential": evaluation.niveau_potentiel.name,
        "red_line": standing.active,
        "rules_version": evaluation.base.version_label,
    }
    Case.objects.filter(pk=case.pk).update(**fields)
    for name, value in fields.items():
        setattr(case, name, value)
    return evaluation


def legal_refresh_all(*, stale_only: bool = True) -> int:
    """Refresh the stored levels of every case, each under its own lock: those whose stored
    rules version is not the one their grid is evaluated with now (a new rule base), or all
    of them (``stale_only=False``: e.g. after an organisation's headcount changed). Returns
    how many cases were refreshed."""
    refreshed = 0
    for pk in Case.objects.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            case = case_lock(Case(pk=pk))
            evaluation = case_evaluation(case)
            if stale_only and case.rules_version == evaluation.base.version_label:
                continue
            legal_refresh(case, evaluation)
            refreshed += 1
    return refreshed


def fact_names(case: Case) -> dict[str, str]:
    """A short readable name for each profile fact of the case's grid: its number as shown
    (« P6 »: « Q » is kept for the grid's questions)."""
    grid = grid_for(case.grid_id, case.grid_version)
    return {fact.id: fact.display_number or fact.id for fact in grid.profile}


def red_line_standing(case: Case, evaluation: Evaluation | None = None) -> workflow.RedLine:
    """The case's red-line standing now (evaluated afresh unless ``evaluation`` is given;
    a read: nothing is stored)."""
    if evaluation is None:
        evaluation = case_evaluation(case)
    return workflow.red_line_from(evaluation, retained_level(case))


def red_line_with(evaluation: Evaluation, assessment: LegalAssessment | None
                  ) -> workflow.RedLine:
    """The red-line standing from an evaluation and the current assessment already read (the
    same as :func:`red_line_standing`, without reading the retained level again)."""
    return workflow.red_line_from(evaluation,
                                  assessment.retained_level if assessment is not None else None)


def red_line_view(case: Case, standing: workflow.RedLine) -> dict[str, Any]:
    """What a page shows of the red-line standing: the facts to establish to lift it."""
    grid = grid_for(case.grid_id, case.grid_version)
    facts = [{"id": fact_id, "number": grid.fact(fact_id).display_number,
              "text": grid.fact(fact_id).text}
             for fact_id in standing.facts if grid.has_fact(fact_id)]
    return {"active": standing.active, "potential": standing.potential,
            "blocks": standing.blocks, "facts": facts}


def _grid_of(evaluation: Evaluation) -> Grid:
    """The grid version whose facts ``evaluation`` was compiled against (the rule base is
    cached per grid); the current grid when none of the known versions matches."""
    for grid in registry().all():
        try:
            if rule_base_for(grid) is evaluation.base:
                return grid
        except InvalidDocument:  # the rules do not compile against this version
            continue
    return current_grid()


def _t(text: str) -> str:
    """The translation of a French label (an empty string stays empty: gettext("") would
    return the catalogue's header)."""
    return gettext(text) if text else ""


def _fact_label(grid: Grid, fact_id: str) -> str:
    """« P17 — <question> » for a profile fact; the id itself if the grid lacks it."""
    return grid.item_label(fact_id) if grid.has_fact(fact_id) else fact_id


def _value_label(grid: Grid, fact_id: str, value: Any) -> str:
    if not grid.has_fact(fact_id):
        return ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    return grid.value_label(grid.fact(fact_id), value)


def _labelled(flag: dict[str, Any], grid: Grid) -> dict[str, Any]:
    """The French labels a page shows for one flag's codes (the codes stay, for the JSON)."""
    flag["niveau_libelle"] = _t(level_label(flag.get("niveau")))
    if "niveau_potentiel" in flag:
        flag["niveau_potentiel_libelle"] = _t(level_label(flag["niveau_potentiel"]))
    flag["statut_libelle"] = _t(rule_labels.status_label(flag.get("statut", "")))
    flag["signification"] = _t(rule_labels.meaning(flag.get("statut", ""), flag.get("niveau")))
    flag["pourquoi_libelles"] = [
        {"fait": _fact_label(grid, name), "valeur": _value_label(grid, name, value)}
        for name, value in (flag.get("pourquoi") or {}).items()]
    flag["faits_a_completer_libelles"] = [
        {"id": name, "libelle": _fact_label(grid, name)}
        for name in flag.get("faits_a_completer", [])]
    flag["a_confirmer_par_libelles"] = [
        _t(label) for label in rule_labels.confirmers_label(flag.get("a_confirmer_par", []))]
    return flag


def _priority_labelled(entry: dict[str, Any], grid: Grid) -> dict[str, Any]:
    fact_id = entry["fait"]
    fact = grid.fact(fact_id) if grid.has_fact(fact_id) else None
    return {**entry, "numero": fact.display_number if fact else "",
            "libelle": fact.text if fact else fact_id,
            "niveau_potentiel_libelle": _t(level_label(entry.get("niveau_potentiel")))}


def grouped_flags(evaluation: Evaluation, grid: Grid | None = None) -> dict[str, Any]:
    """Flags for display: red lines first, then by grid question (Q1…Q6), then by level; the
    evaluation date (``date_evaluation``, a :class:`datetime.date`).

    ``groups``: one dict per group of flags (``key``: one of :data:`GROUP_KEYS`, ``title``,
    ``flags``, and the counts ``active`` and ``to_complete``), in the order of the grid.

    Each flag and priority entry also carries the French labels of its codes (``…_libelle``,
    ``…_libelles``: levels, status, the facts and values of « pourquoi », the facts to
    complete with their P-number, who confirms), read from ``grid`` (default: the grid
    version the evaluation was made against)."""
    grid = grid if grid is not None else _grid_of(evaluation)
    flags = [_labelled(flag.to_json(), grid) for flag in evaluation.flags]
    red = [f for f in flags if f["statut"] == "ACTIF" and f["niveau"] in BLOCKING]
    groups: dict[str, list[dict[str, Any]]] = {}
    for flag in flags:
        if flag in red:
            continue
        questions = [q for q in flag.get("boussole", []) if q in QUESTION_TITLES] or ["autres"]
        groups.setdefault(questions[0], []).append(flag)
    status_rank = {"ACTIF": 0, "A_COMPLETER": 1, "SATISFAIT": 2}
    for items in groups.values():
        items.sort(key=lambda f: (LEVEL_ORDER.index(f.get("niveau_potentiel", f["niveau"])),
                                  status_rank.get(f["statut"], 3), f["id"]))
    ordered = [{"key": q, "title": QUESTION_TITLES.get(q, "Autres points"), "flags": groups[q],
                "active": sum(1 for f in groups[q] if f["statut"] == "ACTIF"),
                "to_complete": sum(1 for f in groups[q] if f["statut"] == "A_COMPLETER")}
               for q in GROUP_KEYS if q in groups]
    return {"red_lines": red, "groups": ordered,
            "priority": [_priority_labelled(entry, grid)
                         for entry in evaluation.a_completer_en_priorite()],
            "date_evaluation": evaluation.date_evaluation,  # a date: the page formats it
            "json": evaluation.to_json()}


#: The legal page shows every group of flags open when they hold at most this many flags
#: together (an instructed case); above, the groups are folded with their counts and each is
#: loaded when opened (a draft whose unknowns make dozens of potential points).
OPEN_GROUPS_UP_TO = 16


def open_groups(groups: list[dict[str, Any]], asked: str = "", *, profile_page: bool = False
                ) -> set[str]:
    """The keys of the groups of flags a page renders whole: every group on the legal page
    when they are few (:data:`OPEN_GROUPS_UP_TO`), none on the profile page (the panel stays
    light: a group is loaded when opened), and the group ``asked`` for (by a link that works
    without JavaScript) when it is one of them. The red lines are always shown whole."""
    keys = {group["key"] for group in groups}
    shown = set()
    if not profile_page and sum(len(group["flags"]) for group in groups) <= OPEN_GROUPS_UP_TO:
        shown = set(keys)
    if asked in keys:
        shown.add(asked)
    return shown


@case_write
def legal_retain(*, case: Case, user: User, retained_level: str, rationale: str = "",
                 measures: str = "", owner: str = "", review_date: dt.date | None = None
                 ) -> LegalAssessment:
    """Record the level the lawyers retain; a level other than the proposal needs a reason."""
    if (user.organisation_id != case.organisation_id
            or not may_retain_legal_level(user.role, user.domain)):
        raise Forbidden("Seuls les juristes du groupe retiennent le niveau juridique.")
    if retained_level not in {level.name for level in RETAINABLE}:
        raise Refusal("Niveau inconnu.", field="retained_level")
    evaluation = case_evaluation(case)
    proposed = evaluation.niveau_indicatif.name
    rationale = rationale.strip()
    texts = {"rationale": rationale, "measures": measures.strip(), "owner": owner.strip()}
    problems = limits.texts_problems(**texts)
    if problems:
        raise Refusal(" ".join(problems), field=next(
            kind for kind, text in texts.items() if limits.text_problem(kind, text)))
    if retained_level != proposed and not rationale:
        raise Refusal("Le niveau retenu diffère du niveau proposé par les règles : "
                      "motivez ce choix.", field="rationale")
    if proposed in BLOCKING and retained_level not in BLOCKING:
        raise Refusal("Une ligne rouge de la doctrine est active : elle ne peut pas être "
                      "écartée par le niveau retenu.", field="retained_level")
    if evaluation.niveau_potentiel.name in BLOCKING and retained_level not in BLOCKING:
        standing = workflow.red_line_from(evaluation)
        raise Refusal((standing.problem(fact_names(case)) or "") + " Le niveau retenu ne "
                      "peut pas l'écarter : renseignez d'abord ces faits.",
                      field="retained_level")
    assessment = LegalAssessment.objects.create(
        case=case, proposed_level=proposed, potential_level=evaluation.niveau_potentiel.name,
        retained_level=retained_level, rationale=rationale, measures=measures.strip(),
        owner=owner.strip(), review_date=review_date,
        rules_version=evaluation.base.version_label, evaluation=evaluation.to_json(),
        decided_by=user)
    legal_refresh(case, evaluation)  # the red-line flag also follows the retained level
    group_opinion_due_if_ready(case, user)  # the level may be the last thing awaited
    audit_record(case=case, user=user, action="legal_level_retained", item_id="niveau_juridique",
                 after={"proposed": proposed, "retained": retained_level,
                        "rationale": rationale, "rules_version": assessment.rules_version})
    return assessment


def current_assessment(case: Case) -> LegalAssessment | None:
    return LegalAssessment.objects.filter(case=case).select_related("decided_by").first()


#: The kinds of change of one rule between two evaluations (codes; the page translates them).
CHANGE_CODES = ("nouveau", "disparu", "modifie")


def level_label(code: str | None) -> str:
    """The French label of a level code (« élevé »); an unknown code is shown as it is."""
    if not code:
        return ""
    try:
        return Level[code].label_fr
    except KeyError:
        return code


def _iso_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _flag_view(flag: dict[str, Any]) -> dict[str, Any]:
    return {"statut": flag.get("statut", ""), "niveau": flag.get("niveau", ""),
            "niveau_libelle": level_label(flag.get("niveau"))}


def _pair(before: Any, after: Any) -> dict[str, Any]:
    return {"before": before, "after": after, "changed": before != after}


def _level_pair(before: str | None, after: str) -> dict[str, Any]:
    return {**_pair(before or "", after), "before_label": level_label(before),
            "after_label": level_label(after)}


def changes_since(assessment: LegalAssessment | None, evaluation: Evaluation) -> dict[str, Any]:
    """What changed between the evaluation recorded with the retained level and ``evaluation``
    (a new rule base, new facts, another date). A pure function of its two arguments.

    ``overall``: the indicative and potential levels (codes and French labels), the rules
    version and the evaluation date, each ``{"before", "after", "changed"}`` (``before`` read
    from the recorded evaluation JSON, else from the assessment's own fields; a date missing
    from an old record is ``None``); ``overall_changed``: whether a level or the rules version
    differ (the date alone does not count). ``flags``: one row per rule whose status or level
    differ, ``change`` one of :data:`CHANGE_CODES`, ``before``/``after`` with the level's
    French label (``None`` when the rule was not listed)."""
    if assessment is None:
        return {"overall": None, "overall_changed": False, "flags": []}
    recorded = assessment.evaluation if isinstance(assessment.evaluation, dict) else {}
    overall = {
        "level": _level_pair(recorded.get("niveau_indicatif") or assessment.proposed_level,
                             evaluation.niveau_indicatif.name),
        "potential": _level_pair(recorded.get("niveau_potentiel") or assessment.potential_level,
                                 evaluation.niveau_potentiel.name),
        "rules_version": _pair(recorded.get("version_regles") or assessment.rules_version,
                               evaluation.base.version_label),
        "date": _pair(_iso_date(recorded.get("date_evaluation")), evaluation.date_evaluation),
    }
    before = {f["id"]: f for f in recorded.get("flags", [])}
    after = {flag.id: flag.to_json() for flag in evaluation.flags}
    rows = []
    for rule_id in sorted(set(before) | set(after)):
        old, new = before.get(rule_id), after.get(rule_id)
        if old is None and new is not None:
            change = "nouveau"
        elif new is None and old is not None:
            change = "disparu"
        elif old and new and (old["statut"], old["niveau"]) != (new["statut"], new["niveau"]):
            change = "modifie"
        else:
            continue
        rows.append({"id": rule_id, "change": change,
                     "before": None if old is None else _flag_view(old),
                     "after": None if new is None else _flag_view(new)})
    return {"overall": overall,
            "overall_changed": any(overall[key]["changed"]
                                   for key in ("level", "potential", "rules_version")),
            "flags": rows}


#: While fewer than this share of the profile's facts that apply are answered, the profile
#: page folds the potential points of attention into one line (the red lines that are active
#: are always shown).
PROFILE_FOLD_SHARE = 0.5


def profile_panel(case: Case, facts: dict[str, Any] | None = None) -> dict[str, Any]:
    """How far the profile is answered, for the legal panel of the profile page: ``stage`` is
    ``"empty"`` before any answer (no level is claimed then), ``"early"`` while fewer than
    :data:`PROFILE_FOLD_SHARE` of the facts that apply are answered (the potential points
    folded into one line), ``"full"`` afterwards (« je ne sais pas » counts as an answer).
    ``facts``: the case's facts when the caller has read them already."""
    grid = grid_for(case.grid_id, case.grid_version)
    progress = profile_progress(grid, case_facts(case) if facts is None else facts)
    if progress.answered == 0:
        stage = "empty"
    elif progress.answered < PROFILE_FOLD_SHARE * progress.applicable:
        stage = "early"
    else:
        stage = "full"
    return {"stage": stage, "answered": progress.answered, "applicable": progress.applicable,
            "missing": progress.missing, "unknown": progress.unknown}
