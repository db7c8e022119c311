"""The batch flow: a parent flow run with one child flow run per dossier."""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime
from pathlib import Path

from prefect import flow

from intake import emit
from intake.batch import discover, open_batch
from intake.model import BatchSummary, DossierOutcome, ProcessingError, Status, nfc

from .dossier import process_dossier

log = logging.getLogger(__name__)


def batch_id_for(source: Path, started: datetime) -> str:
    digest = hashlib.sha256(f"{source.resolve()}|{started.isoformat()}".encode()).hexdigest()[:12]
    return f"{started:%Y%m%dT%H%M%SZ}-{digest}"


@flow(name="process-batch", flow_run_name="batch-{source.name}", validate_parameters=False)
def process_batch(source: Path, out_dir: Path, storage_url: str | None = None) -> BatchSummary:
    """Process every dossier of a batch folder or zip, write one record each and a batch summary."""
    started = datetime.now(UTC)
    out_dir.mkdir(parents=True, exist_ok=True)
    storage_url = storage_url or str(out_dir / "store")
    summary = BatchSummary(
        batch_id=batch_id_for(source, started), source=nfc(str(source)), started_at=started
    )
    with open_batch(source) as root:
        for dossier_input in discover(root):
            try:
                result = process_dossier(dossier_input, out_dir, storage_url, summary.batch_id)
            except Exception as exc:  # the dossier's flow crashed: account for its files all the same
                log.exception("dossier %s failed", dossier_input.name)
                files = [f.name for f in dossier_input.files]
                if dossier_input.meta_file:
                    files.append(dossier_input.meta_file.name)
                result = DossierOutcome(
                    name=dossier_input.name,
                    status=Status.FAILURE,
                    files=files,
                    needs_review=True,
                    errors=[
                        ProcessingError(
                            stage="flow", code="dossier_flow_failed", message=f"{type(exc).__name__}: {exc}"
                        )
                    ],
                )
            summary.dossiers.append(result)
    summary.finished_at = datetime.now(UTC)
    emit.write_summary(summary, out_dir)
    return summary
