"""The bucket inbox against a real S3 server (SeaweedFS): which drops are complete, taking a drop exactly
once (also with pollers racing), moving it to taken/, and dispatching one flow run per new dossier to a real
Prefect server (no worker: the runs stay scheduled, their number is what counts)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from helpers import encode, text_page
from prefect_server import PrefectServer, deploy, shared_prefect_server
from s3server import S3Endpoint

from flows.inbox import READY_MARKER, find_drops, poll_inbox, take_drop
from intake.registry import load_manifest
from intake.status import read_status
from intake.storage import Storage, open_storage

pytestmark = pytest.mark.slow
BUCKET = "intake-inbox"


@pytest.fixture
def s3_env(s3_server: S3Endpoint, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    env = {
        "INTAKE_S3_ENDPOINT": s3_server.endpoint,
        "INTAKE_S3_ACCESS_KEY": s3_server.access_key,
        "INTAKE_S3_SECRET_KEY": s3_server.secret_key,
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


@pytest.fixture
def storage_url(s3_env: dict[str, str], tmp_path: Path) -> str:
    return f"s3://{BUCKET}/{tmp_path.name}"


@pytest.fixture
def storage(storage_url: str) -> Storage:
    return open_storage(storage_url)


def page(text: str) -> bytes:
    return encode(text_page([text], size=(400, 300), font_px=20), "PNG")


def drop(storage: Storage, name: str, dossiers: int, *, ready: bool = True, tag: str = "") -> None:
    for i in range(dossiers):
        storage.put_bytes(f"inbox/{name}/ho_so_{i}/trang_1.png", page(f"Hồ sơ {i}{tag}"), "image/png")
    storage.put_bytes(f"inbox/{name}/dossier.json", b'{"procedure": "dang_ky_tam_tru"}')
    if ready:
        storage.put_bytes(f"inbox/{name}/{READY_MARKER}", b"")


def test_only_complete_drops_are_taken_and_then_moved(storage: Storage, storage_url: str) -> None:
    drop(storage, "lo-1", 3)
    drop(storage, "lo-dang-tai", 2, ready=False, tag="b")
    storage.put_bytes("inbox/le.pdf", b"%PDF-1.4 stray")
    ready, stray = find_drops(storage, "inbox", quiet_seconds=None)
    assert sorted(ready) == ["lo-1"]
    assert stray == ["inbox/le.pdf"]

    report = take_drop(storage, storage_url, "inbox", "taken", "lo-1", dispatcher=None)
    assert report is not None
    # Three dossier folders, and the file at the drop's root (dossier.json) is a dossier of its own.
    assert sorted(d["name"] for d in report["dossiers"]) == ["dossier", "ho_so_0", "ho_so_1", "ho_so_2"]
    assert report["new"] == 4 and report["duplicates"] == 0
    assert not list(storage.list_keys("inbox/lo-1/"))
    taken = list(storage.list_keys("taken/lo-1/"))
    assert sum(k.endswith("/trang_1.png") for k in taken) == 3
    assert any(k.endswith(f"/{READY_MARKER}") for k in taken)
    assert any(k.endswith("/_TAKEN.json") for k in taken)
    for item in report["dossiers"]:
        manifest = load_manifest(storage, item["dossier_id"])
        assert manifest is not None and manifest.source == "inbox"
        assert manifest.origin == f"inbox/lo-1/{item['name']}"
        status = read_status(storage, item["dossier_id"])
        assert status is not None and status.state == "queued"

    # A second poll finds nothing to take; the incomplete drop is left alone.
    ready, _ = find_drops(storage, "inbox", quiet_seconds=None)
    assert ready == {}
    assert len(list(storage.list_keys("inbox/lo-dang-tai/"))) == 3


def test_quiet_period_makes_a_drop_without_marker_complete(storage: Storage) -> None:
    drop(storage, "may-quet", 1, ready=False)
    assert find_drops(storage, "inbox", quiet_seconds=3600)[0] == {}
    later = datetime.now(UTC) + timedelta(seconds=3601)
    assert list(find_drops(storage, "inbox", quiet_seconds=3600, now=later)[0]) == ["may-quet"]


def test_racing_pollers_take_a_drop_once(storage: Storage, storage_url: str) -> None:
    drop(storage, "lo-tranh-chap", 5)
    barrier = threading.Barrier(4)

    def poll(_: int) -> dict[str, object] | None:
        barrier.wait()
        return take_drop(storage, storage_url, "inbox", "taken", "lo-tranh-chap", dispatcher=None)

    with ThreadPoolExecutor(4) as pool:
        reports = [r for r in pool.map(poll, range(4)) if r is not None]
    assert len(reports) == 1
    assert reports[0]["new"] == 6
    assert len([k for k in storage.list_keys("manifests/")]) == 6
    assert len([k for k in storage.list_keys("taken/") if k.endswith("_TAKEN.json")]) == 1


@pytest.fixture(scope="module")
def inbox_deployment(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, s3_server: S3Endpoint
) -> tuple[PrefectServer, str]:
    server = shared_prefect_server(request.config, tmp_path_factory.mktemp("prefect"))
    env = {
        "INTAKE_S3_ENDPOINT": s3_server.endpoint,
        "INTAKE_S3_ACCESS_KEY": s3_server.access_key,
        "INTAKE_S3_SECRET_KEY": s3_server.secret_key,
    }
    deploy(server, f"s3://{BUCKET}/unused", "intake-inbox-test", env, name="inbox-test")
    return server, "process-submission/inbox-test"


def deployment_runs(server: PrefectServer, name: str) -> list[dict[str, object]]:
    flow_name, deployment_name = name.split("/")
    with httpx.Client(base_url=server.api_url, timeout=30) as http:
        deployment = http.get(f"/deployments/name/{flow_name}/{deployment_name}").json()
        return http.post(
            "/flow_runs/filter", json={"deployments": {"id": {"any_": [deployment["id"]]}}, "limit": 200}
        ).json()


@pytest.fixture
def prefect_api(inbox_deployment: tuple[PrefectServer, str]) -> Iterator[None]:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: inbox_deployment[0].api_url}):
        yield


def test_poll_dispatches_one_run_per_new_dossier(
    storage: Storage, storage_url: str, inbox_deployment: tuple[PrefectServer, str], prefect_api: None
) -> None:
    server, deployment = inbox_deployment
    before = len(deployment_runs(server, deployment))
    drop(storage, "lo-a", 4)
    result = poll_inbox.fn(storage_url, deployment=deployment)
    assert result["new"] == 5 and result["duplicates"] == 0
    runs = deployment_runs(server, deployment)
    assert len(runs) == before + 5
    keys = {run["idempotency_key"] for run in runs}
    ids = {d["dossier_id"] for d in result["drops"][0]["dossiers"]}
    assert ids <= keys
    for dossier_id in ids:
        status = read_status(storage, dossier_id)
        assert status is not None and status.flow_run_id in {run["id"] for run in runs}

    # Polling again takes nothing; the same files dropped again register nothing and start no run.
    assert poll_inbox.fn(storage_url, deployment=deployment)["drops"] == []
    drop(storage, "lo-a-lan-2", 4)
    again = poll_inbox.fn(storage_url, deployment=deployment)
    assert again["new"] == 0 and again["duplicates"] == 5
    assert len(deployment_runs(server, deployment)) == before + 5
