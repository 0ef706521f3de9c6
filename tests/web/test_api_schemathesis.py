"""Property-based test of the REST API against its own OpenAPI schema (schemathesis), on the
demonstration data with a read-write token: no server error, every answer (status, media type,
headers, body) as the schema says, for valid and invalid requests alike, and authentication
never ignored.

The bound: ``MAX_EXAMPLES`` requests per operation and generation mode. Path identifiers are
taken, half of the time, among the demonstration cases and the items of their grid, so that the
requests reach real records rather than only 404s."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from boussole.web.api.tokens import token_create
from boussole.web.cases.models import Answer, Case
from boussole.web.demo import create_demo

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 20


@contextlib.contextmanager
def wsgi_app() -> Iterator[WSGIHandler]:
    """Django's WSGI application, run inside the test's transaction (as Django's test client
    does: the connection is not closed at the end of each request). Django's test client
    connects the closing again after each of its requests: do not use it inside."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_api_conforms_to_its_schema(client: Any) -> None:
    create_demo()
    from boussole.web.accounts.models import User

    writer = User.objects.get(username="juriste")
    token = token_create(user=writer, name="schemathesis", scope="write").secret
    headers = {"Authorization": f"Bearer {token}"}
    case_ids = list(Case.objects.values_list("pk", flat=True))
    item_ids = sorted(set(Answer.objects.values_list("item_id", flat=True)))[:40]
    assert case_ids and item_ids

    raw = client.get("/api/v1/openapi.json").json()
    schema = schemathesis.openapi.from_dict(raw)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 10

    real_ids = st.one_of(st.none(), st.sampled_from(case_ids))
    real_items = st.one_of(st.none(), st.sampled_from(item_ids))
    checked: list[str] = []

    with wsgi_app() as app:
        schema.app = app
        for operation in operations:
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                exercise(operation, mode, headers, app, real_ids, real_items)
                checked.append(f"{operation.label} ({mode})")
    assert len(checked) == 20


def exercise(operation: Any, mode: GenerationMode, headers: dict[str, str], app: WSGIHandler,
             real_ids: Any, real_items: Any) -> None:
    """``MAX_EXAMPLES`` requests to one operation, each answer checked against the schema."""

    @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode), case_id=real_ids,
           item_id=real_items)
    def run(case: Any, case_id: int | None, item_id: str | None) -> None:
        if mode is GenerationMode.POSITIVE:
            path = case.path_parameters or {}
            if case_id is not None and "case_id" in path:
                path["case_id"] = case_id
            if item_id is not None and "item_id" in path:
                path["item_id"] = item_id
        # Every check of the answers; two checks of the requests are left out: an answer's
        # value is typed by its grid item, which a schema cannot say per item id (a
        # schema-valid value may be refused, 422), and unknown query parameters are ignored
        # (as HTTP APIs do), where schemathesis expects them refused.
        response = case.call_and_validate(
            headers=headers, app=app,
            excluded_checks=[positive_data_acceptance, negative_data_rejection])
        assert response.status_code < 500, response.text
        if response.status_code >= 400 and response.status_code != 405:
            body = json.loads(response.text)
            assert {"type", "title", "status", "detail"} <= set(body)

    run()
