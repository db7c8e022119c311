"""Page degradations: clean render, office scan, phone photo.

Each degradation takes the clean RGB page at 300 DPI and a seeded numpy generator and returns a DegradedPage.
Later variants (rotated by 90/180 degrees, cut-off edges, glare, unreadable blur) register in DEGRADATIONS.
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


Degradation = Callable[[Image.Image, np.random.Generator], DegradedPage]

DEGRADATIONS: dict[str, Degradation] = {
    "clean": clean,
    "scan": scan,
    "photo": photo,
}


def degrade(page: Image.Image, name: str, rng: np.random.Generator) -> DegradedPage:
    try:
        fn = DEGRADATIONS[name]
    except KeyError:
        raise ValueError(f"unknown degradation {name!r}; known: {sorted(DEGRADATIONS)}") from None
    return fn(page, rng)
