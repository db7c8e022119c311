"""Evaluation set: many dossiers over every rule of domain.md §3, each with the decision it calls for.

`generate_eval_set(out_dir, n, seed)` writes out_dir/batch/<dossier>/ (what the pipeline reads) and
out_dir/truth/<dossier>.json (ground truth, kept outside the batch). Dossier names are neutral (`hs_0001`) so
nothing in the batch gives the scenario away. Same seed, same bytes (dossiers are built independently, each
from its own seeded generator, so they can be rendered in parallel).
"""

from __future__ import annotations

import os
import random
import shutil
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path

from .documents import Document
from .documents.ct01 import VERSIONS as CT01_VERSIONS
from .documents.ct01 import CT01Data, Member, render_ct01
from .documents.ct02 import CT02Data, render_ct02
from .documents.id_card import IdCardData, render_id_card
from .documents.other import CONSENT_TITLES, ConsentData, render_consent, render_foreign_letter
from .documents.ownership_certificate import render_certificate, render_certificate_2024
from .documents.rental_contract import Certification, ContractData, render_contract
from .dossiers import (
    MIN_AREA_PER_PERSON,
    VN_TZ,
    Dossier,
    Family,
    FileSpec,
    Lease,
    _certificate_data,
    _certification,
    _child,
    _family,
    _lease,
    _meta,
    _other,
    _relative_members,
    status_for,
    write_dossier,
)
from .people import PROVINCE_CODES, Person, make_person, random_date

LEGIBLE_MIX: list[tuple[str, int]] = [
    ("clean", 15),
    ("scan", 45),
    ("photo", 25),
    ("rotated_90", 5),
    ("rotated_180", 5),
    ("rotated_270", 5),
]
ILLEGIBLE = ("blur_heavy", "cut_off", "glare", "low_dpi")
HANDWRITTEN_SHARE = 0.35


@dataclass
class Ctx:
    """Choices shared by one dossier's builders."""

    rng: random.Random
    version: str
    handwritten: bool
    received: datetime


@dataclass
class Built:
    documents: list[Document]
    meta: dict[str, str]
    reasons: list[str]
    unreadable: int | None = None  # index of the document one of whose pages is unreadable
    digital: tuple[int, ...] = ()  # documents filed as born-digital PDFs (portal)


# --- document builders ---------------------------------------------------------------------------------


def _cert(ctx: Ctx, fam: Family) -> Document:
    data = _certificate_data(ctx.rng, fam)
    if ctx.rng.random() < 0.4:  # the 2024 A4 layout: issued from August 2024
        data = replace(data, issue_date=random_date(ctx.rng, date(2024, 8, 1), date(2025, 6, 30)))
        return render_certificate_2024(data, ctx.rng)
    return render_certificate(data, ctx.rng)


def _id_card(ctx: Ctx, person: Person) -> Document:
    origin = f"{ctx.rng.choice(['xã', 'phường'])} {ctx.rng.choice(['An', 'Tân', 'Phú', 'Hòa'])} "
    origin += f"{ctx.rng.choice(['Bình', 'Lợi', 'Thịnh', 'Lạc'])}, {PROVINCE_CODES[person.personal_id[:3]]}"
    expiry = date(person.date_of_birth.year + (25 if person.date_of_birth.year >= 2001 else 60), 12, 31)
    return render_id_card(IdCardData(person, origin, max(expiry, date(2027, 1, 1))), ctx.rng)


def _owner_request(fam: Family, request_type: str, until: date) -> str:
    prop, owner = fam.property_address, fam.owner
    if request_type == "thuong_tru":
        return (
            f"Đăng ký thường trú vào hộ gia đình {owner.honorific.lower()} {owner.full_name} tại {prop.new()}"
        )
    return f"Đăng ký tạm trú tại {prop.new()}, thời hạn tạm trú đến ngày {until:%d/%m/%Y}"


def _owner_ct01(
    ctx: Ctx,
    fam: Family,
    declarant: Person,
    *,
    request_type: str = "thuong_tru",
    relationship: str = "Con",
    members: list[Member] | None = None,
    consent: bool = True,
    minor: bool = False,
    guardian: bool = True,
    portal: bool = False,
) -> Document:
    owner, prop = fam.owner, fam.property_address
    sign = ctx.received.date() - timedelta(days=ctx.rng.randint(0, 6))
    until = sign + timedelta(days=ctx.rng.choice([365, 730]))
    data = CT01Data(
        form_version=ctx.version,
        recipient=prop.ward_police(),
        declarant=declarant,
        household_head_name=owner.full_name,
        household_head_id=owner.personal_id,
        relationship_to_head=relationship,
        request=_owner_request(fam, request_type, until),
        request_type=request_type,
        sign_place=prop.place.city,
        sign_date=sign,
        members=members or [],
        owner_name=owner.full_name,
        owner_id=owner.personal_id,
        guardian_name=owner.full_name if minor and guardian else "",
        guardian_id=owner.personal_id if minor and guardian else "",
        consent_household_head=consent,
        consent_owner=consent,
        consent_guardian=minor and guardian,
        declarant_signed=not portal,
        consent_via_vneid=portal,
        permanent_address=declarant.address.new(),
        current_address=prop.new(),
        handwritten=ctx.handwritten and not portal,
    )
    return render_ct01(data, ctx.rng)


def _rental_ct01(
    ctx: Ctx,
    lease: Lease,
    request_type: str,
    until: date,
    members: list[Member],
    *,
    owner_consent: bool = True,
) -> Document:
    prop, p = lease.property_address, lease.lessee
    if request_type == "thuong_tru":
        request = f"Đăng ký thường trú tại {prop.new()} (nhà thuê, lập hộ mới)"
    elif request_type == "gia_han_tam_tru":
        request = f"Gia hạn tạm trú tại {prop.new()} đến ngày {until:%d/%m/%Y}"
    else:
        request = f"Đăng ký tạm trú tại {prop.new()}, thời hạn tạm trú đến ngày {until:%d/%m/%Y}"
    data = CT01Data(
        form_version=ctx.version,
        recipient=prop.ward_police(),
        declarant=p,
        household_head_name=p.full_name,
        household_head_id=p.personal_id,
        relationship_to_head="Chủ hộ",
        request=request,
        request_type=request_type,
        sign_place=prop.place.city,
        sign_date=ctx.received.date() - timedelta(days=ctx.rng.randint(0, 5)),
        members=members,
        owner_name=lease.lessor.full_name if owner_consent else "",
        owner_id=lease.lessor.personal_id if owner_consent else "",
        consent_owner=owner_consent,
        permanent_address=p.address.new(),
        temporary_address=prop.new() if request_type == "gia_han_tam_tru" else "",
        current_address=prop.new(),
        handwritten=ctx.handwritten,
    )
    return render_ct01(data, ctx.rng)


def _contract_doc(
    rng: random.Random,
    lease: Lease,
    start: date,
    end: date,
    signing: date,
    cert: Certification | None,
    area: float,
    show_area: bool,
) -> Document:
    data = ContractData(
        lessor=lease.lessor,
        lessee=lease.lessee,
        property_address=lease.property_address,
        area_m2=area,
        rooms=rng.randint(1, 2),
        monthly_rent_vnd=rng.choice([3_500_000, 4_000_000, 4_500_000, 5_200_000, 6_000_000, 7_500_000]),
        deposit_months=rng.randint(1, 2),
        start_date=start,
        end_date=end,
        signing_date=signing,
        signing_place=lease.property_address.new(),
        payment_day=rng.choice([5, 10, 15]),
        certification=cert,
        show_area=show_area,
    )
    return render_contract(data, rng)


def _lease_docs(
    ctx: Ctx,
    *,
    request_type: str,
    certification: str | None = None,
    members: int = 0,
    area_per_person: tuple[float, float] = (9.0, 25.0),
    show_area: bool = True,
    expired: bool = False,
    owner_consent: bool = True,
    contract_name: Callable[[str, random.Random], str] | None = None,
) -> tuple[Document, Document]:
    """A CT01 filed by a lessee (household head of a new household) and the lease it rests on."""
    rng = ctx.rng
    lease = _lease(rng)
    received = ctx.received.date()
    if expired:
        end = received - timedelta(days=rng.randint(10, 120))
        start = end - timedelta(days=rng.choice([180, 364, 729]))
    else:
        start = received - timedelta(days=rng.randint(5, 300))
        end = start + timedelta(days=rng.choice([364, 729, 1095, 1825]))
    signing = start - timedelta(days=rng.randint(1, 5))
    cert = _certification(rng, certification, lease, signing) if certification else None
    member_list = _relative_members(rng, lease.lessee, members, head_is_declarant=True)
    persons = 1 + len(member_list)
    area = round(rng.uniform(*area_per_person) * persons * 2) / 2
    printed = lease
    if contract_name is not None:
        renamed = replace(lease.lessee, full_name=contract_name(lease.lessee.full_name, rng))
        printed = Lease(lease.lessor, renamed, lease.property_address)
    contract = _contract_doc(rng, printed, start, end, signing, cert, area, show_area)
    until = end if not expired else received + timedelta(days=365)
    ct01 = _rental_ct01(ctx, lease, request_type, until, member_list, owner_consent=owner_consent)
    return ct01, contract


def _other_letter(ctx: Ctx) -> Document:
    return _other(ctx.rng, ctx.rng.choice(["leave_request", "introduction_letter"]), ctx.received.date())


# --- scenarios -----------------------------------------------------------------------------------------


def _thuong_tru_owner(ctx: Ctx) -> Built:
    fam = _family(ctx.rng)
    declarant = _child(ctx.rng, fam, (1985, 2004))
    docs = [_owner_ct01(ctx, fam, declarant), _cert(ctx, fam)]
    if ctx.rng.random() < 0.35:
        docs.append(_id_card(ctx, declarant))
    return Built(docs, _meta("dang_ky_thuong_tru", "counter", ctx.received), [])


def _household_move(ctx: Ctx) -> Built:
    fam = _family(ctx.rng)
    declarant = _child(ctx.rng, fam, (1980, 1996))
    members = _relative_members(ctx.rng, declarant, 2, head_is_declarant=False)
    if ctx.rng.random() < 0.5:
        kid = _child(ctx.rng, Family(declarant, None, declarant.address), (2015, 2021))
        members.append(Member(kid, "Cháu"))
    ct01 = _owner_ct01(ctx, fam, declarant, members=members)
    return Built([ct01, _cert(ctx, fam)], _meta("dang_ky_thuong_tru", "counter", ctx.received), [])


def _tam_tru_rental(ctx: Ctx) -> Built:
    ct01, contract = _lease_docs(ctx, request_type="tam_tru", members=ctx.rng.randint(0, 1))
    docs = [ct01, contract]
    if ctx.rng.random() < 0.3:
        docs.append(_other_letter(ctx))
    return Built(docs, _meta("dang_ky_tam_tru", "counter", ctx.received), [])


def _tam_tru_certified(ctx: Ctx) -> Built:
    kind = ctx.rng.choice(["notarized", "certified"])
    ct01, contract = _lease_docs(ctx, request_type="tam_tru", certification=kind)
    return Built([ct01, contract], _meta("dang_ky_tam_tru", "counter", ctx.received), [])


def _gia_han(ctx: Ctx) -> Built:
    ct01, contract = _lease_docs(ctx, request_type="gia_han_tam_tru")
    return Built([ct01, contract], _meta("gia_han_tam_tru", "counter", ctx.received), [])


def _thuong_tru_rental_ok(ctx: Ctx) -> Built:
    ct01, contract = _lease_docs(
        ctx,
        request_type="thuong_tru",
        certification=ctx.rng.choice(["notarized", "certified"]),
        members=ctx.rng.randint(0, 2),
        area_per_person=(MIN_AREA_PER_PERSON + 2, 20.0),
    )
    return Built([ct01, contract], _meta("dang_ky_thuong_tru", "counter", ctx.received), [])


def _portal(ctx: Ctx) -> Built:
    fam = _family(ctx.rng)
    declarant = make_person(ctx.rng, birth_year=(1995, 2005))
    ct01 = _owner_ct01(ctx, fam, declarant, request_type="tam_tru", relationship="Cháu", portal=True)
    return Built([ct01, _cert(ctx, fam)], _meta("dang_ky_tam_tru", "portal", ctx.received), [], digital=(0,))


def _written_consent(ctx: Ctx) -> Built:
    fam = _family(ctx.rng)
    declarant = _child(ctx.rng, fam, (1985, 2004))
    ct01 = _owner_ct01(ctx, fam, declarant, consent=False)
    consent = ConsentData(
        title=ctx.rng.choice(CONSENT_TITLES),
        grantor=fam.owner,
        grantor_role="Chủ hộ, chủ sở hữu chỗ ở hợp pháp",
        grantee=declarant,
        relationship="Con",
        address=fam.property_address.new(),
        registration="đăng ký thường trú vào hộ gia đình và chỗ ở hợp pháp của tôi",
        recipient=fam.property_address.ward_police(),
        doc_date=ctx.received.date() - timedelta(days=ctx.rng.randint(1, 10)),
        place=fam.property_address.place.city,
        handwritten=ctx.handwritten,
    )
    docs = [ct01, render_consent(consent, ctx.rng), _cert(ctx, fam)]
    return Built(docs, _meta("dang_ky_thuong_tru", "counter", ctx.received), [])


def _ct02(ctx: Ctx, foreign_paper: bool = False) -> Built:
    fam = _family(ctx.rng)
    declarant = _child(ctx.rng, fam, (1975, 1998))
    country, passport = ctx.rng.choice(
        [("Hàn Quốc", "M"), ("Nhật Bản", "TR"), ("Hoa Kỳ", "A"), ("Cộng hòa Liên bang Đức", "C")]
    )
    sign = ctx.received.date() - timedelta(days=ctx.rng.randint(0, 6))
    data = CT02Data(
        form_version=ctx.rng.choice(["66/2023", "116/2026"]),
        recipient=fam.property_address.ward_police(),
        declarant=declarant,
        nationality=country,
        passport_number=f"{passport}{ctx.rng.randint(10_000_000, 99_999_999)}",
        foreign_address=f"{ctx.rng.randint(2, 900)} Central Road, {country}",
        household_head_name=fam.owner.full_name,
        household_head_id=fam.owner.personal_id,
        relationship_to_head="Con",
        request=_owner_request(fam, "thuong_tru", sign),
        request_type="thuong_tru",
        sign_place=fam.property_address.place.city,
        sign_date=sign,
        handwritten=ctx.handwritten,
    )
    docs = [render_ct02(data, ctx.rng), _cert(ctx, fam)]
    reasons: list[str] = []
    if foreign_paper:
        docs.append(render_foreign_letter(declarant, sign - timedelta(days=40), ctx.rng))
        reasons.append("foreign_document_not_legalised")
    return Built(docs, _meta("dang_ky_thuong_tru", "counter", ctx.received), reasons)


def _missing_owner_consent(ctx: Ctx) -> Built:
    ct01, contract = _lease_docs(ctx, request_type="tam_tru", owner_consent=False)
    return Built(
        [ct01, contract], _meta("dang_ky_tam_tru", "counter", ctx.received), ["missing_owner_consent"]
    )


def _no_consent_at_all(ctx: Ctx) -> Built:
    fam = _family(ctx.rng)
    declarant = make_person(ctx.rng, birth_year=(1985, 2003))
    ct01 = _owner_ct01(ctx, fam, declarant, relationship="Cháu", consent=False)
    reasons = ["missing_household_head_consent", "missing_owner_consent"]
    return Built([ct01, _cert(ctx, fam)], _meta("dang_ky_thuong_tru", "counter", ctx.received), reasons)


def _minor_no_guardian(ctx: Ctx) -> Built:
    fam = _family(ctx.rng)
    declarant = _child(ctx.rng, fam, (2009, 2013))
    ct01 = _owner_ct01(ctx, fam, declarant, minor=True, guardian=False)
    meta = _meta("dang_ky_thuong_tru", "counter", ctx.received)
    return Built([ct01, _cert(ctx, fam)], meta, ["missing_guardian_consent"])


def _rental_not_notarized(ctx: Ctx) -> Built:
    ct01, contract = _lease_docs(
        ctx, request_type="thuong_tru", members=ctx.rng.randint(0, 1), area_per_person=(12.0, 20.0)
    )
    meta = _meta("dang_ky_thuong_tru", "counter", ctx.received)
    return Built([ct01, contract], meta, ["rental_not_notarized"])


def _floor_area_below(ctx: Ctx) -> Built:
    ct01, contract = _lease_docs(
        ctx,
        request_type="thuong_tru",
        certification="notarized",
        members=2,
        area_per_person=(4.0, MIN_AREA_PER_PERSON - 1.5),
    )
    meta = _meta("dang_ky_thuong_tru", "counter", ctx.received)
    return Built([ct01, contract], meta, ["floor_area_below_minimum"])


def _missing_floor_area(ctx: Ctx) -> Built:
    ct01, contract = _lease_docs(
        ctx, request_type="thuong_tru", certification="notarized", members=1, show_area=False
    )
    meta = _meta("dang_ky_thuong_tru", "counter", ctx.received)
    return Built([ct01, contract], meta, ["missing_floor_area_proof"])


def _contract_expired(ctx: Ctx) -> Built:
    ct01, contract = _lease_docs(ctx, request_type="tam_tru", expired=True)
    return Built([ct01, contract], _meta("dang_ky_tam_tru", "counter", ctx.received), ["contract_expired"])


def _missing_declaration(ctx: Ctx) -> Built:
    fam = _family(ctx.rng)
    declarant = _child(ctx.rng, fam, (1985, 2004))
    docs = [_cert(ctx, fam), _id_card(ctx, declarant)]
    return Built(docs, _meta("dang_ky_thuong_tru", "counter", ctx.received), ["missing_declaration"])


def _missing_proof(ctx: Ctx) -> Built:
    ct01, _ = _lease_docs(ctx, request_type="tam_tru")
    docs = [ct01]
    if ctx.rng.random() < 0.5:
        docs.append(_other_letter(ctx))
    return Built(docs, _meta("dang_ky_tam_tru", "counter", ctx.received), ["missing_residence_proof"])


def _illegible(ctx: Ctx) -> Built:
    base = ctx.rng.choice([_thuong_tru_owner, _tam_tru_rental, _thuong_tru_rental_ok])(ctx)
    return Built(base.documents, base.meta, ["illegible_page"], unreadable=1)


def _id_inconsistent(ctx: Ctx) -> Built:
    fam = _family(ctx.rng)
    declarant = _child(ctx.rng, fam, (1985, 2004))
    pid = declarant.personal_id
    if ctx.rng.random() < 0.5:  # birth-year digits off
        yy = (int(pid[4:6]) + ctx.rng.choice([-7, -3, 3, 7, 11])) % 100
        wrong = f"{pid[:4]}{yy:02d}{pid[6:]}"
    else:  # century/sex digit says the other sex
        wrong = f"{pid[:3]}{int(pid[3]) ^ 1}{pid[4:]}"
    declarant = replace(declarant, personal_id=wrong)
    docs = [_owner_ct01(ctx, fam, declarant), _cert(ctx, fam)]
    return Built(
        docs, _meta("dang_ky_thuong_tru", "counter", ctx.received), ["id_inconsistent_with_birth_data"]
    )


def _other_middle_name(name: str, rng: random.Random) -> str:
    parts = name.split()
    middle = rng.choice([m for m in ("Văn", "Thị", "Minh", "Ngọc", "Hữu", "Thanh", "Quang") if m != parts[1]])
    return " ".join([parts[0], middle, *parts[2:]])


def _name_mismatch(ctx: Ctx) -> Built:
    """The lease names the lessee with another middle name than the CT01 (same ID)."""
    ct01, contract = _lease_docs(ctx, request_type="tam_tru", contract_name=_other_middle_name)
    meta = _meta("dang_ky_tam_tru", "counter", ctx.received)
    return Built([ct01, contract], meta, ["name_mismatch_across_documents"])


def _invalid_phone(ctx: Ctx) -> Built:
    """The declared phone number has 9 digits."""
    fam = _family(ctx.rng)
    declarant = _child(ctx.rng, fam, (1985, 2004))
    declarant = replace(declarant, phone=declarant.phone[:-1])
    docs = [_owner_ct01(ctx, fam, declarant), _cert(ctx, fam)]
    return Built(docs, _meta("dang_ky_thuong_tru", "counter", ctx.received), ["invalid_field_format"])


Scenario = Callable[[Ctx], Built]
SCENARIOS: dict[str, Scenario] = {
    "thuong_tru_owner": _thuong_tru_owner,
    "household_move": _household_move,
    "tam_tru_rental": _tam_tru_rental,
    "tam_tru_certified": _tam_tru_certified,
    "gia_han_tam_tru": _gia_han,
    "thuong_tru_rental_notarized": _thuong_tru_rental_ok,
    "portal_tam_tru": _portal,
    "written_consent": _written_consent,
    "ct02_overseas": _ct02,
    "missing_owner_consent": _missing_owner_consent,
    "missing_all_consent": _no_consent_at_all,
    "minor_without_guardian": _minor_no_guardian,
    "rental_not_notarized": _rental_not_notarized,
    "floor_area_below_minimum": _floor_area_below,
    "missing_floor_area_proof": _missing_floor_area,
    "contract_expired": _contract_expired,
    "missing_declaration": _missing_declaration,
    "missing_residence_proof": _missing_proof,
    "illegible_page": _illegible,
    "id_inconsistent": _id_inconsistent,
    "name_mismatch": _name_mismatch,
    "invalid_phone": _invalid_phone,
    "foreign_document": lambda ctx: _ct02(ctx, foreign_paper=True),
}


# --- files ---------------------------------------------------------------------------------------------


def _pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    return rng.choices([k for k, _ in weighted], weights=[w for _, w in weighted])[0]


def _stem(rng: random.Random, doc: Document) -> str:
    names = {
        "ct01": ["ct01", "to_khai", "tokhai_ct01"],
        "ct02": ["ct02", "to_khai_ct02"],
        "ownership_certificate": ["giay_chung_nhan", "so_hong", "gcn"],
        "rental_contract": ["hop_dong", "hop_dong_thue_nha", "hd_thue"],
        "id_card": ["cccd", "can_cuoc"],
        "other": ["giay_to_khac", "van_ban", "tai_lieu"],
    }
    return rng.choice(names[doc.doc_type])


def plan_files(rng: random.Random, built: Built) -> list[FileSpec]:
    """Spread the documents over files in the five formats, each with one degradation."""
    specs: list[FileSpec] = []
    used: set[str] = set()

    def name(stem: str, ext: str) -> str:
        candidate, k = f"{stem}.{ext}", 2
        while candidate in used:
            candidate, k = f"{stem}_{k}.{ext}", k + 1
        used.add(candidate)
        return candidate

    docs = built.documents
    if built.unreadable is None and not built.digital and len(docs) > 1 and rng.random() < 0.12:
        parts = tuple((d, p) for d, doc in enumerate(docs) for p in range(len(doc.pages)))
        fmt = rng.choice(["pdf_scan", "tiff"])
        ext = "pdf" if fmt == "pdf_scan" else "tif"
        return [FileSpec(name("ho_so_scan", ext), fmt, parts, rng.choice(["scan", "clean"]))]
    for d, doc in enumerate(docs):
        stem = _stem(rng, doc)
        pages = tuple((d, p) for p in range(len(doc.pages)))
        if d in built.digital:
            specs.append(FileSpec(name(stem + "_dien_tu", "pdf"), "pdf_digital", pages, "clean"))
            continue
        bad_page = rng.randrange(len(pages)) if built.unreadable == d else None
        handwritten = doc.handwritten
        if bad_page is not None or rng.random() < 0.45:
            for i, part in enumerate(pages):
                deg = rng.choice(ILLEGIBLE) if i == bad_page else _pick(rng, LEGIBLE_MIX)
                fmt = "jpeg" if deg in ("photo", "glare") or rng.random() < 0.5 else "png"
                suffix = f"_trang_{i + 1}" if len(pages) > 1 else ""
                specs.append(
                    FileSpec(name(stem + suffix, "jpg" if fmt == "jpeg" else "png"), fmt, (part,), deg)
                )
            continue
        deg = _pick(rng, LEGIBLE_MIX)
        if deg == "clean" and not handwritten and doc.doc_type != "id_card" and rng.random() < 0.4:
            specs.append(FileSpec(name(stem, "pdf"), "pdf_digital", pages, "clean"))
        elif len(pages) > 1 or rng.random() < 0.5:
            fmt = rng.choice(["pdf_scan", "pdf_scan", "tiff"])
            specs.append(FileSpec(name(stem, "pdf" if fmt == "pdf_scan" else "tif"), fmt, pages, deg))
        else:
            fmt = "jpeg" if deg == "photo" or rng.random() < 0.6 else "png"
            specs.append(FileSpec(name(stem, "jpg" if fmt == "jpeg" else "png"), fmt, pages, deg))
    rng.shuffle(specs)
    return specs


# --- the set -------------------------------------------------------------------------------------------


def build_dossier(seed: int, index: int, scenario: str) -> Dossier:
    rng = random.Random(f"{seed}:eval:{index}:{scenario}")
    received = datetime(2026, 11, 2, 8, 0, tzinfo=VN_TZ) + timedelta(
        days=rng.randint(0, 40), hours=rng.randint(0, 9), minutes=rng.choice([0, 15, 30, 45])
    )
    ctx = Ctx(rng, rng.choice(list(CT01_VERSIONS)), rng.random() < HANDWRITTEN_SHARE, received)
    built = SCENARIOS[scenario](ctx)
    files = plan_files(rng, built)
    reasons = sorted(built.reasons)
    return Dossier(
        name=f"hs_{index + 1:04d}",
        scenario=scenario,
        meta=built.meta,
        documents=built.documents,
        files=files,
        expected={"status": status_for(reasons), "reasons": reasons},
    )


def plan(n: int, seed: int) -> list[str]:
    """Every scenario once per round (shuffled), accept-type ones twice as often as each failure."""
    rng = random.Random(f"{seed}:eval-plan")
    accept = [k for k in SCENARIOS if k in ACCEPT_SCENARIOS]
    round_ = [*SCENARIOS, *accept]
    order: list[str] = []
    while len(order) < n:
        batch = list(round_)
        rng.shuffle(batch)
        order.extend(batch)
    return order[:n]


ACCEPT_SCENARIOS = {
    "thuong_tru_owner",
    "household_move",
    "tam_tru_rental",
    "tam_tru_certified",
    "gia_han_tam_tru",
    "thuong_tru_rental_notarized",
    "portal_tam_tru",
    "written_consent",
    "ct02_overseas",
}


def _write_one(args: tuple[int, int, str, Path, Path]) -> str:
    seed, index, scenario, batch_dir, truth_dir = args
    dossier = build_dossier(seed, index, scenario)
    write_dossier(dossier, index, batch_dir, truth_dir, seed)
    return dossier.name


def generate_eval_set(out_dir: Path, n: int, seed: int, workers: int | None = None) -> list[str]:
    """Write out_dir/batch and out_dir/truth for n dossiers; return the dossier names."""
    batch_dir, truth_dir = out_dir / "batch", out_dir / "truth"
    for folder in (batch_dir, truth_dir):
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
    jobs = [(seed, i, scenario, batch_dir, truth_dir) for i, scenario in enumerate(plan(n, seed))]
    workers = workers or min(os.cpu_count() or 1, 4)
    if workers <= 1 or n <= 2:
        return [_write_one(job) for job in jobs]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(_write_one, jobs, chunksize=2))
