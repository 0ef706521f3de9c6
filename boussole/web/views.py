"""Site-wide views: the home page (the user's cases) and a health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from boussole.core.access import may_create_case, sees_internal
from boussole.web.cases import selectors
from boussole.web.cases.next_action import waiting_cases
from boussole.web.decisions.selectors import tasks_for

PAGE_SIZE = 25


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    mine = selectors.with_answer_counts(
        list(selectors.my_cases(user)[:PAGE_SIZE]))  # type: ignore[arg-type]
    # The organisation's list leaves out the cases already shown above: each case once.
    others = selectors.case_list(user).exclude(  # type: ignore[arg-type]
        pk__in=[case.pk for case in mine])
    page = Paginator(others, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.with_answer_counts(list(page.object_list))
    return render(request, "home.html", {
        "mine": mine, "page": page, "tasks": tasks_for(user),  # type: ignore[arg-type]
        "waiting": waiting_cases(user),  # type: ignore[arg-type]
        "internal": sees_internal(getattr(user, "role", "")),
        "can_create": may_create_case(getattr(user, "role", ""))
        and getattr(user, "organisation_id", None) is not None})


def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
