"""``boussole case list|export|import``: whole cases as JSON documents (``boussole-case/1``)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from boussole.cli import followup, procurement
from boussole.cli.database import setup_database
from boussole.core.errors import InvalidDocument


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 2


def _case_id(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"identifiant de dossier invalide : « {raw} » (un "
                                         "nombre entier est attendu).") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"identifiant de dossier invalide : « {raw} ».")
    return value


def cmd_list(args: argparse.Namespace) -> int:
    setup_database()
    from boussole.web.accounts.models import Organisation
    from boussole.web.cases.models import Case

    cases = Case.objects.select_related("organisation", "lead").order_by("organisation__slug",
                                                                          "id")
    if args.organisation:
        if not Organisation.objects.filter(slug=args.organisation).exists():
            return _fail(f"Erreur : organisation « {args.organisation} » introuvable.")
        cases = cases.filter(organisation__slug=args.organisation)
    rows = [{"id": case.pk, "reference": case.reference, "title": case.title,
             "organisation": case.organisation.slug, "state": case.state,
             "grid": case.grid_key, "lead": case.lead.username,
             "updated_at": case.updated_at.isoformat()} for case in cases]
    if args.format == "json":
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    else:
        for row in rows:
            print(f"{row['id']}\t{row['organisation']}\t{row['reference']}\t{row['state']}\t"
                  f"{row['grid']}\t{row['title']}")
        print(f"{len(rows)} dossier{'s' if len(rows) > 1 else ''}.", file=sys.stderr)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    setup_database()
    from boussole.web.cases.exchange import ExportError, case_export
    from boussole.web.cases.models import Case

    case = Case.objects.filter(pk=args.id).first()
    if case is None:
        return _fail(f"Erreur : dossier n° {args.id} introuvable.")
    try:
        document = case_export(case)
    except ExportError as exc:
        return _fail(f"Erreur : dossier n° {args.id} : {exc}")
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as exc:
            return _fail(f"Erreur : écriture impossible dans « {args.output} » "
                         f"({exc.strerror}).")
        print(f"Dossier {case.reference} exporté dans {args.output}.", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def _importer(organisation: Any, username: str | None) -> Any:
    """The importing user: the named one, or the organisation's first active administrator."""
    from boussole.web.accounts.models import Role, User

    people = User.objects.filter(organisation=organisation, is_active=True)
    if username:
        user = people.filter(username=username).first()
        if user is None:
            raise LookupError(f"Erreur : aucun compte actif « {username} » dans l'organisation "
                              f"« {organisation.slug} ».")
        return user
    user = people.filter(role=Role.ADMIN).order_by("username").first()
    if user is None:
        raise LookupError(f"Erreur : l'organisation « {organisation.slug} » n'a pas "
                          "d'administrateur·rice actif·ve : précisez --user.")
    return user


def cmd_import(args: argparse.Namespace) -> int:
    setup_database()
    from django.db import DatabaseError

    from boussole.web.accounts.models import Organisation
    from boussole.web.cases.exchange import case_import, load_document

    organisation = Organisation.objects.filter(slug=args.organisation).first()
    if organisation is None:
        return _fail(f"Erreur : organisation « {args.organisation} » introuvable.")
    try:
        user = _importer(organisation, args.user)
    except LookupError as exc:
        return _fail(str(exc))
    source = str(args.file)
    try:
        document = load_document(source)
        case = case_import(document, organisation=organisation, user=user,
                           source=Path(source).name)
    except InvalidDocument as exc:
        exc.source = source
        return _fail(exc.report() + "\nAucune donnée n'a été importée.")
    except DatabaseError as exc:
        return _fail(f"{source} : l'import a échoué dans la base de données ({exc}). "
                     "Aucune donnée n'a été importée.")
    event = case.audit_events.filter(action="case_imported").order_by("-sequence").first()
    record: dict[str, Any] = (event.after if event is not None and isinstance(event.after, dict)
                              else {})
    print(f"Dossier importé : n° {case.pk}, référence {case.reference} "
          f"({organisation.slug}), par {user.username}.")
    if record.get("reference") != record.get("source", {}).get("reference"):
        print(f"Attention : la référence {record['source']['reference']} existait déjà dans "
              f"l'organisation ; nouvelle référence {case.reference}.", file=sys.stderr)
    unmatched = record.get("unmatched_people") or []
    if unmatched:
        names = ", ".join(f"{p['name']} ({p['username']})" for p in unmatched)
        print(f"Attention : personnes absentes de l'organisation, rattachées à {user.username} "
              f"(voir le journal du dossier) : {names}.", file=sys.stderr)
    verified = record.get("source_audit", {}).get("verified")
    if verified is False:
        print("Attention : la chaîne d'empreintes du journal d'origine ne se vérifie pas "
              "(journal modifié depuis l'export ?) ; c'est noté au journal du dossier.",
              file=sys.stderr)
    return 0


def _emit(content: bytes, what: str, output: str | None) -> int:
    """Write a generated file to ``output`` (saying so on standard error) or to standard
    output; a file that cannot be written is an error in French."""
    if output:
        try:
            Path(output).write_bytes(content)
        except OSError as exc:
            return _fail(f"Erreur : écriture impossible dans « {output} » ({exc.strerror}).")
        print(f"{what} écrite dans {output}.", file=sys.stderr)
    else:
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
    return 0


def cmd_memo(args: argparse.Namespace) -> int:
    """The decision memo of a frozen version (the latest by default), to standard output; for
    a case not yet frozen (or with ``--projet``), a preview marked « Projet — version non
    figée » on every page, built without writing anything."""
    setup_database()
    from boussole.web.cases.models import Case
    from boussole.web.decisions import memo
    from boussole.web.decisions.models import FileVersion

    case = Case.objects.filter(pk=args.id).first()
    if case is None:
        return _fail(f"Erreur : dossier n° {args.id} introuvable.")
    versions = FileVersion.objects.filter(case=case).order_by("-number")
    numbers = ", ".join(str(n) for n in versions.values_list("number", flat=True))
    state = case.get_state_display()
    if args.version:
        version = versions.filter(number=args.version).first()
        if version is None:
            frozen = (f"versions figées : {numbers}" if numbers
                      else "le dossier n'a encore jamais été figé")
            return _fail(f"Erreur : dossier {case.reference} : la version {args.version} "
                         f"n'existe pas ({frozen}).")
    else:
        version = None if args.projet else versions.first()
    if version is None:
        if not memo.preview_available(case):
            if args.projet:
                return _fail(f"Erreur : dossier {case.reference} : à l'étape « {state} », le "
                             "dossier est figé ; sa note est celle de sa dernière version "
                             f"figée (versions : {numbers or 'aucune'}).")
            return _fail(f"Erreur : dossier {case.reference} : à l'étape « {state} », il n'a "
                         "pas de version figée dont produire la note.")
        content, _type, name = memo.render_preview(case, args.format)
        print(f"Aperçu du dossier {case.reference} (étape « {state} ») : chaque page porte la "
              "mention « Projet — version non figée » ; seule la note de la version figée à "
              "la transmission aux élus fait foi.", file=sys.stderr)
    else:
        content, _type, name = memo.render(version, args.format)
    return _emit(content, f"Note {name}", args.output)


def cmd_vendor_pack(args: argparse.Namespace) -> int:
    """The tender annex of a case (the grid's vendor questions, ready for a consultation
    file), to standard output or ``--output``."""
    setup_database()
    from boussole.web.cases.models import Case
    from boussole.web.procurement.pack_views import render_pack

    case = Case.objects.select_related("organisation").filter(pk=args.id).first()
    if case is None:
        return _fail(f"Erreur : dossier n° {args.id} introuvable.")
    try:
        content, _type, name = render_pack(case, args.format)
    except LookupError as exc:
        return _fail(f"Erreur : dossier {case.reference} : {exc}")
    return _emit(content, f"Annexe {name}", args.output)


def register(sub: Any) -> None:
    case = sub.add_parser("case", help="dossiers : lister, exporter, importer (JSON)")
    case_sub = case.add_subparsers(dest="case_command", metavar="ACTION", required=True)

    listing = case_sub.add_parser("list", help="lister les dossiers")
    listing.add_argument("--format", choices=("text", "json"), default="text")
    listing.add_argument("--organisation", metavar="SLUG",
                         help="seulement les dossiers de cette organisation")
    listing.set_defaults(handler=cmd_list)

    export = case_sub.add_parser("export", help="exporter un dossier complet en JSON")
    export.add_argument("id", type=_case_id, metavar="ID", help="numéro du dossier")
    export.add_argument("--output", "-o", metavar="FICHIER",
                        help="écrire dans ce fichier plutôt que sur la sortie standard")
    export.set_defaults(handler=cmd_export)

    imports = case_sub.add_parser("import", help="importer un dossier exporté (JSON)")
    imports.add_argument("file", metavar="FICHIER")
    imports.add_argument("--organisation", required=True, metavar="SLUG",
                         help="organisation qui reçoit le dossier")
    imports.add_argument("--user", metavar="IDENTIFIANT",
                         help="compte qui importe (par défaut : le premier administrateur "
                              "actif de l'organisation)")
    imports.set_defaults(handler=cmd_import)

    memo = case_sub.add_parser("memo", help="note d'aide à la décision (PDF/A, ODT ou HTML)")
    memo.add_argument("id", type=_case_id, metavar="ID", help="numéro du dossier")
    memo.add_argument("--format", choices=("pdf", "odt", "html"), default="pdf")
    which = memo.add_mutually_exclusive_group()
    which.add_argument("--version", type=int, metavar="N",
                       help="version figée (par défaut : la dernière ; sans version figée, "
                            "un aperçu du dossier en cours)")
    which.add_argument("--projet", action="store_true",
                       help="aperçu de la note du dossier tel qu'il est, avant qu'il soit figé "
                            "(« Projet — version non figée » sur chaque page)")
    memo.add_argument("--output", "-o", metavar="FICHIER",
                      help="écrire dans ce fichier plutôt que sur la sortie standard")
    memo.set_defaults(handler=cmd_memo)

    pack = case_sub.add_parser("vendor-pack", help="annexe fournisseur du dossier de "
                                                   "consultation (ODT, ODS ou XLSX)")
    pack.add_argument("id", type=_case_id, metavar="ID", help="numéro du dossier")
    pack.add_argument("--format", choices=("odt", "ods", "xlsx"), default="ods")
    pack.add_argument("--output", "-o", metavar="FICHIER",
                      help="écrire dans ce fichier plutôt que sur la sortie standard")
    pack.set_defaults(handler=cmd_vendor_pack)
    procurement.add_vendor_import(case_sub, _case_id)

    followup.register_case(case_sub, _case_id)
