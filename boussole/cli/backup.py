"""``boussole backup`` and ``boussole restore``: the whole instance (database and evidence files)
in one verified archive. The work is done by :mod:`boussole.web.backup`; see docs/backup.md."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

from boussole.cli.web import setup_django


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 2


def _size(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} Ko".replace(".", ",")
    return f"{size / 1024 / 1024:.1f} Mo".replace(".", ",")


def _seconds(elapsed: float) -> str:
    return f"{elapsed:.1f} s".replace(".", ",")


def cmd_backup(args: argparse.Namespace) -> int:
    setup_django()
    from boussole.web.backup import BackupError, backup_create

    start = time.monotonic()
    try:
        summary = backup_create(Path(args.out))
    except BackupError as exc:
        return _fail(f"Erreur : {exc} Aucune sauvegarde n'a été écrite.")
    elapsed = time.monotonic() - start
    for warning in summary.warnings:
        print(f"Attention : {warning}", file=sys.stderr)
    print(f"Sauvegarde écrite dans {summary.path} ({_size(summary.size)}) : "
          f"{summary.objects} enregistrements dont {summary.cases} dossiers, "
          f"{summary.files} fichiers ({_size(summary.files_bytes)}), en {_seconds(elapsed)}.")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    setup_django()
    from django.conf import settings
    from django.core.management import call_command

    from boussole.web.backup import BackupError, backup_restore, backup_verify

    if args.check:
        try:
            manifest = backup_verify(Path(args.file))
        except BackupError as exc:
            return _fail(f"Erreur : {args.file} : {exc}")
        count = len(manifest["members"]) - 1
        print(f"Archive {args.file} intacte : sauvegarde du {manifest.get('created_at', '?')} "
              f"(Boussole {manifest.get('boussole_version', '?')}, "
              f"{manifest.get('database', {}).get('engine', '?')}), {count} fichiers, "
              "restaurable par cette version.")
        return 0
    def migrate() -> None:
        os.makedirs(settings.DATA_DIR, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)

    start = time.monotonic()
    try:
        summary = backup_restore(Path(args.file), force=args.force, migrate=migrate)
    except BackupError as exc:
        return _fail(f"Erreur : {args.file} : {exc} Rien n'a été modifié.")
    elapsed = time.monotonic() - start
    print(f"Sauvegarde {summary.path} restaurée : {summary.objects} enregistrements dont "
          f"{summary.cases} dossiers, {summary.files} fichiers ({_size(summary.files_bytes)}), "
          f"en {_seconds(elapsed)}. Les sessions ont été fermées : chacun se reconnecte.")
    return 0


def register(sub: Any) -> None:
    backup = sub.add_parser("backup", help="sauvegarder la base et les pièces dans une archive")
    backup.add_argument("--out", "-o", required=True, metavar="FICHIER",
                        help="archive à écrire (.tar.gz), remplacée si elle existe")
    backup.set_defaults(handler=cmd_backup)

    restore = sub.add_parser("restore", help="restaurer une sauvegarde (remplace tout)")
    restore.add_argument("file", metavar="FICHIER", help="archive produite par « boussole "
                         "backup »")
    restore.add_argument("--force", action="store_true",
                         help="remplacer une base qui contient déjà des données")
    restore.add_argument("--check", action="store_true",
                         help="seulement vérifier l'archive, sans rien restaurer")
    restore.set_defaults(handler=cmd_restore)
