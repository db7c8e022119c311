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

The other way round, an ID whose century/sex and year digits still disagree with the date (the date's
handwriting held its year) is read once more by the handwriting model with the date's digits imposed: the ID
as read with only those three digits changed, then (not in digit boxes) the likeliest ID that has them. A
reading about as likely as the model's best 12-digit number (extraction.yaml `id_birth_digits`) is taken,
flagged `id_digits_from_birth_date`; an ID written inconsistent with the date falls far behind.

A sex that neither reading nor scoring made out ("5", "Aa" in a members' table) is the one the ID encodes when
the ID's year is the date's, flagged `sex_from_id`: the two readings agreeing vouch for the ID's first digits
(not when they agree because one was taken from the other, nor when a middle name says the other sex:
extraction.yaml `sex_of_middle_names`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from intake.model import ExtractedField, Page
from intake.personal_id import (
    ADULT_AGE,
    BIRTH_YEAR_FROM_ID,
    ID_DIGITS_FROM_BIRTH_DATE,
    OF_AGE,
    SEX_FROM_ID,
    birth_digits,
    id_birth_data,
)

from .confirm import value_crops
from .fields import RereadCrops
from .normalize import DIGIT_LOOKALIKES, NORMALIZERS
from .ocr.base import OcrEngine
from .templates import ExtractionRules

YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")
ISO_YEAR = re.compile(r"^(\d{4})-\d{2}-\d{2}$")
DIGITS = "0123456789"


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


def reread_id_birth_digits(
    fields: dict[str, ExtractedField],
    pages: list[Page],
    images: dict[int, np.ndarray],
    rules: ExtractionRules,
    engine: OcrEngine | None,
    boxes: int | None = None,
) -> None:
    """Re-read `personal_id` with the century/sex and year digits of `date_of_birth` (and `gender`) imposed
    when it disagrees with them (see the module's docstring). `boxes`: the ID is written in that many digit
    boxes."""
    number, born, sex = fields.get("personal_id"), fields.get("date_of_birth"), fields.get("gender")
    bound = rules.id_birth_digits
    if engine is None or bound is None or number is None or born is None or number.page is None:
        return
    as_read, year = str(number.value or ""), iso_year(born)
    encoded, holder_sex = id_birth_data(as_read), sex.value if sex is not None else None
    known_sex = holder_sex if holder_sex in ("male", "female") else None
    imposed = birth_digits(year, known_sex) if year is not None else None
    if encoded is None or imposed is None or _agrees(encoded, year, holder_sex):
        return
    image = images.get(number.page)
    if (
        image is None
        or pages[number.page].kind == "born_digital_pdf"
        or not (crops := value_crops(image, number, boxes))
    ):
        return
    changed, likeliest = _readings_with_digits(engine, crops, as_read, imposed)
    # In a row of boxes the likeliest 12-digit number is itself a poor reading, and any number with the
    # date's digits comes near it however the boxes were filled: there only the ID as read is weighed.
    weighed = [changed] if boxes else [changed, likeliest]
    reading = next((text for shortfall, text in weighed if shortfall <= bound.max_shortfall), None)
    if reading is None:
        return
    fields["personal_id"] = number.model_copy(
        update={
            "value": reading,  # `raw` keeps what was first read
            "needs_review": True,
            "review_reasons": [*number.review_reasons, ID_DIGITS_FROM_BIRTH_DATE],
        }
    )


def _readings_with_digits(
    engine: OcrEngine, crops: list[np.ndarray], as_read: str, imposed: tuple[str, str]
) -> tuple[tuple[float, str], tuple[float, str]]:
    """The ID as read with only its birth digits made `imposed`'s, and the likeliest ID that has them, each
    with how far it falls behind the likeliest 12-digit number of the crop that shows it best. (Behind the
    likeliest number, not the likeliest reading: that one spaces the digits of a row of boxes.)"""
    centuries, year_digits = imposed
    changed = [[*as_read[:3], century, *year_digits, *as_read[6:]] for century in centuries]
    likeliest = [DIGITS] * 3 + [centuries, *year_digits] + [DIGITS] * 6
    best: list[tuple[float, str]] = [(math.inf, "")] * (len(changed) + 1)
    for crop in crops:
        read = engine.read_in_formats(crop, [*changed, likeliest, [DIGITS] * 12])
        if read is None or (any_number := read[-1]) is None:
            continue
        for form, found in enumerate(read[:-1]):
            if found is not None:
                best[form] = min(best[form], (float(found[1] - any_number[1]), found[0]))
    return min(best[:-1]), best[-1]


def iso_year(born: ExtractedField) -> int | None:
    """The year of a date of birth normalised to ISO form ("1987-11-01"); None for anything else."""
    match = ISO_YEAR.match(str(born.value or ""))
    return int(match.group(1)) if match else None


def _agrees(encoded: tuple[int, str], year: int, sex: object) -> bool:
    """Whether an ID's birth year and sex agree with the date's year and the sex read (if read at all)."""
    if sex in ("male", "female"):
        return encoded == (year, sex)
    return encoded[0] == year


def sex_from_id(fields: dict[str, ExtractedField], middle_names: dict[str, list[str]] | None = None) -> None:
    """Take an unreadable `gender` from `personal_id` when the ID's birth year is `date_of_birth`'s (see the
    module's docstring); one taken so is taken again from an ID replaced since. Not when the two agree by
    construction: a year copied from the ID, or an ID re-read with the date's digits imposed; nor when a
    middle name of `full_name` says the other sex (`middle_names`, by sex: "Phạm Thị Ngọc" and an ID of a
    man, seed 5477 hs_0123): the ID may be the one written wrong."""
    sex, number, born = fields.get("gender"), fields.get("personal_id"), fields.get("date_of_birth")
    if sex is None or number is None or born is None:
        return
    if sex.value in (None, "male", "female") and SEX_FROM_ID not in sex.review_reasons:
        return
    if BIRTH_YEAR_FROM_ID in born.review_reasons or ID_DIGITS_FROM_BIRTH_DATE in number.review_reasons:
        return
    encoded = id_birth_data(str(number.value or ""))
    if encoded is None or iso_year(born) != encoded[0]:
        return
    as_read = NORMALIZERS["gender"](str(sex.raw or sex.value or ""))
    if _name_says_otherwise(fields.get("full_name"), encoded[1], middle_names or {}):
        if SEX_FROM_ID in sex.review_reasons:  # taken from an ID replaced since: unread again
            kept = [reason for reason in sex.review_reasons if reason != SEX_FROM_ID]
            reasons = kept if as_read.problem in (None, *kept) else [*kept, as_read.problem]
            fields["gender"] = sex.model_copy(
                update={"value": as_read.value, "needs_review": True, "review_reasons": reasons}
            )
        return
    failure = as_read.problem
    kept = [reason for reason in sex.review_reasons if reason not in (failure, SEX_FROM_ID)]
    fields["gender"] = sex.model_copy(
        update={"value": encoded[1], "needs_review": True, "review_reasons": [*kept, SEX_FROM_ID]}
    )


def _name_says_otherwise(name: ExtractedField | None, sex: str, middle_names: dict[str, list[str]]) -> bool:
    """Whether a middle name of `name` is one `middle_names` gives to the sex other than `sex`."""
    if name is None or not isinstance(name.value, str):
        return False
    middles = {word.casefold() for word in name.value.split()[1:-1]}
    return any(
        word.casefold() in middles for other, words in middle_names.items() if other != sex for word in words
    )


def weigh_birth_data(
    fields: dict[str, ExtractedField],
    pages: list[Page],
    images: dict[int, np.ndarray],
    rules: ExtractionRules,
    engine: OcrEngine | None,
    boxes: int | None = None,
) -> None:
    """One person's date of birth, ID and sex weighed against each other, in that order: the date's year
    against the ID's, the ID's birth digits against the date's, then an unread sex from the ID."""
    reread_birth_year(fields, pages, images, rules, engine)
    reread_id_birth_digits(fields, pages, images, rules, engine, boxes)
    sex_from_id(fields, rules.sex_of_middle_names)


# The cells of a members' row weighed against each other, and what the table says when one is replaced.
MEMBER_CELLS_REREAD = ("date_of_birth", "personal_id", "gender")


def reread_member_birth_data(
    table: ExtractedField,
    pages: list[Page],
    images: dict[int, np.ndarray],
    rules: ExtractionRules,
    engine: OcrEngine | None,
) -> ExtractedField:
    """The household-members table with each row's date of birth, ID and sex weighed against each other as
    the declarant's are (`weigh_birth_data`), from the row's own cells. A cell so replaced is flagged on the
    table (`date_of_birth:birth_year_from_id`, `personal_id:id_digits_from_birth_date`,
    `gender:sex_from_id`)."""
    if not table.rows or not isinstance(table.value, list) or len(table.rows) != len(table.value):
        return table
    rows, members, replaced = [], [], False
    for read, member in zip(table.rows, table.value, strict=True):
        cells = dict(read)
        weigh_birth_data(cells, pages, images, rules, engine)
        for key in MEMBER_CELLS_REREAD:
            if cells.get(key) is not read.get(key):
                replaced = True
                member = {**member, key: cells[key].value}
        rows.append(cells)
        members.append(member)
    if not replaced:
        return table
    # The columns' reasons again from their cells: a year taken from the ID may have mended a failing date.
    kept = [
        r for r in table.review_reasons if not r.startswith(tuple(f"{key}:" for key in MEMBER_CELLS_REREAD))
    ]
    cell_reasons = {
        f"{key}:{reason}"
        for cells in rows
        for key in MEMBER_CELLS_REREAD
        if (cell := cells.get(key)) is not None
        for reason in cell.review_reasons
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
    return WrittenYear(raw, years[-1], RereadCrops.around(image, born.box, "date"))


def _year_as_digits(raw: str) -> str:
    """The date as read, its last four-character word taken as digits when its look-alike letters make a
    year ("25/2/196G" is scored as "25/2/1966"); the words before it are left as read."""
    for word in reversed(list(re.finditer(r"(?<!\w)\w{4}(?!\w)", raw))):
        digits = word.group().translate(DIGIT_LOOKALIKES)
        if digits.isdigit() and digits[:2] in ("19", "20"):
            return raw[: word.start()] + digits + raw[word.end() :]
    return raw
