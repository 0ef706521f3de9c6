"""``boussole reminders`` (the daily run) and ``boussole case followup ID`` (the five-year
follow-up of a case as JSON)."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib.util
import json
import sys
from collections.abc import Callable
from typing import Any

from boussole.cli.database import setup_database


def _date(raw: str) -> dt.date:
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"date invalide : « {raw} » (format AAAA-MM-JJ)."
                                         ) from None


def _optional(module: str, name: str) -> Callable[[Any], list[dict[str, Any]]]:
    """The reader ``name`` of the optional app ``module``, or one that gives ``[]`` when the
    app is absent (only then: an error inside an installed app is not hidden)."""
    if importlib.util.find_spec(module) is None:
        return lambda case: []
    reader: Callable[[Any], list[dict[str, Any]]] = getattr(
        importlib.import_module(module), name)
    return reader


def cmd_reminders(args: argparse.Namespace) -> int:
    setup_database()
    from django.utils import timezone

    from boussole.web.followup import services

    today = args.date or timezone.localdate()
    # The console e-mail backend prints the messages: keep them off the standard output,
    # which carries the list (JSON or text).
    with contextlib.redirect_stdout(sys.stderr):
        items = (services.reminders_due(today) if args.dry_run
                 else services.reminders_send(today))
    rows = [item.as_dict() for item in items]
    if args.format == "json":
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    else:
        for row in rows:
            print(f"{row['case_id']}\t{row['reference']}\t{row['kind']}\t{row['due']}\t"
                  f"{row['label']}\t{', '.join(row['recipients'])}")
    verb = "à envoyer" if args.dry_run else "envoyé"
    print(f"{len(rows)} rappel{'s' if len(rows) > 1 else ''} {verb}"
          f"{'s' if len(rows) > 1 and not args.dry_run else ''} le {today:%d/%m/%Y}"
          f"{' (simulation : rien n’a été envoyé)' if args.dry_run else ''}.", file=sys.stderr)
    return 0


def cmd_followup(args: argparse.Namespace) -> int:
    setup_database()
    from django.utils import timezone

    from boussole.web.cases.models import Case
    from boussole.web.followup.selectors import followup_document

    case = Case.objects.filter(pk=args.id).first()
    if case is None:
        print(f"Erreur : dossier n° {args.id} introuvable.", file=sys.stderr)
        return 2
    document = followup_document(case, timezone.localdate())
    document["surveys"] = _optional("boussole.web.surveys.selectors",
                                    "case_survey_results")(case)
    document["indicators"] = _optional("boussole.web.indicators.selectors",
                                       "case_indicators")(case)
    if args.format == "json":
        sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2, default=str)
                         + "\n")
    else:
        print(f"Dossier {document['reference']} — suivi")
        for review in document["reviews"]:
            print(f"{review['due']}\t{review['state']}\t{review['label']}\t"
                  f"{review['conclusion']}")
        for event in document["events"]:
            print(f"{event['date']}\t{event['kind']}\t{event['description']}")
    return 0


def register(sub: Any) -> None:
    reminders = sub.add_parser(
        "reminders", help="rappels du jour : revues de suivi, enquêtes et décisions à faire ou en "
                          "retard (à lancer chaque jour)")
    reminders.add_argument("--date", type=_date, metavar="AAAA-MM-JJ",
                           help="jour considéré (par défaut : aujourd'hui)")
    reminders.add_argument("--dry-run", action="store_true",
                           help="lister sans rien envoyer")
    reminders.add_argument("--format", choices=("text", "json"), default="text")
    reminders.set_defaults(handler=cmd_reminders)


def register_case(case_sub: Any, case_id: Callable[[str], int]) -> None:
    followup = case_sub.add_parser("followup", help="suivi dans le temps d'un dossier en "
                                                    "service (revues, enquêtes, indicateurs, "
                                                    "événements)")
    followup.add_argument("id", type=case_id, metavar="ID", help="numéro du dossier")
    followup.add_argument("--format", choices=("text", "json"), default="json")
    followup.set_defaults(handler=cmd_followup)
