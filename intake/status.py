"""Where a dossier stands, kept in storage as `status/<dossier_id>.json` so any process can read it.

The run that processes a dossier (a Prefect worker's subprocess, on any machine) writes the status at each
step and at every page through `StorageProgress`, an `intake.progress.ProgressReporter`; the API reads it.
Only the claim holder writes after the dossier is queued, so plain last-writer-wins puts are enough; the one
write that can race the worker (the submitter noting the flow run id) is a compare-and-swap.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from .registry import read_versioned, replace_if_match
from .storage import KeyNotFoundError, Storage, StorageError

log = logging.getLogger(__name__)

STATUS_PREFIX = "status"


class DossierState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class DossierStatus(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dossier_id: str
    name: str
    state: DossierState
    source: str | None = None
    submitted_at: datetime | None = None
    updated_at: datetime
    flow_run_id: str | None = Field(default=None, description="The Prefect flow run that processes it")
    stage: str | None = Field(default=None, description="Pipeline stage in progress")
    pages_total: int | None = None
    pages_done: int = 0
    attempts: int = Field(default=0, description="Processing runs started (reprocessing included)")
    result_status: str | None = Field(default=None, description="The record's status once done")
    needs_review: bool | None = None
    message: str | None = Field(default=None, description="For people, in Vietnamese")
    error: str | None = Field(default=None, description="Technical detail of a failure, in English")


def status_key(dossier_id: str) -> str:
    return f"{STATUS_PREFIX}/{dossier_id}.json"


def read_status(storage: Storage, dossier_id: str) -> DossierStatus | None:
    try:
        return DossierStatus.model_validate_json(storage.get_bytes(status_key(dossier_id)))
    except KeyNotFoundError:
        return None


def write_status(storage: Storage, status: DossierStatus) -> None:
    status.updated_at = datetime.now(UTC)
    storage.put_bytes(
        status_key(status.dossier_id), status.model_dump_json().encode("utf-8"), "application/json"
    )


def update_if_unchanged(
    storage: Storage, dossier_id: str, change: Callable[[DossierStatus], bool], attempts: int = 3
) -> DossierStatus | None:
    """Apply `change` (returns False to skip) with compare-and-swap, so a concurrent writer always wins."""
    for _ in range(attempts):
        current = read_versioned(storage, status_key(dossier_id))
        if current is None:
            return None
        status = DossierStatus.model_validate_json(current.data)
        if not change(status):
            return status
        status.updated_at = datetime.now(UTC)
        if replace_if_match(storage, status_key(dossier_id), status.model_dump_json().encode(), current.etag):
            return status
    return read_status(storage, dossier_id)


def list_statuses(storage: Storage, *, after: str | None = None, limit: int = 50) -> list[DossierStatus]:
    """Statuses ordered by dossier id, starting after `after` (keyset paging)."""
    found: list[DossierStatus] = []
    for key in storage.list_keys(f"{STATUS_PREFIX}/"):
        dossier_id = key.removeprefix(f"{STATUS_PREFIX}/").removesuffix(".json")
        if after is not None and dossier_id <= after:
            continue
        try:
            found.append(DossierStatus.model_validate_json(storage.get_bytes(key)))
        except (KeyNotFoundError, ValueError):
            continue
        if len(found) >= limit:
            break
    return found


class StorageProgress:
    """A ProgressReporter that writes the dossier's status to storage at every step and page.

    `on_page` is called after each page (the claim heartbeat) and may raise to stop the run; a storage fault
    while writing the status never stops the pipeline.
    """

    def __init__(self, storage: Storage, status: DossierStatus, on_page: Callable[[], None] | None = None):
        self.storage = storage
        self.status = status
        self._on_page = on_page

    def _save(self) -> None:
        try:
            write_status(self.storage, self.status)
        except StorageError:
            log.warning("could not write the status of dossier %s", self.status.dossier_id, exc_info=True)

    def dossier_started(self, name: str, files: int) -> None:
        self.status.stage = "ingest"
        self.status.message = f"Đang đọc {files} tệp của hồ sơ."
        self._save()

    def pages_found(self, name: str, pages: int) -> None:
        self.status.stage = "ocr"
        self.status.pages_total = pages
        self.status.pages_done = 0
        self.status.message = f"Đang nhận dạng chữ: 0/{pages} trang."
        self._save()

    def page_done(self, name: str, page: int) -> None:
        if self._on_page is not None:
            self._on_page()  # first: a run that lost its claim must not write the status any more
        self.status.pages_done += 1
        total = self.status.pages_total if self.status.pages_total is not None else "?"
        self.status.message = f"Đang nhận dạng chữ: {self.status.pages_done}/{total} trang."
        self._save()

    def dossier_finished(self, name: str, status: str) -> None:
        self.status.stage = "emit"
        self._save()
