"""Free text mended to the set phrases it is commonly written in (extraction.yaml `phrasings`).

A CT01 request is free text, but citizens write it in the procedure's words: "Đăng ký tạm trú tại Số 7 đường
Bàu Cát, phường Bảy Hiền, Thành phố Hồ Chí Minh, thời hạn tạm trú đến ngày 20/09/2031". The handwriting model
slips on their letters ("Đăng ký lạm trú lại", "hộ gia đnh", "thời han tạm brú"), and such slips are often
valid syllables no spelling check sees; the phrase around them tells. A run of words that is a listed phrase
but for a few edits takes the phrase, and the address in the value has its common words and commas put
right (places.mend_address_words).
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable
from typing import NamedTuple

from rapidfuzz.distance import Levenshtein

from .normalize import Normalized, vietnamese_syllable
from .places import mend_address_words, without_trailing_speck
from .templates import Phrasing

WORDING_MENDED = "wording_mended"
WITHOUT_PUNCTUATION = re.compile(r"[\s,]")
RUN_END = ",;:."
# A match's worth: the characters of its phrase less this many per edit. A long phrase read with a slip
# outranks a short one inside it read right ("thời han tạm trú đến ngày" over "đến ngày"), and of two phrases
# that differ by a word, the one read with fewer edits wins ("… hộ gia đình bà" over "… hộ gia đình ông").
EDIT_COST = 2


class PhraseMatch(NamedTuple):
    phrase: str
    edits: int
    start: int  # the first word of the run it replaces, and how many words the run has
    words: int
    tail: str  # the punctuation after the run, which the phrase keeps ("Công nhân, Công ty May 10")


def _as_written(words: list[str], read_as: dict[str, str]) -> list[str]:
    """`words` with each word's first letters that the model reads for others (`Phrasing.read_as`) as
    written: "bú" → "trú", "lạm" → "tạm"; not a capitalised word, which is a name ("Lai Châu")."""
    written = []
    for word in words:
        start = next((read for read in read_as if word.startswith(read)), None)
        written.append(word if start is None else read_as[start] + word[len(start) :])
    return written


def _word_edits_allowed(read: list[str], phrase: list[str]) -> bool:
    """Whether a run read word for word as a phrase changes no word wholly: each word may differ from the
    phrase's in at most half its letters ("lạm" for "tạm", not "cho" for "tại"), rounded up for a word no
    syllable is spelt like ("brủ" for "trú": a misreading; "Xin" is no slip of "Xóa", nor "mới" of "tại").
    A run with a space lost or added is read so against the phrase with two of its words as one ("NhậtBnn"
    for "Nhật Bản"), not with a word put in or left out ("Nhân viên kế toán" is no "Nhân viên y tế")."""
    if len(read) == len(phrase):
        return _words_slip(read, phrase)
    if abs(len(read) - len(phrase)) != 1:
        return False
    longer, shorter = (read, phrase) if len(read) > len(phrase) else (phrase, read)
    for index in range(len(shorter)):
        # Where the space was lost or added, what was read is no word: "NhậtBnn", "Nh ật".
        misread = read[index : index + 2] if longer is read else read[index : index + 1]
        if all(vietnamese_syllable(word.strip(RUN_END)) for word in misread):
            continue
        joined = [*longer[:index], longer[index] + longer[index + 1], *longer[index + 2 :]]
        if _words_slip(*((joined, shorter) if longer is read else (shorter, joined))):
            return True
    return False


def _words_slip(read: list[str], phrase: list[str]) -> bool:
    return all(
        _word_slip(seen.strip(RUN_END), meant.strip(RUN_END))
        for seen, meant in zip(read, phrase, strict=True)
    )


def _word_slip(seen: str, meant: str) -> bool:
    allowed = len(meant) // 2 if vietnamese_syllable(seen) else math.ceil(len(meant) / 2)
    return Levenshtein.distance(seen, meant) <= max(1, allowed)


def _phrase_matches(words: list[str], phrasing: Phrasing) -> list[PhraseMatch]:
    """Every run of `words` (as many as the phrase has, one fewer or one more: a space lost or added) within
    the phrase's edit budget of it, case aside; at the value's start or its end only, if the phrasing says
    so."""
    folded = [word.casefold() for word in words]
    written = [word.casefold() for word in _as_written(words, phrasing.read_as)]
    matches = []
    starts = range(min(1, len(words))) if phrasing.at_start else range(len(words))
    for phrase in phrasing.phrases:
        size, budget, target = len(phrase.split()), len(phrase) // phrasing.chars_per_edit, phrase.casefold()
        for start in starts:
            for run in (size, size - 1, size + 1):
                if run < 1 or start + run > len(words) or not any(map(str.isalnum, words[start + run - 1])):
                    continue  # a run ends in a word, not in a mark read apart (" , ")
                if phrasing.at_end and start + run != len(words):
                    continue
                read = " ".join(folded[start : start + run])
                tail = read[-1] if read[-1] in RUN_END and not target.endswith(read[-1]) else ""
                read = read.removesuffix(tail)
                if any(read.count(mark) > target.count(mark) for mark in "()"):
                    continue  # a bracket the phrase has not: "(Hàn Quốc)" is written so
                if phrasing.comma_before and not read[:1].isalnum():
                    continue  # a separator of its own before the phrase: "Tokyo -Nhật Bản"
                # The run as read, or with letters the model reads for others as written ("lạm bú" for "tạm
                # trú"); the edits counted are those of the run as read.
                as_written = " ".join(written[start : start + run]).removesuffix(tail)
                for reading in dict.fromkeys((read, as_written)):
                    within = Levenshtein.distance(reading, target, score_cutoff=budget) <= budget
                    if within and _word_edits_allowed(reading.split(), target.split()):
                        matches.append(
                            PhraseMatch(phrase, Levenshtein.distance(read, target), start, run, tail)
                        )
                        break
    return matches


def holds_a_phrase(text: str, phrasing: Phrasing) -> bool:
    """Whether `text` holds a run of words within a listed phrase's edit budget of it (mend_phrases)."""
    return bool(_phrase_matches(text.split(), phrasing))


def _in_case_read(phrase: str, run: list[str]) -> list[str]:
    """The phrase's words in the case the run was written in: capitals, or its first letter's case."""
    words = phrase.split()
    letters = "".join(char for char in "".join(run) if char.isalpha())
    if letters.isupper() and len(letters) > 1:
        return [word.upper() for word in words]
    first = run[0][:1]
    if first.isalpha():
        initial = words[0][:1]
        words[0] = (initial.upper() if first.isupper() else initial.lower()) + words[0][1:]
    return words


# Brackets read apart from the words they enclose ("( nhà thuê, lập hộ mới )").
LOOSE_OPENING = re.compile(r"\(\s+")
LOOSE_CLOSING = re.compile(r"\s+\)")


def mend_phrases(text: str, phrasing: Phrasing) -> str:
    """`text` with each run of words read as a listed phrase but for a few edits given the phrase's letters,
    the worthiest matches first (EDIT_COST); a word is mended by one phrase at most, and a run read as its
    phrase but for case is left as written."""
    words = LOOSE_CLOSING.sub(")", LOOSE_OPENING.sub("(", text)).split()
    matches = _phrase_matches(words, phrasing)
    if words and (cut := without_trailing_speck(words[-1])) not in ("", words[-1]):
        # A speck after the last word ("(nhà thuê, lập hộ mới..m"): left out where a phrase, read with as
        # many words as it has, ends the text without it ("tại TP.HN" is not "tại" and a lost space).
        without = [*words[:-1], cut]
        matches_without = _phrase_matches(without, phrasing)
        if any(
            match.start + match.words == len(without) and match.words == len(match.phrase.split())
            for match in matches_without
        ):
            words, matches = without, matches_without
    ranked = sorted(
        matches,
        key=lambda match: (
            EDIT_COST * match.edits - len(match.phrase),
            match.edits,
            abs(match.words - len(match.phrase.split())),
        ),
    )
    taken = [False] * len(words)
    chosen = []
    for match in ranked:
        span = range(match.start, match.start + match.words)
        if any(taken[index] for index in span):
            continue
        for index in span:
            taken[index] = True
        chosen.append(match)
    chosen.sort(key=lambda match: match.start)
    if (
        chosen
        and not phrasing.at_end
        and not any(char.isalpha() for word in words[: chosen[0].start] for char in word)
    ):
        # Before a value's first set phrase, a run without letters is a footnote mark read with it ("( 2):").
        cut = chosen[0].start
        chosen = [match._replace(start=match.start - cut) for match in chosen]
        words = words[cut:]
    for match in reversed(chosen):
        if match.edits:
            replacement = _in_case_read(match.phrase, words[match.start : match.start + match.words])
            replacement[-1] += match.tail
            words[match.start : match.start + match.words] = replacement
        if phrasing.comma_before and _comma_lost(words[: match.start], phrasing):
            words[match.start - 1] += ","
    return " ".join(words)


def _comma_lost(before: list[str], phrasing: Phrasing) -> bool:
    """Whether the words `before` a phrase end without the comma it follows: not after a mark of their own
    ("Tokyo - Nhật Bản"), nor after words that make one name with it ("Vương quốc Hà Lan")."""
    if not before or not before[-1][-1].isalnum():
        return False
    written = " ".join(before).casefold()
    return not any(written.endswith(word.casefold()) for word in phrasing.one_name_after)


def _address_span(text: str, phrasing: Phrasing) -> re.Match[str] | None:
    if not phrasing.address_after:
        return None
    after = "|".join(map(re.escape, phrasing.address_after))
    before = "|".join(re.escape(words) for words in phrasing.address_before)
    ending = rf"(?P<rest>[\s,]*(?:{before}).*)?$" if before else "$"
    return re.search(rf"\b(?:{after})\s+(?P<address>.*?){ending}", text)


# A date with more after it in the same word: a mark or a dot read as a digit after the year ("20/09/20311",
# "25/11/2028..5").
DATE_WITH_TAIL = re.compile(r"(?<!\S)(\d{1,2}/\d{1,2}/\d{4})(?=[.,]*\d)[\d.,]+(?=\s|$)")


def _dates_without_tails(text: str, phrasing: Phrasing) -> str:
    if not phrasing.dates_after:
        return text
    after = "|".join(map(re.escape, phrasing.dates_after))
    return re.sub(rf"(?i)(\b(?:{after})\s+){DATE_WITH_TAIL.pattern}", r"\1\2", text)


def mend_wording(text: str, phrasing: Phrasing) -> str:
    """`text` with its set phrases (`mend_phrases`), its dates and its address's common words and commas
    mended."""
    text = _dates_without_tails(mend_phrases(text, phrasing), phrasing)
    span = _address_span(text, phrasing)
    if span is None or not span["address"]:
        return text
    address = mend_address_words(span["address"].strip(" ,"))
    if not span["rest"]:
        return text[: span.start("address")] + address
    rest = span["rest"].lstrip(" ,")
    following = rest.casefold()
    separator = next(
        (sep for words, sep in phrasing.address_before.items() if following.startswith(words.casefold())), " "
    )
    if address[-1:] in ".;:":  # a sentence ended there: what follows is as written
        separator = " "
    return text[: span.start("address")] + address + separator + rest


def with_mended_wording(value: Normalized, mend: Callable[[str], str]) -> Normalized:
    """`value` with its text mended by `mend`, flagged wording_mended when a letter changed (a comma put back
    alone is no doubt)."""
    if not value.ok or not isinstance(value.value, str):
        return value
    mended = mend(value.value)
    if mended == value.value:
        return value
    letters_changed = WITHOUT_PUNCTUATION.sub("", mended) != WITHOUT_PUNCTUATION.sub("", value.value)
    doubt = value.doubt or (WORDING_MENDED if letters_changed else None)
    return dataclasses.replace(value, value=mended, doubt=doubt)


def with_phrasing(value: Normalized, phrasing: Phrasing) -> Normalized:
    """`value` with its wording mended (`mend_wording`)."""
    return with_mended_wording(value, lambda text: mend_wording(text, phrasing))
