"""Login: Argon2 hashes, French errors, throttled attempts."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

LOGIN = "/comptes/connexion/"


def test_passwords_are_hashed_with_argon2(organisation: Any, make_user: Any) -> None:
    user = make_user("agent", organisation)
    assert user.password.startswith("argon2")


def test_login_then_home(client: Any, organisation: Any, make_user: Any) -> None:
    make_user("agent", organisation)
    response = client.post(LOGIN, {"username": "agent", "password": "mot-de-passe-de-test"})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert "Mes dossiers" in home.content.decode()


def test_wrong_password_is_refused_in_french(client: Any, organisation: Any,
                                             make_user: Any) -> None:
    make_user("agent", organisation)
    response = client.post(LOGIN, {"username": "agent", "password": "faux"})
    assert response.status_code == 200
    assert "Saisissez un nom d’utilisateur et un mot de passe valides" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_repeated_failures_lock_the_account(client: Any, organisation: Any,
                                            make_user: Any, settings: Any) -> None:
    make_user("agent", organisation)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": "agent", "password": "faux"})
    locked = client.post(LOGIN, {"username": "agent", "password": "mot-de-passe-de-test"})
    assert locked.status_code == 429
    assert "Connexion temporairement bloquée" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_anonymous_is_sent_to_login(client: Any) -> None:
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_logout_needs_post(client: Any, organisation: Any, make_user: Any) -> None:
    client.force_login(make_user("agent", organisation))
    assert client.post("/comptes/deconnexion/").status_code == 302
    assert client.get(reverse("home")).status_code == 302
