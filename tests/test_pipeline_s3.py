"""The dossier flow with originals, page images and records in a real S3 server (SeaweedFS on loopback)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from helpers import encode, text_page
from s3server import S3Endpoint

from flows.batch import process_batch
from intake.storage import original_key

pytestmark = pytest.mark.slow


def test_batch_with_s3_storage(
    s3_server: S3Endpoint, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INTAKE_S3_ENDPOINT", s3_server.endpoint)
    monkeypatch.setenv("INTAKE_S3_ACCESS_KEY", s3_server.access_key)
    monkeypatch.setenv("INTAKE_S3_SECRET_KEY", s3_server.secret_key)
    batch = tmp_path / "batch"
    (batch / "ho_so_s3").mkdir(parents=True)
    scan = encode(
        text_page(
            ["GIẤY GIỚI THIỆU", "Công ty trân trọng giới thiệu ông Nguyễn Văn Bình đến liên hệ công tác"] * 3
        ),
        "JPEG",
    )
    (batch / "ho_so_s3" / "giay_gioi_thieu.jpg").write_bytes(scan)
    summary = process_batch(batch, tmp_path / "out", "s3://intake-pipeline/xa-01")
    [outcome] = summary.dossiers
    assert outcome.status == "success"
    client = s3_server.client()
    keys = sorted(obj.object_name for obj in client.list_objects("intake-pipeline", recursive=True))
    digest = hashlib.sha256(scan).hexdigest()
    assert f"xa-01/{original_key(digest)}" in keys
    assert f"xa-01/pages/{outcome.dossier_id}/0000.jpg" in keys
    assert f"xa-01/records/{outcome.dossier_id}.json" in keys
    stored_record = json.loads(
        client.get_object("intake-pipeline", f"xa-01/records/{outcome.dossier_id}.json").read()
    )
    assert stored_record["files"][0]["storage_uri"] == f"s3://intake-pipeline/xa-01/{original_key(digest)}"
    assert stored_record["pages"][0]["classification"]["doc_type"] == "other"
