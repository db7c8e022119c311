"""A real Prefect server and real process workers for tests and benchmarks, on loopback only.

The server gets a free port, its own PREFECT_HOME and a SQLite database in the given temporary folder,
analytics and the UI off; workers are `prefect worker start --type process` subprocesses. Both run in their
own process group, and stopping ends the whole group.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import httpx

HOST = "127.0.0.1"
START_TIMEOUT_S = 120.0
STOP_TIMEOUT_S = 20.0
PROJECT_ROOT = Path(__file__).resolve().parents[1]


class PrefectServerError(RuntimeError):
    """The Prefect server or a worker could not be started."""


@dataclass(frozen=True)
class PrefectServer:
    api_url: str  # http://127.0.0.1:PORT/api
    home: Path
    log_path: Path
    startup_seconds: float

    def env(self, **extra: str) -> dict[str, str]:
        """Environment for a client process (worker, API, CLI) of this server."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
        env.update(
            PREFECT_API_URL=self.api_url,
            PREFECT_HOME=str(self.home),
            PREFECT_SERVER_ANALYTICS_ENABLED="false",
            PREFECT_LOGGING_LEVEL="INFO",
        )
        env.update(extra)
        return env


def _bin(name: str) -> str:
    candidate = Path(sys.executable).parent / name
    return str(candidate) if candidate.exists() else name


def free_port() -> int:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def stop_group(proc: subprocess.Popen[bytes], timeout: float = STOP_TIMEOUT_S) -> None:
    """SIGTERM the process group (the process was started with start_new_session), then SIGKILL."""
    if proc.poll() is not None:
        return
    with suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def wait_http(
    url: str, proc: subprocess.Popen[bytes], log_path: Path, timeout: float = START_TIMEOUT_S
) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise PrefectServerError(f"{proc.args!r} exited with {proc.returncode}:\n{_tail(log_path)}")
        with suppress(httpx.HTTPError):
            if httpx.get(url, timeout=2.0).status_code == 200:
                return
        if time.monotonic() > deadline:
            raise PrefectServerError(f"{url} did not answer within {timeout:.0f} s:\n{_tail(log_path)}")
        time.sleep(0.3)


@contextmanager
def run_prefect_server(tmp_dir: Path) -> Iterator[PrefectServer]:
    """`prefect server start` on a free loopback port with SQLite in `tmp_dir`; stopped on exit."""
    tmp_dir = Path(tmp_dir).resolve()
    home = tmp_dir / "prefect-home"
    home.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log_path = tmp_dir / "prefect-server.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(
        PREFECT_HOME=str(home),
        PREFECT_API_DATABASE_CONNECTION_URL=f"sqlite+aiosqlite:///{tmp_dir / 'prefect.db'}",
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_UI_ENABLED="false",
        PREFECT_LOGGING_LEVEL="WARNING",
    )
    started = time.monotonic()
    with log_path.open("ab") as log_file:
        proc = subprocess.Popen(
            [_bin("prefect"), "server", "start", "--host", HOST, "--port", str(port)],
            cwd=tmp_dir,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
    try:
        wait_http(f"http://{HOST}:{port}/api/health", proc, log_path)
        yield PrefectServer(
            api_url=f"http://{HOST}:{port}/api",
            home=home,
            log_path=log_path,
            startup_seconds=time.monotonic() - started,
        )
    finally:
        stop_group(proc)


@contextmanager
def run_worker(
    server: PrefectServer,
    pool: str,
    name: str,
    log_dir: Path,
    *,
    limit: int = 1,
    env: dict[str, str] | None = None,
) -> Iterator[subprocess.Popen[bytes]]:
    """`prefect worker start --type process` polling `pool` every second; stopped (group) on exit."""
    log_path = Path(log_dir) / f"worker-{name}.log"
    worker_env = server.env(PREFECT_WORKER_QUERY_SECONDS="1", PREFECT_WORKER_PREFETCH_SECONDS="5")
    worker_env.update(env or {})
    args = [_bin("prefect"), "worker", "start", "--pool", pool, "--type", "process", "--name", name]
    args.extend(["--limit", str(limit)])
    with log_path.open("ab") as log_file:
        proc = subprocess.Popen(
            args,
            cwd=PROJECT_ROOT,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            env=worker_env,
            start_new_session=True,
        )
    try:
        yield proc
    finally:
        stop_group(proc)


_shared: PrefectServer | None = None


def shared_prefect_server(config: object, tmp_root: Path) -> PrefectServer:
    """One server per test session, whichever module asks first; stopped when the session ends."""
    global _shared
    if _shared is None:
        stack = ExitStack()
        _shared = stack.enter_context(run_prefect_server(tmp_root))
        config.add_cleanup(stack.close)  # type: ignore[attr-defined]
    return _shared


def deploy(
    server: PrefectServer, storage_url: str, pool: str, env: dict[str, str], name: str = "intake"
) -> None:
    """Register the deployments through `python -m flows.deploy`, as an operator would."""
    args = [sys.executable, "-m", "flows.deploy", "--storage", storage_url, "--pool", pool]
    args.extend(["--inbox-interval", "0", "--name", name, "--inbox-name", f"{name}-inbox"])
    result = subprocess.run(
        args,
        cwd=PROJECT_ROOT,
        env=server.env(**env),
        capture_output=True,
        text=True,
        timeout=180,
    )
    if result.returncode != 0:
        raise PrefectServerError(f"flows.deploy failed:\n{result.stdout}\n{result.stderr}")


@contextmanager
def run_api(server: PrefectServer, log_dir: Path, env: dict[str, str]) -> Iterator[str]:
    """The intake API under uvicorn on a free loopback port; its base URL."""
    port = free_port()
    log_path = Path(log_dir) / f"api-{port}.log"
    args = [sys.executable, "-m", "uvicorn", "--factory", "api.app:create_app", "--host", HOST]
    args.extend(["--port", str(port), "--log-level", "warning"])
    with log_path.open("ab") as log_file:
        proc = subprocess.Popen(
            args,
            cwd=PROJECT_ROOT,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            env=server.env(**env),
            start_new_session=True,
        )
    try:
        wait_http(f"http://{HOST}:{port}/health", proc, log_path, timeout=60)
        yield f"http://{HOST}:{port}"
    finally:
        stop_group(proc)
