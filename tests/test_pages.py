from __future__ import annotations

import io

import numpy as np
import pytest
from helpers import FONT_SANS, born_digital_pdf, encode, text_page
from PIL import Image
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from extractors.pages import LoadOptions, PageImage, PageLoadError, load_pages, sniff_media_type

LINES = ["TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ", "1. Họ, chữ đệm và tên: Nguyễn Thị Hường"]


def pages_of(data: bytes, options: LoadOptions | None = None) -> list[PageImage]:
    results = list(load_pages(data, options))
    assert all(isinstance(item, PageImage) for item in results), results
    return [item for item in results if isinstance(item, PageImage)]


def test_png_keeps_declared_dpi_and_becomes_bgr() -> None:
    [page] = pages_of(encode(text_page(LINES).convert("L"), "PNG", dpi=(150, 150)))
    assert page.kind == "raster"
    assert page.image.shape == (1754, 1240, 3)
    assert page.image.dtype == np.uint8
    assert page.dpi == pytest.approx(150, abs=0.5)
    assert not page.dpi_estimated


def test_dpi_is_estimated_from_a4_when_missing() -> None:
    [page] = pages_of(encode(text_page(LINES), "JPEG"))
    assert page.dpi_estimated
    assert page.dpi == pytest.approx(150, rel=0.02)


def test_exif_orientation_is_applied() -> None:
    image = text_page(LINES)
    rotated = image.rotate(90, expand=True)  # stored sideways, EXIF says "rotate 90° CW to view"
    exif = Image.Exif()
    exif[0x0112] = 6
    [page] = pages_of(encode(rotated, "JPEG", exif=exif.tobytes()))
    assert page.image.shape[:2] == (1754, 1240)
    assert page.rotation_applied == 90


def test_multipage_tiff_yields_every_frame() -> None:
    frames = [text_page([f"Trang {n}"]) for n in range(3)]
    data = encode(frames[0], "TIFF", save_all=True, append_images=frames[1:], dpi=(150, 150))
    pages = pages_of(data)
    assert [p.file_page for p in pages] == [1, 2, 3]


def test_scanned_pdf_uses_the_embedded_image() -> None:
    data = encode(text_page(LINES), "PDF", resolution=150)
    [page] = pages_of(data)
    assert page.kind == "scanned_pdf"
    assert page.dpi == pytest.approx(150, rel=0.02)
    assert page.text_lines is None


def test_born_digital_pdf_keeps_its_text_layer_in_nfc() -> None:
    lines = [
        *LINES,
        "Nội dung đề nghị: Đăng ký thường trú vào hộ gia đình",
        "Số định danh cá nhân: 001187012345",
    ]
    [page] = pages_of(born_digital_pdf(lines), LoadOptions(raster_dpi=150))
    assert page.kind == "born_digital_pdf"
    texts = [line.text for line in page.text_lines or []]
    assert texts == lines
    height, width = page.image.shape[:2]
    for line in page.text_lines or []:
        assert 0 <= line.box.x0 < line.box.x1 <= width
        assert 0 <= line.box.y0 < line.box.y1 <= height
    first = page.text_lines[0].box if page.text_lines else None
    assert first is not None and first.y0 == pytest.approx((72 - 12) * 150 / 72, abs=12)


def test_a_label_takes_its_value_but_table_cells_stay_apart() -> None:
    label = "1. Họ, chữ đệm và tên khai sinh:"
    pdfmetrics.registerFont(TTFont("TestSans", str(FONT_SANS)))  # the font born_digital_pdf draws with
    value_at = 72 + pdfmetrics.stringWidth(label, "TestSans", 12) + 15
    cells = [(72.0, "1"), (92.0, "Nguyễn Kim Dung"), (210.0, "05/11/1989"), (285.0, "Nữ")]
    [page] = pages_of(born_digital_pdf([[(72.0, label), (value_at, "Trần Văn An")], cells]))
    texts = [line.text for line in page.text_lines or []]
    assert texts == [f"{label} Trần Văn An", "1", "Nguyễn Kim Dung", "05/11/1989", "Nữ"]


def test_very_high_resolution_is_brought_down() -> None:
    [page] = pages_of(
        encode(text_page(LINES, size=(4960, 7016)), "PNG", dpi=(600, 600)), LoadOptions(max_dpi=300)
    )
    assert page.dpi == 300
    assert page.image.shape[:2] == (3508, 2480)


def test_transparent_and_16bit_images_are_flattened() -> None:
    rgba = Image.new("RGBA", (600, 800), (0, 0, 0, 0))
    [page] = pages_of(encode(rgba, "PNG"))
    assert int(page.image.min()) == 255
    deep = Image.fromarray(np.full((800, 600), 40000, dtype=np.uint16))
    [page] = pages_of(encode(deep, "PNG"))
    assert page.image.shape == (800, 600, 3)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"hello, not a document", "unsupported_format"),
        (b"%PDF-1.4 broken", "corrupt_pdf"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "corrupt_image"),
    ],
)
def test_bad_files_raise_a_coded_error(data: bytes, code: str) -> None:
    with pytest.raises(PageLoadError) as raised:
        list(load_pages(data))
    assert raised.value.code == code


def test_truncated_jpeg_is_reported_not_crashed() -> None:
    data = encode(text_page(LINES), "JPEG")
    with pytest.raises(PageLoadError) as raised:
        list(load_pages(data[: len(data) // 3]))
    assert raised.value.code == "corrupt_image"


def test_sniffing_ignores_extensions() -> None:
    buffer = io.BytesIO()
    text_page(LINES).save(buffer, format="PNG")
    assert sniff_media_type(buffer.getvalue()) == "image/png"
    assert sniff_media_type(b"%PDF-1.7\n") == "application/pdf"
    assert sniff_media_type(b"PK\x03\x04") is None


def test_a_value_drawn_right_after_its_label_is_read_once() -> None:
    # The generator draws "Ông: " and then the name in bold as two strings whose boxes overlap by 0.1 pt:
    # pdfium's rectangle of the first touched the name's first letter, which was read into the label's
    # text too ("Ông: T" beside "TRẦN MINH PHONG", seed 8923 hs_0023), so the label's value was "T".
    label = "Ông: "
    pdfmetrics.registerFont(TTFont("TestSans", str(FONT_SANS)))
    value_at = 72 + pdfmetrics.stringWidth(label, "TestSans", 12) - 0.1  # the runs' boxes overlap
    [page] = pages_of(born_digital_pdf([*LINES, [(72.0, label), (value_at, "TRẦN MINH PHONG")]]))
    assert [line.text for line in page.text_lines or []] == [*LINES, "Ông: TRẦN MINH PHONG"]
