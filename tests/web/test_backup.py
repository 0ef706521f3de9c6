"""Backup and restore of the whole instance (``boussole.web.backup``), on the test database —
SQLite or PostgreSQL (flush, load, sequence reset and the audit chain on both)."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from boussole.web import demo
from boussole.web.accounts.models import User
from boussole.web.backup import BackupError, backup_create, backup_restore
from boussole.web.cases import services
from boussole.web.cases.audit import audit_verify
from boussole.web.cases.exchange import case_export
from boussole.web.cases.models import Answer, AuditEvent, Case, Evidence

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def data_dir(settings: Any, tmp_path: Path) -> Path:
    """The demonstration data and one evidence file, in a temporary data folder."""
    settings.MEDIA_ROOT = tmp_path / "data" / "files"
    demo.create_demo()
    case = Case.objects.filter(state="en_instruction").order_by("pk").first()
    assert case is not None  # evidence is attached while the file is worked on
    services.evidence_add(case=case, user=case.lead, criterion=2,
                          upload=SimpleUploadedFile("aipd.pdf", PDF))
    return tmp_path / "data"


def snapshot() -> dict[int, Any]:
    """``case_export`` of every case, through JSON text, without the export's time stamp."""
    documents = {}
    for case in Case.objects.order_by("pk"):
        document = json.loads(json.dumps(case_export(case), ensure_ascii=False))
        del document["exported_at"]
        documents[case.pk] = document
    return documents


def files(data_dir: Path) -> dict[str, bytes]:
    root = data_dir / "files"
    return {path.relative_to(root).as_posix(): path.read_bytes()
            for path in sorted(root.rglob("*")) if path.is_file()}


def rewrite(archive: Path, target: Path, change: Any) -> Path:
    """A copy of ``archive`` whose database rows went through ``change`` — with a manifest whose
    hashes match, so that only the database can refuse it."""
    with tarfile.open(archive, "r:gz") as tar:
        entries = [(m.name, tar.extractfile(m).read()) for m in tar]  # type: ignore[union-attr]
    rows = [json.loads(line) for line in entries[1][1].splitlines()]
    for row in rows:
        change(row)
    database = b"".join(json.dumps(row, ensure_ascii=False).encode() + b"\n" for row in rows)
    manifest = json.loads(entries[0][1])
    manifest["members"][0].update(size=len(database),
                                  sha256=hashlib.sha256(database).hexdigest())
    entries = [("manifest.json", json.dumps(manifest).encode()), ("database.jsonl", database),
               *entries[2:]]
    with tarfile.open(target, "w:gz") as tar:
        for name, data in entries:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return target


def test_restore_gives_back_every_case_and_file_and_new_rows_do_not_collide(
        data_dir: Path, tmp_path: Path) -> None:
    before = snapshot()
    files_before = files(data_dir)
    assert len(before) == 6 and len(files_before) == 1
    counts = {"users": User.objects.count(), "events": AuditEvent.objects.count()}
    archive = tmp_path / "sauvegarde.tar.gz"
    summary = backup_create(archive)
    assert summary.cases == 6 and summary.files == 1 and summary.size == archive.stat().st_size

    # Life goes on after the backup: a new case, a changed answer, a lost and an extra file.
    lead = User.objects.get(username="porteur")
    services.case_create(organisation=lead.organisation, user=lead, title="Après la sauvegarde",
                         service="Test", purpose="Disparaître à la restauration.")
    Answer.objects.filter(pk=Answer.objects.order_by("pk").first().pk).update(  # type: ignore[union-attr]
        justification="modifiée")
    for path in (data_dir / "files").rglob("*.pdf"):
        path.unlink()
    (data_dir / "files" / "intrus.txt").write_text("intrus", encoding="utf-8")

    with pytest.raises(BackupError, match="--force"):
        backup_restore(archive)
    assert Case.objects.count() == 7

    restored = backup_restore(archive, force=True)
    assert restored.cases == 6 and restored.files == 1
    assert snapshot() == before
    assert files(data_dir) == files_before
    assert User.objects.count() == counts["users"]
    assert AuditEvent.objects.count() == counts["events"]
    assert all(audit_verify(case) for case in Case.objects.all())
    assert not [p for p in data_dir.parent.rglob(".boussole-*")]
    assert User.objects.get(username="porteur").check_password(demo.DEMO_PASSWORD)

    # New rows get fresh identifiers (the sequences follow the restored rows on PostgreSQL).
    new = services.case_create(organisation=lead.organisation, user=lead, title="Nouveau",
                               service="Test", purpose="Après la restauration.")
    assert new.pk > max(before)
    services.evidence_add(case=new, user=lead, criterion=2,
                          upload=SimpleUploadedFile("autre.pdf", PDF + b"%autre"))
    assert Evidence.objects.count() == 2
    assert audit_verify(new)


@pytest.mark.parametrize(("change", "words"), [
    # An answer of a case that does not exist: the foreign key check refuses the load.
    (lambda row: row["fields"].update(case=999_999) if row["model"] == "cases.answer" else None,
     "la base de données a refusé"),
    # An edited audit event: the hash chain would no longer verify.
    (lambda row: row["fields"].update(note="réécrit") if row["model"] == "cases.auditevent"
     and row["fields"]["sequence"] == 1 else None, "ne se vérifie plus"),
])
def test_a_refused_load_leaves_the_database_and_files_untouched(
        data_dir: Path, tmp_path: Path, change: Any, words: str) -> None:
    archive = backup_create(tmp_path / "sauvegarde.tar.gz").path
    bad = rewrite(archive, tmp_path / "abimee.tar.gz", change)
    lead = User.objects.get(username="porteur")
    services.case_create(organisation=lead.organisation, user=lead, title="Après la sauvegarde",
                         service="Test", purpose="Doit rester après l'échec.")
    (data_dir / "files" / "ajout.txt").write_text("ajouté", encoding="utf-8")
    before, files_before = snapshot(), files(data_dir)

    with pytest.raises(BackupError, match=words):
        backup_restore(bad, force=True)
    assert snapshot() == before
    assert files(data_dir) == files_before
    assert not [p for p in data_dir.parent.rglob(".boussole-*")]
