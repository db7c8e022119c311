"""Cross-document confirmation: a value only the handwriting model read is confirmed when another paper of the
same dossier carries exactly the same value, read without doubt (the declarant's ID on the typed rental
contract, a name on the ownership certificate). Two independent sources agreeing is the second opinion the
model lacks. A value on the same form never confirms another so (it may by weighing, below).

An unsure value (a handwritten ID or name read with doubt, or misread) is also weighed against each sure value
of its group on the other papers, and for IDs on the same form too (a declarant who heads the household writes
their ID twice; the weighing, not the agreement, is the evidence). The handwriting model scores the value's
place as holding that value, and the value is taken when the image says it about as well as anything the
model can read there (a small shortfall behind its best reading; the bounds and their probes are in
extraction.yaml). Other people's IDs and names fall far behind. The model is often unsure of single digits,
so a form that carries one digit other than the contract's can be taken for the contract's ID; the value kept
is then the typed paper's. A name that differs by a word (another middle name) is never taken for another.

A part of a value may quote another paper (templates `quotes`): the house and street a request asks for are
those of the paper proving lawful residence there. A request read in doubt is mended to that part where it is
a slip or two away from it (`mend_quotes`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from rapidfuzz.distance import Levenshtein

from intake.model import Document, ExtractedField, OcrLine

from . import marks
from .fields import RereadCrops, clipped_crop, line_holding, whole_line_crop
from .normalize import tone_key
from .ocr.base import OcrEngine
from .places import gazetteer
from .templates import ConfirmationRules, Quote, WeighedGroup

UNCONFIRMED = "handwriting_unconfirmed"
FROM_OTHER_DOCUMENT = "from_other_document"


def _comparable(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [" ".join(str(item).split()).casefold() for item in items if item not in (None, "")]


def _sure(found: ExtractedField) -> bool:
    return not found.needs_review


def confirm_across_documents(documents: list[Document], rules: ConfirmationRules) -> int:
    """Clear the handwriting flag of values a sure value elsewhere in the dossier repeats; return how many."""
    confirmed = 0
    for keys in rules.groups.values():
        # Taken before any is confirmed: a value confirmed here confirms nothing else.
        sure_elsewhere = {
            document.index: {
                form for value in _sure_elsewhere(documents, document, keys) for form in _comparable(value)
            }
            for document in documents
        }
        for document in documents:
            elsewhere = sure_elsewhere[document.index]
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


# A quoted part read in doubt is near another paper's when they differ in at most one character in this many.
QUOTE_CHARS_PER_EDIT = 4


def mend_quotes(documents: list[Document], rules: ConfirmationRules) -> int:
    """Each quoted part of a value read in doubt (templates `quotes`: the address a CT01 request asks for)
    that differs from the part a sure source on another paper carries, and is a slip of one such part only
    (`_slip_of`), is mended to it, flagged; return how many. A handwritten request misreads a letter or two
    of the street ("phốcLê Lai", "Trưng Chinh") or loses a digit ("Số 8" for "Số 88") that the typed
    certificate or contract reads sure; on eight sets the street a request asked for was always that of a
    proof paper of the dossier."""
    mended = 0
    for quote in rules.quotes:
        for document in documents:
            found = document.fields.get(quote.within)
            if found is None or not found.needs_review or not isinstance(found.value, str):
                continue
            if (quoted := re.search(quote.pattern, found.value)) is None:
                continue
            if quote.listed_place_stands and tone_key(quoted["value"]) in gazetteer().known:
                continue
            parts = _quoted_elsewhere(documents, document, quote)
            # Case and spacing alone the text cannot settle: a typed paper may read "ngõ 1 10" as well.
            if _as_compared(quoted["value"]) in parts:
                continue
            near = {part for part in parts.values() if _slip_of(quoted["value"], part)}
            if len(near) != 1:
                continue
            start, end = quoted.span("value")
            document.fields[quote.within] = found.model_copy(
                update={
                    "value": found.value[:start] + near.pop() + found.value[end:],
                    "review_reasons": [*found.review_reasons, FROM_OTHER_DOCUMENT],
                }
            )
            mended += 1
    return mended


def _as_compared(text: str) -> str:
    return "".join(text.split()).casefold()


# A house number is its digits, the marks between them and its letters ("12/3A", "5-7"); in a handwritten
# reading a lower-case letter in it is a misreading ("n14"), on a typed paper part of it ("12a").
HOUSE_NUMBER_MARKS = "/-"
# A digit more or less is a slip in a house's number ("Số 8 đường Lê Duẩn" for "Số 88 …"), with the street
# after it to tell the house; in a group's, a room's or a lot's ("Tổ 3", "Phòng 203", "Lô A12"), or a number
# alone ("Số 5, ngõ 45, …"), it may be another.
HOUSE_NUMBER_PART = re.compile(r"(?i)^s[ốo]\s*\d\S*\s+\S*[^\W\d_]")


# "Số" read run into the number after it ("Số41").
HOUSE_NUMBER_LABEL = re.compile(r"(?i)^s[ốo](?=\d)")


def _house_numbers(text: str, misread_lower_case: bool) -> str:
    """The house numbers of `text`, one word's apart from the next ("Số 16 ngõ 45": "16 45")."""
    numbers = []
    for word in text.split():
        if not any(map(str.isdigit, word)):
            continue
        kept = [
            char
            for char in HOUSE_NUMBER_LABEL.sub("", word)
            if char.isdigit()
            or char in HOUSE_NUMBER_MARKS
            or (char.isalpha() and not (misread_lower_case and char.islower()))
        ]
        numbers.append("".join(kept).upper())
    return " ".join(numbers)


def _slip_of(as_read: str, part: str) -> bool:
    """Whether `as_read` is `part` read with slips: within one edit in QUOTE_CHARS_PER_EDIT characters, in
    the same case style, and its house numbers the same, or, in a house and street (HOUSE_NUMBER_PART), the
    house's number read with one digit or "/" more or less or its "/" as a digit ("Số 8" for "Số 88", "Số
    15410" for "Số 154/10", "Số 4667" for "Số 46/7") and the others the same. A digit or a letter read for
    another ("Số 5" for "Số 6", "12A" for "12B"), a mark moved ("1/23", "12/3"), or a lane's, a group's or a
    room's number read otherwise may be another place."""
    if part.isupper() != as_read.isupper():
        return False
    if Levenshtein.distance(as_read.casefold(), part.casefold()) > len(part) // QUOTE_CHARS_PER_EDIT:
        return False
    numbers, numbers_read = _house_numbers(part, False), _house_numbers(as_read, True)
    if numbers in (numbers_read, _house_numbers(as_read, False)):
        return True
    house, *others = numbers.split(" ")
    house_read, *others_read = numbers_read.split(" ")
    if HOUSE_NUMBER_PART.match(part) is None or others != others_read:
        return False
    longer, shorter = sorted((house_read, house), key=len, reverse=True)
    return _slash_read_as_digit(house_read, house) or any(
        longer[:index] + longer[index + 1 :] == shorter
        for index, char in enumerate(longer)
        if char.isdigit() or char == "/"
    )


def _slash_read_as_digit(numbers_read: str, numbers: str) -> bool:
    """Whether a house number was read with its one "/" as a digit ("4667" for "46/7")."""
    if len(numbers_read) != len(numbers) or numbers.count("/") != 1:
        return False
    differing = [(read, typed) for read, typed in zip(numbers_read, numbers, strict=True) if read != typed]
    return len(differing) == 1 and differing[0][0].isdigit() and differing[0][1] == "/"


def _quoted_elsewhere(documents: list[Document], document: Document, quote: Quote) -> dict[str, str]:
    """The parts a quote takes of the sure values of its sources on the dossier's other papers, by their
    letters without case and spacing (`_as_compared`)."""
    sure = _sure_elsewhere(documents, document, quote.sources)
    parts = (re.search(quote.source_pattern, value) for value in sure)
    return {_as_compared(part["value"]): part["value"] for part in parts if part is not None}


# The band searched for a value's row of boxes around its box, in line heights.
BAND_REACH = 1.0
BAND_PAD = 0.35


def _digit_grid_at(image: np.ndarray, found: ExtractedField, boxes: int) -> list[np.ndarray] | None:
    """The crops of the value's row of digit boxes with the ruling painted out (marks.DigitGrid). The value's
    box is either the row itself with a margin above and below, or the text line it was read from; both line
    heights are tried."""
    box = found.box
    if box is None:
        return None
    for height in ((box.y1 - box.y0) / (1 + 2 * BAND_PAD), box.y1 - box.y0):
        pad, reach = BAND_PAD * height, BAND_REACH * height
        band = clipped_crop(image, box.x0 - reach, box.y0 - pad, box.x1 + reach, box.y1 + pad)
        if height < 4 or band is None or band.shape[1] <= height:
            continue
        if (found_grid := marks.digit_grid(band, boxes, height)) is not None:
            return found_grid.crops
    return None


def _line_crop_at(
    image: np.ndarray, found: ExtractedField, lines: Sequence[OcrLine]
) -> list[np.ndarray] | None:
    """The widest crop the handwriting re-read takes around a value written on a line (not ended at its last
    stroke: the bounds of extraction.yaml `weighed` were probed so), and the whole OCR line the value was
    read from. The value's box is estimated from its share of the line's text, and a
    hand written larger than the printed label leaves part of the value outside the first crop: the
    household head's name on seed 8017's hs_0188 fell 46.6 behind there, 0 in its whole line."""
    if found.box is None:
        return None
    crops = RereadCrops.around(image, found.box)
    found_crops = [crops.crop(min(crops.starts))] if crops is not None else []
    line = line_holding([line.box for line in lines], found.box)
    if line is not None and (whole := whole_line_crop(image, line)) is not None:
        found_crops.append(whole)
    return found_crops or None


def value_crops(
    image: np.ndarray, found: ExtractedField, boxes: int | None, lines: Sequence[OcrLine] = ()
) -> list[np.ndarray] | None:
    """The crops the handwriting model weighs a value in: its row of `boxes` digit boxes, or crops of the
    line it is written on (with the page's OCR `lines`, the whole line it was read from too)."""
    return _digit_grid_at(image, found, boxes) if boxes else _line_crop_at(image, found, lines)


def confirm_by_weighing(
    documents: list[Document],
    images: dict[int, np.ndarray],
    digit_boxes: Callable[[Document, str], int | None],
    rules: ConfirmationRules,
    engine: OcrEngine | None,
    lines: Mapping[int, Sequence[OcrLine]] | None = None,
) -> list[tuple[Document, str]]:
    """Replace unsure values by the one sure value of their group on another paper that the handwriting
    model finds written there (see the module docstring); return the (paper, field) replaced.

    A value in a row of digit boxes is weighed as the whole of the boxes, with the group's `charset` only;
    any other value as written somewhere in a crop around its box, or in its whole line (each page's OCR
    `lines`), as a whole word or number. An unsure value not in boxes that no sure one matches keeps how
    far each falls behind it (`weighed_against`)."""
    replaced: list[tuple[Document, str]] = []
    if engine is None:
        return replaced
    for group, weighing in rules.weighed.items():
        keys = rules.groups.get(group, [])
        for document in documents:
            elsewhere = _sure_elsewhere(documents, document, keys)
            for key in keys:
                found = document.fields.get(key)
                boxes = digit_boxes(document, key)
                candidates = elsewhere
                if weighing.same_paper:
                    candidates = _surest(elsewhere, _sure_on_paper(document, [k for k in keys if k != key]))
                if (
                    not candidates
                    or found is None
                    or not found.needs_review
                    or not isinstance(found.value, str | None)
                    or found.page is None
                    or (image := images.get(found.page)) is None
                ):
                    continue
                crops = value_crops(image, found, boxes, (lines or {}).get(found.page, ()))
                if crops is None:
                    continue
                shortfalls = {
                    value: _shortfall(engine, crops, value, weighing, boxes) for value in sorted(candidates)
                }
                passing = [
                    value
                    for value, shortfall in shortfalls.items()
                    if shortfall is not None and shortfall <= weighing.max_shortfall
                ]
                if len({form for value in passing for form in _comparable(value)}) == 1:
                    document.fields[key] = found.model_copy(
                        update={
                            "value": passing[0],  # `raw` keeps what was first read
                            "confidence": candidates[passing[0]],  # as sure as the paper it was read from
                            "needs_review": False,
                            "review_reasons": [],
                            "confirmed_by_other_document": True,
                        }
                    )
                    replaced.append((document, key))
                elif not passing and not boxes:
                    behind = _behind_as_read(engine, crops, found, shortfalls, weighing)
                    document.fields[key] = found.model_copy(update={"weighed_against": behind})
    return replaced


def _sure_elsewhere(documents: list[Document], document: Document, keys: list[str]) -> dict[str, float]:
    """The values of `keys` read without doubt on the dossier's other papers, with their confidence."""
    return _surest(*(_sure_on_paper(other, keys) for other in documents if other.index != document.index))


def _surest(*found: dict[str, float]) -> dict[str, float]:
    """Values with their confidence, from several sources: each at the highest confidence it was read with."""
    sure: dict[str, float] = {}
    for values in found:
        for value, confidence in values.items():
            sure[value] = max(confidence, sure.get(value, 0.0))
    return sure


def _sure_on_paper(document: Document, keys: list[str]) -> dict[str, float]:
    """The values of `keys` read without doubt on one paper, with their confidence."""
    sure: dict[str, float] = {}
    for key in keys:
        found = document.fields.get(key)
        if found is None or not _sure(found):
            continue
        values = found.value if isinstance(found.value, list) else [found.value]
        sure = _surest(sure, {str(value): found.confidence for value in values if value not in (None, "")})
    return sure


def _shortfall(
    engine: OcrEngine, crops: list[np.ndarray], value: str, weighing: WeighedGroup, boxes: int | None
) -> float | None:
    """How far the handwriting model finds `value` behind its best reading of the place, in the crop that
    shows it best: a row of `boxes` digit boxes as a whole, with the group's characters only, or a value
    anywhere on a line."""
    if boxes:
        known = [engine.reading_shortfall(crop, value, weighing.charset or "") for crop in crops]
    else:
        # A name printed in capitals on one paper may be written in ordinary case on another, and the reverse.
        forms = dict.fromkeys((value, value.upper(), value.title()))
        known = [engine.reading_shortfall_within(crop, form) for crop in crops for form in forms]
    return min((score for score in known if score is not None), default=None)


def _behind_as_read(
    engine: OcrEngine,
    crops: list[np.ndarray],
    found: ExtractedField,
    shortfalls: dict[str, float | None],
    weighing: WeighedGroup,
) -> dict[str, float]:
    """How far each weighed value falls behind the value as read, when the model can score the value as read:
    evidence that the paper carries another value. A reading the crop holds poorly (a slip or two, "Nguyễn
    Ngọc Nguy N") lessens each value's lead, never adds to it: the measure stays on the safe side. Probed on
    eight sets' unsure handwritten names the crop held more than 5 behind the model's best reading: the
    sure name of the same person on another paper fell at most 12.3 behind the reading, another person's
    25–99 (6547 hs_0087: 79.9)."""
    as_read = _shortfall(engine, crops, str(found.value or ""), weighing, None) if found.value else None
    if as_read is None or not math.isfinite(as_read):
        return {}
    return {
        value: round(behind - as_read, 2)
        for value, behind in shortfalls.items()
        if behind is not None and math.isfinite(behind)
    }
