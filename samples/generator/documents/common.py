"""Blocks shared by several document types."""

from __future__ import annotations

import random
from datetime import date

from ..render import BODY, Page, measure

MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_2 = "Độc lập - Tự do - Hạnh phúc"


def motto(
    page: Page,
    y: float,
    size: int = 52,
    color: tuple[int, int, int] = (0, 0, 0),
    x0: float | None = None,
    x1: float | None = None,
) -> float:
    """National motto, centred, with the short rule under the second line; return the next baseline."""
    page.center(y, MOTTO, "label_bold", size, color, x0, x1)
    y += size * 1.35
    page.center(y, MOTTO_2, "label_bold", size - 2, color, x0, x1)
    a = page.left if x0 is None else x0
    b = page.right if x1 is None else x1
    half = measure(MOTTO_2, "label_bold", size - 2) / 2
    page.line((a + b) / 2 - half, y + 16, (a + b) / 2 + half, y + 16, width=3, color=color)
    return y + size * 1.6


def date_line(place: str, when: date) -> str:
    return f"{place}, ngày {when.day:02d} tháng {when.month:02d} năm {when.year}"


def signature_block(
    page: Page,
    cx: float,
    y: float,
    titles: list[str],
    name: str,
    rng: random.Random,
    signed: bool = True,
    width: float = 800,
    size: int = BODY - 2,
    note: str = "(Ký, ghi rõ họ tên)",
) -> float:
    """Bold title lines, an italic note, an ink signature and the typed name; return the y below the name."""
    for t in titles:
        for line in page.wrap(t, "label_bold", size, width):
            page.center(y, line, "label_bold", size, x0=cx - width / 2, x1=cx + width / 2)
            y += size * 1.3
    if note:
        page.center(y, note, "label_italic", size - 6, x0=cx - width / 2, x1=cx + width / 2)
    y += 60
    if signed:
        page.signature(cx + rng.uniform(-30, 30), y + 120, rng)
        nsize = size - 8
        while measure(name, "value_bold", nsize) > width - 10 and nsize > 28:
            nsize -= 2
        page.center(y + 300, name, "value_bold", nsize, x0=cx - width / 2, x1=cx + width / 2)
    return y + 340
