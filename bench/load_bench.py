"""Load test: simulated users against a real ``boussole serve`` process on PostgreSQL.

Usage: ``python bench/load_bench.py [--users 50] [--duration 60] [--write-share 0.2]
[--think 0.5] [--server-threads 8] [--admin-url postgres://postgres@127.0.0.1:5432/postgres]
[--database boussole_bench] [--seed 2026] [--keep]``

The script (re)creates a scratch database (``--database``, dropped at the end unless ``--keep``)
on the PostgreSQL server of ``--admin-url``, loads the demonstration data into it
(``boussole demo``: six cases, fourteen accounts, password ``boussole-demo``) and starts
``boussole serve`` on a free 127.0.0.1 port with ``--server-threads`` waitress threads. Each
simulated user logs in over HTTP with a demo account (ten accounts in rotation: the project lead,
seven referents, an elected official, the administrator; logins happen before the clock starts),
then, until ``--duration`` seconds have passed, loops over a mix of requests with a random pause
of 0 to 2 × ``--think`` seconds between two requests:

* reads (1 − ``--write-share``): the home page (its case list), « Mes tâches », a case page, a
  case's identification profile, a criterion page;
* writes (``--write-share``): an answer saved from the last profile or criterion page the user
  read, with the revision read on that page (htmx request, as with JavaScript on), or a comment
  on one of its items.

Only plain HTTP to 127.0.0.1 (``http.client``, one connection per request, no static files).
At the end it prints the number of requests, the throughput, the median and 95th percentile of
the latency per kind of request, the errors (status ≥ 500 or no response: the target is 0), the
4xx, the outcome of the answers (saved, conflict view, refusal) and checks the database: every
case's audit trail whole (sequences 1..n, hash chain verified by ``audit_verify``) and every
accepted comment stored. Exit status 1 if any error or check failed.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import math
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEMO_PASSWORD = "boussole-demo"  # noqa: S105 — the documented demo password (README)
ACCOUNTS = ["porteur", "juriste", "rssi", "rh", "numerique-responsable", "donnees",
            "organisation", "numerique", "elu-numerique", "admin"]
READS = {"accueil": 15, "taches": 5, "dossier": 20, "profil": 15, "critere": 25}
WRITES = {"reponse": 15, "commentaire": 5}
KINDS = [*READS, *WRITES, "connexion"]
REQUEST_TIMEOUT = 60.0

ANSWER_FORM = re.compile(
    r'<form method="post" action="/cas/(\d+)/reponse/([^/"]+)/"(.*?)</form>', re.S)
CASE_LINK = re.compile(r'href="/cas/(\d+)/"')


# --- The scratch database and the server process ------------------------------------------

def database_url(admin_url: str, name: str) -> str:
    parts = urlsplit(admin_url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def recreate_database(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def drop_database(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def boussole(args: list[str], env: dict[str, str], timeout: float = 900) -> str:
    done = subprocess.run([sys.executable, "-m", "boussole", *args], cwd=ROOT, env=env,  # noqa: S603
                          capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        raise SystemExit(f"boussole {' '.join(args)} a échoué :\n{done.stdout}{done.stderr}")
    return done.stdout.strip()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def server(env: dict[str, str], threads: int, log_path: Path) -> Any:
    port = free_port()
    with open(log_path, "wb") as log:
        process = subprocess.Popen(  # noqa: S603 — our own CLI, fixed arguments
            [sys.executable, "-m", "boussole", "serve", "--host", "127.0.0.1",
             "--port", str(port), "--threads", str(threads)],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 120
            while True:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("le serveur n'a pas démarré :\n"
                                     + log_path.read_text(errors="replace")[-3000:])
                with contextlib.suppress(OSError):
                    probe = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                    probe.request("GET", "/healthz")
                    if probe.getresponse().status == 200:
                        break
                time.sleep(0.3)
            yield port
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=20)


# --- One simulated user ---------------------------------------------------------------------

@dataclass
class Sample:
    kind: str
    status: int  # 0: no response (exception)
    ms: float
    outcome: str = ""  # answers: saved, conflict, refused, other


@dataclass
class AnswerForm:
    case: int
    item_id: str
    revision: str
    body: str


@dataclass
class User:
    port: int
    username: str
    rng: random.Random
    samples: list[Sample] = field(default_factory=list)
    cookies: dict[str, str] = field(default_factory=dict)
    cases: list[int] = field(default_factory=list)
    open_cases: set[int] = field(default_factory=set)
    forms: list[AnswerForm] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    counter: int = 0

    def request(self, kind: str, method: str, path: str, data: dict[str, Any] | None = None,
                htmx: bool = False) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if data is not None:
            body = urlencode({**data, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")},
                             doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if htmx:
            headers["HX-Request"] = "true"
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            status = response.status
            jar: SimpleCookie = SimpleCookie()
            for header in response.headers.get_all("Set-Cookie") or []:
                jar.load(header)
            self.cookies.update({name: morsel.value for name, morsel in jar.items()})
        except (OSError, http.client.HTTPException):
            status, text = 0, ""
        finally:
            connection.close()
        self.samples.append(Sample(kind, status, (time.perf_counter() - started) * 1000))
        return status, text

    def login(self) -> bool:
        self.request("connexion", "GET", "/comptes/connexion/")
        status, _ = self.request("connexion", "POST", "/comptes/connexion/", {
            "username": self.username, "password": DEMO_PASSWORD, "next": ""})
        return status == 302 and "sessionid" in self.cookies

    # Reads --------------------------------------------------------------------------------

    def read(self, kind: str) -> None:
        if kind in ("accueil", "taches") or not self.cases:
            status, page = self.request(kind if kind == "taches" else "accueil", "GET",
                                        "/taches/" if kind == "taches" else "/")
            if kind != "taches" and status == 200:
                self.cases = sorted({int(n) for n in CASE_LINK.findall(page)})
            return
        case = self.rng.choice(self.cases)
        if kind == "dossier":
            self.request(kind, "GET", f"/cas/{case}/")
        elif kind == "profil":
            self.read_forms(kind, case, f"/cas/{case}/profil/")
        else:
            self.read_forms(kind, case, f"/cas/{case}/critere/{self.rng.randint(1, 7)}/")

    def read_forms(self, kind: str, case: int, path: str) -> None:
        status, page = self.request(kind, "GET", path)
        if status != 200:
            return
        self.forms = [AnswerForm(int(c), item, *_revision(body))
                      for c, item, body in ANSWER_FORM.findall(page)]
        if self.forms:
            self.open_cases.add(case)

    # Writes -------------------------------------------------------------------------------

    def write(self, kind: str) -> None:
        if not self.forms:  # read a page with forms first, as a person would
            case = self.rng.choice(sorted(self.open_cases) or self.cases or [0])
            if not case:
                return self.read("accueil")
            self.read_forms("critere", case, f"/cas/{case}/critere/{self.rng.randint(1, 7)}/")
            if not self.forms:
                self.read_forms("profil", case, f"/cas/{case}/profil/")
            if not self.forms:
                return None
        form = self.rng.choice(self.forms)
        self.counter += 1
        if kind == "commentaire":
            body = f"Commentaire de charge n°{self.counter} de {self.username}."
            status, _ = self.request(kind, "POST", f"/cas/{form.case}/commentaires/",
                                     {"item_id": form.item_id, "body": body}, htmx=True)
            if 200 <= status < 400:
                self.comments.append(body)
            return None
        data = {"value": self.value(form), "revision": form.revision,
                "justification": f"Mesure de charge, réponse n°{self.counter}."}
        status, page = self.request(kind, "POST",
                                    f"/cas/{form.case}/reponse/{form.item_id}/", data, htmx=True)
        sample = self.samples[-1]
        section = re.search(r'<section class="item([^"]*)" id="q-', page)
        if status != 200 or section is None:
            sample.outcome = "other"
        elif "has-conflict" in section.group(1):
            sample.outcome = "conflict"
        elif "has-error" in section.group(1):
            sample.outcome = "refused"
        elif "Enregistré." in page:
            sample.outcome = "saved"
        else:
            sample.outcome = "other"
        # htmx swaps the item: the user now sees its new revision.
        for c, item, body in ANSWER_FORM.findall(page):
            self.forms = [f for f in self.forms if f.item_id != item]
            self.forms.append(AnswerForm(int(c), item, *_revision(body)))
        return None

    def value(self, form: AnswerForm) -> Any:
        radios = re.findall(r'type="radio" name="value" value="([^"]*)"', form.body)
        if radios:
            plain = [v for v in radios if v != "nsp"] or radios
            return self.rng.choice(plain)
        boxes = re.findall(r'type="checkbox" name="value" value="([^"]*)"', form.body)
        if boxes:
            return [self.rng.choice(boxes)]
        if 'inputmode="decimal"' in form.body:
            return str(self.rng.randint(1, 5000))
        if 'type="date"' in form.body:
            return "2024-05-01"
        return f"Réponse de charge n°{self.counter} de {self.username}."

    def run(self, start: float, deadline: float, think: float, write_share: float) -> None:
        while time.monotonic() < start:
            time.sleep(0.01)
        kinds = [*READS, *WRITES]
        weights = ([w * (1 - write_share) / sum(READS.values()) for w in READS.values()]
                   + [w * write_share / sum(WRITES.values()) for w in WRITES.values()])
        while time.monotonic() < deadline:
            kind = self.rng.choices(kinds, weights)[0]
            if kind in WRITES:
                self.write(kind)
            else:
                self.read(kind)
            if think:
                time.sleep(min(self.rng.uniform(0, 2 * think),
                               max(0.0, deadline - time.monotonic())))


def _revision(body: str) -> tuple[str, str]:
    match = re.search(r'name="revision" value="(\d*)"', body)
    return (match.group(1) if match else ""), body


# --- Figures --------------------------------------------------------------------------------

def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def report(samples: list[Sample], elapsed: float) -> int:
    timed = [s for s in samples if s.kind != "connexion"]
    by_kind: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        by_kind[sample.kind].append(sample)
    errors = sum(1 for s in timed if s.status == 0 or s.status >= 500)
    print(f"{len(timed)} requêtes en {elapsed:.1f} s : {len(timed) / elapsed:.1f} req/s ; "
          f"erreurs (≥ 500 ou sans réponse) : {errors} ; "
          f"4xx : {sum(1 for s in timed if 400 <= s.status < 500)}")
    print(f"{'type':<14}{'requêtes':>10}{'médiane (ms)':>14}{'p95 (ms)':>10}{'erreurs':>9}"
          f"{'4xx':>6}")
    for kind in KINDS:
        group = by_kind.get(kind, [])
        if not group:
            continue
        ms = [s.ms for s in group]
        print(f"{kind:<14}{len(group):>10}{statistics.median(ms):>14.0f}"
              f"{percentile(ms, 0.95):>10.0f}"
              f"{sum(1 for s in group if s.status == 0 or s.status >= 500):>9}"
              f"{sum(1 for s in group if 400 <= s.status < 500):>6}")
    print("(connexion : avant le début de la mesure, hors débit ; Argon2 est lent à dessein)")
    outcomes = Counter(s.outcome for s in by_kind.get("reponse", []))
    print(f"réponses : {outcomes['saved']} enregistrées, {outcomes['conflict']} conflits "
          f"(vue de conflit : quelqu'un avait modifié la réponse entre-temps), "
          f"{outcomes['refused']} refusées avec un message, {outcomes['other']} autres")
    return errors + outcomes["other"]


def check_database(comments: list[str], started_at: Any) -> int:
    """Every audit trail whole, every accepted comment stored; return the number of problems."""
    import django

    django.setup()
    from boussole.web.cases.audit import audit_verify
    from boussole.web.cases.models import AuditEvent, Case, Comment

    problems = 0
    cases = list(Case.objects.order_by("pk"))
    for case in cases:
        sequences = list(AuditEvent.objects.filter(case=case).order_by("sequence")
                         .values_list("sequence", flat=True))
        if sequences != list(range(1, len(sequences) + 1)) or not audit_verify(case):
            print(f"journal d'audit abîmé : dossier {case.reference}")
            problems += 1
    stored = set(Comment.objects.filter(created_at__gte=started_at)
                 .values_list("body", flat=True))
    missing = [body for body in comments if body not in stored]
    events = AuditEvent.objects.filter(at__gte=started_at)
    print(f"base : {len(cases) - problems}/{len(cases)} journaux d'audit intacts (séquences "
          f"1..n, chaîne d'empreintes vérifiée) ; {len(comments) - len(missing)}/{len(comments)} "
          f"commentaires acceptés retrouvés ; {events.count()} événements d'audit pendant la "
          f"mesure, dont {events.filter(action='answer_recorded').count()} réponses (une "
          f"réponse identique à la précédente n'en crée pas)")
    return problems + len(missing)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50, help="utilisateurs simulés")
    parser.add_argument("--duration", type=float, default=60.0, help="durée de la mesure (s)")
    parser.add_argument("--write-share", type=float, default=0.2,
                        help="part des écritures (réponses, commentaires) entre 0 et 1")
    parser.add_argument("--think", type=float, default=0.5,
                        help="pause moyenne entre deux requêtes d'un utilisateur (s) ; 0 : "
                             "aucune pause (test de saturation)")
    parser.add_argument("--server-threads", type=int, default=8,
                        help="fils d'exécution de waitress (boussole serve --threads)")
    parser.add_argument("--admin-url", default=os.environ.get(
        "BOUSSOLE_BENCH_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="connexion PostgreSQL qui peut créer et supprimer la base de mesure")
    parser.add_argument("--database", default="boussole_bench",
                        help="nom de la base de mesure (recréée, supprimée à la fin)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true",
                        help="garder la base et le dossier de données à la fin")
    args = parser.parse_args(argv)
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", args.database):
        parser.error("--database : lettres minuscules, chiffres et _ seulement")
    if not 0 <= args.write_share <= 1 or args.users < 1 or args.duration <= 0:
        parser.error("--write-share entre 0 et 1, --users ≥ 1, --duration > 0")
    if urlsplit(args.admin_url).hostname not in ("127.0.0.1", "localhost", "::1"):
        parser.error("--admin-url : la mesure ne s'exécute que sur 127.0.0.1")

    data_dir = tempfile.mkdtemp(prefix="boussole-load-")
    url = database_url(args.admin_url, args.database)
    env = {**os.environ, "DATABASE_URL": url, "BOUSSOLE_DATA_DIR": data_dir,
           "BOUSSOLE_DEBUG": "false", "BOUSSOLE_LOG_LEVEL": "ERROR", "PYTHONUNBUFFERED": "1"}
    os.environ.update({"DATABASE_URL": url, "BOUSSOLE_DATA_DIR": data_dir,
                       "DJANGO_SETTINGS_MODULE": "boussole.settings"})
    log_path = Path(data_dir) / "server.log"
    failures = 0
    recreate_database(args.admin_url, args.database)
    try:
        print(boussole(["demo"], env))
        with server(env, args.server_threads, log_path) as port:
            users = [User(port, ACCOUNTS[i % len(ACCOUNTS)], random.Random(args.seed + i))
                     for i in range(args.users)]
            with ThreadPoolExecutor(max_workers=min(10, args.users)) as pool:
                logged = list(pool.map(User.login, users))
            if not all(logged):
                raise SystemExit(f"{logged.count(False)} connexions ont échoué")
            started_at = dt.datetime.now(dt.UTC)
            start = time.monotonic() + 0.5
            deadline = start + args.duration
            threads = [threading.Thread(target=user.run, daemon=True,
                                        args=(start, deadline, args.think, args.write_share))
                       for user in users]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=max(1.0, deadline - time.monotonic() + REQUEST_TIMEOUT + 5))
            elapsed = time.monotonic() - start
            stuck = sum(thread.is_alive() for thread in threads)
        print(f"{args.users} utilisateurs simulés, {args.duration:.0f} s, "
              f"{args.write_share:.0%} d'écritures, pause moyenne {args.think} s, "
              f"{args.server_threads} fils waitress, PostgreSQL (base {args.database})")
        failures += report([s for u in users for s in list(u.samples)], elapsed) + stuck
        log = log_path.read_text(errors="replace")
        logged = log.count("Internal Server Error:") + log.count("Exception while serving")
        print(f"erreurs internes dans le journal du serveur : {logged}")
        failures += logged
        failures += check_database([c for u in users for c in u.comments], started_at)
    finally:
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        if args.keep:
            print(f"gardés : base {args.database}, données {data_dir}")
        else:
            drop_database(args.admin_url, args.database)
            shutil.rmtree(data_dir, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
