"""Last stage: settle the dossier's status and write schema-validated records."""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import schema
from .model import BatchSummary, DecisionStatus, Dossier, DossierOutcome, Status

RECORDS_DIR = "records"
SUMMARY_FILE = "batch_summary.json"


def finalize(dossier: Dossier) -> Dossier:
    processable = [f for f in dossier.files if f.status != Status.SKIPPED and f.name != "dossier.json"]
    errors = dossier.all_errors()
    if processable and not dossier.pages:
        dossier.status = Status.FAILURE
    elif errors:
        dossier.status = Status.PARTIAL_SUCCESS
    else:
        dossier.status = Status.SUCCESS
    dossier.needs_review = (
        dossier.status != Status.SUCCESS
        or any(page.needs_review for page in dossier.pages)
        or any(document.needs_review for document in dossier.documents)
        or (dossier.decision is not None and dossier.decision.status == DecisionStatus.REVIEW)
    )
    dossier.finished_at = datetime.now(UTC)
    return dossier


def to_json(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as sink:
            sink.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def record_json(dossier: Dossier) -> str:
    document = dossier.model_dump(mode="json")
    schema.validate(document, "dossier.schema.json")
    return to_json(document)


def slip_path(dossier: Dossier, out_dir: Path) -> Path:
    """The citizen-facing slip goes next to the record: records/<name>.CT04.pdf (or CT05, CT06)."""
    form = dossier.decision.slip.form if dossier.decision and dossier.decision.slip else "slip"
    return out_dir / RECORDS_DIR / f"{dossier.name}.{form}.pdf"


def write_record(dossier: Dossier, out_dir: Path) -> Path:
    path = out_dir / RECORDS_DIR / f"{dossier.name}.json"
    _write_atomically(path, record_json(dossier))
    return path


def outcome(dossier: Dossier, record: Path | None, out_dir: Path) -> DossierOutcome:
    return DossierOutcome(
        name=dossier.name,
        dossier_id=dossier.dossier_id,
        status=dossier.status,
        record=record.relative_to(out_dir).as_posix() if record else None,
        files=[f.name for f in dossier.files],
        pages=len(dossier.pages),
        doc_types=dict(Counter(str(document.doc_type) for document in dossier.documents)),
        needs_review=dossier.needs_review,
        errors=dossier.all_errors(),
    )


def write_summary(summary: BatchSummary, out_dir: Path) -> Path:
    summary.totals = {
        "dossiers": len(summary.dossiers),
        "files": sum(len(item.files) for item in summary.dossiers) + len(summary.unassigned_files),
        "pages": sum(item.pages for item in summary.dossiers),
        **{
            f"status_{status}": sum(1 for item in summary.dossiers if item.status == status)
            for status in Status
        },
        "needs_review": sum(1 for item in summary.dossiers if item.needs_review),
    }
    document = summary.model_dump(mode="json")
    schema.validate(document, "batch_summary.schema.json")
    path = out_dir / SUMMARY_FILE
    _write_atomically(path, to_json(document))
    return path
