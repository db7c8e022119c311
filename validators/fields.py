"""Field checks: the 12-digit personal ID against the date of birth, gender and province; dates, phone, email.

Nghị định 137/2015/NĐ-CP Điều 13: 3-digit province-of-birth code, 1 century+sex digit (0/1 = 1900s
male/female, 2/3 = 2000s, 4/5 = 2100s), 2 birth-year digits, 6 random digits. A 9-digit CMND number is
allowed on the 56/2021 CT01.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from intake.model import VALUES_MISSING, Check, DocType, Document, ExtractedField
from intake.personal_id import BIRTH_YEAR_FROM_ID, ID_DIGITS_FROM_BIRTH_DATE, SEX_FROM_ID, id_birth_data

from .common import DossierView, birth_year, masked, parse_date
from .legibility import PAGE_ILLEGIBLE

PHONE = re.compile(r"^(?:0|\+84)[35789]\d{8}$")
EMAIL = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$")
CMND_FORM_VERSIONS = ("56/2021",)
EARLIEST = date(1900, 1, 1)
MAX_AGE_YEARS = 120
DECLARATION_TYPES = (DocType.CT01, DocType.CT02)
ID_KEYS = ("personal_id", "household_head_id")
DATE_KEYS_NOT_FUTURE = ("date_of_birth", "issue_date", "signing_date", "start_date")


def id_problems(number: str, provinces: dict[str, str], allow_cmnd: bool) -> str | None:
    """Why `number` is not a valid personal ID (or CMND), in Vietnamese; None when it is."""
    if allow_cmnd and re.fullmatch(r"\d{9}", number):
        return None
    if not re.fullmatch(r"\d{12}", number):
        return "phải gồm 12 chữ số" + (" (hoặc 9 chữ số CMND)" if allow_cmnd else "")
    if number[:3] not in provinces:
        return f"mã tỉnh {number[:3]} không có trong danh mục mã tỉnh nơi đăng ký khai sinh"
    if number[3] not in "012345":
        return f"chữ số thế kỷ và giới tính {number[3]} không hợp lệ"
    return None


def id_birth_mismatch(number: str, date_of_birth: Any, gender: Any) -> str | None:
    """Where the ID's century/sex digit and year digits disagree with the declared birth data."""
    if (encoded := id_birth_data(number)) is None:
        return None
    year_from_id, gender_from_id = encoded
    details: list[str] = []
    year = birth_year(date_of_birth)
    if year is not None and year != year_from_id:
        details.append(f"số định danh cho năm sinh {year_from_id}, tờ khai ghi {year}")
    if gender in ("male", "female") and gender != gender_from_id:
        said = {"male": "nam", "female": "nữ"}
        details.append(f"số định danh cho giới tính {said[gender_from_id]}, tờ khai ghi {said[gender]}")
    return "; ".join(details) or None


# Flags that doubt the reading itself. The others name a format problem of what was read ("invalid_phone"):
# a sure reading of an invalid value is what the citizen wrote.
READING_DOUBTS = frozenset(
    {
        "low_confidence",
        "handwriting_unconfirmed",
        "digit_boxes_unread",
        "not_found",
        "email_at_restored",
        "email_domain_guessed",
        "date_digits_guessed",
        "id_digits_guessed",
        VALUES_MISSING,
        BIRTH_YEAR_FROM_ID,
        ID_DIGITS_FROM_BIRTH_DATE,
        SEX_FROM_ID,
        "name_spelling_unusual",
        "name_marks_guessed",
        "name_number_cut",
        "from_other_field",
        "from_other_document",
        "odd_characters",
        "occupation_unusual",
        "address_digits_guessed",
        "place_name_mended",
        "listed_value_weighed",
        "wording_mended",
        "email_cleaned",
        "email_weighed",
        "email_from_name",
        "name_from_email",
        "relationship_weighed_by_age",
        "relationship_against_ages",
        "pattern_reread",
        "language_unclear",
        PAGE_ILLEGIBLE,
    }
)


def _confident(view: DossierView, found: ExtractedField) -> bool:
    # A table's cell problems ("date_of_birth:unrecognised_date") doubt the reading too: cells are as often
    # misplaced or misread as wrongly filled in.
    doubted = any(reason in READING_DOUBTS or ":" in reason for reason in found.review_reasons)
    return not doubted and found.confidence >= float(view.rules.decision.get("confident_reading", 0.9))


def _format_check(
    view: DossierView, document: Document, key: str, found: ExtractedField, detail: str
) -> Check:
    if not _confident(view, found):
        # An unsure reading that fails a format check is more likely misread than wrongly filled in.
        return view.check(
            "field_needs_review", document=document, page=found.page, field_key=key, rule="format"
        )
    return view.check(
        "invalid_field_format",
        document=document,
        page=found.page,
        field_key=key,
        detail=detail,
    )


def _check_person(
    view: DossierView,
    document: Document,
    person: dict[str, Any],
    fields: dict[str, ExtractedField],
    who: str,
) -> list[Check]:
    """Checks on one person's ID, date of birth and gender (the declarant, or a household member)."""
    checks: list[Check] = []
    allow_cmnd = (document.form_version or "") in CMND_FORM_VERSIONS
    number = str(person.get("personal_id") or "").replace(" ", "")
    id_field = fields.get("personal_id") or ExtractedField(key="personal_id", confidence=1.0)
    if number:
        problem = id_problems(number, view.rules.provinces, allow_cmnd)
        if problem:
            checks.append(
                _format_check(view, document, "personal_id", id_field, f"{who}{masked(number)} {problem}")
            )
        else:
            mismatch = id_birth_mismatch(number, person.get("date_of_birth"), person.get("gender"))
            compared = [id_field, *(fields[key] for key in ("date_of_birth", "gender") if key in fields)]
            if mismatch:
                check = view.check(
                    "id_inconsistent_with_birth_data",
                    document=document,
                    page=id_field.page,
                    field_key="personal_id",
                    masked_id=f"{who}{masked(number)}",
                    what="ngày sinh, giới tính",
                    detail=mismatch,
                )
                unsure = list(
                    dict.fromkeys(view.rules.field_label(f.key) for f in compared if not _confident(view, f))
                )
                if unsure:
                    # A misread digit or date explains a disagreement as well as a wrong ID does; either
                    # way a person looks (the outcome is review), told which reading is unsure.
                    note = f" (cần kiểm tra: {', '.join(unsure)} đọc chưa chắc chắn)"
                    check = check.model_copy(update={"message": check.message + note})
                checks.append(check)
    gender = person.get("gender")
    if gender not in (None, "", "male", "female"):
        found = fields.get("gender") or ExtractedField(key="gender", confidence=1.0)
        checks.append(
            _format_check(view, document, "gender", found, f"{who}giới tính '{gender}' không hợp lệ")
        )
    born = person.get("date_of_birth")
    if born not in (None, ""):
        found = fields.get("date_of_birth") or ExtractedField(key="date_of_birth", confidence=1.0)
        year = birth_year(born)
        day = parse_date(born)
        if year is None:
            checks.append(
                _format_check(
                    view, document, "date_of_birth", found, f"{who}ngày sinh '{born}' không đọc được"
                )
            )
        elif (day or date(year, 1, 1)) > view.received:
            checks.append(
                _format_check(view, document, "date_of_birth", found, f"{who}ngày sinh {born} ở tương lai")
            )
        elif (day or date(year, 12, 31)) < EARLIEST or view.received.year - year > MAX_AGE_YEARS:
            checks.append(
                _format_check(view, document, "date_of_birth", found, f"{who}ngày sinh {born} không hợp lý")
            )
    return checks


def check_fields(view: DossierView) -> list[Check]:
    """Format and consistency checks on every document's extracted fields."""
    checks: list[Check] = []
    for document in view.dossier.documents:
        fields = document.fields
        values = {key: found.value for key, found in fields.items()}
        if document.doc_type in DECLARATION_TYPES:
            checks += _check_person(view, document, values, fields, "")
            head_id = str(values.get("household_head_id") or "").replace(" ", "")
            if head_id:
                allow_cmnd = (document.form_version or "") in CMND_FORM_VERSIONS
                problem = id_problems(head_id, view.rules.provinces, allow_cmnd)
                if problem:
                    checks.append(
                        _format_check(
                            view,
                            document,
                            "household_head_id",
                            fields["household_head_id"],
                            f"{masked(head_id)} {problem}",
                        )
                    )
            members = values.get("household_members") or []
            if isinstance(members, list) and "household_members" in fields:
                member_fields = {
                    "personal_id": fields["household_members"],
                    "gender": fields["household_members"],
                    "date_of_birth": fields["household_members"],
                }
                for number, member in enumerate(members, start=1):
                    if isinstance(member, dict):
                        checks += _check_person(
                            view, document, member, member_fields, f"thành viên {number}: "
                        )
            checks += _contact_checks(view, document, values, fields)
        checks += _date_checks(view, document, values, fields)
    return checks


def _contact_checks(
    view: DossierView, document: Document, values: dict[str, Any], fields: dict[str, ExtractedField]
) -> list[Check]:
    checks: list[Check] = []
    phone = re.sub(r"[\s.\-()]", "", str(values.get("phone") or ""))
    if phone and not PHONE.match(phone):
        checks.append(
            _format_check(
                view,
                document,
                "phone",
                fields["phone"],
                f"'{values['phone']}' phải gồm 10 chữ số bắt đầu bằng 03, 05, 07, 08, 09 (hoặc +84)",
            )
        )
    email = str(values.get("email") or "").strip()
    if email and not EMAIL.match(email):
        problem = "không đúng định dạng" if _confident(view, fields["email"]) else "đọc chưa chắc chắn"
        checks.append(
            view.check(
                "email_not_usable",
                document=document,
                page=fields["email"].page,
                field_key="email",
                detail=f"'{email}' {problem}",
            )
        )
    return checks


def _date_checks(
    view: DossierView, document: Document, values: dict[str, Any], fields: dict[str, ExtractedField]
) -> list[Check]:
    checks: list[Check] = []
    for key in DATE_KEYS_NOT_FUTURE:
        if key == "date_of_birth" or values.get(key) in (None, ""):
            continue
        day = parse_date(values[key])
        if day is None:
            checks.append(
                _format_check(view, document, key, fields[key], f"'{values[key]}' không phải ngày hợp lệ")
            )
        elif key != "start_date" and day > view.received:
            checks.append(
                _format_check(view, document, key, fields[key], f"ngày {day:%d/%m/%Y} ở sau ngày nộp hồ sơ")
            )
        elif day < EARLIEST:
            checks.append(
                _format_check(view, document, key, fields[key], f"ngày {day:%d/%m/%Y} không hợp lý")
            )
    start, end = parse_date(values.get("start_date")), parse_date(values.get("end_date"))
    if start and end and end < start:
        checks.append(
            _format_check(
                view,
                document,
                "end_date",
                fields["end_date"],
                f"ngày hết hạn {end:%d/%m/%Y} trước ngày bắt đầu {start:%d/%m/%Y}",
            )
        )
    return checks
