"""CT01: Tờ khai thay đổi thông tin cư trú, in the four form versions offices still receive."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..people import Person
from ..render import BODY, SMALL, TITLE, Page, measure
from . import Document
from .common import motto

VERSIONS: dict[str, tuple[str, str]] = {
    "56/2021": ("56/2021/TT-BCA", "15/5/2021"),
    "66/2023": ("66/2023/TT-BCA", "17/11/2023"),
    "53/2025": ("53/2025/TT-BCA", "01/7/2025"),
    "116/2026": ("116/2026/TT-BCA", "15/5/2026"),
}

TABLE_HEADER = [
    "TT",
    "Họ, chữ đệm và tên",
    "Ngày, tháng, năm sinh",
    "Giới tính",
    "Số định danh cá nhân",
    "Mối quan hệ với chủ hộ",
]
TABLE_WIDTHS = [100, 560, 300, 200, 480, 414]
TABLE_HEADER_56 = [
    "TT",
    "Họ, chữ đệm và tên",
    "Ngày, tháng, năm sinh",
    "Giới tính",
    "Số định danh cá nhân/CMND",
    "Nghề nghiệp",
    "Dân tộc",
    "Mối quan hệ với chủ hộ",
]
TABLE_WIDTHS_56 = [90, 450, 250, 160, 370, 260, 180, 294]


@dataclass
class Member:
    person: Person
    relationship: str


@dataclass
class CT01Data:
    form_version: str
    recipient: str
    declarant: Person
    household_head_name: str
    household_head_id: str
    relationship_to_head: str
    request: str
    request_type: str
    sign_place: str
    sign_date: date
    members: list[Member] = field(default_factory=list)
    owner_name: str = ""
    owner_id: str = ""
    guardian_name: str = ""
    guardian_id: str = ""
    consent_via_vneid: bool = False
    consent_household_head: bool = False
    consent_owner: bool = False
    consent_guardian: bool = False
    declarant_signed: bool = True
    permanent_address: str = ""
    temporary_address: str = ""
    current_address: str = ""
    handwritten: bool = False

    def fields(self) -> dict[str, Any]:
        p = self.declarant
        out: dict[str, Any] = {
            "form_version": self.form_version,
            "recipient": self.recipient,
            "full_name": p.full_name,
            "date_of_birth": p.date_of_birth.isoformat(),
            "gender": p.gender,
            "personal_id": p.personal_id,
            "phone": p.phone,
            "email": p.email,
            "household_head_name": self.household_head_name,
            "relationship_to_head": self.relationship_to_head,
            "household_head_id": self.household_head_id,
            "request": self.request,
            "request_type": self.request_type,
            "household_members": [m.person.member_record(m.relationship) for m in self.members],
            "consent_household_head": self.consent_household_head,
            "consent_owner": self.consent_owner,
            "consent_guardian": self.consent_guardian,
            "declarant_signed": self.declarant_signed,
        }
        if self.form_version == "56/2021":
            out |= {
                "permanent_address": self.permanent_address,
                "temporary_address": self.temporary_address,
                "current_address": self.current_address,
                "occupation": p.occupation,
            }
        return out


def _footnotes(version: str) -> list[str]:
    notes = [
        "(1) Cơ quan đăng ký cư trú.",
        "(2) Ghi rõ ràng, cụ thể nội dung đề nghị. Ví dụ: đăng ký thường trú; đăng ký tạm trú; gia hạn "
        "tạm trú; xóa đăng ký thường trú; tách hộ; điều chỉnh thông tin về cư trú; xác nhận thông tin "
        "về cư trú…",
    ]
    if version == "116/2026":
        notes.append(
            "(3) Ý kiến của cha hoặc mẹ hoặc người giám hộ đối với người chưa thành niên, người hạn chế "
            "năng lực hành vi dân sự, người không đủ năng lực hành vi dân sự."
        )
    elif version != "56/2021":
        notes.append(
            "(3) Trường hợp ý kiến được thể hiện qua ứng dụng VNeID thì ghi rõ họ tên, số định danh cá "
            "nhân của người cho ý kiến."
        )
    return notes


def render_ct01(data: CT01Data, rng: random.Random) -> Document:
    version = data.form_version
    circular, issued = VERSIONS[version]
    old = version == "56/2021"
    page = Page(value_style="hand" if data.handwritten else "value")
    step = 78 if old else 88
    size = BODY - 2 if old else BODY
    y = 165.0
    header = f"Mẫu CT01 ban hành kèm theo Thông tư số {circular} ngày {issued} của Bộ trưởng Bộ Công an"
    y = page.paragraph(y, header, "label_italic", SMALL - 2, line_height=50)
    y = motto(page, y + 60)
    y += 40
    page.center(y, "TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ", "label_bold", TITLE)
    y += 115
    y = page.field(y, "Kính gửi(1):", data.recipient, x0=page.left + 250, size=size, line_height=step)
    y += 10

    p = data.declarant
    left, right = page.left, page.right
    name_label = "1. Họ, chữ đệm và tên khai sinh:" if version == "53/2025" else "1. Họ, chữ đệm và tên:"
    y = page.field(y, name_label, p.full_name, size=size, line_height=step)
    split = left + 1360
    y_a = page.field(y, "2. Ngày, tháng, năm sinh:", p.dob_vi, x1=split - 20, size=size, line_height=step)
    y_b = page.field(y, "3. Giới tính:", p.gender_vi, x0=split, size=size, line_height=step)
    y = max(y_a, y_b)
    id_label = "4. Số định danh cá nhân/CMND:" if old else "4. Số định danh cá nhân:"
    x = page.text(left, y, id_label, "label", size) + 24
    page.digit_boxes(x, y + 4, p.personal_id)
    y += step + 12
    split = left + 1100
    y_a = page.field(y, "5. Số điện thoại liên hệ:", p.phone, x1=split - 20, size=size, line_height=step)
    y_b = page.field(y, "6. Email:", p.email, x0=split, size=size, line_height=step)
    y = max(y_a, y_b)
    n = 7
    if old:
        for label, value in (
            ("Nơi thường trú:", data.permanent_address),
            ("Nơi tạm trú:", data.temporary_address),
            ("Nơi ở hiện tại:", data.current_address),
            ("Nghề nghiệp, nơi làm việc:", p.occupation),
        ):
            y = page.field(y, f"{n}. {label}", value, size=size, line_height=step)
            n += 1
    split = left + 1290
    y_a = page.field(
        y,
        f"{n}. Họ, chữ đệm và tên chủ hộ:",
        data.household_head_name,
        x1=split - 20,
        size=size,
        line_height=step,
    )
    y_b = page.field(
        y,
        f"{n + 1}. Mối quan hệ với chủ hộ:",
        data.relationship_to_head,
        x0=split,
        size=size,
        line_height=step,
    )
    y = max(y_a, y_b)
    head_label = (
        f"{n + 2}. Số định danh cá nhân/CMND của chủ hộ:"
        if old
        else f"{n + 2}. Số định danh cá nhân của chủ hộ:"
    )
    x = page.text(left, y, head_label, "label", size) + 24
    page.digit_boxes(x, y + 4, data.household_head_id)
    y += step + 12
    y = page.field(y, f"{n + 3}. Nội dung đề nghị(2):", data.request, size=size, line_height=step)
    page.text(left, y, f"{n + 4}. Những thành viên trong hộ gia đình cùng thay đổi:", "label", size)
    y += 30

    rows: list[list[str]] = []
    for i, m in enumerate(data.members, start=1):
        q = m.person
        if old:
            rows.append(
                [
                    str(i),
                    q.full_name,
                    q.dob_vi,
                    q.gender_vi,
                    q.personal_id,
                    q.occupation,
                    "Kinh",
                    m.relationship,
                ]
            )
        else:
            rows.append([str(i), q.full_name, q.dob_vi, q.gender_vi, q.personal_id, m.relationship])
    ncols = len(TABLE_HEADER_56 if old else TABLE_HEADER)
    while len(rows) < max(3, len(data.members) + rng.randint(1, 2)):
        rows.append([""] * ncols)
    if old:
        y = page.table(left, y, TABLE_WIDTHS_56, TABLE_HEADER_56, rows, header_size=SMALL - 6, row_h=70)
    else:
        y = page.table(left, y, TABLE_WIDTHS, TABLE_HEADER, rows, row_h=84)

    y += 100 if old else 130
    _signature_row(page, y, data, rng)
    notes = _footnotes(version)
    fy = 3508 - 130 - 44 * sum(len(page.wrap(t, "label_italic", SMALL - 8, right - left)) for t in notes)
    page.line(left, fy - 50, left + 600, fy - 50, width=2)
    for note in notes:
        fy = page.paragraph(fy, note, "label_italic", SMALL - 8, line_height=44)
    return Document("ct01", version, data.fields(), [page])


def _signature_row(page: Page, y: float, data: CT01Data, rng: random.Random) -> None:
    parent = (
        "Ý KIẾN CỦA CHA HOẶC MẸ HOẶC NGƯỜI GIÁM HỘ"
        if data.form_version == "116/2026"
        else ("Ý KIẾN CỦA CHA, MẸ HOẶC NGƯỜI GIÁM HỘ")
    )
    blocks = [
        ("Ý KIẾN CỦA CHỦ HỘ", data.household_head_name, data.household_head_id, data.consent_household_head),
        ("Ý KIẾN CỦA CHỦ SỞ HỮU CHỖ Ở HỢP PHÁP", data.owner_name, data.owner_id, data.consent_owner),
        (parent, data.guardian_name, data.guardian_id, data.consent_guardian),
        ("NGƯỜI KÊ KHAI", data.declarant.full_name, data.declarant.personal_id, data.declarant_signed),
    ]
    col = (page.right - page.left) / 4
    tsize = 38
    wrapped = [page.wrap(t, "label_bold", tsize, col - 40) for t, _, _, _ in blocks]
    title_lines = max(len(w) for w in wrapped)
    for i, ((_, name, pid, signed), lines) in enumerate(zip(blocks, wrapped, strict=True)):
        a = page.left + i * col
        b = a + col
        cx = (a + b) / 2
        vneid = signed and data.consent_via_vneid and i < 3
        if signed and not vneid:
            d = data.sign_date
            page.center(
                y,
                f"{data.sign_place}, ngày {d.day} tháng {d.month} năm {d.year}",
                "label_italic",
                32,
                x0=a,
                x1=b,
            )
        else:
            page.center(y, ".....,ngày…tháng…năm…", "label_italic", 34, x0=a, x1=b)
        ty = y + 62
        for line in lines:
            page.center(ty, line, "label_bold", tsize, x0=a, x1=b)
            ty += tsize * 1.25
        ty = y + 62 + title_lines * tsize * 1.25
        page.center(ty, "(Ký, ghi rõ họ tên)", "label_italic", 36, x0=a, x1=b)
        if vneid:
            marker = "(3)" if data.form_version in ("66/2023", "53/2025") else ""
            page.text(a + 14, ty + 110, f"Họ và tên{marker}:", "label", 34)
            page.text(a + 14, ty + 165, name, "value", 30)
            page.text(a + 14, ty + 230, "Số định danh cá nhân:", "label", 34)
            page.text(a + 14, ty + 285, pid, "value", 30)
        elif signed and name:
            page.signature(cx + rng.uniform(-25, 25), ty + 150, rng, width=300, height=110)
            nsize = 38
            while measure(name, "value_bold", nsize) > col - 24 and nsize > 26:
                nsize -= 2
            page.center(ty + 300, name, "value_bold", nsize, x0=a, x1=b)
