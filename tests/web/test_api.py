"""The REST API: the same abilities as the web (404 outside the organisation, 403 for a read
token or a vendor on internal records), writes validated, audited and protected against stale
edits (409), errors as RFC 9457 problem details, bounded queries, the schema kept in sync."""

from __future__ import annotations

import html as html_module
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from boussole.web.api.tokens import token_create
from boussole.web.cases import services
from boussole.web.cases.models import Answer, AuditEvent

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
QUESTION = "donnees_non_discriminatoires"  # criterion 1 (juridique), vendor-facing, yes/no
INTERNAL_QUESTION = "conformite_donnees_personnelles"  # criterion 1, not for the vendor


def make_case(organisation: Any, user: Any, title: str = "Cas d'essai", **extra: Any) -> Any:
    return services.case_create(organisation=organisation, user=user, title=title,
                                service=extra.get("service", "Eau"),
                                purpose="Tester l'API.")


def bearer(user: Any, scope: str = "write") -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=user, name='t', scope=scope).secret}"}


@pytest.fixture
def world(organisation: Any, other_organisation: Any, make_user: Any) -> dict[str, Any]:
    lead = make_user("porteur", organisation)
    lawyer = make_user("juriste", organisation, role="referent", domain="juridique")
    vendor = make_user("prestataire", organisation, role="prestataire")
    stranger = make_user("voisin", other_organisation, role="admin")
    shared = make_case(organisation, lead, "Cas partagé")
    shared.vendor_account = vendor
    shared.save()
    hidden = make_case(organisation, lead, "Cas interne", service="Voirie")
    return {"lead": lead, "lawyer": lawyer, "vendor": vendor, "stranger": stranger,
            "shared": shared, "hidden": hidden}


def case_paths(case_id: int) -> list[str]:
    base = f"/api/v1/cases/{case_id}"
    return [base, f"{base}/export", f"{base}/answers", f"{base}/legal", f"{base}/footprint",
            f"{base}/decisions"]


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert {"type", "title", "status", "detail", "instance"} <= set(body)
    assert body["status"] == status
    assert body["type"].startswith("urn:boussole:probleme:")
    assert body["instance"] == response.request["PATH_INFO"]
    assert body["detail"]
    assert "no-store" in response["Cache-Control"]
    return body


def test_other_organisation_gets_404_on_every_case_endpoint(client: Any, world: Any) -> None:
    headers = bearer(world["stranger"])
    for case in (world["shared"], world["hidden"]):
        for path in case_paths(case.pk):
            assert_problem(client.get(path, **headers), 404)
        response = client.put(f"/api/v1/cases/{case.pk}/answers/{QUESTION}",
                              data={"value": "oui", "expected_revision": 0},
                              content_type="application/json", **headers)
        assert_problem(response, 404)
    listing = client.get("/api/v1/cases", **headers).json()
    assert listing["total"] == 0 and listing["items"] == []
    assert not Answer.objects.exists()


def test_own_organisation_reads_every_case_endpoint(client: Any, world: Any) -> None:
    headers = bearer(world["lawyer"], "read")
    for path in case_paths(world["hidden"].pk):
        response = client.get(path, **headers)
        assert response.status_code == 200, (path, response.content)
        assert response["Content-Type"].startswith("application/json")
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    detail = client.get(f"/api/v1/cases/{world['hidden'].pk}", **headers).json()
    assert detail["title"] == "Cas interne" and detail["internal"] is True
    assert detail["lead"] == {"username": "porteur", "name": "porteur"}
    export = client.get(f"/api/v1/cases/{world['hidden'].pk}/export", **headers).json()
    assert export["format"] == "boussole-case/1"
    legal = client.get(f"/api/v1/cases/{world['hidden'].pk}/legal", **headers).json()
    assert legal["evaluation"]["niveau_indicatif"] and legal["retained"] is None


def test_vendor_sees_only_its_shared_case(client: Any, world: Any) -> None:
    headers = bearer(world["vendor"])
    listing = client.get("/api/v1/cases", **headers).json()
    assert [row["id"] for row in listing["items"]] == [world["shared"].pk]
    assert listing["items"][0]["legal_level"] is None and listing["items"][0]["lead"] is None
    detail = client.get(f"/api/v1/cases/{world['shared'].pk}", **headers).json()
    assert detail["internal"] is False and detail["vendor"] is None
    for path in case_paths(world["hidden"].pk):
        assert_problem(client.get(path, **headers), 404)
    base = f"/api/v1/cases/{world['shared'].pk}"
    for path in (f"{base}/export", f"{base}/legal", f"{base}/footprint", f"{base}/decisions"):
        assert_problem(client.get(path, **headers), 403)
    # Its questionnaire: a vendor-facing question, answered by itself; not an internal one.
    response = client.put(f"{base}/answers/{QUESTION}", data={"value": "oui",
                                                             "expected_revision": 0},
                          content_type="application/json", **headers)
    assert response.status_code == 200, response.content
    assert_problem(client.put(f"{base}/answers/{INTERNAL_QUESTION}",
                              data={"value": "texte", "expected_revision": 0},
                              content_type="application/json", **headers), 403)
    # It does not see the organisation's answers.
    services.answer_record(case=world["shared"], user=world["lawyer"], item_id="est_ia",
                           value="oui", expected_revision=0)
    answers = client.get(f"{base}/answers", **headers).json()
    assert [a["item_id"] for a in answers] == [QUESTION]
    internal = client.get(f"{base}/answers", **bearer(world["lawyer"], "read")).json()
    assert {a["item_id"] for a in internal} == {QUESTION, "est_ia"}


def test_read_token_cannot_write(client: Any, world: Any) -> None:
    case = world["hidden"]
    body = assert_problem(client.put(
        f"/api/v1/cases/{case.pk}/answers/{QUESTION}",
        data={"value": "oui", "expected_revision": 0}, content_type="application/json",
        **bearer(world["lawyer"], "read")), 403)
    assert "lecture seule" in body["detail"]
    assert not Answer.objects.filter(case=case).exists()


def test_write_is_validated_audited_and_guarded_against_stale_edits(client: Any,
                                                                      world: Any) -> None:
    case = world["hidden"]
    headers = bearer(world["lawyer"])
    url = f"/api/v1/cases/{case.pk}/answers/{QUESTION}"
    response = client.put(url, data={"value": "oui", "expected_revision": 0},
                          content_type="application/json", **headers)
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["value"] == "oui" and answer["revision"] == 1
    assert answer["answered_by"]["username"] == "juriste"
    event = AuditEvent.objects.filter(case=case).order_by("-sequence").first()
    assert event is not None and event.action == "answer_recorded"
    assert event.item_id == QUESTION and event.actor_id == world["lawyer"].pk
    assert event.after == {"value": "oui", "justification": ""}
    # Someone else's edit since revision 1 was read: 409, nothing overwritten.
    services.answer_record(case=case, user=world["lawyer"], item_id=QUESTION, value="non",
                           expected_revision=1)
    stale = assert_problem(client.put(url, data={"value": "oui", "expected_revision": 1},
                                      content_type="application/json", **headers), 409)
    assert stale["current_revision"] == 2
    assert Answer.objects.get(case=case, item_id=QUESTION).value == "non"
    # Same validation as the web: a value that does not fit the question is refused (422).
    events = AuditEvent.objects.filter(case=case).count()
    invalid = assert_problem(client.put(url, data={"value": "peut-être",
                                                   "expected_revision": 2},
                                        content_type="application/json", **headers), 422)
    assert invalid["errors"][0]["field"] == "body.value"
    assert AuditEvent.objects.filter(case=case).count() == events
    # A question of another referent's criterion: the same refusal as the web (403).
    assert_problem(client.put(f"/api/v1/cases/{case.pk}/answers/{INTERNAL_QUESTION}",
                              data={"value": "x", "expected_revision": 0},
                              content_type="application/json",
                              **bearer(world["vendor"])), 404)
    assert_problem(client.put(f"/api/v1/cases/{case.pk}/answers/inconnue",
                              data={"value": "x", "expected_revision": 0},
                              content_type="application/json", **headers), 404)


def test_a_referent_cannot_answer_outside_their_criteria(client: Any, world: Any,
                                                         make_user: Any, organisation: Any
                                                         ) -> None:
    rh = make_user("rh", organisation, role="referent", domain="rh_qvt")
    body = assert_problem(client.put(
        f"/api/v1/cases/{world['hidden'].pk}/answers/{QUESTION}",
        data={"value": "oui", "expected_revision": 0}, content_type="application/json",
        **bearer(rh)), 403)
    assert "rôle" in body["detail"]


def test_problem_details_for_validation_and_authentication(client: Any, world: Any) -> None:
    headers = bearer(world["lawyer"])
    missing = assert_problem(client.get("/api/v1/cases"), 401)
    assert "Authorization" in missing["detail"]
    assert client.get("/api/v1/cases")["WWW-Authenticate"].startswith("Bearer")
    assert_problem(client.get("/api/v1/cases", HTTP_AUTHORIZATION="Bearer bsl_faux"), 401)
    bad = assert_problem(client.get("/api/v1/cases?limit=0&state=inconnu", **headers), 422)
    fields = {error["field"] for error in bad["errors"]}
    assert fields == {"query.limit", "query.state"}
    assert all(error["message"] for error in bad["errors"])
    url = f"/api/v1/cases/{world['hidden'].pk}/answers/{QUESTION}"
    body = assert_problem(client.put(url, data={"value": "oui"},
                                     content_type="application/json", **headers), 422)
    assert body["errors"] == [{"field": "body.expected_revision",
                               "message": "Champ obligatoire.", "type": "missing"}]
    assert_problem(client.put(url, data="{pas du json", content_type="application/json",
                              **headers), 400)
    assert_problem(client.get("/api/v1/nulle-part", **headers), 404)
    assert_problem(client.get("/api/v1/cases/99999999", **headers), 404)


def test_list_filters_and_pagination(client: Any, world: Any, make_user: Any,
                                     organisation: Any) -> None:
    headers = bearer(world["lawyer"], "read")
    for number in range(3):
        make_case(organisation, world["lead"], f"Série {number}")
    page = client.get("/api/v1/cases?limit=2&offset=1", **headers).json()
    assert page["total"] == 5 and page["limit"] == 2 and page["offset"] == 1
    assert len(page["items"]) == 2
    assert client.get("/api/v1/cases?q=partag", **headers).json()["total"] == 1
    assert client.get("/api/v1/cases?service=voirie", **headers).json()["total"] == 1
    assert client.get("/api/v1/cases?state=brouillon", **headers).json()["total"] == 5
    assert client.get("/api/v1/cases?state=en_service", **headers).json()["total"] == 0
    services.assignment_add(case=world["hidden"], user=world["lead"], criterion=1,
                            referent=world["lawyer"])
    by_referent = client.get("/api/v1/cases?referent=juriste", **headers).json()
    assert [row["id"] for row in by_referent["items"]] == [world["hidden"].pk]
    level = world["hidden"].__class__.objects.get(pk=world["hidden"].pk).legal_level
    assert client.get(f"/api/v1/cases?legal_level={level}", **headers).json()["total"] == 5


def test_list_runs_a_bounded_number_of_queries(client: Any, world: Any,
                                               organisation: Any) -> None:
    headers = bearer(world["lawyer"], "read")
    client.get("/api/v1/cases", **headers)  # the token's last use is written once a minute

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/v1/cases?limit=100", **headers).status_code == 200
        return len(queries)

    few = count()
    for number in range(10):
        make_case(organisation, world["lead"], f"Série {number}")
    assert count() == few <= 5


def test_served_schema_is_openapi_31_and_matches_the_committed_one(client: Any) -> None:
    served = client.get("/api/v1/openapi.json").json()
    assert served["openapi"].startswith("3.1")
    committed = json.loads((ROOT / "docs" / "openapi.json").read_text(encoding="utf-8"))
    assert served == committed, (
        "docs/openapi.json is stale: regenerate it with `boussole manage "
        "export_openapi_schema --api boussole.web.api.main.api --output docs/openapi.json "
        "--indent 2`")
    errors = served["paths"]["/api/v1/cases/{case_id}/answers/{item_id}"]["put"]["responses"]
    assert set(errors["409"]["content"]) == {"application/problem+json"}


def test_docs_pages_describe_every_operation_and_model_from_this_server(client: Any) -> None:
    """The reference is rendered from the schema the API serves: every operation (method,
    path, summary, parameters) and every data model, linked; no script from elsewhere, no
    file another host would serve."""
    schema = client.get("/api/v1/openapi.json").json()
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = html_module.unescape(response.content.decode())
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            assert f"{method.upper()} {path}</code> — {operation['summary']}" in html
            for parameter in operation.get("parameters", []):
                assert f"<code>{parameter['name']}</code>" in html
    assert 'href="/api/v1/docs/modeles#m-AnswerIn"' in html  # the body of PUT …/answers/…
    models = html_module.unescape(client.get("/api/v1/docs/modeles").content.decode())
    for name, model in schema["components"]["schemas"].items():
        assert f'id="m-{name}"' in models
        for field in model.get("properties", {}):
            assert f"<code>{field}</code>" in models
    for page in (html, models):
        files = re.findall(r'(?:src|href)="([^"#]+)"', page)
        assert all(path.startswith("/") for path in files), files
        assert not any("swagger" in path for path in files)


def test_register_is_public_and_empty_without_publications(client: Any) -> None:
    page = client.get("/api/v1/register").json()
    assert page == {"total": 0, "limit": 20, "offset": 0, "items": []}
    assert_problem(client.get("/api/v1/register/ville/2026-001"), 404)


def test_level_filter_names_every_level_of_the_core() -> None:
    from typing import get_args

    from boussole.core.rules.logic import Level
    from boussole.web.api.schemas import LevelCode

    assert get_args(LevelCode) == tuple(level.name for level in Level)


def test_nul_characters_are_refused_not_a_server_error(client: Any, world: Any) -> None:
    """PostgreSQL stores no NUL character: every text of a request is checked first (422)."""
    headers = bearer(world["lawyer"])
    for url in ("/api/v1/cases?q=a%00b", "/api/v1/cases?referent=%00",
                "/api/v1/cases?service=%00", "/api/v1/register?organisation=%00"):
        assert_problem(client.get(url, **headers), 422)
    assert_problem(client.get("/api/v1/register/a%00/b"), 404)
    base = f"/api/v1/cases/{world['hidden'].pk}/answers"
    for item, body in ((INTERNAL_QUESTION, {"value": "a\u0000b"}),
                       (INTERNAL_QUESTION, {"value": ["ok", {"k\u0000": 1}]}),
                       (QUESTION, {"value": "oui", "justification": "a\u0000b"})):
        response = client.put(f"{base}/{item}", data={**body, "expected_revision": 0},
                              content_type="application/json", **headers)
        assert_problem(response, 422)
    assert_problem(client.put(f"{base}/a%00b", data={"value": "oui", "expected_revision": 0},
                              content_type="application/json", **headers), 404)
    assert not Answer.objects.exists()


def test_case_endpoints_run_a_bounded_number_of_queries(client: Any, world: Any) -> None:
    """The queries of each read do not grow with the number of answers."""
    case = world["hidden"]
    headers = bearer(world["lawyer"], "read")
    client.get("/api/v1/cases", **headers)  # the token's last use is written once a minute
    grid_questions = ["donnees_non_discriminatoires", "biometrie_absente",
                      "reglementations_sectorielles"]

    def counts() -> dict[str, int]:
        out = {}
        for path in case_paths(case.pk):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(path, **headers).status_code == 200, path
            out[path] = len(queries)
        return out

    services.answer_record(case=case, user=world["lawyer"], item_id="est_ia", value="oui",
                           expected_revision=0)
    before = counts()
    for item_id in grid_questions:
        services.answer_record(case=case, user=world["lawyer"], item_id=item_id, value="oui",
                               expected_revision=0)
    assert counts() == before
    assert max(before.values()) <= 15, before
