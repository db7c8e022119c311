"""Submitted dossiers: register once, dispatch once, process once.

`submit_dossier` (called by the API, the bucket inbox and `intake submit`-like callers) stores the originals,
creates the dossier's manifest atomically and starts one flow run of the `process-submission` deployment
with `idempotency_key=dossier_id`, so the Prefect server hands back the same flow run to every later dispatch.

`process_submission` is what a worker runs: it rebuilds the dossier from its stored originals, takes the
dossier's claim in storage (a second run for the same dossier, however it was started, finds the claim or the
record and does nothing), runs `process_dossier` with a reporter that writes per-page status to storage, and
records the outcome.
"""

from __future__ import annotations

import logging
import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, Protocol

from prefect import flow

from intake.batch import META_FILE, DossierFile, DossierInput
from intake.progress import set_reporter
from intake.registry import (
    DEFAULT_CLAIM_TTL_S,
    Manifest,
    archive_record,
    claim_dossier,
    create_if_absent,
    is_dossier_id,
    load_manifest,
    load_record,
    materialize,
    record_exists,
    register,
)
from intake.status import (
    DossierState,
    DossierStatus,
    StorageProgress,
    read_status,
    status_key,
    update_if_unchanged,
    write_status,
)
from intake.storage import Storage, open_storage

log = logging.getLogger(__name__)

DEFAULT_DEPLOYMENT = "process-submission/intake"
# Reprocessing from ingest, pages or ocr re-runs everything from the stored originals (pages are cheap next
# to OCR); from a stage after OCR, the stored record's OCR lines and the stored page images are reused.
POST_OCR_STAGES = ("classify", "extract", "validate")
STAGES = ("ingest", "pages", "ocr", *POST_OCR_STAGES)
# Settings a reprocess may change (`--set key=value`), and the environment variable each is read from.
SETTING_ENV = {
    "ocr_engine": "INTAKE_OCR_ENGINE",
    "models_dir": "INTAKE_MODELS_DIR",
    "templates_dir": "INTAKE_TEMPLATES_DIR",
    "tessdata_dir": "INTAKE_TESSDATA_DIR",
}
MSG_QUEUED = "Hồ sơ đã được tiếp nhận và đang chờ xử lý."
MSG_DONE = "Đã xử lý xong hồ sơ."
MSG_FAILED = "Xử lý hồ sơ gặp lỗi; cán bộ sẽ kiểm tra lại."


class ClaimLost(RuntimeError):
    """Another run took this run's claim over (it presumed this one dead): stop without writing anything."""


def claim_ttl() -> float:
    return float(os.environ.get("INTAKE_CLAIM_TTL_SECONDS") or DEFAULT_CLAIM_TTL_S)


# ---------------------------------------------------------------------------------------------------------
# Dispatch


class Dispatcher(Protocol):
    def dispatch(self, dossier_id: str, parameters: dict[str, Any], idempotency_key: str) -> str:
        """Start (or find) the run for this key; its flow run id."""
        ...


@dataclass(frozen=True)
class DeploymentDispatcher:
    """Flow runs of a deployment on a Prefect server; workers of its work pool pick them up."""

    deployment: str = DEFAULT_DEPLOYMENT

    def dispatch(self, dossier_id: str, parameters: dict[str, Any], idempotency_key: str) -> str:
        from prefect.deployments import run_deployment

        flow_run = run_deployment(
            name=self.deployment,
            parameters=parameters,
            idempotency_key=idempotency_key,
            timeout=0,
            as_subflow=False,
            tags=["intake"],
        )
        return str(flow_run.id)


def deployment_dispatcher() -> DeploymentDispatcher:
    return DeploymentDispatcher(os.environ.get("INTAKE_DEPLOYMENT") or DEFAULT_DEPLOYMENT)


@dataclass(frozen=True)
class SubmitResult:
    dossier_id: str
    name: str
    created: bool
    status: DossierStatus


def submit_dossier(
    storage: Storage,
    storage_url: str,
    files: list[tuple[str, bytes]],
    *,
    source: Literal["api", "api-batch", "inbox", "cli"],
    dispatcher: Dispatcher | None,
    name: str | None = None,
    origin: str | None = None,
    batch_id: str | None = None,
) -> SubmitResult:
    """Register the dossier; dispatch its run only if it is new (or was never dispatched)."""
    registration = register(storage, files, source=source, name=name, origin=origin, batch_id=batch_id)
    manifest = registration.manifest
    dossier_id = manifest.dossier_id
    queued = DossierStatus(
        dossier_id=dossier_id,
        name=manifest.name,
        state=DossierState.QUEUED,
        source=manifest.source,
        submitted_at=manifest.submitted_at,
        updated_at=datetime.now(UTC),
        message=MSG_QUEUED,
    )
    # create-if-absent: never overwrite what a worker has already written.
    create_if_absent(storage, status_key(dossier_id), queued.model_dump_json().encode("utf-8"))
    status = read_status(storage, dossier_id) or queued
    if dispatcher is not None and status.state == DossierState.QUEUED and status.flow_run_id is None:
        # New, or registered by a submitter that died before dispatching. The idempotency key makes a
        # concurrent or repeated dispatch return the same flow run instead of a second one.
        flow_run_id = dispatcher.dispatch(
            dossier_id, {"dossier_id": dossier_id, "storage_url": storage_url}, idempotency_key=dossier_id
        )

        def note_run(current: DossierStatus) -> bool:
            if current.flow_run_id is not None:
                return False
            current.flow_run_id = flow_run_id
            return True

        status = update_if_unchanged(storage, dossier_id, note_run) or status
    return SubmitResult(dossier_id, manifest.name, registration.created, status)


def request_reprocess(
    storage: Storage,
    storage_url: str,
    dossier_id: str,
    dispatcher: Dispatcher,
    *,
    from_stage: str = "ingest",
    settings: dict[str, str] | None = None,
) -> str:
    """Start a new run for a known dossier (a new idempotency key: this one is meant to run)."""
    if load_manifest(storage, dossier_id) is None:
        raise KeyError(dossier_id)
    parameters = {
        "dossier_id": dossier_id,
        "storage_url": storage_url,
        "reprocess": True,
        "from_stage": check_stage(from_stage),
        "settings": check_settings(settings or {}),
    }
    return dispatcher.dispatch(dossier_id, parameters, idempotency_key=f"{dossier_id}:{uuid.uuid4().hex}")


def check_stage(stage: str) -> str:
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}; choose one of {', '.join(STAGES)}")
    return stage


def check_settings(settings: dict[str, str]) -> dict[str, str]:
    unknown = sorted(set(settings) - set(SETTING_ENV))
    if unknown:
        raise ValueError(f"cannot set {', '.join(unknown)}; settable: {', '.join(sorted(SETTING_ENV))}")
    return dict(settings)


# ---------------------------------------------------------------------------------------------------------
# The worker's flow


@contextmanager
def _settings_env(settings: dict[str, str]) -> Iterator[None]:
    """Settings are read from INTAKE_* variables; set them for this run and put them back afterwards."""
    saved = {env: os.environ.get(env) for env in (SETTING_ENV[key] for key in settings)}
    try:
        for key, value in settings.items():
            os.environ[SETTING_ENV[key]] = value
        yield
    finally:
        for env, value in saved.items():
            if value is None:
                os.environ.pop(env, None)
            else:
                os.environ[env] = value


def dossier_input_for(manifest: Manifest, folder: Path) -> DossierInput:
    """The DossierInput that `intake.batch.discover` would have built for the submitted folder."""
    materialize_root = folder / "dossier"
    files = [
        DossierFile(entry.name, materialize_root.joinpath(*entry.name.split("/")))
        for entry in manifest.files
        if entry.name != META_FILE
    ]
    meta = next(
        (DossierFile(e.name, materialize_root / META_FILE) for e in manifest.files if e.name == META_FILE),
        None,
    )
    return DossierInput(name=manifest.name, files=files, meta_file=meta)


def _current_flow_run_id() -> str | None:
    from prefect.runtime import flow_run

    run_id = flow_run.get_id()
    return str(run_id) if run_id else None


@flow(name="process-submission", flow_run_name="submission-{dossier_id}", validate_parameters=False)
def process_submission(
    dossier_id: str,
    storage_url: str,
    reprocess: bool = False,
    from_stage: str = "ingest",
    settings: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Process one submitted dossier exactly once (or again, when `reprocess` is asked for)."""
    if not is_dossier_id(dossier_id):
        raise ValueError(f"not a dossier id: {dossier_id!r}")
    check_stage(from_stage)
    settings = check_settings(settings or {})
    storage = open_storage(storage_url)
    if not reprocess and record_exists(storage, dossier_id):
        return {"dossier_id": dossier_id, "outcome": "already_done"}
    run_id = _current_flow_run_id()
    claim = claim_dossier(storage, dossier_id, holder=run_id, ttl_seconds=claim_ttl())
    if claim is None:
        log.info("dossier %s is being processed by another run; nothing to do", dossier_id)
        return {"dossier_id": dossier_id, "outcome": "claimed_elsewhere"}
    try:
        # Checked again under the claim: a run that finished between our first check and our claim.
        if not reprocess and record_exists(storage, dossier_id):
            return {"dossier_id": dossier_id, "outcome": "already_done"}
        manifest = load_manifest(storage, dossier_id)
        if manifest is None:
            raise FileNotFoundError(f"no manifest for dossier {dossier_id}")
        previous = read_status(storage, dossier_id)
        status = DossierStatus(
            dossier_id=dossier_id,
            name=manifest.name,
            state=DossierState.RUNNING,
            source=manifest.source,
            submitted_at=manifest.submitted_at,
            updated_at=datetime.now(UTC),
            flow_run_id=run_id,
            stage="ingest",
            attempts=(previous.attempts if previous else 0) + 1,
            message="Đang xử lý hồ sơ.",
        )
        write_status(storage, status)

        def heartbeat() -> None:
            if not claim.heartbeat():
                raise ClaimLost(f"the claim on dossier {dossier_id} was taken over by another run")

        try:
            with _settings_env(settings):
                if reprocess:
                    archive_record(storage, dossier_id)
                outcome = _run_pipeline(storage, storage_url, manifest, status, heartbeat, from_stage)
        except ClaimLost:
            log.warning("dossier %s: claim lost; leaving it to the run that took it over", dossier_id)
            return {"dossier_id": dossier_id, "outcome": "claim_lost"}
        except BaseException as exc:
            status.state = DossierState.FAILED
            status.message = MSG_FAILED
            status.error = f"{type(exc).__name__}: {exc}"
            write_status(storage, status)
            raise
        status.state = DossierState.DONE
        status.stage = None
        status.result_status = outcome["status"]
        status.needs_review = outcome["needs_review"]
        status.message = MSG_DONE
        status.error = None
        write_status(storage, status)
        return {"dossier_id": dossier_id, "outcome": "processed", **outcome}
    finally:
        claim.release()


def _run_pipeline(
    storage: Storage,
    storage_url: str,
    manifest: Manifest,
    status: DossierStatus,
    heartbeat: Any,
    from_stage: str,
) -> dict[str, Any]:
    from flows.dossier import process_dossier

    with tempfile.TemporaryDirectory(prefix="intake-submission-") as tmp:
        folder = Path(tmp)
        out_dir = folder / "out"
        if from_stage in POST_OCR_STAGES:
            return _from_stored_ocr(storage, manifest.dossier_id, status, out_dir, from_stage)
        materialize(storage, manifest, folder / "dossier")
        set_reporter(StorageProgress(storage, status, on_page=heartbeat))
        try:
            result = process_dossier(
                dossier_input_for(manifest, folder), out_dir, storage_url, manifest.batch_id
            )
        finally:
            set_reporter(None)
    if result.dossier_id != manifest.dossier_id:
        raise RuntimeError(
            f"pipeline computed dossier id {result.dossier_id}, expected {manifest.dossier_id}: "
            "the stored originals do not match the manifest"
        )
    return {"status": str(result.status), "needs_review": result.needs_review, "pages": result.pages}


def _from_stored_ocr(
    storage: Storage, dossier_id: str, status: DossierStatus, out_dir: Path, from_stage: str
) -> dict[str, Any]:
    """Re-run the stages after OCR, from `from_stage` on, over the stored record and page images."""
    import cv2
    import numpy as np

    from flows import dossier as pipeline
    from intake.config import get_settings
    from intake.model import Dossier

    data = load_record(storage, dossier_id)
    if data is None:
        raise FileNotFoundError(f"dossier {dossier_id} has no record to start from; reprocess from ingest")
    dossier = Dossier.model_validate_json(data)
    settings = get_settings()
    images: list[np.ndarray] = []
    for page in dossier.pages:
        encoded = np.frombuffer(storage.get_bytes(f"pages/{dossier_id}/{page.index:04d}.jpg"), np.uint8)
        images.append(cv2.imdecode(encoded, cv2.IMREAD_COLOR))
    stages = POST_OCR_STAGES[POST_OCR_STAGES.index(from_stage) :]
    dossier.errors = [error for error in dossier.errors if error.stage not in {*stages, "emit"}]
    status.pages_total = status.pages_done = len(dossier.pages)
    for stage in stages:
        status.stage = stage
        write_status(storage, status)
        if stage == "classify":
            dossier.documents = []
            for page in dossier.pages:
                page.document = None
            pipeline.classify_task(dossier, settings)
        elif stage == "extract":
            for document in dossier.documents:
                document.fields = {}
            pipeline.extract_task(dossier, images, settings)
        elif stage == "validate":
            dossier.checks = []
            dossier.decision = None
            pipeline.validate_task(dossier, images, settings)
    pipeline.emit_task(dossier, out_dir, storage)
    return {"status": str(dossier.status), "needs_review": dossier.needs_review, "pages": len(dossier.pages)}
