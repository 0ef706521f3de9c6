"""Evidence files in S3-compatible object storage (django-storages), against a local moto
server started by the test: an upload lands in the bucket and downloads byte for byte; the
BOUSSOLE_S3_* variables select that storage."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from boussole.web.cases import services
from boussole.web.cases.models import Evidence

ROOT = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
BUCKET = "boussole-pieces"
KEYS = {"BOUSSOLE_S3_ACCESS_KEY_ID": "testing", "BOUSSOLE_S3_SECRET_ACCESS_KEY": "testing"}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    with open(log, "wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1",
                                    "-p", str(port)], stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 60
            while True:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("moto did not start:\n" + log.read_text(errors="replace"))
                with contextlib.suppress(OSError, http.client.HTTPException):
                    probe = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                    probe.request("GET", "/")
                    probe.getresponse().read()
                    break
                time.sleep(0.2)
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            process.wait(timeout=20)


def _client(endpoint: str) -> Any:
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


@pytest.mark.django_db
def test_evidence_goes_to_the_bucket_and_comes_back(s3_endpoint: str, settings: Any,
                                                    client: Any, organisation: Any,
                                                    make_user: Any, tmp_path: Path) -> None:
    s3 = _client(s3_endpoint)
    s3.create_bucket(Bucket=BUCKET)
    settings.MEDIA_ROOT = tmp_path / "files"  # must stay empty: nothing written locally
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
            "bucket_name": BUCKET, "endpoint_url": s3_endpoint, "region_name": "us-east-1",
            "access_key": "testing", "secret_key": "testing", "default_acl": None,
            "querystring_auth": True, "file_overwrite": False}}}
    lead = make_user("porteur", organisation)
    case = services.case_create(organisation=organisation, user=lead, title="Pièces",
                                service="Essais", purpose="Stocker les pièces ailleurs.")
    piece = services.evidence_add(case=case, user=lead, criterion=2, upload=SimpleUploadedFile(
        "analyse.pdf", PDF, content_type="application/pdf"))
    stored = Evidence.objects.get(pk=piece.pk)
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
    assert keys == [stored.file.name]
    assert s3.get_object(Bucket=BUCKET, Key=stored.file.name)["Body"].read() == PDF
    assert not (tmp_path / "files").exists()

    client.force_login(lead)
    response = client.get(f"/cas/{case.pk}/pieces/{piece.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "analyse.pdf" in response["Content-Disposition"]


@pytest.mark.django_db(databases=[])
def test_the_environment_selects_the_object_storage(s3_endpoint: str, tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("BOUSSOLE_", "DJANGO_")) and key != "DATABASE_URL"}
    env.update({"BOUSSOLE_DATA_DIR": str(tmp_path), "BOUSSOLE_S3_BUCKET": BUCKET,
                "BOUSSOLE_S3_ENDPOINT_URL": s3_endpoint, "BOUSSOLE_S3_REGION": "us-east-1",
                "DJANGO_SETTINGS_MODULE": "boussole.settings", **KEYS})
    script = ("import django, json; django.setup()\n"
              "from django.core.files.storage import storages\n"
              "s = storages['default']\n"
              "print(json.dumps([type(s).__name__, s.bucket_name, s.endpoint_url]))")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60, check=True)
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [
        "S3Storage", BUCKET, s3_endpoint]
