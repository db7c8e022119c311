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

from rapidfuzz.distance import Levenshtein

from .normalize import strip_accents, tone_key, toneless

GAZETTEER_PACKAGE = "vietnamadminunits"
GAZETTEER_FILES = ("parser_legacy.json", "parser_from_2025.json")
NAME_KEYS = frozenset({"provinceShort", "districtShort", "wardShort"})

# Unit words by their letters without tone marks ("quân" for "quận", "tính" for "tỉnh").
UNIT_WORDS = {
    toneless(word): word
    for word in ("tỉnh", "thành phố", "quận", "huyện", "thị xã", "thị trấn", "phường", "xã")
}
WORD = re.compile(r"[^\W\d_]+")
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


def _add_by_unit(by_unit: dict[str, set[str]], full: object, short: object) -> None:
    if not isinstance(full, str) or not isinstance(short, str):  # a few entries lack a name
        return
    full, short = unicodedata.normalize("NFC", full), unicodedata.normalize("NFC", short)
    if full.endswith(short):
        by_unit.setdefault(strip_accents(full[: -len(short)].strip().casefold()), set()).add(short)


@cache
def gazetteer() -> Gazetteer:
    spec = importlib.util.find_spec(GAZETTEER_PACKAGE)  # the data only: the package's parser needs geopy
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"the gazetteer package {GAZETTEER_PACKAGE} is not installed")
    data = Path(next(iter(spec.submodule_search_locations))) / "data"
    names: set[str] = set()
    provinces: dict[str, set[str]] = {}
    by_unit: dict[str, set[str]] = {}
    communes: dict[str, dict[str, set[str]]] = {}
    for file_name in GAZETTEER_FILES:
        content = json.loads((data / file_name).read_text(encoding="utf-8"))
        province_names = {
            key: unicodedata.normalize("NFC", province["provinceShort"])
            for key, province in content["DICT_PROVINCE"].items()
        }
        _walk_names(content, names)
        for province in content["DICT_PROVINCE"].values():
            short = unicodedata.normalize("NFC", province["provinceShort"])
            provinces.setdefault(_folded(short.split()), set()).add(short)
            _add_by_unit(by_unit, province["province"], province["provinceShort"])
        for districts in content.get("DICT_PROVINCE_DISTRICT", {}).values():
            for district in districts.values():
                _add_by_unit(by_unit, district["district"], district["districtShort"])
        for key, wards in content.get("DICT_PROVINCE_WARD_NO_ACCENTED", {}).items():  # 2025 on
            for ward in wards.values():
                _add_by_unit(communes.setdefault(province_names[key], {}), ward["ward"], ward["wardShort"])
        for key, districts in content.get("DICT_PROVINCE_DISTRICT_WARD_NO_ACCENTED", {}).items():  # before
            for wards in districts.values():
                for ward in wards.values():
                    _add_by_unit(
                        communes.setdefault(province_names[key], {}), ward["ward"], ward["wardShort"]
                    )
    by_letters: dict[str, set[str]] = {}
    for listed in names:
        if WORD.fullmatch(listed.replace(" ", "")):  # "Phường 12" is not a name to mend to
            by_letters.setdefault(_folded(listed.split()), set()).add(listed)
    return Gazetteer(
        known=frozenset(tone_key(listed) for listed in names),
        by_letters={letters: frozenset(spellings) for letters, spellings in by_letters.items()},
        provinces={letters: next(iter(spelt)) for letters, spelt in provinces.items() if len(spelt) == 1},
        by_unit={unit: frozenset(spellings) for unit, spellings in by_unit.items()},
        communes={
            province: {unit: frozenset(names) for unit, names in units.items()}
            for province, units in communes.items()
        },
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
    r"(?i)(?<![\w])(?P<unit>th[àa]nh\s+ph[ốo]|t[ỉi]nh)\w?\s+(?P<name>[^\W\d_][^\d,;()]*?)(?P<end>[.\s]*)$"
)
UNIT_SPELLINGS = {"thanh pho": "thành phố", "tinh": "tỉnh"}
CLOSING_NAME_SIMILARITY = 0.6  # normalised Levenshtein similarity, letters without tone marks
CLOSING_NAME_LEAD = 0.15  # ahead of the next listed name of the same unit
LOWER_UNITS = re.compile(r"(?i)(?<![\w])(phường|xã|quận|huyện|thị xã|thị trấn)\s")
# The commune before the closing province: "phường Vĩnh Tay," of "…, phường Vĩnh Tay, Thành phố Hà Nội".
CLOSING_COMMUNE = re.compile(r"(?i)(?<![\w])(?P<unit>phường|xã|thị trấn)\s+(?P<name>[^\W\d_][^\d,;()]*?),$")


def _listed_or_nearest(read: str, listed: frozenset[str]) -> str | None:
    """`read` when it is a listed name (any listed spelling); else the one of `listed` nearest to it, at
    least CLOSING_NAME_SIMILARITY like it and CLOSING_NAME_LEAD ahead of the next, in `read`'s case; None
    when there is no such name."""
    if tone_key(read) in gazetteer().known:
        return read
    scored = sorted(
        ((Levenshtein.normalized_similarity(toneless(read), toneless(other)), other) for other in listed),
        reverse=True,
    )
    if not scored or scored[0][0] < CLOSING_NAME_SIMILARITY:
        return None
    if len(scored) > 1 and scored[0][0] - scored[1][0] < CLOSING_NAME_LEAD:
        return None
    return _in_case_of(scored[0][1], read)


def snap_closing_unit(value: str) -> str:
    """`value` with the name after its closing "Thành phố"/"tỉnh" replaced by the listed name of that unit
    nearest to it, when that name is not listed itself, at least CLOSING_NAME_SIMILARITY like the nearest
    and CLOSING_NAME_LEAD ahead of any other (a tie, "Hà Nini" between Hà Nội and Hà Tĩnh, stays as read); a
    comma is put before the unit when a lower unit precedes it without one. The commune right before a
    province is likewise given the nearest of that province's communes ("phường Vĩnh Tay" of Hà Nội). On
    the handwritten declarations of seed 6173 this set right 48 recipients and addresses, none wrong."""
    match = CLOSING_UNIT.search(value)
    if match is None or len(match["name"].split()) > MAX_NAME_WORDS:
        return value
    read = match["name"].strip()
    unit = strip_accents(re.sub(r"\s+", " ", match["unit"]).casefold())
    name = _listed_or_nearest(read, gazetteer().by_unit.get(unit, frozenset()))
    if name is None:
        return value
    head = value[: match.start()].rstrip()
    if head and not head.endswith(",") and LOWER_UNITS.search(head.rsplit(",", 1)[-1]):
        head += ","
    if (commune := CLOSING_COMMUNE.search(head)) is not None:
        listed = (
            gazetteer().communes.get(name, {}).get(strip_accents(commune["unit"].casefold()), frozenset())
        )
        commune_name = _listed_or_nearest(commune["name"], listed)
        if commune_name is not None and commune_name != commune["name"]:
            head = head[: commune.start("name")] + commune_name + head[commune.end("name") :]
    unit_read = value[match.start() : match.start("name")].strip()
    unit_word = _in_case_of(UNIT_SPELLINGS[unit], match["unit"])
    if (
        name == read
        and head == value[: match.start()].rstrip()
        and unit_read.casefold() == unit_word.casefold()
    ):
        return value
    return f"{head} {unit_word} {name}{match['end']}".lstrip()
