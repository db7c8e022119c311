"""Object storage for intake: a local directory or an S3-compatible bucket behind one small interface.

Keys are "/"-separated, relative to the storage root, and NFC-normalised. Originals are stored
content-addressed (`store_original`) and never modified.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import stat
import tempfile
import threading
import unicodedata
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn, Protocol, runtime_checkable

import certifi
import minio
import urllib3
from minio.error import MinioException, S3Error

__all__ = [
    "InvalidKeyError",
    "KeyNotFoundError",
    "LocalStorage",
    "S3Storage",
    "Storage",
    "StorageError",
    "StoredObject",
    "decode_filename",
    "make_s3_client",
    "open_storage",
    "original_key",
    "sha256_hex",
    "store_original",
]

ORIGINALS_PREFIX = "originals"
# Temporary files of in-flight local writes; keys may not use this name prefix.
_TMP_PREFIX = ".intake-tmp-"
_MISSING_KEY_CODES = frozenset({"NoSuchKey", "NoSuchObject", "NotFound"})
_BUCKET_EXISTS_CODES = frozenset({"BucketAlreadyOwnedByYou", "BucketAlreadyExists"})
_SHA256_RE = re.compile(r"[0-9a-f]{64}")


class StorageError(Exception):
    """A storage fault: unreachable server, permission denied, corrupt object, bad configuration."""


class KeyNotFoundError(KeyError):
    """The key does not exist in the storage."""

    def __str__(self) -> str:
        # KeyError.__str__ would repr() the message and add quotes.
        return str(self.args[0]) if self.args else "key not found"


class InvalidKeyError(ValueError):
    """The key is empty, absolute, contains "..", backslashes or empty segments, or uses a reserved name."""


@runtime_checkable
class Storage(Protocol):
    """Where intake keeps its objects."""

    def put_bytes(
        self,
        key: str,
        data: bytes,
        content_type: str = "application/octet-stream",
        *,
        metadata: dict[str, str] | None = None,
    ) -> None:
        """Write (or overwrite) the object at `key`."""
        ...

    def get_bytes(self, key: str) -> bytes:
        """Return the object's content; raise KeyNotFoundError if it does not exist."""
        ...

    def exists(self, key: str) -> bool:
        """Whether an object exists at `key`."""
        ...

    def size(self, key: str) -> int:
        """The object's size in bytes; raise KeyNotFoundError if it does not exist."""
        ...

    def list_keys(self, prefix: str = "") -> Iterator[str]:
        """Keys starting with `prefix` (a plain string prefix), recursive, sorted, relative to the root."""
        ...

    def delete(self, key: str) -> None:
        """Delete the object at `key`; deleting a missing key is not an error."""
        ...

    def uri(self, key: str) -> str:
        """A URI for the object: file:///abs/path or s3://bucket/prefix/key."""
        ...

    def local_path(self, key: str) -> Path | None:
        """The object's path on the local filesystem, or None when it has none."""
        ...


def normalize_key(key: str) -> str:
    """Return the NFC form of `key` or raise InvalidKeyError if it could escape the storage root."""
    if not isinstance(key, str):
        raise InvalidKeyError(f"storage key must be a string, got {type(key).__name__}")
    key = unicodedata.normalize("NFC", key)
    if not key:
        raise InvalidKeyError("storage key is empty")
    _check_segments(key, key.split("/"))
    return key


def normalize_prefix(prefix: str) -> str:
    """Like `normalize_key`, but allows "" and a trailing "/" (a listing prefix, not an object name)."""
    prefix = unicodedata.normalize("NFC", prefix)
    if not prefix:
        return ""
    segments = prefix.split("/")
    _check_segments(prefix, segments[:-1] if segments[-1] == "" else segments)
    return prefix


def _check_segments(key: str, segments: list[str]) -> None:
    if "\\" in key:
        raise InvalidKeyError(f"storage key {key!r} contains a backslash")
    if "\x00" in key:
        raise InvalidKeyError(f"storage key {key!r} contains a NUL character")
    if key.startswith("/"):
        raise InvalidKeyError(f"storage key {key!r} is absolute")
    for segment in segments:
        if segment == "":
            raise InvalidKeyError(f"storage key {key!r} has an empty path segment")
        if segment in (".", ".."):
            raise InvalidKeyError(f"storage key {key!r} contains a {segment!r} segment")
        if segment.startswith(_TMP_PREFIX):
            raise InvalidKeyError(f"storage key {key!r} uses the reserved name prefix {_TMP_PREFIX!r}")


class LocalStorage:
    """Objects as files under a root directory. Metadata is not kept."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root).expanduser().resolve()
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(f"cannot create storage directory {self.root}: {exc.strerror or exc}") from exc

    def __repr__(self) -> str:
        return f"LocalStorage({str(self.root)!r})"

    def _path(self, key: str) -> Path:
        return self.root.joinpath(*normalize_key(key).split("/"))

    def put_bytes(
        self,
        key: str,
        data: bytes,
        content_type: str = "application/octet-stream",
        *,
        metadata: dict[str, str] | None = None,
    ) -> None:
        """Write atomically: a temporary file in the same directory, then os.replace."""
        path = self._path(key)
        tmp_name: str | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp_name = tempfile.mkstemp(prefix=_TMP_PREFIX, dir=path.parent)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp_name, path)
            tmp_name = None
        except OSError as exc:
            raise StorageError(f"cannot write {path}: {exc.strerror or exc}") from exc
        finally:
            if tmp_name is not None:
                with suppress(OSError):
                    os.unlink(tmp_name)

    def get_bytes(self, key: str) -> bytes:
        path = self._path(key)
        try:
            return path.read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as exc:
            raise KeyNotFoundError(f"no object at {key!r} in {self.root}") from exc
        except OSError as exc:
            raise StorageError(f"cannot read {path}: {exc.strerror or exc}") from exc

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def size(self, key: str) -> int:
        path = self._path(key)
        try:
            st = path.stat()
        except (FileNotFoundError, NotADirectoryError):
            st = None
        except OSError as exc:
            raise StorageError(f"cannot stat {path}: {exc.strerror or exc}") from exc
        if st is None or not stat.S_ISREG(st.st_mode):
            raise KeyNotFoundError(f"no object at {key!r} in {self.root}")
        return st.st_size

    def list_keys(self, prefix: str = "") -> Iterator[str]:
        prefix = normalize_prefix(prefix)
        # Walk only the deepest directory the prefix names; the rest is filtered by string prefix.
        start = self.root.joinpath(*prefix.split("/")[:-1])
        keys: list[str] = []
        for dirpath, dirnames, filenames in os.walk(start):
            dirnames[:] = [d for d in dirnames if not d.startswith(_TMP_PREFIX)]
            rel_dir = Path(dirpath).relative_to(self.root).as_posix()
            for name in filenames:
                if name.startswith(_TMP_PREFIX):
                    continue
                key = unicodedata.normalize("NFC", name if rel_dir == "." else f"{rel_dir}/{name}")
                if key.startswith(prefix):
                    keys.append(key)
        yield from sorted(keys)

    def delete(self, key: str) -> None:
        path = self._path(key)
        try:
            path.unlink(missing_ok=True)
        except IsADirectoryError:
            return
        except OSError as exc:
            raise StorageError(f"cannot delete {path}: {exc.strerror or exc}") from exc

    def uri(self, key: str) -> str:
        return self._path(key).as_uri()

    def local_path(self, key: str) -> Path:
        return self._path(key)


class S3Storage:
    """Objects in an S3-compatible bucket (MinIO, SeaweedFS, AWS), optionally under a key prefix."""

    def __init__(self, client: minio.Minio, bucket: str, prefix: str = "") -> None:
        self.client = client
        self.bucket = bucket
        prefix = prefix.strip("/")
        self.prefix = normalize_key(prefix) if prefix else ""
        self._bucket_ready = False
        self._bucket_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"S3Storage({self._where(self.prefix)!r})"

    def _name(self, key: str) -> str:
        key = normalize_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def _where(self, name: str) -> str:
        return f"s3://{self.bucket}/{name}"

    @contextmanager
    def _errors(self, action: str, name: str, key: str | None = None) -> Iterator[None]:
        """Turn minio / urllib3 exceptions into KeyNotFoundError or StorageError."""
        try:
            yield
        except S3Error as exc:
            if key is not None and exc.code in _MISSING_KEY_CODES:
                raise KeyNotFoundError(f"no object at {key!r} in {self._where(self.prefix)}") from exc
            self._fail(action, name, f"{exc.code}: {exc.message}", exc)
        except urllib3.exceptions.HTTPError as exc:
            self._fail(
                action, name, f"cannot reach the S3 endpoint {self._endpoint()}: {_root_cause(exc)}", exc
            )
        except (MinioException, OSError) as exc:
            self._fail(action, name, f"{type(exc).__name__}: {exc}", exc)

    def _fail(self, action: str, name: str, reason: str, exc: BaseException) -> NoReturn:
        raise StorageError(f"S3 {action} of {self._where(name)} failed: {reason}") from exc

    def _endpoint(self) -> str:
        base_url = getattr(self.client, "_base_url", None)
        host = getattr(base_url, "host", None)
        return str(host) if host else "(unknown endpoint)"

    def _ensure_bucket(self) -> None:
        if self._bucket_ready:
            return
        with self._bucket_lock:
            if self._bucket_ready:
                return
            with self._errors("bucket check", ""):
                try:
                    if not self.client.bucket_exists(self.bucket):
                        self.client.make_bucket(self.bucket)
                except S3Error as exc:
                    # Another process may have created it between the check and make_bucket.
                    if exc.code not in _BUCKET_EXISTS_CODES:
                        raise
                except ValueError as exc:  # minio rejects malformed bucket names before any request
                    raise StorageError(f"invalid S3 bucket name {self.bucket!r}: {exc}") from exc
            self._bucket_ready = True

    def put_bytes(
        self,
        key: str,
        data: bytes,
        content_type: str = "application/octet-stream",
        *,
        metadata: dict[str, str] | None = None,
    ) -> None:
        """Write the object; metadata keys and values must be ASCII (percent-encode other text)."""
        name = self._name(key)
        for meta_key, meta_value in (metadata or {}).items():
            if not (meta_key.isascii() and meta_value.isascii()):
                raise ValueError(
                    f"S3 metadata must be ASCII; percent-encode {meta_key!r} (urllib.parse.quote) first"
                )
        self._ensure_bucket()
        with self._errors("upload", name):
            self.client.put_object(
                self.bucket,
                name,
                io.BytesIO(data),
                len(data),
                content_type=content_type,
                metadata=dict(metadata) if metadata else None,
            )

    def get_bytes(self, key: str) -> bytes:
        name = self._name(key)
        self._ensure_bucket()
        with self._errors("download", name, key):
            response = self.client.get_object(self.bucket, name)
            try:
                return response.read()
            finally:
                response.close()
                response.release_conn()

    def exists(self, key: str) -> bool:
        try:
            self.size(key)
        except KeyNotFoundError:
            return False
        return True

    def size(self, key: str) -> int:
        name = self._name(key)
        self._ensure_bucket()
        with self._errors("stat", name, key):
            info = self.client.stat_object(self.bucket, name)
        if info.is_dir or info.size is None:
            raise KeyNotFoundError(f"no object at {key!r} in {self._where(self.prefix)}")
        return info.size

    def list_keys(self, prefix: str = "") -> Iterator[str]:
        prefix = normalize_prefix(prefix)
        root = f"{self.prefix}/" if self.prefix else ""
        self._ensure_bucket()
        keys: list[str] = []
        with self._errors("listing", root + prefix):
            for obj in self.client.list_objects(self.bucket, prefix=root + prefix, recursive=True):
                name = obj.object_name or ""
                if obj.is_dir or not name.startswith(root):
                    continue
                keys.append(unicodedata.normalize("NFC", name[len(root) :]))
        # Not every S3 server lists in byte order (SeaweedFS walks directories), so sort here.
        yield from sorted(keys)

    def delete(self, key: str) -> None:
        name = self._name(key)
        self._ensure_bucket()
        with self._errors("delete", name):
            self.client.remove_object(self.bucket, name)

    def uri(self, key: str) -> str:
        return self._where(self._name(key))

    def local_path(self, key: str) -> None:
        normalize_key(key)
        return None


def _root_cause(exc: BaseException) -> str:
    reason = getattr(exc, "reason", None)
    if isinstance(reason, BaseException):
        return f"{type(reason).__name__}: {reason}"
    return f"{type(exc).__name__}: {exc}"


# ---------------------------------------------------------------------------------------------------------
# Opening a storage from a URL


def _env_flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def make_s3_client(
    endpoint: str,
    access_key: str | None,
    secret_key: str | None,
    *,
    secure: bool = False,
    region: str | None = None,
    timeout: float = 30.0,
    retries: int = 3,
) -> minio.Minio:
    """A minio client with bounded timeouts and retries (minio's defaults wait minutes on a dead endpoint)."""
    http_client = urllib3.PoolManager(
        timeout=urllib3.Timeout(connect=min(timeout, 10.0), read=timeout),
        maxsize=10,
        cert_reqs="CERT_REQUIRED",
        ca_certs=os.environ.get("SSL_CERT_FILE") or certifi.where(),
        retries=urllib3.Retry(
            total=retries, backoff_factor=0.2, status_forcelist=[500, 502, 503, 504], raise_on_status=False
        ),
    )
    return minio.Minio(
        endpoint,
        access_key=access_key,
        secret_key=secret_key,
        secure=secure,
        region=region,
        http_client=http_client,
    )


def _s3_from_env(bucket: str, prefix: str) -> S3Storage:
    endpoint = (os.environ.get("INTAKE_S3_ENDPOINT") or "").strip()
    if not endpoint:
        raise StorageError(
            f"s3://{bucket} needs an S3 endpoint: set INTAKE_S3_ENDPOINT to host:port "
            "(and INTAKE_S3_ACCESS_KEY / INTAKE_S3_SECRET_KEY)"
        )
    secure = _env_flag(os.environ.get("INTAKE_S3_SECURE"))
    # Accept a full URL too; its scheme then decides https.
    if "://" in endpoint:
        parsed = urllib.parse.urlsplit(endpoint)
        if parsed.scheme not in ("http", "https") or not parsed.netloc or parsed.path.strip("/"):
            raise StorageError(f"INTAKE_S3_ENDPOINT must be host:port, got {endpoint!r}")
        secure = parsed.scheme == "https"
        endpoint = parsed.netloc
    access_key = os.environ.get("INTAKE_S3_ACCESS_KEY") or None
    secret_key = os.environ.get("INTAKE_S3_SECRET_KEY") or None
    if (access_key is None) != (secret_key is None):
        raise StorageError("set both INTAKE_S3_ACCESS_KEY and INTAKE_S3_SECRET_KEY, or neither")
    region = os.environ.get("INTAKE_S3_REGION") or None
    try:
        client = make_s3_client(endpoint, access_key, secret_key, secure=secure, region=region)
    except ValueError as exc:
        raise StorageError(f"invalid INTAKE_S3_ENDPOINT {endpoint!r}: {exc}") from exc
    try:
        return S3Storage(client, bucket, prefix)
    except InvalidKeyError as exc:
        raise StorageError(f"invalid key prefix in s3://{bucket}/{prefix}: {exc}") from exc


def open_storage(url: str | Path) -> Storage:
    """Open a path or file:/// URL as LocalStorage, or s3://bucket/optional/prefix as S3Storage.

    S3 settings come from INTAKE_S3_ENDPOINT (host:port), INTAKE_S3_ACCESS_KEY, INTAKE_S3_SECRET_KEY,
    INTAKE_S3_SECURE ("1"/"true" for https) and INTAKE_S3_REGION.
    """
    if isinstance(url, Path):
        return LocalStorage(url)
    text = url.strip()
    if not text:
        raise StorageError("storage location is empty")
    scheme_match = re.match(r"([A-Za-z][A-Za-z0-9+.-]*)://", text)
    if scheme_match is None:
        return LocalStorage(Path(text))
    scheme = scheme_match.group(1).lower()
    parsed = urllib.parse.urlsplit(text)
    if scheme == "file":
        if parsed.netloc not in ("", "localhost"):
            raise StorageError(f"file:// URL must be local (file:///abs/path), got host {parsed.netloc!r}")
        path = urllib.parse.unquote(parsed.path)
        if not path.startswith("/"):
            raise StorageError(f"file:// URL needs an absolute path, got {text!r}")
        return LocalStorage(Path(path))
    if scheme == "s3":
        bucket = parsed.netloc
        if not bucket:
            raise StorageError(f"s3:// URL has no bucket: {text!r}")
        if parsed.query or parsed.fragment:
            raise StorageError(f"s3:// URL must not have a query or fragment: {text!r}")
        return _s3_from_env(bucket, urllib.parse.unquote(parsed.path).strip("/"))
    raise StorageError(f"unsupported storage URL scheme {scheme!r}; use a path, file:/// or s3://")


# ---------------------------------------------------------------------------------------------------------
# Content-addressed originals


@dataclass(frozen=True)
class StoredObject:
    key: str
    sha256: str
    size: int
    created: bool  # False when the object already existed


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def original_key(sha256: str) -> str:
    """ "originals/ab/cd/<sha256>" for a lowercase hex SHA-256."""
    if not _SHA256_RE.fullmatch(sha256):
        raise InvalidKeyError(f"not a lowercase hex SHA-256: {sha256!r}")
    return f"{ORIGINALS_PREFIX}/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def store_original(
    storage: Storage,
    data: bytes,
    *,
    content_type: str = "application/octet-stream",
    filename: str | None = None,
) -> StoredObject:
    """Store `data` under its SHA-256 unless it is already there; originals are never rewritten.

    Two concurrent calls with the same bytes may both write (and both report created=True); the content
    is identical, so either write is fine.
    """
    digest = sha256_hex(data)
    key = original_key(digest)
    if storage.exists(key):
        try:
            existing = storage.size(key)
        except KeyNotFoundError:
            existing = None  # deleted between the two calls: store it again below
        if existing is not None:
            if existing != len(data):
                raise StorageError(
                    f"content-address collision or corrupt object at {storage.uri(key)}: "
                    f"stored size {existing} bytes, expected {len(data)}"
                )
            return StoredObject(key=key, sha256=digest, size=len(data), created=False)
    metadata = {"sha256": digest}
    if filename is not None:
        # S3 metadata must be ASCII; Vietnamese file names are percent-encoded UTF-8.
        metadata["original-filename"] = urllib.parse.quote(unicodedata.normalize("NFC", filename), safe="")
    storage.put_bytes(key, data, content_type, metadata=metadata)
    return StoredObject(key=key, sha256=digest, size=len(data), created=True)


def decode_filename(value: str) -> str:
    """Inverse of the "original-filename" metadata encoding."""
    return urllib.parse.unquote(value)
