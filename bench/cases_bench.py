"""Benchmark of the case pages with many cases: the home case list and the criterion-5 page.

Usage: ``python bench/cases_bench.py [--cases 1000] [--repeat 30] [--seed 2026] [--keep]
[--reuse]``

Without ``DATABASE_URL`` the data goes to SQLite in a temporary ``BOUSSOLE_DATA_DIR`` (deleted at
the end); with ``DATABASE_URL=postgres://…`` to that database (created beforehand, e.g.
``psql -h 127.0.0.1 -U postgres -d test -c "CREATE DATABASE bench_boussole"``). The script runs
the migrations, creates N cases in one organisation — every question and profile fact answered
with a valid value drawn from the grid (``bulk_create``; beyond 2,000 cases, copies of the
first 2,000 made by the database; no audit events for this bulk data) —
then requests ``/`` and ``/cas/<id>/critere/5/`` K times each with Django's test client, as the
cases' project lead, and prints the median and 95th percentile in ms and the SQL query count
per page. The bench organisation is removed at the end unless ``--keep``; ``--reuse`` measures
the organisation kept by an earlier ``--keep`` run when it holds N cases (loading 100,000 cases
takes long: load once, measure when the machine is quiet), and keeps it. With SQLite, set
``BOUSSOLE_DATA_DIR`` to the directory the ``--keep`` run printed.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SLUG = "bench-cases"
BATCH_CASES = 250
#: Beyond this many cases, the others are copies made by the database (INSERT … SELECT) of the
#: first ones: 100,000 cases (12.7 million answers) load in minutes instead of hours.
DISTINCT_CASES = 2000


def configure() -> str | None:
    """Point Django at the bench database; return the temporary directory to delete, if any."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "boussole.settings"
    # WhiteNoise warns that STATIC_ROOT is missing: the bench needs no collected static files.
    warnings.filterwarnings("ignore", message="No directory at")
    temporary = None
    if not os.environ.get("DATABASE_URL") and not os.environ.get("BOUSSOLE_DATA_DIR"):
        temporary = tempfile.mkdtemp(prefix="boussole-bench-")
        os.environ["BOUSSOLE_DATA_DIR"] = temporary
    import django

    django.setup()
    return temporary


def value_pools(grid: Any, rng: random.Random) -> dict[str, list[tuple[Any, str]]]:
    """A few valid (value, justification) pairs per grid item, checked by the core."""
    from boussole.core.grid import validate_value

    pools: dict[str, list[tuple[Any, str]]] = {}
    for item in [*grid.profile, *grid.questions]:
        kind = item.type
        if kind == "yes_no":
            raw: list[Any] = ["oui", "non", "nsp"]
        elif kind == "text":
            raw = [f"Réponse de démonstration n° {n} : texte libre de quelques mots."
                   for n in range(3)]
        elif kind == "number":
            raw = [rng.randint(0, 5000) for _ in range(3)] + [12.5]
        elif kind == "single_choice":
            raw = list(item.option_ids)
        elif kind == "multiple_choice":
            plain = [o for o in item.option_ids if o not in item.exclusive]
            raw = [[o] for o in item.option_ids] + [plain[:2]]
        elif kind == "scale":
            raw = list(range(item.min, item.max + 1))
        else:  # date
            raw = ["2023-05-01", "2024-11-15"]
        justification = "Valeur estimée faute de calcul." if getattr(item, "computed",
                                                                     False) else ""
        pools[item.id] = [(validate_value(item, value), justification) for value in raw]
    return pools


def clean(organisation_slug: str) -> None:
    """Remove a previous bench organisation and everything in it (fast, set-based deletes)."""
    from boussole.web.accounts.models import Organisation, User
    from boussole.web.cases.models import (
        Answer,
        Assignment,
        AuditEvent,
        Case,
        Comment,
        Evidence,
        Opinion,
    )

    organisation = Organisation.objects.filter(slug=organisation_slug).first()
    if organisation is None:
        return
    for model in (Answer, AuditEvent, Assignment, Comment, Evidence, Opinion):
        model.objects.filter(case__organisation=organisation).delete()
    Case.objects.filter(organisation=organisation).delete()
    User.objects.filter(organisation=organisation).delete()
    organisation.delete()


def reusable(n_cases: int) -> tuple[Any, Any, dict[str, float]] | None:
    """The bench organisation kept by an earlier run, if it holds ``n_cases`` cases."""
    from boussole.web.accounts.models import Organisation, User
    from boussole.web.cases.models import Answer

    organisation = Organisation.objects.filter(slug=SLUG).first()
    if organisation is None or organisation.cases.count() != n_cases:
        return None
    lead = User.objects.get(username="bench-porteur")
    answers = Answer.objects.filter(case__organisation=organisation).count()
    return organisation, lead, {"load_s": 0.0, "answers": answers, "analyze_s": 0.0}


def populate(n_cases: int, rng: random.Random) -> tuple[Any, Any, dict[str, float]]:
    from django.db import connection, transaction

    from boussole.web.accounts.models import Organisation, Role, User
    from boussole.web.cases.models import Answer, Case, State
    from boussole.web.grids import current_grid

    grid = current_grid()
    pools = value_pools(grid, rng)
    facts = {fact.id for fact in grid.profile}
    timings: dict[str, float] = {}
    started = time.perf_counter()
    organisation = Organisation.objects.create(name="Collectivité de mesure", slug=SLUG,
                                               headcount_fte=5000)
    lead = User.objects.create(username="bench-porteur", first_name="Camille",
                               last_name="Mesure", organisation=organisation, role=Role.PORTEUR)
    states = list(State.values)
    rows = 0
    distinct = min(n_cases, DISTINCT_CASES)
    for first in range(0, distinct, BATCH_CASES):
        with transaction.atomic():
            cases = Case.objects.bulk_create([
                Case(organisation=organisation, reference=f"B-{i + 1:05d}",
                     title=f"Cas d'usage de mesure n° {i + 1}", service="Direction de la mesure",
                     purpose="Mesurer les pages avec beaucoup de dossiers.",
                     state=rng.choice(states), lead=lead, created_by=lead,
                     grid_id=grid.id, grid_version=grid.version)
                for i in range(first, min(first + BATCH_CASES, distinct))])
            answers = [
                Answer(case=case, kind=Answer.Kind.FACT if item_id in facts
                       else Answer.Kind.QUESTION, item_id=item_id, value=value,
                       justification=justification, grid_version=grid.version,
                       answered_by=lead)
                for case in cases for item_id, pool in pools.items()
                for value, justification in [rng.choice(pool)]]
            Answer.objects.bulk_create(answers, batch_size=2000)
            rows += len(answers)
    rows += copy_cases(organisation, n_cases - distinct, distinct)
    timings["load_s"] = time.perf_counter() - started
    timings["answers"] = rows
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    timings["analyze_s"] = time.perf_counter() - started
    return organisation, lead, timings


def copy_cases(organisation: Any, copies: int, distinct: int) -> int:
    """Add ``copies`` cases to the organisation, copies of its first ``distinct`` ones with their
    answers (reference ``<original>-<round>``), by the database; the number of answers added."""
    from django.db import connection, transaction

    from boussole.web.cases.models import Answer, Case

    def columns(model: Any) -> list[str]:
        return [field.column for field in model._meta.concrete_fields if not field.primary_key]

    quote = connection.ops.quote_name
    case_columns, answer_columns = columns(Case), columns(Answer)
    case_table, answer_table = quote(Case._meta.db_table), quote(Answer._meta.db_table)
    case_select = ", ".join(f"c.{quote(c)} || %s" if c == "reference" else f"c.{quote(c)}"
                            for c in case_columns)
    answer_select = ", ".join("n.id" if c == "case_id" else f"a.{quote(c)}"
                              for c in answer_columns)
    originals = list(Case.objects.filter(organisation=organisation).order_by("id")
                     .values_list("id", flat=True)[:distinct])
    added = answers = 0
    for round_ in range(1, copies // distinct + 2):
        count = min(distinct, copies - added)
        if count <= 0:
            break
        picked = "(" + ", ".join(str(pk) for pk in originals[:count]) + ")"
        suffix = f"-{round_}"
        # Only quoted table and column names and integer ids are written in the statements.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {case_table} ({', '.join(quote(c) for c in case_columns)}) "  # noqa: S608
                f"SELECT {case_select} FROM {case_table} c WHERE c.id IN {picked}", [suffix])
            cursor.execute(
                f"INSERT INTO {answer_table} ({', '.join(quote(c) for c in answer_columns)}) "  # noqa: S608
                f"SELECT {answer_select} FROM {answer_table} a "
                f"JOIN {case_table} o ON o.id = a.case_id "
                f"JOIN {case_table} n ON n.organisation_id = o.organisation_id "
                f"AND n.reference = o.reference || %s WHERE o.id IN {picked}", [suffix])
            answers += cursor.rowcount
        added += count
    return answers


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def measure(client: Any, url: str, repeat: int) -> dict[str, float]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):  # warm-up: templates, grid registry, database caches
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    queries = len(captured.captured_queries)  # read now: the log is reset at each request
    durations = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        durations.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return {"median": statistics.median(durations), "p95": percentile(durations, 0.95),
            "queries": queries, "bytes": len(response.content)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=1000, help="nombre de dossiers (N)")
    parser.add_argument("--repeat", type=int, default=30, help="requêtes mesurées par page (K)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true",
                        help="garder les données de mesure (sinon supprimées à la fin)")
    parser.add_argument("--reuse", action="store_true",
                        help="mesurer les données gardées par --keep si elles ont N dossiers "
                             "(et les garder)")
    args = parser.parse_args(argv)
    args.keep = args.keep or args.reuse

    temporary = configure()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    cleanup: Callable[[], None] = lambda: None  # noqa: E731
    try:
        call_command("migrate", interactive=False, verbosity=0)
        kept = reusable(args.cases) if args.reuse else None
        if kept is not None:
            organisation, lead, timings = kept
        else:
            clean(SLUG)
            organisation, lead, timings = populate(args.cases, random.Random(args.seed))
        cleanup = lambda: clean(SLUG)  # noqa: E731
        client = Client()
        client.force_login(lead)
        target = organisation.cases.order_by("id")[args.cases // 2]
        pages = {"/": measure(client, "/", args.repeat),
                 "/cas/<id>/critere/2/": measure(client, f"/cas/{target.pk}/critere/2/",
                                                 args.repeat),
                 "/cas/<id>/critere/5/": measure(client, f"/cas/{target.pk}/critere/5/",
                                                 args.repeat),
                 "/cas/<id>/profil/": measure(client, f"/cas/{target.pk}/profil/",
                                              args.repeat)}
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SHOW server_version")
                vendor = f"PostgreSQL {cursor.fetchone()[0]}"
            else:
                cursor.execute("SELECT sqlite_version()")
                vendor = f"SQLite {cursor.fetchone()[0]}"
        loaded = ("reprises d'une mesure précédente (--reuse)" if kept is not None else
                  f"chargés en {timings['load_s']:.1f} s (bulk_create et copies), ANALYZE en "
                  f"{timings['analyze_s']:.1f} s")
        print(f"base : {vendor} ; {args.cases} dossiers, {int(timings['answers'])} réponses "
              f"(toutes les questions et tous les faits du profil), {loaded}")
        print("journal d'audit : non créé pour ces données de masse (pas d'événement, pas de "
              "chaîne d'empreintes) — il n'entre pas dans les pages mesurées.")
        print(f"mesures : {args.repeat} requêtes par page après 2 requêtes de chauffe, client de "
              "test Django connecté en porteur de projet (chef·fe de projet de tous les "
              "dossiers)")
        print(f"{'page':<24}{'médiane (ms)':>14}{'p95 (ms)':>12}{'requêtes SQL':>15}"
              f"{'taille (o)':>12}")
        for url, figures in pages.items():
            print(f"{url:<24}{figures['median']:>14.1f}{figures['p95']:>12.1f}"
                  f"{int(figures['queries']):>15}{int(figures['bytes']):>12}")
    finally:
        if not args.keep:
            cleanup()
        connection.close()
        if temporary and not args.keep:
            shutil.rmtree(temporary, ignore_errors=True)
        elif temporary:
            print(f"données gardées dans BOUSSOLE_DATA_DIR={temporary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
