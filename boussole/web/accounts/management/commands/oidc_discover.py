"""``boussole manage oidc_discover URL``: print the BOUSSOLE_OIDC_* endpoint variables read from
a provider's discovery document (…/.well-known/openid-configuration)."""

from __future__ import annotations

from typing import Any

import requests
from django.core.management.base import BaseCommand, CommandError, CommandParser

from boussole.web.accounts import oidc


class Command(BaseCommand):
    help = ("Affiche les variables BOUSSOLE_OIDC_*_ENDPOINT d'un fournisseur d'identité, lues "
            "dans son document de découverte.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("url", help="adresse du document …/.well-known/openid-configuration")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            lines, warnings = oidc.discover(options["url"])
        except (requests.RequestException, ValueError) as error:
            raise CommandError(f"Document de découverte illisible ({options['url']}) : "
                               f"{error}") from None
        for warning in warnings:
            self.stderr.write(f"Attention : {warning}")
        for line in lines:
            self.stdout.write(line)
