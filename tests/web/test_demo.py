"""The demo data: one organisation, one person per role, six cases at different stages."""

from __future__ import annotations

import pytest

from boussole.web import demo
from boussole.web.accounts.models import Organisation, Role, User
from boussole.web.cases.audit import audit_verify
from boussole.web.cases.models import Answer, Case

pytestmark = pytest.mark.django_db


def test_demo_is_complete_and_idempotent() -> None:
    demo.create_demo()
    demo.create_demo()
    organisation = Organisation.objects.get(slug=demo.DEMO_SLUG)
    users = User.objects.filter(organisation=organisation)
    assert {u.role for u in users} == set(Role.values)
    assert users.filter(role=Role.REFERENT).count() == 7
    assert users.filter(role=Role.ELU).count() == 3
    cases = Case.objects.filter(organisation=organisation)
    assert cases.count() == 6
    assert len({c.state for c in cases}) >= 4
    for case in cases:
        assert audit_verify(case)
        assert Answer.objects.filter(case=case).exists()
    assert users.get(username="porteur").check_password(demo.DEMO_PASSWORD)
