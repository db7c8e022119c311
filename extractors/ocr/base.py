"""The one interface every OCR engine implements, and the registry that builds them by name."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

import numpy as np

from intake.config import Settings
from intake.model import OcrLine


class OcrEngineError(RuntimeError):
    """An engine could not be built or could not read a page (e.g. its model files are missing)."""


@dataclass
class Upright:
    """A page turned upright and straightened, with what was done to it and the lines read from it."""

    image: np.ndarray
    rotation: int
    skew: float
    lines: list[OcrLine]


class OcrEngine(Protocol):
    name: str

    def read(self, image: np.ndarray) -> list[OcrLine]:
        """Lines of text on a BGR page image, in reading order, each with its box and confidence."""
        ...

    def read_upright(self, image: np.ndarray) -> Upright:
        """Correct rotation (90/180/270) and skew, then read; straight pages are left untouched."""
        ...

    def read_text(
        self, image: np.ndarray, charset: str | None = None, primary_only: bool = False
    ) -> tuple[str, float]:
        """Read one line of text from a crop (greyscale or BGR), optionally limited to `charset`;
        `primary_only` keeps the second recogniser out, for an opinion independent of it."""
        ...

    def read_handwriting(self, image: np.ndarray, charset: str | None = None) -> tuple[str, float] | None:
        """Read one line from a crop with the handwriting-capable recogniser alone, optionally limited to
        `charset`; None when the engine has no such recogniser."""
        ...

    def read_choice(self, image: np.ndarray, choices: Sequence[str]) -> tuple[str, float] | None:
        """Which of a few words a handwritten crop most likely holds, by the handwriting-capable recogniser,
        and its margin: how much likelier it is than the next choice (difference of log-probabilities).
        None when the engine has no such recogniser or the crop holds nothing to compare."""
        ...

    def read_in_formats(
        self, image: np.ndarray, forms: Sequence[Sequence[str]]
    ) -> list[tuple[str, float] | None] | None:
        """For each form (one string of allowed characters per position: a date is "0123", digits, "/.-",
        …), the handwriting-capable recogniser's likeliest reading of the crop as a whole number of that
        form anywhere in it, and how far it falls behind the crop's best reading (log-probability); None for
        a form that does not fit. None without such a recogniser."""
        ...

    def reading_shortfall(self, image: np.ndarray, text: str, charset: str) -> float | None:
        """How much less likely `text`, spelled by the whole crop with only `charset` (a row of digit boxes),
        is than the crop's best reading under the same limit, by the handwriting-capable recogniser
        (log-probability, 0 when it is the best reading); None without one."""
        ...

    def reading_shortfall_within(self, image: np.ndarray, text: str) -> float | None:
        """The same for `text` written anywhere in the crop (after the end of a label, say) and followed by
        no letter; None without a handwriting-capable recogniser."""
        ...

    def reading_shortfalls_within(
        self, image: np.ndarray, texts: Sequence[str], whole_words: bool = False
    ) -> list[float | None] | None:
        """`reading_shortfall_within` of each of `texts` (None for one the recogniser cannot spell), the crop
        read once; with `whole_words`, a text must also start a word (a space, a character not of its first
        character's kind, or the crop's start right before it). None without a handwriting-capable
        recogniser."""
        ...


EngineFactory = Callable[[Settings], OcrEngine]
_REGISTRY: dict[str, EngineFactory] = {}


def register_engine(name: str) -> Callable[[EngineFactory], EngineFactory]:
    def add(factory: EngineFactory) -> EngineFactory:
        _REGISTRY[name] = factory
        return factory

    return add


def available_engines() -> list[str]:
    return sorted(_REGISTRY)


@lru_cache(maxsize=2)
def shared_engine(settings: Settings) -> OcrEngine:
    """One engine per process and settings: loading models costs seconds, reading a page does not."""
    return create_engine(settings)


def create_engine(settings: Settings) -> OcrEngine:
    try:
        factory = _REGISTRY[settings.ocr_engine]
    except KeyError as exc:
        raise OcrEngineError(
            f"unknown OCR engine {settings.ocr_engine!r}; available: {', '.join(available_engines())}"
        ) from exc
    return factory(settings)


def reading_order(lines: list[OcrLine]) -> list[OcrLine]:
    """Sort lines top to bottom, and left to right among lines that share a row."""
    ordered = sorted(lines, key=lambda line: (line.box.y0 + line.box.y1) / 2)
    rows: list[list[OcrLine]] = []
    for line in ordered:
        centre = (line.box.y0 + line.box.y1) / 2
        height = line.box.y1 - line.box.y0
        if rows:
            row = rows[-1]
            row_centre = sum((item.box.y0 + item.box.y1) / 2 for item in row) / len(row)
            if abs(centre - row_centre) < max(height, 1.0) * 0.5:
                row.append(line)
                continue
        rows.append([line])
    return [line for row in rows for line in sorted(row, key=lambda item: item.box.x0)]
