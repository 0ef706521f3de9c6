"""Invariants of the rule base and the engine (legal-rules §9.6), checked with hypothesis."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from boussole.core.rules import Evaluation, Level, default_rule_base, evaluate
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
def test_evaluation_date_only_annotates(profile: dict[str, Any], first: dt.date,
                                        second: dt.date) -> None:
    one = evaluate(profile, {"date_evaluation": first.isoformat()}, base=BASE)
    two = evaluate(profile, {"date_evaluation": second.isoformat()}, base=BASE)
    assert snapshot(one) == snapshot(two)
    strip = ("annotations",)
    flags_one = [{k: v for k, v in f.items() if k not in strip} for f in one.to_json()["flags"]]
    flags_two = [{k: v for k, v in f.items() if k not in strip} for f in two.to_json()["flags"]]
    assert flags_one == flags_two


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
    """73 rules (BIO 11, DISC 3, ART5 7, DEC 7, HR 9, TR 6, GDPR 10, VID 4, CYB 12, GEN 4)."""
    counts: dict[str, int] = {}
    for rule in BASE.rules:
        prefix = rule.id.split("-")[0]
        counts[prefix] = counts.get(prefix, 0) + 1
    assert counts == {"BIO": 11, "DISC": 3, "ART5": 7, "DEC": 7, "HR": 9, "TR": 6, "GDPR": 10,
                      "VID": 4, "CYB": 12, "GEN": 4}
    assert len(BASE.rules) == 73
