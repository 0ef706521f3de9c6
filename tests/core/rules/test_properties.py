"""Invariants of the rule base and the engine (legal-rules §9.6), checked with hypothesis."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from boussole.core.rules import Evaluation, Level, default_rule_base, evaluate
from boussole.core.rules.base import Rule
from boussole.core.rules.expr import CountTest, FactTest, LevelTest, Node, Not, Ref
from boussole.core.rules.facts import FactDef

BASE = default_rule_base()
CATALOGUE = dict(BASE.catalogue)
ABSENT = object()
STRICT = ["identification", "verification", "categorisation", "emotions", "base_visages",
          "voix_identification"]

SETTINGS = settings(max_examples=100, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def valid_value(fact: FactDef) -> st.SearchStrategy[Any]:
    if fact.type in ("yes_no", "single_choice"):
        return st.sampled_from(fact.options)
    if fact.type == "multiple_choice":
        plain = [option for option in fact.options if option not in fact.exclusive]
        choices = st.lists(st.sampled_from(plain), min_size=1, max_size=4, unique=True)
        partial = choices.map(lambda items: [*items, "nsp"])
        exclusive = st.sampled_from(sorted(fact.exclusive)).map(lambda option: [option])
        return st.one_of(choices, partial, exclusive) if fact.exclusive else st.one_of(
            choices, partial)
    if fact.type == "scale":
        assert fact.min is not None and fact.max is not None
        return st.integers(fact.min, fact.max)
    return st.dates(dt.date(2000, 1, 1), dt.date(2035, 12, 31)).map(dt.date.isoformat)


def answer(fact: FactDef) -> st.SearchStrategy[Any]:
    return st.one_of(st.just(ABSENT), st.just("nsp"), valid_value(fact), valid_value(fact),
                     valid_value(fact))


@st.composite
def profiles(draw: st.DrawFn) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for fact in CATALOGUE.values():
        value = draw(answer(fact))
        if value is not ABSENT:
            out[fact.id] = value
    return out


def snapshot(evaluation: Evaluation) -> tuple[Level, Level, dict[str, tuple[str, Level]]]:
    return evaluation.niveau_indicatif, evaluation.niveau_potentiel, evaluation.statuses()


@SETTINGS
@given(profiles(), st.lists(st.sampled_from(STRICT), min_size=1, max_size=3, unique=True))
def test_biometrics_is_at_least_blocking_doctrine(profile: dict[str, Any],
                                                  strict: list[str]) -> None:
    profile["biometrie"] = strict
    assert evaluate(profile, base=BASE).niveau_indicatif >= Level.BLOQUANT_DOCTRINE


@SETTINGS
@given(profiles())
def test_automated_decision_is_at_least_blocking_doctrine(profile: dict[str, Any]) -> None:
    profile["decision"] = "automatique"
    assert evaluate(profile, base=BASE).niveau_indicatif >= Level.BLOQUANT_DOCTRINE


@SETTINGS
@given(profiles())
def test_security_video_analytics_outside_the_law_is_blocking_law(profile: dict[str, Any]) -> None:
    profile["video"] = "securite_hors_cadre"
    assert evaluate(profile, base=BASE).niveau_indicatif == Level.BLOQUANT_LOI


@SETTINGS
@given(profiles(), st.data())
def test_answering_nsp_never_lowers_the_potential_level(profile: dict[str, Any],
                                                         data: st.DataObject) -> None:
    before = evaluate(profile, base=BASE)
    fact = data.draw(st.sampled_from(sorted(CATALOGUE)))
    changed = {**profile, fact: "nsp"}
    after = evaluate(changed, base=BASE)
    assert after.niveau_potentiel >= before.niveau_potentiel
    # Removing the answer is the same as « nsp ».
    removed = {k: v for k, v in profile.items() if k != fact}
    assert evaluate(removed, base=BASE).niveau_potentiel == after.niveau_potentiel


@SETTINGS
@given(profiles(), st.dates(dt.date(2020, 1, 1), dt.date(2035, 1, 1)),
       st.dates(dt.date(2020, 1, 1), dt.date(2035, 1, 1)))
def test_evaluation_date_only_annotates_except_an_expired_legal_basis(
        profile: dict[str, Any], first: dt.date, second: dt.date) -> None:
    """Dates annotate; the one exception (principle 3 of rules v2) is a rule whose temporary
    legal basis ends before the evaluation date: it is then BLOQUANT_LOI. So a later date never
    lowers anything, and rules without such a basis do not depend on the date at all."""
    first, second = min(first, second), max(first, second)
    one = evaluate(profile, {"date_evaluation": first.isoformat()}, base=BASE)
    two = evaluate(profile, {"date_evaluation": second.isoformat()}, base=BASE)
    assert two.niveau_indicatif >= one.niveau_indicatif
    assert two.niveau_potentiel >= one.niveau_potentiel
    expiring = {rule.id: rule.fin_base_legale for rule in BASE.rules if rule.fin_base_legale}
    assert expiring, "the bundled base has a rule with a temporary legal basis (VID-02)"
    strip = ("annotations",)
    flags_one = {f["id"]: {k: v for k, v in f.items() if k not in strip}
                 for f in one.to_json()["flags"]}
    flags_two = {f["id"]: {k: v for k, v in f.items() if k not in strip}
                 for f in two.to_json()["flags"]}
    assert flags_one.keys() == flags_two.keys()
    for rule_id, flag in flags_one.items():
        later = flags_two[rule_id]
        assert flag["statut"] == later["statut"]
        if rule_id not in expiring:
            assert flag == later
            continue
        end = BASE.defaults[expiring[rule_id]]
        for day, shown in ((first, flag), (second, later)):
            blocking = shown.get("niveau_potentiel", shown["niveau"]) == "BLOQUANT_LOI"
            assert blocking == (day > end), (rule_id, day, end)


@SETTINGS
@given(profiles(), st.data())
def test_an_unknown_never_hides_a_certain_obligation(profile: dict[str, Any],
                                                     data: st.DataObject) -> None:
    """Principle 2 of rules v2, over every rule: replacing one known fact by « nsp » never turns
    an ACTIF rule into « à compléter », nor lowers its level, unless the fact is in that rule's
    own trigger (or level conditions); a guard on another rule (« ¬DISC-01 ») is not."""
    known = sorted(name for name, value in profile.items()
                   if value != "nsp" and not (isinstance(value, list) and "nsp" in value))
    if not known:
        return
    fact = data.draw(st.sampled_from(known))
    before = {o.rule.id: o for o in evaluate(profile, base=BASE).outcomes}
    after = {o.rule.id: o for o in evaluate({**profile, fact: "nsp"}, base=BASE).outcomes}
    for rule_id, outcome in before.items():
        if outcome.statut != "ACTIF":
            continue
        now = after.get(rule_id)
        assert now is not None, f"{rule_id} disappeared when {fact} became unknown"
        if fact in OWN_FACTS[rule_id]:
            continue
        assert now.statut == "ACTIF", (
            f"{rule_id} became {now.statut} when {fact} (not in its own trigger) became unknown")
        assert now.niveau >= outcome.niveau, (rule_id, fact)


def _own_facts(node: Node, positive: bool, out: set[str]) -> None:
    if isinstance(node, FactTest):
        out.add(node.fact)
    elif isinstance(node, Not):
        _own_facts(node.item, not positive, out)
    elif isinstance(node, Ref):
        if node.kind == "derived":
            _own_facts(BASE.derived_bodies[node.target], positive, out)
        elif positive:  # a rule cited positively is part of the condition, a guard is not
            _own_facts(BASE.rule_triggers[node.target], positive, out)
    elif isinstance(node, CountTest):
        _own_facts(BASE.derived_bodies[node.counter], positive, out)
    elif isinstance(node, LevelTest):  # GEN-04 reads the aggregated level: every fact
        out.update(CATALOGUE)
    else:
        for child in node.children():
            _own_facts(child, positive, out)


def own_facts(rule: Rule) -> frozenset[str]:
    out: set[str] = set()
    _own_facts(rule.declencheur, True, out)
    for escalation in rule.niveau_si:
        _own_facts(escalation.condition, True, out)
    return frozenset(out)


OWN_FACTS = {rule.id: own_facts(rule) for rule in BASE.rules}


def test_own_facts_follow_derived_predicates_and_positive_rules_but_not_guards() -> None:
    assert OWN_FACTS["DISC-02"] >= {"donnees_sensibles", "biometrie"}
    assert "sensibles_comme_critere" not in OWN_FACTS["DISC-02"]
    assert OWN_FACTS["HR-09"] >= OWN_FACTS["HR-01"]  # any: [{rule: HR-01}, {rule: HR-02}]
    assert {"volume", "personnes", "croisement"} <= OWN_FACTS["GDPR-02"]


@SETTINGS
@given(profiles())
def test_an_aid_to_decision_without_human_review_is_an_automated_decision(
        profile: dict[str, Any]) -> None:
    """Principle 1: the red line on fully automated decisions cannot be avoided by wording."""
    profile.update(decision="aide", controle_humain="absent")
    evaluation = evaluate(profile, base=BASE)
    assert evaluation.niveau_indicatif >= Level.BLOQUANT_DOCTRINE
    assert evaluation.status_of("DEC-01") == "ACTIF"
    profile["controle_humain"] = "nsp"
    assert evaluate(profile, base=BASE).niveau_potentiel >= Level.BLOQUANT_DOCTRINE


@SETTINGS
@given(profiles())
def test_output_is_consistent_and_serialisable(profile: dict[str, Any]) -> None:
    evaluation = evaluate(profile, base=BASE)
    assert evaluation.niveau_potentiel >= evaluation.niveau_indicatif >= Level.LIMITE
    payload = json.loads(json.dumps(evaluation.to_json(), ensure_ascii=False))
    assert payload["niveau_indicatif"] == evaluation.niveau_indicatif.name
    active = [f for f in payload["flags"] if f["statut"] == "ACTIF"]
    expected = max([Level[f["niveau"]] for f in active] + [Level.LIMITE])
    assert payload["niveau_indicatif"] == expected.name
    for flag in payload["flags"]:
        assert flag["statut"] in {"ACTIF", "A_COMPLETER", "SATISFAIT"}
        assert flag["references"] and flag["explication"].endswith(".")
        if flag["statut"] == "ACTIF":
            # "pourquoi" only names known answers for an active flag.
            assert "nsp" not in flag["pourquoi"].values()


def test_every_rule_has_a_sourced_french_explanation() -> None:
    french = re.compile(r"[àâçéèêëîïôûùüÿœ]|\b(?:le|la|les|des|du|un|une|et|doit)\b", re.I)
    for rule in BASE.rules:
        assert rule.references, rule.id
        assert all(ref.url.startswith(("https://", "http://")) for ref in rule.references)
        assert rule.explication.strip().endswith("."), rule.id
        assert french.search(rule.explication), rule.id


def test_rule_base_inventory() -> None:
    """79 rules since v2 (73 − GDPR-02b/c + GDPR-02 + 7 new rules)."""
    counts: dict[str, int] = {}
    for rule in BASE.rules:
        prefix = rule.id.split("-")[0]
        counts[prefix] = counts.get(prefix, 0) + 1
    assert counts == {"BIO": 11, "DISC": 3, "ART5": 7, "DEC": 7, "HR": 9, "TR": 6, "ACC": 1,
                      "GDPR": 11, "HDS": 1, "VID": 4, "CYB": 12, "NIS2": 1, "GEN": 4,
                      "ARCH": 1, "MP": 1}
    assert len(BASE.rules) == 79
