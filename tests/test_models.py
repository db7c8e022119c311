from __future__ import annotations

import shutil
from pathlib import Path

from intake.config import Settings
from intake.models import MODELS, missing_models


def test_installed_models_are_complete(settings: Settings) -> None:
    assert missing_models(settings.models_dir) == []


def test_an_altered_model_file_is_detected(settings: Settings, tmp_path: Path) -> None:
    for spec in MODELS:
        shutil.copytree(settings.models_dir / spec.name, tmp_path / spec.name)
    assert missing_models(tmp_path) == []
    for spec in MODELS:
        with (tmp_path / spec.name / spec.files[0].target).open("ab") as handle:
            handle.write(b"\0")
    assert missing_models(tmp_path) == [spec.name for spec in MODELS]
