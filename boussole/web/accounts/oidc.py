"""Single sign-on with OpenID Connect (docs/connexion-unique.md), on mozilla-django-oidc.

The provider authenticates the person; Boussole decides who they are here:

- a person is matched by e-mail address (case-insensitive) among the accounts of the organisation
  named by ``BOUSSOLE_OIDC_ORGANISATION`` (or found from a claim, such as ProConnect's siret, by
  ``BOUSSOLE_OIDC_ORGANISATION_CLAIM`` and ``BOUSSOLE_OIDC_ORGANISATIONS``); a deactivated
  account is refused;
- an invited person whose account is not active yet is let in at their first sign-in, which
  accepts their open invitation (the administration app does it: :data:`inactive_account_matched`);
- an unknown person is refused with a French message on the login page, unless
  ``BOUSSOLE_OIDC_CREATE_USERS`` is on: then an account is created with
  ``BOUSSOLE_OIDC_DEFAULT_ROLE`` (and a log line says so);
- roles are never taken from the provider unless ``BOUSSOLE_OIDC_ROLE_CLAIM`` names the claim
  that carries them, and then only valid role codes (``porteur``, ``referent:juridique``,
  ``elu:numerique``, ``admin``…);
- logging out also ends the provider's session when it has an end-session endpoint
  (RP-initiated logout); otherwise only Boussole's session ends.

The flow itself (authorisation code with PKCE, state, nonce, signature of the ID token against
the provider's JWKS) is mozilla-django-oidc's; this module adds the matching rules, the French
messages and the login and logout views. Settings: ``boussole/settings.py`` (single sign-on block).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import SuspiciousOperation
from django.dispatch import Signal
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from boussole.core import roles
from boussole.web.accounts.models import Organisation, User

logger = logging.getLogger("boussole.accounts.oidc")

#: The attribute of the request where the backend leaves the reason of a refusal for the view.
REFUSAL_ATTRIBUTE = "boussole_oidc_refusal"


class Refused(Exception):
    """A person the provider authenticated but Boussole does not let in (French message)."""


#: Sent by :func:`match_user` when the only account of the claimed address is inactive.
#: Argument: ``user``. A receiver that activates the account returns it; the account is then
#: signed in, otherwise refused as deactivated. The administration app listens (it accepts the
#: person's open invitation): it builds on this app, so it listens rather than being called, and
#: there is no import cycle.
inactive_account_matched = Signal()


def enabled() -> bool:
    return bool(getattr(settings, "BOUSSOLE_OIDC_ENABLED", False))


def provider_name() -> str:
    return str(getattr(settings, "BOUSSOLE_OIDC_PROVIDER_NAME", "") or "OpenID Connect")


def password_login() -> bool:
    return bool(getattr(settings, "BOUSSOLE_PASSWORD_LOGIN", True))


# --- Matching rules ---------------------------------------------------------------------------

@dataclass(frozen=True)
class RoleCode:
    role: str
    domain: str = ""
    delegation: str = ""


def parse_role(value: object) -> RoleCode | None:
    """A role code as the provider may send it: ``porteur``, ``admin``…, ``referent:<domain>``,
    ``elu:<delegation>``; anything else (a referent without domain, an unknown code) is None."""
    if not isinstance(value, str):
        return None
    role, _sep, detail = value.strip().lower().partition(":")
    if role == "referent":
        return RoleCode(role, domain=detail) if detail in roles.REFERENT_DOMAINS else None
    if role == "elu":
        return RoleCode(role, delegation=detail) if detail in roles.DELEGATIONS else None
    if role in roles.ROLES and not detail:
        return RoleCode(role)
    return None


def role_from_claims(claims: Mapping[str, Any]) -> RoleCode | None:
    """The role the provider gives, when ``BOUSSOLE_OIDC_ROLE_CLAIM`` is set: the first valid
    code of the claim (a string or a list of strings); None when the setting is empty or the
    claim holds no valid code."""
    claim = str(getattr(settings, "BOUSSOLE_OIDC_ROLE_CLAIM", "") or "")
    if not claim:
        return None
    value = claims.get(claim)
    values = value if isinstance(value, list) else [value]
    for candidate in values:
        code = parse_role(candidate)
        if code is not None:
            return code
    if value is not None:
        logger.warning("Connexion unique : la revendication %s ne contient aucun rôle Boussole "
                       "valide (%r) ; le rôle n'est pas modifié.", claim, value)
    return None


def claimed_email(claims: Mapping[str, Any]) -> str:
    """The verified e-mail address of the claims, or a refusal."""
    email = claims.get("email")
    if not isinstance(email, str) or "@" not in email.strip():
        raise Refused(_("%(provider)s n'a pas transmis d'adresse électronique : la connexion "
                        "est impossible.") % {"provider": provider_name()})
    if claims.get("email_verified") is False:
        raise Refused(_("Votre adresse électronique n'est pas vérifiée chez %(provider)s : "
                        "vérifiez-la puis reconnectez-vous.") % {"provider": provider_name()})
    return email.strip()


def _compact(value: object) -> str:
    return "".join(str(value).split())


def organisation(claims: Mapping[str, Any]) -> Organisation:
    """The organisation the person is matched in: ``BOUSSOLE_OIDC_ORGANISATION``, or the one
    ``BOUSSOLE_OIDC_ORGANISATIONS`` gives for the value of ``BOUSSOLE_OIDC_ORGANISATION_CLAIM``."""
    claim = str(getattr(settings, "BOUSSOLE_OIDC_ORGANISATION_CLAIM", "") or "")
    if claim:
        mapping = {_compact(key): slug for key, slug in
                   getattr(settings, "BOUSSOLE_OIDC_ORGANISATIONS", {}).items()}
        value = claims.get(claim)
        slug = mapping.get(_compact(value)) if isinstance(value, str | int) else None
        if slug is None:
            logger.warning("Connexion unique refusée : la revendication %s vaut %r, qui ne "
                           "désigne aucune organisation de BOUSSOLE_OIDC_ORGANISATIONS.",
                           claim, value)
            raise Refused(_("Votre organisation n'utilise pas cette instance de Boussole."))
    else:
        slug = str(getattr(settings, "BOUSSOLE_OIDC_ORGANISATION", "") or "")
    found = Organisation.objects.filter(slug=slug).first()
    if found is None:
        logger.error("Connexion unique : l'organisation « %s » (BOUSSOLE_OIDC_ORGANISATION ou "
                     "BOUSSOLE_OIDC_ORGANISATIONS) n'existe pas.", slug)
        raise Refused(_("La connexion unique est mal configurée (organisation introuvable). "
                        "Prévenez l'administrateur·rice de Boussole."))
    return found


def match_user(claims: Mapping[str, Any]) -> User:
    """The Boussole account of the person the claims describe, created if allowed; raises
    :class:`Refused` with the French reason otherwise."""
    email = claimed_email(claims)
    org = organisation(claims)
    candidates = list(User.objects.filter(organisation=org, email__iexact=email))
    active = [user for user in candidates if user.is_active]
    if len(active) > 1:
        logger.warning("Connexion unique refusée : %d comptes actifs ont l'adresse %s dans %s.",
                       len(active), email, org.slug)
        raise Refused(_("Plusieurs comptes ont l'adresse %(email)s : l'administrateur·rice de "
                        "votre organisation doit n'en garder qu'un.") % {"email": email})
    if active:
        return update_user(active[0], claims)
    if len(candidates) == 1:
        activated = _activated(candidates[0])
        if activated is not None:
            logger.info("Connexion unique : invitation de %s (%s) acceptée à sa première "
                        "connexion ; compte activé.", activated.username, email)
            return update_user(activated, claims)
    if candidates:
        logger.warning("Connexion unique refusée : le compte %s (%s) est désactivé.",
                       candidates[0].username, email)
        raise Refused(_("Votre compte Boussole est désactivé. Adressez-vous à "
                        "l'administrateur·rice de votre organisation."))
    if not getattr(settings, "OIDC_CREATE_USER", False):
        logger.warning("Connexion unique refusée : aucun compte n'a l'adresse %s dans %s.",
                       email, org.slug)
        raise Refused(_("Aucun compte Boussole de %(organisation)s n'a l'adresse %(email)s. "
                        "Demandez à l'administrateur·rice de votre organisation de vous "
                        "inviter.") % {"organisation": org.name, "email": email})
    return create_user(org, email, claims)


def _activated(user: User) -> User | None:
    """The account a receiver of :data:`inactive_account_matched` activated, if one did."""
    for __, answer in inactive_account_matched.send(sender=User, user=user):
        if isinstance(answer, User) and answer.is_active:
            return answer
    return None


def _names(claims: Mapping[str, Any]) -> tuple[str, str]:
    first = claims.get("given_name")
    last = claims.get("usual_name") or claims.get("family_name")
    return (first.strip()[:150] if isinstance(first, str) else "",
            last.strip()[:150] if isinstance(last, str) else "")


def _apply_role(user: User, code: RoleCode) -> None:
    user.role, user.domain, user.delegation = code.role, code.domain, code.delegation


def update_user(user: User, claims: Mapping[str, Any]) -> User:
    """Fill the names the account lacks; change the role only from ``BOUSSOLE_OIDC_ROLE_CLAIM``."""
    first, last = _names(claims)
    changed: list[str] = []
    if first and not user.first_name:
        user.first_name = first
        changed.append("first_name")
    if last and not user.last_name:
        user.last_name = last
        changed.append("last_name")
    code = role_from_claims(claims)
    if code is not None and (user.role, user.domain, user.delegation) != (
            code.role, code.domain, code.delegation):
        logger.warning("Connexion unique : rôle de %s modifié par le fournisseur d'identité "
                       "(%s → %s).", user.username, user.role_label, code.role)
        _apply_role(user, code)
        changed += ["role", "domain", "delegation"]
    if changed:
        user.save(update_fields=changed)
    return user


def _free_username(email: str) -> str:
    base = email.lower()[:140]
    username, counter = base, 1
    while User.objects.filter(username__iexact=username).exists():
        counter += 1
        username = f"{base}-{counter}"
    return username


def create_user(org: Organisation, email: str, claims: Mapping[str, Any]) -> User:
    first, last = _names(claims)
    user = User(username=_free_username(email), email=email, first_name=first, last_name=last,
                organisation=org, role=str(getattr(settings, "BOUSSOLE_OIDC_DEFAULT_ROLE",
                                                   "porteur")))
    code = role_from_claims(claims)
    if code is not None:
        _apply_role(user, code)
    user.set_unusable_password()
    user.save()
    logger.warning("Connexion unique : compte %s créé à la première connexion de %s dans %s, "
                   "avec le rôle %s.", user.username, email, org.slug, user.role)
    return user


# --- The authentication backend ---------------------------------------------------------------

class OIDCBackend(OIDCAuthenticationBackend):  # type: ignore[misc]
    """mozilla-django-oidc's backend with Boussole's matching rules."""

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        payload: dict[str, Any] = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if audience is not None and self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("The token was issued to another client.")
        return payload

    def verify_claims(self, claims: Mapping[str, Any]) -> bool:
        return True  # match_user checks the e-mail address, with a French message

    def get_or_create_user(self, access_token: str, id_token: str,
                           payload: Mapping[str, Any]) -> User | None:
        claims = self.get_userinfo(access_token, id_token, payload)
        try:
            return match_user(claims)
        except Refused as refusal:
            setattr(self.request, REFUSAL_ATTRIBUTE, str(refusal))
            return None

    def get_user(self, user_id: Any) -> User | None:
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None


# --- Views ------------------------------------------------------------------------------------

class _CallbackView(OIDCAuthenticationCallbackView):  # type: ignore[misc]
    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            response: HttpResponse = super().get(request)
        except (SuspiciousOperation, requests.RequestException, jwt.PyJWTError, ValueError,
                KeyError) as error:
            # A replayed or foreign state, an unreachable provider, a token that does not verify
            # or has expired, a malformed answer.
            logger.warning("Connexion unique échouée : %s: %s", type(error).__name__, error)
            return self._refuse(_("La connexion avec %(provider)s a échoué. Réessayez ; si le "
                                  "problème persiste, prévenez l'administrateur·rice de "
                                  "Boussole.") % {"provider": provider_name()})
        return response

    def login_failure(self) -> HttpResponse:
        refusal = getattr(self.request, REFUSAL_ATTRIBUTE, None)
        if refusal:
            return self._refuse(refusal)
        if self.request.GET.get("error"):
            return self._refuse(_("La connexion avec %(provider)s n'a pas abouti (annulée ou "
                                  "refusée par le fournisseur).") % {"provider": provider_name()})
        return self._refuse(_("La connexion avec %(provider)s a échoué. Réessayez.")
                            % {"provider": provider_name()})

    def _refuse(self, message: str) -> HttpResponse:
        messages.error(self.request, message)
        return HttpResponseRedirect(resolve_url("accounts:login"))


def oidc_login(request: HttpRequest) -> HttpResponse:
    """Start the authorisation code flow (a link on the login page; GET)."""
    if not enabled():
        raise Http404
    response: HttpResponse = OIDCAuthenticationRequestView.as_view()(request)
    return response


def oidc_callback(request: HttpRequest) -> HttpResponse:
    """The redirect URI registered at the provider."""
    if not enabled():
        raise Http404
    response: HttpResponse = _CallbackView.as_view()(request)
    return response


class LoginView(auth_views.LoginView):
    """The login page: the single sign-on button when configured, the password form unless
    ``BOUSSOLE_PASSWORD_LOGIN`` is off (its POST is then refused)."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(oidc_enabled=enabled(), oidc_provider_name=provider_name(),
                       password_login=password_login())
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not password_login():
            messages.error(request, _("La connexion par mot de passe est désactivée : utilisez "
                                      "%(provider)s.") % {"provider": provider_name()})
            response = self.get(request, *args, **kwargs)
            response.status_code = 403
            return response
        return super().post(request, *args, **kwargs)


def end_session_url(request: HttpRequest, id_token: str) -> str:
    """The provider's end-session address (RP-initiated logout), back to the login page."""
    query = urlencode({
        "id_token_hint": id_token,
        "post_logout_redirect_uri": request.build_absolute_uri(resolve_url("accounts:login")),
        "state": secrets.token_urlsafe(16),
    })
    return f"{settings.BOUSSOLE_OIDC_END_SESSION_ENDPOINT}?{query}"


class LogoutView(auth_views.LogoutView):
    """Django's logout; after a single sign-on, also the provider's when it has an end-session
    endpoint."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        id_token = request.session.get("oidc_id_token")
        response: HttpResponse = super().post(request, *args, **kwargs)
        if (id_token and enabled()
                and getattr(settings, "BOUSSOLE_OIDC_END_SESSION_ENDPOINT", "")):
            return HttpResponseRedirect(end_session_url(request, str(id_token)))
        return response


# --- Discovery helper (``boussole manage oidc_discover URL``) ----------------------------------

DISCOVERED = (
    ("BOUSSOLE_OIDC_AUTHORIZATION_ENDPOINT", "authorization_endpoint"),
    ("BOUSSOLE_OIDC_TOKEN_ENDPOINT", "token_endpoint"),
    ("BOUSSOLE_OIDC_USERINFO_ENDPOINT", "userinfo_endpoint"),
    ("BOUSSOLE_OIDC_JWKS_ENDPOINT", "jwks_uri"),
    ("BOUSSOLE_OIDC_END_SESSION_ENDPOINT", "end_session_endpoint"),
)


def discover(url: str, timeout: float = 10) -> tuple[list[str], list[str]]:
    """Read a provider's discovery document: the environment lines of its endpoints, and French
    warnings (a missing endpoint, no RS256, no PKCE S256)."""
    response = requests.get(url, timeout=timeout)
    response.raise_for_status()
    document = response.json()
    lines: list[str] = []
    warnings: list[str] = []
    for variable, key in DISCOVERED:
        value = document.get(key)
        if isinstance(value, str) and value:
            lines.append(f"{variable}={value}")
        elif key == "end_session_endpoint":
            warnings.append("Pas de end_session_endpoint : la déconnexion ne fermera que la "
                            "session Boussole.")
        else:
            warnings.append(f"Le document ne donne pas {key} : la connexion unique ne pourra "
                            "pas fonctionner.")
    if "RS256" not in document.get("id_token_signing_alg_values_supported", ["RS256"]):
        warnings.append("Le fournisseur ne signe pas ses jetons en RS256 : indiquez "
                        "BOUSSOLE_OIDC_SIGN_ALGO.")
    if "S256" not in document.get("code_challenge_methods_supported", ["S256"]):
        warnings.append("Le fournisseur n'annonce pas PKCE (S256), que Boussole utilise.")
    return lines, warnings
