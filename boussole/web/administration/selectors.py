"""Reads of the administration pages, always within the administrator's organisation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from boussole.web.accounts.models import Delegation, Domain, Organisation, Role, User
from boussole.web.administration.models import AdminEvent, Invitation

FIELD_LABELS = {
    "role": gettext_noop("Rôle"),
    "domain": gettext_noop("Domaine"),
    "delegation": gettext_noop("Délégation"),
    "is_active": gettext_noop("Actif"),
    "email": gettext_noop("Adresse électronique"),
    "invitation": gettext_noop("Invitation"),
    "name": gettext_noop("Nom"),
    "slug": gettext_noop("Identifiant"),
    "headcount_fte": gettext_noop("Effectif (ETP)"),
    "required_delegations": gettext_noop("Règle de décision"),
    "followup_schedule": gettext_noop("Calendrier de suivi"),
    "publishers": gettext_noop("Qui peut publier"),
    "evidence_max_mb": gettext_noop("Taille maximale des pièces (Mo)"),
    "grid_versions": gettext_noop("Versions de grille proposées"),
    "default_grid": gettext_noop("Grille des nouveaux cas"),
}
INVITATION_STATES = {
    "open": gettext_noop("en attente"),
    "used": gettext_noop("acceptée"),
    "revoked": gettext_noop("révoquée"),
    "expired": gettext_noop("expirée"),
}


def people(organisation: Organisation) -> QuerySet[User]:
    """The organisation's people with their invitations (two queries)."""
    return (User.objects.filter(organisation=organisation)
            .prefetch_related(Prefetch("invitations",
                                       queryset=Invitation.objects.order_by("-created_at")))
            .order_by("-is_active", "last_name", "first_name", "username"))


def person_get(organisation: Organisation, pk: int) -> User:
    """A person of the organisation; anyone else is 404."""
    return get_object_or_404(User, pk=pk, organisation=organisation)


def invitation_get(organisation: Organisation, pk: int) -> Invitation:
    return get_object_or_404(Invitation.objects.select_related("user"), pk=pk,
                             organisation=organisation)


def events(organisation: Organisation) -> QuerySet[AdminEvent]:
    return (AdminEvent.objects.filter(organisation=organisation)
            .select_related("actor", "target"))


def _value(field: str, value: Any) -> str:
    if value in ("", None):
        return _("(vide)")
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    labels: dict[str, Any] = {"role": Role, "domain": Domain, "delegation": Delegation}
    if field in labels:
        try:
            return str(labels[field](value).label)
        except ValueError:
            return str(value)
    if field == "invitation":
        return _(INVITATION_STATES.get(str(value), str(value)))
    return str(value)


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


def changes(event: AdminEvent) -> list[Change]:
    """What an event changed, field by field, in words."""
    fields = list(dict.fromkeys([*event.before, *event.after]))
    return [Change(_(FIELD_LABELS.get(f, f)),
                   _value(f, event.before[f]) if f in event.before else "",
                   _value(f, event.after.get(f)))
            for f in fields if event.before.get(f) != event.after.get(f)]
