"""Every entry point refuses what the core refuses: the web form, the service (used by the CLI
and the future API) and the case import, for each invariant of a case. Nothing is stored."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from boussole.core.errors import InvalidDocument, Refusal
from boussole.core.limits import LIMITS
from boussole.web import demo
from boussole.web.accounts.models import Organisation, User
from boussole.web.cases import services
from boussole.web.cases.exchange import case_export, case_import
from boussole.web.cases.models import Answer, AuditEvent, Case, Opinion
from boussole.web.grids import grid_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def people() -> dict[str, User]:
    demo.create_demo()
    return {u.username: u for u in User.objects.filter(organisation__slug=demo.DEMO_SLUG)}


def chatbot() -> Case:
    return Case.objects.get(title=demo.CHATBOT.title)


def computed_question(case: Case) -> str:
    grid = grid_for(case.grid_id, case.grid_version)
    return next(q.id for q in grid.questions if q.computed and q.type == "number")


def state() -> tuple[Any, ...]:
    return (sorted(Answer.objects.values_list("case_id", "item_id", "value", "justification")),
            sorted(Opinion.objects.values_list("case_id", "criterion", "verdict")),
            Case.objects.count(), AuditEvent.objects.count())


# Each invariant: how the web posts it, how a service call makes it, how an import carries it.
def _web_computed(client: Any, case: Case) -> Any:
    return client.post(f"/cas/{case.pk}/reponse/{computed_question(case)}/",
                       {"value": "12", "justification": " ", "revision": "0"})


def _service_computed(case: Case, people: dict[str, User]) -> None:
    answer = Answer.objects.filter(case=case, item_id=computed_question(case)).first()
    services.answer_record(case=case, user=people["numerique-responsable"],
                           item_id=computed_question(case), value=12, justification=" ",
                           expected_revision=answer.revision if answer else 0)


def _import_computed(document: dict[str, Any], case: Case) -> None:
    item = computed_question(case)
    template = next(a for a in document["answers"] if a["kind"] == "question")
    document["answers"] = [a for a in document["answers"] if a["item_id"] != item] + [
        {**template, "item_id": item, "value": 12, "justification": ""}]


def _web_opinion(client: Any, case: Case) -> Any:
    return client.post(f"/cas/{case.pk}/critere/6/avis/",
                       {"verdict": "defavorable", "recommendations": "", "revision": "0"})


def _service_opinion(case: Case, people: dict[str, User]) -> None:
    services.opinion_give(case=case, user=people["numerique"], criterion=6,
                          verdict="defavorable", recommendations="", expected_revision=0)


def _import_opinion(document: dict[str, Any], case: Case) -> None:
    document["opinions"] = [{"criterion": 6, "verdict": "defavorable", "recommendations": "",
                             "revision": 1, "author": document["case"]["lead"],
                             "updated_at": document["case"]["updated_at"]}]


LONG = "x" * (LIMITS["justification"] + 1)


def _web_long(client: Any, case: Case) -> Any:
    return client.post(f"/cas/{case.pk}/reponse/{computed_question(case)}/",
                       {"value": "12", "justification": LONG, "revision": "0"})


def _service_long(case: Case, people: dict[str, User]) -> None:
    answer = Answer.objects.filter(case=case, item_id=computed_question(case)).first()
    services.answer_record(case=case, user=people["numerique-responsable"],
                           item_id=computed_question(case), value=12, justification=LONG,
                           expected_revision=answer.revision if answer else 0)


def _import_long(document: dict[str, Any], case: Case) -> None:
    _import_computed(document, case)
    document["answers"][-1]["justification"] = LONG


INVARIANTS: dict[str, tuple[Callable[..., Any], Callable[..., None], Callable[..., None],
                            str, str]] = {
    # name: web, service, import, login on the web, words of the refusal
    "computed_value_needs_justification": (
        _web_computed, _service_computed, _import_computed, "numerique-responsable",
        "doit être justifiée"),
    "unfavourable_opinion_needs_explanation": (
        _web_opinion, _service_opinion, _import_opinion, "numerique", "doit être motivé"),
    "texts_are_bounded": (
        _web_long, _service_long, _import_long, "numerique-responsable", "trop long"),
}


@pytest.mark.parametrize("entry", ["web", "service", "import"])
@pytest.mark.parametrize("invariant", sorted(INVARIANTS))
def test_every_entry_point_refuses_what_the_core_refuses(
        people: dict[str, User], client: Any, invariant: str, entry: str) -> None:
    web, service, to_import, login, words = INVARIANTS[invariant]
    case = chatbot()
    before = state()
    if entry == "web":
        client.force_login(people[login])
        response = web(client, case)
        assert response.status_code in (200, 302, 400)
        if response.status_code == 302:
            response = client.get(response["Location"])
        assert words in response.content.decode().lower().replace("&#x27;", "'")
    elif entry == "service":
        with pytest.raises(Refusal, match=words):
            service(case, people)
    else:
        document = json.loads(json.dumps(case_export(case)))
        to_import(document, case)
        other = Organisation.objects.create(slug="voisine", name="Commune voisine")
        importer = User.objects.create_user("import", organisation=other, role="admin")
        before = state()
        with pytest.raises(InvalidDocument, match=words):
            case_import(document, organisation=other, user=importer)
    assert state() == before


def test_services_check_the_core_abilities_too(people: dict[str, User]) -> None:
    """Defence in depth: a service called directly (CLI, API, a future writer) refuses what the
    person's abilities do not allow, as the web does."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from boussole.core.errors import Forbidden
    from boussole.web.cases.legal import legal_retain

    case = chatbot()
    grid = grid_for(case.grid_id, case.grid_version)
    criterion5 = next(q.id for q in grid.questions if q.criterion == 5 and not q.computed
                      and q.type == "yes_no")
    before = state()
    refused = [
        lambda: services.answer_record(case=case, user=people["juriste"], item_id=criterion5,
                                       value="oui", expected_revision=0),
        lambda: services.opinion_give(case=case, user=people["porteur"], criterion=3,
                                      verdict="favorable", expected_revision=0),
        lambda: services.opinion_give(case=case, user=people["juriste"], criterion=5,
                                      verdict="favorable", expected_revision=0),
        lambda: services.evidence_add(case=case, user=people["syndicat"], criterion=1,
                                      upload=SimpleUploadedFile("n.txt", b"note")),
        lambda: services.case_update(case=case, user=people["rh"], title="Autre titre"),
        lambda: legal_retain(case=case, user=people["rssi"], retained_level="MODERE",
                             rationale="Pas mon domaine."),
    ]
    for attempt in refused:
        with pytest.raises(Forbidden):
            attempt()
    assert state() == before
