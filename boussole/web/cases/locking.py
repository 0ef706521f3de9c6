"""The write discipline on a case: one transaction, the case's row lock taken first.

A leaf of the web layer (it imports only the case models), so that every module holding a
write on a case — ``services``, ``legal``, the other apps' services — may use it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.db import transaction

from boussole.web.cases.models import Case

P = ParamSpec("P")
R = TypeVar("R")


def case_lock(case: Case) -> Case:
    """Take the case's row lock for the rest of the transaction and refresh ``case`` from the
    locked row. Every write on a case holds this lock, so writes on one case are serialised
    (PostgreSQL: ``SELECT … FOR UPDATE``; SQLite serialises writers by itself): the audit
    sequence, unique answers and the state read by the guards never race."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    for field in Case._meta.concrete_fields:
        setattr(case, field.attname, getattr(locked, field.attname))
    return case


def case_write(func: Callable[P, R]) -> Callable[P, R]:
    """Decorator for services that change an existing case (passed as ``case=``): one
    transaction, the case's row lock taken first."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with transaction.atomic():
            case = kwargs.get("case")
            if isinstance(case, Case) and case.pk is not None:
                case_lock(case)
            return func(*args, **kwargs)

    return wrapper
