"""A test version of the bundled grid, derived from its latest bundled version and written to a
folder, for the tests of evaluation against a case's own grid version (the core, the CLI and the
web use it).

The test version is numbered after every bundled version (:data:`TEST_VERSION`), so that it
never collides with a published one: its folder is read next to the bundled grids."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from boussole.core.documents import read_document
from boussole.core.grid.loader import bundled_grid_dir
from boussole.core.grid.registry import DEFAULT_GRID_ID


def _bundled_files() -> dict[int, Path]:
    """The bundled files of the default grid, by version."""
    files: dict[int, Path] = {}
    for path in sorted(bundled_grid_dir().glob("*.yaml")):
        data = read_document(path)
        if data["id"] == DEFAULT_GRID_ID:
            files[data["version"]] = path
    return files


_BUNDLED = _bundled_files()
#: The latest bundled version of the default grid: the one the test version derives from.
BASE_VERSION = max(_BUNDLED)
#: The test version: one more than every bundled version.
TEST_VERSION = BASE_VERSION + 1
#: The file the test version is written to by default.
TEST_FILE = f"{DEFAULT_GRID_ID}-v{TEST_VERSION}.yaml"
#: The test version's key (a case pinned to it).
TEST_KEY = f"{DEFAULT_GRID_ID}@{TEST_VERSION}"
#: The latest bundled version's key (the current grid).
BASE_KEY = f"{DEFAULT_GRID_ID}@{BASE_VERSION}"

#: A fact that the test version adds (the bundled versions do not know it).
NEW_FACT = "registre_ia"
#: A fact of the bundled versions (not read by the rules) that the test version renames.
RENAMED = ("en_service_depuis", "date_mise_en_service")
#: An option that the test version adds to a fact the rules read.
NEW_OPTION = ("hebergement", "cloud_souverain")
#: A fact the rules read, numbered differently in the test version.
RENUMBERED = ("biometrie", "Q06", "Q06bis")

Change = Callable[[dict[str, Any]], None]


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True  # the readers refuse anchors and aliases


def fact(data: dict[str, Any], fact_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(f for f in data["profile"] if f["id"] == fact_id)
    return found


def next_version(data: dict[str, Any]) -> None:
    """The test version: one fact added, one renamed, one option added, one renumbered."""
    data["version"] = TEST_VERSION
    data["title"] = data["title"] + f" (version {TEST_VERSION} de test)"
    data["derived_from"] = {"id": data["id"], "version": BASE_VERSION,
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


def write_grid(directory: Path, *changes: Change, name: str = TEST_FILE) -> Path:
    """Write the latest bundled grid changed by ``changes`` (default: :func:`next_version`) to
    ``directory``, and return the file's path."""
    data = read_document(_BUNDLED[BASE_VERSION])
    for change in changes or (next_version,):
        change(data)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                              width=100), encoding="utf-8")
    return path
