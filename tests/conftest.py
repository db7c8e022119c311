from __future__ import annotations

import os
import tempfile
from pathlib import Path

# Prefect keeps its local-mode database under PREFECT_HOME: tests get their own, set before Prefect loads.
_PREFECT_HOME = Path(tempfile.mkdtemp(prefix="intake-test-prefect-"))
os.environ.setdefault("PREFECT_HOME", str(_PREFECT_HOME))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

from collections.abc import Iterator  # noqa: E402

import pytest  # noqa: E402
from s3server import S3Endpoint, run_s3_server  # noqa: E402

from intake.config import PROJECT_ROOT, Settings, get_settings  # noqa: E402

SAMPLES = PROJECT_ROOT / "samples"


@pytest.fixture(scope="session")
def settings() -> Settings:
    return get_settings()


@pytest.fixture(scope="session")
def sample_batch() -> Path:
    return SAMPLES / "batch"


@pytest.fixture(scope="session")
def ground_truth_dir() -> Path:
    return SAMPLES / "ground_truth"


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Endpoint]:
    """A real SeaweedFS S3 server on loopback, shared by the session's tests."""
    with run_s3_server(tmp_path_factory.mktemp("seaweedfs")) as endpoint:
        yield endpoint
