"""First stage: read a dossier's files, keep the originals content-addressed, and start its record."""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass
from datetime import UTC, datetime

from . import __version__
from .batch import DossierInput, is_system_file, read_meta
from .model import Dossier, ProcessingError, SourceFile, Status
from .storage import Storage, StorageError, store_original


@dataclass
class IngestedFile:
    source: SourceFile
    data: bytes | None


def dossier_id_for(digests: list[str]) -> str:
    """The same set of file contents always gives the same dossier id, whatever the files are called."""
    return hashlib.sha256("\n".join(sorted(digests)).encode()).hexdigest()


def ingest(
    dossier_input: DossierInput, storage: Storage, batch_id: str | None
) -> tuple[Dossier, list[IngestedFile]]:
    """Read and store every file of the dossier; unreadable files are recorded, never dropped."""
    ingested: list[IngestedFile] = []
    errors: list[ProcessingError] = list(dossier_input.errors)
    meta_bytes: bytes | None = None
    everything = [*dossier_input.files, *([dossier_input.meta_file] if dossier_input.meta_file else [])]
    for item in everything:
        try:
            data = item.path.read_bytes()
        except OSError as exc:
            source = SourceFile(
                name=item.name,
                sha256="",
                size=0,
                status=Status.FAILURE,
                errors=[
                    ProcessingError(
                        stage="intake",
                        code="unreadable_file",
                        file=item.name,
                        message=f"file could not be read: {exc.strerror or exc}",
                    )
                ],
            )
            ingested.append(IngestedFile(source, None))
            continue
        media_type = mimetypes.guess_type(item.name)[0]
        try:
            stored = store_original(
                storage, data, content_type=media_type or "application/octet-stream", filename=item.name
            )
            source = SourceFile(
                name=item.name,
                sha256=stored.sha256,
                size=stored.size,
                media_type=media_type,
                storage_uri=storage.uri(stored.key),
            )
        except StorageError as exc:
            source = SourceFile(
                name=item.name,
                sha256=hashlib.sha256(data).hexdigest(),
                size=len(data),
                media_type=media_type,
                status=Status.PARTIAL_SUCCESS,
                errors=[
                    ProcessingError(
                        stage="intake",
                        code="storage_failed",
                        file=item.name,
                        message=f"original could not be stored: {exc}",
                    )
                ],
            )
        if dossier_input.meta_file is not None and item is dossier_input.meta_file:
            meta_bytes = data
        elif is_system_file(item.name):
            source.status = Status.SKIPPED
        ingested.append(IngestedFile(source, data))
    meta, meta_error = read_meta(meta_bytes)
    if meta_error is not None:
        errors.append(meta_error)
    digests = [item.source.sha256 for item in ingested if item.source.sha256]
    dossier = Dossier(
        dossier_id=dossier_id_for(digests),
        name=dossier_input.name,
        batch_id=batch_id,
        meta=meta,
        meta_source="dossier.json" if meta_bytes is not None and meta_error is None else "default",
        files=[item.source for item in ingested],
        errors=errors,
        started_at=datetime.now(UTC),
        pipeline_version=__version__,
    )
    return dossier, ingested
