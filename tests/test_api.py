"""The HTTP API under a real uvicorn on loopback, driven with httpx, with a real S3 server (SeaweedFS) and
a real Prefect server holding the deployments. No worker runs here: dossiers stay queued, which is what these
tests look at (authentication, limits, exactly-once submission, paging, the OpenAPI document)."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from helpers import encode, text_page
from prefect_server import PrefectServer, deploy, run_api, shared_prefect_server
from s3server import S3Endpoint

from api.openapi import OPENAPI_PATH, render

pytestmark = pytest.mark.slow

PORTAL = "portal-token-0123456789"
OFFICER = "officer-token-9876543210"
MAX_FILE = 150_000
MAX_REQUEST = 400_000
POOL = "intake-api-test"  # no worker polls it: dossiers stay queued
DEPLOYMENT = "api-test"


@pytest.fixture(scope="session")
def prefect_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> PrefectServer:
    return shared_prefect_server(request.config, tmp_path_factory.mktemp("prefect"))


@pytest.fixture(scope="module")
def api(
    s3_server: S3Endpoint, prefect_server: PrefectServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    env = {
        "INTAKE_S3_ENDPOINT": s3_server.endpoint,
        "INTAKE_S3_ACCESS_KEY": s3_server.access_key,
        "INTAKE_S3_SECRET_KEY": s3_server.secret_key,
        "INTAKE_STORAGE_URL": "s3://intake-api/xa-01",
        "INTAKE_API_PORTAL_TOKENS": f"{PORTAL},second-portal-token",
        "INTAKE_API_OFFICER_TOKENS": OFFICER,
        "INTAKE_API_MAX_FILE_BYTES": str(MAX_FILE),
        "INTAKE_API_MAX_REQUEST_BYTES": str(MAX_REQUEST),
        "INTAKE_API_MAX_BATCH_BYTES": str(2 * MAX_REQUEST),
        "INTAKE_DEPLOYMENT": f"process-submission/{DEPLOYMENT}",
    }
    deploy(prefect_server, env["INTAKE_STORAGE_URL"], POOL, env, name=DEPLOYMENT)
    with run_api(prefect_server, tmp_path_factory.mktemp("api-logs"), env) as base_url:
        yield base_url


@pytest.fixture
def client(api: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=api, timeout=60) as http:
        yield http


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def page(text: str) -> bytes:
    return encode(text_page(["GIẤY GIỚI THIỆU", text], size=(500, 400), font_px=20), "PNG")


def submit(
    client: httpx.Client, files: list[tuple[str, bytes]], token: str = PORTAL, **fields: str
) -> httpx.Response:
    return client.post(
        "/v1/dossiers",
        headers=auth(token),
        data={"procedure": "dang_ky_tam_tru", "received_at": "2026-11-16T09:30:00+07:00", **fields},
        files=[("files", (name, data, "image/png")) for name, data in files],
    )


def flow_runs_for(server: PrefectServer, flow_run_id: str) -> list[str]:
    """Ids of every flow run of the submission deployment that carries this run's idempotency key."""
    with httpx.Client(base_url=server.api_url, timeout=30) as http:
        run = http.get(f"/flow_runs/{flow_run_id}").json()
        runs = http.post(
            "/flow_runs/filter", json={"deployments": {"id": {"any_": [run["deployment_id"]]}}, "limit": 200}
        ).json()
    return [r["id"] for r in runs if r["idempotency_key"] == run["idempotency_key"]]


def test_openapi_is_served_and_committed_current(client: httpx.Client) -> None:
    committed = OPENAPI_PATH.read_text("utf-8")
    assert committed == render(), "api/openapi.json is stale: run `python -m api.openapi`"
    served = client.get("/openapi.json")
    assert served.status_code == 200
    assert served.json() == json.loads(committed)
    assert {
        "/v1/dossiers",
        "/v1/dossiers/{dossier_id}",
        "/v1/dossiers/{dossier_id}/record",
        "/v1/batches",
    } <= set(served.json()["paths"])


def test_authentication(client: httpx.Client) -> None:
    missing = client.get("/v1/dossiers")
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"] == "Bearer"
    assert missing.json()["detail"]["code"] == "missing_token"
    wrong = client.get("/v1/dossiers", headers=auth(OFFICER + "x"))
    assert wrong.status_code == 401 and wrong.json()["detail"]["message"] == "Mã truy cập không hợp lệ."
    basic = client.get("/v1/dossiers", headers={"Authorization": "Basic b2ZmaWNlcjp4"})
    assert basic.status_code == 401
    # A portal token may not list every citizen's dossiers.
    forbidden = client.get("/v1/dossiers", headers=auth("second-portal-token"))
    assert forbidden.status_code == 403 and "cán bộ" in forbidden.json()["detail"]["message"]
    assert client.get("/v1/dossiers", headers=auth(OFFICER)).status_code == 200
    assert client.get("/health").json() == {"status": "ok"}


def test_submit_once_then_answer_with_the_existing_status(
    client: httpx.Client, prefect_server: PrefectServer
) -> None:
    files = [("to_khai.png", page("Nguyễn Thị Hường")), ("hop_dong.png", page("Hợp đồng thuê nhà"))]
    first = submit(client, files)
    assert first.status_code == 202, first.text
    body = first.json()
    assert body["created"] is True
    dossier_id = body["dossier_id"]
    assert len(dossier_id) == 64
    assert body["status"]["state"] == "queued"
    assert body["status"]["message"] == "Hồ sơ đã được tiếp nhận và đang chờ xử lý."
    flow_run_id = body["status"]["flow_run_id"]
    assert flow_run_id

    # Same files (other names, other order) and same metadata: the same dossier, no new run.
    again = submit(client, [("b.png", files[1][1]), ("a.png", files[0][1])], token=OFFICER)
    assert again.status_code == 200, again.text
    assert again.json()["created"] is False
    assert again.json()["dossier_id"] == dossier_id
    assert again.json()["status"]["flow_run_id"] == flow_run_id
    assert flow_runs_for(prefect_server, flow_run_id) == [flow_run_id]

    status = client.get(body["status_url"], headers=auth(PORTAL))
    assert status.status_code == 200
    assert status.json()["state"] == "queued" and status.json()["flow_run_state"] == "Scheduled"
    record = client.get(body["record_url"], headers=auth(PORTAL))
    assert record.status_code == 409 and record.json()["detail"]["code"] == "not_ready"

    # Other metadata makes another dossier.
    other = submit(client, files, procedure="dang_ky_thuong_tru")
    assert other.status_code == 202 and other.json()["dossier_id"] != dossier_id


def test_unknown_dossier(client: httpx.Client) -> None:
    for dossier_id in ("0" * 64, "not-an-id"):
        response = client.get(f"/v1/dossiers/{dossier_id}", headers=auth(PORTAL))
        assert response.status_code == 404
        assert response.json()["detail"]["message"] == "Không tìm thấy hồ sơ với mã này."


def test_file_too_large(client: httpx.Client) -> None:
    big = b"\x89PNG" + bytes(MAX_FILE + 10)
    response = submit(client, [("scan lớn.png", big)])
    assert response.status_code == 413
    detail = response.json()["detail"]
    assert detail["code"] == "file_too_large"
    assert "scan lớn.png" in detail["message"] and "vượt giới hạn" in detail["message"]


def test_request_too_large(client: httpx.Client) -> None:
    parts = [(f"p{i}.png", b"\x89PNG" + bytes(MAX_FILE - 100)) for i in range(4)]  # each file is allowed
    response = submit(client, parts)
    assert response.status_code == 413
    assert response.json()["detail"]["code"] == "request_too_large"
    assert "vượt quá dung lượng cho phép" in response.json()["detail"]["message"]


def test_streamed_request_too_large_is_cut_off(client: httpx.Client) -> None:
    """No Content-Length (chunked): the limit is enforced while the body streams in."""

    def body() -> Iterator[bytes]:
        yield b'--x\r\nContent-Disposition: form-data; name="files"; filename="a.png"\r\n\r\n'
        for _ in range(100):
            yield bytes(10_000)

    response = client.post(
        "/v1/dossiers",
        headers={**auth(PORTAL), "Content-Type": "multipart/form-data; boundary=x"},
        content=body(),
    )
    assert response.status_code == 413
    assert response.json()["detail"]["code"] == "request_too_large"


def test_invalid_fields_are_explained_in_vietnamese(client: httpx.Client) -> None:
    response = submit(client, [("a.png", page("x"))], procedure="khong_co_thu_tuc_nay")
    assert response.status_code == 422
    assert response.json()["detail"]["message"].startswith("Dữ liệu gửi lên không hợp lệ")
    assert "procedure" in response.json()["detail"]["message"]
    empty = client.post("/v1/dossiers", headers=auth(PORTAL), data={"procedure": "dang_ky_tam_tru"})
    assert empty.status_code == 422


def test_list_pages_through_every_dossier(client: httpx.Client) -> None:
    created = {submit(client, [("a.png", page(f"Trang {i}"))]).json()["dossier_id"] for i in range(3)}
    seen: list[str] = []
    after: str | None = None
    while True:
        params: dict[str, str | int] = {"limit": 2}
        if after:
            params["after"] = after
        response = client.get("/v1/dossiers", headers=auth(OFFICER), params=params)
        assert response.status_code == 200
        body = response.json()
        assert len(body["items"]) <= 2
        seen.extend(item["dossier_id"] for item in body["items"])
        after = body["next_after"]
        if after is None:
            break
    assert seen == sorted(seen) and len(seen) == len(set(seen))
    assert created <= set(seen)
    bad = client.get("/v1/dossiers", headers=auth(OFFICER), params={"limit": 0})
    assert bad.status_code == 422


def test_officer_batch_upload(client: httpx.Client, tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("lo_01/ho_so_a/trang_1.png", page("Hồ sơ A"))
        archive.writestr("lo_01/ho_so_a/dossier.json", '{"procedure": "gia_han_tam_tru"}')
        archive.writestr("lo_01/ho_so_b/trang_1.png", page("Hồ sơ B"))
        archive.writestr("lo_01/le.png", page("Một tờ lẻ"))
    data = buffer.getvalue()
    files = {"file": ("lo_01.zip", data, "application/zip")}
    denied = client.post("/v1/batches", headers=auth(PORTAL), files=files)
    assert denied.status_code == 403
    first = client.post("/v1/batches", headers=auth(OFFICER), files=files)
    assert first.status_code == 202, first.text
    body = first.json()
    assert sorted(item["name"] for item in body["dossiers"]) == ["ho_so_a", "ho_so_b", "le"]
    assert body["new"] == 3 and body["duplicates"] == 0
    second = client.post("/v1/batches", headers=auth(OFFICER), files=files).json()
    assert second["new"] == 0 and second["duplicates"] == 3
    assert {i["dossier_id"] for i in second["dossiers"]} == {i["dossier_id"] for i in body["dossiers"]}
    broken = client.post(
        "/v1/batches", headers=auth(OFFICER), files={"file": ("x.zip", b"not a zip", "application/zip")}
    )
    assert broken.status_code == 422 and broken.json()["detail"]["code"] == "invalid_batch"
