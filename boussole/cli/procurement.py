"""``boussole case vendor-import ID --bidder NAME FILE``: a bidder's filled tender annex,
imported into a consultation of the case (refused whole, nothing kept, with a French message
saying where)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from boussole.cli.database import setup_database
from boussole.core.errors import InvalidDocument, Refusal


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 2


def _operator(case: Any, username: str | None) -> Any:
    """Who imports: the named account of the case's organisation, else the case's lead."""
    from boussole.web.accounts.models import User

    if username:
        user = User.objects.filter(organisation=case.organisation_id, username=username,
                                   is_active=True).first()
        if user is None:
            raise LookupError(f"Erreur : aucun compte actif « {username} » dans l'organisation "
                              "du dossier.")
        return user
    return case.lead


def cmd_vendor_import(args: argparse.Namespace) -> int:
    setup_database()
    from boussole.core.grid import AnswerInvalid
    from boussole.web.cases.models import Case
    from boussole.web.procurement import services
    from boussole.web.procurement.models import Consultation

    case = Case.objects.select_related("organisation", "lead").filter(pk=args.id).first()
    if case is None:
        return _fail(f"Erreur : dossier n° {args.id} introuvable.")
    consultations = Consultation.objects.filter(case=case, state="open")
    if args.consultation:
        consultations = consultations.filter(pk=args.consultation)
    found = list(consultations[:2])
    if not found:
        return _fail(f"Erreur : le dossier {case.reference} n'a pas de consultation ouverte"
                     + (f" n° {args.consultation}" if args.consultation else "")
                     + " : créez-la sur la page « Marché public » du dossier.")
    if len(found) > 1:
        return _fail(f"Erreur : le dossier {case.reference} a plusieurs consultations "
                     "ouvertes : précisez --consultation N.")
    try:
        user = _operator(case, args.user)
    except LookupError as exc:
        return _fail(str(exc))
    path = Path(args.file)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return _fail(f"Erreur : le fichier « {path} » est introuvable.")
    except IsADirectoryError:
        return _fail(f"Erreur : « {path} » est un dossier, pas un fichier.")
    except OSError:
        return _fail(f"Erreur : le fichier « {path} » ne peut pas être lu (droits d'accès ?).")
    try:
        bidder = services.annex_import(consultation=found[0], user=user,
                                       bidder_name=args.bidder, data=data, filename=path.name)
    except InvalidDocument as exc:
        return _fail(exc.report() + "\nAucune donnée n'a été importée.")
    except (Refusal, AnswerInvalid) as exc:
        return _fail(f"Erreur : {exc}\nAucune donnée n'a été importée.")
    count = bidder.answers.count()
    who = user.get_full_name() or user.username
    print(f"Annexe importée : {count} réponse{'s' if count > 1 else ''} de « {bidder.name} » "
          f"dans la consultation « {found[0].title} » du dossier {case.reference}, par {who} "
          f"(compte « {user.username} »).")
    return 0


def add_vendor_import(case_subparsers: Any, case_id: Callable[[str], int]) -> None:
    """Register ``vendor-import`` under ``boussole case``."""
    parser = case_subparsers.add_parser(
        "vendor-import", help="importer l'annexe fournisseur remplie par un soumissionnaire")
    parser.add_argument("id", type=case_id, metavar="ID", help="numéro du dossier")
    parser.add_argument("file", metavar="FICHIER", help="annexe remplie (ODS ou XLSX)")
    parser.add_argument("--bidder", required=True, metavar="NOM",
                        help="nom du soumissionnaire (créé s'il n'existe pas)")
    parser.add_argument("--consultation", type=int, metavar="N",
                        help="consultation ouverte du dossier (s'il y en a plusieurs)")
    parser.add_argument("--user", metavar="IDENTIFIANT",
                        help="compte qui importe (par défaut : le chef de projet du dossier)")
    parser.set_defaults(handler=cmd_vendor_import)
