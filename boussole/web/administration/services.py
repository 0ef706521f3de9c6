"""Writes of the administration: organisations, invitations, people's roles and activity,
organisation settings. Every change is recorded in the organisation's log (:class:`AdminEvent`).

The rules live in the core (:mod:`boussole.core.roles`): a referent has a domain, an elected
official a delegation; nobody deactivates themself and an organisation keeps an active
administrator. Refusals are :class:`AdminRefused` (French messages, nothing changed).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from boussole.core import roles
from boussole.core.errors import Refusal
from boussole.web.accounts import oidc
from boussole.web.accounts.models import Organisation, User
from boussole.web.administration.models import AdminEvent, Invitation

INVITATION_DAYS = 7
#: The organisation settings an administrator changes (and the log records).
SETTINGS_FIELDS = ("name", "required_delegations", "followup_schedule", "publishers",
                   "evidence_max_mb", "grid_versions", "default_grid")


class AdminRefused(Refusal):
    """An administration change refused; ``problems`` are (field, French message) pairs."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__([message for __, message in problems],
                         field=next((f for f, __ in problems if f), None))


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_path(token: str) -> str:
    return reverse("administration:invitation", args=[token])


def _log(organisation: Organisation, actor: User | None, action: str, *,
         target: User | None = None, before: Mapping[str, Any] | None = None,
         after: Mapping[str, Any] | None = None) -> AdminEvent:
    return AdminEvent.objects.create(organisation=organisation, actor=actor, action=action,
                                      target=target, before=dict(before or {}),
                                      after=dict(after or {}))


def person_state(user: User) -> dict[str, Any]:
    return {"role": user.role, "domain": user.domain, "delegation": user.delegation,
            "is_active": user.is_active}


def is_pending(user: User) -> bool:
    """Invited, and the invitation not yet accepted."""
    return not user.is_active and user.last_login is None and not user.has_usable_password()


# --- Organisations (command line) ---------------------------------------------------------

@transaction.atomic
def organisation_create(*, name: str, slug: str, headcount: int | None = None) -> Organisation:
    problems: list[tuple[str, str]] = []
    name, slug = name.strip(), slug.strip()
    if not name:
        problems.append(("name", "Le nom de l'organisation est obligatoire."))
    if not slug or not all(c.isascii() and (c.isalnum() or c == "-") for c in slug):
        problems.append(("slug", "L'identifiant ne peut contenir que des lettres sans accent, "
                                 "des chiffres et des tirets."))
    elif Organisation.objects.filter(slug=slug).exists():
        problems.append(("slug", f"Une organisation a déjà l'identifiant « {slug} »."))
    if headcount is not None and headcount < 0:
        problems.append(("headcount", "L'effectif doit être un nombre positif."))
    if problems:
        raise AdminRefused(problems)
    organisation = Organisation.objects.create(name=name, slug=slug.lower(),
                                               headcount_fte=headcount)
    _log(organisation, None, AdminEvent.Action.ORGANISATION_CREATED,
         after={"name": name, "slug": organisation.slug, "headcount_fte": headcount})
    return organisation


# --- Invitations --------------------------------------------------------------------------

def _new_invitation(user: User, actor: User | None) -> tuple[Invitation, str]:
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    Invitation.objects.filter(user=user, used_at=None, revoked_at=None).update(revoked_at=now)
    invitation = Invitation.objects.create(
        organisation_id=int(user.organisation_id or 0), user=user, email=user.email,
        token_hash=token_digest(token), created_by=actor, created_at=now,
        expires_at=now + dt.timedelta(days=INVITATION_DAYS))
    return invitation, token


def _send(invitation: Invitation, link: str) -> None:
    organisation = invitation.organisation
    expires = timezone.localtime(invitation.expires_at)
    subject = _("Invitation à rejoindre Boussole — %(organisation)s") % {
        "organisation": organisation.name}
    values = {"organisation": organisation.name, "link": link,
              "username": invitation.user.username, "email": invitation.email,
              "provider": oidc.provider_name(), "date": expires.strftime("%d/%m/%Y à %H:%M")}
    if oidc.password_login():
        body = _(
            "Bonjour,\n\nVous êtes invité·e à rejoindre Boussole pour %(organisation)s.\n\n"
            "Pour choisir votre mot de passe et activer votre compte, ouvrez ce lien :\n"
            "%(link)s\n\nVotre identifiant est : %(username)s\n\n"
            "Ce lien ne sert qu'une fois et expire le %(date)s. Si vous n'attendiez pas cette "
            "invitation, ignorez ce message.\n") % values
    else:  # single sign-on only: no password to choose
        body = _(
            "Bonjour,\n\nVous êtes invité·e à rejoindre Boussole pour %(organisation)s.\n\n"
            "Votre compte sera activé à votre première connexion avec %(provider)s, avec "
            "l'adresse électronique %(email)s. Pour vous connecter, ouvrez ce lien :\n"
            "%(link)s\n\nCette invitation expire le %(date)s. Si vous ne l'attendiez pas, "
            "ignorez ce message.\n") % values
    try:
        send_mail(subject, body, None, [invitation.email])
    except Exception as error:  # any transport failure: nothing is kept
        raise AdminRefused([("email", "Le courriel d'invitation n'a pas pu être envoyé "
                                      f"({type(error).__name__}) : rien n'a été enregistré.")]
                           ) from error


def _link(token: str, base_url: str | None) -> str:
    base = (base_url if base_url is not None else settings.BOUSSOLE_SITE_URL).rstrip("/")
    return f"{base}{invitation_path(token)}"


@transaction.atomic
def user_invite(*, organisation: Organisation, actor: User | None, email: str, role: str,
                domain: str = "", delegation: str = "", first_name: str = "",
                last_name: str = "", base_url: str | None = None, send: bool = True
                ) -> tuple[Invitation, str]:
    """Create the (inactive) account and its invitation; send the e-mail. Returns the
    invitation and the one-time link (shown once; only its digest is stored)."""
    email = email.strip().lower()
    problems = roles.assignment_problems(role, domain, delegation)
    if not email or "@" not in email:
        problems.append(("email", "Saisissez une adresse électronique valide."))
    elif (User.objects.filter(email__iexact=email).exists()
          or User.objects.filter(username__iexact=email).exists()):
        problems.append(("email", "Un compte existe déjà avec cette adresse."))
    if problems:
        raise AdminRefused(problems)
    role, domain, delegation = roles.normalised_assignment(role, domain, delegation)
    user = User(username=email, email=email, organisation=organisation, role=role,
                domain=domain, delegation=delegation, first_name=first_name.strip()[:150],
                last_name=last_name.strip()[:150], is_active=False)
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # the same address invited at the same moment
        raise AdminRefused([("email", "Un compte existe déjà avec cette adresse.")]) from None
    invitation, token = _new_invitation(user, actor)
    _log(organisation, actor, AdminEvent.Action.USER_INVITED, target=user,
         after={"email": email, **person_state(user)})
    link = _link(token, base_url)
    if send:
        _send(invitation, link)
    return invitation, link


@transaction.atomic
def invitation_resend(*, actor: User, user: User, base_url: str | None = None
                      ) -> tuple[Invitation, str]:
    """A new link for a person who has not accepted their invitation (earlier links die)."""
    if not is_pending(user):
        raise AdminRefused([("", "Cette personne a déjà activé son compte.")])
    invitation, token = _new_invitation(user, actor)
    _log(user.organisation, actor, AdminEvent.Action.USER_INVITED, target=user,  # type: ignore[arg-type]
         after={"email": user.email, **person_state(user)})
    link = _link(token, base_url)
    _send(invitation, link)
    return invitation, link


@transaction.atomic
def invitation_revoke(*, actor: User, invitation: Invitation) -> None:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.state() != "open":
        raise AdminRefused([("", "Cette invitation n'est plus valable : rien à révoquer.")])
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    _log(invitation.organisation, actor, AdminEvent.Action.INVITATION_REVOKED,
         target=invitation.user, before={"invitation": "open"},
         after={"invitation": "revoked"})


def invitation_open(token: str) -> Invitation | None:
    """The open invitation of this token, or ``None`` (unknown, used, revoked, expired)."""
    invitation = (Invitation.objects.select_related("user", "organisation")
                  .filter(token_hash=token_digest(token)).first())
    return invitation if invitation is not None and invitation.state() == "open" else None


def _accept(invitation: Invitation, *, password: str | None = None) -> User:
    """Accept an open invitation whose row the caller has locked: the link is used, the
    person's other open links die, the account is activated (with this password, if any) and
    the organisation's log records it."""
    user = invitation.user
    now = timezone.now()
    invitation.used_at = now
    invitation.save(update_fields=["used_at"])
    Invitation.objects.filter(user=user, used_at=None, revoked_at=None).update(revoked_at=now)
    fields = ["is_active"]
    if password is not None:
        user.set_password(password)
        fields.append("password")
    user.is_active = True
    user.save(update_fields=fields)
    _log(invitation.organisation, user, AdminEvent.Action.INVITATION_ACCEPTED, target=user,
         before={"is_active": False}, after={"is_active": True})
    return user


@transaction.atomic
def invitation_accept(*, token: str, password: str) -> User:
    """Set the password and activate the account; the link is then dead. The password was
    validated by the form (Django's password validators)."""
    invitation = (Invitation.objects.select_for_update()
                  .filter(token_hash=token_digest(token)).first())
    if invitation is None or invitation.state() != "open":
        raise AdminRefused([("", "Ce lien d'invitation n'est plus valable.")])
    return _accept(invitation, password=password)


@transaction.atomic
def invitation_accept_on_sign_in(user: User) -> User | None:
    """Single sign-on: the provider vouched for the address of this inactive account, so the
    person accepts their open invitation without the link, as :func:`invitation_accept` does
    but without setting a password. Returns the activated account, or ``None`` when the account
    has no open invitation (a deactivated account stays deactivated: deactivating revokes the
    invitations, and only a person who never accepted can be invited again)."""
    now = timezone.now()
    invitation = next(
        (found for found in (Invitation.objects.select_for_update()
                             .select_related("user", "organisation")
                             .filter(user=user, used_at=None, revoked_at=None)
                             .order_by("-created_at", "-id"))
         if found.state(now) == "open"), None)
    if invitation is None or invitation.user.is_active:
        return None
    return _accept(invitation)


def on_inactive_account_matched(sender: object, *, user: User, **kwargs: Any) -> User | None:
    """Receiver of the single sign-on's ``inactive_account_matched`` (connected in the app's
    ``ready``): :func:`invitation_accept_on_sign_in`."""
    return invitation_accept_on_sign_in(user)


# --- People -------------------------------------------------------------------------------

def _guard(actor: User | None, target: User, *, role: str, active: bool) -> None:
    """The core's rule on administrators, read under the organisation's row lock."""
    organisation_id = int(target.organisation_id or 0)
    Organisation.objects.select_for_update().filter(pk=organisation_id).first()
    others = (User.objects.filter(organisation_id=organisation_id, role="admin",
                                  is_active=True).exclude(pk=target.pk).count())
    problem = roles.admin_change_problem(
        actor_id=actor.pk if actor else None, target_id=target.pk,
        target_is_active_admin=target.role == "admin" and target.is_active,
        stays_active_admin=role == "admin" and active, other_active_admins=others)
    if problem:
        raise AdminRefused([("", problem)])


@transaction.atomic
def user_change(*, actor: User, target: User, role: str, domain: str = "",
                delegation: str = "") -> User:
    """Change a person's role, referent domain or elected delegation."""
    problems = roles.assignment_problems(role, domain, delegation)
    if problems:
        raise AdminRefused(problems)
    target = User.objects.get(pk=target.pk)
    _guard(actor, target, role=role, active=target.is_active)
    before = person_state(target)
    target.role, target.domain, target.delegation = roles.normalised_assignment(
        role, domain, delegation)
    after = person_state(target)
    if after == before:
        return target
    target.save(update_fields=["role", "domain", "delegation"])
    _log(target.organisation, actor, AdminEvent.Action.ROLE_CHANGED,  # type: ignore[arg-type]
         target=target, before=before, after=after)
    return target


@transaction.atomic
def user_set_active(*, actor: User, target: User, active: bool) -> User:
    """Deactivate (the account stays, with its history; the person can no longer log in) or
    reactivate a person."""
    target = User.objects.get(pk=target.pk)
    if target.is_active == active:
        return target
    if active and is_pending(target):
        raise AdminRefused([("", "Cette personne n'a pas encore accepté son invitation : "
                                 "renvoyez-la plutôt.")])
    _guard(actor, target, role=target.role, active=active)
    before = person_state(target)
    target.is_active = active
    target.save(update_fields=["is_active"])
    if not active:
        Invitation.objects.filter(user=target, used_at=None, revoked_at=None).update(
            revoked_at=timezone.now())
    _log(target.organisation, actor,  # type: ignore[arg-type]
         AdminEvent.Action.USER_REACTIVATED if active else AdminEvent.Action.USER_DEACTIVATED,
         target=target, before=before, after=person_state(target))
    return target


# --- Settings -----------------------------------------------------------------------------

@transaction.atomic
def settings_update(*, actor: User, organisation: Organisation,
                    values: Mapping[str, Any]) -> Organisation:
    """Store the organisation settings validated by the form; log what changed."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for name in SETTINGS_FIELDS:
        if name not in values:
            continue
        old, new = getattr(organisation, name), values[name]
        if old != new:
            before[name], after[name] = old, new
            setattr(organisation, name, new)
    if after:
        organisation.save(update_fields=list(after))
        _log(organisation, actor, AdminEvent.Action.SETTINGS_CHANGED, before=before,
             after=after)
    return organisation
