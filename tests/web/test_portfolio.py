"""The organisation's « Tableau de bord » (issue 16, item 4): on the demo, the figures equal the
cases the user may see, each figure links to the filtered list, late reviews and decisions are
listed, the vendor is refused, another organisation's cases never count, the number of queries
does not grow with the cases, and the page is axe-core clean in Chromium."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from playwright.sync_api import expect

from boussole.web import demo
from boussole.web.accounts.models import User
from boussole.web.cases import services
from boussole.web.cases.models import Case
from boussole.web.cases.selectors import cases_visible_to
from boussole.web.followup.models import Review
from boussole.web.portfolio.selectors import portfolio_for
from tests.conftest import axe_violations

URL = "/tableau-de-bord/"


def figures(html: str, section: str) -> dict[str, tuple[int, str]]:
    """label -> (count, link) of a section's data table."""
    block = html.split(f'id="{section}"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r'<th scope="row">(.*?)</th><td[^>]*><a href="([^"]+)">(\d+)<', block)
    return {unescape(label): (int(count), unescape(link)) for label, link, count in rows}


@pytest.mark.django_db
def test_figures_are_the_visible_cases(client: Any) -> None:
    demo.create_demo()
    user = User.objects.get(username="porteur")
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    visible = list(cases_visible_to(user))
    stages = figures(html, "tdb-stage")
    assert sum(count for count, _link in stages.values()) == len(visible)
    assert stages["En service — suivi"][0] == sum(c.state == "en_service" for c in visible)
    levels = figures(html, "tdb-level")
    assert sum(count for count, _link in levels.values()) == len(visible)
    directions = figures(html, "tdb-direction")
    assert sum(count for count, _link in directions.values()) == len(visible)
    # Each figure links to the home list filtered on it, and that list exists.
    _count, link = stages["En service — suivi"]
    assert link.startswith("/?etape=en_service")
    assert client.get(link).status_code == 200


@pytest.mark.django_db
def test_late_reviews_and_decisions_are_listed(client: Any) -> None:
    demo.create_demo()
    user = User.objects.get(username="porteur")
    review = Review.objects.filter(done_on__isnull=True).select_related("plan__case").first()
    assert review is not None, "the demo's case in service has reviews to come"
    review.due = timezone.localdate() - dt.timedelta(days=5)
    review.save(update_fields=["due"])
    client.force_login(user)
    html = unescape(client.get(URL).content.decode())
    late = html.split('id="h-alertes"', 1)[1].split("</section>", 1)[0]
    assert review.plan.case.reference in late
    assert "5 jours de retard" in late
    summary = portfolio_for(user)
    assert [item.case_pk for item in summary.late_reviews] == [review.plan.case_id]


@pytest.mark.django_db
def test_vendor_is_refused_and_other_organisations_never_count(
        client: Any, other_organisation: Any, make_user: Any) -> None:
    demo.create_demo()
    client.force_login(User.objects.get(username="prestataire"))
    assert client.get(URL).status_code == 403
    outsider = make_user("dehors", other_organisation, role="admin")
    services.case_create(organisation=other_organisation, user=outsider, title="Autre",
                         service="Ailleurs", purpose="Rien.")
    assert portfolio_for(outsider).total == 1
    client.force_login(outsider)
    html = unescape(client.get(URL).content.decode())
    for case in Case.objects.exclude(organisation=other_organisation):
        assert case.title not in html


@pytest.mark.django_db
def test_queries_do_not_grow_with_the_cases(client: Any) -> None:
    demo.create_demo()
    user = User.objects.get(username="admin")
    client.force_login(user)
    client.get(URL)  # the first request of a session reads more (the session itself)
    with CaptureQueriesContext(connection) as before:
        client.get(URL)
    for number in range(12):
        services.case_create(organisation=user.organisation, user=user, title=f"Cas {number}",
                             service=f"Direction {number % 4}", purpose="Essai.")
    with CaptureQueriesContext(connection) as after:
        response = client.get(URL)
    assert response.status_code == 200
    assert len(after) == len(before) <= 12


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_dashboard_in_chromium_is_accessible(page: Any) -> None:
    demo.create_demo()
    page.goto("/comptes/connexion/")
    page.get_by_label("Identifiant").fill("admin")
    page.get_by_label("Mot de passe").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("link", name="Tableau de bord").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord")
    expect(page.get_by_role("img", name="Dossiers par étape")).to_have_count(1)
    expect(page.get_by_role("table", name="Données du graphique : Dossiers par étape")
           ).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("table", name="Données du graphique : Dossiers par étape").get_by_role(
        "link").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes dossiers")
