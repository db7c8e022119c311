"""Field extraction by label anchoring over a document's OCR lines, driven by the templates.

Every value says where it came from (page, box), what was read (raw), what it means (value) and how sure we
are (confidence). A value that is unsure, fails to normalise or cannot be found is flagged for review.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import math
import re
import string
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from typing import NamedTuple

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from intake.model import TABLE_ROWS_UNREAD, VALUES_MISSING, BoundingBox, Document, ExtractedField, Page
from intake.personal_id import id_birth_data

from . import marks
from .classify import match_text
from .normalize import (
    AREA_TOKEN,
    COMMON_MAIL_DOMAINS,
    NORMALIZERS,
    NUMBER_TOKEN,
    Normalized,
    clean_text,
    email_at_domain,
    strip_accents,
    tone_key,
    toneless,
    vietnamese_syllable,
)
from .ocr.base import OcrEngine
from .phrasing import holds_a_phrase, with_mended_wording, with_phrasing
from .places import mend_address_words, mend_place_names, unlisted_closing_name
from .templates import (
    ColonLabels,
    ColumnSpec,
    DocumentTemplate,
    ExtractionRules,
    ExtractionSpec,
    FieldSpec,
    Phrasing,
    RequestType,
    TableSpec,
    WeighedListed,
    WrittenFormats,
)

# Leaders, then a footnote mark however it was read ("(1)", "l)", "(Q2)", "()", "i(2)" after a label read
# short of its last letter, "(1" and its colon before a word: "Kính gửi(1: Công an …" in handwriting), then
# a label's tail ("h:").
LEADING_NOISE = re.compile(
    r"^[^\w(+]*(?:(?:(?:\w(?=\())?\(?\w{0,3}\)[^\w(+]*)|\(\d{1,2}\s*[:;]\s*(?=[^\W\d_]))?(?:\w{1,2}\s*:\s*)?"
)
# Free text that may hold an address (a workplace too), mended by the gazetteer.
PLACE_NAME_NORMALIZERS = ("text", "address", "occupation")
PLACE_NAME_MENDED = "place_name_mended"
PATTERN_REREAD = "pattern_reread"
LISTED_VALUE_WEIGHED = "listed_value_weighed"  # a value the image was weighed into (_listed_choice)
VOCABULARY_SHORT_WORD = 4  # letters; up to this length one slip is allowed, beyond it two
# "ngày … tháng" however the blanks between were read ("ngày. .tháng", "ngày 05 tháng", "ngày I tháng"), on
# text without tone marks ("thắng", "ngàn"): a signature's date.
PLACE_DATE_START = re.compile(r"\bnga[yn]\b[\W\d_]{0,8}(?:\w{1,2}[\W\d_]{1,8})?thang\b", re.IGNORECASE)
PLACE_DATE = re.compile(r"ngày\s*\S{1,2}\s*tháng\s*\S{1,2}\s*năm", re.IGNORECASE)
# Leaders at the end, with the number of the next field when it was read with the line ("… 5." or "… 5"),
# or one stray character the dotted line was read with ("hợp pháp....n", "Nguyễn Ngọc Hạnh...... M").
TRAILING_NOISE = re.compile(
    r"(?:[\s.,;:…_\-–|]*\b\d{1,2}\s*[.,]|[.…_]{4,}\s*\d{1,2}|[.…_]{4,}\s*[^\W\d_])?[\s.,;:…_\-–|]*$"
)
CELL_NOISE = re.compile(r"^[|\[\]!]+|^[lI](?=[A-ZĐÀ-Ỹ0-9])|[|\[\]]+$")
# What a members' table's row number, rulings or next cell leave at the edges of a name's cell: "1 Lý Tiến
# Đông", "(1) Lý Tiến Đông", "I Nguyễn Hữu Nam", "¡Hoàng Thu Lan", "Lê Văn Bảo 1". No name begins or ends
# with a digit or a mark. A leading number or ruling ("I", "l") goes only before a whole name of three words
# or more: before two ("2 Quang Quân") it may be the surname misread, and the name is left to fail.
NAME_CELL_EDGES = re.compile(r"^[\W_]*(?:(?:\d{1,2}|[Il])[\W_]*\s+(?=\S+\s+\S+\s+\S))?|\s+[\d\W_]+$")


def _cell_text(column: ColumnSpec, text: str) -> str:
    text = CELL_NOISE.sub("", text).strip()
    return NAME_CELL_EDGES.sub("", text) if column.normalizer == "name" else text


DIGITS = "0123456789"
DIGIT_BOX_CONFIDENT = 0.9
DIGIT_BOX_REACH = (2.0, 6.0)  # line heights left of the estimated start of a row of digit boxes


@dataclass
class Line:
    """An OCR line of a document, with the forms used for matching (both the same length as the text)."""

    page: int
    text: str
    key: str
    bare: str  # the key without diacritics (tone and vowel marks; đ as d), see _bare
    box: BoundingBox
    confidence: float
    from_text_layer: bool
    # Read by the handwriting-capable second recogniser, whose confidence does not vouch for a value.
    second_recognizer: bool = False


@dataclass
class Hit:
    label: str
    owners: frozenset[str]  # the fields this label belongs to; empty for a stop label
    line: int
    start: int
    end: int
    ratio: float


@dataclass
class Context:
    lines: list[Line]
    hits: dict[int, list[Hit]] = field(default_factory=dict)
    images: dict[int, np.ndarray] = field(default_factory=dict)
    # Patterns of the fields read beside wrapped values (FieldSpec.beside_wrapped_values).
    beside_wrapped: list[re.Pattern[str]] = field(default_factory=list)


def document_lines(document: Document, pages: list[Page]) -> list[Line]:
    lines: list[Line] = []
    for index in document.pages:
        for ocr in pages[index].lines:
            lines.append(
                Line(
                    page=index,
                    text=ocr.text,
                    key=ocr.text.lower(),
                    bare=_bare(ocr.text.lower()),
                    box=ocr.box,
                    confidence=ocr.confidence,
                    from_text_layer=ocr.source == "text_layer",
                    second_recognizer=ocr.recognizer not in (None, "tesseract"),
                )
            )
    return lines


EXACT_LABEL_LENGTH = 5  # "Ông", "Bà", "TT": any slip makes another word
SHORT_LABEL_LENGTH = 20
SHORT_LABEL_CUTOFF = 90.0
# Without diacritics, "Số công chứng" is one letter from "Do công chứng": the fallback must match closely.
BARE_LABEL_CUTOFF = 95.0


# Every short label is looked for in every line: a line's word starts are found once.
@functools.lru_cache(maxsize=4096)
def _word_starts(text: str) -> tuple[int, ...]:
    """Where a label may start: at a word, after the field number read joined to it ("10Nội dưng đề
    nghiQ:"), and after a border read as an I or l joined to it ("ICCCDsố:"), which the word then shows by
    being no Vietnamese syllable ("linh" is one, and keeps its l)."""
    starts = [match.start() for match in re.finditer(r"\b\w|(?<=\d)[^\W\d]", text)]
    starts += [
        match.start(1)
        for match in re.finditer(r"\b[iIl]([^\W\d_]+)", text)
        if not vietnamese_syllable(match.group(0))
    ]
    return tuple(sorted(starts))


def _locate_short(key: str, text: str, cutoff: float) -> tuple[int, int, float] | None:
    """Best match of a short label starting at a word (see _word_starts), with windows one character
    shorter or longer than the label, so that a dropped or inserted character ("Kính sgửi") still matches."""
    best: tuple[int, int, float] | None = None
    for start in _word_starts(text):
        for length in range(len(key) - 1, len(key) + 3):
            ratio = fuzz.ratio(key, text[start : start + length], score_cutoff=cutoff)
            if ratio and (best is None or ratio > best[2]):
                best = (start, start + length, ratio)
    return best


def _find(
    label: str, line: Line, cutoff: float, line_start: bool, followed_by_colon: bool = False
) -> tuple[int, int, float] | None:
    """Where the label is in the line, and how well it matches. A label of more than EXACT_LABEL_LENGTH
    letters that does not match as printed is looked for again with diacritics aside: Tesseract often
    misreads a printed label's tone marks ("1. Ho, chữ đêm và tên"), and a short label misread so would
    otherwise be lost to a longer one, or to a table header further down."""
    key = label.lower()
    if len(key) <= EXACT_LABEL_LENGTH:
        pattern = rf"(?<!\w){re.escape(key)}(?!\w)"
        match = re.match(r"[\s\d.)(-]*" + pattern, line.key) if line_start else re.search(pattern, line.key)
        # Tesseract reads a colon as ";" at times ("Ông; NGUYỄN VĂN LONG", seed 1729 hs_0020).
        if match is None or (followed_by_colon and not re.match(r"\s*[:;]", line.key[match.end() :])):
            return None
        return match.end() - len(key), match.end(), 100.0
    found = _find_fuzzy(key, line.key, cutoff)
    if found is not None:
        return found
    bare = _find_fuzzy(_bare(key), line.bare, max(cutoff, BARE_LABEL_CUTOFF))
    # Below NEAR_EXACT: a label read with its marks, or a longer one, keeps the place.
    return None if bare is None else (bare[0], bare[1], min(bare[2], NEAR_EXACT - 1))


def _bare(text: str) -> str:
    """The text without diacritics, and with "." and ";" (misread commas) as ",", letter for letter (as it
    is, should a character not strip to one)."""
    bare = strip_accents(text).translate(MISREAD_COMMAS)
    return bare if len(bare) == len(text) else text


MISREAD_COMMAS = str.maketrans(".;", ",,")


def _find_fuzzy(key: str, text: str, cutoff: float) -> tuple[int, int, float] | None:
    if len(text) < len(key):
        # partial_ratio would slide the shorter line along the label: a fragment is not the label.
        ratio = fuzz.ratio(key, text, score_cutoff=cutoff)
        return (0, len(text), ratio) if ratio else None
    if len(key) < SHORT_LABEL_LENGTH:
        return _locate_short(key, text, max(cutoff, SHORT_LABEL_CUTOFF))
    alignment = fuzz.partial_ratio_alignment(key, text, score_cutoff=cutoff)
    if alignment is None:
        return None
    return alignment.dest_start, alignment.dest_end, alignment.score


# A long label read almost exactly beats a shorter one it contains ("Họ, chữ đệm và tên chủ hộ" over "Họ,
# chữ đệm và tên"); read loosely, it must not steal the shorter label's line.
NEAR_EXACT = 92.0


def find_hits(lines: list[Line], spec: ExtractionSpec, cutoff: float) -> dict[int, list[Hit]]:
    """Every label of the spec found in every line; where two overlap, the better (then longer) one wins."""
    owners: dict[tuple[str, bool, bool], set[str]] = {}
    for key, item in spec.fields.items():
        for label in item.labels:
            owners.setdefault((label, item.line_start, item.colon), set()).add(key)
    for label in spec.stop_labels:
        owners.setdefault((label, False, False), set())
    colon_labels = ColonLabelIndex.of(spec) if spec.colon_labels is not None else None
    found: dict[int, list[Hit]] = {}
    for number, line in enumerate(lines):
        candidates: list[Hit] = []
        for (label, line_start, colon), keys in owners.items():
            located = _find(label, line, cutoff, line_start, colon)
            if located is not None:
                candidates.append(Hit(label, frozenset(keys), number, located[0], located[1], located[2]))
        kept: list[Hit] = []
        for hit in sorted(candidates, key=lambda h: (h.ratio < NEAR_EXACT, -len(h.label), -h.ratio)):
            if all(hit.end <= other.start or hit.start >= other.end for other in kept):
                kept.append(hit)
        if colon_labels is not None:
            kept = _ended_at_colons(line, number, kept, colon_labels)
        if kept:
            found[number] = sorted(kept, key=lambda hit: hit.start)
    return found


# A colon ends a label; so does a ";" or "!" closing a line whose label was found ("Place of residenee!").
LABEL_END = re.compile(r":|[;!](?=\W*$)")
LABEL_TAIL_SLACK = 4  # characters beyond the rest of the longest label: spaces and marks read into it
BILINGUAL = " / "  # a label with its English half, as the card prints it before a colon


@dataclass(frozen=True)
class ColonLabelIndex:
    """What `_ended_at_colons` compares, prepared once per document: the labels a colon may end, each with
    the fields it belongs to and its text without diacritics, and the length of each field's longest
    label."""

    rule: ColonLabels
    candidates: list[tuple[str, str, frozenset[str]]]  # (bare label, label, its fields; none: a stop label)
    longest: dict[str, int]

    @classmethod
    def of(cls, spec: ExtractionSpec) -> ColonLabelIndex:
        assert spec.colon_labels is not None
        # Of a field with a bilingual label, only its labels with both halves: the card prints both before
        # the colon, and a short one ("Ngày sinh") is too near too many words of a value ("Ngọc Sinh").
        labelled: list[tuple[str, frozenset[str]]] = [(label, frozenset()) for label in spec.stop_labels]
        for key, item in spec.fields.items():
            bilingual = [label for label in item.labels if BILINGUAL in label]
            labelled += [(label, frozenset({key})) for label in bilingual or item.labels]
        return cls(
            rule=spec.colon_labels,
            candidates=[(_bare(label.lower()), label, owners) for label, owners in labelled],
            longest={key: max(map(len, item.labels)) for key, item in spec.fields.items() if item.labels},
        )


def _ended_at_colons(line: Line, number: int, kept: list[Hit], index: ColonLabelIndex) -> list[Hit]:
    """On a card whose labels end at a colon, a label found ends at the colon after it, and the text before
    a colon where none was found is the label it is nearest to, tone marks aside, by a margin. On photos the
    small English half of the card's labels is read badly: "Quê quán / Plae of oigin:" (found as "Quê
    quán", with "Plae of oigin:" left in the value), "Có giá uị đến:" (found as nothing)."""
    hits = sorted(kept, key=lambda hit: hit.start)
    segment_start = 0
    for end in LABEL_END.finditer(line.text):
        colon = end.start()
        overlapping = [hit for hit in hits if hit.start <= colon and hit.end > segment_start]
        if overlapping:
            last = overlapping[-1]
            longest = max((index.longest.get(key, 0) for key in last.owners), default=0)
            if 0 <= colon - last.end <= longest - len(last.label) + LABEL_TAIL_SLACK:
                hits[hits.index(last)] = dataclasses.replace(last, end=colon + 1)
        elif end.group() == ":" and (named := _label_before(line.bare, segment_start, colon, index)):
            label, owners, start, ratio = named
            hits.append(Hit(label, owners, number, start, colon + 1, ratio))
            hits.sort(key=lambda hit: hit.start)
        segment_start = colon + 1
    return hits


def _label_before(
    bare: str, segment_start: int, colon: int, index: ColonLabelIndex
) -> tuple[str, frozenset[str], int, float] | None:
    """The label (a field's, or a stop label) that the text from a word of the segment up to the colon is
    nearest to, if near enough and nearer than any other: (label, its fields, where it starts, similarity)."""
    rule = index.rule
    best: tuple[str, frozenset[str], int, float] | None = None
    for word in re.finditer(r"\w+", bare[segment_start:colon]):
        start = segment_start + word.start()
        read = bare[start:colon].strip()
        nearest: dict[frozenset[str], tuple[float, str]] = {}
        for bare_label, label, owners in index.candidates:
            nearest[owners] = max(nearest.get(owners, (0.0, "")), (fuzz.ratio(bare_label, read), label))
        ranked = sorted(nearest.items(), key=lambda item: -item[1][0])
        owners, (ratio, label) = ranked[0]
        runner_up = ranked[1][1][0] if len(ranked) > 1 else 0.0
        if ratio >= rule.cutoff and ratio - runner_up >= rule.margin and (best is None or ratio > best[3]):
            best = (label, owners, start, ratio)
    return best


def _sub_box(line: Line, start: int, end: int) -> BoundingBox:
    width = line.box.x1 - line.box.x0
    length = max(len(line.text), 1)
    return BoundingBox(
        x0=line.box.x0 + width * start / length,
        y0=line.box.y0,
        x1=line.box.x0 + width * end / length,
        y1=line.box.y1,
    )


def _union(boxes: list[BoundingBox]) -> BoundingBox:
    return BoundingBox(
        x0=min(b.x0 for b in boxes),
        y0=min(b.y0 for b in boxes),
        x1=max(b.x1 for b in boxes),
        y1=max(b.y1 for b in boxes),
    )


def _clean_value(raw: str, final: bool = True) -> str:
    """Drop leaders, colons and footnote marks around a value; a wrapped line keeps its closing comma."""
    value = LEADING_NOISE.sub("", raw)
    value = TRAILING_NOISE.sub("", value) if final else re.sub(r"[\s.…_]*$", "", value)
    return value.strip()


def in_vocabulary(value: Normalized, vocabulary: list[str]) -> Normalized:
    """A value of a closed list: a near miss (an OCR slip or two, without accents) becomes the listed
    word when no other word is as near; anything else fails and is flagged."""
    if not vocabulary or not value.ok:
        return value
    exact = [word for word in vocabulary if word.casefold() == str(value.value).casefold()]
    if exact:
        return Normalized(exact[0], True)
    folded = strip_accents(str(value.value)).casefold()
    distances = sorted(
        (Levenshtein.distance(folded, strip_accents(word).casefold()), word) for word in vocabulary
    )
    (best_distance, best), runner_up = distances[0], distances[1][0] if len(distances) > 1 else 99
    allowed = 1 if len(folded) <= VOCABULARY_SHORT_WORD else 2
    if best_distance <= allowed and best_distance < runner_up:
        return Normalized(best, True)
    return Normalized.fail("not_in_vocabulary", value.value)


def with_canonical_start(value: Normalized, spellings: list[str]) -> Normalized:
    """Give a value that begins with a listed phrase, read with other tone marks or case, the listed
    spelling ("Đăng Minh Tùng" → "Đặng Minh Tùng", "ỦY BAN NHÂN DẦN QUẬN" → "ỦY BAN NHÂN DÂN QUẬN").
    Only a phrase no other listed phrase shares its letters with is applied."""
    if not spellings or not value.ok or not isinstance(value.value, str):
        return value
    words = value.value.split()
    for spelling in sorted(spellings, key=lambda item: -len(item.split())):
        count = len(spelling.split())
        head = " ".join(words[:count])
        folded = strip_accents(head).casefold()
        if len(words) < count or folded != strip_accents(spelling).casefold():
            continue
        rivals = {s for s in spellings if strip_accents(s).casefold() == folded}
        if len(rivals) > 1:
            return value
        fixed = spelling.upper() if head.isupper() else spelling
        spelt = " ".join([fixed, *words[count:]])
        doubt = value.doubt
        if doubt == "name_spelling_unusual" and all(vietnamese_syllable(word) for word in spelt.split()):
            doubt = None  # the listed spelling was the only slip
        return Normalized(spelt, True, doubt=doubt)
    return value


class SyllableIndex(NamedTuple):
    known: frozenset[str]  # tone keys of the listed names and surnames
    by_letters: dict[str, frozenset[str]]  # the listed names by their letters without tone marks
    letters_of: dict[str, str]  # each listed name and surname's letters without tone marks
    surnames: frozenset[str]  # tone keys of the surnames


@functools.cache
def syllable_index(syllables: tuple[str, ...], surnames: tuple[str, ...]) -> SyllableIndex:
    by_letters: dict[str, set[str]] = {}
    for word in syllables:
        by_letters.setdefault(toneless(word), set()).add(word)
    return SyllableIndex(
        known=frozenset(tone_key(word) for word in syllables + surnames),
        by_letters={letters: frozenset(words) for letters, words in by_letters.items()},
        letters_of={word: toneless(word) for word in syllables + surnames},
        surnames=frozenset(tone_key(word) for word in surnames),
    )


def with_listed_syllables(
    value: Normalized, syllables: list[str], surnames: list[str] | None = None
) -> Normalized:
    """A name whose middle or given name is none of `syllables` (nor a surname) but one of them with another
    tone mark or none ("Hoàng Diêu Trang", "Bùi Quang Quần"), with that spelling, flagged name_marks_guessed.
    Only tone marks: the letters (â, ơ, đ, …) are as read; a word several listed names share its letters
    with is left as read."""
    if not syllables or not value.ok or not isinstance(value.value, str):
        return value
    index = syllable_index(tuple(syllables), tuple(surnames or ()))
    known, by_letters = index.known, index.by_letters
    words = value.value.split()
    mended = list(words)
    for index, word in enumerate(words[1:], start=1):
        spellings = by_letters.get(toneless(word), frozenset())
        if tone_key(word) not in known and len(spellings) == 1:
            mended[index] = next(iter(spellings))
    if mended == words:
        return value
    # The mend answers an unusual spelling, unless another word is still spelt as no name is.
    answered = value.doubt in (None, "name_spelling_unusual") and all(map(vietnamese_syllable, mended))
    doubt = "name_marks_guessed" if answered else value.doubt or "name_marks_guessed"
    return Normalized(" ".join(mended), True, doubt=doubt)


def _meaning(item: FieldSpec | ColumnSpec, raw: str) -> Normalized:
    """What `raw` means for a field or column: normalised, and snapped to its closed list if it has one."""
    value = NORMALIZERS[item.normalizer](raw)
    holds_places = item.normalizer in PLACE_NAME_NORMALIZERS and isinstance(value.value, str)
    if holds_places and (mended := mend_place_names(value.value)) != value.value:
        value = dataclasses.replace(value, value=mended, doubt=value.doubt or PLACE_NAME_MENDED)
    return in_vocabulary(value, item.vocabulary)


def _phrasing_of(item: FieldSpec | ColumnSpec, rules: ExtractionRules) -> Phrasing | None:
    """The set phrases a field's value is written in: its own, or extraction.yaml's it names."""
    if not isinstance(item, FieldSpec) or item.phrasing is None:
        return None
    return rules.phrasings[item.phrasing] if isinstance(item.phrasing, str) else item.phrasing


def _listed_spelling(
    value: Normalized, item: FieldSpec | ColumnSpec, rules: ExtractionRules, from_text_layer: bool = False
) -> Normalized:
    """`value` with the listed spelling of how such values begin, when the field names such a list, and of
    a name's middle and given names; a value that was read (not a PDF's text layer) with its wording and
    address words mended."""
    starts = rules.canonical_starts.get(item.canonical_starts or "", [])
    value = with_canonical_start(value, starts)
    if item.normalizer == "address" and not from_text_layer:
        value = with_mended_wording(value, mend_address_words)
    if (phrasing := _phrasing_of(item, rules)) is not None and not from_text_layer:
        value = with_phrasing(value, phrasing)
    return with_listed_syllables(value, rules.name_syllables, starts) if item.normalizer == "name" else value


@dataclass
class Reading:
    raw: str
    page: int
    box: BoundingBox
    confidence: float
    from_text_layer: bool
    line: int
    start: int
    unconfirmed: bool = False  # some of it was read by the second recogniser only
    doubt: str | None = None  # what is doubted of where it was read, besides its value's doubts


def _other_column_end(context: Context, text: str) -> int | None:
    """Where the text of a field read beside wrapped values (an ID card's "Cóivơn: 31/122053") ends, when a
    line opens with it and goes on with the value's next line: "… quận Cầu Giấy, …"."""
    for pattern in context.beside_wrapped:
        if (opening := pattern.match(text)) is not None and (
            gap := re.match(r"\.?\s+", text[opening.end() :])
        ):
            return opening.end() + gap.end()
    return None


def _value_after(context: Context, hit: Hit, spec: FieldSpec) -> Reading:
    lines = context.lines
    line = lines[hit.line]
    following = [other for other in context.hits.get(hit.line, []) if other.start >= hit.end]
    end = following[0].start if following else len(line.text)
    pieces = [(line.text[hit.end : end], _sub_box(line, hit.end, end))]
    confidence = line.confidence
    number = hit.line
    height = line.box.y1 - line.box.y0
    used = [hit.line]
    while number + 1 < len(lines) and (spec.wraps or not _clean_value(pieces[0][0])):
        following = number + 1
        # A line wholly left of the label's column belongs to another column (an ID card's expiry date
        # beside the second line of its address): the value goes on past it.
        while following < len(lines) and lines[following].box.x1 <= line.box.x0:
            following += 1
        if following == len(lines):
            break
        candidate = lines[following]
        if candidate.page != line.page or following in context.hits:
            break
        if candidate.box.y0 - lines[number].box.y1 > 1.5 * height or PLACE_DATE.search(candidate.text):
            break
        text, box = candidate.text, candidate.box
        if box.x0 < line.box.x0 - height and (end := _other_column_end(context, text)) is not None:
            text, box = text[end:], _sub_box(candidate, end, len(text))
        pieces.append((text, box))
        confidence = min(confidence, candidate.confidence)
        number = following
        used.append(following)
        if not spec.wraps:
            break
    texts = [_clean_value(text, final=i == len(pieces) - 1) for i, (text, _) in enumerate(pieces)]
    boxes = [box for text, (_, box) in zip(texts, pieces, strict=True) if text]
    raw = _clean_value(" ".join(text for text in texts if text))
    box = _union(boxes) if boxes else _sub_box(line, hit.start, hit.end)
    unconfirmed = any(lines[i].second_recognizer for i in used)
    return Reading(raw, line.page, box, confidence, line.from_text_layer, hit.line, hit.end, unconfirmed)


def _starts_with(line: Line, marker: tuple[str, str]) -> bool:
    """Whether the line begins with the marker (its lower-case key, and that key bare), as read or without
    tone marks: "BÊN THUẾ (Bên B):" starts the lessee's section."""
    key, bare = marker
    return line.key.lstrip(" -").startswith(key) or line.bare.lstrip(" -").startswith(bare)


def _marker(text: str) -> tuple[str, str]:
    key = text.lower()
    return key, _bare(key)


def _section_lines(context: Context, spec: ExtractionSpec, name: str | None) -> range:
    if name is None or name not in spec.sections:
        return range(len(context.lines))
    section = spec.sections[name]
    start_marker = _marker(section.start)
    start = next((i for i, line in enumerate(context.lines) if _starts_with(line, start_marker)), None)
    if start is None:
        return range(0)
    end_markers = [_marker(marker) for marker in section.end]
    end = next(
        (
            i
            for i in range(start + 1, len(context.lines))
            if any(_starts_with(context.lines[i], marker) for marker in end_markers)
        ),
        len(context.lines),
    )
    return range(start, end)


PHRASE_CUTOFF = 90.0


def _holds(line: Line, phrase: str, cutoff: float = PHRASE_CUTOFF) -> bool:
    """Whether a printed phrase occurs in the line; a line shorter than the phrase cannot hold it."""
    return len(line.key) >= len(phrase) and fuzz.partial_ratio(phrase.lower(), line.key) >= cutoff


def _label_certainty(context: Context, hit: Hit) -> float:
    """How sure it is that the label was found, which bounds how sure its value is: the match of the label
    with what was read, tone marks aside. Tesseract often misreads a printed label's tone marks ("Số điên
    thoai liên hê"), which leaves no doubt about which label it is."""
    if hit.ratio >= 100.0:
        return 1.0
    read = context.lines[hit.line].key[hit.start : hit.end]
    return max(hit.ratio, fuzz.ratio(strip_accents(hit.label.lower()), strip_accents(read))) / 100.0


def _readings_for(context: Context, key: str, item: FieldSpec, spec: ExtractionSpec) -> list[Reading]:
    allowed = _section_lines(context, spec, item.section)
    readings: list[Reading] = []
    if item.labels:
        ranked: list[tuple[int, Reading]] = []
        for number in allowed:
            for hit in context.hits.get(number, []):
                if key in hit.owners:
                    reading = _value_after(context, hit, item)
                    reading.confidence = min(reading.confidence, _label_certainty(context, hit))
                    ranked.append((item.labels.index(hit.label), reading))
        # Labels are listed most specific first: "Giá thuê nhà ở là" before "Giá thuê".
        readings = [reading for _, reading in sorted(ranked, key=lambda item: item[0])]
    if item.pattern and (item.repeat or not readings):
        # With labels, where none is found; for a repeated field also on the lines where none is found: a
        # second owner's ID whose label was read "CCCDsS:" is the pattern's.
        labelled = {number for number in allowed for hit in context.hits.get(number, []) if key in hit.owners}
        for number in allowed:
            if number in labelled:
                continue
            line = context.lines[number]
            for match in re.finditer(item.pattern, line.text):
                group = match.lastindex or 0
                box = _sub_box(line, match.start(group), match.end(group))
                readings.append(
                    Reading(
                        match.group(group),
                        line.page,
                        box,
                        line.confidence,
                        line.from_text_layer,
                        number,
                        match.start(group),
                        line.second_recognizer,
                    )
                )
    elif item.any_of and not item.labels:
        for number in allowed:
            line = context.lines[number]
            if any(_holds(line, phrase) for phrase in item.any_of):
                readings.append(
                    Reading(
                        line.text,
                        line.page,
                        line.box,
                        line.confidence,
                        line.from_text_layer,
                        number,
                        0,
                        line.second_recognizer,
                    )
                )
    return readings


def _misread_pattern_reread(
    context: Context, item: FieldSpec, spec: ExtractionSpec, engine: OcrEngine | None
) -> list[Reading]:
    """A field found by its pattern that no line holds as read, where a line holds it read with characters
    it does not have (`misread_pattern`: Tesseract reads a certificate's bold serial "DA 182493" as "DA
    18249353" from the detector's crop): the line's crop read again by Tesseract and by the second
    recogniser, and the pattern's value the first of the two holds; doubted (PATTERN_REREAD), as the first
    reading disagreed."""
    if item.pattern is None or item.misread_pattern is None or engine is None:
        return []
    for number in _section_lines(context, spec, item.section):
        line = context.lines[number]
        image = context.images.get(line.page)
        if line.from_text_layer or image is None or re.search(item.misread_pattern, line.text) is None:
            continue
        if (crop := whole_line_crop(image, line.box)) is None:
            continue
        reads = (engine.read_text(crop, primary_only=True), engine.read_handwriting(crop))
        for second, read in enumerate(reads):
            if read is not None and (match := re.search(item.pattern, read[0])) is not None:
                raw = match.group(match.lastindex or 0)
                return [
                    Reading(raw, line.page, line.box, read[1], False, number, 0, bool(second), PATTERN_REREAD)
                ]
    return []


def _judge(
    key: str,
    value: Normalized,
    raw: str | None,
    confidence: float,
    rules: ExtractionRules,
    reading: Reading | None,
    confirmed: bool = False,
) -> ExtractedField:
    reasons = []
    if not value.ok:
        reasons.append(value.problem or "not_normalised")
    elif value.doubt:
        reasons.append(value.doubt)
    if confidence < rules.review_below:
        reasons.append("low_confidence")
    if reading is not None and reading.unconfirmed and not confirmed:
        # Measured on generated handwriting: a sixth of its readings at confidence ≥ 0.95 are wrong.
        reasons.append("handwriting_unconfirmed")
    if reading is not None and reading.doubt:
        reasons.append(reading.doubt)
    return ExtractedField(
        key=key,
        value=value.value,
        raw=raw,
        confidence=round(confidence, 4),
        page=reading.page if reading else None,
        box=reading.box if reading else None,
        needs_review=bool(reasons),
        review_reasons=reasons,
    )


def _not_found(key: str) -> ExtractedField:
    return ExtractedField(
        key=key, value=None, confidence=0.0, needs_review=True, review_reasons=["not_found"]
    )


def _digit_box_reading(
    context: Context, reading: Reading, engine: OcrEngine | None, expected: int
) -> Reading | None:
    """Re-read a row of printed digit boxes from the image: find the boxes, drop their borders, read.

    Where the row starts is estimated from the label's share of the line's text, which box borders read
    as letters ("IIDHMHMH…") throw off; a row that does not read surely is looked for again further left."""
    readings = []
    for reach in DIGIT_BOX_REACH:
        found = _digit_box_reading_from(context, reading, engine, expected, reach)
        if found is not None and found.confidence >= DIGIT_BOX_CONFIDENT and not found.unconfirmed:
            return found
        readings.append(found)
    candidates = [found for found in readings if found is not None]
    return max(candidates, key=lambda found: (not found.unconfirmed, found.confidence), default=None)


def _digit_box_reading_from(
    context: Context, reading: Reading, engine: OcrEngine | None, expected: int, reach: float
) -> Reading | None:
    image = context.images.get(reading.page)
    if engine is None or image is None:
        return None
    line = context.lines[reading.line]
    height = line.box.y1 - line.box.y0
    pad = height * 0.35
    x0 = max(0, int(_sub_box(line, reading.start, len(line.text)).x0 - reach * height))
    x1 = image.shape[1]  # the detector may have cut the row of boxes short
    y0, y1 = max(0, int(line.box.y0 - pad)), min(image.shape[0], int(line.box.y1 + pad))
    if x1 - x0 < 10 or y1 - y0 < 10:
        return None
    band = image[y0:y1, x0:x1]
    found = marks.digit_grid(band, expected, height)
    if found is None:
        return None
    borders = found.borders
    # Each crop of the row read; a reading of every box, then the surer one, is kept.
    reads = [_digit_grid_reading(crop, borders, engine, expected) for crop in found.crops]
    digits, confidence, unconfirmed = max(
        reads, key=lambda read: (len(read[0]) == expected, not read[2], read[1])
    )
    if len(digits) != expected:
        return None
    if not unconfirmed and confidence >= DIGIT_BOX_CONFIDENT:
        # Tesseract's sure reading of the row, weighed by the handwriting model in each crop.
        apart = [read for crop in found.crops if (read := _handwritten_digits_apart(crop, digits, engine))]
        if apart:
            (digits, confidence), unconfirmed = max(apart, key=lambda read: read[1]), True
    box = BoundingBox(x0=x0 + borders[0], y0=y0, x1=x0 + borders[-1], y1=y1)
    return Reading(digits, reading.page, box, confidence, False, reading.line, reading.start, unconfirmed)


def _digit_grid_reading(
    grid: np.ndarray, borders: list[int], engine: OcrEngine, expected: int
) -> tuple[str, float, bool]:
    """The digits of a row of boxes (borders painted out), their confidence, and whether only the second
    recogniser read them."""
    left, cells = borders[0], list(pairwise(borders))
    text, confidence = engine.read_text(grid, charset=DIGITS, primary_only=True)
    digits = re.sub(r"\D", "", text)
    unconfirmed = False
    if len(cells) == expected and (len(digits) != expected or confidence < DIGIT_BOX_CONFIDENT):
        # One box at a time: a reading of its own, and a second opinion on the whole-row reading.
        read = [
            engine.read_text(grid[:, a - left : b - left], charset=DIGITS, primary_only=True)
            for a, b in cells
        ]
        by_cell = "".join(re.sub(r"\D", "", t)[:1] for t, _ in read)
        cell_confidence = min((c for _, c in read), default=0.0)
        if len(digits) == expected and by_cell == digits:
            confidence = min(0.99, 1 - (1 - confidence) * (1 - cell_confidence))
        elif len(digits) != expected:
            digits, confidence = by_cell, cell_confidence
        else:
            confidence = min(confidence, 0.5)
        if len(digits) != expected or confidence < DIGIT_BOX_CONFIDENT:
            # Handwritten digits: the second recogniser's row reading pre-fills the value for a person. When
            # the engine kept the primary reading instead, that is the row reading already judged above.
            second_text, second = engine.read_text(grid, charset=DIGITS)
            second_digits = re.sub(r"\D", "", second_text)
            if second_text != text and len(second_digits) == expected and second > confidence:
                digits, confidence, unconfirmed = second_digits, second, True
    return digits, confidence, unconfirmed


# How far (log-probability) the handwriting model must find a sure Tesseract reading of a row of digit
# boxes behind its own reading to take the row for handwriting Tesseract misread. Printed rows the two
# read apart fell 0.03 to 4.0 behind (22 crops, seeds 3571 and 4711, all Tesseract's right); handwritten
# rows Tesseract misread, 16 and 26 (seed 3571). A handwritten row Tesseract read right fell 13 behind, but
# the model's reading was no ID (a century digit not in use), and is not taken.
HANDWRITTEN_DIGITS_APART = 8.0


def _plausible_id(digits: str) -> bool:
    """Whether a row of 12 digits can be a living person's ID: its century/sex digit is one of those in
    use ("096788…": 7 is for the 2200s) and its birth year is not after this year. Rows of other lengths
    pass."""
    if len(digits) != 12:
        return True
    born = id_birth_data(digits)
    return born is not None and born[0] <= date.today().year


def _handwritten_digits_apart(grid: np.ndarray, digits: str, engine: OcrEngine) -> tuple[str, float] | None:
    """The handwriting model's reading of a row of boxes that Tesseract read surely as `digits`, when the
    model reads other digits, a plausible ID, and finds Tesseract's far behind its own: handwriting
    Tesseract read with confidence but wrongly ("077184804861" for "077184804854"). None when the two agree
    or nearly so."""
    read = engine.read_handwriting(grid, charset=DIGITS)
    if read is None:
        return None
    second = re.sub(r"\D", "", read[0])
    if len(second) != len(digits) or second == digits or not _plausible_id(second):
        return None
    behind = engine.reading_shortfall(grid, digits, DIGITS)
    return (second, read[1]) if behind is not None and behind > HANDWRITTEN_DIGITS_APART else None


# Characters a value of each kind can hold; a re-read limited to them is a second, independent opinion.
CHARSETS = {
    "personal_id": DIGITS,
    "date": DIGITS + "/.-",
    "phone": DIGITS + "+ ",
    "money": DIGITS + ".,",
    "area": DIGITS + ".,m² ",  # the unit too: limited to digits, Tesseract reads "m²" as a "2"
    "email": "abcdefghijklmnopqrstuvwxyz" + DIGITS + "@._-",
}


# Values whose first reading failed (or a passport read in digits only, LETTERS_READ_AS_DIGITS) that the
# handwriting recogniser reads again, with the characters each may hold (None: any). The detector's box for a
# handwritten value in a line that also holds the printed label is placed proportionally, so it often cuts off
# the first characters; the re-read therefore looks from several starting points left of it (REREAD_LEFT, in
# line heights), each read with and without the charset, and keeps a value that REREAD_MIN_VOTES of these
# reads agree on and no other value matches as often. A crop's two reads may be the two votes: the limited and
# the free decoding agreeing is itself evidence. On the failed handwritten values of the seed-31337 set this
# kept no wrong value, nor on the 23 handwritten names of the seed-4242 set that Tesseract garbled (12
# re-read, all right). One vote per crop, tried together with an upper-case sex charset, lowered held-out
# decision status from 73.0 to 70.5 % (the two changes were not measured apart).
HANDWRITING_REREAD: dict[str, str | None] = {
    "date": None,
    "phone": DIGITS + "+ ",
    "personal_id": DIGITS + " ",
    # The colon lets the label's tail be read as itself: without it, "chiếu:" came out as capitals ("UA99…").
    "passport": string.ascii_uppercase + DIGITS + ":",
    "gender": "Nnamữ:. ",
    "relationship": None,
    "name": None,
}
REREAD_LEFT = (0.2, 0.6, 1.0)
# Values written in full-height characters only (digits, separators, a passport's capitals): their re-read
# crops end at the value's last stroke (a third of the line's height tall at least), before the dotted
# leaders after it. Crops running on into the leaders lost a phone's last digits in most reads ("057073213"
# for "0570732131", "03508802" for "0350880281", seed 5843 hs_0076, hs_0138), or read a dot as one more digit.
ENDS_AT_LAST_STROKE = ("phone", "date", "personal_id", "passport")
LAST_STROKE_HEIGHT = 0.3
LAST_STROKE_MARGIN = 0.25
# Strokes further apart than this (in line heights) are not one value: a value and the next field's label
# after its leaders, or a label and a value written further along the dotted line.
VALUE_GAP = 1.5
REREAD_MIN_VOTES = 2
LABEL_TAIL = re.compile(r"^[^:]*:")
# Where a re-read value that fails as a whole may end: a crop not ended at the value's last stroke (another
# kind of value, or no stroke found) runs on into the dotted leaders after it, which the model reads as ".1"
# or ".6 Em" (the next label), and those digits would join a phone number.
VALUE_END = re.compile(r"[.…,;(]")


@dataclass
class RereadCrops:
    """Where the handwriting re-read looks for a value: crops of one strip of the page, starting at
    several points left of the value's box (REREAD_LEFT) and ending a little after it."""

    image: np.ndarray
    starts: list[int]
    y0: int
    y1: int
    x1: int

    @classmethod
    def around(cls, image: np.ndarray, box: BoundingBox, normalizer: str = "") -> RereadCrops | None:
        """Crops around a value's box; those of a kind of value in ENDS_AT_LAST_STROKE end at its last
        stroke when one is found after the box's start."""
        height = box.y1 - box.y0
        y0, y1 = _value_band(image, box)
        x1 = min(image.shape[1], int(box.x1 + 0.8 * height))
        if normalizer in ENDS_AT_LAST_STROKE:
            x1 = _value_end(image, box, x1)
        # Distinct starts only: near the page's edge several would be the same crop, and count twice.
        starts = list(
            dict.fromkeys(x0 for left in REREAD_LEFT if x1 - (x0 := max(0, int(box.x0 - left * height))) >= 8)
        )
        return cls(image, starts, y0, y1, x1) if starts and y1 - y0 >= 8 else None

    def crop(self, x0: int) -> np.ndarray:
        return self.image[self.y0 : self.y1, x0 : self.x1]

    def box(self, x0: int) -> BoundingBox:
        return BoundingBox(x0=x0, y0=self.y0, x1=self.x1, y1=self.y1)

    def weigh(self, choices: Sequence[str], engine: OcrEngine) -> list[tuple[float, str]] | None:
        """Each choice with how far the crops together put it behind their best readings (summed
        `reading_shortfalls_within` of it as whole words; it may be written in lower case), nearest first;
        None when the model cannot weigh a crop."""
        forms = [(choice, form) for choice in choices for form in dict.fromkeys((choice, choice.lower()))]
        totals = dict.fromkeys(choices, 0.0)
        for x0 in self.starts:
            scores = engine.reading_shortfalls_within(
                self.crop(x0), [form for _, form in forms], whole_words=True
            )
            if scores is None:
                return None
            nearest = dict.fromkeys(choices, math.inf)
            for (choice, _), score in zip(forms, scores, strict=True):
                if score is not None:
                    nearest[choice] = min(nearest[choice], score)
            for choice, score in nearest.items():
                totals[choice] += score
        return sorted((total, choice) for choice, total in totals.items())

    def choose(self, forms: list[str], margin: float, engine: OcrEngine) -> tuple[str, float] | None:
        """The form every crop (two at least) scores highest, each by at least `margin`, with the chance
        it is the likelier of the two best forms at the smallest margin; else None."""
        picks = [engine.read_choice(self.crop(x0), forms) for x0 in self.starts]
        chosen = {pick[0] for pick in picks if pick is not None}
        smallest = min((pick[1] for pick in picks if pick is not None), default=0.0)
        if len(picks) < 2 or None in picks or len(chosen) != 1 or smallest < margin:
            return None
        return chosen.pop(), min(0.99, 1 / (1 + math.exp(-smallest)))


def _handwriting_reread(
    context: Context,
    reading: Reading,
    item: FieldSpec | ColumnSpec,
    rules: ExtractionRules,
    engine: OcrEngine | None,
) -> tuple[Reading, Normalized] | None:
    """A value the handwriting recogniser reads the same way from crops starting at different points
    around the value's box, or failing that, the written form of a closed kind of value that every crop
    prefers (extraction.yaml handwritten_choices); None if neither. The reading is the second recogniser's
    alone: unconfirmed, unless a closed list confirms it as it does any reading, or it is a number that
    fails its format in every read (below).

    A number or a date on a form (WHOLE_LINE_VOTE) is also read from its whole line, label included, which
    gives the model the context a crop lacks: one more vote. When the votes settle nothing, the valid
    numbers read are weighed (_weighed_number). A number that fails its format in every read, crops and
    line alike, is what the citizen wrote (see _unanimous_number). A passing value found so for a number is
    used only where the reading with the field's written forms imposed gives none (extract_fields:
    _format_reading first)."""
    image = context.images.get(reading.page)
    if engine is None or image is None or reading.from_text_layer:
        return None
    if item.normalizer not in HANDWRITING_REREAD:
        return None
    crops = RereadCrops.around(image, reading.box, item.normalizer)
    if crops is None:
        return None
    reads = _rereads(context, image, reading, item, crops, engine)
    if reads is None:
        return None
    votes: dict[str, list[tuple[str, float, Normalized, int]]] = {}  # value → its reads
    for read in reads:
        if read[2].ok:
            votes.setdefault(repr(read[2].value), []).append(read)
    ranked = [*sorted(votes.values(), key=len, reverse=True), []]
    # A value needs REREAD_MIN_VOTES agreeing reads and no other value read as often.
    if len(ranked[0]) >= REREAD_MIN_VOTES and len(ranked[1]) < len(ranked[0]):
        text, _, value, x0 = ranked[0][0]
        confidence = min(vote[1] for vote in ranked[0])
    elif chosen := _written_form_chosen(crops, item, rules, engine):
        (text, confidence), x0 = chosen, crops.starts[0]
        value = _meaning(item, text)
    elif (weighed := _weighed_number(context, reading, item, reads, crops, rules, engine)) is not None:
        (text, value, confidence), x0 = weighed, crops.starts[0]
    elif (unanimous := _unanimous_number(item, reads, rules)) is not None:
        text, value, confidence = unanimous
        box = crops.box(crops.starts[0])
        return dataclasses.replace(
            reading, raw=text, box=box, confidence=confidence, unconfirmed=False
        ), value
    else:
        return None
    if not value.ok:
        return None
    box = crops.box(x0)
    return dataclasses.replace(reading, raw=text, box=box, confidence=confidence, unconfirmed=True), value


def _rereads(
    context: Context,
    image: np.ndarray,
    reading: Reading,
    item: FieldSpec | ColumnSpec,
    crops: RereadCrops,
    engine: OcrEngine,
) -> list[tuple[str, float, Normalized, int]] | None:
    """The handwriting re-read's reads of a value (text, confidence, value, crop start): each crop with and
    without the value's charset, and the whole line of a number or date (WHOLE_LINE_VOTE); None if the
    model read nothing."""
    charset = HANDWRITING_REREAD[item.normalizer]
    reads: list[tuple[str, float, Normalized, int]] = []
    for x0 in crops.starts:
        for allowed in dict.fromkeys((charset, None)):
            read = engine.read_handwriting(crops.crop(x0), charset=allowed)
            if read is None:
                return None
            text, value = _reread_value(item, read[0])
            reads.append((text, read[1], value, x0))
    # A value after its label only: a table cell has no label, and a pattern's line may hold other values
    # ("từ ngày 01/02/2023 đến ngày 01/02/2024").
    whole_line = isinstance(item, FieldSpec) and item.normalizer in WHOLE_LINE_VOTE and not item.pattern
    if whole_line and (whole := _whole_line_read(context, image, reading, engine)):
        text, value = _reread_value(item, whole[0])
        reads.append((text, whole[1], value, crops.starts[0]))
    return reads


def _weighed_number(
    context: Context,
    reading: Reading,
    item: FieldSpec | ColumnSpec,
    reads: list[tuple[str, float, Normalized, int]],
    crops: RereadCrops,
    rules: ExtractionRules,
    engine: OcrEngine,
) -> tuple[str, Normalized, float] | None:
    """Of the valid numbers the re-reads read, the one the handwriting model finds nearest its best reading
    in every crop and the whole line together, when within rules.weighed_numbers (see extraction.yaml). The
    crops may lose a last digit (to the leaders after it, "035835206.....", seed 6029 hs_0181, before crops
    ended at the last stroke) that the whole line reads; so the whole line must also prefer it, by the
    margin, to the longest number the failing reads give, or a nine-digit phone would be given a tenth digit
    (from its leaders, then). None when no valid number was read, or none is clearly nearest."""
    bound = rules.weighed_numbers
    image = context.images.get(reading.page)
    if bound is None or image is None or item.normalizer not in REPEATABLE_NUMBERS:
        return None
    candidates: dict[str, list[tuple[str, float, Normalized]]] = {}
    for text, confidence, value, _ in reads:
        if value.ok:
            candidates.setdefault(str(value.value), []).append((text, confidence, value))
    if not candidates or (whole := _value_line_crop(context, image, reading)) is None:
        return None
    places = [crops.crop(x0) for x0 in crops.starts] + [whole]
    scored = []
    for number in candidates:
        behind = [engine.reading_shortfall_within(place, number) for place in places]
        known = [shortfall for shortfall in behind if shortfall is not None]
        if len(known) == len(behind):
            scored.append((sum(known), max(known), known[-1], number))
    scored.sort()
    if not scored or scored[0][1] > bound.max_shortfall:
        return None
    if len(scored) > 1 and scored[1][0] - scored[0][0] < bound.margin:
        return None
    failing = max(
        (re.sub(r"\D", "", text) for text, _, value, _ in reads if not value.ok), key=len, default=""
    )
    as_read = engine.reading_shortfall_within(whole, failing) if failing else None
    if as_read is not None and as_read - scored[0][2] < bound.margin:
        return None
    text, _, value = candidates[scored[0][3]][0]
    return text, value, min(confidence for _, confidence, _ in candidates[scored[0][3]])


def _written_form_chosen(
    crops: RereadCrops, item: FieldSpec | ColumnSpec, rules: ExtractionRules, engine: OcrEngine
) -> tuple[str, float] | None:
    """The written form of a closed kind of value (extraction.yaml handwritten_choices) that every crop
    scores highest by the margin, with its confidence; None if the kind has no forms or none wins so."""
    forms = rules.handwritten_choices.forms.get(item.normalizer)
    return crops.choose(forms, rules.handwritten_choices.margin, engine) if forms else None


def _weighed_vocabulary(
    context: Context,
    reading: Reading,
    item: FieldSpec | ColumnSpec,
    value: Normalized,
    rules: ExtractionRules,
    engine: OcrEngine | None,
) -> tuple[Reading, Normalized] | None:
    """A value that fails its closed list, as the listed value the crops of the handwriting re-read hold
    (_listed_choice), flagged LISTED_VALUE_WEIGHED. Where the model garbles a script "Con" ("(sa", "Caẵ") or
    a country ("ƒ⁄2 Quốc"), the crops still hold the written word far better than any other listed one. None
    when no listed value is so held."""
    if value.ok or len(item.vocabulary) < 2:
        return None
    chosen = _listed_choice(context, reading, {word: word for word in item.vocabulary}, rules, engine)
    return _as_weighed(reading, item, chosen)


def _as_weighed(
    reading: Reading, item: FieldSpec | ColumnSpec, chosen: str | None
) -> tuple[Reading, Normalized] | None:
    """The listed value the crops were weighed into, as the field's reading and value, flagged
    LISTED_VALUE_WEIGHED; None when none was chosen or it fails the field's normaliser."""
    if chosen is None or not (listed := _meaning(item, chosen)).ok:
        return None
    return dataclasses.replace(reading, raw=chosen), dataclasses.replace(listed, doubt=LISTED_VALUE_WEIGHED)


# A phrase weighed for a value read as no words is at least this share of the value's length: a phrase that is
# only part of what was written ("Kỹ sư" of "Kỹ sư, Tổng công ty Điện lực") is held as well by the crops.
WEIGHED_PHRASE_LENGTH_SHARE = 0.6


def _weighed_phrase(
    context: Context,
    reading: Reading,
    item: FieldSpec | ColumnSpec,
    value: Normalized,
    rules: ExtractionRules,
    engine: OcrEngine | None,
) -> tuple[Reading, Normalized] | None:
    """A handwritten value (or one in doubt) of a field written in set phrases that the model garbled
    ("Hceu té" for "Hưu trí", "7cec á"), or read too short to be one ("xe" for "Lái xe"), as the phrase the
    crops of the re-read hold (_listed_choice), flagged LISTED_VALUE_WEIGHED. Only a value in which the
    wording finds no phrase is weighed ("Công chức, UBND" and "Giáo viên THCS" keep their workplace), and only
    phrases of at least WEIGHED_PHRASE_LENGTH_SHARE of its length. None when no phrase is so held."""
    phrasing = _phrasing_of(item, rules)
    text = value.value
    if phrasing is None or not phrasing.weighed or reading.from_text_layer or not isinstance(text, str):
        return None
    if not (reading.unconfirmed or value.doubt) or holds_a_phrase(text, phrasing):
        return None  # read surely, or a phrase found in it: with a slip the wording mends, or a workplace
    choices = {
        phrase: phrase
        for phrase in phrasing.phrases
        if len(phrase) >= WEIGHED_PHRASE_LENGTH_SHARE * len(text)
    }
    return _as_weighed(reading, item, _listed_choice(context, reading, choices, rules, engine))


def _weighed_closing_name(
    context: Context,
    reading: Reading,
    item: FieldSpec | ColumnSpec,
    value: Normalized,
    rules: ExtractionRules,
    engine: OcrEngine | None,
) -> tuple[Reading, Normalized] | None:
    """A one-line place value (an office: "Công an phường Cầu Giấy, Thành phố Hà Nim") whose closing unit's
    name is no listed one, with the listed name of that unit the crops of the handwriting re-read hold: of
    the names nearest in letters (places.unlisted_closing_name), the one _listed_choice finds after the unit
    word, flagged place_name_mended. None when there is no such name."""
    if (
        not value.ok
        or not isinstance(value.value, str)
        or item.normalizer not in PLACE_NAME_NORMALIZERS
        or (isinstance(item, FieldSpec) and item.wraps)  # a wrapped value spans lines; crops take one
        or (closing := unlisted_closing_name(value.value)) is None
    ):
        return None
    choices = {f"{closing.unit} {name}": name for name in closing.nearest}
    if (chosen := _listed_choice(context, reading, choices, rules, engine)) is None:
        return None
    text = closing.replaced(value.value, chosen)
    mended = _meaning(item, text)
    return dataclasses.replace(reading, raw=text), dataclasses.replace(mended, doubt=PLACE_NAME_MENDED)


NAME_WORD_CANDIDATES = 12  # listed names an unlisted word of a handwritten name is weighed against, at most
NAME_WORD_REACH = 2  # letters (without tone marks) in which they may differ from it


def _weighed_name_words(
    context: Context,
    reading: Reading,
    item: FieldSpec | ColumnSpec,
    value: Normalized,
    rules: ExtractionRules,
    engine: OcrEngine | None,
) -> tuple[Reading, Normalized] | None:
    """A handwritten name with a middle or given name that is no listed one ("Phạm Minh Báả", "Đỗ Tha
    Oan"), each such word given the listed name the crops of the re-read hold instead: the name from the
    word before it on, with the word as read and with each listed name near it in letters, is weighed
    (_listed_choice). The surname is left alone: the crops often start inside it. The reading stays the
    handwriting model's, unconfirmed, flagged LISTED_VALUE_WEIGHED. None when no word changes."""
    handwritten_name = item.normalizer == "name" and reading.unconfirmed
    if not handwritten_name or not value.ok or not isinstance(value.value, str):
        return None
    surnames = rules.canonical_starts.get(item.canonical_starts or "", [])
    listed = syllable_index(tuple(rules.name_syllables), tuple(surnames))
    words = value.value.split()
    for index, word in enumerate(words[1:], start=1):
        if tone_key(word) in listed.known:
            continue
        near = process.extract(
            toneless(word),
            listed.letters_of,
            scorer=Levenshtein.distance,
            limit=NAME_WORD_CANDIDATES,
            score_cutoff=NAME_WORD_REACH,
        )
        # With the word before it, the spelling is weighed in its place: alone, a short name ("An") is
        # found anywhere in the crops.
        around = (words[index - 1], words[index + 1 :])
        spellings = [word, *(name for _, _, name in near)]
        choices = {" ".join([around[0], spelling, *around[1]]): spelling for spelling in spellings}
        if (chosen := _name_word_choice(context, reading, choices, word, rules, engine)) is not None:
            words[index] = chosen
    text = " ".join(words)
    if text == value.value or not (mended := _meaning(item, text)).ok:
        return None
    return dataclasses.replace(reading, raw=text), dataclasses.replace(mended, doubt=LISTED_VALUE_WEIGHED)


EMAIL_WEIGHED = "email_weighed"


def _email_variants(email: str, confusions: list[tuple[str, str]]) -> list[str]:
    """`email` with a dot between two letters of a local part that has none, or one character of its local
    part replaced as `confusions` say."""
    local, at, domain = email.partition("@")
    variants = []
    if "." not in local:
        variants += [
            f"{local[:cut]}.{local[cut:]}{at}{domain}"
            for cut in range(1, len(local))
            if local[cut - 1].isalpha() and local[cut].isalpha()
        ]
    for index, char in enumerate(local):
        variants += [
            f"{local[:index]}{written}{local[index + 1 :]}{at}{domain}"
            for read, written in confusions
            if char == read
        ]
    return variants


def _weighed_email(
    context: Context,
    reading: Reading,
    item: FieldSpec | ColumnSpec,
    value: Normalized,
    rules: ExtractionRules,
    engine: OcrEngine | None,
) -> tuple[Reading, Normalized] | None:
    """A handwritten email read valid, as the near variant (_email_variants) its re-read crops put least
    behind, when that is at most rules.weighed_email.max_behind per crop behind the value as read (most are
    ahead of it); then the same from that variant, a few steps at most. The model drops a local part's dot
    ("sonnguyen02" for "son.nguyen02") and reads a script "t" as "l" or "b" ("viel.nguyen", "quyenbran"),
    while its crops hold the written form about as well or better. Flagged EMAIL_WEIGHED, in place of an
    earlier doubt (the value is flagged either way); None when no variant is taken."""
    bounds = rules.weighed_email
    image = context.images.get(reading.page)
    if (
        bounds is None
        or item.normalizer != "email"
        or engine is None
        or image is None
        or not reading.unconfirmed
        or not value.ok
        or not isinstance(value.value, str)
        or (crops := RereadCrops.around(image, reading.box)) is None
        or len(crops.starts) < 2
    ):
        return None
    email: str = value.value
    as_read: float | None = None  # how far behind the crops' best readings the value as read is
    for _ in range(bounds.max_steps):
        variants = _email_variants(email, bounds.confusions)
        ranked = crops.weigh([email, *variants], engine) if variants else None
        if ranked is None:
            break
        behind = {choice: total for total, choice in ranked}
        if as_read is None:
            as_read = behind[email]
        nearest = min(variants, key=behind.__getitem__)
        # Each step is bounded against the value as read (steps cannot add up to a far worse reading) and
        # against the email it replaces (a step after the right one is no better).
        bound = bounds.max_behind * len(crops.starts)
        if (
            not math.isfinite(as_read)
            or behind[nearest] - as_read > bound
            or (email != value.value and behind[nearest] - behind[email] > 0)
        ):
            break
        email = nearest
    if email == value.value or not (weighed := _meaning(item, email)).ok:
        return None
    return dataclasses.replace(reading, raw=email), dataclasses.replace(weighed, doubt=EMAIL_WEIGHED)


def _name_word_choice(
    context: Context,
    reading: Reading,
    choices: dict[str, str],
    as_read: str,
    rules: ExtractionRules,
    engine: OcrEngine | None,
) -> str | None:
    """Of the listed names weighed for a word of a name read as no listed one (`choices`: text → spelling,
    the word as read among them), the one the crops hold (_listed_choice), or else the listed one they hold
    about as well as the word as read (rules.weighed_name_words.max_behind per crop) and clearly better than
    any other listed one (its lead per crop): the model reads a script "t" as "c" ("Đạc", "Việc"), and
    the crops barely tell the two apart, while the next listed name falls far behind."""
    bounds, listed_bounds = rules.weighed_name_words, rules.weighed_listed
    if len(choices) < 2 or (weighed := _weighed_choices(context, reading, list(choices), engine)) is None:
        return None
    if (chosen := _listed_choice(context, reading, choices, rules, engine, weighed)) is not None:
        return chosen
    if bounds is None or listed_bounds is None:
        return None
    behind_read = next(total for total, text in weighed.ranked if choices[text] == as_read)
    listed = [(total, choices[text]) for total, text in weighed.ranked if choices[text] != as_read]
    (nearest, spelling), next_nearest = listed[0], listed[1][0] if len(listed) > 1 else math.inf
    if (
        not math.isfinite(nearest)
        or not math.isfinite(behind_read)
        or nearest > listed_bounds.max_shortfall * weighed.crops
        or nearest - behind_read > bounds.max_behind * weighed.crops
        or next_nearest - nearest < bounds.lead * weighed.crops
    ):
        return None
    return spelling


class WeighedChoices(NamedTuple):
    ranked: list[tuple[float, str]]  # each choice with how far behind the crops' best readings, nearest first
    crops: int


def weighed_choices_at(
    image: np.ndarray, box: BoundingBox, choices: Sequence[str], engine: OcrEngine
) -> WeighedChoices | None:
    """`choices` weighed in the crops of the handwriting re-read around `box` (two at least:
    RereadCrops.weigh); None when there are no such crops or the model cannot weigh one."""
    if (
        (crops := RereadCrops.around(image, box)) is None
        or len(crops.starts) < 2
        or (ranked := crops.weigh(list(choices), engine)) is None
    ):
        return None
    return WeighedChoices(ranked, len(crops.starts))


def _weighed_choices(
    context: Context, reading: Reading, choices: Sequence[str], engine: OcrEngine | None
) -> WeighedChoices | None:
    image = context.images.get(reading.page)
    if engine is None or image is None or reading.from_text_layer:
        return None
    return weighed_choices_at(image, reading.box, choices, engine)


def listed_pick(weighed: WeighedChoices, bounds: WeighedListed) -> str | None:
    """The choice the crops hold nearly as well as their best readings (`max_shortfall` per crop) and far
    better than every other (`lead`, summed over the crops); None when none does."""
    nearest, text = weighed.ranked[0]
    next_nearest = weighed.ranked[1][0] if len(weighed.ranked) > 1 else math.inf
    if nearest > bounds.max_shortfall * weighed.crops or next_nearest - nearest < bounds.lead:
        return None
    return text


def _listed_choice(
    context: Context,
    reading: Reading,
    choices: dict[str, str],
    rules: ExtractionRules,
    engine: OcrEngine | None,
    weighed: WeighedChoices | None = None,
) -> str | None:
    """Of several texts, each standing for a value (`choices`: text → value), the value of the one the
    crops of the handwriting re-read (two at least) hold nearly as well as their best readings
    (rules.weighed_listed.max_shortfall per crop) and far better than all the others
    (rules.weighed_listed.lead, summed over the crops: RereadCrops.weigh); None when none does. `weighed`:
    the choices already weighed."""
    bounds = rules.weighed_listed
    if bounds is None or len(choices) < 2:
        return None
    weighed = weighed or _weighed_choices(context, reading, list(choices), engine)
    if weighed is None or (text := listed_pick(weighed, bounds)) is None:
        return None
    return choices[text]


def _scored_written_form(
    context: Context,
    reading: Reading,
    item: FieldSpec | ColumnSpec,
    value: Normalized,
    rules: ExtractionRules,
    engine: OcrEngine | None,
) -> tuple[Reading, Normalized] | None:
    """A closed kind of value (a sex) read valid, replaced by another of its written forms when every crop
    of the re-read scores that one higher by the margin (_written_form_chosen); the new reading is the
    handwriting model's, unconfirmed. Callers choose which readings are doubted enough to be scored. A script
    "Nữ" may be read "Nam" or "|M" and still score far above "Nam" (seed 4321 hs_0016 by 6.4 to 13.3, 7351
    hs_0110 by 7.9 to 8.6; 7351 hs_0172, a member's, by 8.4: each sent to a person for a sex that disagreed
    with the ID). Probed on six sets' stored pages: of the 404 sexes on CT01 and CT02 forms that only the
    handwriting model read (322 handwritten) and 163 unsure members' cells, the 3 read wrong were mended and
    none of the others changed (81 left as read, no form ahead in every crop); 73 printed sexes read by
    Tesseract unsurely all stayed too. ID cards' were not measured."""
    image = context.images.get(reading.page)
    if engine is None or image is None or reading.from_text_layer:
        return None
    crops = RereadCrops.around(image, reading.box)
    chosen = _written_form_chosen(crops, item, rules, engine) if crops else None
    if chosen is None or not (scored := _meaning(item, chosen[0])).ok or scored.value == value.value:
        return None
    return dataclasses.replace(reading, raw=chosen[0], confidence=chosen[1], unconfirmed=True), scored


def _extra_digit(
    context: Context,
    reading: Reading,
    item: FieldSpec,
    value: Normalized,
    rules: ExtractionRules,
    engine: OcrEngine | None,
) -> tuple[Reading, Normalized] | None:
    """A handwritten number read valid that holds one digit the citizen did not write, without it: it then
    fails its format and is left to a person, with the doubt of the handwriting model's reading. Its whole
    line must find it far likelier (rules.extra_digit) without the digit, either
    - without its last digit, a leader's dot read as one ("0309513713" for the nine-digit "030951371",
      seed 7351 hs_0088; 4711 hs_0004), or
    - as the failing number most re-reads agree on, the value less a digit after its first ("0999162323"
      for "099916223", read so by 5 of 7 reads, 7351 hs_0187): the written form imposed the digit."""
    bounds = rules.extra_digit
    image = context.images.get(reading.page)
    number = str(value.value or "")
    if (
        bounds is None
        or engine is None
        or image is None
        or item.normalizer not in REPEATABLE_NUMBERS
        or not reading.unconfirmed
        or not number.isdigit()
        or (whole := _value_line_crop(context, image, reading)) is None
    ):
        return None
    as_read = engine.reading_shortfall_within(whole, number)
    if as_read is None:
        return None

    def far_likelier(shorter: str, ahead: float) -> Normalized | None:
        cut = _meaning(item, shorter)
        if cut.ok:  # only ever left to a person, never taken for another valid number
            return None
        shortfall = engine.reading_shortfall_within(whole, shorter)
        return cut if shortfall is not None and as_read - shortfall > ahead else None

    if cut := far_likelier(number[:-1], bounds.leader_ahead):
        return dataclasses.replace(reading, raw=number[:-1]), cut
    crops = RereadCrops.around(image, reading.box, item.normalizer)
    reads = _rereads(context, image, reading, item, crops, engine) if crops else None
    agreed = _agreed_failing_number(reads or [])
    if (
        agreed is not None
        and any(number[:i] + number[i + 1 :] == agreed for i in range(1, len(number)))
        and (cut := far_likelier(agreed, bounds.agreed_ahead))
    ):
        return dataclasses.replace(reading, raw=agreed), cut
    return None


def _agreed_failing_number(reads: list[tuple[str, float, Normalized, int]]) -> str | None:
    """The number the failing re-reads give most often, when more than REREAD_MIN_VOTES of them do and no
    other number, failing or valid, is read as often; else None."""
    failing = Counter(
        digits for text, _, value, _ in reads if not value.ok and (digits := re.sub(r"\D", "", text))
    )
    valid = Counter(repr(value.value) for _, _, value, _ in reads if value.ok)
    if not failing:
        return None
    (number, votes), *others = failing.most_common(2)
    rivals = [other_votes for _, other_votes in others] + list(valid.values())
    return number if votes > REREAD_MIN_VOTES and votes > max(rivals, default=0) else None


def _value_band(image: np.ndarray, box: BoundingBox) -> tuple[int, int]:
    """The rows a value's crops take: its box with a fifth of its height above and below, on the page."""
    height = box.y1 - box.y0
    return max(0, int(box.y0 - 0.2 * height)), min(image.shape[0], int(box.y1 + 0.2 * height))


def _value_end(image: np.ndarray, box: BoundingBox, x1: float) -> int:
    """`x1`, brought back to the last stroke of a value written on a line and read in `box`, when one is
    found between the box's start and `x1` (ENDS_AT_LAST_STROKE)."""
    height = box.y1 - box.y0
    x0 = max(0, int(box.x0))
    y0, y1 = _value_band(image, box)
    if int(x1) - x0 < 8 or y1 - y0 < 8:
        return int(x1)
    end = marks.written_value_end(
        image[y0:y1, x0 : int(x1)],
        (0, box.x1 - x0),
        LAST_STROKE_HEIGHT * height,
        VALUE_GAP * height,
        LAST_STROKE_MARGIN * height,
    )
    return int(x1) if end is None else min(int(x1), x0 + end)


def _value_line_crop(context: Context, image: np.ndarray, reading: Reading) -> np.ndarray | None:
    """The whole OCR line a number's box was cut from (a re-read's box too), up to the number's last
    stroke; or None."""
    line = line_holding([line.box for line in context.lines if line.page == reading.page], reading.box)
    return None if line is None else _line_to_value_end(image, line, reading.box)


def _whole_line_read(
    context: Context, image: np.ndarray, reading: Reading, engine: OcrEngine
) -> tuple[str, float] | None:
    """The handwriting model's reading of a value's whole line, label included, up to its last stroke."""
    crop = _line_to_value_end(image, context.lines[reading.line].box, reading.box)
    return None if crop is None else engine.read_handwriting(crop)


def _line_to_value_end(image: np.ndarray, line: BoundingBox, box: BoundingBox) -> np.ndarray | None:
    """An OCR line's crop up to the last stroke of the value read in `box`."""
    return whole_line_crop(image, line, _value_end(image, box, line.x1))


def line_holding(lines: Sequence[BoundingBox], box: BoundingBox) -> BoundingBox | None:
    """The line a value's box was cut from: it holds the box's middle height and most of its width (a
    re-read's box runs on a little past the line's end). Of several, the one whose middle is nearest."""
    middle = (box.y0 + box.y1) / 2
    holding = [
        line
        for line in lines
        if line.y0 <= middle <= line.y1
        and min(line.x1, box.x1) - max(line.x0, box.x0) > 0.5 * (box.x1 - box.x0)
    ]
    return min(holding, key=lambda line: abs((line.y0 + line.y1) / 2 - middle), default=None)


def whole_line_crop(image: np.ndarray, line: BoundingBox, x1: float | None = None) -> np.ndarray | None:
    """An OCR line's crop, with a fifth of its height above and below for strokes the detector's box cut;
    up to `x1` when given (a value's end)."""
    pad = 0.2 * (line.y1 - line.y0)
    return clipped_crop(image, line.x0, line.y0 - pad, line.x1 if x1 is None else x1, line.y1 + pad)


def _unanimous_number(
    item: FieldSpec | ColumnSpec, reads: list[tuple[str, float, Normalized, int]], rules: ExtractionRules
) -> tuple[str, Normalized, float] | None:
    """A number that fails its format the same way in every read, with `agreeing_reads_confidence`; else
    None. The whole line's read is among them, and the longest reading must be read at least
    REREAD_MIN_VOTES + 1 times; the others may only lack its first digits (a crop that starts inside the
    number) and one more (the whole line read "07/185763" for "071185763", seed 4321 hs_0133; _within).
    Agreement matters: the model merges a doubled digit ("777" read "77") in most crops of a right number,
    and one such number was read short 5 times in 6: the read holding the digit the others lack vetoes.
    On the development sets' 207 handwritten phones (every one tried, not only those whose first reading
    failed), failing reads so agreeing were 4, all the citizen's 9-digit numbers."""
    if item.normalizer not in REPEATABLE_NUMBERS or rules.agreeing_reads_confidence is None:
        return None
    if any(value.ok for _, _, value, _ in reads):
        return None
    numbers = [re.sub(r"\D", "", text) for text, _, _, _ in reads]
    number = max(numbers, key=len, default="")
    if (
        not number
        or numbers.count(number) <= REREAD_MIN_VOTES
        or not all(read and _within(read, number) for read in numbers)
    ):
        return None
    value = _meaning(item, number)
    return None if value.ok else (number, value, rules.agreeing_reads_confidence)


def _within(part: str, whole: str) -> bool:
    """Whether `part` is the end of `whole`, less at most one of its characters: a crop that starts inside
    the number misses its first digits, and one digit may be lost or misread as a stroke ("07/185763")."""
    return any((whole[:i] + whole[i + 1 :]).endswith(part) for i in range(len(whole))) or whole.endswith(part)


# A shorter written form is taken over a longer one only when this much likelier (log-probability): before
# a value anything may come, so "7/01/2001" is always found wherever "17/01/2001" is.
SHORTER_FORM_LEAD = 3.0


def _format_reading(
    context: Context,
    reading: Reading,
    item: FieldSpec | ColumnSpec,
    as_read: Normalized,
    rules: ExtractionRules,
    engine: OcrEngine | None,
) -> tuple[Reading, Normalized] | None:
    """The value every crop of the handwriting re-read holds when read in one of the value's written forms
    (extraction.yaml written_formats), as an unconfirmed reading with the confidence of the line it was
    read from; None when the crops disagree or hold the value as read, the value has no written form, or
    the value as read is valid and the form does not replace valid values."""
    written = rules.written_formats.get(item.written_format or "")
    image = context.images.get(reading.page)
    if written is None or engine is None or image is None or reading.from_text_layer:
        return None
    # A form that mends only failing values leaves a valid one, and one read surely as the form less one
    # character: that is what the citizen wrote.
    if not written.replaces_valid and (as_read.ok or _surely_one_short(reading, item, as_read, rules)):
        return None
    crops = RereadCrops.around(image, reading.box, item.normalizer)
    if crops is None or len(crops.starts) < 2:
        return None
    values: dict[str, tuple[str, Normalized]] = {}  # the value each crop holds → its text
    for x0 in crops.starts:
        reads = engine.read_in_formats(crops.crop(x0), [form.positions for form in written.forms])
        known = [read for read in reads or [] if read is not None]
        if not known:
            return None
        fewest = min(shortfall for _, shortfall in known)
        text, shortfall = next(read for read in known if read[1] <= fewest + SHORTER_FORM_LEAD)
        if written.max_shortfall is not None and shortfall > written.max_shortfall:
            return None
        value = _meaning(item, text)
        if not value.ok:
            return None
        values.setdefault(repr(value.value), (text, value))  # "10/07.1985" and "10/07/1985" agree
    if len(values) != 1:
        return None
    text, value = values.popitem()[1]
    if value.value == as_read.value:
        return None
    return dataclasses.replace(reading, raw=text, unconfirmed=True), value


def _surely_one_short(
    reading: Reading, item: FieldSpec | ColumnSpec, as_read: Normalized, rules: ExtractionRules
) -> bool:
    """Whether a failing value was read surely as its written form less one character (_one_short)."""
    written = rules.written_formats.get(item.written_format or "")
    return (
        written is not None
        and not as_read.ok
        and reading.confidence >= rules.review_below
        and _one_short(as_read, written)
    )


def _one_short(value: Normalized, written: WrittenFormats) -> bool:
    """Whether a failing value is one of the written forms less its last character ("085763088" for a
    ten-digit phone). On five generated sets, all 27 phones read as such nine digits (before this reading
    existed) were what the citizen wrote; the forms' reading would invent a tenth digit."""
    text = str(value.value or "")
    return any(
        len(text) == len(form.positions) - 1
        and all(char in allowed for char, allowed in zip(text, form.positions[:-1], strict=True))
        for form in written.forms
    )


def _cell_without_ruling(
    context: Context, reading: Reading, column: ColumnSpec, engine: OcrEngine | None
) -> tuple[Reading, Normalized] | None:
    """A table cell whose reading fails, read again with the table's ruled lines painted out. The detector's
    box often takes in the column's rule, which is then read as a character ("1035320902658", "lCon dâu")."""
    image = context.images.get(reading.page)
    if engine is None or image is None or reading.from_text_layer:
        return None
    box = reading.box
    pad = (box.y1 - box.y0) * 0.3
    crop = clipped_crop(image, box.x0 - pad, box.y0 - pad, box.x1 + pad, box.y1 + pad)
    if crop is None:
        return None
    cell, charset = marks.remove_ruling(crop), CHARSETS.get(column.normalizer)
    # Tesseract first; for handwriting, the second recogniser's reading, which stays unconfirmed (its
    # confidence does not vouch for it; a member's ID is still checked against their birth data).
    for primary_only in (True, False):
        text, confidence = engine.read_text(cell, charset=charset, primary_only=primary_only)
        value = _meaning(column, _cell_text(column, text))
        if value.ok:
            unconfirmed = reading.unconfirmed or not primary_only
            return dataclasses.replace(
                reading, raw=text, confidence=confidence, unconfirmed=unconfirmed
            ), value
    return None


def clipped_crop(image: np.ndarray, x0: float, y0: float, x1: float, y1: float) -> np.ndarray | None:
    """The part of the image inside the rectangle, clipped to the image; None when under 8 px either way."""
    left, top = max(0, int(x0)), max(0, int(y0))
    right, bottom = min(image.shape[1], int(x1)), min(image.shape[0], int(y1))
    return image[top:bottom, left:right] if right - left >= 8 and bottom - top >= 8 else None


# Services to score: a domain holding another ("yahoo.com.vn") would never score above it.
SCORED_MAIL_DOMAINS = [
    domain
    for domain in COMMON_MAIL_DOMAINS
    if not any(o != domain and o in domain for o in COMMON_MAIL_DOMAINS)
]


def _email_by_domain(
    context: Context, reading: Reading, item: FieldSpec, rules: ExtractionRules, engine: OcrEngine | None
) -> tuple[Reading, Normalized] | None:
    """An email that fails its format, with the common mail service that every crop around it prefers by
    the lead of extraction.yaml (handwritten_choices.email_domain_margin); None if none does."""
    margin = rules.handwritten_choices.email_domain_margin
    image = context.images.get(reading.page)
    if (
        item.normalizer != "email"
        or margin is None
        or engine is None
        or image is None
        or reading.from_text_layer
    ):
        return None
    crops = RereadCrops.around(image, reading.box)
    chosen = crops.choose([f"@{domain}" for domain in SCORED_MAIL_DOMAINS], margin, engine) if crops else None
    if chosen is None:
        return None
    value = email_at_domain(reading.raw, chosen[0].removeprefix("@"))
    if not value.ok:
        return None
    return dataclasses.replace(
        reading, confidence=min(reading.confidence, chosen[1]), unconfirmed=True
    ), value


# Tesseract reads a handwritten passport's letters as digits ("499550044" for "A99550047", "198306343" for
# "M88306342"), and nine digits pass as a passport (a US one): every handwritten passport of eight sets was
# misread, eight of them so. A passing reading of these kinds all in digits is re-read by the handwriting
# model, and its reading (unconfirmed) taken when it is as long and holds letters: a letter read as a digit
# keeps the number's length, while a crop that lost a digit would make a shorter passport that passes too.
LETTERS_READ_AS_DIGITS = ("passport",)


def _letters_read_as_digits(item: FieldSpec | ColumnSpec, value: Normalized) -> bool:
    return item.normalizer in LETTERS_READ_AS_DIGITS and str(value.value).isdigit()


def _letter_for_digit(digits: Normalized, reread: Normalized) -> bool:
    text = str(reread.value)
    return len(text) == len(str(digits.value)) and not text.isdigit()


def _reread_value(item: FieldSpec | ColumnSpec, read: str) -> tuple[str, Normalized]:
    """The value in a re-read crop's text, after the label's tail: the whole rest, or if that fails, the
    rest up to where a value may end (VALUE_END)."""
    text = _clean_value(LABEL_TAIL.sub("", read))
    value = _meaning(item, text)
    if not value.ok and (cut := _clean_value(VALUE_END.split(text, 1)[0])) != text:
        return cut, _meaning(item, cut)
    return text, value


def _value_crop(image: np.ndarray, box: BoundingBox, normalizer: str = "") -> np.ndarray | None:
    """A value's box with a fifth of its height around it, and more to the right (the box may end short);
    for a kind of value in ENDS_AT_LAST_STROKE, up to its last stroke."""
    height = box.y1 - box.y0
    pad = height * 0.2
    x1 = box.x1 + 4 * pad
    if normalizer in ENDS_AT_LAST_STROKE:
        x1 = _value_end(image, box, x1)
    return clipped_crop(image, box.x0 - pad, box.y0 - pad, x1, box.y1 + pad)


def _second_read(
    context: Context, reading: Reading, normalizer: str, first: Normalized, engine: OcrEngine | None
) -> float | None:
    """Re-read an unsure value from its box with the characters it may hold. When both reads agree the
    value is taken with the combined confidence of two independent reads; otherwise it stays unsure."""
    image = context.images.get(reading.page)
    charset = CHARSETS.get(normalizer)
    if engine is None or image is None or charset is None or reading.from_text_layer:
        return None
    crop = _value_crop(image, reading.box, normalizer)
    if crop is None:
        return None
    text, confidence = engine.read_text(crop, charset=charset, primary_only=reading.unconfirmed)
    second = NORMALIZERS[normalizer](text)
    if not second.ok or second.value != first.value:
        return None
    return min(0.99, 1 - (1 - reading.confidence) * (1 - confidence))


def _read_by_both(
    context: Context, reading: Reading, engine: OcrEngine | None, charset: str | None = None
) -> tuple[tuple[str, float], tuple[str, float]] | None:
    """A printed value read again from its own crop by Tesseract and by the handwriting model (limited to
    `charset` when given); None for a value only the handwriting model read, or one from a text layer."""
    image = context.images.get(reading.page)
    if engine is None or image is None or reading.from_text_layer or reading.unconfirmed:
        return None
    if (crop := _value_crop(image, reading.box)) is None:
        return None
    written = engine.read_handwriting(crop, charset=charset)
    return None if written is None else (engine.read_text(crop, charset=charset, primary_only=True), written)


# A printed date in words ("ngày 15 tháng 6 năm 2018"), as on a certificate's signature line.
WORDED_DATE = re.compile(r"(?i)ngày\s*\S{1,2}\s*tháng")


def _worded_date_reread(
    context: Context,
    reading: Reading,
    item: FieldSpec | ColumnSpec,
    value: Normalized,
    engine: OcrEngine | None,
) -> tuple[Reading, Normalized] | None:
    """A printed date in words read again from its own crop by both recognisers, taken when both agree on
    another date. Tesseract reads the italic digits of a whole line less well than of the date alone:
    "Hà Nội, ngày 15 tháng 6 năm 2018" was read "… 2016" on three certificates of seed 9173 (unflagged), and
    the date's crop "2018" by both. On that set's 190 typed issue and signing dates in words the two
    re-reads agreed on another date 4 times, each time the right one, and with the first reading 172 times."""
    if item.normalizer != "date" or not WORDED_DATE.search(reading.raw):
        return None
    if (both := _read_by_both(context, reading, engine)) is None:
        return None
    reads = [(text, confidence, _meaning(item, text)) for text, confidence in both]
    if not all(read.ok for _, _, read in reads) or reads[0][2].value != reads[1][2].value:
        return None
    if reads[0][2].value == value.value:
        return None
    text, confidence, reread = reads[0]
    return dataclasses.replace(reading, raw=text, confidence=min(confidence, reads[1][1])), reread


# Printed values whose number fails for a look-alike of a digit inside it ("1§,5 m²") that are read again.
LOOKALIKE_REREAD = ("area",)


def _lookalike_reread(
    context: Context,
    reading: Reading,
    item: FieldSpec | ColumnSpec,
    value: Normalized,
    engine: OcrEngine | None,
) -> tuple[Reading, Normalized] | None:
    """A printed number that fails its format, read again from its own crop by both recognisers limited to
    its characters. Taken when both read the same number, as long as the first reading's and holding its
    digits and separators where it has them (only the look-alikes change: "1§,5" → "18,5"), and it is
    valid. Seed 3571 hs_0167: the contract's area failed, and its floor-area proof with it."""
    first = AREA_TOKEN.search(clean_text(reading.raw))
    if value.ok or item.normalizer not in LOOKALIKE_REREAD or first is None:
        return None
    if (both := _read_by_both(context, reading, engine, CHARSETS[item.normalizer])) is None:
        return None
    numbers = [_number_like(first.group(0), text) for text, _ in both]
    if None in numbers or numbers[0] != numbers[1]:
        return None
    reread = _meaning(item, str(numbers[0]))
    if not reread.ok:
        return None
    # Limited to a number's characters, the rest of the crop reads as noise and the reads' confidence is
    # low; the two agreeing with each other and with the first reading's digits is the evidence. The raw
    # text stays the line's, as a person reads it.
    return reading, reread


def _number_like(as_read: str, text: str) -> str | None:
    """The first number in `text` that is `as_read` with each of its characters other than digits and
    separators (the look-alikes) read as a digit; the crop may hold the label's end and other numbers."""
    for number in NUMBER_TOKEN.finditer(text):  # a re-read limited to a number's characters
        found = number.group(0)
        if len(found) == len(as_read) and all(
            b == a if a.isdigit() or a in ".," else b.isdigit() for a, b in zip(as_read, found, strict=True)
        ):
            return found
    return None


# Numbers whose failed reading a second read may repeat (extraction.yaml agreeing_reads_confidence): a
# digits-only re-read of a printed one, the handwriting re-reads of a handwritten one. A wrong number is the
# citizen's only when it was surely read.
REPEATABLE_NUMBERS = ("phone",)
# Values the handwriting re-read also reads from their whole line, label included: numbers, and dates, whose
# box, placed from the share of the line's text Tesseract read, may start after their first characters:
# "06/2003" for "17/06/2003" (seed 5843 hs_0094), where the crops read "7/06/2003" as often as the date.
WHOLE_LINE_VOTE = (*REPEATABLE_NUMBERS, "date")


# Where a printed number read again ends: leaders (a phone's own dots come one at a time).
LEADERS = re.compile(r"\.{2,}")


def _printed_number_repeated(
    context: Context, reading: Reading, item: FieldSpec, rules: ExtractionRules, engine: OcrEngine | None
) -> float | None:
    """The confidence of two reads, when a printed number that fails its format is read again from its
    line's image, digits and dots only, from a little before the label's colon to the line's end, and the
    digits after a colon, up to leaders or another colon, are exactly the number read (the crop starts
    before the value, so that a leading 0 is not cut). None otherwise, and for a number only the
    handwriting model read. A handwritten number that Tesseract read is read again the same way: on the
    development sets, 2 of 73 handwritten phones were repeated, both right."""
    image = context.images.get(reading.page)
    if (
        item.normalizer not in REPEATABLE_NUMBERS
        or rules.agreeing_reads_confidence is None
        or engine is None
        or image is None
        or reading.from_text_layer
        or reading.unconfirmed
    ):
        return None
    line = context.lines[reading.line]
    first = re.sub(r"\D", "", reading.raw)
    height = line.box.y1 - line.box.y0
    crop = clipped_crop(
        image,
        max(line.box.x0, reading.box.x0 - 1.5 * height),
        line.box.y0 - 0.2 * height,
        line.box.x1 + 0.3 * height,
        line.box.y1 + 0.2 * height,
    )
    if not first or crop is None:
        return None
    # Dots are read too: without them the leaders vanish, and the number after them on the same line
    # joins the phone ("0975618506" for "097561850……… 6. Email", seed 6311 hs_0053).
    text, _ = engine.read_text(crop, charset=DIGITS + ":.", primary_only=True)
    # The label's colon is one of those read (a letter of the label may be read as one too).
    after_colons = [LEADERS.split(part.strip(". "), maxsplit=1)[0] for part in text.split(":")[1:]]
    if not any(re.sub(r"\D", "", after) == first for after in after_colons):
        return None
    return rules.agreeing_reads_confidence


def _phrase_line(context: Context, phrases: list[str]) -> Line | None:
    """The first line holding one of the phrases."""
    return next((line for line in context.lines if any(_holds(line, p) for p in phrases)), None)


def _one_of(context: Context, key: str, item: FieldSpec) -> ExtractedField:
    for value, phrases in item.one_of.items():
        line = _phrase_line(context, phrases)
        if line is not None:
            return ExtractedField(
                key=key,
                value=value,
                raw=line.text,
                confidence=round(line.confidence, 4),
                page=line.page,
                box=line.box,
            )
    return ExtractedField(key=key, value=None, confidence=1.0)


def extract_fields(
    context: Context, spec: ExtractionSpec, rules: ExtractionRules, engine: OcrEngine | None
) -> dict[str, ExtractedField]:
    results: dict[str, ExtractedField] = {}
    for key, item in spec.fields.items():
        normalizer = NORMALIZERS[item.normalizer]
        if item.one_of:
            results[key] = _one_of(context, key, item)
            continue
        if item.present_if:
            line = _phrase_line(context, item.present_if)
            results[key] = ExtractedField(
                key=key,
                value=line is not None,
                raw=line.text if line else None,
                confidence=round(line.confidence, 4) if line else 1.0,
                page=line.page if line else None,
                box=line.box if line else None,
            )
            continue
        readings = _readings_for(context, key, item, spec) or _misread_pattern_reread(
            context, item, spec, engine
        )
        if item.repeat:
            readings.sort(key=lambda r: (r.line, r.start))
        if item.last:
            readings = readings[::-1]
        if item.repeat:
            judged = [
                (_listed_spelling(_meaning(item, r.raw), item, rules, r.from_text_layer), r) for r in readings
            ]
            judged = [(value, r) for value, r in judged if value.value not in (None, "")]
            if not judged:
                results[key] = _not_found(key)
                continue
            confidence = min(r.confidence for _, r in judged)
            failed = [value for value, _ in judged if not value.ok]
            combined = Normalized(
                [value.value for value, _ in judged],
                not failed,
                failed[0].problem if failed else None,
                doubt=next((value.doubt for value, _ in judged if value.doubt), None),
            )
            first = judged[0][1]
            if any(r.unconfirmed for _, r in judged):  # a handwritten second owner counts as the first
                first = dataclasses.replace(first, unconfirmed=True)
            raw = " | ".join(r.raw for _, r in judged)
            results[key] = _judge(key, combined, raw, confidence, rules, first)
            continue
        if not readings:
            results[key] = _not_found(key) if item.required else ExtractedField(key=key, confidence=0.0)
            continue
        reading = readings[0]
        if item.digit_boxes and not (reading.from_text_layer and normalizer(reading.raw).ok):
            # Box borders garble line OCR ("0[9[2[+[s…"): only a re-read of the boxes themselves counts.
            reread = _digit_box_reading(context, reading, engine, item.digit_boxes)
            if reread is None:
                value = normalizer(reading.raw)
                results[key] = _judge(
                    key,
                    Normalized(value.value, False, "digit_boxes_unread"),
                    reading.raw,
                    reading.confidence,
                    rules,
                    reading,
                )
                continue
            reading = reread
        if not reading.raw:
            if item.required:
                results[key] = _judge(key, Normalized.fail("empty"), "", reading.confidence, rules, reading)
            else:
                results[key] = ExtractedField(
                    key=key,
                    value=None,
                    raw="",
                    confidence=reading.confidence,
                    page=reading.page,
                    box=reading.box,
                )
            continue
        value = _meaning(item, reading.raw)
        # A number every read fails alike is what the citizen wrote (_unanimous_number): it is looked for
        # before the written form, which would make such a number pass.
        early = not value.ok and item.normalizer in REPEATABLE_NUMBERS
        reread = _handwriting_reread(context, reading, item, rules, engine) if early else None
        if reread is not None and not reread[1].ok:
            reading, value = reread
        elif formatted := _format_reading(context, reading, item, value, rules, engine):
            reading, value = formatted
        if not value.ok:
            if not early:
                reread = _handwriting_reread(context, reading, item, rules, engine)
            elif reread is not None and _surely_one_short(reading, item, value, rules):
                # The crops may still read a mark after the number as a last digit ("072009523" + "0").
                reread = None
            reread = (
                reread
                or _email_by_domain(context, reading, item, rules, engine)
                or _lookalike_reread(context, reading, item, value, engine)
            )
            if reread is not None:
                reading, value = reread
        weighed = (
            _weighed_vocabulary(context, reading, item, value, rules, engine)
            or _weighed_phrase(context, reading, item, value, rules, engine)
            or _weighed_closing_name(context, reading, item, value, rules, engine)
            or _weighed_name_words(context, reading, item, value, rules, engine)
            or _weighed_email(context, reading, item, value, rules, engine)
        )
        if weighed:
            reading, value = weighed
        if value.ok and _letters_read_as_digits(item, value) and not reading.unconfirmed:
            reread = _handwriting_reread(context, reading, item, rules, engine)
            if reread is not None and _letter_for_digit(value, reread[1]):
                reading, value = reread
        value = _listed_spelling(value, item, rules, reading.from_text_layer)
        if value.ok and (reread_date := _worded_date_reread(context, reading, item, value, engine)):
            reading, value = reread_date
        if value.ok and (cut := _extra_digit(context, reading, item, value, rules, engine)):
            reading, value = cut
        confidence = reading.confidence
        if not value.ok and (repeated := _printed_number_repeated(context, reading, item, rules, engine)):
            confidence = max(confidence, repeated)
        second = None
        if value.ok and (confidence < rules.review_below or reading.unconfirmed):
            second = _second_read(context, reading, item.normalizer, value, engine)
            confidence = second or confidence
        # A closed list, or a second read that agrees, confirms what the second recogniser read.
        confirmed = bool(item.vocabulary) or second is not None
        if (
            not confirmed
            and value.ok
            and reading.unconfirmed
            and (scored := _scored_written_form(context, reading, item, value, rules, engine))
        ):
            reading, value = scored
            confidence = reading.confidence
        results[key] = _judge(key, value, reading.raw, confidence, rules, reading, confirmed)
    _count_against_pairs(results, spec)
    return results


def _count_against_pairs(results: dict[str, ExtractedField], spec: ExtractionSpec) -> None:
    """Of a repeated field with one value per value of another (an ID per owner's name) and that other, the
    one with fewer values is flagged: a value was lost, or read where it is not, and which value is whose is
    no longer known (validators pair them by their order)."""
    for key, item in spec.fields.items():
        found, paired = results.get(key), results.get(item.one_per or "")
        # One not found at all is flagged so already.
        if (
            found is None
            or paired is None
            or not isinstance(found.value, list)
            or not isinstance(paired.value, list)
        ):
            continue
        if len(found.value) == len(paired.value):
            continue
        shorter = found if len(found.value) < len(paired.value) else paired
        shorter.needs_review = True
        if VALUES_MISSING not in shorter.review_reasons:
            shorter.review_reasons.append(VALUES_MISSING)


HEADER_BARE_LENGTH = 8  # a shorter cell ("Nam") would be part of a header without its tone marks ("năm sinh")


def _header_ratio(line: Line, header: str) -> float:
    """How well a line is part of a column's header, as printed or, when long enough, tone marks aside: a
    photo's "Ho. chữ đêm và tên" is the members' name column (seed 9494 hs_0061, whose rows were lost)."""
    printed = fuzz.partial_ratio(line.key.strip(), header)
    if len(line.key.strip()) < HEADER_BARE_LENGTH:
        return printed
    return max(printed, fuzz.partial_ratio(line.bare.strip(), _bare(header)))


# Below its headers, the band searched for a table's column rules reaches this many header heights down
# (into the first member row, which is ruled whether filled in or not).
RULE_BAND_BELOW = 1.0


def _centre(box: BoundingBox) -> float:
    return (box.x0 + box.x1) / 2


def _column_bounds(
    image: np.ndarray | None, order: list[str], headers: dict[str, BoundingBox], top: float, bottom: float
) -> list[float]:
    """Where each column of a ruled table ends and the next begins: the one ruled line between their
    headers' texts, or, where none (or several) is found, halfway between the headers' centres. Halfway
    alone puts a short name written at the left of its wide column ("Vũ Thị Mai") into the narrow number
    column before it."""
    halfway = [(_centre(headers[a]) + _centre(headers[b])) / 2 for a, b in pairwise(order)]
    height = bottom - top
    left, right = headers[order[0]].x0, headers[order[-1]].x1
    band = None
    if image is not None and height > 0:
        band = clipped_crop(image, left, top, right, bottom + RULE_BAND_BELOW * height)
    if band is None:
        return halfway
    rules = [max(0.0, left) + x for x in marks.vertical_rules(band)]
    bounds = []
    for (a, b), middle in zip(pairwise(order), halfway, strict=True):
        # Between the two headers' texts, and only one: a fold or a shadow is no rule to choose.
        between = [x for x in rules if headers[a].x1 < x < headers[b].x0]
        bounds.append(between[0] if len(between) == 1 else middle)
    return bounds


def _member_without_name(texts: dict[str, str], specs: dict[str, ColumnSpec]) -> bool:
    """A row of a members' table with no name but two or more of a member's other cells, each read as its
    column's value (a date of birth, a sex, an ID, a relationship): its name was lost to another column or to
    the OCR, and the members would be counted one short. Dotted or empty rows, and a cell's wrapped end, are
    none."""
    read = [
        key
        for key, text in texts.items()
        if key not in ("index", "full_name")
        and re.search(r"[^\W_]", text)
        and _meaning(specs[key], _cell_text(specs[key], text)).ok
    ]
    return len(read) >= 2


def extract_table(
    context: Context, table: TableSpec, rules: ExtractionRules, engine: OcrEngine | None = None
) -> ExtractedField | None:
    """Rows of a ruled table: columns located by their headers, cells by the x-centre of each OCR line."""
    lines = context.lines
    title_at = next(
        (
            i
            for i, line in enumerate(lines)
            if len(line.key) >= 0.8 * len(table.title)
            and fuzz.partial_ratio(table.title.lower(), line.key) >= rules.label_cutoff
        ),
        None,
    )
    if title_at is None:
        return None
    title = lines[title_at]
    band = [
        i
        for i in range(title_at + 1, len(lines))
        if lines[i].page == title.page and lines[i].box.y0 < title.box.y1 + 6 * (title.box.y1 - title.box.y0)
    ]
    used: set[int] = set()
    header_bottom = title.box.y1
    pairs = []
    for column in table.columns:
        header = column.header.lower()
        for i in band:
            key = lines[i].key.strip()
            if len(key) < 2 or (len(key) < 3 and key != header):
                continue
            fits = len(key) <= len(header)
            score = 100.0 if key == header else _header_ratio(lines[i], header) if fits else 0
            pairs.append((score, column.key, i))
    headers: dict[str, BoundingBox] = {}
    # The highest line that is part of a column's header is its header: a member's "Chủ hộ" is a better
    # part of "Mối quan hệ với chủ hộ" than the header's own "Mối quan hệ với chủ". Of one line, the column
    # it fits best.
    for score, column_key, i in sorted(pairs, key=lambda pair: (lines[pair[2]].box.y0, -pair[0])):
        if score < 90 or column_key in headers or i in used:
            continue
        headers[column_key] = lines[i].box
        used.add(i)
        header_bottom = max(header_bottom, lines[i].box.y1)
    # The other pieces of wrapped headers ("năm sinh" under "Ngày, tháng,"), which start before the headers
    # found end, or just after: a member's "Chủ hộ" further down is no piece of one.
    pieces_start_before = header_bottom + 0.5 * (title.box.y1 - title.box.y0)
    for i in band:
        if (
            i not in used
            and lines[i].box.y0 < pieces_start_before
            and len(lines[i].key.strip()) >= 3
            and any(_header_ratio(lines[i], c.header.lower()) >= 90 for c in table.columns)
        ):
            header_bottom = max(header_bottom, lines[i].box.y1)
    if len(headers) < 2:
        return None
    order = sorted(headers, key=lambda key: _centre(headers[key]))
    header_top = min(lines[i].box.y0 for i in used)
    bounds = _column_bounds(context.images.get(title.page), order, headers, header_top, header_bottom)
    end_keys = [marker.lower() for marker in table.end_markers]
    below_header = [
        line
        for i, line in enumerate(lines[title_at + 1 :], start=title_at + 1)
        if line.page == title.page and i not in used and (line.box.y0 + line.box.y1) / 2 >= header_bottom
    ]
    # The table ends where the first line after it starts, wherever the OCR put that line in its order: the
    # other signature dates of its row, read "Đ ngày tăng năm", belong to no member.
    end = min(
        (
            line.box.y0
            for line in below_header
            if any(key in line.key for key in end_keys) or PLACE_DATE_START.search(strip_accents(line.key))
        ),
        default=math.inf,
    )
    body = [line for line in below_header if (line.box.y0 + line.box.y1) / 2 < end]
    rows: list[list[Line]] = []
    for line in sorted(body, key=lambda item: (item.box.y0 + item.box.y1) / 2):
        centre = (line.box.y0 + line.box.y1) / 2
        if rows and abs(centre - sum((x.box.y0 + x.box.y1) / 2 for x in rows[-1]) / len(rows[-1])) < 0.6 * (
            line.box.y1 - line.box.y0
        ):
            rows[-1].append(line)
        else:
            rows.append([line])
    specs = {column.key: column for column in table.columns}
    members: list[dict[str, object]] = []
    member_cells: list[dict[str, ExtractedField]] = []
    confidences: list[float] = []
    problems: list[str] = []
    lost_row = False
    for row in rows:
        cells: dict[str, list[Line]] = {}
        for line in row:
            x = (line.box.x0 + line.box.x1) / 2
            cells.setdefault(order[sum(x > bound for bound in bounds)], []).append(line)
        texts = {
            key: " ".join(CELL_NOISE.sub("", line.text).strip() for line in cell)
            for key, cell in cells.items()
        }
        if not texts.get("full_name", "").strip() or len([key for key in cells if key != "index"]) < 2:
            lost_row = lost_row or _member_without_name(texts, specs)
            continue
        member: dict[str, object] = {}
        read_cells: dict[str, ExtractedField] = {}
        for column_key, cell in cells.items():
            if column_key == "index" or not specs[column_key].keep:
                continue
            column = specs[column_key]
            result = _meaning(column, _cell_text(column, texts[column_key]))
            first = cell[0]
            reading = Reading(
                raw=first.text,
                page=first.page,
                box=first.box,
                confidence=min(line.confidence for line in cell),
                from_text_layer=first.from_text_layer,
                line=0,  # not a label's line: a table cell is re-read from its box only
                start=0,
                unconfirmed=any(line.second_recognizer for line in cell),
            )
            if len(cell) == 1 and (
                formatted := _format_reading(context, reading, column, result, rules, engine)
            ):
                reading, result = formatted
            if not result.ok and len(cell) == 1:
                reread = _cell_without_ruling(context, reading, column, engine) or _handwriting_reread(
                    context, reading, column, rules, engine
                )
                if reread is not None:
                    reading, result = reread
            result = _listed_spelling(result, column, rules, reading.from_text_layer)
            if len(cell) == 1 and (
                weighed := _weighed_vocabulary(context, reading, column, result, rules, engine)
            ):
                reading, result = weighed
            if (
                result.ok
                and len(cell) == 1
                and (reading.unconfirmed or reading.confidence < rules.review_below)
                and (scored := _scored_written_form(context, reading, column, result, rules, engine))
            ):
                reading, result = scored
            member[column_key] = result.value
            cell_problems = [problem for problem in (result.problem, result.doubt) if problem]
            problems.extend(f"{column_key}:{problem}" for problem in cell_problems)
            if result.ok and reading.unconfirmed and not column.vocabulary:
                cell_problems.append("handwriting_unconfirmed")
                problems.append("handwriting_unconfirmed")
            cell_confidence = reading.confidence
            if result.ok and cell_confidence < rules.review_below and len(cell) == 1:
                cell_confidence = (
                    _second_read(context, reading, column.normalizer, result, engine) or cell_confidence
                )
            confidences.append(cell_confidence)
            if cell_confidence < rules.review_below:
                cell_problems.append("low_confidence")
            read_cells[column_key] = ExtractedField(
                key=column_key,
                value=result.value,
                raw=reading.raw,
                confidence=round(cell_confidence, 4),
                page=reading.page,
                box=reading.box,
                needs_review=bool(cell_problems),
                review_reasons=cell_problems,
            )
        members.append(member)
        member_cells.append(read_cells)
    confidence = min(confidences) if confidences else 1.0
    reasons = sorted(set(problems))
    readable = [line for line in body if len(CELL_NOISE.sub("", line.text).strip()) > 2]
    if (not members and len(readable) >= 2) or lost_row:
        reasons.append(TABLE_ROWS_UNREAD)  # text in the table, yet a member row did not come out of it
    if confidence < rules.review_below:
        reasons.append("low_confidence")
    box = _union([title.box]) if not members else _union([line.box for row in rows for line in row])
    return ExtractedField(
        key="",
        value=members,
        raw=None,
        confidence=round(confidence, 4),
        page=title.page,
        box=box,
        needs_review=bool(reasons),
        review_reasons=reasons,
        rows=member_cells,
    )


def extract_blocks(
    context: Context, spec: ExtractionSpec, pages: list[Page], rules: ExtractionRules
) -> dict[str, ExtractedField]:
    """Signature / consent blocks: given when the block holds ink, a written name or filled VNeID lines."""
    lines = context.lines
    results: dict[str, ExtractedField] = {}
    pairs = []
    for key, block in spec.blocks.items():
        header = block.header.lower()
        bare_header = _bare(header)
        for i, line in enumerate(lines):
            text = line.key.strip()
            if len(text) < 6:
                continue
            # Also without diacritics, as closely as a label (BARE_LABEL_CUTOFF) and without its closing
            # punctuation: "Ý KIẾN CỦA CHA. ME," is the header read with a dot and without a tone.
            bare = line.bare.strip().rstrip(",;: ")  # _bare reads dots as commas
            score = fuzz.ratio(text, header[: len(text)])
            if (bare_score := fuzz.ratio(bare, bare_header[: len(bare)])) >= BARE_LABEL_CUTOFF:
                score = max(score, bare_score)
            if score >= 85:
                pairs.append((score, i if not block.last else -i, key, i))
    assigned: dict[str, int] = {}
    taken: set[int] = set()
    for _, _, key, i in sorted(pairs, key=lambda item: (-item[0], item[1])):
        if key not in assigned and i not in taken:
            assigned[key] = i
            taken.add(i)
    printed = [
        match_text(text) for text in [*spec.block_printed_text, *(b.header for b in spec.blocks.values())]
    ]
    headers = {key: lines[i] for key, i in assigned.items()}
    for key in spec.blocks:
        header = headers.get(key)
        if header is None:
            results[key] = _not_found(key)
            continue
        same_row = sorted(
            (
                h
                for h in headers.values()
                if h.page == header.page
                and abs(h.box.y0 - header.box.y0) < 3 * (header.box.y1 - header.box.y0)
            ),
            key=lambda h: h.box.x0,
        )
        centre = (header.box.x0 + header.box.x1) / 2
        neighbours = [(h.box.x0 + h.box.x1) / 2 for h in same_row]
        left = max(
            [(c + centre) / 2 for c in neighbours if c < centre - 1], default=max(0.0, header.box.x0 - 150)
        )
        right = min([(c + centre) / 2 for c in neighbours if c > centre + 1], default=header.box.x1 + 150)
        page = pages[header.page]
        top = header.box.y1
        bottom = min(page.height, top + 0.14 * page.height)
        region = BoundingBox(x0=left, y0=top, x1=right, y1=bottom)
        inside = [
            line
            for line in lines
            if line.page == header.page
            and left <= (line.box.x0 + line.box.x1) / 2 < right
            and top <= (line.box.y0 + line.box.y1) / 2 < bottom
        ]
        names = []
        ids = []
        for line in inside:
            if line.confidence < 0.6 or any(
                fuzz.partial_ratio(p, match_text(line.text)) >= 85 for p in printed
            ):
                continue
            if re.search(r"(?<!\d)\d{12}(?!\d)|(?<!\d)\d{9}(?!\d)", line.text):
                ids.append(line.text)
            elif NORMALIZERS["name"](line.text).ok:
                names.append(NORMALIZERS["name"](line.text).value)
        ink = 0.0
        image = context.images.get(header.page)
        if image is not None:
            confident = [line.box for line in inside if line.confidence >= 0.6]
            ink = marks.ink_fraction(image, region, confident)
        has_ink = ink >= rules.ink_fraction
        given = has_ink or bool(names) or bool(ids)
        evidence = [*(["ink"] if has_ink else []), *names[:1], *(["vneid"] if ids else [])]
        confidence = 0.95 if (has_ink and names) or ids or not given else 0.8
        results[key] = ExtractedField(
            key=key,
            value=given,
            raw=", ".join(evidence) or None,
            confidence=confidence,
            page=header.page,
            box=region,
            needs_review=confidence < rules.review_below,
            review_reasons=["low_confidence"] if confidence < rules.review_below else [],
        )
    return results


# A request that holds no listed phrase is what the phrase its first words (as many as the phrase has) are
# nearest to, when near enough and nearer than to any other phrase: handwriting read "Đăng ký lạm trú", "Gia
# hạn lam bu", "Đăng ký hường trủ". On seeds 8642 and 2718 this named all 30 such requests rightly (nearest
# 80-97, the next at least 16 below); "Đăng ký tạm vắng" (77) and "Tách thửa" (75) stay "other".
REQUEST_PREFIX_CUTOFF = 80.0
REQUEST_PREFIX_MARGIN = 10.0


def request_type(request: str | None, request_types: list[RequestType]) -> tuple[str | None, bool]:
    """The type of request a declaration's "Nội dung đề nghị" makes, and whether it was guessed from its
    first words read with slips ("other" when no phrase is near enough)."""
    if not request:
        return None, False
    plain = strip_accents(clean_text(request)).casefold()
    phrases = [(strip_accents(item.phrase).casefold(), item.type) for item in request_types]
    for phrase, kind in phrases:
        if phrase in plain:
            return kind, False
    words = re.sub(r"^[\W\d_]+", "", plain).split()  # after a footnote mark read before it ("(2: Đăng ký …")
    ranked = sorted(
        (fuzz.ratio(phrase, " ".join(words[: len(phrase.split())])), kind) for phrase, kind in phrases
    )
    if not ranked:
        return "other", False
    (best, kind), runner_up = ranked[-1], ranked[-2][0] if len(ranked) > 1 else 0.0
    if best >= REQUEST_PREFIX_CUTOFF and best - runner_up >= REQUEST_PREFIX_MARGIN:
        return kind, True
    return "other", False


def extract_document(
    document: Document,
    pages: list[Page],
    images: dict[int, np.ndarray],
    template: DocumentTemplate,
    rules: ExtractionRules,
    request_types: list[RequestType],
    engine: OcrEngine | None,
) -> dict[str, ExtractedField]:
    spec = template.extraction(document.form_version)
    context = Context(
        lines=document_lines(document, pages),
        images=images,
        beside_wrapped=[
            re.compile(item.pattern)
            for item in spec.fields.values()
            if item.beside_wrapped_values and item.pattern is not None
        ],
    )
    context.hits = find_hits(context.lines, spec, rules.label_cutoff)
    fields = extract_fields(context, spec, rules, engine)
    for key, table in spec.tables.items():
        extracted = extract_table(context, table, rules, engine)
        fields[key] = (
            extracted.model_copy(update={"key": key})
            if extracted
            else ExtractedField(
                key=key, value=[], confidence=0.0, needs_review=True, review_reasons=["not_found"]
            )
        )
    fields.update(extract_blocks(context, spec, pages, rules))
    for key, derived in spec.derived.items():
        if derived.map == "request_types" and derived.source:
            source = fields.get(derived.source)
            # From the words as read (or re-read), before the wording was mended: a phrase a slip was mended
            # to is still a guess.
            wording = (source.raw or source.value) if source else None
            value, guessed = request_type(wording, request_types)
            reasons = ["unrecognised_request"] if value in (None, "other") else []
            fields[key] = ExtractedField(
                key=key,
                value=value,
                raw=source.raw if source else None,
                confidence=source.confidence if source else 0.0,
                page=source.page if source else None,
                box=source.box if source else None,
                needs_review=bool(reasons) or guessed,
                review_reasons=reasons + (["request_guessed"] if guessed else []),
            )
        elif derived.all_of:
            parts = [fields[name] for name in derived.all_of if name in fields]
            fields[key] = ExtractedField(
                key=key,
                value=all(bool(p.value) for p in parts) if parts else None,
                confidence=min((p.confidence for p in parts), default=0.0),
                needs_review=any(p.needs_review for p in parts) or not parts,
                review_reasons=sorted({r for p in parts for r in p.review_reasons}),
            )
    for key, value in spec.not_on_form.items():
        fields[key] = ExtractedField(key=key, value=copy.deepcopy(value), confidence=1.0)
    if document.form_version:
        fields["form_version"] = ExtractedField(
            key="form_version", value=document.form_version, confidence=1.0
        )
    return fields
