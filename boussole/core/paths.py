"""Where the data shipped with the package lives (grids, rules, footprint factors, schemas)."""

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
