"""Invitations to join an organisation, and the log of its administrators' changes."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Invitation(models.Model):
    """A one-time link for a person to set their password and activate their account. Only
    the SHA-256 of the token is stored: the link is shown once (e-mail, CLI)."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE,
                                     related_name="invitations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="invitations")
    email = models.EmailField(_("adresse électronique"))
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.email} ({self.state()})"

    def state(self, now: dt.datetime | None = None) -> str:
        """``used``, ``revoked``, ``expired`` or ``open``."""
        if self.used_at:
            return "used"
        if self.revoked_at:
            return "revoked"
        return "expired" if (now or timezone.now()) >= self.expires_at else "open"


class AdminEvent(models.Model):
    """One change made by an administrator (or from the command line) in an organisation:
    who, when, what, before and after. Never changed nor deleted."""

    class Action(models.TextChoices):
        ORGANISATION_CREATED = "organisation_created", _("Organisation créée")
        USER_INVITED = "user_invited", _("Personne invitée")
        INVITATION_REVOKED = "invitation_revoked", _("Invitation révoquée")
        INVITATION_ACCEPTED = "invitation_accepted", _("Invitation acceptée, compte activé")
        ROLE_CHANGED = "role_changed", _("Rôle modifié")
        USER_DEACTIVATED = "user_deactivated", _("Compte désactivé")
        USER_REACTIVATED = "user_reactivated", _("Compte réactivé")
        SETTINGS_CHANGED = "settings_changed", _("Paramètres de l'organisation modifiés")

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE,
                                     related_name="admin_events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                              blank=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=40, choices=Action.choices)
    target = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                               blank=True, related_name="+")
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("changement d'administration")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"
