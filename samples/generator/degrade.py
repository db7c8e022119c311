"""Page degradations: clean render, office scan, phone photo, rotated scans, and unreadable pages.

Each degradation takes the clean RGB page at 300 DPI and a seeded numpy generator and returns a DegradedPage.
`LEGIBLE` says for each whether a person could still read the page ("rõ nét, đầy đủ, toàn vẹn"):
`rotated_N` is a scan turned N degrees clockwise (readable once turned back); `blur_heavy`, `cut_off` (a strip
of the page missing, text cut at the border), `glare` (a saturated light blob over text lines) and `low_dpi`
(~72 DPI) are not.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from .render import DPI


@dataclass(frozen=True)
class DegradedPage:
    image: Image.Image
    dpi: int
    jpeg_quality: int
    degradation: str


def _smooth_noise(rng: np.random.Generator, h: int, w: int, cell: int) -> np.ndarray:
    """Low-frequency noise in [-1, 1] (paper texture, illumination blotches)."""
    small = rng.uniform(-1.0, 1.0, size=(h // cell + 2, w // cell + 2)).astype(np.float32)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)[:h, :w]


def clean(page: Image.Image, rng: np.random.Generator) -> DegradedPage:
    return DegradedPage(page, DPI, 90, "clean")


def scan(page: Image.Image, rng: np.random.Generator) -> DegradedPage:
    """Flatbed office scan: greyscale, small skew, grey paper, faint noise, slight blur (JPEG ~70)."""
    grey = np.asarray(page.convert("L"), dtype=np.float32)
    h, w = grey.shape
    paper = rng.uniform(228, 242)
    ink = rng.uniform(18, 38)
    out = ink + (paper - ink) * (grey / 255.0)
    out += _smooth_noise(rng, h, w, 160) * rng.uniform(2.0, 4.0)
    angle = float(rng.uniform(0.3, 1.0) * rng.choice([-1.0, 1.0]))
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    lid = float(rng.uniform(244, 252))
    out = cv2.warpAffine(
        out, matrix, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=lid
    )
    out = cv2.GaussianBlur(out, (0, 0), float(rng.uniform(0.55, 0.8)))
    out += rng.normal(0.0, 2.0, size=out.shape).astype(np.float32)
    img = Image.fromarray(out.round().clip(0, 255).astype(np.uint8))
    return DegradedPage(img, DPI, 70, "scan")


def _table_background(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    base = np.array([rng.uniform(70, 110), rng.uniform(60, 90), rng.uniform(45, 70)], dtype=np.float32)
    grain = _smooth_noise(rng, h, w, 6) * 10 + _smooth_noise(rng, h, w, 90) * 18
    streaks = _smooth_noise(rng, h, 8, 3)
    streaks = cv2.resize(streaks, (w, h), interpolation=cv2.INTER_LINEAR) * 8
    return base[None, None, :] + (grain + streaks)[..., None]


def photo(page: Image.Image, rng: np.random.Generator) -> DegradedPage:
    """Phone photo: ~200 DPI, page on a darker textured surface, mild perspective, uneven light, blur."""
    target_dpi = 200
    scale = target_dpi / DPI
    pw, ph = round(page.width * scale), round(page.height * scale)
    src = cv2.resize(np.asarray(page.convert("RGB")), (pw, ph), interpolation=cv2.INTER_AREA)
    margin_x, margin_y = int(pw * rng.uniform(0.05, 0.08)), int(ph * rng.uniform(0.04, 0.07))
    cw, ch = pw + 2 * margin_x, ph + 2 * margin_y
    corners = np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], dtype=np.float32)
    dest = corners + np.array([margin_x, margin_y], dtype=np.float32)
    jitter = rng.uniform(0.01, 0.03, size=(4, 2)) * rng.choice([-1.0, 1.0], size=(4, 2))
    dest += (jitter * np.array([pw, ph])).astype(np.float32)
    matrix = cv2.getPerspectiveTransform(corners, dest)
    warped = cv2.warpPerspective(src, matrix, (cw, ch), flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(np.full((ph, pw), 255, np.uint8), matrix, (cw, ch), flags=cv2.INTER_LINEAR)
    alpha = cv2.GaussianBlur(mask.astype(np.float32) / 255.0, (0, 0), 1.2)[..., None]
    canvas = _table_background(rng, ch, cw) * (1 - alpha) + warped.astype(np.float32) * alpha
    yy, xx = np.mgrid[0:ch, 0:cw].astype(np.float32)
    gx, gy = rng.uniform(-1, 1), rng.uniform(-1, 1)
    ramp = (gx * (xx / cw - 0.5) + gy * (yy / ch - 0.5)) * rng.uniform(0.2, 0.32)
    light = 1.0 + ramp + _smooth_noise(rng, ch, cw, 400) * 0.04
    warm = np.array([1.0, rng.uniform(0.97, 0.99), rng.uniform(0.9, 0.95)], dtype=np.float32)
    canvas = canvas * light[..., None] * warm[None, None, :] * rng.uniform(0.88, 0.95)
    canvas = cv2.GaussianBlur(canvas, (0, 0), float(rng.uniform(0.7, 1.0)))
    canvas += rng.normal(0.0, 3.0, size=canvas.shape).astype(np.float32)
    img = Image.fromarray(canvas.round().clip(0, 255).astype(np.uint8))
    return DegradedPage(img, target_dpi, 80, "photo")


def _rotated(turn: int) -> Callable[[Image.Image, np.random.Generator], DegradedPage]:
    transpose = {
        90: Image.Transpose.ROTATE_270,
        180: Image.Transpose.ROTATE_180,
        270: Image.Transpose.ROTATE_90,
    }[turn]

    def rotated(page: Image.Image, rng: np.random.Generator) -> DegradedPage:
        """An office scan fed in sideways or upside down: the image is turned `turn` degrees clockwise."""
        base = scan(page, rng)
        return DegradedPage(base.image.transpose(transpose), base.dpi, base.jpeg_quality, f"rotated_{turn}")

    return rotated


def blur_heavy(page: Image.Image, rng: np.random.Generator) -> DegradedPage:
    """A scan out of focus (or moved during a photo): strokes smear into each other, text unreadable."""
    base = scan(page, rng)
    arr = np.asarray(base.image, dtype=np.float32)
    arr = cv2.GaussianBlur(arr, (0, 0), float(rng.uniform(7.0, 10.0)))
    img = Image.fromarray(arr.round().clip(0, 255).astype(np.uint8))
    return DegradedPage(img, DPI, 70, "blur_heavy")


def cut_off(page: Image.Image, rng: np.random.Generator) -> DegradedPage:
    """The page lay partly off the scanner glass: a strip of 22-32 % of its width or height is missing and
    the text runs off the border."""
    base = scan(page, rng)
    arr = np.asarray(base.image, dtype=np.float32)
    h, w = arr.shape
    lid = float(np.percentile(arr, 99))
    side = int(rng.integers(0, 3))  # 0: left strip missing, 1: right, 2: bottom
    out = np.full_like(arr, lid)
    if side == 2:
        cut = int(h * rng.uniform(0.22, 0.32))
        out[: h - cut] = arr[cut // 2 : h - cut + cut // 2]
        out[h - cut :] = lid
    else:
        cut = int(w * rng.uniform(0.22, 0.32))
        if side == 0:
            out[:, : w - cut] = arr[:, cut:]
        else:
            out[:, cut:] = arr[:, : w - cut]
    img = Image.fromarray(out.round().clip(0, 255).astype(np.uint8))
    return DegradedPage(img, DPI, 70, "cut_off")


def _text_spot(page: Image.Image, rng: np.random.Generator) -> tuple[float, float]:
    """A point (fractions of width, height) in the middle of the page's printed text."""
    grey = np.asarray(page.convert("L").resize((page.width // 20, page.height // 20)), dtype=np.float32)
    ink = grey < 200
    rows = np.flatnonzero(ink.sum(axis=1) > 0.15 * ink.shape[1])  # text lines, not frame or rules
    if rows.size == 0:
        return 0.5, 0.4
    row = int(rows[int(rng.integers(0, rows.size))])
    cols = np.flatnonzero(ink[max(row - 2, 0) : row + 3].any(axis=0))
    cx = float(cols.mean()) if cols.size else ink.shape[1] / 2
    return cx / ink.shape[1], row / ink.shape[0]


def _blob(h: int, w: int, cx: float, cy: float, rx: float, ry: float) -> np.ndarray:
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    d = ((xx - cx) / rx) ** 2 + ((yy - cy) / ry) ** 2
    return np.clip(1.8 * np.exp(-d * 1.2), 0.0, 1.0)[..., None]


def glare(page: Image.Image, rng: np.random.Generator) -> DegradedPage:
    """A phone photo under a lamp: a bright, saturated blob washes out several text lines."""
    fx, fy = _text_spot(page, rng)
    rx, ry = rng.uniform(0.2, 0.3), rng.uniform(0.07, 0.11)
    # The light wipes the text on the sheet, then saturates the photo around the same spot.
    src = np.asarray(page.convert("RGB"), dtype=np.float32)
    h, w = src.shape[:2]
    src = src * (1 - _blob(h, w, fx * w, fy * h, rx * w, ry * h)) + 255.0 * _blob(
        h, w, fx * w, fy * h, rx * w, ry * h
    )
    base = photo(Image.fromarray(src.round().clip(0, 255).astype(np.uint8)), rng)
    arr = np.asarray(base.image, dtype=np.float32)
    ph, pw = arr.shape[:2]
    # The photo adds ~5-8 % margins around the sheet; map the spot approximately.
    mx, my = pw * 0.06, ph * 0.05
    alpha = _blob(ph, pw, mx + fx * (pw - 2 * mx), my + fy * (ph - 2 * my), rx * pw * 0.9, ry * ph * 0.9)
    arr = arr * (1 - alpha) + 255.0 * alpha
    img = Image.fromarray(arr.round().clip(0, 255).astype(np.uint8))
    return DegradedPage(img, base.dpi, base.jpeg_quality, "glare")


def low_dpi(page: Image.Image, rng: np.random.Generator) -> DegradedPage:
    """A scan at ~72 DPI (a fax or a thumbnail forwarded as the original): glyphs a few pixels high."""
    base = scan(page, rng)
    target = 72
    w, h = round(page.width * target / DPI), round(page.height * target / DPI)
    small = cv2.resize(np.asarray(base.image), (w, h), interpolation=cv2.INTER_AREA)
    return DegradedPage(Image.fromarray(small), target, 60, "low_dpi")


Degradation = Callable[[Image.Image, np.random.Generator], DegradedPage]

DEGRADATIONS: dict[str, Degradation] = {
    "clean": clean,
    "scan": scan,
    "photo": photo,
    "rotated_90": _rotated(90),
    "rotated_180": _rotated(180),
    "rotated_270": _rotated(270),
    "blur_heavy": blur_heavy,
    "cut_off": cut_off,
    "glare": glare,
    "low_dpi": low_dpi,
}
LEGIBLE: dict[str, bool] = {
    "clean": True,
    "scan": True,
    "photo": True,
    "rotated_90": True,
    "rotated_180": True,
    "rotated_270": True,
    "blur_heavy": False,
    "cut_off": False,
    "glare": False,
    "low_dpi": False,
}


def degrade(page: Image.Image, name: str, rng: np.random.Generator) -> DegradedPage:
    try:
        fn = DEGRADATIONS[name]
    except KeyError:
        raise ValueError(f"unknown degradation {name!r}; known: {sorted(DEGRADATIONS)}") from None
    return fn(page, rng)
