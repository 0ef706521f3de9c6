"""``boussole org ...`` and ``boussole user ...``: organisations, people and API tokens from the
command line (the first administrator of an instance is made here)."""

from __future__ import annotations

import argparse
import contextlib
import sys
from typing import Any

from boussole.cli.database import setup_database


def _error(message: str) -> int:
    print(f"Erreur : {message}", file=sys.stderr)
    return 2


def cmd_org_create(args: argparse.Namespace) -> int:
    setup_database()
    from boussole.web.administration.services import AdminRefused, organisation_create

    try:
        organisation = organisation_create(name=args.name, slug=args.slug,
                                           headcount=args.headcount)
    except AdminRefused as refused:
        return _error(" ".join(refused.messages))
    print(f"Organisation « {organisation.name} » créée (identifiant : {organisation.slug}).")
    return 0


def cmd_user_invite(args: argparse.Namespace) -> int:
    setup_database()
    from django.conf import settings

    from boussole.web.accounts.models import Organisation
    from boussole.web.administration.services import INVITATION_DAYS, AdminRefused, user_invite

    organisation = Organisation.objects.filter(slug=args.org).first()
    if organisation is None:
        return _error(f"organisation « {args.org} » introuvable (boussole org create).")
    try:
        # The console e-mail backend prints the message: keep it off the standard output,
        # whose last line is the link.
        with contextlib.redirect_stdout(sys.stderr):
            invitation, link = user_invite(
                organisation=organisation, actor=None, email=args.email, role=args.role,
                domain=args.domain, delegation=args.delegation, first_name=args.first_name,
                last_name=args.last_name, send=not args.no_email)
    except AdminRefused as refused:
        return _error(" ".join(refused.messages))
    if not settings.BOUSSOLE_SITE_URL:
        print("Attention : BOUSSOLE_SITE_URL n'est pas défini, le lien est un chemin à "
              "ajouter à l'adresse de Boussole.", file=sys.stderr)
    print(f"Invitation créée pour {invitation.email} (identifiant : {invitation.user.username}), "
          f"valable {INVITATION_DAYS} jours, à usage unique. Lien :")
    print(link)
    return 0


def register(sub: Any) -> None:
    org = sub.add_parser("org", help="organisations de l'instance")
    org_sub = org.add_subparsers(dest="org_command", metavar="SOUS-COMMANDE")
    org.set_defaults(handler=lambda args: _help(org))
    create = org_sub.add_parser("create", help="créer une organisation")
    create.add_argument("--name", required=True, metavar="NOM", help="nom de l'organisation")
    create.add_argument("--slug", required=True, metavar="IDENTIFIANT",
                        help="identifiant court (lettres, chiffres, tirets)")
    create.add_argument("--headcount", type=int, metavar="N",
                        help="effectif en équivalents temps plein")
    create.set_defaults(handler=cmd_org_create)

    user = sub.add_parser("user", help="personnes et jetons d'API")
    user_sub = user.add_subparsers(dest="user_command", metavar="SOUS-COMMANDE")
    user.set_defaults(handler=lambda args: _help(user))
    invite = user_sub.add_parser(
        "invite", help="inviter une personne : crée son compte et affiche (dernière ligne) le "
                       "lien à usage unique où elle choisit son mot de passe")
    invite.add_argument("--org", required=True, metavar="IDENTIFIANT",
                        help="identifiant de l'organisation")
    invite.add_argument("--email", required=True, metavar="ADRESSE")
    invite.add_argument("--role", required=True,
                        choices=("porteur", "referent", "elu", "representant_personnel",
                                 "prestataire", "admin"))
    invite.add_argument("--domain", default="", metavar="DOMAINE",
                        help="domaine d'un·e référent·e (juridique, cybersecurite, rh_qvt, "
                             "numerique_responsable, donnees, organisation, numerique)")
    invite.add_argument("--delegation", default="", metavar="DÉLÉGATION",
                        help="délégation d'un·e élu·e (numerique, rh, thematique)")
    invite.add_argument("--first-name", default="", metavar="PRÉNOM")
    invite.add_argument("--last-name", default="", metavar="NOM")
    invite.add_argument("--no-email", action="store_true",
                        help="ne pas envoyer le courriel (le lien est seulement affiché)")
    invite.set_defaults(handler=cmd_user_invite)
    _register_token(user_sub)


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


# --- API tokens --------------------------------------------------------------------------

def cmd_user_token(args: argparse.Namespace) -> int:
    """Make a personal API token for a person; the token is the last line of the output."""
    setup_database()
    from boussole.core.errors import Refusal
    from boussole.web.accounts.models import User
    from boussole.web.api.tokens import token_create

    person = User.objects.filter(username=args.username).first()
    if person is None:
        return _error(f"personne « {args.username} » introuvable.")
    try:
        made = token_create(user=person, name=args.name, scope=args.scope)
    except Refusal as refused:
        return _error(" ".join(refused.messages))
    scope = "lecture et écriture" if args.scope == "write" else "lecture seule"
    print(f"Jeton d'API « {made.record.name} » ({scope}) créé pour {person.username}. Il ne "
          "sera plus affiché : copiez-le maintenant.")
    print(made.secret)
    return 0


def _register_token(user_sub: Any) -> None:
    token = user_sub.add_parser(
        "token", help="créer un jeton d'API personnel (affiché une seule fois, en dernière "
                      "ligne)")
    token.add_argument("username", metavar="IDENTIFIANT", help="identifiant de la personne")
    token.add_argument("--scope", required=True, choices=("read", "write"),
                       help="read : lecture seule ; write : lecture et écriture")
    token.add_argument("--name", default="ligne de commande", metavar="NOM",
                       help="nom du jeton (par défaut : « ligne de commande »)")
    token.set_defaults(handler=cmd_user_token)
