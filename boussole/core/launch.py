"""Launching the instruction (issue 12, item 1): the referents proposed by default for each
criterion, and the checklist shown before the launch.

The rule itself — every criterion has a named referent before the launch — is a guard of the
workflow (:func:`boussole.core.workflow.guard_problems`, ``missing_referents``): every entry
point that launches goes through it. This module only proposes and lists.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

#: The grid's referent code meaning "the whole group of experts" (criterion 7): the digital
#: project pilot, who steers the group, is proposed.
WHOLE_GROUP = "groupe"
LEAD = "porteur"


@dataclass(frozen=True)
class Candidate:
    """A person of the organisation who may be named referent."""

    id: int
    role: str  # "referent" or "porteur"
    domain: str = ""
    name: str = ""


def missing_referents(criteria: Collection[int],
                      named: Mapping[int, Collection[object]]) -> tuple[int, ...]:
    """The criteria with no named referent, in order."""
    return tuple(n for n in sorted(criteria) if not named.get(n))


def default_for(domain: str, candidates: Sequence[Candidate], lead: int | None) -> int | None:
    """The person proposed for a referent domain of the grid: the project lead for
    ``porteur`` (when a project lead by role), the digital project pilot for the whole group,
    else the first referent of the domain (candidates come ordered by name)."""
    if domain == LEAD:  # a lead who is a referent answers in their own domain instead
        return lead if any(c.id == lead and c.role == "porteur" for c in candidates) else None
    wanted = "numerique" if domain == WHOLE_GROUP else domain
    for candidate in candidates:
        if candidate.role == "referent" and candidate.domain == wanted:
            return candidate.id
    return None


def default_referents(criterion_referents: Mapping[int, Sequence[str]],
                      candidates: Sequence[Candidate], lead: int | None
                      ) -> dict[int, dict[str, int | None]]:
    """For each criterion, each of its referent domains and the person proposed for it
    (``None``: nobody in the organisation has that domain)."""
    return {number: {domain: default_for(domain, candidates, lead) for domain in domains}
            for number, domains in sorted(criterion_referents.items())}


@dataclass(frozen=True)
class Checklist:
    """What is missing before the launch: ``blocking`` stops it, ``warnings`` do not."""

    blocking: tuple[str, ...]
    warnings: tuple[str, ...]

    @property
    def ready(self) -> bool:
        return not self.blocking


def checklist(missing: Sequence[int], profile_percent: int, profile_missing: int,
              unstaffed_domains: Collection[str] = (),
              domain_labels: Mapping[str, str] | None = None) -> Checklist:
    """The checklist of the launch page (French): criteria without referent (blocking), the
    identification profile not complete and referent domains nobody holds (warnings)."""
    blocking = []
    if missing:
        blocking.append("Référent·e à nommer pour le(s) critère(s) "
                        + ", ".join(map(str, missing)) + ".")
    warnings = []
    if profile_missing:
        warnings.append(f"Profil d'identification renseigné à {profile_percent} % "
                        f"({profile_missing} réponse(s) manquante(s)) : les référents "
                        "pourront le compléter.")
    labels = domain_labels or {}
    for domain in sorted(unstaffed_domains):
        warnings.append("Personne dans l'organisation n'a le domaine « "
                        f"{labels.get(domain, domain)} » : nommez une autre personne.")
    return Checklist(tuple(blocking), tuple(warnings))
