"""Benchmark: API latency on loopback (uvicorn + SeaweedFS S3), without and with dispatch to Prefect.

    .venv/bin/python benchmarks/api_timings.py [--requests 30] [--with-prefect]

Times: a new submission (one 620×877 PNG + metadata), the same submission again (answered from storage),
a status read, a page of the listing. With --with-prefect, a Prefect server is started and every new
submission also creates its flow run (run_deployment with the dossier id as idempotency key).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]


def summary(name: str, values: list[float]) -> str:
    ms = sorted(v * 1000 for v in values)
    return (
        f"{name:<22} n={len(ms):3d}  median {statistics.median(ms):7.1f} ms  "
        f"p95 {ms[int(0.95 * (len(ms) - 1))]:7.1f} ms  max {ms[-1]:7.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--with-prefect", action="store_true")
    args = parser.parse_args()

    import httpx
    from helpers import encode, text_page
    from prefect_server import PrefectServer, deploy, run_api, run_prefect_server
    from s3server import run_s3_server

    with tempfile.TemporaryDirectory(prefix="intake-api-bench-") as tmp_name, ExitStack() as stack:
        tmp = Path(tmp_name)
        s3 = stack.enter_context(run_s3_server(tmp / "s3"))
        env = {
            "INTAKE_S3_ENDPOINT": s3.endpoint,
            "INTAKE_S3_ACCESS_KEY": s3.access_key,
            "INTAKE_S3_SECRET_KEY": s3.secret_key,
            "INTAKE_STORAGE_URL": "s3://intake-api-bench/xa",
            "INTAKE_API_OFFICER_TOKENS": "bench-token",
            "INTAKE_DEPLOYMENT": "process-submission/api-bench",
        }
        if args.with_prefect:
            server = stack.enter_context(run_prefect_server(tmp))
            deploy(server, env["INTAKE_STORAGE_URL"], "api-bench-pool", env, name="api-bench")
        else:
            env["INTAKE_API_DISPATCH"] = "0"
            server = PrefectServer(
                api_url="http://127.0.0.1:9/api", home=tmp, log_path=tmp, startup_seconds=0
            )
        base = stack.enter_context(run_api(server, tmp, env))
        http = stack.enter_context(
            httpx.Client(base_url=base, headers={"Authorization": "Bearer bench-token"})
        )
        pages = [
            encode(text_page(["GIẤY GIỚI THIỆU", f"Hồ sơ {i}"], size=(620, 877), font_px=22), "PNG")
            for i in range(args.requests)
        ]
        timings: dict[str, list[float]] = {
            "submit (new)": [],
            "submit (duplicate)": [],
            "status": [],
            "list (50)": [],
        }
        ids = []
        for data in pages:
            files = [("files", ("trang_1.png", data, "image/png"))]
            form = {"procedure": "dang_ky_tam_tru"}
            t = time.perf_counter()
            response = http.post("/v1/dossiers", data=form, files=files)
            timings["submit (new)"].append(time.perf_counter() - t)
            assert response.status_code == 202, response.text
            ids.append(response.json()["dossier_id"])
            t = time.perf_counter()
            response = http.post("/v1/dossiers", data=form, files=files)
            timings["submit (duplicate)"].append(time.perf_counter() - t)
            assert response.status_code == 200
        for dossier_id in ids:
            t = time.perf_counter()
            assert http.get(f"/v1/dossiers/{dossier_id}").status_code == 200
            timings["status"].append(time.perf_counter() - t)
        for _ in range(10):
            t = time.perf_counter()
            assert http.get("/v1/dossiers", params={"limit": 50}).status_code == 200
            timings["list (50)"].append(time.perf_counter() - t)
        print(f"page size {len(pages[0]) / 1024:.0f} KiB; dispatch to Prefect: {args.with_prefect}")
        for name, values in timings.items():
            print(summary(name, values))


if __name__ == "__main__":
    main()
