"""Evaluation: facts → derived predicates → rules → statuses → levels (legal-rules §9.3).

* Rule status: trigger TRUE → ``ACTIF`` (``SATISFAIT`` if ``satisfait_si`` holds); trigger
  UNKNOWN → ``A_COMPLETER`` with the level it would have had (``SATISFAIT`` if ``satisfait_si``
  already holds, since the obligation would be met either way); FALSE → ``ECARTE`` (not listed).
* Escalations (``niveau_si``, first match wins): the indicative level is that of the first
  condition that holds (else the default level); the potential level also counts the
  escalations whose condition is unknown, so that answering « nsp » never lowers it.
* ``niveau_indicatif`` = max over ACTIF flags, ``niveau_potentiel`` = max over ACTIF and
  A_COMPLETER flags (potential levels), both floored at LIMITE: INFO flags never raise them.
* Rules using ``niveau_ge`` (GEN-04) are evaluated in a second pass, after aggregation.
* Dates (``date_evaluation``) only annotate flags, with one exception: a rule whose
  ``fin_base_legale`` (a temporary legal basis) is past the evaluation date is BLOQUANT_LOI.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from boussole.core.errors import InvalidDocument, Problem
from boussole.core.grid.model import Grid

from .base import Rule, RuleBase, check_param_value, default_rule_base, rule_base_for
from .expr import Explainer, evaluation_date
from .facts import NSP, Facts, collect_facts, display_value
from .logic import FALSE, FLOOR_LEVEL, TRUE, UNKNOWN, Level

ACTIF: Final = "ACTIF"
A_COMPLETER: Final = "A_COMPLETER"
SATISFAIT: Final = "SATISFAIT"
ECARTE: Final = "ECARTE"

_STATUS_ORDER: Final = {ACTIF: 0, A_COMPLETER: 1, SATISFAIT: 2}

_MONTHS: Final = (
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
    "octobre", "novembre", "décembre",
)


def date_fr(day: dt.date) -> str:
    """« 2 décembre 2027 », « 1er août 2024 »."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {_MONTHS[day.month - 1]} {day.year}"


#: Statuses in packed outcomes.
_STATUS_CODES: Final = (ACTIF, A_COMPLETER, SATISFAIT)
_CODE_ACTIF: Final = 0
_CODE_A_COMPLETER: Final = 1
_CODE_SATISFAIT: Final = 2


@dataclass(frozen=True, slots=True)
class Outcome:
    """The outcome of one listed rule (ECARTE rules are not listed)."""

    rule: Rule
    statut: str
    niveau: Level
    niveau_potentiel: Level

    @property
    def niveau_affiche(self) -> Level:
        """The level shown: the potential level for a flag « à compléter »."""
        return self.niveau_potentiel if self.statut == A_COMPLETER else self.niveau


def _pack(index: int, status: int, level: int, potential: int) -> int:
    # Outcomes are kept as plain ints: results retained by the thousand stay cheap for the
    # garbage collector.
    return (index << 12) | (status << 8) | (level << 4) | potential


@dataclass(frozen=True)
class Flag:
    """A listed rule ("point d'attention") with its explanation."""

    id: str
    statut: str
    niveau: Level
    niveau_potentiel: Level
    famille: str
    source: str
    explication: str
    references: tuple[str, ...]
    liens: tuple[dict[str, str], ...]
    pourquoi: dict[str, Any]
    faits_a_completer: tuple[str, ...]
    boussole: tuple[str, ...]
    a_confirmer_par: tuple[str, ...]
    exigible_a_compter_du: str | None
    annotations: tuple[str, ...]
    a_verifier: str | None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "statut": self.statut,
            "niveau": self.niveau.name,
        }
        if self.niveau_potentiel != self.niveau:
            out["niveau_potentiel"] = self.niveau_potentiel.name
        out.update({
            "famille": self.famille,
            "source": self.source,
            "explication": self.explication,
            "references": list(self.references),
            "liens": [dict(link) for link in self.liens],
            "pourquoi": self.pourquoi,
        })
        if self.faits_a_completer:
            out["faits_a_completer"] = list(self.faits_a_completer)
        out["boussole"] = list(self.boussole)
        out["a_confirmer_par"] = list(self.a_confirmer_par)
        out["exigible_a_compter_du"] = self.exigible_a_compter_du
        if self.annotations:
            out["annotations"] = list(self.annotations)
        if self.a_verifier:
            out["a_verifier"] = self.a_verifier
        return out


class Evaluation:
    """The result of evaluating one profile against a rule base.

    ``niveau_indicatif`` and ``niveau_potentiel`` are computed at once; flags with their
    explanations (``flags``, ``to_json()``) are built on demand.
    """

    __slots__ = ("_flags", "_packed", "base", "facts", "niveau_indicatif", "niveau_potentiel",
                 "params", "slots")

    def __init__(
        self,
        base: RuleBase,
        facts: Facts,
        params: Mapping[str, Any],
        slots: list[Any],
        packed: list[int],
        niveau_indicatif: Level,
        niveau_potentiel: Level,
    ) -> None:
        self.base = base
        self.facts = facts
        self.params = params
        self.slots = slots
        self._packed = packed
        self.niveau_indicatif = niveau_indicatif
        self.niveau_potentiel = niveau_potentiel
        self._flags: list[Flag] | None = None

    # -- quick accessors (no explanation work) ----------------------------------------------

    @property
    def outcomes(self) -> list[Outcome]:
        """Listed rules in base order, without explanations."""
        rules = self.base.rules
        return [
            Outcome(rules[code >> 12], _STATUS_CODES[(code >> 8) & 15],
                    Level((code >> 4) & 15), Level(code & 15))
            for code in sorted(self._packed)
        ]

    def status_of(self, rule_id: str) -> str:
        for outcome in self.outcomes:
            if outcome.rule.id == rule_id:
                return outcome.statut
        return ECARTE

    def statuses(self) -> dict[str, tuple[str, Level]]:
        """``{rule id: (status, level shown)}`` for every listed rule."""
        return {o.rule.id: (o.statut, o.niveau_affiche) for o in self.outcomes}

    @property
    def date_evaluation(self) -> dt.date:
        return evaluation_date(self.params)

    # -- full output -------------------------------------------------------------------------

    @property
    def flags(self) -> list[Flag]:
        """Listed rules, ACTIF then A_COMPLETER then SATISFAIT, by level, then base order."""
        if self._flags is None:
            explainer = Explainer(
                self.facts, self.slots, self.params,
                self.base.derived_bodies, self.base.rule_triggers,
            )
            ordered = sorted(
                self.outcomes,
                key=lambda o: (_STATUS_ORDER[o.statut], -o.niveau_affiche, o.rule.order),
            )
            today = self.date_evaluation
            self._flags = [self._flag(o, explainer, today) for o in ordered]
        return self._flags

    def _escalation(self, rule: Rule) -> int:
        for index, esc in enumerate(rule.niveau_si):
            if esc.condition.fn(self.facts, self.slots, self.params) == TRUE:
                return index
        return -1

    def _flag(self, outcome: Outcome, explainer: Explainer, today: dt.date) -> Flag:
        rule, statut, niveau, potentiel = (
            outcome.rule, outcome.statut, outcome.niveau, outcome.niveau_potentiel
        )
        escalation = self._escalation(rule) if rule.niveau_si else -1
        target = TRUE if statut == ACTIF or _trigger(self, rule) == TRUE else UNKNOWN
        names = explainer.facts_for(rule.declencheur, target)
        if escalation >= 0:
            names += explainer.facts_for(rule.niveau_si[escalation].condition, TRUE)
        if statut == SATISFAIT and rule.satisfait_si is not None:
            names += explainer.facts_for(rule.satisfait_si, TRUE)
        pending = [name for name in names if self._unknown(name)]
        if statut == ACTIF and potentiel > niveau:
            for esc in rule.niveau_si[: escalation if escalation >= 0 else None]:
                if esc.condition.fn(self.facts, self.slots, self.params) == UNKNOWN:
                    pending += [n for n in explainer.facts_for(esc.condition, UNKNOWN)
                                if self._unknown(n)]
        catalogue = self.base.catalogue
        pourquoi = {
            name: display_value(catalogue.get(name), self.facts.get(name))
            for name in dict.fromkeys(names)
        }
        return Flag(
            id=rule.id,
            statut=statut,
            niveau=outcome.niveau_affiche,
            niveau_potentiel=potentiel,
            famille=rule.famille,
            source=rule.source,
            explication=rule.explication,
            references=tuple(ref.texte for ref in rule.references),
            liens=tuple({"texte": ref.texte, "url": ref.url} for ref in rule.references),
            pourquoi=pourquoi,
            faits_a_completer=tuple(dict.fromkeys(pending)),
            boussole=rule.boussole,
            a_confirmer_par=rule.a_confirmer_par,
            exigible_a_compter_du=(
                rule.applicable_depuis.isoformat() if rule.applicable_depuis else None
            ),
            annotations=tuple(self._annotations(rule, today)),
            a_verifier=rule.a_verifier,
        )

    def _unknown(self, name: str) -> bool:
        value = self.facts.get(name)
        return value is None or (isinstance(value, frozenset) and NSP in value)

    def _annotations(self, rule: Rule, today: dt.date) -> list[str]:
        notes: list[str] = []
        if rule.applicable_depuis is not None and today < rule.applicable_depuis:
            notes.append(
                f"Exigible à compter du {date_fr(rule.applicable_depuis)} : la collectivité "
                "l'applique par anticipation."
            )
        for precision in rule.precisions:
            if precision.condition.fn(self.facts, self.slots, self.params) == TRUE:
                notes.append(precision.texte)
        if rule.fin_base_legale is not None:
            end = self.params.get(rule.fin_base_legale)
            if isinstance(end, dt.date):
                if today > end:
                    notes.append(
                        f"Base légale temporaire expirée le {date_fr(end)} (paramètre "
                        f"{rule.fin_base_legale}) : à la date d'évaluation du {date_fr(today)}, "
                        "le traitement n'a plus de base légale (bloquant au regard de la loi)."
                    )
                else:
                    notes.append(
                        f"Base légale temporaire jusqu'au {date_fr(end)} (paramètre "
                        f"{rule.fin_base_legale}) : au-delà, le point devient bloquant au regard "
                        f"de la loi (évaluation au {date_fr(today)})."
                    )
        for deadline in rule.echeances:
            when = deadline.date
            if deadline.param is not None:
                value = self.params.get(deadline.param)
                when = value if isinstance(value, dt.date) else None
            if when is None:
                continue
            text = deadline.avant if today < when else deadline.apres
            if text:
                notes.append(" ".join(text.replace("{date}", date_fr(when)).split()))
        for note in rule.notes:
            value = self.params.get(note.param)
            if value in (None, ""):
                notes.append(" ".join(note.sinon.split()))
            else:
                shown = date_fr(value) if isinstance(value, dt.date) else str(value)
                notes.append(" ".join(note.si_renseigne.replace("{valeur}", shown).split()))
        return notes

    def a_completer_en_priorite(self) -> list[dict[str, Any]]:
        """Unknown facts that could raise the level, highest potential level first."""
        found: dict[str, tuple[Level, list[str]]] = {}
        for flag in self.flags:
            if flag.statut == SATISFAIT:
                continue
            for name in flag.faits_a_completer:
                level, rules = found.get(name, (Level.INFO, []))
                rules.append(flag.id)
                found[name] = (max(level, flag.niveau_potentiel), rules)
        order = {name: i for i, name in enumerate(self.base.catalogue)}
        ranked = sorted(found.items(), key=lambda kv: (-kv[1][0], order.get(kv[0], 0)))
        out = []
        for name, (level, rules) in ranked:
            fact = self.base.catalogue.get(name)
            out.append({
                "fait": name,
                "question": fact.number if fact is not None else None,
                "niveau_potentiel": level.name,
                "regles": rules,
            })
        return out

    def to_json(self) -> dict[str, Any]:
        """The machine-interface JSON object (legal-rules, « Machine interface »)."""
        return {
            "niveau_indicatif": self.niveau_indicatif.name,
            "niveau_potentiel": self.niveau_potentiel.name,
            "version_regles": self.base.version_label,
            "veille_juridique": self.base.veille_juridique,
            "date_evaluation": self.date_evaluation.isoformat(),
            "libelles": {
                "niveau_indicatif": self.niveau_indicatif.label_fr,
                "niveau_potentiel": self.niveau_potentiel.label_fr,
            },
            "avertissement": self.base.avertissement,
            "flags": [flag.to_json() for flag in self.flags],
            "a_completer_en_priorite": self.a_completer_en_priorite(),
        }


def _trigger(evaluation: Evaluation, rule: Rule) -> int:
    value: int = evaluation.slots[rule.slot]
    return value


# ---------------------------------------------------------------------------------------------
# Entry points


def validate_input(
    faits: Any, parametres: Any, base: RuleBase, *, source: str | None = None,
    date: dt.date | None = None,
) -> tuple[Facts, Mapping[str, Any]]:
    """Validate facts and parameter overrides together; raise one :class:`InvalidDocument`.

    Without overrides the parameters are the base's defaults (a shared, read-only mapping).
    """
    problems: list[Problem] = []
    facts = collect_facts(faits, base.catalogue, problems)
    params: Mapping[str, Any] = base.defaults
    if parametres is not None or date is not None:
        merged = _merge_params(parametres, base, problems)
        if date is not None:
            merged["date_evaluation"] = date
        params = merged
    if problems:
        raise InvalidDocument(problems, source=source)
    return facts, params


def _merge_params(raw: Any, base: RuleBase, problems: list[Problem]) -> dict[str, Any]:
    params = dict(base.defaults)
    if raw is None:
        return params
    if not isinstance(raw, Mapping):
        problems.append(Problem(("parametres",), "un objet « paramètre : valeur » est attendu"))
        return params
    for key, value in raw.items():
        parameter = base.parameters.get(key) if isinstance(key, str) else None
        if parameter is None:
            problems.append(Problem(("parametres", str(key)), f"paramètre inconnu « {key} »"))
            continue
        checked, error = check_param_value(parameter.type, value)
        if error:
            problems.append(Problem(("parametres", key), error))
            continue
        params[key] = checked
    return params


def _rule_base(base: RuleBase | None, grid: Grid | None) -> RuleBase:
    if base is not None:
        return base
    return rule_base_for(grid) if grid is not None else default_rule_base()


def evaluate(
    facts: Mapping[str, Any],
    params: Mapping[str, Any] | None = None,
    *,
    base: RuleBase | None = None,
    grid: Grid | None = None,
    source: str | None = None,
) -> Evaluation:
    """Validate ``facts`` (the ``faits`` mapping) and ``params`` overrides, then evaluate.

    The facts are those of ``grid`` (a case's own grid version; default: the current bundled
    grid), unless a compiled ``base`` is given. Raises :class:`InvalidDocument` (French
    messages naming each faulty field).
    """
    rule_base = _rule_base(base, grid)
    normalised, merged = validate_input(facts, params, rule_base, source=source)
    return evaluate_normalised(normalised, merged, rule_base)


def evaluate_document(
    document: Any, *, base: RuleBase | None = None, grid: Grid | None = None,
    source: str | None = None, date: dt.date | None = None,
) -> Evaluation:
    """Evaluate a whole input document ``{"faits": {...}, "parametres": {...}}`` (against the
    facts of ``grid``, as :func:`evaluate`)."""
    rule_base = _rule_base(base, grid)
    if not isinstance(document, Mapping):
        raise InvalidDocument(
            [Problem((), "un objet {faits: …, parametres: …} est attendu")], source=source
        )
    problems = [
        Problem((str(key),), f"clé inconnue « {key} » (attendu : faits, parametres)")
        for key in document if key not in ("faits", "parametres")
    ]
    if "faits" not in document:
        problems.append(Problem(("faits",), "clé « faits » manquante"))
    if problems:
        raise InvalidDocument(problems, source=source)
    facts, params = validate_input(
        document["faits"], document.get("parametres"), rule_base, source=source, date=date
    )
    return evaluate_normalised(facts, params, rule_base)


def evaluate_normalised(facts: Facts, params: Mapping[str, Any], base: RuleBase) -> Evaluation:
    """Evaluate already validated facts (see :func:`validate_input`): the hot path."""
    slots: list[Any] = []
    push = slots.append
    for fn in base.program:
        push(fn(facts, slots, params))
    slots.extend([0] * (base.n_slots - len(slots)))
    packed: list[int] = []
    add = packed.append
    indicatif = potentiel = int(FLOOR_LEVEL)
    start = base.rule_slot_start
    end = start + len(base.rule_table)
    for truth, entry in zip(slots[start:end], base.rule_table, strict=True):
        if truth == FALSE:
            continue
        index, simple, level = entry
        if simple:
            if truth == TRUE:
                add((index << 12) | level * 17)  # ACTIF, level, level
                if level > indicatif:
                    indicatif = level
            else:
                add((index << 12) | 256 | level * 17)  # A_COMPLETER
            if level > potentiel:
                potentiel = level
            continue
        status, level, potential = _classify(base.rules[index], truth, facts, slots, params)
        add(_pack(index, status, level, potential))
        if status == _CODE_ACTIF:
            if level > indicatif:
                indicatif = level
            if potential > potentiel:
                potentiel = potential
        elif status == _CODE_A_COMPLETER and potential > potentiel:
            potentiel = potential
    if base.second_pass:
        slots[base.level_slot] = indicatif
        slots[base.level_slot + 1] = potentiel
        for rule in base.second_pass:
            trigger = rule.trigger_fn
            if trigger is None:  # pragma: no cover - set by compilation
                continue
            truth = slots[rule.slot] = trigger(facts, slots, params)
            if truth != FALSE:
                # Second-pass rules are INFO (checked by the linter): no effect on levels.
                status, level, potential = _classify(rule, truth, facts, slots, params)
                add(_pack(rule.index, status, level, potential))
    return Evaluation(base, facts, params, slots, packed, Level(indicatif), Level(potentiel))


def _classify(
    rule: Rule, truth: int, facts: Facts, slots: list[Any], params: Mapping[str, Any]
) -> tuple[int, int, int]:
    """(status code, indicative level, potential level) of a rule whose trigger is not FALSE."""
    satisfied = rule.satisfied_fn(facts, slots, params) if rule.satisfied_fn else FALSE
    if satisfied == TRUE:
        status = _CODE_SATISFAIT
    elif truth == TRUE:
        status = _CODE_ACTIF
    else:
        status = _CODE_A_COMPLETER
    level = int(rule.niveau)
    if not rule.escalation_fns:
        return status, level, level
    extra = int(Level.INFO)
    for fn, esc_level in rule.escalation_fns:
        value = fn(facts, slots, params)
        if value == TRUE:
            level = int(esc_level)
            break
        if value == UNKNOWN and esc_level > extra:
            extra = int(esc_level)
    return status, level, max(level, extra)
