"""Two readings of one name on a form made one (extractors/mentions.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from extractors.mentions import FROM_OTHER_FIELD, _word_for_word, agree_mentions
from extractors.templates import TemplateError, TemplateSet, load_templates
from intake.config import Settings
from intake.model import ExtractedField


@pytest.fixture(scope="module")
def templates(settings: Settings) -> TemplateSet:
    return load_templates(settings.templates_dir)


def _agreed(
    templates: TemplateSet,
    head: str | None,
    request: str,
    head_sure: bool = False,
    request_sure: bool = False,
) -> dict[str, ExtractedField]:
    def reading(key: str, value: str | None, sure: bool) -> ExtractedField:
        doubt = [] if sure else ["handwriting_unconfirmed"]
        return ExtractedField(key=key, value=value, raw=value, needs_review=not sure, review_reasons=doubt)

    fields = {
        "household_head_name": reading("household_head_name", head, head_sure),
        "request": reading("request", request, request_sure),
    }
    agree_mentions(fields, templates.document("ct01").extraction("116/2026"), templates.extraction)
    return fields


JOINING = (
    "Đăng ký thường trú vào hộ gia đình ông {} tại Số 16 phố Lê Lai, phường Gia Viên, Thành phố Hải Phòng"
)


@pytest.mark.parametrize(
    ("head", "named", "head_after", "named_after"),
    [
        # Handwritten declarations of the eight development sets, as the model read them.
        ("Nguyễn Gia Việc", "Nguyễn Gia Việt", "Nguyễn Gia Việt", "Nguyễn Gia Việt"),
        (
            "Ñz«ô+ /ñ« [ôäg",
            "Nguyễn Thu Thủy",
            "Nguyễn Thu Thủy",
            "Nguyễn Thu Thủy",
        ),  # the head's line garbled
        (None, "Nguyễn Thu Thủy", "Nguyễn Thu Thủy", "Nguyễn Thu Thủy"),  # or not found
        ("Nguyễn Công Tuấn", "Nnguyễn Công Tuấn", "Nguyễn Công Tuấn", "Nguyễn Công Tuấn"),
        ("Trần Quốc Phong", "Trnần Quốc Phong", "Trần Quốc Phong", "Trần Quốc Phong"),
        # Two listed names: the text cannot tell which was written.
        ("Phan Ngọc Trang", "Phạm Ngọc Trang", "Phan Ngọc Trang", "Phạm Ngọc Trang"),
        ("Nguyễn Thùy Vân", "Nguyễn Thùy Văn", "Nguyễn Thùy Vân", "Nguyễn Thùy Văn"),
        # A listed name far from a reading that is half a name is another name.
        ("Nguyễn Văn Nnn", "Trần Thị Lan", "Nguyễn Văn Nnn", "Trần Thị Lan"),
        # Two words run together (seed 1729 hs_0031); a word lost may be another name's part.
        ("Phạm Thị Oanh", "Phạm ThịOanh", "Phạm Thị Oanh", "Phạm Thị Oanh"),
        ("Phạm Thị Oanh", "Phạm Thị", "Phạm Thị Oanh", "Phạm Thị"),
        ("Phạm Thị Oanh", "Phạm ThịOanhh", "Phạm Thị Oanh", "Phạm Thị Oanh"),
        ("Phạm Thị Oanh", "Phạm ThịOanhhn", "Phạm Thị Oanh", "Phạm ThịOanhhn"),
    ],
)
def test_the_reading_spelt_as_listed_names_stands_for_both(
    templates: TemplateSet, head: str | None, named: str, head_after: str, named_after: str
) -> None:
    fields = _agreed(templates, head, JOINING.format(named))
    assert fields["household_head_name"].value == head_after
    assert fields["request"].value == JOINING.format(named_after)
    for key, before in (("household_head_name", head), ("request", JOINING.format(named))):
        changed = fields[key].value != before
        assert (FROM_OTHER_FIELD in fields[key].review_reasons) == changed
        assert fields[key].needs_review


def test_a_sure_reading_is_left_as_written(templates: TemplateSet) -> None:
    fields = _agreed(templates, "Nguyễn Gia Việc", JOINING.format("Nguyễn Gia Việt"), head_sure=True)
    assert fields["household_head_name"].value == "Nguyễn Gia Việc"
    # a name no list holds, read surely, is not taken for a listed one read in doubt (review of session 21)
    fields = _agreed(templates, "Giàng Văn Sình", JOINING.format("Giàng Văn Sinh"), head_sure=True)
    assert fields["household_head_name"].value == "Giàng Văn Sình"
    fields = _agreed(templates, "Nnguyễn Gia Việt", JOINING.format("Nguyễn Gia Việt"), request_sure=True)
    assert fields["household_head_name"].value == "Nguyễn Gia Việt"  # the sure one stands for the other


@pytest.mark.parametrize(
    "wording",
    [
        # The household named by kinship, not by name; words between the name and "tại"; no title before it.
        "Đăng ký thường trú vào hộ gia đình của tôi tại Số 16 phố Lê Lai",
        "Đăng ký thường trú vào hộ gia đình chú ruột tại Số 16 phố Lê Lai",
        "Đăng ký thường trú vào hộ gia đình ông Nguyễn Văn An cư trú tại Số 16 phố Lê Lai",
        "Đăng ký thường trú vào hộ gia đình Nguyễn Văn An tại Số 16 phố Lê Lai",
    ],
)
def test_a_request_that_names_the_head_otherwise_is_left_as_read(
    templates: TemplateSet, wording: str
) -> None:
    fields = _agreed(templates, "Nguyễn Văn An", wording)
    assert fields["request"].value == wording and fields["household_head_name"].value == "Nguyễn Văn An"
    garbled = _agreed(templates, "Ñz«ô+ /ñ« [ôäg", wording)
    assert (garbled["household_head_name"].value, garbled["request"].value) == ("Ñz«ô+ /ñ« [ôäg", wording)


def test_a_head_not_found_is_taken_where_the_request_was_read(templates: TemplateSet) -> None:
    fields = {
        "household_head_name": ExtractedField(
            key="household_head_name", needs_review=True, review_reasons=["not_found"]
        ),
        "request": ExtractedField(
            key="request", value=JOINING.format("Nguyễn Thu Thủy"), page=0, confidence=0.7, needs_review=True
        ),
    }
    agree_mentions(fields, templates.document("ct01").extraction("116/2026"), templates.extraction)
    head = fields["household_head_name"]
    assert (head.value, head.page, head.review_reasons) == ("Nguyễn Thu Thủy", 0, [FROM_OTHER_FIELD])


def test_a_request_naming_no_household_leaves_the_head_as_read(templates: TemplateSet) -> None:
    request = "Đăng ký tạm trú tại Số 7 đường Bàu Cát, phường Bảy Hiền, Thành phố Hồ Chí Minh"
    fields = _agreed(templates, "Nguyễn Gia Việc", request)
    assert fields["household_head_name"].value == "Nguyễn Gia Việc" and fields["request"].value == request


def test_a_mention_of_an_unknown_field_is_a_template_error(
    edited_templates: Callable[[str, str], Path],
) -> None:
    with pytest.raises(TemplateError, match="no field"):
        load_templates(
            edited_templates("{field: household_head_name, in: request", "{field: head, in: request")
        )


def _declarant_and_head(
    full: str, head: str, full_sure: bool, head_sure: bool, head_id: str = "001190123456"
) -> dict[str, ExtractedField]:
    def reading(key: str, value: str, sure: bool) -> ExtractedField:
        doubt = [] if sure else ["name_spelling_unusual", "handwriting_unconfirmed"]
        return ExtractedField(key=key, value=value, raw=value, needs_review=not sure, review_reasons=doubt)

    return {
        "full_name": reading("full_name", full, full_sure),
        "personal_id": reading("personal_id", "001190123456", True),
        "household_head_name": reading("household_head_name", head, head_sure),
        "household_head_id": reading("household_head_id", head_id, True),
    }


@pytest.mark.parametrize(
    ("full", "head", "full_sure", "head_sure", "full_after", "head_after"),
    [
        # Seed 6547 hs_0034: the declarant's name read surely, the head's line (the same ID) misread.
        ("Nguyễn Gia Đạt", "Nguyễn Gia An", True, False, "Nguyễn Gia Đạt", "Nguyễn Gia Đạt"),
        ("Trần Kim Ngọc", "Tiần Kin Ngọc", True, False, "Trần Kim Ngọc", "Trần Kim Ngọc"),
        ("Hoàng Duy Lộc", "(eàaø ƒ)„ #c", False, False, "Hoàng Duy Lộc", "Hoàng Duy Lộc"),  # garbled
        ("Nguyễn Xuân Lng", "Nguyễn Xuân Long", False, True, "Nguyễn Xuân Long", "Nguyễn Xuân Long"),
        # Two listed names, both in doubt: the text cannot tell which was written.
        ("Phạm Minh Đạt", "Phạm Minh Đan", False, False, "Phạm Minh Đạt", "Phạm Minh Đan"),
        # Another name, far from the sure one: left to a person (the IDs may be misplaced).
        ("Nguyễn Gia Đạt", "Trần Thị Lan", True, False, "Nguyễn Gia Đạt", "Trần Thị Lan"),
        # A reading a word short stands for no name; a sure one whole stands for a reading a word short
        # (reviews of session 24).
        ("Nguyễn Văn", "Nguyễn Văn An", True, False, "Nguyễn Văn", "Nguyễn Văn An"),
        ("Nguyễn Thị Thanh", "Nguyễn Thị Thanh Hàx", True, False, "Nguyễn Thị Thanh", "Nguyễn Thị Thanh Hàx"),
        ("Nguyễn Văn An", "Nguyễn Văn", True, False, "Nguyễn Văn An", "Nguyễn Văn An"),
    ],
)
def test_a_declarant_who_heads_the_household_writes_one_name_twice(
    templates: TemplateSet,
    full: str,
    head: str,
    full_sure: bool,
    head_sure: bool,
    full_after: str,
    head_after: str,
) -> None:
    fields = _declarant_and_head(full, head, full_sure, head_sure)
    agree_mentions(fields, templates.document("ct01").extraction("116/2026"), templates.extraction)
    assert (fields["full_name"].value, fields["household_head_name"].value) == (full_after, head_after)
    for key, before, sure in (("full_name", full, head_sure), ("household_head_name", head, full_sure)):
        changed = fields[key].value != before
        assert (FROM_OTHER_FIELD in fields[key].review_reasons) == changed
        # A whole value taken from the other reading loses its own reading's doubts ("name_spelling_unusual").
        doubts = [FROM_OTHER_FIELD] if sure else ["handwriting_unconfirmed", FROM_OTHER_FIELD]
        assert not changed or fields[key].review_reasons == doubts


def test_a_head_under_another_id_is_not_the_declarant(templates: TemplateSet) -> None:
    fields = _declarant_and_head("Nguyễn Gia Đạt", "Nguyễn Gia An", True, False, head_id="001060123456")
    agree_mentions(fields, templates.document("ct01").extraction("116/2026"), templates.extraction)
    assert fields["household_head_name"].value == "Nguyễn Gia An"
    fields = _declarant_and_head("Nguyễn Gia Đạt", "Nguyễn Gia An", True, False, head_id="")
    agree_mentions(fields, templates.document("ct01").extraction("116/2026"), templates.extraction)
    assert fields["household_head_name"].value == "Nguyễn Gia An"


@pytest.mark.parametrize(
    ("named", "read", "whole"),
    [
        ("Phạm ThịOanh", "Phạm Thị Oanh", True),
        ("Phạm ThịOanhh", "Phạm Thị Oanh", True),
        ("Lê Thị", "Lê Thị Ý", False),  # a one-letter word lost, not two run together
        ("Nguyễn Văn", "Nguyễn Văn An", False),
    ],
)
def test_two_words_run_together_keep_every_letter(named: str, read: str, whole: bool) -> None:
    assert _word_for_word(named, read) is whole


def test_a_request_mended_twice_is_flagged_once(templates: TemplateSet) -> None:
    """The request is agreed again after the weighing replaced the head's name: one flag, not two."""
    fields = _agreed(templates, "Phạm Minh Đan", JOINING.format("Phạm Mnh Đan"))
    assert fields["request"].value == JOINING.format("Phạm Minh Đan")
    fields["household_head_name"] = ExtractedField(
        key="household_head_name", value="Phạm Minh Đạt", confidence=0.96, review_reasons=[]
    )
    agree_mentions(fields, templates.document("ct01").extraction("116/2026"), templates.extraction)
    assert fields["request"].value == JOINING.format("Phạm Minh Đạt")
    assert fields["request"].review_reasons == ["handwriting_unconfirmed", FROM_OTHER_FIELD]
