"""The follow-up of a case in service through the web layer: the plan created on entering
service, schedule changes audited with their reason, late reviews by date, conclusions, events,
a material change reopening the instruction with the frozen version unchanged, the page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from boussole.core import followup as rules
from boussole.web import demo
from boussole.web.accounts.models import Organisation, User
from boussole.web.cases import services as cases_services
from boussole.web.cases.models import AuditEvent, Case
from boussole.web.decisions import services as wf
from boussole.web.decisions.models import FileVersion, Notification
from boussole.web.decisions.selectors import version_diff
from boussole.web.followup import selectors, services
from boussole.web.followup.models import CaseEvent, FollowupPlan, ReminderSent, Review
from boussole.web.surveys.models import SurveyRound

pytestmark = pytest.mark.django_db


@pytest.fixture
def people() -> dict[str, User]:
    demo.create_demo()
    return {u.username: u for u in User.objects.filter(organisation__slug=demo.DEMO_SLUG)}


def in_service() -> Case:
    return Case.objects.get(state="en_service", organisation__slug=demo.DEMO_SLUG)


def bring_into_service(case: Case, people: dict[str, User]) -> None:
    """The demo case waiting for the officials, validated and put into service."""
    for login in ("elu-numerique", "elu-rh", "elu-thematique"):
        wf.decision_record(case=case, user=people[login], decision="valide",
                           decided_on=timezone.localdate(), reference="Délibération test",
                           confirmed=True)
    wf.transition_apply(case=case, user=people["numerique"], code="constater_validation")
    wf.union_information_record(case=case, user=people["porteur"],
                                held_on=timezone.localdate(), body="Comité social territorial",
                                documents="Note v1")


def test_plan_created_on_entering_service(people: dict[str, User]) -> None:
    case = Case.objects.get(state="decision", organisation__slug=demo.DEMO_SLUG)
    bring_into_service(case, people)
    assert not FollowupPlan.objects.filter(case=case).exists()  # not before the service
    lead = case.lead
    wf.transition_apply(case=case, user=lead, code="mettre_en_service")
    plan = FollowupPlan.objects.get(case=case)
    today = timezone.localdate()
    assert plan.started_on == today
    reviews = list(plan.reviews.all())
    assert [(r.stage, r.due) for r in reviews] == rules.schedule(today)
    assert [r.due for r in reviews][1:] == [rules.add_months(today, m) for m in (6, 12, 36, 60)]
    # The person in charge by default: the HR / working-conditions referent.
    assert {r.person for r in reviews} == {people["rh"]}
    assert AuditEvent.objects.filter(case=case, action="followup_plan_created").count() == 1
    states = [r.state_code for r in selectors.plan_reviews(plan, today)]  # type: ignore[attr-defined]
    assert states == ["open", "planned", "planned", "planned", "planned"]


def test_schedule_change_needs_a_reason_and_is_audited(people: dict[str, User]) -> None:
    case = in_service()
    review = Review.objects.get(plan__case=case, stage="a3")
    before = review.due
    trail = AuditEvent.objects.filter(case=case).count()
    with pytest.raises(services.FollowupRefused, match="motif"):
        services.review_move(case=case, user=people["numerique"], review=review,
                             due=before + dt.timedelta(days=30), reason="  ")
    review.refresh_from_db()
    assert review.due == before and AuditEvent.objects.filter(case=case).count() == trail
    new_due = before + dt.timedelta(days=30)
    services.review_move(case=case, user=people["numerique"], review=review, due=new_due,
                         reason="Comité social territorial reporté")
    review.refresh_from_db()
    assert review.due == new_due
    event = AuditEvent.objects.filter(case=case).latest("sequence")
    assert event.action == "followup_review_moved"
    assert event.note == "Comité social territorial reporté"
    assert event.before is not None and event.before["due"] == before.isoformat()
    assert event.after is not None and event.after["due"] == new_due.isoformat()
    # Adding a review: a reason too.
    with pytest.raises(services.FollowupRefused, match="motif"):
        services.review_add(case=case, user=people["rh"], due=new_due, reason="")
    added = services.review_add(case=case, user=people["rh"], due=new_due,
                                reason="Point d'étape demandé par les représentants")
    assert added.stage == "x1" and added.person == people["rh"]
    assert AuditEvent.objects.filter(case=case, action="followup_review_added",
                                     note="Point d'étape demandé par les représentants").exists()
    # A person outside the planners may not change the schedule.
    with pytest.raises(PermissionDenied, match="calendrier"):
        services.review_move(case=case, user=people["juriste"], review=review, due=new_due,
                             reason="x")


def test_late_detected_by_date(people: dict[str, User]) -> None:
    case = in_service()
    plan = FollowupPlan.objects.get(case=case)
    a1 = Review.objects.get(plan=plan, stage="a1")

    def state_on(day: dt.date) -> str:
        states = {r.stage: str(r.state_code)  # type: ignore[attr-defined]
                  for r in selectors.plan_reviews(plan, day)}
        return states["a1"]

    assert state_on(a1.due - dt.timedelta(days=rules.OPEN_WINDOW_DAYS + 1)) == "planned"
    assert state_on(a1.due) == "open"
    assert state_on(a1.due + dt.timedelta(days=1)) == "late"
    items = services.reminders_due(a1.due + dt.timedelta(days=1))
    assert [(i.stage, i.kind) for i in items if i.kind.startswith("review_")] == [
        ("a1", "review_late")]
    # The two first reviews were done in the demo: never late.
    assert {r.stage: r.state_code for r in selectors.plan_reviews(  # type: ignore[attr-defined]
        plan, dt.date(2040, 1, 1))}["m6"] == "done"


def test_conclusion_by_the_person_in_charge_and_the_last_review(people: dict[str, User]
                                                                 ) -> None:
    case = in_service()
    a1 = Review.objects.get(plan__case=case, stage="a1")
    with pytest.raises(PermissionDenied, match="responsable"):
        services.review_conclude(case=case, user=people["juriste"], review=a1,
                                 conclusion="RAS")
    services.review_conclude(case=case, user=people["rh"], review=a1, conclusion="RAS")
    a1.refresh_from_db()
    assert a1.done_on == timezone.localdate() and a1.concluded_by == people["rh"]
    a5 = Review.objects.get(plan__case=case, stage="a5")
    with pytest.raises(services.FollowupRefused, match="clore ou de prolonger"):
        services.review_conclude(case=case, user=people["rh"], review=a5, conclusion="Bilan")
    services.review_conclude(case=case, user=people["rh"], review=a5, conclusion="Bilan",
                             outcome="prolonger")
    extension = Review.objects.get(plan__case=case, stage="p1")
    assert extension.due == rules.add_months(a5.due, 12)
    services.review_conclude(case=case, user=people["rh"], review=extension,
                             conclusion="Fin", outcome="clore")
    plan = FollowupPlan.objects.get(case=case)
    assert plan.closed_on == timezone.localdate()
    # A closed plan reminds nothing (the other demo case waits for its decision).
    assert [i for i in services.reminders_due(dt.date(2040, 1, 1)) if i.case == case] == []


def test_material_change_reopens_instruction_frozen_version_unchanged(
        people: dict[str, User]) -> None:
    case = in_service()
    version = FileVersion.objects.get(case=case)
    frozen = (version.sha256, version.snapshot)
    services.event_record(case=case, user=people["porteur"], kind="incident",
                          occurred_on=timezone.localdate(), description="Lenteurs")
    case.refresh_from_db()
    assert case.state == "en_service"  # an incident does not reopen
    services.event_record(case=case, user=people["porteur"], kind="changement_materiel",
                          occurred_on=timezone.localdate(),
                          description="Nouveau modèle proposé par l'éditeur")
    case.refresh_from_db()
    assert case.state == "en_instruction"
    assert CaseEvent.objects.filter(case=case, kind="changement_materiel").count() == 1
    move = AuditEvent.objects.filter(case=case, action="followup_event_recorded").count()
    assert move == 3  # the demo's incident, and these two
    version.refresh_from_db()
    assert (version.sha256, version.snapshot) == frozen
    assert FileVersion.objects.filter(case=case).count() == 1  # the next one at the next sending
    # The file changes, goes back to the officials: version 2, whose diff shows the change.
    cases_services.answer_record(case=case, user=people["numerique-responsable"],
                                 item_id="nombre_parametres", value=8_000_000_000)
    wf.transition_apply(case=case, user=people["numerique"], code="consolider_avis")
    wf.transition_apply(case=case, user=people["numerique"], code="transmettre_elus")
    second = FileVersion.objects.get(case=case, number=2)
    version.refresh_from_db()
    assert (version.sha256, version.snapshot) == frozen
    changed = {d["item"]: d["after"] for d in version_diff(version, second)["answers"]}
    assert changed["nombre_parametres"][0] == 8_000_000_000


def test_material_change_refused_whole_for_who_may_not_reopen(people: dict[str, User]) -> None:
    case = in_service()
    with pytest.raises(wf.WorkflowRefused):
        services.event_record(case=case, user=people["rh"], kind="changement_materiel",
                              occurred_on=timezone.localdate(), description="Nouvelle finalité")
    case.refresh_from_db()
    assert case.state == "en_service"
    assert not CaseEvent.objects.filter(case=case, kind="changement_materiel").exists()


def test_followup_page_and_forms(people: dict[str, User], client: Any) -> None:
    case = in_service()
    url = reverse("followup:case", args=[case.pk])
    client.force_login(people["numerique"])
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert 'aria-current="page">Suivi<' in text
    assert "Revue à 6 mois" in text and "Faite" in text and "À faire" in text
    assert "Panne du service de tri" in text
    review = Review.objects.get(plan__case=case, stage="a3")
    refused = client.post(url, {"action": "move", "review": review.pk,
                                "due": "2031-01-01", "reason": ""})
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "error-summary" in body and f'href="#move-{review.pk}-reason"' in body
    assert 'value="2031-01-01"' in body  # the value typed is kept
    done = client.post(url, {"action": "move", "review": review.pk, "due": "2031-01-01",
                             "reason": "Calendrier du comité"})
    assert done.status_code == 302
    review.refresh_from_db()
    assert review.due == dt.date(2031, 1, 1)
    added = client.post(url, {"action": "event", "kind": "plainte",
                              "occurred_on": timezone.localdate().isoformat(),
                              "description": "Réclamation d'un agent"})
    assert added.status_code == 302
    assert CaseEvent.objects.filter(case=case, kind="plainte").exists()
    # Another organisation's person: the case does not exist.
    other = User.objects.create(username="ailleurs", role="admin",
                                organisation=Organisation.objects.create(
                                    name="Ailleurs", slug="ailleurs"))
    client.force_login(other)
    assert client.get(url).status_code == 404


def test_reminder_notifies_once_and_the_conclusion_clears_it(people: dict[str, User]) -> None:
    case = in_service()
    a1 = Review.objects.get(plan__case=case, stage="a1")
    sent = services.reminders_send(a1.due)
    assert [(i.review.pk, i.kind) for i in sent if i.review] == [
        (a1.pk, "review_open"), (a1.pk, "survey_to_open")]
    notes = Notification.objects.filter(case=case, event="review_open")
    assert {n.user for n in notes} == {people["rh"], people["porteur"]}
    assert all(n.url == reverse("followup:case", args=[case.pk]) for n in notes)
    assert services.reminders_send(a1.due) == []  # once a day
    assert notes.count() == 2
    services.review_conclude(case=case, user=people["rh"], review=a1, conclusion="RAS")
    assert not Notification.objects.filter(case=case, event="review_open",
                                           done_at__isnull=True).exists()


def test_reminders_of_surveys_and_decisions(people: dict[str, User]) -> None:
    """On a given day: the survey of an open review's stage not opened yet, a round open for
    more than 30 days, a decision waiting for officials more than 14 days after the frozen
    version was sent. The dry run lists them and sends nothing; the real run sends once."""
    case = in_service()  # the demo's closed T0 round; no round at the 1-year stage
    a1 = Review.objects.get(plan__case=case, stage="a1")
    day = a1.due  # a1 is open that day
    old = SurveyRound.objects.create(case=case, stage="M6", direction="Accueil",
                                     questionnaire_id="conditions-travail",
                                     questionnaire_version=1,
                                     opened_on=day - dt.timedelta(days=31))
    SurveyRound.objects.create(case=case, stage="M6", direction="Courrier",  # 30 days: not yet
                               questionnaire_id="conditions-travail", questionnaire_version=1,
                               opened_on=day - dt.timedelta(days=30))
    waiting = Case.objects.get(state="decision", organisation__slug=demo.DEMO_SLUG)
    version = FileVersion.objects.get(case=waiting)
    FileVersion.objects.filter(pk=version.pk).update(
        frozen_at=timezone.make_aware(dt.datetime.combine(day - dt.timedelta(days=15),
                                                          dt.time(12))))
    wf.decision_record(case=waiting, user=people["elu-numerique"], decision="valide",
                       decided_on=timezone.localdate(), reference="Délibération test",
                       confirmed=True)
    required = waiting.organisation.decision_delegations
    officials = sorted(u.username for u in User.objects.filter(
        organisation=waiting.organisation, role="elu", is_active=True,
        delegation__in=[d for d in required if d != "numerique"]))
    assert officials and "elu-numerique" not in officials
    hr = sorted(u.username for u in User.objects.filter(
        organisation=case.organisation, role="referent", domain="rh_qvt", is_active=True))
    expected: list[dict[str, Any]] = [
        {"case_id": case.pk, "kind": "survey_to_open", "due": a1.due.isoformat(),
         "recipients": [a1.person.username]},  # type: ignore[union-attr]
        {"case_id": case.pk, "kind": "survey_to_close",
         "due": (old.opened_on + dt.timedelta(days=30)).isoformat(), "recipients": hr},
        {"case_id": waiting.pk, "kind": "decision_waiting",
         "due": (day - dt.timedelta(days=1)).isoformat(), "recipients": officials},
    ]
    new_kinds = {"survey_to_open", "survey_to_close", "decision_waiting"}

    def listed(items: list[services.Reminder]) -> list[dict[str, Any]]:
        rows = [item.as_dict() for item in items if item.kind in new_kinds]
        return [{"case_id": r["case_id"], "kind": r["kind"], "due": r["due"],
                 "recipients": sorted(r["recipients"])} for r in rows]

    notes = Notification.objects.filter(event__in=new_kinds)
    assert listed(services.reminders_due(day)) == expected
    assert not notes.exists() and not ReminderSent.objects.exists()  # the dry run sends nothing
    # The day before the decision is late, and before the round is 31 days old: neither.
    assert [r["kind"] for r in listed(services.reminders_due(day - dt.timedelta(days=1)))] == [
        "survey_to_open"]

    assert listed(services.reminders_send(day)) == expected
    by_event = {code: sorted(n.user.username for n in notes.filter(event=code))
                for code in new_kinds}
    assert by_event == {row["kind"]: row["recipients"] for row in expected}
    assert ReminderSent.objects.filter(kind__in=new_kinds, sent_on=day).count() == 3
    assert services.reminders_send(day) == []  # twice the same day: nothing new
    assert notes.count() == sum(len(row["recipients"]) for row in expected)

    # The survey of the stage opened (stored in upper case): no longer to open.
    SurveyRound.objects.create(case=case, stage="A1", direction="Accueil",
                               questionnaire_id="conditions-travail", questionnaire_version=1,
                               opened_on=day)
    later = day + dt.timedelta(days=1)
    assert "survey_to_open" not in {r["kind"] for r in listed(services.reminders_due(later))}
