"""Two readings of one name on a form: a field, and another field's value that names it (templates
`mentions`). The CT01 request names the household head it joins ("Đăng ký thường trú vào hộ gia đình ông
Nguyễn Văn An tại …"), and the head's own line often reads worse, or better: the model garbles one line of a
hand ("Ñz«ô+ /ñ« [ôäg") and reads the other right, or slips a letter in one ("Nguyễn Gia Việc", "Nnguyễn
Công Tuấn"). Of two such readings that differ, the one spelt wholly as listed names stands for both when the
other is near it in letters, or is no name at all; the value taken is flagged. Two listed names ("Phạm" and
"Phan", "Vân" and "Văn") are left as read: the text cannot tell them apart.
"""

from __future__ import annotations

import re

from rapidfuzz.distance import Levenshtein

from intake.model import ExtractedField

from .fields import syllable_index
from .normalize import name, tone_key
from .templates import ExtractionRules, ExtractionSpec, Mention

FROM_OTHER_FIELD = "from_other_field"
# Two readings of one name are near when they differ in at most one letter in this many.
CHARS_PER_EDIT = 3


def _listed_share(value: str, known: frozenset[str]) -> float:
    words = value.split()
    return sum(tone_key(word) in known for word in words) / len(words) if words else 0.0


def _stands_for(better: str, other: str, known: frozenset[str]) -> bool:
    """Whether `better` (a name of two words or more, each a listed name) stands for `other`: near it in
    letters, or no name at all (fewer than half its words listed)."""
    spelt = name(better)
    if not spelt.ok or spelt.value != better or len(better.split()) < 2 or _listed_share(better, known) < 1:
        return False
    near = Levenshtein.distance(better, other) <= len(better) // CHARS_PER_EDIT
    return _listed_share(other, known) < 1 and (near or _listed_share(other, known) < 0.5)


def _flagged(found: ExtractedField, value: object) -> ExtractedField:
    return found.model_copy(
        update={
            "value": value,
            "needs_review": True,
            "review_reasons": [*found.review_reasons, FROM_OTHER_FIELD],
        }
    )


def _agree(fields: dict[str, ExtractedField], mention: Mention, known: frozenset[str]) -> None:
    found, within = fields.get(mention.field), fields.get(mention.within)
    if found is None or within is None or not isinstance(within.value, str):
        return
    named = re.search(mention.pattern, within.value)
    if named is None or not (found.needs_review or within.needs_review):
        return  # two sure readings that differ are what was written
    as_named = named["value"].strip()
    as_read = found.value if isinstance(found.value, str) else (found.raw or "")
    if as_named == as_read:
        return
    if _stands_for(as_named, as_read, known):
        fields[mention.field] = _flagged(found, as_named)
    elif _stands_for(as_read, as_named, known):
        start, end = named.span("value")
        fields[mention.within] = _flagged(within, within.value[:start] + as_read + within.value[end:])


def agree_mentions(fields: dict[str, ExtractedField], spec: ExtractionSpec, rules: ExtractionRules) -> None:
    """Each field the spec says another field names, and that naming, made one where one reading is spelt
    as listed names are and the other is near it or no name (module docstring)."""
    for mention in spec.mentions:
        starts = spec.fields[mention.field].canonical_starts
        surnames = rules.canonical_starts.get(starts or "", [])
        _agree(fields, mention, syllable_index(tuple(rules.name_syllables), tuple(surnames)).known)
