"""Benchmark of the rules engine: evaluate 10,000 random valid profiles in-process.

Usage: ``python bench/rules_bench.py [--n 10000] [--seed 2026] [--repeat 3]``

Profiles are drawn from the facts catalogue of the current bundled grid (seeded, reproducible): each
fact is answered with a valid value, « nsp » or left out. The timed loop covers validation
and evaluation (``evaluate``: facts → derived → rules → levels), with all 10,000 results kept
in memory; the best of ``--repeat`` runs is reported with its CPU time, since the wall clock
of a shared machine also counts time spent waiting for a processor. The JSON rendering (with
the "pourquoi" traces) is timed separately on a sample, since it is only needed for display.
Exit status 1 if the best run takes 1 s or more.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from boussole.core.rules import Evaluation, Level, default_grid, default_rule_base, evaluate
from boussole.core.rules.facts import FactDef


def random_value(fact: FactDef, rng: random.Random) -> Any:
    roll = rng.random()
    if roll < 0.05:
        return "nsp"
    if fact.type in ("yes_no", "single_choice"):
        return rng.choice(fact.options)
    if fact.type == "multiple_choice":
        plain = [o for o in fact.options if o not in fact.exclusive]
        if fact.exclusive and rng.random() < 0.4:
            return [rng.choice(sorted(fact.exclusive))]
        return rng.sample(plain, rng.randint(1, min(3, len(plain))))
    if fact.type == "scale":
        assert fact.min is not None and fact.max is not None
        return rng.randint(fact.min, fact.max)
    return f"20{rng.randint(10, 26)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"


def random_profile(catalogue: dict[str, FactDef], rng: random.Random) -> dict[str, Any]:
    profile: dict[str, Any] = {}
    for fact in catalogue.values():
        if rng.random() < 0.05:
            continue  # left unanswered
        profile[fact.id] = random_value(fact, rng)
    return profile


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of the timed loop; the best is reported, as timeit does")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    base = default_rule_base()
    load_s = time.perf_counter() - started
    rng = random.Random(args.seed)
    profiles = [random_profile(dict(base.catalogue), rng) for _ in range(args.n)]

    evaluate(profiles[0], base=base)  # warm-up
    walls: list[float] = []
    cpus: list[float] = []
    results: list[Evaluation] = []
    for _ in range(args.repeat):
        del results
        started, started_cpu = time.perf_counter(), time.process_time()
        results = [evaluate(profile, base=base) for profile in profiles]
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - started_cpu)
    total = min(walls)

    # As the web calls it: the rule base found from the case's grid (cached per grid).
    grid = default_grid()
    started = time.perf_counter()
    for profile in profiles:
        evaluate(profile, grid=grid)
    by_grid = time.perf_counter() - started

    sample = results[: min(1000, len(results))]
    started = time.perf_counter()
    for result in sample:
        result.to_json()
    render = (time.perf_counter() - started) / len(sample)

    levels = statistics.multimode(r.niveau_indicatif for r in results)
    spread = {level.name: sum(r.niveau_indicatif == level for r in results) for level in Level}
    print(f"base de règles : {base.summary_fr()} (chargée et compilée en {load_s * 1000:.0f} ms)")
    print(f"{args.n} profils évalués en {total:.3f} s (meilleur de {args.repeat} ; temps CPU "
          f"{min(cpus):.3f} s ; pire {max(walls):.3f} s), soit {total / args.n * 1e6:.1f} µs "
          "par profil (validation comprise)")
    print(f"par la grille du dossier (evaluate(..., grid=…)) : {by_grid / args.n * 1e6:.1f} µs "
          "par profil")
    print(f"rendu JSON avec traces « pourquoi » : {render * 1e6:.0f} µs par profil "
          f"(échantillon de {len(sample)})")
    print(f"niveaux indicatifs : {spread} (le plus fréquent : {levels[0].name})")
    return 0 if total < 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())
