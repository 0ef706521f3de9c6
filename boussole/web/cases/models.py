"""Use cases ("cas d'usage"), their answers and their audit trail."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from boussole.web.accounts.models import Organisation


class State(models.TextChoices):
    """The stages of boussole.core.workflow.STATES (a test keeps them in step)."""

    BROUILLON = "brouillon", _("Brouillon")
    EN_INSTRUCTION = "en_instruction", _("En instruction")
    AVIS_GROUPE = "avis_groupe", _("Avis du groupe")
    DECISION = "decision", _("Décision des élus")
    INFORMATION_SYNDICALE = "information_syndicale", _("Information syndicale")
    EN_SERVICE = "en_service", _("En service — suivi")
    AJOURNE = "ajourne", _("Ajourné")
    REFUSE = "refuse", _("Refusé")
    ABANDONNE = "abandonne", _("Abandonné")
    RETIRE = "retire", _("Retiré")


class Case(models.Model):
    """One proposed use of AI, instructed against one pinned version of the grid."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="cases",
                                     verbose_name=_("organisation"))
    reference = models.CharField(_("référence"), max_length=32)
    title = models.CharField(_("titre"), max_length=200)
    service = models.CharField(_("service métier"), max_length=200)
    purpose = models.TextField(_("finalité"))
    vendor = models.CharField(_("prestataire pressenti"), max_length=200, blank=True)
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="led_cases", verbose_name=_("chef·fe de projet"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="created_cases")
    vendor_account = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="vendor_cases", verbose_name=_("compte du prestataire"),
    )
    state = models.CharField(_("étape"), max_length=32, choices=State.choices,
                             default=State.BROUILLON)
    grid_id = models.CharField(_("grille"), max_length=80)
    grid_version = models.PositiveIntegerField(_("version de la grille"))
    # Denormalised result of the rules engine on the profile, refreshed at each fact change
    # (so that lists can show "irrecevable en l'état" without evaluating every case).
    legal_level = models.CharField(_("niveau indicatif"), max_length=24, blank=True)
    legal_potential = models.CharField(_("niveau potentiel"), max_length=24, blank=True)
    red_line = models.BooleanField(_("ligne rouge active"), default=False)
    rules_version = models.CharField(_("version des règles"), max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Counters kept by every write of an answer (boussole/web/cases/counters.py): the lists read
    # them instead of counting the answers. ``progress`` {} means "not computed yet".
    answer_count = models.PositiveIntegerField(_("réponses"), default=0)
    unknown_count = models.PositiveIntegerField(_("réponses « je ne sais pas »"), default=0)
    progress = models.JSONField(_("avancement"), default=dict, blank=True)

    class Meta:
        verbose_name = _("cas d'usage")
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "reference"],
                                    name="case_reference_unique_per_organisation"),
        ]
        indexes = [
            models.Index(fields=["organisation", "-updated_at"], name="case_org_updated"),
            models.Index(fields=["organisation", "state"], name="case_org_state"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.title}"

    @property
    def grid_key(self) -> str:
        return f"{self.grid_id}@{self.grid_version}"

    def get_state_display(self) -> str:  # type: ignore[no-redef]  # replaces Django's
        """The stage's label. Django's generic display hashes (so translates) every choice at
        each call; the lists show dozens of cases."""
        try:
            return str(State(self.state).label)
        except ValueError:
            return str(self.state)


class Answer(models.Model):
    """The current answer to one grid item (a question or a profile fact) of a case.

    ``item_id`` is the item's stable identifier; ``grid_version`` the version it was given
    under. ``revision`` increases at each change and detects concurrent edits.
    """

    class Kind(models.TextChoices):
        QUESTION = "question", _("Question de la grille")
        FACT = "fact", _("Fait du profil d'identification")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="answers")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    item_id = models.CharField(max_length=80)
    value = models.JSONField(_("réponse"))
    justification = models.TextField(_("justification"), blank=True)
    grid_version = models.PositiveIntegerField()
    revision = models.PositiveIntegerField(default=1)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    #: Not empty while the answer is provisional: where it comes from (an awarded bid), until
    #: a referent confirms it (boussole.web.procurement.services.provisional_confirm).
    provisional_source = models.CharField(_("source à confirmer"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "item_id"], name="answer_unique_item"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.item_id}"


class AuditEvent(models.Model):
    """One change to a case: who, when, what, before and after. Events are chained by hash so
    that a deleted or edited event is detectable (see ``boussole.web.cases.audit``)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="audit_events")
    sequence = models.PositiveIntegerField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                              related_name="+")
    actor_name = models.CharField(max_length=200)
    at = models.DateTimeField()
    action = models.CharField(max_length=40)
    item_id = models.CharField(max_length=80, blank=True)
    before = models.JSONField(null=True)
    after = models.JSONField(null=True)
    note = models.TextField(blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["case", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["case", "sequence"], name="audit_unique_sequence"),
        ]
        indexes = [models.Index(fields=["case", "item_id"], name="audit_case_item")]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.sequence} {self.action}"


class Assignment(models.Model):
    """A named referent of one criterion of a case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    criterion = models.PositiveSmallIntegerField(_("critère"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="assignments", verbose_name=_("référent·e"))
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["criterion", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "criterion", "user"],
                                    name="assignment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} C{self.criterion} → {self.user_id}"


class Comment(models.Model):
    """A comment on an answer (``item_id``) or on a criterion; threaded, resolvable."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="comments")
    criterion = models.PositiveSmallIntegerField(null=True, blank=True)
    item_id = models.CharField(max_length=80, blank=True)
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True,
                               related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    body = models.TextField(_("commentaire"), max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["case", "item_id"], name="comment_case_item")]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.item_id or self.criterion} #{self.pk}"


class Evidence(models.Model):
    """A file attached to an answer or a criterion, stored outside the web root."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evidence")
    criterion = models.PositiveSmallIntegerField(null=True, blank=True)
    item_id = models.CharField(max_length=80, blank=True)
    file = models.FileField(upload_to="evidence/%Y/%m/")
    original_name = models.CharField(_("nom du fichier"), max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["case", "item_id"], name="evidence_case_item")]

    def __str__(self) -> str:
        return self.original_name


class Verdict(models.TextChoices):
    FAVORABLE = "favorable", _("Favorable")
    FAVORABLE_RESERVES = "favorable_reserves", _("Favorable avec réserves")
    DEFAVORABLE = "defavorable", _("Défavorable")


class Opinion(models.Model):
    """The expert group's opinion on one criterion of a case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="opinions")
    criterion = models.PositiveSmallIntegerField(_("critère"))
    verdict = models.CharField(_("avis"), max_length=24, choices=Verdict.choices)
    recommendations = models.TextField(_("recommandations"), blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    revision = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["criterion"]
        constraints = [
            models.UniqueConstraint(fields=["case", "criterion"], name="opinion_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} C{self.criterion}: {self.verdict}"


class LegalAssessment(models.Model):
    """The lawyers' record of the legal risk level they retain, beside the rules' proposal.

    Each record is kept (the latest is the current one): who, when, the proposal and the rule
    base version it came from, the retained level and why."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="legal_assessments")
    proposed_level = models.CharField(_("niveau proposé"), max_length=24)
    potential_level = models.CharField(_("niveau potentiel"), max_length=24)
    retained_level = models.CharField(_("niveau retenu"), max_length=24)
    rationale = models.TextField(_("motivation"), blank=True)
    measures = models.TextField(_("mesures décidées"), blank=True)
    owner = models.CharField(_("responsable des mesures"), max_length=200, blank=True)
    review_date = models.DateField(_("date de revue"), null=True, blank=True)
    rules_version = models.CharField(max_length=40)
    evaluation = models.JSONField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.retained_level}"


class MeasureStatus(models.TextChoices):
    """The statuses of boussole.core.measures.STATUSES (a test keeps them in step)."""

    A_FAIRE = "a_faire", _("À faire")
    EN_COURS = "en_cours", _("En cours")
    FAIT = "fait", _("Fait")
    ABANDONNEE = "abandonnee", _("Abandonnée")


class Measure(models.Model):
    """One measure of the case's action plan: what it answers (a criterion, a rule of the legal
    base, the retained legal level, the group's opinion or the officials' decision), who is
    responsible (a person of the organisation, or a name), by when, and where it stands. The
    rules are in :mod:`boussole.core.measures`; writes go through
    :mod:`boussole.web.cases.measures`."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="measures")
    origin = models.CharField(_("répond à"), max_length=16)
    criterion = models.PositiveSmallIntegerField(_("critère"), null=True, blank=True)
    flag = models.CharField(_("règle"), max_length=40, blank=True)
    text = models.TextField(_("mesure"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                              blank=True, related_name="measures", verbose_name=_("responsable"))
    owner_name = models.CharField(_("responsable extérieur·e"), max_length=200, blank=True)
    due = models.DateField(_("échéance"))
    status = models.CharField(_("statut"), max_length=16, choices=MeasureStatus.choices,
                              default=MeasureStatus.A_FAIRE)
    done_on = models.DateField(_("date de réalisation"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    #: The free text it was created from (see measures.suggestions), so it is offered once.
    source_key = models.CharField(max_length=80, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due", "id"]
        indexes = [models.Index(fields=["case", "status"], name="measure_case_status"),
                   models.Index(fields=["owner", "status"], name="measure_owner_status")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.text[:40]}"

    @property
    def owner_label(self) -> str:
        return str(self.owner) if self.owner_id else self.owner_name
