"""AsterNet, the second recogniser: it reads the handwriting Tesseract garbles, and the engine keeps it."""

from __future__ import annotations

import cv2
import numpy as np
from helpers import hand_line
from PIL import Image, ImageDraw, ImageFont

from extractors.ocr import shared_engine
from extractors.ocr.asternet import (
    BLANK,
    MAX_INPUT_WIDTH,
    AsterNetRecognizer,
    _best_alignment,
    _best_in_positions,
    _split_wide,
)
from extractors.templates import WrittenFormat, load_templates
from intake.config import Settings
from samples.generator.render import HAND_FACE

HANDWRITTEN = ["Đỗ Thành Sơn", "Nguyễn Thị Hường", "31/05/1994", "Công an phường Xuân Hòa"]


def test_handwriting_face_is_the_script_one() -> None:
    assert HAND_FACE == "handwriting"


def test_reads_handwritten_values(settings: Settings) -> None:
    recognizer = AsterNetRecognizer(settings.models_dir / settings.second_recognizer)
    for text in HANDWRITTEN:
        read, confidence = recognizer.read(hand_line(text))
        assert read == text
        assert 0.5 < confidence <= 1.0


def test_wide_lines_are_split_and_read_whole(settings: Settings) -> None:
    recognizer = AsterNetRecognizer(settings.models_dir / settings.second_recognizer)
    value = (
        "Đăng ký tạm trú tại Số 98 đường Võ Văn Tần, phường Xuân Hòa, Thành phố Hồ Chí Minh, "
        "thời hạn tạm trú đến ngày 14/09/2027, cùng các thành viên trong hộ gia đình"
    )
    crop = hand_line(value, font_px=40)
    assert crop.shape[1] * 32 / crop.shape[0] > MAX_INPUT_WIDTH
    assert len(_split_wide(crop)) > 1
    read, _ = recognizer.read(crop)
    words = value.split()
    assert sum(word in read.split() for word in words) >= 0.8 * len(words)


def test_engine_keeps_the_surer_reading_of_a_handwritten_line(settings: Settings) -> None:
    page = np.full((600, 2000), 255, dtype=np.uint8)
    crop = hand_line("Đỗ Thành Sơn", font_px=48, label="1. Họ, chữ đệm và tên khai sinh: ")
    page[200 : 200 + crop.shape[0], 100 : 100 + crop.shape[1]] = crop
    lines = shared_engine(settings).read(cv2.cvtColor(page, cv2.COLOR_GRAY2BGR))
    assert len(lines) == 1
    assert lines[0].text.endswith("Đỗ Thành Sơn")
    assert lines[0].recognizer == "asternet"


def test_printed_lines_stay_with_tesseract(settings: Settings) -> None:
    page = Image.new("L", (2000, 400), 255)
    font = ImageFont.truetype("/usr/share/fonts/truetype/freefont/FreeSerif.ttf", 50)
    ImageDraw.Draw(page).text((80, 150), "TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ", font=font, fill=0)
    lines = shared_engine(settings).read(cv2.cvtColor(np.asarray(page), cv2.COLOR_GRAY2BGR))
    assert [line.recognizer for line in lines] == ["tesseract"]


def test_a_handwritten_nu_it_misreads_still_scores_above_nam(settings: Settings) -> None:
    """The model reads this "Nữ" after its label as "Na"; scoring both words finds "Nữ", far ahead."""
    engine = shared_engine(settings)
    crop = hand_line("Nữ", font_px=44, label="Giới tính: ")
    assert not engine.read_handwriting(crop)[0].endswith("Nữ")
    form, margin = engine.read_choice(crop, ["Nam", "Nữ"])
    assert form == "Nữ" and margin > 3
    form, margin = engine.read_choice(hand_line("Nam", font_px=44, label="Giới tính: "), ["Nam", "Nữ"])
    assert form == "Nam" and margin > 3


def test_several_texts_are_weighed_in_one_read_of_the_crop(settings: Settings) -> None:
    """Weighed together or one by one, each text falls as far behind (words and numbers mixed: each kind
    has its own boundary); a text the model cannot spell has none."""
    recognizer = AsterNetRecognizer(settings.models_dir / settings.second_recognizer)
    crop = hand_line("Con nuôi 08", font_px=44, label="Mối quan hệ với chủ hộ: ")
    texts = ["Con nuôi 08", "08", "Cháu", "Con ☃"]
    for whole_words in (False, True):
        weighed = recognizer.shortfalls_within(crop, texts, whole_words)
        assert weighed == [recognizer.shortfalls_within(crop, [text], whole_words)[0] for text in texts]
        written, number, grandchild, unspellable = weighed
        assert written is not None and number is not None and grandchild is not None
        assert grandchild > written + 20 and number < 2
        assert unspellable is None


def test_a_whole_word_is_not_found_at_the_end_of_a_longer_one(settings: Settings) -> None:
    """ "Ông" fits the end of a script "riêng" as well as anything; as a whole word it must follow a space
    or the label's colon, and falls far behind."""
    recognizer = AsterNetRecognizer(settings.models_dir / settings.second_recognizer)
    crop = hand_line("Con riêng", font_px=44, label="Mối quan hệ với chủ hộ: ")
    [anywhere] = recognizer.shortfalls_within(crop, ["ông"])
    [as_word] = recognizer.shortfalls_within(crop, ["ông"], whole_words=True)
    [written] = recognizer.shortfalls_within(crop, ["Con riêng"], whole_words=True)
    assert anywhere is not None and as_word is not None and written is not None
    assert as_word > anywhere + 10 and as_word > written + 10


def test_the_best_alignment_may_start_and_end_anywhere() -> None:
    # four time steps over the vocabulary {blank, a, b}: a blank, "a", "b", then noise
    sure = np.log(np.array([[0.9, 0.05, 0.05], [0.05, 0.9, 0.05], [0.05, 0.05, 0.9], [0.4, 0.3, 0.3]]))
    a, b = 1, 2
    assert BLANK == 0
    assert np.isclose(_best_alignment(sure, [a, b]), 2 * np.log(0.9))
    assert np.isclose(_best_alignment(sure, [b, a]), np.log(0.9) + np.log(0.3))  # "b" then the noise
    assert _best_alignment(sure, [a, a]) < _best_alignment(sure, [a, b]) - 2


def test_choices_are_scored_in_a_crop_too_wide_for_the_model(settings: Settings) -> None:
    engine = shared_engine(settings)
    address = "Số 98 đường Võ Văn Tần, phường Xuân Hòa, Thành phố Hồ Chí Minh"  # no "Nam" in it
    crop = hand_line(f"{address}, {address}. Giới tính: Nữ", font_px=40)
    assert crop.shape[1] * 32 / crop.shape[0] > MAX_INPUT_WIDTH
    form, margin = engine.read_choice(crop, ["Nam", "Nữ"])
    assert form == "Nữ" and margin > 0


def test_a_number_is_read_in_its_written_form_after_a_label(settings: Settings) -> None:
    recognizer = AsterNetRecognizer(settings.models_dir / settings.second_recognizer)
    phone = load_templates(settings.templates_dir).extraction.written_formats["phone"].forms[0].positions
    label = "5. Số điện thoại liên hệ: "
    [(read, behind)] = recognizer.best_in_formats(hand_line("0987654321", label=label), [phone])
    assert read == "0987654321" and behind < 0.5
    # Nine digits written: the form's tenth digit must be made up, far behind the best reading.
    [short] = recognizer.best_in_formats(hand_line("098765432", label=label), [phone])
    assert short is not None and len(short[0]) == 10 and short[1] > 5


def test_the_search_over_positions_is_the_best_alignment_when_each_position_has_one_label() -> None:
    rng = np.random.default_rng(7)
    log_probs = np.log(rng.dirichlet(np.ones(6), size=30))
    labels = [3, 3, 5, 1]
    context = (np.zeros(31), np.zeros(31))
    found, score = _best_in_positions(log_probs, [[label] for label in labels], context)
    assert found == labels and abs(score - _best_alignment(log_probs, labels, context)) < 1e-9
    # With a choice per position, the best labels: on frames "2 2" with no blank between, one 2 only.
    frames = np.full((2, 6), -20.0)
    frames[:, 2] = 0.0
    found, _ = _best_in_positions(frames, [[2, 4], [2, 4]], (np.zeros(3), np.zeros(3)))
    assert found in ([2, 4], [4, 2])


def test_a_written_form_is_one_character_class_per_position() -> None:
    form = WrittenFormat.model_validate("[0-3][0-9][/.-]0[1-9]")
    assert form.positions == ["0123", "0123456789", "/.-", "0", "123456789"]
