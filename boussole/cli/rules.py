"""`boussole rules ...` commands: evaluate a fact sheet, check the rule base.

* ``boussole rules evaluate FICHIER [--date AAAA-MM-JJ] [--rules DOSSIER] [--grid ID@VERSION]``
  reads a YAML or JSON document ``{"faits": {...}, "parametres": {...}}`` and prints the
  evaluation as JSON; the facts are those of the grid (default: the current one).
* ``boussole rules lint [--rules DOSSIER] [--grid ID@VERSION]`` checks the rule base against the
  facts of every grid known to the registry (bundled grids and ``BOUSSOLE_GRID_DIRS``), or of
  one grid.

Exit status: 0 on success, 2 on invalid input (French message on standard error, no traceback).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from boussole.cli.grid import grid_registry
from boussole.core.documents import load_data_yaml, load_json, read_text
from boussole.core.errors import InvalidDocument
from boussole.core.grid import DEFAULT_GRID_ID, Grid
from boussole.core.rules import evaluate_document, load_rule_base
from boussole.core.rules.base import RuleBase
from boussole.core.rules.facts import parse_date

_GRID_HELP = ("grille dont les faits sont évalués, « identifiant@version » (par défaut : la "
              "version courante de la grille)")


def register(sub: Any) -> None:
    """Add the `rules` command group to the top-level sub-parsers."""
    parser = sub.add_parser(
        "rules",
        help="règles d'aide à l'instruction (critères 1 et 2)",
        description="Règles d'aide à l'instruction (critères 1 et 2 de la boussole) : "
        "évaluer un profil de faits, vérifier la base de règles.",
    )
    parser.set_defaults(handler=_usage(parser))
    commands = parser.add_subparsers(dest="rules_command", metavar="SOUS-COMMANDE")

    evaluate = commands.add_parser(
        "evaluate",
        help="évaluer un profil de faits (YAML ou JSON) et afficher le résultat en JSON",
        description="Évalue le document {faits: …, parametres: …} et affiche les points "
        "d'attention et les niveaux de risque proposés, en JSON.",
    )
    evaluate.add_argument("file", metavar="FICHIER", help="document YAML ou JSON à évaluer")
    evaluate.add_argument(
        "--date", metavar="AAAA-MM-JJ",
        help="date d'évaluation (annotations des échéances ; par défaut : aujourd'hui)",
    )
    evaluate.add_argument(
        "--rules", metavar="DOSSIER", help="dossier de la base de règles (par défaut : intégrée)"
    )
    evaluate.add_argument("--grid", metavar="ID@VERSION", help=_GRID_HELP)
    evaluate.set_defaults(handler=_evaluate)

    lint = commands.add_parser(
        "lint",
        help="vérifier la base de règles",
        description="Vérifie la base de règles : faits, options, paramètres, prédicats et "
        "règles référencés, identifiants en double, cycles ; les faits sont ceux de chaque "
        "grille connue (grilles intégrées et BOUSSOLE_GRID_DIRS).",
    )
    lint.add_argument(
        "--rules", metavar="DOSSIER", help="dossier de la base de règles (par défaut : intégrée)"
    )
    lint.add_argument("--grid", metavar="ID@VERSION",
                      help="ne vérifier que contre cette grille (par défaut : toutes)")
    lint.set_defaults(handler=_lint)


def _usage(parser: argparse.ArgumentParser) -> Any:
    def handler(args: argparse.Namespace) -> int:
        parser.print_help(sys.stderr)
        return 2

    return handler


def _error(message: str) -> int:
    sys.stderr.write(message.rstrip("\n") + "\n")
    return 2


def _write(text: str) -> None:
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is not None:
        buffer.write(text.encode("utf-8"))
        buffer.flush()
    else:
        sys.stdout.write(text)


def _grids(key: str | None) -> list[Grid]:
    """The grid named ``id@version`` (or ``id``: its latest version), or every known grid.
    Raises LookupError (French) when unknown."""
    known = grid_registry()
    if key is None:
        return known.all()
    grid_id, _, version = key.partition("@")
    if version and not version.isdigit():
        raise LookupError(f"grille « {key} » invalide (attendu : identifiant@version).")
    return [known.get(grid_id, int(version) if version else None)]


def _base(rules_dir: str | None, grid: Grid) -> RuleBase:
    return load_rule_base(Path(rules_dir) if rules_dir else None, grid=grid)


def _read_document(path: Path) -> Any:
    """Parse a JSON or YAML file under the document limits; raises InvalidDocument (French)."""
    source = str(path)
    text = read_text(path)
    if path.suffix.lower() == ".json":
        return load_json(text, source=source)
    return load_data_yaml(text, source=source)


def _evaluate(args: argparse.Namespace) -> int:
    path = Path(args.file)
    when = None
    if args.date is not None:
        when = parse_date(args.date)
        if when is None:
            return _error(f"boussole rules evaluate : date invalide « {args.date} » "
                          "(format attendu : AAAA-MM-JJ)")
    if not path.exists():
        return _error(f"boussole rules evaluate : fichier introuvable : {path}")
    if path.is_dir():
        return _error(f"boussole rules evaluate : {path} est un dossier, pas un fichier")
    try:
        grid = _grids(args.grid or DEFAULT_GRID_ID)[0]
    except LookupError as exc:
        return _error(f"boussole rules evaluate : {exc.args[0]}")
    try:
        base = _base(args.rules, grid)
    except InvalidDocument as exc:
        return _error("boussole rules evaluate : base de règles invalide\n" + exc.report())
    try:
        document = _read_document(path)
        evaluation = evaluate_document(document, base=base, source=str(path), date=when)
        payload = evaluation.to_json()
    except InvalidDocument as exc:
        return _error(exc.report())
    _write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    return 0


def _lint(args: argparse.Namespace) -> int:
    if args.rules and not Path(args.rules).is_dir():
        return _error(f"boussole rules lint : dossier introuvable : {args.rules}")
    try:
        grids = _grids(args.grid)
    except LookupError as exc:
        return _error(f"boussole rules lint : {exc.args[0]}")
    failures = 0
    lines = []
    for grid in grids:
        try:
            base = _base(args.rules, grid)
        except InvalidDocument as exc:
            failures += 1
            sys.stderr.write(f"Grille {grid.key} :\n{exc.report().rstrip()}\n")
            continue
        lines.append(f"{len(base.rules)} règles, {len(base.derived)} prédicats dérivés : aucune "
                     f"erreur (grille {grid.key}).\n")
    _write("".join(lines))
    return 2 if failures else 0
