"""Storage tests: LocalStorage on tmp_path and S3Storage against a real SeaweedFS server on loopback."""

from __future__ import annotations

import hashlib
import io
import os
import time
import unicodedata
import urllib.parse
import uuid
from collections.abc import Iterator
from pathlib import Path

import minio
import pytest
import urllib3

from intake.storage import (
    InvalidKeyError,
    KeyNotFoundError,
    LocalStorage,
    S3Storage,
    Storage,
    StorageError,
    decode_filename,
    open_storage,
    original_key,
    sha256_hex,
    store_original,
)

try:
    from tests import s3server
except ImportError:  # tests/ is not a package: pytest put tests/ itself on sys.path
    import s3server  # type: ignore[no-redef]

S3Endpoint = s3server.S3Endpoint
free_ports = s3server.free_ports
run_s3_server = s3server.run_s3_server

VI_FILENAME = "Giấy khai sinh – Nguyễn Thị Hường (bản sao).pdf"
S3_KINDS = ("s3", "s3-prefixed")


@pytest.fixture(scope="session")
def s3_client(s3_server: S3Endpoint) -> minio.Minio:
    return s3_server.client()


_created_buckets: list[str] = []


def fresh_bucket() -> str:
    """A new bucket name; S3Storage creates the bucket on first use and it is dropped after the test."""
    name = f"intake-{uuid.uuid4().hex[:16]}"
    _created_buckets.append(name)
    return name


@pytest.fixture(autouse=True)
def _drop_test_buckets(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if not _created_buckets:
        return
    client: minio.Minio = request.getfixturevalue("s3_client")
    while _created_buckets:
        bucket = _created_buckets.pop()
        if client.bucket_exists(bucket):
            for obj in client.list_objects(bucket, recursive=True):
                client.remove_object(bucket, obj.object_name)
            client.remove_bucket(bucket)


@pytest.fixture(params=["local", *S3_KINDS])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Storage:
    if request.param == "local":
        return LocalStorage(tmp_path / "store")
    client: minio.Minio = request.getfixturevalue("s3_client")
    prefix = "tenant/hồ sơ" if request.param == "s3-prefixed" else ""
    return S3Storage(client, fresh_bucket(), prefix)


def is_s3(storage: Storage) -> bool:
    return isinstance(storage, S3Storage)


# --------------------------------------------------------------------------------------------------------
# Behaviour common to both implementations


def test_both_implement_the_protocol(storage: Storage) -> None:
    assert isinstance(storage, Storage)


def test_put_get_round_trip(storage: Storage) -> None:
    payload = bytes(range(256)) * 40
    storage.put_bytes("dossiers/hồ sơ 01/ảnh.jpg", payload, "image/jpeg")
    assert storage.get_bytes("dossiers/hồ sơ 01/ảnh.jpg") == payload

    storage.put_bytes("dossiers/hồ sơ 01/ảnh.jpg", b"second version")
    assert storage.get_bytes("dossiers/hồ sơ 01/ảnh.jpg") == b"second version"

    storage.put_bytes("empty", b"")
    assert storage.get_bytes("empty") == b""
    assert storage.size("empty") == 0


def test_keys_are_nfc_normalised(storage: Storage) -> None:
    nfd_key = unicodedata.normalize("NFD", "Nguyễn/Hường.txt")
    storage.put_bytes(nfd_key, b"x")
    nfc_key = unicodedata.normalize("NFC", nfd_key)
    assert nfc_key != nfd_key
    assert storage.get_bytes(nfc_key) == b"x"
    assert list(storage.list_keys()) == [nfc_key]


def test_exists(storage: Storage) -> None:
    assert storage.exists("a/b.txt") is False
    storage.put_bytes("a/b.txt", b"hello")
    assert storage.exists("a/b.txt") is True
    assert storage.exists("a") is False  # a "directory" is not an object
    storage.delete("a/b.txt")
    assert storage.exists("a/b.txt") is False


def test_list_keys_prefix_nesting_sorted_relative(storage: Storage) -> None:
    keys = ["z", "b/2", "a/1", "a/c/3", "a.txt", "a-b", "ab", "Đ/ư"]
    for key in keys:
        storage.put_bytes(key, key.encode())

    assert list(storage.list_keys()) == sorted(keys)
    assert list(storage.list_keys("a/")) == ["a/1", "a/c/3"]
    assert list(storage.list_keys("a")) == ["a-b", "a.txt", "a/1", "a/c/3", "ab"]
    assert list(storage.list_keys("a/c")) == ["a/c/3"]
    assert list(storage.list_keys("nothing/")) == []
    for key in storage.list_keys():
        assert storage.get_bytes(key) == key.encode()


def test_list_keys_strips_the_s3_prefix(s3_client: minio.Minio) -> None:
    bucket = fresh_bucket()
    store = S3Storage(s3_client, bucket, "/tenant/a/")
    store.put_bytes("x/y", b"1")
    S3Storage(s3_client, bucket).put_bytes("outside", b"2")

    raw = sorted(o.object_name for o in s3_client.list_objects(bucket, recursive=True))
    assert raw == ["outside", "tenant/a/x/y"]
    assert list(store.list_keys()) == ["x/y"]
    assert store.uri("x/y") == f"s3://{bucket}/tenant/a/x/y"


def test_missing_key_raises_key_not_found(storage: Storage) -> None:
    with pytest.raises(KeyNotFoundError) as excinfo:
        storage.get_bytes("no/such/key")
    assert isinstance(excinfo.value, KeyError)
    assert "no/such/key" in str(excinfo.value)
    with pytest.raises(KeyNotFoundError):
        storage.size("no/such/key")
    storage.put_bytes("no/such/other", b"x")
    with pytest.raises(KeyNotFoundError):
        storage.get_bytes("no/such")  # a prefix of an existing key is not an object


def test_delete_is_idempotent(storage: Storage) -> None:
    storage.put_bytes("gone", b"x")
    storage.delete("gone")
    storage.delete("gone")
    assert list(storage.list_keys()) == []


@pytest.mark.parametrize(
    "bad_key",
    [
        "",
        "/etc/passwd",
        "../escape",
        "a/../../b",
        "a/..",
        "a\\b",
        "..\\x",
        "a//b",
        "a/",
        ".",
        "a/./b",
        "x\x00y",
    ],
)
def test_invalid_keys_are_rejected(storage: Storage, bad_key: str, tmp_path: Path) -> None:
    with pytest.raises(InvalidKeyError):
        storage.put_bytes(bad_key, b"x")
    with pytest.raises(InvalidKeyError):
        storage.get_bytes(bad_key)
    with pytest.raises(InvalidKeyError):
        storage.exists(bad_key)
    with pytest.raises(InvalidKeyError):
        storage.delete(bad_key)
    assert issubclass(InvalidKeyError, ValueError)
    assert list(storage.list_keys()) == []
    assert not (tmp_path / "escape").exists()


def test_invalid_list_prefix_is_rejected(storage: Storage) -> None:
    with pytest.raises(InvalidKeyError):
        list(storage.list_keys("../"))
    with pytest.raises(InvalidKeyError):
        list(storage.list_keys("/abs"))


def test_uri_and_local_path(storage: Storage) -> None:
    storage.put_bytes("dir/tệp.txt", b"x")
    uri = storage.uri("dir/tệp.txt")
    if isinstance(storage, LocalStorage):
        path = storage.local_path("dir/tệp.txt")
        assert path == storage.root / "dir" / "tệp.txt"
        assert path.read_bytes() == b"x"
        parsed = urllib.parse.urlsplit(uri)
        assert uri.startswith("file:///")
        assert Path(urllib.parse.unquote(parsed.path)) == path
    else:
        assert isinstance(storage, S3Storage)
        assert storage.local_path("dir/tệp.txt") is None
        prefix = f"{storage.prefix}/" if storage.prefix else ""
        assert uri == f"s3://{storage.bucket}/{prefix}dir/tệp.txt"


# --------------------------------------------------------------------------------------------------------
# Content-addressed originals


def test_original_key_layout() -> None:
    digest = sha256_hex(b"abc")
    assert digest == hashlib.sha256(b"abc").hexdigest()
    assert original_key(digest) == f"originals/{digest[:2]}/{digest[2:4]}/{digest}"
    for bad in ["", "xyz", digest.upper(), digest[:-1], "../" + digest[3:]]:
        with pytest.raises(InvalidKeyError):
            original_key(bad)


def _fingerprint(storage: Storage, key: str) -> tuple[object, ...]:
    """What would change if the object were written again."""
    if isinstance(storage, S3Storage):
        info = storage.client.stat_object(storage.bucket, f"{storage.prefix}/{key}".lstrip("/"))
        return (info.etag, info.last_modified, info.size)
    path = storage.local_path(key)
    assert path is not None
    st = path.stat()
    return (st.st_mtime_ns, st.st_ino, st.st_size)


def test_store_original_is_idempotent_and_never_rewrites(
    storage: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = b"%PDF-1.7 scanned CT01 form\n" + os.urandom(2048)
    first = store_original(storage, data, content_type="application/pdf", filename=VI_FILENAME)
    assert first.created is True
    assert first.size == len(data)
    before = _fingerprint(storage, first.key)

    # S3 Last-Modified has one-second resolution: wait so that a rewrite would show.
    time.sleep(1.1 if is_s3(storage) else 0.02)
    writes: list[str] = []
    real_put = storage.put_bytes
    monkeypatch.setattr(
        storage, "put_bytes", lambda key, *a, **kw: (writes.append(key), real_put(key, *a, **kw))
    )

    second = store_original(storage, data, content_type="application/pdf", filename="other-name.pdf")
    assert second.created is False
    assert second.key == first.key
    assert second.sha256 == first.sha256
    assert writes == []
    assert _fingerprint(storage, first.key) == before
    assert storage.get_bytes(first.key) == data


def test_store_original_different_bytes_different_keys(storage: Storage) -> None:
    a = store_original(storage, b"document A")
    b = store_original(storage, b"document B")
    assert a.key != b.key
    assert a.created and b.created
    assert sorted(storage.list_keys("originals/")) == sorted([a.key, b.key])


def test_store_original_key_is_sha256_of_content(storage: Storage) -> None:
    data = "Tờ khai thay đổi thông tin cư trú".encode()
    stored = store_original(storage, data, content_type="text/plain")
    digest = hashlib.sha256(data).hexdigest()
    assert stored.sha256 == digest
    assert stored.key == f"originals/{digest[:2]}/{digest[2:4]}/{digest}"
    assert hashlib.sha256(storage.get_bytes(stored.key)).hexdigest() == digest


def test_store_original_detects_corrupt_object(storage: Storage) -> None:
    data = b"the real scan"
    key = original_key(sha256_hex(data))
    storage.put_bytes(key, b"truncated")
    with pytest.raises(StorageError, match="content-address collision or corrupt object"):
        store_original(storage, data)
    assert storage.get_bytes(key) == b"truncated"  # left as found, for inspection


@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_vietnamese_filename_round_trips_in_s3_metadata(s3_client: minio.Minio, form: str) -> None:
    store = S3Storage(s3_client, fresh_bucket(), "intake")
    data = b"scan bytes " + form.encode()
    stored = store_original(
        store, data, content_type="application/pdf", filename=unicodedata.normalize(form, VI_FILENAME)
    )
    info = s3_client.stat_object(store.bucket, f"intake/{stored.key}")
    meta = {k.lower(): v for k, v in info.metadata.items()}
    assert meta["x-amz-meta-sha256"] == stored.sha256
    assert meta["x-amz-meta-original-filename"].isascii()
    assert decode_filename(meta["x-amz-meta-original-filename"]) == unicodedata.normalize("NFC", VI_FILENAME)
    assert info.content_type == "application/pdf"


def test_s3_rejects_non_ascii_metadata(s3_client: minio.Minio) -> None:
    store = S3Storage(s3_client, fresh_bucket())
    with pytest.raises(ValueError, match="ASCII"):
        store.put_bytes("k", b"x", metadata={"original-filename": VI_FILENAME})
    assert not store.exists("k")


# --------------------------------------------------------------------------------------------------------
# LocalStorage specifics


def test_local_write_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = LocalStorage(tmp_path)
    store.put_bytes("doc.json", b'{"v": 1}')

    def failing_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(StorageError, match="No space left on device"):
        store.put_bytes("doc.json", b'{"v": 2}')
    monkeypatch.undo()

    assert store.get_bytes("doc.json") == b'{"v": 1}'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["doc.json"]  # no temporary file left behind
    assert list(store.list_keys()) == ["doc.json"]


def test_local_list_ignores_in_flight_temp_files(tmp_path: Path) -> None:
    store = LocalStorage(tmp_path)
    store.put_bytes("a/b", b"x")
    (tmp_path / "a" / ".intake-tmp-abc123").write_bytes(b"partial")
    assert list(store.list_keys()) == ["a/b"]
    with pytest.raises(InvalidKeyError):
        store.put_bytes("a/.intake-tmp-abc123", b"x")


# --------------------------------------------------------------------------------------------------------
# S3Storage specifics: bucket creation and faults


def test_s3_creates_missing_bucket_and_tolerates_race(s3_client: minio.Minio) -> None:
    bucket = fresh_bucket()
    assert not s3_client.bucket_exists(bucket)
    S3Storage(s3_client, bucket).put_bytes("k", b"v")
    assert s3_client.bucket_exists(bucket)

    # Another process created it between our check and make_bucket: the server says it already exists.
    racing = S3Storage(s3_client, bucket)
    real_exists = s3_client.bucket_exists
    try:
        s3_client.bucket_exists = lambda name: False  # type: ignore[method-assign]
        assert racing.get_bytes("k") == b"v"
    finally:
        s3_client.bucket_exists = real_exists  # type: ignore[method-assign]


def test_s3_invalid_bucket_name_is_storage_error(s3_client: minio.Minio) -> None:
    with pytest.raises(StorageError, match="bucket"):
        S3Storage(s3_client, "Bad_Bucket!").put_bytes("k", b"v")


def test_s3_unreachable_endpoint_is_storage_error() -> None:
    (port,) = free_ports(1)  # nothing listens there
    client = minio.Minio(
        f"127.0.0.1:{port}",
        access_key="intake-test",
        secret_key="do-not-leak-this-secret",
        secure=False,
        http_client=urllib3.PoolManager(timeout=urllib3.Timeout(connect=1, read=1), retries=urllib3.Retry(0)),
    )
    store = S3Storage(client, fresh_bucket())
    started = time.monotonic()
    for operation in (
        lambda: store.put_bytes("k", b"v"),
        lambda: store.get_bytes("k"),
        lambda: store.exists("k"),
        lambda: list(store.list_keys()),
        lambda: store.delete("k"),
    ):
        with pytest.raises(StorageError) as excinfo:
            operation()
        message = str(excinfo.value)
        assert f"127.0.0.1:{port}" in message
        assert "do-not-leak-this-secret" not in message
        assert not isinstance(excinfo.value, urllib3.exceptions.HTTPError)
    assert time.monotonic() - started < 20


def test_s3_wrong_credentials_is_storage_error_without_secret(s3_server: S3Endpoint) -> None:
    client = minio.Minio(
        s3_server.endpoint, access_key="intake-test", secret_key="wrong-secret-xyz", secure=False
    )
    store = S3Storage(client, fresh_bucket())
    with pytest.raises(StorageError) as excinfo:
        store.put_bytes("k", b"v")
    message = str(excinfo.value)
    assert "SignatureDoesNotMatch" in message or "AccessDenied" in message or "InvalidAccessKeyId" in message
    assert "wrong-secret-xyz" not in message


# --------------------------------------------------------------------------------------------------------
# open_storage


@pytest.fixture
def no_s3_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("ENDPOINT", "ACCESS_KEY", "SECRET_KEY", "SECURE", "REGION"):
        monkeypatch.delenv(f"INTAKE_S3_{name}", raising=False)
    return monkeypatch


def test_open_storage_plain_path(tmp_path: Path) -> None:
    for location in (str(tmp_path / "a"), tmp_path / "b"):
        store = open_storage(location)
        assert isinstance(store, LocalStorage)
        assert store.root == Path(location).resolve()
        store.put_bytes("k", b"v")
        assert (Path(location) / "k").read_bytes() == b"v"


def test_open_storage_file_url(tmp_path: Path) -> None:
    target = tmp_path / "kho lưu trữ"
    store = open_storage(target.as_uri())
    assert isinstance(store, LocalStorage)
    assert "%" in target.as_uri()
    assert store.root == target.resolve()
    store.put_bytes("x/y", b"1")
    assert (target / "x" / "y").read_bytes() == b"1"
    assert open_storage(f"file://localhost{target}").root == target.resolve()


def test_open_storage_s3_url_uses_env(s3_server: S3Endpoint, no_s3_env: pytest.MonkeyPatch) -> None:
    no_s3_env.setenv("INTAKE_S3_ENDPOINT", s3_server.endpoint)
    no_s3_env.setenv("INTAKE_S3_ACCESS_KEY", s3_server.access_key)
    no_s3_env.setenv("INTAKE_S3_SECRET_KEY", s3_server.secret_key)
    no_s3_env.setenv("INTAKE_S3_SECURE", "false")
    bucket = fresh_bucket()
    store = open_storage(f"s3://{bucket}/cu-tru/2026/")
    assert isinstance(store, S3Storage)
    assert (store.bucket, store.prefix) == (bucket, "cu-tru/2026")
    store.put_bytes("k", b"v")
    assert store.get_bytes("k") == b"v"
    assert store.uri("k") == f"s3://{bucket}/cu-tru/2026/k"

    plain = open_storage(f"s3://{bucket}")
    assert isinstance(plain, S3Storage)
    assert plain.prefix == ""
    assert list(plain.list_keys()) == ["cu-tru/2026/k"]


def test_open_storage_s3_secure_flag(no_s3_env: pytest.MonkeyPatch) -> None:
    no_s3_env.setenv("INTAKE_S3_ENDPOINT", "storage.example.invalid:9000")
    no_s3_env.setenv("INTAKE_S3_SECURE", "1")
    store = open_storage("s3://bucket-a")
    assert isinstance(store, S3Storage)
    assert store.client._base_url.is_https  # no request is made
    no_s3_env.setenv("INTAKE_S3_SECURE", "0")
    store = open_storage("s3://bucket-a")
    assert isinstance(store, S3Storage)
    assert not store.client._base_url.is_https


def test_open_storage_s3_without_endpoint(no_s3_env: pytest.MonkeyPatch) -> None:
    with pytest.raises(StorageError, match="INTAKE_S3_ENDPOINT"):
        open_storage("s3://bucket/prefix")


def test_open_storage_s3_with_only_one_key(no_s3_env: pytest.MonkeyPatch) -> None:
    no_s3_env.setenv("INTAKE_S3_ENDPOINT", "127.0.0.1:9")
    no_s3_env.setenv("INTAKE_S3_ACCESS_KEY", "only-access")
    with pytest.raises(StorageError, match="INTAKE_S3_SECRET_KEY"):
        open_storage("s3://bucket")


@pytest.mark.parametrize("url", ["ftp://host/x", "file://otherhost/x", "s3:///no-bucket", "   "])
def test_open_storage_rejects_bad_urls(url: str, no_s3_env: pytest.MonkeyPatch) -> None:
    with pytest.raises(StorageError):
        open_storage(url)


def test_s3_put_get_large_object(s3_client: minio.Minio) -> None:
    # Bigger than SeaweedFS's 4 MB chunk size, below minio's multipart threshold.
    data = os.urandom(6 * 1024 * 1024 + 17)
    store = S3Storage(s3_client, fresh_bucket())
    stored = store_original(store, data, content_type="image/tiff")
    assert store.get_bytes(stored.key) == data
    assert store.size(stored.key) == len(data)
    resp = s3_client.get_object(store.bucket, stored.key)
    try:
        assert hashlib.sha256(io.BytesIO(resp.read()).getvalue()).hexdigest() == stored.sha256
    finally:
        resp.close()
        resp.release_conn()


# --------------------------------------------------------------------------------------------------------
# The test server helper itself


def test_s3server_missing_binary_says_run_setup(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(s3server.sys, "executable", str(tmp_path / "bin" / "python"))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(s3server.S3ServerError, match="setup"), run_s3_server(tmp_path):
        pass


def test_s3server_reports_early_exit_with_log(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake = tmp_path / "weed"
    fake.write_text("#!/bin/sh\necho 'fake weed: cannot bind' >&2\nexit 3\n")
    fake.chmod(0o755)
    monkeypatch.setattr(s3server, "find_weed", lambda: fake)
    with pytest.raises(s3server.S3ServerError) as excinfo, run_s3_server(tmp_path / "srv"):
        pass
    assert "exited with code 3" in str(excinfo.value)
    assert "fake weed: cannot bind" in str(excinfo.value)
