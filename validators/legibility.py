"""Per-page legibility: sharpness, effective resolution, cut-off content, glare, contrast, residual skew.

Each measure is normalised for resolution (the image is brought to the reference DPI, sizes are in mm or
points), and each threshold lives in `templates/legibility.yaml`. A failure becomes one
Check(code="illegible_page", outcome="supplement") naming the file, the page and why.

Calibration (committed samples with their real OCR lines; generator degradations of sample pages):
- sharpness (p95 edge steepness at 300 DPI): clean 0.52, scan 0.34–0.39, photo 0.24–0.29; Gaussian blur
  σ = 2.5 / 3.5 / 4 / 5 px → 0.20 / 0.17 / 0.14–0.15 / 0.13; blur_heavy 0.11
  or no edge at all. Threshold 0.16.
- line height: 300 DPI 48–63 px (11.5–15.8 pt), photos at 200 DPI 34–44 px, 150 DPI ≈ 20 px, 72 DPI 9–13 px.
  Threshold 14 px, and any page under 110 DPI.
- glare (washed-out area / page): samples 0–0.011 (a lit photo corner), generator glare
  0.034–0.045. Threshold 0.02. A blob counts only with faded text around it: see legibility.yaml.
- contrast: samples 0.74–1.0, blur_heavy 0.25–0.28, faded ×0.25 print 0.21–0.25. Threshold 0.3.
- skew: samples −1.0…+1.9° (photo perspective up to 3°), 8° rotation → 7.3–9.0°. Threshold 5°.
- cut-off: text within 1 mm of the border; none on the samples, every generator cut_off page caught.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np

from intake.images import grayscale
from intake.model import REVIEWER_REASONS, OcrLine, Page

MM_PER_INCH = 25.4
# A border strip counts as paper when this share of it lies within PAPER_TOLERANCE grey levels of the page's
# median (the paper).
PAPER_STRIP_SHARE = 0.8
PAPER_TOLERANCE = 40
PT_PER_INCH = 72.0


@dataclass
class LegibilityMeasures:
    """What was measured on one page; None where a measure could not be taken."""

    dpi: float
    sharpness: float | None = None
    line_confidence: float | None = None
    line_height_px: float | None = None
    text_height_pt: float | None = None
    cut_edges: list[str] = field(default_factory=list)
    glare_fraction: float | None = None
    contrast: float | None = None
    skew_degrees: float | None = None
    blank: bool = False
    failures: list[str] = field(default_factory=list)


def _resample(gray: np.ndarray, scale: float) -> np.ndarray:
    if abs(scale - 1.0) < 0.01:
        return gray
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    return cv2.resize(gray, None, fx=scale, fy=scale, interpolation=interpolation)


def _text_lines(lines: list[OcrLine], min_chars: int = 2) -> list[OcrLine]:
    return [line for line in lines if len(line.text.strip()) >= min_chars]


def _line_mask(shape: tuple[int, int], lines: list[OcrLine], scale: float) -> np.ndarray | None:
    if not lines:
        return None
    mask = np.zeros(shape, dtype=np.uint8)
    for line in lines:
        b = line.box
        x0, y0 = max(0, int(b.x0 * scale)), max(0, int(b.y0 * scale))
        x1, y1 = min(shape[1], math.ceil(b.x1 * scale)), min(shape[0], math.ceil(b.y1 * scale))
        if x1 > x0 and y1 > y0:
            mask[y0:y1, x0:x1] = 1
    return mask.astype(bool)


def edge_sharpness(gray: np.ndarray, mask: np.ndarray | None, config: dict[str, Any]) -> float | None:
    """95th percentile of |gradient| / local contrast over text edges (image at the reference DPI)."""
    gx = cv2.Sobel(gray, cv2.CV_32F, 1, 0, ksize=3, scale=0.125)
    gy = cv2.Sobel(gray, cv2.CV_32F, 0, 1, ksize=3, scale=0.125)
    size = int(config.get("window_px", 15))
    kernel = np.ones((size, size), np.uint8)
    contrast = cv2.subtract(cv2.dilate(gray, kernel), cv2.erode(gray, kernel))
    selected = contrast >= int(config.get("min_edge_contrast", 40))
    if mask is not None:
        selected &= mask
    index = np.flatnonzero(selected)
    if index.size < int(config.get("min_edge_pixels", 400)):
        return None
    magnitude = np.hypot(gx.ravel()[index], gy.ravel()[index])
    ratio = magnitude / contrast.ravel()[index]
    ratio = ratio[ratio >= 0.1]  # edge pixels, not the flat inside of strokes
    if ratio.size < int(config.get("min_edge_pixels", 400)):
        return None
    return float(np.percentile(ratio, 95))


def line_height(line: OcrLine) -> float:
    """Height of a text line across its baseline direction (polygon when available, else the box)."""
    if line.polygon and len(line.polygon) == 4:
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = line.polygon
        return (math.hypot(x3 - x0, y3 - y0) + math.hypot(x2 - x1, y2 - y1)) / 2.0
    return line.box.y1 - line.box.y0


def line_angle(line: OcrLine) -> float | None:
    """Angle in degrees of the line's top edge (positive: clockwise on screen), from its polygon."""
    if not line.polygon or len(line.polygon) != 4:
        return None
    (x0, y0), (x1, y1) = line.polygon[0], line.polygon[1]
    if math.hypot(x1 - x0, y1 - y0) < 3 * line_height(line):
        return None  # short lines give unreliable angles
    return math.degrees(math.atan2(y1 - y0, x1 - x0))


def cut_edges(
    page: Page, lines: list[OcrLine], gray: np.ndarray, dpi: float, config: dict[str, Any]
) -> list[str]:
    """The image borders that cut the page's text: a text line's box reaching the border, or pieces of ink
    along it (the feet of a cut title, too little for the detector to find a line), or, along a border of
    paper (the sheet goes on past the image: a scan cut short), a text line closer to it than printed
    papers' margins allow: the lines beyond it were cut off whole."""
    margin = float(config.get("border_mm", 1.0)) / MM_PER_INCH * dpi
    near = float(config.get("min_text_margin_mm", 0.0)) / MM_PER_INCH * dpi
    paper = float(np.median(gray[::4, ::4]))
    strips = _border_strips(gray, max(2, round(margin)))
    paper_borders = {
        edge
        for edge, strip in strips.items()
        # mostly paper, not a photo's background or a dark scanner lid
        if float((np.abs(strip.astype(np.int16) - paper) < PAPER_TOLERANCE).mean()) >= PAPER_STRIP_SHARE
    }
    longest = float(config.get("max_fragment_mm", 12.0)) / MM_PER_INCH * dpi
    edges = {edge for edge in paper_borders if _holds_cut_ink(strips[edge], paper, longest, config)}
    for line in lines:
        b = line.box
        gaps = {"top": b.y0, "bottom": page.height - b.y1, "left": b.x0, "right": page.width - b.x1}
        for edge, gap in gaps.items():
            if gap <= margin or (gap <= near and edge in paper_borders):
                edges.add(edge)
    return [edge for edge in ("top", "bottom", "left", "right") if edge in edges]


def _border_strips(gray: np.ndarray, width: int) -> dict[str, np.ndarray]:
    """The strips `width` pixels wide along each border, each with the border as its first row."""
    return {
        "top": gray[:width],
        "bottom": gray[-width:][::-1],
        "left": gray[:, :width].T,
        "right": gray[:, -width:][:, ::-1].T,
    }


def _holds_cut_ink(strip: np.ndarray, paper: float, longest: float, config: dict[str, Any]) -> bool:
    """Whether a border's strip of paper holds at least `min_cut_fragments` separate pieces of ink touching
    the border, none longer than a word (a border rule or shadow is one long piece)."""
    below = float(config.get("ink_below_paper", 90))
    count, _, stats, _ = cv2.connectedComponentsWithStats((strip < paper - below).astype(np.uint8))
    pieces = [
        i for i in range(1, count) if stats[i, cv2.CC_STAT_TOP] == 0 and stats[i, cv2.CC_STAT_WIDTH] < longest
    ]
    return len(pieces) >= int(config.get("min_cut_fragments", 3))


def glare_fraction(gray: np.ndarray, text_area: np.ndarray | None, config: dict[str, Any]) -> float:
    """Fraction of the page where a clipped-bright blob has washed the text out (image at the reference DPI).

    Only on paper that is not itself white (photos): on a render or a flatbed scan a clipped area is paper.
    A blob is glare when the text around it is faded: light that washes text out inside a blob fades it
    around the blob, where a brightly lit blank part of a photo has none or crisp text. Faded all around,
    the whole blob counts; faded within the text area, the blob's part inside the text area counts when
    its ink density falls well below that of the rest of the text area (lines the detector still finds
    under the lamp do not make it legible). Blobs are taken at each of `bright_levels`: on a brightly lit
    photo the blob at the lower level may take in half the page around the lamp. Worked at 1/4 scale (75
    DPI): glare is a large, smooth feature."""
    step = int(config.get("downscale", 4))
    paper = float(np.median(gray[::step, ::step]))
    if paper >= float(config.get("paper_max", 238)):
        return 0.0
    kernel = np.ones((step, step), np.uint8)
    darkest = cv2.erode(gray, kernel)[::step, ::step]  # keeps thin strokes at low resolution
    brightest = cv2.dilate(gray, kernel)[::step, ::step]
    shape = darkest.shape
    area = text_area[::step, ::step] if text_area is not None else np.ones(shape, dtype=bool)
    ink_below = float(config.get("ink_below_paper", 90))
    ink = darkest < paper - ink_below
    strokes = _strokes(darkest, brightest, ink_below, config, step)
    glare = np.zeros(shape, dtype=bool)
    for level in config.get("bright_levels", [250]):
        bright = (brightest >= int(level)).astype(np.uint8)
        glare |= _washed_out_blobs(bright, area, ink, strokes, config)
    return float(glare.sum()) / glare.size


def _washed_out_blobs(
    bright: np.ndarray, area: np.ndarray, ink: np.ndarray, strokes: _Strokes, config: dict[str, Any]
) -> np.ndarray:
    """Where the clipped-bright blobs of `bright` have washed the text out (see glare_fraction)."""
    step = int(config.get("downscale", 4))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(bright, connectivity=8)
    min_area = float(config.get("min_blob_fraction", 0.01)) * bright.size
    close = max(3, int(config.get("close_px", 41)) // step)
    ring = max(1, int(config.get("ring_px", 80)) // step)
    ratio = float(config.get("max_ink_ratio", 0.3))
    glare = np.zeros(bright.shape, dtype=bool)
    for label in range(1, count):
        if stats[label, cv2.CC_STAT_AREA] < min_area:
            continue
        blob = labels == label
        if blob[0, :].any() or blob[-1, :].any() or blob[:, 0].any() or blob[:, -1].any():
            continue  # touching the image border: background or a fill, not light on the page
        blob = cv2.morphologyEx(
            blob.astype(np.uint8), cv2.MORPH_CLOSE, np.ones((close, close), np.uint8)
        ).astype(bool)
        inside, outside = blob & area, area & ~blob
        if not outside.any():
            continue
        around = cv2.dilate(blob.astype(np.uint8), np.ones((2 * ring + 1,) * 2, np.uint8)).astype(bool)
        faded_elsewhere = strokes.faded_share(outside & ~around)
        if strokes.faded_share(around & ~blob) >= faded_elsewhere + float(config.get("faded_lead", 0.3)):
            # Faded all around: light that washed out lines the detector no longer finds, which leave the
            # blob outside the text area their neighbours span (a title under the lamp).
            glare |= blob
            continue
        if not inside.any():
            continue
        ink_low = float(ink[inside].mean()) < ratio * float(ink[outside].mean())
        lead = float(config.get("faded_lead_in_text", 0.2))
        if ink_low and strokes.faded_share(around & ~blob & area) >= faded_elsewhere + lead:
            glare |= inside
    return glare


@dataclass
class _Strokes:
    """Ink pixels at the glare scale: strong (as dark as ink on paper) and faded (well lighter)."""

    strong: np.ndarray
    faded: np.ndarray
    min_faded: int

    def faded_share(self, where: np.ndarray) -> float:
        """The share of the strokes in `where` that are faded; 0 with too few faded ones to tell."""
        faded, strong = int(self.faded[where].sum()), int(self.strong[where].sum())
        return faded / (faded + strong) if faded >= self.min_faded else 0.0


def _strokes(
    darkest: np.ndarray, brightest: np.ndarray, ink_below: float, config: dict[str, Any], step: int
) -> _Strokes:
    """Strokes measured against the paper around them (the brightest grey nearby), which glare and uneven
    light raise and lower."""
    reach = max(3, int(config.get("paper_reach_px", 36)) // step) | 1
    local_paper = cv2.dilate(brightest, np.ones((reach, reach), np.uint8)).astype(np.float32)
    depth = local_paper - darkest.astype(np.float32)
    strong = depth >= ink_below
    faded = (depth >= float(config.get("faded_ink_depth", 30))) & ~strong
    return _Strokes(strong, faded, int(config.get("min_faded_px", 100)))


def _text_area(shape: tuple[int, int], lines: list[OcrLine], scale: float) -> np.ndarray | None:
    """The rectangle spanned by the page's text lines (glare may have erased the lines inside it)."""
    if not lines:
        return None
    area = np.zeros(shape, dtype=bool)
    x0 = int(min(line.box.x0 for line in lines) * scale)
    y0 = int(min(line.box.y0 for line in lines) * scale)
    x1 = int(max(line.box.x1 for line in lines) * scale)
    y1 = int(max(line.box.y1 for line in lines) * scale)
    area[max(0, y0) : y1, max(0, x0) : x1] = True
    return area


def ink_contrast(gray: np.ndarray, mask: np.ndarray | None) -> float:
    paper = float(np.median(gray))
    pixels = gray[mask] if mask is not None and mask.any() else gray
    ink = float(np.percentile(pixels, 1))
    return max(0.0, paper - ink) / 255.0


def measure_page(page: Page, image: np.ndarray, config: dict[str, Any]) -> LegibilityMeasures:
    """Take every measure on one page and list the failures against the thresholds of `config`."""
    reference = float(config.get("reference_dpi", 300))
    dpi = float(page.quality.dpi or reference)
    result = LegibilityMeasures(dpi=dpi)
    lines = _text_lines(page.lines, int(config.get("cut_off", {}).get("min_line_chars", 2)))
    gray = grayscale(image)
    scale = reference / dpi
    gray_ref = _resample(gray, scale)
    mask = _line_mask(gray_ref.shape, lines, scale)

    small = gray_ref[::4, ::4]
    low, high = np.percentile(small, [0.5, 99.5])
    if not lines and high - low < float(config.get("blank_range", 12)):
        result.blank = True
        return result  # an empty page (a scanned back side) is not an unreadable one

    sharp_cfg = config.get("sharpness", {})
    result.sharpness = edge_sharpness(gray_ref, mask, sharp_cfg)
    no_edges = result.sharpness is None and not lines  # smeared so far that no text edge is left
    if len(lines) >= int(sharp_cfg.get("min_lines", 3)):
        result.line_confidence = float(np.median([line.confidence for line in lines]))
    # A blur flattened into bands of grey (a compressed photo) keeps steep steps that pass for edges; what
    # the recognisers make of the lines does not.
    unread = result.line_confidence is not None and result.line_confidence < float(
        sharp_cfg.get("min_line_confidence", 0.0)
    )
    if (
        no_edges
        or unread
        or (result.sharpness is not None and result.sharpness < float(sharp_cfg.get("min_score", 0.16)))
    ):
        result.failures.append("blurry")

    res_cfg = config.get("resolution", {})
    if len(lines) >= int(res_cfg.get("min_lines", 3)):
        result.line_height_px = float(np.median([line_height(line) for line in lines]))
        result.text_height_pt = result.line_height_px / dpi * PT_PER_INCH
        if result.line_height_px < float(res_cfg.get("min_line_height_px", 14)):
            result.failures.append("low_resolution")
    if dpi < float(res_cfg.get("min_dpi", 110)) and "low_resolution" not in result.failures:
        result.failures.append("low_resolution")

    result.cut_edges = cut_edges(page, lines, gray, dpi, config.get("cut_off", {}))
    if result.cut_edges:
        result.failures.append("cut_off")

    glare_cfg = config.get("glare", {})
    result.glare_fraction = glare_fraction(gray_ref, _text_area(gray_ref.shape, lines, scale), glare_cfg)
    if result.glare_fraction > float(glare_cfg.get("max_fraction", 0.02)):
        result.failures.append("glare")

    result.contrast = ink_contrast(gray_ref, mask)
    if result.contrast < float(config.get("contrast", {}).get("min_contrast", 0.3)):
        result.failures.append("low_contrast")

    skew_cfg = config.get("skew", {})
    angles = [a for a in (line_angle(line) for line in lines) if a is not None]
    if len(angles) >= int(skew_cfg.get("min_lines", 3)):
        result.skew_degrees = float(np.median(angles))
        if abs(result.skew_degrees) > float(skew_cfg.get("max_degrees", 5.0)):
            result.failures.append("skewed")
    return result


def _why(measures: LegibilityMeasures, texts: dict[str, str], edge_names: dict[str, str]) -> str:
    parts: list[str] = []
    for failure in measures.failures:
        template = texts.get(failure, failure)
        parts.append(
            template.format(
                text_pt=f"{measures.text_height_pt or 0:.0f}",
                dpi=f"{measures.dpi:.0f}",
                edges=", ".join(edge_names.get(e, e) for e in measures.cut_edges),
                angle=f"{abs(measures.skew_degrees or 0):.0f}",
            )
        )
    return ", ".join(parts)


def check_legibility(view: Any, page_images: list[np.ndarray] | None) -> list[Any]:
    """One illegible_page check per page that fails a legibility threshold."""
    if not page_images:
        return []
    _clear_page_doubts(view.dossier)  # validation runs again after a review: pages are measured anew
    config = view.rules.legibility
    texts = view.rules.decision.get("illegible_why", {})
    edge_names = view.rules.decision.get("edge_names", {})
    checks = []
    for page, image in zip(view.dossier.pages, page_images, strict=False):
        if config.get("skip_born_digital", True) and page.kind == "born_digital_pdf":
            continue
        if image is None or image.size == 0:
            continue
        measures = measure_page(page, image, config)
        page.quality = page.quality.model_copy(
            update={
                "sharpness": measures.sharpness,
                "line_confidence": measures.line_confidence,
                "contrast": measures.contrast,
                "line_height_px": measures.line_height_px,
                "text_height_pt": measures.text_height_pt,
                "glare_fraction": measures.glare_fraction,
                "skew_degrees": measures.skew_degrees,
                "cut_edges": list(measures.cut_edges),
                "blank": measures.blank,
                "failures": list(measures.failures),
            }
        )
        if measures.failures:
            document = (
                view.dossier.documents[page.document]
                if page.document is not None and page.document < len(view.dossier.documents)
                else None
            )
            checks.append(
                view.check(
                    "illegible_page",
                    document=document,
                    page=page.index,
                    file=page.file,
                    file_page=page.file_page,
                    why=_why(measures, texts, edge_names),
                ).model_copy(update={"page": page.index})
            )
            _doubt_fields_read_on(view.dossier, page.index, config.get("marks_on_any_page", []))
    return checks


PAGE_ILLEGIBLE = "page_illegible"


def _clear_page_doubts(dossier: Any) -> None:
    for document in dossier.documents:
        for found in document.fields.values():
            if PAGE_ILLEGIBLE in found.review_reasons:
                found.review_reasons = [reason for reason in found.review_reasons if reason != PAGE_ILLEGIBLE]
                found.needs_review = bool(found.review_reasons)


def _doubt_fields_read_on(dossier: Any, page_index: int, marks_on_any_page: list[str]) -> None:
    """Flag for review every field read on an illegible page: however surely each was read, the labels
    around it may not have been ("Ốn:" for "Ông:" put the lessee's name in the lessor's place, seed 6173
    hs_0097, unflagged). So is a mark looked for on every page of a paper that holds the page, and not
    found (`notarized` false: the notary's page was the one cut off, seed 3571 hs_0100). A field a
    reviewer has settled stays so."""
    for document in dossier.documents:
        for key, found in document.fields.items():
            reasons = found.review_reasons
            settled = {PAGE_ILLEGIBLE, *REVIEWER_REASONS}.intersection(reasons)
            read_there = found.page == page_index and found.value is not None
            not_found_there = (
                key in marks_on_any_page and found.value is False and page_index in document.pages
            )
            if (read_there or not_found_there) and not settled:
                found.review_reasons = [*found.review_reasons, PAGE_ILLEGIBLE]
                found.needs_review = True
                document.needs_review = True
