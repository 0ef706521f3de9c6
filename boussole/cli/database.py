"""The database seen from the command line: refuse to run on a database that is not ready.

A command that reads or writes cases needs a migrated database. On a fresh checkout there is
none: rather than a traceback (and, on SQLite, an empty database file created as a side effect
of connecting), the command prints one French line telling to run ``boussole migrate`` and
exits with status 2. ``boussole migrate`` (and ``demo``, ``serve``) create the database.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

from boussole.cli.web import setup_django

MIGRATE_HINT = "lancez « boussole migrate » pour créer ou mettre à jour la base de données."


def _stop(message: str) -> NoReturn:
    print(f"boussole : {message}", file=sys.stderr)
    raise SystemExit(2)


def require_database() -> None:
    """Stop (exit 2, French message) unless the database exists and has every migration.

    Must run before the first query: on SQLite, connecting creates the file.
    """
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.db.migrations.executor import MigrationExecutor
    from django.db.utils import DatabaseError

    connection = connections[DEFAULT_DB_ALIAS]
    in_memory = getattr(connection, "is_in_memory_db", lambda: False)()
    if connection.vendor == "sqlite" and not in_memory:
        name = Path(str(connection.settings_dict["NAME"]))
        if not name.is_file():
            _stop(f"la base de données {name} n'existe pas encore : {MIGRATE_HINT}")
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        applied = executor.loader.applied_migrations or {}
    except DatabaseError as error:
        detail = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        _stop(f"base de données inaccessible ({detail}) : vérifiez DATABASE_URL et que le serveur "
              f"de base de données répond ; si la base est neuve, {MIGRATE_HINT}")
    if plan:
        state = "n'est pas initialisée" if not applied else "n'est pas à jour"
        count = len(plan)
        _stop(f"la base de données {state} ({count} migration{'s' if count > 1 else ''} à "
              f"appliquer) : {MIGRATE_HINT}")


def setup_database() -> None:
    """Start Django and check that the database is ready (see :func:`require_database`)."""
    setup_django()
    require_database()
