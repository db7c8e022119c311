"""Settings with embedded defaults, overridable by environment variables (INTAKE_*)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def _env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser().resolve() if value else default


@dataclass(frozen=True)
class Settings:
    models_dir: Path = field(default_factory=lambda: _env_path("INTAKE_MODELS_DIR", PROJECT_ROOT / "models"))
    templates_dir: Path = field(
        default_factory=lambda: _env_path("INTAKE_TEMPLATES_DIR", PROJECT_ROOT / "templates")
    )
    tessdata_dir: Path = field(
        default_factory=lambda: _env_path("INTAKE_TESSDATA_DIR", Path("/usr/share/tesseract-ocr/5/tessdata"))
    )
    ocr_engine: str = field(default_factory=lambda: os.environ.get("INTAKE_OCR_ENGINE", "paddle-tesseract"))
    detection_model: str = "PP-OCRv6_small_det"
    # Lines Tesseract reads with less confidence than this are read again by the handwriting-capable
    # recogniser, which wins when it is surer. An empty INTAKE_SECOND_RECOGNIZER turns the second read off.
    second_recognizer: str = field(
        default_factory=lambda: os.environ.get("INTAKE_SECOND_RECOGNIZER", "asternet_vi")
    )
    second_read_below: float = 0.8
    raster_dpi: int = 200
    max_dpi: int = 300
    max_image_pixels: int = 120_000_000


def get_settings() -> Settings:
    return Settings()
