"""Normalisers: raw text as read → canonical value, or a reason it could not be normalised.

Each returns a `Normalized`; a failure is not an exception, because a value that does not normalise is
flagged for review rather than dropped or guessed.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from rapidfuzz.distance import Levenshtein

from intake.model import nfc


@dataclass(frozen=True)
class Normalized:
    value: Any
    ok: bool
    problem: str | None = None
    doubt: str | None = None  # normalised, but by a repair a person should confirm

    @classmethod
    def fail(cls, problem: str, value: Any = None) -> Normalized:
        return cls(value=value, ok=False, problem=problem)


# Letters OCR confuses with digits inside a field that can only hold digits.
DIGIT_LOOKALIKES = str.maketrans(
    {
        "O": "0",
        "o": "0",
        "D": "0",
        "Q": "0",
        "I": "1",
        "l": "1",
        "i": "1",
        "!": "1",
        "Z": "2",
        "z": "2",
        "S": "5",
        "s": "5",
        "B": "8",
        "G": "6",
        "b": "6",
        "g": "9",
        "q": "9",
        "T": "7",
    }
)


AMBIGUOUS_LOOKALIKE_BY_DIGITS = re.compile(r"(?<=[\d/.\-])[ZzSsBGbgqT]|[ZzSsBGbgqT](?=[\d/.\-])")


# More look-alikes, for the day and month between "ngày", "tháng" and "năm" only, where nothing but digits
# can stand (in a row of digit boxes "]" is a box's edge). Counted on the seed-4242 certificates and
# contracts: "Ø" for 0, "]" for 1, "§" for 8. On the eight development sets' certificates and contracts a
# plain "S" there was an 8 four times of four, and "Š" a 5 thirty-one times of thirty-two
# (_written_date_digits).
WRITTEN_DATE_LOOKALIKES = {
    **DIGIT_LOOKALIKES,
    ord("Ø"): "0",
    ord("ø"): "0",
    ord("]"): "1",
    ord("§"): "8",
    ord("S"): "8",
}


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


# Look-alikes no Vietnamese text holds, read for the letters it does: the Icelandic eth for "Đ"/"đ".
LOOKALIKE_LETTERS = str.maketrans({"\u00d0": "\u0110", "\u00f0": "\u0111"})


# A speck after a comma read as another ("Vĩnh Tuy,, Thành phố"); not inside a number ("18,,5" fails).
DOUBLED_COMMA = re.compile(r",(?:\s*,)+(?=\s|$)")
# A speck before a comma read as a dot: "Đống Đa., Thành phố", "Tháng Tám.,", "Số 91/29., đường" (typed
# requests, five unflagged on eight sets). Only after a Vietnamese word with a letter outside ASCII, or a
# number: "Co., Ltd" and "v.v.," are written so (and "Minh.," stays, a Vietnamese word all in ASCII).
DOT_BEFORE_COMMA = re.compile(r"(\w+)\.(?=,)")


def _speck_before_comma(match: re.Match[str]) -> str:
    word = match[1]
    return word if word[-1].isdigit() or not word.isascii() else match[0]


# A speck read as an underscore: alone between words ("Hai Bà _ Trưng"), or before a word ("Quận _1").
STRAY_UNDERSCORE = re.compile(r"(?<!\S)_+(?=\s|$)|(?<!\S)_(?=[^\W_])")


def clean_text(raw: str, underscores: bool = False) -> str:
    """`raw` with its spaces single, look-alike letters and specks put right, NFC; `underscores`: an
    underscore standing alone or before a word is kept (an email's)."""
    text = raw if underscores else STRAY_UNDERSCORE.sub("", raw)
    joined = " ".join(text.replace("\u00a0", " ").translate(LOOKALIKE_LETTERS).split())
    joined = DOUBLED_COMMA.sub(",", joined)
    joined = DOT_BEFORE_COMMA.sub(_speck_before_comma, joined)
    return nfc(joined).strip(" .:;,-_…'\"`‘’“”")


def digits_only(raw: str) -> str:
    return re.sub(r"\D", "", raw.translate(DIGIT_LOOKALIKES))


def text(raw: str, any_letter: bool = False) -> Normalized:
    """Free text as written; one holding a character no Vietnamese (or English) text is written with
    ("(4ø uớân" for a handwritten "Giáo viên") is kept, but doubted. `any_letter`: letters of any alphabet
    are written with (a foreign address)."""
    value = clean_text(raw)
    if not value:
        return Normalized(value, False, "empty")
    return _doubted_if_odd(value, TEXT_PUNCTUATION, any_letter)


# Tone marks (the other combining marks, ˆ ˘ ̛, make vowels). A syllable closed by p, t, c or ch carries only
# the sắc or nặng tone: "Ngoc" is "Ngọc" or "Ngóc" misread, never a spelling.
TONE_MARKS = {"\u0301", "\u0300", "\u0309", "\u0303", "\u0323"}
STOP_TONES = {"\u0301", "\u0323"}
STOP_CODAS = ("c", "ch", "p", "t")
# The marks Vietnamese letters are written with: the tones, and the circumflex, breve and horn.
VIETNAMESE_MARKS = frozenset(TONE_MARKS | {"\u0302", "\u0306", "\u031b"})
TEXT_PUNCTUATION = frozenset(" ,.;:/-()'’–&+%°\"“”?!_")


def _doubted_if_odd(value: str, punctuation: frozenset[str], any_letter: bool = False) -> Normalized:
    odd = odd_characters(value, punctuation, any_letter) or (not any_letter and marks_misread(value))
    return Normalized(value, True, doubt="odd_characters" if odd else None)


# Vowels no Vietnamese syllable doubles, marks aside ("oo" is in "xoong", "uu" in "cứu"), but for the "êê"
# of a few official commune names of the Cơ Tu (La Êê, La Dêê, Bha Lêê).
DOUBLED_VOWEL = re.compile(r"aa|ee|ii|yy")


def _vowel_doubled(word: str) -> bool:
    return bool(DOUBLED_VOWEL.search(strip_accents(word.casefold()))) and "êê" not in toneless(word)


def marks_misread(value: str) -> bool:
    """Whether a Vietnamese word of `value` (one carrying a mark: "Green Street" may be foreign) is spelt as
    no syllable is because the recogniser misread its marks: two tone marks ("QUẬẦN", "Kiểều": one vowel
    read twice), a doubled vowel ("CHÂẦU", "Thàanh"), or a syllable closed by p, t, c or ch without the sắc
    or nặng tone it must carry ("lâp hô mới" for "lập hộ mới"; not in capitals, which may be a code)."""
    words = re.split(r"[^\w\u0300-\u036f]+", unicodedata.normalize("NFD", value))  # "Rịa-Vũng", "Hòa,quận"
    for word in words:
        tones = [mark for mark in word if mark in TONE_MARKS]
        if len(tones) > 1:
            return True
        if not VIETNAMESE_MARKS.intersection(word):
            continue
        if _vowel_doubled(word):
            return True
        syllable = SYLLABLE.fullmatch(strip_accents(word.casefold()))
        if syllable is not None and not word.isupper() and not _tone_fits_coda(syllable.group(3), tones):
            return True
    return False


def _tone_fits_coda(coda: str | None, tones: list[str]) -> bool:
    """A syllable closed by p, t, c or ch carries the sắc or nặng tone; any other, any tone or none."""
    return coda not in STOP_CODAS or (bool(tones) and tones[0] in STOP_TONES)


def odd_characters(value: str, punctuation: frozenset[str], any_letter: bool = False) -> bool:
    """Whether `value` holds a character other than a digit, `punctuation`, or a letter of the Vietnamese
    (or plain Latin) alphabet; with `any_letter`, a letter of any alphabet (a foreign address)."""
    for char in value:
        if char.isdigit() or char in punctuation or char in "đĐ" or (any_letter and char.isalpha()):
            continue
        base, *marks = unicodedata.normalize("NFD", char)
        if not (base.isascii() and base.isalpha() and VIETNAMESE_MARKS.issuperset(marks)):
            return True
    return False


# Characters an address is written with; anything else ("Số 7§", "Số 13!", "phườ: Nội") is an OCR slip.
ADDRESS_PUNCTUATION = frozenset(" ,./-()'’–;&")  # Đắk R'Lấp, "Số 12 – 14"


# A house, lane or alley number (after "Số", "ngõ", …) read with look-alikes of its digits: "Số I16",
# "ngõ 5I", "Số 15§", a narrow leading 1 set apart, "Số I 14", or a lone "Số I"; a number needs a digit
# otherwise ("số II" may be a Roman numeral).
HOUSE_NUMBER = re.compile(
    r"(?<!\w)((?i:số|ngõ|ngách|hẻm|kiệt))\s+"
    r"((?:[Il](?= \d))?[ ]?(?=[^\s,/]*\d|[Il](?:[\s,/]|$))[\dIl§Š]*(?<=[\dIl§Š]))(?=[\s,/]|$)"
)
HOUSE_DIGIT_LOOKALIKES = str.maketrans({"I": "1", "l": "1", "§": "8", "Š": "5", " ": ""})


SENTENCE_END = re.compile(r"\.\s+(?=[A-ZĐÀ-Ỹ])")
ABBREVIATION = re.compile(r"(?<![^\W\d_])[^\W\d_]{1,2}$|(?<![^\W\d_])[A-ZĐ]{3}$")  # "P.", "TP.", "Tp."
ADDRESS_UNITS = ("phường", "xã", "thị trấn", "thị xã", "quận", "huyện", "thành phố", "tỉnh")


def _without_following_sentence(value: str) -> str:
    """An address without the sentence after it ("… Hải Phòng. Nhà ở thuộc quyền …"); a dot after an
    abbreviated unit ("P. Bến Nghé", "TP. Hồ Chí Minh"), or before the address's next unit (a comma read as a
    dot: "… phố Huế. Phường Hàng Bài"), ends no sentence."""
    for end in SENTENCE_END.finditer(value):
        following = value[end.end() :].casefold()
        if ABBREVIATION.search(value[: end.start()]) or following.startswith(ADDRESS_UNITS):
            continue
        return value[: end.start()]
    return value


def address(raw: str) -> Normalized:
    """An address as written, without a following sentence ("… Hải Phòng. Nhà ở thuộc quyền …"); one holding
    a character no address is written with is kept, but doubted. House numbers read with look-alikes of their
    digits are mended, and doubted."""
    value = _without_following_sentence(clean_text(raw))
    if not value:
        return Normalized.fail("empty")
    mended = HOUSE_NUMBER.sub(lambda m: f"{m[1]} {m[2].translate(HOUSE_DIGIT_LOOKALIKES)}", value)
    if mended != value:
        return Normalized(mended, True, doubt="address_digits_guessed")
    return _doubted_if_odd(value, ADDRESS_PUNCTUATION)


RULING_STROKES = " /\\|!"


def relationship(raw: str) -> Normalized:
    """Relationship to the household head as written, first letter capital ("vợ" → "Vợ"), without the
    strokes a table's ruling leaves before or after it ("/Con dâu")."""
    value = clean_text(clean_text(raw).strip(RULING_STROKES))  # "|. Vợ": a stroke, then a speck
    return Normalized(value[:1].upper() + value[1:], bool(value), None if value else "empty")


SYLLABLE = re.compile(r"(ngh|ng|nh|ch|tr|th|ph|kh|gh|gi|qu|[bcdghklmnprstvx])?([aeiouy]+)(ch|ng|nh|[cmnpt])?")


def tone_key(phrase: str) -> str:
    """`phrase` in lower case with each syllable's tone mark moved to its end: "Hoà" and "Hòa" are one
    spelling."""
    keyed = []
    for word in phrase.casefold().split():
        tones = "".join(mark for mark in unicodedata.normalize("NFD", word) if mark in TONE_MARKS)
        keyed.append(toneless(word) + tones)
    return " ".join(keyed)


def toneless(text: str) -> str:
    """`text` in lower case without its tone marks; the letters (â, ơ, đ, …) stay: "Diệu" → "diêu"."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    return unicodedata.normalize("NFC", "".join(mark for mark in decomposed if mark not in TONE_MARKS))


def vietnamese_syllable(word: str) -> bool:
    """Whether `word` can be a Vietnamese syllable: onset, vowels, coda, and a tone its coda allows."""
    decomposed = unicodedata.normalize("NFD", word.casefold())
    tones = [mark for mark in decomposed if mark in TONE_MARKS]
    match = SYLLABLE.fullmatch(strip_accents(word.casefold()))
    marked = VIETNAMESE_MARKS.intersection(decomposed) or "đ" in word.casefold()
    if match is None or len(tones) > 1 or (marked and _vowel_doubled(word)):  # "Lee" may be foreign
        return False
    return _tone_fits_coda(match.group(3), tones)


# Leaders after a name with what the line went on to: the next field's number or first letter, read with it
# ("Hoàng Gia Cường............ M" for "… 10. Mối quan hệ", "Phan Hồng Hiền..8", "Nguyễn Thị Nhang....12, M"),
# or a leader read alone after a space, with a small letter at most ("Nguyễn Quốc Hu .m"; ".An" may be a name
# written over the dots, and stays for a person to read).
NAME_TAIL = re.compile(r"\s*[,.…_]*[.…_]{2,}\s*(?:\d{1,2}[.,]?\s*)?\S{0,2}$|\s+[.…_][^\W\d_A-ZĐ]?$")
# That number run into the name's last word, in handwriting ("Nguyễn Minh Yến8", "Tần Thy Nhang,8. M",
# "Nguyễn Quang Ngha. 8"): the word before it may have been read with it, so the name is doubted.
NAME_NUMBER_RUN_IN = re.compile(r"(?<=[^\W\d_])(?:[,.]\s*)?\d{1,2}[.,]?(?:\s+[^\W\d_])?$")
NAME_NUMBER_CUT = "name_number_cut"


def name(raw: str) -> Normalized:
    """Vietnamese personal names in title case ("NGUYỄN THỊ HƯỜNG" → "Nguyễn Thị Hường")."""
    value = re.sub(r"^(?:ông|bà|anh|chị)\s*[:.]?\s+", "", clean_text(raw), flags=re.IGNORECASE)
    value = NAME_TAIL.sub("", value)
    value, cut = NAME_NUMBER_RUN_IN.subn("", value)
    if not value:
        return Normalized.fail("empty")
    if re.search(r"\d", value):
        return Normalized.fail("digits_in_name", value)
    if re.search(r"[,:;/()]", value):  # no name holds these; a label ("Ngày, tháng") or two fields do
        return Normalized.fail("punctuation_in_name", value)
    words = [word.capitalize() for word in value.split()]
    if len(words) < 2:
        return Normalized(" ".join(words), False, "single_word_name")
    # A word no Vietnamese syllable is spelt like ("Trandg", "Ngoc") is an OCR slip: kept, but doubted.
    odd = not all(vietnamese_syllable(word) for word in words)
    doubt = "name_spelling_unusual" if odd else NAME_NUMBER_CUT if cut else None
    return Normalized(" ".join(words), True, doubt=doubt)


EARLIEST_YEAR, LATEST_YEAR = 1900, 2100
ENGLISH_MONTHS = {
    month: number
    for number, month in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}


def _valid_date(day: int, month: int, year: int) -> date | None:
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


# An English date read with look-alikes in its numbers and a slip or two in its month ("I9 Septenber 2026",
# "0Š Ocfober 2026"): the nearest month by this many edits, when no other is as near. A month word of four
# letters or more ("may" is read exactly or not at all), and never in a Vietnamese date, whose "năm" is two
# edits from "may".
ENGLISH_DATE_MISREAD = re.compile(r"(?<!\S)(\S{1,2})\s+([A-Za-z]{4,10})\s+(\S{4})(?!\S)")
MONTH_EDITS = 2


def _english_date_misread(unaccented: str) -> Normalized | None:
    if re.search(r"(?i)\b(?:ngay|thang|nam)\b", unaccented):
        return None
    if (found := ENGLISH_DATE_MISREAD.search(unaccented)) is None:
        return None
    day, word, year = found.groups()  # look-alikes before case folding: "B" is an 8, "b" a 6
    day, year, word = day.translate(DIGIT_LOOKALIKES), year.translate(DIGIT_LOOKALIKES), word.casefold()
    nearest = sorted((Levenshtein.distance(word, month), month) for month in ENGLISH_MONTHS)
    (edits, month), runner_up = nearest[0], nearest[1][0]
    if not (day.isdigit() and year.isdigit()) or edits > MONTH_EDITS or edits == runner_up:
        return None
    parsed = _valid_date(int(day), ENGLISH_MONTHS[month], int(year))
    return Normalized(parsed.isoformat(), True, doubt="date_digits_guessed") if parsed else None


# Not "|", "[" or "l": a table's rule or a box's edge is read so.
STRAY_BEFORE_DAY = frozenset("({")


def _stray_before_day(text: str, date: re.Match[str]) -> bool:
    """Whether an unclosed bracket touches the date's day: "(2/1/2002", not "(02/11/2002)"."""
    before = text[date.start() - 1] if date.start() > 0 else ""
    return before in STRAY_BEFORE_DAY and not text[date.end() :].lstrip().startswith((")", "}"))


def _written_date_digits(read: str) -> str:
    """A written date's day or month as digits: an S with a caron ("Š") is a 5, a plain S an 8, other letters
    as their look-alikes without their marks ("Ì" is a 1)."""
    return strip_accents(read.replace("Š", "5")).translate(WRITTEN_DATE_LOOKALIKES)


LOST_SEPARATOR = re.compile(
    r"(?<!\d)(\d{1,2})\s*[/.\-]\s*(\d{2})(\d{4})(?!\d)|(?<!\d)(\d{2})(\d{2})\s*[/.\-]\s*(\d{4})(?!\d)"
)


def date_value(raw: str) -> Normalized:
    """dd/mm/yyyy, dd-mm-yyyy, dd.mm.yyyy, "ngày dd tháng mm năm yyyy", or a year alone ("Sinh năm yyyy")."""
    value = clean_text(raw)
    # Marks left over after composing belong to no letter: without them each letter keeps its place when
    # the accents are stripped, and the day and month are read with their marks ("Š" is no "S").
    value = "".join(char for char in value if unicodedata.category(char) != "Mn")
    unaccented = strip_accents(value)
    plain = unaccented.casefold()
    # "ngày 29 tháng IÌ năm 2026": the day, month and year as read, look-alike letters taken for digits
    # (before case folding: "B" is an 8, "b" a 6). A box's edge may follow them ("tháng I1] năm"); the
    # year's closing 1 may be read as one ("năm 202]").
    words = re.search(
        r"ngay\s*(\S{1,2})[\]|]?\s*thang\s*(\S{1,2})[\]|]?\s*nam\s*(\S{4})",
        unaccented,
        re.IGNORECASE,
    )
    as_written = " ".join(words.groups()) if words else ""
    read_as_digits = ""
    if words:
        year = words[3]
        day, month = (value[words.start(group) : words.end(group)] for group in (1, 2))
        read_as_digits = " ".join(
            (
                _written_date_digits(day),
                _written_date_digits(month),
                re.sub(r"\]$", "1", year).translate(DIGIT_LOOKALIKES),  # a closing 1 only: "năm 202]"
            )
        )
    match = re.fullmatch(r"(\d{1,2}) (\d{1,2}) (\d{4})", read_as_digits)
    guessed = match is not None and read_as_digits != as_written
    english = re.search(rf"(?<!\S)(\d{{1,2}})\s+({'|'.join(ENGLISH_MONTHS)})\s+(\d{{4}})", plain)
    if not match and english:  # papers issued abroad: "9 October 2026"
        day, month, year = int(english.group(1)), ENGLISH_MONTHS[english.group(2)], int(english.group(3))
        parsed = _valid_date(day, month, year)
        return Normalized(parsed.isoformat(), True) if parsed else Normalized.fail("impossible_date", value)
    if not match:
        # OCR splits digits with a space ("1 1/06/2031"): joined first, or "1/06/2031" would be found.
        joined = re.sub(r"(?<=\d)\s(?=\d)", "", value.translate(DIGIT_LOOKALIKES))
        match = re.search(r"(?<!\d)(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})(?!\d)", joined)
        # A letter that looks like several digits, taken for one ("25/2/196G": a written 6 or 8), is a guess;
        # "O" for 0 and "l" for 1 are not.
        guessed = match is not None and AMBIGUOUS_LOOKALIKE_BY_DIGITS.search(value) is not None
        # A bracket or mark touching the day is a stroke misread, maybe of a digit: "(2/1/2002" for
        # "02/11/2002" (seed 4711 hs_0072, handwriting Tesseract read surely).
        guessed = guessed or (match is not None and _stray_before_day(joined, match))
        if match is None:
            # One separator lost, the digits run together ("31/122053", "3112/2058"): two-digit day or month
            # against the year's four. A guess.
            match = LOST_SEPARATOR.search(joined)
            guessed = match is not None
    if match:
        day, month, year = (int(group) for group in match.groups() if group is not None)
        parsed = _valid_date(day, month, year)
        if parsed is None:
            return Normalized.fail("impossible_date", value)
        return Normalized(parsed.isoformat(), True, doubt="date_digits_guessed" if guessed else None)
    if misread := _english_date_misread(unaccented):
        return misread
    year_only = re.fullmatch(r"(?:sinh\s*)?(?:nam\s*)?(\d{4})", plain)
    if year_only and EARLIEST_YEAR <= int(year_only.group(1)) <= LATEST_YEAR:
        return Normalized(year_only.group(1), True)
    return Normalized.fail("unrecognised_date", value)


# A passport number: one or two letters and 7-8 digits (Vietnam "C1234567", Korea "M12345678", Japan
# "TR1234567"), or 9 digits (United States).
PASSPORT = re.compile(r"[A-Z]{1,2}\d{7,8}|\d{9}")


def passport(raw: str) -> Normalized:
    value = re.sub(r"[\s.]", "", clean_text(raw)).upper()
    if PASSPORT.fullmatch(value):
        return Normalized(value, True)
    return Normalized.fail("invalid_passport", value or None)


def personal_id(raw: str) -> Normalized:
    """12-digit personal ID (số định danh cá nhân / CCCD) or 9-digit CMND. An ID read together with the
    next label of its line, misread so that it was not found ("004166079557 cấp nsày: 13/06/2024"), is the
    number before that label's words."""
    value = digits_only(raw)
    if len(value) in (9, 12):
        return Normalized(value, True, doubt=_id_stray_characters(raw))
    before_label = _before_next_label(raw)
    if before_label != raw and len(number := digits_only(before_label)) in (9, 12):
        # A label is a word apart: letters run on from the digits ("Z461ðG0") are more of the number misread.
        run_on = not _before_label_word(raw)[-1:].isspace()
        doubt = "id_digits_guessed" if run_on else _id_stray_characters(before_label)
        return Normalized(number, True, doubt=doubt)
    return Normalized.fail("id_wrong_length", value or None)


# What an ID is read with besides its digits and their look-alikes: spaces, leaders, and a table's rule or
# a box's edge before it ("|052186099181").
ID_SEPARATORS = frozenset(" .-|[]")
ID_READ_WITH = ID_SEPARATORS | {chr(code) for code in DIGIT_LOOKALIKES}


def _id_stray_characters(raw: str) -> str | None:
    """`id_digits_guessed` when an ID was read with a character that is neither a digit, a look-alike of
    one, nor a separator: "(940928059/" and "Z2099Z461ðG0" for handwritten 12-digit IDs, which gave 9
    digits each, a valid old ID number (seed 8017, consent letters)."""
    stray = any(not char.isdigit() and char not in ID_READ_WITH for char in clean_text(raw))
    return "id_digits_guessed" if stray else None


def gender(raw: str) -> Normalized:
    plain = strip_accents(clean_text(raw)).casefold()
    # The word with a character of OCR residue after it ("Nam.u", "NữỮ").
    if re.fullmatch(r"(?:nam|male|m)(?:\W\w?)?", plain):
        return Normalized("male", True)
    if re.fullmatch(r"(?:nu|female|f)(?:\W?\w?)?", plain):
        return Normalized("female", True)
    return Normalized.fail("unrecognised_gender", clean_text(raw) or None)


def phone(raw: str) -> Normalized:
    """Domestic 10-digit form: 03/05/07/08/09 then 8 digits; +84 numbers are brought to it. A number read
    together with the next field of its line ("0537438235. 6. Email: …") is the number before that field's
    label and number."""
    value = _domestic_number(raw)
    if re.fullmatch(r"0[35789]\d{8}", value):
        return Normalized(value, True)
    before_label = _before_next_label(raw)
    if before_label != raw and re.fullmatch(r"0[35789]\d{8}", number := _domestic_number(before_label)):
        return Normalized(number, True)
    return Normalized.fail("invalid_phone", value or None)


# The number of the next field, with its punctuation, at the end of what comes before its label.
NEXT_FIELD = re.compile(r"[\s.,;:]+\d{1,2}[\s.,;:]*$")


# A word of two letters or more: where the next label of a line begins.
LABEL_WORD = re.compile(r"[^\W\d_]{2,}")


def _before_label_word(raw: str) -> str:
    return LABEL_WORD.split(raw, maxsplit=1)[0]


def _before_next_label(raw: str) -> str:
    """What comes before the first word of two letters or more, without the next field's number: a number
    read together with the next label of its line."""
    return NEXT_FIELD.sub("", _before_label_word(raw))


def _domestic_number(raw: str) -> str:
    value = digits_only(raw.replace("+84", "0", 1)) if raw.strip().startswith("+84") else digits_only(raw)
    return "0" + value[2:] if value.startswith("84") and len(value) == 11 else value


# Mail services most addresses on the forms use; OCR often reads their "@" as "0"/"o" or drops it.
COMMON_MAIL_DOMAINS = ("gmail.com", "yahoo.com", "yahoo.com.vn", "outlook.com", "hotmail.com", "icloud.com")
# What handwritten or script "@" is read as; MAX_DOMAIN_EDITS: slips allowed in a listed domain.
AT_READ_AS = "0o©®qđ"
# Read as the "@" only after a digit, where they seldom end a name: typed "@" comes out as "B", "D", "P" or
# "W", script as "e" or "a" ("anhdh82e", "hieu.le5B", "huonglt03D", "quan.tran91Poutlook.com"). No address
# holds a "đ": before the domain it is the "@" (eight development sets: 3 typed).
AT_READ_AS_AFTER_DIGIT = "ebdpwa"
MAX_DOMAIN_EDITS = 2
# A listed domain and its longer Vietnamese variant, which ends the same way but for ".vn".
VN_VARIANTS = {"yahoo.com": "yahoo.com.vn"}
# No tone marks: those are misreadings; no top-level domain of one letter.
EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)*\.[a-z]{2,}", re.ASCII)
# The dotted leaders after a typed address, read as dots and a stray letter ("…@gmail.com....a").
LEADER_TAIL = re.compile(r"\.+\w$")


# Look-alikes in an address: capitals I and O in one otherwise written in lower case ("I" is the "l" a
# sans-serif face draws alike: "Iinhnp1996"; an "O" by a digit is the zero: "kimhuyenO0O…" for
# "kimhuyen00@…"), a zero between letters ("thuyng0c2013"), an "l" after a digit where a number goes on or
# ends ("tienhung0l@…").
LOOKALIKES_IN_ADDRESS = (
    (re.compile(r"I"), "l"),
    (re.compile(r"(?<=\d)O|O(?=\d)"), "0"),
    (re.compile(r"(?<=\d)l(?=\d|@|$)"), "1"),
    (re.compile(r"(?<=[a-z])0(?=[a-z])"), "o"),
)
# Generic top-level domains; any two-letter one is a country's. An address near a listed service's whose
# top-level domain is neither ("yahoo.conm", "gmail.con") or whose name holds a digit ("0utlook.com") is
# that service misread.
GENERIC_TOP_LEVEL = frozenset({"com", "net", "org", "edu", "gov", "info", "biz", "int", "mil"})
# Mail services a letter from a listed one: their addresses are written so. Any other domain a letter from a
# listed one is that service misread ("qmail.com", "gmail.co", "yahoo.co": 6 typed addresses of nine sets,
# none written so), doubted.
OTHER_MAIL_DOMAINS = frozenset({"ymail.com", "mail.com", "email.com"})


def _without_lookalikes(value: str) -> str:
    # An address with capitals other than the look-alikes (and the "@" read as "B" or "D") was written so
    # ("Ivy.Tran@…"): left as read.
    if not re.search(r"[a-z]", value) or re.search(r"[ACE-HJ-NP-Z]", value):
        return value
    for lookalike, letter in LOOKALIKES_IN_ADDRESS:
        value = lookalike.sub(letter, value)
    return value


def _listed_domain_misread(value: str) -> str | None:
    """A valid address whose domain is a listed one misread ("…@yahoo.conm", "…@0utlook.com", "…@qgmail.com"),
    with the listed domain; None for a listed domain, or one that may be real ("ymail.com")."""
    local, domain = value.rsplit("@", 1)
    if domain in COMMON_MAIL_DOMAINS:
        return None
    if domain[:1] in AT_READ_AS and domain[1:] in COMMON_MAIL_DOMAINS:
        return f"{local}@{domain[1:]}"  # the "@" read twice, as itself and a look-alike ("…@qgmail.com")
    nearest = sorted((Levenshtein.distance(domain, listed), listed) for listed in COMMON_MAIL_DOMAINS)
    (edits, listed), runner_up = nearest[0], nearest[1][0]
    if edits == 1 and domain not in OTHER_MAIL_DOMAINS:
        return f"{local}@{listed}"
    top_level = domain.rsplit(".", 1)[-1]
    if (top_level in GENERIC_TOP_LEVEL or len(top_level) == 2) and not re.search(r"\d", domain):
        return None
    return f"{local}@{listed}" if edits <= MAX_DOMAIN_EDITS and edits < runner_up else None


def email(raw: str, lookalikes: bool = True) -> Normalized:
    """An email address; one repaired from look-alikes, a misread "@" or domain, or stray marks is doubted.
    Without `lookalikes` (an address a person typed), its characters are taken as typed."""
    as_written = clean_text(raw, underscores=True)
    joined = as_written.replace(" ", "")
    mended = _without_lookalikes(joined) if lookalikes else joined
    repaired = _email_repaired(mended.casefold())
    # No address holds a space: one read inside it stood for a character ("nhung nguyen1999@…").
    if repaired.ok and repaired.doubt is None and (joined != as_written or mended != joined):
        return dataclasses.replace(repaired, doubt="email_cleaned")
    return repaired


# A mark no address holds, read for the "@" before a listed domain ("thanhthao90$gmail.com").
AT_MARK_BEFORE_DOMAIN = re.compile(rf"[^\w.+\-@](?=(?:{'|'.join(map(re.escape, COMMON_MAIL_DOMAINS))})$)")


def _email_repaired(value: str) -> Normalized:
    if EMAIL.fullmatch(value):
        if (listed := _listed_domain_misread(value)) is not None:
            return Normalized(listed, True, doubt="email_domain_guessed")
        return Normalized(value, True)
    if "@" not in value and EMAIL.fullmatch(at_mark := AT_MARK_BEFORE_DOMAIN.sub("@", value)):
        return Normalized(at_mark, True, doubt="email_at_restored")
    # Stray marks no address can hold ("tramnh66(@yahoo.com"). Tone marks stay, and fail: they are
    # misreadings, and what was written is not known (email_at_domain drops them once the image has
    # settled the mail service).
    as_read = re.sub(r"[^\w.+\-@]", "", value)
    stripped = LEADER_TAIL.sub("", as_read)
    if stripped != value and EMAIL.fullmatch(stripped):
        return Normalized(stripped, True, doubt="email_cleaned")
    value = stripped
    for domain in COMMON_MAIL_DOMAINS:
        bare = domain.replace(".", "")
        for ending in (domain, bare):
            if "@" in value or not value.endswith(ending) or len(value) <= len(ending) + 1:
                continue
            local = value[: -len(ending)]
            local = _without_misread_at(local)
            repaired = f"{local}@{domain}"
            if EMAIL.fullmatch(repaired):
                return Normalized(repaired, True, doubt="email_at_restored")
    near = _near_domain(value)
    if near is not None:
        return Normalized(near, True, doubt="email_domain_guessed")
    return Normalized.fail("invalid_email", as_read or None)


def email_at_domain(raw: str, domain: str) -> Normalized:
    """The address a reading holds once its mail service is known (scored on the image): what comes before
    the "@", or else before the stretch of the reading closest to the domain, less the character the "@"
    was read as, without tone marks or characters no address holds. Always doubted: the part before the
    "@" is as read."""
    value = strip_accents(clean_text(raw, underscores=True)).replace(" ", "").casefold()
    if "@" in value:
        local = value[: value.rindex("@")]
    else:
        # The stretch taken for the domain must look like it: at most half its letters misread.
        tails = [
            (edits, -length)
            for written in dict.fromkeys((domain, domain.replace(".", "")))
            for length in range(max(1, len(written) - 4), min(len(value) - 2, len(written) + 4) + 1)
            if (edits := Levenshtein.distance(value[-length:], written)) <= len(written) // 2
        ]
        if not tails:
            return Normalized.fail("invalid_email", value or None)
        local = _without_misread_at(value[: len(value) + min(tails)[1]])
    if domain in VN_VARIANTS and re.search(r"\.?vn\W*$", value):
        domain = VN_VARIANTS[domain]  # "…yahoo.com.vn": the scoring cannot tell it from "yahoo.com"
    local = re.sub(r"[^a-z0-9._+\-]", "", local).strip(".")
    repaired = f"{local}@{domain}"
    if len(local) < 2 or not EMAIL.fullmatch(repaired):
        return Normalized.fail("invalid_email", value or None)
    return Normalized(repaired, True, doubt="email_domain_guessed")


def _without_misread_at(local: str) -> str:
    """The local part less its last character when that is the "@" misread: "0", "o", "©"… or, after a
    digit, an "e", "b" or "d" ("anhdh82e"); a letter ending a name ("hoangle") is the name's."""
    if len(local) > 2 and (
        local[-1] in AT_READ_AS or (local[-1] in AT_READ_AS_AFTER_DIGIT and local[-2].isdigit())
    ):
        return local[:-1]
    return local


def _near_domain(value: str) -> str | None:
    """An address ending in a listed domain misspelt by a slip or two ("hung94oullook.com"): the local part
    before it, less the character the "@" was read as, with the listed domain. None unless exactly one
    listed domain is nearest."""
    candidates: list[tuple[int, str, str]] = []
    for domain in COMMON_MAIL_DOMAINS:
        for written in dict.fromkeys((domain, domain.replace(".", ""))):
            for junk in range(MAX_DOMAIN_EDITS + 1):  # a stray mark or two after the address
                end = len(value) - junk
                for length in range(len(written) - MAX_DOMAIN_EDITS, len(written) + MAX_DOMAIN_EDITS + 1):
                    edits = junk + Levenshtein.distance(value[end - length : end], written)
                    if edits <= MAX_DOMAIN_EDITS and end - length > 2:
                        candidates.append((edits, value[: end - length], domain, length == len(written)))
    if not candidates:
        return None
    fewest = min(edits for edits, _, _, _ in candidates)
    best = {
        (local, domain, same_length) for edits, local, domain, same_length in candidates if edits == fewest
    }
    if len({domain for _, domain, _ in best}) != 1:
        return None
    # A letter misread ("…98@qmail.com") before a letter dropped ("…98@q" + "mail.com"), then the shortest
    # domain spelling that fits.
    local, domain, _ = max(best, key=lambda found: (found[2], len(found[0])))
    local = local[: local.index("@")] if "@" in local else _without_misread_at(local)
    repaired = f"{local.rstrip('.')}@{domain}"
    return repaired if EMAIL.fullmatch(repaired) else None


def _vietnamese_number(number: str) -> float | None:
    """ "1.250,5" → 1250.5; "68,5" → 68.5; "68.5" → 68.5 (a lone dot before 1–2 digits is a decimal point)."""
    number = number.strip()
    if "," in number:
        number = number.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"\d{1,3}(?:\.\d{3})+", number):
        number = number.replace(".", "")
    try:
        return float(number)
    except ValueError:
        return None


# The number and whatever is written against it up to a space, a bracket or a slash, then the unit: "68,5m²",
# "120m²(Một trăm …)", "68,5m²/người", "1§,0" (an 8 misread).
# A number and what is read joined to it ("68,5m²").
NUMBER_TOKEN = re.compile(r"\d[^\s(/]*")
# An area's number, with what is joined before it when that ends in a look-alike of a digit ("l8,5" or
# "DTl8,5" for "18,5"), so that it fails rather than lose a digit; letters joined before it that end in none
# are a label's ("DT45m2" is 45).
AREA_TOKEN = re.compile(r"(?:[^\W\d_]*[lIOoSBZg|§$])?" + NUMBER_TOKEN.pattern)
AREA_UNIT = re.compile(r"(?:m²|m2|m)?[.,;:)]*$")


def area(raw: str) -> Normalized:
    """ "68,5 m²" → 68.5. A number with another character inside it or joined before it ("1§,0", "l8,5") is
    a misreading: it fails rather than give a wrong area."""
    match = AREA_TOKEN.search(clean_text(raw))
    number = AREA_UNIT.sub("", match.group(0)) if match else ""
    value = _vietnamese_number(number) if re.fullmatch(r"\d[\d.,]*", number) else None
    if value is None or value <= 0:
        return Normalized.fail("invalid_area", clean_text(raw) or None)
    return Normalized(value, True)


def money(raw: str) -> Normalized:
    """ "4.500.000 đồng/tháng (Bốn triệu …)" → 4500000."""
    match = re.search(r"\d{1,3}(?:[.,\s]\d{3})+|\d+", clean_text(raw))
    if not match:
        return Normalized.fail("invalid_amount", clean_text(raw) or None)
    return Normalized(int(re.sub(r"\D", "", match.group(0))), True)


def code(raw: str) -> Normalized:
    """Letters-and-digits codes such as certificate serials and registry numbers: "cs27973" → "CS 27973"."""
    value = re.sub(r"\s+", "", clean_text(raw)).upper()
    match = re.fullmatch(r"([A-ZĐ]{1,4})[-.]?(\d{3,8})", value)
    if not match:
        return Normalized.fail("invalid_code", value or None)
    return Normalized(f"{match.group(1)} {match.group(2)}", True)


def foreign_text(raw: str) -> Normalized:
    """Free text written abroad ("Hauptstraße 5, München"): letters of any alphabet, other characters
    doubted as in `text`."""
    return text(raw, any_letter=True)


# An occupation is named in words ("Lái xe", "Công nhân, Công ty May 10"): one whose first word is a number,
# or whose name before any workplace has fewer than three letters ("4 xe", "xe" for a handwritten "Lái xe"),
# was misread.
OCCUPATION_MIN_LETTERS = 3
WORKPLACE_SEPARATOR = re.compile(r"[,;.(\-–]")


def occupation(raw: str) -> Normalized:
    """An occupation and workplace as written, as `text`; doubted when the occupation itself is no word."""
    value = text(raw)
    if not value.ok or value.doubt:
        return value
    named = WORKPLACE_SEPARATOR.split(str(value.value))[0].split()
    letters = sum(char.isalpha() for word in named for char in word)
    if not named or any(char.isdigit() for char in named[0]) or letters < OCCUPATION_MIN_LETTERS:
        return dataclasses.replace(value, doubt="occupation_unusual")
    return value


# A notarisation or certification number: "4325, quyển số 07/2026 TP/CC-SCC/HĐGD". Its number may be read
# split ("2 764") or set off from its comma ("4325 ,"), and "quyển" (book) as "quyền" or "quyến".
REGISTER_NUMBER = re.compile(r"^(\d[\d ]*\d|\d)\s*,\s*quy\w{1,2}n\s+số\s+", re.IGNORECASE)


def register_number(raw: str) -> Normalized:
    """A notary's or certifier's number and book, in the formula they are written in."""
    value = text(raw)
    match = REGISTER_NUMBER.match(str(value.value or ""))
    if not value.ok or match is None:
        return value
    number = match.group(1).replace(" ", "")
    return dataclasses.replace(value, value=f"{number}, quyển số {value.value[match.end() :]}")


def boolean(raw: str) -> Normalized:
    plain = strip_accents(clean_text(raw)).casefold()
    if plain in {"co", "yes", "true", "x", "1"}:
        return Normalized(True, True)
    if plain in {"khong", "no", "false", "0", ""}:
        return Normalized(False, True)
    return Normalized.fail("unrecognised_boolean", plain)


NORMALIZERS: dict[str, Callable[[str], Normalized]] = {
    "text": text,
    "address": address,
    "relationship": relationship,
    "code": code,
    "name": name,
    "date": date_value,
    "personal_id": personal_id,
    "gender": gender,
    "passport": passport,
    "phone": phone,
    "email": email,
    "area": area,
    "money": money,
    "boolean": boolean,
    "register_number": register_number,
    "foreign_text": foreign_text,
    "occupation": occupation,
}
