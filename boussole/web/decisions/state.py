"""The decision-path records of a case, read once: what the workflow's guards
(:func:`boussole.web.decisions.services.snapshot`) and the path page
(:func:`boussole.web.decisions.selectors.path_context`) both need, one query per table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from boussole.web.cases import selectors as case_selectors
from boussole.web.cases.legal import current_assessment
from boussole.web.cases.models import Assignment, Case, LegalAssessment, Opinion
from boussole.web.decisions.models import (
    Decision,
    FileVersion,
    GroupOpinion,
    UnionInformation,
)

#: The relations of the case read with it (``case_get(..., related=CASE_RELATED)``), so that
#: its group opinion is not read apart.
CASE_RELATED = ("group_opinion__author",)


def group_opinion_of(case: Case) -> GroupOpinion | None:
    """The case's consolidated group opinion, with its author: the one read with the case when
    it was (:data:`CASE_RELATED`), else read now."""
    if Case.group_opinion.is_cached(case):
        opinion: GroupOpinion | None = getattr(case, "group_opinion", None)
        return opinion
    return GroupOpinion.objects.filter(case=case).select_related("author").first()


@dataclass(frozen=True)
class PathRecords:
    """A case's records on the decision path, as read at one time."""

    #: The frozen versions, newest first, with who froze them.
    versions: list[FileVersion]
    #: The decisions on the current version, by delegation, with the official.
    decisions: dict[str, Decision]
    group_opinion: GroupOpinion | None
    #: The referents' verdict by criterion.
    opinions: dict[int, str]
    #: The legal assessment retained last, with who decided it.
    assessment: LegalAssessment | None
    #: (profile facts, question answers) by item id (:func:`case_selectors.case_values`).
    values: tuple[dict[str, Any], dict[str, Any]]
    union: list[UnionInformation]
    #: The referents named, by criterion, with the person (:func:`case_selectors.assignments`).
    assignments: dict[int, list[Assignment]]

    @property
    def version(self) -> FileVersion | None:
        """The current (latest) frozen version."""
        return self.versions[0] if self.versions else None


def assigned_to(assignments: dict[int, list[Assignment]], user_id: int | None
                ) -> frozenset[int]:
    """The criteria ``user_id`` is named referent of, from the assignments already read."""
    return frozenset(criterion for criterion, named in assignments.items()
                     if any(a.user_id == user_id for a in named))


def path_records(case: Case, *, assignments: dict[int, list[Assignment]] | None = None
                 ) -> PathRecords:
    """Read the case's decision-path records (``assignments``: when already read)."""
    versions = list(FileVersion.objects.filter(case=case).select_related("frozen_by")
                    .order_by("-number"))
    decisions = ({d.delegation: d for d in Decision.objects.filter(version=versions[0])
                  .select_related("official")} if versions else {})
    return PathRecords(
        versions=versions,
        decisions=decisions,
        group_opinion=group_opinion_of(case),
        opinions=dict(Opinion.objects.filter(case=case).values_list("criterion", "verdict")),
        assessment=current_assessment(case),
        values=case_selectors.case_values(case),
        union=list(UnionInformation.objects.filter(case=case).select_related("recorded_by")),
        assignments=(case_selectors.assignments(case) if assignments is None
                     else assignments),
    )
