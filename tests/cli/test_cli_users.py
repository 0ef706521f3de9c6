"""``boussole org create`` and ``boussole user invite`` as a first administrator would run
them on a fresh instance (subprocesses on their own SQLite base); the printed link then works
in Django's test client against that base, and the new administrator invites a colleague from
the web."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

BOUSSOLE = Path(sys.executable).parent / "boussole"


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("DATABASE_URL", "BOUSSOLE_SITE_URL")}
    environment["BOUSSOLE_DATA_DIR"] = str(tmp_path_factory.mktemp("boussole-data"))
    environment["BOUSSOLE_EMAIL_BACKEND"] = "django.core.mail.backends.console.EmailBackend"
    migrated = run("migrate", env=environment)
    assert migrated.returncode == 0, migrated.stderr
    return environment


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = [str(BOUSSOLE)] if BOUSSOLE.exists() else [sys.executable, "-m", "boussole"]
    return subprocess.run([*command, *args], capture_output=True, text=True, timeout=300,
                          check=False, env=env)


CLIENT_SCRIPT = textwrap.dedent("""
    import json, re, sys
    import django
    from django.conf import settings
    django.setup()
    from django.core import mail
    from django.test import Client
    from django.test.utils import setup_test_environment
    setup_test_environment()  # the locmem mail backend: messages kept in mail.outbox
    link = sys.argv[1]
    client = Client()
    out = {"get": client.get(link).status_code}
    password = "Premiere-Admin-2026!"
    out["post"] = client.post(link, {"new_password1": password,
                                     "new_password2": password}).status_code
    out["again"] = client.get(link).status_code
    out["login"] = client.post("/comptes/connexion/", {"username": "premiere@ville.fr",
                                                       "password": password}).status_code
    out["admin_page"] = client.get("/administration/").status_code
    out["invite"] = client.post("/administration/inviter/", {
        "email": "collegue@ville.fr", "role": "referent", "domain": "juridique"}).status_code
    out["mails"] = [m.to for m in mail.outbox]
    colleague_link = re.search(r"(/invitation/\\S+)", mail.outbox[-1].body).group(1)
    client.post("/comptes/deconnexion/")
    out["colleague"] = client.post(colleague_link, {"new_password1": "Collegue-Jur-2026!",
                                                    "new_password2": "Collegue-Jur-2026!"}
                                   ).status_code
    from boussole.web.accounts.models import User
    out["users"] = sorted((u.username, u.role, u.domain, u.is_active)
                          for u in User.objects.all())
    print(json.dumps(out))
""")


def test_first_administrator_from_the_command_line(env: dict[str, str]) -> None:
    created = run("org", "create", "--name", "Ville d'Essai", "--slug", "ville-essai",
                  "--headcount", "450", env=env)
    assert created.returncode == 0, created.stderr
    assert "Ville d'Essai" in created.stdout

    again = run("org", "create", "--name", "Autre", "--slug", "ville-essai", env=env)
    assert again.returncode == 2 and "déjà l'identifiant" in again.stderr

    missing = run("user", "invite", "--org", "inconnue", "--email", "a@b.fr", "--role",
                  "admin", env=env)
    assert missing.returncode == 2 and "introuvable" in missing.stderr
    refused = run("user", "invite", "--org", "ville-essai", "--email", "r@ville.fr",
                  "--role", "referent", env=env)
    assert refused.returncode == 2 and "domaine" in refused.stderr

    invited = run("user", "invite", "--org", "ville-essai", "--email", "Premiere@Ville.fr",
                  "--role", "admin", "--first-name", "Première", "--last-name", "Admin",
                  env=env)
    assert invited.returncode == 0, invited.stderr
    link = invited.stdout.strip().splitlines()[-1]
    assert link.startswith("/invitation/") and link.endswith("/")
    assert "BOUSSOLE_SITE_URL" in invited.stderr  # told that the link is a path only
    assert link in invited.stderr  # the e-mail (console backend) went to the error stream

    duplicate = run("user", "invite", "--org", "ville-essai", "--email", "premiere@ville.fr",
                    "--role", "porteur", env=env)
    assert duplicate.returncode == 2 and "existe déjà" in duplicate.stderr

    script = subprocess.run([sys.executable, "-c", CLIENT_SCRIPT, link], capture_output=True,
                            text=True, timeout=300, check=False,
                            env={**env, "DJANGO_SETTINGS_MODULE": "boussole.settings"})
    assert script.returncode == 0, script.stderr
    out = json.loads(script.stdout.strip().splitlines()[-1])
    assert out["get"] == 200 and out["post"] == 302 and out["again"] == 404
    assert out["login"] == 302 and out["admin_page"] == 200 and out["invite"] == 302
    assert out["mails"] == [["collegue@ville.fr"]]
    assert out["colleague"] == 302
    assert out["users"] == [["collegue@ville.fr", "referent", "juridique", True],
                            ["premiere@ville.fr", "admin", "", True]]


def test_site_url_makes_a_full_link(env: dict[str, str]) -> None:
    run("org", "create", "--name", "Ville B", "--slug", "ville-b", env=env)
    invited = run("user", "invite", "--org", "ville-b", "--email", "b@ville.fr", "--role",
                  "elu", "--delegation", "rh", "--no-email",
                  env={**env, "BOUSSOLE_SITE_URL": "https://boussole.example.org/"})
    assert invited.returncode == 0, invited.stderr
    last = invited.stdout.strip().splitlines()[-1]
    assert last.startswith("https://boussole.example.org/invitation/")
    assert "Bonjour" not in invited.stderr  # --no-email: no message
