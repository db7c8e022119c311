"""Free text mended to the set phrases it is written in (extractors/phrasing.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from extractors.normalize import Normalized
from extractors.phrasing import WORDING_MENDED, holds_a_phrase, mend_wording, with_phrasing
from extractors.templates import Phrasing, TemplateError, load_templates
from intake.config import Settings


@pytest.fixture(scope="module")
def requests(settings: Settings) -> Phrasing:
    return load_templates(settings.templates_dir).extraction.phrasings["requests"]


@pytest.mark.parametrize(
    ("read", "mended"),
    [
        # "trú" read "brủ" or "bú": two letters of three, within a phrase read otherwise right (seed 5843)
        (
            "Đăng ký lạm brủ tại Số 78 đường Quang Trung, phường Hải Châu, Thành phố Đà Nẵng",
            "Đăng ký tạm trú tại Số 78 đường Quang Trung, phường Hải Châu, Thành phố Đà Nẵng",
        ),
        # Handwritten requests of seed 2961 as the model read them.
        (
            "Đăng ký lạm brú lại Số 100 đường ẵVõ Văn Tần phường Xuân Hòa, Thành phố Hồ Chí Minh, thời hạn "
            "tạm "
            "trú đến ngày 19/10/2031",
            "Đăng ký tạm trú tại Số 100 đường ẵVõ Văn Tần, phường Xuân Hòa, Thành phố Hồ Chí Minh, thời "
            "hạn tạm "
            "trú đến ngày 19/10/2031",
        ),
        (
            "Đăng ký thường trú lại Số 108/25 đường Nguyễn Trãi phường Bến Thành Thành phố Hồ Chí Minh (nhà "
            "thuê, lập hộ mới",
            "Đăng ký thường trú tại Số 108/25 đường Nguyễn Trãi, phường Bến Thành, Thành phố Hồ Chí Minh "
            "(nhà "
            "thuê, lập hộ mới)",
        ),
        (
            "Gia hạn lạm trú lại Số 37 ngõ 35 phố Chùa Bộc phường Đống Đa, Thành phố Hà Nội đến ngày "
            "29/05/2031",
            "Gia hạn tạm trú tại Số 37 ngõ 35 phố Chùa Bộc, phường Đống Đa, Thành phố Hà Nội đến ngày "
            "29/05/2031",
        ),
        (
            "Đăng ký thường trú vào hộ gia Ađnh bà Nguyễn Phương Thủy tại Số 86 đưng Phú Lợi, phường Phú "
            "Lợi, "
            "Thành phố Hồ Chí Minh",
            "Đăng ký thường trú vào hộ gia đình bà Nguyễn Phương Thủy tại Số 86 đường Phú Lợi, phường Phú "
            "Lợi, "
            "Thành phố Hồ Chí Minh",
        ),
        (  # "tại" after a name, where no longer phrase holds it
            "Đăng ký thường trú vào hộ gia đình bà Lê Phương Lan lại Số 29/8 đường Lê Hồng Phong, phường Phú "
            "Lợi, Thành phố Hồ Chí Minh",
            "Đăng ký thường trú vào hộ gia đình bà Lê Phương Lan tại Số 29/8 đường Lê Hồng Phong, phường Phú "
            "Lợi, Thành phố Hồ Chí Minh",
        ),
        (
            "Đăng ký tạm trú tại Số 57 đường Nguyễn Trãi, phường Bến Thành, Thành phố Hồ Chí Minh thời han "
            "tạm "
            "trú đến ngày 23/11/2031",
            "Đăng ký tạm trú tại Số 57 đường Nguyễn Trãi, phường Bến Thành, Thành phố Hồ Chí Minh, thời "
            "hạn tạm "
            "trú đến ngày 23/11/2031",
        ),
        (  # a footnote mark before the first phrase; a dot read as a digit after the year
            "( 2): Gia hạn tạm trú tại Số 12 phố Huế, phường Hai Bà Trưng, Thành phố Hà Nội đến ngày "
            "25/11/2028..5",
            "Gia hạn tạm trú tại Số 12 phố Huế, phường Hai Bà Trưng, Thành phố Hà Nội đến ngày 25/11/2028",
        ),
        (  # the footnote mark before a value whose phrases sort before its first
            "( 2): Đăng ký tạm trú tại Số 7 phố Huế, thời hạn tạm trú đến ngày 20/09/2031",
            "Đăng ký tạm trú tại Số 7 phố Huế, thời hạn tạm trú đến ngày 20/09/2031",
        ),
        (  # brackets read apart; a sentence ended before what follows the address
            "Đăng ký thường trú tại Số 7 phố Huế ( nhà thuê, lập hộ mới )",
            "Đăng ký thường trú tại Số 7 phố Huế (nhà thuê, lập hộ mới)",
        ),
        ("ĐĂNG KÝ LẠM TRÚ TẠI SỐ 7 PHỐ HUẾ", "ĐĂNG KÝ TẠM TRÚ TẠI SỐ 7 PHỐ HUẾ"),  # capitals stay capitals
        (  # the honorific read with a slip; a house number split by a space
            "Đăng ký thường trú vào hộ gia đình bòà Vũ Thị Lan tại Số 3 3 đường Âu Cơ",
            "Đăng ký thường trú vào hộ gia đình bà Vũ Thị Lan tại Số 33 đường Âu Cơ",
        ),
        (
            "Đăng ký thường trú vào hộ gia đình nông Lê Văn Hùng tại Số 138phố Lạch Tray",
            "Đăng ký thường trú vào hộ gia đình ông Lê Văn Hùng tại Số 138 phố Lạch Tray",
        ),
        # "tr" read as "b" and "t" as "l" at a word's start (extraction.yaml `read_as`).
        (
            "Đăng ký lạm bú tại Số 52 đường Xuân Thủy, phường Cầu Giấy, Thành phố Hà Nội, thời han lam brú "
            "đến ngày 07/10/2028",
            "Đăng ký tạm trú tại Số 52 đường Xuân Thủy, phường Cầu Giấy, Thành phố Hà Nội, thời hạn tạm trú "
            "đến ngày 07/10/2028",
        ),
        ("Đăng ký thường bú tại Số 1 phố Huế", "Đăng ký thường trú tại Số 1 phố Huế"),
        # A speck after the closing bracket, or the bracket itself, read as dots and a letter or two.
        (
            "Đăng ký thường trú tại Số 22 phố Lạc Trung, Thành phố Hà Nội (nhà thuê, lập hộ mới...n",
            "Đăng ký thường trú tại Số 22 phố Lạc Trung, Thành phố Hà Nội (nhà thuê, lập hộ mới)",
        ),
        (
            "Đăng ký thường trú tại Số 118 đường Quang Trung, Thành phố Đà Nẵng (nhà thuê, lập hộ mới).mn",
            "Đăng ký thường trú tại Số 118 đường Quang Trung, Thành phố Đà Nẵng (nhà thuê, lập hộ mới)",
        ),
    ],
)
def test_set_phrases_and_the_address_are_mended(requests: Phrasing, read: str, mended: str) -> None:
    assert mend_wording(read, requests) == mended


@pytest.mark.parametrize(
    "read",
    [
        "Đăng ký thường trú tại Số 113 ngõ 121 đường Nguyễn Trãi, phường Thanh Xuân, Thành phố Hà Nội",
        "Đăng ký tạm vắng tại Số 5 phố Huế",  # another procedure, two words off every phrase
        "Đề nghị cấp lại giấy xác nhận thông tin về cư trú cho con",
        "Đăng ký lam bau",  # too far from any phrase
        "Đăng ký thường trú vào hộ gia đình bà Nguyễn Phương Trâm tại Số 136 phố Lò Đúc",  # "Phương" stays
        "Đăng ký tạm trú tại Số 12 3 tầng, thời hạn tạm trú đến ngày 20/09/2031 (nhà thuê)",
        # A whole word is no slip of another, though the phrase's budget would allow it.
        "Đăng ký tạm trú cho con tại Số 7 phố Huế",
        # From the review of session 21: a real word two letters from a phrase's is no slip of it.
        "Xin đăng ký tạm trú cho con tại Số 5 phố Huế",
        "Đăng ký tạm trú mới tại Số 5 phố Huế",
        "Đăng ký thường trú tại Số 5 phố Huế (nhà mua, lập hộ mới)",
        "Gia hạn tạm trú lần đầu tại Số 7 phố Huế",
        # A phrase read but for case is as written; a date's comma is no tail.
        "ĐĂNG KÝ TẠM TRÚ TẠI SỐ 7 PHỐ HUẾ",
        "Tách hộ tại số 7 phố Huế",
        "Gia hạn tạm trú tại Số 7 phố Huế đến ngày 20/09/2031, gia hạn lần hai",
        "Đăng ký tạm trú , Số 7 phố Huế",  # a run ends in a word, not in a mark read apart
        # A name after "tại" is no address.
        "Đăng ký thường trú vào hộ gia đình ông Tại Văn Minh tại Số 5 phố Huế",
        "Đăng ký thường trú vào hộ gia đình ông Lê Văn Hùng tại Số 5, 2024: nhà cũ",
        # Another procedure's word that starts with a letter read for another is no slip of the phrase's.
        "Đăng ký lưu trú tại Số 5 phố Huế",
        "Đăng ký lại thường trú tại Số 5 phố Huế",
        # A capitalised word is a name, not a phrase's word read with "l" for "t"; an abbreviation after a
        # dot is no speck (review of session 22).
        "Đăng ký thường trú Lai Châu",
        "Đăng ký tạm trú Lái Thiêu, Thuận An, Bình Dương",
        "Đăng ký tạm trú tại TP.HN",
        "Tách hộ.Lê",
        # Letters after a dot that no phrase ends before are as written.
        "Đăng ký tạm trú tại Số 7 phố Huế, thời hạn tạm trú đến ngày 20/09/2031, xem tr.ba",
    ],
)
def test_wording_that_is_no_slip_of_a_phrase_is_left_as_read(requests: Phrasing, read: str) -> None:
    assert mend_wording(read, requests) == read


def test_a_mended_letter_is_flagged_and_a_comma_put_back_is_not(requests: Phrasing) -> None:
    slipped = with_phrasing(Normalized("Đăng ký lạm trú lại Số 7 đường Bàu Cát", True), requests)
    assert slipped.value == "Đăng ký tạm trú tại Số 7 đường Bàu Cát" and slipped.doubt == WORDING_MENDED
    comma = with_phrasing(
        Normalized("Đăng ký tạm trú tại Số 7 đường Bàu Cát phường Bảy Hiền", True), requests
    )
    assert comma.value == "Đăng ký tạm trú tại Số 7 đường Bàu Cát, phường Bảy Hiền" and comma.doubt is None
    doubted = with_phrasing(Normalized("Đăng ký lạm trú tại Số 7", True, doubt="odd_characters"), requests)
    assert doubted.value == "Đăng ký tạm trú tại Số 7" and doubted.doubt == "odd_characters"


def test_a_field_naming_an_unknown_phrasing_is_a_template_error(
    edited_templates: Callable[[str, str], Path],
) -> None:
    with pytest.raises(TemplateError, match="no phrasing 'letters'"):
        load_templates(edited_templates("phrasing: requests", "phrasing: letters"))


@pytest.mark.parametrize(
    ("read", "mended"),
    [
        ("Kinh doanh Cự do", "Kinh doanh tự do"),  # handwritten occupations of seed 4321
        ("Sinh viêno", "Sinh viên"),
        ("Lập tình viên", "Lập trình viên"),
        ("Thợ máy", "Thợ máy"),  # a listed occupation near another is as written
        ("Công nhân, Công ty May 10", "Công nhân, Công ty May 10"),
        ("Nghiên cứu viên", "Nghiên cứu viên"),  # unlisted, and near no listed one
        ("Hộ sinh", "Hộ sinh"),
        ("Nhân viên kế toán", "Nhân viên kế toán"),  # no word of "Nhân viên y tế" left out ("y")
        ("Nhân viên bán vé", "Nhân viên bán vé"),
        ("7cc sinh", "Học sinh"),  # no syllable: two letters of three may be misread
        ("Kế toán viên", "Kế toán viên"),  # a word is no slip of another ("Kiểm toán viên")
        ("KỸ SƯ", "KỸ SƯ"),
        # The workplace is not an occupation: "Y tế" is not "Y tá", nor "ty Điện" "Thợ điện".
        ("Nhân viên, Trung tâm Y tế quận 1", "Nhân viên, Trung tâm Y tế quận 1"),
        ("Kỹ sư, Tổng công ty Điện lực", "Kỹ sư, Tổng công ty Điện lực"),
    ],
)
def test_an_occupation_read_with_a_slip_takes_the_common_spelling(
    settings: Settings, read: str, mended: str
) -> None:
    occupations = load_templates(settings.templates_dir).extraction.phrasings["occupations"]
    assert mend_wording(read, occupations) == mended


@pytest.mark.parametrize(
    ("read", "mended"),
    [
        # Handwritten CT02 addresses abroad of seeds 5843 and 4321 as the model read them.
        ("170 Central Road Công hòa Liên bang Đức", "170 Central Road, Cộng hòa Liên bang Đức"),
        ("326 Central Road Hàn Quốc", "326 Central Road, Hàn Quốc"),
        ("898 Central Road Cộng hòa Liên bang ĐứCc", "898 Central Road, Cộng hòa Liên bang Đức"),
        ("721 Central Road, Hàn auQuốc", "721 Central Road, Hàn Quốc"),
        ("342 Central Road Nhệt Bản.", "342 Central Road, Nhật Bản."),
        ("76 Central Road, Hàn Quốc", "76 Central Road, Hàn Quốc"),  # typed, as written
        ("Hauptstraße 5, 80331 München", "Hauptstraße 5, 80331 München"),  # no country closes it
        ("Hàn Quốc Street 5, Seoul", "Hàn Quốc Street 5, Seoul"),  # a country inside the address
        ("Nhật Bản", "Nhật Bản"),  # the country alone takes no comma
        ("671 Central Road, HoaKinia", "671 Central Road, HoaKinia"),  # too far from "Hoa Kỳ"
        # From the review: a mark of its own before the country, a postal code, brackets.
        ("Tokyo - Nhật Bản", "Tokyo - Nhật Bản"),
        ("Tokyo -Nhật Bản", "Tokyo -Nhật Bản"),
        ("Shinjuku 100-0001 Nhật Bản", "Shinjuku 100-0001, Nhật Bản"),
        ("Berlin (Cộng hòa Liên bang Đức)", "Berlin (Cộng hòa Liên bang Đức)"),
        ("(Hàn Quốc)", "(Hàn Quốc)"),
        ("Vương quốc Hà Lan", "Vương quốc Hà Lan"),  # one name
        ("332 Cenbral Road NhậtBnn", "332 Cenbral Road, Nhật Bản"),  # a space lost: one word no syllable
    ],
)
def test_an_address_abroad_ends_in_its_country_after_a_comma(
    settings: Settings, read: str, mended: str
) -> None:
    spec = load_templates(settings.templates_dir).document("ct02").extraction(None).fields["foreign_address"]
    assert isinstance(spec.phrasing, Phrasing)
    assert mend_wording(read, spec.phrasing) == mended


@pytest.mark.parametrize(
    ("read", "holds"),
    [
        ("Hceu té", False),  # garbled: weighed in the image (fields.py _weighed_phrase)
        ("xe", False),
        ("Kế Zoán", True),  # a slip the wording mends
        # A workplace after the occupation: the occupation is found, and the value is not weighed.
        ("Công chức, UBND", True),
        ("Giáo viên THCS", True),
        ("Nhân viên bán hàng, Vinmart", True),
    ],
)
def test_an_occupation_holds_a_phrase_unless_garbled(settings: Settings, read: str, holds: bool) -> None:
    occupations = load_templates(settings.templates_dir).extraction.phrasings["occupations"]
    assert holds_a_phrase(read, occupations) is holds
