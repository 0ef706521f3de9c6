"""Single sign-on (issue 16, item 2): the matching rules, the settings read from the environment,
the login and logout views. The whole flow against a real provider: test_oidc_end_to_end.py."""

from __future__ import annotations

import logging
import os
import runpy
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.test import override_settings

from boussole.web.accounts import oidc
from boussole.web.accounts.models import User

SETTINGS_FILE = Path(oidc.__file__).resolve().parents[2] / "settings.py"
PROVIDER = "https://idp.example.org"
OIDC_SETTINGS: dict[str, Any] = {
    "BOUSSOLE_OIDC_ENABLED": True,
    "BOUSSOLE_OIDC_PROVIDER_NAME": "ProConnect",
    "BOUSSOLE_OIDC_ORGANISATION": "ville-de-test",
    "BOUSSOLE_OIDC_DEFAULT_ROLE": "porteur",
    "BOUSSOLE_OIDC_ROLE_CLAIM": "",
    "BOUSSOLE_OIDC_END_SESSION_ENDPOINT": f"{PROVIDER}/session/end",
    "OIDC_CREATE_USER": False,
    "OIDC_RP_CLIENT_ID": "boussole",
    "OIDC_RP_CLIENT_SECRET": "secret",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{PROVIDER}/authorize",
    "OIDC_OP_TOKEN_ENDPOINT": f"{PROVIDER}/token",
    "OIDC_OP_USER_ENDPOINT": f"{PROVIDER}/userinfo",
    "OIDC_OP_JWKS_ENDPOINT": f"{PROVIDER}/jwks",
    "OIDC_RP_SIGN_ALGO": "RS256",
    "OIDC_RP_SCOPES": "openid email given_name usual_name",
    "OIDC_USE_PKCE": True,
    "OIDC_STORE_ID_TOKEN": True,
    "OIDC_AUTHENTICATION_CALLBACK_URL": "accounts:oidc_callback",
    "LOGIN_REDIRECT_URL_FAILURE": "accounts:login",
    "AUTHENTICATION_BACKENDS": [
        "axes.backends.AxesStandaloneBackend",
        "django.contrib.auth.backends.ModelBackend",
        "boussole.web.accounts.oidc.OIDCBackend",
    ],
}


@pytest.fixture
def sso(db: Any) -> Iterator[dict[str, Any]]:
    with override_settings(**OIDC_SETTINGS):
        yield OIDC_SETTINGS


def claims(email: str = "Alice.Martin@Ville-Test.fr", **extra: Any) -> dict[str, Any]:
    return {"sub": "1", "email": email, "given_name": "Alice", "usual_name": "Martin", **extra}


def refusal(claims_: dict[str, Any]) -> str:
    with pytest.raises(oidc.Refused) as caught:
        oidc.match_user(claims_)
    return str(caught.value)


# --- Matching rules ---------------------------------------------------------------------------

def test_matched_by_email_case_insensitively_within_the_organisation(
        sso: Any, organisation: Any, other_organisation: Any, make_user: Any) -> None:
    make_user("autre", other_organisation, email="alice.martin@ville-test.fr")
    alice = make_user("amartin", organisation, email="alice.martin@ville-test.fr")
    assert oidc.match_user(claims()) == alice
    # Only the configured organisation's accounts are matched.
    with override_settings(BOUSSOLE_OIDC_ORGANISATION="commune-voisine"):
        bob = make_user("bob", organisation, email="bob@ville-test.fr")
        assert "Aucun compte Boussole de Commune voisine" in refusal(claims("bob@ville-test.fr"))
        assert bob.role == "porteur"


def test_organisation_from_a_claim(sso: Any, organisation: Any, other_organisation: Any,
                                   make_user: Any, caplog: Any) -> None:
    alice = make_user("amartin", organisation, email="alice.martin@ville-test.fr")
    voisine = make_user("avoisin", other_organisation, email="alice.martin@ville-test.fr")
    with override_settings(BOUSSOLE_OIDC_ORGANISATION_CLAIM="siret",
                           BOUSSOLE_OIDC_ORGANISATIONS={"21440109300015": "ville-de-test",
                                                        "214 401 093 00099": "commune-voisine"},
                           BOUSSOLE_OIDC_ORGANISATION=""):
        assert oidc.match_user(claims(siret="21440109300015")) == alice
        assert oidc.match_user(claims(siret="21440109300099")) == voisine
        for unknown in ("11002001300097", None, ["21440109300015"]):
            assert refusal(claims(siret=unknown)) == (
                "Votre organisation n'utilise pas cette instance de Boussole.")
    assert "ne désigne aucune organisation" in caplog.text


def test_existing_names_kept_missing_names_filled(sso: Any, organisation: Any,
                                                  make_user: Any) -> None:
    user = make_user("amartin", organisation, email="alice.martin@ville-test.fr",
                     first_name="Alice-Marie")
    oidc.match_user(claims())
    user.refresh_from_db()
    assert (user.first_name, user.last_name) == ("Alice-Marie", "Martin")


def test_unknown_person_refused_and_not_created(sso: Any, organisation: Any) -> None:
    message = refusal(claims("inconnu@ville-test.fr"))
    assert message == ("Aucun compte Boussole de Ville de Test n'a l'adresse "
                       "inconnu@ville-test.fr. Demandez à l'administrateur·rice de votre "
                       "organisation de vous inviter.")
    assert not User.objects.filter(email__iexact="inconnu@ville-test.fr").exists()


def test_deactivated_account_refused(sso: Any, organisation: Any, make_user: Any) -> None:
    make_user("amartin", organisation, email="alice.martin@ville-test.fr", is_active=False)
    assert "Votre compte Boussole est désactivé" in refusal(claims())


def _invited(organisation: Any, admin: Any) -> Any:
    from boussole.web.administration import services

    invitation, _link = services.user_invite(
        organisation=organisation, actor=admin, email="Alice.Martin@ville-test.fr",
        role="referent", domain="juridique", send=False)
    return invitation


def test_an_invited_person_is_let_in_at_the_first_sign_in(
        sso: Any, organisation: Any, make_user: Any, caplog: Any) -> None:
    from boussole.web.administration.models import AdminEvent, Invitation

    admin = make_user("admin", organisation, role="admin")
    invitation = _invited(organisation, admin)
    with override_settings(BOUSSOLE_PASSWORD_LOGIN=False), \
            caplog.at_level(logging.INFO, logger="boussole.accounts.oidc"):
        user = oidc.match_user(claims())
    assert user.pk == invitation.user_id
    user.refresh_from_db()
    assert user.is_active and (user.role, user.domain) == ("referent", "juridique")
    assert (user.first_name, user.last_name) == ("Alice", "Martin")
    assert not user.has_usable_password()
    invitation.refresh_from_db()
    assert invitation.state() == "used"
    event = AdminEvent.objects.get(action="invitation_accepted")
    assert (event.actor, event.target, event.before, event.after) == (
        user, user, {"is_active": False}, {"is_active": True})
    assert "invitation de alice.martin@ville-test.fr (Alice.Martin@Ville-Test.fr) acceptée" in (
        caplog.text)
    # The next sign-in is an ordinary one.
    assert oidc.match_user(claims()) == user
    assert AdminEvent.objects.filter(action="invitation_accepted").count() == 1
    assert Invitation.objects.get().state() == "used"


def test_the_first_sign_in_kills_the_other_links(sso: Any, organisation: Any,
                                                 make_user: Any) -> None:
    from boussole.web.administration import services
    from boussole.web.administration.models import Invitation

    admin = make_user("admin", organisation, role="admin")
    first = _invited(organisation, admin)
    with override_settings(BOUSSOLE_SITE_URL="https://boussole.example.org"):
        second, _link = services.invitation_resend(actor=admin, user=first.user)
    # An open invitation older than the newest (as two administrators resending at once could
    # leave): accepting one kills the other.
    Invitation.objects.filter(pk=first.pk).update(revoked_at=None)
    oidc.match_user(claims())
    states = {i.pk: i.state() for i in Invitation.objects.all()}
    assert states == {first.pk: "revoked", second.pk: "used"}


@pytest.mark.parametrize("how", ["expired", "revoked"])
def test_an_invitation_no_longer_open_lets_nobody_in(sso: Any, organisation: Any,
                                                     make_user: Any, how: str) -> None:
    import datetime as dt

    from django.utils import timezone

    from boussole.web.administration import services
    from boussole.web.administration.models import AdminEvent, Invitation

    admin = make_user("admin", organisation, role="admin")
    invitation = _invited(organisation, admin)
    if how == "expired":
        Invitation.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    else:
        services.invitation_revoke(actor=admin, invitation=invitation)
    assert "Votre compte Boussole est désactivé" in refusal(claims())
    assert not User.objects.get(pk=invitation.user_id).is_active
    assert Invitation.objects.get().state() == how
    assert not AdminEvent.objects.filter(action="invitation_accepted").exists()


def test_a_deactivated_account_is_not_reopened_by_a_sign_in(sso: Any, organisation: Any,
                                                             make_user: Any) -> None:
    from boussole.web.administration import services
    from boussole.web.administration.models import Invitation

    admin = make_user("admin", organisation, role="admin")
    invitation = _invited(organisation, admin)
    user = oidc.match_user(claims())
    services.user_set_active(actor=admin, target=user, active=False)
    assert "Votre compte Boussole est désactivé" in refusal(claims())
    assert not User.objects.get(pk=user.pk).is_active
    assert Invitation.objects.get(pk=invitation.pk).state() == "used"


def test_two_inactive_accounts_with_the_address_are_not_activated(
        sso: Any, organisation: Any, make_user: Any) -> None:
    admin = make_user("admin", organisation, role="admin")
    invitation = _invited(organisation, admin)
    make_user("ancien", organisation, email="alice.martin@ville-test.fr", is_active=False)
    assert "Votre compte Boussole est désactivé" in refusal(claims())
    assert not User.objects.get(pk=invitation.user_id).is_active


def test_two_active_accounts_with_the_address_refused(sso: Any, organisation: Any,
                                                      make_user: Any) -> None:
    make_user("a1", organisation, email="alice.martin@ville-test.fr")
    make_user("a2", organisation, email="ALICE.MARTIN@ville-test.fr")
    make_user("a3", organisation, email="alice.martin@ville-test.fr", is_active=False)
    assert "Plusieurs comptes ont l'adresse" in refusal(claims())


def test_missing_or_unverified_email_refused(sso: Any, organisation: Any, make_user: Any) -> None:
    make_user("amartin", organisation, email="alice.martin@ville-test.fr")
    without = claims()
    del without["email"]
    assert "n'a pas transmis d'adresse électronique" in refusal(without)
    assert "n'est pas vérifiée chez ProConnect" in refusal(claims(email_verified=False))
    assert oidc.match_user(claims(email_verified=True)).username == "amartin"


def test_missing_organisation_is_a_configuration_error(sso: Any, db: Any,
                                                       caplog: Any) -> None:
    with caplog.at_level(logging.ERROR, logger="boussole.accounts.oidc"):
        assert "mal configurée" in refusal(claims())
    assert "ville-de-test" in caplog.text


def test_creation_with_the_default_role_and_a_log_line(sso: Any, organisation: Any,
                                                       make_user: Any, caplog: Any) -> None:
    make_user("alice.martin@ville-test.fr", organisation)  # the username is taken
    with override_settings(OIDC_CREATE_USER=True, BOUSSOLE_OIDC_DEFAULT_ROLE="prestataire"), \
            caplog.at_level(logging.INFO, logger="boussole.accounts.oidc"):
        user = oidc.match_user(claims(role="admin"))
    assert (user.username, user.email, user.organisation, user.role) == (
        "alice.martin@ville-test.fr-2", "Alice.Martin@Ville-Test.fr", organisation, "prestataire")
    assert (user.first_name, user.last_name) == ("Alice", "Martin")
    assert not user.has_usable_password()
    assert "compte alice.martin@ville-test.fr-2 créé à la première connexion" in caplog.text
    # The second time, the same account.
    with override_settings(OIDC_CREATE_USER=True):
        assert oidc.match_user(claims()) == user
    assert User.objects.filter(email__iexact="alice.martin@ville-test.fr").count() == 1


def test_roles_never_taken_from_the_provider_without_a_role_claim(
        sso: Any, organisation: Any, make_user: Any) -> None:
    user = make_user("amartin", organisation, email="alice.martin@ville-test.fr")
    oidc.match_user(claims(role="admin", roles=["admin"], groups=["admin"]))
    user.refresh_from_db()
    assert user.role == "porteur"


def test_role_claim_gives_only_valid_role_codes(sso: Any, organisation: Any,
                                                make_user: Any) -> None:
    user = make_user("amartin", organisation, email="alice.martin@ville-test.fr")
    with override_settings(BOUSSOLE_OIDC_ROLE_CLAIM="boussole_role"):
        for invalid in ("superadmin", "referent", "elu:inconnue", ["porteur:x", 3], None):
            oidc.match_user(claims(boussole_role=invalid))
            user.refresh_from_db()
            assert user.role == "porteur", invalid
        oidc.match_user(claims(boussole_role=["agents", "Referent:Juridique", "admin"]))
        user.refresh_from_db()
        assert (user.role, user.domain, user.delegation) == ("referent", "juridique", "")
        oidc.match_user(claims(boussole_role="elu:numerique"))
        user.refresh_from_db()
        assert (user.role, user.domain, user.delegation) == ("elu", "", "numerique")


def test_parse_role() -> None:
    assert oidc.parse_role("admin") == oidc.RoleCode("admin")
    assert oidc.parse_role(" referent:cybersecurite ") == oidc.RoleCode("referent", "cybersecurite")
    assert oidc.parse_role("elu:rh") == oidc.RoleCode("elu", delegation="rh")
    for invalid in ("", "elu", "referent:rh", "admin:juridique", "root", 1, None, ["admin"]):
        assert oidc.parse_role(invalid) is None, invalid


# --- The backend ------------------------------------------------------------------------------

def _key_pair() -> tuple[Any, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    return key, public.decode()


def test_id_token_for_another_client_is_refused(sso: Any) -> None:
    key, public = _key_pair()
    with override_settings(OIDC_RP_IDP_SIGN_KEY=public):
        backend = oidc.OIDCBackend()

        def token(audience: Any) -> str:
            return jwt.encode({"iss": PROVIDER, "sub": "1", "aud": audience, "nonce": "n",
                               "exp": int(time.time()) + 60}, key, algorithm="RS256")

        assert backend.verify_token(token("boussole"), nonce="n")["sub"] == "1"
        assert backend.verify_token(token(["x", "boussole"]), nonce="n")["sub"] == "1"
        with pytest.raises(SuspiciousOperation):
            backend.verify_token(token("another-client"), nonce="n")
        with pytest.raises(SuspiciousOperation):
            backend.verify_token(token("boussole"), nonce="replayed")
        expired = jwt.encode({"sub": "1", "aud": "boussole", "nonce": "n",
                              "exp": int(time.time()) - 60}, key, algorithm="RS256")
        with pytest.raises(jwt.ExpiredSignatureError):
            backend.verify_token(expired, nonce="n")


def test_session_of_a_deactivated_person_ends(sso: Any, organisation: Any,
                                              make_user: Any) -> None:
    user = make_user("amartin", organisation, email="alice.martin@ville-test.fr")
    backend = oidc.OIDCBackend()
    assert backend.get_user(user.pk) == user
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert backend.get_user(user.pk) is None


# --- Views ------------------------------------------------------------------------------------

def test_without_single_sign_on_nothing_changes(client: Any, db: Any) -> None:
    page = client.get("/comptes/connexion/").content.decode()
    assert "Se connecter avec" not in page and 'type="password"' in page
    assert client.get("/comptes/oidc/connexion/").status_code == 404
    assert client.get("/comptes/oidc/callback/?code=x&state=y").status_code == 404


def test_login_page_offers_the_provider(sso: Any, client: Any) -> None:
    page = client.get("/comptes/connexion/?next=/cas/3/").content.decode()
    assert ('<a class="button primary" href="/comptes/oidc/connexion/?next=/cas/3/">'
            "Se connecter avec ProConnect</a>") in page
    assert 'type="password"' in page and "Ou avec votre identifiant Boussole" in page


def test_password_login_turned_off(sso: Any, client: Any, organisation: Any,
                                   make_user: Any) -> None:
    make_user("amartin", organisation)
    with override_settings(BOUSSOLE_PASSWORD_LOGIN=False):
        page = client.get("/comptes/connexion/").content.decode()
        assert "Se connecter avec ProConnect" in page and 'type="password"' not in page
        response = client.post("/comptes/connexion/",
                               {"username": "amartin", "password": "mot-de-passe-de-test"})
        assert response.status_code == 403
        assert "La connexion par mot de passe est désactivée : utilisez ProConnect." in (
            response.content.decode())
        assert SESSION_KEY not in client.session
    # Turned back on, the same password works (the refusal above was the setting's).
    response = client.post("/comptes/connexion/",
                           {"username": "amartin", "password": "mot-de-passe-de-test"})
    assert response.status_code == 302 and SESSION_KEY in client.session


def test_an_invited_person_signs_in_through_the_provider(
        sso: Any, client: Any, organisation: Any, make_user: Any, monkeypatch: Any) -> None:
    """The callback view with the provider's answers faked (token, ID token, user info)."""
    from boussole.web.administration.models import AdminEvent, Invitation

    admin = make_user("admin", organisation, role="admin")
    invitation = _invited(organisation, admin)
    monkeypatch.setattr(oidc.OIDCBackend, "get_token",
                        lambda self, payload: {"id_token": "id", "access_token": "access"})
    monkeypatch.setattr(oidc.OIDCBackend, "verify_token",
                        lambda self, token, **kwargs: {"sub": "1"})
    monkeypatch.setattr(oidc.OIDCBackend, "get_userinfo",
                        lambda self, access, id_token, payload: claims())
    with override_settings(BOUSSOLE_PASSWORD_LOGIN=False):
        start = client.get("/comptes/oidc/connexion/?next=/administration/")
        state = parse_qs(urlparse(start["Location"]).query)["state"][0]
        response = client.get(f"/comptes/oidc/callback/?code=abc&state={state}")
    assert response.status_code == 302 and response["Location"] == "/administration/"
    assert client.session[SESSION_KEY] == str(invitation.user_id)
    assert User.objects.get(pk=invitation.user_id).is_active
    assert Invitation.objects.get().state() == "used"
    assert AdminEvent.objects.filter(action="invitation_accepted",
                                     target_id=invitation.user_id).count() == 1


def test_sign_in_starts_the_code_flow_with_pkce(sso: Any, client: Any) -> None:
    with override_settings(OIDC_AUTH_REQUEST_EXTRA_PARAMS={"acr_values": "eidas1"}):
        response = client.get("/comptes/oidc/connexion/?next=/cas/3/")
    assert response.status_code == 302
    target = urlparse(response["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"{PROVIDER}/authorize"
    query = parse_qs(target.query)
    assert query["response_type"] == ["code"] and query["client_id"] == ["boussole"]
    assert query["scope"] == ["openid email given_name usual_name"]
    assert query["acr_values"] == ["eidas1"]
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"]
    assert query["redirect_uri"] == ["http://testserver/comptes/oidc/callback/"]
    state = query["state"][0]
    stored = client.session["oidc_states"][state]
    assert stored["nonce"] == query["nonce"][0] and len(stored["code_verifier"]) == 64
    assert client.session["oidc_login_next"] == "/cas/3/"


def test_callback_failures_show_a_message_never_an_error_page(sso: Any, client: Any) -> None:
    client.get("/comptes/oidc/connexion/")
    # A state this browser never asked for (a replay, a forged link).
    response = client.get("/comptes/oidc/callback/?code=abc&state=forged", follow=True)
    assert response.redirect_chain == [("/comptes/connexion/", 302)]
    assert "La connexion avec ProConnect a échoué. Réessayez" in response.content.decode()
    # The person cancelled at the provider.
    response = client.get("/comptes/oidc/callback/?error=access_denied&state=x", follow=True)
    assert "pas abouti (annulée ou refusée par le fournisseur)" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_callback_with_a_token_that_does_not_verify(sso: Any, client: Any,
                                                    monkeypatch: Any) -> None:
    def expired(self: Any, request: Any, **kwargs: Any) -> None:
        raise jwt.ExpiredSignatureError("Signature has expired")

    monkeypatch.setattr(oidc.OIDCBackend, "authenticate", expired)
    start = client.get("/comptes/oidc/connexion/")
    state = parse_qs(urlparse(start["Location"]).query)["state"][0]
    response = client.get(f"/comptes/oidc/callback/?code=abc&state={state}", follow=True)
    assert response.redirect_chain == [("/comptes/connexion/", 302)]
    assert "La connexion avec ProConnect a échoué. Réessayez" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_logout_ends_the_provider_session_after_single_sign_on(
        sso: Any, client: Any, organisation: Any, make_user: Any) -> None:
    user = make_user("amartin", organisation)
    client.force_login(user, backend="boussole.web.accounts.oidc.OIDCBackend")
    session = client.session
    session["oidc_id_token"] = "the.id.token"
    session.save()
    response = client.post("/comptes/deconnexion/")
    target = urlparse(response["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"{PROVIDER}/session/end"
    query = parse_qs(target.query)
    assert query["id_token_hint"] == ["the.id.token"]
    assert query["post_logout_redirect_uri"] == ["http://testserver/comptes/connexion/"]
    assert query["state"]
    assert SESSION_KEY not in client.session
    # A password session, or a provider without end-session endpoint: local logout only.
    client.force_login(user)
    assert client.post("/comptes/deconnexion/")["Location"] == "/comptes/connexion/"
    client.force_login(user, backend="boussole.web.accounts.oidc.OIDCBackend")
    session = client.session
    session["oidc_id_token"] = "the.id.token"
    session.save()
    with override_settings(BOUSSOLE_OIDC_END_SESSION_ENDPOINT=""):
        assert client.post("/comptes/deconnexion/")["Location"] == "/comptes/connexion/"


def test_discovery_helper_reports_an_unreachable_provider(db: Any) -> None:
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="Document de découverte illisible"):
        call_command("oidc_discover", "http://127.0.0.1:1/.well-known/openid-configuration")


# --- Settings from the environment ------------------------------------------------------------

ENV = {
    "BOUSSOLE_OIDC_CLIENT_ID": "boussole",
    "BOUSSOLE_OIDC_CLIENT_SECRET": "secret",
    "BOUSSOLE_OIDC_AUTHORIZATION_ENDPOINT": f"{PROVIDER}/api/v2/authorize",
    "BOUSSOLE_OIDC_TOKEN_ENDPOINT": f"{PROVIDER}/api/v2/token",
    "BOUSSOLE_OIDC_USERINFO_ENDPOINT": f"{PROVIDER}/api/v2/userinfo",
    "BOUSSOLE_OIDC_JWKS_ENDPOINT": f"{PROVIDER}/api/v2/jwks",
    "BOUSSOLE_OIDC_ORGANISATION": "ville-de-test",
}


def read_settings(monkeypatch: Any, **env: str) -> dict[str, Any]:
    """The settings module run afresh with these variables (Django's settings are untouched)."""
    for name in list(os.environ):
        if name.startswith(("BOUSSOLE_OIDC_", "BOUSSOLE_PASSWORD_LOGIN")):
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


def test_settings_without_single_sign_on(monkeypatch: Any) -> None:
    values = read_settings(monkeypatch)
    assert values["BOUSSOLE_OIDC_ENABLED"] is False and values["BOUSSOLE_PASSWORD_LOGIN"] is True
    assert "boussole.web.accounts.oidc.OIDCBackend" not in values["AUTHENTICATION_BACKENDS"]
    assert "OIDC_RP_CLIENT_ID" not in values
    with pytest.raises(ImproperlyConfigured, match="configurez d'abord la connexion unique"):
        read_settings(monkeypatch, BOUSSOLE_PASSWORD_LOGIN="0")


def test_settings_with_single_sign_on(monkeypatch: Any) -> None:
    values = read_settings(monkeypatch, **ENV, BOUSSOLE_PASSWORD_LOGIN="0",
                           BOUSSOLE_OIDC_END_SESSION_ENDPOINT=f"{PROVIDER}/api/v2/session/end")
    assert values["AUTHENTICATION_BACKENDS"][-1] == "boussole.web.accounts.oidc.OIDCBackend"
    assert values["OIDC_OP_AUTHORIZATION_ENDPOINT"] == f"{PROVIDER}/api/v2/authorize"
    assert values["OIDC_RP_SCOPES"] == "openid email given_name usual_name"
    assert (values["OIDC_USE_PKCE"], values["OIDC_RP_SIGN_ALGO"]) == (True, "RS256")
    assert (values["OIDC_CREATE_USER"], values["BOUSSOLE_OIDC_DEFAULT_ROLE"]) == (False, "porteur")
    assert values["BOUSSOLE_OIDC_ROLE_CLAIM"] == ""
    assert values["OIDC_AUTH_REQUEST_EXTRA_PARAMS"] == {}
    assert values["BOUSSOLE_OIDC_ORGANISATION"] == "ville-de-test"
    assert values["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["form-action"] == ["'self'", PROVIDER]
    values = read_settings(monkeypatch, **ENV, BOUSSOLE_OIDC_SCOPES="openid  email profile",
                           BOUSSOLE_OIDC_ACR_VALUES="eidas1")
    assert values["OIDC_RP_SCOPES"] == "openid email profile"
    assert values["OIDC_AUTH_REQUEST_EXTRA_PARAMS"] == {"acr_values": "eidas1"}
    assert values["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["form-action"] == ["'self'"]


def test_settings_organisation_from_a_claim(monkeypatch: Any) -> None:
    values = read_settings(monkeypatch, **{
        **ENV, "BOUSSOLE_OIDC_ORGANISATION": "", "BOUSSOLE_OIDC_ORGANISATION_CLAIM": "siret",
        "BOUSSOLE_OIDC_ORGANISATIONS": "21440109300015 = nantes-metropole,21440109300023=nantes"})
    assert values["BOUSSOLE_OIDC_ORGANISATIONS"] == {"21440109300015": "nantes-metropole",
                                                     "21440109300023": "nantes"}
    with pytest.raises(ImproperlyConfigured, match="demande BOUSSOLE_OIDC_ORGANISATIONS"):
        read_settings(monkeypatch, **{**ENV, "BOUSSOLE_OIDC_ORGANISATION_CLAIM": "siret"})
    with pytest.raises(ImproperlyConfigured, match="valeur=organisation"):
        read_settings(monkeypatch, **{**ENV, "BOUSSOLE_OIDC_ORGANISATION_CLAIM": "siret",
                                      "BOUSSOLE_OIDC_ORGANISATIONS": "21440109300015"})


@pytest.mark.parametrize(("variable", "value", "message"), [
    ("BOUSSOLE_OIDC_JWKS_ENDPOINT", "", "BOUSSOLE_OIDC_JWKS_ENDPOINT est obligatoire"),
    ("BOUSSOLE_OIDC_ORGANISATION", "", "BOUSSOLE_OIDC_ORGANISATION est obligatoire"),
    ("BOUSSOLE_OIDC_TOKEN_ENDPOINT", "idp/token", "adresse https"),
    ("BOUSSOLE_OIDC_DEFAULT_ROLE", "admin", "porteur, representant_personnel ou prestataire"),
    ("BOUSSOLE_OIDC_SCOPES", "openid profile", "contenir openid et email"),
    ("BOUSSOLE_OIDC_CREATE_USERS", "oui", "true, false, 1 ou 0"),
])
def test_settings_refuse_a_bad_configuration(monkeypatch: Any, variable: str, value: str,
                                             message: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=message):
        read_settings(monkeypatch, **{**ENV, variable: value})
