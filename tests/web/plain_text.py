"""The raw-code detector shared by the tests of the plain French layer (issue 12, item 3).

:func:`forbidden_tokens` lists every code a page must not show — a level, a flag status, a
workflow state or transition, a role, domain or delegation, a verdict or decision, a profile
fact id, an option id, an audit action, an event, a next action, or a profile number of the grid
file (« Q06 », shown as « P6 ») — built from the code (the enums, the workflow and roles tables,
the grids, the audit labels), so that a new code is checked without editing a test.
:func:`raw_codes` finds them in the visible text of a page (tags, scripts, styles, attribute
values and ``<code>`` elements left out).

A code that is a plain French word (« volume », « aide », « prestataire ») cannot be told from
prose: single-word codes are only forbidden when they are not a word of the French texts
Boussole shows on purpose (the grids, the rules, the labels of the workflow and roles, the prose
of the templates), so « biometrie », « numerique » or « decision » are forbidden and « usagers »
is not. Rule ids such as DEC-02 are references and stay allowed.

Used by tests/web/test_no_raw_codes.py (every demo page, test client), test_journal_sentences.py
and the browser walk (tests/web/test_browser_walk.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import boussole
from boussole.core import next_action, notifications, roles, workflow
from boussole.core.grid import Grid
from boussole.core.rules import Level, default_rule_base
from boussole.core.rules.evaluate import A_COMPLETER, ACTIF, SATISFAIT
from boussole.web.cases.audit_labels import ACTIONS
from boussole.web.grids import registry

WORD = re.compile(r"[\w.]*\w")
#: Visible text of these elements is not prose: scripts, styles, and deliberately shown codes.
HIDDEN = {"script", "style", "code", "template"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in HIDDEN:
            self.hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return " ".join(parser.parts)


def _grids() -> list[Grid]:
    return registry().all()


def french_words(grids: Iterable[Grid]) -> set[str]:
    """Every word (lower case) of the French texts the application shows on purpose: the
    grids (titles, questions, options, helps), the rules (explanations, references) and the
    labels of the workflow and roles tables."""
    texts: list[str] = []
    for grid in grids:
        texts.append(grid.title)
        for criterion in grid.criteria:
            texts += [criterion.title, *criterion.commitments]
            texts += [s.title + " " + (s.intro or "") for s in criterion.sections]
            for q in criterion.questions:
                texts += [q.text, q.help or "", *(o.label + " " + (o.help or "")
                                                  for o in q.options)]
        for f in grid.profile:
            texts += [f.text, f.help or "", *(o.label + " " + (o.help or "") for o in f.options)]
    base = default_rule_base()
    texts.append(base.avertissement or "")
    for rule in base.rules:
        texts += [rule.explication, rule.a_verifier or "", *(r.texte for r in rule.references)]
    for table in (workflow.STATES, workflow.DECISIONS, workflow.GROUP_VERDICTS, roles.ROLES,
                  roles.REFERENT_DOMAINS, roles.DELEGATIONS):
        texts += list(table.values())
    texts += [t.label for t in workflow.TRANSITIONS.values()]
    texts += template_prose()
    return {word.lower() for text in texts for word in WORD.findall(text)}


TEMPLATES = Path(boussole.__file__).parent / "templates"
TAG = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}", re.S)
TRANSLATED = re.compile(r"{%\s*translate\s+\"(.*?)\"", re.S)
BLOCK = re.compile(r"{%\s*blocktranslate.*?%}(.*?){%\s*endblocktranslate\s*%}", re.S)


def template_prose() -> list[str]:
    """The French prose of the templates: text outside the template tags, the strings of
    ``translate`` and the text of ``blocktranslate`` (variables left out)."""
    out = []
    for path in TEMPLATES.rglob("*.html"):
        source = path.read_text(encoding="utf-8")
        out += TRANSLATED.findall(source)
        out += [TAG.sub(" ", body) for body in BLOCK.findall(source)]
        out.append(visible_text(TAG.sub(" ", source)))
    return out


def _code_like(code: str) -> bool:
    return "_" in code or "." in code or code.isupper()


def forbidden_tokens() -> dict[str, str]:
    """Each code a page must not show, with where it comes from."""
    grids = _grids()
    vocabulary = french_words(grids)
    found: dict[str, str] = {}

    def add(codes: Iterable[str], origin: str) -> None:
        for code in codes:
            code = str(code)
            if len(code) < 2 or code in found:
                continue
            if _code_like(code) or code.lower() not in vocabulary:
                found[code] = origin

    add((level.name for level in Level), "niveau")
    add((ACTIF, A_COMPLETER, SATISFAIT), "statut")
    add(workflow.STATES, "étape")
    add(workflow.TRANSITIONS, "transition")
    add(workflow.DECISIONS, "décision")
    add(workflow.GROUP_VERDICTS, "avis")
    add(roles.ROLES, "rôle")
    add(roles.REFERENT_DOMAINS, "domaine")
    add(roles.DELEGATIONS, "délégation")
    add(ACTIONS, "action du journal")
    add(notifications.EVENTS, "événement")
    add(next_action.LABELS, "prochaine action")
    for grid in grids:
        numbers = {f"Q{q.number}" for q in grid.questions}
        for fact in grid.profile:
            add([fact.id], f"fait du profil ({grid.key})")
            add([o.id for o in fact.options if len(o.id) > 3], f"option de {fact.id}")
            if fact.number and fact.number not in numbers:
                add([fact.number], "numéro du profil dans le fichier de grille")
        for q in grid.questions:
            add([o.id for o in q.options if len(o.id) > 3 and _code_like(o.id)],
                f"option de {q.id}")
    return found


def raw_codes(html: str, forbidden: dict[str, str]) -> list[str]:
    text = visible_text(html)
    hits = []
    for token in WORD.findall(text):
        # a token may carry a sentence's full stop or be a dotted id: try both
        for candidate in {token, token.rstrip(".")}:
            if candidate in forbidden:
                start = max(text.find(candidate) - 60, 0)
                hits.append(f"{candidate} ({forbidden[candidate]}) : "
                            f"…{text[start:start + 140]!r}…")
    return hits


@cache
def _forbidden_once() -> tuple[tuple[str, str], ...]:
    return tuple(forbidden_tokens().items())


def cached_forbidden_tokens() -> dict[str, str]:
    """:func:`forbidden_tokens`, built once per process (reading every grid and template)."""
    return dict(_forbidden_once())
