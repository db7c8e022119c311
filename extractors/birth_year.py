"""The year of a handwritten date of birth, weighed by the handwriting recogniser against the years it could
also be: the year the personal ID encodes, and the years that would make its holder a minor.

In handwriting an 8 reads as a 6 and a 2 as a 1, so a misread year explains such a disagreement far more
often than a wrong ID does. The handwriting recogniser therefore scores the date as read against the same
date with the ID's year, in the crops of the handwriting re-read. The ID's year is taken only when every
crop prefers it by the margin of extraction.yaml `handwritten_choices`, and the date is then flagged
`birth_year_from_id`, so that a person still sees it; otherwise the reading stays and the validators report
the disagreement. A date really written with another year than the ID's scores far higher as read. Each row
of the household-members table is weighed the same way, from its own cells.

An unsure date whose year makes its holder of age is scored the same way against every year that would make
them a minor. When every crop prefers the year as read by the margin, the date `settles` the question of age
(intake.personal_id.OF_AGE), though it stays flagged: a misread day or month, or a misread year among the
years of adults, cannot make a minor. Probed on the 90 unsure dates of birth of the seed-4242, -7777 and
-2026 sets: every adult's year as read beat all minors' years (by 5 to 46 in most, 1 to 3 in four of
the 2000s); the three minors' dates were all read as minors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from intake.model import ExtractedField, Page
from intake.personal_id import ADULT_AGE, BIRTH_YEAR_FROM_ID, OF_AGE, id_birth_data

from .fields import RereadCrops
from .normalize import DIGIT_LOOKALIKES, NORMALIZERS
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
    if engine is None or born is None or number is None or BIRTH_YEAR_FROM_ID in born.review_reasons:
        return  # a year already taken from the ID is no longer the year as written
    encoded = id_birth_data(str(number.value or ""))
    written = _written_year(born, pages, images)
    if encoded is None or written is None or int(written.year.group()) == encoded[0]:
        return
    with_id_year = written.with_year(encoded[0])
    if written.choose([written.raw, with_id_year], rules, engine) != with_id_year:
        return
    value = NORMALIZERS["date"](with_id_year)
    if not value.ok:
        return
    failure = NORMALIZERS["date"](written.raw).problem
    reasons = [reason for reason in born.review_reasons if reason != failure]
    fields["date_of_birth"] = born.model_copy(
        update={
            "value": value.value,
            "raw": with_id_year,
            "needs_review": True,
            "review_reasons": [*reasons, BIRTH_YEAR_FROM_ID],
            "settles": [],  # what the year as read settled
        }
    )


def reread_member_birth_years(
    table: ExtractedField,
    pages: list[Page],
    images: dict[int, np.ndarray],
    rules: ExtractionRules,
    engine: OcrEngine | None,
) -> ExtractedField:
    """The household-members table with each row's date of birth weighed as `reread_birth_year` weighs
    the declarant's, from the row's own cells. A year so replaced is flagged
    `date_of_birth:birth_year_from_id` on the table."""
    if not table.rows or not isinstance(table.value, list) or len(table.rows) != len(table.value):
        return table
    rows, members, replaced = [], [], False
    for read, member in zip(table.rows, table.value, strict=True):
        cells = dict(read)
        reread_birth_year(cells, pages, images, rules, engine)
        if cells.get("date_of_birth") is not read.get("date_of_birth"):
            replaced = True
            member = {**member, "date_of_birth": cells["date_of_birth"].value}
        rows.append(cells)
        members.append(member)
    if not replaced:
        return table
    # The column's reasons again from its cells: a year taken from the ID may have mended a failing date.
    kept = [reason for reason in table.review_reasons if not reason.startswith("date_of_birth:")]
    cell_reasons = {
        f"date_of_birth:{reason}"
        for cells in rows
        if (born := cells.get("date_of_birth")) is not None
        for reason in born.review_reasons
        if reason not in ("handwriting_unconfirmed", "low_confidence")
    }
    reasons = sorted({*kept, *cell_reasons})
    return table.model_copy(
        update={"value": members, "rows": rows, "needs_review": True, "review_reasons": reasons}
    )


def settle_of_age(
    fields: dict[str, ExtractedField],
    pages: list[Page],
    images: dict[int, np.ndarray],
    rules: ExtractionRules,
    engine: OcrEngine | None,
    reference_year: int,
) -> None:
    """Mark an unsure `date_of_birth` whose year makes its holder of age as settling that question, when
    its handwriting prefers the year as read over every year of a minor (see the module's docstring).
    `reference_year` is the year of receipt; the years weighed reach one beyond it on either side."""
    born = fields.get("date_of_birth")
    if engine is None or born is None or not born.needs_review:
        return
    written = _written_year(born, pages, images)
    if written is None or not NORMALIZERS["date"](written.raw).ok:
        return
    minors = range(reference_year - ADULT_AGE - 1, reference_year + 2)
    if int(written.year.group()) >= minors.start:
        return
    alternatives = [written.with_year(other) for other in minors]
    if written.choose([written.raw, *alternatives], rules, engine) == written.raw:
        fields["date_of_birth"] = born.model_copy(update={"settles": [*born.settles, OF_AGE]})


@dataclass
class WrittenYear:
    """A date of birth as read, the four-digit year in it, and the crops of the page it was written on."""

    raw: str
    year: re.Match[str]
    crops: RereadCrops | None

    def with_year(self, year: int) -> str:
        return f"{self.raw[: self.year.start()]}{year}{self.raw[self.year.end() :]}"

    def choose(self, forms: list[str], rules: ExtractionRules, engine: OcrEngine) -> str | None:
        """The form every crop prefers by the margin of handwritten_choices, or None."""
        chosen = self.crops.choose(forms, rules.handwritten_choices.margin, engine) if self.crops else None
        return chosen[0] if chosen else None


def _written_year(
    born: ExtractedField, pages: list[Page], images: dict[int, np.ndarray]
) -> WrittenYear | None:
    """The date's last four-digit year, when the date was read from an image (not a text layer)."""
    if born.box is None or born.page is None or not born.raw:
        return None
    raw = _year_as_digits(born.raw)
    years = list(YEAR.finditer(raw))
    image = images.get(born.page)
    if not years or image is None or pages[born.page].kind == "born_digital_pdf":
        return None
    return WrittenYear(raw, years[-1], RereadCrops.around(image, born.box))


def _year_as_digits(raw: str) -> str:
    """The date as read, its last four-character word taken as digits when its look-alike letters make a
    year ("25/2/196G" is scored as "25/2/1966"); the words before it are left as read."""
    for word in reversed(list(re.finditer(r"(?<!\w)\w{4}(?!\w)", raw))):
        digits = word.group().translate(DIGIT_LOOKALIKES)
        if digits.isdigit() and digits[:2] in ("19", "20"):
            return raw[: word.start()] + digits + raw[word.end() :]
    return raw
