"""Who may do what on a case: one function computes a user's abilities (product map §1).

Pure data in, a set of action codes out, so that services, views, templates and the API all read
the same answer. Actions:

``view``, ``view_internal`` (every internal page and record: profile, criteria, legal
analysis, journal, decision path, opinions, other people's comments — everyone but the
vendor), ``edit_description``, ``answer_profile``, ``answer`` (on the criteria listed in
:attr:`Abilities.answer_criteria`), ``answer_vendor`` (vendor-facing questions only),
``comment``, ``attach``, ``assign`` (name anyone on any criterion: the case's managers),
``assign_self`` (name oneself on :attr:`Abilities.self_assign_criteria`), ``give_opinion``
(on :attr:`Abilities.opinion_criteria`), ``enter_footprint`` (the inputs of the criterion-5
footprint calculator: the case's lead and the criterion's referents; the vendor enters the
vendor-facing inputs by ``answer_vendor`` — :meth:`Abilities.can_enter_footprint_inputs`) and
``validate_footprint`` (the criterion-5 referents: :meth:`Abilities.can_validate_footprint`).

Porteurs act on the cases they lead (or created); on another porteur's case they read and
comment, and answer only the criteria a manager named them on. Assignments follow
:func:`assignment_problem`; the workflow's transitions follow the same lead rule
(:func:`boussole.core.workflow.role_allowed`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from boussole.core.workflow import CRITERIA, OPEN_STATES, OPINION_STATES

__all__ = ["OPEN_STATES", "OPINION_STATES", "Abilities", "abilities", "assignment_problem"]

ALL_CRITERIA = frozenset(CRITERIA)
#: The criterion whose figures the footprint calculator computes.
FOOTPRINT_CRITERION = 5


@dataclass(frozen=True)
class Abilities:
    actions: frozenset[str] = frozenset()
    answer_criteria: frozenset[int] = frozenset()
    opinion_criteria: frozenset[int] = frozenset()
    reasons: Mapping[str, str] = field(default_factory=dict)
    self_assign_criteria: frozenset[int] = frozenset()

    def can(self, action: str) -> bool:
        return action in self.actions

    @property
    def internal(self) -> bool:
        """May see the internal pages and records of the case (everyone but the vendor)."""
        return "view_internal" in self.actions

    def sees_item(self, *, vendor_item: bool) -> bool:
        """A vendor sees only the vendor-facing questions; internal people see every item."""
        return self.internal or (self.can("view") and vendor_item)

    def sees_thread(self, *, vendor_item: bool, started_by_viewer: bool) -> bool:
        """A comment thread (its first comment and every reply). The vendor sees the threads
        addressed to it: a comment carries no addressee, so these are the threads it started
        on a vendor-facing question, with the organisation's replies in them."""
        return self.internal or (self.sees_item(vendor_item=vendor_item) and started_by_viewer)

    def sees_evidence(self, *, uploaded_by_viewer: bool) -> bool:
        """The vendor sees only the files it attached itself."""
        return self.internal or (self.can("view") and uploaded_by_viewer)

    def sees_answer(self, *, answered_by_viewer: bool) -> bool:
        """The vendor sees only its own answers (an answer the organisation gave to a
        vendor-facing question is neither shown to it nor replaceable by it)."""
        return self.internal or (self.can("view") and answered_by_viewer)

    def can_answer_criterion(self, number: int) -> bool:
        return number in self.answer_criteria

    def can_answer_item(self, *, is_fact: bool, criterion: int | None = None,
                        vendor_item: bool = False, answered_by_viewer: bool | None = None
                        ) -> bool:
        """May answer this item: a profile fact, or a question of ``criterion``. The vendor
        answers only vendor-facing questions, and never replaces an answer the organisation
        gave (``answered_by_viewer``: who gave the stored answer; ``None``: no answer yet)."""
        if is_fact:
            return self.can("answer_profile")
        if self.can("answer_vendor"):
            return vendor_item and (answered_by_viewer is None
                                    or self.sees_answer(answered_by_viewer=answered_by_viewer))
        return (self.can("answer") and criterion is not None
                and self.can_answer_criterion(criterion))

    def can_give_opinion(self, number: int) -> bool:
        return number in self.opinion_criteria

    def can_enter_footprint_inputs(self, *, vendor_inputs: bool = True) -> bool:
        """May enter the inputs of the footprint calculator (criterion 5): the case's lead
        and the criterion's referents; the vendor only when every input is a vendor-facing
        question of the grid (``vendor_inputs``)."""
        if self.can("answer_vendor"):  # the vendor answers its questionnaire's questions
            return vendor_inputs
        return self.can("enter_footprint")

    def can_validate_footprint(self) -> bool:
        """May validate the calculator's inputs: a referent of criterion 5 (by domain or
        named on it)."""
        return self.can("validate_footprint")


def criteria_for_domain(domain: str, criterion_referents: Mapping[int, Collection[str]]
                        ) -> frozenset[int]:
    """The criteria whose default referents include ``domain`` (or the whole group)."""
    return frozenset(number for number, referents in criterion_referents.items()
                     if domain in referents or "groupe" in referents)


def manages_case(*, role: str, domain: str = "", is_lead: bool = False) -> bool:
    """Does the person organise the instruction of the case? The digital project pilot, the
    administrator, and the case's own lead."""
    return (role == "admin" or (role == "referent" and domain == "numerique")
            or (role == "porteur" and is_lead))


def may_edit_indicators(*, role: str, domain: str = "", is_lead: bool = False,
                        same_organisation: bool = True) -> bool:
    """May create and change a case's follow-up indicators and record their values: the
    case's lead, the digital pilot (referent numerique) and the administrators of its
    organisation (issue 13, item 3)."""
    return same_organisation and manages_case(role=role, domain=domain, is_lead=is_lead)


#: Roles that can be named on a criterion.
ASSIGNABLE_ROLES = frozenset({"referent", "porteur"})


def assignment_problem(*, role: str, domain: str = "", state: str, is_lead: bool = False,
                       criterion: int, assignee_role: str, assignee_domain: str = "",
                       assignee_is_self: bool,
                       criterion_referents: Mapping[int, Collection[str]],
                       same_organisation: bool = True,
                       assignee_same_organisation: bool = True) -> str | None:
    """Why the user may not name (or un-name) the assignee on ``criterion``; ``None``: allowed.

    Removing a person needs the same right as naming them. The case's managers
    (:func:`manages_case`) name any referent on any criterion, and porteurs on the criteria
    that fall to the porteur; anyone else may only name themselves, as a referent, on a
    criterion of their own domain. Nobody names themselves outside their own domain (that
    would give them the right to answer another domain's questions).
    """
    if not same_organisation:
        return "Dossier d'une autre organisation."
    if state not in OPEN_STATES:
        return ("Les référents se désignent pendant l'instruction (brouillon ou en "
                "instruction).")
    if criterion not in criterion_referents:
        return f"Le critère {criterion} n'existe pas dans la grille de ce dossier."
    if not assignee_same_organisation:
        return "Cette personne n'appartient pas à l'organisation du dossier."
    if assignee_role not in ASSIGNABLE_ROLES:
        return "Seuls les référents et les porteurs de projet peuvent être désignés."
    own = "porteur" if assignee_role == "porteur" else assignee_domain
    in_domain = criterion in criteria_for_domain(own, criterion_referents)
    if assignee_role == "porteur" and not in_domain:
        numbers = ", ".join(map(str, sorted(criteria_for_domain("porteur",
                                                                criterion_referents))))
        return ("Un porteur de projet ne peut être désigné que sur les critères qui lui "
                f"reviennent ({numbers}).")
    if assignee_is_self and not in_domain:
        return ("Vous ne pouvez vous désigner que sur les critères de votre domaine : "
                "demandez au pilote du projet numérique ou au chef de projet.")
    if manages_case(role=role, domain=domain, is_lead=is_lead):
        return None
    if assignee_is_self and role == "referent":
        return None
    return ("Seuls le pilote du projet numérique, l'administrateur et le chef de projet du "
            "dossier désignent d'autres personnes.")


def abilities(*, role: str, domain: str = "", state: str, is_lead: bool = False,
              is_vendor_of_case: bool = False, assigned_criteria: Collection[int] = (),
              criterion_referents: Mapping[int, Collection[str]] | None = None,
              same_organisation: bool = True) -> Abilities:
    """The abilities of one user on one case.

    ``assigned_criteria``: criteria the user was named referent of on this case;
    ``criterion_referents``: default referent domains per criterion (from the grid).
    """
    if not same_organisation:
        return Abilities()
    referents = criterion_referents or {}
    open_ = state in OPEN_STATES
    actions: set[str] = set()
    answer: frozenset[int] = frozenset()
    opinion: frozenset[int] = frozenset()
    assigned = frozenset(assigned_criteria)
    self_assign: frozenset[int] = frozenset()
    if role == "porteur":
        actions |= {"view", "view_internal", "comment"}
        if is_lead or assigned:
            actions.add("attach")
        if open_ and is_lead:
            actions |= {"answer_profile", "answer", "assign", "edit_description",
                        "assign_self", "enter_footprint"}
            answer = criteria_for_domain("porteur", referents) | assigned
            self_assign = criteria_for_domain("porteur", referents)
        elif open_ and assigned:
            actions.add("answer")
            answer = assigned
    elif role == "referent":
        actions |= {"view", "view_internal", "comment", "attach"}
        mine = criteria_for_domain(domain, referents) | assigned
        if open_:
            actions |= {"answer_profile", "answer", "assign_self"}
            answer = mine
            self_assign = criteria_for_domain(domain, referents)
            if domain == "numerique":
                actions |= {"assign", "edit_description"}
            if FOOTPRINT_CRITERION in mine:
                actions |= {"enter_footprint", "validate_footprint"}
        if state in OPINION_STATES:
            actions.add("give_opinion")
            opinion = mine
    elif role == "admin":
        actions |= {"view", "view_internal", "comment"}
        if open_:
            actions |= {"assign", "edit_description"}
    elif role in ("elu", "representant_personnel"):
        actions |= {"view", "view_internal", "comment"}
    elif role == "prestataire" and is_vendor_of_case:
        actions |= {"view", "comment", "attach"}
        if open_:
            actions.add("answer_vendor")
    # Evidence can be added while the file is worked on, and by experts while they give opinions.
    if not (open_ or (role == "referent" and state in OPINION_STATES)):
        actions.discard("attach")
    return Abilities(frozenset(actions), answer, opinion, self_assign_criteria=self_assign)


# --- Who records what on the decision path, who creates cases (one place for each rule) ----

#: Roles that create a case.
CREATE_ROLES = frozenset({"porteur", "referent", "admin"})
#: Roles that record the trade-union information (a project lead: only on a case they lead).
UNION_ROLES = frozenset({"porteur", "admin", "referent"})


def sees_internal(role: str) -> bool:
    """Everyone but the vendor sees the organisation's internal assessment of a case (legal
    levels, progress); the vendor sees only its questionnaire."""
    return role != "prestataire"


def may_create_case(role: str) -> bool:
    return role in CREATE_ROLES


def may_record_group_opinion(role: str) -> bool:
    """The group of experts (its referents) and the administrator consolidate the opinion."""
    return role in ("referent", "admin")


def may_decide(role: str, delegation: str, required_delegations: Collection[str]) -> bool:
    """An elected official whose delegation the organisation's decision rule requires."""
    return role == "elu" and delegation in required_delegations


def may_record_union_information(role: str, *, is_lead: bool = False) -> bool:
    return role in UNION_ROLES and (role != "porteur" or is_lead)


def may_retain_legal_level(role: str, domain: str) -> bool:
    """The lawyers of the group retain the legal level."""
    return role == "referent" and domain == "juridique"
