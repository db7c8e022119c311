"""CT02: Tờ khai thay đổi thông tin về cư trú, for overseas Vietnamese without a valid Vietnamese passport."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..people import Person
from ..render import BODY, SMALL, TITLE, Page
from . import Document
from .common import motto, signature_block

VERSIONS: dict[str, tuple[str, str]] = {
    "66/2023": ("66/2023/TT-BCA", "17/11/2023"),
    "116/2026": ("116/2026/TT-BCA", "15/5/2026"),
}
TITLE_CT02 = "TỜ KHAI THAY ĐỔI THÔNG TIN VỀ CƯ TRÚ"
SUBTITLE = "(Dùng cho người Việt Nam định cư ở nước ngoài không có hộ chiếu Việt Nam còn giá trị sử dụng)"


@dataclass
class CT02Data:
    form_version: str
    recipient: str
    declarant: Person
    nationality: str
    passport_number: str
    foreign_address: str
    household_head_name: str
    household_head_id: str
    relationship_to_head: str
    request: str
    request_type: str
    sign_place: str
    sign_date: date
    handwritten: bool = False

    def fields(self) -> dict[str, Any]:
        p = self.declarant
        return {
            "form_version": self.form_version,
            "recipient": self.recipient,
            "full_name": p.full_name,
            "date_of_birth": p.date_of_birth.isoformat(),
            "gender": p.gender,
            "personal_id": None,
            "phone": p.phone,
            "email": p.email,
            "household_head_name": self.household_head_name,
            "relationship_to_head": self.relationship_to_head,
            "household_head_id": self.household_head_id,
            "request": self.request,
            "request_type": self.request_type,
            "household_members": [],
            "consent_household_head": True,
            "consent_owner": True,
            "consent_guardian": False,
            "declarant_signed": True,
            "nationality": self.nationality,
            "passport_number": self.passport_number,
            "foreign_address": self.foreign_address,
        }


def render_ct02(data: CT02Data, rng: random.Random) -> Document:
    circular, issued = VERSIONS[data.form_version]
    page = Page(value_style="hand" if data.handwritten else "value")
    step = 86
    y = 165.0
    header = f"Mẫu CT02 ban hành kèm theo Thông tư số {circular} ngày {issued} của Bộ trưởng Bộ Công an"
    y = page.paragraph(y, header, "label_italic", SMALL - 2, line_height=50)
    y = motto(page, y + 60)
    y += 40
    page.center(y, TITLE_CT02, "label_bold", TITLE)
    y += 80
    y = page.paragraph(y, SUBTITLE, "label_italic", SMALL, line_height=56, align="center")
    y += 40
    y = page.field(y, "Kính gửi(1):", data.recipient, x0=page.left + 250, line_height=step)
    p = data.declarant
    left = page.left
    y = page.field(y, "1. Họ, chữ đệm và tên:", p.full_name, line_height=step)
    split = left + 1360
    y_a = page.field(y, "2. Ngày, tháng, năm sinh:", p.dob_vi, x1=split - 20, line_height=step)
    y_b = page.field(y, "3. Giới tính:", p.gender_vi, x0=split, line_height=step)
    y = max(y_a, y_b)
    y = page.field(y, "4. Quốc tịch nước ngoài (nếu có):", data.nationality, line_height=step)
    y = page.field(
        y, "5. Số hộ chiếu/giấy tờ có giá trị thay hộ chiếu:", data.passport_number, line_height=step
    )
    split = left + 1100
    y_a = page.field(y, "6. Số điện thoại liên hệ:", p.phone, x1=split - 20, line_height=step)
    y_b = page.field(y, "7. Email:", p.email, x0=split, line_height=step)
    y = max(y_a, y_b)
    y = page.field(y, "8. Nơi cư trú ở nước ngoài:", data.foreign_address, line_height=step)
    split = left + 1290
    y_a = page.field(
        y, "9. Họ, chữ đệm và tên chủ hộ:", data.household_head_name, x1=split - 20, line_height=step
    )
    y_b = page.field(y, "10. Mối quan hệ với chủ hộ:", data.relationship_to_head, x0=split, line_height=step)
    y = max(y_a, y_b)
    x = page.text(left, y, "11. Số định danh cá nhân của chủ hộ:", "label", BODY) + 24
    page.digit_boxes(x, y + 4, data.household_head_id)
    y += step + 12
    y = page.field(y, "12. Nội dung đề nghị(2):", data.request, line_height=step)
    y += 80
    d = data.sign_date
    mid = (page.left + page.right) / 2
    for cx, title, name in (
        ((page.left + mid) / 2, "Ý KIẾN CỦA CHỦ HỘ", data.household_head_name),
        ((mid + page.right) / 2, "NGƯỜI KÊ KHAI", p.full_name),
    ):
        page.center(
            y,
            f"{data.sign_place}, ngày {d.day} tháng {d.month} năm {d.year}",
            "label_italic",
            BODY - 8,
            x0=cx - 450,
            x1=cx + 450,
        )
        signature_block(page, cx, y + 80, [title], name, rng, width=900)
    fy = 3508 - 230
    page.line(left, fy - 50, left + 600, fy - 50, width=2)
    for note in ("(1) Cơ quan đăng ký cư trú.", "(2) Ghi rõ ràng, cụ thể nội dung đề nghị."):
        fy = page.paragraph(fy, note, "label_italic", SMALL - 8, line_height=44)
    return Document("ct02", data.form_version, data.fields(), [page])
