"""A second version of the bundled grid, written to a folder, for the tests of evaluation
against a case's own grid version (the core, the CLI and the web use it)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from boussole.core.documents import read_document
from boussole.core.grid.loader import bundled_grid_dir

#: A fact that version 2 adds (version 1 does not know it).
NEW_FACT = "registre_ia"
#: A fact of version 1 (not read by the rules) that version 2 renames.
RENAMED = ("en_service_depuis", "date_mise_en_service")
#: An option that version 2 adds to a fact the rules read.
NEW_OPTION = ("hebergement", "cloud_souverain")
#: A fact the rules read, numbered differently in version 2.
RENUMBERED = ("biometrie", "Q06", "Q06bis")

Change = Callable[[dict[str, Any]], None]


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True  # the readers refuse anchors and aliases


def fact(data: dict[str, Any], fact_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(f for f in data["profile"] if f["id"] == fact_id)
    return found


def version_2(data: dict[str, Any]) -> None:
    """Version 2: one fact added, one renamed, one option added, one renumbered."""
    data["version"] = 2
    data["title"] = data["title"] + " (version 2 de test)"
    data["derived_from"] = {"id": data["id"], "version": 1,
                            "replaced_ids": {RENAMED[0]: RENAMED[1]}}
    fact(data, RENAMED[0])["id"] = RENAMED[1]
    fact(data, RENUMBERED[0])["number"] = RENUMBERED[2]
    fact(data, NEW_OPTION[0])["options"].append(
        {"id": NEW_OPTION[1], "label": "Cloud souverain"})
    data["profile"].append({
        "id": NEW_FACT, "number": "Q99", "group": "E", "type": "yes_no", "options": [],
        "text": "Le système est-il inscrit au registre des algorithmes de la collectivité ?",
        "help": None, "boussole": [], "priority": False, "condition": None,
    })


def write_grid(directory: Path, *changes: Change, name: str = "boussole-nantes-v2.yaml"
               ) -> Path:
    """Write the bundled grid changed by ``changes`` (default: :func:`version_2`) to
    ``directory``, and return the file's path."""
    data = read_document(bundled_grid_dir() / "boussole-nantes-v1.yaml")
    for change in changes or (version_2,):
        change(data)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                              width=100), encoding="utf-8")
    return path
