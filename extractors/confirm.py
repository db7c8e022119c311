"""Cross-document confirmation: a value only the handwriting model read is confirmed when another paper of the
same dossier carries exactly the same value, read without doubt (the declarant's ID on the typed rental
contract, a name on the ownership certificate). Two independent sources agreeing is the second opinion the
model lacks. A value on the same form never confirms another.

An unsure value (a handwritten ID or name read with doubt, or misread) is also weighed against each sure value
of its group on the other papers: the handwriting model scores the value's place as holding that value, and
the value is taken when the image says it about as well as anything the model can read there (a small
shortfall behind its best reading; the bounds and their probes are in extraction.yaml). Other people's IDs
and names fall far behind. The model is often unsure of single digits, so a form that carries one digit
other than the contract's can be taken for the contract's ID; the value kept is then the typed paper's. A
name that differs by a word (another middle name) is never taken for another.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from intake.model import Document, ExtractedField

from . import marks
from .ocr.base import OcrEngine
from .templates import ConfirmationRules, WeighedGroup

UNCONFIRMED = "handwriting_unconfirmed"


def _comparable(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [" ".join(str(item).split()).casefold() for item in items if item not in (None, "")]


def _sure(found: ExtractedField) -> bool:
    return not found.needs_review


def confirm_across_documents(documents: list[Document], rules: ConfirmationRules) -> int:
    """Clear the handwriting flag of values a sure value elsewhere in the dossier repeats; return how many."""
    confirmed = 0
    for keys in rules.groups.values():
        sure_values = {
            (document.index, value)
            for document in documents
            for key in keys
            if (found := document.fields.get(key)) is not None and _sure(found)
            for value in _comparable(found.value)
        }
        if not sure_values:
            continue
        for document in documents:
            elsewhere = {value for index, value in sure_values if index != document.index}
            for key in keys:
                found = document.fields.get(key)
                if found is None or found.review_reasons != [UNCONFIRMED]:
                    continue
                values = _comparable(found.value)
                if values and all(value in elsewhere for value in values):
                    document.fields[key] = found.model_copy(
                        update={
                            "needs_review": False,
                            "review_reasons": [],
                            "confirmed_by_other_document": True,
                        }
                    )
                    confirmed += 1
    return confirmed


# The band searched for a value's row of boxes around its box, in line heights.
BAND_REACH = 1.0
BAND_PAD = 0.35
# A value written on a line (a name) is weighed in a crop reaching this far around its box, in line heights:
# its box is estimated from the line's text, and the model's reading of the line may be off by a letter.
LINE_REACH = (1.0, 0.8)
LINE_PAD = 0.2


def _digit_grid_at(image: np.ndarray, found: ExtractedField, boxes: int) -> np.ndarray | None:
    """The value's row of digit boxes with the ruling painted out. The value's box is either the row itself
    with a margin above and below, or the text line it was read from; both line heights are tried."""
    box = found.box
    if box is None:
        return None
    for height in ((box.y1 - box.y0) / (1 + 2 * BAND_PAD), box.y1 - box.y0):
        pad, reach = BAND_PAD * height, BAND_REACH * height
        y0, y1 = max(0, int(box.y0 - pad)), min(image.shape[0], int(box.y1 + pad))
        x0, x1 = max(0, int(box.x0 - reach)), min(image.shape[1], int(box.x1 + reach))
        if height < 4 or x1 - x0 <= height:
            continue
        if (grid := marks.digit_grid(image[y0:y1, x0:x1], boxes, height)) is not None:
            return grid[0]
    return None


def _line_crop_at(image: np.ndarray, found: ExtractedField) -> np.ndarray | None:
    box = found.box
    if box is None:
        return None
    height = box.y1 - box.y0
    y0, y1 = max(0, int(box.y0 - LINE_PAD * height)), min(image.shape[0], int(box.y1 + LINE_PAD * height))
    x0 = max(0, int(box.x0 - LINE_REACH[0] * height))
    x1 = min(image.shape[1], int(box.x1 + LINE_REACH[1] * height))
    return image[y0:y1, x0:x1] if y1 - y0 >= 8 and x1 - x0 >= 8 else None


def confirm_by_weighing(
    documents: list[Document],
    images: dict[int, np.ndarray],
    digit_boxes: Callable[[Document, str], int | None],
    rules: ConfirmationRules,
    engine: OcrEngine | None,
) -> int:
    """Replace unsure values by the one sure value of their group on another paper that the handwriting
    model finds written there (see the module docstring); return how many.

    A value in a row of digit boxes is weighed as the whole of the boxes, with the group's characters only;
    any other value as written somewhere in a crop around its box, whatever is around it. An unsure name
    that no sure one matches keeps how far each falls behind it (`weighed_against`)."""
    if engine is None:
        return 0
    confirmed = 0
    for group, weighing in rules.weighed.items():
        keys = rules.groups.get(group, [])
        for document in documents:
            candidates = _sure_elsewhere(documents, document, keys)
            for key in keys:
                found = document.fields.get(key)
                if (
                    not candidates
                    or found is None
                    or not found.needs_review
                    or not isinstance(found.value, str | None)
                    or found.page is None
                    or (image := images.get(found.page)) is None
                ):
                    continue
                boxes = digit_boxes(document, key)
                shortfalls = {
                    value: _shortfall(engine, image, found, value, boxes, weighing.charset)
                    for value in sorted(candidates)
                }
                passing = [
                    value
                    for value, shortfall in shortfalls.items()
                    if shortfall is not None and shortfall <= weighing.max_shortfall
                ]
                written = {form for value in passing for form in _comparable(value)}
                if len(written) == 1:
                    value = passing[0]
                    update: dict[str, Any] = {
                        "value": value,
                        "confidence": candidates[value],  # as sure as the paper it was read from
                        "needs_review": False,
                        "review_reasons": [],
                        "confirmed_by_other_document": True,
                    }
                    confirmed += 1
                elif not boxes and not written:
                    update = {"weighed_against": _behind_as_read(engine, image, found, shortfalls, weighing)}
                else:
                    continue
                document.fields[key] = found.model_copy(update=update)
    return confirmed


def _sure_elsewhere(documents: list[Document], document: Document, keys: list[str]) -> dict[str, float]:
    """The values of `keys` read without doubt on the dossier's other papers, with their confidence."""
    sure: dict[str, float] = {}
    for other in documents:
        for key in keys:
            found = other.fields.get(key)
            if other.index == document.index or found is None or not _sure(found):
                continue
            for value in found.value if isinstance(found.value, list) else [found.value]:
                if value not in (None, ""):
                    sure[str(value)] = max(found.confidence, sure.get(str(value), 0.0))
    return sure


def _shortfall(
    engine: OcrEngine,
    image: np.ndarray,
    found: ExtractedField,
    value: str,
    boxes: int | None,
    charset: str | None,
) -> float | None:
    """How far the handwriting model finds `value` behind its best reading of the field's place."""
    if boxes:
        grid = _digit_grid_at(image, found, boxes)
        if grid is None or charset is None or len(value) != boxes:
            return None
        return engine.reading_shortfall(grid, value, charset)
    crop = _line_crop_at(image, found)
    if crop is None:
        return None
    # A name printed in capitals on one paper may be written in ordinary case on another, and the reverse.
    forms = dict.fromkeys((value, value.upper(), value.title()))
    scores = [engine.reading_shortfall(crop, form) for form in forms]
    known = [score for score in scores if score is not None]
    return min(known, default=None)


def _behind_as_read(
    engine: OcrEngine,
    image: np.ndarray,
    found: ExtractedField,
    shortfalls: dict[str, float | None],
    weighing: WeighedGroup,
) -> dict[str, float]:
    """How far each weighed value falls behind the value as read, when the crop holds the value as read
    (within the group's bound): evidence that the paper carries another value."""
    as_read = _shortfall(engine, image, found, str(found.value or ""), None, weighing.charset)
    if as_read is None or as_read > weighing.max_shortfall:
        return {}
    return {value: round(behind - as_read, 2) for value, behind in shortfalls.items() if behind is not None}
