"""Exactly-once bookkeeping in storage: manifests of submitted dossiers, claims, records.

Keys (relative to the storage root; the same layout on a local folder and in an S3 bucket):

- `manifests/<dossier_id>.json`  what was submitted: file names, SHA-256s, source. Created once, atomically
  (create-if-absent); its creation is the moment a dossier becomes known. A second submission of the same
  content finds it and is answered with the existing status.
- `claims/<dossier_id>.json`     held by the one run that is processing the dossier; created atomically,
  refreshed at every page (heartbeat), deleted when the run ends. A claim whose heartbeat is older than its
  TTL belongs to a dead run and can be taken over (compare-and-swap on its ETag).
- `records/<dossier_id>.json`    the result, written by the pipeline's emit stage. Its existence means done.
- `records-history/<dossier_id>/<timestamp>.json`  earlier records, kept when a dossier is reprocessed.

Atomicity comes from conditional writes: `If-None-Match: *` / `If-Match: <etag>` on S3 (AWS S3, MinIO and
SeaweedFS honour both and answer 412), and `link(2)` / an `flock(2)` on a local folder.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import re
import socket
import tempfile
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import Literal

from minio.error import S3Error
from pydantic import BaseModel, ConfigDict, Field

from .batch import META_FILE
from .ingest import dossier_id_for
from .model import DossierMeta, nfc
from .storage import (
    KeyNotFoundError,
    LocalStorage,
    S3Storage,
    Storage,
    StorageError,
    store_original,
)

log = logging.getLogger(__name__)

MANIFESTS = "manifests"
CLAIMS = "claims"
RECORDS = "records"
RECORDS_HISTORY = "records-history"
DEFAULT_CLAIM_TTL_S = 900.0
_DOSSIER_ID_RE = re.compile(r"[0-9a-f]{64}")
_PRECONDITION_CODES = frozenset({"PreconditionFailed", "ConditionalRequestConflict"})
_LOCK_NAME = ".intake-tmp-registry.lock"  # the storage's reserved temp prefix: never listed


def is_dossier_id(value: str) -> bool:
    return bool(_DOSSIER_ID_RE.fullmatch(value))


def manifest_key(dossier_id: str) -> str:
    return f"{MANIFESTS}/{dossier_id}.json"


def claim_key(dossier_id: str) -> str:
    return f"{CLAIMS}/{dossier_id}.json"


def record_key(dossier_id: str) -> str:
    return f"{RECORDS}/{dossier_id}.json"


# ---------------------------------------------------------------------------------------------------------
# Conditional writes


@dataclass(frozen=True)
class Versioned:
    data: bytes
    etag: str


def _local_etag(data: bytes) -> str:
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


@contextmanager
def _local_lock(storage: LocalStorage) -> Iterator[None]:
    """One lock per storage root, across processes on this machine (and on NFS with lockd)."""
    with open(storage.root / _LOCK_NAME, "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _s3_conditional_put(storage: S3Storage, key: str, data: bytes, condition: dict[str, str]) -> str | None:
    """PUT with a precondition header; the new ETag, or None when the precondition failed (HTTP 412)."""
    name = storage._name(key)
    storage._ensure_bucket()
    headers = {"Content-Type": "application/json", **condition}
    # minio's public put_object cannot send conditional headers; _put_object is its plain PutObject call.
    with storage._errors("conditional upload", name):
        try:
            result = storage.client._put_object(storage.bucket, name, data, headers=headers)
        except S3Error as exc:
            if exc.code in _PRECONDITION_CODES:
                return None
            raise
    return result.etag or ""


def create_if_absent(storage: Storage, key: str, data: bytes) -> str | None:
    """Write `key` only if no object is there; the new ETag, or None when it already existed."""
    if isinstance(storage, S3Storage):
        return _s3_conditional_put(storage, key, data, {"If-None-Match": "*"})
    if isinstance(storage, LocalStorage):
        path = storage.local_path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".intake-tmp-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            with _local_lock(storage):
                try:
                    os.link(tmp, path)  # atomic; fails if the name exists
                except FileExistsError:
                    return None
        finally:
            with suppress(OSError):
                os.unlink(tmp)
        return _local_etag(data)
    raise StorageError(f"{storage!r} does not support conditional writes")


def read_versioned(storage: Storage, key: str) -> Versioned | None:
    """The object's content and ETag, or None if it does not exist."""
    if isinstance(storage, S3Storage):
        name = storage._name(key)
        storage._ensure_bucket()
        try:
            with storage._errors("download", name, key):
                response = storage.client.get_object(storage.bucket, name)
                try:
                    data = response.read()
                    etag = (response.headers.get("ETag") or "").strip('"')
                finally:
                    response.close()
                    response.release_conn()
        except KeyNotFoundError:
            return None
        return Versioned(data, etag)
    try:
        data = storage.get_bytes(key)
    except KeyNotFoundError:
        return None
    return Versioned(data, _local_etag(data))


def replace_if_match(storage: Storage, key: str, data: bytes, etag: str) -> str | None:
    """Overwrite `key` only if its current ETag is `etag`; the new ETag, or None when it had changed."""
    if isinstance(storage, S3Storage):
        return _s3_conditional_put(storage, key, data, {"If-Match": f'"{etag}"'})
    if isinstance(storage, LocalStorage):
        with _local_lock(storage):
            current = read_versioned(storage, key)
            if current is None or current.etag != etag:
                return None
            storage.put_bytes(key, data, "application/json")
        return _local_etag(data)
    raise StorageError(f"{storage!r} does not support conditional writes")


# ---------------------------------------------------------------------------------------------------------
# Manifests: what was submitted


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ManifestFile(_Model):
    name: str = Field(description="Path relative to the dossier folder")
    sha256: str
    size: int
    media_type: str | None = None


class Manifest(_Model):
    dossier_id: str
    name: str
    files: list[ManifestFile] = Field(description="Every file of the dossier, dossier.json included")
    source: Literal["api", "api-batch", "inbox", "cli"]
    origin: str | None = Field(default=None, description="Where it came from, e.g. the inbox folder")
    batch_id: str | None = None
    submitted_at: datetime


@dataclass(frozen=True)
class Registration:
    manifest: Manifest
    created: bool  # False: this content was submitted before; `manifest` is the first submission's


def safe_relative_name(name: str) -> str:
    """An NFC, "/"-separated relative path without "..", absolute parts or empty segments."""
    name = nfc(name.replace("\\", "/")).strip()
    parts = [p for p in PurePosixPath(name).parts if p not in ("", ".", "/")]
    if not parts or any(p == ".." for p in parts) or name.startswith("/"):
        raise ValueError(f"unsafe file name {name!r}")
    if any("\x00" in p or p.startswith(".intake-tmp-") for p in parts):
        raise ValueError(f"unsafe file name {name!r}")
    return "/".join(parts)


def meta_json(meta: DossierMeta) -> bytes:
    """dossier.json as the portal's metadata: canonical, so the same metadata always gives the same bytes."""
    document = meta.model_dump(mode="json", exclude_none=True)
    return (json.dumps(document, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def register(
    storage: Storage,
    files: list[tuple[str, bytes]],
    *,
    source: Literal["api", "api-batch", "inbox", "cli"],
    name: str | None = None,
    origin: str | None = None,
    batch_id: str | None = None,
) -> Registration:
    """Store the originals and make the dossier known, once per content (dossier.json counts as content).

    The dossier id is computed exactly as `intake.ingest` will compute it in the worker: SHA-256 over the
    sorted SHA-256s of all the files, dossier.json included.
    """
    import mimetypes

    seen: set[str] = set()
    entries: list[ManifestFile] = []
    for file_name, data in files:
        safe = safe_relative_name(file_name)
        if safe in seen:
            raise ValueError(f"duplicate file name {safe!r}")
        seen.add(safe)
        media_type = "application/json" if safe == META_FILE else mimetypes.guess_type(safe)[0]
        stored = store_original(
            storage, data, content_type=media_type or "application/octet-stream", filename=safe
        )
        entries.append(ManifestFile(name=safe, sha256=stored.sha256, size=stored.size, media_type=media_type))
    if not entries:
        raise ValueError("a dossier needs at least one file")
    dossier_id = dossier_id_for([entry.sha256 for entry in entries])
    manifest = Manifest(
        dossier_id=dossier_id,
        name=nfc(name) if name else f"ho-so-{dossier_id[:12]}",
        files=sorted(entries, key=lambda e: e.name),
        source=source,
        origin=origin,
        batch_id=batch_id,
        submitted_at=datetime.now(UTC),
    )
    payload = manifest.model_dump_json(indent=2).encode("utf-8")
    if create_if_absent(storage, manifest_key(dossier_id), payload) is not None:
        return Registration(manifest, created=True)
    existing = load_manifest(storage, dossier_id)
    return Registration(existing or manifest, created=False)


def load_manifest(storage: Storage, dossier_id: str) -> Manifest | None:
    try:
        return Manifest.model_validate_json(storage.get_bytes(manifest_key(dossier_id)))
    except KeyNotFoundError:
        return None


def record_exists(storage: Storage, dossier_id: str) -> bool:
    return storage.exists(record_key(dossier_id))


def load_record(storage: Storage, dossier_id: str) -> bytes | None:
    try:
        return storage.get_bytes(record_key(dossier_id))
    except KeyNotFoundError:
        return None


def archive_record(storage: Storage, dossier_id: str) -> str | None:
    """Copy the current record to records-history/ before a reprocess overwrites it; the history key."""
    data = load_record(storage, dossier_id)
    if data is None:
        return None
    key = f"{RECORDS_HISTORY}/{dossier_id}/{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}.json"
    storage.put_bytes(key, data, "application/json")
    return key


def materialize(storage: Storage, manifest: Manifest, folder: os.PathLike[str] | str) -> None:
    """Write the dossier's originals under `folder` with their submitted names, verifying each SHA-256."""
    from .storage import original_key

    root = os.fspath(folder)
    for entry in manifest.files:
        data = storage.get_bytes(original_key(entry.sha256))
        if hashlib.sha256(data).hexdigest() != entry.sha256:
            raise StorageError(f"stored original {entry.sha256} of {entry.name!r} is corrupt")
        target = os.path.join(root, *entry.name.split("/"))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as handle:
            handle.write(data)


# ---------------------------------------------------------------------------------------------------------
# Claims: one run at a time per dossier


class ClaimDocument(_Model):
    subject: str
    holder: str
    token: str
    acquired_at: datetime
    heartbeat_at: datetime
    ttl_seconds: float


@dataclass
class Claim:
    storage: Storage
    key: str
    document: ClaimDocument
    etag: str

    def heartbeat(self) -> bool:
        """Refresh the claim; False when it was taken over (this run was presumed dead)."""
        self.document.heartbeat_at = datetime.now(UTC)
        etag = replace_if_match(self.storage, self.key, _claim_bytes(self.document), self.etag)
        if etag is None:
            log.warning("claim %s was taken over by another run", self.key)
            return False
        self.etag = etag
        return True

    def release(self) -> None:
        current = read_versioned(self.storage, self.key)
        if current is None:
            return
        try:
            held = ClaimDocument.model_validate_json(current.data)
        except ValueError:
            return
        if held.token == self.document.token:
            self.storage.delete(self.key)


def default_holder() -> str:
    """Informational only (who holds it); the claim's random token is what identifies its owner."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def _claim_bytes(document: ClaimDocument) -> bytes:
    return document.model_dump_json().encode("utf-8")


def acquire_claim(
    storage: Storage,
    key: str,
    *,
    subject: str,
    holder: str | None = None,
    ttl_seconds: float = DEFAULT_CLAIM_TTL_S,
) -> Claim | None:
    """Take the claim at `key`, or None if a live holder has it. At most one caller wins any race."""
    now = datetime.now(UTC)
    document = ClaimDocument(
        subject=subject,
        holder=holder or default_holder(),
        token=uuid.uuid4().hex,
        acquired_at=now,
        heartbeat_at=now,
        ttl_seconds=ttl_seconds,
    )
    for _ in range(3):
        etag = create_if_absent(storage, key, _claim_bytes(document))
        if etag is not None:
            return Claim(storage, key, document, etag)
        current = read_versioned(storage, key)
        if current is None:
            continue  # released between our two calls: try to create it again
        try:
            held = ClaimDocument.model_validate_json(current.data)
            age = (now - held.heartbeat_at).total_seconds()
            stale = age > held.ttl_seconds
        except ValueError:
            stale, age = True, float("inf")  # unreadable claim: treat as dead
        if not stale:
            return None
        log.warning("taking over stale claim %s (no heartbeat for %.0f s)", key, age)
        etag = replace_if_match(storage, key, _claim_bytes(document), current.etag)
        if etag is not None:
            return Claim(storage, key, document, etag)
        return None  # someone else took it over first
    return None


def claim_dossier(
    storage: Storage, dossier_id: str, *, holder: str | None = None, ttl_seconds: float = DEFAULT_CLAIM_TTL_S
) -> Claim | None:
    return acquire_claim(
        storage, claim_key(dossier_id), subject=dossier_id, holder=holder, ttl_seconds=ttl_seconds
    )


def read_claim(storage: Storage, dossier_id: str) -> ClaimDocument | None:
    current = read_versioned(storage, claim_key(dossier_id))
    if current is None:
        return None
    with suppress(ValueError):
        return ClaimDocument.model_validate_json(current.data)
    return None
