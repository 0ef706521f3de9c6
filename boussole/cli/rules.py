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

import yaml

from boussole.core.errors import InvalidDocument, Problem
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
    """Parse a JSON or YAML file; raises InvalidDocument with a French message."""
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise _unreadable(source, "fichier introuvable") from exc
    except UnicodeDecodeError as exc:
        raise _unreadable(source, "le fichier n'est pas encodé en UTF-8") from exc
    except OSError as exc:
        raise _unreadable(source, f"lecture impossible ({exc.strerror or exc})") from exc
    if path.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise _unreadable(
                source, f"JSON invalide (ligne {exc.lineno}, colonne {exc.colno}) : {exc.msg}"
            ) from exc
    try:
        return load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (ligne {mark.line + 1}, colonne {mark.column + 1})" if mark else ""
        problem = getattr(exc, "problem", None)
        detail = f" : {problem}" if problem else ""
        raise _unreadable(source, f"YAML invalide{where}{detail}") from exc


def _unreadable(source: str, message: str) -> InvalidDocument:
    return InvalidDocument([Problem((), message)], source=source)


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
