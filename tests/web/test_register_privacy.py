"""Nothing private leaks into the public register (issue 14, item 6): the demo is built (its
published notices included), private markers are added to the published cases, then every
public URL is crawled — the registers, every filter value, each notice, every open-data file
— and none of the private strings of the database may appear.

The private strings are read from the database, not listed by hand: every comment, every
opinion's recommendations, the group's synthesis, every justification of an answer, the
lawyers' rationale, the staff representatives' questions and answers, the survey's free
texts, evidence file names, the names of the people who are not elected officials, every
person's e-mail address, and the public's messages not answered (with every sender's
address)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from boussole.core import public_questions as rules
from boussole.web import demo
from boussole.web.accounts.models import Role, User
from boussole.web.cases.models import (
    Answer,
    Case,
    Comment,
    Evidence,
    LegalAssessment,
    Opinion,
)
from boussole.web.decisions.models import GroupOpinion, UnionInformation
from boussole.web.register import demo as register_demo
from boussole.web.register import services
from boussole.web.register.models import PublicQuestion
from boussole.web.surveys.models import SurveyResponse
from boussole.web.transparency.selectors import current_publications

pytestmark = pytest.mark.django_db

#: Shorter texts (« Oui », « RAS ») say nothing private and may occur anywhere.
MIN_LENGTH = 12
FILTERS = ("direction", "etat", "niveau", "annee", "decisions")


def _long(values: Iterable[Any]) -> set[str]:
    return {" ".join(str(v).split()) for v in values if v and len(str(v).strip()) >= MIN_LENGTH}


def private_strings() -> dict[str, set[str]]:
    people = User.objects.all()
    survey_texts = [value for response in SurveyResponse.objects.all()
                    for value in response.answers.values() if isinstance(value, str)]
    return {
        "comments": _long(Comment.objects.values_list("body", flat=True)),
        "opinions": _long(Opinion.objects.values_list("recommendations", flat=True)),
        "group opinions": _long([*GroupOpinion.objects.values_list("summary", flat=True),
                                 *GroupOpinion.objects.values_list("recommendations",
                                                                   flat=True)]),
        "justifications": _long(Answer.objects.values_list("justification", flat=True)),
        "legal rationale": _long(LegalAssessment.objects.values_list("rationale", flat=True)),
        "union information": _long([
            *UnionInformation.objects.values_list("questions", flat=True),
            *UnionInformation.objects.values_list("answers", flat=True)]),
        "survey free texts": _long(survey_texts),
        "evidence names": {name for name in Evidence.objects.values_list("original_name",
                                                                          flat=True) if name},
        "agents' names": {user.get_full_name() for user in people
                          if user.role != Role.ELU and user.get_full_name()},
        "e-mail addresses": {user.email for user in people if user.email}
        | {email for email in PublicQuestion.objects.values_list("email", flat=True) if email},
        "unanswered messages": _long(PublicQuestion.objects.exclude(status=rules.ANSWERED)
                                     .values_list("text", flat=True))
        | _long(PublicQuestion.objects.values_list("rejection_reason", flat=True)),
    }


@pytest.fixture
def demo_register() -> list[Case]:
    demo.create_demo()
    published = [p.notice.case for p in current_publications().select_related("notice__case")]
    assert len(published) >= 2, "the demo publishes two notices"
    people = {user.username: user for user in User.objects.all()}
    for n, case in enumerate(published):
        # Private markers on each published case, as the group would write them.
        Comment.objects.create(case=case, author=people["juriste"], criterion=6,
                               body=f"Commentaire interne à ne jamais publier n° {n}")
        Opinion.objects.update_or_create(
            case=case, criterion=4, defaults={
                "verdict": "favorable_reserves", "author": people["rh"],
                "recommendations": f"Recommandation interne du groupe RH n° {n}"})
        evidence = Evidence(case=case, criterion=2, original_name=f"audit-securite-interne-{n}.pdf",
                            content_type="application/pdf", size=4, uploaded_by=people["rssi"])
        evidence.file.save(f"preuve-{n}.pdf", ContentFile(b"%PDF"), save=False)
        evidence.save()
        publication = current_publications().get(notice__case=case)
        question = services.question_submit(
            case=case, publication=publication, kind=rules.QUESTION,
            text=f"Question en attente de modération n° {n}", email=f"habitant{n}@exemple.fr",
            sender=f"192.0.2.{n}")
        rejected = services.question_submit(
            case=case, publication=publication, kind=rules.ERROR,
            text=f"Message rejeté par la modération n° {n}", sender=f"198.51.100.{n}")
        services.question_reject(case=case, question=rejected, user=people["juriste"],
                                 reason=f"Motif de rejet interne n° {n}")
        answered = services.question_submit(
            case=case, publication=publication, kind=rules.QUESTION,
            text=f"Question publique qui reçoit une réponse n° {n}", email="lecteur@exemple.fr",
            sender=f"203.0.113.{n}")
        services.question_answer(case=case, question=answered, user=people["juriste"],
                                 answer=f"Réponse publique de l'administration n° {n}")
        assert question.status == rules.PENDING
    return published


def _links(page: str, base: str) -> set[str]:
    out = set()
    for href in re.findall(r'href="([^"#]*)', page):
        url = urljoin(base, html.unescape(href))
        parts = urlsplit(url)
        if parts.netloc in ("", "testserver") and parts.path.startswith("/registre/"):
            out.add(parts.path + (f"?{parts.query}" if parts.query else ""))
    return out


def _filter_urls(page: str, path: str) -> set[str]:
    """One URL per value of every filter of the register page."""
    out = set()
    for name in FILTERS:
        select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S)
        assert select, name
        for value in re.findall(r'<option value="([^"]*)"', select.group(1)):
            if value:
                out.add(f"{path}?{urlencode({name: html.unescape(value)})}")
    return out


def crawl(client: Client) -> dict[str, str]:
    """Every public page and file reachable from /registre/, by URL (their text)."""
    seen: dict[str, str] = {}
    queue = ["/registre/"]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        response = client.get(url)
        assert response.status_code == 200, url
        assert not response.cookies, url
        body = html.unescape(response.content.decode("utf-8"))
        seen[url] = body
        if response["Content-Type"].startswith("text/html"):
            queue += sorted(_links(body, url) - set(seen))
            path = urlsplit(url).path
            if not urlsplit(url).query and "<select" in body:
                queue += sorted(_filter_urls(body, path) - set(seen))
    return seen


def test_no_private_string_of_the_demo_reaches_a_public_url(demo_register: list[Case]) -> None:
    pages = crawl(Client())
    # The crawl reached the registers, the filters, each notice and every data file.
    for case in demo_register:
        assert f"/registre/{case.organisation.slug}/{case.reference}/" in pages
    assert sum("?" in url for url in pages) >= 5
    assert {"/registre/donnees/registre.csv", "/registre/donnees/registre.json",
            "/registre/donnees/datapackage.json", "/registre/donnees/registre.schema.json"
            } <= set(pages)
    organisation = demo_register[0].organisation.slug
    assert f"/registre/{organisation}/donnees/registre.csv" in pages

    everything = "\n".join(" ".join(text.split()) for text in pages.values())
    private = private_strings()
    assert private["comments"] and private["opinions"] and private["evidence names"]
    assert private["agents' names"] and private["e-mail addresses"]
    assert private["unanswered messages"] and private["justifications"]
    leaks = {kind: sorted(s for s in strings if s in everything)
             for kind, strings in private.items()}
    assert not any(leaks.values()), leaks

    # What may be public is there: the elected officials who decided, the responsible
    # service, the answered question and its answer.
    assert "Paul Rivière" in everything
    assert "Direction du cycle de l'eau" in everything
    assert "Question publique qui reçoit une réponse n° 0" in everything
    assert "Réponse publique de l'administration n° 0" in everything
    # The demo's own messages: its answered question is under a notice, its pending report not.
    assert " ".join(register_demo.QUESTION.split()) in everything
    assert " ".join(register_demo.ANSWER.split()) in everything
    assert register_demo.ERROR_REPORT in private["unanswered messages"]
