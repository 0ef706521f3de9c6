"""The journal in plain French: each audit event as a sentence, its before/after as labelled
values (issue 12, item 3).

The trail stores codes (``answer_recorded``, ``{"value": "non"}``); the export and the API keep
them. Every page that shows audit events reads them through :func:`journal_rows`, so that
« Yann Le Goff a répondu « Non » à « P17 — … » » is written in one place. A new action without
a sentence here is shown as « … a modifié le dossier » (and a test fails on its code).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from boussole.core import followup as followup_rules
from boussole.core import roles, workflow
from boussole.core.grid import Grid
from boussole.core.indicators import STAGE_LABELS
from boussole.core.rules import labels as rule_labels
from boussole.web.cases.models import AuditEvent, MeasureStatus, State, Verdict
from boussole.web.cases.templatetags.boussole import answer_text

#: Every action of the trail with a short French name (the journal's filter and summaries).
ACTIONS: Mapping[str, Any] = {
    "case_created": gettext_lazy("Création du dossier"),
    "case_updated": gettext_lazy("Description modifiée"),
    "case_imported": gettext_lazy("Dossier importé"),
    "answer_recorded": gettext_lazy("Réponse enregistrée"),
    "state_changed": gettext_lazy("Changement d'étape"),
    "assignment_added": gettext_lazy("Référent·e nommé·e"),
    "assignment_removed": gettext_lazy("Référent·e retiré·e"),
    "comment_added": gettext_lazy("Commentaire"),
    "comment_resolved": gettext_lazy("Discussion close"),
    "comment_reopened": gettext_lazy("Discussion rouverte"),
    "evidence_added": gettext_lazy("Pièce justificative déposée"),
    "opinion_given": gettext_lazy("Avis sur un critère"),
    "legal_level_retained": gettext_lazy("Niveau juridique retenu"),
    "footprint_computed": gettext_lazy("Empreinte calculée"),
    "footprint_validated": gettext_lazy("Données du calculateur validées"),
    "footprint_answer_kept": gettext_lazy("Réponse conservée face au calculateur"),
    "computed_overridden": gettext_lazy("Valeur calculée remplacée"),
    "computed_override_removed": gettext_lazy("Valeur calculée rétablie"),
    "no_ai_comparison_saved": gettext_lazy("Option avec IA décrite"),
    "no_ai_scenario_saved": gettext_lazy("Scénario sans IA enregistré"),
    "no_ai_scenario_deleted": gettext_lazy("Scénario sans IA supprimé"),
    "no_ai_comparison_concluded": gettext_lazy("Comparaison sans IA conclue"),
    "version_frozen": gettext_lazy("Version figée"),
    "group_opinion_recorded": gettext_lazy("Avis du groupe"),
    "decision_recorded": gettext_lazy("Décision d'un·e élu·e"),
    "union_information_recorded": gettext_lazy("Information des représentants du personnel"),
    "measure_created": gettext_lazy("Mesure ajoutée au plan d'action"),
    "measure_updated": gettext_lazy("Mesure du plan d'action modifiée"),
    "measure_status_changed": gettext_lazy("Statut d'une mesure du plan d'action"),
    "indicator_created": gettext_lazy("Indicateur ajouté"),
    "indicator_updated": gettext_lazy("Indicateur modifié"),
    "indicator_value_recorded": gettext_lazy("Valeur d'un indicateur enregistrée"),
    "followup_plan_created": gettext_lazy("Plan de suivi créé"),
    "followup_plan_rescheduled": gettext_lazy("Calendrier de suivi recalé"),
    "followup_review_moved": gettext_lazy("Revue de suivi déplacée"),
    "followup_review_added": gettext_lazy("Revue de suivi ajoutée"),
    "followup_review_done": gettext_lazy("Revue de suivi faite"),
    "followup_plan_closed": gettext_lazy("Suivi clos"),
    "followup_plan_extended": gettext_lazy("Suivi prolongé"),
    "followup_event_recorded": gettext_lazy("Événement de suivi enregistré"),
    "followup_survey_opened": gettext_lazy("Enquête sur les conditions de travail ouverte"),
    "followup_survey_closed": gettext_lazy("Enquête sur les conditions de travail close"),
    "notice_saved": gettext_lazy("Notice publique enregistrée"),
    "notice_published": gettext_lazy("Notice publique publiée"),
    "notice_unpublished": gettext_lazy("Notice publique retirée"),
    "public_question_answered": gettext_lazy("Réponse à un message du public"),
    "public_question_rejected": gettext_lazy("Message du public rejeté"),
    "answer_confirmed": gettext_lazy("Réponse du prestataire confirmée"),
    "procurement_opened": gettext_lazy("Consultation ouverte"),
    "procurement_closed": gettext_lazy("Consultation close"),
    "procurement_bidder_added": gettext_lazy("Soumissionnaire ajouté"),
    "procurement_link_issued": gettext_lazy("Lien de soumissionnaire émis"),
    "procurement_link_revoked": gettext_lazy("Lien de soumissionnaire révoqué"),
    "procurement_link_extended": gettext_lazy("Lien de soumissionnaire prolongé"),
    "procurement_bid_saved": gettext_lazy("Brouillon d'un soumissionnaire"),
    "procurement_bid_submitted": gettext_lazy("Réponses d'un soumissionnaire envoyées"),
    "procurement_annex_imported": gettext_lazy("Annexe fournisseur importée"),
    "procurement_dossier_imported": gettext_lazy("Dossier fournisseur importé"),
    "procurement_maturity_changed": gettext_lazy("Maturité d'une réponse modifiée"),
    "procurement_awarded": gettext_lazy("Consultation attribuée"),
}

#: The names of the values an event keeps before/after (ids and whole documents are left out:
#: the export has them).
KEYS: Mapping[str, Any] = {
    "value": gettext_lazy("Réponse"),
    "justification": gettext_lazy("Justification"),
    "verdict": gettext_lazy("Avis"),
    "recommendations": gettext_lazy("Recommandations"),
    "title": gettext_lazy("Titre"),
    "service": gettext_lazy("Service métier"),
    "purpose": gettext_lazy("Finalité"),
    "vendor": gettext_lazy("Prestataire pressenti"),
    "grid": gettext_lazy("Grille"),
    "name": gettext_lazy("Personne"),
    "size": gettext_lazy("Taille"),
    "sha256": gettext_lazy("Empreinte SHA-256"),
    "proposed": gettext_lazy("Niveau proposé par les règles"),
    "rationale": gettext_lazy("Motivation"),
    "rules_version": gettext_lazy("Version des règles"),
    "computed": gettext_lazy("Valeur calculée"),
    "overridden": gettext_lazy("Valeur remplacée"),
    "calculator": gettext_lazy("Valeur du calculateur"),
    "summary": gettext_lazy("Synthèse"),
    "conditions": gettext_lazy("Conditions"),
    "decision": gettext_lazy("Décision"),
    "decided_on": gettext_lazy("Date de la décision"),
    "reference": gettext_lazy("Référence de la délibération"),
    "version": gettext_lazy("Version"),
    "held_on": gettext_lazy("Date de la réunion"),
    "documents": gettext_lazy("Documents remis"),
    "questions": gettext_lazy("Questions posées"),
    "answers": gettext_lazy("Réponses apportées"),
    "conclusion": gettext_lazy("Conclusion"),
    "per_year_kg_co2e": gettext_lazy("Émissions par an (kg CO₂e)"),
    "lifetime_kg_co2e": gettext_lazy("Émissions sur la durée de service (kg CO₂e)"),
    "validation": gettext_lazy("Données du calculateur"),
    "service_benefit": gettext_lazy("Bénéfice pour le service"),
    "cost": gettext_lazy("Coût"),
    "risks": gettext_lazy("Risques"),
    "dependency": gettext_lazy("Dépendance aux fournisseurs et aux compétences rares"),
    "reversibility": gettext_lazy("Réversibilité et mode dégradé"),
    # measures of the action plan (web/cases/measures.py)
    "text": gettext_lazy("Mesure"),
    "target": gettext_lazy("Répond à"),
    "owner": gettext_lazy("Responsable"),
    "due": gettext_lazy("Échéance"),
    "status": gettext_lazy("Statut"),
    "done_on": gettext_lazy("Date de réalisation"),
    "note": gettext_lazy("Note"),
}
#: The texts of the AI option of the comparison are the scenario's, prefixed ``ai_``.
AI_PREFIX = "ai_"
#: Keys never shown: identifiers, whole documents and technical details.
HIDDEN_KEYS = frozenset({"comment", "parent", "evidence", "user", "lead", "validated_by",
                         "concluded_by", "scenario", "footprint_document", "document",
                         "checks", "validated_revision", "criterion"})

#: The validation of the calculator's inputs (``FootprintInput.validation``).
VALIDATION = {"validated": gettext_lazy("validées"), "to_revalidate": gettext_lazy("à revalider"),
              "none": gettext_lazy("pas encore validées")}
#: Item ids of the trail that are not grid items.
ITEMS: Mapping[str, Any] = {
    "niveau_juridique": gettext_lazy("niveau juridique retenu"),
    "avis_groupe": gettext_lazy("avis du groupe"),
    "information_syndicale": gettext_lazy("information des représentants du personnel"),
    "empreinte": gettext_lazy("calculateur d'empreinte (critère 5)"),
    "comparaison_sans_ia": gettext_lazy("comparaison sans IA (critère 7)"),
    "notice": gettext_lazy("notice publique"),
}
MAX_ITEM = 90


@dataclass
class JournalRow:
    """One event as the journal shows it."""

    event: AuditEvent
    sentence: str
    item_label: str = ""
    before: list[tuple[str, str]] = field(default_factory=list)
    after: list[tuple[str, str]] = field(default_factory=list)

    @property
    def action_label(self) -> str:
        return action_label(self.event.action)


def action_label(code: str) -> str:
    label = ACTIONS.get(code)
    return str(label) if label is not None else _("Modification du dossier")


def _short(text: str, limit: int = MAX_ITEM) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def item_label(grid: Grid, item_id: str, *, short: bool = True) -> str:
    """What an event's item id names, in French: « Q17 — <text> » / « P6 — <text> » for the
    grid's items, « critère 3 », « version 2 », « décision (Numérique) »… ; unknown ids as
    they are."""
    if not item_id:
        return ""
    if grid.has_item(item_id):
        label = grid.item_label(item_id)
        return _short(label) if short else label
    if item_id in ITEMS:
        return str(ITEMS[item_id])
    kind, _sep, rest = item_id.partition(":")
    if kind == "critere" and rest:
        return _("critère %(n)s") % {"n": rest}
    if kind == "version" and rest:
        return _("version %(n)s") % {"n": rest}
    if kind == "mesure" and rest:
        return _("mesure n° %(n)s du plan d'action") % {"n": rest}
    if kind == "indicator" and rest:
        return _("indicateur n° %(n)s") % {"n": rest}
    if item_id == "suivi":
        return _("plan de suivi")
    if kind == "revue" and rest:
        return _(followup_rules.stage_label(rest))
    if kind == "question-publique" and rest:
        return _("message du public n° %(n)s") % {"n": rest}
    if kind == "evenement" and rest:
        return _("événement n° %(n)s du suivi") % {"n": rest}
    if kind == "decision" and rest:
        return _("décision (%(who)s)") % {"who": _(roles.DELEGATIONS.get(rest, rest))}
    return item_id


def _state(code: Any) -> str:
    return str(dict(State.choices).get(str(code), code))


def _verdict(code: Any) -> str:
    return str(dict(Verdict.choices).get(str(code), code))


def _decision(code: Any) -> str:
    label = workflow.DECISIONS.get(str(code))
    return _(label) if label else str(code)


def _level(code: Any) -> str:
    label = rule_labels.level_label(str(code) if code else "")
    return _(label) if label else ""


def _number(value: Any) -> str:
    if isinstance(value, float):
        value = round(value, 2)
    return f"{value:,}".replace(",", "\u202f").replace(".", ",")


def _plain(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if isinstance(value, int | float):
        return _number(value)
    if isinstance(value, list):
        return ", ".join(_plain(v) for v in value)
    if isinstance(value, dict):
        return ""
    return str(value)


def _grid_title(grid: Grid, key: Any) -> str:
    name, _sep, version = str(key).partition("@")
    if name == grid.id and version.isdigit():
        return _("%(title)s, version %(v)s") % {"title": grid.title, "v": version}
    return str(key)


def _answer(grid: Grid, item_id: str, value: Any) -> str:
    if grid.has_item(item_id):
        return answer_text(grid.item(item_id), value) or "—"
    return _plain(value)


def _value(grid: Grid, event: AuditEvent, key: str, value: Any) -> str:
    """One value of an event as French text."""
    action = event.action
    if key == "value":
        return _answer(grid, event.item_id, value)
    if key in ("computed", "calculator") or (key == "retained" and action.startswith("comp")):
        return _answer(grid, event.item_id, value) if value is not None else "—"
    if key == "verdict":
        return _verdict(value)
    if key == "decision":
        return _decision(value)
    if key in ("proposed", "retained"):
        return _level(value)
    if key == "grid" and isinstance(value, str):
        return _grid_title(grid, value)
    if key == "validation":
        return str(VALIDATION.get(str(value), _plain(value)))
    if key == "size" and isinstance(value, int):
        return _("%(n)s octets") % {"n": _number(value)}
    if key == "status" and action.startswith("measure_"):
        return str(dict(MeasureStatus.choices).get(str(value), _plain(value)))
    if key in ("decided_on", "held_on", "due", "done_on") and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    return _plain(value)


def _key_label(event: AuditEvent, key: str) -> str:
    if key == "body":
        return (_("Instance") if event.action == "union_information_recorded"
                else _("Commentaire"))
    if key == "retained":
        return (_("Valeur retenue") if event.action.startswith("comp")
                else _("Niveau retenu"))
    if key.startswith(AI_PREFIX) and key[len(AI_PREFIX):] in KEYS:
        return _("%(name)s (option avec IA)") % {"name": KEYS[key[len(AI_PREFIX):]]}
    label = KEYS.get(key)
    return str(label) if label is not None else ""


def details(grid: Grid, event: AuditEvent, data: Any) -> list[tuple[str, str]]:
    """The before or after of an event as (French name, French value) pairs; a bare value (a
    stage) as one pair; identifiers and documents left out."""
    if data is None:
        return []
    if not isinstance(data, dict):
        if event.action == "state_changed":
            return [(_("Étape"), _state(data))]
        return [("", _plain(data))]
    pairs = []
    for key, value in data.items():
        if key in HIDDEN_KEYS or isinstance(value, dict):
            continue
        label = _key_label(event, key)
        if not label:
            continue
        if value is None or value == "" or value == []:
            continue  # nothing was written there
        pairs.append((label, _value(grid, event, key, value)))
    return pairs


# --- Sentences ---------------------------------------------------------------------------------

Sentence = Callable[[Grid, AuditEvent, str, str], str]


def _get(data: Any, key: str) -> Any:
    return data.get(key) if isinstance(data, dict) else None


def _answer_sentence(grid: Grid, e: AuditEvent, who: str, item: str) -> str:
    new = _answer(grid, e.item_id, _get(e.after, "value"))
    if e.before is None:
        return _("%(who)s a répondu « %(value)s » à « %(item)s ».") % {
            "who": who, "value": new, "item": item}
    old = _answer(grid, e.item_id, _get(e.before, "value"))
    if old == new:
        return _("%(who)s a modifié la justification de la réponse à « %(item)s ».") % {
            "who": who, "item": item}
    return _("%(who)s a changé la réponse à « %(item)s » : « %(old)s » devient "
             "« %(new)s ».") % {"who": who, "item": item, "old": old, "new": new}


def _state_sentence(grid: Grid, e: AuditEvent, who: str, item: str) -> str:
    return _("%(who)s a fait passer le dossier de l'étape « %(old)s » à l'étape "
             "« %(new)s ».") % {"who": who, "old": _state(e.before), "new": _state(e.after)}


def _updated_sentence(grid: Grid, e: AuditEvent, who: str, item: str) -> str:
    fields = ", ".join(str(KEYS.get(k, k)).lower() for k in (e.after or {}))
    return _("%(who)s a modifié la description du dossier (%(fields)s).") % {
        "who": who, "fields": fields}


def _criterion(e: AuditEvent) -> str:
    return e.item_id.partition(":")[2]


def _assignment_sentence(grid: Grid, e: AuditEvent, who: str, item: str) -> str:
    if e.action == "assignment_added":
        return _("%(who)s a nommé %(name)s référent·e du critère %(n)s.") % {
            "who": who, "name": _get(e.after, "name") or "—", "n": _criterion(e)}
    return _("%(who)s a retiré %(name)s des référent·es du critère %(n)s.") % {
        "who": who, "name": _get(e.before, "name") or "—", "n": _criterion(e)}


def _on(item: str) -> str:
    return _("sur « %(item)s »") % {"item": item} if item else _("sur le dossier")


def _comment_sentence(grid: Grid, e: AuditEvent, who: str, item: str) -> str:
    if e.action == "comment_added":
        if _get(e.after, "parent"):
            return _("%(who)s a répondu dans une discussion %(on)s.") % {
                "who": who, "on": _on(item)}
        return _("%(who)s a ouvert une discussion %(on)s.") % {"who": who, "on": _on(item)}
    if e.action == "comment_resolved":
        return _("%(who)s a clos une discussion %(on)s.") % {"who": who, "on": _on(item)}
    return _("%(who)s a rouvert une discussion %(on)s.") % {"who": who, "on": _on(item)}


def _evidence_sentence(grid: Grid, e: AuditEvent, who: str, item: str) -> str:
    name = _get(e.after, "name") or "—"
    if item:
        return _("%(who)s a déposé la pièce justificative « %(name)s » pour « %(item)s ».") % {
            "who": who, "name": name, "item": item}
    criterion = _get(e.after, "criterion")
    if criterion:
        return _("%(who)s a déposé la pièce justificative « %(name)s » pour le critère "
                 "%(n)s.") % {"who": who, "name": name, "n": criterion}
    return _("%(who)s a déposé la pièce justificative « %(name)s ».") % {
        "who": who, "name": name}


def _opinion_sentence(grid: Grid, e: AuditEvent, who: str, item: str) -> str:
    new = _verdict(_get(e.after, "verdict"))
    if e.before is None:
        return _("%(who)s a donné un avis « %(verdict)s » sur le critère %(n)s.") % {
            "who": who, "verdict": new, "n": _criterion(e)}
    return _("%(who)s a révisé l'avis sur le critère %(n)s : « %(old)s » devient "
             "« %(new)s ».") % {"who": who, "n": _criterion(e),
                                "old": _verdict(_get(e.before, "verdict")), "new": new}


def _legal_sentence(grid: Grid, e: AuditEvent, who: str, item: str) -> str:
    return _("%(who)s a retenu le niveau juridique « %(retained)s » (proposé par les règles : "
             "« %(proposed)s »).") % {"who": who,
                                     "retained": _level(_get(e.after, "retained")),
                                     "proposed": _level(_get(e.after, "proposed"))}


def _footprint_sentence(grid: Grid, e: AuditEvent, who: str, item: str) -> str:
    if e.action == "footprint_computed":
        per_year = _get(e.after, "per_year_kg_co2e")
        if isinstance(per_year, int | float):
            return _("%(who)s a calculé l'empreinte carbone du projet (critère 5) : "
                     "%(kg)s kg CO₂e par an.") % {"who": who, "kg": _number(per_year)}
        return _("%(who)s a calculé l'empreinte carbone du projet (critère 5).") % {"who": who}
    if e.action == "footprint_validated":
        return _("%(who)s a validé les données du calculateur d'empreinte (critère 5).") % {
            "who": who}
    if e.action == "footprint_answer_kept":
        return _("La réponse donnée à « %(item)s » est conservée : le calculateur indique "
                 "une autre valeur (%(value)s).") % {
            "item": item, "value": _answer(grid, e.item_id, _get(e.after, "calculator"))}
    if e.action == "computed_overridden":
        return _("%(who)s a remplacé la valeur calculée de « %(item)s » par « %(value)s ».") % {
            "who": who, "item": item,
            "value": _answer(grid, e.item_id, _get(e.after, "retained"))}
    return _("%(who)s a rétabli la valeur calculée de « %(item)s ».") % {
        "who": who, "item": item}


def _no_ai_sentence(grid: Grid, e: AuditEvent, who: str, item: str) -> str:
    if e.action == "no_ai_scenario_saved":
        return _("%(who)s a enregistré le scénario sans IA « %(title)s » (critère 7).") % {
            "who": who, "title": _get(e.after, "title") or "—"}
    if e.action == "no_ai_scenario_deleted":
        return _("%(who)s a supprimé le scénario sans IA « %(title)s » (critère 7).") % {
            "who": who, "title": _get(e.before, "title") or "—"}
    if e.action == "no_ai_comparison_concluded":
        return _("%(who)s a conclu la comparaison avec les solutions sans IA (critère 7).") % {
            "who": who}
    return _("%(who)s a décrit l'option avec IA de la comparaison sans IA (critère 7).") % {
        "who": who}


def _path_sentence(grid: Grid, e: AuditEvent, who: str, item: str) -> str:
    if e.action == "version_frozen":
        return _("%(who)s a figé la version %(n)s du dossier, transmise aux élus.") % {
            "who": who, "n": _get(e.after, "version") or "—"}
    if e.action == "group_opinion_recorded":
        return _("%(who)s a enregistré l'avis du groupe : « %(verdict)s ».") % {
            "who": who, "verdict": _verdict(_get(e.after, "verdict"))}
    if e.action == "decision_recorded":
        delegation = e.item_id.partition(":")[2]
        return _("%(who)s a enregistré la décision « %(decision)s » (délégation %(delegation)s) "
                 "sur la version %(n)s.") % {
            "who": who, "decision": _decision(_get(e.after, "decision")),
            "delegation": _(roles.DELEGATIONS.get(delegation, delegation)) if delegation
            else "—", "n": _get(e.after, "version") or "—"}
    return _("%(who)s a enregistré l'information des représentants du personnel (réunion du "
             "%(date)s).") % {"who": who,
                              "date": _value(grid, e, "held_on", _get(e.after, "held_on"))}


def _measure_sentence(grid: Grid, e: AuditEvent, who: str, item: str) -> str:
    text = _short(str(_get(e.after, "text") or "—"))
    if e.action == "measure_created":
        return _("%(who)s a ajouté au plan d'action la mesure « %(text)s », confiée à "
                 "%(owner)s.") % {"who": who, "text": text,
                                  "owner": _get(e.after, "owner") or "—"}
    if e.action == "measure_updated":
        return _("%(who)s a modifié la mesure « %(text)s » du plan d'action.") % {
            "who": who, "text": text}
    status = dict(MeasureStatus.choices)
    return _("%(who)s a fait passer la mesure « %(text)s » de « %(old)s » à « %(new)s ».") % {
        "who": who, "text": text,
        "old": status.get(str(_get(e.before, "status")), "—"),
        "new": status.get(str(_get(e.after, "status")), "—")}


def _indicator_sentence(grid: Grid, e: AuditEvent, who: str, item: str) -> str:
    label = _short(str(_get(e.after, "label") or "—"))
    if e.action == "indicator_created":
        return _("%(who)s a ajouté l'indicateur « %(label)s ».") % {"who": who, "label": label}
    if e.action == "indicator_updated":
        return _("%(who)s a modifié l'indicateur « %(label)s ».") % {"who": who, "label": label}
    return _("%(who)s a enregistré la valeur %(value)s %(unit)s (étape « %(stage)s ») de "
             "l'indicateur « %(label)s ».") % {
        "who": who, "value": _plain(_get(e.after, "value")), "unit": _get(e.after, "unit") or "",
        "stage": _(STAGE_LABELS.get(str(_get(e.after, "stage")), "—")), "label": label}


def _followup_sentence(grid: Grid, e: AuditEvent, who: str, item: str) -> str:
    return _("%(who)s : %(action)s (%(item)s).") % {
        "who": who, "action": str(ACTIONS[e.action]).lower(), "item": item}


def _notice_sentence(grid: Grid, e: AuditEvent, who: str, item: str) -> str:
    version = _get(e.after, "version")
    if e.action == "notice_published":
        return _("%(who)s a publié la notice publique (version %(v)s).") % {
            "who": who, "v": version or "—"}
    if e.action == "notice_unpublished":
        return _("%(who)s a retiré la notice publique du registre (version %(v)s).") % {
            "who": who, "v": version or "—"}
    return _("%(who)s a enregistré la notice publique.") % {"who": who}


def _public_question_sentence(grid: Grid, e: AuditEvent, who: str, item: str) -> str:
    if e.action == "public_question_answered":
        return _("%(who)s a répondu au %(item)s : la question et sa réponse sont publiées avec "
                 "la notice.") % {"who": who, "item": item}
    return _("%(who)s a rejeté le %(item)s : il ne sera pas publié.") % {"who": who,
                                                                         "item": item}


def _procurement_sentence(grid: Grid, e: AuditEvent, who: str, item: str) -> str:
    """Bidders have no account: their actions name the bidder (the event's note)."""
    bidder = e.note.partition(" — ")[0] or "—"
    if e.action == "procurement_bid_saved":
        return _("Le soumissionnaire « %(bidder)s » a enregistré un brouillon de réponses "
                 "(%(n)s questions).") % {"bidder": bidder,
                                         "n": len(_get(e.after, "questions") or [])}
    if e.action == "procurement_bid_submitted":
        return _("Le soumissionnaire « %(bidder)s » a envoyé ses réponses.") % {
            "bidder": bidder}
    if e.action == "procurement_opened":
        return _("%(who)s a ouvert la consultation « %(title)s ».") % {
            "who": who, "title": _get(e.after, "title") or "—"}
    if e.action == "procurement_maturity_changed":
        return _("%(who)s a modifié la maturité de la réponse de « %(bidder)s » à « %(item)s » "
                 "(%(reason)s).") % {"who": who, "bidder": bidder, "item": item,
                                     "reason": e.note.partition(" — ")[2] or "—"}
    if e.action == "procurement_awarded":
        return _("%(who)s a attribué la consultation à « %(bidder)s » : %(n)s réponses "
                 "reportées dans le dossier, à confirmer.") % {
            "who": who, "bidder": bidder, "n": _get(e.after, "copied") or 0}
    if e.action == "procurement_closed":
        return _("%(who)s a clos la consultation.") % {"who": who}
    return _("%(who)s : %(action)s (« %(bidder)s »).") % {
        "who": who, "action": str(ACTIONS[e.action]).lower(), "bidder": bidder}


def _confirmed_sentence(grid: Grid, e: AuditEvent, who: str, item: str) -> str:
    return _("%(who)s a confirmé la réponse du prestataire à « %(item)s ».") % {
        "who": who, "item": item}


SENTENCES: Mapping[str, Sentence] = {
    "case_created": lambda g, e, who, item: _("%(who)s a créé le dossier « %(title)s ».") % {
        "who": who, "title": _get(e.after, "title") or "—"},
    "case_updated": _updated_sentence,
    "case_imported": lambda g, e, who, item: _("%(who)s a importé le dossier.") % {"who": who},
    "answer_recorded": _answer_sentence,
    "state_changed": _state_sentence,
    "assignment_added": _assignment_sentence,
    "assignment_removed": _assignment_sentence,
    "comment_added": _comment_sentence,
    "comment_resolved": _comment_sentence,
    "comment_reopened": _comment_sentence,
    "evidence_added": _evidence_sentence,
    "opinion_given": _opinion_sentence,
    "legal_level_retained": _legal_sentence,
    "footprint_computed": _footprint_sentence,
    "footprint_validated": _footprint_sentence,
    "footprint_answer_kept": _footprint_sentence,
    "computed_overridden": _footprint_sentence,
    "computed_override_removed": _footprint_sentence,
    "no_ai_comparison_saved": _no_ai_sentence,
    "no_ai_scenario_saved": _no_ai_sentence,
    "no_ai_scenario_deleted": _no_ai_sentence,
    "no_ai_comparison_concluded": _no_ai_sentence,
    "version_frozen": _path_sentence,
    "group_opinion_recorded": _path_sentence,
    "decision_recorded": _path_sentence,
    "union_information_recorded": _path_sentence,
    "measure_created": _measure_sentence,
    "measure_updated": _measure_sentence,
    "measure_status_changed": _measure_sentence,
    "indicator_created": _indicator_sentence,
    "indicator_updated": _indicator_sentence,
    "indicator_value_recorded": _indicator_sentence,
    **{code: _followup_sentence for code in ACTIONS if code.startswith("followup_")},
    **{code: _notice_sentence for code in ACTIONS if code.startswith("notice_")},
    **{code: _public_question_sentence for code in ACTIONS
       if code.startswith("public_question_")},
    **{code: _procurement_sentence for code in ACTIONS if code.startswith("procurement_")},
    "answer_confirmed": _confirmed_sentence,
}


def sentence(grid: Grid, event: AuditEvent) -> str:
    """The event as one French sentence naming who did what on which item."""
    who = event.actor_name or _("Boussole")
    item = item_label(grid, event.item_id)
    write = SENTENCES.get(event.action)
    if write is None:
        return _("%(who)s a modifié le dossier.") % {"who": who}
    return write(grid, event, who, item)


def journal_rows(grid: Grid, events: Iterable[AuditEvent]) -> list[JournalRow]:
    """The rows of a journal page: sentence, item label, before and after in French."""
    return [JournalRow(event=e, sentence=sentence(grid, e),
                       item_label=item_label(grid, e.item_id),
                       before=details(grid, e, e.before), after=details(grid, e, e.after))
            for e in events]
