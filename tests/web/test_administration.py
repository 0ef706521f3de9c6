"""Administration pages: who reaches them (every role, every URL), people's roles and
activity under the core's rules, organisation settings and their effect on the rest of the
application, the organisation's log."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from boussole.core import roles
from boussole.web.accounts.models import User
from boussole.web.administration import services
from boussole.web.administration.models import AdminEvent, Invitation

pytestmark = pytest.mark.django_db

LOGIN = "/comptes/connexion/"


@pytest.fixture
def admin(organisation: Any, make_user: Any) -> Any:
    return make_user("admin", organisation, role="admin", email="admin@ville.fr")


@pytest.fixture
def colleague(organisation: Any, make_user: Any) -> Any:
    return make_user("collegue", organisation, role="porteur", email="c@ville.fr")


def _urls(person: Any, invitation: Any) -> list[tuple[str, str]]:
    """Every administration URL, with the method that reaches it."""
    return [
        ("get", reverse("administration:people")),
        ("get", reverse("administration:invite")),
        ("post", reverse("administration:invite")),
        ("get", reverse("administration:person", args=[person.pk])),
        ("post", reverse("administration:person", args=[person.pk])),
        ("post", reverse("administration:person_active", args=[person.pk])),
        ("post", reverse("administration:person_reinvite", args=[person.pk])),
        ("post", reverse("administration:invitation_revoke", args=[invitation.pk])),
        ("get", reverse("administration:settings")),
        ("post", reverse("administration:settings")),
        ("get", reverse("administration:journal")),
    ]


@pytest.fixture
def pending(organisation: Any, admin: Any) -> tuple[Any, Any]:
    invitation, _link = services.user_invite(
        organisation=organisation, actor=admin, email="nouvelle@ville.fr", role="porteur",
        base_url="")
    return invitation.user, invitation


@pytest.mark.parametrize("role", sorted(roles.ROLES))
def test_role_matrix_only_admins_reach_every_admin_url(
        role: str, client: Any, organisation: Any, make_user: Any, admin: Any,
        pending: tuple[Any, Any]) -> None:
    person, invitation = pending
    user = admin if role == "admin" else make_user(f"u-{role}", organisation, role=role)
    client.force_login(user)
    for method, url in _urls(person, invitation):
        response = getattr(client, method)(url, {})
        if role == "admin":
            assert response.status_code in (200, 302), (method, url, response.status_code)
        else:
            assert response.status_code == 403, (role, method, url, response.status_code)
            assert "réservée aux administrateurs" in response.content.decode()
    # Nothing was changed by the refused requests.
    person.refresh_from_db()
    invitation.refresh_from_db()
    if role != "admin":
        assert invitation.revoked_at is None and person.role == "porteur"


def test_anonymous_is_sent_to_login(client: Any, pending: tuple[Any, Any]) -> None:
    person, invitation = pending
    for method, url in _urls(person, invitation):
        response = getattr(client, method)(url, {})
        assert response.status_code == 302 and response["Location"].startswith(LOGIN), url


def test_another_organisations_people_and_invitations_are_404(
        client: Any, other_organisation: Any, make_user: Any, admin: Any,
        pending: tuple[Any, Any]) -> None:
    person, invitation = pending
    other_admin = make_user("autre-admin", other_organisation, role="admin")
    client.force_login(other_admin)
    for method, url in _urls(person, invitation):
        if "/personnes/" in url or "/invitations/" in url:
            assert getattr(client, method)(url, {}).status_code == 404, url
    people = client.get(reverse("administration:people")).content.decode()
    assert "nouvelle@ville.fr" not in people and "admin@ville.fr" not in people
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_nav_link_for_admins_only(client: Any, admin: Any, colleague: Any) -> None:
    client.force_login(colleague)
    assert 'href="/administration/"' not in client.get(reverse("home")).content.decode()
    client.force_login(admin)
    page = client.get(reverse("home")).content.decode()
    assert 'href="/administration/"' in page and ">Administration<" in page


def test_people_list_shows_role_and_state(client: Any, admin: Any, colleague: Any,
                                          make_user: Any, organisation: Any,
                                          pending: tuple[Any, Any]) -> None:
    make_user("elue", organisation, role="elu", delegation="rh")
    client.force_login(admin)
    page = client.get(reverse("administration:people")).content.decode()
    assert "Élu·e — Ressources humaines" in page
    assert "invitation en attente" in page and "actif" in page


def test_role_change_follows_the_core_rule_and_is_logged(client: Any, admin: Any,
                                                         colleague: Any) -> None:
    client.force_login(admin)
    url = reverse("administration:person", args=[colleague.pk])
    refused = client.post(url, {"role": "referent", "domain": "", "delegation": ""})
    assert refused.status_code == 200
    assert "Un·e référent·e doit avoir un domaine d&#x27;expertise." in refused.content.decode()
    colleague.refresh_from_db()
    assert colleague.role == "porteur"
    assert not AdminEvent.objects.filter(action="role_changed").exists()

    refused = client.post(url, {"role": "elu", "domain": "", "delegation": ""})
    assert "Un·e élu·e doit avoir une délégation." in refused.content.decode()

    done = client.post(url, {"role": "referent", "domain": "cybersecurite",
                             "delegation": "rh"})
    assert done.status_code == 302
    colleague.refresh_from_db()
    assert (colleague.role, colleague.domain, colleague.delegation) == (
        "referent", "cybersecurite", "")  # a delegation only for an elected official
    event = AdminEvent.objects.get(action="role_changed")
    assert event.actor == admin and event.target == colleague
    assert event.before == {"role": "porteur", "domain": "", "delegation": "",
                            "is_active": True}
    assert event.after["role"] == "referent" and event.after["domain"] == "cybersecurite"
    journal = client.get(reverse("administration:journal")).content.decode()
    assert "Rôle modifié" in journal and "Porteur de projet → Référent du groupe d" in journal


def test_deactivate_keeps_history_and_blocks_login(client: Any, admin: Any,
                                                   colleague: Any) -> None:
    client.force_login(admin)
    url = reverse("administration:person_active", args=[colleague.pk])
    assert client.post(url, {"active": "0"}).status_code == 302
    colleague.refresh_from_db()
    assert colleague.is_active is False
    assert User.objects.filter(pk=colleague.pk).exists()
    other = client.__class__()
    refused = other.post(LOGIN, {"username": "collegue", "password": "mot-de-passe-de-test"})
    assert refused.status_code == 200 and "_auth_user_id" not in other.session
    assert client.post(url, {"active": "1"}).status_code == 302
    colleague.refresh_from_db()
    assert colleague.is_active is True
    assert list(AdminEvent.objects.filter(target=colleague).order_by("id")
                .values_list("action", flat=True)) == ["user_deactivated", "user_reactivated"]


def test_a_deactivated_session_is_ended(client: Any, admin: Any, colleague: Any) -> None:
    other = client.__class__()
    other.force_login(colleague)
    assert other.get(reverse("home")).status_code == 200
    services.user_set_active(actor=admin, target=colleague, active=False)
    assert other.get(reverse("home")).status_code == 302


def test_admin_cannot_deactivate_or_demote_themself(client: Any, admin: Any) -> None:
    client.force_login(admin)
    response = client.post(reverse("administration:person_active", args=[admin.pk]),
                           {"active": "0"}, follow=True)
    assert "Vous ne pouvez pas vous désactiver" in response.content.decode()
    response = client.post(reverse("administration:person", args=[admin.pk]),
                           {"role": "porteur", "domain": "", "delegation": ""})
    assert "Vous ne pouvez pas vous désactiver" in response.content.decode()
    admin.refresh_from_db()
    assert admin.is_active and admin.role == "admin"


def test_the_last_admin_is_kept(organisation: Any, admin: Any, make_user: Any) -> None:
    # From the command line (no actor): the only active administrator cannot go.
    with pytest.raises(services.AdminRefused, match="au moins une administratrice"):
        services.user_set_active(actor=None, target=admin, active=False)  # type: ignore[arg-type]
    second = make_user("admin2", organisation, role="admin")
    services.user_change(actor=second, target=admin, role="porteur")
    admin.refresh_from_db()
    assert admin.role == "porteur"
    # Another admin of another organisation does not count.
    assert roles.admin_change_problem(actor_id=None, target_id=second.pk,
                                      target_is_active_admin=True, stays_active_admin=False,
                                      other_active_admins=0) is not None


# --- Settings -----------------------------------------------------------------------------

def _settings_post(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Ville de Test", "required_delegations": ["numerique", "rh"],
        "followup_schedule": "", "publishers": ["referent:juridique"],
        "evidence_max_mb": "", "grid_versions": [], "default_grid": ""}
    data.update(changes)
    return data


def test_settings_page_saves_and_logs(client: Any, admin: Any, organisation: Any) -> None:
    client.force_login(admin)
    url = reverse("administration:settings")
    page = client.get(url).content.decode()
    assert "Règle de décision" in page and "boussole-nantes@1" in page
    response = client.post(url, _settings_post(
        name="Ville de Test (métropole)", followup_schedule="0, 12, 24",
        publishers=["admin", "referent:juridique"], evidence_max_mb="5",
        grid_versions=["boussole-nantes@1", "boussole-nantes@2"],
        default_grid="boussole-nantes@1"))
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.name == "Ville de Test (métropole)"
    assert organisation.required_delegations == "numerique,rh"
    assert organisation.decision_delegations == ("numerique", "rh")
    assert organisation.followup_schedule == "0,12,24"
    assert organisation.publishers == "admin,referent:juridique"
    assert organisation.evidence_max_mb == 5
    assert organisation.default_grid == "boussole-nantes@1"
    event = AdminEvent.objects.get(action="settings_changed")
    assert event.before["name"] == "Ville de Test"
    assert event.after["evidence_max_mb"] == 5
    journal = client.get(reverse("administration:journal")).content.decode()
    assert "Paramètres de l&#x27;organisation modifiés" in journal


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"followup_schedule": "12,6"}, "followup_schedule", "mois croissants"),
    ({"followup_schedule": "six mois"}, "followup_schedule", "Calendrier de suivi invalide"),
    ({"evidence_max_mb": "500"}, "evidence_max_mb", "La limite de l&#x27;instance est de 20 Mo"),
    ({"evidence_max_mb": "0"}, "evidence_max_mb", "supérieure ou égale à 1"),
    ({"required_delegations": []}, "required_delegations", "Cochez au moins une délégation."),
    ({"publishers": []}, "publishers", "Cochez au moins un rôle."),
    ({"name": "  "}, "name", "obligatoire"),
    ({"grid_versions": ["boussole-nantes@2"], "default_grid": "boussole-nantes@1"},
     "default_grid", "doit faire partie des versions proposées"),
    ({"default_grid": "inexistante@9"}, "default_grid", "Sélectionnez un choix valide"),
])
def test_settings_refused_in_french_and_nothing_changes(
        client: Any, admin: Any, organisation: Any, changes: dict[str, Any], field: str,
        message: str) -> None:
    client.force_login(admin)
    response = client.post(reverse("administration:settings"), _settings_post(**changes))
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert re.search(rf'id="id_{field}_error"', page)
    organisation.refresh_from_db()
    assert organisation.required_delegations == "numerique,rh,thematique"
    assert not AdminEvent.objects.filter(action="settings_changed").exists()


def test_new_cases_use_the_default_grid(client: Any, admin: Any, organisation: Any,
                                        make_user: Any) -> None:
    from boussole.web.cases.services import case_create

    lead = make_user("porteuse", organisation)
    latest = case_create(organisation=organisation, user=lead, title="A", service="S",
                         purpose="P")
    assert latest.grid_version == 2
    services.settings_update(actor=admin, organisation=organisation,
                             values={"default_grid": "boussole-nantes@1"})
    organisation.refresh_from_db()
    pinned = case_create(organisation=organisation, user=lead, title="B", service="S",
                         purpose="P")
    assert (pinned.grid_id, pinned.grid_version) == ("boussole-nantes", 1)
    # Through the web page too.
    client.force_login(lead)
    response = client.post(reverse("cases:create"), {"title": "C", "service": "S",
                                                     "purpose": "P"})
    assert response.status_code == 302
    from boussole.web.cases.models import Case

    assert Case.objects.get(title="C").grid_version == 1


def test_followup_schedule_of_the_organisation_wins(admin: Any, organisation: Any,
                                                    make_user: Any) -> None:
    from boussole.web.cases.services import case_create
    from boussole.web.followup.services import organisation_schedule

    case = case_create(organisation=organisation, user=make_user("p", organisation),
                       title="A", service="S", purpose="P")
    assert list(organisation_schedule(case).values()) == [0, 6, 12, 36, 60]
    services.settings_update(actor=admin, organisation=organisation,
                             values={"followup_schedule": "0,12,24"})
    case.refresh_from_db()
    case.organisation.refresh_from_db()
    assert list(organisation_schedule(case).values()) == [0, 12, 24]


def test_evidence_limit_of_the_organisation(admin: Any, organisation: Any, make_user: Any,
                                            settings: Any, tmp_path: Any) -> None:
    from boussole.web.cases.services import EvidenceRejected, case_create, evidence_add

    settings.MEDIA_ROOT = tmp_path
    lead = make_user("p", organisation)
    case = case_create(organisation=organisation, user=lead, title="A", service="S",
                       purpose="P")
    services.settings_update(actor=admin, organisation=organisation,
                             values={"evidence_max_mb": 1})
    case.organisation.refresh_from_db()
    big = SimpleUploadedFile("note.txt", b"x" * (1024 * 1024 + 1), content_type="text/plain")
    with pytest.raises(EvidenceRejected, match="taille maximale de 1 Mo"):
        evidence_add(case=case, user=lead, upload=big)
    small = SimpleUploadedFile("note.txt", b"x" * 1000, content_type="text/plain")
    assert evidence_add(case=case, user=lead, upload=small).size == 1000
    # The instance's limit stays a maximum even if a larger value was stored.
    organisation.evidence_max_mb = 10_000
    assert organisation.evidence_limit_mb == settings.BOUSSOLE_EVIDENCE_MAX_MB


def test_people_page_queries_are_bounded(client: Any, admin: Any, organisation: Any,
                                         make_user: Any, django_assert_max_num_queries: Any
                                         ) -> None:
    for n in range(15):
        services.user_invite(organisation=organisation, actor=admin,
                             email=f"p{n}@ville.fr", role="porteur", base_url="")
    client.force_login(admin)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("administration:people")).status_code == 200
    assert Invitation.objects.count() == 15


def test_offered_versions_without_default_give_the_latest_offered(
        admin: Any, organisation: Any) -> None:
    from boussole.web.grids import grid_for_new_case

    assert grid_for_new_case(organisation).version == 2
    organisation.grid_versions = "boussole-nantes@1"
    assert grid_for_new_case(organisation).version == 1
    organisation.grid_versions = "boussole-nantes@1,boussole-nantes@2"
    assert grid_for_new_case(organisation).version == 2
    organisation.default_grid = "boussole-nantes@9"  # no longer installed: skipped
    assert grid_for_new_case(organisation).version == 2


@pytest.mark.parametrize(("role", "domain", "delegation", "fields"), [
    ("referent", "juridique", "", []),
    ("referent", "", "", ["domain"]),
    ("referent", "inconnu", "", ["domain"]),
    ("elu", "", "rh", []),
    ("elu", "juridique", "", ["delegation"]),
    ("porteur", "", "", []),
    ("chef", "", "", ["role"]),
])
def test_core_assignment_rule(role: str, domain: str, delegation: str,
                              fields: list[str]) -> None:
    assert [f for f, _m in roles.assignment_problems(role, domain, delegation)] == fields


def test_core_admin_rule() -> None:
    def problem(actor: int | None, target: int, admin: bool, stays: bool, others: int
                ) -> str | None:
        return roles.admin_change_problem(actor_id=actor, target_id=target,
                                          target_is_active_admin=admin,
                                          stays_active_admin=stays, other_active_admins=others)

    assert problem(1, 1, True, True, 0) is None  # an admin edits their own domain: fine
    assert "vous désactiver" in (problem(1, 1, True, False, 3) or "")
    assert "au moins une" in (problem(1, 2, True, False, 0) or "")
    assert problem(1, 2, True, False, 1) is None
    assert problem(1, 2, False, False, 0) is None  # not an admin: no rule
