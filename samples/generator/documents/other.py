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
