from __future__ import annotations

import pytest

from extractors import normalize as n


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12/04/1987", "1987-04-12"),
        ("2/4/1987", "1987-04-02"),
        ("12-04-1987", "1987-04-12"),
        ("12.04.1987", "1987-04-12"),
        ("Hà Nội, ngày 12 tháng 3 năm 2019", "2019-03-12"),
        ("ngày 01 tháng 7 năm 2025", "2025-07-01"),
        ("Sinh năm 1970", "1970"),
        ("1970", "1970"),
        ("l2/O4/1987", "1987-04-12"),
    ],
)
def test_dates(raw: str, expected: str) -> None:
    assert n.date_value(raw) == n.Normalized(expected, True)


@pytest.mark.parametrize(
    ("raw", "problem"), [("31/02/2020", "impossible_date"), ("hôm qua", "unrecognised_date")]
)
def test_bad_dates_are_reported(raw: str, problem: str) -> None:
    result = n.date_value(raw)
    assert not result.ok and result.problem == problem


def test_ids() -> None:
    assert n.personal_id("0 0 1 1 8 7 0 1 2 3 4 5") == n.Normalized("001187012345", True)
    assert n.personal_id("|0|0|1|1|8|7|O|1|2|3|4|5|").value == "001187012345"
    assert n.personal_id("123456789").value == "123456789"
    assert n.personal_id("0011870123").problem == "id_wrong_length"
    # Read with the next label, misread so that it was not found: the number before its words.
    assert n.personal_id("004166079557 cấp nsày: 13/06/2024").value == "004166079557"
    assert n.personal_id("001187012345 4. Giới tính: Nam").value == "001187012345"
    assert n.personal_id("0041660795 cấp nsày: 13/06/2024").problem == "id_wrong_length"


@pytest.mark.parametrize(
    ("raw", "expected"), [("Nam", "male"), ("Nữ", "female"), ("NỮ", "female"), ("nu", "female")]
)
def test_gender(raw: str, expected: str) -> None:
    assert n.gender(raw).value == expected


def test_gender_unrecognised() -> None:
    assert not n.gender("Khác").ok


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0912345678", "0912345678"),
        ("0912 345 678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("84912345678", "0912345678"),
    ],
)
def test_phones(raw: str, expected: str) -> None:
    assert n.phone(raw) == n.Normalized(expected, True)


@pytest.mark.parametrize("raw", ["0212345678", "091234567", "abc", "091234567. 6. Email: an12@gmail.com"])
def test_bad_phones(raw: str) -> None:
    assert not n.phone(raw).ok


@pytest.mark.parametrize(
    "raw", ["0537438235. 6. Emaii: cung hang1960gmaido", "0300363713.6.Emal : khanh 219910gmacm"]
)
def test_a_phone_read_with_the_next_field_of_its_line(raw: str) -> None:
    assert n.phone(raw).ok and n.phone(raw).value == raw[:10]


def test_a_label_read_as_a_name_is_not_a_name() -> None:
    assert n.name("Ngày, tháng").problem == "punctuation_in_name"
    assert n.name("NGUYỄN THỊ HƯỜNG").value == "Nguyễn Thị Hường"


def test_dates_written_out_in_words() -> None:
    assert n.date_value("Issued on 9 October 2026").value == "2026-10-09"
    # a paper issued abroad, read with look-alikes in its day and a slip in its month (seeds 4242, 8383)
    for raw, expected in [
        ("lssued on I9 September 2026", "2026-09-19"),
        ("0Š Ocfober 2026", "2026-10-05"),
        ("24 Septenber 2026", "2026-09-24"),
    ]:
        assert (n.date_value(raw).value, n.date_value(raw).doubt) == (expected, "date_digits_guessed")
    assert not n.date_value("Resident since: 2014").ok
    # a box's edge after the month of a certificate's date (seeds 2468, 5150)
    assert n.date_value("ngày 13 tháng I1] năm 2026") == n.Normalized(
        "2026-11-13", True, doubt="date_digits_guessed"
    )
    read = n.date_value("Bình Dương, ngày 29 tháng IÌ năm 2026")  # "11" read as letters
    assert read.value == "2026-11-29" and read.doubt == "date_digits_guessed"
    assert n.date_value("ngày 5 tháng 3 năm 2026").doubt is None
    assert n.date_value("ngày 1B tháng 1O năm 2026").value == "2026-10-18"  # upper-case B is an 8
    # a certificate's typed digits: "Ø", "]" and "§", and an "Š" that loses its accent
    for raw, expected in [
        ("Hôm nay, ngày 29 tháng Ø7 năm 2026, tại", "2026-07-29"),
        ("Hà Nội, ngày 3] tháng 7 năm 2021", "2021-07-31"),
        ("Hà Nội, ngày 25 tháng § năm 2022", "2022-08-25"),
        ("Hà Nội, ngày Š tháng l năm 2021", "2021-01-05"),
    ]:
        assert (n.date_value(raw).value, n.date_value(raw).doubt) == (expected, "date_digits_guessed")
    assert not n.date_value("ngày 3 tháng 7 năm 20]1").ok  # the wider look-alikes stop at the month
    # but for the year's closing 1; a plain S is an 8 (eight development sets: four of four), an S with a
    # caron a 5, however stray a mark read before it
    assert n.date_value("ngày 1\u03002 tháng Š năm 2024").value == "2024-05-12"
    for raw, expected in [
        ("ngày 3 tháng 7 năm 202]", "2021-07-03"),
        ("ngày 12 tháng S năm 2024", "2024-08-12"),
    ]:
        assert (n.date_value(raw).value, n.date_value(raw).doubt) == (expected, "date_digits_guessed")
    assert n.date_value("Ngày, tháng, năm sinh: 01/02/1990").doubt is None  # the label is not the date


def test_a_name_word_no_syllable_is_spelt_like_is_doubted() -> None:
    # a stray letter; "c" after a level tone; a vowel read twice
    for misread in ("Lê Diệu Trandg", "PHAM NGOC LAN", "Phaạm Văn Kiên"):
        assert n.name(misread).ok and n.name(misread).doubt == "name_spelling_unusual"
    for spelt in (
        "Nguyễn Ngọc Quân",
        "Đặng Thị Bích Hường",
        "Khuất Quỳnh Uyên",
        "Giáp Văn Thắng",
        "Lưu Cứu",
        "Lee Min Ho",
    ):
        assert n.name(spelt).doubt is None


def test_an_address_with_a_character_no_address_holds_is_doubted() -> None:
    assert n.address("Số 72 đường Trần Quốc Th§o, phường Xuân Hòa").doubt == "odd_characters"
    assert n.address("Số 139 phố Chùa Bộc, phườ: Nội").doubt == "odd_characters"
    assert n.address("Số 96 đường Mậu Thân, phường Ninh Kiểều").doubt == "odd_characters"
    plain = n.address("Số 140/7 đường Lê Duẩn, thôn 3 (cũ), phường Hải Châu. Nhà ở thuộc quyền sở hữu")
    assert plain.value == "Số 140/7 đường Lê Duẩn, thôn 3 (cũ), phường Hải Châu" and plain.doubt is None


@pytest.mark.parametrize(
    "written",
    [
        "Số 5 Lê Lợi, P. Bến Nghé, Q. 1, TP. Hồ Chí Minh",  # abbreviated units end no sentence
        "Thôn 3, X. Yên Sở, H. Hoài Đức, Tp. Hà Nội",
        "Số 12 phố Huế. Phường Hàng Bài, Hà Nội",  # a comma read as a dot before the next unit
    ],
)
def test_an_address_is_not_cut_at_an_abbreviation_or_before_its_next_unit(written: str) -> None:
    assert n.address(written).value == written


def test_email() -> None:
    assert n.email("Le.Mai87 @gmail.com").value == "le.mai87@gmail.com"
    assert not n.email("le.mai87 at example").ok


def test_a_typed_emails_capitals_are_look_alikes_and_its_at_sign_is_restored() -> None:
    # photographed typed emails of seed 8383: "I" for "l", "O" by a digit for "0", "@g" read "Oq"
    for raw, expected in [
        ("Iinhnp1996Dgmail.com", "linhnp1996@gmail.com"),
        ("kimhuyenO0Ogmail.com", "kimhuyen00@gmail.com"),
        ("dat.tran98Oqmail.com", "dat.tran98@gmail.com"),
    ]:
        read = n.email(raw)
        assert read.value == expected and read.doubt is not None
    assert n.email("nhung nguyen1999@gmail.com").doubt == "email_cleaned"  # a space stood for something
    # a listed service's domain misread though the address is valid; digits and letters alike
    for raw, expected in [
        ("loc.le1990@yahoo.conm", "loc.le1990@yahoo.com"),
        ("minhoanh2001@0utlook.com", "minhoanh2001@outlook.com"),
        ("tienhung0l@gmail.com", "tienhung01@gmail.com"),
        ("thuyng0c2013@gmail.com", "thuyngoc2013@gmail.com"),
        ("xuanloc92@qgmail.com", "xuanloc92@gmail.com"),  # the "@" read twice (seed 1357 hs_0134)
        # typed, a letter of a listed domain misread or lost (seeds 2411, 7351, 6029, 8017)
        ("lan.le59@qmail.com", "lan.le59@gmail.com"),
        ("thangdt1989@gmail.co", "thangdt1989@gmail.com"),
        ("thunguyet1995@yahoo.co", "thunguyet1995@yahoo.com"),
    ]:
        read = n.email(raw)
        assert read.value == expected and read.doubt is not None
    assert n.email("lan.abc@ymail.com") == n.Normalized(
        "lan.abc@ymail.com", True
    )  # a real service, not a slip
    assert n.email("ABC@GMAIL.COM") == n.Normalized("abc@gmail.com", True)


def test_email_with_its_at_sign_misread_is_repaired_but_doubted() -> None:
    for raw in ("le.mai87gmail.com", "le.mai870gmail.com", "le.mai87ogmailcom"):
        repaired = n.email(raw)
        assert repaired.ok and repaired.value == "le.mai87@gmail.com", raw
        assert repaired.doubt == "email_at_restored"
    assert n.email("le.mai87@gmail.com").doubt is None
    cleaned = n.email("tramnh66(@yahoo.com")
    assert cleaned.value == "tramnh66@yahoo.com" and cleaned.doubt == "email_cleaned"


def test_email_followed_by_dotted_leaders_read_with_a_stray_letter() -> None:
    cleaned = n.email("giahieu56@gmail.com.a")
    assert (cleaned.value, cleaned.doubt) == ("giahieu56@gmail.com", "email_cleaned")
    repaired = n.email("thinh.pham19910gmail.com....a")
    assert (repaired.value, repaired.doubt) == ("thinh.pham1991@gmail.com", "email_at_restored")
    assert n.email("an.le@yahoo.com.vn").value == "an.le@yahoo.com.vn"
    assert not n.email("a@b.c").ok  # no one-letter top-level domain, and the letter is not dropped


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("anhdh82eoullook com)", "anhdh82@outlook.com"),  # "@" read as "e", a slip in the domain
        ("hung.tran1994oullook.com", "hung.tran1994@outlook.com"),
        ("thanhhanh19930gmail.conm", "thanhhanh1993@gmail.com"),
        ("longhh1990egmail cem", "longhh1990@gmail.com"),
    ],
)
def test_email_with_a_listed_domain_misread_is_guessed_but_doubted(raw: str, expected: str) -> None:
    guessed = n.email(raw)
    assert guessed.ok and guessed.value == expected
    assert guessed.doubt == "email_domain_guessed"


def test_a_name_ending_in_e_keeps_its_e_when_the_at_sign_is_lost() -> None:
    assert n.email("hoanglegmail.com").value == "hoangle@gmail.com"
    assert n.email("nguyenthihuegmall.com").value == "nguyenthihue@gmail.com"
    assert n.email("anhdh82egmail.com").value == "anhdh82@gmail.com"  # after a digit, "e" is the "@"
    assert n.email("giang.dinh84Boutlook.com").value == "giang.dinh84@outlook.com"  # typed "@" read as "B"
    assert n.email("huonglt03Doutlook.com").value == "huonglt03@outlook.com"
    assert n.email("thanhbgmail.com").value == "thanhb@gmail.com"  # a "b" ending a name stays


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # Typed and handwritten emails of the eight development sets, the "@" read as a mark or a letter.
        ("thanhthao90$gmail.com", "thanhthao90@gmail.com"),  # not "thanhthao9", the "0" taken for the "@"
        ("quocdong98Poutlook.com", "quocdong98@outlook.com"),
        ("haint93Woutlook.com", "haint93@outlook.com"),
        ("minhthao1999agmail.com", "minhthao1999@gmail.com"),
        ("abc12Đgmail.com", "abc12@gmail.com"),
        ("hoa.nguyenagmail.com", "hoa.nguyena@gmail.com"),  # an "a" after a letter is the name's
    ],
)
def test_an_at_sign_read_as_a_mark_or_a_letter_after_a_digit_is_restored(raw: str, expected: str) -> None:
    assert n.email(raw) == n.Normalized(expected, True, doubt="email_at_restored")


def test_email_domain_is_not_guessed_from_far_or_ambiguous_spellings() -> None:
    assert not n.email("son.nguyen1999eoullock.cam").ok  # three slips
    # the dotted leaders' ".a" is no slip of the domain: two slips are left, a guess
    assert n.email("son.nguyen1999eoullock.com.a").doubt == "email_domain_guessed"
    # A well-formed address keeps its domain when it is another service's (ymail.com, mail.com, email.com
    # are a letter from gmail.com), or two letters or more from a listed one.
    for address in ("nam@company.vn", "nam@ymail.com", "nam@mail.com", "nam@email.com", "nam@gmail.vn"):
        assert n.email(address).value == address and n.email(address).doubt is None


def test_an_email_with_tone_marks_is_a_misreading() -> None:
    assert n.email("nguuetpm@eutseê.cam").problem == "invalid_email"


@pytest.mark.parametrize(
    ("raw", "domain", "expected"),
    [
        ("ngochuyen2000ooullock.con", "outlook.com", "ngochuyen2000@outlook.com"),  # "@" read as "o"
        ("nhungtk19960yah00co", "yahoo.com", "nhungtk1996@yahoo.com"),
        ("ñuuaam95@gmaêcem", "gmail.com", "nuuaam95@gmail.com"),  # before the "@" as read, tone marks off
        ("dung.trinh2001eyahoe.com.a", "yahoo.com", "dung.trinh2001@yahoo.com"),
    ],
)
def test_an_email_whose_mail_service_is_known_keeps_what_was_read_before_it(
    raw: str, domain: str, expected: str
) -> None:
    found = n.email_at_domain(raw, domain)
    assert (found.value, found.doubt) == (expected, "email_domain_guessed")


def test_an_email_whose_mail_service_is_known_needs_something_before_it() -> None:
    assert not n.email_at_domain("@gmail.com", "gmail.com").ok
    assert not n.email_at_domain("gmal", "gmail.com").ok


def test_an_email_whose_mail_service_is_known_needs_a_reading_that_ends_like_it() -> None:
    # Nothing in the reading looks like the domain: where the address ends is not known.
    assert not n.email_at_domain("nguyenvanan", "gmail.com").ok
    assert not n.email_at_domain("ngochuyen2000", "outlook.com").ok


def test_an_email_ending_in_vn_keeps_the_vietnamese_variant() -> None:
    assert n.email_at_domain("thuhang88oyahoo.com.vn", "yahoo.com").value == "thuhang88@yahoo.com.vn"
    assert n.email_at_domain("thuhang88oyahoo.com", "yahoo.com").value == "thuhang88@yahoo.com"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("68,5 m²", 68.5),
        ("68.5m2", 68.5),
        ("1.250,5 m2", 1250.5),
        ("120 m²", 120.0),
        ("18,0 m; gồm", 18.0),
        ("35m2.", 35.0),
        ("120m²(Một trăm hai mươi mét vuông)", 120.0),
        ("68,5m²/người", 68.5),
        ("DT45m2", 45.0),  # a label's letters joined to the number are no look-alikes
        ("khoảng 45 m²", 45.0),
        ("S=45 m²", 45.0),
    ],
)
def test_area(raw: str, expected: float) -> None:
    assert n.area(raw).value == pytest.approx(expected)


@pytest.mark.parametrize(
    "raw",
    ["1§,0 m; gồm 02 phòng ngủ", "3$ m²", "không rõ", "l8,5 m²", "|8,5 m²", "S8,0 m²", "DTl8,5m2", "Sl8,5"],
)
def test_an_area_with_a_misread_character_in_its_number_fails(raw: str) -> None:
    assert n.area(raw).problem == "invalid_area"


def test_money() -> None:
    assert n.money("4.500.000 đồng/tháng (Bốn triệu năm trăm nghìn đồng)").value == 4_500_000
    assert n.money("3,000,000 VNĐ").value == 3_000_000
    assert not n.money("thỏa thuận").ok


def test_names_are_nfc_title_case() -> None:
    assert n.name("NGUYỄN THỊ HƯỜNG").value == "Nguyễn Thị Hường"
    assert n.name("Ông: TRẦN VĂN HÙNG").value == "Trần Văn Hùng"
    assert n.name("Nguye\u0302\u0303n Văn A").value == "Nguyễn Văn A"
    assert not n.name("Nguyễn 1234").ok


def test_digits_ocr_split_with_a_space_are_joined_not_dropped() -> None:
    assert n.date_value("1 1/06/2031").value == "2031-06-11"
    assert n.date_value("11/0 6/2031").value == "2031-06-11"


def test_gender_with_a_character_of_ocr_residue() -> None:
    assert n.gender("Nam.u").value == "male"
    assert n.gender("NữỮ").value == "female"
    assert not n.gender("Nan").ok and not n.gender("N").ok


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("M84753988", "M84753988"),
        ("TR 1910054", "TR1910054"),
        ("c1234567", "C1234567"),
        ("123456789", "123456789"),
    ],
)
def test_passport_numbers(raw: str, expected: str) -> None:
    assert n.passport(raw).value == expected


@pytest.mark.parametrize("raw", ["64Z5ö968", "5547889", "3/00/", ""])
def test_a_passport_number_misread_fails(raw: str) -> None:
    assert not n.passport(raw).ok


@pytest.mark.parametrize(
    ("raw", "doubt"),
    [("25/2/196G", "date_digits_guessed"), ("ƒ6/05/19SZ", "date_digits_guessed"), ("25/02/1986", None)],
)
def test_a_date_read_with_look_alike_letters_is_a_guess(raw: str, doubt: str | None) -> None:
    assert n.date_value(raw).doubt == doubt


@pytest.mark.parametrize(
    ("raw", "expected"), [("CĐ 099308", "CĐ 099308"), ("CÐ 254866", "CĐ 254866"), ("cs27973", "CS 27973")]
)
def test_certificate_codes_keep_their_d_with_stroke(raw: str, expected: str) -> None:
    """The serial's "Đ" is often read as the Icelandic eth "Ð", which no Vietnamese code holds."""
    assert n.NORMALIZERS["code"](raw) == n.Normalized(expected, True)


@pytest.mark.parametrize(
    ("raw", "expected", "doubt"),
    [
        (
            "Số I16 phố Lạch Tray, phường Gia Viên",
            "Số 116 phố Lạch Tray, phường Gia Viên",
            "address_digits_guessed",
        ),
        ("Số I 14 đường Cách Mạng Tháng Tám", "Số 114 đường Cách Mạng Tháng Tám", "address_digits_guessed"),
        ("Số 17 ngõ 5I phố Vũ Trọng Phụng", "Số 17 ngõ 51 phố Vũ Trọng Phụng", "address_digits_guessed"),
        ("Số 15§ đường Âu Cơ", "Số 158 đường Âu Cơ", "address_digits_guessed"),
        ("Số 12 – 14 phố Huế", "Số 12 – 14 phố Huế", None),
        ("Số 1 14 đường Lê Lợi", "Số 1 14 đường Lê Lợi", None),
        ("Lô I khu phố 2", "Lô I khu phố 2", None),
        ("Tổ dân phố số II, phường Hải Châu", "Tổ dân phố số II, phường Hải Châu", None),  # no digit: Roman
        ("Số i 14 đường Lê Lợi", "Số i 14 đường Lê Lợi", None),  # "i" and "L" are not taken for 1
        ("Số nhà 5, ngõ Im lặng", "Số nhà 5, ngõ Im lặng", None),
    ],
)
def test_house_numbers_read_with_look_alikes_of_their_digits(
    raw: str, expected: str, doubt: str | None
) -> None:
    assert n.address(raw) == n.Normalized(expected, True, doubt=doubt)


@pytest.mark.parametrize(
    ("raw", "doubt"),
    [
        ("(4ø uớân", "odd_characters"),  # a handwritten "Giáo viên" read as no text is written
        ("49# (za(›aÊ Rsaé, Nhật Bản", "odd_characters"),
        ("Giáo viên", None),
        ("37 Central Road, Cộng hòa Liên bang Đức", None),
        ("2233, quyển số 01/2026 TP/CC-SCC/HĐGD", None),
        ("written_consent", None),
        ("Hauptstraße 5", "odd_characters"),  # a foreign letter: foreign_text, not text
        ("ỦY BAN NHÂN DÂN QUẬẦN 3", "odd_characters"),  # one vowel read twice: two tones in one word
        ("ỦY BAN NHÂN DÂN QUẬN HẢI CHÂẦU", "odd_characters"),  # or one tone and a doubled vowel
        ("Số 78 đường Nguyễn Trãi, phường Bến Thàanh", "odd_characters"),
        ("12 Green Street, Sheffield, Vương quốc Anh", None),  # doubled vowels of words without marks
        ("Đăng ký thường trú tại Số 60 (nhà thuê, lâp hô mới)", "odd_characters"),  # "lập": p needs a tone
        ("huyện Krông Pắc, tỉnh Đắk Lắk", None),
        ("xã La Êê, huyện Nam Giang, tỉnh Quảng Nam", None),  # an official name with a doubled ê
        ("Ủy ban nhân dân quận Ninh Kiều", None),
        ("Số 5 Lê Lợi,Quận 1, tỉnh Bà Rịa-Vũng Tàu", None),  # words joined by punctuation, one tone each
    ],
)
def test_free_text_with_a_character_no_vietnamese_text_holds_is_doubted(raw: str, doubt: str | None) -> None:
    assert n.text(raw) == n.Normalized(raw, True, doubt=doubt)


@pytest.mark.parametrize(
    ("raw", "doubt"),
    [
        ("(2/1/2002", "date_digits_guessed"),
        ("|30/03/2013", None),
        ("02/11/2002", None),
        ("Hà Nội (02/11/2002)", None),
    ],
    ids=["bracket", "table-rule", "clean", "in-brackets"],
)
def test_a_bracket_touching_a_dates_day_is_a_misread_stroke(raw: str, doubt: str | None) -> None:
    assert n.date_value(raw).doubt == doubt


@pytest.mark.parametrize(
    ("raw", "doubt"),
    [
        ("(940928059/", "id_digits_guessed"),  # a handwritten 12-digit ID read as 9 digits and strokes
        ("Z2099Z461ðG0", "id_digits_guessed"),  # letters run on from the digits are no label
        ("012345678901", None),
        ("|052186099181", None),  # a table's rule before it
        ("0O1234567890", None),  # a look-alike of a digit
        ("094090104429 cấp ngày: 08/11/2021", None),  # the next label, a word apart
    ],
)
def test_an_id_read_with_stray_characters_is_doubted(raw: str, doubt: str | None) -> None:
    assert n.personal_id(raw).ok
    assert n.personal_id(raw).doubt == doubt


def test_a_comma_read_twice_is_one() -> None:
    value = "phường Vĩnh Tuy, Thành phố Hà Nội"
    assert n.text("phường Vĩnh Tuy,, Thành phố Hà Nội") == n.Normalized(value, True)
    assert n.address("phường Vĩnh Tuy, , Thành phố Hà Nội") == n.Normalized(value, True)
    assert n.occupation("Kỹ sư, Công ty Hòa Phát Co., Ltd").value == "Kỹ sư, Công ty Hòa Phát Co., Ltd"
    assert not n.area("18,,5 m²").ok  # inside a number it is a misreading, not a comma to mend


@pytest.mark.parametrize(
    ("read", "written"),
    [
        ("phường Đống Đa., Thành phố Hà Nội", "phường Đống Đa, Thành phố Hà Nội"),
        ("Số 91/29., đường Lê Thánh Tôn", "Số 91/29, đường Lê Thánh Tôn"),
        ("Công ty Hòa Phát Co., Ltd", "Công ty Hòa Phát Co., Ltd"),  # written so
        ("sách, vở, v.v., đồ dùng", "sách, vở, v.v., đồ dùng"),
        ("sách,vở,v.v., đồ dùng", "sách,vở,v.v., đồ dùng"),  # the word before the dot only
        ("Cách Mạng Tháng Tám., phường", "Cách Mạng Tháng Tám, phường"),
    ],
)
def test_a_dot_read_before_a_comma_is_a_speck_after_a_vietnamese_word_or_a_number(
    read: str, written: str
) -> None:
    assert n.text(read).value == written


@pytest.mark.parametrize(
    ("raw", "doubt"),
    [
        ("Lái xe", None),
        ("Công nhân, Công ty May 10", None),  # digits in the workplace are written so
        ("Y tá", None),
        ("4 xe", "occupation_unusual"),  # a handwritten "Lái xe" with its first word misread
        ("xe", "occupation_unusual"),  # or lost
        ("Kỹ sư xây dựng", None),
        ("Công nhân - Công ty May 10", None),
        ("Công nhân Công ty May 10", None),
        ("Giáo viên (4ø", "odd_characters"),  # odd characters are doubted as in any text
    ],
)
def test_an_occupation_that_is_no_word_is_doubted(raw: str, doubt: str | None) -> None:
    assert n.occupation(raw).doubt == doubt
    assert n.occupation(raw).ok


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2233, quyền số 01/2026 TP/CC-SCC/HĐGD", "2233, quyển số 01/2026 TP/CC-SCC/HĐGD"),
        ("2 764, quyển số 06/2026 TP/CC-SCC/HĐGD", "2764, quyển số 06/2026 TP/CC-SCC/HĐGD"),
        ("4325 , quyến số 07/2026 TP/CC-SCC/HĐGD", "4325, quyển số 07/2026 TP/CC-SCC/HĐGD"),
        ("123/2026/SCT", "123/2026/SCT"),  # not in the formula: as read
    ],
)
def test_a_notarisation_number_is_written_in_its_formula(raw: str, expected: str) -> None:
    assert n.register_number(raw) == n.Normalized(expected, True)


def test_foreign_text_takes_any_alphabet_but_not_symbols() -> None:
    assert n.foreign_text("Hauptstraße 5, München") == n.Normalized("Hauptstraße 5, München", True)
    assert n.foreign_text("12 rue de l'Église, Évère") == n.Normalized("12 rue de l'Église, Évère", True)
    assert n.foreign_text("49# (za(›aÊ Rsaé, Nhật Bản").doubt == "odd_characters"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Hoàng Gia Cường............ M", "Hoàng Gia Cường"),  # "… 10. Mối quan hệ" read with the line
        ("Phan Hồng Hiền..8", "Phan Hồng Hiền"),
        ("Phan Tiến Thắng,....m", "Phan Tiến Thắng"),
        ("Lê Văn A", "Lê Văn A"),
        ("Nguyễn Thị Nhung....12, M", "Nguyễn Thị Nhung"),
        ("Nguyễn Quốc Huy .m", "Nguyễn Quốc Huy"),  # seed 6311 hs_0074, a leader read alone
        ("Lê Thị Lan .", "Lê Thị Lan"),
    ],
)
def test_a_name_read_with_leaders_and_the_next_fields_start_is_the_name(raw: str, expected: str) -> None:
    assert n.name(raw) == n.Normalized(expected, True)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # Handwritten household heads' names of the development sets, the next field's number run in.
        ("Nguyễn Minh Yến8", "Nguyễn Minh Yến"),
        ("Tần Thy Nhang,8. M", "Tần Thy Nhang"),
        ("Huỳnh Quang Việt.8", "Huỳnh Quang Việt"),
        ("Nguyễn Quang Nghĩa. 8", "Nguyễn Quang Nghĩa"),  # seed 6311 hs_0015, a space after the leader
    ],
)
def test_a_number_run_into_a_name_is_cut_and_the_name_doubted(raw: str, expected: str) -> None:
    assert n.name(raw) == n.Normalized(expected, True, doubt=n.NAME_NUMBER_CUT)


@pytest.mark.parametrize("raw", ["Nguyễn Văn .An", "Trần Văn …Tú"])
def test_a_name_word_after_a_lone_leader_is_not_cut_but_doubted(raw: str) -> None:
    """A name may be written over the dotted line: only a small letter after a lone leader is its junk."""
    found = n.name(raw)
    assert len(found.value.split()) == 3 and found.doubt == "name_spelling_unusual"


@pytest.mark.parametrize(
    "raw", ["Nguyễn 1234", "Phan Xuân 7ùng8", "Trần Văn 12B", "Trần Thị8 Hà", "Trần Văn 12", "Lê.Văn 8"]
)
def test_digits_inside_a_name_are_no_tail(raw: str) -> None:
    assert n.name(raw).problem == "digits_in_name"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # Typed ID cards' addresses of the eight development sets, a speck read as an underscore.
        (
            "Số 45 phố Lò Đúc, phường Bạch Đằng, quận Hai Bà _ Trưng",
            "Số 45 phố Lò Đúc, phường Bạch Đằng, quận Hai Bà Trưng",
        ),
        (
            "Số 34/4 đường Lê Thánh Tôn, phường Bến Thành, Quận _1",
            "Số 34/4 đường Lê Thánh Tôn, phường Bến Thành, Quận 1",
        ),
        ("quận Tân Bình, _ Thành phố Hồ Chí Minh", "quận Tân Bình, Thành phố Hồ Chí Minh"),
        ("Số 12 ngõ nguyen_van", "Số 12 ngõ nguyen_van"),  # inside a word it is written
    ],
)
def test_a_speck_read_as_an_underscore_is_dropped(raw: str, expected: str) -> None:
    assert n.text(raw).value == n.address(raw).value == expected
    assert n.email("hoa _le@yahoo.com").value == "hoa_le@yahoo.com"  # in an email it is written
    assert n.name("NGUYỄN VĂN _ AN").value == "Nguyễn Văn An"
    assert n.date_value("ngày _12 tháng 5 năm 2024").value == "2024-05-12"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("31/122053", "2053-12-31"), ("3112/2058", "2058-12-31"), ("15/061993", "1993-06-15")],
)
def test_a_date_with_a_separator_lost_is_read_but_doubted(raw: str, expected: str) -> None:
    assert n.date_value(raw) == n.Normalized(expected, True, doubt="date_digits_guessed")


def test_a_date_with_too_many_or_too_few_digits_is_not_guessed() -> None:
    for raw in ("31/12/049", "31/12/20531", "12345678", "311/22053"):
        assert not n.date_value(raw).ok, raw
