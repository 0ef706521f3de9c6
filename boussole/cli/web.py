"""Commands that run the web application: ``serve``, ``demo``, ``migrate``, ``manage``."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "boussole.settings")
    import django

    django.setup()


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
    return 0


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
    from waitress import serve

    call_command("migrate", interactive=False, verbosity=0)
    if not settings.DEBUG:
        call_command("collectstatic", interactive=False, verbosity=0)
    from boussole.web.wsgi import application
    if args.demo:
        from boussole.web import demo

        print(demo.create_demo())
    print(f"Boussole est disponible sur http://{args.host}:{args.port}/ (Ctrl+C pour arrêter)",
          flush=True)
    serve(application, host=args.host, port=args.port, threads=args.threads,
          ident="boussole")
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    setup_django()
    _prepare_data_dir()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["boussole manage", *args.args])
    return 0


def register(sub: Any) -> None:
    serve = sub.add_parser("serve", help="lancer l'application web")
    serve.add_argument("--host", default=os.environ.get("BOUSSOLE_HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("BOUSSOLE_PORT", "8000")))
    serve.add_argument("--threads", type=int, default=8)
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
