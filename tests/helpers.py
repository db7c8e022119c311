"""Small builders of test inputs, rendered on the fly."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from samples.generator.render import HAND_FONT

FONT_SERIF = Path("/usr/share/fonts/truetype/freefont/FreeSerif.ttf")
FONT_SERIF_BOLD = Path("/usr/share/fonts/truetype/freefont/FreeSerifBold.ttf")
FONT_SANS = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def text_page(lines: list[str], size: tuple[int, int] = (1240, 1754), font_px: int = 30) -> Image.Image:
    """A white page (A4 at 150 DPI by default) with the given lines of text."""
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONT_SERIF), font_px)
    y = 80
    for line in lines:
        draw.text((80, y), line, font=font, fill="black")
        y += int(font_px * 1.8)
    return image


def encode(image: Image.Image, fmt: str, **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **params)
    return buffer.getvalue()


def born_digital_pdf(lines: list[str | list[tuple[float, str]]]) -> bytes:
    """A one-page PDF with a text layer; a line given as [(x, text), …] is drawn as separate strings on one
    row, as forms draw a label and its value, or the cells of a table."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("TestSans", str(FONT_SANS)))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    pdf.setFont("TestSans", 12)
    y = A4[1] - 72
    for line in lines:
        for x, text in [(72.0, line)] if isinstance(line, str) else line:
            pdf.drawString(x, y, text)
        y -= 20
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def hand_line(text: str, font_px: int = 44, label: str = "") -> np.ndarray:
    """A greyscale crop: an optional printed label followed by a value in the handwriting face."""
    label_font = ImageFont.truetype("/usr/share/fonts/truetype/freefont/FreeSerif.ttf", font_px - 6)
    hand_font = ImageFont.truetype(str(HAND_FONT), font_px)
    width = int(label_font.getlength(label) + hand_font.getlength(text)) + 40
    image = Image.new("L", (width, int(font_px * 1.6)), 255)
    draw = ImageDraw.Draw(image)
    draw.text((10, 8), label, font=label_font, fill=0)
    draw.text((20 + label_font.getlength(label), 4), text, font=hand_font, fill=40)
    return np.asarray(image)
