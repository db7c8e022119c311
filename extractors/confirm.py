"""Cross-document confirmation: a value only the handwriting model read is confirmed when another paper of the
same dossier carries exactly the same value, read without doubt (the declarant's ID on the typed rental
contract, a name on the ownership certificate). Two independent sources agreeing is the second opinion the
model lacks. A value on the same form never confirms another.

A handwritten ID that was read with doubt, or misread, is weighed against each sure ID of the other papers:
the handwriting model scores its row of boxes as spelling that ID, and the ID is taken when the image says it
about as well as anything the model can read there (a small shortfall behind its best reading). On the
development sets, the IDs of other people fell 33 or more behind and the holder's own mostly under 4
(extraction.yaml). The model is often unsure of single digits, so a form that carries one digit other than
the contract's can be taken for the contract's ID; the value kept is then the typed paper's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from intake.model import Document, ExtractedField

from . import marks
from .ocr.base import OcrEngine
from .templates import ConfirmationRules

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


def confirm_by_weighing(
    documents: list[Document],
    images: dict[int, np.ndarray],
    digit_boxes: Callable[[Document, str], int | None],
    rules: ConfirmationRules,
    engine: OcrEngine | None,
) -> int:
    """Replace unsure values in rows of digit boxes by the one sure value of their group on another paper
    that the handwriting model finds written there (see the module docstring); return how many."""
    weighed = rules.weighed
    if weighed is None or engine is None:
        return 0
    confirmed = 0
    for group, charset in weighed.charsets.items():
        keys = rules.groups.get(group, [])
        sure_values = {
            (document.index, value): found.confidence
            for document in documents
            for key in keys
            if (found := document.fields.get(key)) is not None and _sure(found)
            for value in _comparable(found.value)
        }
        for document in documents:
            candidates = {
                value: confidence
                for (index, value), confidence in sure_values.items()
                if index != document.index
            }
            for key in keys:
                found = document.fields.get(key)
                boxes = digit_boxes(document, key)
                if (
                    not candidates
                    or found is None
                    or not found.needs_review
                    or not isinstance(found.value, str | None)
                    or not boxes
                    or found.page is None
                ):
                    continue
                image = images.get(found.page)
                grid = None if image is None else _digit_grid_at(image, found, boxes)
                if grid is None:
                    continue
                written = [
                    value
                    for value in sorted(candidates)
                    if len(value) == boxes
                    and (shortfall := engine.reading_shortfall(grid, value, charset)) is not None
                    and shortfall <= weighed.max_shortfall
                ]
                if len(written) != 1:
                    continue
                value = written[0]
                document.fields[key] = found.model_copy(
                    update={
                        "value": value,
                        "confidence": candidates[value],  # as sure as the paper it was read from
                        "needs_review": False,
                        "review_reasons": [],
                        "confirmed_by_other_document": True,
                    }
                )
                confirmed += 1
    return confirmed
