"""Scenarios: consistent people -> documents -> files of a dossier, plus the ground truth describing them."""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from . import files
from .degrade import LEGIBLE, DegradedPage, degrade
from .documents import Document
from .documents.ct01 import CT01Data, Member, render_ct01
from .documents.other import COMPANIES, OtherData, render_other
from .documents.ownership_certificate import ORIGINS, CertificateData, render_certificate
from .documents.rental_contract import Certification, ContractData, render_contract
from .people import PLACES, Address, Person, make_person, random_address, random_date, random_name
from .render import HAND_FACE, rasterize

VN_TZ = timezone(timedelta(hours=7))


@dataclass(frozen=True)
class FileSpec:
    name: str
    fmt: str
    parts: tuple[tuple[int, int], ...]
    degradation: str


@dataclass
class Dossier:
    name: str
    scenario: str
    meta: dict[str, str] | None
    documents: list[Document]
    files: list[FileSpec]
    loose: bool = False
    notes: list[str] = field(default_factory=list)
    expected: dict[str, Any] | None = None
    """{"status": accept|supplement|refuse|review, "reasons": [reason codes of domain.md §5]}"""


def _meta(procedure: str, channel: str, received: datetime) -> dict[str, str]:
    return {"procedure": procedure, "channel": channel, "received_at": received.isoformat()}


def _at(y: int, m: int, d: int, hh: int, mm: int) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=VN_TZ)


def _all_pages(doc_index: int, doc: Document) -> tuple[tuple[int, int], ...]:
    return tuple((doc_index, p) for p in range(len(doc.pages)))


# --- people and documents -----------------------------------------------------------------------------


@dataclass
class Family:
    owner: Person
    spouse: Person | None
    property_address: Address


def _family(rng: random.Random, place_city: str | None = None) -> Family:
    places = [p for p in PLACES if place_city is None or p.city == place_city]
    prop = random_address(rng, rng.choice(places))
    owner = make_person(
        rng, gender=rng.choice(["male", "male", "female"]), birth_year=(1952, 1975), address=prop
    )
    spouse = None
    if rng.random() < 0.6:
        other = "female" if owner.gender == "male" else "male"
        y = owner.date_of_birth.year
        spouse = make_person(rng, gender=other, birth_year=(y - 4, y + 3), address=prop)
    return Family(owner, spouse, prop)


# A child is born when the household head (a parent) is this many years old, as families are: the forms'
# relationship to the head ("Con") must fit the two years of birth.
PARENT_AGE_AT_BIRTH = (18, 45)


def _child(rng: random.Random, fam: Family, birth_year: tuple[int, int]) -> Person:
    """A child of the family's head born within `birth_year`, and when the head's age allows it within
    PARENT_AGE_AT_BIRTH of the head's year (a scenario's own years, a minor's, come first)."""
    father = fam.owner if fam.owner.gender == "male" else fam.spouse
    surname = father.full_name.split()[0] if father else None
    head_year = fam.owner.date_of_birth.year
    earliest = max(birth_year[0], head_year + PARENT_AGE_AT_BIRTH[0])
    latest = min(birth_year[1], head_year + PARENT_AGE_AT_BIRTH[1])
    years = (earliest, latest) if earliest <= latest else birth_year
    return make_person(rng, birth_year=years, surname=surname, address=random_address(rng))


def _certificate(rng: random.Random, fam: Family) -> Document:
    return render_certificate(_certificate_data(rng, fam), rng)


def _certificate_data(rng: random.Random, fam: Family) -> CertificateData:
    owners = [fam.owner] + ([fam.spouse] if fam.spouse else [])
    place = fam.property_address.place
    area = round(rng.uniform(32, 110), 1)
    floors = rng.randint(1, 5)
    if rng.random() < 0.5:
        issuer, title = "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG", ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")
    else:
        issuer, title = f"ỦY BAN NHÂN DÂN {place.old_district.upper()}", ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")
    return CertificateData(
        serial=f"{rng.choice(['BV', 'BX', 'BY', 'CĐ', 'CH', 'CK', 'CS', 'DA'])} {rng.randint(0, 999999):06d}",
        registry_number=f"{rng.choice(['CS', 'CH'])} {rng.randint(100, 99999):05d}",
        owners=owners,
        property_address=fam.property_address,
        parcel_number=str(rng.randint(12, 480)),
        map_sheet=str(rng.randint(1, 45)),
        area_m2=area,
        floor_area_m2=round(area * floors * rng.uniform(0.85, 1.0), 1),
        floors=floors,
        usage_term="Lâu dài",
        origin=rng.choice(ORIGINS),
        issue_date=random_date(rng, date(2017, 1, 1), date(2023, 6, 30)),
        issue_place=place.city,
        issuer=issuer,
        issuer_seal_bottom=fam.property_address.province_seal(),
        signer_title=title,
        signer_name=random_name(rng, rng.choice(["male", "female"])),
    )


def _relative_members(
    rng: random.Random, declarant: Person, count: int, head_is_declarant: bool
) -> list[Member]:
    members: list[Member] = []
    if count >= 1:
        spouse_gender = "female" if declarant.gender == "male" else "male"
        y = declarant.date_of_birth.year
        spouse = make_person(rng, gender=spouse_gender, birth_year=(y - 3, y + 4), address=declarant.address)
        if head_is_declarant:
            rel = "Vợ" if spouse_gender == "female" else "Chồng"
        else:
            rel = "Con dâu" if spouse_gender == "female" else "Con rể"
        members.append(Member(spouse, rel))
    if count >= 2:
        surname = (
            declarant.full_name.split()[0]
            if declarant.gender == "male"
            else members[0].person.full_name.split()[0]
        )
        y = min(max(declarant.date_of_birth.year + 22, 2012), 2022)
        kid = make_person(rng, birth_year=(y, y + 3), surname=surname, address=declarant.address)
        members.append(Member(kid, "Con" if head_is_declarant else "Cháu"))
    return members


def _owner_ct01(
    rng: random.Random,
    fam: Family,
    declarant: Person,
    version: str,
    sign_date: date,
    *,
    request_type: str = "thuong_tru",
    relationship: str = "Con",
    members: list[Member] | None = None,
    minor: bool = False,
    portal: bool = False,
    stay_until: date | None = None,
) -> Document:
    prop = fam.property_address
    owner = fam.owner
    if request_type == "thuong_tru":
        request = (
            f"Đăng ký thường trú vào hộ gia đình {owner.honorific.lower()} {owner.full_name} tại {prop.new()}"
        )
    else:
        until = stay_until or sign_date + timedelta(days=730)
        request = f"Đăng ký tạm trú tại {prop.new()}, thời hạn tạm trú đến ngày {until:%d/%m/%Y}"
    data = CT01Data(
        form_version=version,
        recipient=prop.ward_police(),
        declarant=declarant,
        household_head_name=owner.full_name,
        household_head_id=owner.personal_id,
        relationship_to_head=relationship,
        request=request,
        request_type=request_type,
        sign_place=prop.place.city,
        sign_date=sign_date,
        members=members or [],
        owner_name=owner.full_name,
        owner_id=owner.personal_id,
        guardian_name=owner.full_name if minor else "",
        guardian_id=owner.personal_id if minor else "",
        consent_household_head=True,
        consent_owner=True,
        consent_guardian=minor,
        declarant_signed=not portal,
        consent_via_vneid=portal,
        permanent_address=declarant.address.new(),
        current_address=prop.new(),
    )
    return render_ct01(data, rng)


@dataclass
class Lease:
    lessor: Person
    lessee: Person
    property_address: Address


def _lease(rng: random.Random) -> Lease:
    prop = random_address(rng)
    lessor = make_person(rng, birth_year=(1955, 1980), address=random_address(rng, prop.place))
    lessee = make_person(rng, birth_year=(1984, 2003))
    return Lease(lessor, lessee, prop)


def _contract(
    rng: random.Random,
    lease: Lease,
    start: date,
    end: date,
    signing: date,
    certification: Certification | None = None,
    cert_serial: str = "",
) -> Document:
    data = ContractData(
        lessor=lease.lessor,
        lessee=lease.lessee,
        property_address=lease.property_address,
        area_m2=float(rng.choice([18, 22, 25, 30, 35, 42, 48, 55])) + rng.choice([0.0, 0.5]),
        rooms=rng.randint(1, 2),
        monthly_rent_vnd=rng.choice([3_500_000, 4_000_000, 4_500_000, 5_200_000, 6_000_000, 7_500_000]),
        deposit_months=rng.randint(1, 2),
        start_date=start,
        end_date=end,
        signing_date=signing,
        signing_place=lease.property_address.new(),
        payment_day=rng.choice([5, 10, 15]),
        certificate_serial=cert_serial,
        certification=certification,
    )
    return render_contract(data, rng)


def _rental_ct01(
    rng: random.Random,
    lease: Lease,
    version: str,
    sign_date: date,
    request_type: str,
    until: date,
    members: list[Member],
) -> Document:
    prop = lease.property_address
    p = lease.lessee
    if request_type == "thuong_tru":
        request = f"Đăng ký thường trú tại {prop.new()} (nhà thuê, lập hộ mới)"
    elif request_type == "gia_han_tam_tru":
        request = f"Gia hạn tạm trú tại {prop.new()} đến ngày {until:%d/%m/%Y}"
    else:
        request = f"Đăng ký tạm trú tại {prop.new()}, thời hạn tạm trú đến ngày {until:%d/%m/%Y}"
    data = CT01Data(
        form_version=version,
        recipient=prop.ward_police(),
        declarant=p,
        household_head_name=p.full_name,
        household_head_id=p.personal_id,
        relationship_to_head="Chủ hộ",
        request=request,
        request_type=request_type,
        sign_place=prop.place.city,
        sign_date=sign_date,
        members=members,
        owner_name=lease.lessor.full_name,
        owner_id=lease.lessor.personal_id,
        consent_owner=True,
        permanent_address=p.address.new(),
        temporary_address=prop.new() if request_type == "gia_han_tam_tru" else "",
        current_address=prop.new(),
    )
    return render_ct01(data, rng)


def _certification(
    rng: random.Random,
    kind: str,
    lease: Lease,
    when: date,
) -> Certification:
    place = lease.property_address.place
    if kind == "notarized":
        office = "Văn phòng công chứng " + rng.choice(
            ["Nguyễn Huệ", "Hà Thành", "Sài Gòn", "Bến Thành", "Thái Hà"]
        )
        return Certification(
            kind,
            office,
            lease.property_address.province_seal(),
            random_name(rng, rng.choice(["male", "female"])),
            f"{rng.randint(1000, 9999)}",
            f"{rng.randint(1, 9):02d}/{when.year} TP/CC-SCC/HĐGD",
            when,
            place.new_province,
        )
    office = f"Ủy ban nhân dân {place.new_ward}, {place.new_province}"
    return Certification(
        kind,
        office,
        place.new_province.upper(),
        random_name(rng, rng.choice(["male", "female"])),
        f"{rng.randint(10, 999)}",
        f"{rng.randint(1, 3):02d}/{when.year}-SCT/HĐ,GD",
        when,
        place.new_province,
    )


def _other(rng: random.Random, kind: str, when: date) -> Document:
    company, company_name, code = rng.choice(COMPANIES)
    data = OtherData(
        kind=kind,
        person=make_person(rng, birth_year=(1985, 2000)),
        manager=make_person(rng, birth_year=(1965, 1980)),
        company=company,
        company_name=company_name,
        company_code=code,
        doc_date=when,
        place=rng.choice(["Hà Nội", "TP. Hồ Chí Minh"]),
        number=rng.randint(3, 99),
    )
    return render_other(data, rng)


# --- the committed batch ------------------------------------------------------------------------------


def _d01(rng: random.Random) -> Dossier:
    fam = _family(rng, "Hà Nội")
    declarant = _child(rng, fam, (1990, 2002))
    received = _at(2026, 11, 16, 9, 30)
    ct01 = _owner_ct01(
        rng,
        fam,
        declarant,
        "66/2023",
        received.date() - timedelta(days=3),
        members=_relative_members(rng, declarant, rng.randint(0, 2), head_is_declarant=False),
    )
    cert = _certificate(rng, fam)
    return Dossier(
        "01_thuong_tru_chu_so_huu",
        "thuong_tru_owner",
        _meta("dang_ky_thuong_tru", "counter", received),
        [ct01, cert],
        [
            FileSpec("ct01.jpg", "jpeg", ((0, 0),), "scan"),
            FileSpec("giay_chung_nhan.pdf", "pdf_scan", _all_pages(1, cert), "scan"),
        ],
    )


def _d02(rng: random.Random) -> Dossier:
    lease = _lease(rng)
    received = _at(2026, 11, 16, 10, 15)
    start, end = date(2026, 3, 1), date(2027, 2, 28)
    contract = _contract(rng, lease, start, end, date(2026, 2, 25))
    ct01 = _rental_ct01(
        rng,
        lease,
        "56/2021",
        received.date() - timedelta(days=1),
        "tam_tru",
        end,
        _relative_members(rng, lease.lessee, 1, head_is_declarant=True),
    )
    return Dossier(
        "02_tam_tru_thue_nha",
        "tam_tru_rental",
        _meta("dang_ky_tam_tru", "counter", received),
        [ct01, contract],
        [
            FileSpec("to_khai_ct01.jpg", "jpeg", ((0, 0),), "photo"),
            FileSpec("hop_dong_thue_nha.pdf", "pdf_digital", _all_pages(1, contract), "clean"),
        ],
    )


def _d03(rng: random.Random) -> Dossier:
    lease = _lease(rng)
    received = _at(2026, 11, 17, 8, 5)
    start, end = date(2025, 11, 15), date(2027, 11, 14)
    contract = _contract(rng, lease, start, end, date(2025, 11, 10))
    ct01 = _rental_ct01(
        rng, lease, "53/2025", received.date() - timedelta(days=2), "gia_han_tam_tru", end, []
    )
    return Dossier(
        "03_gia_han_tam_tru",
        "gia_han_tam_tru",
        _meta("gia_han_tam_tru", "counter", received),
        [ct01, contract],
        [
            FileSpec("ho_so_scan.tif", "tiff", ((0, 0), *_all_pages(1, contract)), "scan"),
        ],
    )


def _d04(rng: random.Random) -> Dossier:
    lease = _lease(rng)
    received = _at(2026, 11, 17, 14, 20)
    start, end = date(2026, 9, 1), date(2031, 8, 31)
    notary = _certification(rng, "notarized", lease, date(2026, 8, 28))
    contract = _contract(rng, lease, start, end, date(2026, 8, 28), notary)
    ct01 = _rental_ct01(
        rng,
        lease,
        "116/2026",
        received.date() - timedelta(days=4),
        "thuong_tru",
        end,
        _relative_members(rng, lease.lessee, 2, head_is_declarant=True),
    )
    return Dossier(
        "04_thuong_tru_thue_cong_chung",
        "thuong_tru_rental_notarized",
        _meta("dang_ky_thuong_tru", "counter", received),
        [ct01, contract],
        [
            FileSpec("ct01.png", "png", ((0, 0),), "clean"),
            FileSpec("hop_dong_cong_chung.pdf", "pdf_scan", _all_pages(1, contract), "scan"),
        ],
    )


def _d05(rng: random.Random) -> Dossier:
    fam = _family(rng, "TP. Hồ Chí Minh")
    declarant = make_person(rng, birth_year=(1995, 2005))
    received = _at(2026, 11, 14, 21, 47)
    ct01 = _owner_ct01(
        rng,
        fam,
        declarant,
        "66/2023",
        received.date(),
        request_type="tam_tru",
        relationship="Cháu",
        portal=True,
        stay_until=date(2028, 11, 30),
    )
    cert = _certificate(rng, fam)
    return Dossier(
        "05_portal_tam_tru",
        "portal_tam_tru_owner",
        _meta("dang_ky_tam_tru", "portal", received),
        [ct01, cert],
        [
            FileSpec("CT01_dien_tu.pdf", "pdf_digital", ((0, 0),), "clean"),
            FileSpec("so_hong_trang_1.jpg", "jpeg", ((1, 0),), "photo"),
            FileSpec("so_hong_trang_2.jpg", "jpeg", ((1, 1),), "photo"),
        ],
    )


def _d06(rng: random.Random) -> Dossier:
    lease = _lease(rng)
    received = _at(2026, 11, 18, 15, 40)
    start, end = date(2026, 10, 1), date(2027, 9, 30)
    cert = _certification(rng, "certified", lease, date(2026, 9, 29))
    contract = _contract(rng, lease, start, end, date(2026, 9, 28), cert)
    ct01 = _rental_ct01(
        rng,
        lease,
        "66/2023",
        received.date() - timedelta(days=1),
        "tam_tru",
        end,
        _relative_members(rng, lease.lessee, rng.randint(0, 1), head_is_declarant=True),
    )
    other = _other(rng, "introduction_letter", date(2026, 10, 20))
    return Dossier(
        "06_chung_thuc_va_giay_khac",
        "tam_tru_certified_with_other",
        _meta("dang_ky_tam_tru", "counter", received),
        [ct01, contract, other],
        [
            FileSpec("ct01.png", "png", ((0, 0),), "scan"),
            FileSpec("hop_dong_trang_1.jpg", "jpeg", ((1, 0),), "scan"),
            FileSpec("hop_dong_trang_2.jpg", "jpeg", ((1, 1),), "scan"),
            FileSpec("giay_gioi_thieu.png", "png", ((2, 0),), "scan"),
        ],
    )


def _d07(rng: random.Random) -> Dossier:
    fam = _family(rng)
    declarant = _child(rng, fam, (2009, 2011))
    ct01 = _owner_ct01(rng, fam, declarant, "53/2025", date(2026, 11, 12), minor=True)
    cert = _certificate(rng, fam)
    return Dossier(
        "07_khong_co_dossier_json",
        "thuong_tru_owner_minor",
        None,
        [ct01, cert],
        [
            FileSpec("to_khai.jpg", "jpeg", ((0, 0),), "photo"),
            FileSpec("gcn_trang_1.png", "png", ((1, 0),), "clean"),
            FileSpec("gcn_trang_2.png", "png", ((1, 1),), "clean"),
        ],
    )


def _loose(rng: random.Random) -> Dossier:
    fam = _family(rng)
    declarant = _child(rng, fam, (1985, 2000))
    ct01 = _owner_ct01(
        rng,
        fam,
        declarant,
        "116/2026",
        date(2026, 11, 13),
        relationship="Con",
        members=_relative_members(rng, declarant, 1, head_is_declarant=False),
    )
    cert = _certificate(rng, fam)
    return Dossier(
        "ho_so_le",
        "loose_pdf_thuong_tru_owner",
        None,
        [ct01, cert],
        [
            FileSpec("ho_so_le.pdf", "pdf_scan", ((0, 0), *_all_pages(1, cert)), "scan"),
        ],
        loose=True,
    )


Builder = Callable[[random.Random], Dossier]
BATCH: list[tuple[str, str, Builder]] = [
    ("01_thuong_tru_chu_so_huu", "thuong_tru_owner", _d01),
    ("02_tam_tru_thue_nha", "tam_tru_rental", _d02),
    ("03_gia_han_tam_tru", "gia_han_tam_tru", _d03),
    ("04_thuong_tru_thue_cong_chung", "thuong_tru_rental_notarized", _d04),
    ("05_portal_tam_tru", "portal_tam_tru_owner", _d05),
    ("06_chung_thuc_va_giay_khac", "tam_tru_certified_with_other", _d06),
    ("07_khong_co_dossier_json", "thuong_tru_owner_minor", _d07),
    ("ho_so_le", "loose_pdf_thuong_tru_owner", _loose),
]
SCENARIOS = [scenario for _, scenario, _ in BATCH]


# --- expected decisions -------------------------------------------------------------------------------

MIN_AREA_PER_PERSON = 8.0


def expected_for(dossier: Dossier) -> dict[str, Any]:
    """The decision the committed sample dossiers call for (domain.md §3); eval-set builders set theirs."""
    reasons: list[str] = []
    ct01 = next((d for d in dossier.documents if d.doc_type == "ct01"), None)
    contract = next((d for d in dossier.documents if d.doc_type == "rental_contract"), None)
    if ct01 is not None and contract is not None and ct01.fields["request_type"] == "thuong_tru":
        persons = 1 + len(ct01.fields["household_members"])
        area = contract.fields["area_m2"]
        if not contract.fields["notarized"]:
            reasons.append("rental_not_notarized")
        if area is None:
            reasons.append("missing_floor_area_proof")
        elif area / persons < MIN_AREA_PER_PERSON:
            reasons.append("floor_area_below_minimum")
    return {"status": status_for(reasons), "reasons": reasons}


REFUSE_REASONS = {"floor_area_below_minimum"}
REVIEW_REASONS = {"id_inconsistent_with_birth_data", "name_mismatch_across_documents"}


def status_for(reasons: list[str]) -> str:
    """refuse beats supplement beats review beats accept (a refusal needs no completion first)."""
    if any(r in REFUSE_REASONS for r in reasons):
        return "refuse"
    if any(r not in REVIEW_REASONS for r in reasons):
        return "supplement"
    return "review" if reasons else "accept"


# --- writing ------------------------------------------------------------------------------------------


def _dump(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def write_dossier(dossier: Dossier, index: int, out_dir: Path, truth_dir: Path, seed: int) -> list[Path]:
    folder = out_dir if dossier.loose else out_dir / dossier.name
    if not dossier.loose:
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
    raster: dict[tuple[int, int], Image.Image] = {}
    written: list[Path] = []
    truth_files: dict[str, list[dict[str, Any]]] = {}
    for f_idx, spec in enumerate(dossier.files):
        path = folder / spec.name
        entries = []
        degraded: list[DegradedPage] = []
        for p_idx, (d_idx, page_no) in enumerate(spec.parts):
            doc = dossier.documents[d_idx]
            entries.append(
                {
                    "page": p_idx + 1,
                    "doc_type": doc.doc_type,
                    "form_version": doc.form_version,
                    "degradation": spec.degradation,
                    "document": d_idx,
                    "document_page": page_no + 1,
                    "born_digital": spec.fmt == "pdf_digital",
                    "legible": LEGIBLE[spec.degradation],
                }
            )
            if spec.fmt == "pdf_digital":
                continue
            key = (d_idx, page_no)
            if key not in raster:
                raster[key] = rasterize(doc.pages[page_no])
            rng = np.random.default_rng([seed, index, f_idx, p_idx])
            degraded.append(degrade(raster[key], spec.degradation, rng))
        title = f"{dossier.name}/{spec.name}"
        if spec.fmt == "pdf_digital":
            files.write_born_digital_pdf([dossier.documents[d].pages[p] for d, p in spec.parts], path, title)
        elif spec.fmt == "pdf_scan":
            files.write_scanned_pdf(degraded, path, title)
        elif spec.fmt == "tiff":
            files.write_tiff(degraded, path)
        elif spec.fmt in ("png", "jpeg"):
            if len(degraded) != 1:
                raise ValueError(f"{spec.name}: {spec.fmt} holds exactly one page")
            (files.write_png if spec.fmt == "png" else files.write_jpeg)(degraded[0], path)
        else:
            raise ValueError(f"unknown format {spec.fmt!r}")
        truth_files[spec.name] = entries
        written.append(path)
    if dossier.meta is not None and not dossier.loose:
        _dump(folder / "dossier.json", dossier.meta)
        written.append(folder / "dossier.json")
    truth = {
        "dossier": dossier.name,
        "seed": seed,
        "scenario": dossier.scenario,
        "meta": dossier.meta,
        "expected": dossier.expected or expected_for(dossier),
        "files": truth_files,
        "documents": [doc.truth(i) for i, doc in enumerate(dossier.documents)],
    }
    if any(doc.handwritten for doc in dossier.documents):
        truth["handwriting_face"] = HAND_FACE
    truth_dir.mkdir(parents=True, exist_ok=True)
    _dump(truth_dir / f"{dossier.name}.json", truth)
    written.append(truth_dir / f"{dossier.name}.json")
    return written


def generate_batch(out_dir: Path, truth_dir: Path, seed: int, scenarios: list[str] | None = None) -> None:
    """Render the sample batch; `scenarios` filters by scenario or dossier name (None: all)."""
    known = {n for n, _, _ in BATCH} | set(SCENARIOS)
    unknown = sorted(set(scenarios or []) - known)
    if unknown:
        raise ValueError(f"unknown scenarios {unknown}; known: {SCENARIOS}")
    out_dir.mkdir(parents=True, exist_ok=True)
    for index, (name, scenario, build) in enumerate(BATCH):
        if scenarios and name not in scenarios and scenario not in scenarios:
            continue
        dossier = build(random.Random(f"{seed}:{name}"))
        write_dossier(dossier, index, out_dir, truth_dir, seed)
