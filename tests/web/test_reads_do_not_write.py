"""Reads do not write: a GET of any page of any case, for every role of the demo, executes no
INSERT, UPDATE or DELETE (the session row and the login-throttling tables aside)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext

from boussole.web import demo
from boussole.web.accounts.models import User
from boussole.web.cases import services
from boussole.web.cases.models import Case, Comment, Evidence
from boussole.web.decisions.models import FileVersion

pytestmark = pytest.mark.django_db

CASE_PAGES = ["", "modifier/", "profil/", *[f"critere/{n}/" for n in range(1, 8)],
              "juridique/", "juridique/points/", "journal/", "parcours/", "avis-du-groupe/",
              "decision/", "information-syndicale/", "note-projet.html", "empreinte/",
              "empreinte/alternative/", "empreinte/estimation/"]
#: Tables a read may write: the session row (Django's session middleware) and the tables of
#: django-axes (login throttling). Nothing else.
ALLOWED_TABLES = {"django_session", "axes_accessattempt", "axes_accesslog",
                  "axes_accessfailurelog"}
WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


def case_urls(case: Case) -> list[str]:
    urls = [f"/cas/{case.pk}/{page}" for page in CASE_PAGES]
    items = {*Comment.objects.filter(case=case).values_list("item_id", flat=True),
             *Evidence.objects.filter(case=case).values_list("item_id", flat=True),
             "biometrie"}
    urls += [f"/cas/{case.pk}/discussion/{item}/" for item in sorted(items)]
    urls += [f"/cas/{case.pk}/pieces/{pk}/"
             for pk in Evidence.objects.filter(case=case).values_list("pk", flat=True)]
    for number in FileVersion.objects.filter(case=case).values_list("number", flat=True):
        urls += [f"/cas/{case.pk}/versions/{number}/",
                 f"/cas/{case.pk}/versions/{number}/note.html"]
    return urls


def writes(queries: list[dict[str, Any]]) -> list[str]:
    found = []
    for query in queries:
        match = WRITE.match(query["sql"])
        if match and match.group(2).lower() not in ALLOWED_TABLES:
            found.append(query["sql"][:160])
    return found


def test_the_write_detector_sees_a_write() -> None:
    assert writes([{"sql": 'UPDATE "cases_case" SET "red_line" = 1'},
                   {"sql": 'INSERT INTO "cases_auditevent" ("case_id") VALUES (1)'},
                   {"sql": 'DELETE FROM "cases_answer" WHERE 1'},
                   {"sql": 'UPDATE "django_session" SET "expire_date" = 1'},
                   {"sql": 'SELECT "cases_case"."id" FROM "cases_case"'}]) == [
        'UPDATE "cases_case" SET "red_line" = 1',
        'INSERT INTO "cases_auditevent" ("case_id") VALUES (1)',
        'DELETE FROM "cases_answer" WHERE 1']


def test_no_get_writes(client: Any, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    demo.create_demo()
    cases = list(Case.objects.all())
    juriste = User.objects.get(username="juriste")
    open_cases = [case for case in cases if case.state in ("brouillon", "en_instruction")]
    for case in open_cases[:2]:  # evidence is attached while the file is worked on
        services.comment_add(case=case, user=juriste, body="Une question.", item_id="biometrie")
        services.evidence_add(case=case, user=juriste, item_id="biometrie",
                              upload=SimpleUploadedFile("aipd.pdf", b"%PDF-1.4 test"))
    assert len(cases) >= 6 and FileVersion.objects.exists() and Evidence.objects.exists()
    found: dict[str, list[str]] = {}
    pages = 0
    for login, *_rest in demo.PEOPLE:
        client.force_login(User.objects.get(username=login))
        urls = ["/", "/mes-questions/", "/taches/", "/cas/nouveau/"]
        for case in cases:
            urls += case_urls(case)
        for url in urls:
            reset_queries()  # the log holds 9,000 queries: capture each page from empty
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            assert response.status_code < 500, (login, url)
            assert captured.captured_queries, (login, url)  # the capture works
            pages += response.status_code == 200
            if bad := writes(captured.captured_queries):
                found[f"{login} GET {url}"] = bad
    assert found == {}
    assert pages > 300  # the pages were really rendered, not refused
