"""Site-wide invariants: the dependency rule, migrations, translations."""

from __future__ import annotations

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
    assert "4 kept, 0 broken" in result.stdout


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
