"""`boussole footprint FILE`, run as a user would: a subprocess, no Django."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

SPEC_YAML = """\
service_years: 5
location: FR
pue: 1.4
provider: local
factor_set: green-algorithms-3.0
compute:
  - label: inference
    hours_per_year: 1000
    cpu_cores: 8
    cpu_model: Xeon Gold 6148
    cpu_usage: 1.0
    gpu_count: 0
    gpu_model: null
    gpu_usage: 1.0
    memory_gb: 64
    pue: null
    location: null
training:
  hours: 50
  gpu_count: 1
  gpu_model: NVIDIA A100 80GB PCIe
  memory_gb: 32
  provider: azure
  rd_factor: 2
  retrainings: 4
  retraining_fraction: 0.1
llm_api:
  requests_per_year: 100000
  output_tokens: 300
  active_params_b: 70
  total_params_b: 70
  location: FR
  pue: 1.2
storage:
  tb: 2
  media: ssd
  years: 3
  replication: 1
  pue: 1.4
transfer:
  gb_per_year: 1000
  kwh_per_gb: null
equipment:
  - {type: server, count: 2, lifetime_years: 5, embodied_kg: null, share: 1.0}
"""


def run(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "boussole", "footprint", str(path)],
        capture_output=True, text=True, cwd=ROOT, timeout=120, check=False,
    )


def test_yaml_spec_example(tmp_path: Path) -> None:
    path = tmp_path / "empreinte.yaml"
    path.write_text(SPEC_YAML, encoding="utf-8")
    done = run(path)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert set(out["components"]) == {
        "compute", "training", "llm_api", "storage", "transfer", "equipment",
    }
    assert {"per_year", "lifetime", "checks", "factors", "notes"} <= set(out)
    assert out["components"]["compute"][0]["energy_kwh"] == pytest.approx(117.376)
    assert out["components"]["compute"][0]["kg_co2e"] == pytest.approx(6.019, rel=1e-3)
    assert out["checks"] == {"pue_below_1_5": True, "located_in_france": True,
                             "green_energy_over_50": None}
    assert "é" in done.stdout  # ensure_ascii=False
    assert done.stderr == ""


def test_json_input(tmp_path: Path) -> None:
    path = tmp_path / "empreinte.json"
    doc = {"location": "FR", "storage": {"tb": 1, "media": "hdd", "pue": 1.2}}
    path.write_text(json.dumps(doc), encoding="utf-8")
    done = run(path)
    assert done.returncode == 0, done.stderr
    storage = json.loads(done.stdout)["components"]["storage"]
    # 1 TB × 0.65 Wh/TB·h × 8760 h / 1000 × 1.2 = 6.8328 kWh
    assert storage["energy_kwh"] == pytest.approx(6.8328)


def test_invalid_document(tmp_path: Path) -> None:
    path = tmp_path / "faux.yaml"
    path.write_text(
        "compute:\n  - hours_per_year: -10\n    cpu_model: Xeon Inconnu\n    cpu_cores: 2\n"
        "couleur: vert\n",
        encoding="utf-8",
    )
    done = run(path)
    assert done.returncode == 2
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    assert str(path) in done.stderr
    assert "document invalide (3 problèmes)" in done.stderr
    assert "compute[0].hours_per_year : doit être positif ou nul" in done.stderr
    assert "compute[0].cpu_model : modèle de CPU inconnu « Xeon Inconnu »" in done.stderr
    assert "couleur : clé inconnue « couleur »" in done.stderr


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("compute: [1, 2\n", "syntaxe YAML/JSON invalide"),
        ("", "le document est vide"),
        ("- une\n- liste\n", "doit être un objet"),
    ],
)
def test_bad_yaml(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "mauvais.yaml"
    path.write_text(content, encoding="utf-8")
    done = run(path)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert str(path) in done.stderr
    assert expected in done.stderr


def test_bad_json(tmp_path: Path) -> None:
    path = tmp_path / "mauvais.json"
    path.write_text('{"compute": [}', encoding="utf-8")
    done = run(path)
    assert done.returncode == 2
    assert "JSON invalide" in done.stderr and "Traceback" not in done.stderr


def test_missing_file(tmp_path: Path) -> None:
    done = run(tmp_path / "absent.yaml")
    assert done.returncode == 2
    assert "absent.yaml" in done.stderr and "fichier introuvable" in done.stderr
    assert "Traceback" not in done.stderr
