"""Reads of the public notices. The public register reads only ``NoticePublication.content``."""

from __future__ import annotations

from django.db.models import QuerySet

from boussole.core import transparency as rules
from boussole.web.accounts.models import Organisation
from boussole.web.transparency.models import Notice, NoticePublication


def current_publications(organisation: Organisation | None = None
                         ) -> QuerySet[NoticePublication]:
    """The notices in force: not withdrawn, of cases that may be public (not refused or
    abandoned), newest first; of one organisation or of the whole instance."""
    qs = (NoticePublication.objects
          .filter(withdrawn_at__isnull=True)
          .exclude(notice__case__state__in=sorted(rules.UNPUBLISHABLE_STATES))
          .select_related("organisation")
          .order_by("-published_at", "-id"))
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    return qs


def current_publication(organisation_slug: str, reference: str) -> NoticePublication | None:
    """The notice in force of one case, by its stable public key; None when there is none."""
    return (current_publications()
            .filter(organisation__slug=organisation_slug,
                    notice__case__reference=reference)
            .first())


def notice_of(case_id: int) -> Notice | None:
    """The draft notice of a case, if one was started."""
    return Notice.objects.filter(case_id=case_id).first()


def publication_history(notice: Notice) -> QuerySet[NoticePublication]:
    """Every publishing act of a notice, newest first, with who published and withdrew it."""
    return (notice.publications.select_related("published_by", "withdrawn_by")
            .order_by("-version"))
