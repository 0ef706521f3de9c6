"""Organisations and the people who work in them, with their role (product map §1)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from boussole.core import roles

# Role, Domain and Delegation mirror boussole.core.roles (a test keeps them in step).


class Organisation(models.Model):
    """A public body (a metropolis, a commune, a shared IT service). Every record belongs to one."""

    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=60, unique=True)
    headcount_fte = models.PositiveIntegerField(
        _("effectif (ETP)"), null=True, blank=True,
        help_text=_("Utilisé par les règles du CRPA (seuil de 50 agents)."),
    )
    required_delegations = models.CharField(
        _("délégations dont la décision est requise"), max_length=200,
        default="numerique,rh,thematique",
        help_text=_("Codes séparés par des virgules (numerique, rh, thematique). Tous doivent "
                    "valider ; un refus refuse."),
    )
    publishers = models.CharField(
        _("qui peut publier les notices"), max_length=200, default="referent:juridique",
        help_text=_("Codes séparés par des virgules : un rôle (admin) ou un rôle et un domaine "
                    "(referent:juridique, la ou le DPO). Par défaut : la ou le DPO."),
    )
    followup_schedule = models.CharField(
        _("calendrier de suivi"), max_length=200, blank=True,
        help_text=_("Mois après la mise en service, séparés par des virgules (par exemple "
                    "0,6,12,36,60). Vide : le calendrier par défaut de l'instance."),
    )
    evidence_max_mb = models.PositiveIntegerField(
        _("taille maximale d'une pièce justificative (Mo)"), null=True, blank=True,
        help_text=_("Vide : la limite de l'instance, qui reste un maximum."),
    )
    grid_versions = models.CharField(
        _("versions de grille proposées"), max_length=500, blank=True,
        help_text=_("Clés de grilles séparées par des virgules (boussole-nantes@2). Vide : "
                    "toutes."),
    )
    default_grid = models.CharField(
        _("grille des nouveaux cas"), max_length=120, blank=True,
        help_text=_("Clé de grille (boussole-nantes@2). Vide : la dernière version."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def decision_delegations(self) -> tuple[str, ...]:
        """The delegations whose decision the organisation's rule requires, in order."""
        codes = [c.strip() for c in self.required_delegations.split(",") if c.strip()]
        return tuple(c for c in roles.DELEGATIONS if c in codes) or tuple(roles.DELEGATIONS)

    @property
    def evidence_limit_mb(self) -> int:
        """The evidence size limit of the organisation, never above the instance's
        (setting BOUSSOLE_EVIDENCE_MAX_MB)."""
        instance = int(settings.BOUSSOLE_EVIDENCE_MAX_MB)
        return min(self.evidence_max_mb or instance, instance)

    @property
    def schedule_text(self) -> str:
        """The follow-up schedule of the organisation, else the instance's default (setting
        BOUSSOLE_FOLLOWUP_SCHEDULE)."""
        return self.followup_schedule or str(settings.BOUSSOLE_FOLLOWUP_SCHEDULE)

    @property
    def grid_keys(self) -> tuple[str, ...]:
        """The grid versions the organisation offers (empty: all of them)."""
        return tuple(k.strip() for k in self.grid_versions.split(",") if k.strip())


class Role(models.TextChoices):
    PORTEUR = "porteur", _("Porteur de projet")
    REFERENT = "referent", _("Référent du groupe d'experts")
    ELU = "elu", _("Élu·e")
    REPRESENTANT_PERSONNEL = "representant_personnel", _("Représentant·e du personnel")
    PRESTATAIRE = "prestataire", _("Prestataire")
    ADMIN = "admin", _("Administrateur·rice")


class Domain(models.TextChoices):
    JURIDIQUE = "juridique", _("Juridique et protection des données")
    CYBERSECURITE = "cybersecurite", _("Cybersécurité")
    RH_QVT = "rh_qvt", _("Ressources humaines et qualité de vie au travail")
    NUMERIQUE_RESPONSABLE = "numerique_responsable", _("Numérique responsable")
    DONNEES = "donnees", _("Administration de la donnée")
    ORGANISATION = "organisation", _("Organisation et transformation")
    NUMERIQUE = "numerique", _("Pilotage de projet numérique")


class Delegation(models.TextChoices):
    NUMERIQUE = "numerique", _("Numérique")
    RH = "rh", _("Ressources humaines")
    THEMATIQUE = "thematique", _("Vice-présidence thématique")


class NotificationMode(models.TextChoices):
    IMMEDIATE = "immediate", _("Un courriel à chaque notification")
    DIGEST = "digest", _("Un courriel récapitulatif par jour")
    NONE = "none", _("Pas de courriel (notifications dans Boussole seulement)")


class User(AbstractUser):
    """A person with one role in one organisation (referents have a domain, elected officials a
    delegation)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="users",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("rôle"), max_length=32, choices=Role.choices, default=Role.PORTEUR)
    domain = models.CharField(_("domaine"), max_length=32, choices=Domain.choices, blank=True)
    delegation = models.CharField(_("délégation"), max_length=32, choices=Delegation.choices,
                                  blank=True)
    job_title = models.CharField(_("fonction"), max_length=200, blank=True)
    notification_mode = models.CharField(_("courriels de notification"), max_length=16,
                                         choices=NotificationMode.choices,
                                         default=NotificationMode.IMMEDIATE)

    class Meta:
        verbose_name = _("utilisateur·rice")
        constraints = [
            models.CheckConstraint(
                name="referent_has_domain",
                condition=~models.Q(role="referent") | ~models.Q(domain=""),
            ),
            models.CheckConstraint(
                name="elu_has_delegation",
                condition=~models.Q(role="elu") | ~models.Q(delegation=""),
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def role_label(self) -> str:
        label = str(self.get_role_display())
        if self.role == Role.REFERENT and self.domain:
            return f"{label} — {self.get_domain_display()}"
        if self.role == Role.ELU and self.delegation:
            return f"{label} — {self.get_delegation_display()}"
        return label

    @property
    def is_internal(self) -> bool:
        return self.role in roles.INTERNAL_ROLES
