from __future__ import annotations

import os
import tempfile
from pathlib import Path

# Prefect keeps its local-mode database under PREFECT_HOME: tests get their own, set before Prefect loads.
_PREFECT_HOME = Path(tempfile.mkdtemp(prefix="intake-test-prefect-"))
os.environ.setdefault("PREFECT_HOME", str(_PREFECT_HOME))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

from collections.abc import Callable, Iterator  # noqa: E402

import pytest  # noqa: E402
from s3server import S3Endpoint, run_s3_server  # noqa: E402

from intake.config import PROJECT_ROOT, Settings, get_settings  # noqa: E402

SAMPLES = PROJECT_ROOT / "samples"


@pytest.fixture(scope="session")
def settings() -> Settings:
    return get_settings()


@pytest.fixture
def edited_templates(settings: Settings, tmp_path: Path) -> Callable[[str, str], Path]:
    """A copy of the templates with one piece of text replaced in every file: a template error to cause."""

    def edited(old: str, new: str) -> Path:
        copy = tmp_path / "templates"
        for path in settings.templates_dir.rglob("*.yaml"):
            target = copy / path.relative_to(settings.templates_dir)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
        return copy

    return edited


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
