"""nginx in front of two ``boussole serve`` app servers on 127.0.0.1, and the HTTP bench
through it.

Usage: ``python bench/nginx_bench.py [--workers 1] [--duration 5] [--clients 1,4]``

Needs the Debian package ``nginx`` (``apt-get install nginx``). The script loads the demo data
into a temporary ``BOUSSOLE_DATA_DIR`` (SQLite; or the database of ``DATABASE_URL`` if set),
starts two app servers (``boussole serve --workers N`` on two free ports, sharing that database
and data directory, ``BOUSSOLE_TRUSTED_PROXY_COUNT=1``), writes an nginx configuration whose
``server`` block includes ``docs/nginx/boussole-locations.conf`` — the file the deployment guide
(docs/deploiement.md) installs — with an ``upstream`` of the two servers, starts nginx on a
free port (plain HTTP: TLS is left out of the measure), checks that a hashed static file comes
from nginx with its immutable cache header, and runs ``bench/http_bench.py``'s measure through
it. Everything is stopped and deleted at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import http_bench  # noqa: E402

LOCATIONS = ROOT / "docs" / "nginx" / "boussole-locations.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def nginx_conf(prefix: Path, port: int, app_ports: list[int], static_root: Path) -> Path:
    locations = prefix / "boussole-locations.conf"
    locations.write_text(LOCATIONS.read_text().replace("@STATIC_ROOT@", str(static_root)))
    servers = "\n".join(f"        server 127.0.0.1:{p};" for p in app_ports)
    conf = prefix / "nginx.conf"
    conf.write_text(f"""worker_processes auto;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    upstream boussole {{
{servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        server_name localhost;
        include {locations};
    }}
}}
""")
    return conf


@contextlib.contextmanager
def nginx(conf: Path, port: int) -> Iterator[None]:
    process = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(conf.parent),  # noqa: S603
                                "-g", "daemon off;"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.STDOUT)
    try:
        http_bench.wait_for("127.0.0.1", port, process, conf.parent / "error.log")
        yield
    finally:
        process.terminate()
        process.wait(timeout=20)


def check_static(port: int) -> str:
    status, page = http_bench.Session("127.0.0.1", port).request("GET", "/comptes/connexion/")
    found = re.search(r'href="(/static/[^"]+\.css)"', page)
    if status != 200 or found is None:
        raise SystemExit("page de connexion inattendue derrière nginx")
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", found.group(1), headers={"Accept-Encoding": "gzip"})
    response = connection.getresponse()
    response.read()
    line = (f"{found.group(1)} : {response.status}, Server {response.getheader('Server')}, "
            f"Content-Encoding {response.getheader('Content-Encoding')}, "
            f"Cache-Control {response.getheader('Cache-Control')}")
    connection.close()
    return line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=1, help="processus par serveur d'app")
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--clients", default="1,4")
    args = parser.parse_args(argv)
    if not os.path.exists(NGINX):
        raise SystemExit("nginx est introuvable : apt-get install nginx")
    data_dir = Path(tempfile.mkdtemp(prefix="boussole-nginx-"))
    data_dir.chmod(0o755)  # nginx's workers (www-data) read the static files there
    env = {**os.environ, "BOUSSOLE_DATA_DIR": str(data_dir / "data"),
           "BOUSSOLE_DEBUG": "false", "BOUSSOLE_LOG_LEVEL": "ERROR", "PYTHONUNBUFFERED": "1",
           "BOUSSOLE_TRUSTED_PROXY_COUNT": "1"}
    try:
        subprocess.run([sys.executable, "-m", "boussole", "demo"], cwd=ROOT, env=env,
                       check=True, stdout=subprocess.DEVNULL)
        server_args = ["--workers", str(args.workers)]
        with contextlib.ExitStack() as stack:
            ports = [stack.enter_context(http_bench.server(
                env, server_args, data_dir / f"app-{n}.log")) for n in (1, 2)]
            port = http_bench.free_port()
            conf = nginx_conf(data_dir, port, ports, data_dir / "data" / "static")
            stack.enter_context(nginx(conf, port))
            print("fichier statique servi par nginx :", check_static(port))
            label = (f"nginx → 2 × boussole serve --workers {args.workers} "
                     f"(ports {ports[0]}, {ports[1]})")
            http_bench.measure("127.0.0.1", port, [int(n) for n in args.clients.split(",")],
                               args.duration, label)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
