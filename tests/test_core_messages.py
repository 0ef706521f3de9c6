"""The core's French labels that the web layer translates at display time are all written out in
``boussole/web/core_messages.py`` (so that ``makemessages`` puts them in the catalogue) and
translated in the English catalogue."""

from __future__ import annotations

import ast
from pathlib import Path

import polib
import pytest
from django.utils import translation

from boussole.core import followup, indicators, roles, workflow
from boussole.core.grid import UNKNOWN, Fact, Question
from boussole.core.grid.model import DOMAINS
from boussole.core.rules import Level
from boussole.core.rules import labels as rule_labels
from boussole.core.rules.logic import LEVEL_LABELS_FR
from boussole.web import core_messages
from boussole.web.footprint.services import JUSTIFICATION_REQUIRED
from boussole.web.grids import registry

ROOT = Path(__file__).resolve().parents[1]
MODULE = ROOT / "boussole/web/core_messages.py"
PO = ROOT / "boussole/locale/en/LC_MESSAGES/django.po"


def _answer_values() -> set[str]:
    """What ``Grid.option_label`` gives for yes/no and « je ne sais pas » answers, on every
    yes/no item of every grid version."""
    out: set[str] = set()
    for grid in registry().all():
        items: list[Question | Fact] = [*grid.profile, *grid.questions]
        yes_no = [item for item in items if item.type == "yes_no"]
        assert yes_no, grid.key
        for item in yes_no:
            for value in (UNKNOWN, True, False, "oui", "non"):
                out.add(grid.option_label(item, value))
    return out


def _core_strings() -> dict[str, set[str]]:
    """Every French string of the core that the web layer passes through gettext."""
    meanings = {rule_labels.meaning("ACTIF", level.name) for level in Level}
    meanings |= {rule_labels.meaning("A_COMPLETER", None), rule_labels.meaning("SATISFAIT", None)}
    return {
        "levels": set(LEVEL_LABELS_FR.values()) | {rule_labels.level_label(level.name)
                                                   for level in Level},
        "confirmers": set(rule_labels.CONFIRMERS.values()),
        "statuses": set(rule_labels.STATUSES.values()),
        "meanings": meanings - {""},
        "domains": set(DOMAINS.values()),
        "delegations": set(roles.DELEGATIONS.values()),
        "decisions": set(workflow.DECISIONS.values()),
        "answer values": _answer_values(),
        "web constants": {JUSTIFICATION_REQUIRED},
        # Follow-up review labels: the default stages, and what ``stage_label`` gives for an
        # added review (``x<n>``); « Revue à … mois » / « de prolongation n° … » carry a number.
        "follow-up stages": set(followup.STAGE_LABELS.values()) | {followup.stage_label("x1")},
        "review states": set(followup.STATES.values()),
        "indicator stages": set(indicators.STAGE_LABELS.values()),
    }


def _literal_noops() -> set[str]:
    """The string literals of the module's ``gettext_noop`` calls (what makemessages reads)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(MODULE.read_text(encoding="utf-8"))):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id == "gettext_noop"):
            argument = node.args[0] if len(node.args) == 1 else None
            assert isinstance(argument, ast.Constant) and isinstance(argument.value, str), \
                ast.unparse(node)
            found.add(argument.value)
    return found


def test_every_core_label_is_written_out_for_makemessages() -> None:
    written = _literal_noops()
    missing = {source: sorted(strings - written)
               for source, strings in _core_strings().items() if strings - written}
    assert missing == {}


def test_the_module_lists_nothing_else() -> None:
    expected = set().union(*_core_strings().values())
    listed = {text for name in dir(core_messages) if name.isupper()
              for text in getattr(core_messages, name)}
    assert listed == _literal_noops()
    assert sorted(listed - expected) == []


def test_every_core_label_is_translated_in_english() -> None:
    po = polib.pofile(str(PO))
    translated = {e.msgid: e.msgstr for e in po if e.translated() and not e.obsolete}
    untranslated = sorted(_literal_noops() - translated.keys())
    assert untranslated == []


@pytest.mark.parametrize(("french", "english"), [
    (rule_labels.level_label("ELEVE"), "high"),
    (rule_labels.status_label("SATISFAIT"), "obligation met"),
    (rule_labels.confirmer_label("DPO"), "data protection officer (DPO)"),
    (followup.STATES["late"], "Overdue"),
    (followup.stage_label("m6"), "6-month review"),
    (followup.stage_label("x2"), "Additional review"),
    (indicators.STAGE_LABELS["T0"], "Going into service (T0)"),
])
def test_core_labels_show_in_english(french: str, english: str) -> None:
    with translation.override("en"):
        assert translation.gettext(french) == english
    with translation.override("fr"):
        assert translation.gettext(french) == french
