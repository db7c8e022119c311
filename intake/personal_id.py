"""What a 12-digit personal ID number (số định danh cá nhân) encodes about its holder.

Nghị định 137/2015/NĐ-CP Điều 13: a 3-digit province-of-birth code, one digit for century and sex (0/1 =
1900s male/female, 2/3 = 2000s, 4/5 = 2100s), the last two digits of the birth year, then 6 random digits.
"""

from __future__ import annotations

import re

# The review flag of a date of birth whose year was taken from the ID number (extractors/birth_year.py): the
# two then agree by construction, so the date does not vouch for the ID's year.
BIRTH_YEAR_FROM_ID = "birth_year_from_id"
# The review flag of an ID whose century/sex and year digits were re-read with the date of birth's imposed
# (extractors/birth_year.py): the two then agree by construction.
ID_DIGITS_FROM_BIRTH_DATE = "id_digits_from_birth_date"
# The review flag of a sex that could not be read, taken from the ID whose birth year the date of birth
# confirms (extractors/birth_year.py).
SEX_FROM_ID = "sex_from_id"
ADULT_AGE = 18
# What an unsure date of birth still settles (ExtractedField.settles) when its handwriting scored clearly
# above every year that would make its holder a minor (extractors/birth_year.py).
OF_AGE = "of_age"


def id_birth_data(number: str) -> tuple[int, str] | None:
    """Birth year and sex a 12-digit personal ID encodes; None for anything else."""
    if not re.fullmatch(r"\d{12}", number) or number[3] not in "012345":
        return None
    digit = int(number[3])
    return 1900 + 100 * (digit // 2) + int(number[4:6]), "male" if digit % 2 == 0 else "female"


def birth_digits(year: int, sex: str | None) -> tuple[str, str] | None:
    """The digits an ID holds at its century/sex place (both sexes' when `sex` is unknown) and its two year
    places for a holder born in `year`; None outside the centuries the numbering covers."""
    if not 1900 <= year < 2200:
        return None
    century = 2 * ((year - 1900) // 100)
    digits = {"male": str(century), "female": str(century + 1)}.get(sex or "", f"{century}{century + 1}")
    return digits, f"{year % 100:02d}"
