"""The bucket inbox: a scheduled flow that takes complete dossier drops from `inbox/` and starts their runs.

Layout (relative to the storage root, e.g. s3://intake/xa-01/):

    inbox/<drop>/<dossier folder>/<files…>    one drop = one batch, with the same rules as `intake process`:
    inbox/<drop>/<file.pdf>                   a sub-folder is a dossier, a file at the drop's root is one
    inbox/<drop>/_READY                       written last by the uploader: the drop is complete

A drop is taken when it has a `_READY` object at its root. Optionally (`quiet_seconds`), a drop without the
marker is also taken once none of its objects has changed for that many seconds; that suits scanners that
cannot write a marker, at the price of latency and of trusting the uploader's pace.

Taking a drop: claim it (`claims/inbox/…`, atomic), submit every dossier (`submit_dossier`: exactly once per
content, dispatched to the `process-submission` deployment with the dossier id as idempotency key), then
move its objects to `taken/<drop>/<timestamp>/` and write `_TAKEN.json` there. A second poll finds nothing;
a drop of the same files again registers nothing new (same dossier ids) and starts no run.

MinIO bucket notifications can shorten the wait: `trigger_on_notifications` listens for `_READY` objects and
starts a poll at once. The poll stays the only place that takes drops, so correctness does not depend on it.
SeaweedFS does not implement notifications, so that path is untested here.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from prefect import flow

from intake.batch import discover
from intake.registry import acquire_claim
from intake.storage import LocalStorage, S3Storage, Storage, StorageError, open_storage

from .submission import Dispatcher, deployment_dispatcher, submit_dossier

log = logging.getLogger(__name__)

READY_MARKER = "_READY"
TAKEN_REPORT = "_TAKEN.json"
INBOX_CLAIMS = "claims/inbox"


@dataclass(frozen=True)
class InboxObject:
    key: str
    size: int
    modified: datetime


def list_objects(storage: Storage, prefix: str) -> list[InboxObject]:
    """Keys under `prefix` with size and modification time (the Storage interface lists keys only)."""
    if isinstance(storage, S3Storage):
        root = f"{storage.prefix}/" if storage.prefix else ""
        found: list[InboxObject] = []
        with storage._errors("listing", root + prefix):
            for obj in storage.client.list_objects(storage.bucket, prefix=root + prefix, recursive=True):
                name = obj.object_name or ""
                if obj.is_dir or not name.startswith(root) or obj.last_modified is None:
                    continue
                found.append(InboxObject(name[len(root) :], obj.size or 0, obj.last_modified))
        return sorted(found, key=lambda o: o.key)
    if isinstance(storage, LocalStorage):
        result = []
        for key in storage.list_keys(prefix):
            st = storage.local_path(key).stat()
            result.append(InboxObject(key, st.st_size, datetime.fromtimestamp(st.st_mtime, UTC)))
        return result
    raise StorageError(f"{storage!r} cannot be used as an inbox")


def copy_object(storage: Storage, source: str, target: str) -> None:
    if isinstance(storage, S3Storage):
        from minio.commonconfig import CopySource

        with storage._errors("copy", storage._name(source), source):
            storage.client.copy_object(
                storage.bucket, storage._name(target), CopySource(storage.bucket, storage._name(source))
            )
        return
    storage.put_bytes(target, storage.get_bytes(source))


def find_drops(
    storage: Storage, inbox: str, quiet_seconds: float | None, now: datetime | None = None
) -> tuple[dict[str, list[InboxObject]], list[str]]:
    """Complete drops (name → objects) and the keys lying at the inbox root (not in any drop)."""
    now = now or datetime.now(UTC)
    drops: dict[str, list[InboxObject]] = {}
    stray: list[str] = []
    for obj in list_objects(storage, f"{inbox}/"):
        rest = obj.key[len(inbox) + 1 :]
        if "/" not in rest:
            stray.append(obj.key)
            continue
        drops.setdefault(rest.split("/", 1)[0], []).append(obj)
    ready: dict[str, list[InboxObject]] = {}
    for drop, objects in drops.items():
        marker = f"{inbox}/{drop}/{READY_MARKER}"
        if any(o.key == marker for o in objects):
            ready[drop] = objects
        elif quiet_seconds is not None:
            newest = max(o.modified for o in objects)
            if (now - newest).total_seconds() >= quiet_seconds:
                ready[drop] = objects
    return ready, stray


def take_drop(
    storage: Storage,
    storage_url: str,
    inbox: str,
    taken: str,
    drop: str,
    dispatcher: Dispatcher | None,
) -> dict[str, Any] | None:
    """Submit a drop's dossiers and move it to `taken/`; None if another poller has it."""
    claim = acquire_claim(
        storage,
        f"{INBOX_CLAIMS}/{hashlib.sha256(drop.encode()).hexdigest()}.json",
        subject=f"{inbox}/{drop}",
        ttl_seconds=float(os.environ.get("INTAKE_INBOX_CLAIM_TTL_SECONDS") or 600),
    )
    if claim is None:
        return None
    try:
        prefix = f"{inbox}/{drop}/"
        objects = list_objects(storage, prefix)  # again, under the claim: it may be gone already
        files = [o for o in objects if o.key != prefix + READY_MARKER]
        if not objects:
            return None
        stamp = f"{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}"
        batch_id = f"inbox-{stamp}-{hashlib.sha256(drop.encode()).hexdigest()[:8]}"
        results: list[dict[str, Any]] = []
        with tempfile.TemporaryDirectory(prefix="intake-inbox-") as tmp:
            root = Path(tmp) / "drop"
            for obj in files:
                target = root.joinpath(*obj.key[len(prefix) :].split("/"))
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(storage.get_bytes(obj.key))
            root.mkdir(exist_ok=True)
            for dossier in discover(root):
                items = [(f.name, f.path.read_bytes()) for f in dossier.files]
                if dossier.meta_file is not None:
                    items.append((dossier.meta_file.name, dossier.meta_file.path.read_bytes()))
                if not items:
                    continue  # an empty folder
                result = submit_dossier(
                    storage,
                    storage_url,
                    items,
                    source="inbox",
                    dispatcher=dispatcher,
                    name=dossier.name,
                    origin=f"{prefix}{dossier.name}",
                    batch_id=batch_id,
                )
                results.append(
                    {"name": dossier.name, "dossier_id": result.dossier_id, "created": result.created}
                )
        destination = f"{taken}/{drop}/{stamp}"
        for obj in sorted(objects, key=lambda o: o.key.endswith(READY_MARKER)):  # the marker last
            copy_object(storage, obj.key, f"{destination}/{obj.key[len(prefix) :]}")
            storage.delete(obj.key)
        report = {
            "drop": drop,
            "batch_id": batch_id,
            "taken_at": stamp,
            "dossiers": results,
            "new": sum(1 for r in results if r["created"]),
            "duplicates": sum(1 for r in results if not r["created"]),
        }
        storage.put_bytes(
            f"{destination}/{TAKEN_REPORT}",
            json.dumps(report, ensure_ascii=False, indent=2).encode("utf-8"),
            "application/json",
        )
        return report
    finally:
        claim.release()


@flow(name="poll-inbox", validate_parameters=False)
def poll_inbox(
    storage_url: str,
    inbox_prefix: str = "inbox",
    taken_prefix: str = "taken",
    quiet_seconds: float | None = None,
    deployment: str | None = None,
) -> dict[str, Any]:
    """Take every complete drop in the inbox once; start one dossier run per new dossier."""
    storage = open_storage(storage_url)
    inbox, taken = inbox_prefix.strip("/"), taken_prefix.strip("/")
    dispatcher = deployment_dispatcher()
    if deployment:
        from .submission import DeploymentDispatcher

        dispatcher = DeploymentDispatcher(deployment)
    ready, stray = find_drops(storage, inbox, quiet_seconds)
    if stray:
        log.warning("objects at the inbox root belong to no drop and are left alone: %s", stray[:10])
    taken_drops = []
    for drop in sorted(ready):
        report = take_drop(storage, storage_url, inbox, taken, drop, dispatcher)
        if report is not None:
            log.info(
                "took drop %s: %d new dossier(s), %d already known", drop, report["new"], report["duplicates"]
            )
            taken_drops.append(report)
    return {
        "drops": taken_drops,
        "new": sum(r["new"] for r in taken_drops),
        "duplicates": sum(r["duplicates"] for r in taken_drops),
        "stray": stray,
    }


def trigger_on_notifications(
    storage: S3Storage, start_poll: Callable[[], None], inbox_prefix: str = "inbox"
) -> None:  # pragma: no cover - MinIO only; SeaweedFS has no bucket notifications
    """Block, starting a poll whenever a `_READY` marker is created (MinIO `listen_bucket_notification`).

    `start_poll` would typically be `lambda: run_deployment("poll-inbox/inbox", timeout=0)`.
    """
    root = f"{storage.prefix}/" if storage.prefix else ""
    with storage.client.listen_bucket_notification(
        storage.bucket,
        prefix=f"{root}{inbox_prefix.strip('/')}/",
        suffix=READY_MARKER,
        events=["s3:ObjectCreated:*"],
    ) as events:
        for _event in events:
            start_poll()
