from __future__ import annotations

import os
import tempfile
from pathlib import Path

# Prefect keeps its local-mode database under PREFECT_HOME; tests get their own, set before Prefect is imported.
_PREFECT_HOME = Path(tempfile.mkdtemp(prefix="intake-test-prefect-"))
os.environ.setdefault("PREFECT_HOME", str(_PREFECT_HOME))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

import pytest  # noqa: E402

from intake.config import PROJECT_ROOT, Settings, get_settings  # noqa: E402

SAMPLES = PROJECT_ROOT / "samples"
FONT_SERIF = Path("/usr/share/fonts/truetype/freefont/FreeSerif.ttf")
FONT_SANS = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@pytest.fixture(scope="session")
def settings() -> Settings:
    return get_settings()


@pytest.fixture(scope="session")
def sample_batch() -> Path:
    return SAMPLES / "batch"


@pytest.fixture(scope="session")
def ground_truth_dir() -> Path:
    return SAMPLES / "ground_truth"
