from __future__ import annotations

import pytest

from extractors.email_name import email_candidates, given_name_in_email, name_forms

FORMS = [
    "{middle}{given}",
    "{given}{initials}",
    "{given}.{surname}",
    "{given}{surname}",
    "{surname}.{given}",
    "{given}",
]


def test_the_forms_of_a_name_are_its_words_without_tone_marks() -> None:
    assert name_forms("Nguyễn Ngọc Huyền", FORMS) == [
        "ngochuyen",
        "huyennn",
        "huyen.nguyen",
        "huyennguyen",
        "nguyen.huyen",
        "huyen",
    ]
    assert name_forms("Đặng Thị Thu Nguyệt", ["{middle}{given}", "{given}{initials}"]) == [
        "thithunguyet",
        "nguyetdtt",
    ]
    assert name_forms("Minh", FORMS) == []  # no surname
    assert name_forms("Kim Jong-su", FORMS) == []  # a name not made of Vietnamese words


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        ("ngochuyenal", ["ngochuyen41@gmail.com"]),  # a digit read as a letter after the name
        ("ngochuyem41", ["ngochuyen41@gmail.com"]),
        ("huyen.nguyena3", ["huyen.nguyen43@gmail.com"]),  # dotted as read: not "huyennguyen43"
        ("ngochuyen41", []),  # a form already
        ("huyen", []),
        ("hoa.binh1990", []),  # no form near
        ("ngochuyen12345", []),  # more digits than an address holds after a name
        ("huyenbn42", ["huyennn42@gmail.com", "huyen42@gmail.com"]),  # the crops tell them apart
    ],
)
def test_the_candidates_of_an_email_are_the_near_forms_with_the_digits_read(
    local: str, expected: list[str]
) -> None:
    forms = name_forms("Nguyễn Ngọc Huyền", FORMS)
    assert email_candidates(local, "gmail.com", forms, max_edits=2) == expected


@pytest.mark.parametrize(
    ("name", "email", "given"),
    [
        # handwritten names of the development sets beside their emails
        ("Phạm Quang Đạc", "datpq19@gmail.com", "dat"),  # {given}{initials}
        ("Võ Quốc Đac", "dat.vo10@gmail.com", "dat"),  # {given}.{surname}
        ("Nguyễn Diệu Nguyệc", "dieunguyet1992@yahoo.com", "nguyet"),  # {middle}{given}
        ("Phạm Quang Đạt", "datpq19@gmail.com", None),  # the name's own
        ("Lê Văn Nam", "lan1990@gmail.com", None),  # the given name alone says nothing of the rest
        ("Phạm Quang Đạc", "datpx19@gmail.com", None),  # another form's rest: not this name's
        ("Minh", "minh@gmail.com", None),
    ],
)
def test_the_given_name_an_email_spells(name: str, email: str, given: str | None) -> None:
    found = given_name_in_email(name, email, FORMS)
    assert (found.spelt if found else None) == given


def test_an_email_spelling_another_given_name_is_compared_with_the_address_the_name_makes() -> None:
    found = given_name_in_email("Phạm Quang Đạc", "datpq19@gmail.com", FORMS)
    assert found is not None and found.as_name_reads == "dacpq19@gmail.com"


def test_a_short_form_is_not_any_two_letters() -> None:
    forms = name_forms("Nguyễn Văn An", FORMS)
    assert "an1990@gmail.com" not in email_candidates("ba1990", "gmail.com", forms, max_edits=2)
    assert email_candidates("am1990", "gmail.com", forms, max_edits=2) == ["an1990@gmail.com"]
