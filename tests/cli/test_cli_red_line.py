"""The red line through the command line: ``boussole case import`` refuses a file whose
blocking facts are "je ne sais pas" but which carries a favourable opinion on criterion 1, or a
state it cannot justify — exit 2, a French report, nothing imported."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_cli_cases import DEMO, case_list, env, run  # noqa: F401 — fixture

UNKNOWN = {"biometrie": "nsp", "video": "nsp", "espace_public": "nsp",
           "temps_reel": "oui", "sortie": "evaluation_personne"}


def test_import_refuses_a_favourable_opinion_with_unknown_triggers(
        env: dict[str, str], tmp_path: Path) -> None:  # noqa: F811
    cases = case_list(env)
    source = next(row for row in cases if row["state"] == "en_instruction")
    document = json.loads(run("case", "export", str(source["id"]), env=env).stdout)
    kept = [a for a in document["answers"] if a["item_id"] not in UNKNOWN]
    template = next(a for a in document["answers"] if a["kind"] == "fact")
    document["answers"] = kept + [{**template, "item_id": fact, "value": value}
                                  for fact, value in UNKNOWN.items()]
    document["opinions"] = [{"criterion": 1, "verdict": "favorable", "recommendations": "",
                             "revision": 1, "author": document["case"]["lead"],
                             "updated_at": document["case"]["updated_at"]}]
    path = tmp_path / "dossier.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    result = run("case", "import", str(path), "--organisation", DEMO, env=env)
    assert result.returncode == 2, result.stdout
    assert "n'est pas levée" in result.stderr and "Traceback" not in result.stderr
    assert "critère 1" in result.stderr
    document["opinions"] = []
    document["case"]["state"] = "en_service"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    result = run("case", "import", str(path), "--organisation", DEMO, env=env)
    assert result.returncode == 2 and "ne peut pas être importé" in result.stderr
    assert len(case_list(env)) == len(cases)
