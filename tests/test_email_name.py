from __future__ import annotations

import pytest

from extractors.email_name import email_candidates, name_forms

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
    ],
)
def test_the_candidates_of_an_email_are_the_near_forms_with_the_digits_read(
    local: str, expected: list[str]
) -> None:
    forms = name_forms("Nguyễn Ngọc Huyền", FORMS)
    assert email_candidates(local, "gmail.com", forms, max_edits=2) == expected
