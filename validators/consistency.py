"""Cross-document consistency: the applicant against the lessee and the owners (names and IDs), addresses.

Names are compared without diacritics (OCR often drops or changes tone marks), with rapidfuzz on the
folded text and the given name required to agree, so "Nguyen Cong Long" matches "Nguyễn Công Long" while
"Nguyễn Công Lương" or "Nguyễn Văn Long" do not. Matching ID numbers settle identity; different IDs
rule it out. Under one ID, two surely read names a slip apart are one name, unless the slip makes one
listed name word of another ("Thu" and "Thị"): those are two names.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.distance import Hamming, Levenshtein

from intake.model import Check, DocType, Document, ExtractedField

from .common import DossierView, fold

NAME_THRESHOLD = 92.0
ADDRESS_THRESHOLD = 85.0
_UNIT_WORDS = re.compile(r"\b(so|duong|pho|ngo|hem|kiet|ngach|to|thon|xom|ap|khu pho)\b")


@dataclass(frozen=True)
class Person:
    name: str | None
    personal_id: str | None
    role: str


def _id(value: Any) -> str | None:
    text = re.sub(r"\s", "", str(value or ""))
    return text if re.fullmatch(r"\d{9}|\d{12}", text) else None


def names_match(a: str | None, b: str | None, threshold: float = NAME_THRESHOLD) -> bool:
    if not a or not b:
        return False
    fa, fb = fold(a), fold(b)
    if fa == fb:
        return True
    given_a, given_b = fa.split(" ")[-1], fb.split(" ")[-1]
    return given_a == given_b and fuzz.ratio(fa, fb) >= threshold


# Under one ID number, names this close are one name read with OCR slips ("Lê Diệu Trandg"); a different
# name there is a different word (another middle name), which is more edits than this, or more than a slip
# in one word: "Trần Đức Nam" and "Trần Hữu Nam" are two edits apart, both in "Duc"/"Huu" (seed 6029
# hs_0028, accepted).
SAME_ID_NAME_EDITS = 2


def names_agree_under_one_id(a: str, b: str) -> bool:
    """Two surely read names under one ID are one name: alike, or a slip per word apart and few edits in
    all (unless a listed name word differs, `_listed_words_differ`)."""
    return names_match(a, b) or (slips_apart(a, b) and few_edits_apart(a, b))


def few_edits_apart(a: str, b: str) -> bool:
    """As many words, and at most SAME_ID_NAME_EDITS edits apart in all, wherever they fall: an unsure
    reading may slip twice in one word ("Đinh Xuân Uiên" for "Đinh Xuân Việt")."""
    fa, fb = fold(a), fold(b)
    return len(fa.split()) == len(fb.split()) and Levenshtein.distance(fa, fb) <= SAME_ID_NAME_EDITS


def _one_id_two_names(a: Person, b: Person) -> bool:
    """The same ID number with two different names: contradictory papers."""
    return bool(
        a.personal_id
        and a.personal_id == b.personal_id
        and a.name
        and b.name
        and not names_agree_under_one_id(a.name, b.name)
    )


def same_person(a: Person, b: Person) -> bool | None:
    """True/False when IDs (or names) decide it; None when neither side has enough to compare."""
    if a.personal_id and b.personal_id:
        return a.personal_id == b.personal_id
    if a.name and b.name:
        return names_match(a.name, b.name)
    return None


# A reading with slight doubts only (the handwriting model read it alone, or a name has an unusual spelling or
# marks mended to a common name's)
# holds a slip or two. Two ID numbers this many digits apart, or two names whose surnames and whose given
# names both differ by more than a slip (one edit in a word of up to SHORT_WORD letters, else
# SAME_ID_NAME_EDITS), are two people however such a reading slipped.
SLIGHT_DOUBTS = frozenset({"handwriting_unconfirmed", "name_spelling_unusual", "name_marks_guessed"})
DIFFERENT_ID_DIGITS = 4
SHORT_WORD = 4


def slightly_doubted(found: ExtractedField | None) -> bool:
    return found is not None and set(found.review_reasons) <= SLIGHT_DOUBTS


def clearly_someone_else(a: Person, b: Person) -> bool:
    """Whether two people differ by more than slips of reading explain, judged as `same_person` judges:
    by ID numbers when both have one, else by names."""
    if a.personal_id and b.personal_id:
        # A 9-digit CMND and a 12-digit ID may be one person's old and new numbers.
        same_kind = len(a.personal_id) == len(b.personal_id)
        return same_kind and Hamming.distance(a.personal_id, b.personal_id) >= DIFFERENT_ID_DIGITS
    if a.name and b.name:
        words_a, words_b = fold(a.name).split(), fold(b.name).split()
        return bool(words_a and words_b) and not any(
            _a_slip_apart(x, y) for x, y in ((words_a[0], words_b[0]), (words_a[-1], words_b[-1]))
        )
    return False


def apart_by_id_and_given_name(a: Person, b: Person) -> bool:
    """Whether two people differ both in ID number (as `clearly_someone_else` judges IDs) and in given name
    (more than a slip), however doubted the readings: for them to be one person, two readings of different
    boxes would both have to be badly misread. Surnames are left out, as a family shares them. Digits and
    punctuation in a name are reading noise (dotted leaders); a name that is not one without them
    ("Ngày, tháng", a label read for a value) is no evidence."""
    names = [_letters_only(a.name), _letters_only(b.name)]
    if not all(plausible_name(name) for name in names):
        return False
    if not clearly_someone_else(Person(None, a.personal_id, a.role), Person(None, b.personal_id, b.role)):
        return False
    given_a, given_b = (fold(name).split()[-1] for name in names)
    return not _a_slip_apart(given_a, given_b)


def _letters_only(name: str | None) -> str:
    return " ".join(re.sub(r"[\W\d_]+", " ", str(name or "")).split())


def _a_slip_apart(x: str, y: str) -> bool:
    return Levenshtein.distance(x, y) <= (1 if max(len(x), len(y)) <= SHORT_WORD else SAME_ID_NAME_EDITS)


def slips_apart(a: str, b: str) -> bool:
    """Two names of as many words, each word at most a slip from the other's: one name, one of its readings
    slipped ("Tiần Ga Phang" for "Trần Gia Phong")."""
    words_a, words_b = fold(a).split(), fold(b).split()
    return len(words_a) == len(words_b) and all(
        _a_slip_apart(x, y) for x, y in zip(words_a, words_b, strict=True)
    )


# The field holding each person's name, on the declaration and on the papers compared with it.
NAME_FIELDS = {
    "declarant": "full_name",
    "head": "household_head_name",
    "member": "household_members",
    "lessee": "lessee_name",
    "owner": "owner_names",
}


def _sure_values(document: Document, unsure_names: bool = False) -> dict[str, Any]:
    """Field values, leaving out those flagged for review: a misread name proves no mismatch. With
    `unsure_names`, names are kept however they were read (IDs still only when sure)."""
    # Not an unsure members table: its IDs come with its names.
    names = set(NAME_FIELDS.values()) - {"household_members"} if unsure_names else set()
    return {
        key: found.value for key, found in document.fields.items() if not found.needs_review or key in names
    }


def declaration_people(document: Document, unsure_names: bool = False) -> list[Person]:
    """The declarant, the household head and the declared members of a CT01/CT02."""
    values = _sure_values(document, unsure_names)
    people = [Person(values.get("full_name"), _id(values.get("personal_id")), "declarant")]
    if values.get("household_head_name") or values.get("household_head_id"):
        people.append(Person(values.get("household_head_name"), _id(values.get("household_head_id")), "head"))
    for member in values.get("household_members") or []:
        if isinstance(member, dict):
            people.append(Person(member.get("full_name"), _id(member.get("personal_id")), "member"))
    table = document.fields.get("household_members")
    if table is not None and table.needs_review:
        people.append(Person(None, None, "member"))  # members read unsure: someone there may be the one
    return people


def owners(document: Document, sure_only: bool = False, unsure_names: bool = False) -> list[Person]:
    if sure_only:
        values = _sure_values(document, unsure_names)
    else:
        values = {key: found.value for key, found in document.fields.items()}
    names = list(values.get("owner_names") or [])
    ids = list(values.get("owner_ids") or [])
    count = max(len(names), len(ids))
    return [
        Person(names[i] if i < len(names) else None, _id(ids[i]) if i < len(ids) else None, "owner")
        for i in range(count)
    ]


def _describe(person: Person) -> str:
    return person.name or "(không rõ tên)"


def _listed_words_differ(a: Person, b: Person, listed: frozenset[str]) -> bool:
    """One ID under two names of as many words with, in one place, two listed name words that differ once
    folded ("Nguyễn Thu Nhung" and "Nguyễn Thị Nhung", seed 3917 hs_0149): two names, though a letter
    apart. I and y are one letter here (Sĩ and Sỹ, Vi and Vy are one name spelt two ways). A slip of an
    unsure reading may make one listed word of another: for one, the handwriting must hold it far from the
    other name too (`_unsure_name_conflicts`)."""
    if not (a.personal_id and a.personal_id == b.personal_id):
        return False
    words_a, words_b = (a.name or "").split(), (b.name or "").split()
    return len(words_a) == len(words_b) and any(
        x.casefold() in listed and y.casefold() in listed and _spelling(x) != _spelling(y)
        for x, y in zip(words_a, words_b, strict=True)
    )


def _spelling(word: str) -> str:
    return fold(word).replace("y", "i")


def _id_name_conflicts(
    view: DossierView, declared: list[Person], others: list[Person], document: Document
) -> list[Check]:
    """Same ID number, different names: contradictory papers a person must look at. The names are read
    surely, or one unsure but weighed far apart (`_unsure_name_conflicts`)."""
    checks: list[Check] = []
    for a in declared:
        for b in others:
            if _one_id_two_names(a, b) or _listed_words_differ(a, b, view.rules.name_words):
                checks.append(
                    view.check(
                        "name_mismatch_across_documents",
                        document=document,
                        detail=(
                            f"Cùng một số định danh nhưng tên khác nhau: tờ khai ghi “{a.name}”, "
                            f"{view.document_label(document)} ghi “{b.name}”."
                        ),
                    )
                )
    return checks


# Letters of Vietnamese names once tone marks are folded away (no f, j, w, z).
NAME_LETTERS = set("abcdeghiklmnopqrstuvxy")


def plausible_name(name: str | None) -> bool:
    """Two or more capitalised (or upper-case) words of Vietnamese letters: what a name read right or with
    a slip looks like, unlike a garbled reading ("244» 7z: Ÿíàng"), which is evidence of nothing."""
    words = (name or "").split()
    return len(words) >= 2 and all(
        (word.isupper() or (word[0].isupper() and (len(word) == 1 or word[1:].islower())))
        and set(fold(word)) <= NAME_LETTERS
        for word in words
    )


def _differs_in_a_listed_word(read: str, other: str, listed: frozenset[str]) -> bool:
    """Whether a word of a reading that is a listed name word (a surname, a middle or given name as spelt)
    is more than a slip from the other name's word in its place: evidence of another name however the
    rest of the reading went ("Nguyễn Thanh Zân" against "Nguyễn Minh Trâm": Thanh, not Minh). Only
    between names of as many words, the reading all letters (a garbled one is evidence of nothing) and the
    other plausible."""
    words_read, words_other = read.split(), other.split()
    if len(words_read) != len(words_other) or not plausible_name(other):
        return False
    if not all(word.isalpha() and word[0].isupper() for word in words_read):
        return False
    return any(
        word.casefold() in listed and not _a_slip_apart(fold(word), fold(theirs))
        for word, theirs in zip(words_read, words_other, strict=True)
    )


def _weighed_apart(found: ExtractedField | None, other: str | None, apart: float) -> bool:
    """Whether the handwriting model found `other` at least `apart` behind the name as read (confirm.py)."""
    return found is not None and found.weighed_against.get(str(other), -math.inf) >= apart


def _read_whole(name: str | None) -> bool:
    """A name reading of two words or more: one word ("T", its first letter) was read from a part of the
    name's place, where the other name cannot be weighed."""
    return len((name or "").split()) >= 2


def _unsure_name_conflicts(
    view: DossierView,
    declaration: Document,
    declared: list[Person],
    others: list[Person],
    document: Document,
) -> list[Check]:
    """The same surely read ID under two names, one of them read unsure: not a mismatch to raise, nor an
    agreement to pass over. A person reads the name: a misreading, or two people under one number. Names a
    slip per word apart are the unsure reading's slips, not another name (that is a different word). A
    reading garbled or spelt as no Vietnamese name is, is no evidence of a second name, unless a listed name
    word of it differs from the other name's (`_differs_in_a_listed_word`); nor is one when the form itself
    gives the number the other paper's name, read surely. It is a mismatch after all when the handwriting,
    which holds the name as read (garbled or not, but read whole), puts the other paper's name far behind it
    (`weighed_against`, decision.yaml name_written_apart): that is the image's evidence, not the letters'.
    On either paper, and for any of the people under the number: a declarant who heads the household writes
    the name twice, and one of the two places may be weighed where the other was not."""
    apart = float(view.rules.decision.get("name_written_apart", math.inf))
    # A declarant who heads the household writes their name and ID twice: when the form gives the number the
    # other paper's name, read surely, the unsure reading of the same name is the misreading.
    vouched = [person for person in declaration_people(declaration) if person.name and person.personal_id]
    unsure: list[Check] = []
    for a in declared:
        for b in others:
            declared_name = declaration.fields.get(NAME_FIELDS[a.role])
            other_name = document.fields.get(NAME_FIELDS[b.role])
            weighed_apart = (
                _weighed_apart(declared_name, b.name, apart) or _weighed_apart(other_name, a.name, apart)
            ) and (_read_whole(a.name) and _read_whole(b.name))
            form_vouches = any(
                p.personal_id == a.personal_id and names_match(p.name, b.name) for p in vouched
            )
            if not _one_id_two_names(a, b):
                # Alike as strings, yet another listed name word in one place ("Nguyễn Thu Hương" and
                # "Nguyễn Hữu Hương"): a mismatch when the image holds the unsure reading far from the other.
                if weighed_apart and not form_vouches and _listed_words_differ(a, b, view.rules.name_words):
                    return _id_name_conflicts(view, [a], [b], document)
                continue
            differs = _differs_in_a_listed_word(a.name or "", b.name or "", view.rules.name_words)
            if few_edits_apart(str(a.name), str(b.name)) and not differs:
                continue  # the unsure reading's slips, two in a word too ("Uiên" for "Việt")
            if form_vouches:
                continue
            if weighed_apart:
                # The paper read unsure holds the name as read, and the other name is far from it.
                return _id_name_conflicts(view, [a], [b], document)
            if not differs and not (plausible_name(a.name) and plausible_name(b.name)):
                continue
            if (
                not differs
                and declared_name is not None
                and "name_spelling_unusual" in declared_name.review_reasons
            ):
                continue  # spelt as no Vietnamese name is: a misreading, evidence of neither
            if slips_apart(str(a.name), str(b.name)):
                continue
            if not unsure:
                paper, key = (
                    (declaration, NAME_FIELDS[a.role])
                    if declared_name is not None and declared_name.needs_review
                    else (document, NAME_FIELDS[b.role])
                )
                unsure = [view.check("field_needs_review", document=paper, field_key=key, rule="consistency")]
    return unsure


def check_consistency(view: DossierView) -> list[Check]:
    checks: list[Check] = []
    declarations = view.declarations()
    if not declarations:
        return checks
    declaration = declarations[0]
    people = declaration_people(declaration)
    people_as_read = declaration_people(declaration, unsure_names=True)
    declarant = people[0]
    head = next((p for p in people if p.role == "head"), None)
    if head and _one_id_two_names(declarant, head):
        checks.append(
            view.check(
                "name_mismatch_across_documents",
                document=declaration,
                detail=(
                    f"Tờ khai ghi cùng số định danh cho người kê khai “{declarant.name}” "
                    f"và chủ hộ “{head.name}”."
                ),
            )
        )
    for contract in view.of_type(DocType.RENTAL_CONTRACT):
        values = _sure_values(contract)
        lessee = Person(values.get("lessee_name"), _id(values.get("lessee_id")), "lessee")
        conflicts = _id_name_conflicts(view, people, [lessee], contract)
        if not conflicts:
            read = _sure_values(contract, unsure_names=True)
            lessee_read = Person(read.get("lessee_name"), lessee.personal_id, "lessee")
            conflicts = _unsure_name_conflicts(view, declaration, people_as_read, [lessee_read], contract)
        checks += conflicts
        if lessee.name or lessee.personal_id:
            verdicts = [same_person(lessee, p) for p in people]
            if verdicts and all(verdict is False for verdict in verdicts):  # None: cannot tell
                checks.append(
                    view.check(
                        "name_mismatch_across_documents",
                        document=contract,
                        detail=(
                            f"Bên thuê trong hợp đồng (“{_describe(lessee)}”) không phải người kê khai "
                            f"(“{_describe(declarant)}”), chủ hộ hay thành viên hộ gia đình trong tờ khai."
                        ),
                    )
                )
        checks += _address_check(view, declaration, contract, values.get("property_address"))
    for certificate in view.of_type(DocType.OWNERSHIP_CERTIFICATE):
        conflicts = _id_name_conflicts(view, people, owners(certificate, sure_only=True), certificate)
        if not conflicts:
            owners_read = owners(certificate, sure_only=True, unsure_names=True)
            conflicts = _unsure_name_conflicts(view, declaration, people_as_read, owners_read, certificate)
        checks += conflicts
        checks += _address_check(
            view,
            declaration,
            certificate,
            certificate.fields.get("address") and certificate.fields["address"].value,
        )
    return checks


def _street(address: str) -> str:
    """House number and street: the first part of an address, folded, without unit words."""
    first = fold(address).split(",")[0]
    return re.sub(r"\s+", " ", _UNIT_WORDS.sub(" ", first)).strip()


def addresses_agree(request: str, address: str, threshold: float = ADDRESS_THRESHOLD) -> bool:
    street = _street(address)
    if not street:
        return True
    target = re.sub(r"\s+", " ", _UNIT_WORDS.sub(" ", fold(request)))
    return fuzz.partial_ratio(street, target) >= threshold


def _address_check(view: DossierView, declaration: Document, document: Document, address: Any) -> list[Check]:
    request = declaration.fields.get("request")
    if not address or request is None or not request.value:
        return []
    if addresses_agree(str(request.value), str(address)):
        return []
    return [view.check("address_mismatch", document=document, field_key="request")]
