"""Site-wide views: the home page (the user's cases) and a health check."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from boussole.core.access import may_create_case, sees_internal
from boussole.core.rules.logic import Level
from boussole.web.accounts.models import Role, User
from boussole.web.cases import selectors
from boussole.web.cases.legal import level_label
from boussole.web.cases.models import Assignment, Case, State
from boussole.web.cases.next_action import home_inputs, waiting_cases
from boussole.web.decisions.selectors import task_count
from boussole.web.pagination import CappedPaginator

PAGE_SIZE = 25
#: The columns the lists show: the rows never load the other (long) texts of a case.
LIST_FIELDS = ("reference", "title", "service", "state", "red_line", "updated_at",
               "answer_count", "progress", "grid_id", "grid_version", "organisation_id",
               "lead_id", "created_by_id", "lead__first_name", "lead__last_name",
               "lead__username")


class CaseFilterForm(forms.Form):
    """The filters of the home list (GET); an unknown choice is ignored with a message."""

    q = forms.CharField(label=_("Rechercher (référence, titre, finalité)"), required=False,
                        max_length=100)
    state = forms.ChoiceField(label=_("Étape"), required=False)
    level = forms.ChoiceField(label=_("Niveau juridique indicatif"), required=False)
    service = forms.CharField(label=_("Direction ou service (contient)"), required=False,
                              max_length=100)
    referent = forms.TypedChoiceField(label=_("Référent nommé"), required=False, coerce=int,
                                      empty_value=None)

    def __init__(self, data: Any, people: list[User]) -> None:
        super().__init__(data)
        everything = [("", _("Toutes"))]
        choices: dict[str, list[tuple[Any, Any]]] = {
            "state": everything + list(State.choices),
            "level": everything + [(level.name, level_label(level.name)) for level in Level],
            "referent": [("", _("Tous"))] + [(p.pk, str(p)) for p in people]}
        for name, options in choices.items():
            cast(forms.ChoiceField, self.fields[name]).choices = options

    def apply(self, cases: QuerySet[Case]) -> QuerySet[Case]:
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("q"):
            text = data["q"].strip()
            cases = cases.filter(Q(reference__icontains=text) | Q(title__icontains=text)
                                 | Q(purpose__icontains=text))
        if data.get("state"):
            cases = cases.filter(state=data["state"])
        if data.get("level"):
            cases = cases.filter(legal_level=data["level"])
        if data.get("service"):
            cases = cases.filter(service__icontains=data["service"].strip())
        if data.get("referent"):
            cases = cases.filter(pk__in=Assignment.objects.filter(
                user_id=data["referent"]).values("case_id"))
        return cases

    @property
    def active(self) -> bool:
        return self.is_valid() and any(self.cleaned_data.get(name) for name in self.fields)


def _people(user: User) -> list[User]:
    if not user.organisation_id or not sees_internal(user.role):
        return []
    return list(User.objects.filter(organisation_id=user.organisation_id, is_active=True,
                                    role__in=[Role.REFERENT, Role.PORTEUR])
                .only("first_name", "last_name", "username").order_by("last_name",
                                                                       "first_name"))


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    internal = sees_internal(getattr(user, "role", ""))
    form = CaseFilterForm(request.GET or None, _people(user))
    filtered = form.active
    if filtered:
        mine: list[Case] = []
        others = form.apply(selectors.case_list(user))
    else:
        mine = selectors.with_answer_counts(list(
            selectors.my_cases(user).only(*LIST_FIELDS)[:PAGE_SIZE]))
        # The organisation's list leaves out the cases already shown above: each case once.
        others = selectors.case_list(user).exclude(pk__in=[case.pk for case in mine])
    asked = request.GET.get("page")
    page = CappedPaginator(others.only(*LIST_FIELDS), PAGE_SIZE, asked).get_page(asked)
    page.object_list = selectors.with_answer_counts(list(page.object_list))
    query = request.GET.copy()
    query.pop("page", None)
    # « Ce qui vous attend » and the number of tasks from the same cases, read once.
    inputs = home_inputs(user)
    count, complete = task_count(user, *inputs)
    return render(request, "home.html", {
        "mine": mine, "page": page, "tasks": {"count": count, "complete": complete},
        "waiting": waiting_cases(user, inputs),
        "internal": internal, "form": form, "filtered": filtered,
        "query": query.urlencode(), "invalid_filter": request.GET and not form.is_valid(),
        "can_create": may_create_case(getattr(user, "role", ""))
        and getattr(user, "organisation_id", None) is not None})


def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
