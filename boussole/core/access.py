"""Who may do what on a case: one function computes a user's abilities (product map §1).

Pure data in, a set of action codes out, so that services, views, templates and the API all read
the same answer. Actions:

``view``, ``edit_description``, ``answer_profile``, ``answer`` (on the criteria listed in
:attr:`Abilities.answer_criteria`), ``answer_vendor`` (vendor-facing questions only),
``comment``, ``attach``, ``assign``, ``give_opinion`` (on :attr:`Abilities.opinion_criteria`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

#: States in which the file can still be worked on (instruction). Later states are frozen.
OPEN_STATES = frozenset({"brouillon", "en_instruction"})
#: States in which opinions can be given or revised.
OPINION_STATES = frozenset({"en_instruction", "avis_groupe"})

ALL_CRITERIA = frozenset(range(1, 8))


@dataclass(frozen=True)
class Abilities:
    actions: frozenset[str] = frozenset()
    answer_criteria: frozenset[int] = frozenset()
    opinion_criteria: frozenset[int] = frozenset()
    reasons: Mapping[str, str] = field(default_factory=dict)

    def can(self, action: str) -> bool:
        return action in self.actions

    def can_answer_criterion(self, number: int) -> bool:
        return number in self.answer_criteria

    def can_give_opinion(self, number: int) -> bool:
        return number in self.opinion_criteria


def criteria_for_domain(domain: str, criterion_referents: Mapping[int, Collection[str]]
                        ) -> frozenset[int]:
    """The criteria whose default referents include ``domain`` (or the whole group)."""
    return frozenset(number for number, referents in criterion_referents.items()
                     if domain in referents or "groupe" in referents)


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
    if role == "porteur":
        actions |= {"view", "comment", "attach"}
        if open_:
            actions |= {"answer_profile", "answer", "assign"} | (
                {"edit_description"} if is_lead else set())
            answer = criteria_for_domain("porteur", referents) | assigned
    elif role == "referent":
        actions |= {"view", "comment", "attach"}
        mine = criteria_for_domain(domain, referents) | assigned
        if open_:
            actions |= {"answer_profile", "answer"}
            answer = mine
            if domain == "numerique":
                actions |= {"assign", "edit_description"}
        if state in OPINION_STATES:
            actions.add("give_opinion")
            opinion = mine
    elif role == "admin":
        actions |= {"view", "comment"}
        if open_:
            actions |= {"assign", "edit_description"}
    elif role in ("elu", "representant_personnel"):
        actions |= {"view", "comment"}
    elif role == "prestataire" and is_vendor_of_case:
        actions |= {"view", "comment", "attach"}
        if open_:
            actions.add("answer_vendor")
    # Evidence can be added while the file is worked on, and by experts while they give opinions.
    if not (open_ or (role == "referent" and state in OPINION_STATES)):
        actions.discard("attach")
    return Abilities(frozenset(actions), answer, opinion)
