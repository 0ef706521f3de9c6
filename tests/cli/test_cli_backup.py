"""``boussole backup`` / ``boussole restore``, run as a user would: subprocesses on SQLite.

Backup → wipe → restore gives the same ``case export`` for every case and the same files, byte
for byte; a damaged archive is refused (exit 2, French message) and changes nothing."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

import pytest

#: Attaches evidence files to two open cases (through the real service) and prints the
#: audit-chain verification of every case.
ATTACH = """
import django, json, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "boussole.settings")
django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from boussole.web.cases.models import Case
from boussole.web.cases.services import evidence_add
# evidence is attached while a file is worked on (draft or instruction)
cases = list(Case.objects.filter(state__in=["brouillon", "en_instruction"]).order_by("pk")[:2])
pdf = b"%PDF-1.7\\n" + bytes(range(256)) * 40
evidence_add(case=cases[0], user=cases[0].lead, criterion=2,
             upload=SimpleUploadedFile("analyse d'impact.pdf", pdf))
evidence_add(case=cases[1], user=cases[1].lead, item_id="",
             upload=SimpleUploadedFile("notes.txt", "Relevé de décisions — été\\n".encode()))
"""
AUDIT = """
import django, json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "boussole.settings")
django.setup()
from boussole.web.cases.models import Case
from boussole.web.cases.audit import audit_verify
print(json.dumps({case.pk: audit_verify(case) for case in Case.objects.order_by("pk")}))
"""


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "boussole", *args], capture_output=True,
                          text=True, timeout=300, check=False, env=env)


def python(code: str, env: dict[str, str]) -> str:
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=300, check=False, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout


def exports(env: dict[str, str]) -> dict[int, Any]:
    """``case export`` of every case, without the export's own time stamp."""
    listing = run("case", "list", "--format", "json", env=env)
    assert listing.returncode == 0, listing.stderr
    documents = {}
    for row in json.loads(listing.stdout):
        result = run("case", "export", str(row["id"]), env=env)
        assert result.returncode == 0, result.stderr
        document = json.loads(result.stdout)
        del document["exported_at"]
        documents[row["id"]] = document
    return documents


def files(data_dir: Path) -> dict[str, bytes]:
    root = data_dir / "files"
    return {path.relative_to(root).as_posix(): path.read_bytes()
            for path in sorted(root.rglob("*")) if path.is_file()}


def members(archive: Path) -> list[tuple[str, bytes]]:
    with tarfile.open(archive, "r:gz") as tar:
        return [(m.name, tar.extractfile(m).read()) for m in tar]  # type: ignore[union-attr]


def write_archive(path: Path, entries: list[tuple[str, bytes]],
                  symlink: str | None = None) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in entries:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        if symlink:
            info = tarfile.TarInfo(symlink)
            info.type = tarfile.SYMTYPE
            info.linkname = "/etc/passwd"
            tar.addfile(info)
    return path


def with_manifest(entries: list[tuple[str, bytes]], change: Any) -> list[tuple[str, bytes]]:
    manifest = json.loads(entries[0][1])
    change(manifest)
    return [("manifest.json", json.dumps(manifest).encode()), *entries[1:]]


def entry(name: str, data: bytes) -> dict[str, Any]:
    return {"name": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Demonstration data plus two evidence files."""
    environment = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    environment["BOUSSOLE_DATA_DIR"] = str(tmp_path_factory.mktemp("boussole-data"))
    demo = run("demo", env=environment)
    assert demo.returncode == 0, demo.stderr
    python(ATTACH, environment)
    return environment


def test_backup_wipe_restore_gives_the_same_cases_and_files(env: dict[str, str],
                                                            tmp_path: Path) -> None:
    data_dir = Path(env["BOUSSOLE_DATA_DIR"])
    before = exports(env)
    assert len(before) == 6
    assert sum(len(document["evidence"]) for document in before.values()) == 2
    files_before = files(data_dir)
    assert len(files_before) == 2

    archive = tmp_path / "boussole-2026-01-31.tar.gz"
    result = run("backup", "--out", str(archive), env=env)
    assert result.returncode == 0, result.stderr
    assert "Sauvegarde écrite dans" in result.stdout and "6 dossiers, 2 fichiers" in result.stdout
    assert [p.name for p in tmp_path.iterdir()] == [archive.name]  # no temporary file left
    assert archive.stat().st_mode & 0o077 == 0  # personal data: readable by its owner only
    content = members(archive)
    assert content[0][0] == "manifest.json" and content[1][0] == "database.jsonl"
    manifest = json.loads(content[0][1])
    assert manifest["format"] == "boussole-backup/1"
    assert manifest["database"]["engine"] == "sqlite"
    assert "0001_initial" in manifest["migrations"]["cases"]
    assert sorted(manifest["audit"]["verified"]) == sorted(before)
    assert {m["name"] for m in manifest["members"]} == {
        "database.jsonl", *(f"files/{name}" for name in files_before)}
    assert all(m["sha256"] == hashlib.sha256(data).hexdigest()
               for m, (_name, data) in zip(manifest["members"], content[1:], strict=True))

    checked = run("restore", "--check", str(archive), env=env)
    assert checked.returncode == 0, checked.stderr
    assert "intacte" in checked.stdout and "2 fichiers" in checked.stdout

    # Restoring over the live data is refused without --force.
    refused = run("restore", str(archive), env=env)
    assert refused.returncode == 2
    assert "contient déjà des données" in refused.stderr and "--force" in refused.stderr
    assert "Rien n'a été modifié." in refused.stderr

    # Wipe: database and files gone, an empty database re-created.
    for child in data_dir.iterdir():
        shutil.rmtree(child) if child.is_dir() else child.unlink()
    assert run("migrate", "--verbosity", "0", env=env).returncode == 0
    assert exports(env) == {}

    restored = run("restore", str(archive), env=env)
    assert restored.returncode == 0, restored.stderr
    assert "restaurée" in restored.stdout and "Traceback" not in restored.stderr
    assert exports(env) == before
    assert files(data_dir) == files_before
    assert set(json.loads(python(AUDIT, env)).values()) == {True}
    assert not [p for p in data_dir.iterdir() if p.name.startswith(".boussole")]

    # --force replaces everything, files included (an extra file disappears).
    (data_dir / "files" / "intrus.txt").write_text("pas dans la sauvegarde", encoding="utf-8")
    again = run("restore", "--force", str(archive), env=env)
    assert again.returncode == 0, again.stderr
    assert files(data_dir) == files_before


def test_restore_on_a_fresh_instance_creates_the_database(env: dict[str, str],
                                                          tmp_path: Path) -> None:
    archive = tmp_path / "sauvegarde.tar.gz"
    assert run("backup", "-o", str(archive), env=env).returncode == 0
    fresh = {**env, "BOUSSOLE_DATA_DIR": str(tmp_path / "nouvelle-instance")}
    result = run("restore", str(archive), env=fresh)
    assert result.returncode == 0, result.stderr
    assert exports(fresh) == exports(env)
    assert files(tmp_path / "nouvelle-instance") == files(Path(env["BOUSSOLE_DATA_DIR"]))


def test_backup_without_a_database_is_refused(tmp_path: Path) -> None:
    environment = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    environment["BOUSSOLE_DATA_DIR"] = str(tmp_path / "vide")
    (tmp_path / "vide").mkdir()
    result = run("backup", "--out", str(tmp_path / "b.tar.gz"), env=environment)
    assert result.returncode == 2
    assert "aucune base de données" in result.stderr and "Traceback" not in result.stderr
    assert list((tmp_path / "vide").iterdir()) == []  # no empty SQLite file left behind
    assert not (tmp_path / "b.tar.gz").exists()


def _damaged(archive: Path, tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """Damaged copies of ``archive``, each with the expected words of its refusal."""
    entries = members(archive)
    raw = archive.read_bytes()
    names = [name for name, _data in entries]
    evidence = next(i for i, name in enumerate(names) if name.startswith("files/"))
    flipped = list(entries)
    data = bytearray(flipped[evidence][1])
    data[len(data) // 2] ^= 0x01
    flipped[evidence] = (flipped[evidence][0], bytes(data))
    database = bytearray(entries[1][1])
    database[100] ^= 0x20
    raw_flipped = bytearray(raw)
    raw_flipped[len(raw) // 2] ^= 0xFF
    evil = b"pwned"
    absolute = tmp_path.parent / "evil.txt"

    def bad_hash(manifest: dict[str, Any]) -> None:
        manifest["members"][0]["sha256"] = "0" * 64

    def future(manifest: dict[str, Any]) -> None:
        manifest["migrations"]["cases"].append("9999_futur")

    def traversal(manifest: dict[str, Any]) -> None:
        manifest["members"].append(entry("files/../../evil.txt", evil))

    cases = {
        "membre-modifie": (write_archive(tmp_path / "a.tar.gz", flipped), "empreinte SHA-256"),
        "base-modifiee": (write_archive(tmp_path / "b.tar.gz", [
            entries[0], ("database.jsonl", bytes(database)), *entries[2:]]),
            "« database.jsonl » ne correspond pas à son empreinte SHA-256"),
        "octet-inverse": (tmp_path / "c.tar.gz", "Erreur : "),  # unreadable, or a bad hash
        "tronquee": (tmp_path / "d.tar.gz", "n'est pas une archive lisible"),
        "manifeste-faux": (write_archive(tmp_path / "e.tar.gz", with_manifest(entries, bad_hash)),
                           "ne correspond pas à son empreinte"),
        "chemin-manifeste": (write_archive(tmp_path / "f.tar.gz", [
            *with_manifest(entries, traversal), ("files/../../evil.txt", evil)]),
            "chemin interdit"),
        "chemin-membre": (write_archive(tmp_path / "g.tar.gz", [*entries, ("../evil.txt", evil)]),
                          "« ../evil.txt » est refusé"),
        "chemin-absolu": (write_archive(tmp_path / "h.tar.gz", [*entries, (str(absolute), evil)]),
                          f"« {absolute} » est refusé"),
        "lien": (write_archive(tmp_path / "i.tar.gz", entries, symlink="files/lien"),
                 "« files/lien » est refusé"),
        "sans-manifeste": (write_archive(tmp_path / "j.tar.gz", entries[1:]),
                           "ne commence pas par son manifeste"),
        "membre-manquant": (write_archive(tmp_path / "k.tar.gz", entries[:-1]),
                            "il manque à l'archive"),
        "schema-plus-recent": (write_archive(tmp_path / "l.tar.gz",
                                             with_manifest(entries, future)),
                               "schéma de base plus récent"),
        "pas-une-archive": (tmp_path / "m.tar.gz", "n'est pas une archive lisible"),
    }
    (tmp_path / "c.tar.gz").write_bytes(bytes(raw_flipped))
    (tmp_path / "d.tar.gz").write_bytes(raw[: len(raw) * 2 // 3])
    (tmp_path / "m.tar.gz").write_text("bonjour", encoding="utf-8")
    return cases


def test_a_damaged_archive_is_refused_and_changes_nothing(env: dict[str, str],
                                                          tmp_path: Path) -> None:
    data_dir = Path(env["BOUSSOLE_DATA_DIR"])
    archive = tmp_path / "bonne.tar.gz"
    assert run("backup", "--out", str(archive), env=env).returncode == 0
    # Change the live data after the backup: a refused restore must keep this state.
    (data_dir / "files" / "ajout.txt").write_text("ajouté après la sauvegarde", encoding="utf-8")
    database = (data_dir / "boussole.sqlite3").read_bytes()
    files_before = files(data_dir)
    listing_before = sorted(p.name for p in data_dir.iterdir())

    damaged = _damaged(archive, tmp_path)
    checked = run("restore", "--check", str(damaged["membre-modifie"][0]), env=env)
    assert checked.returncode == 2 and "empreinte SHA-256" in checked.stderr
    for label, (path, words) in damaged.items():
        result = run("restore", "--force", str(path), env=env)
        assert result.returncode == 2, (label, result.stdout, result.stderr)
        assert words in result.stderr, (label, result.stderr)
        assert "Rien n'a été modifié." in result.stderr, label
        assert "Traceback" not in result.stderr, label
        assert (data_dir / "boussole.sqlite3").read_bytes() == database, label
        assert files(data_dir) == files_before, label
        assert sorted(p.name for p in data_dir.iterdir()) == listing_before, label
        assert not (tmp_path.parent / "evil.txt").exists()
        assert not (data_dir / "evil.txt").exists()
