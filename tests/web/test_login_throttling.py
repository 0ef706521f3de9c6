"""Login throttling: a username from one address, a username from every address (higher limit),
one address over every username (password spraying), and the client address behind a proxy."""

from __future__ import annotations

from typing import Any

import pytest
from axes.models import AccessAttempt
from django.test import Client

pytestmark = pytest.mark.django_db

LOGIN = "/comptes/connexion/"
PASSWORD = "mot-de-passe-de-test"


def attempt(username: str, password: str, ip: str, **headers: str) -> Any:
    """One login attempt from a fresh browser at address ``ip``."""
    return Client(REMOTE_ADDR=ip, **headers).post(LOGIN, {"username": username,
                                                          "password": password})


def signed_in(response: Any) -> bool:
    return response.status_code == 302 and response["Location"] == "/"


def locked(response: Any) -> bool:
    return response.status_code == 429 and "Connexion temporairement bloquée" in (
        response.content.decode())


def test_spraying_one_password_over_many_usernames_is_blocked(
        organisation: Any, make_user: Any, settings: Any) -> None:
    settings.BOUSSOLE_LOGIN_IP_FAILURE_LIMIT = 6
    make_user("agent", organisation)
    # One guess per username: never more than one failure for any username/address pair.
    for number in range(5):
        assert attempt(f"agent{number}", "Printemps2024!", "198.51.100.7").status_code == 200
    # Below the address's limit, a real person at that address can still sign in, and doing so
    # does not wipe the address's count.
    assert signed_in(attempt("agent", PASSWORD, "198.51.100.7"))
    # The sixth failure from the address locks it for every username, even with the right
    # password, while other addresses are not.
    assert locked(attempt("agent5", "Printemps2024!", "198.51.100.7"))
    assert locked(attempt("agent", PASSWORD, "198.51.100.7"))
    assert locked(attempt("agent6", "Printemps2024!", "198.51.100.7"))
    assert signed_in(attempt("agent", PASSWORD, "203.0.113.20"))


def test_one_username_from_many_addresses_is_blocked_at_the_higher_limit(
        organisation: Any, make_user: Any, settings: Any) -> None:
    settings.BOUSSOLE_LOGIN_USERNAME_FAILURE_LIMIT = 8
    assert settings.AXES_FAILURE_LIMIT == 5
    make_user("agent", organisation)
    # Four failures from each of two addresses: each pair stays under its limit of 5.
    for ip in ("198.51.100.1", "198.51.100.2"):
        for _ in range(4 if ip.endswith("1") else 3):
            assert attempt("agent", "faux", ip).status_code == 200
    # 7 failures in all: the right password from a third address still works...
    assert signed_in(attempt("agent", PASSWORD, "198.51.100.3"))
    # ...and the eighth failure (from yet another address) locks the username everywhere.
    assert locked(attempt("agent", "faux", "198.51.100.4"))
    assert locked(attempt("agent", PASSWORD, "198.51.100.5"))
    # Another username from the same addresses is not affected.
    make_user("collegue", organisation)
    assert signed_in(attempt("collegue", PASSWORD, "198.51.100.1"))


def test_a_locked_address_cannot_raise_other_usernames_counts(
        organisation: Any, make_user: Any, settings: Any) -> None:
    settings.BOUSSOLE_LOGIN_IP_FAILURE_LIMIT = 3
    make_user("victime", organisation)
    for number in range(3):
        attempt(f"inconnu{number}", "faux", "198.51.100.66")
    for _ in range(30):
        assert locked(attempt("victime", "faux", "198.51.100.66"))
    # The refused attempts were not counted: the victim is not locked out anywhere.
    assert not AccessAttempt.objects.filter(username="victime").exists()
    assert signed_in(attempt("victime", PASSWORD, "203.0.113.9"))


def test_the_usual_pair_limit_still_holds(organisation: Any, make_user: Any,
                                          settings: Any) -> None:
    make_user("agent", organisation)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt("agent", "faux", "198.51.100.10")
    assert locked(attempt("agent", PASSWORD, "198.51.100.10"))
    assert signed_in(attempt("agent", PASSWORD, "198.51.100.11"))


# --- The client address behind a reverse proxy ---------------------------------------------

def recorded_address(username: str) -> str:
    return str(AccessAttempt.objects.get(username=username).ip_address)


def test_x_forwarded_for_is_ignored_without_a_declared_proxy(settings: Any, db: Any) -> None:
    assert settings.BOUSSOLE_TRUSTED_PROXY_COUNT == 0
    attempt("personne", "faux", "10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.50")
    assert recorded_address("personne") == "10.0.0.2"


def test_forged_x_forwarded_for_does_not_escape_the_lock(organisation: Any, make_user: Any,
                                                         settings: Any) -> None:
    make_user("agent", organisation)
    for number in range(settings.AXES_FAILURE_LIMIT):
        attempt("agent", "faux", "198.51.100.30", HTTP_X_FORWARDED_FOR=f"192.0.2.{number}")
    assert locked(attempt("agent", PASSWORD, "198.51.100.30",
                          HTTP_X_FORWARDED_FOR="192.0.2.99"))


def test_behind_a_declared_proxy_the_forwarded_address_counts(
        organisation: Any, make_user: Any, settings: Any) -> None:
    settings.BOUSSOLE_TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    # The proxy appends the address it saw; whatever the client wrote before is not trusted.
    attempt("personne", "faux", proxy, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.50")
    assert recorded_address("personne") == "203.0.113.50"
    # Behind the proxy, one client's failures lock that client only, not everyone.
    make_user("agent", organisation)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt("agent", "faux", proxy, HTTP_X_FORWARDED_FOR="203.0.113.60")
    assert locked(attempt("agent", PASSWORD, proxy, HTTP_X_FORWARDED_FOR="203.0.113.60"))
    assert signed_in(attempt("agent", PASSWORD, proxy, HTTP_X_FORWARDED_FOR="203.0.113.61"))


def test_two_proxies_and_malformed_headers(settings: Any, db: Any) -> None:
    settings.BOUSSOLE_TRUSTED_PROXY_COUNT = 2
    attempt("un", "faux", "10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.70, 10.0.0.1")
    assert recorded_address("un") == "203.0.113.70"
    # Fewer hops than declared proxies, or a value that is not an address: the direct peer.
    attempt("deux", "faux", "10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.71")
    assert recorded_address("deux") == "10.0.0.2"
    attempt("trois", "faux", "10.0.0.2", HTTP_X_FORWARDED_FOR="pas-une-adresse, 10.0.0.1")
    assert recorded_address("trois") == "10.0.0.2"
