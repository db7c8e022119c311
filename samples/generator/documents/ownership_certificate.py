"""Land-use and house-ownership certificate (sổ hồng), the pre-2024 booklet layout, pages 1 and 2."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from ..people import Address, Person, read_number_vi
from ..render import BODY, TITLE_RED, Page
from . import Document
from .common import motto

PINK_PAPER = (252, 237, 236)
TITLE = "GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU NHÀ Ở VÀ TÀI SẢN KHÁC GẮN LIỀN VỚI ĐẤT"
ORIGINS = [
    "Nhà nước giao đất có thu tiền sử dụng đất",
    "Công nhận quyền sử dụng đất như giao đất có thu tiền sử dụng đất",
    "Nhận chuyển nhượng đất được công nhận quyền sử dụng đất như giao đất có thu tiền sử dụng đất",
]


@dataclass
class CertificateData:
    serial: str
    registry_number: str
    owners: list[Person]
    property_address: Address
    parcel_number: str
    map_sheet: str
    area_m2: float
    floor_area_m2: float
    floors: int
    usage_term: str
    origin: str
    issue_date: date
    issue_place: str
    issuer: str
    issuer_seal_bottom: str
    signer_title: tuple[str, str]
    signer_name: str

    def fields(self) -> dict[str, object]:
        return {
            "certificate_serial": self.serial,
            "registry_number": self.registry_number,
            "owner_names": [o.full_name for o in self.owners],
            "owner_ids": [o.personal_id for o in self.owners],
            "parcel_number": self.parcel_number,
            "map_sheet": self.map_sheet,
            "address": self.property_address.old(),
            "area_m2": self.area_m2,
            "usage_term": self.usage_term,
            "issue_date": self.issue_date.isoformat(),
            "issuer": self.issuer,
            "floor_area_m2": self.floor_area_m2,
        }


def m2(value: float) -> str:
    return f"{value:.1f}".replace(".", ",") + " m²"


def _frame(page: Page) -> None:
    page.rect(95, 95, 2480 - 190, 3508 - 190, width=10, color=TITLE_RED)
    page.rect(125, 125, 2480 - 250, 3508 - 250, width=3, color=TITLE_RED)


def _page_one(data: CertificateData) -> Page:
    page = Page(background=PINK_PAPER, left=260, right=2480 - 260)
    _frame(page)
    y = motto(page, 330, size=54, color=TITLE_RED)
    y += 120
    for line in page.wrap(TITLE, "label_bold", 70, page.right - page.left - 60):
        page.center(y, line, "label_bold", 70, TITLE_RED)
        y += 100
    y += 140
    y = page.paragraph(
        y, "I. Người sử dụng đất, chủ sở hữu nhà ở và tài sản khác gắn liền với đất", "label_bold", BODY + 2
    )
    y += 30
    for i, owner in enumerate(data.owners):
        lead = (
            f"{owner.honorific}:"
            if i == 0
            else f"Và {'chồng' if owner.gender == 'male' else 'vợ'} - {owner.honorific}:"
        )
        page.runs(page.left + 60, y, [("label", lead + " "), ("value_bold", owner.full_name.upper())])
        page.runs(page.left + 1350, y, [("label", "Năm sinh: "), ("value", str(owner.date_of_birth.year))])
        y += 82
        page.runs(page.left + 60, y, [("label", "CCCD số: "), ("value", owner.personal_id)])
        y += 82
        if i == len(data.owners) - 1:
            y = page.field(
                y, "Địa chỉ thường trú:", owner.address.old(), x0=page.left + 60, dots=False, line_height=82
            )
        y += 30
    page.runs(page.left, 3508 - 330, [("label", "Số vào sổ cấp GCN: "), ("value", data.registry_number)])
    page.right_text(page.right, 3508 - 330, data.serial, "value_bold", 64, TITLE_RED)
    return page


def _page_two(data: CertificateData, rng: random.Random) -> Page:
    page = Page(background=PINK_PAPER, left=260, right=2480 - 260)
    _frame(page)
    step = 80
    y = 330.0
    y = page.paragraph(y, "II. Thửa đất, nhà ở và tài sản khác gắn liền với đất", "label_bold", BODY + 4)
    y += 20
    page.text(page.left, y, "1. Thửa đất:", "label_bold", BODY)
    y += step
    ind = page.left + 60
    items = [
        ("a) Thửa đất số:", data.parcel_number),
        ("b) Tờ bản đồ số:", data.map_sheet),
        ("c) Địa chỉ:", data.property_address.old()),
        ("d) Diện tích:", f"{m2(data.area_m2)} (bằng chữ: {_area_words(data.area_m2)})"),
        ("đ) Hình thức sử dụng:", "Sử dụng riêng"),
        ("e) Mục đích sử dụng:", "Đất ở tại đô thị"),
        ("g) Thời hạn sử dụng:", data.usage_term),
        ("h) Nguồn gốc sử dụng:", data.origin),
    ]
    for label, value in items:
        y = page.field(y, label, value, x0=ind, dots=False, line_height=step)
    page.text(page.left, y, "2. Nhà ở:", "label_bold", BODY)
    y += step
    house = [
        ("a) Loại nhà ở:", "Nhà ở riêng lẻ"),
        ("b) Diện tích xây dựng:", m2(data.area_m2)),
        ("c) Diện tích sàn:", m2(data.floor_area_m2)),
        ("d) Hình thức sở hữu:", "Sở hữu riêng"),
        ("đ) Cấp (Hạng):", "Cấp III" if data.floors > 1 else "Cấp IV"),
        ("e) Thời hạn được sở hữu:", "-/-"),
    ]
    for label, value in house:
        y = page.field(y, label, value, x0=ind, dots=False, line_height=step)
    for label in (
        "3. Công trình xây dựng khác:",
        "4. Rừng sản xuất là rừng trồng:",
        "5. Cây lâu năm:",
        "6. Ghi chú:",
    ):
        page.runs(page.left, y, [("label_bold", label + " "), ("value", "-/-")])
        y += step
    y += 60
    col_a, col_b = page.left + 900, page.right
    cx = (col_a + col_b) / 2
    d = data.issue_date
    page.center(
        y,
        f"{data.issue_place}, ngày {d.day} tháng {d.month} năm {d.year}",
        "label_italic",
        BODY - 2,
        x0=col_a,
        x1=col_b,
    )
    y += 80
    for line in [data.issuer, *data.signer_title]:
        page.center(y, line, "label_bold", BODY, x0=col_a, x1=col_b)
        y += 68
    page.signature(cx + 40, y + 230, rng, width=380, height=130)
    page.seal(cx - 200, y + 250, data.issuer, data.issuer_seal_bottom, rng)
    page.center(y + 480, data.signer_name, "value_bold", BODY - 4, x0=col_a, x1=col_b)
    return page


def _area_words(value: float) -> str:
    whole = int(value)
    tenth = round((value - whole) * 10)
    text = read_number_vi(whole)
    if tenth:
        text += f" phẩy {read_number_vi(tenth).lower()}"
    return text + " mét vuông"


def render_certificate(data: CertificateData, rng: random.Random) -> Document:
    return Document("ownership_certificate", None, data.fields(), [_page_one(data), _page_two(data, rng)])
