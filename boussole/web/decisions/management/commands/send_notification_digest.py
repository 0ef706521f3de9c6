"""``boussole manage send_notification_digest``: the daily e-mail of notifications.

Run once a day (cron, systemd timer). It first notifies the reviews that fell due (the review
date the lawyers set with the retained legal level) and the measures of the action plans that
fell due (their owner, once per due date), then sends one e-mail to each person who
chose the daily digest, listing their notifications not yet e-mailed and still waiting, and
retries the immediate e-mails a mail server refused earlier.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from boussole.web.cases.measures import measures_due
from boussole.web.cases.notifications import reviews_due, send_digests, send_unsent_immediate


class Command(BaseCommand):
    help = ("Envoie le courriel récapitulatif quotidien des notifications (et prévient des revues "
            "arrivées à échéance).")

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        reviews = reviews_due(timezone.localdate())
        measures = measures_due(timezone.localdate())
        digests = send_digests(now)
        retried = send_unsent_immediate(before=now - dt.timedelta(hours=1))
        self.stdout.write(f"{digests} récapitulatif(s) envoyé(s), {reviews} revue(s) à "
                          f"échéance notifiée(s), {measures} mesure(s) à échéance "
                          f"notifiée(s), {retried} courriel(s) immédiat(s) renvoyé(s).")
