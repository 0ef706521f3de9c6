"""HTTP throughput and latency of ``boussole serve`` on the demo data.

Usage: ``python bench/http_bench.py [--workers N] [--duration 5] [--clients 1,4] [--url URL]
[--server-args "..."] [--load python|wrk]``

Without ``--url`` the script creates a temporary ``BOUSSOLE_DATA_DIR`` (SQLite), loads the demo
data (``boussole demo``), starts ``boussole serve`` on a free 127.0.0.1 port (with ``--workers N``
when given; ``--server-args`` adds other options), logs in as the demo project lead (« porteur »,
password ``boussole-demo``) and, for each page and each number of concurrent clients, sends
requests for ``--duration`` seconds from Python threads (``http.client``, one connection per
request, as a browser without keep-alive would). It prints a table: requests per second, median
and 95th percentile latency in ms, errors. With ``--load wrk`` the load comes from ``wrk`` (Debian
package ``wrk``; one thread per client, keep-alive) instead of Python threads: the load
generator then takes much less of the machine's CPU from the server, as in the measures of the
issue that set the targets (the median and 95th percentile come from wrk's own histogram).
With ``--url http://host:port`` it measures an already
running server instead (e.g. nginx in front of app servers, see ``bench/nginx_bench.py``); the
demo data must be loaded there.

Pages: the home page (``/``, the case list), the criterion-2 and criterion-5 pages of the first
case of the list.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import math
import os
import re
import shlex
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
DEMO_PASSWORD = "boussole-demo"  # noqa: S105 — the documented demo password (README)
CASE_LINK = re.compile(r'href="/cas/(\d+)/"')


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(host: str, port: int, process: subprocess.Popen[bytes] | None, log: Path | None,
             timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if (process is not None and process.poll() is not None) or time.monotonic() > deadline:
            detail = log.read_text(errors="replace")[-3000:] if log else ""
            raise SystemExit(f"le serveur n'a pas démarré :\n{detail}")
        with contextlib.suppress(OSError, http.client.HTTPException):
            probe = http.client.HTTPConnection(host, port, timeout=5)
            probe.request("GET", "/healthz")
            if probe.getresponse().status == 200:
                return
        time.sleep(0.3)


@contextlib.contextmanager
def server(env: dict[str, str], args: list[str], log_path: Path) -> Iterator[int]:
    """``boussole serve`` on a free port; stopped at the end."""
    port = free_port()
    with open(log_path, "wb") as log:
        process = subprocess.Popen(  # noqa: S603 — our own CLI
            [sys.executable, "-m", "boussole", "serve", "--host", "127.0.0.1",
             "--port", str(port), *args], cwd=ROOT, env=env, stdout=log,
            stderr=subprocess.STDOUT)
        try:
            wait_for("127.0.0.1", port, process, log_path)
            yield port
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=20)


class Session:
    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, data: dict[str, str] | None = None
                ) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if data is not None:
            body = urlencode({**data, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            jar: SimpleCookie = SimpleCookie()
            for header in response.headers.get_all("Set-Cookie") or []:
                jar.load(header)
            self.cookies.update({name: morsel.value for name, morsel in jar.items()})
            return response.status, text
        finally:
            connection.close()

    def login(self, username: str) -> None:
        self.request("GET", "/comptes/connexion/")
        status, _ = self.request("POST", "/comptes/connexion/", {
            "username": username, "password": DEMO_PASSWORD, "next": ""})
        if status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"connexion de {username} impossible (statut {status})")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)] if ordered else float("nan")


def hammer(session: Session, path: str, clients: int, duration: float
           ) -> tuple[float, float, float, int]:
    """(req/s, p50 ms, p95 ms, errors) for ``clients`` threads during ``duration`` seconds."""
    cookie = "; ".join(f"{k}={v}" for k, v in session.cookies.items())
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    start = time.monotonic() + 0.2
    deadline = start + duration

    def loop() -> None:
        nonlocal errors
        mine: list[float] = []
        failed = 0
        while time.monotonic() < start:
            time.sleep(0.01)
        while time.monotonic() < deadline:
            began = time.perf_counter()
            connection = http.client.HTTPConnection(session.host, session.port, timeout=30)
            try:
                connection.request("GET", path, headers={"Cookie": cookie,
                                                         "Accept-Encoding": "gzip, br"})
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    failed += 1
            except (OSError, http.client.HTTPException):
                failed += 1
            finally:
                connection.close()
            mine.append((time.perf_counter() - began) * 1000)
        with lock:
            latencies.extend(mine)
            errors += failed

    threads = [threading.Thread(target=loop) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return (len(latencies) / duration, statistics.median(latencies) if latencies else 0.0,
            percentile(latencies, 0.95), errors)


#: wrk's report, read by :func:`hammer_wrk`: requests, errors, median and 95th percentile (µs).
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH %d %d %d %d\\n", summary.requests,
    e.connect + e.read + e.write + e.timeout + e.status,
    latency:percentile(50), latency:percentile(95)))
end
"""


def hammer_wrk(session: Session, path: str, clients: int, duration: float
               ) -> tuple[float, float, float, int]:
    """(req/s, p50 ms, p95 ms, errors) from ``wrk`` with ``clients`` connections."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk est absent : apt-get install wrk (ou --load python)")
    cookie = "; ".join(f"{k}={v}" for k, v in session.cookies.items())
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    try:
        result = subprocess.run(  # noqa: S603 — wrk from the system, fixed arguments
            [wrk, "-t", str(clients), "-c", str(clients), "-d", f"{duration:g}s",
             "-s", script.name, "-H", f"Cookie: {cookie}", "-H", "Accept-Encoding: gzip, br",
             f"http://{session.host}:{session.port}{path}"],
            capture_output=True, text=True, check=True)
    finally:
        os.unlink(script.name)
    found = re.search(r"^BENCH (\d+) (\d+) (\d+) (\d+)$", result.stdout, re.M)
    if found is None:
        raise SystemExit(f"sortie de wrk illisible :\n{result.stdout}{result.stderr}")
    requests, errors, p50, p95 = (int(n) for n in found.groups())
    return requests / duration, p50 / 1000, p95 / 1000, errors


def measure(host: str, port: int, clients: list[int], duration: float, label: str,
            load: str = "python") -> None:
    session = Session(host, port)
    session.login("porteur")
    status, home = session.request("GET", "/")
    cases = sorted({int(n) for n in CASE_LINK.findall(home)})
    if status != 200 or not cases:
        raise SystemExit("page d'accueil sans dossier : données de démonstration absentes ?")
    case = cases[0]
    pages = ["/", f"/cas/{case}/critere/2/", f"/cas/{case}/critere/5/"]
    for path in pages:  # warm-up of every worker's caches
        for _ in range(4):
            session.request("GET", path)
    print(f"serveur : {label} ; {duration:g} s par mesure, charge : {load}, connecté en porteur "
          "de projet")
    print(f"{'page':<24}{'clients':>8}{'req/s':>9}{'p50 (ms)':>10}{'p95 (ms)':>10}"
          f"{'erreurs':>9}")
    for path in pages:
        for count in clients:
            rate, p50, p95, errors = (hammer_wrk if load == "wrk" else hammer)(
                session, path, count, duration)
            print(f"{path:<24}{count:>8}{rate:>9.1f}{p50:>10.1f}{p95:>10.1f}{errors:>9}",
                  flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=0,
                        help="processus du serveur (0 : option non passée, défaut du serveur)")
    parser.add_argument("--server-args", default="", help="autres options de boussole serve")
    parser.add_argument("--duration", type=float, default=5.0, help="secondes par mesure")
    parser.add_argument("--clients", default="1,4", help="clients simultanés, ex. 1,4")
    parser.add_argument("--url", default="", help="serveur déjà démarré (sinon lancé ici)")
    parser.add_argument("--load", choices=("python", "wrk"), default="python",
                        help="générateur de charge : fils Python (défaut) ou wrk")
    args = parser.parse_args(argv)
    clients = [int(n) for n in args.clients.split(",") if n.strip()]
    if args.url:
        parts = urlsplit(args.url)
        measure(parts.hostname or "127.0.0.1", parts.port or 80, clients, args.duration,
                args.url, args.load)
        return 0
    data_dir = tempfile.mkdtemp(prefix="boussole-http-")
    env = {**os.environ, "BOUSSOLE_DATA_DIR": data_dir, "BOUSSOLE_DEBUG": "false",
           "BOUSSOLE_LOG_LEVEL": "ERROR", "PYTHONUNBUFFERED": "1"}
    env.pop("DATABASE_URL", None)
    try:
        subprocess.run([sys.executable, "-m", "boussole", "demo"], cwd=ROOT, env=env,
                       check=True, stdout=subprocess.DEVNULL)
        server_args = shlex.split(args.server_args)
        if args.workers:
            server_args += ["--workers", str(args.workers)]
        with server(env, server_args, Path(data_dir) / "server.log") as port:
            label = "boussole serve " + " ".join(server_args) + " (SQLite, démo)"
            measure("127.0.0.1", port, clients, args.duration, label, args.load)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
