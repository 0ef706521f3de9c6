"""Concurrent writes on one case through a real server process, on PostgreSQL (issue 9, finding 2).

A ``boussole serve`` subprocess (waitress, several threads) runs against the test database that
pytest-django created. Two referents fire 60 answer POSTs at one case at the same moment — many to
the same item with the revision they read, some with a stale revision, some without a revision,
others to different items, questions and profile facts alike — while two other people post ten
comments each. Every request must end either saved or in the conflict view (or, for a missing
revision, a French refusal), never in a 5xx; what is stored must be what a successful response
announced; the audit trail stays a gapless, unbroken chain with one event per successful write.

SQLite serialises every write, so the test only means something on PostgreSQL: it is skipped
elsewhere (the suite's PostgreSQL pass runs it).
"""

from __future__ import annotations

import contextlib
import http.client
import os
import random
import re
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings

from boussole.web.cases import services
from boussole.web.cases.audit import audit_verify
from boussole.web.cases.models import Answer, AuditEvent, Comment

ON_POSTGRES = "postgresql" in settings.DATABASES["default"]["ENGINE"]

pytestmark = [
    pytest.mark.skipif(not ON_POSTGRES, reason=(
        "concurrent writes are only meaningful on PostgreSQL (SQLite serialises every write): "
        "run with DATABASE_URL=postgres://…")),
    pytest.mark.django_db(transaction=True),
]

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "mot-de-passe-de-test"  # the password of the conftest's make_user fixture
SERVER_THREADS = 16
STARTUP_TIMEOUT = 120.0
REQUEST_TIMEOUT = 120.0
BURST_TIMEOUT = 300.0


# --- A minimal HTTP client: one cookie jar per person, one connection per request -----------

class Person:
    def __init__(self, port: int, username: str) -> None:
        self.port = port
        self.username = username
        self.cookies: dict[str, str] = {}
        self.csrf = ""
        self._lock = threading.Lock()

    def request(self, method: str, path: str, data: dict[str, Any] | None = None,
                htmx: bool = False) -> tuple[int, str, str]:
        """Return (status, body, Location header) — redirects are not followed."""
        with self._lock:
            cookies = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        headers = {"Cookie": cookies} if cookies else {}
        body = None
        if data is not None:
            body = urlencode(data, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if htmx:
            headers["HX-Request"] = "true"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            jar: SimpleCookie = SimpleCookie()
            for header in response.headers.get_all("Set-Cookie") or []:
                jar.load(header)
            with self._lock:
                for name, morsel in jar.items():
                    self.cookies[name] = morsel.value
            return response.status, text, response.headers.get("Location", "")
        finally:
            connection.close()

    def login(self) -> None:
        status, page, _ = self.request("GET", "/comptes/connexion/")
        assert status == 200, page[:500]
        status, page, location = self.request("POST", "/comptes/connexion/", {
            "csrfmiddlewaretoken": csrf_token(page), "username": self.username,
            "password": PASSWORD, "next": ""})
        assert status == 302 and location == "/", (status, location, page[:500])

    def read_csrf(self, path: str) -> str:
        status, page, _ = self.request("GET", path)
        assert status == 200, page[:500]
        self.csrf = csrf_token(page)
        return page


def csrf_token(page: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert match, "no CSRF token in the page"
    return match.group(1)


# --- The server process ---------------------------------------------------------------------

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def database_url() -> str:
    """The URL of the test database pytest-django created (not the one named in DATABASE_URL)."""
    from django.db import connection

    db = connection.settings_dict
    user = quote(db.get("USER") or "")
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    credentials = f"{user}{password}@" if user else ""
    host = db.get("HOST") or "127.0.0.1"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{quote(str(db['NAME']))}"


@contextlib.contextmanager
def running_server(log_dir: Path) -> Iterator[int]:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url(),
           "BOUSSOLE_DATA_DIR": str(settings.DATA_DIR), "BOUSSOLE_DEBUG": "false",
           "BOUSSOLE_LOG_LEVEL": "ERROR", "PYTHONUNBUFFERED": "1"}
    log_path = log_dir / "server.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "boussole", "serve", "--host", "127.0.0.1",
             "--port", str(port), "--threads", str(SERVER_THREADS)],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + STARTUP_TIMEOUT
            while True:
                if process.poll() is not None:
                    pytest.fail("the server stopped at start-up:\n"
                                + log_path.read_text(errors="replace")[-3000:])
                if time.monotonic() > deadline:
                    pytest.fail("the server did not answer within "
                                f"{STARTUP_TIMEOUT:.0f} s:\n"
                                + log_path.read_text(errors="replace")[-3000:])
                status = 0
                with contextlib.suppress(OSError):
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                    connection.request("GET", "/healthz")
                    status = connection.getresponse().status
                if status == 200:
                    break
                if status:
                    pytest.fail(f"the server answers /healthz with {status}:\n"
                                + log_path.read_text(errors="replace")[-3000:])
                time.sleep(0.3)
            yield port
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=20)


def server_errors(log_dir: Path) -> dict[str, int]:
    """The distinct exceptions the server logged (the last line of each traceback)."""
    log = (log_dir / "server.log").read_text(errors="replace")
    return dict(Counter(line.strip()[:200] for line in log.splitlines()
                        if re.match(r"^[\w.]+(Error|Exception)\b", line)))


# --- The burst ------------------------------------------------------------------------------

@dataclass
class Job:
    kind: str  # "answer" or "comment"
    person: Person
    path: str
    data: dict[str, Any]
    htmx: bool
    item_id: str = ""
    value: Any = None
    revision: str | None = None  # as posted; None: not posted
    status: int = 0
    body: str = ""
    location: str = ""
    error: str = ""
    outcome: str = ""  # saved, conflict, refused, other
    extra: dict[str, Any] = field(default_factory=dict)


def classify_answer(job: Job) -> str:
    """Read the answer's outcome from the response, as a browser (htmx or not) would show it."""
    if job.error or job.status >= 500:
        return "other"
    if job.htmx:
        if job.status != 200:
            return "other"
        section = re.search(r'<section class="item([^"]*)" id="q-' + re.escape(job.item_id)
                            + '"', job.body)
        if section is None:
            return "other"
        classes = section.group(1)
        if "has-conflict" in classes and 'class="conflict"' in job.body:
            return "conflict"
        if "has-error" in classes and 'class="field-error"' in job.body:
            return "refused"
        if "Enregistré." in job.body:
            return "saved"
        return "other"
    if job.status == 302:
        return "saved"
    if job.status == 409 and 'class="conflict"' in job.body:
        return "conflict"
    if job.status == 400 and 'class="field-error"' in job.body:
        return "refused"
    return "other"


def fire(jobs: list[Job]) -> None:
    """Send every job at the same moment (a barrier releases all threads together)."""
    barrier = threading.Barrier(len(jobs), timeout=60)

    def send(job: Job) -> None:
        try:
            barrier.wait()
            job.status, job.body, job.location = job.person.request(
                "POST", job.path, {**job.data, "csrfmiddlewaretoken": job.person.csrf},
                htmx=job.htmx)
        except Exception as exc:  # any failure is reported by the test
            job.error = f"{type(exc).__name__}: {exc}"

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        futures = [pool.submit(send, job) for job in jobs]
        deadline = time.monotonic() + BURST_TIMEOUT
        for future in futures:
            future.result(timeout=max(1.0, deadline - time.monotonic()))


def test_sixty_concurrent_answers_and_two_commenters_on_one_case(
        organisation: Any, make_user: Any, tmp_path: Path) -> None:
    lead = make_user("cheffe", organisation, role="porteur")
    juriste_a = make_user("juriste-a", organisation, role="referent", domain="juridique")
    juriste_b = make_user("juriste-b", organisation, role="referent", domain="juridique")
    rssi = make_user("rssi", organisation, role="referent", domain="cybersecurite")
    case = services.case_create(organisation=organisation, user=lead,
                                title="Dossier sous charge", service="Service test",
                                purpose="Vérifier les écritures simultanées.")
    services.case_move(case=case, user=lead, state="en_instruction")
    # Two items already answered: their revision is 1.
    services.answer_record(case=case, user=juriste_a, item_id="conformite_textes_ia",
                           value="Version initiale.", expected_revision=0)
    services.answer_record(case=case, user=juriste_a, item_id="hebergement", value="interne",
                           expected_revision=0)
    initial = {a.item_id: (a.value, a.revision) for a in Answer.objects.filter(case=case)}
    sequence_before = AuditEvent.objects.filter(case=case).count()
    assert audit_verify(case)

    with running_server(tmp_path) as port:
        people = {user.username: Person(port, user.username)
                  for user in (juriste_a, juriste_b, lead, rssi)}
        for person in people.values():
            person.login()
            person.read_csrf(f"/cas/{case.pk}/critere/2/")
        writers = [people["juriste-a"], people["juriste-b"]]

        jobs: list[Job] = []

        def answer(item_id: str, value: Any, revision: str | None) -> None:
            index = len(jobs)
            data: dict[str, Any] = {"value": value,
                                    "justification": f"Justification n°{index}."}
            if revision is not None:
                data["revision"] = revision
            jobs.append(Job("answer", writers[index % 2], f"/cas/{case.pk}/reponse/{item_id}/",
                            data, htmx=index % 4 != 3, item_id=item_id, value=value,
                            revision=revision))

        # Same answered question: 14 with the revision read, 4 with a stale one.
        for i in range(14):
            answer("conformite_textes_ia", f"Texte concurrent n°{i}.", "1")
        for i in range(4):
            answer("conformite_textes_ia", f"Texte périmé n°{i}.", "0")
        # Same unanswered question: 12 creations racing on the unique (case, item).
        for i in range(12):
            answer("conformite_donnees_personnelles", f"Première réponse n°{i}.", "0")
        # Same unanswered profile fact (the legal assessment is refreshed on each fact).
        for value in ["moins_1000", "1000_10000", "plus_10000"] * 2 + ["moins_1000", "plus_10000"]:
            answer("volume", value, "0")
        # Same answered fact: 6 with the revision read, 2 stale.
        for value in ["secnumcloud", "cloud_ue", "hors_ue"] * 2:
            answer("hebergement", value, "1")
        for value in ["cloud_ue", "hors_ue"]:
            answer("hebergement", value, "0")
        # No revision at all: refused with a French message (or saved, if revisions are
        # optional), never a 500.
        for i in range(4):
            answer("analyse_risques_dict", f"Analyse sans révision n°{i}.", None)
        # Ten different items, each answered once.
        for item_id, value in [("reglementations_sectorielles", "non"), ("est_ia", "oui"),
                               ("donnees_perso", "oui"), ("espace_public", "non"),
                               ("croisement", "non"), ("profilage", "non"), ("aipd", "en_cours"),
                               ("base_legale", "identifiee"), ("outil_grand_public", "non"),
                               ("role", "deployeur")]:
            answer(item_id, value, "0")
        assert len(jobs) == 60

        # Two people commenting at the same moment, ten comments each.
        for person in (people["cheffe"], people["rssi"]):
            for i in range(10):
                body = f"Commentaire de {person.username} n°{i}."
                jobs.append(Job("comment", person, f"/cas/{case.pk}/commentaires/",
                                {"item_id": "conformite_textes_ia", "body": body},
                                htmx=i % 2 == 0, value=body))

        random.Random(9).shuffle(jobs)  # noqa: S311 — a fixed order, not a secret
        fire(jobs)

    # 1. No server error, no lost connection.
    failures = Counter((j.kind, j.item_id, j.error or j.status) for j in jobs
                       if j.error or j.status >= 500)
    assert not failures, (f"{sum(failures.values())} of {len(jobs)} requests failed: "
                          f"{dict(failures)}; server errors: {server_errors(tmp_path)}")

    answers = [j for j in jobs if j.kind == "answer"]
    for job in answers:
        job.outcome = classify_answer(job)
    unexplained = [(j.item_id, j.revision, j.status, j.body[:300]) for j in answers
                   if j.outcome == "other"]
    assert unexplained == [], f"neither saved, conflict nor refusal: {unexplained[:5]}"

    # 2. Per item: the expected outcomes, and the stored answer is one a response announced.
    stored = {a.item_id: a for a in Answer.objects.filter(case=case)}
    new_events = list(AuditEvent.objects.filter(case=case, sequence__gt=sequence_before)
                      .order_by("sequence"))
    recorded: dict[str, list[Any]] = {}
    for event in new_events:
        if event.action == "answer_recorded":
            recorded.setdefault(event.item_id, []).append(event.after["value"])

    for item_id in sorted({j.item_id for j in answers}):
        posted = [j for j in answers if j.item_id == item_id]
        saved = [j for j in posted if j.outcome == "saved"]
        base_value, base_revision = initial.get(item_id, (None, 0))
        # A stale revision is never saved; the revision read wins exactly once.
        for job in posted:
            if job.revision is not None and int(job.revision) != base_revision:
                assert job.outcome == "conflict", (item_id, job.revision, job.outcome)
            if job.revision is not None and job.outcome == "refused":
                pytest.fail(f"{item_id}: a valid answer was refused: {job.body[:300]}")
        if any(j.revision is not None for j in posted):
            assert len(saved) == 1, (item_id, [(j.revision, j.outcome) for j in posted])
        # Nothing lost silently: each success has its audit event, and nothing else was written.
        assert sorted(map(str, recorded.get(item_id, []))) == sorted(
            str(j.value) for j in saved), item_id
        if saved:
            answer_row = stored[item_id]
            assert answer_row.value in [j.value for j in saved], (item_id, answer_row.value)
            assert answer_row.revision == base_revision + len(saved), item_id
            assert answer_row.value == recorded[item_id][-1], item_id  # the last one wins
        elif base_revision:
            assert (stored[item_id].value, stored[item_id].revision) == (base_value,
                                                                          base_revision)
        else:
            assert item_id not in stored, item_id
    assert set(recorded) <= {j.item_id for j in answers}

    # 3. Comments: both people's comments all accepted and all stored, each with its event.
    comments = [j for j in jobs if j.kind == "comment"]
    assert [(j.status, j.body[:200]) for j in comments if not 200 <= j.status < 400] == []
    stored_bodies = sorted(Comment.objects.filter(case=case).values_list("body", flat=True))
    assert stored_bodies == sorted(j.value for j in comments)
    assert sorted(e.after["body"] for e in new_events if e.action == "comment_added") == \
        stored_bodies

    # 4. The audit trail is whole: sequences 1..n without a gap, the hash chain unbroken.
    sequences = list(AuditEvent.objects.filter(case=case).order_by("sequence")
                     .values_list("sequence", flat=True))
    assert sequences == list(range(1, len(sequences) + 1))
    assert audit_verify(case)
