"""Command-line interface: ``boussole <command> ...``.

Each command group lives in its own module exposing ``register(subparsers)``. Commands that
only need the domain core (grid, rules, footprint) never start Django; the others call
:func:`boussole.cli._django.setup` first.

Exit status: 0 on success, 2 on invalid input (with a French message on standard error).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from boussole import __version__
from boussole.cli import backup, cases, footprint, grid, rules, web

#: French for the messages of the standard library's argparse (help headings, usage errors).
_ARGPARSE_FR = {
    "usage: ": "utilisation : ",
    "positional arguments": "arguments",
    "options": "options",
    "show this help message and exit": "afficher cette aide et quitter",
    "invalid choice: %(value)r (choose from %(choices)s)":
        "choix invalide : %(value)r (choisir parmi %(choices)s)",
    "the following arguments are required: %s": "arguments obligatoires manquants : %s",
    "unrecognized arguments: %s": "arguments inconnus : %s",
    "expected one argument": "une valeur est attendue",
    "expected at least one argument": "au moins une valeur est attendue",
    "expected at most one argument": "une valeur au plus est attendue",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s : %(message)s",
    "invalid %(type)s value: %(value)r": "valeur invalide (%(type)s) : %(value)r",
    "ambiguous option: %(option)s could match %(matches)s":
        "option ambiguë : %(option)s peut désigner %(matches)s",
    "not allowed with argument %s": "incompatible avec l'argument %s",
    "one of the arguments %s is required": "l'un des arguments %s est obligatoire",
    "can't open '%(filename)s': %(error)s": "impossible d'ouvrir « %(filename)s » : %(error)s",
}
argparse._ = lambda message: _ARGPARSE_FR.get(message, message)  # type: ignore[attr-defined]


class _FrenchArgumentParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog} : erreur : {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _FrenchArgumentParser(
        prog="boussole",
        description="Boussole — instruire les cas d'usage de l'IA avec la boussole de l'IA.",
    )
    parser.add_argument("--version", action="version", version=f"boussole {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMANDE",
                                parser_class=_FrenchArgumentParser)
    for module in (grid, rules, footprint, web, cases, backup):
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return 2
    result: int = handler(args)
    return result


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
