"""Reads of the public register. Everything shown to the public comes from the frozen
``NoticePublication.content`` of the notices in force (the transparency app's selectors),
never from the case: what the register shows is what the notice shows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.urls import reverse

from boussole.core import opendata
from boussole.core import public_questions as rules
from boussole.web.accounts.models import Organisation, User
from boussole.web.register.models import PublicQuestion
from boussole.web.transparency import selectors as transparency
from boussole.web.transparency.models import NoticePublication

#: Codes of the « fonde des décisions individuelles » filter.
YES, NO = "oui", "non"


@dataclass(frozen=True)
class Entry:
    """One notice in force as the register shows it: its public content and its address."""

    publication: NoticePublication
    content: Mapping[str, Any]
    organisation_slug: str
    reference: str

    @property
    def path(self) -> str:
        return reverse("register:notice", kwargs={"organisation": self.organisation_slug,
                                                  "reference": self.reference})

    def text(self, key: str) -> str:
        value = self.content.get(key)
        return value if isinstance(value, str) else ""

    @property
    def founds_individual_decisions(self) -> bool:
        return self.content.get("founds_individual_decisions") is True

    @property
    def year(self) -> int | None:
        year = self.content.get("year")
        return year if isinstance(year, int) and not isinstance(year, bool) else None


def _entry(publication: NoticePublication) -> Entry:
    content = publication.content if isinstance(publication.content, Mapping) else {}
    reference = content.get("reference")
    return Entry(publication=publication, content=content,
                 organisation_slug=publication.organisation.slug,
                 reference=reference if isinstance(reference, str) else "")


def register_organisation(slug: str) -> Organisation:
    """The organisation of a register (404 when there is none)."""
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise Http404
    return organisation


def entries(organisation: Organisation | None = None) -> list[Entry]:
    """The notices in force, newest first: of one organisation, or of the whole instance.
    One query."""
    return [entry for entry in map(_entry, transparency.current_publications(organisation))
            if entry.reference]


def entry_get(organisation_slug: str, reference: str) -> Entry:
    """The notice in force of one case, by its public key; 404 for anything else (a draft, a
    withdrawn notice, a refused or abandoned case, another organisation's reference)."""
    publication = transparency.current_publication(organisation_slug, reference)
    if publication is None:
        raise Http404
    entry = _entry(publication)
    if entry.reference != reference:
        raise Http404
    return entry


# --- Filters ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """What the register's filter form may offer, from the notices in force."""

    directions: list[str]
    states: list[tuple[str, str]]
    levels: list[tuple[str, str]]
    years: list[int]


def filter_options(items: Sequence[Entry]) -> Filters:
    directions = sorted({e.text("responsible_service") for e in items} - {""},
                        key=str.casefold)
    states: dict[str, str] = {}
    levels: dict[str, str] = {}
    for entry in items:
        if entry.text("state"):
            states.setdefault(entry.text("state"), entry.text("state_label") or entry.text("state"))
        if entry.text("legal_level"):
            levels.setdefault(entry.text("legal_level"),
                              entry.text("legal_level_label") or entry.text("legal_level"))
    years = sorted({e.year for e in items if e.year is not None}, reverse=True)
    return Filters(directions=directions,
                   states=sorted(states.items(), key=lambda item: item[1].casefold()),
                   levels=sorted(levels.items(), key=lambda item: item[1].casefold()),
                   years=years)


def filter_entries(items: Iterable[Entry], chosen: Mapping[str, Any]) -> list[Entry]:
    """The entries that match every chosen filter (``direction``, ``etat``, ``niveau``,
    ``annee``, ``decisions``; an empty value does not filter)."""
    out = []
    for entry in items:
        if chosen.get("direction") and entry.text("responsible_service") != chosen["direction"]:
            continue
        if chosen.get("etat") and entry.text("state") != chosen["etat"]:
            continue
        if chosen.get("niveau") and entry.text("legal_level") != chosen["niveau"]:
            continue
        if chosen.get("annee") and str(entry.year) != str(chosen["annee"]):
            continue
        if chosen.get("decisions") == YES and not entry.founds_individual_decisions:
            continue
        if chosen.get("decisions") == NO and entry.founds_individual_decisions:
            continue
        out.append(entry)
    return out


# --- Open data -------------------------------------------------------------------------------


def absolute(path: str, request: HttpRequest | None = None, base_url: str = "") -> str:
    """The address of ``path`` as people reach the site: ``base_url`` or else
    ``BOUSSOLE_SITE_URL`` when set, else the request's host; the path alone without any."""
    base = (base_url or settings.BOUSSOLE_SITE_URL).strip().rstrip("/")
    if base:
        return f"{base}{path}"
    if request is not None:
        return request.build_absolute_uri(path)
    return path


def opendata_files(organisation: Organisation | None, *, formats: Sequence[str] = opendata.FORMATS,
                   request: HttpRequest | None = None, base_url: str = "",
                   now: dt.datetime | None = None) -> dict[str, str]:
    """Every open-data file of a register (one organisation's, or the instance's), by name;
    the notices' addresses are absolute when the site's address is known (``base_url``,
    ``BOUSSOLE_SITE_URL`` or the request)."""
    items = entries(organisation)
    if organisation is None:
        name, title = "registre-boussole", "Registre public des algorithmes"
        home = reverse("register:index")
    else:
        name = f"registre-{organisation.slug}"
        title = f"Registre public des algorithmes — {organisation.name}"
        home = reverse("register:organisation", kwargs={"organisation": organisation.slug})
    created = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0).isoformat()
    rows = [opendata.row(entry.content, absolute(entry.path, request, base_url))
            for entry in items]
    homepage = absolute(home, request, base_url)
    return opendata.files(rows, name=name, title=title, created=created, formats=formats,
                          homepage=homepage if homepage.startswith(("https://", "http://"))
                          else "")


# --- Questions from the public ---------------------------------------------------------------


def answered_questions(entry: Entry) -> QuerySet[PublicQuestion]:
    """The public's messages on this notice's case that have been answered (the only ones
    shown), oldest first."""
    return (PublicQuestion.objects
            .filter(case__notice=entry.publication.notice_id, status=rules.ANSWERED)
            .only("kind", "text", "answer", "answered_at", "created_at")
            .order_by("answered_at", "id"))


def moderation_queue(user: User) -> QuerySet[PublicQuestion]:
    """The messages of the person's organisation waiting for an answer, oldest first."""
    return (PublicQuestion.objects
            .filter(case__organisation_id=user.organisation_id or 0, status=rules.PENDING)
            .select_related("case", "publication")
            .order_by("created_at", "id"))


def moderation_done(user: User, limit: int = 30) -> QuerySet[PublicQuestion]:
    """The organisation's messages already answered or rejected, latest first."""
    return (PublicQuestion.objects
            .filter(case__organisation_id=user.organisation_id or 0)
            .exclude(status=rules.PENDING)
            .select_related("case", "answered_by")
            .order_by("-answered_at", "-id")[:limit])


def question_for_moderator(user: User, pk: int) -> PublicQuestion:
    """A message of the person's organisation (404 for another organisation's)."""
    question = (PublicQuestion.objects.select_related("case", "publication")
                .filter(pk=pk, case__organisation_id=user.organisation_id or 0).first())
    if question is None:
        raise Http404
    return question
