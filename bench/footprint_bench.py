"""Benchmark of the footprint calculator: time per computation.

Run: ``.venv/bin/python bench/footprint_bench.py [--repeat N]``. Pure Python, no Django.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

COMPUTE_ONLY: dict[str, Any] = {
    "location": "FR",
    "compute": [{"hours_per_year": 1000, "cpu_cores": 8, "cpu_model": "Xeon Gold 6148",
                 "memory_gb": 64, "pue": 1.4}],
}

FULL: dict[str, Any] = {
    "service_years": 5, "location": "FR", "pue": 1.4, "provider": "local",
    "compute": [
        {"label": "inference", "hours_per_year": 1000, "cpu_cores": 8,
         "cpu_model": "Xeon Gold 6148", "memory_gb": 64},
        {"label": "gpu", "hours_per_year": 200, "gpu_count": 1,
         "gpu_model": "NVIDIA A100 40GB PCIe", "cpu_cores": 8, "memory_gb": 64, "pue": 1.2},
    ],
    "training": {"hours": 50, "gpu_count": 1, "gpu_model": "NVIDIA A100 80GB PCIe",
                 "memory_gb": 32, "provider": "azure", "rd_factor": 2, "retrainings": 4,
                 "retraining_fraction": 0.1},
    "llm_api": {"requests_per_year": 100000, "output_tokens": 300, "active_params_b": 70,
                "total_params_b": 70, "location": "FR", "pue": 1.2},
    "storage": {"tb": 2, "media": "ssd", "years": 3, "replication": 1, "pue": 1.4},
    "transfer": {"gb_per_year": 1000},
    "equipment": [{"type": "server", "count": 2, "lifetime_years": 5}],
}

INVALID: dict[str, Any] = {
    "location": "Mars",
    "compute": [{"hours_per_year": -1, "cpu_model": "Inconnu", "cpu_cores": 2, "x": 1}],
}


def timed(label: str, repeat: int, fn: Callable[[], object]) -> None:
    start = time.perf_counter()
    for _ in range(repeat):
        fn()
    per = (time.perf_counter() - start) / repeat
    print(f"{label:<48} {per * 1e6:10.1f} µs / calcul   ({repeat} répétitions)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=2000)
    repeat = parser.parse_args().repeat

    start = time.perf_counter()
    from boussole.core.errors import InvalidDocument
    from boussole.core.footprint import compute_footprint, estimate_from_sizing

    compute_footprint(FULL)
    print(f"{'premier calcul (imports, tables, EcoLogits)':<48} "
          f"{(time.perf_counter() - start) * 1e3:10.1f} ms")

    def invalid() -> None:
        with contextlib.suppress(InvalidDocument):
            compute_footprint(INVALID)

    timed("calcul seul (référence A)", repeat, lambda: compute_footprint(COMPUTE_ONLY))
    timed("document complet (7 blocs, EcoLogits)", repeat, lambda: compute_footprint(FULL))
    timed("document complet + sortie JSON", repeat,
          lambda: compute_footprint(FULL).to_json())
    timed("document invalide (4 problèmes)", repeat, invalid)
    timed("dimensionnement + calcul (API)", repeat, lambda: compute_footprint(
        estimate_from_sizing(requests_per_month=5000, model_params_b=7).document))


if __name__ == "__main__":
    main()
