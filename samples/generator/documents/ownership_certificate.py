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


# --- the 2024 A4 layout (Thông tư 10/2024/TT-BTNMT): one sheet, items reordered, QR code and serial --------

TITLE_2024 = "GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU TÀI SẢN GẮN LIỀN VỚI ĐẤT"
GREEN_FRAME = (40, 120, 80)


def _qr_like(page: Page, x: float, y: float, rng: random.Random, modules: int = 25, cell: float = 11) -> None:
    """A QR-looking module grid with its three finder squares (it encodes nothing)."""
    for fx, fy in ((0, 0), (modules - 7, 0), (0, modules - 7)):
        page.rect(x + fx * cell, y + fy * cell, 7 * cell, 7 * cell, width=cell, color=(0, 0, 0))
        page.rect(x + (fx + 2) * cell, y + (fy + 2) * cell, 3 * cell, 3 * cell, width=0, fill=(0, 0, 0))
    for r in range(modules):
        for c in range(modules):
            finder = (r < 8 and c < 8) or (r < 8 and c >= modules - 8) or (r >= modules - 8 and c < 8)
            if not finder and rng.random() < 0.5:
                page.rect(x + c * cell, y + r * cell, cell, cell, width=0, fill=(0, 0, 0))


def _page_2024(data: CertificateData, rng: random.Random) -> Page:
    page = Page(left=230, right=2480 - 230)
    page.rect(110, 110, 2480 - 220, 3508 - 220, width=8, color=GREEN_FRAME)
    y = motto(page, 300, size=50)
    y += 70
    for line in page.wrap(TITLE_2024, "label_bold", 64, page.right - page.left - 80):
        page.center(y, line, "label_bold", 64, TITLE_RED)
        y += 92
    y += 30
    _qr_like(page, page.right - 300, 140, rng)
    page.runs(page.left, y, [("label", "Số phát hành: "), ("value_bold", data.serial)], BODY - 2)
    page.runs(
        page.left + 1150,
        y,
        [("label", "Số vào sổ cấp Giấy chứng nhận: "), ("value", data.registry_number)],
        BODY - 6,
    )
    y += 110
    step = 74
    page.text(page.left, y, "1. Thông tin thửa đất:", "label_bold", BODY)
    y += step
    ind = page.left + 60
    for label, value in (
        ("a) Thửa đất số:", f"{data.parcel_number};   Tờ bản đồ số: {data.map_sheet}"),
        ("b) Diện tích:", f"{m2(data.area_m2)} (bằng chữ: {_area_words(data.area_m2)})"),
        ("c) Loại đất:", "Đất ở tại đô thị (ODT)"),
        ("d) Hình thức sử dụng:", "Sử dụng riêng"),
        ("đ) Thời hạn sử dụng:", data.usage_term),
        ("e) Địa chỉ:", data.property_address.old()),
        ("g) Nguồn gốc sử dụng:", data.origin),
    ):
        y = page.field(y, label, value, x0=ind, dots=False, size=BODY - 2, line_height=step)
    page.text(page.left, y, "2. Thông tin tài sản gắn liền với đất:", "label_bold", BODY)
    y += step
    for label, value in (
        ("a) Loại tài sản:", "Nhà ở riêng lẻ"),
        ("b) Diện tích xây dựng:", m2(data.area_m2)),
        ("c) Diện tích sàn:", m2(data.floor_area_m2)),
        ("d) Số tầng:", str(data.floors)),
        ("đ) Hình thức sở hữu:", "Sở hữu riêng"),
    ):
        y = page.field(y, label, value, x0=ind, dots=False, size=BODY - 2, line_height=step)
    page.text(page.left, y, "3. Người sử dụng đất, chủ sở hữu tài sản gắn liền với đất:", "label_bold", BODY)
    y += step
    for owner in data.owners:
        page.runs(
            ind,
            y,
            [("label", f"{owner.honorific}: "), ("value_bold", owner.full_name.upper())],
            BODY - 2,
        )
        page.runs(
            page.left + 1300, y, [("label", "Năm sinh: "), ("value", str(owner.date_of_birth.year))], BODY - 2
        )
        y += step
        page.runs(ind, y, [("label", "Số định danh cá nhân: "), ("value", owner.personal_id)], BODY - 2)
        y += step
    y = page.field(
        y, "Địa chỉ:", data.owners[-1].address.old(), x0=ind, dots=False, size=BODY - 2, line_height=step
    )
    page.runs(page.left, y, [("label_bold", "4. Ghi chú: "), ("value", "-/-")], BODY - 2)
    y += step
    page.text(page.left, y, "5. Sơ đồ thửa đất:", "label_bold", BODY)
    sx, sy = page.left + 80, y + 40
    page.rect(sx, sy, 620, 420, width=3)
    page.line(sx + 90, sy + 70, sx + 520, sy + 50, width=4)
    page.line(sx + 520, sy + 50, sx + 560, sy + 360, width=4)
    page.line(sx + 560, sy + 360, sx + 70, sy + 380, width=4)
    page.line(sx + 70, sy + 380, sx + 90, sy + 70, width=4)
    page.text(sx + 250, sy + 230, data.parcel_number, "value_bold", BODY)
    col_a, col_b = page.left + 900, page.right
    cx = (col_a + col_b) / 2
    d = data.issue_date
    yb = y + 20
    page.center(
        yb,
        f"{data.issue_place}, ngày {d.day} tháng {d.month} năm {d.year}",
        "label_italic",
        BODY - 4,
        x0=col_a,
        x1=col_b,
    )
    yb += 76
    for line in [data.issuer, *data.signer_title]:
        page.center(yb, line, "label_bold", BODY - 2, x0=col_a, x1=col_b)
        yb += 64
    page.signature(cx + 40, yb + 200, rng, width=360, height=120)
    page.seal(cx - 200, yb + 220, data.issuer, data.issuer_seal_bottom, rng)
    page.center(yb + 440, data.signer_name, "value_bold", BODY - 4, x0=col_a, x1=col_b)
    return page


def render_certificate_2024(data: CertificateData, rng: random.Random) -> Document:
    return Document("ownership_certificate", None, data.fields(), [_page_2024(data, rng)])
