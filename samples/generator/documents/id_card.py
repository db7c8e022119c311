"""Căn cước công dân (chip card, 2021 model), front side only, card-sized on a scanned A4 page."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..people import Person
from ..render import Page
from . import Document
from .common import MOTTO, MOTTO_2

CARD_W = 1011  # 85.6 mm at 300 DPI
CARD_H = 638  # 54 mm
CARD_TINT = (224, 236, 232)
HEADER_RED = (170, 30, 40)


@dataclass
class IdCardData:
    person: Person
    place_of_origin: str
    expiry: date

    def fields(self) -> dict[str, Any]:
        p = self.person
        return {
            "personal_id": p.personal_id,
            "full_name": p.full_name,
            "date_of_birth": p.date_of_birth.isoformat(),
            "gender": p.gender,
            "nationality": "Việt Nam",
            "place_of_origin": self.place_of_origin,
            "place_of_residence": p.address.old(),
            "expiry_date": self.expiry.isoformat(),
        }


def render_id_card(data: IdCardData, rng: random.Random) -> Document:
    page = Page()
    x0 = 236 + rng.uniform(0, 120)
    y0 = 236 + rng.uniform(0, 200)
    page.rect(x0, y0, CARD_W, CARD_H, width=3, color=(120, 130, 128), fill=CARD_TINT)
    right = x0 + CARD_W
    page.center(y0 + 58, MOTTO, "label_bold", 27, HEADER_RED, x0 + 200, right - 10)
    page.center(y0 + 94, MOTTO_2, "label_bold", 25, HEADER_RED, x0 + 200, right - 10)
    page.center(y0 + 150, "CĂN CƯỚC CÔNG DÂN", "label_bold", 44, HEADER_RED, x0 + 200, right - 10)
    page.center(y0 + 184, "Citizen Identity Card", "label_italic", 24, HEADER_RED, x0 + 200, right - 10)
    # Photo and the national emblem's place.
    page.rect(x0 + 36, y0 + 210, 250, 320, width=2, color=(90, 90, 90), fill=(170, 176, 180))
    page.rect(x0 + 50, y0 + 30, 130, 130, width=2, color=(200, 160, 60), fill=(230, 200, 120))
    p = data.person
    tx = x0 + 320
    y = y0 + 240.0
    page.runs(tx, y, [("label", "Số / No.: "), ("value_bold", p.personal_id)], 32)
    y += 58
    page.text(tx, y, "Họ và tên / Full name:", "label", 24)
    y += 40
    page.text(tx, y, p.full_name.upper(), "value_bold", 32)
    y += 50
    page.runs(tx, y, [("label", "Ngày sinh / Date of birth: "), ("value", p.dob_vi)], 24)
    y += 42
    page.runs(
        tx,
        y,
        [("label", "Giới tính / Sex: "), ("value", p.gender_vi), ("label", "   Quốc tịch / Nationality: ")],
        24,
    )
    page.text(tx + 560, y, "Việt Nam", "value", 24)
    y += 42
    page.runs(tx, y, [("label", "Quê quán / Place of origin: "), ("value", data.place_of_origin)], 24)
    y += 42
    page.text(tx, y, "Nơi thường trú / Place of residence:", "label", 24)
    y += 38
    for line in page.wrap(p.address.old(), "value", 24, right - tx - 20):
        page.text(tx, y, line, "value", 24)
        y += 34
    page.runs(
        x0 + 36,
        y0 + CARD_H - 40,
        [("label", "Có giá trị đến: "), ("value", data.expiry.strftime("%d/%m/%Y"))],
        22,
    )
    return Document("id_card", None, data.fields(), [page])
