"""A refusal that no view handled is answered in French — a 400 page, or the page's alert
region for htmx — never a server error."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory

from boussole.core.errors import Conflict, Refusal
from boussole.core.grid import AnswerInvalid
from boussole.web.refusals import RefusalMiddleware

pytestmark = pytest.mark.django_db


def answer(headers: dict[str, str], error: Exception) -> Any:
    request = RequestFactory().post("/cas/1/commentaires/", **headers)
    request.user = AnonymousUser()
    middleware = RefusalMiddleware(lambda r: HttpResponse())
    return middleware.process_exception(request, error)


def test_a_full_request_gets_a_french_page() -> None:
    response = answer({"HTTP_REFERER": "http://testserver/cas/1/"},
                      Refusal(["Le dossier est figé.", "Rien n'a changé."]))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Action refusée" in page and "Le dossier est figé." in page
    assert 'href="http://testserver/cas/1/"' in page


def test_a_foreign_referer_is_not_offered_as_a_way_back() -> None:
    response = answer({"HTTP_REFERER": "https://ailleurs.example/"}, Refusal("Non."))
    assert "ailleurs.example" not in response.content.decode()


def test_an_htmx_request_gets_the_messages_in_the_alert_region() -> None:
    response = answer({"HTTP_HX_REQUEST": "true"}, AnswerInvalid("Un nombre est attendu."))
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#alertes"
    assert "Un nombre est attendu." in response.content.decode()


def test_other_errors_are_left_to_the_server_error_handler() -> None:
    assert answer({}, RuntimeError("bug")) is None


def test_the_family() -> None:
    conflict = Conflict("Modifié entre-temps.", current={"revision": 3})
    assert isinstance(conflict, Refusal) and isinstance(conflict, ValueError)
    assert conflict.current == {"revision": 3} and conflict.messages == ("Modifié entre-temps.",)
    assert isinstance(AnswerInvalid("x"), Refusal)
    assert Refusal("Trop long.", field="purpose").field == "purpose"
