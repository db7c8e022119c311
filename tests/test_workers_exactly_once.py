"""Exactly-once building blocks against a real S3 server (SeaweedFS) and a local folder: conditional writes,
claims raced by many threads and processes, registration of the same content by concurrent submitters."""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from helpers import encode, text_page
from s3server import S3Endpoint

from flows.submission import dossier_input_for
from intake.ingest import ingest
from intake.registry import (
    ClaimDocument,
    acquire_claim,
    claim_dossier,
    create_if_absent,
    load_manifest,
    materialize,
    read_versioned,
    register,
    replace_if_match,
)
from intake.storage import LocalStorage, S3Storage, Storage, make_s3_client

pytestmark = pytest.mark.slow


@pytest.fixture(params=["s3", "local"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Storage]:
    if request.param == "local":
        yield LocalStorage(tmp_path / "store")
        return
    s3: S3Endpoint = request.getfixturevalue("s3_server")
    client = make_s3_client(s3.endpoint, s3.access_key, s3.secret_key)
    yield S3Storage(client, "exactly-once", f"t-{tmp_path.name}")


def test_conditional_writes(storage: Storage) -> None:
    first = create_if_absent(storage, "claims/a.json", b"one")
    assert first is not None
    assert create_if_absent(storage, "claims/a.json", b"two") is None
    current = read_versioned(storage, "claims/a.json")
    assert current is not None and current.data == b"one" and current.etag == first
    assert replace_if_match(storage, "claims/a.json", b"three", "0" * 32) is None
    assert storage.get_bytes("claims/a.json") == b"one"
    assert replace_if_match(storage, "claims/a.json", b"three", first) is not None
    assert storage.get_bytes("claims/a.json") == b"three"
    assert read_versioned(storage, "claims/missing.json") is None


def test_one_claim_among_racing_threads(storage: Storage) -> None:
    barrier = threading.Barrier(16)

    def race(index: int) -> bool:
        barrier.wait()
        return claim_dossier(storage, "a" * 64, holder=f"run-{index}") is not None

    with ThreadPoolExecutor(16) as pool:
        winners = [i for i, won in enumerate(pool.map(race, range(16))) if won]
    assert len(winners) == 1
    held = read_versioned(storage, "claims/" + "a" * 64 + ".json")
    assert held is not None
    assert ClaimDocument.model_validate_json(held.data).holder == f"run-{winners[0]}"


def _claim_in_process(root: str, index: int, start: multiprocessing.synchronize.Event) -> None:
    start.wait()
    won = claim_dossier(LocalStorage(root), "b" * 64, holder=f"proc-{index}") is not None
    (Path(root) / f"result-{index}").write_text("won" if won else "lost")


def test_one_claim_among_racing_processes(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    procs = [context.Process(target=_claim_in_process, args=(str(tmp_path), i, start)) for i in range(6)]
    for proc in procs:
        proc.start()
    start.set()
    for proc in procs:
        proc.join(timeout=60)
    results = [(tmp_path / f"result-{i}").read_text() for i in range(6)]
    assert results.count("won") == 1


def test_stale_claim_is_taken_over_once(storage: Storage) -> None:
    dead = acquire_claim(storage, "claims/stale.json", subject="x", holder="dead-run", ttl_seconds=60)
    assert dead is not None
    # A live claim is respected.
    assert acquire_claim(storage, "claims/stale.json", subject="x", holder="other") is None
    # Make it stale: its heartbeat is older than its TTL.
    dead.document.heartbeat_at = datetime.now(UTC) - timedelta(seconds=120)
    assert replace_if_match(storage, "claims/stale.json", dead.document.model_dump_json().encode(), dead.etag)
    barrier = threading.Barrier(8)

    def race(index: int) -> bool:
        barrier.wait()
        return acquire_claim(storage, "claims/stale.json", subject="x", holder=f"new-{index}") is not None

    with ThreadPoolExecutor(8) as pool:
        assert sum(pool.map(race, range(8))) == 1
    # The presumed-dead run notices on its next heartbeat and does not delete the new holder's claim.
    assert dead.heartbeat() is False
    dead.release()
    assert storage.exists("claims/stale.json")


def test_register_same_content_concurrently(storage: Storage) -> None:
    page = encode(text_page(["Hồ sơ đăng ký tạm trú"], size=(400, 300), font_px=20), "PNG")
    meta = b'{"procedure": "dang_ky_tam_tru"}'
    barrier = threading.Barrier(8)

    def submit(index: int) -> tuple[str, bool]:
        barrier.wait()
        # Different file names, same contents: the same dossier.
        result = register(storage, [(f"scan-{index}.png", page), ("dossier.json", meta)], source="api")
        return result.manifest.dossier_id, result.created

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(submit, range(8)))
    assert len({dossier_id for dossier_id, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    other = register(storage, [("scan.png", page)], source="api")
    assert other.created and other.manifest.dossier_id != results[0][0]


def test_worker_rebuilds_the_same_dossier_id(storage: Storage, tmp_path: Path) -> None:
    """The id the submitter computes is the id the pipeline's ingest computes from the stored originals."""
    page = encode(text_page(["GIẤY GIỚI THIỆU"], size=(400, 300), font_px=20), "JPEG")
    registration = register(
        storage,
        [("giấy tờ/trang 1.jpg", page), ("dossier.json", b'{"channel": "portal"}')],
        source="inbox",
        name="hồ sơ 1",
    )
    manifest = load_manifest(storage, registration.manifest.dossier_id)
    assert manifest is not None
    assert [f.name for f in manifest.files] == ["dossier.json", "giấy tờ/trang 1.jpg"]
    materialize(storage, manifest, tmp_path / "w" / "dossier")
    dossier, _ = ingest(dossier_input_for(manifest, tmp_path / "w"), LocalStorage(tmp_path / "s2"), None)
    assert dossier.dossier_id == manifest.dossier_id
    assert dossier.meta_source == "dossier.json" and dossier.meta.channel == "portal"


@pytest.mark.parametrize("bad", ["../x.pdf", "/etc/passwd", "a/../../b", ""])
def test_register_refuses_unsafe_names(tmp_path: Path, bad: str) -> None:
    with pytest.raises(ValueError):
        register(LocalStorage(tmp_path), [(bad, b"x")], source="api")


def test_a_run_that_lost_its_claim_stops_without_writing_status(storage: Storage) -> None:
    from flows.submission import ClaimLost
    from intake.status import DossierState, DossierStatus, StorageProgress, read_status, write_status

    dossier_id = "c" * 64
    old = claim_dossier(storage, dossier_id, holder="slow-run", ttl_seconds=60)
    assert old is not None
    status = DossierStatus(
        dossier_id=dossier_id, name="x", state=DossierState.RUNNING, updated_at=datetime.now(UTC)
    )
    write_status(storage, status)

    def heartbeat() -> None:
        if not old.heartbeat():
            raise ClaimLost("taken over")

    progress = StorageProgress(storage, status.model_copy(), on_page=heartbeat)
    progress.pages_found("x", 3)
    progress.page_done("x", 0)
    assert read_status(storage, dossier_id).pages_done == 1  # type: ignore[union-attr]
    # The run stalls past its TTL; another run takes the claim over and writes its own progress.
    old.document.heartbeat_at = datetime.now(UTC) - timedelta(seconds=120)
    old.etag = replace_if_match(storage, old.key, old.document.model_dump_json().encode(), old.etag) or ""
    new = claim_dossier(storage, dossier_id, holder="new-run")
    assert new is not None
    write_status(storage, status.model_copy(update={"flow_run_id": "new-run", "pages_done": 0}))
    with pytest.raises(ClaimLost):
        progress.page_done("x", 1)
    after = read_status(storage, dossier_id)
    assert after is not None and after.flow_run_id == "new-run" and after.pages_done == 0
