"""A handwritten relationship to the household head weighed among those the two years of birth allow
(extractors/relationship.py)."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import FONT_SERIF, hand_line
from PIL import ImageFont

from extractors.ocr import shared_engine
from extractors.relationship import (
    RELATIONSHIP_AGAINST_AGES,
    RELATIONSHIP_WEIGHED_BY_AGE,
    allowed_relationships,
    weigh_relationship,
)
from extractors.templates import ExtractionSpec, TemplateSet, load_templates
from intake.config import Settings
from intake.model import BoundingBox, DocType, ExtractedField

HEAD_ID = "001060123456"  # a man born in 1960 (century digit 0)
LABEL = "3. Mối quan hệ với chủ hộ: "


@pytest.fixture(scope="module")
def templates(settings: Settings) -> TemplateSet:
    return load_templates(settings.templates_dir)


@pytest.fixture(scope="module")
def ct01(templates: TemplateSet) -> ExtractionSpec:
    template = templates.document(DocType.CT01)
    assert template is not None
    return template.extraction("116/2026")


def _sure(key: str, value: str) -> ExtractedField:
    return ExtractedField(key=key, value=value, confidence=0.97)


def _form(
    born: str | None, own_id: str = "001190654321", head_id: str = HEAD_ID
) -> dict[str, ExtractedField]:
    fields = {
        "personal_id": _sure("personal_id", own_id),
        "household_head_id": _sure("household_head_id", head_id),
    }
    if born is not None:
        fields["date_of_birth"] = _sure("date_of_birth", born)
    return fields


def test_the_years_rule_out_relationships(templates: TemplateSet, ct01: ExtractionSpec) -> None:
    vocabulary = ct01.fields["relationship_to_head"].vocabulary
    ages = templates.extraction.relationship_ages
    assert ages is not None
    allowed = allowed_relationships(_form("1990-05-02"), vocabulary, ages)  # 30 years younger than the head
    assert {"Con", "Con dâu", "Cháu", "Bạn", "Vợ"} <= set(allowed)
    assert not {"Cô", "Cha", "Anh", "Em", "Ông", "Chủ hộ"} & set(allowed)
    # The year from the declarant's ID when the date was not read: 1963, three years younger.
    assert {"Em", "Vợ", "Cô"} <= set(allowed_relationships(_form(None, "001063654321"), vocabulary, ages))
    assert not {"Con", "Anh"} & set(allowed_relationships(_form(None, "001063654321"), vocabulary, ages))
    # The declarant's ID is the head's: the head, and no one else.
    assert allowed_relationships(_form("1960-01-01", HEAD_ID), vocabulary, ages) == ["Chủ hộ", "Bản thân"]
    # The head's year not known: every relationship.
    assert allowed_relationships(_form("1990-05-02", head_id="0010"), vocabulary, ages) == vocabulary


def test_doubted_or_missing_years_and_ids_rule_out_less(templates: TemplateSet, ct01: ExtractionSpec) -> None:
    """Review of session 24: a CT02 has no declarant's ID, and an ID's century digit may be misread."""
    vocabulary = ct01.fields["relationship_to_head"].vocabulary
    ages = templates.extraction.relationship_ages
    assert ages is not None
    no_own_id = _form("1960-03-02")
    del no_own_id["personal_id"]
    assert "Chủ hộ" in allowed_relationships(no_own_id, vocabulary, ages)
    no_own_id["date_of_birth"] = _sure("date_of_birth", "1990-05-02")  # 30 years younger: not the head
    assert "Chủ hộ" not in allowed_relationships(no_own_id, vocabulary, ages)
    doubted = _form("1960-05-02")  # born the year the head was
    # Two IDs that differ, one in doubt: the head may be the declarant.
    doubted["personal_id"].needs_review = True
    assert "Chủ hộ" in allowed_relationships(doubted, vocabulary, ages)
    # A head born in 2060 (century digit 2 misread): no year, every relationship.
    assert allowed_relationships(_form("1990-05-02", head_id="001260123456"), vocabulary, ages) == vocabulary
    # A date in doubt gives way to a sure ID: born 1963 by the ID, three years younger than the head.
    form = _form("1990-05-02", own_id="001063654321")
    form["date_of_birth"].needs_review = True
    assert "Con" not in allowed_relationships(form, vocabulary, ages)


def test_every_relationship_of_the_age_spans_is_a_listed_one(
    templates: TemplateSet, ct01: ExtractionSpec
) -> None:
    ages = templates.extraction.relationship_ages
    assert ages is not None
    listed = set(ct01.fields["relationship_to_head"].vocabulary)
    spans = {word for span in ages.spans for word in span.relationships}
    assert spans <= listed and set(ages.head_itself) <= listed


def _written(written: str, read_as: str, reasons: list[str]) -> tuple[ExtractedField, dict[int, np.ndarray]]:
    """A page whose one line is the printed label and `written` in the handwriting face, read as `read_as`."""
    crop = hand_line(written, font_px=44, label=LABEL)
    image = np.full((400, 2480), 238, dtype=np.uint8)
    image[150 : 150 + crop.shape[0], 240 : 240 + crop.shape[1]] = crop
    label_width = ImageFont.truetype(str(FONT_SERIF), 44 - 6).getlength(LABEL)
    box = BoundingBox(
        x0=240 + 20 + label_width, y0=152, x1=240 + crop.shape[1] - 20, y1=150 + crop.shape[0] - 4
    )
    found = ExtractedField(
        key="relationship_to_head",
        value=read_as,
        confidence=0.6,
        page=0,
        box=box,
        needs_review=True,
        review_reasons=reasons,
    )
    return found, {0: np.stack([image] * 3, axis=-1)}


@pytest.mark.parametrize(
    ("read_as", "reasons"),
    [("Ca", ["not_in_vocabulary", "low_confidence"]), ("Cô", ["listed_value_weighed", "low_confidence"])],
)
def test_a_garbled_or_ruled_out_relationship_is_the_allowed_one_the_crops_hold(
    templates: TemplateSet, ct01: ExtractionSpec, settings: Settings, read_as: str, reasons: list[str]
) -> None:
    found, images = _written("Con", read_as, reasons)
    fields = {**_form("1990-05-02"), "relationship_to_head": found}
    weigh_relationship(fields, ct01, images, templates.extraction, shared_engine(settings))
    taken = fields["relationship_to_head"]
    assert taken.value == "Con" and taken.needs_review
    assert taken.review_reasons == [
        *(r for r in reasons if r != "not_in_vocabulary"),
        RELATIONSHIP_WEIGHED_BY_AGE,
    ]


def test_an_allowed_listed_relationship_is_left_as_read(
    templates: TemplateSet, ct01: ExtractionSpec, settings: Settings
) -> None:
    found, images = _written("Con", "Cô", ["listed_value_weighed"])
    fields = {**_form("1961-05-02"), "relationship_to_head": found}  # a year younger: an aunt may be
    weigh_relationship(fields, ct01, images, templates.extraction, shared_engine(settings))
    assert fields["relationship_to_head"] is found


def test_an_unlisted_relationship_read_surely_or_one_without_the_heads_year_is_left_as_read(
    templates: TemplateSet, ct01: ExtractionSpec, settings: Settings
) -> None:
    found, images = _written("Con", "Ca", ["not_in_vocabulary"])
    sure = found.model_copy(update={"needs_review": False, "review_reasons": []})
    fields = {**_form("1990-05-02"), "relationship_to_head": sure}
    weigh_relationship(fields, ct01, images, templates.extraction, shared_engine(settings))
    assert fields["relationship_to_head"] is sure
    # No head's ID: no year rules "Cô" out, and a listed reading is not weighed again.
    ruled_out, _ = _written("Con", "Cô", ["listed_value_weighed"])
    fields = {"date_of_birth": _sure("date_of_birth", "1990-05-02"), "relationship_to_head": ruled_out}
    weigh_relationship(fields, ct01, images, templates.extraction, shared_engine(settings))
    assert fields["relationship_to_head"] is ruled_out


def test_a_listed_relationship_read_surely_that_the_years_rule_out_is_doubted_and_weighed(
    templates: TemplateSet, ct01: ExtractionSpec, settings: Settings
) -> None:
    """Seed 5477 hs_0161: a garbled "Cháu" the closed list took for "Cậu", 34 years younger than the head."""
    found, images = _written("Con", "Cô", [])
    sure = found.model_copy(update={"needs_review": False})
    fields = {**_form("1990-05-02"), "relationship_to_head": sure}
    weigh_relationship(fields, ct01, images, templates.extraction, shared_engine(settings))
    taken = fields["relationship_to_head"]
    assert (taken.value, taken.needs_review, taken.review_reasons) == (
        "Con",
        True,
        [RELATIONSHIP_WEIGHED_BY_AGE],
    )
    # Without the handwriting model nothing is weighed, but the reading is doubted all the same.
    fields = {**_form("1990-05-02"), "relationship_to_head": sure}
    weigh_relationship(fields, ct01, images, templates.extraction, None)
    doubted = fields["relationship_to_head"]
    assert (doubted.value, doubted.needs_review, doubted.review_reasons) == (
        "Cô",
        True,
        [RELATIONSHIP_AGAINST_AGES],
    )
    # One the years allow stays sure; one doubted so is sure again once a replaced ID allows it.
    fields = {**_form("1961-05-02"), "relationship_to_head": sure}
    weigh_relationship(fields, ct01, images, templates.extraction, shared_engine(settings))
    assert fields["relationship_to_head"] is sure
    fields = {**_form("1961-05-02"), "relationship_to_head": doubted}
    weigh_relationship(fields, ct01, images, templates.extraction, None)
    again = fields["relationship_to_head"]
    assert (again.value, again.needs_review, again.review_reasons) == ("Cô", False, [])


def test_a_relationship_weighed_again_is_flagged_once(
    templates: TemplateSet, ct01: ExtractionSpec, settings: Settings
) -> None:
    """After the weighing replaced an ID, the relationship is weighed again (extract.confirm_dossier)."""
    found, images = _written("Con", "Cô", ["listed_value_weighed", RELATIONSHIP_WEIGHED_BY_AGE])
    fields = {**_form("1990-05-02"), "relationship_to_head": found}
    weigh_relationship(fields, ct01, images, templates.extraction, shared_engine(settings))
    taken = fields["relationship_to_head"]
    assert taken.value == "Con"
    assert taken.review_reasons == ["listed_value_weighed", RELATIONSHIP_WEIGHED_BY_AGE]
