"""Benchmark: N dossiers dropped in the bucket inbox, processed exactly once by two process workers.

Everything is real and on loopback: a SeaweedFS S3 server, `prefect server start`, the two deployments of
flows/deploy.py, and two `prefect worker start --type process --limit 1` workers. Dossiers are tiny (one small
rendered page each) so the figures show the orchestration overhead, not OCR on real scans.

    .venv/bin/python benchmarks/inbox_exactly_once.py [--dossiers 100] [--workers 2]

Steps: drop N dossier folders + `_READY` under inbox/drop-1/; start two poll-inbox runs through the deployment
and one poll from this process at the same moment (three pollers racing for the drop); wait until every
dossier is done; drop the same files again as inbox/drop-2/ and poll; check that nothing new ran.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

BUCKET = "intake-bench"
POOL = "intake-bench-pool"


def page_png(index: int) -> bytes:
    from helpers import encode, text_page

    lines = ["GIẤY GIỚI THIỆU", f"Hồ sơ số {index:04d}", "Nguyễn Văn Bình"]
    return encode(text_page(lines, size=(620, 877), font_px=22), "PNG")


def drop(storage: object, name: str, pages: list[bytes]) -> None:
    for index, data in enumerate(pages):
        storage.put_bytes(f"inbox/{name}/ho_so_{index:04d}/trang_1.png", data, "image/png")  # type: ignore[attr-defined]
    storage.put_bytes(f"inbox/{name}/_READY", b"", "text/plain")  # type: ignore[attr-defined]


def flow_runs_by_flow(api_url: str) -> Counter[str]:
    """Flow runs per flow, through the REST API (Prefect 3.8.8's client sends sort=null, which its server
    rejects under fastapi 0.154)."""
    import httpx

    counts: Counter[str] = Counter()
    with httpx.Client(base_url=api_url, timeout=60) as http:
        for flow_name in ("process-submission", "process-dossier", "poll-inbox"):
            runs: list[dict[str, object]] = []
            while True:  # the server answers at most 200 runs per request
                body = {"flows": {"name": {"any_": [flow_name]}}, "limit": 200, "offset": len(runs)}
                batch = http.post("/flow_runs/filter", json=body).json()
                runs.extend(batch)
                if len(batch) < 200:
                    break
            counts[flow_name] = len(runs)
            counts[f"{flow_name}:completed"] = sum(1 for r in runs if r["state_type"] == "COMPLETED")
    return counts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=3600)
    args = parser.parse_args()

    from prefect_server import run_prefect_server, run_worker
    from s3server import run_s3_server

    with tempfile.TemporaryDirectory(prefix="intake-bench-") as tmp_name:
        tmp = Path(tmp_name)
        t0 = time.monotonic()
        with run_s3_server(tmp / "s3") as s3, run_prefect_server(tmp) as server:
            print(
                f"S3 ready in {s3.startup_seconds:.1f} s; "
                f"Prefect server ready in {server.startup_seconds:.1f} s"
            )
            s3_env = {
                "INTAKE_S3_ENDPOINT": s3.endpoint,
                "INTAKE_S3_ACCESS_KEY": s3.access_key,
                "INTAKE_S3_SECRET_KEY": s3.secret_key,
            }
            import os

            os.environ.update(s3_env)
            os.environ["PREFECT_API_URL"] = server.api_url
            from prefect.deployments import run_deployment

            from flows.deploy import deploy_all
            from flows.inbox import poll_inbox
            from intake.status import DossierState, list_statuses
            from intake.storage import open_storage

            storage_url = f"s3://{BUCKET}/office"
            storage = open_storage(storage_url)
            deploy_all(storage_url, work_pool=POOL, inbox_interval=None)

            pages = [page_png(i) for i in range(args.dossiers)]
            t_drop = time.monotonic()
            drop(storage, "drop-1", pages)
            print(f"dropped {args.dossiers} dossiers in {time.monotonic() - t_drop:.1f} s")

            log_dir = tmp / "logs"
            log_dir.mkdir()
            from contextlib import ExitStack

            with ExitStack() as stack:
                for w in range(args.workers):
                    stack.enter_context(run_worker(server, POOL, f"w{w + 1}", log_dir, limit=1, env=s3_env))
                t_start = time.monotonic()
                # Three pollers race for the same drop: two deployment runs and one in this process.
                for _ in range(2):
                    run_deployment("poll-inbox/inbox", timeout=0, as_subflow=False)
                local: dict[str, object] = {}
                racer = threading.Thread(target=lambda: local.update(poll_inbox.fn(storage_url)))
                racer.start()
                racer.join()
                print(f"local poller: new={local.get('new')} duplicates={local.get('duplicates')}")

                done = 0
                deadline = time.monotonic() + args.timeout
                last_print = 0.0
                while time.monotonic() < deadline:
                    statuses = list_statuses(storage, limit=10_000)
                    done = sum(1 for s in statuses if s.state in (DossierState.DONE, DossierState.FAILED))
                    if done >= args.dossiers:
                        break
                    if time.monotonic() - last_print > 30:
                        last_print = time.monotonic()
                        print(
                            f"  {time.monotonic() - t_start:6.0f} s: {done}/{args.dossiers} done", flush=True
                        )
                    time.sleep(2)
                t_done = time.monotonic()
                statuses = list_statuses(storage, limit=10_000)
                first = flow_runs_by_flow(server.api_url)

                # The same files again, as a new drop.
                drop(storage, "drop-2", pages)
                t_redrop = time.monotonic()
                second_poll = run_deployment("poll-inbox/inbox", timeout=600, as_subflow=False)
                redrop_seconds = time.monotonic() - t_redrop
                time.sleep(15)  # give workers time to pick up anything that was (wrongly) started
                second = flow_runs_by_flow(server.api_url)
                poll_state = second_poll.state_name
            statuses_after = list_statuses(storage, limit=10_000)
            taken_reports = [
                json.loads(storage.get_bytes(k))
                for k in storage.list_keys("taken/")
                if k.endswith("_TAKEN.json")
            ]

        latencies = [
            (s.updated_at - s.submitted_at).total_seconds() for s in statuses if s.submitted_at is not None
        ]
        attempts = Counter(s.attempts for s in statuses_after)
        elapsed = t_done - t_start
        print()
        print(f"dossiers (1 page each, 620×877 PNG): {args.dossiers}, workers: {args.workers} (limit 1 each)")
        print(f"all done in {elapsed:.1f} s → {args.dossiers / elapsed * 60:.1f} dossiers/min")
        if latencies:
            median = statistics.median(latencies)
            p95 = sorted(latencies)[int(0.95 * (len(latencies) - 1))]
            print(f"submit→done latency: median {median:.1f} s, p95 {p95:.1f} s, max {max(latencies):.1f} s")
        states = Counter(str(s.state) for s in statuses_after)
        print(f"final states: {dict(states)}; attempts per dossier: {dict(attempts)}")
        print(f"flow runs after first drop: {dict(first)}")
        print(f"flow runs after second drop: {dict(second)}")
        for report in sorted(taken_reports, key=lambda r: r["taken_at"]):
            print(f"taken {report['drop']}: new={report['new']} duplicates={report['duplicates']}")
        print(f"second poll finished in {redrop_seconds:.1f} s, state {poll_state}")
        exactly_once = (
            first["process-dossier"] == args.dossiers
            and second["process-dossier"] == args.dossiers
            and second["process-submission"] == args.dossiers
            and attempts == Counter({1: args.dossiers})
            and states == Counter({"done": args.dossiers})
        )
        print(
            f"EXACTLY ONCE: {'yes' if exactly_once else 'NO'}; total wall time {time.monotonic() - t0:.0f} s"
        )
        print(f"(started {datetime.now():%Y-%m-%d %H:%M})")
        sys.exit(0 if exactly_once else 1)


if __name__ == "__main__":
    main()
