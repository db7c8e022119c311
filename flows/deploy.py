"""Register intake's deployments on a Prefect server, for workers of a `process` work pool.

    PREFECT_API_URL=http://prefect-host:4200/api \\
    .venv/bin/python -m flows.deploy --storage s3://intake/xa-01 [--pool intake-process] [--inbox-interval 30]

Deployments:
- `process-submission/intake`: one run per dossier, started by the API, the inbox and `intake reprocess`
  with the dossier id as idempotency key.
- `poll-inbox/inbox`: every `--inbox-interval` seconds, at most one at a time (deployment concurrency 1).

The code is taken from `--code-dir` (default: this checkout) on the worker's machine: every worker machine
needs the project installed at that same path (or pass the path they share). Workers run each flow run in
a fresh subprocess (`prefect worker start --type process`): the OCR models' memory goes with each dossier.
"""

from __future__ import annotations

import argparse
import os
from contextlib import suppress
from pathlib import Path
from typing import Any

from intake.config import PROJECT_ROOT

WORK_POOL = "intake-process"
SUBMISSION_DEPLOYMENT = "intake"
INBOX_DEPLOYMENT = "inbox"


def ensure_work_pool(name: str, concurrency_limit: int | None = None) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectAlreadyExists

    with get_client(sync_client=True) as client, suppress(ObjectAlreadyExists):
        client.create_work_pool(
            WorkPoolCreate(name=name, type="process", concurrency_limit=concurrency_limit)
        )


def deploy_all(
    storage_url: str,
    *,
    work_pool: str = WORK_POOL,
    code_dir: Path = PROJECT_ROOT,
    inbox_interval: float | None = 30.0,
    quiet_seconds: float | None = None,
    job_env: dict[str, str] | None = None,
    submission_name: str = SUBMISSION_DEPLOYMENT,
    inbox_name: str = INBOX_DEPLOYMENT,
) -> dict[str, str]:
    """Create the work pool (if missing) and both deployments; deployment name → id."""
    from flows.inbox import poll_inbox
    from flows.submission import process_submission

    ensure_work_pool(work_pool)
    job_variables: dict[str, Any] = {"env": dict(job_env or {})}
    source = str(Path(code_dir).resolve())
    ids: dict[str, str] = {}
    # `flow.deploy()` is avoided: in Prefect 3.8.8 it first lists the pool's workers with a request the
    # server (fastapi 0.154) rejects (422 on limit/offset = null). to_deployment().apply() does the same
    # registration without that call.
    submission = process_submission.from_source(
        source=source, entrypoint="flows/submission.py:process_submission"
    )
    ids[f"process-submission/{submission_name}"] = str(
        submission.to_deployment(
            name=submission_name,
            work_pool_name=work_pool,
            parameters={"storage_url": storage_url},
            job_variables=job_variables,
            enforce_parameter_schema=False,
        ).apply(work_pool_name=work_pool)
    )
    inbox = poll_inbox.from_source(source=source, entrypoint="flows/inbox.py:poll_inbox")
    ids[f"poll-inbox/{inbox_name}"] = str(
        inbox.to_deployment(
            name=inbox_name,
            work_pool_name=work_pool,
            parameters={
                "storage_url": storage_url,
                "quiet_seconds": quiet_seconds,
                "deployment": f"process-submission/{submission_name}",
            },
            interval=inbox_interval,
            concurrency_limit=1,
            job_variables=job_variables,
            enforce_parameter_schema=False,
        ).apply(work_pool_name=work_pool)
    )
    return ids


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--storage", default=os.environ.get("INTAKE_STORAGE_URL"), required=False)
    parser.add_argument("--pool", default=WORK_POOL)
    parser.add_argument("--code-dir", type=Path, default=PROJECT_ROOT)
    parser.add_argument("--inbox-interval", type=float, default=30.0, help="seconds; 0 for no schedule")
    parser.add_argument("--name", default=SUBMISSION_DEPLOYMENT, help="name of the submission deployment")
    parser.add_argument("--inbox-name", default=INBOX_DEPLOYMENT, help="name of the inbox deployment")
    parser.add_argument("--quiet-seconds", type=float, default=None, help="take drops without _READY after")
    args = parser.parse_args(argv)
    if not args.storage:
        parser.error("--storage (or INTAKE_STORAGE_URL) is required")
    ids = deploy_all(
        args.storage,
        work_pool=args.pool,
        code_dir=args.code_dir,
        inbox_interval=args.inbox_interval or None,
        quiet_seconds=args.quiet_seconds,
        submission_name=args.name,
        inbox_name=args.inbox_name,
    )
    for name, deployment_id in ids.items():
        print(f"{name}\t{deployment_id}")


if __name__ == "__main__":
    main()
