"""Single sign-on end to end (issue 16, item 2): a real OpenID provider in a second process, a
real Boussole server, a real browser between them.

The provider is tests/oidc_provider (django-oauth-toolkit, OpenID Connect, RS256 ID tokens signed
with a key generated here, PKCE required, RP-initiated logout), served by waitress on 127.0.0.1
with its own SQLite database. Boussole is pytest-django's live server on the test database; its
single sign-on settings are those that ``boussole/settings.py`` reads from environment variables,
as an administrator would set them, the endpoint variables printed by ``boussole manage
oidc_discover`` against the provider.
"""

from __future__ import annotations

import contextlib
import http.client
import io
import json
import os
import runpy
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.management import call_command
from django.test import override_settings

from boussole.web.accounts.models import User
from tests.conftest import axe_violations

ROOT = Path(__file__).resolve().parents[2]
SETTINGS_FILE = ROOT / "boussole" / "settings.py"
STARTUP_TIMEOUT = 60.0
PROVIDER = "Fournisseur de test"
CLIENT_ID = "boussole-test"
CLIENT_SECRET = "secret-du-client-de-test"  # a throwaway test client

pytestmark = pytest.mark.django_db(transaction=True)


@dataclass
class Servers:
    provider: str  # http://127.0.0.1:PORT
    boussole: str


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def rsa_key_pem() -> bytes:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def wait_until_up(process: subprocess.Popen[bytes], port: int, path: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while True:
        if process.poll() is not None:
            pytest.fail(f"the provider stopped at start-up:\n{log.read_text(errors='replace')}")
        if time.monotonic() > deadline:
            pytest.fail(f"the provider did not answer within {STARTUP_TIMEOUT:.0f} s:\n"
                        + log.read_text(errors="replace"))
        status = 0
        with contextlib.suppress(OSError):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", path)
            status = connection.getresponse().status
        if status == 200:
            return
        if status:
            pytest.fail(f"the provider answers {path} with {status}:\n"
                        + log.read_text(errors="replace"))
        time.sleep(0.2)


@pytest.fixture(scope="module")
def provider(live_server: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The provider's address; its client is Boussole's live server."""
    tmp = tmp_path_factory.mktemp("oidc-provider")
    port = free_port()
    key_file = tmp / "key.pem"
    key_file.write_bytes(rsa_key_pem())
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("BOUSSOLE_", "DJANGO_", "DATABASE_URL"))}
    env.update(DJANGO_SETTINGS_MODULE="tests.oidc_provider.settings", PYTHONUNBUFFERED="1",
               OIDC_PROVIDER_DB=str(tmp / "provider.sqlite3"), OIDC_PROVIDER_KEY_FILE=str(key_file))
    spec = {
        "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
        "redirect_uri": f"{live_server.url}/comptes/oidc/callback/",
        "post_logout_redirect_uri": f"{live_server.url}/comptes/connexion/",
        "users": [
            # The provider says "admin": Boussole must not believe it (no role claim is set).
            {"username": "alice", "password": "alice-pw", "email": "Alice.Martin@Ville-Test.fr",
             "first_name": "Alice", "last_name": "Martin", "groups": ["admin"]},
            {"username": "bob", "password": "bob-pw", "email": "bob@ville-test.fr",
             "first_name": "Bob", "last_name": "Durand"},
        ]}
    prepared = subprocess.run([sys.executable, "-m", "tests.oidc_provider.prepare"], cwd=ROOT,
                              env=env, input=json.dumps(spec), capture_output=True, text=True,
                              timeout=120)
    assert prepared.returncode == 0, prepared.stdout + prepared.stderr
    log = tmp / "provider.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "waitress", f"--listen=127.0.0.1:{port}", "--threads=4",
             "tests.oidc_provider.wsgi:application"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            wait_until_up(process, port, "/o/.well-known/openid-configuration", log)
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=20)


def settings_from_environment(monkeypatch: pytest.MonkeyPatch,
                              env: dict[str, str]) -> dict[str, Any]:
    """What boussole/settings.py makes of these variables: the single sign-on part of it."""
    for name in list(os.environ):
        if name.startswith(("BOUSSOLE_OIDC_", "BOUSSOLE_PASSWORD_LOGIN")):
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    values = runpy.run_path(str(SETTINGS_FILE))
    return {name: value for name, value in values.items()
            if name.startswith(("OIDC_", "BOUSSOLE_OIDC_", "BOUSSOLE_PASSWORD_LOGIN"))
            or name in {"AUTHENTICATION_BACKENDS", "LOGIN_REDIRECT_URL_FAILURE",
                        "CONTENT_SECURITY_POLICY"}}


@pytest.fixture
def servers(provider: str, live_server: Any, organisation: Any, other_organisation: Any,
            make_user: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Servers]:
    make_user("amartin", organisation, email="alice.martin@ville-test.fr", first_name="Alice",
              last_name="Martin", role="porteur")
    # The same address in another organisation: never matched.
    make_user("bob-voisin", other_organisation, email="bob@ville-test.fr", role="admin")
    output = io.StringIO()
    call_command("oidc_discover", f"{provider}/o/.well-known/openid-configuration",
                 stdout=output)
    endpoints = dict(line.split("=", 1) for line in output.getvalue().split())
    assert set(endpoints) == {
        "BOUSSOLE_OIDC_AUTHORIZATION_ENDPOINT", "BOUSSOLE_OIDC_TOKEN_ENDPOINT",
        "BOUSSOLE_OIDC_USERINFO_ENDPOINT", "BOUSSOLE_OIDC_JWKS_ENDPOINT",
        "BOUSSOLE_OIDC_END_SESSION_ENDPOINT"}, output.getvalue()
    sso = settings_from_environment(monkeypatch, {
        **endpoints,
        "BOUSSOLE_OIDC_PROVIDER_NAME": PROVIDER,
        "BOUSSOLE_OIDC_CLIENT_ID": CLIENT_ID,
        "BOUSSOLE_OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "BOUSSOLE_OIDC_ORGANISATION": organisation.slug,
        # The default scopes are ProConnect's, which the test provider knows.
        "BOUSSOLE_PASSWORD_LOGIN": "0",
    })
    with override_settings(**sso):
        yield Servers(provider, live_server.url)


@pytest.fixture
def page(browser: Any, servers: Servers) -> Iterator[Any]:
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    yield page
    context.close()


def sign_in_at_provider(page: Any, servers: Servers, username: str, password: str) -> list[str]:
    """From Boussole's login page, through the provider's form; returns the URLs requested."""
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{servers.boussole}/comptes/connexion/")
    page.get_by_role("link", name=f"Se connecter avec {PROVIDER}").click()
    page.wait_for_url(f"{servers.provider}/connexion/**")
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Valider").click()
    page.wait_for_url(f"{servers.boussole}/**")
    page.wait_for_load_state()
    return requested


def test_sign_in_with_pkce_then_sign_out_of_both(page: Any, servers: Servers) -> None:
    # The login page offers the provider only: BOUSSOLE_PASSWORD_LOGIN=0.
    page.goto(f"{servers.boussole}/comptes/connexion/")
    assert page.get_by_role("link", name=f"Se connecter avec {PROVIDER}").is_visible()
    assert page.locator("input[type=password]").count() == 0
    assert axe_violations(page) == []

    requested = sign_in_at_provider(page, servers, "alice", "alice-pw")

    # The authorisation request carried a PKCE challenge (S256), a state and a nonce; the
    # provider requires PKCE, so the code was exchanged with the verifier.
    authorize = next(url for url in requested if url.startswith(f"{servers.provider}/o/authorize/"))
    query = parse_qs(urlparse(authorize).query)
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) == 43
    assert query["state"] and query["nonce"] and query["client_id"] == [CLIENT_ID]
    assert query["scope"] == ["openid email given_name usual_name"]
    assert query["redirect_uri"] == [f"{servers.boussole}/comptes/oidc/callback/"]

    # Signed in to Boussole as the account with that address (written with other capitals at the
    # provider), on the home page.
    assert urlparse(page.url).path == "/"
    assert page.locator(".account .who").inner_text() == "Alice Martin"
    assert page.locator(".account .role").inner_text() == "Porteur de projet"
    # The provider's "admin" group was not taken as a role.
    assert User.objects.get(username="amartin").role == "porteur"

    # Logging out ends both sessions: Boussole's, then the provider's (RP-initiated logout),
    # which sends the browser back to Boussole's login page. (The logout form posts to Boussole,
    # which redirects to the provider: Chromium follows only because the pages' CSP form-action
    # names the provider, which the settings add when an end-session endpoint is configured.)
    requested.clear()
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(f"{servers.boussole}/comptes/connexion/**")
    assert any(url.startswith(f"{servers.provider}/o/logout/?id_token_hint=") for url in requested)
    page.goto(f"{servers.boussole}/")
    assert urlparse(page.url).path == "/comptes/connexion/"
    # The provider asks for the password again: its session is over too.
    page.get_by_role("link", name=f"Se connecter avec {PROVIDER}").click()
    page.wait_for_url(f"{servers.provider}/connexion/**")
    assert page.get_by_label("Mot de passe").is_visible()


def test_unknown_person_is_refused_with_a_message(page: Any, servers: Servers) -> None:
    # bob@ville-test.fr has an account in another organisation only.
    sign_in_at_provider(page, servers, "bob", "bob-pw")
    assert urlparse(page.url).path == "/comptes/connexion/"
    message = page.locator(".messages").inner_text()
    assert "Aucun compte Boussole de Ville de Test n'a l'adresse bob@ville-test.fr" in message
    assert axe_violations(page) == []
    # No session: the home page sends back to the login page.
    page.goto(f"{servers.boussole}/")
    assert urlparse(page.url).path == "/comptes/connexion/"
    assert not User.objects.filter(username__icontains="bob@").exists()  # nobody was created
    assert User.objects.get(username="bob-voisin").role == "admin"

