"""Shared fixtures: personas, organisations, a headless browser."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session", autouse=True)
def _plain_static_names() -> Iterator[None]:
    """Pages rendered in the test process name static files plainly: the test live server
    serves them from their sources, whatever a ``boussole migrate`` or ``serve`` run by another
    test collected in the data directory. The hashed, compressed names are tested through
    ``boussole serve`` itself (tests/web/test_static_headers.py)."""
    from django.conf import settings
    from django.test.utils import override_settings

    plain = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    with override_settings(STORAGES=plain):
        yield


@pytest.fixture
def organisation(db: Any) -> Any:
    from boussole.web.accounts.models import Organisation

    return Organisation.objects.create(name="Ville de Test", slug="ville-de-test",
                                       headcount_fte=800)


@pytest.fixture
def other_organisation(db: Any) -> Any:
    from boussole.web.accounts.models import Organisation

    return Organisation.objects.create(name="Commune voisine", slug="commune-voisine")


@pytest.fixture(scope="session")
def password_hash() -> str:
    """One real Argon2 hash of the test password, computed once (Argon2 is slow on purpose)."""
    from django.contrib.auth.hashers import make_password

    return str(make_password("mot-de-passe-de-test"))


@pytest.fixture
def make_user(db: Any, password_hash: str) -> Any:
    from boussole.web.accounts.models import User

    def make(username: str, organisation: Any, role: str = "porteur", **extra: Any) -> Any:
        if role == "referent":
            extra.setdefault("domain", "juridique")
        if role == "elu":
            extra.setdefault("delegation", "numerique")
        user = User(username=username, organisation=organisation, role=role,
                    password=password_hash, **extra)
        user.save()
        return user

    return make


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """A headless Debian Chromium driven by Playwright (no browser download)."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run the project's set-up (scripts/test installs it).")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(locale="fr-FR", base_url=live_server.url)
    page = context.new_page()
    external: list[str] = []

    def watch(request: Any) -> None:
        if not request.url.startswith((live_server.url, "data:", "about:")):
            external.append(request.url)

    page.on("request", watch)
    yield page
    context.close()
    assert external == [], f"external requests: {external}"


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core (bundled by axe-playwright-python) on the page: WCAG 2.1 A/AA rules."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={
        "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
        "resultTypes": ["violations"],
    })
    violations: list[dict[str, Any]] = results.response["violations"]
    return violations
