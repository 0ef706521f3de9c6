"""What the browser tests do again and again: reach a control with the keyboard, sign in as a
demo person, collect the console's errors."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from boussole.web import demo


def press(locator: Any, key: str = "Enter") -> None:
    """Reach a control and act on it with the keyboard."""
    locator.focus()
    locator.page.keyboard.press(key)


def login(page: Any, username: str) -> None:
    """Sign in as a demo person with the keyboard only; the home page is shown."""
    page.goto("/comptes/connexion/")
    page.get_by_label("Identifiant").focus()
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(demo.DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes dossiers")


def login_with_pointer(page: Any, username: str) -> None:
    """Sign in as a demo person by filling the form and clicking its button."""
    page.goto("/comptes/connexion/")
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes dossiers")


def watch_console(page: Any) -> list[str]:
    """The console's errors and the page's uncaught exceptions, as they come, each with the
    page's address (Chromium's own /favicon.ico request, not the page's, left out)."""
    errors: list[str] = []

    def console(message: Any) -> None:
        if message.type == "error" and "favicon.ico" not in message.location.get("url", ""):
            errors.append(f"{page.url}: {message.text}")

    page.on("console", console)
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    return errors
