"""Place names in addresses mended against the gazetteer of Vietnamese administrative units.

Printed text loses or swaps tone marks under OCR ("Thành phố Hà Nôi", "phường Bạch Đẳng", "OUÂN HẢI CHÂU"):
each is a valid syllable, so no spelling check sees it. The name of a province, district or commune after
its unit word ("phường", "quận", "Thành phố", …) is a closed list: a name read with every letter right and
only its marks wrong is the one listed name with those letters. Names read as a listed name, or that share
their letters with several, are left as read.

The gazetteer is the `vietnamadminunits` package's data: the 63 provinces with their districts and
communes before 2025, and the 34 provinces and their communes after (papers of both periods circulate).
"""

from __future__ import annotations

import importlib.util
import json
import re
import unicodedata
from functools import cache
from pathlib import Path
from typing import NamedTuple

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from .normalize import ADDRESS_UNITS, strip_accents, tone_key, toneless, vietnamese_syllable

GAZETTEER_PACKAGE = "vietnamadminunits"
GAZETTEER_FILES = ("parser_legacy.json", "parser_from_2025.json")
NAME_KEYS = frozenset({"provinceShort", "districtShort", "wardShort"})

# Unit words by their letters without tone marks ("quân" for "quận", "tính" for "tỉnh").
UNIT_WORDS = {toneless(word): word for word in ADDRESS_UNITS}
WORD = re.compile(r"[^\W\d_]+")
# The words that name a street or lane after its house number ("Số 12 ngõ 7 đường Nguyễn Trãi").
STREET_WORDS = ("đường", "phố", "ngõ", "ngách", "hẻm", "kiệt")
MAX_SPECK_LETTERS = 2  # letters a speck after a street word may be read as ("phốnc Hồ Tùng Mậu")
MIN_NAME_WORDS = 2  # a one-word name shares its letters with too many other words
MAX_NAME_WORDS = 5


def _folded(words: list[str]) -> str:
    """The letters of `words` without tone marks; "OU", which no syllable begins with, is "QU" with Q read
    as O."""
    return re.sub(r"\bou", "qu", toneless(" ".join(words)))


def _walk_names(node: object, names: set[str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in NAME_KEYS and isinstance(value, str):
                names.add(unicodedata.normalize("NFC", value))
            else:
                _walk_names(value, names)
    elif isinstance(node, list):
        for value in node:
            _walk_names(value, names)


class Gazetteer(NamedTuple):
    known: frozenset[str]  # tone keys of every listed name
    by_letters: dict[str, frozenset[str]]  # listed spellings by their letters without tone marks
    provinces: dict[str, str]  # province names by their letters without tone marks (one spelling each)
    # Province and district names by their unit word without marks ("thanh pho": Hà Nội, Thủ Dầu Một, …).
    by_unit: dict[str, frozenset[str]]
    # Commune-level names of each province, by their unit word without marks ("phuong", "xa", "thi tran").
    communes: dict[str, dict[str, frozenset[str]]]


# A few legacy short names carry their unit: "Yên Viên (Thị trấn)", "Cao Lãnh (Thành phố)".
UNIT_IN_NAME = re.compile(r"\s*\([^()]*\)$")


def _add_named(index: dict[str, dict[str, str]], unit: object, short: object, names: set[str]) -> None:
    """Index `short` under its unit word without marks, one spelling per name whatever its case."""
    if not isinstance(unit, str) or not isinstance(short, str):  # a few entries lack them
        return
    name = UNIT_IN_NAME.sub("", unicodedata.normalize("NFC", short)).strip()
    if name:
        names.add(name)
        spellings = index.setdefault(strip_accents(unit.strip().casefold()), {})
        if name.casefold() not in spellings or name == name.title():  # "Krông Búk", not "KRông Búk"
            spellings[name.casefold()] = name


def _frozen(index: dict[str, dict[str, str]]) -> dict[str, frozenset[str]]:
    return {unit: frozenset(spellings.values()) for unit, spellings in index.items()}


def _wards(content: dict, by_province: str, by_district: str) -> list[tuple[str, dict]]:
    """(province key, ward entry) of every commune of a gazetteer file: the 2025 one lists communes by
    province, the legacy one by province and district; a ward whose name without marks is shared is only
    in the dictionary of accented keys."""
    found = []
    for name in (f"{by_province}_NO_ACCENTED", f"{by_province}_ACCENTED"):
        for key, wards in content.get(name, {}).items():
            found += [(key, ward) for ward in wards.values()]
    for name in (f"{by_district}_NO_ACCENTED", f"{by_district}_ACCENTED"):
        for key, districts in content.get(name, {}).items():
            found += [(key, ward) for wards in districts.values() for ward in wards.values()]
    return found


@cache
def gazetteer() -> Gazetteer:
    spec = importlib.util.find_spec(GAZETTEER_PACKAGE)  # the data only: the package's parser needs geopy
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"the gazetteer package {GAZETTEER_PACKAGE} is not installed")
    data = Path(next(iter(spec.submodule_search_locations))) / "data"
    names: set[str] = set()
    provinces: dict[str, set[str]] = {}
    by_unit: dict[str, dict[str, str]] = {}
    communes: dict[str, dict[str, dict[str, str]]] = {}
    for file_name in GAZETTEER_FILES:
        content = json.loads((data / file_name).read_text(encoding="utf-8"))
        _walk_names(content, names)
        province_names = {}
        for key, province in content["DICT_PROVINCE"].items():
            short = unicodedata.normalize("NFC", province["provinceShort"])
            province_names[key] = short
            provinces.setdefault(_folded(short.split()), set()).add(short)
            unit = unicodedata.normalize("NFC", province["province"]).removesuffix(short)
            _add_named(by_unit, unit, short, names)
        for districts in content.get("DICT_PROVINCE_DISTRICT", {}).values():
            for district in districts.values():
                _add_named(by_unit, district.get("districtType"), district.get("districtShort"), names)
        for key, ward in _wards(content, "DICT_PROVINCE_WARD", "DICT_PROVINCE_DISTRICT_WARD"):
            index = communes.setdefault(province_names[key], {})
            _add_named(index, ward.get("wardType"), ward.get("wardShort"), names)
    by_letters: dict[str, set[str]] = {}
    for listed in names:
        if WORD.fullmatch(listed.replace(" ", "")):  # "Phường 12" is not a name to mend to
            by_letters.setdefault(_folded(listed.split()), set()).add(listed)
    return Gazetteer(
        known=frozenset(tone_key(listed) for listed in names),
        by_letters={letters: frozenset(spellings) for letters, spellings in by_letters.items()},
        provinces={letters: next(iter(spelt)) for letters, spelt in provinces.items() if len(spelt) == 1},
        by_unit=_frozen(by_unit),
        communes={province: _frozen(units) for province, units in communes.items()},
    )


def _in_case_of(spelling: str, read: str) -> str:
    if read.isupper():
        return spelling.upper()
    if read[:1].isupper() and spelling[:1].islower():
        return spelling[:1].upper() + spelling[1:]
    return spelling


def _spelling_with_letters(words: list[str], listed: Gazetteer) -> str | None:
    """The one listed spelling of a name read as `words` with other marks; None when no or several listed
    names have its letters."""
    spellings = listed.by_letters.get(_folded(words), frozenset())
    if len(spellings) != 1:
        return None
    return next(iter(spellings))


def mend_place_names(value: str) -> str:
    """`value` with each administrative unit's name (after its unit word, or an address's closing province)
    that was read with wrong tone marks given its listed spelling, and the unit word its own; then the
    closing unit's name read with letters wrong given the nearest listed one (snap_closing_unit)."""
    segments = re.split(r"([,.;()])", value)
    worded = [index for index in range(0, len(segments), 2) if WORD.search(segments[index])]
    for index in worded:
        segments[index] = _mend_segment(segments[index], last=index == worded[-1])
    return snap_closing_unit("".join(segments))


def _mend_segment(segment: str, last: bool) -> str:
    listed = gazetteer()
    matches = list(WORD.finditer(segment))
    words = [match[0] for match in matches]
    replacements: dict[int, str] = {}
    position = 0
    while position < len(words):
        unit_length = next((n for n in (2, 1) if _folded(words[position : position + n]) in UNIT_WORDS), 0)
        if not unit_length:
            position += 1
            continue
        start = position + unit_length
        end = start
        while (
            end < len(words)
            and end - start < MAX_NAME_WORDS
            and not any(_folded(words[end : end + n]) in UNIT_WORDS for n in (2, 1))
        ):
            end += 1
        unit_read = " ".join(words[position:start])
        unit = UNIT_WORDS[_folded(words[position:start])]
        for stop in range(end, start + MIN_NAME_WORDS - 1, -1):
            name = words[start:stop]
            is_listed = tone_key(" ".join(name)) in listed.known
            spelling = None if is_listed else _spelling_with_letters(name, listed)
            if not is_listed and spelling is None:
                continue
            # "OUÂN HẢI CHÂU", "tính Bình Dương"; a word without marks may be another ("cơ quan", "xa").
            if unit_read.casefold() != unit and not unit_read.isascii():
                for offset, word in enumerate(_in_case_of(unit, unit_read).split()):
                    replacements[position + offset] = word
            if spelling is not None:
                for offset, word in enumerate(_in_case_of(spelling, " ".join(name)).split()):
                    replacements[start + offset] = word
            break
        position = max(end, position + 1)
    if last and not replacements and 2 <= len(words) <= 3 and not segment.strip()[:1].isdigit():
        # An address ends with its province, often without a unit word ("xã Hòa Bình, Lâm Đống").
        spelling = listed.provinces.get(_folded(words))
        if spelling is not None and tone_key(" ".join(words)) not in listed.known:
            replacements = dict(enumerate(_in_case_of(spelling, " ".join(words)).split()))
    if not replacements:
        return segment
    pieces, cursor = [], 0
    for index, match in enumerate(matches):
        pieces += [segment[cursor : match.start()], replacements.get(index, match[0])]
        cursor = match.end()
    return "".join(pieces) + segment[cursor:]


# The closing unit of an address or an office ("…, Thành phố Hà Ni", "Công an phường Bảy Hiền Thành phố Hồ
# Chí Minha"): a province, or a district-level city, read in handwriting with letters wrong or added.
CLOSING_UNIT = re.compile(
    r"(?i)(?<![\w])(?P<unit>th[àa]nh[.\w]{0,2}\s+ph[ốo]|t[ỉi]nh)\w?\s+(?P<name>[^\W\d_][^\d,;()]*?)(?P<end>[.\s]*)$"
)
# The same, read with a comma in the name or after the unit ("Thành phố Hà, Nội", "Thành phố, Hồ Chí Minh"),
# or with a speck after the name read as dots and a letter or two ("Cần Thơ...i", "Cần Thơn.ha"); "tỉnh" only
# where it opens its part of the address, not at the end of a commune's name ("xã Phước Tỉnh, Bà Rịa - Vũng
# Tàu").
CLOSING_UNIT_SPECKLED = re.compile(
    r"(?i)(?P<unit>(?<![\w])th[àa]nh[.\w]{0,2}\s+ph[ốo]|(?:^|(?<=,)|(?<=,\s))t[ỉi]nh)\w?,?\s+"
    r"(?P<name>[^\W\d_][^\d;()]*?)(?P<end>[.\s]*)$"
)
UNIT_WORD_START = re.compile(r"(?i)th[àa]nh|t[ỉi]nh")  # where CLOSING_UNIT_SPECKLED may match
STRAY_COMMA = re.compile(r"\s*,\s*")
# A speck after a text's last word, read as dots and a letter or two ("Thơ...i", "mới).mn").
TRAILING_SPECK = re.compile(r"\.+(?P<letters>[^\W\d_]{1,2})$")


def without_trailing_speck(text: str) -> str:
    """`text` without a speck read after its last word (TRAILING_SPECK): lower-case letters only, not an
    abbreviation ("TP.HN", "Q.BT")."""
    speck = TRAILING_SPECK.search(text)
    return text[: speck.start()] if speck is not None and speck["letters"].islower() else text


UNIT_SPELLINGS = {"thanh pho": "thành phố", "tinh": "tỉnh"}
CLOSING_NAME_SIMILARITY = 0.6  # normalised Levenshtein similarity, letters without tone marks
CLOSING_NAME_LEAD = 0.15  # ahead of the next listed name of the same unit
# The word that differs must be more like its listed word than this ("Hùng" is not "Bằng"), or, when it is
# no syllable, at least as like ("Hn" for "Hồ").
WORD_SIMILARITY = 0.5
# A closing name no listed name is near enough to, after a commune only one province has, is that province's
# when at least this like it (letters without tone marks): "Cnần Thâơnm" after "phường Ninh Kiều".
WARD_BACKED_SIMILARITY = 0.5
CLOSING_UNIT_WORD_EDITS = 2  # "Thành phố" read with letters lost or added (_closing_unit_word_mended)
LOOSE_WORD_WHOLE_SIMILARITY = 0.7
# A lower unit and its name right before the closing unit, without the comma between: "phường Gia Viên" of
# "… phường Gia Viên Thành phố Hải Phòng".
UNIT_AND_NAME_AT_END = re.compile(
    r"(?i)(?<![\w])(?<!thị )(phường|xã|thị trấn|quận|huyện|thị xã)\s+([^\W_]+(?:\s+[^\W_]+){0,4})$"
)
# The commune before the closing province: "phường Vĩnh Tay," of "…, phường Vĩnh Tay, Thành phố Hà Nội"
# ("thị xã" is a district-level town, not a "xã").
CLOSING_COMMUNE = re.compile(
    r"(?i)(?<![\w])(?<!thị )(?P<unit>phường|xã|thị trấn)\s+(?P<name>[^\W\d_][^\d,;()]*?),$"
)


def _words(name: str) -> list[str]:
    return toneless(name).replace("-", " ").split()


def _like(read: str, listed: str) -> float:
    """How like a listed name a reading is: 0 unless it has as many words, each word that differs more like
    its listed word than WORD_SIMILARITY (or as like, if no syllable), and one of them at most a Vietnamese
    syllable as read (misread words are mostly none: "Hồ Chẵí Minha"; "Hồng Kông" is not "Sông Công"); else
    the similarity of the whole."""
    words_read, words_listed = _words(read), _words(listed)
    if len(words_read) != len(words_listed):
        return 0.0
    as_read = read.replace("-", " ").split()
    differing = [
        (spelt, a, b) for spelt, a, b in zip(as_read, words_read, words_listed, strict=True) if a != b
    ]
    # A word that is no syllable is a misreading, and may be as little alike as WORD_SIMILARITY ("Hn Chi
    # Minh") when it is the only word that differs, or the whole is LOOSE_WORD_WHOLE_SIMILARITY alike
    # ("HồaChí Minh" is no "Chí Linh"); one that is a syllable must be more alike ("Hùng" is not "Bằng").
    whole = Levenshtein.normalized_similarity(" ".join(words_read), " ".join(words_listed))
    loose = len(differing) == 1 or whole >= LOOSE_WORD_WHOLE_SIMILARITY
    syllables = [vietnamese_syllable(spelt) for spelt, _, _ in differing]
    likeness = [Levenshtein.normalized_similarity(a, b) for _, a, b in differing]
    if sum(syllables) > 1 or any(
        similar < WORD_SIMILARITY or (similar == WORD_SIMILARITY and (syllable or not loose))
        for similar, syllable in zip(likeness, syllables, strict=True)
    ):
        return 0.0
    return whole


def _listed_or_nearest(read: str, listed: frozenset[str]) -> str | None:
    """The listed spelling of `read` when it is a listed name (of `listed`, or anywhere in the gazetteer:
    then `read` itself); else the one of `listed` nearest to it (`_like`), at least CLOSING_NAME_SIMILARITY
    like it and CLOSING_NAME_LEAD ahead of the next; None when there is no such name."""
    if tone_key(read) in gazetteer().known:
        return next((name for name in listed if tone_key(name) == tone_key(read)), read)
    scored = sorted(((_like(read, other), other) for other in listed), reverse=True)
    if not scored or scored[0][0] < CLOSING_NAME_SIMILARITY:
        return None
    if len(scored) > 1 and scored[0][0] - scored[1][0] < CLOSING_NAME_LEAD:
        return None
    return scored[0][1]


@cache
def _unit_letters(unit: str) -> dict[str, str]:
    """The listed names of a unit ("thanh pho", "tinh") with their letters without tone marks."""
    return {name: toneless(name) for name in gazetteer().by_unit.get(unit, frozenset())}


def _province_holding(commune: re.Match[str], read: str, of_unit: frozenset[str]) -> str | None:
    """The one province that has the listed commune a CLOSING_COMMUNE match names, when it is a name of the
    closing unit (`of_unit`) and the closing name `read` is at least WARD_BACKED_SIMILARITY like it: "Hà
    Nini" after "phường Vĩnh Tuy" is Hà Nội, not Hà Tĩnh; "Hà Phong" after "phường Gia Viên" Hải Phòng."""
    key = tone_key(commune["name"].strip())
    holding = [
        province
        for province in gazetteer().communes
        if any(tone_key(name) == key for name in _communes(province, commune["unit"]))
    ]
    if len(holding) != 1 or holding[0] not in of_unit:
        return None
    similarity = Levenshtein.normalized_similarity(" ".join(_words(read)), " ".join(_words(holding[0])))
    return holding[0] if similarity >= WARD_BACKED_SIMILARITY else None


def _communes(province: str, unit: str) -> frozenset[str]:
    """The listed names of a province's communes of one unit ("phường", "xã", "thị trấn")."""
    return gazetteer().communes.get(province, {}).get(strip_accents(unit.casefold()), frozenset())


def _unit_key(closing: re.Match[str]) -> str:
    """The closing unit word of a CLOSING_UNIT match as UNIT_SPELLINGS keys it ("Thànhn phố": "thanh pho")."""
    return "thanh pho" if "ph" in closing["unit"].casefold() else "tinh"


def snap_closing_unit(value: str) -> str:
    """`value` with the name after its closing "Thành phố"/"tỉnh" replaced by the listed name of that unit
    nearest to it (`_listed_or_nearest`: "Hà Ni", "Hồ Chí Minha"), when that name is not listed itself
    (a tie, "Hà Nini" between Hà Nội and Hà Tĩnh, stays as read), or by the one province that has the
    commune named right before it (`_province_holding`: "phường Vĩnh Tuy, Thành phố Hà Nini"); the commune
    right before a province likewise among that province's communes ("phường Vĩnh Tay" of Hà Nội); and the
    comma put back between a lower unit's name and the closing unit (not in capitals: a printed heading may go
    without). On the handwritten declarations of seed 6173 this set right 46 recipients and addresses, none
    wrong."""
    value = _closing_without_specks(_closing_unit_word_mended(value))
    match = CLOSING_UNIT.search(value)
    if match is None:
        return value
    read = match["name"].strip()
    unit = _unit_key(match)
    read_head = head = value[: match.start()].rstrip()
    of_unit = gazetteer().by_unit.get(unit, frozenset())
    listed_name = _listed_or_nearest(read, of_unit)
    if listed_name == read and read not in of_unit:
        # Known elsewhere, but a name of the unit but for tone marks: a slip of that one ("Thành phố Hải
        # Phong": Hải Phong is a commune, Hải Phòng the city). Communes are left as read: a province may
        # hold two that differ so ("xã Đồng Kỵ" and "phường Đồng Kỳ").
        tone_slips = [name for name in of_unit if toneless(name) == toneless(read)]
        listed_name = tone_slips[0] if len(tone_slips) == 1 else listed_name
    before = CLOSING_COMMUNE.search(head)
    # A name a letter from one name of the unit only is that one ("Kiên Giangg", though Tiền Giang is near
    # too), whichever communes it has: a 2025 commune may be written with the province that held it. A name
    # two letters or more from every name of the unit was read wrong: when no name is near enough, or the
    # nearest is a province without the commune named before it ("phường Vĩnh Tuy, Thành phố Hà Nihh" is
    # not Hà Tĩnh), the one province that has that commune may say which it is.
    # A name the gazetteer lists anywhere is as written ("tỉnh Vĩnh Phú", the province of 1968–1996).
    misread, one_off = False, []
    if tone_key(read) not in gazetteer().known:
        letters_read = toneless(read)
        letters = {
            name: Levenshtein.distance(letters_read, spelt) for name, spelt in _unit_letters(unit).items()
        }
        misread = 0 not in letters.values()
        one_off = [name for name, distance in letters.items() if distance == 1]
    if misread and len(one_off) == 1:
        listed_name = one_off[0]
    elif before is not None and misread and not one_off:
        backed = _province_holding(before, read, of_unit)
        if backed is not None and (listed_name not in of_unit or listed_name in gazetteer().communes):
            listed_name = backed
    if listed_name is None:
        return value
    name = read if tone_key(read) == tone_key(listed_name) else _in_case_of(listed_name, read)
    lower = UNIT_AND_NAME_AT_END.search(head)
    # The lower unit's words are its name (listed, or a slip of a commune's: "phường Vĩnh Tay"), not
    # "xã Tân Phú về".
    if (
        lower is not None
        and not value.isupper()
        and _listed_or_nearest(lower[2], _communes(listed_name, lower[1])) is not None
    ):
        head += ","
    if (commune := CLOSING_COMMUNE.search(head)) is not None:
        spelling = _listed_or_nearest(commune["name"], _communes(listed_name, commune["unit"]))
        if spelling is not None and tone_key(spelling) != tone_key(commune["name"]):
            head = (
                head[: commune.start("name")]
                + _in_case_of(spelling, commune["name"])
                + head[commune.end("name") :]
            )
    unit_read = value[match.start() : match.start("name")].strip()
    unit_word = unit_read
    if re.sub(r"\s+", " ", unit_read).casefold() != UNIT_SPELLINGS[unit]:
        unit_word = _in_case_of(UNIT_SPELLINGS[unit], match["unit"])
    if (head, unit_word, name) == (read_head, unit_read, read):
        return value
    return f"{head} {unit_word} {name}{match['end']}".lstrip()


def _closing_unit_word_mended(value: str) -> str:
    """`value` with the two words before its closing name spelt "Thành phố" where they were read with a
    letter or two lost or added ("Thnh phố", "Thàanh Phố", "Thành Pphố", "nThành phố", "Tnhành phố"): at
    most CLOSING_UNIT_WORD_EDITS from it, letters without marks, one of them no syllable, and the
    words after them a listed name of a city, or near one (`_listed_or_nearest`), or the city that alone
    has the commune named before them (`_province_holding`: "phường Thanh Xuân, Thành Pphố Hà Nim")."""
    words = value.split(" ")
    cities = gazetteer().by_unit.get("thanh pho", frozenset())
    for name_words in range(1, MAX_NAME_WORDS + 1):
        start = len(words) - name_words - 2
        if start < 0:
            break
        pair = words[start : start + 2]
        letters = "".join(char for char in strip_accents(" ".join(pair)).casefold() if char.isalpha())
        if (
            letters == "thanhpho"
            or Levenshtein.distance(letters, "thanhpho") > CLOSING_UNIT_WORD_EDITS
            or not all(word.isalpha() for word in pair)  # "huyện Thạnh Phú, Bến Tre": a name, then its city
            or all(vietnamese_syllable(word) for word in pair)
        ):
            continue
        name = " ".join(words[start + 2 :]).rstrip(". ")
        commune = CLOSING_COMMUNE.search(" ".join(words[:start]).rstrip())
        if _listed_or_nearest(name, cities) is None and (
            commune is None or _province_holding(commune, name, cities) is None
        ):
            continue
        unit = "THÀNH PHỐ" if "".join(pair).isupper() else "Thành phố"
        return " ".join([*words[:start], unit, *words[start + 2 :]])
    return value


def _closing_without_specks(value: str) -> str:
    """`value` with the commas and the speck read in its closing unit's name left out (CLOSING_UNIT_SPECKLED)
    when without them the name is listed, or near one listed name (`_listed_or_nearest`); else as read. A
    comma before a name that is not one with the rest ("Thủ Đức, Thành phố Hồ Chí Minh", "Hà Nội, Việt
    Nam") stays."""
    # The last unit word that closes the value: an earlier one names a district-level city ("Thành phố
    # Biên Hòa, tỉnh Đồng Nai...i").
    starts = reversed([word.start() for word in UNIT_WORD_START.finditer(value)])
    units = (CLOSING_UNIT_SPECKLED.match(value, start) for start in starts)
    match = next((unit for unit in units if unit is not None), None)
    if match is None:
        return value
    read, unit_read = match["name"], value[match.start("unit") : match.start("name")]
    name = STRAY_COMMA.sub(" ", without_trailing_speck(read)).strip()
    if name == read and "," not in unit_read:
        return value
    if _listed_or_nearest(name, gazetteer().by_unit.get(_unit_key(match), frozenset())) is None:
        return value
    unit = unit_read.rstrip(", ")
    return f"{value[: match.start('unit')]}{unit} {name}{match['end']}"


CLOSING_CANDIDATES = 8  # listed names a misread closing name is weighed against in the image


class ClosingName(NamedTuple):
    """The name after an address's closing unit ("Thành phố", "tỉnh") where it is no listed name."""

    start: int  # where the name begins in the value, and ends
    end: int
    unit: str  # the unit word's listed spelling, capitalised ("Thành phố", "Tỉnh")
    nearest: list[str]  # the listed names of that unit nearest it in letters, at most CLOSING_CANDIDATES

    def replaced(self, value: str, name: str) -> str:
        """`value` with the listed `name` in place of the name read, in the case it was read in."""
        return value[: self.start] + _in_case_of(name, value[self.start : self.end]) + value[self.end :]


def unlisted_closing_name(value: str) -> ClosingName | None:
    """The name after `value`'s closing "Thành phố"/"tỉnh" when it is no listed name ("Hà Nim", "Cần Thơn":
    the text alone cannot tell Hà Nội from Hà Tĩnh); None when there is no closing unit or its name is
    listed."""
    match = CLOSING_UNIT.search(value)
    if match is None or tone_key(read := match["name"].strip()) in gazetteer().known:
        return None
    unit = _unit_key(match)
    listed = {name: toneless(name) for name in gazetteer().by_unit.get(unit, frozenset())}
    nearest = process.extract(toneless(read), listed, scorer=fuzz.ratio, limit=CLOSING_CANDIDATES)
    start = match.start("name")
    spelling = UNIT_SPELLINGS[unit]
    return ClosingName(
        start, start + len(read), spelling[:1].upper() + spelling[1:], [n for _, _, n in nearest]
    )


# Handwriting drops commas and garbles short common words. Before a unit word and the capitalised name it
# begins, an address has a comma ("…đường Nguyễn Trãi phường Thanh Xuân" → "…Trãi, phường Thanh Xuân");
# a commune's unit word only in lower case ("phố Xã Đàn" is a street), and not in "thị xã", "hợp tác xã".
UNIT_AFTER_SPACE = re.compile(
    r"(?<=[\w)])\s+(?=(?:phường|xã|thị trấn|thị xã|quận|huyện|[Tt]hành phố|[Tt]ỉnh)\s+(?P<name>\S))"
)
NO_COMMA_AFTER = re.compile(r"(?i)(?<![^\W\d_])(?:thị|tác)$")  # "(thị xã", "hợp tác xã"
NUMBER_RUN_INTO_WORD = re.compile(r"(\d[\d/]*)([^\W\d_]{2,})(,?)")
SPLIT_HOUSE_NUMBER = re.compile(rf"(?i)(?<!\S)(số \d+) (\d+(?:/\d+)?)(?= (?:{'|'.join(STREET_WORDS)})(?!\S))")


def _commas_before_units(value: str) -> str:
    def put_back(match: re.Match[str]) -> str:
        if not match["name"][0].isupper() or NO_COMMA_AFTER.search(value[: match.start()]):
            return match[0]
        return ", "

    return UNIT_AFTER_SPACE.sub(put_back, value)


def _nearest_word(read: str, listed: tuple[str, ...]) -> str | None:
    """The one listed word `read` is one edit from; None when there is none, a tie, or `read` is listed."""
    scored = sorted((Levenshtein.distance(read.casefold(), word), word) for word in listed)
    distance, word = scored[0]
    if distance != 1 or (len(scored) > 1 and scored[1][0] == distance):
        return None
    return word


def _ward_word(read: str) -> str | None:
    """ "phường" when `read` is one edit from it, or two and no syllable ("nphhường", "phưcnng")."""
    if (spelling := _nearest_word(read, ("phường",))) is not None:
        return spelling
    misread = not vietnamese_syllable(read) and Levenshtein.distance(read.casefold(), "phường") == 2
    return "phường" if misread else None


def _street_word(read: str) -> str | None:
    return read if read in STREET_WORDS else _nearest_word(read, STREET_WORDS)


def _street_word_with_specks(read: str) -> str | None:
    """The street word `read` begins with, when a speck or two was read after it as letters ("phốnc")."""
    return next(
        (
            word
            for word in STREET_WORDS
            if read.startswith(word) and 0 < len(read) - len(word) <= MAX_SPECK_LETTERS and read.isalpha()
        ),
        None,
    )


def _split_before_name(word: str) -> tuple[str, str] | None:
    """A street word run into the name after it ("phốcLạch"): the street word as read, and the name."""
    capital = next((index for index, char in enumerate(word) if index and char.isupper()), None)
    if capital is None:
        return None
    head = word[:capital]
    if _street_word(head) is None and _street_word_with_specks(head) is None:
        return None
    return head, word[capital:]


def mend_address_words(value: str) -> str:
    """`value` with its common address words as they are spelt: the street word after a house number
    and before a name or number ("Số 27 đưng Trường Chinh", "Số 110 ng 198", run into it: "Số 138phố"),
    "phường" read with a letter wrong before its name ("phưng Bảy Hiền"), each one edit from the word read (a
    street word also with a speck or two read after it as letters, or run into the name: "phốcLạch Tray"); a
    house number split by a space before its street word ("Số 1 70 phố"); and the comma before a unit word
    put back. A capitalised word is a name and left as read ("Phương"). Then `mend_place_names`."""
    words: list[str] = []
    for word in value.split(" "):
        run_in = NUMBER_RUN_INTO_WORD.fullmatch(word)
        after_number = bool(words) and any(char.isdigit() for char in words[-1])
        if run_in is not None and _street_word(run_in[2]) is not None:
            words += [run_in[1], run_in[2] + run_in[3]]
        elif after_number and (split := _split_before_name(word)) is not None:
            words += split
        else:
            words.append(word)
    for index in range(1, len(words)):
        word = words[index]
        core = word.rstrip(",")
        if not core[:1].islower() or not WORD.fullmatch(core) or core in ADDRESS_UNITS:
            continue
        following = words[index + 1] if index + 1 < len(words) else ""
        names_next = following[:1].isupper() or following[:1].isdigit()  # "đường Lê Lợi", "ngõ 198"
        spelling = None
        if any(char.isdigit() for char in words[index - 1]) and not words[index - 1].endswith(","):
            if names_next:
                spelling = _nearest_word(core, STREET_WORDS) or _street_word_with_specks(core)
        elif following[:1].isupper() and core not in STREET_WORDS:
            spelling = _ward_word(core)
        if spelling is not None:
            words[index] = spelling + word[len(core) :]
    joined = SPLIT_HOUSE_NUMBER.sub(r"\1\2", " ".join(words))
    return mend_place_names(_commas_before_units(joined))
