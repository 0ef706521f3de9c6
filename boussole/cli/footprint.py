"""`boussole footprint FILE`: compute the footprint of criterion 5 from a YAML or JSON file.

Prints one JSON object on standard output (exit 0). An unreadable file, bad YAML/JSON or an
invalid document prints a French report on standard error naming the file and each field, and
exits with status 2 — never a traceback. The domain core does the work; Django is not started.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from boussole.core.documents import read_document
from boussole.core.errors import InvalidDocument


def register(sub: Any) -> None:
    """Add the `footprint` command to the top-level sub-parsers."""
    parser = sub.add_parser(
        "footprint",
        help="calculer l'empreinte carbone et énergétique (critère 5) d'un fichier YAML ou JSON",
        description=(
            "Calcule l'empreinte (énergie, kg CO2e par an et sur la durée de vie) décrite par "
            "un fichier YAML ou JSON, avec les facteurs utilisés et leurs sources (Green "
            "Algorithms v3.0, EcoLogits, Cloud Carbon Footprint…). Imprime un objet JSON."
        ),
    )
    parser.add_argument("file", metavar="FICHIER", help="document d'entrée (YAML ou JSON)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from boussole.core.footprint import compute_footprint

    source = str(args.file)
    try:
        document = read_document(source)
        result = compute_footprint(document, source=source)
    except InvalidDocument as exc:
        if exc.source is None:
            exc = InvalidDocument(exc.problems, source=source)
        print(exc.report(), file=sys.stderr)
        return 2
    text = json.dumps(result.to_json(), ensure_ascii=False, indent=2)
    try:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
    except BrokenPipeError:  # e.g. piped into `head`
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return 0
