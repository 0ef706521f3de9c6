"""``Authorization: Bearer <jeton>``: the person behind a personal API token."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from boussole.web.accounts.models import User
from boussole.web.api.models import ApiToken
from boussole.web.api.tokens import token_check


class TokenAuth(HttpBearer):
    """A valid token of an active person, or 401 with the reason in French."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken:
        checked = token_check(token.strip())
        if checked.token is None:
            raise AuthenticationError(401, checked.problem)
        return checked.token

    def __call__(self, request: HttpRequest) -> Any:
        if not request.headers.get(self.header, "").lower().startswith("bearer "):
            return None  # ninja answers 401 (token missing)
        return super().__call__(request)


def token_of(request: HttpRequest) -> ApiToken:
    token = getattr(request, "auth", None)
    assert isinstance(token, ApiToken)  # noqa: S101 — the router requires TokenAuth
    return token


def user_of(request: HttpRequest) -> User:
    user = token_of(request).user
    assert isinstance(user, User)  # noqa: S101
    return user


def require_write(request: HttpRequest) -> None:
    if not token_of(request).can_write:
        raise PermissionDenied("Ce jeton d'API est en lecture seule : créez un jeton en "
                               "lecture et écriture pour modifier un dossier.")
