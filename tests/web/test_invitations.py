"""Invitation links (single use, expiry, revocation, replaced by a new one, token never stored
in clear) and no account enumeration on the login and password reset pages."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from boussole.web.accounts.models import User
from boussole.web.administration import services
from boussole.web.administration.models import AdminEvent, Invitation

pytestmark = pytest.mark.django_db

LOGIN = "/comptes/connexion/"
RESET = "/mot-de-passe/oublie/"
GOOD = "Boussole-Nantes-2026!"


@pytest.fixture
def admin(organisation: Any, make_user: Any) -> Any:
    return make_user("admin", organisation, role="admin", email="admin@ville.fr")


def text(response: Any) -> str:
    return html.unescape(response.content.decode())


def _link_in(message: Any) -> str:
    found = re.search(r"https?://\S+", message.body)
    assert found, message.body
    return found.group(0)


def _invite_from_web(client: Any, admin: Any, **extra: str) -> str:
    client.force_login(admin)
    data = {"email": "Nouvelle@Ville.fr", "first_name": "Nina", "last_name": "Nouvelle",
            "role": "referent", "domain": "cybersecurite", "delegation": ""}
    data.update(extra)
    response = client.post(reverse("administration:invite"), data)
    assert response.status_code == 302, text(response)
    client.logout()
    assert len(mail.outbox) == 1
    return _link_in(mail.outbox[-1])


def _path(link: str) -> str:
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def test_invitation_by_email_then_single_use(client: Any, admin: Any) -> None:
    link = _invite_from_web(client, admin)
    message = mail.outbox[0]
    assert message.to == ["nouvelle@ville.fr"]
    assert "Ville de Test" in message.subject and "nouvelle@ville.fr" in message.body
    user = User.objects.get(email="nouvelle@ville.fr")
    assert (user.role, user.domain, user.is_active) == ("referent", "cybersecurite", False)
    assert not user.has_usable_password()
    # Only the digest of the token is stored.
    token = _path(link).rstrip("/").rsplit("/", 1)[-1]
    invitation = Invitation.objects.get(user=user)
    assert invitation.token_hash == services.token_digest(token) != token
    assert invitation.expires_at - invitation.created_at == dt.timedelta(days=7)

    page = client.get(_path(link))
    assert page.status_code == 200 and "Activer votre compte" in text(page)
    weak = client.post(_path(link), {"new_password1": "12345678", "new_password2": "12345678"})
    assert weak.status_code == 200
    refusal = text(weak)
    assert "Ce mot de passe est trop court" in refusal or "trop courant" in refusal
    user.refresh_from_db()
    assert not user.is_active

    done = client.post(_path(link), {"new_password1": GOOD, "new_password2": GOOD})
    assert done.status_code == 302 and done["Location"] == reverse("accounts:login")
    user.refresh_from_db()
    assert user.is_active and user.check_password(GOOD)
    assert client.post(LOGIN, {"username": "nouvelle@ville.fr",
                               "password": GOOD}).status_code == 302
    client.logout()
    # Used: the same link is dead, and cannot set the password again.
    again = client.get(_path(link))
    assert again.status_code == 404 and "Ce lien n'est pas valable" in text(again)
    post = client.post(_path(link), {"new_password1": "Autre-Secret-99!",
                                     "new_password2": "Autre-Secret-99!"})
    assert post.status_code == 404
    user.refresh_from_db()
    assert user.check_password(GOOD)
    assert list(AdminEvent.objects.filter(target=user).order_by("id")
                .values_list("action", flat=True)) == ["user_invited", "invitation_accepted"]


def test_expired_link_is_dead(client: Any, admin: Any) -> None:
    link = _invite_from_web(client, admin)
    Invitation.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(_path(link)).status_code == 404
    response = client.post(_path(link), {"new_password1": GOOD, "new_password2": GOOD})
    assert response.status_code == 404
    assert not User.objects.get(email="nouvelle@ville.fr").is_active


def test_revoked_link_is_dead(client: Any, admin: Any) -> None:
    link = _invite_from_web(client, admin)
    invitation = Invitation.objects.get()
    client.force_login(admin)
    person = client.get(reverse("administration:person", args=[invitation.user_id]))
    assert "Révoquer" in text(person)
    assert client.post(reverse("administration:invitation_revoke",
                               args=[invitation.pk])).status_code == 302
    client.logout()
    assert client.get(_path(link)).status_code == 404
    assert client.post(_path(link), {"new_password1": GOOD,
                                     "new_password2": GOOD}).status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert AdminEvent.objects.filter(action="invitation_revoked").count() == 1


def test_a_new_invitation_replaces_the_old_link(client: Any, admin: Any) -> None:
    old = _invite_from_web(client, admin)
    user = User.objects.get(email="nouvelle@ville.fr")
    client.force_login(admin)
    assert client.post(reverse("administration:person_reinvite",
                               args=[user.pk])).status_code == 302
    client.logout()
    new = _link_in(mail.outbox[-1])
    assert new != old
    assert client.get(_path(old)).status_code == 404
    assert client.post(_path(new), {"new_password1": GOOD,
                                    "new_password2": GOOD}).status_code == 302


def test_unknown_token_gets_the_same_page(client: Any) -> None:
    response = client.get("/invitation/nimporte-quoi/")
    assert response.status_code == 404
    assert "Ce lien n'est pas valable" in text(response)


def test_invite_refuses_an_existing_address_and_keeps_values(client: Any, admin: Any) -> None:
    client.force_login(admin)
    response = client.post(reverse("administration:invite"), {
        "email": "ADMIN@ville.fr", "role": "porteur", "first_name": "Zoé"})
    assert response.status_code == 200
    page = text(response)
    assert "Un compte existe déjà avec cette adresse." in page and 'value="Zoé"' in page
    assert len(mail.outbox) == 0 and Invitation.objects.count() == 0
    refused = client.post(reverse("administration:invite"), {
        "email": "elu@ville.fr", "role": "elu"})
    assert "Un·e élu·e doit avoir une délégation." in text(refused)
    assert not User.objects.filter(email="elu@ville.fr").exists()


def test_a_failing_mail_server_keeps_nothing(client: Any, admin: Any, settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1
    client.force_login(admin)
    response = client.post(reverse("administration:invite"), {
        "email": "x@ville.fr", "role": "porteur"})
    assert response.status_code == 200
    assert "n'a pas pu être envoyé" in text(response)
    assert not User.objects.filter(email="x@ville.fr").exists()
    assert Invitation.objects.count() == 0


# --- No account enumeration -----------------------------------------------------------------

def _normalise(html: str) -> str:
    """A page without its per-request tokens."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", html)


def test_login_errors_do_not_tell_whether_an_account_exists(
        client: Any, organisation: Any, make_user: Any) -> None:
    make_user("agent", organisation, email="agent@ville.fr")
    make_user("parti", organisation, is_active=False)
    pages = []
    for username, password in (("agent", "faux-mot-de-passe"),
                               ("personne-inconnue", "faux-mot-de-passe"),
                               ("parti", "mot-de-passe-de-test")):  # deactivated, right password
        response = client.post(LOGIN, {"username": username, "password": password})
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session
        pages.append(_normalise(text(response)).replace(
            f'value="{username}"', 'value="…"'))
    assert pages[0] == pages[1] == pages[2]


def test_password_reset_answers_the_same_for_any_address(
        client: Any, organisation: Any, make_user: Any) -> None:
    make_user("agent", organisation, email="agent@ville.fr")
    make_user("parti", organisation, email="parti@ville.fr", is_active=False)
    form = client.get(RESET)
    assert form.status_code == 200 and "Mot de passe oublié" in text(form)
    answers = []
    for email in ("agent@ville.fr", "inconnu@ville.fr", "parti@ville.fr"):
        response = client.post(RESET, {"email": email})
        assert response.status_code == 302
        answers.append(response["Location"])
        done = client.get(response["Location"])
        answers.append(_normalise(text(done)))
    assert answers[0] == answers[2] == answers[4]
    assert answers[1] == answers[3] == answers[5]
    assert "Si cette adresse correspond à un compte actif" in answers[1]
    # Only the active account got a message.
    assert [m.to for m in mail.outbox] == [["agent@ville.fr"]]


def test_password_reset_link_sets_a_new_password_once(
        client: Any, organisation: Any, make_user: Any) -> None:
    user = make_user("agent", organisation, email="agent@ville.fr")
    client.post(RESET, {"email": "agent@ville.fr"})
    link = _path(_link_in(mail.outbox[0]))
    assert "/mot-de-passe/nouveau/" in link
    form = client.get(link, follow=True)
    assert "Nouveau mot de passe" in text(form)
    done = client.post(form.redirect_chain[-1][0] if form.redirect_chain else link,
                       {"new_password1": GOOD, "new_password2": GOOD})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(GOOD)
    again = client.get(link, follow=True)
    assert "Ce lien n'est pas valable" in text(again)


def test_login_page_links_to_password_reset(client: Any) -> None:
    assert RESET in text(client.get(LOGIN))


# --- Password login closed (single sign-on only) ----------------------------------------------

CLOSED = {"BOUSSOLE_PASSWORD_LOGIN": False, "BOUSSOLE_OIDC_ENABLED": True,
          "BOUSSOLE_OIDC_PROVIDER_NAME": "ProConnect"}


def test_invitation_page_without_password_when_password_login_is_closed(
        client: Any, admin: Any, settings: Any) -> None:
    link = _path(_invite_from_web(client, admin))
    for name, value in CLOSED.items():
        setattr(settings, name, value)
    page = client.get(link)
    assert page.status_code == 200
    body = text(page)
    assert 'type="password"' not in body and "<form" not in body.split("<main", 1)[-1]
    assert ("Votre compte sera activé à votre première connexion avec ProConnect, avec "
            "l'adresse électronique <strong>nouvelle@ville.fr</strong>.") in body
    assert (f'<a class="button primary" href="{reverse("accounts:oidc_login")}">'
            "Se connecter avec ProConnect</a>") in body
    # A password posted anyway is refused: nothing set, the invitation still open.
    post = client.post(link, {"new_password1": GOOD, "new_password2": GOOD})
    assert post.status_code == 403 and 'type="password"' not in text(post)
    user = User.objects.get(email="nouvelle@ville.fr")
    assert not user.is_active and not user.has_usable_password()
    assert Invitation.objects.get().state() == "open"
    assert not AdminEvent.objects.filter(action="invitation_accepted").exists()


def test_invitation_page_unchanged_when_password_login_is_open(
        client: Any, admin: Any, settings: Any) -> None:
    link = _path(_invite_from_web(client, admin))
    settings.BOUSSOLE_OIDC_ENABLED, settings.BOUSSOLE_OIDC_PROVIDER_NAME = True, "ProConnect"
    body = text(client.get(link))
    assert body.count('type="password"') == 2 and "Choisissez votre mot de passe" in body
    assert "ProConnect" not in body and reverse("accounts:oidc_login") not in body


@pytest.mark.parametrize("method", ["get", "post"])
def test_password_reset_pages_closed_with_password_login(
        client: Any, organisation: Any, make_user: Any, settings: Any, method: str) -> None:
    user = make_user("agent", organisation, email="agent@ville.fr")
    for name, value in CLOSED.items():
        setattr(settings, name, value)
    pages = [RESET, reverse("administration:password_reset_done"),
             reverse("administration:password_reset_confirm", args=["MQ", "set-password"]),
             reverse("administration:password_reset_complete")]
    for page in pages:
        response = getattr(client, method)(page, {"email": "agent@ville.fr",
                                                  "new_password1": GOOD, "new_password2": GOOD})
        assert response.status_code == (200 if method == "get" else 403), page
        body = text(response)
        assert "Connexion par mot de passe fermée" in body and 'type="password"' not in body
        assert (f'<a class="button primary" href="{reverse("accounts:oidc_login")}">'
                "Se connecter avec ProConnect</a>") in body
    assert mail.outbox == []
    user.refresh_from_db()
    assert not user.check_password(GOOD)


def test_invitation_mail_without_password_when_password_login_is_closed(
        client: Any, admin: Any, settings: Any) -> None:
    for name, value in CLOSED.items():
        setattr(settings, name, value)
    link = _invite_from_web(client, admin)
    body = mail.outbox[0].body
    assert "mot de passe" not in body
    assert ("Votre compte sera activé à votre première connexion avec ProConnect, avec "
            "l'adresse électronique nouvelle@ville.fr.") in body
    assert link in body and "expire le" in body
