"""Hợp đồng thuê nhà ở: plain, notarised (extra notary page) or commune-certified (block on the last page)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..people import Address, Person, format_vnd, read_number_vi
from ..render import BODY, TITLE, Page
from . import Document
from .common import motto, signature_block
from .ownership_certificate import m2

SIZE = BODY - 2
STEP = 72.0


@dataclass
class Certification:
    kind: str
    office: str
    office_seal_bottom: str
    officer_name: str
    number: str
    book: str
    date: date
    place: str


@dataclass
class ContractData:
    lessor: Person
    lessee: Person
    property_address: Address
    area_m2: float
    rooms: int
    monthly_rent_vnd: int
    deposit_months: int
    start_date: date
    end_date: date
    signing_date: date
    signing_place: str
    payment_day: int
    certificate_serial: str = ""
    signed: bool = True
    certification: Certification | None = None
    show_area: bool = True

    def fields(self) -> dict[str, Any]:
        cert = self.certification
        return {
            "lessor_name": self.lessor.full_name,
            "lessor_id": self.lessor.personal_id,
            "lessee_name": self.lessee.full_name,
            "lessee_id": self.lessee.personal_id,
            "property_address": self.property_address.new(),
            "area_m2": self.area_m2 if self.show_area else None,
            "start_date": self.start_date.isoformat(),
            "end_date": self.end_date.isoformat(),
            "monthly_rent_vnd": self.monthly_rent_vnd,
            "signing_date": self.signing_date.isoformat(),
            "notarized": cert is not None,
            "signed": self.signed,
            "certification": cert.kind if cert else None,
            "certification_number": f"{cert.number}, quyển số {cert.book}" if cert else None,
        }


def _dmy(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def _long_date(d: date) -> str:
    return f"ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"


def _party(page: Page, y: float, heading: str, p: Person) -> float:
    page.text(page.left, y, heading, "label_bold", SIZE)
    y += STEP
    x = page.left + 60
    page.runs(x, y, [("label", f"{p.honorific}: "), ("value_bold", p.full_name.upper())], SIZE)
    page.runs(page.left + 1300, y, [("label", "Sinh năm: "), ("value", str(p.date_of_birth.year))], SIZE)
    y += STEP
    page.runs(
        x,
        y,
        [
            ("label", "CCCD số: "),
            ("value", p.personal_id),
            ("label", "   cấp ngày: "),
            ("value", _dmy(p.id_issue_date)),
        ],
        SIZE,
    )
    y += STEP
    y = page.field(y, "tại:", p.id_issue_place, x0=x, dots=False, size=SIZE, line_height=STEP)
    y = page.field(y, "Địa chỉ thường trú:", p.address.new(), x0=x, dots=False, size=SIZE, line_height=STEP)
    page.runs(x, y, [("label", "Điện thoại: "), ("value", p.phone)], SIZE)
    return y + STEP + 10


def _para(page: Page, y: float, text: str, style: str = "label", indent: float = 0) -> float:
    return page.paragraph(y, text, style, SIZE, line_height=STEP, indent=indent)


def _article(page: Page, y: float, title: str, paragraphs: list[str]) -> float:
    page.text(page.left, y, title, "label_bold", SIZE)
    y += STEP
    for text in paragraphs:
        y = _para(page, y, text, indent=60)
    return y + 12


def _page_one(d: ContractData) -> Page:
    page = Page()
    y = motto(page, 220)
    y += 90
    page.center(y, "HỢP ĐỒNG THUÊ NHÀ Ở", "label_bold", TITLE + 4)
    y += 120
    for basis in (
        "- Căn cứ Bộ luật Dân sự số 91/2015/QH13 ngày 24 tháng 11 năm 2015;",
        "- Căn cứ Luật Nhà ở số 27/2023/QH15 ngày 27 tháng 11 năm 2023;",
        "- Căn cứ nhu cầu và khả năng thực tế của các bên.",
    ):
        y = page.paragraph(y, basis, "label_italic", SIZE, line_height=STEP, x0=page.left + 60)
    y += 20
    y = _para(
        page, y, f"Hôm nay, {_long_date(d.signing_date)}, tại {d.signing_place}, chúng tôi gồm:", indent=60
    )
    y += 10
    y = _party(page, y, "BÊN CHO THUÊ (Bên A):", d.lessor)
    y = _party(page, y, "BÊN THUÊ (Bên B):", d.lessee)
    y = _para(page, y, "Hai bên thống nhất ký kết hợp đồng thuê nhà ở với các điều khoản sau đây:", indent=60)
    y += 10
    owned = "thuộc quyền sở hữu hợp pháp của Bên A"
    if d.certificate_serial:
        owned += f" theo Giấy chứng nhận số phát hành {d.certificate_serial}"
    _article(
        page,
        y,
        "Điều 1. Đối tượng của hợp đồng",
        [
            f"Bên A đồng ý cho Bên B thuê nhà ở tại địa chỉ: {d.property_address.new()}. Nhà ở {owned}.",
            (f"Diện tích sử dụng: {m2(d.area_m2)}; gồm" if d.show_area else "Nhà gồm")
            + f" {d.rooms:02d} phòng ngủ, 01 phòng khách, bếp và "
            "khu vệ sinh, cùng các trang thiết bị kèm theo được liệt kê trong biên bản bàn giao.",
            "Mục đích thuê: để ở cho Bên B và các thành viên trong gia đình.",
        ],
    )
    return page


def _page_two(d: ContractData, rng: random.Random) -> Page:
    page = Page()
    rent = d.monthly_rent_vnd
    deposit = rent * d.deposit_months
    months = (d.end_date.year - d.start_date.year) * 12 + d.end_date.month - d.start_date.month + 1
    y = 230.0
    y = _article(
        page,
        y,
        "Điều 2. Giá thuê và phương thức thanh toán",
        [
            f"1. Giá thuê nhà ở là {format_vnd(rent)} đồng/tháng ({read_number_vi(rent)} đồng). Giá "
            "thuê chưa bao gồm chi phí điện, nước, internet; Bên B thanh toán theo chỉ số thực tế.",
            f"2. Tiền đặt cọc: {format_vnd(deposit)} đồng, được hoàn trả khi hết hạn hợp đồng.",
            "3. Bên B thanh toán tiền thuê bằng tiền mặt hoặc chuyển khoản trước ngày "
            f"{d.payment_day:02d} hằng tháng.",
        ],
    )
    y = _article(
        page,
        y,
        "Điều 3. Thời hạn thuê",
        [
            f"Thời hạn thuê là {months:02d} tháng, từ ngày {_dmy(d.start_date)} đến ngày "
            f"{_dmy(d.end_date)}. Bên A bàn giao nhà cho Bên B vào ngày {_dmy(d.start_date)}.",
        ],
    )
    y = _article(
        page,
        y,
        "Điều 4. Quyền và nghĩa vụ của các bên",
        [
            "1. Bên A giao nhà đúng thời hạn, bảo đảm cho Bên B sử dụng ổn định trong thời hạn thuê, "
            "bảo trì các hư hỏng lớn và tạo điều kiện cho Bên B đăng ký cư trú tại nhà thuê.",
            "2. Bên B sử dụng nhà đúng mục đích, trả tiền thuê đầy đủ và đúng hạn, giữ gìn nhà ở, chấp "
            "hành quy định về cư trú, phòng cháy chữa cháy và trật tự khu dân cư; không cho thuê lại "
            "khi chưa có sự đồng ý của Bên A.",
        ],
    )
    y = _article(
        page,
        y,
        "Điều 5. Cam kết chung",
        [
            "Hai bên cam kết thực hiện đúng các điều khoản đã thỏa thuận; tranh chấp được giải quyết "
            "bằng thương lượng, nếu không thành thì yêu cầu Tòa án có thẩm quyền giải quyết. Hợp đồng "
            "được lập thành 02 bản, mỗi bên giữ 01 bản, có giá trị pháp lý như nhau.",
        ],
    )
    y += 40
    mid = (page.left + page.right) / 2
    for cx, title, person in (
        (page.left + (mid - page.left) / 2, "BÊN CHO THUÊ (Bên A)", d.lessor),
        (mid + (page.right - mid) / 2, "BÊN THUÊ (Bên B)", d.lessee),
    ):
        end = signature_block(page, cx, y, [title], person.full_name, rng, signed=d.signed, width=900)
    y = end + 40
    cert = d.certification
    if cert is not None and cert.kind == "certified":
        _certified_block(page, y, d, cert, rng)
    return page


def _certified_block(page: Page, y: float, d: ContractData, cert: Certification, rng: random.Random) -> None:
    page.line(page.left, y - 40, page.right, y - 40, width=2)
    page.center(y + 20, "LỜI CHỨNG THỰC", "label_bold", SIZE + 2)
    y += 90
    y = page.paragraph(
        y,
        f"Ngày {cert.date.day:02d}/{cert.date.month:02d}/{cert.date.year}, tại {cert.office}. Chứng "
        f"thực hợp đồng thuê nhà ở giữa {d.lessor.honorific.lower()} {d.lessor.full_name} và "
        f"{d.lessee.honorific.lower()} {d.lessee.full_name}; các bên tự nguyện giao kết và đã ký trước "
        "mặt người thực hiện chứng thực.",
        "label",
        SIZE - 4,
        line_height=64,
        indent=60,
    )
    page.runs(
        page.left,
        y + 10,
        [("label", "Số chứng thực: "), ("value", f"{cert.number}, quyển số {cert.book}")],
        SIZE - 4,
    )
    col_a = page.left + 1100
    cx = (col_a + page.right) / 2
    page.center(y + 10, "NGƯỜI THỰC HIỆN CHỨNG THỰC", "label_bold", SIZE - 4, x0=col_a, x1=page.right)
    page.signature(cx + 40, y + 230, rng, width=320, height=110)
    page.seal(cx - 200, y + 260, cert.office.split(",")[0].upper(), cert.office_seal_bottom, rng, radius=195)
    page.center(y + 430, cert.officer_name, "value_bold", SIZE - 6, x0=col_a, x1=page.right)


def _notary_page(d: ContractData, cert: Certification, rng: random.Random) -> Page:
    page = Page()
    y = motto(page, 220)
    y += 100
    page.center(y, "LỜI CHỨNG CỦA CÔNG CHỨNG VIÊN", "label_bold", TITLE)
    y += 130
    when = cert.date
    month, year = read_number_vi(when.month).lower(), read_number_vi(when.year).lower()
    words = f"{read_number_vi(when.day)} tháng {month} năm {year}"
    y = _para(page, y, f"Hôm nay, {_long_date(when)} ({words}), tại {cert.office}, {cert.place}.", indent=60)
    y = _para(page, y, f"Tôi, {cert.officer_name}, công chứng viên {cert.office},", indent=60)
    page.center(y + 20, "CÔNG CHỨNG:", "label_bold", SIZE + 2)
    y += STEP + 40
    for text in (
        f"- Hợp đồng thuê nhà ở được giao kết giữa Bên A là {d.lessor.honorific.lower()} "
        f"{d.lessor.full_name} và Bên B là {d.lessee.honorific.lower()} {d.lessee.full_name}; các bên "
        "đã tự nguyện thỏa thuận giao kết hợp đồng và cam đoan chịu trách nhiệm trước pháp luật về nội "
        "dung hợp đồng;",
        "- Tại thời điểm công chứng, các bên tham gia hợp đồng có năng lực hành vi dân sự phù hợp theo "
        "quy định của pháp luật;",
        "- Nội dung thỏa thuận của các bên trong hợp đồng phù hợp với quy định của pháp luật, không "
        "trái đạo đức xã hội; đối tượng của hợp đồng có thật;",
        "- Các bên tham gia hợp đồng đã đọc lại hợp đồng, đồng ý toàn bộ nội dung ghi trong hợp đồng "
        "và đã ký vào hợp đồng trước sự có mặt của tôi;",
        "- Hợp đồng này được lập thành 03 bản chính, mỗi bản chính gồm 02 tờ, 03 trang; lưu 01 bản tại "
        "văn phòng.",
    ):
        y = _para(page, y, text, indent=60)
    y += 30
    page.runs(
        page.left + 60,
        y,
        [
            ("label", "Số công chứng: "),
            ("value", cert.number),
            ("label", ", quyển số "),
            ("value", cert.book),
        ],
        SIZE,
    )
    y += 150
    col_a = page.left + 1000
    cx = (col_a + page.right) / 2
    page.center(y, "CÔNG CHỨNG VIÊN", "label_bold", SIZE + 2, x0=col_a, x1=page.right)
    page.signature(cx + 40, y + 240, rng, width=360, height=120)
    page.seal(cx - 200, y + 270, cert.office.upper(), cert.office_seal_bottom, rng)
    page.center(y + 480, cert.officer_name, "value_bold", SIZE - 4, x0=col_a, x1=page.right)
    return page


def render_contract(data: ContractData, rng: random.Random) -> Document:
    pages = [_page_one(data), _page_two(data, rng)]
    cert = data.certification
    if cert is not None and cert.kind == "notarized":
        pages.append(_notary_page(data, cert, rng))
    return Document("rental_contract", None, data.fields(), pages)
