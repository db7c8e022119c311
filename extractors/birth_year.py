"""A date of birth read again when its year disagrees with the year the personal ID number encodes.

In handwriting an 8 reads as a 6 and a 2 as a 1, so a misread year explains such a disagreement far more
often than a wrong ID does. The handwriting recogniser therefore scores the date as read against the same
date with the ID's year, in the crops of the handwriting re-read. The ID's year is taken only when every
crop prefers it by the margin of extraction.yaml `handwritten_choices`, and the date is then flagged
`birth_year_from_id`, so that a person still sees it; otherwise the reading stays and the validators report
the disagreement. A date really written with another year than the ID's scores far higher as read.
"""

from __future__ import annotations

import re

import numpy as np

from intake.model import ExtractedField, Page
from intake.personal_id import BIRTH_YEAR_FROM_ID, id_birth_data

from .fields import RereadCrops
from .normalize import NORMALIZERS
from .ocr.base import OcrEngine
from .templates import ExtractionRules

YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")


def reread_birth_year(
    fields: dict[str, ExtractedField],
    pages: list[Page],
    images: dict[int, np.ndarray],
    rules: ExtractionRules,
    engine: OcrEngine | None,
) -> None:
    """Replace the year of `date_of_birth` by the one `personal_id` encodes when the page's handwriting
    says so (see the module's docstring)."""
    born, number = fields.get("date_of_birth"), fields.get("personal_id")
    if engine is None or born is None or number is None or born.box is None or born.page is None:
        return
    encoded = id_birth_data(str(number.value or ""))
    years = list(YEAR.finditer(born.raw or ""))
    image = images.get(born.page)
    if encoded is None or not years or image is None or pages[born.page].kind == "born_digital_pdf":
        return
    raw, year = born.raw or "", years[-1]
    if int(year.group()) == encoded[0]:
        return
    with_id_year = f"{raw[: year.start()]}{encoded[0]}{raw[year.end() :]}"
    crops = RereadCrops.around(image, born.box)
    choice = crops.choose([raw, with_id_year], rules.handwritten_choices.margin, engine) if crops else None
    if choice is None or choice[0] != with_id_year:
        return
    value = NORMALIZERS["date"](with_id_year)
    if not value.ok:
        return
    failure = NORMALIZERS["date"](raw).problem
    reasons = [reason for reason in born.review_reasons if reason != failure]
    fields["date_of_birth"] = born.model_copy(
        update={
            "value": value.value,
            "raw": with_id_year,
            "needs_review": True,
            "review_reasons": [*reasons, BIRTH_YEAR_FROM_ID],
        }
    )
