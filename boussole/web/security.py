"""Security middleware: session time limits, no caching of pages seen by a signed-in person, and
the Content-Security-Policy of the standalone memo page.

The site-wide Content-Security-Policy is set by django-csp (``CONTENT_SECURITY_POLICY`` in the
settings); HTTPS redirection and HSTS by Django's SecurityMiddleware.
"""

from __future__ import annotations

import base64
import hashlib
import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

#: Session keys: when the session was opened, and when it was last used (Unix seconds).
SESSION_STARTED = "boussole_session_started"
SESSION_LAST_SEEN = "boussole_session_last_seen"
#: The last-use time is written at most once a minute, so that reading pages rarely writes the
#: session; the idle limit is therefore exact to the minute.
LAST_SEEN_RESOLUTION = 60


class SessionTimeoutMiddleware:
    """Sign out a person idle for ``BOUSSOLE_SESSION_IDLE_MINUTES`` or signed in for more than
    ``BOUSSOLE_SESSION_MAX_HOURS``; the next page asks them to sign in again (with a French
    message), and an htmx request is turned into a full redirection to the login page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            expired = self._expired(request)
            if expired:
                return expired
        return self.get_response(request)

    def _expired(self, request: HttpRequest) -> HttpResponse | None:
        session = request.session
        now = int(time.time())
        started = session.get(SESSION_STARTED)
        last_seen = session.get(SESSION_LAST_SEEN)
        if not isinstance(started, int) or not isinstance(last_seen, int):
            session[SESSION_STARTED] = started if isinstance(started, int) else now
            session[SESSION_LAST_SEEN] = now
            return None
        idle = now - last_seen > settings.BOUSSOLE_SESSION_IDLE_MINUTES * 60
        too_old = now - started > settings.BOUSSOLE_SESSION_MAX_HOURS * 3600
        if not (idle or too_old):
            if now - last_seen >= LAST_SEEN_RESOLUTION:
                session[SESSION_LAST_SEEN] = now
            return None
        logout(request)
        messages.info(request, _("Votre session a expiré : reconnectez-vous pour continuer."))
        login = reverse(settings.LOGIN_URL)
        if request.method == "GET" and not request.headers.get("HX-Request"):
            login += "?" + urlencode({"next": request.get_full_path()})
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=200)
            response["HX-Redirect"] = login
        else:
            response = HttpResponseRedirect(login)
        add_never_cache_headers(response)
        return response


class NoStoreForUsersMiddleware:
    """``Cache-Control: no-store, private`` on every response to a signed-in person, so that no
    browser or proxy cache keeps a case's pages. Static files never reach this middleware
    (WhiteNoise answers them first)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.user.is_authenticated:
            add_never_cache_headers(response)
        return response


def inline_style_csp(stylesheet: str) -> str:
    """The policy of a standalone HTML page whose only resource is one inline ``<style>``
    element with exactly ``stylesheet`` (the printable memo): nothing may load or run, and the
    stylesheet is allowed by its hash rather than by 'unsafe-inline'."""
    digest = base64.b64encode(hashlib.sha256(stylesheet.encode("utf-8")).digest()).decode()
    return (f"default-src 'none'; style-src 'sha256-{digest}'; base-uri 'none'; "
            "form-action 'none'; frame-ancestors 'none'")
