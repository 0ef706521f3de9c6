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
from boussole.cli import cases, footprint, grid, rules, web


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
    for module in (grid, rules, footprint, web, cases):
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
