"""Commands that run the web application: ``serve``, ``demo``, ``migrate``, ``manage``."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any


def setup_django() -> None:
    """Start Django; a bad setting (environment variable) stops the command with one French line
    on standard error and exit status 2, never a traceback."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "boussole.settings")
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as error:
        print(f"boussole : {error}", file=sys.stderr)
        raise SystemExit(2) from None


def _prepare_data_dir() -> None:
    from django.conf import settings

    os.makedirs(settings.DATA_DIR, exist_ok=True)
    os.makedirs(settings.MEDIA_ROOT, exist_ok=True)


def cmd_migrate(args: argparse.Namespace) -> int:
    setup_django()
    _prepare_data_dir()
    from django.core.management import call_command
    from django.db.utils import OperationalError

    try:
        call_command("migrate", interactive=False, verbosity=args.verbosity)
    except OperationalError as error:  # server down, database missing, file not writable
        detail = (str(error).strip().splitlines() or [type(error).__name__])[0]
        print(f"boussole : base de données inaccessible ({detail}) : vérifiez DATABASE_URL "
              "(ou BOUSSOLE_DATA_DIR) et que le serveur de base de données répond.",
              file=sys.stderr)
        return 2
    _refresh_legal_levels()
    from boussole.web.staticfiles import collect_if_stale

    collect_if_stale()
    return 0


def _refresh_legal_levels() -> None:
    """After an upgrade that brings a new rule base, the levels stored on the cases (case
    lists, red-line flag) are those of the old base: re-evaluate the stale ones."""
    from boussole.core.rules import default_rule_base
    from boussole.web.cases.legal import legal_refresh_all

    refreshed = legal_refresh_all(stale_only=True)
    if refreshed:
        noun = "dossier" if refreshed == 1 else "dossiers"
        print(f"Niveaux juridiques réévalués pour {refreshed} {noun} (base de règles "
              f"{default_rule_base().version}).", file=sys.stderr)


def cmd_demo(args: argparse.Namespace) -> int:
    setup_django()
    _prepare_data_dir()
    from django.core.management import call_command

    from boussole.web import demo

    call_command("migrate", interactive=False, verbosity=0)
    summary = demo.create_demo()
    print(summary)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    setup_django()
    _prepare_data_dir()
    from django.conf import settings
    from django.core.management import call_command

    from boussole.web.staticfiles import collect_if_stale

    call_command("migrate", interactive=False, verbosity=0)
    _refresh_legal_levels()
    collect_if_stale()
    from boussole.web.wsgi import application
    if args.demo:
        from boussole.web import demo

        print(demo.create_demo())
    server = args.server or ("gunicorn" if _can_fork() else "waitress")
    workers = args.workers or os.cpu_count() or 1
    print(f"Boussole est disponible sur http://{args.host}:{args.port}/ (Ctrl+C pour arrêter)",
          flush=True)
    # Waitress drops X-Forwarded-* headers unless told otherwise: keep them only when a reverse
    # proxy is declared (the settings then read them, see docs/configuration.md).
    behind_proxy = settings.BOUSSOLE_TRUSTED_PROXY_COUNT > 0 or settings.BOUSSOLE_BEHIND_TLS_PROXY
    if server == "gunicorn":
        from django.db import connections

        connections.close_all()  # never share the parent's connections with the workers
        # No keep-alive: a connection kept open is served by the worker that accepted it, so a
        # few busy clients could all land on one worker while the others idle (2 workers, 4
        # clients: 59 instead of ~100 req/s on the home page). A new connection per request
        # goes to a free worker; nginx in front keeps the browsers' connections open.
        _gunicorn(application, {
            "bind": f"[{args.host}]:{args.port}" if ":" in args.host
            else f"{args.host}:{args.port}",
            "workers": workers, "worker_class": "gthread", "threads": args.threads or 4,
            "preload_app": True, "timeout": 120, "graceful_timeout": 20,
            "keepalive": 0,
            "forwarded_allow_ips": "*" if behind_proxy else "", "proc_name": "boussole",
            "errorlog": "-", "loglevel": "warning"}).run()
        return 0
    from waitress import serve

    serve(application, host=args.host, port=args.port, threads=args.threads or 8,
          ident="boussole", clear_untrusted_proxy_headers=not behind_proxy)
    return 0


def _can_fork() -> bool:
    """gunicorn runs worker processes by fork: not on Windows."""
    if not hasattr(os, "fork"):
        return False
    try:
        import gunicorn  # noqa: F401
    except ImportError:
        return False
    return True


def _gunicorn(application: Any, options: dict[str, Any]) -> Any:
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return application

    return Server()


def cmd_manage(args: argparse.Namespace) -> int:
    setup_django()
    _prepare_data_dir()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["boussole manage", *args.args])
    return 0


def _port(raw: str) -> int:
    """A TCP port (from --port or BOUSSOLE_PORT), with a French message otherwise."""
    try:
        port = int(raw)
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(
            f"« {raw} » n'est pas un port (un nombre entier de 1 à 65535, option --port ou "
            "variable BOUSSOLE_PORT)")
    return port


def _workers(raw: str) -> int:
    """A number of worker processes (0: one per CPU), with a French message otherwise."""
    try:
        workers = int(raw)
    except ValueError:
        workers = -1
    if not 0 <= workers <= 256:
        raise argparse.ArgumentTypeError(
            f"« {raw} » n'est pas un nombre de processus (un entier de 1 à 256, option --workers "
            "ou variable BOUSSOLE_WORKERS)")
    return workers


def register(sub: Any) -> None:
    serve = sub.add_parser("serve", help="lancer l'application web")
    serve.add_argument("--host", default=os.environ.get("BOUSSOLE_HOST", "127.0.0.1"))
    serve.add_argument("--port", type=_port, default=os.environ.get("BOUSSOLE_PORT") or "8000")
    serve.add_argument("--threads", type=int, default=0,
                       help="fils par processus (défaut : 4 avec gunicorn, 8 avec waitress)")
    serve.add_argument("--workers", type=_workers,
                       default=os.environ.get("BOUSSOLE_WORKERS") or "0",
        help="processus de travail (défaut : le nombre de processeurs)")
    serve.add_argument("--server", choices=["gunicorn", "waitress"], default="",
                       help="serveur HTTP (défaut : gunicorn, waitress sans fork, sous Windows)")
    serve.add_argument("--demo", action="store_true",
                       help="(re)créer les données de démonstration avant de démarrer")
    serve.set_defaults(handler=cmd_serve)

    demo = sub.add_parser("demo", help="(re)créer les données de démonstration")
    demo.set_defaults(handler=cmd_demo)

    migrate = sub.add_parser("migrate", help="créer ou mettre à jour la base de données")
    migrate.add_argument("--verbosity", type=int, default=1)
    migrate.set_defaults(handler=cmd_migrate)

    manage = sub.add_parser("manage", help="commandes d'administration Django",
                            add_help=False)
    manage.add_argument("args", nargs=argparse.REMAINDER)
    manage.set_defaults(handler=cmd_manage)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(0)
