"""Marks on the page that are not text: ruled lines, ink of signatures, red seals."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import cv2
import numpy as np

from intake.images import grayscale
from intake.model import BoundingBox

DARK = 110
# Heights, as shares of the detected line's, of the vertical strokes taken for box borders, tried in turn.
BOX_BORDER_SHARES = (0.75, 0.5, 0.35)
MAX_STROKES_PER_BORDER = 2
# Kept above and below a row of boxes cut down to them, as a share of the boxes' height.
BOX_MARGIN = 0.25
# Pixel rows over which a rule of a slightly tilted row of boxes is counted, tried in turn: a photo's row
# tilted by 0.75° steps 6 px down across 12 boxes (seed 4711 hs_0080, hs_0096, hs_0193).
RULE_STEP_ROWS = (5, 9, 13)


def remove_ruling(crop: np.ndarray, borders: list[int] | None = None) -> np.ndarray:
    """Greyscale crop with ruled lines painted in the paper's grey: long horizontal strokes, and the vertical
    box borders at `borders` (x positions) when known, else vertical strokes nearly as tall as the crop.
    Known borders spare the stems of digits such as 1 and 4."""
    gray = grayscale(crop)
    ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)[1]
    height, width = gray.shape
    horizontal = cv2.morphologyEx(
        ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(3, int(width * 0.25)), 1))
    )
    rules = horizontal
    if borders is None:
        kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(3, int(height * 0.8))))
        rules = cv2.bitwise_or(rules, cv2.morphologyEx(ink, cv2.MORPH_OPEN, kernel))
    rules = cv2.dilate(rules, np.ones((3, 3), np.uint8))
    # Painted in the paper's own grey: white bars on a photo's shaded paper are read as strokes.
    paper = int(np.median(gray[ink == 0])) if (ink == 0).any() else 255
    cleaned = gray.copy()
    cleaned[rules > 0] = paper
    for x in borders or []:
        cleaned[:, max(0, x - 5) : min(width, x + 6)] = paper
    return cleaned


def written_value_end(
    strip: np.ndarray, span: tuple[float, float], stroke_height: float, gap: float, margin: float
) -> int | None:
    """Where a value written on a line ends in a strip of it: the strip's strokes at least `stroke_height`
    tall, in groups no more than `gap` apart, are words or numbers (leader dots are too short to count);
    the value is the group that overlaps `span` (where the value was read, in strip coordinates) most, and
    it ends just past that group's last stroke, with up to `margin` px more but no mark after it. Strokes
    of light ink broken up by the threshold are first joined up and down. None when no stroke is found."""
    ink = cv2.threshold(grayscale(strip), 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)[1]
    joint = max(3, int(stroke_height / 2))
    ink = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (3, joint)))
    stats = sorted(cv2.connectedComponentsWithStats(ink, connectivity=8)[2][1:].tolist())
    groups: list[list[int]] = []  # [first x, last x] of each group of strokes
    for x, _, width, height, _ in stats:
        if height < stroke_height:
            continue
        if groups and x - groups[-1][1] <= gap:
            groups[-1][1] = max(groups[-1][1], x + width)
        else:
            groups.append([x, x + width])
    if not groups:
        return None
    start, end = span
    last = max(groups, key=lambda group: min(group[1], end) - max(group[0], start))[1]
    return min([last + int(margin)] + [x for x, *_ in stats if x >= last])


def ink_fraction(image: np.ndarray, region: BoundingBox, exclude: list[BoundingBox]) -> float:
    """Share of the region covered by ink that is not printed text: coloured (blue/violet pen) strokes, or
    dark strokes outside the excluded (confidently read) text boxes."""
    x0, y0 = max(0, int(region.x0)), max(0, int(region.y0))
    x1, y1 = min(image.shape[1], int(region.x1)), min(image.shape[0], int(region.y1))
    if x1 <= x0 or y1 <= y0:
        return 0.0
    crop = image[y0:y1, x0:x1]
    mask = np.ones(crop.shape[:2], dtype=bool)
    for box in exclude:
        bx0, by0 = max(0, int(box.x0) - x0 - 4), max(0, int(box.y0) - y0 - 4)
        bx1, by1 = max(0, int(box.x1) - x0 + 4), max(0, int(box.y1) - y0 + 4)
        mask[by0:by1, bx0:bx1] = False
    area = crop.shape[0] * crop.shape[1]
    dark = (grayscale(crop) < DARK) & mask
    coloured = np.zeros_like(dark)
    if crop.ndim == 3:
        hsv = cv2.cvtColor(crop, cv2.COLOR_BGR2HSV)
        hue, saturation, value = hsv[..., 0], hsv[..., 1], hsv[..., 2]
        coloured = (hue >= 95) & (hue <= 150) & (saturation > 70) & (value < 235) & mask
    return float(max(dark.sum(), coloured.sum())) / area


def red_seal_present(image: np.ndarray, min_area_fraction: float = 0.002) -> bool | None:
    """Whether a red, roughly round stamp is on the page; None when the image carries no colour."""
    if image.ndim != 3:
        return None
    hsv = cv2.cvtColor(image, cv2.COLOR_BGR2HSV)
    if float(np.median(hsv[..., 1])) < 1 and float(hsv[..., 1].max()) < 20:
        return None
    hue, saturation, value = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    red = (((hue <= 10) | (hue >= 165)) & (saturation > 90) & (value > 60)).astype(np.uint8) * 255
    red = cv2.morphologyEx(red, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))
    contours, _ = cv2.findContours(red, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    page_area = image.shape[0] * image.shape[1]
    for contour in contours:
        area = cv2.contourArea(contour)
        if area < min_area_fraction * page_area:
            continue
        (_, _), radius = cv2.minEnclosingCircle(contour)
        if area / (np.pi * radius * radius + 1e-6) > 0.5:
            return True
    return False


def box_grid_columns(
    band: np.ndarray, expected_cells: int, line_height: float
) -> list[tuple[int, int]] | None:
    """The cells of a row of printed boxes (one digit each): x-ranges between the box borders, or None.

    Box borders are the vertical strokes about as tall as the text line; letters are shorter. The detector's
    line may be taller than the boxes (handwriting rising above them), so shorter strokes are tried next."""
    gray = grayscale(band)
    ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)[1]

    def stroke_columns(share: float) -> np.ndarray:
        return _vertical_stroke_columns(ink, int(line_height * share))

    # Where two placements of the grid fit as many strokes (two borders too faint on a photo, at the row's
    # two ends), the shortest strokes tried decide: a faint border still shows, a label's colon does not.
    shortest = stroke_columns(BOX_BORDER_SHARES[-1])
    faint = _stroke_borders(shortest)
    for share in BOX_BORDER_SHARES:
        columns = shortest if share == BOX_BORDER_SHARES[-1] else stroke_columns(share)
        if columns.size and (
            cells := _grid_cells(columns, expected_cells, line_height, gray.shape[1], faint)
        ):
            return cells
    return None


# Pixel columns over which a vertical rule of a slightly tilted table is counted (a photo's page).
RULE_STEP_COLUMNS = 5


def vertical_rules(band: np.ndarray, share: float = 0.8) -> list[int]:
    """The x positions of the vertical rules crossing at least `share` of the band's height (a table's
    column rules through its header row); letters are far shorter."""
    ink = cv2.threshold(grayscale(band), 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)[1]
    ink = cv2.dilate(ink, np.ones((1, RULE_STEP_COLUMNS), np.uint8))
    return _stroke_borders(_vertical_stroke_columns(ink, int(band.shape[0] * share)))


def _vertical_stroke_columns(ink: np.ndarray, length: int) -> np.ndarray:
    """The x positions of the pixel columns holding a vertical stroke of ink at least `length` tall."""
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(3, length)))
    return np.flatnonzero(cv2.morphologyEx(ink, cv2.MORPH_OPEN, kernel).sum(axis=0) > 0)


@dataclass
class DigitGrid:
    """A row of digit boxes with its borders and ruled lines painted out, cut from its first border to its
    last: as the band around it gives it, and, when their top and bottom rules are found, cut down to the
    boxes with a margin of BOX_MARGIN of their height (handwriting overflows its boxes) and to their inside
    alone (on a photo, the shaded paper around printed boxes is read as digits: "9092200584176"). The
    recognisers read some rows better one way and some another (a tall band takes in the lines above and
    below). `borders`: x positions in the band."""

    crops: list[np.ndarray]
    borders: list[int]


def digit_grid(band: np.ndarray, expected_cells: int, line_height: float) -> DigitGrid | None:
    """The row of digit boxes in a band (see DigitGrid); None when no such row is found."""
    cells = box_grid_columns(band, expected_cells, line_height)
    if cells is None:
        return None
    left = cells[0][0]
    borders = [a - left for a, _ in cells] + [cells[-1][1] - left]
    row = band[:, left : cells[-1][1]]
    crops = [remove_ruling(row, borders)]
    rules = _top_and_bottom_rules(row, (borders[-1] - borders[0]) / len(cells))
    if rules is not None:
        top, bottom = rules
        margin = int(BOX_MARGIN * (bottom - top))
        boxes = row[max(0, top - margin) : bottom + margin + 1]
        if boxes.shape[0] < row.shape[0]:
            crops.append(remove_ruling(boxes, borders))
        crops.append(remove_ruling(row[top : bottom + 1], borders))
    return DigitGrid(crops, [left + x for x in borders])


def _top_and_bottom_rules(row: np.ndarray, pitch: float) -> tuple[int, int] | None:
    """The y positions of the horizontal rules above and below a row of boxes `pitch` wide: the two rules
    running across most of the row farthest apart, as a box is high or up to twice that.

    On a photo the row is slightly tilted, so a rule steps from one pixel row to the next: runs of a box's
    width are kept, and counted over a few pixel rows."""
    ink = cv2.threshold(grayscale(row), 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)[1]
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (max(3, int(pitch)), 1))
    opened = cv2.morphologyEx(ink, cv2.MORPH_OPEN, kernel)
    for step in RULE_STEP_ROWS:
        if (pair := _rules_counted_over(opened, pitch, step)) is not None:
            return pair
    return None


def _rules_counted_over(opened: np.ndarray, pitch: float, step: int) -> tuple[int, int] | None:
    """`_top_and_bottom_rules` with each rule counted over `step` pixel rows."""
    runs = cv2.dilate(opened, np.ones((step, 1), np.uint8))
    rows = np.flatnonzero((runs > 0).sum(axis=1) >= 0.6 * opened.shape[1])
    if not rows.size:
        return None
    spread = step // 2  # what the dilation added at each edge of a rule
    rules = [
        (int(rule[0]) + spread, int(rule[-1]) - spread)
        for rule in np.split(rows, np.flatnonzero(np.diff(rows) > 1) + 1)
    ]
    pairs = [
        (above[0], below[1])
        for i, above in enumerate(rules)
        for below in rules[i + 1 :]
        if 0.6 * pitch <= below[1] - above[0] <= 2 * pitch
    ]
    return max(pairs, key=lambda pair: pair[1] - pair[0], default=None)


def _stroke_borders(columns: np.ndarray) -> list[int]:
    """The middle of each run of adjacent stroke columns (x positions)."""
    if not columns.size:
        return []
    borders: list[int] = []
    run_start = previous = int(columns[0])
    for x in columns[1:]:
        if x - previous > 2:
            borders.append((run_start + previous) // 2)
            run_start = int(x)
        previous = int(x)
    borders.append((run_start + previous) // 2)
    return borders


def _grid_cells(
    columns: np.ndarray, expected_cells: int, height: float, width: int, faint: Sequence[int] = ()
) -> list[tuple[int, int]] | None:
    """The cells of the regular grid that the stroke columns (x positions) fit, or None; `faint`: borders
    of shorter strokes, which decide between equally good fits."""
    borders = _stroke_borders(columns)
    if len(borders) > MAX_STROKES_PER_BORDER * (expected_cells + 1):
        return None  # strokes of letters or handwriting, not a row of boxes (and the fit grows as their cube)
    fitted = _fit_regular_grid(borders, expected_cells, height, width, faint)
    if fitted is None:
        return None
    return list(pairwise(fitted))


def _fit_regular_grid(
    borders: list[int], cells: int, height: float, width: int, faint: Sequence[int] = ()
) -> list[int] | None:
    """The `cells + 1` evenly spaced borders that most detected strokes fall on; between fits that match
    as many, the one more `faint` strokes fall on, then the closer one.

    Handwritten digits have strokes as tall as the boxes, and a border can be faint or cut; so rather than
    trusting every stroke, fit the regular grid the boxes form and keep the strokes that lie on it."""
    best: tuple[int, int, float, list[int]] | None = None
    for i, a in enumerate(borders):
        for b in borders[i + 1 :]:
            for steps in range(1, cells + 1):
                pitch = (b - a) / steps
                if not height * 0.3 < pitch < height * 2.5:
                    continue
                tolerance = 0.15 * pitch
                for first in range(-(cells - steps), 1):
                    lines = [a + (first + k) * pitch for k in range(cells + 1)]
                    if lines[0] < -tolerance or lines[-1] > width + tolerance:
                        continue
                    snapped = []
                    error = 0.0
                    for line in lines:
                        nearest = min(borders, key=lambda x, line=line: abs(x - line))
                        if abs(nearest - line) <= tolerance:
                            snapped.append(nearest)
                            error += abs(nearest - line)
                        else:
                            snapped.append(round(line))
                    matched = sum(1 for line in lines if any(abs(x - line) <= tolerance for x in borders))
                    seen = sum(1 for line in lines if any(abs(x - line) <= tolerance for x in faint))
                    if best is None or (matched, seen, -error) > best[:3]:
                        best = (matched, seen, -error, snapped)
    if best is None or best[0] < 0.75 * (cells + 1):
        return None
    return [min(max(0, x), width) for x in best[3]]
