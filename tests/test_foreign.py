"""Papers issued abroad are told apart by their language, and legalisation by its stamp and translation."""

from __future__ import annotations

from extractors.foreign import foreign_paper_fields, vietnamese_share
from extractors.templates import load_templates
from intake.config import Settings
from intake.model import BoundingBox, OcrLine


def lines(*texts: str, confidence: float = 0.95) -> list[OcrLine]:
    return [
        OcrLine(text=text, confidence=confidence, box=BoundingBox(x0=0, y0=40 * i, x1=900, y1=40 * i + 30))
        for i, text in enumerate(texts)
    ]


ENGLISH = lines(
    "OSAKA MUNICIPAL RESIDENTS OFFICE",
    "CERTIFICATE OF RESIDENCE",
    "Name: NGUYEN VAN AN  Date of birth: 12 April 1990  Nationality: Viet Nam",
    "This is to certify that the person named above is registered as a resident at the address shown.",
    "This certificate is issued upon request for submission to the authorities concerned.",
)
VIETNAMESE = lines(
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "GIẤY ĐỒNG Ý CHO ĐĂNG KÝ CƯ TRÚ",
    "Tôi là chủ sở hữu chỗ ở hợp pháp tại địa chỉ nêu trên, đồng ý cho ông Nguyễn Văn An",
    "được đăng ký thường trú tại chỗ ở của tôi. Tôi xin chịu trách nhiệm về nội dung cam kết trên.",
)


def rules(settings: Settings):
    return load_templates(settings.templates_dir).extraction.foreign_papers


def test_english_paper_is_foreign_and_not_legalised(settings: Settings) -> None:
    fields = foreign_paper_fields([(3, ENGLISH)], rules(settings))
    assert fields["foreign_issued"].value is True
    assert fields["foreign_issued"].page == 3
    assert fields["legalized"].value is False


def test_legalisation_stamp_and_translation_make_it_legalised(settings: Settings) -> None:
    stamped = ENGLISH + lines("CONSULAR LEGALIZATION")
    translation = lines("BẢN DỊCH TIẾNG VIỆT", *(line.text for line in VIETNAMESE))
    fields = foreign_paper_fields([(0, stamped), (1, translation)], rules(settings))
    assert fields["foreign_issued"].value is True
    assert fields["legalized"].value is True


def test_stamp_without_translation_is_not_enough(settings: Settings) -> None:
    fields = foreign_paper_fields([(0, ENGLISH + lines("CONSULAR LEGALIZATION"))], rules(settings))
    assert fields["legalized"].value is False


def test_vietnamese_letter_is_not_foreign(settings: Settings) -> None:
    share, words = vietnamese_share(VIETNAMESE, 0.7)
    assert share > 0.6 and words > 20
    assert foreign_paper_fields([(0, VIETNAMESE)], rules(settings))["foreign_issued"].value is False


def test_too_little_text_says_nothing(settings: Settings) -> None:
    assert foreign_paper_fields([(0, lines("Seoul", "2024"))], rules(settings)) == {}


def test_unsure_lines_do_not_count(settings: Settings) -> None:
    unsure = lines(*(line.text for line in ENGLISH[:2]), confidence=0.3)
    assert foreign_paper_fields([(0, unsure)], rules(settings)) == {}  # little text, none of it sure


def test_much_text_read_with_little_confidence_is_flagged_not_ignored(settings: Settings) -> None:
    garbled = lines(*(["ㅂㅈㄷ ㄱ쇼ㅕ ㅑㅐㅔ ㅁㄴㅇㄹ ㅎㅗㅓㅏ ㅣㅋㅌㅊ ㅍㅠㅜㅡ"] * 12), confidence=0.3)
    field = foreign_paper_fields([(0, garbled)], rules(settings))["foreign_issued"]
    assert field.value is None and field.review_reasons == ["language_unclear"]


def test_a_share_near_the_threshold_is_flagged(settings: Settings) -> None:
    french = lines(
        "Le présent certificat atteste que la personne nommée ci-dessus réside à l'adresse indiquée.",
        "Délivré à la demande de l'intéressé pour servir et valoir ce que de droit auprès des autorités.",
        "Fait à Lyon, le douze février deux mille vingt-quatre, pour le maire et par délégation.",
    )
    field = foreign_paper_fields([(0, french)], rules(settings))["foreign_issued"]
    assert field.needs_review and field.review_reasons == ["language_unclear"]
