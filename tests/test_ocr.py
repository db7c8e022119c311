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


@pytest.mark.parametrize(
    ("turn", "expected"),
    [(None, 0), (cv2.ROTATE_90_CLOCKWISE, 270), (cv2.ROTATE_180, 180), (cv2.ROTATE_90_COUNTERCLOCKWISE, 90)],
)
def test_pages_are_turned_upright(settings: Settings, turn: int | None, expected: int) -> None:
    upright_page = cv2.cvtColor(
        np.asarray(text_page(LINES * 3, size=(1240, 1754), font_px=26)), cv2.COLOR_RGB2BGR
    )
    image = upright_page if turn is None else cv2.rotate(upright_page, turn)
    result = shared_engine(settings).read_upright(image)
    assert result.rotation == expected
    assert result.image.shape == upright_page.shape
    assert result.lines[0].text == LINES[0]


@pytest.mark.parametrize("degrees", [1.5, -2.5])
def test_skew_is_straightened_and_straight_pages_are_left_alone(settings: Settings, degrees: float) -> None:
    from extractors.ocr.paddle_tesseract import _rotate_small

    straight = cv2.cvtColor(
        np.asarray(text_page(LINES * 3, size=(1240, 1754), font_px=26)), cv2.COLOR_RGB2BGR
    )
    engine = shared_engine(settings)
    untouched = engine.read_upright(straight)
    assert untouched.skew == 0.0 and untouched.image is straight
    tilted = engine.read_upright(_rotate_small(straight, degrees))
    assert tilted.skew == pytest.approx(-degrees, abs=0.4)
    # Resampling may split a long digit run into two words; the characters themselves must all be right.
    assert ["".join(line.text.split()) for line in tilted.lines[: len(LINES)]] == [
        "".join(x.split()) for x in LINES
    ]


def test_ocr_stage_records_engine_failure_on_the_page(settings: Settings, tmp_path: Path) -> None:
    page = Page(index=0, file="a.jpg", file_page=1, kind="raster", width=900, height=1200)
    image = to_bgr(LINES)
    assert read_page(page, image, dataclasses.replace(settings, models_dir=tmp_path)) is image
    assert page.lines == []
    assert [error.code for error in page.errors] == ["ocr_engine_unavailable"]
    assert page.needs_review
