"""Per-case counters (answers, « je ne sais pas », progress per criterion) stay equal to a
recount from the stored answers after any sequence of writes through the services: web
``answer_record`` (as the forms, the API and the calculator call it) and the importer."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from boussole.web.cases import selectors, services
from boussole.web.cases.counters import compute, ensure_counters
from boussole.web.cases.exchange import case_export, case_import
from boussole.web.cases.models import Answer, Case

pytestmark = pytest.mark.django_db

#: (item, values, who answers: the lawyer on the profile and criteria 1-2, the lead on 3).
ITEMS: list[tuple[str, list[Any], str]] = [
    ("est_ia", ["oui", "non", "nsp"], "juriste"),
    ("video", ["oui", "non", "nsp"], "juriste"),
    ("decision", ["aucune", "nsp"], "juriste"),
    ("donnees_non_discriminatoires", ["oui", "non", "nsp"], "juriste"),
    ("conformite_donnees_personnelles", ["AIPD réalisée.", "nsp"], "juriste"),
    ("nombre_usagers", [10, 1200, "nsp"], "porteur"),
]

writes = st.lists(st.tuples(st.integers(0, len(ITEMS) - 1), st.integers(0, 2),
                            st.booleans()), min_size=1, max_size=12)


def recount(case: Case) -> dict[str, Any]:
    return compute(case, list(Answer.objects.filter(case=case).values_list(
        "kind", "item_id", "value")))


def stored(case: Case) -> dict[str, Any]:
    fresh = Case.objects.get(pk=case.pk)
    return {"answer_count": fresh.answer_count, "unknown_count": fresh.unknown_count,
            "progress": fresh.progress}


@pytest.fixture
def people(organisation: Any, make_user: Any) -> dict[str, Any]:
    return {"porteur": make_user("porteur", organisation),
            "juriste": make_user("juriste", organisation, role="referent")}


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=writes, import_at=st.integers(0, 12))
def test_counters_equal_the_recount_after_any_writes(people: dict[str, Any],
                                                     organisation: Any,
                                                     sequence: list[tuple[int, int, bool]],
                                                     import_at: int) -> None:
    case = services.case_create(organisation=organisation, user=people["porteur"],
                                title="Compteurs", service="Essais", purpose="Recompter.")
    assert stored(case) == recount(case)
    for step, (index, choice, justify) in enumerate(sequence):
        item_id, values, who = ITEMS[index]
        value = values[choice % len(values)]
        current = Answer.objects.filter(case=case, item_id=item_id).first()
        # A refused write changes nothing, counters included.
        with contextlib.suppress(services.AnswerInvalid):
            services.answer_record(case=case, user=people[who], item_id=item_id, value=value,
                                   justification="Valeur à confirmer." if justify else "",
                                   expected_revision=current.revision if current else 0)
        assert stored(case) == recount(case), (step, item_id, value)
        if step == import_at:
            copy = case_import(case_export(case, with_content=False),
                               organisation=organisation, user=people["porteur"])
            assert stored(copy) == recount(copy)
            assert stored(copy)["progress"] == stored(case)["progress"]
    counters = stored(case)
    answers = Answer.objects.filter(case=case, kind=Answer.Kind.QUESTION)
    assert counters["answer_count"] == answers.count()
    assert counters["unknown_count"] == sum(1 for a in answers if a.value == "nsp")


def test_lists_read_progress_from_the_counters(people: dict[str, Any],
                                               organisation: Any) -> None:
    case = services.case_create(organisation=organisation, user=people["porteur"],
                                title="Compteurs", service="Essais", purpose="Recompter.")
    services.answer_record(case=case, user=people["juriste"], item_id="est_ia", value="oui")
    services.answer_record(case=case, user=people["juriste"],
                           item_id="donnees_non_discriminatoires", value="oui")
    fresh = Case.objects.get(pk=case.pk)
    assert fresh.answer_count == 1
    progress = selectors.progress_for_cases([fresh])[case.pk]
    _, expected = selectors.case_progress(fresh)
    assert progress == expected
    assert progress[1].answered >= 1


def test_cases_without_counters_get_them_on_first_read(people: dict[str, Any],
                                                       organisation: Any) -> None:
    """Cases written before the counters existed (or by a raw bulk load) are counted once."""
    case = services.case_create(organisation=organisation, user=people["porteur"],
                                title="Ancien", service="Essais", purpose="Recompter.")
    services.answer_record(case=case, user=people["juriste"], item_id="est_ia", value="oui")
    services.answer_record(case=case, user=people["juriste"],
                           item_id="donnees_non_discriminatoires", value="nsp",
                           justification="À vérifier.")
    expected = stored(case)
    Case.objects.filter(pk=case.pk).update(answer_count=0, unknown_count=0, progress={})
    stale = Case.objects.get(pk=case.pk)
    ensure_counters([stale])
    assert stored(case) == expected == recount(case)
    assert expected["unknown_count"] == 1
