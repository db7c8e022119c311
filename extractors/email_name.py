"""A handwritten email weighed against the addresses its writer's name makes.

Most addresses on the forms are made of the declarant's name without tone marks, then digits: the given name
after the middle names ("ngochuyen41"), the given name and the initials of the others ("huonglm31"), the given
name and the surname ("thuy.tran43"). The handwriting model garbles a letter or two of such a name ("kimngec",
"dlieulan", "bao.aran") or reads a digit as a letter ("ngochuyenal" for "ngochuyen41"). An unsure
handwritten email whose letters are within a few edits of one of the forms of extraction.yaml
`email_from_name`, and whose rest reads as digits (look-alikes taken for them), is weighed against that form
with those digits in the crops of the handwriting re-read; the form is taken when the crops put it at most
`max_behind` per crop behind the value as read (most are ahead of it), flagged `email_from_name`. An address
written otherwise is left as read: none of its forms is near it, or the crops hold it far better.
"""

from __future__ import annotations

import math
import re
from typing import NamedTuple

import numpy as np
from rapidfuzz.distance import Levenshtein

from intake.model import BoundingBox, ExtractedField

from .confirm import UNCONFIRMED
from .fields import RereadCrops
from .normalize import DIGIT_LOOKALIKES, EMAIL, strip_accents
from .ocr.base import OcrEngine
from .templates import EmailFromName, ExtractionRules

EMAIL_FROM_NAME = "email_from_name"
NAME_FROM_EMAIL = "name_from_email"
# Where the given name goes in a form, while the form is matched against an address: a word of letters no
# name or address holds.
GIVEN_SLOT = "qxqgivenqxq"
# What a handwritten digit after a name is read as, besides the printed look-alikes: a script 4 as "a".
TAIL_DIGIT_LOOKALIKES = {**DIGIT_LOOKALIKES, ord("a"): "4"}
# The digits after a name in an address: a year or a number, four at most.
TAIL_DIGITS = re.compile(r"\d{0,4}")


def name_forms(name: str, forms: list[str]) -> list[str]:
    """The address forms `forms` ("{given}{initials}") of a name, lower case without tone marks."""
    words = [strip_accents(word).lower() for word in name.split()]
    if len(words) < 2 or not all(word.isascii() and word.isalpha() for word in words):
        return []
    surname, middles, given = words[0], words[1:-1], words[-1]
    parts = {
        "surname": surname,
        "given": given,
        "middle": "".join(middles),
        "initials": surname[0] + "".join(word[0] for word in middles),
    }
    return list(dict.fromkeys(form.format(**parts) for form in forms))


def _name_letters(local: str) -> str:
    """An address's local part without the digits after the name ("huonglm31" → "huonglm")."""
    return re.sub(rf"{TAIL_DIGITS.pattern}$", "", local, count=1)


def email_candidates(local: str, domain: str, forms: list[str], max_edits: int) -> list[str]:
    """The addresses a local part read as no form of the name may stand for: a form within `max_edits` of
    its start (one edit in two letters at most), dotted as the reading is, then the rest of it read as
    digits (where the start could end at several places, those nearest the form)."""
    if _name_letters(local) in forms:
        return []
    candidates: dict[str, None] = {}
    for form in forms:
        if ("." in form) != ("." in local):
            continue
        splits: list[tuple[int, str]] = []
        # A short form is not made of any two letters: at most one edit in two letters.
        allowed = min(max_edits, len(form) // 2)
        for cut in range(max(1, len(form) - allowed), min(len(local), len(form) + allowed) + 1):
            digits = local[cut:].translate(TAIL_DIGIT_LOOKALIKES)
            edits = Levenshtein.distance(local[:cut], form, score_cutoff=allowed + 1)
            # The name's part ends with a letter: a digit read is no letter of the name.
            ends_in_letter = not local[cut - 1].isdigit()
            if edits <= allowed and ends_in_letter and TAIL_DIGITS.fullmatch(digits):
                splits.append((edits, digits))
        fewest = min((edits for edits, _ in splits), default=None)
        candidates.update({f"{form}{digits}@{domain}": None for edits, digits in splits if edits == fewest})
    return list(candidates)


def weigh_email_from_name(
    fields: dict[str, ExtractedField],
    images: dict[int, np.ndarray],
    rules: ExtractionRules,
    engine: OcrEngine | None,
) -> None:
    """The document's unsure handwritten email as the form of its declarant's name the crops hold (module
    docstring); left as read otherwise."""
    bounds: EmailFromName | None = rules.email_from_name
    email, name = fields.get("email"), fields.get("full_name")
    if bounds is None or engine is None or email is None or name is None or not isinstance(name.value, str):
        return
    value = email.value
    if (
        UNCONFIRMED not in email.review_reasons
        or not isinstance(value, str)
        or not EMAIL.fullmatch(value)  # one that failed its format stays as read, for a person
        or email.box is None
        or email.page is None
        or (image := images.get(email.page)) is None
    ):
        return
    local, domain = value.rsplit("@", 1)
    candidates = email_candidates(local, domain, name_forms(name.value, bounds.forms), bounds.max_edits)
    if (
        nearest := _nearest_in_crops(image, email.box, value, candidates, bounds.max_behind, engine)
    ) is not None:
        email.value = nearest
        email.review_reasons = [*email.review_reasons, EMAIL_FROM_NAME]


def _behind_value(
    image: np.ndarray, box: BoundingBox, value: str, choices: list[str], engine: OcrEngine
) -> dict[str, float] | None:
    """How far, per crop of the handwriting re-read around `box`, each of `choices` falls behind `value`
    (negative: ahead); None when the crops cannot weigh them, or the model cannot spell `value` (then every
    choice would lead it)."""
    if not choices or (crops := RereadCrops.around(image, box)) is None or len(crops.starts) < 2:
        return None
    if (ranked := crops.weigh([value, *choices], engine)) is None:
        return None
    behind = {choice: total for total, choice in ranked}
    if not math.isfinite(behind[value]):
        return None
    return {choice: (behind[choice] - behind[value]) / len(crops.starts) for choice in choices}


def _nearest_in_crops(
    image: np.ndarray,
    box: BoundingBox,
    value: str,
    choices: list[str],
    max_behind: float,
    engine: OcrEngine,
) -> str | None:
    """Of `choices`, the one the crops around `box` put least behind, when at most `max_behind` per crop
    behind `value`; else None."""
    if (behind := _behind_value(image, box, value, choices, engine)) is None:
        return None
    nearest = min(choices, key=behind.__getitem__)
    return nearest if behind[nearest] <= max_behind else None


class GivenInEmail(NamedTuple):
    spelt: str  # the given name as the address spells it, without tone marks
    as_name_reads: str  # the address with the name's own given name in its place


def given_name_in_email(name: str, email: str, forms: list[str]) -> GivenInEmail | None:
    """The given name the address spells, where it differs from the name's (without tone marks) and the rest
    of one of the name's forms is the address as read: "datpq19" for "Phạm Quang Đạc" → "dat"; None when no
    form, or several that disagree, say so."""
    words = name.split()
    if len(words) < 2 or "@" not in email:
        return None
    local, domain = email.rsplit("@", 1)
    letters = _name_letters(local)
    given = strip_accents(words[-1]).lower()
    slotted = name_forms(" ".join([*words[:-1], GIVEN_SLOT]), forms)
    found: dict[str, str] = {}
    for form in slotted:
        if GIVEN_SLOT not in form or form == GIVEN_SLOT:  # the given name alone: any letters would do
            continue
        parts = form.split(GIVEN_SLOT)
        pattern = "([a-z]+)".join(re.escape(part) for part in parts)
        if (match := re.fullmatch(pattern, letters)) is not None and len(set(match.groups())) == 1:
            found.setdefault(match.group(1), f"{given.join(parts)}{local[len(letters) :]}@{domain}")
    if len(found) != 1 or given in found:
        return None
    spelt, as_name_reads = found.popitem()
    return GivenInEmail(spelt, as_name_reads)


def weigh_name_from_email(
    fields: dict[str, ExtractedField],
    images: dict[int, np.ndarray],
    rules: ExtractionRules,
    engine: OcrEngine | None,
) -> None:
    """The declarant's unsure handwritten name with the given name its email spells (given_name_in_email),
    as the listed name of those letters the crops hold best, when at most `name_max_behind` per crop behind
    the name as read: the model reads a script "t" as "c" ("Đạc" beside "datpq19@…"). Flagged
    `name_from_email`; left as read otherwise."""
    bounds: EmailFromName | None = rules.email_from_name
    name, email = fields.get("full_name"), fields.get("email")
    if bounds is None or engine is None or name is None or email is None:
        return
    value, address = name.value, email.value
    if (
        UNCONFIRMED not in name.review_reasons
        or not isinstance(value, str)
        or not isinstance(address, str)
        or not EMAIL.fullmatch(address)
        or name.box is None
        or name.page is None
        or email.box is None
        or email.page is None
        or (name_image := images.get(name.page)) is None
        or (email_image := images.get(email.page)) is None
        or (found := given_name_in_email(value, address, bounds.forms)) is None
    ):
        return
    head = value.split()[:-1]
    choices = [
        " ".join([*head, listed])
        for listed in rules.name_syllables
        if strip_accents(listed).lower() == found.spelt
    ]
    if not choices:
        return
    # The email is no surer than the name: its own crops must hold it well ahead of the address the name as
    # read would make (which they can spell), or the email may be the one misread ("daibc99" beside "Đạt";
    # the email is then weighed against the name's forms instead).
    unlike = _behind_value(email_image, email.box, address, [found.as_name_reads], engine)
    if unlike is None or not bounds.email_unlike_name <= unlike[found.as_name_reads] < math.inf:
        return
    if (
        nearest := _nearest_in_crops(name_image, name.box, value, choices, bounds.name_max_behind, engine)
    ) is not None:
        name.value = nearest
        name.review_reasons = [*name.review_reasons, NAME_FROM_EMAIL]
