"""Write pages to the five file formats a dossier may hold; every writer is byte-deterministic."""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO
from pathlib import Path

import numpy as np
from PIL import Image

from .degrade import DegradedPage
from .pdf import write_image_pdf, write_vector_pdf
from .render import Page

FORMATS = ("png", "jpeg", "tiff", "pdf_scan", "pdf_digital")


def compact(img: Image.Image) -> Image.Image:
    """Greyscale when the page has no colour, else a small palette: keeps committed PNGs small."""
    if img.mode == "L":
        return posterize_grey(img)
    arr = np.asarray(img.convert("RGB"), dtype=np.int16)
    spread = np.abs(arr - arr.mean(axis=2, keepdims=True)).max()
    if spread <= 6:
        return img.convert("L")
    return img.convert("RGB").quantize(colors=64, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)


def posterize_grey(img: Image.Image, step: int = 20) -> Image.Image:
    """Snap grey levels to a coarse ladder anchored at the paper tone, so paper noise compresses away."""
    arr = np.asarray(img, dtype=np.int16)
    paper = int(np.median(arr))
    snapped = paper + np.round((arr - paper) / step).astype(np.int16) * step
    return Image.fromarray(snapped.clip(0, 255).astype(np.uint8))


def jpeg_bytes(page: DegradedPage) -> bytes:
    buf = BytesIO()
    img = page.image if page.image.mode in ("L", "RGB") else page.image.convert("RGB")
    img.save(buf, "JPEG", quality=page.jpeg_quality, dpi=(page.dpi, page.dpi), optimize=True)
    return buf.getvalue()


def write_png(page: DegradedPage, path: Path) -> None:
    compact(page.image).save(path, "PNG", dpi=(page.dpi, page.dpi), optimize=True)


def write_jpeg(page: DegradedPage, path: Path) -> None:
    path.write_bytes(jpeg_bytes(page))


def write_tiff(pages: Sequence[DegradedPage], path: Path) -> None:
    """Multi-page TIFF, JPEG-compressed like most office scanners' TIFF output."""
    frames = [p.image if p.image.mode in ("L", "RGB") else p.image.convert("RGB") for p in pages]
    first, rest = frames[0], frames[1:]
    first.save(
        path,
        "TIFF",
        save_all=True,
        append_images=rest,
        compression="jpeg",
        quality=pages[0].jpeg_quality,
        dpi=(pages[0].dpi, pages[0].dpi),
    )


def write_scanned_pdf(pages: Sequence[DegradedPage], path: Path, title: str) -> None:
    write_image_pdf([(jpeg_bytes(p), p.image.width, p.image.height, p.dpi) for p in pages], path, title)


def write_born_digital_pdf(pages: Sequence[Page], path: Path, title: str) -> None:
    write_vector_pdf(pages, path, title)
