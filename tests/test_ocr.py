from __future__ import annotations

import dataclasses
from pathlib import Path

import cv2
import numpy as np
import pytest
from helpers import text_page
from rapidfuzz.distance import Levenshtein

from extractors.ocr import OcrEngineError, available_engines, create_engine, shared_engine
from extractors.ocr.stage import read_page
from intake.config import Settings
from intake.model import Page

LINES = [
    "TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ",
    "1. Họ, chữ đệm và tên: Nguyễn Thị Hường",
    "2. Ngày, tháng, năm sinh: 12/04/1987",
    "4. Số định danh cá nhân: 001187012345",
    "Địa chỉ: Số 12 ngõ 34 phố Tây Sơn, phường Quang Trung, quận Đống Đa",
]


def to_bgr(lines: list[str], font_px: int = 50) -> np.ndarray:
    page = text_page(lines, size=(2480, 1200), font_px=font_px)
    return cv2.cvtColor(np.asarray(page), cv2.COLOR_RGB2BGR)


def test_reads_vietnamese_lines_with_boxes_and_confidence(settings: Settings) -> None:
    engine = shared_engine(settings)
    image = to_bgr(LINES)
    lines = engine.read(image)
    assert [line.text for line in lines] == LINES
    reference = "\n".join(LINES)
    cer = Levenshtein.distance("\n".join(line.text for line in lines), reference) / len(reference)
    assert cer == 0.0
    tops = [line.box.y0 for line in lines]
    assert tops == sorted(tops)
    for line in lines:
        assert 0.8 <= line.confidence <= 1.0
        assert 0 <= line.box.x0 < line.box.x1 <= image.shape[1]
        assert 0 <= line.box.y0 < line.box.y1 <= image.shape[0]


def test_blank_page_gives_no_lines(settings: Settings) -> None:
    assert shared_engine(settings).read(np.full((1200, 900, 3), 255, dtype=np.uint8)) == []


def test_missing_model_folder_is_a_clear_error(settings: Settings, tmp_path: Path) -> None:
    broken = dataclasses.replace(settings, models_dir=tmp_path)
    with pytest.raises(OcrEngineError, match="intake models install"):
        create_engine(broken)


def test_unknown_engine_name_lists_the_known_ones(settings: Settings) -> None:
    with pytest.raises(OcrEngineError, match="paddle-tesseract"):
        create_engine(dataclasses.replace(settings, ocr_engine="nonexistent"))
    assert "paddle-tesseract" in available_engines()


def test_ocr_stage_records_engine_failure_on_the_page(settings: Settings, tmp_path: Path) -> None:
    page = Page(index=0, file="a.jpg", file_page=1, kind="raster", width=900, height=1200)
    read_page(page, to_bgr(LINES), dataclasses.replace(settings, models_dir=tmp_path))
    assert page.lines == []
    assert [error.code for error in page.errors] == ["ocr_engine_unavailable"]
    assert page.needs_review
