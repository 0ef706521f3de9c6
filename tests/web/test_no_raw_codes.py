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

from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import reverse

from boussole.core import workflow
from boussole.core.grid import Grid
from boussole.web import demo
from boussole.web.accounts.models import Organisation, User
from boussole.web.cases import services
from boussole.web.cases.models import Case
from boussole.web.grids import registry

# The detector lives in a shared helper (the browser walk uses it too); its names stay
# importable from here.
from tests.web.plain_text import forbidden_tokens, raw_codes, visible_text

__all__ = ["forbidden_tokens", "raw_codes", "visible_text"]

pytestmark = pytest.mark.django_db


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
