"""The OCR stage: give every page lines of text, from its text layer or from the OCR engine."""

from __future__ import annotations

import logging
import time

import numpy as np

from intake.config import Settings
from intake.model import Page, ProcessingError

from .base import OcrEngineError, shared_engine

log = logging.getLogger(__name__)


def read_page(page: Page, image: np.ndarray, settings: Settings) -> np.ndarray:
    """OCR one page unless its born-digital text layer already gave its lines; the page is turned upright
    and straightened first. Returns the image the lines refer to. Failures stay on the page."""
    if page.ocr_engine == "text_layer":
        return image
    started = time.perf_counter()
    try:
        engine = shared_engine(settings)
        upright = engine.read_upright(image)
        image = upright.image
        page.lines = upright.lines
        page.rotation_applied = (page.rotation_applied + upright.rotation) % 360
        page.deskew_degrees = upright.skew
        page.height, page.width = image.shape[:2]
        page.ocr_engine = engine.name
    except OcrEngineError as exc:
        page.errors.append(
            ProcessingError(
                stage="ocr", code="ocr_engine_unavailable", page=page.index, file=page.file, message=str(exc)
            )
        )
    except Exception as exc:  # a page the engine chokes on must not stop the dossier
        log.exception("OCR failed on page %d of %s", page.file_page, page.file)
        page.errors.append(
            ProcessingError(
                stage="ocr",
                code="ocr_failed",
                page=page.index,
                file=page.file,
                message=f"OCR failed: {type(exc).__name__}: {exc}",
            )
        )
    page.ocr_seconds = round(time.perf_counter() - started, 3)
    if page.errors:
        page.needs_review = True
        page.review_reasons = sorted({*page.review_reasons, "ocr_failed"})
    return image
