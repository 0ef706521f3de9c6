"""Login throttling on top of django-axes: three limits instead of one, and the client address.

django-axes counts failed logins per group of ``AXES_LOCKOUT_PARAMETERS`` but compares every group
with one ``AXES_FAILURE_LIMIT``. Boussole gives each group its own limit (settings):

- a username from one address: ``BOUSSOLE_LOGIN_FAILURE_LIMIT`` (5) — the usual lock;
- a username from every address: ``BOUSSOLE_LOGIN_USERNAME_FAILURE_LIMIT`` (20) — slows a
  password guessed from many addresses. It is higher on purpose: a per-username lock lets anyone
  lock anyone out, so it must take a deliberate effort, and lasts only the cool-off period;
- one address over every username: ``BOUSSOLE_LOGIN_IP_FAILURE_LIMIT`` (50) — password spraying
  (one password tried on many usernames).

Attempts refused while a lock holds are not counted (``AXES_RESET_COOL_OFF_ON_FAILURE_DURING_
LOCKOUT = False``): a locked address cannot go on raising other usernames' counters. A successful
login clears only the failures of that username from that address, so an attacker who owns one
account cannot wipe their address's spraying counter by signing in.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_lockout_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


def limit_for(parameter: str | list[str]) -> int:
    """The failure limit of one group of lockout parameters (0: no limit)."""
    if parameter == "username":
        return int(settings.BOUSSOLE_LOGIN_USERNAME_FAILURE_LIMIT)
    if parameter == "ip_address":
        return int(settings.BOUSSOLE_LOGIN_IP_FAILURE_LIMIT)
    return int(settings.AXES_FAILURE_LIMIT)


class ThrottlingHandler(AxesDatabaseHandler):  # type: ignore[misc]
    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        """Failures seen against ``AXES_FAILURE_LIMIT``: any group at its own limit counts as the
        limit itself (locked); otherwise the username-and-address count (below the limit)."""
        parameters = get_lockout_parameters(request, credentials)
        attempts_list = self.get_user_attempts(request, credentials)
        pair_failures = 0
        locked = False
        for parameter, attempts in zip(parameters, attempts_list, strict=True):
            failures = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            limit = limit_for(parameter)
            if limit and failures >= limit:
                locked = True
            if isinstance(parameter, list):
                pair_failures = max(pair_failures, failures)
        if locked:
            return max(pair_failures, int(settings.AXES_FAILURE_LIMIT))
        return pair_failures

    def reset_user_attempts(self, request: HttpRequest,
                            credentials: dict[str, Any] | None = None) -> int:
        """After a successful login: forget this username's failures from this address only."""
        from axes.helpers import get_client_username

        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(
            username=username, ip_address=getattr(request, "axes_ip_address", None)).delete()
        return int(count)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: ``REMOTE_ADDR``; behind ``BOUSSOLE_TRUSTED_PROXY_COUNT`` reverse
    proxies, the address that the outermost of them wrote in ``X-Forwarded-For`` (each proxy
    appends the address it received the request from, so the client's is the N-th from the right;
    anything further left was written by the client and is not trusted)."""
    remote = request.META.get("REMOTE_ADDR")
    proxies = int(settings.BOUSSOLE_TRUSTED_PROXY_COUNT)
    if proxies <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    if len(hops) < proxies:
        return remote  # not through the declared proxies: the direct peer is the client
    candidate = hops[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote  # a malformed header is not an address (and would not fit the column)
