"""Synthetic Vietnamese persons and addresses (random, never real people)."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta

SURNAMES: list[tuple[str, int]] = [
    ("Nguyễn", 38),
    ("Trần", 11),
    ("Lê", 9),
    ("Phạm", 7),
    ("Hoàng", 5),
    ("Huỳnh", 4),
    ("Phan", 4),
    ("Vũ", 4),
    ("Võ", 3),
    ("Đặng", 2),
    ("Bùi", 2),
    ("Đỗ", 2),
    ("Hồ", 2),
    ("Ngô", 2),
    ("Dương", 1),
    ("Lý", 1),
    ("Trịnh", 1),
    ("Đinh", 1),
    ("Lương", 1),
    ("Tạ", 1),
]
MIDDLE_MALE = ["Văn", "Hữu", "Đức", "Minh", "Quang", "Thành", "Công", "Xuân", "Quốc", "Tiến", "Duy", "Gia"]
MIDDLE_FEMALE = ["Thị", "Thu", "Ngọc", "Thanh", "Minh", "Mỹ", "Hồng", "Phương", "Kim", "Thùy", "Diệu", "Bảo"]
GIVEN_MALE = [
    "Hùng",
    "Dũng",
    "Tuấn",
    "Nam",
    "Long",
    "Quân",
    "Hải",
    "Phong",
    "Khánh",
    "Thắng",
    "Cường",
    "Đạt",
    "Hiếu",
    "Trung",
    "Sơn",
    "Bảo",
    "Huy",
    "Lộc",
    "Tùng",
    "Việt",
    "Nghĩa",
    "Thịnh",
    "Kiên",
    "Đông",
]
GIVEN_FEMALE = [
    "Hường",
    "Lan",
    "Hương",
    "Mai",
    "Ngọc",
    "Trang",
    "Thảo",
    "Linh",
    "Huyền",
    "Nhung",
    "Yến",
    "Hạnh",
    "Phương",
    "Thủy",
    "Loan",
    "Dung",
    "Quyên",
    "Vân",
    "Nguyệt",
    "Oanh",
    "Giang",
    "Hiền",
    "Trâm",
    "Ánh",
]

PROVINCE_CODES: dict[str, str] = {
    "001": "Hà Nội",
    "002": "Hà Giang",
    "004": "Cao Bằng",
    "008": "Tuyên Quang",
    "022": "Quảng Ninh",
    "024": "Bắc Giang",
    "025": "Phú Thọ",
    "026": "Vĩnh Phúc",
    "027": "Bắc Ninh",
    "030": "Hải Dương",
    "031": "Hải Phòng",
    "033": "Hưng Yên",
    "034": "Thái Bình",
    "035": "Hà Nam",
    "036": "Nam Định",
    "037": "Ninh Bình",
    "038": "Thanh Hóa",
    "040": "Nghệ An",
    "042": "Hà Tĩnh",
    "044": "Quảng Bình",
    "046": "Thừa Thiên Huế",
    "048": "Đà Nẵng",
    "049": "Quảng Nam",
    "051": "Quảng Ngãi",
    "052": "Bình Định",
    "056": "Khánh Hòa",
    "066": "Đắk Lắk",
    "068": "Lâm Đồng",
    "074": "Bình Dương",
    "075": "Đồng Nai",
    "077": "Bà Rịa - Vũng Tàu",
    "079": "Hồ Chí Minh",
    "080": "Long An",
    "083": "Bến Tre",
    "087": "Đồng Tháp",
    "089": "An Giang",
    "092": "Cần Thơ",
    "094": "Sóc Trăng",
    "096": "Cà Mau",
}

OCCUPATIONS = [
    "Nhân viên văn phòng",
    "Kỹ sư xây dựng",
    "Giáo viên",
    "Kinh doanh tự do",
    "Công nhân",
    "Kế toán",
    "Lập trình viên",
    "Điều dưỡng",
    "Sinh viên",
    "Nội trợ",
    "Hưu trí",
    "Lái xe",
]

ID_ISSUERS = [
    "Cục Cảnh sát quản lý hành chính về trật tự xã hội",
    "Bộ Công an",
]


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@dataclass(frozen=True)
class Place:
    """One ward, named both in pre-2025 units (with district) and post-2025 units (no district)."""

    old_ward: str
    old_district: str
    old_province: str
    new_ward: str
    new_province: str
    streets: tuple[str, ...]
    city: str
    province_code: str


PLACES: list[Place] = [
    Place(
        "phường Quang Trung",
        "quận Đống Đa",
        "thành phố Hà Nội",
        "phường Đống Đa",
        "Thành phố Hà Nội",
        ("phố Tây Sơn", "phố Thái Hà", "phố Chùa Bộc"),
        "Hà Nội",
        "001",
    ),
    Place(
        "phường Dịch Vọng",
        "quận Cầu Giấy",
        "thành phố Hà Nội",
        "phường Cầu Giấy",
        "Thành phố Hà Nội",
        ("phố Trần Thái Tông", "đường Xuân Thủy", "phố Trần Đăng Ninh"),
        "Hà Nội",
        "001",
    ),
    Place(
        "phường Bạch Đằng",
        "quận Hai Bà Trưng",
        "thành phố Hà Nội",
        "phường Vĩnh Tuy",
        "Thành phố Hà Nội",
        ("phố Lò Đúc", "phố Bạch Đằng", "phố Lạc Trung"),
        "Hà Nội",
        "001",
    ),
    Place(
        "phường Thanh Xuân Trung",
        "quận Thanh Xuân",
        "thành phố Hà Nội",
        "phường Thanh Xuân",
        "Thành phố Hà Nội",
        ("đường Nguyễn Trãi", "phố Vũ Trọng Phụng", "phố Quan Nhân"),
        "Hà Nội",
        "001",
    ),
    Place(
        "phường Bến Thành",
        "Quận 1",
        "Thành phố Hồ Chí Minh",
        "phường Bến Thành",
        "Thành phố Hồ Chí Minh",
        ("đường Lê Lợi", "đường Lê Thánh Tôn", "đường Nguyễn Trãi"),
        "TP. Hồ Chí Minh",
        "079",
    ),
    Place(
        "phường 7",
        "Quận 3",
        "Thành phố Hồ Chí Minh",
        "phường Xuân Hòa",
        "Thành phố Hồ Chí Minh",
        ("đường Võ Văn Tần", "đường Nam Kỳ Khởi Nghĩa", "đường Trần Quốc Thảo"),
        "TP. Hồ Chí Minh",
        "079",
    ),
    Place(
        "phường 12",
        "quận Tân Bình",
        "Thành phố Hồ Chí Minh",
        "phường Bảy Hiền",
        "Thành phố Hồ Chí Minh",
        ("đường Âu Cơ", "đường Trường Chinh", "đường Bàu Cát"),
        "TP. Hồ Chí Minh",
        "079",
    ),
    Place(
        "phường Phú Hòa",
        "thành phố Thủ Dầu Một",
        "tỉnh Bình Dương",
        "phường Phú Lợi",
        "Thành phố Hồ Chí Minh",
        ("đường Lê Hồng Phong", "đường Phú Lợi"),
        "Bình Dương",
        "074",
    ),
    Place(
        "phường Thạch Thang",
        "quận Hải Châu",
        "thành phố Đà Nẵng",
        "phường Hải Châu",
        "Thành phố Đà Nẵng",
        ("đường Lê Duẩn", "đường Quang Trung", "đường Lý Tự Trọng"),
        "Đà Nẵng",
        "048",
    ),
    Place(
        "phường Máy Tơ",
        "quận Ngô Quyền",
        "thành phố Hải Phòng",
        "phường Gia Viên",
        "Thành phố Hải Phòng",
        ("phố Lê Lai", "phố Lạch Tray"),
        "Hải Phòng",
        "031",
    ),
    Place(
        "phường An Hòa",
        "quận Ninh Kiều",
        "thành phố Cần Thơ",
        "phường Ninh Kiều",
        "Thành phố Cần Thơ",
        ("đường Cách Mạng Tháng Tám", "đường Mậu Thân"),
        "Cần Thơ",
        "092",
    ),
]


@dataclass(frozen=True)
class Address:
    street: str
    place: Place

    def old(self) -> str:
        p = self.place
        return nfc(f"{self.street}, {p.old_ward}, {p.old_district}, {p.old_province}")

    def new(self) -> str:
        p = self.place
        return nfc(f"{self.street}, {p.new_ward}, {p.new_province}")

    def province_seal(self) -> str:
        """The province as printed on the bottom arc of an old seal, e.g. "TP. HÀ NỘI"."""
        return nfc(self.place.old_province.upper().replace("THÀNH PHỐ ", "TP. "))

    def ward_police(self, new_units: bool = True) -> str:
        p = self.place
        if new_units:
            return nfc(f"Công an {p.new_ward}, {p.new_province}")
        return nfc(f"Công an {p.old_ward}, {p.old_district}, {p.old_province}")


@dataclass
class Person:
    full_name: str
    gender: str
    date_of_birth: date
    personal_id: str
    phone: str
    email: str
    address: Address
    occupation: str
    id_issue_date: date
    id_issue_place: str
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def honorific(self) -> str:
        return "Ông" if self.gender == "male" else "Bà"

    @property
    def gender_vi(self) -> str:
        return "Nam" if self.gender == "male" else "Nữ"

    @property
    def dob_vi(self) -> str:
        return self.date_of_birth.strftime("%d/%m/%Y")

    def member_record(self, relationship: str) -> dict[str, str]:
        return {
            "full_name": self.full_name,
            "date_of_birth": self.date_of_birth.isoformat(),
            "gender": self.gender,
            "personal_id": self.personal_id,
            "relationship_to_head": relationship,
        }


def random_date(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, (end - start).days))


def personal_id(rng: random.Random, province_code: str, birth: date, gender: str) -> str:
    century = (birth.year - 1900) // 100
    digit = century * 2 + (1 if gender == "female" else 0)
    return f"{province_code}{digit}{birth.year % 100:02d}{rng.randint(0, 999999):06d}"


def phone_number(rng: random.Random) -> str:
    prefix = rng.choice(["03", "05", "07", "08", "09"])
    return prefix + "".join(str(rng.randint(0, 9)) for _ in range(8))


_ASCII_MAP = str.maketrans({"đ": "d", "Đ": "D"})


def ascii_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.translate(_ASCII_MAP))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def email_for(rng: random.Random, full_name: str, birth: date) -> str:
    parts = ascii_fold(full_name).lower().split()
    local = rng.choice(
        [
            parts[-1] + "".join(p[0] for p in parts[:-1]),
            parts[-1] + "." + parts[0],
            "".join(parts[-2:]),
        ]
    )
    local += rng.choice([str(birth.year), f"{birth.year % 100:02d}", str(rng.randint(1, 99))])
    return f"{local}@{rng.choice(['gmail.com', 'yahoo.com', 'outlook.com', 'gmail.com'])}"


def random_street(rng: random.Random, place: Place) -> str:
    street = rng.choice(place.streets)
    number = rng.randint(1, 180)
    style = rng.random()
    if place.city == "Hà Nội" and style < 0.5:
        return f"Số {number} ngõ {rng.randint(2, 200)} {street}"
    if place.city != "Hà Nội" and style < 0.35:
        return f"Số {number}/{rng.randint(1, 40)} {street}"
    return f"Số {number} {street}"


def random_address(rng: random.Random, place: Place | None = None) -> Address:
    chosen = place if place is not None else rng.choice(PLACES)
    return Address(nfc(random_street(rng, chosen)), chosen)


def random_name(rng: random.Random, gender: str, surname: str | None = None) -> str:
    family = surname or rng.choices([s for s, _ in SURNAMES], weights=[w for _, w in SURNAMES])[0]
    if gender == "male":
        middle, given = rng.choice(MIDDLE_MALE), rng.choice(GIVEN_MALE)
    else:
        middle, given = rng.choice(MIDDLE_FEMALE), rng.choice(GIVEN_FEMALE)
    return nfc(f"{family} {middle} {given}")


def make_person(
    rng: random.Random,
    *,
    gender: str | None = None,
    birth_year: tuple[int, int] = (1960, 2000),
    surname: str | None = None,
    address: Address | None = None,
) -> Person:
    sex = gender or rng.choice(["male", "female"])
    birth = random_date(rng, date(birth_year[0], 1, 1), date(birth_year[1], 12, 31))
    province = rng.choice(list(PROVINCE_CODES))
    name = random_name(rng, sex, surname)
    issue = random_date(rng, date(2021, 3, 1), date(2025, 6, 30))
    return Person(
        full_name=name,
        gender=sex,
        date_of_birth=birth,
        personal_id=personal_id(rng, province, birth, sex),
        phone=phone_number(rng),
        email=email_for(rng, name, birth),
        address=address or random_address(rng),
        occupation=rng.choice(OCCUPATIONS) if birth.year < 2006 else "Học sinh",
        id_issue_date=issue,
        id_issue_place=ID_ISSUERS[0] if issue < date(2024, 7, 1) else ID_ISSUERS[1],
    )


def read_number_vi(n: int) -> str:
    """Vietnamese reading of a non-negative integer, as written on contracts ("Bốn triệu năm trăm nghìn")."""
    digits = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]

    def three(x: int, full: bool) -> str:
        h, t, u = x // 100, (x // 10) % 10, x % 10
        words: list[str] = []
        if full or h:
            words += [digits[h], "trăm"]
        if t == 0 and u:
            if full or h:
                words.append("lẻ")
        elif t == 1:
            words.append("mười")
        elif t > 1:
            words += [digits[t], "mươi"]
        if u:
            if u == 1 and t > 1:
                words.append("mốt")
            elif u == 5 and t > 0:
                words.append("lăm")
            elif u == 4 and t > 1:
                words.append("tư")
            else:
                words.append(digits[u])
        return " ".join(words)

    if n == 0:
        return "Không"
    units = ["", "nghìn", "triệu", "tỷ"]
    groups: list[int] = []
    while n:
        groups.append(n % 1000)
        n //= 1000
    words: list[str] = []
    for i in range(len(groups) - 1, -1, -1):
        g = groups[i]
        if g == 0:
            continue
        words.append(three(g, full=i < len(groups) - 1))
        if units[i]:
            words.append(units[i])
    text = " ".join(words)
    return nfc(text[0].upper() + text[1:])


def format_vnd(n: int) -> str:
    return f"{n:,}".replace(",", ".")
