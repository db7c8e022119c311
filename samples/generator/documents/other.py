"""Papers that do not belong to a residence dossier (the pipeline should classify them as `other`)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from ..people import Person
from ..render import BODY, TITLE, Page
from . import Document
from .common import MOTTO, MOTTO_2, motto, signature_block

COMPANIES = [
    ("CÔNG TY TNHH THƯƠNG MẠI HOÀNG GIA PHÁT", "Công ty TNHH Thương mại Hoàng Gia Phát", "HGP"),
    ("CÔNG TY CỔ PHẦN XÂY DỰNG MINH TÂM", "Công ty Cổ phần Xây dựng Minh Tâm", "MTC"),
    ("CÔNG TY TNHH DỊCH VỤ KỸ THUẬT AN KHANG", "Công ty TNHH Dịch vụ Kỹ thuật An Khang", "AKT"),
]


@dataclass
class OtherData:
    kind: str
    person: Person
    manager: Person
    company: str
    company_name: str
    company_code: str
    doc_date: date
    place: str
    number: int


def _leave_request(d: OtherData, rng: random.Random) -> Page:
    page = Page()
    y = motto(page, 220)
    y += 110
    page.center(y, "ĐƠN XIN NGHỈ PHÉP", "label_bold", TITLE + 4)
    y += 140
    y = page.field(y, "Kính gửi:", f"Ban Giám đốc {d.company_name}", x0=page.left + 200, dots=False)
    y += 20
    p = d.person
    start = d.doc_date + timedelta(days=rng.randint(3, 10))
    end = start + timedelta(days=rng.randint(2, 6))
    for label, value in (
        ("Tôi tên là:", p.full_name),
        ("Ngày sinh:", p.dob_vi),
        ("Chức vụ:", "Nhân viên"),
        ("Bộ phận công tác:", rng.choice(["Phòng Kinh doanh", "Phòng Kế toán", "Phòng Kỹ thuật"])),
        ("Số điện thoại:", p.phone),
    ):
        y = page.field(y, label, value)
    y += 20
    for text in (
        f"Nay tôi làm đơn này kính xin Ban Giám đốc cho tôi được nghỉ phép từ ngày {start:%d/%m/%Y} đến "
        f"hết ngày {end:%d/%m/%Y}.",
        "Lý do: giải quyết việc gia đình.",
        "Trong thời gian nghỉ phép, tôi đã bàn giao công việc cho đồng nghiệp cùng bộ phận và bảo đảm "
        "liên lạc khi cần thiết. Tôi xin hứa sẽ trở lại làm việc đúng thời hạn.",
        "Kính mong Ban Giám đốc xem xét, chấp thuận. Tôi xin chân thành cảm ơn!",
    ):
        y = page.paragraph(y, text, indent=80)
    y += 80
    page.center(
        y,
        f"{d.place}, ngày {d.doc_date.day} tháng {d.doc_date.month} năm {d.doc_date.year}",
        "label_italic",
        BODY - 2,
        x0=page.left + 1100,
    )
    y += 90
    mid = page.left + 1100
    signature_block(
        page, (page.left + mid) / 2, y, ["Ý KIẾN CỦA LÃNH ĐẠO"], d.manager.full_name, rng, width=800
    )
    signature_block(page, (mid + page.right) / 2, y, ["NGƯỜI LÀM ĐƠN"], p.full_name, rng, width=800)
    return page


def _introduction_letter(d: OtherData, rng: random.Random) -> Page:
    page = Page()
    split = page.left + 900
    page.center(230, d.company, "label_bold", BODY - 8, x0=page.left - 80, x1=split)
    page.center(
        310, f"Số: {d.number:02d}/GGT-{d.company_code}", "label", BODY - 6, x0=page.left - 80, x1=split
    )
    page.center(230, MOTTO, "label_bold", BODY - 6, x0=split, x1=page.right + 60)
    page.center(300, MOTTO_2, "label_bold", BODY - 6, x0=split, x1=page.right + 60)
    dt = d.doc_date
    page.center(
        400,
        f"{d.place}, ngày {dt.day:02d} tháng {dt.month:02d} năm {dt.year}",
        "label_italic",
        BODY - 6,
        x0=split,
        x1=page.right + 60,
    )
    y = 600.0
    page.center(y, "GIẤY GIỚI THIỆU", "label_bold", TITLE + 6)
    y += 150
    y = page.field(
        y,
        "Kính gửi:",
        "Ngân hàng TMCP Công Thương Việt Nam - Chi nhánh " + d.place,
        x0=page.left + 200,
        dots=False,
    )
    y += 30
    y = page.paragraph(y, f"{d.company_name} trân trọng giới thiệu:", indent=80)
    p = d.person
    for label, value in (
        (f"{p.honorific}:", p.full_name),
        ("Chức vụ:", "Chuyên viên kế toán"),
        ("Số CCCD:", p.personal_id),
        ("Được cử đến:", "Ngân hàng TMCP Công Thương Việt Nam"),
        ("Về việc:", "Liên hệ làm thủ tục mở tài khoản thanh toán cho doanh nghiệp"),
    ):
        y = page.field(y, label, value)
    y += 20
    y = page.paragraph(
        y,
        "Đề nghị Quý cơ quan tạo điều kiện để "
        + p.honorific.lower()
        + " "
        + p.full_name
        + " hoàn thành nhiệm vụ.",
        indent=80,
    )
    until = dt + timedelta(days=30)
    y = page.paragraph(
        y, f"Giấy giới thiệu có giá trị đến hết ngày {until:%d/%m/%Y}.", "label_italic", indent=80
    )
    y += 120
    col_a = page.left + 1100
    cx = (col_a + page.right) / 2
    signature_block(page, cx, y, ["GIÁM ĐỐC"], d.manager.full_name, rng, note="", width=900)
    page.seal(cx - 180, y + 260, d.company, d.place.upper(), rng, center=[f"MST: 01{d.number:03d}5678"])
    return page


def render_other(data: OtherData, rng: random.Random) -> Document:
    if data.kind == "leave_request":
        page, title = _leave_request(data, rng), "ĐƠN XIN NGHỈ PHÉP"
    else:
        page, title = _introduction_letter(data, rng), "GIẤY GIỚI THIỆU"
    fields = {"title": title, "person_name": data.person.full_name, "date": data.doc_date.isoformat()}
    return Document("other", None, fields, [page])


# --- a written consent, given separately from the CT01 blocks ----------------------------------------------

CONSENT_TITLES = ("VĂN BẢN ĐỒNG Ý CHO ĐĂNG KÝ CƯ TRÚ", "GIẤY ĐỒNG Ý CHO ĐĂNG KÝ THƯỜNG TRÚ, TẠM TRÚ")


@dataclass
class ConsentData:
    title: str
    grantor: Person
    grantor_role: str
    grantee: Person
    relationship: str
    address: str
    registration: str
    recipient: str
    doc_date: date
    place: str
    handwritten: bool = False

    def fields(self) -> dict[str, object]:
        return {
            "title": self.title,
            "person_name": self.grantor.full_name,
            "date": self.doc_date.isoformat(),
            "grantor_id": self.grantor.personal_id,
            "grantee_name": self.grantee.full_name,
            "grantee_id": self.grantee.personal_id,
            "property_address": self.address,
            "consent_type": "written_consent",
        }


def render_consent(data: ConsentData, rng: random.Random) -> Document:
    """The owner's (and household head's) written consent: no notarisation needed (domain.md §1)."""
    page = Page(value_style="hand" if data.handwritten else "value")
    y = motto(page, 220)
    y += 110
    for line in page.wrap(data.title, "label_bold", TITLE, page.right - page.left):
        page.center(y, line, "label_bold", TITLE)
        y += 90
    y += 60
    y = page.field(y, "Kính gửi:", data.recipient, x0=page.left + 200)
    y += 20
    g, e = data.grantor, data.grantee
    for label, value in (
        ("Tôi tên là:", g.full_name),
        ("Ngày, tháng, năm sinh:", g.dob_vi),
        ("Số định danh cá nhân:", g.personal_id),
        ("Là:", data.grantor_role),
        ("Địa chỉ chỗ ở:", data.address),
    ):
        y = page.field(y, label, value)
    y += 10
    y = page.paragraph(y, "Tôi đồng ý cho:", indent=0)
    for label, value in (
        (f"{e.honorific}:", e.full_name),
        ("Ngày, tháng, năm sinh:", e.dob_vi),
        ("Số định danh cá nhân:", e.personal_id),
        ("Quan hệ với chủ hộ:", data.relationship),
    ):
        y = page.field(y, label, value)
    y = page.field(y, "Được:", data.registration)
    y = page.paragraph(
        y,
        "Tôi xin cam đoan những nội dung trên là đúng sự thật và chịu trách nhiệm trước pháp luật về "
        "việc đồng ý này.",
        indent=80,
    )
    y += 60
    d = data.doc_date
    col = page.left + 1100
    page.center(
        y, f"{data.place}, ngày {d.day} tháng {d.month} năm {d.year}", "label_italic", BODY - 2, x0=col
    )
    signature_block(page, (col + page.right) / 2, y + 80, ["NGƯỜI ĐỒNG Ý"], g.full_name, rng, width=900)
    return Document("other", None, data.fields(), [page])


# --- a paper issued abroad, in English, without legalisation or translation --------------------------------


def render_foreign_letter(person: Person, issued: date, rng: random.Random) -> Document:
    page = Page()
    city, country = rng.choice(
        [("Seoul", "Republic of Korea"), ("Osaka", "Japan"), ("Taipei", "Taiwan"), ("Leipzig", "Germany")]
    )
    y = 260.0
    page.center(y, f"{city.upper()} MUNICIPAL RESIDENTS OFFICE", "label_bold", BODY + 4)
    y += 80
    page.center(y, country, "label_italic", BODY)
    y += 180
    page.center(y, "CERTIFICATE OF RESIDENCE", "label_bold", TITLE + 4)
    y += 160
    for label, value in (
        ("Name:", person.full_name.upper()),
        ("Date of birth:", person.date_of_birth.strftime("%d %B %Y")),
        ("Nationality:", "Viet Nam"),
        ("Address:", f"{rng.randint(2, 400)}-{rng.randint(1, 30)} Central District, {city}"),
        ("Resident since:", f"{rng.randint(2012, 2022)}"),
    ):
        y = page.field(y, label, value, dots=False)
    y += 30
    y = page.paragraph(
        y,
        "This is to certify that the person named above is registered as a resident at the address "
        "shown. This certificate is issued upon request for submission to the authorities concerned.",
        indent=80,
    )
    y += 100
    page.center(y, f"Issued on {issued.strftime('%d %B %Y')}", "label_italic", BODY - 2, x0=page.left + 1100)
    signature_block(page, (page.left + 1100 + page.right) / 2, y + 80, ["Head of Office"], "", rng, note="")
    page.seal(page.left + 1500, y + 330, f"{city.upper()} RESIDENTS OFFICE", country.upper(), rng)
    fields = {
        "title": "CERTIFICATE OF RESIDENCE",
        "person_name": person.full_name,
        "date": issued.isoformat(),
    }
    return Document("other", None, fields, [page])
