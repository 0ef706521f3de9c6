"""Template filters of the public register."""

from __future__ import annotations

from typing import Any

from django import template

from boussole.web.accounts.models import User
from boussole.web.register import services

register = template.Library()


@register.filter
def may_moderate(user: Any) -> bool:
    """Whether the signed-in person answers the public's messages (the main menu's link)."""
    return isinstance(user, User) and services.may_moderate(user)
