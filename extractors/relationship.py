"""A handwritten relationship to the household head, weighed among the relationships the two people's ages
allow.

The model reads a script "Con" as "Ca", "(sa", "ICa" or "Cô", and the crops of the handwriting re-read hold
"Con", "Cô", "Cha", "Anh" and "Em" about as well (a lead of 0.1 to 5 per crop between them): weighed against
every listed relationship, none leads by enough to be taken (fields.py `_weighed_vocabulary`). The form says
more than the word: the declarant's year of birth (their date of birth, or their ID's) and the head's (the
head's ID encodes it) rule most of them out. A declarant 25 years younger than the head is not the head's
father, aunt or elder brother; one whose ID is the head's is the head. Among the relationships the years allow
(extraction.yaml `relationship_ages`), the one the crops hold best is taken by the bounds of the listed
weighing (`weighed_listed`), flagged `relationship_weighed_by_age`. Only a reading that is no listed
relationship, or one the years rule out, is weighed; the value stays for a person to check. A listed one read
surely that the years or IDs rule out is doubted (`relationship_against_ages`) and weighed the same way.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from intake.model import ExtractedField
from intake.personal_id import id_birth_data

from .birth_year import iso_year
from .fields import listed_pick, weighed_choices_at
from .ocr.base import OcrEngine
from .templates import ExtractionRules, ExtractionSpec, RelationshipAges

RELATIONSHIP_WEIGHED_BY_AGE = "relationship_weighed_by_age"
RELATIONSHIP_AGAINST_AGES = "relationship_against_ages"
FIELD = "relationship_to_head"
NOT_IN_VOCABULARY = "not_in_vocabulary"


def _birth_year(born: ExtractedField | None, own_id: ExtractedField | None) -> int | None:
    """A year of birth from a date (ISO) or an ID, the surely read source first; a year still to come is no
    year (a century digit misread)."""
    years = []
    if born is not None and (year := iso_year(born)) is not None:
        years.append((born.needs_review, year))
    if own_id is not None and (encoded := id_birth_data(str(own_id.value or ""))) is not None:
        years.append((own_id.needs_review, encoded[0]))
    past = [(doubted, year) for doubted, year in years if year <= date.today().year]
    return min(past, key=lambda item: item[0])[1] if past else None


def allowed_relationships(
    fields: dict[str, ExtractedField], vocabulary: list[str], ages: RelationshipAges
) -> list[str]:
    """The listed relationships the form's IDs and years allow: the head's own ("Chủ hộ") when the
    declarant's ID reads as the head's, and only then (two readings agreeing; two IDs that differ rule it
    out only when both were read surely, and so do two years of birth more than a year apart); the others by
    how many years younger than the head the declarant is. All of them when the head's ID gives no year."""
    own_id, head_id = fields.get("personal_id"), fields.get("household_head_id")
    if head_id is None or (head_year := _birth_year(None, head_id)) is None:
        return list(vocabulary)
    if own_id is not None and own_id.value == head_id.value:
        return [word for word in vocabulary if word in ages.head_itself]
    someone_else = own_id is not None and own_id.value not in (None, "") and not own_id.needs_review
    someone_else = someone_else and not head_id.needs_review
    own_year = _birth_year(fields.get("date_of_birth"), own_id)
    younger_by = own_year - head_year if own_year is not None else None

    def allowed(word: str) -> bool:
        if word in ages.head_itself:  # the same person, born the same year (a CT02 gives no declarant's ID)
            return not someone_else and (younger_by is None or abs(younger_by) <= 1)
        span = ages.span_of(word)
        return span is None or younger_by is None or span[0] <= younger_by <= span[1]

    return [word for word in vocabulary if allowed(word)]


def weigh_relationship(
    fields: dict[str, ExtractedField],
    spec: ExtractionSpec,
    images: dict[int, np.ndarray],
    rules: ExtractionRules,
    engine: OcrEngine | None,
) -> None:
    """The document's unsure relationship to the head, when it is no listed one or one the years rule out,
    as the allowed one the crops hold (module docstring); a listed one read surely that the years rule out
    is doubted, then weighed the same way; left as read otherwise."""
    ages, bounds = rules.relationship_ages, rules.weighed_listed
    found, item = fields.get(FIELD), spec.fields.get(FIELD)
    if ages is None or found is None or item is None:
        return
    allowed = allowed_relationships(fields, item.vocabulary, ages)
    if found.value in allowed:
        if RELATIONSHIP_AGAINST_AGES in found.review_reasons:  # ruled out by an ID replaced since
            kept = [reason for reason in found.review_reasons if reason != RELATIONSHIP_AGAINST_AGES]
            fields[FIELD] = found.model_copy(update={"needs_review": bool(kept), "review_reasons": kept})
        return
    if not allowed:
        return
    if not found.needs_review:
        if found.value not in item.vocabulary:
            return
        # A listed relationship read surely that the years (or the IDs) rule out: a garble the closed list
        # took for the nearest word ("Cáữuc" as "Cậu" for "Cháu" 34 years younger, seed 5477 hs_0161), or an
        # ID misread. It was sure, so the flag goes again when a replaced ID allows it.
        found = fields[FIELD] = found.model_copy(
            update={
                "needs_review": True,
                "review_reasons": [*found.review_reasons, RELATIONSHIP_AGAINST_AGES],
            }
        )
    if bounds is None or engine is None or found.box is None or found.page is None:
        return
    if (image := images.get(found.page)) is None:
        return
    weighed = weighed_choices_at(image, found.box, allowed, engine)
    if weighed is None or (chosen := listed_pick(weighed, bounds)) is None:
        return
    # It is listed now, and weighed once, however many times.
    replaced = (NOT_IN_VOCABULARY, RELATIONSHIP_WEIGHED_BY_AGE, RELATIONSHIP_AGAINST_AGES)
    kept = [r for r in found.review_reasons if r not in replaced]
    fields[FIELD] = found.model_copy(
        update={
            "value": chosen,
            "needs_review": True,
            "review_reasons": [*kept, RELATIONSHIP_WEIGHED_BY_AGE],
        }
    )
