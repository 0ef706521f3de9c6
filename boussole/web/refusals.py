"""One place where a service's refusal becomes an answer to the browser.

Views catch the refusals they expect and show them in their own page (a field error, the
conflict view). Any :class:`~boussole.core.errors.Refusal` they let through is answered here,
never as a server error: a full request gets a French page (HTTP 400) listing the messages; an
htmx request gets the messages in the page's alert region (HTTP 200, so that htmx swaps it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme

from boussole.core.errors import Forbidden, Refusal

logger = logging.getLogger(__name__)


def refusal_response(request: HttpRequest, refusal: Refusal) -> HttpResponse:
    """The answer to a refused change, for htmx and full requests alike."""
    back = request.headers.get("Referer", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        back = ""
    context = {"messages_refused": refusal.messages, "field": refusal.field, "back": back}
    if request.headers.get("HX-Request"):
        response = HttpResponse(render_to_string("_refusal.html", context, request=request))
        response["HX-Retarget"] = "#alertes"
        response["HX-Reswap"] = "innerHTML"
        return response
    return render(request, "refusal.html", context,
                  status=403 if isinstance(refusal, Forbidden) else 400)


class RefusalMiddleware:
    """Answers the refusals that a view did not handle itself (see module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception
                          ) -> HttpResponse | None:
        if not isinstance(exception, Refusal):
            return None
        logger.info("Refused %s %s: %s", request.method, request.path, exception)
        return refusal_response(request, exception)
