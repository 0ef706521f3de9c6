"""`boussole rules ...` commands: evaluate a fact sheet, check the rule base.

* ``boussole rules evaluate FICHIER [--date AAAA-MM-JJ] [--rules DOSSIER]`` reads a YAML or
  JSON document ``{"faits": {...}, "parametres": {...}}`` and prints the evaluation as JSON.
* ``boussole rules lint [--rules DOSSIER]`` checks the rule base against the facts catalogue.

Exit status: 0 on success, 2 on invalid input (French message on standard error, no traceback).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from boussole.core.documents import load_json, read_text
from boussole.core.errors import InvalidDocument
from boussole.core.rules import evaluate_document, load_rule_base
from boussole.core.rules.base import RuleBase
from boussole.core.rules.facts import load_yaml, parse_date


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
    evaluate.set_defaults(handler=_evaluate)

    lint = commands.add_parser(
        "lint",
        help="vérifier la base de règles",
        description="Vérifie la base de règles : faits, options, paramètres, prédicats et "
        "règles référencés, identifiants en double, cycles.",
    )
    lint.add_argument(
        "--rules", metavar="DOSSIER", help="dossier de la base de règles (par défaut : intégrée)"
    )
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


def _base(rules_dir: str | None) -> RuleBase:
    return load_rule_base(Path(rules_dir) if rules_dir else None)


def _read_document(path: Path) -> Any:
    """Parse a JSON or YAML file under the document limits; raises InvalidDocument (French)."""
    source = str(path)
    text = read_text(path)
    if path.suffix.lower() == ".json":
        return load_json(text, source=source)
    return load_yaml(text, source=source)


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
        base = _base(args.rules)
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
        base = _base(args.rules)
    except InvalidDocument as exc:
        return _error(exc.report())
    _write(f"{len(base.rules)} règles, {len(base.derived)} prédicats dérivés : aucune erreur.\n")
    return 0
