"""Security headers and sessions: a strict Content-Security-Policy on every page (and its own on
the printable memo and on evidence downloads), no caching of pages seen signed in, sessions that
end when idle or too old, French error pages, and a clean ``check --deploy`` in production."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import Client

from boussole.reports.html import STYLE
from boussole.web import demo, security
from boussole.web.accounts.models import User
from boussole.web.cases import services
from boussole.web.cases.models import Answer, Case, Evidence

pytestmark = pytest.mark.django_db

LOGIN = "/comptes/connexion/"
SITE_POLICY = {
    "default-src": "'self'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "object-src": "'none'",
}


def policy(response: Any) -> dict[str, str]:
    """The Content-Security-Policy header as {directive: sources}."""
    rules = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, _, sources = part.strip().partition(" ")
        rules[name] = sources.strip()
    return rules


@pytest.fixture
def lead(organisation: Any, make_user: Any) -> Any:
    return make_user("porteuse", organisation)


@pytest.fixture
def case(organisation: Any, lead: Any) -> Case:
    return services.case_create(organisation=organisation, user=lead, title="Tri du courrier",
                                service="Courrier", purpose="Trier le courrier entrant.")


# --- Content-Security-Policy --------------------------------------------------------------

def test_every_page_has_the_strict_policy(client: Any, lead: Any, case: Case) -> None:
    anonymous = client.get(LOGIN)
    assert policy(anonymous) == SITE_POLICY
    client.force_login(lead)
    for url in ["/", f"/cas/{case.pk}/", f"/cas/{case.pk}/profil/", f"/cas/{case.pk}/critere/1/",
                "/cas/999999/"]:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert policy(response) == SITE_POLICY, url
        # Nothing in the page needs an exception to the policy: no inline script or style.
        html = response.content.decode()
        assert not re.search(r"<script(?![^>]*\ssrc=)", html), url
        assert not re.search(r"<style|\sstyle=|\son[a-z]+=", html), url


def test_htmx_inline_indicator_style_is_switched_off(client: Any, lead: Any) -> None:
    client.force_login(lead)
    html = client.get("/").content.decode()
    assert '<meta name="htmx-config"' in html
    assert '"includeIndicatorStyles": false' in html
    css = client.get("/static/boussole/boussole.css")
    assert b".htmx-request .htmx-indicator" in b"".join(css.streaming_content)


def test_the_printable_memo_allows_only_its_own_stylesheet(client: Any) -> None:
    demo.create_demo()
    case = Case.objects.get(title=demo.INVENTAIRE.title)
    client.force_login(User.objects.get(username="elu-rh"))
    response = client.get(f"/cas/{case.pk}/versions/1/note.html")
    assert response.status_code == 200
    rules = policy(response)
    digest = base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()
    assert rules["default-src"] == "'none'"
    assert rules["style-src"] == f"'sha256-{digest}'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert rules["frame-ancestors"] == "'none'" and rules["base-uri"] == "'none'"
    # The hash is that of the one <style> element the page carries.
    styles = re.findall(r"<style>(.*?)</style>", response.content.decode(), re.S)
    assert styles == [STYLE]
    assert "<script" not in response.content.decode()


def test_evidence_download_keeps_its_sandbox(client: Any, lead: Any, case: Case) -> None:
    services.evidence_add(case=case, user=lead, item_id="", criterion=2,
                          upload=SimpleUploadedFile("note.txt", b"Analyse.",
                                                    content_type="text/plain"))
    piece = Evidence.objects.get(case=case)
    client.force_login(lead)
    response = client.get(f"/cas/{case.pk}/pieces/{piece.pk}/")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "no-store" in response["Cache-Control"]


# --- Caching ------------------------------------------------------------------------------

def test_pages_seen_signed_in_are_never_stored(client: Any, lead: Any, case: Case) -> None:
    client.force_login(lead)
    for url in ["/", f"/cas/{case.pk}/", f"/cas/{case.pk}/profil/", "/taches/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        directives = {d.strip() for d in response["Cache-Control"].split(",")}
        assert {"no-store", "private"} <= directives, url
    # An htmx fragment too.
    fragment = client.get(f"/cas/{case.pk}/juridique/points/", HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    assert "no-store" in fragment["Cache-Control"]
    # Static files stay cacheable.
    static = client.get("/static/boussole/boussole.css")
    assert static.status_code == 200
    assert "no-store" not in static.get("Cache-Control", "")


# --- Session limits -----------------------------------------------------------------------

def _age_session(client: Any, *, idle_seconds: int, age_seconds: int) -> None:
    session = client.session
    now = int(time.time())
    session[security.SESSION_LAST_SEEN] = now - idle_seconds
    session[security.SESSION_STARTED] = now - age_seconds
    session.save()


def test_an_idle_session_expires(client: Any, lead: Any, settings: Any) -> None:
    client.force_login(lead)
    assert client.get("/").status_code == 200
    idle = settings.BOUSSOLE_SESSION_IDLE_MINUTES * 60
    _age_session(client, idle_seconds=idle + 5, age_seconds=idle + 5)
    response = client.get("/taches/")
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=%2Ftaches%2F"
    assert "_auth_user_id" not in client.session
    login_page = client.get(response["Location"]).content.decode()
    assert "Votre session a expiré" in login_page
    assert client.get("/").status_code == 302


def test_activity_keeps_the_session_open(client: Any, lead: Any, settings: Any) -> None:
    client.force_login(lead)
    client.get("/")
    idle = settings.BOUSSOLE_SESSION_IDLE_MINUTES * 60
    _age_session(client, idle_seconds=idle - 60, age_seconds=idle - 60)
    assert client.get("/").status_code == 200
    # The visit counted as activity: the last-use time moved to now.
    assert int(time.time()) - client.session[security.SESSION_LAST_SEEN] < 5


def test_a_session_ends_after_its_maximum_age(client: Any, lead: Any, settings: Any) -> None:
    assert settings.SESSION_COOKIE_AGE == settings.BOUSSOLE_SESSION_MAX_HOURS * 3600 <= 12 * 3600
    client.force_login(lead)
    client.get("/")
    _age_session(client, idle_seconds=0, age_seconds=settings.BOUSSOLE_SESSION_MAX_HOURS * 3600
                 + 5)
    assert client.get("/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_an_expired_htmx_request_sends_the_browser_to_login(client: Any, lead: Any,
                                                            case: Case, settings: Any) -> None:
    client.force_login(lead)
    client.get("/")
    _age_session(client, idle_seconds=settings.BOUSSOLE_SESSION_IDLE_MINUTES * 60 + 5,
                 age_seconds=settings.BOUSSOLE_SESSION_IDLE_MINUTES * 60 + 5)
    response = client.post(f"/cas/{case.pk}/reponse/est_ia/", {"value": "oui", "revision": "0"},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Redirect"] == LOGIN
    assert not Answer.objects.filter(case=case).exists()


# --- Error pages --------------------------------------------------------------------------

def test_bad_request_page_is_french_with_the_layout(client: Any) -> None:
    response = client.get("/", HTTP_HOST="hote-inconnu.example")
    assert response.status_code == 400
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert "<h1>Requête invalide</h1>" in html
    assert "boussole/boussole.css" in html and 'class="site-header"' in html
    assert "Bad Request" not in html
    assert policy(response) == SITE_POLICY


def test_csrf_failure_page_is_french(organisation: Any, make_user: Any) -> None:
    make_user("agent", organisation)
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(LOGIN, {"username": "agent", "password": "mot-de-passe-de-test"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "<h1>Formulaire expiré</h1>" in html
    assert "CSRF verification failed" not in html
    assert "_auth_user_id" not in strict.session


def test_server_error_page_has_the_layout() -> None:
    html = render_to_string("500.html")
    assert "<h1>Une erreur est survenue</h1>" in html
    assert "boussole/boussole.css" in html and 'class="site-footer"' in html


# --- Production settings ------------------------------------------------------------------

def _boussole(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "boussole", *args], capture_output=True,
                          text=True, env=env, cwd=cwd, timeout=120, check=False)


def _clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("BOUSSOLE_", "DJANGO_")) and key != "DATABASE_URL"}
    env["BOUSSOLE_DATA_DIR"] = str(tmp_path / "data")
    env.update(extra)
    return env


@pytest.mark.django_db(databases=[])
def test_check_deploy_is_clean_in_production(tmp_path: Path) -> None:
    env = _clean_env(tmp_path, BOUSSOLE_PRODUCTION="true",
                     BOUSSOLE_SECRET_KEY="k3y-" + "x7Q9pLm2Zr" * 6,
                     BOUSSOLE_ALLOWED_HOSTS="boussole.example.org")
    result = _boussole("manage", "check", "--deploy", "--fail-level", "WARNING", env=env,
                       cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    # The same check shows what production switches on.
    show = _boussole("manage", "diffsettings", "--all", env=env, cwd=tmp_path).stdout
    for line in ["SECURE_SSL_REDIRECT = True", "SECURE_HSTS_SECONDS = 31536000",
                 "SESSION_COOKIE_SECURE = True", "CSRF_COOKIE_SECURE = True"]:
        assert line in show


@pytest.mark.django_db(databases=[])
@pytest.mark.parametrize(("variable", "value", "expected"), [
    ("BOUSSOLE_DEBUG", "yes", "true, false, 1 ou 0"),
    ("BOUSSOLE_PRODUCTION", "oui", "true, false, 1 ou 0"),
    ("BOUSSOLE_BEHIND_TLS_PROXY", "on", "true, false, 1 ou 0"),
    ("BOUSSOLE_LOGIN_FAILURE_LIMIT", "abc", "nombre entier supérieur ou égal à 1"),
    ("BOUSSOLE_LOGIN_FAILURE_LIMIT", "0", "nombre entier supérieur ou égal à 1"),
    ("BOUSSOLE_LOGIN_USERNAME_FAILURE_LIMIT", "-3", "nombre entier supérieur ou égal à 0"),
    ("BOUSSOLE_LOGIN_IP_FAILURE_LIMIT", "1.5", "nombre entier"),
    ("BOUSSOLE_LOGIN_COOLOFF_HOURS", "abc", "nombre strictement positif"),
    ("BOUSSOLE_LOGIN_COOLOFF_HOURS", "inf", "nombre strictement positif"),
    ("BOUSSOLE_TRUSTED_PROXY_COUNT", "deux", "nombre entier"),
    ("BOUSSOLE_SESSION_IDLE_MINUTES", "0", "nombre entier supérieur ou égal à 1"),
    ("BOUSSOLE_SESSION_MAX_HOURS", "douze", "nombre entier"),
    ("BOUSSOLE_HSTS_SECONDS", "un an", "nombre entier"),
    ("BOUSSOLE_EVIDENCE_MAX_MB", "20Mo", "nombre entier"),
    ("BOUSSOLE_TIME_ZONE", "Europe/Atlantide", "fuseau horaire"),
    ("BOUSSOLE_LOG_LEVEL", "bavard", "DEBUG, INFO, WARNING, ERROR ou CRITICAL"),
])
def test_a_bad_environment_value_stops_with_a_french_line(
        tmp_path: Path, variable: str, value: str, expected: str) -> None:
    result = _boussole("manage", "check", env=_clean_env(tmp_path, **{variable: value}),
                       cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"boussole : La variable d'environnement {variable} doit")
    assert expected in lines[0] and f"« {value} »" in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.django_db(databases=[])
def test_bad_database_url_and_secret_file_are_refused_in_french(tmp_path: Path) -> None:
    bad_url = _boussole("manage", "check", cwd=tmp_path, env=_clean_env(
        tmp_path, DATABASE_URL="mysql-ish://utilisateur:secret@hote/base"))
    assert bad_url.returncode == 2
    assert "DATABASE_URL doit être une adresse de base de données" in bad_url.stderr
    assert "secret" not in bad_url.stderr.replace("BOUSSOLE_SECRET", "")  # no password echoed
    missing = _boussole("manage", "check", cwd=tmp_path, env=_clean_env(
        tmp_path, BOUSSOLE_SECRET_KEY_FILE=str(tmp_path / "absent")))
    assert missing.returncode == 2
    assert "BOUSSOLE_SECRET_KEY_FILE" in missing.stderr and "Traceback" not in missing.stderr


@pytest.mark.django_db(databases=[])
def test_serve_refuses_a_bad_port_in_french(tmp_path: Path) -> None:
    result = _boussole("serve", cwd=tmp_path, env=_clean_env(tmp_path, BOUSSOLE_PORT="huit"))
    assert result.returncode == 2
    assert "« huit » n'est pas un port" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.django_db(databases=[])
@pytest.mark.parametrize("command", [["serve", "--port", "8765"], ["migrate"], ["demo"],
                                     ["case", "list"], ["backup", "--out", "sauvegarde.zip"]])
def test_every_django_command_stops_on_a_bad_setting(tmp_path: Path, command: list[str]) -> None:
    result = _boussole(*command, cwd=tmp_path, env=_clean_env(
        tmp_path, BOUSSOLE_LOGIN_FAILURE_LIMIT="abc"))
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.strip() == (
        "boussole : La variable d'environnement BOUSSOLE_LOGIN_FAILURE_LIMIT doit être un nombre "
        "entier supérieur ou égal à 1 ; elle vaut « abc ».")
    assert not (tmp_path / "data" / "boussole.sqlite3").exists()
