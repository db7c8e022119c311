"""PaddleOCR text detection (PP-OCRv6, ONNX Runtime) with Tesseract's Vietnamese model reading each line.

No released PP-OCR recogniser covers Vietnamese diacritics (see shared/stack-notes.md), so PaddleOCR finds
the lines and Tesseract `vie` reads them, one line crop at a time. A line Tesseract is unsure of (typically
handwriting) is read again by AsterNet, and the surer reading is kept.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence

import cv2
import numpy as np

from intake.config import Settings
from intake.images import grayscale
from intake.model import BoundingBox, OcrLine, nfc

from .asternet import AsterNetRecognizer
from .base import OcrEngineError, Upright, reading_order, register_engine

# Never let PaddleX probe model hosts: models come from the local folder only.
os.environ.setdefault("PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK", "True")

CROP_PADDING = 6
MIN_LINE_HEIGHT = 6
ORIENTATION_SAMPLE_LINES = 6
MIN_SKEW_DEGREES = 0.4
MAX_SKEW_DEGREES = 10.0
# AsterNet's confidences run higher than Tesseract's for the same quality of reading; on printed lines
# Tesseract is the better reader, so AsterNet must be clearly surer to be kept.
SECOND_READ_MARGIN = 0.1


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
        self._second = (
            AsterNetRecognizer(settings.models_dir / settings.second_recognizer)
            if settings.second_recognizer
            else None
        )
        self._second_read_below = settings.second_read_below
        self._lock = threading.Lock()

    def read(self, image: np.ndarray) -> list[OcrLine]:
        with self._lock:
            return self._read(image, self._detect(image))

    def read_upright(self, image: np.ndarray) -> Upright:
        """Turn the page upright (90/180/270) and straighten a skew, then read it. A straight page is left
        exactly as it is: small angles below MIN_SKEW_DEGREES are not corrected."""
        with self._lock:
            detected = self._detect(image)
            rotation = 0
            if _mostly_vertical(detected[0]):
                image = cv2.rotate(image, cv2.ROTATE_90_CLOCKWISE)
                rotation = 90
                detected = self._detect(image)
            if self._upside_down(image, detected[0]):
                image = cv2.rotate(image, cv2.ROTATE_180)
                rotation = (rotation + 180) % 360
                detected = self._detect(image)
            skew = _skew_degrees(detected[0])
            if MIN_SKEW_DEGREES <= abs(skew) <= MAX_SKEW_DEGREES:
                image = _rotate_small(image, skew)
                detected = self._detect(image)
            else:
                skew = 0.0
            return Upright(
                image=image, rotation=rotation, skew=round(skew, 2), lines=self._read(image, detected)
            )

    def _detect(self, image: np.ndarray) -> tuple[list[np.ndarray], list[float]]:
        result = next(iter(self._detector.predict(image)))
        polygons = [np.asarray(polygon, dtype=np.float32) for polygon in result["dt_polys"]]
        return polygons, [float(score) for score in result["dt_scores"]]

    def _upside_down(self, image: np.ndarray, polygons: list[np.ndarray]) -> bool:
        """Read the longest lines both ways up; the page is upside down when rotated crops read better."""
        gray = grayscale(image)
        longest = sorted(polygons, key=lambda p: -cv2.minAreaRect(p)[1][0] * cv2.minAreaRect(p)[1][1])
        upright = flipped = 0.0
        for points in longest[:ORIENTATION_SAMPLE_LINES]:
            crop = _line_crop(gray, points)
            if crop is None:
                continue
            upright += self._recognise(crop)[1]
            flipped += self._recognise(cv2.rotate(crop, cv2.ROTATE_180))[1]
        return flipped > upright + 0.05 * ORIENTATION_SAMPLE_LINES

    def _read(self, image: np.ndarray, detected: tuple[list[np.ndarray], list[float]]) -> list[OcrLine]:
        gray = grayscale(image)
        lines: list[OcrLine] = []
        for points, det_score in zip(*detected, strict=True):
            crop = _line_crop(gray, points)
            if crop is None:
                continue
            text, confidence = self._recognise(crop)
            recognizer = "tesseract"
            if self._second is not None and confidence < self._second_read_below:
                second_text, second_confidence = self._second.read(crop)
                if second_text and second_confidence > confidence + SECOND_READ_MARGIN:
                    text, confidence, recognizer = second_text, second_confidence, self._second.name
            if not text:
                continue
            lines.append(
                OcrLine(
                    text=text,
                    confidence=round(min(1.0, confidence * min(1.0, det_score + 0.2)), 4),
                    box=BoundingBox.around([(float(x), float(y)) for x, y in points]),
                    polygon=[(float(x), float(y)) for x, y in points],
                    recognizer=recognizer,
                )
            )
        return reading_order(lines)

    def read_text(
        self, image: np.ndarray, charset: str | None = None, primary_only: bool = False
    ) -> tuple[str, float]:
        gray = grayscale(image)
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
                text, confidence = self._recognise(padded)
            finally:
                self._tesseract.SetVariable("tessedit_char_whitelist", "")
                self._tesseract.SetPageSegMode(tesserocr.PSM.SINGLE_LINE)
        if self._second is not None and not primary_only and confidence < self._second_read_below:
            second_text, second_confidence = self._second.read(gray, charset=charset)
            if second_text and second_confidence > confidence + SECOND_READ_MARGIN:
                return second_text, second_confidence
        return text, confidence

    def read_handwriting(self, image: np.ndarray, charset: str | None = None) -> tuple[str, float] | None:
        if self._second is None:
            return None
        gray = grayscale(image)
        return self._second.read(gray, charset=charset)

    def read_choice(self, image: np.ndarray, choices: Sequence[str]) -> tuple[str, float] | None:
        if self._second is None:
            return None
        gray = grayscale(image)
        scored = self._second.score_choices(gray, choices)
        if len(scored) < 2 or not np.isfinite(scored[0][1]):
            return None
        return scored[0][0], scored[0][1] - scored[1][1]

    def reading_shortfall(self, image: np.ndarray, text: str, charset: str) -> float | None:
        return None if self._second is None else self._second.shortfall(grayscale(image), text, charset)

    def reading_shortfall_within(self, image: np.ndarray, text: str) -> float | None:
        return None if self._second is None else self._second.shortfall_within(grayscale(image), text)

    def reading_shortfalls_within(
        self, image: np.ndarray, texts: Sequence[str], whole_words: bool = False
    ) -> list[float | None] | None:
        if self._second is None:
            return None
        return self._second.shortfalls_within(grayscale(image), texts, whole_words)

    def read_in_formats(
        self, image: np.ndarray, forms: Sequence[Sequence[str]]
    ) -> list[tuple[str, float] | None] | None:
        return None if self._second is None else self._second.best_in_formats(grayscale(image), forms)

    def _recognise(self, crop: np.ndarray) -> tuple[str, float]:
        from PIL import Image

        self._tesseract.SetImage(Image.fromarray(crop))
        text = nfc(" ".join(self._tesseract.GetUTF8Text().split()))
        confidences = self._tesseract.AllWordConfidences()
        confidence = (sum(confidences) / len(confidences) / 100.0) if confidences else 0.0
        return text, confidence


def _long_rects(polygons: list[np.ndarray]) -> list[tuple[tuple[float, float], tuple[float, float], float]]:
    rects = [cv2.minAreaRect(p) for p in polygons]
    return [r for r in rects if max(r[1]) > 3 * max(1.0, min(r[1]))]


def _mostly_vertical(polygons: list[np.ndarray]) -> bool:
    """Text lines run top to bottom: the page lies on its side."""
    boxes = [cv2.boundingRect(p) for p in polygons]
    long_boxes = [(w, h) for _, _, w, h in boxes if max(w, h) > 3 * max(1, min(w, h))]
    return bool(long_boxes) and sum(h > w for w, h in long_boxes) > len(long_boxes) / 2


def _skew_degrees(polygons: list[np.ndarray]) -> float:
    """Median angle of the long text lines in degrees, as `_rotate_small` takes it to straighten them."""
    angles = []
    for (_, _), (w, h), angle in _long_rects(polygons):
        if w < h:
            angle -= 90
        angles.append(((angle + 45) % 90) - 45)
    return float(np.median(angles)) if len(angles) >= 3 else 0.0


def _rotate_small(image: np.ndarray, degrees: float) -> np.ndarray:
    height, width = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), degrees, 1.0)
    return cv2.warpAffine(image, matrix, (width, height), flags=cv2.INTER_CUBIC, borderValue=(255, 255, 255))


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
