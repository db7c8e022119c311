"""A4 page canvas at 300 DPI, kept as a display list so it can be rasterised (PIL) or drawn as vector PDF."""

from __future__ import annotations

import math
import random
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

DPI = 300
PAGE_W = 2480
PAGE_H = 3508

FONT_DIR_FREE = Path("/usr/share/fonts/truetype/freefont")
FONT_DIR_DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES: dict[str, Path] = {
    "label": FONT_DIR_FREE / "FreeSerif.ttf",
    "label_bold": FONT_DIR_FREE / "FreeSerifBold.ttf",
    "label_italic": FONT_DIR_FREE / "FreeSerifItalic.ttf",
    "label_bold_italic": FONT_DIR_FREE / "FreeSerifBoldItalic.ttf",
    "value": FONT_DIR_DEJAVU / "DejaVuSans.ttf",
    "value_bold": FONT_DIR_DEJAVU / "DejaVuSans-Bold.ttf",
}


def _handwriting_font() -> tuple[Path, str]:
    """Dancing Script (OFL, PyPI `fontpkg-dancing-script`) covers all 134 Vietnamese letter forms; without
    it, filled values fall back to an italic face. Returns the file and which face it is."""
    try:
        from importlib.resources import files

        path = Path(str(files("fontpkg_dancing_script") / "files" / "DancingScript[wght].ttf"))
        if path.is_file():
            return path, "handwriting"
    except ModuleNotFoundError:
        pass
    return FONT_DIR_FREE / "FreeSerifItalic.ttf", "italic"


# Raster-only faces (never embedded in a born-digital PDF).
HAND_FONT, HAND_FACE = _handwriting_font()
RASTER_FONT_FILES: dict[str, Path] = {"hand": HAND_FONT}

Color = tuple[int, int, int]
BLACK: Color = (0, 0, 0)
WHITE: Color = (255, 255, 255)
INK_BLUE: Color = (28, 45, 150)
SEAL_RED: Color = (205, 30, 40)
TITLE_RED: Color = (190, 30, 45)

BODY = 50
HAND_BUMP = 8  # the handwriting face is smaller at the same nominal size
SMALL = 42
TITLE = 60


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@lru_cache(maxsize=256)
def font(style: str, size: int) -> ImageFont.FreeTypeFont:
    # BASIC layout keeps the raster identical whether or not libraqm is installed.
    path = FONT_FILES.get(style) or RASTER_FONT_FILES[style]
    return ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.BASIC)


def measure(text: str, style: str, size: int) -> float:
    return float(font(style, size).getlength(nfc(text)))


@dataclass(frozen=True)
class TextOp:
    x: float
    y: float
    text: str
    style: str
    size: int
    color: Color
    tracking: float = 0.0


@dataclass(frozen=True)
class LineOp:
    x1: float
    y1: float
    x2: float
    y2: float
    width: float
    color: Color


@dataclass(frozen=True)
class RectOp:
    x: float
    y: float
    w: float
    h: float
    width: float
    color: Color
    fill: Color | None = None


@dataclass(frozen=True)
class DotsOp:
    x1: float
    x2: float
    y: float
    color: Color
    spacing: float = 13.0
    radius: float = 2.2


@dataclass(frozen=True)
class InkOp:
    points: tuple[tuple[float, float], ...]
    width: float
    color: Color


@dataclass(frozen=True)
class SealOp:
    cx: float
    cy: float
    radius: float
    top: str
    bottom: str
    center: tuple[str, ...]
    color: Color
    angle: float
    seed: int
    glyph: int


Op = TextOp | LineOp | RectOp | DotsOp | InkOp | SealOp


@dataclass
class Page:
    background: Color = WHITE
    left: float = 236.0
    right: float = PAGE_W - 190.0
    ops: list[Op] = field(default_factory=list)
    value_style: str = "value"
    """Face of filled-in values: "value" (typed sans) or "hand" (handwriting-style)."""

    # --- primitives -------------------------------------------------------------------------------------

    def text(
        self, x: float, y: float, text: str, style: str = "label", size: int = BODY, color: Color = BLACK
    ) -> float:
        """Draw text with its baseline at y; return the x where it ends."""
        text = nfc(text)
        if text:
            self.ops.append(TextOp(x, y, text, style, size, color))
        return x + measure(text, style, size)

    def line(
        self, x1: float, y1: float, x2: float, y2: float, width: float = 3, color: Color = BLACK
    ) -> None:
        self.ops.append(LineOp(x1, y1, x2, y2, width, color))

    def rect(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        width: float = 3,
        color: Color = BLACK,
        fill: Color | None = None,
    ) -> None:
        self.ops.append(RectOp(x, y, w, h, width, color, fill))

    def dots(self, x1: float, x2: float, y: float, color: Color = BLACK) -> None:
        if x2 - x1 > 20:
            self.ops.append(DotsOp(x1 + 6, x2, y, color))

    # --- text layout ------------------------------------------------------------------------------------

    def center(
        self,
        y: float,
        text: str,
        style: str = "label",
        size: int = BODY,
        color: Color = BLACK,
        x0: float | None = None,
        x1: float | None = None,
    ) -> None:
        a = self.left if x0 is None else x0
        b = self.right if x1 is None else x1
        self.text((a + b) / 2 - measure(text, style, size) / 2, y, text, style, size, color)

    def right_text(
        self,
        x_right: float,
        y: float,
        text: str,
        style: str = "label",
        size: int = BODY,
        color: Color = BLACK,
    ) -> None:
        self.text(x_right - measure(text, style, size), y, text, style, size, color)

    @staticmethod
    def wrap(text: str, style: str, size: int, width: float, first_width: float | None = None) -> list[str]:
        words = nfc(text).split()
        lines: list[str] = []
        current = ""
        limit = width if first_width is None else first_width
        for word in words:
            candidate = f"{current} {word}" if current else word
            if measure(candidate, style, size) <= limit or not current:
                current = candidate
            else:
                lines.append(current)
                current = word
                limit = width
        if current or not lines:
            lines.append(current)
        return lines

    def paragraph(
        self,
        y: float,
        text: str,
        style: str = "label",
        size: int = BODY,
        line_height: float | None = None,
        x0: float | None = None,
        x1: float | None = None,
        indent: float = 0,
        align: str = "left",
        color: Color = BLACK,
    ) -> float:
        """Wrap text between x0 and x1 starting at baseline y; return the baseline of the next line."""
        a = self.left if x0 is None else x0
        b = self.right if x1 is None else x1
        step = line_height or size * 1.45
        for i, line in enumerate(self.wrap(text, style, size, b - a, first_width=b - a - indent)):
            if align == "center":
                self.center(y, line, style, size, color, a, b)
            else:
                self.text(a + (indent if i == 0 else 0), y, line, style, size, color)
            y += step
        return y

    def runs(self, x: float, y: float, parts: Sequence[tuple[str, str]], size: int = BODY) -> float:
        """Draw (style, text) runs one after another on a line; return the end x."""
        for style, text in parts:
            x = self.text(x, y, text, style, size)
        return x

    def field(
        self,
        y: float,
        label: str,
        value: str,
        x0: float | None = None,
        x1: float | None = None,
        size: int = BODY,
        line_height: float | None = None,
        label_style: str = "label",
        value_style: str | None = None,
        value_size: int | None = None,
        dots: bool = True,
    ) -> float:
        """A printed label followed by a filled value and a dotted leader; the value wraps onto new lines."""
        value_style = value_style or self.value_style
        a = self.left if x0 is None else x0
        b = self.right if x1 is None else x1
        vsize = value_size or size - 4
        vcolor = BLACK
        if value_style == "hand":
            vsize, vcolor = vsize + HAND_BUMP, INK_BLUE
        step = line_height or size * 1.55
        x = self.text(a, y, label, label_style, size) + 14
        value = nfc(value).strip()
        if not value:
            if dots:
                self.dots(x, b, y)
            return y + step
        lines = self.wrap(value, value_style, vsize, b - a, first_width=b - x)
        if measure(lines[0], value_style, vsize) > b - x:
            if dots:
                self.dots(x, b, y)
            y += step
            x = a
            lines = self.wrap(value, value_style, vsize, b - a)
        for i, line in enumerate(lines):
            start = x if i == 0 else a
            end = self.text(start, y, line, value_style, vsize, vcolor)
            if dots:
                self.dots(end, b, y)
            y += step
        return y

    def digit_boxes(
        self,
        x: float,
        y: float,
        digits: str,
        count: int = 12,
        box_w: float = 58,
        box_h: float = 70,
        size: int = BODY - 4,
    ) -> float:
        """Boxes sitting on baseline y, one digit centred in each; return the end x."""
        top = y - box_h + 14
        for i in range(count):
            self.rect(x + i * box_w, top, box_w, box_h, width=3)
        digits = digits[:count]
        if digits:
            # One tracked run, so a PDF text layer yields the ID as one string rather than 12 fragments.
            if self.value_style == "hand":
                # A person writes each digit in its own box; handwritten digits differ in width.
                for i, digit in enumerate(digits):
                    left = x + i * box_w + (box_w - measure(digit, "hand", size + HAND_BUMP)) / 2
                    self.ops.append(TextOp(left, y, digit, "hand", size + HAND_BUMP, INK_BLUE))
                return x + count * box_w
            advance = measure("0", "value", size)
            left = x + (box_w - advance) / 2
            self.ops.append(TextOp(left, y, digits, "value", size, BLACK, box_w - advance))
        return x + count * box_w

    def table(
        self,
        x: float,
        y: float,
        widths: Sequence[float],
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        header_size: int = SMALL,
        body_size: int = SMALL - 2,
        row_h: float = 78,
    ) -> float:
        """Ruled table whose top edge is at y; header cells wrap; return the y of the bottom edge."""
        pad = 10
        wrapped = [
            self.wrap(h, "label_bold", header_size, w - 2 * pad) for h, w in zip(header, widths, strict=True)
        ]
        line_step = header_size * 1.2
        head_h = max(len(c) for c in wrapped) * line_step + 2 * pad + 8
        total_w = sum(widths)
        edges = [x]
        for w in widths:
            edges.append(edges[-1] + w)
        bottom = y + head_h + row_h * len(rows)
        self.line(x, y, x + total_w, y)
        self.line(x, y + head_h, x + total_w, y + head_h)
        for r in range(1, len(rows) + 1):
            self.line(x, y + head_h + r * row_h, x + total_w, y + head_h + r * row_h)
        for e in edges:
            self.line(e, y, e, bottom)
        for cell, a, b in zip(wrapped, edges, edges[1:], strict=False):
            block = len(cell) * line_step
            base = y + (head_h - block) / 2 + header_size * 0.95
            for i, text in enumerate(cell):
                self.center(base + i * line_step, text, "label_bold", header_size, x0=a, x1=b)
        for r, row in enumerate(rows):
            base = y + head_h + r * row_h + row_h / 2 + body_size * 0.36
            for c, (text, a, b) in enumerate(zip(row, edges, edges[1:], strict=False)):
                if not text:
                    continue
                style = "label" if c == 0 else self.value_style
                size = body_size + (HAND_BUMP if style == "hand" else 0)
                color = INK_BLUE if style == "hand" else BLACK
                while measure(text, style, size) > b - a - 2 * pad and size > 24:
                    size -= 2
                if c == 0:
                    self.center(base, text, style, size, x0=a, x1=b)
                else:
                    self.text(a + pad, base, text, style, size, color)
        return bottom

    # --- ink and seals ----------------------------------------------------------------------------------

    def signature(
        self, cx: float, cy: float, rng: random.Random, width: float = 330, height: float = 120
    ) -> None:
        for stroke in signature_strokes(rng, cx - width / 2, cy - height / 2, width, height):
            self.ops.append(InkOp(stroke, rng.uniform(4.0, 5.5), INK_BLUE))

    def seal(
        self,
        cx: float,
        cy: float,
        top: str,
        bottom: str,
        rng: random.Random,
        center: Sequence[str] = (),
        radius: float = 205,
        color: Color = SEAL_RED,
    ) -> None:
        text_r = radius * 0.86
        glyph = int(radius * 0.16)
        while glyph > 14 and (
            measure(top, "label_bold", glyph) * 1.08 > 3.7 * text_r
            or measure(bottom, "label_bold", glyph) * 1.08 > 2.0 * text_r
        ):
            glyph -= 1
        self.ops.append(
            SealOp(
                cx,
                cy,
                radius,
                nfc(top),
                nfc(bottom),
                tuple(nfc(c) for c in center),
                color,
                rng.uniform(-25, 25),
                rng.randint(0, 2**31 - 1),
                glyph,
            )
        )

    def plain_text(self) -> str:
        return "\n".join(op.text for op in self.ops if isinstance(op, TextOp))


def signature_strokes(
    rng: random.Random, x: float, y: float, w: float, h: float
) -> list[tuple[tuple[float, float], ...]]:
    """A cursive-looking scribble: a looping main stroke plus an underline flourish."""
    n = 260
    loops = rng.randint(3, 6)
    amp_x = w / loops * rng.uniform(0.22, 0.45)
    knots = [rng.uniform(0.35, 1.0) for _ in range(loops + 2)]
    phase = rng.uniform(0, math.pi)
    slant = rng.uniform(0.15, 0.45)
    main: list[tuple[float, float]] = []
    for i in range(n):
        t = i / (n - 1)
        k = t * (loops + 1)
        j = min(int(k), loops)
        env = knots[j] + (knots[j + 1] - knots[j]) * (k - j)
        ang = 2 * math.pi * loops * t + phase
        dy = -math.cos(ang) * h * 0.42 * env
        px = x + w * 0.85 * t + amp_x * math.sin(ang) + slant * (-dy)
        py = y + h * 0.55 + dy + h * 0.15 * math.sin(math.pi * t)
        main.append((px, py))
    flourish: list[tuple[float, float]] = []
    fy = y + h * rng.uniform(0.85, 1.0)
    bend = rng.uniform(-0.25, 0.25) * h
    for i in range(40):
        t = i / 39
        flourish.append((x + w * (0.05 + 0.95 * t), fy + bend * math.sin(math.pi * t) - h * 0.25 * t))
    return [tuple(main), tuple(flourish)]


# --- raster backend ------------------------------------------------------------------------------------


def _draw_seal_layer(op: SealOp) -> tuple[Image.Image, tuple[int, int]]:
    """Render a seal as an alpha mask (ink coverage) with its top-left position on the page."""
    r = op.radius
    size = int(2 * r + 60)
    mask = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(mask)
    c = size / 2
    draw.ellipse((c - r, c - r, c + r, c + r), outline=255, width=9)
    inner = r * 0.72
    draw.ellipse((c - inner, c - inner, c + inner, c + inner), outline=255, width=4)
    glyph_size = op.glyph
    text_r = (r + inner) / 2
    fnt = font("label_bold", glyph_size)

    def place(text: str, centre_deg: float, outward: bool) -> None:
        widths = [fnt.getlength(ch) * 1.08 for ch in text]
        total = sum(widths) / text_r
        start = math.radians(centre_deg) - (total / 2 if outward else -total / 2)
        acc = 0.0
        for ch, wd in zip(text, widths, strict=True):
            mid = acc + wd / 2
            theta = start + (mid / text_r if outward else -mid / text_r)
            acc += wd
            if ch == " ":
                continue
            tile = Image.new("L", (glyph_size * 2, glyph_size * 2), 0)
            ImageDraw.Draw(tile).text((glyph_size, glyph_size), ch, font=fnt, fill=255, anchor="mm")
            rot = -math.degrees(theta) - 90 if outward else -math.degrees(theta) + 90
            tile = tile.rotate(rot, resample=Image.Resampling.BICUBIC)
            px = c + text_r * math.cos(theta) - glyph_size
            py = c + text_r * math.sin(theta) - glyph_size
            mask.paste(255, (int(px), int(py)), tile)

    place(op.top, -90, outward=True)
    if op.bottom:
        place(op.bottom, 90, outward=False)
    star_r = r * 0.16
    cy_star = c - (r * 0.22 if op.center else 0)
    pts = []
    for k in range(10):
        rad = star_r if k % 2 == 0 else star_r * 0.4
        a = -math.pi / 2 + k * math.pi / 5
        pts.append((c + rad * math.cos(a), cy_star + rad * math.sin(a)))
    draw.polygon(pts, fill=255)
    csize = int(r * 0.15)
    for i, line in enumerate(op.center):
        cf = font("label_bold", csize)
        draw.text((c, c + r * 0.12 + i * csize * 1.25), line, font=cf, fill=255, anchor="mm")
    mask = mask.rotate(op.angle, resample=Image.Resampling.BICUBIC)
    rng = np.random.default_rng(op.seed)
    blotch = rng.uniform(0.6, 1.0, size=(size // 24 + 1, size // 24 + 1)).astype(np.float32)
    blotch_img = Image.fromarray((blotch * 255).astype(np.uint8)).resize(
        (size, size), Image.Resampling.BICUBIC
    )
    arr = np.asarray(mask, dtype=np.float32) * (np.asarray(blotch_img, dtype=np.float32) / 255.0) * 0.95
    mask = Image.fromarray(arr.clip(0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(1.0))
    return mask, (int(op.cx - c), int(op.cy - c))


def _multiply_ink(img: Image.Image, mask: Image.Image, pos: tuple[int, int], color: Color) -> None:
    x, y = pos
    region = (x, y, x + mask.width, y + mask.height)
    base = np.asarray(img.crop(region), dtype=np.float32)
    a = np.asarray(mask, dtype=np.float32)[..., None] / 255.0
    tint = np.array(color, dtype=np.float32) / 255.0
    out = base * (1.0 - a * (1.0 - tint))
    img.paste(Image.fromarray(out.round().clip(0, 255).astype(np.uint8)), region[:2])


def rasterize(page: Page) -> Image.Image:
    img = Image.new("RGB", (PAGE_W, PAGE_H), page.background)
    draw = ImageDraw.Draw(img)
    for op in page.ops:
        if isinstance(op, TextOp) and op.tracking:
            fnt = font(op.style, op.size)
            x = op.x
            for ch in op.text:
                draw.text((x, op.y), ch, font=fnt, fill=op.color, anchor="ls")
                x += fnt.getlength(ch) + op.tracking
        elif isinstance(op, TextOp):
            draw.text((op.x, op.y), op.text, font=font(op.style, op.size), fill=op.color, anchor="ls")
        elif isinstance(op, LineOp):
            draw.line((op.x1, op.y1, op.x2, op.y2), fill=op.color, width=round(op.width))
        elif isinstance(op, RectOp):
            draw.rectangle(
                (op.x, op.y, op.x + op.w, op.y + op.h), outline=op.color, fill=op.fill, width=round(op.width)
            )
        elif isinstance(op, DotsOp):
            x = op.x1
            while x <= op.x2:
                draw.ellipse(
                    (x - op.radius, op.y - op.radius, x + op.radius, op.y + op.radius), fill=op.color
                )
                x += op.spacing
        elif isinstance(op, InkOp):
            draw.line(op.points, fill=op.color, width=round(op.width), joint="curve")
        elif isinstance(op, SealOp):
            mask, pos = _draw_seal_layer(op)
            _multiply_ink(img, mask, pos, op.color)
            draw = ImageDraw.Draw(img)
    return img
