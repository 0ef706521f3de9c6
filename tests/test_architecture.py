"""Site-wide invariants: the dependency rule, migrations, translations."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_core_does_not_import_django() -> None:
    lint_imports = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    result = subprocess.run([lint_imports, "--no-cache"], cwd=ROOT, capture_output=True,
                            text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    # The core and the reports stay pure; the audit trail and the case lock are leaves of the
    # web layer; no import cycle inside the web layer (see pyproject.toml).
    assert "4 kept, 0 broken" in result.stdout


def _function_level_imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    found = []
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            found += [node for node in ast.walk(function)
                      if isinstance(node, ast.Import | ast.ImportFrom)]
    return found


def _names_boussole(node: ast.Import | ast.ImportFrom) -> bool:
    if isinstance(node, ast.ImportFrom):
        return node.level > 0 or (node.module or "").split(".")[0] == "boussole"
    return any(alias.name.split(".")[0] == "boussole" for alias in node.names)


def test_web_imports_boussole_modules_at_module_level() -> None:
    """An import of a ``boussole`` module inside a function hides a dependency (and a cycle
    from a reader): allowed only under a comment that says why."""
    unexplained = []
    for path in sorted((ROOT / "boussole" / "web").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        for node in _function_level_imports(ast.parse("\n".join(lines))):
            if not _names_boussole(node):
                continue
            above = node.lineno - 2
            while above >= 0 and lines[above].strip().startswith(("from ", "import ")):
                above -= 1  # the imports of one group share the comment above them
            if above < 0 or not lines[above].strip().startswith("#"):
                unexplained.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert unexplained == []


@pytest.mark.django_db
def test_no_pending_migrations() -> None:
    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_english_catalogue_is_complete_and_compiled(tmp_path: Path) -> None:
    po_path = ROOT / "boussole/locale/en/LC_MESSAGES/django.po"
    po = polib.pofile(str(po_path))
    untranslated = [e.msgid for e in po if not e.translated() and not e.obsolete]
    fuzzy = [e.msgid for e in po if "fuzzy" in e.flags]
    assert untranslated == [] and fuzzy == []
    compiled = polib.mofile(str(po_path.with_suffix(".mo")))
    def entries(catalogue: polib._BaseFile) -> dict[str, object]:
        return {e.msgid: e.msgstr or tuple(sorted(e.msgstr_plural.items()))
                for e in catalogue if not e.obsolete}

    assert entries(compiled) == entries(po)


def test_web_choices_mirror_the_core_vocabulary() -> None:
    from boussole.core import roles, workflow
    from boussole.web.accounts.models import Delegation, Domain, Role
    from boussole.web.cases.models import State

    assert [c.value for c in Role] == list(roles.ROLES)
    assert [c.value for c in Domain] == list(roles.REFERENT_DOMAINS)
    assert [c.value for c in Delegation] == list(roles.DELEGATIONS)
    assert [c.value for c in State] == list(workflow.STATES)
