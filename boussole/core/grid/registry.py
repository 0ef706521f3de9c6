"""Find grids by id and version among the bundled grids and extra directories."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from boussole.core.errors import InvalidDocument, Problem
from boussole.core.grid.loader import bundled_grid_dir, load_grid
from boussole.core.grid.model import Grid

DEFAULT_GRID_ID = "boussole-nantes"


class GridRegistry:
    """Every valid grid file (``*.yaml``, ``*.yml``, ``*.json``) found in the given folders.

    An invalid file is not silently skipped: it is listed in :attr:`errors`, so that an
    administrator sees why a grid is missing.
    """

    def __init__(self, directories: Iterable[Path | str] = ()) -> None:
        self._grids: dict[tuple[str, int], Grid] = {}
        self.errors: list[InvalidDocument] = []
        for directory in [bundled_grid_dir(), *map(Path, directories)]:
            for path in sorted(Path(directory).glob("*")):
                if path.suffix.lower() not in {".yaml", ".yml", ".json"}:
                    continue
                try:
                    grid = load_grid(path)
                except InvalidDocument as exc:
                    self.errors.append(exc)
                    continue
                if (grid.id, grid.version) in self._grids:
                    self.errors.append(InvalidDocument(
                        [Problem(("version",), f"la grille {grid.key} est déjà définie.")],
                        source=str(path)))
                    continue
                self._grids[(grid.id, grid.version)] = grid

    def all(self) -> list[Grid]:
        return [self._grids[key] for key in sorted(self._grids)]

    def get(self, grid_id: str = DEFAULT_GRID_ID, version: int | None = None) -> Grid:
        """A grid by id and version; without a version, the latest one."""
        if version is not None:
            try:
                return self._grids[(grid_id, version)]
            except KeyError:
                raise LookupError(f"grille « {grid_id} » version {version} introuvable.") from None
        versions = [v for (gid, v) in self._grids if gid == grid_id]
        if not versions:
            raise LookupError(f"grille « {grid_id} » introuvable.")
        return self._grids[(grid_id, max(versions))]

    def get_key(self, key: str) -> Grid:
        """A grid by its key ``"<id>@<version>"``."""
        grid_id, _, version = key.partition("@")
        return self.get(grid_id, int(version) if version else None)
