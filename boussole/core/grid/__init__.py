"""The grid: model, loader (with schema validation), answers, completeness, export, diff."""

from boussole.core.grid.answers import (
    AnswerInvalid,
    Progress,
    condition_applies,
    criterion_progress,
    is_applicable,
    profile_progress,
    validate_value,
)
from boussole.core.grid.diff import GridDiff, diff_grids, migrate_answers
from boussole.core.grid.export import grid_to_dict
from boussole.core.grid.loader import grid_from_data, load_grid, load_grid_text
from boussole.core.grid.model import UNKNOWN, Criterion, Fact, Grid, Question
from boussole.core.grid.registry import DEFAULT_GRID_ID, GridRegistry

__all__ = [
    "DEFAULT_GRID_ID",
    "UNKNOWN",
    "AnswerInvalid",
    "Criterion",
    "Fact",
    "Grid",
    "GridDiff",
    "GridRegistry",
    "Progress",
    "Question",
    "condition_applies",
    "criterion_progress",
    "diff_grids",
    "grid_from_data",
    "grid_to_dict",
    "is_applicable",
    "load_grid",
    "load_grid_text",
    "migrate_answers",
    "profile_progress",
    "validate_value",
]
