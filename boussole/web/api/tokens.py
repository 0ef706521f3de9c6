"""Making, checking and revoking personal API tokens (the one place that handles secrets).

A token reads ``bsl_`` followed by 43 URL-safe characters (32 random bytes). The database keeps
its SHA-256 hash and its first 12 characters; the whole token is given once, to its maker."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from boussole.core.errors import Refusal
from boussole.web.accounts.models import User
from boussole.web.api.models import ApiToken, Scope

TOKEN_PREFIX = "bsl_"  # noqa: S105 — the public mark of a token, not a secret
SHOWN_CHARACTERS = 12
NAME_MAX_LENGTH = 100
#: ``last_used_at`` is written at most once a minute per token (reads rarely write).
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def secret_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class NewToken:
    """A token just made: the record, and the secret to show once."""

    record: ApiToken
    secret: str


@transaction.atomic
def token_create(*, user: User, name: str, scope: str,
                 expires_at: dt.datetime | None = None) -> NewToken:
    """Make a token for ``user``; the secret is in the result and nowhere else."""
    name = name.strip()
    if not name:
        raise Refusal("Donnez un nom au jeton (par exemple, l'outil qui l'utilisera).",
                      field="name")
    if len(name) > NAME_MAX_LENGTH:
        raise Refusal(f"Le nom du jeton dépasse {NAME_MAX_LENGTH} caractères.", field="name")
    if scope not in Scope.values:
        raise Refusal("Portée inconnue : choisissez « read » (lecture) ou « write » "
                      "(lecture et écriture).", field="scope")
    if expires_at is not None and expires_at <= timezone.now():
        raise Refusal("La date d'expiration doit être dans le futur.", field="expires_at")
    if not user.is_active:
        raise Refusal("Ce compte est désactivé : aucun jeton ne peut lui être donné.")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = ApiToken.objects.create(user=user, name=name, scope=scope,
                                     prefix=secret[:SHOWN_CHARACTERS],
                                     secret_hash=secret_hash(secret), expires_at=expires_at)
    return NewToken(record=record, secret=secret)


def token_revoke(*, user: User, token_id: int) -> ApiToken:
    """Revoke one of ``user``'s tokens (revoking twice changes nothing); LookupError when the
    token is not theirs."""
    record = ApiToken.objects.filter(user=user, pk=token_id).first()
    if record is None:
        raise LookupError(token_id)
    if record.revoked_at is None:
        record.revoked_at = timezone.now()
        record.save(update_fields=["revoked_at"])
    return record


def tokens_of(user: User) -> list[ApiToken]:
    return list(ApiToken.objects.filter(user=user).order_by("-created_at", "-id"))


@dataclass(frozen=True)
class Checked:
    """The outcome of reading a bearer token: the token when it may be used, else why not
    (French)."""

    token: ApiToken | None
    problem: str = ""


def token_check(raw: str) -> Checked:
    """Find the active token whose secret is ``raw``, and note its use."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return Checked(None, "Jeton d'API inconnu.")
    record = (ApiToken.objects.select_related("user", "user__organisation")
              .filter(secret_hash=secret_hash(raw)).first())
    if record is None:
        return Checked(None, "Jeton d'API inconnu.")
    if record.revoked_at is not None:
        return Checked(None, "Ce jeton d'API a été révoqué.")
    if record.expired:
        return Checked(None, "Ce jeton d'API a expiré.")
    if not record.user.is_active:
        return Checked(None, "Le compte de ce jeton d'API est désactivé.")
    now = timezone.now()
    if record.last_used_at is None or now - record.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
        record.last_used_at = now
    return Checked(record)
