"""A handwritten birth year that disagrees with the ID's is read again, asking which of the two is written."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from helpers import hand_line

from extractors.birth_year import (
    _year_as_digits,
    reread_birth_year,
    reread_id_birth_digits,
    reread_member_birth_data,
    settle_of_age,
    sex_from_id,
)
from extractors.extract import _received_year
from extractors.ocr import shared_engine
from extractors.templates import load_templates
from intake.config import Settings
from intake.model import BoundingBox, Dossier, DossierMeta, ExtractedField, Page

ID_OF_1989 = "001089123456"  # born in the 1900s (4th digit 0), in '89


def _handwritten_page(label: str, written: str) -> tuple[BoundingBox, list[Page], dict[int, np.ndarray]]:
    """A page with a printed label and a handwritten value: the value's box, the page, its image."""
    crop = hand_line(written, font_px=44, label=label)
    image = np.full((300, 1600), 255, dtype=np.uint8)
    image[100 : 100 + crop.shape[0], 100 : 100 + crop.shape[1]] = crop
    value_x0 = 100 + crop.shape[1] - int(hand_line(written, font_px=44).shape[1])
    box = BoundingBox(x0=value_x0, y0=104, x1=100 + crop.shape[1] - 10, y1=100 + crop.shape[0] - 4)
    page = Page(index=0, file="ct01.jpg", file_page=1, kind="raster", width=1600, height=300)
    return box, [page], {0: np.stack([image] * 3, axis=-1)}


def _read_as(
    written: str, misread: str
) -> tuple[dict[str, ExtractedField], list[Page], dict[int, np.ndarray]]:
    """A page with a label and a handwritten date of birth, read as `misread`, and an ID of 1989."""
    box, pages, images = _handwritten_page("2. Ngày, tháng, năm sinh: ", written)
    fields = {
        "date_of_birth": ExtractedField(
            key="date_of_birth", value=None, raw=misread, confidence=0.85, page=0, box=box
        ),
        "personal_id": ExtractedField(key="personal_id", value=ID_OF_1989, confidence=0.99, page=0),
    }
    return fields, pages, images


@pytest.mark.parametrize(
    ("written", "misread", "expected", "flags"),
    [
        ("27/07/1989", "27/07/1969", "1989-07-27", ["birth_year_from_id"]),  # the 8 read as a 6
        ("27/07/1969", "27/07/1969", None, []),  # written so: the disagreement is the citizen's, kept
    ],
)
def test_the_year_the_handwriting_holds_wins(
    settings: Settings, written: str, misread: str, expected: str | None, flags: list[str]
) -> None:
    fields, pages, images = _read_as(written, misread)
    rules = load_templates(settings.templates_dir).extraction
    reread_birth_year(fields, pages, images, rules, shared_engine(settings))
    born = fields["date_of_birth"]
    assert (born.value, born.review_reasons) == (expected, flags)
    assert born.needs_review == bool(flags)


def test_a_born_digital_page_is_not_read_again(settings: Settings) -> None:
    fields, pages, images = _read_as("27/07/1989", "27/07/1969")
    pages[0].kind = "born_digital_pdf"
    rules = load_templates(settings.templates_dir).extraction
    reread_birth_year(fields, pages, images, rules, shared_engine(settings))
    assert fields["date_of_birth"].raw == "27/07/1969"


def test_each_household_member_row_is_weighed_from_its_own_cells(settings: Settings) -> None:
    misread_row, misread_page, misread_image = _read_as("27/07/1989", "27/07/1969")
    written_row, written_page, written_image = _read_as("27/07/1969", "27/07/1969")
    written_page[0].index = 1
    written_row["date_of_birth"] = written_row["date_of_birth"].model_copy(update={"page": 1})
    rows = [misread_row, written_row]
    table = ExtractedField(
        key="household_members",
        value=[
            {"date_of_birth": "1969-07-27", "personal_id": ID_OF_1989, "full_name": f"Lê Văn {n}"}
            for n in "AB"
        ],
        rows=rows,
        review_reasons=["handwriting_unconfirmed"],
    )
    rules = load_templates(settings.templates_dir).extraction
    images = {0: misread_image[0], 1: written_image[0]}
    weighed = reread_member_birth_data(
        table, [*misread_page, *written_page], images, rules, shared_engine(settings)
    )
    assert [member["date_of_birth"] for member in weighed.value] == ["1989-07-27", "1969-07-27"]
    assert [member["full_name"] for member in weighed.value] == ["Lê Văn A", "Lê Văn B"]
    assert weighed.rows[0]["date_of_birth"].review_reasons == ["birth_year_from_id"]
    assert weighed.review_reasons == ["date_of_birth:birth_year_from_id", "handwriting_unconfirmed"]
    assert weighed.needs_review


def _id_read_as(
    written: str, misread: str
) -> tuple[dict[str, ExtractedField], list[Page], dict[int, np.ndarray]]:
    """A page with a handwritten ID, read as `misread`, of a woman whose date of birth says 1989."""
    box, pages, images = _handwritten_page("Số định danh cá nhân: ", written)
    fields = {
        "personal_id": ExtractedField(
            key="personal_id", value=misread, raw=misread, confidence=0.9, page=0, box=box
        ),
        "date_of_birth": ExtractedField(key="date_of_birth", value="1989-07-27", confidence=0.95, page=0),
        "gender": ExtractedField(key="gender", value="female", confidence=0.95, page=0),
    }
    return fields, pages, images


@pytest.mark.parametrize(
    ("written", "misread", "expected", "flags"),
    [
        # the year's 8 read as a 6: the ID with the date's digits is what the handwriting holds
        ("031189456123", "031169456123", "031189456123", ["id_digits_from_birth_date"]),
        # written so: the disagreement is the citizen's, kept for the validators to report
        ("031169456123", "031169456123", "031169456123", []),
    ],
)
def test_an_id_that_disagrees_with_the_date_is_read_with_the_dates_digits(
    settings: Settings, written: str, misread: str, expected: str, flags: list[str]
) -> None:
    fields, pages, images = _id_read_as(written, misread)
    rules = load_templates(settings.templates_dir).extraction
    reread_id_birth_digits(fields, pages, images, rules, shared_engine(settings))
    number = fields["personal_id"]
    assert (number.value, number.review_reasons, number.raw) == (expected, flags, misread)
    assert number.needs_review == bool(flags)


def test_a_household_members_id_is_read_with_its_rows_date(settings: Settings) -> None:
    row, pages, images = _id_read_as("031189456123", "031169456123")
    member = {"full_name": "Lê Thị A", "personal_id": "031169456123", "date_of_birth": "1989-07-27"}
    table = ExtractedField(key="household_members", value=[member], rows=[row])
    rules = load_templates(settings.templates_dir).extraction
    weighed = reread_member_birth_data(table, pages, images, rules, shared_engine(settings))
    assert weighed.value == [{**member, "personal_id": "031189456123"}]
    assert weighed.review_reasons == ["personal_id:id_digits_from_birth_date"]


@pytest.mark.parametrize(
    ("written", "misread", "settles"),
    [
        ("27/07/1989", "27/07/1989", ["of_age"]),  # an adult's year as written beats every minor's year
        ("27/07/2011", "27/07/1981", []),  # a minor's year misread as an adult's does not
        ("27/07/2012", "27/07/2012", []),  # a minor's date settles nothing
    ],
)
def test_an_unsure_date_of_birth_settles_the_age_when_no_minors_year_fits(
    settings: Settings, written: str, misread: str, settles: list[str]
) -> None:
    fields, pages, images = _read_as(written, misread)
    born = fields["date_of_birth"]
    fields["date_of_birth"] = born.model_copy(
        update={"needs_review": True, "review_reasons": ["handwriting_unconfirmed"]}
    )
    del fields["personal_id"]
    rules = load_templates(settings.templates_dir).extraction
    settle_of_age(fields, pages, images, rules, shared_engine(settings), reference_year=2026)
    assert fields["date_of_birth"].settles == settles


def test_a_year_read_with_look_alike_letters_is_weighed_as_digits() -> None:
    assert _year_as_digits("25/2/196G") == "25/2/1966"
    assert _year_as_digits("ngày 12 tháng 5 năm 19SZ") == "ngày 12 tháng 5 năm 1952"
    assert _year_as_digits("Ngày sinh: 25/02/1986") == "Ngày sinh: 25/02/1986"


@pytest.mark.parametrize(
    ("born", "sex_read", "expected", "flags"),
    [
        ("1989-07-27", "5", "female", ["sex_from_id"]),  # the ID's year is the date's: its sex digit holds
        ("1969-07-27", "5", "5", ["unrecognised_gender"]),  # they disagree: the ID may be misread too
        ("1989-07-27", "male", "male", []),  # a sex read is kept, even against the ID
    ],
)
def test_a_sex_that_could_not_be_read_is_the_ids_when_the_date_vouches_for_it(
    born: str, sex_read: str, expected: str, flags: list[str]
) -> None:
    reasons = [] if sex_read == "male" else ["unrecognised_gender"]
    fields = {
        "personal_id": ExtractedField(key="personal_id", value="031189456123", confidence=0.9),
        "date_of_birth": ExtractedField(key="date_of_birth", value=born, confidence=0.9),
        "gender": ExtractedField(key="gender", value=sex_read, confidence=0.5, review_reasons=reasons),
    }
    sex_from_id(fields)
    assert (fields["gender"].value, fields["gender"].review_reasons) == (expected, flags)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Phạm Thị Ngọc", "5"),  # a woman's middle name, the ID a man's: the ID may be written wrong
        ("Phạm Văn Ngọc", "male"),
        ("Phạm Ngọc", "male"),
    ],
)
def test_a_sex_is_not_taken_from_an_id_when_the_middle_name_says_the_other(name: str, expected: str) -> None:
    fields = {
        "full_name": ExtractedField(key="full_name", value=name, confidence=0.9),
        "personal_id": ExtractedField(key="personal_id", value="026096892970", confidence=0.9),
        "date_of_birth": ExtractedField(key="date_of_birth", value="1996-07-16", confidence=0.9),
        "gender": ExtractedField(
            key="gender", value="5", confidence=0.5, review_reasons=["unrecognised_gender"]
        ),
    }
    sex_from_id(fields, {"female": ["Thị"], "male": ["Văn"]})
    assert fields["gender"].value == expected


def test_a_sex_taken_from_an_id_replaced_by_one_the_name_contradicts_is_unread_again() -> None:
    fields = {
        "full_name": ExtractedField(key="full_name", value="Phạm Thị Ngọc", confidence=0.9),
        "personal_id": ExtractedField(key="personal_id", value="026196892970", confidence=0.9),  # a woman's
        "date_of_birth": ExtractedField(key="date_of_birth", value="1996-07-16", confidence=0.9),
        "gender": ExtractedField(
            key="gender", value="5", raw="5", confidence=0.5, review_reasons=["unrecognised_gender"]
        ),
    }
    middle_names = {"female": ["Thị"], "male": ["Văn"]}
    sex_from_id(fields, middle_names)
    assert (fields["gender"].value, fields["gender"].review_reasons) == ("female", ["sex_from_id"])
    fields["personal_id"] = fields["personal_id"].model_copy(update={"value": "026096892970"})  # a man's
    sex_from_id(fields, middle_names)
    assert (fields["gender"].value, fields["gender"].review_reasons) == ("5", ["unrecognised_gender"])


@pytest.mark.parametrize(
    ("id_flags", "date_flags"),
    [(["id_digits_from_birth_date"], []), ([], ["birth_year_from_id"])],
)
def test_a_sex_is_not_taken_from_an_id_that_agrees_with_the_date_by_construction(
    id_flags: list[str], date_flags: list[str]
) -> None:
    fields = {
        "personal_id": ExtractedField(key="personal_id", value="031189456123", review_reasons=id_flags),
        "date_of_birth": ExtractedField(key="date_of_birth", value="1989-07-27", review_reasons=date_flags),
        "gender": ExtractedField(key="gender", value="5", review_reasons=["unrecognised_gender"]),
    }
    sex_from_id(fields)
    assert fields["gender"].value == "5"


@pytest.mark.parametrize(
    ("received_at", "year"),
    [
        ("2026-12-31T18:00:00+00:00", 2027),  # 01:00 on New Year's Day in Hà Nội
        ("2026-12-31T16:00:00+00:00", 2026),
        ("2026-12-31T23:30:00", 2026),  # a time without a zone is the office's
    ],
)
def test_the_year_of_receipt_is_the_offices_year(received_at: str, year: int) -> None:
    dossier = Dossier(
        dossier_id="0" * 64, name="hs", meta=DossierMeta(received_at=datetime.fromisoformat(received_at))
    )
    timezone = ZoneInfo(load_templates(Settings().templates_dir).timezone)
    assert _received_year(dossier, timezone) == year
