"""PaddleOCR text detection (PP-OCRv6, ONNX Runtime) with Tesseract's Vietnamese model reading each line.

No released PP-OCR recogniser covers Vietnamese diacritics (see shared/stack-notes.md), so PaddleOCR finds
the lines and Tesseract `vie` reads them, one line crop at a time.
"""

from __future__ import annotations

import os
import threading

import cv2
import numpy as np

from intake.config import Settings
from intake.model import BoundingBox, OcrLine, nfc

from .base import OcrEngineError, reading_order, register_engine

# Never let PaddleX probe model hosts: models come from the local folder only.
os.environ.setdefault("PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK", "True")

CROP_PADDING = 6
MIN_LINE_HEIGHT = 6


class PaddleTesseractEngine:
    name = "paddle-tesseract"

    def __init__(self, settings: Settings) -> None:
        model_dir = settings.models_dir / settings.detection_model
        if not (model_dir / "inference.onnx").is_file() or not (model_dir / "inference.yml").is_file():
            raise OcrEngineError(
                f"detection model not found in {model_dir}; run `intake models install` (part of the set-up)"
            )
        vie = settings.tessdata_dir / "vie.traineddata"
        if not vie.is_file():
            raise OcrEngineError(f"Tesseract Vietnamese data not found at {vie}; install tesseract-ocr-vie")
        import tesserocr
        from paddleocr import TextDetection

        self._detector = TextDetection(
            model_name=settings.detection_model,
            model_dir=str(model_dir),
            engine="onnxruntime",
            limit_side_len=1600,
            limit_type="max",
        )
        self._tesseract = tesserocr.PyTessBaseAPI(
            path=str(settings.tessdata_dir) + os.sep, lang="vie", psm=tesserocr.PSM.SINGLE_LINE
        )
        self._lock = threading.Lock()

    def read(self, image: np.ndarray) -> list[OcrLine]:
        with self._lock:
            result = next(iter(self._detector.predict(image)))
            polygons = result["dt_polys"]
            scores = result["dt_scores"]
            gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
            lines: list[OcrLine] = []
            for polygon, det_score in zip(polygons, scores, strict=True):
                points = np.asarray(polygon, dtype=np.float32)
                crop = _line_crop(gray, points)
                if crop is None:
                    continue
                text, confidence = self._recognise(crop)
                if not text:
                    continue
                lines.append(
                    OcrLine(
                        text=text,
                        confidence=round(min(1.0, confidence * min(1.0, float(det_score) + 0.2)), 4),
                        box=BoundingBox.around([(float(x), float(y)) for x, y in points]),
                        polygon=[(float(x), float(y)) for x, y in points],
                    )
                )
            return reading_order(lines)

    def read_text(self, image: np.ndarray, charset: str | None = None) -> tuple[str, float]:
        gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
        binary = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)[1]
        padded = cv2.copyMakeBorder(
            binary, CROP_PADDING, CROP_PADDING, CROP_PADDING, CROP_PADDING, cv2.BORDER_CONSTANT, value=255
        )
        import tesserocr

        # Block mode: a crop may hold stray marks above or below the text (dotted leaders of the next row),
        # which single-line mode takes for part of the line and then reads nothing.
        with self._lock:
            self._tesseract.SetVariable("tessedit_char_whitelist", charset or "")
            self._tesseract.SetPageSegMode(tesserocr.PSM.SINGLE_BLOCK)
            try:
                return self._recognise(padded)
            finally:
                self._tesseract.SetVariable("tessedit_char_whitelist", "")
                self._tesseract.SetPageSegMode(tesserocr.PSM.SINGLE_LINE)

    def _recognise(self, crop: np.ndarray) -> tuple[str, float]:
        from PIL import Image

        self._tesseract.SetImage(Image.fromarray(crop))
        text = nfc(" ".join(self._tesseract.GetUTF8Text().split()))
        confidences = self._tesseract.AllWordConfidences()
        confidence = (sum(confidences) / len(confidences) / 100.0) if confidences else 0.0
        return text, confidence


def _line_crop(gray: np.ndarray, points: np.ndarray) -> np.ndarray | None:
    """Rectify a detected quadrilateral into a horizontal strip with a white margin."""
    top_left, top_right, bottom_right, bottom_left = _order_corners(points)
    width = max(np.linalg.norm(top_right - top_left), np.linalg.norm(bottom_right - bottom_left))
    height = max(np.linalg.norm(bottom_left - top_left), np.linalg.norm(bottom_right - top_right))
    if height < MIN_LINE_HEIGHT or width < MIN_LINE_HEIGHT:
        return None
    source = np.array([top_left, top_right, bottom_right, bottom_left], dtype=np.float32)
    destination = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(source, destination)
    strip = cv2.warpPerspective(
        gray, matrix, (round(width), round(height)), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE
    )
    return cv2.copyMakeBorder(
        strip, CROP_PADDING, CROP_PADDING, CROP_PADDING, CROP_PADDING, cv2.BORDER_CONSTANT, value=255
    )


def _order_corners(points: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Top-left, top-right, bottom-right, bottom-left of a roughly horizontal quadrilateral."""
    corners = cv2.boxPoints(cv2.minAreaRect(points)) if len(points) != 4 else points
    sums = corners.sum(axis=1)
    diffs = corners[:, 1] - corners[:, 0]
    return (
        corners[np.argmin(sums)],
        corners[np.argmin(diffs)],
        corners[np.argmax(sums)],
        corners[np.argmax(diffs)],
    )


@register_engine("paddle-tesseract")
def _build(settings: Settings) -> PaddleTesseractEngine:
    return PaddleTesseractEngine(settings)
