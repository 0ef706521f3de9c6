"""``boussole reminders`` and ``boussole case followup``, run as a user would: subprocesses on
a fresh SQLite base holding the demonstration data."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from typing import Any

import pytest


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    environment = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    environment["BOUSSOLE_DATA_DIR"] = str(tmp_path_factory.mktemp("boussole-data"))
    environment["BOUSSOLE_EMAIL_BACKEND"] = "django.core.mail.backends.console.EmailBackend"
    demo = run("demo", env=environment)
    assert demo.returncode == 0, demo.stderr
    return environment


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "boussole", *args], capture_output=True,
                          text=True, timeout=300, check=False, env=env)


def case_id_in(state: str, env: dict[str, str]) -> int:
    listing = run("case", "list", "--format", "json", env=env)
    assert listing.returncode == 0, listing.stderr
    return int(next(r["id"] for r in json.loads(listing.stdout) if r["state"] == state))


def in_service_id(env: dict[str, str]) -> int:
    return case_id_in("en_service", env)


def followup(case_id: int, env: dict[str, str]) -> dict[str, Any]:
    result = run("case", "followup", str(case_id), "--format", "json", env=env)
    assert result.returncode == 0, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def reminders(day: dt.date, env: dict[str, str], *extra: str
              ) -> tuple[list[dict[str, Any]], str]:
    result = run("reminders", "--date", day.isoformat(), "--format", "json", *extra, env=env)
    assert result.returncode == 0, result.stderr
    rows: list[dict[str, Any]] = json.loads(result.stdout)
    return rows, result.stderr


def test_case_followup_json_shape(env: dict[str, str]) -> None:
    case_id = in_service_id(env)
    document = followup(case_id, env)
    assert {"reviews", "surveys", "indicators", "events"} <= set(document)
    reviews = document["reviews"]
    assert [r["stage"] for r in reviews] == ["t0", "m6", "a1", "a3", "a5"]
    for review in reviews:
        dt.date.fromisoformat(review["due"])
        assert review["state"] in ("planned", "open", "done", "late")
    assert [r["state"] for r in reviews[:2]] == ["done", "done"]
    assert all(r["conclusion"] for r in reviews[:2])
    assert [e["kind"] for e in document["events"]] == ["incident"]
    assert isinstance(document["surveys"], list) and isinstance(document["indicators"], list)
    missing = run("case", "followup", "9999", env=env)
    assert missing.returncode == 2 and "introuvable" in missing.stderr


def test_reminders_dry_run_lists_due_items_then_a_real_run_sends_once(
        env: dict[str, str]) -> None:
    case_id = in_service_id(env)
    a1 = next(r for r in followup(case_id, env)["reviews"] if r["stage"] == "a1")
    due = dt.date.fromisoformat(a1["due"])

    # Before the review opens: nothing due.
    rows, _ = reminders(due - dt.timedelta(days=31), env, "--dry-run")
    assert rows == []
    # A year ahead: the 1-year review is late, and its survey was never opened (the demo's
    # only round is T0's); the case waiting for its decision has waited more than 14 days.
    year_ahead = due + dt.timedelta(days=365)
    waiting_id = case_id_in("decision", env)
    sent_on = dt.date.today()  # the demo froze the version sent to the officials today
    rows, stderr = reminders(year_ahead, env, "--dry-run")
    assert [(r["case_id"], r["kind"], r["due"]) for r in rows] == [
        (case_id, "review_late", a1["due"]), (case_id, "survey_to_open", a1["due"]),
        (waiting_id, "decision_waiting", (sent_on + dt.timedelta(days=14)).isoformat())]
    assert set(rows[0]["recipients"]) == {"rh", "porteur"}
    assert rows[1]["recipients"] == ["rh"]
    assert set(rows[2]["recipients"]) == {"elu-numerique", "elu-rh", "elu-thematique"}
    assert "simulation" in stderr and "Subject:" not in stderr  # no e-mail
    again, _ = reminders(year_ahead, env, "--dry-run")
    assert again == rows  # the dry run stored nothing

    # On its due date, the review is open (the decision has waited only 14 days): the real
    # run sends it (e-mails on stderr with the console backend), the second run the same day
    # sends nothing new.
    sent, stderr = reminders(due, env)
    assert [(r["case_id"], r["kind"], r["due"]) for r in sent] == [
        (case_id, "review_open", a1["due"]), (case_id, "survey_to_open", a1["due"])]
    assert "Subject:" in stderr and "revue de suivi" in stderr.lower()
    assert "enquête sur les conditions de travail" in stderr
    second, stderr = reminders(due, env)
    assert second == [] and "Subject:" not in stderr
    dry, _ = reminders(due, env, "--dry-run")
    assert dry == []  # already sent that day

    text = run("reminders", "--date", year_ahead.isoformat(), "--dry-run", env=env)
    assert text.returncode == 0 and "review_late" in text.stdout
    bad = run("reminders", "--date", "demain", env=env)
    assert bad.returncode == 2 and "date invalide" in bad.stderr
