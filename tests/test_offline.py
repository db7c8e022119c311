"""The whole pipeline runs with the network cut off: no model hub, no telemetry, nothing but loopback."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from intake.batch import discover

pytestmark = pytest.mark.slow

GUARD = """
import socket
_connect = socket.socket.connect
def _loopback_only(self, address):
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, str) and not (host.startswith("127.") or host in ("::1", "localhost")) \\
            and self.family in (socket.AF_INET, socket.AF_INET6):
        raise OSError(f"network blocked by test: {host}")
    return _connect(self, address)
socket.socket.connect = _loopback_only
"""


def network_namespace_works() -> bool:
    if not shutil.which("unshare") or not shutil.which("ip"):
        return False
    probe = subprocess.run(
        ["unshare", "-n", "sh", "-c", "ip link set lo up"], capture_output=True, check=False
    )
    return probe.returncode == 0


def test_pipeline_runs_with_the_network_blocked(sample_batch: Path, tmp_path: Path) -> None:
    batch = tmp_path / "batch"
    batch.mkdir()
    chosen = discover(sample_batch)[:2]
    for dossier in chosen:
        source = sample_batch / dossier.name
        if source.is_dir():
            shutil.copytree(source, batch / dossier.name)
        else:
            shutil.copy(dossier.files[0].path, batch / dossier.files[0].name)
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_API_URL": ""}
    env.pop("PREFECT_API_URL")
    intake = [sys.executable, "-m", "intake.cli", "process", str(batch), "--out", str(tmp_path / "out")]
    if network_namespace_works():
        command = ["unshare", "-n", "sh", "-c", 'ip link set lo up && exec "$@"', "sh", *intake]
        isolation = "namespace"
    else:
        (tmp_path / "guard").mkdir()
        (tmp_path / "guard" / "sitecustomize.py").write_text(GUARD)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(tmp_path / "guard"), env.get("PYTHONPATH")]))
        command = intake
        isolation = "socket guard"
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600, check=False)
    assert result.returncode == 0, (isolation, result.stderr[-3000:])
    summary = json.loads((tmp_path / "out" / "batch_summary.json").read_text("utf-8"))
    assert [d["status"] for d in summary["dossiers"]] == ["success"] * len(chosen)
    assert summary["totals"]["pages"] > 0
    for item in summary["dossiers"]:
        record = json.loads((tmp_path / "out" / item["record"]).read_text("utf-8"))
        assert all(p["classification"]["doc_type"] != "unknown" for p in record["pages"])
