"""``boussole manage legal_refresh [--all]``: store the legal levels of the cases again.

The pages read the evaluation without writing; the stored levels (case list, red-line flag)
follow the services that change the facts or the retained level. After an upgrade that brings
a new rule base, this command brings the stored levels of every case up to date.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from boussole.core.errors import InvalidDocument
from boussole.web.cases.legal import legal_refresh_all


class Command(BaseCommand):
    help = ("Réévalue les niveaux juridiques enregistrés des dossiers dont la version des règles "
            "a changé (tous avec --all).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", dest="everything",
                            help="réévaluer tous les dossiers (par exemple après un changement "
                                 "d'effectif d'une organisation)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            count = legal_refresh_all(stale_only=not options["everything"])
        except InvalidDocument as exc:
            raise CommandError("la base de règles ne peut pas évaluer un dossier :\n"
                               + exc.report()) from None
        self.stdout.write(f"{count} dossier{'s' if count > 1 else ''} réévalué"
                          f"{'s' if count > 1 else ''}.")
