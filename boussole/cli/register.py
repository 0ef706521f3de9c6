"""``boussole register ...``: the public register of published notices (open data export)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from boussole.cli.database import setup_database
from boussole.core import opendata


def register(sub: Any) -> None:
    parser = sub.add_parser("register", help="registre public des algorithmes (données ouvertes)")
    commands = parser.add_subparsers(dest="register_command", metavar="SOUS-COMMANDE")
    parser.set_defaults(handler=lambda args: _help(parser))

    export = commands.add_parser(
        "export", help="écrire les données ouvertes du registre (données, schéma, "
                       "datapackage.json)",
        description="Écrit dans DOSSIER le fichier de données du registre public (notices "
                    "publiées en vigueur), son schéma (Table Schema, registre.schema.json) et "
                    "sa description (datapackage.json) : les mêmes fichiers que ceux publiés "
                    "sous /registre/donnees/.")
    export.add_argument("--format", choices=opendata.FORMATS, default="csv",
                        help="format du fichier de données : csv (par défaut) ou json")
    export.add_argument("--out", required=True, type=Path, metavar="DOSSIER",
                        help="dossier où écrire les fichiers (créé s'il n'existe pas)")
    export.add_argument("--organisation", metavar="IDENTIFIANT",
                        help="le registre d'une seule organisation (par défaut : toute "
                             "l'instance)")
    export.add_argument("--base-url", default="", metavar="ADRESSE",
                        help="adresse du site pour les liens vers les notices (par défaut : "
                             "BOUSSOLE_SITE_URL ; sans elle, des chemins /registre/...)")
    export.set_defaults(handler=cmd_export)


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 2


def cmd_export(args: argparse.Namespace) -> int:
    base_url = str(args.base_url).strip()
    if base_url and not base_url.startswith(("https://", "http://")):
        return _fail(f"Erreur : adresse du site invalide : « {base_url} » (par exemple "
                     "https://boussole.example.org).")
    setup_database()
    from boussole.web.accounts.models import Organisation
    from boussole.web.register import selectors

    organisation = None
    if args.organisation:
        organisation = Organisation.objects.filter(slug=args.organisation).first()
        if organisation is None:
            return _fail(f"Erreur : organisation « {args.organisation} » introuvable.")
    files = selectors.opendata_files(organisation, formats=(args.format,), base_url=base_url)
    out: Path = args.out
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            (out / name).write_text(text, encoding="utf-8", newline="")
    except OSError as exc:
        return _fail(f"Erreur : écriture impossible dans « {out} » ({exc.strerror}).")
    data_name = opendata.CSV_NAME if args.format == "csv" else opendata.JSON_NAME
    count = len(selectors.entries(organisation))
    print(f"{count} notice{'s' if count > 1 else ''} publiée{'s' if count > 1 else ''} "
          f"exportée{'s' if count > 1 else ''} dans {out} : {data_name}, "
          f"{opendata.SCHEMA_NAME}, {opendata.DATAPACKAGE_NAME}.", file=sys.stderr)
    return 0
