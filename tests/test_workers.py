"""End to end with real process workers: the API (uvicorn) submits to a real Prefect server, two
`prefect worker start --type process` workers run the dossier flow in subprocesses, storage is a real S3
server. Checks per-page progress in the status, the record through the API, exactly-once when runs race,
and `intake reprocess`."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from helpers import encode, text_page
from prefect_server import PROJECT_ROOT, PrefectServer, deploy, run_api, run_worker, shared_prefect_server
from s3server import S3Endpoint

from intake.registry import read_versioned, record_key, register
from intake.status import read_status
from intake.storage import Storage, make_s3_client

pytestmark = pytest.mark.slow

TOKEN = "officer-token-for-worker-tests"
POOL = "intake-workers-test"
DEPLOYMENT = "process-submission/workers-test"
BUCKET = "intake-workers"
PREFIX = "xa-02"
TERMINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


@dataclass(frozen=True)
class Stack:
    server: PrefectServer
    api: str
    storage_url: str
    env: dict[str, str]
    storage: Storage


@pytest.fixture(scope="module")
def stack(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, s3_server: S3Endpoint
) -> Iterator[Stack]:
    from intake.storage import S3Storage

    server = shared_prefect_server(request.config, tmp_path_factory.mktemp("prefect"))
    storage_url = f"s3://{BUCKET}/{PREFIX}"
    env = {
        "INTAKE_S3_ENDPOINT": s3_server.endpoint,
        "INTAKE_S3_ACCESS_KEY": s3_server.access_key,
        "INTAKE_S3_SECRET_KEY": s3_server.secret_key,
        "INTAKE_STORAGE_URL": storage_url,
        "INTAKE_API_OFFICER_TOKENS": TOKEN,
        "INTAKE_DEPLOYMENT": DEPLOYMENT,
    }
    deploy(server, storage_url, POOL, env, name=DEPLOYMENT.split("/")[1])
    logs = tmp_path_factory.mktemp("worker-logs")
    storage = S3Storage(
        make_s3_client(s3_server.endpoint, s3_server.access_key, s3_server.secret_key), BUCKET, PREFIX
    )
    with ExitStack() as stacked:
        for name in ("w1", "w2"):
            stacked.enter_context(run_worker(server, POOL, name, logs, limit=1, env=env))
        api = stacked.enter_context(run_api(server, logs, env))
        yield Stack(server, api, storage_url, env, storage)


def intake_cli(stack: Stack, *args: str) -> subprocess.CompletedProcess[str]:
    """`intake …` in a subprocess, with the stack's environment (INTAKE_STORAGE_URL, S3, Prefect)."""
    return subprocess.run(
        [sys.executable, "-m", "intake.cli", *args],
        cwd=PROJECT_ROOT,
        env=stack.server.env(**stack.env),
        capture_output=True,
        text=True,
        timeout=300,
    )


def page(text: str) -> bytes:
    return encode(text_page(["GIẤY GIỚI THIỆU", text], size=(620, 877), font_px=22), "PNG")


def prefect(server: PrefectServer) -> httpx.Client:
    return httpx.Client(base_url=server.api_url, timeout=30)


def create_run(server: PrefectServer, dossier_id: str, storage_url: str, key: str) -> str:
    """A flow run of the deployment with this idempotency key, created through Prefect's client."""
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with (
        temporary_settings(updates={PREFECT_API_URL: server.api_url}),
        get_client(sync_client=True) as client,
    ):
        deployment = client.read_deployment_by_name(DEPLOYMENT)
        run = client.create_flow_run_from_deployment(
            deployment.id,
            parameters={"dossier_id": dossier_id, "storage_url": storage_url},
            idempotency_key=key,
        )
    return str(run.id)


def wait_runs(server: PrefectServer, run_ids: list[str], timeout: float = 600) -> dict[str, str]:
    deadline = time.monotonic() + timeout
    states: dict[str, str] = {}
    with prefect(server) as http:
        while time.monotonic() < deadline:
            states = {run_id: http.get(f"/flow_runs/{run_id}").json()["state_type"] for run_id in run_ids}
            if set(states.values()) <= TERMINAL:
                return states
            time.sleep(1)
    raise AssertionError(f"flow runs did not finish: {states}")


def test_submitted_dossier_is_processed_once_with_page_progress(stack: Stack) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with httpx.Client(base_url=stack.api, timeout=60, headers=headers) as http:
        submitted = http.post(
            "/v1/dossiers",
            data={"procedure": "dang_ky_tam_tru", "channel": "portal"},
            files=[("files", ("giay_gioi_thieu.png", page("Nguyễn Văn Bình"), "image/png"))],
        )
        assert submitted.status_code == 202, submitted.text
        dossier_id = submitted.json()["dossier_id"]
        seen: list[tuple[str, int, int | None]] = []
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            status = http.get(f"/v1/dossiers/{dossier_id}").json()
            seen.append((status["state"], status["pages_done"], status["pages_total"]))
            if status["state"] in ("done", "failed"):
                break
            time.sleep(0.5)
        assert status["state"] == "done", (status, seen)
        assert status["pages_total"] == 1 and status["pages_done"] == 1
        assert status["attempts"] == 1 and status["message"] == "Đã xử lý xong hồ sơ."
        assert ("queued", 0, None) in seen  # it was visibly queued before a worker took it
        record = http.get(f"/v1/dossiers/{dossier_id}/record")
        assert record.status_code == 200
        body = record.json()
        assert body["dossier_id"] == dossier_id and len(body["pages"]) == 1
        assert body["meta"]["procedure"] == "dang_ky_tam_tru" and body["meta_source"] == "dossier.json"
        first_record = read_versioned(stack.storage, record_key(dossier_id))
        assert first_record is not None

        # Submitting again answers with the finished status, and starts nothing.
        again = http.post(
            "/v1/dossiers",
            data={"procedure": "dang_ky_tam_tru", "channel": "portal"},
            files=[("files", ("anh.png", page("Nguyễn Văn Bình"), "image/png"))],
        )
        assert again.status_code == 200 and again.json()["status"]["state"] == "done"

    # Two more runs for the same dossier (as a second path or an operator might start) do nothing.
    extra = [
        create_run(stack.server, dossier_id, stack.storage_url, f"{dossier_id}:extra-{i}") for i in range(2)
    ]
    assert set(wait_runs(stack.server, extra).values()) == {"COMPLETED"}
    final = read_status(stack.storage, dossier_id)
    assert final is not None and final.attempts == 1
    assert read_versioned(stack.storage, record_key(dossier_id)) == first_record
    assert not list(stack.storage.list_keys(f"records-history/{dossier_id}/"))


def test_two_workers_racing_for_one_dossier_process_it_once(stack: Stack) -> None:
    registration = register(
        stack.storage, [("to_khai.png", page("Trần Thị Mai")), ("dossier.json", b"{}")], source="cli"
    )
    dossier_id = registration.manifest.dossier_id
    # Two runs with different idempotency keys: the Prefect server does not dedupe them, both workers get one.
    runs = [
        create_run(stack.server, dossier_id, stack.storage_url, f"race-{i}-{dossier_id}") for i in range(2)
    ]
    assert set(wait_runs(stack.server, runs).values()) == {"COMPLETED"}
    status = read_status(stack.storage, dossier_id)
    assert status is not None and status.state == "done" and status.attempts == 1
    assert status.flow_run_id in runs
    assert stack.storage.exists(record_key(dossier_id))
    assert not stack.storage.exists(f"claims/{dossier_id}.json")  # released


def test_reprocess_from_classify_through_a_worker(stack: Stack) -> None:
    registration = register(stack.storage, [("hop_dong.png", page("Hợp đồng thuê nhà"))], source="cli")
    dossier_id = registration.manifest.dossier_id
    first = create_run(stack.server, dossier_id, stack.storage_url, dossier_id)
    assert wait_runs(stack.server, [first]) == {first: "COMPLETED"}
    before = json.loads(stack.storage.get_bytes(record_key(dossier_id)))
    # Here, in this process (no worker involved)…
    here = intake_cli(
        stack, "reprocess", dossier_id, "--storage", stack.storage_url, "--from-stage", "classify"
    )
    assert here.returncode == 0, here.stdout + here.stderr
    assert f"dossier {dossier_id}: processed" in " ".join(here.stderr.split())  # rich wraps lines
    # …and through the deployment, for a worker.
    result = intake_cli(
        stack, "reprocess", dossier_id, "--from-stage", "classify", "--deployment", DEPLOYMENT
    )
    assert result.returncode == 0, result.stdout + result.stderr
    run_id = " ".join(result.stderr.split()).split("flow run ")[1].split()[0]
    assert wait_runs(stack.server, [run_id]) == {run_id: "COMPLETED"}
    status = read_status(stack.storage, dossier_id)
    assert status is not None and status.state == "done" and status.attempts == 3
    history = list(stack.storage.list_keys(f"records-history/{dossier_id}/"))
    assert len(history) == 2
    assert json.loads(stack.storage.get_bytes(history[0])) == before
    after = json.loads(stack.storage.get_bytes(record_key(dossier_id)))
    # OCR was not run again: the same lines, a new finish time.
    assert after["pages"][0]["lines"] == before["pages"][0]["lines"]
    assert after["finished_at"] != before["finished_at"]


def test_reprocess_refuses_unknown_settings(stack: Stack, tmp_path: Path) -> None:
    result = intake_cli(stack, "reprocess", "a" * 64, "--set", "raster_dpi=300")
    assert result.returncode == 2
    assert "cannot set raster_dpi" in result.stderr


def test_cli_submit_hands_a_batch_to_the_workers_once(stack: Stack, tmp_path: Path) -> None:
    batch = tmp_path / "lo_quay"
    (batch / "ho_so_1").mkdir(parents=True)
    (batch / "ho_so_1" / "to_khai.png").write_bytes(page("Lê Văn Tám"))
    first = intake_cli(stack, "submit", str(batch), "--deployment", DEPLOYMENT)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "ho_so_1" in first.stdout and "yes" in first.stdout
    second = intake_cli(stack, "submit", str(batch), "--deployment", DEPLOYMENT)
    assert second.returncode == 0 and "yes" not in second.stdout
    manifests = [
        json.loads(stack.storage.get_bytes(key))
        for key in stack.storage.list_keys("manifests/")
        if json.loads(stack.storage.get_bytes(key))["name"] == "ho_so_1"
    ]
    assert len(manifests) == 1 and manifests[0]["source"] == "cli"
