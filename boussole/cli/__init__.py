"""Command-line interface: ``boussole <command> ...``.

Each command group lives in its own module exposing ``register(subparsers)``. Commands that
only need the domain core (grid, rules, footprint) never start Django; the others call
:func:`boussole.cli._django.setup` first.

Exit status: 0 on success, 2 on invalid input (with a French message on standard error).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from boussole import __version__
from boussole.cli import backup, cases, followup, footprint, grid, register, rules, users, web

#: French for argparse's error messages, matched on the formatted English text (argparse has
#: no translation of its own; this class is local to the CLI, argparse itself is untouched).
_ERRORS_FR: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), french) for pattern, french in (
        (r"^argument (?P<a>.+?): (?P<m>.+)$", "argument {a} : {m}"),
        (r"invalid choice: (?P<v>.+?) \(choose from (?P<c>.+)\)",
         "choix invalide : {v} (choisir parmi {c})"),
        (r"^the following arguments are required: (?P<a>.+)$",
         "arguments obligatoires manquants : {a}"),
        (r"^unrecognized arguments: (?P<a>.+)$", "arguments inconnus : {a}"),
        (r"^expected one argument$", "une valeur est attendue"),
        (r"^expected at least one argument$", "au moins une valeur est attendue"),
        (r"^expected at most one argument$", "une valeur au plus est attendue"),
        (r"^invalid (?P<t>\S+) value: (?P<v>.+)$", "valeur invalide ({t}) : {v}"),
        (r"^ambiguous option: (?P<o>\S+) could match (?P<m>.+)$",
         "option ambiguë : {o} peut désigner {m}"),
        (r"^not allowed with argument (?P<a>.+)$", "incompatible avec l'argument {a}"),
        (r"^one of the arguments (?P<a>.+) is required$",
         "l'un des arguments {a} est obligatoire"),
        (r"^can't open '(?P<f>.+)': (?P<e>.+)$", "impossible d'ouvrir « {f} » : {e}"),
    ))


def _french(message: str) -> str:
    for pattern, french in _ERRORS_FR:
        match = pattern.search(message)
        if match:
            parts = {key: _french(value) if key == "m" else value
                     for key, value in match.groupdict().items()}
            return message[:match.start()] + french.format(**parts) + message[match.end():]
    return message


class _FrenchHelpFormatter(argparse.HelpFormatter):
    def add_usage(self, usage: str | None, actions: Any, groups: Any,
                  prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, prefix="utilisation : " if prefix is None
                          else prefix)


class _FrenchArgumentParser(argparse.ArgumentParser):
    """An argument parser whose help and errors are in French."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _FrenchHelpFormatter)
        add_help = kwargs.pop("add_help", True)
        kwargs["add_help"] = False  # a French -h/--help is added below
        super().__init__(*args, **kwargs)
        self._positionals.title = "arguments"
        self._optionals.title = "options"
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                              help="afficher cette aide et quitter")

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog} : erreur : {_french(message)}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _FrenchArgumentParser(
        prog="boussole",
        description="Boussole — instruire les cas d'usage de l'IA avec la boussole de l'IA.",
    )
    parser.add_argument("--version", action="version", version=f"boussole {__version__}",
                        help="afficher la version et quitter")
    sub = parser.add_subparsers(dest="command", metavar="COMMANDE",
                                parser_class=_FrenchArgumentParser)
    for module in (grid, rules, footprint, web, cases, backup, followup, register, users):
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
