"""``boussole register ...``: the public register of published notices (open data export)."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    parser = sub.add_parser("register", help="registre public des algorithmes (données ouvertes)")
    parser.add_subparsers(dest="register_command", metavar="SOUS-COMMANDE")
    parser.set_defaults(handler=lambda args: _help(parser))


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2
