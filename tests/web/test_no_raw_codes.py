"""No page shows a raw code of the grid, the rules or the workflow (issue 12, item 3).

Signed in as each demonstration person, the main pages of every demo case they may see (cases
at every stage, and a new case with an empty profile) are fetched with the test client; their
visible text (tags, scripts, styles, attribute values and ``<code>`` elements left out) must not
contain a code: a level, a flag status, a workflow state or transition, a role, domain or
delegation, a verdict or decision, a profile fact id, an option id, an audit action, or a
profile number of the grid file (« Q06 », shown as « P6 »).

The forbidden list is built from the code (the enums, the workflow and roles tables, the grids,
the audit labels), so that a new code is checked without editing this test. A code that is a
plain French word (« volume », « aide », « prestataire ») cannot be told from prose:
single-word codes are only forbidden when they are not a word of the French texts Boussole
shows on purpose (the grids, the rules, the labels of the workflow and roles, the prose of
the templates), so « biometrie », « numerique » or « decision » are forbidden and « usagers »
is not. Rule ids such as DEC-02 are references and stay allowed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

import boussole
from boussole.core import next_action, notifications, roles, workflow
from boussole.core.grid import Grid
from boussole.core.rules import Level, default_rule_base
from boussole.core.rules.evaluate import A_COMPLETER, ACTIF, SATISFAIT
from boussole.web import demo
from boussole.web.accounts.models import Organisation, User
from boussole.web.cases import services
from boussole.web.cases.audit_labels import ACTIONS
from boussole.web.cases.models import Case
from boussole.web.grids import registry

pytestmark = pytest.mark.django_db

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


def test_the_forbidden_list_is_built_from_the_code() -> None:
    forbidden = forbidden_tokens()
    for code in ("BLOQUANT_LOI", "ELEVE", "MODERE", "A_COMPLETER", "en_instruction",
                 "avis_groupe", "representant_personnel", "numerique", "answer_recorded",
                 "sensibles_comme_critere", "securite.dict.C", "biometrie", "Q06",
                 "favorable_reserves", "api_tiers"):
        assert code in forbidden, code
    for allowed in ("aide", "usagers", "DEC", "Q6", "Q28", "oui"):
        assert allowed not in forbidden, allowed


def test_visible_text_leaves_out_markup_and_code() -> None:
    html = ('<p title="ELEVE" data-x="en_instruction">Niveau <b>élevé</b>'
            '<script>var x = "MODERE";</script> <code>securite.dict.C</code></p>')
    assert visible_text(html).split() == ["Niveau", "élevé"]
    assert raw_codes("<p>niveau ELEVE.</p>", forbidden_tokens())


# --- The walk ---------------------------------------------------------------------------------

#: One demo person per role (the first one of each), and the referents whose pages differ: the
#: pilot (numérique) and the criterion-5 referent (numérique responsable).
LOGINS = [*{role: login for login, _first, _last, role, *_rest in reversed(demo.PEOPLE)}.values(),
          "numerique", "numerique-responsable"]


def _case_pages(case: Case, grid: Grid) -> Iterator[str]:
    yield reverse("cases:detail", args=[case.pk])
    yield reverse("cases:profile", args=[case.pk])
    for criterion in grid.criteria:
        yield reverse("cases:criterion", args=[case.pk, criterion.number])
    yield reverse("cases:legal", args=[case.pk])
    yield reverse("cases:legal_panel", args=[case.pk])
    yield reverse("cases:audit", args=[case.pk])
    yield reverse("decisions:path", args=[case.pk])
    for name in ("calculator", "estimate", "alternative"):
        yield reverse(f"footprint:{name}", args=[case.pk])
    if workflow.memo_preview_available(case.state):
        yield reverse("decisions:memo_preview", args=[case.pk, "html"])
    for number in case.versions.values_list("number", flat=True):
        yield reverse("decisions:version", args=[case.pk, number])
        yield reverse("decisions:memo", args=[case.pk, number, "html"])


@pytest.fixture
def world() -> dict[str, User]:
    demo.create_demo()
    people = {u.username: u for u in User.objects.filter(organisation__slug=demo.DEMO_SLUG)}
    services.case_create(organisation=Organisation.objects.get(slug=demo.DEMO_SLUG),
                         user=people["porteur"],
                         title="Tri automatique des courriels de l'état civil",
                         service="État civil", purpose="Trier les courriels reçus.",
                         lead=people["porteur"])
    return people


@pytest.mark.parametrize("login", LOGINS)
def test_no_page_shows_a_raw_code(world: dict[str, User], login: str) -> None:
    forbidden = forbidden_tokens()
    client = Client()
    client.force_login(world[login])
    urls = [reverse("home"), reverse("decisions:tasks"), reverse("my_questions")]
    for case in Case.objects.filter(organisation__slug=demo.DEMO_SLUG).order_by("pk"):
        grid = registry().get(case.grid_id, case.grid_version)
        urls += list(_case_pages(case, grid))
    problems: list[str] = []
    fetched = 0
    for url in urls:
        response = client.get(url)
        if response.status_code in (403, 404):
            continue  # not theirs to see
        assert response.status_code == 200, (url, response.status_code)
        fetched += 1
        problems += [f"{url} : {hit}" for hit in raw_codes(response.content.decode(), forbidden)]
    assert fetched >= 3
    assert not problems, "\n".join(sorted(set(problems)))
