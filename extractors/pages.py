"""Turn an incoming file (PDF, JPEG, PNG, TIFF …) into normalised, upright page images.

PDF structure, embedded scans and text layers are read with pypdf; pages without a single full-page scan are
rasterised with PDFium. Born-digital pages keep their text layer as lines, so they need no OCR.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

import cv2
import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from extractors.ocr.base import reading_order
from intake.model import (
    BoundingBox,
    Dossier,
    OcrLine,
    Page,
    PageQuality,
    ProcessingError,
    SourceFile,
    Status,
    nfc,
)

log = logging.getLogger(__name__)

A4_LONG_SIDE_INCHES = 11.69
MIN_TEXT_LAYER_CHARS = 40
SCAN_COVERAGE = 0.85
TEXT_LAYER_JOIN_GAP = 2.0  # in line heights: farther apart, segments on a row stay separate lines (columns)
TEXT_LAYER_TOUCHING = 0.6  # in line heights: segments this close are one run of text
# pdfium gives a segment's text as every character its rectangle touches, and the rectangles of two runs
# drawn edge to edge (a label and a name in bold) overlap by a hair: the name's first letter was read twice,
# "Ông: T" beside "TRẦN MINH PHONG", and the value taken as "T". Each rectangle is read inset by this share
# of its height (half a point at 12 pt), and segments overlapping by up to TEXT_LAYER_OVERLAP line heights
# are still neighbours.
TEXT_RECT_INSET = 0.04
TEXT_LAYER_OVERLAP = 0.1

PageKind = Literal["raster", "scanned_pdf", "born_digital_pdf"]


class PageLoadError(Exception):
    """A file (or one of its pages) could not be turned into a page image."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class PageImage:
    file_page: int
    kind: PageKind
    image: np.ndarray
    dpi: float | None
    dpi_estimated: bool
    rotation_applied: int = 0
    text_lines: list[OcrLine] | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class LoadOptions:
    raster_dpi: int = 200
    max_dpi: int = 300
    max_image_pixels: int = 120_000_000


def sniff_media_type(data: bytes) -> str | None:
    if data.startswith(b"%PDF") or b"%PDF-" in data[:1024]:
        return "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return "image/tiff"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith(b"BM"):
        return "image/bmp"
    return None


def load_pages(data: bytes, options: LoadOptions | None = None) -> Iterator[PageImage | PageLoadError]:
    """Yield each page of a file, or a PageLoadError for a page that failed.

    Raises PageLoadError when the file as a whole cannot be read.
    """
    options = options or LoadOptions()
    media_type = sniff_media_type(data)
    if media_type is None:
        raise PageLoadError("unsupported_format", "not a PDF or a supported image format")
    if media_type == "application/pdf":
        yield from _pdf_pages(data, options)
    else:
        yield from _image_pages(data, options)


def _image_pages(data: bytes, options: LoadOptions) -> Iterator[PageImage | PageLoadError]:
    Image.MAX_IMAGE_PIXELS = options.max_image_pixels
    try:
        container = Image.open(io.BytesIO(data))
        container.load()
    except Image.DecompressionBombError as exc:
        raise PageLoadError("image_too_large", f"image exceeds {options.max_image_pixels} pixels") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise PageLoadError("corrupt_image", f"image could not be decoded: {exc}") from exc
    for number, frame in enumerate(ImageSequence.Iterator(container), start=1):
        try:
            upright = ImageOps.exif_transpose(frame.copy())
            rotation = _exif_rotation(frame)
            dpi, estimated = _image_dpi(upright)
            yield _normalise(
                _to_bgr(upright),
                file_page=number,
                kind="raster",
                dpi=dpi,
                estimated=estimated,
                rotation=rotation,
                options=options,
            )
        except (OSError, ValueError) as exc:
            yield PageLoadError("corrupt_page", f"page {number} could not be decoded: {exc}")


def _exif_rotation(frame: Image.Image) -> int:
    orientation = frame.getexif().get(0x0112, 1)
    return {3: 180, 6: 90, 8: 270}.get(orientation, 0)


def _image_dpi(image: Image.Image) -> tuple[float, bool]:
    declared = image.info.get("dpi")
    if declared:
        try:
            value = float(declared[0])
        except (TypeError, ValueError, IndexError):
            value = 0.0
        if 50 <= value <= 1200:
            return value, False
    return max(image.size) / A4_LONG_SIDE_INCHES, True


def _to_bgr(image: Image.Image) -> np.ndarray:
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        array = np.asarray(image, dtype=np.float64)
        peak = array.max() or 1.0
        image = Image.fromarray((array * (255.0 / peak)).astype(np.uint8), mode="L")
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, rgba)
    rgb = np.asarray(image.convert("RGB"))
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)


def _normalise(
    image: np.ndarray,
    *,
    file_page: int,
    kind: PageKind,
    dpi: float | None,
    estimated: bool,
    rotation: int,
    options: LoadOptions,
    text_lines: list[OcrLine] | None = None,
) -> PageImage:
    """Bring very high-resolution pages down to `max_dpi`; OCR gains nothing above it."""
    if dpi and dpi > options.max_dpi * 1.05:
        scale = options.max_dpi / dpi
        size = (max(1, round(image.shape[1] * scale)), max(1, round(image.shape[0] * scale)))
        image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
        if text_lines:
            text_lines = [_scale_line(line, scale) for line in text_lines]
        dpi = float(options.max_dpi)
    return PageImage(
        file_page=file_page,
        kind=kind,
        image=np.ascontiguousarray(image),
        dpi=dpi,
        dpi_estimated=estimated,
        rotation_applied=rotation,
        text_lines=text_lines,
    )


def _scale_line(line: OcrLine, scale: float) -> OcrLine:
    box = line.box
    return line.model_copy(
        update={
            "box": BoundingBox(x0=box.x0 * scale, y0=box.y0 * scale, x1=box.x1 * scale, y1=box.y1 * scale)
        }
    )


def _pdf_pages(data: bytes, options: LoadOptions) -> Iterator[PageImage | PageLoadError]:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise PageLoadError("encrypted_pdf", "PDF is password-protected")
        page_count = len(reader.pages)
    except PageLoadError:
        raise
    except (PdfReadError, OSError, ValueError, KeyError, TypeError) as exc:
        raise PageLoadError("corrupt_pdf", f"PDF could not be read: {exc}") from exc
    if page_count == 0:
        raise PageLoadError("empty_pdf", "PDF has no pages")
    try:
        rendered = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise PageLoadError("corrupt_pdf", f"PDF could not be opened for rendering: {exc}") from exc
    try:
        for index in range(page_count):
            try:
                yield _pdf_page(reader, rendered, index, options)
            except PageLoadError as exc:
                yield exc
            except Exception as exc:  # one broken page must not lose the rest of the file
                log.warning("PDF page %d failed: %s", index + 1, exc)
                yield PageLoadError("corrupt_page", f"page {index + 1} could not be read: {exc}")
    finally:
        rendered.close()


def _pdf_page(reader: PdfReader, rendered: pdfium.PdfDocument, index: int, options: LoadOptions) -> PageImage:
    page = reader.pages[index]
    width_pt = float(page.mediabox.width)
    height_pt = float(page.mediabox.height)
    rotation = int(page.rotation or 0) % 360
    text = page.extract_text() or ""
    scan = _full_page_scan(page, width_pt, height_pt)
    if scan is not None and len(text.strip()) < MIN_TEXT_LAYER_CHARS * 4:
        image = scan
        if rotation:
            image = image.rotate(-rotation, expand=True)
        inches = (height_pt if rotation in (90, 270) else width_pt) / 72.0
        dpi = image.width / inches if inches else None
        return _normalise(
            _to_bgr(image),
            file_page=index + 1,
            kind="scanned_pdf",
            dpi=dpi,
            estimated=False,
            rotation=rotation,
            options=options,
        )
    pdf_page = rendered[index]
    try:
        scale = options.raster_dpi / 72.0
        bitmap = pdf_page.render(scale=scale, rotation=0, fill_color=(255, 255, 255, 255))
        image = bitmap.to_pil()
        lines: list[OcrLine] | None = None
        if len(text.strip()) >= MIN_TEXT_LAYER_CHARS:
            lines = _text_layer_lines(pdf_page, scale, height_pt)
        kind: PageKind = "born_digital_pdf" if lines else "scanned_pdf"
    finally:
        pdf_page.close()
    return _normalise(
        _to_bgr(image),
        file_page=index + 1,
        kind=kind,
        dpi=float(options.raster_dpi),
        estimated=False,
        rotation=0,
        options=options,
        text_lines=lines,
    )


def _full_page_scan(page: object, width_pt: float, height_pt: float) -> Image.Image | None:
    """The page's only image when it is a scan: one raster image that fills the page."""
    try:
        images = list(page.images)  # type: ignore[attr-defined]
    except Exception:  # pypdf raises many types on odd image streams; then we rasterise instead
        return None
    if len(images) != 1:
        return None
    try:
        image = images[0].image
    except Exception:
        return None
    if image is None:
        return None
    page_aspect = width_pt / height_pt if height_pt else 0
    image_aspect = image.width / image.height if image.height else 0
    if not page_aspect or abs(image_aspect - page_aspect) / page_aspect > 1 - SCAN_COVERAGE:
        return None
    if image.width / (width_pt / 72.0) < 70:
        return None
    return image


def _text_layer_lines(pdf_page: pdfium.PdfPage, scale: float, height_pt: float) -> list[OcrLine]:
    """Text-layer segments as lines in image pixels, in reading order; a label and its value drawn as separate
    segments on one row are joined, as OCR would see them."""
    text_page = pdf_page.get_textpage()
    try:
        segments: list[OcrLine] = []
        for i in range(text_page.count_rects()):
            left, bottom, right, top = text_page.get_rect(i)
            inset = TEXT_RECT_INSET * (top - bottom)
            inset = inset if right - left > 4 * inset else 0.0
            content = " ".join(text_page.get_text_bounded(left + inset, bottom, right - inset, top).split())
            if content:
                box = BoundingBox(
                    x0=left * scale,
                    y0=(height_pt - top) * scale,
                    x1=right * scale,
                    y1=(height_pt - bottom) * scale,
                )
                segments.append(OcrLine(text=nfc(content), confidence=1.0, source="text_layer", box=box))
    finally:
        text_page.close()
    merged: list[OcrLine] = []
    for segment in reading_order(segments):
        if merged:
            last = merged[-1]
            height = max(last.box.y1 - last.box.y0, segment.box.y1 - segment.box.y0, 1.0)
            same_row = abs((last.box.y0 + last.box.y1) - (segment.box.y0 + segment.box.y1)) / 2 < height * 0.5
            gap = segment.box.x0 - last.box.x1
            # A label ("…tên khai sinh:") takes its value from across a gap; other neighbours on a row join
            # only when nearly touching, so that the cells of a ruled table stay apart.
            reach = TEXT_LAYER_JOIN_GAP if last.text.rstrip().endswith(":") else TEXT_LAYER_TOUCHING
            if same_row and -height * TEXT_LAYER_OVERLAP <= gap < height * reach:
                box = BoundingBox(
                    x0=last.box.x0,
                    y0=min(last.box.y0, segment.box.y0),
                    x1=max(last.box.x1, segment.box.x1),
                    y1=max(last.box.y1, segment.box.y1),
                )
                merged[-1] = last.model_copy(update={"text": f"{last.text} {segment.text}", "box": box})
                continue
        merged.append(segment)
    return merged


def add_pages(dossier: Dossier, source: SourceFile, data: bytes, options: LoadOptions) -> list[PageImage]:
    """Append the file's pages to the dossier; failures go on the file's record. Returns the page images,
    in the order of the Page records added."""
    loaded: list[PageImage] = []
    try:
        for item in load_pages(data, options):
            if isinstance(item, PageLoadError):
                source.errors.append(
                    ProcessingError(stage="pages", code=item.code, file=source.name, message=item.message)
                )
                continue
            loaded.append(item)
    except PageLoadError as exc:
        source.errors.append(
            ProcessingError(stage="pages", code=exc.code, file=source.name, message=exc.message)
        )
    for item in loaded:
        height, width = item.image.shape[:2]
        dossier.pages.append(
            Page(
                index=len(dossier.pages),
                file=source.name,
                file_page=item.file_page,
                kind=item.kind,
                width=width,
                height=height,
                rotation_applied=item.rotation_applied,
                quality=PageQuality(
                    dpi=round(item.dpi, 1) if item.dpi else None, dpi_estimated=item.dpi_estimated
                ),
                lines=item.text_lines or [],
                ocr_engine="text_layer" if item.text_lines else None,
            )
        )
    source.page_count = len(loaded)
    if source.errors:
        source.status = Status.FAILURE if not loaded else Status.PARTIAL_SUCCESS
    return loaded
