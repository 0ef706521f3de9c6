"""``boussole grid validate|export|diff|list``: the grid files, without starting Django."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

import yaml

from boussole.core.errors import InvalidDocument
from boussole.core.grid import GridRegistry, diff_grids, grid_to_dict, load_grid
from boussole.core.grid.model import Grid


def grid_registry() -> GridRegistry:
    """The bundled grids and those of the folders in ``BOUSSOLE_GRID_DIRS``."""
    extra = [d for d in os.environ.get("BOUSSOLE_GRID_DIRS", "").split(",") if d.strip()]
    return GridRegistry(extra)


def _resolve(ref: str) -> Grid:
    """A grid from a file path, or from a grid id / key ``id@version`` known to the registry."""
    if Path(ref).exists() or ref.endswith((".yaml", ".yml", ".json")):
        return load_grid(ref)
    return grid_registry().get_key(ref)


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 2


def cmd_validate(args: argparse.Namespace) -> int:
    failures = 0
    for path in args.files:
        try:
            grid = load_grid(path)
        except InvalidDocument as exc:
            failures += 1
            print(exc.report(), file=sys.stderr)
            continue
        print(f"{path} : grille valide — {grid.title} (version {grid.version}), "
              f"{len(grid.criteria)} critères, {len(grid.questions)} questions, "
              f"{len(grid.profile)} faits du profil.")
    return 2 if failures else 0


class _Dumper(yaml.SafeDumper):
    """Writes shared values in full: the readers refuse YAML anchors and aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump(data: Any, fmt: str) -> str:
    if fmt == "yaml":
        return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def cmd_export(args: argparse.Namespace) -> int:
    try:
        grid = _resolve(args.grid)
    except (InvalidDocument, LookupError, ValueError) as exc:
        return _fail(exc.report() if isinstance(exc, InvalidDocument) else f"Erreur : {exc}")
    sys.stdout.write(dump(grid_to_dict(grid), args.format))
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    try:
        old, new = _resolve(args.old), _resolve(args.new)
    except (InvalidDocument, LookupError, ValueError) as exc:
        return _fail(exc.report() if isinstance(exc, InvalidDocument) else f"Erreur : {exc}")
    result = diff_grids(old, new)
    if args.format == "json":
        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        print(result.render())
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    registry = grid_registry()
    for grid in registry.all():
        print(f"{grid.key}\t{grid.title}\t{len(grid.questions)} questions")
    for error in registry.errors:
        print(error.report(), file=sys.stderr)
    return 2 if registry.errors else 0


def register(sub: Any) -> None:
    grid = sub.add_parser("grid", help="grilles d'instruction : valider, exporter, comparer")
    grid_sub = grid.add_subparsers(dest="grid_command", metavar="ACTION", required=True)

    validate = grid_sub.add_parser("validate", help="vérifier un fichier de grille")
    validate.add_argument("files", nargs="+", metavar="FICHIER")
    validate.set_defaults(handler=cmd_validate)

    export = grid_sub.add_parser("export", help="exporter une grille (JSON ou YAML)")
    export.add_argument("--format", choices=("json", "yaml"), default="json")
    export.add_argument("--grid", default="boussole-nantes",
                        help="identifiant (id ou id@version) ou chemin d'un fichier de grille")
    export.set_defaults(handler=cmd_export)

    diff = grid_sub.add_parser("diff", help="comparer deux versions d'une grille")
    diff.add_argument("old", metavar="ANCIENNE")
    diff.add_argument("new", metavar="NOUVELLE")
    diff.add_argument("--format", choices=("text", "json"), default="text")
    diff.set_defaults(handler=cmd_diff)

    listing = grid_sub.add_parser("list", help="lister les grilles disponibles")
    listing.set_defaults(handler=cmd_list)
