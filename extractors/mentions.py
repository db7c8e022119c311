"""Two readings of one name on a form: a field, and another field's value that names it (templates
`mentions`). The CT01 request names the household head it joins ("Đăng ký thường trú vào hộ gia đình ông
Nguyễn Văn An tại …"), and the head's own line often reads worse, or better: the model garbles one line of a
hand ("Ñz«ô+ /ñ« [ôäg") and reads the other right, or slips a letter in one ("Nguyễn Gia Việc", "Nnguyễn
Công Tuấn"). A declarant who heads the household writes their own name twice too, as the declarant and as
the head, under one ID (`when_equal`). Of two such readings that differ, the one spelt wholly as listed names
stands for both when the other, read in doubt, is near it in letters or is no name at all; the value taken is
flagged. A sure reading is left as written, and so are two listed names ("Phạm" and "Phan", "Vân" and "Văn")
read in doubt: the text cannot tell them apart, unless one of the two was read surely. A name not listed (many
of the minorities' names are not), read in doubt, loses to a listed one near it, flagged.
"""

from __future__ import annotations

import re

from rapidfuzz.distance import Levenshtein

from intake.model import ExtractedField

from .fields import SyllableIndex, syllable_index
from .normalize import name, tone_key
from .templates import ExtractionRules, ExtractionSpec, Mention

FROM_OTHER_FIELD = "from_other_field"
# Two readings of one name are near when they differ in at most one letter in this many.
CHARS_PER_EDIT = 3


def _listed_share(value: str, listed: SyllableIndex) -> float:
    words = value.split()
    return sum(tone_key(word) in listed.known for word in words) / len(words) if words else 0.0


def _stands_for(better: str, other: str, listed: SyllableIndex, better_sure: bool = False) -> bool:
    """Whether `better` (a name of two words or more, a listed surname then listed names) stands for
    `other`: near it in letters, or no name at all (fewer than half its words listed). Two listed names
    the text cannot tell apart, unless `better` was read surely: that is what was written."""
    spelt = name(better)
    words = better.split()
    if not spelt.ok or spelt.value != better or len(words) < 2 or _listed_share(better, listed) < 1:
        return False
    if tone_key(words[0]) not in listed.surnames:
        return False
    near = Levenshtein.distance(better, other) <= len(better) // CHARS_PER_EDIT
    name_like = _listed_share(other, listed) >= 0.5
    if name_like and len(words) < len(other.split()):
        return False  # a word fewer stands for no name ("Nguyễn Văn" for "Nguyễn Văn An", "… Thanh Hàx")
    if _listed_share(other, listed) == 1:
        # Another listed name: only a sure reading stands for it ("Nguyễn Gia Đạt" read surely for "Nguyễn
        # Gia An").
        return better_sure and near
    return near or not name_like


def _written_as_a_name(text: str) -> bool:
    """Each word has a capital ("nNguyễn" read with a stray letter has), or is no word: a name, not "của
    tôi" or "chú ruột"."""
    return all(any(char.isupper() for char in word) or not word.isalpha() for word in text.split())


def _taken(found: ExtractedField, value: str, source: ExtractedField) -> ExtractedField:
    """`found` with the value read in `source`: what was doubted of its own reading no longer applies, and
    where it was not found at all, it was read where `source` was."""
    unconfirmed = [reason for reason in source.review_reasons if reason == "handwriting_unconfirmed"]
    update: dict[str, object] = {
        "value": value,
        "needs_review": True,
        "review_reasons": [*unconfirmed, FROM_OTHER_FIELD],
    }
    if found.page is None:
        update.update(page=source.page, box=source.box, confidence=source.confidence)
    return found.model_copy(update=update)


def _word_for_word(as_named: str, as_read: str) -> bool:
    """Whether a mention holds every word of the name: as many words, or two of them run together and
    otherwise a slip at most ("Phạm ThịOanh" for "Phạm Thị Oanh"). A word lost ("Nguyễn Văn" for "Nguyễn
    Văn An") may be another name's part, and is left as read."""
    words_named, words_read = as_named.split(), as_read.split()
    if len(words_named) == len(words_read):
        return True
    # Run together, every letter kept ("ThịOanhh" has; "Thị" for "Thị Ý" lost a word).
    joined_named, joined_read = "".join(words_named), "".join(words_read)
    return (
        len(words_named) == len(words_read) - 1
        and len(joined_named) >= len(joined_read)
        and Levenshtein.distance(joined_named, joined_read) <= 1
    )


def _one_person(fields: dict[str, ExtractedField], keys: list[str]) -> bool:
    """Whether the fields `keys` all hold one value (two IDs of one person), or there are none to compare."""
    values = {fields[key].value if key in fields else None for key in keys}
    return not keys or (len(values) == 1 and values.pop() not in (None, ""))


def _agree(fields: dict[str, ExtractedField], mention: Mention, listed: SyllableIndex) -> None:
    found, within = fields.get(mention.field), fields.get(mention.within)
    if found is None or within is None or not isinstance(within.value, str):
        return
    if not _one_person(fields, mention.when_equal):
        return
    named = re.search(mention.pattern, within.value)
    if named is None:
        return
    as_named = named["value"].strip()
    as_read = found.value if isinstance(found.value, str) else (found.raw or "")
    if as_named == as_read or not _written_as_a_name(as_named):
        return
    # Only a reading in doubt is replaced: a sure one is what was written.
    if found.needs_review and _stands_for(as_named, as_read, listed, not within.needs_review):
        fields[mention.field] = _taken(found, as_named, within)
    elif (
        within.needs_review
        and _word_for_word(as_named, as_read)
        and _stands_for(as_read, as_named, listed, not found.needs_review)
    ):
        start, end = named.span("value")
        if (start, end) == (0, len(within.value)):  # the whole value: its own reading's doubts go with it
            fields[mention.within] = _taken(within, as_read, found)
            return
        mended = within.value[:start] + as_read + within.value[end:]
        reasons = [reason for reason in within.review_reasons if reason != FROM_OTHER_FIELD]
        fields[mention.within] = within.model_copy(
            update={"value": mended, "needs_review": True, "review_reasons": [*reasons, FROM_OTHER_FIELD]}
        )


def agree_mentions(fields: dict[str, ExtractedField], spec: ExtractionSpec, rules: ExtractionRules) -> None:
    """Each field the spec says another field names, and that naming, made one where one reading is spelt
    as listed names are and the other, in doubt, is near it or no name (module docstring)."""
    for mention in spec.mentions:
        starts = spec.fields[mention.field].canonical_starts
        surnames = rules.canonical_starts.get(starts or "", [])
        _agree(fields, mention, syllable_index(tuple(rules.name_syllables), tuple(surnames)))
