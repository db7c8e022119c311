"""OCR engines behind one interface; importing this package registers the bundled engines."""

from . import paddle_tesseract as paddle_tesseract
from .base import OcrEngine, OcrEngineError, available_engines, create_engine, reading_order, shared_engine

__all__ = [
    "OcrEngine",
    "OcrEngineError",
    "available_engines",
    "create_engine",
    "reading_order",
    "shared_engine",
]
