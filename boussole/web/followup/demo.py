"""The demonstration follow-up: the demo case in service has a plan whose first two reviews
are done (with their conclusions), and one incident. Dates are relative to today, so that the
next review is always coming up when a newcomer opens the demo."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from boussole.core import followup as rules
from boussole.web.accounts.models import User
from boussole.web.cases.models import Case
from boussole.web.followup import services
from boussole.web.followup.models import Review

CONCLUSIONS = {
    "t0": "Mise en service sans difficulté. Les agents de l'accueil ont été formés ; "
          "le tri proposé est relu par un agent avant envoi.",
    "m6": "Charge de tri en baisse selon les agents ; deux erreurs d'orientation signalées "
          "et corrigées. Poursuivre la relecture humaine systématique.",
}


def followup_demo(case: Case, people: dict[str, User], today: dt.date | None = None) -> None:
    """Backdate the plan of ``case`` (in service) so that its 1-year review is two weeks away,
    conclude the first two reviews and record one incident."""
    today = today or timezone.localdate()
    start = rules.add_months(today, -12) + dt.timedelta(days=14)
    pilot = people["numerique"]
    services.plan_restart(case=case, user=pilot, start=start,
                          reason="Date effective de mise en service (démonstration).")
    for stage, days_after in (("t0", 0), ("m6", 5)):
        review = Review.objects.get(plan__case=case, stage=stage)
        services.review_conclude(case=case, user=review.person or people["rh"], review=review,
                                 conclusion=CONCLUSIONS[stage],
                                 done_on=review.due + dt.timedelta(days=days_after))
    services.event_record(
        case=case, user=people["porteur"], kind="incident",
        occurred_on=rules.add_months(start, 3),
        description="Panne du service de tri pendant une demi-journée : courriels triés à la "
                    "main, aucun courriel perdu.")
