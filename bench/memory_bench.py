"""Memory of a ``boussole serve`` worker (RSS) after mixed requests on the demo data.

Usage: ``python bench/memory_bench.py [--requests 1000]``

Creates a temporary ``BOUSSOLE_DATA_DIR`` (SQLite) with the demo data, starts ``boussole serve
--workers 1`` on a free 127.0.0.1 port, logs in as the demo's people in turn and sends
``--requests`` requests spread over every page of every case they may open (overview, profile,
criteria, legal, journal, follow-up, notice, consultation), the home page, the dashboard, the
register and the API schema. It prints the worker's resident memory (from /proc, Linux) before
and after, and the largest value seen. Target (issue 17): at most 150 MB after 1,000 requests.
"""

from __future__ import annotations

import argparse
import itertools
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from http_bench import ROOT, Session, server

PEOPLE = ("porteur", "juriste", "numerique", "elu-numerique", "admin")
CASE_PAGES = ("", "profil/", "critere/1/", "critere/2/", "critere/5/", "critere/6/",
              "juridique/", "journal/", "suivi/", "notice/", "marche/")
OTHER_PAGES = ("/", "/tableau-de-bord/", "/mes-questions/", "/registre/",
               "/api/v1/openapi.json")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def serve_pid(port: int) -> int:
    """The ``boussole serve`` process listening on ``port`` (from /proc's command lines)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            words = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"serve" in words and str(port).encode() in words:
            return int(entry.name)
    raise SystemExit(f"processus du serveur introuvable (port {port})")


def worker_pids(parent: int) -> list[int]:
    """The processes under the server's process (gunicorn's workers), else itself."""
    children = Path(f"/proc/{parent}/task/{parent}/children")
    found = [int(pid) for pid in children.read_text().split()] if children.exists() else []
    deeper = [pid for child in found for pid in worker_pids(child)]
    return deeper or found or [parent]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=1000)
    args = parser.parse_args(argv)
    data_dir = tempfile.mkdtemp(prefix="boussole-memory-")
    env = {**os.environ, "BOUSSOLE_DATA_DIR": data_dir, "BOUSSOLE_DEBUG": "false",
           "BOUSSOLE_LOG_LEVEL": "ERROR", "PYTHONUNBUFFERED": "1"}
    env.pop("DATABASE_URL", None)
    try:
        subprocess.run([sys.executable, "-m", "boussole", "demo"], cwd=ROOT, env=env,
                       check=True, stdout=subprocess.DEVNULL)
        with server(env, ["--workers", "1"], Path(data_dir) / "server.log") as port:
            server_pid = serve_pid(port)
            sessions = []
            for login in PEOPLE:
                session = Session("127.0.0.1", port)
                session.login(login)
                _status, home = session.request("GET", "/")
                cases = sorted(set(re.findall(r'href="/cas/(\d+)/"', home)))
                paths = [f"/cas/{pk}/{page}" for pk in cases for page in CASE_PAGES]
                sessions.append((session, [*OTHER_PAGES, *paths]))
            workers = worker_pids(server_pid)
            before = {pid: rss_mb(pid) for pid in workers}
            peak = dict(before)
            errors = 0
            plan = itertools.cycle([(s, p) for s, paths in sessions for p in paths])
            for number in range(args.requests):
                session, path = next(plan)
                status, _text = session.request("GET", path)
                errors += status >= 500
                if number % 50 == 0:
                    for pid in workers:
                        peak[pid] = max(peak[pid], rss_mb(pid))
            after = {pid: rss_mb(pid) for pid in workers}
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    print(f"{args.requests} requêtes, {errors} erreur(s) serveur")
    print("| processus | RSS avant (Mo) | RSS après (Mo) | maximum (Mo) |")
    print("|---|---|---|---|")
    for pid in workers:
        print(f"| {pid} | {before[pid]:.1f} | {after[pid]:.1f} | {peak[pid]:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
