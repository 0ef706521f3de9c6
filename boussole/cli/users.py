"""``boussole org ...`` and ``boussole user ...``: organisations, people and API tokens from the
command line (the first administrator of an instance is made here)."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    org = sub.add_parser("org", help="organisations de l'instance")
    org.add_subparsers(dest="org_command", metavar="SOUS-COMMANDE")
    org.set_defaults(handler=lambda args: _help(org))
    user = sub.add_parser("user", help="personnes et jetons d'API")
    user.add_subparsers(dest="user_command", metavar="SOUS-COMMANDE")
    user.set_defaults(handler=lambda args: _help(user))


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2
