"""PDF output (reportlab): born-digital pages with vector text in embedded TTF, and scanned JPEG pages."""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from .render import (
    DPI,
    FONT_FILES,
    PAGE_H,
    PAGE_W,
    WHITE,
    Color,
    DotsOp,
    InkOp,
    LineOp,
    Page,
    RectOp,
    SealOp,
    TextOp,
    font,
)

PT = 72.0 / DPI


@lru_cache(maxsize=1)
def _register_fonts() -> None:
    for key, path in FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(f"cutru-{key}", str(path)))


def _rgb(color: Color) -> tuple[float, float, float]:
    return color[0] / 255.0, color[1] / 255.0, color[2] / 255.0


def _y(y: float) -> float:
    return (PAGE_H - y) * PT


def _canvas(path: Path, title: str) -> Canvas:
    c = Canvas(str(path), pagesize=(PAGE_W * PT, PAGE_H * PT), invariant=1, pageCompression=1)
    c.setTitle(title)
    c.setCreator("cutru-intake samples.generator")
    c.setProducer("cutru-intake samples.generator")
    return c


def _draw_seal(c: Canvas, op: SealOp) -> None:
    r = op.radius * PT
    inner = r * 0.72
    text_r = (r + inner) / 2
    glyph = op.glyph * PT
    c.saveState()
    c.setFillColor(_rgb(op.color), alpha=0.85)
    c.setStrokeColor(_rgb(op.color), alpha=0.85)
    c.translate(op.cx * PT, _y(op.cy))
    c.rotate(op.angle)
    c.setLineWidth(9 * PT)
    c.circle(0, 0, r, stroke=1, fill=0)
    c.setLineWidth(4 * PT)
    c.circle(0, 0, inner, stroke=1, fill=0)
    c.setFont("cutru-label_bold", glyph)
    pil_font = font("label_bold", op.glyph)

    def place(text: str, centre_deg: float, outward: bool) -> None:
        widths = [pil_font.getlength(ch) * 1.08 * PT for ch in text]
        total = sum(widths) / text_r
        start = math.radians(centre_deg) + (total / 2 if outward else -total / 2)
        acc = 0.0
        for ch, wd in zip(text, widths, strict=True):
            mid = acc + wd / 2
            theta = start - mid / text_r if outward else start + mid / text_r
            acc += wd
            c.saveState()
            if outward:
                c.rotate(math.degrees(theta) - 90)
                c.drawCentredString(0, text_r - glyph * 0.35, ch)
            else:
                c.rotate(math.degrees(theta) + 90)
                c.drawCentredString(0, -text_r - glyph * 0.35, ch)
            c.restoreState()

    place(op.top, 90, outward=True)
    if op.bottom:
        place(op.bottom, -90, outward=False)
    star_r = r * 0.16
    cy_star = r * 0.22 if op.center else 0.0
    path = c.beginPath()
    for k in range(10):
        rad = star_r if k % 2 == 0 else star_r * 0.4
        a = math.pi / 2 + k * math.pi / 5
        if k == 0:
            path.moveTo(rad * math.cos(a), cy_star + rad * math.sin(a))
        else:
            path.lineTo(rad * math.cos(a), cy_star + rad * math.sin(a))
    path.close()
    c.drawPath(path, stroke=0, fill=1)
    csize = op.radius * 0.15 * PT
    c.setFont("cutru-label_bold", csize)
    for i, line in enumerate(op.center):
        c.drawCentredString(0, -r * 0.12 - i * csize * 1.25 - csize * 0.35, line)
    c.restoreState()


def _draw_page(c: Canvas, page: Page) -> None:
    if page.background != WHITE:
        c.setFillColor(_rgb(page.background))
        c.rect(0, 0, PAGE_W * PT, PAGE_H * PT, stroke=0, fill=1)
    c.setLineCap(1)
    c.setLineJoin(1)
    for op in page.ops:
        if isinstance(op, TextOp):
            c.setFillColor(_rgb(op.color))
            c.setFont(f"cutru-{op.style}", op.size * PT)
            c.drawString(op.x * PT, _y(op.y), op.text, charSpace=op.tracking * PT)
        elif isinstance(op, LineOp):
            c.setStrokeColor(_rgb(op.color))
            c.setLineWidth(op.width * PT)
            c.line(op.x1 * PT, _y(op.y1), op.x2 * PT, _y(op.y2))
        elif isinstance(op, RectOp):
            c.setStrokeColor(_rgb(op.color))
            c.setLineWidth(op.width * PT)
            if op.fill is not None:
                c.setFillColor(_rgb(op.fill))
            c.rect(op.x * PT, _y(op.y + op.h), op.w * PT, op.h * PT, stroke=1, fill=int(op.fill is not None))
        elif isinstance(op, DotsOp):
            c.setStrokeColor(_rgb(op.color))
            c.setLineWidth(2 * op.radius * PT)
            c.setDash([0.01, op.spacing * PT])
            c.line(op.x1 * PT, _y(op.y), op.x2 * PT, _y(op.y))
            c.setDash([])
        elif isinstance(op, InkOp):
            c.setStrokeColor(_rgb(op.color))
            c.setLineWidth(op.width * PT)
            path = c.beginPath()
            x0, y0 = op.points[0]
            path.moveTo(x0 * PT, _y(y0))
            for x, y in op.points[1:]:
                path.lineTo(x * PT, _y(y))
            c.drawPath(path, stroke=1, fill=0)
        elif isinstance(op, SealOp):
            _draw_seal(c, op)


def write_vector_pdf(pages: Sequence[Page], path: Path, title: str = "") -> None:
    """Born-digital PDF: real text in embedded TrueType subsets, extractable with correct diacritics."""
    _register_fonts()
    c = _canvas(path, title)
    for page in pages:
        _draw_page(c, page)
        c.showPage()
    c.save()


def write_image_pdf(pages: Sequence[tuple[bytes, int, int, int]], path: Path, title: str = "") -> None:
    """Scanned PDF: each (jpeg_bytes, width_px, height_px, dpi) fills one page; the JPEG is embedded as is."""
    c = _canvas(path, title)
    for data, w, h, dpi in pages:
        pw, ph = w * 72.0 / dpi, h * 72.0 / dpi
        c.setPageSize((pw, ph))
        c.drawImage(ImageReader(BytesIO(data)), 0, 0, width=pw, height=ph)
        c.showPage()
    c.save()
