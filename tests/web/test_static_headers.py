"""Static files through ``boussole serve`` in a subprocess: collected at start with
content-hashed names, served compressed (brotli, gzip) with a one-year immutable cache."""

from __future__ import annotations

import contextlib
import gzip
import http.client
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import brotli
import pytest

ROOT = Path(__file__).resolve().parents[2]
IMMUTABLE = "max-age=31536000, public, immutable"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def _server(data: Path, *options: str) -> Iterator[int]:
    port = _free_port()
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("BOUSSOLE_", "DJANGO_")) and key != "DATABASE_URL"}
    env.update({"BOUSSOLE_DATA_DIR": str(data), "PYTHONUNBUFFERED": "1"})
    log_path = data.parent / f"server-{port}.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "boussole", "serve", "--host", "127.0.0.1",
             "--port", str(port), *options], cwd=ROOT, env=env, stdout=log,
            stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 120
            while True:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("the server did not start:\n"
                                + log_path.read_text(errors="replace")[-3000:])
                with contextlib.suppress(OSError, http.client.HTTPException):
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


def _get(port: int, path: str, encoding: str = "") -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"Accept-Encoding": encoding} if encoding
                           else {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One data directory for both servers: the second start finds the database migrated and
    the static files collected."""
    return tmp_path_factory.mktemp("static") / "data"


@pytest.mark.django_db(databases=[])
@pytest.mark.parametrize("options", [("--workers", "2"), ("--server", "waitress")])
def test_static_files_are_hashed_compressed_and_immutable(data_dir: Path,
                                                           options: tuple[str, str]) -> None:
    with _server(data_dir, *options) as port:
        status, _, page = _get(port, "/comptes/connexion/")
        assert status == 200
        html = page.decode()
        scripts = re.findall(r'<script[^>]* src="(/static/[^"]+)"', html)
        styles = re.findall(r'<link[^>]* href="(/static/[^"]+\.css)"', html)
        htmx = [url for url in scripts if "htmx" in url]
        assert htmx and styles, html[:2000]
        assert re.search(r"htmx-[\d.]+\.min\.[0-9a-f]{12}\.js$", htmx[0]), htmx
        assert re.search(r"boussole\.[0-9a-f]{12}\.css$", styles[0]), styles
        for url in (htmx[0], styles[0]):
            plain_status, plain_headers, plain = _get(port, url)
            assert plain_status == 200 and "Content-Encoding" not in plain_headers
            assert plain_headers["Cache-Control"] == IMMUTABLE
            status, headers, body = _get(port, url, "gzip, deflate, br")
            assert status == 200
            assert headers["Content-Encoding"] == "br"
            assert headers["Cache-Control"] == IMMUTABLE
            assert brotli.decompress(body) == plain
            assert len(body) < len(plain) / 2
            status, headers, body = _get(port, url, "gzip")
            assert headers["Content-Encoding"] == "gzip"
            assert headers["Cache-Control"] == IMMUTABLE
            assert gzip.decompress(body) == plain
        # The collected copies are in the data directory, with a stamp: the next start does
        # not collect again unless a source changed.
        static = data_dir / "static"
        assert (static / "staticfiles.json").is_file()
        assert (static / ".boussole-sources").is_file()


@pytest.mark.django_db(databases=[])
def test_worker_processes_close_each_connection(data_dir: Path) -> None:
    """With worker processes, each response closes its connection: a connection kept open
    would tie a client to the worker that accepted it while the others idle."""
    with _server(data_dir, "--workers", "2") as port:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            connection.request("GET", "/comptes/connexion/")
            response = connection.getresponse()
            response.read()
            assert response.status == 200
            assert response.getheader("Connection", "").lower() == "close"
            assert response.will_close
        finally:
            connection.close()
