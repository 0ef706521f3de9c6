"""The public register of the REST API: the notices in force, read without a token."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Query, Router
from ninja.params.functions import Path

from boussole.web.api import schemas
from boussole.web.transparency.models import NoticePublication
from boussole.web.transparency.selectors import current_publication, current_publications

router = Router(tags=["Registre public"])


def _out(publication: NoticePublication) -> dict[str, Any]:
    return {"organisation": publication.organisation.slug,
            "organisation_name": publication.organisation.name,
            "reference": publication.notice.case.reference,
            "version": publication.version, "published_at": publication.published_at,
            "content": publication.content}


@router.get("/register", response={200: schemas.PublicationPage, 422: schemas.Problem},
            auth=None, summary="Registre public des algorithmes",
            description="Les notices en vigueur (publiques, sans jeton), les plus récentes "
                        "d'abord ; ``organisation`` restreint à une organisation.")
def list_register(request: HttpRequest, page: Query[schemas.PageQuery]) -> Any:
    publications = current_publications().select_related("notice__case")
    if page.organisation:
        publications = publications.filter(organisation__slug=page.organisation)
    total = publications.count()
    rows = list(publications[page.offset:page.offset + page.limit])
    return {"total": total, "limit": page.limit, "offset": page.offset,
            "items": [_out(p) for p in rows]}


@router.get("/register/{organisation}/{reference}",
            response={200: schemas.PublicationOut, 404: schemas.Problem,
                      422: schemas.Problem},
            auth=None, summary="Une notice du registre public")
def get_register_entry(request: HttpRequest,
                       organisation: str = Path(..., max_length=60),
                       reference: str = Path(..., max_length=32)) -> Any:
    if "\x00" in organisation + reference:  # no such key (and PostgreSQL stores no NUL)
        raise Http404
    publication = current_publication(organisation, reference)
    if publication is None:
        raise Http404
    publication = (current_publications().select_related("notice__case")
                   .get(pk=publication.pk))
    return _out(publication)
