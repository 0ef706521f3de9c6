"""Personal API tokens: made on « Mes jetons d'API » with a Django form, shown once, hashed at
rest, revoked by their owner; revoked, expired tokens and inactive people are refused (401)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from boussole.web.api.models import ApiToken
from boussole.web.api.tokens import token_create

pytestmark = pytest.mark.django_db

PAGE = "/compte/jetons/"


def made_token(html: str) -> str:
    match = re.search(r'id="nouveau-jeton"[^>]*value="(bsl_[^"]+)"', html)
    assert match, html
    return match.group(1)


def every_stored_text() -> str:
    """Every value of every row of every table, as text."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 — table names from the DB
            chunks.extend(str(row) for row in cursor.fetchall())
    return "\n".join(chunks)


def test_create_shows_once_stores_only_a_hash(client: Any, organisation: Any,
                                              make_user: Any) -> None:
    user = make_user("juriste", organisation, role="referent")
    client.force_login(user)
    page = client.get("/")
    assert PAGE in page.content.decode()  # the account menu links to the page
    response = client.post(PAGE, {"name": "Tableur de suivi", "scope": "write"})
    assert response.status_code == 200
    token = made_token(response.content.decode())
    assert "il ne sera plus jamais affiché" in response.content.decode()
    assert token not in every_stored_text()
    record = ApiToken.objects.get()
    assert record.prefix == token[:12] and record.scope == "write"
    listing = client.get(PAGE).content.decode()
    assert token not in listing and record.prefix in listing and "Tableur de suivi" in listing
    api = client.get("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.status_code == 200
    record.refresh_from_db()
    assert record.last_used_at is not None


def test_refused_form_keeps_nothing(client: Any, organisation: Any, make_user: Any) -> None:
    client.force_login(make_user("juriste", organisation, role="referent"))
    response = client.post(PAGE, {"name": "  ", "scope": "tout"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "error-summary" in html and "nouveau-jeton" not in html
    assert not ApiToken.objects.exists()


def test_revoked_token_is_refused(client: Any, organisation: Any, make_user: Any) -> None:
    user = make_user("juriste", organisation, role="referent")
    made = token_create(user=user, name="script", scope="read")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {made.secret}"}
    assert client.get("/api/v1/cases", **headers).status_code == 200
    client.force_login(user)
    response = client.post(f"{PAGE}{made.record.pk}/revoquer/")
    assert response.status_code == 302
    made.record.refresh_from_db()
    assert made.record.revoked_at is not None
    refused = client.get("/api/v1/cases", **headers)
    assert refused.status_code == 401
    assert refused["Content-Type"].startswith("application/problem+json")
    assert "révoqué" in refused.json()["detail"]


def test_only_the_owner_revokes(client: Any, organisation: Any, make_user: Any) -> None:
    owner = make_user("juriste", organisation, role="referent")
    made = token_create(user=owner, name="script", scope="read")
    client.force_login(make_user("admin", organisation, role="admin"))
    assert client.post(f"{PAGE}{made.record.pk}/revoquer/").status_code == 404
    made.record.refresh_from_db()
    assert made.record.revoked_at is None


def test_expired_token_and_inactive_person_are_refused(client: Any, organisation: Any,
                                                       make_user: Any) -> None:
    user = make_user("juriste", organisation, role="referent")
    expiring = token_create(user=user, name="court", scope="read",
                            expires_at=timezone.now() + dt.timedelta(days=1))
    ApiToken.objects.filter(pk=expiring.record.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = client.get("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer {expiring.secret}")
    assert response.status_code == 401 and "expiré" in response.json()["detail"]
    active = token_create(user=user, name="long", scope="read")
    user.is_active = False
    user.save()
    response = client.get("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer {active.secret}")
    assert response.status_code == 401 and "désactivé" in response.json()["detail"]


def test_tokens_page_needs_login(client: Any) -> None:
    response = client.get(PAGE)
    assert response.status_code == 302 and "connexion" in response["Location"]


WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_browser_tokens_page_and_docs_page(page: Any, organisation: Any,
                                           make_user: Any) -> None:
    """The tokens page with the keyboard and axe-core; the API docs pages (operations and
    data models) without an axe-core or Content-Security-Policy violation, their links to the
    models working."""
    from playwright.sync_api import expect

    from tests.conftest import axe_violations

    make_user("juriste", organisation, role="referent")
    page.add_init_script(WATCH)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto("/comptes/connexion/")
    page.get_by_label("Identifiant").fill("juriste")
    page.get_by_label("Mot de passe").fill("mot-de-passe-de-test")
    page.get_by_role("button", name="Se connecter").click()
    page.goto(PAGE)
    page.get_by_label("Nom du jeton").fill("Tableur")
    page.get_by_label("Lecture et écriture").check()
    page.get_by_role("button", name="Créer le jeton").click()
    token = page.get_by_label("Jeton", exact=True).input_value()
    assert token.startswith("bsl_")
    expect(page.get_by_role("cell", name="Actif")).to_be_visible()
    assert axe_violations(page) == []
    assert page.evaluate("window.__violations") == []

    page.goto("/api/v1/docs")
    expect(page.get_by_role("heading", name="PUT /api/v1/cases/{case_id}/answers/{item_id}"
                            " — Enregistrer une réponse")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name="AnswerIn").first.click()
    expect(page.get_by_role("heading", name="AnswerIn")).to_be_in_viewport()
    assert axe_violations(page) == []
    assert page.evaluate("window.__violations") == []
    assert errors == []

    page.goto(PAGE)
    page.get_by_role("button", name="Révoquer le jeton « Tableur »").click()
    expect(page.get_by_text("est révoqué")).to_be_visible()
