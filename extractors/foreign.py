"""Papers issued abroad: a document written in another language needs consular legalisation and a
Vietnamese translation (domain.md §3). Sets `foreign_issued` and `legalized` for the completeness rules.

Most Vietnamese words carry its own letters (ă â đ ê ô ơ ư) or tone marks, so a page of confidently read
words with almost none of them is in a foreign language. Accents of other Latin-script languages count as
Vietnamese here: a French or Spanish paper lands near the threshold and is flagged `language_unclear`, as is
a page with much text but few confidently read words (another script). Known limit: Vietnamese typed without
accents reads as foreign.
"""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz

from intake.model import ExtractedField, OcrLine

from .templates import ForeignPaperRules

_WORD = re.compile(r"[^\W\d_]{2,}")
_VIETNAMESE_LETTERS = set("ăâđêôơư")


def _is_vietnamese_word(word: str) -> bool:
    decomposed = unicodedata.normalize("NFD", word.lower())
    return any(ch in _VIETNAMESE_LETTERS for ch in word.lower()) or any(
        unicodedata.combining(ch) for ch in decomposed
    )


def vietnamese_share(lines: list[OcrLine], min_confidence: float) -> tuple[float, int]:
    """Share of words written with Vietnamese letters, among the words of confidently read lines."""
    words = [w for line in lines if line.confidence >= min_confidence for w in _WORD.findall(line.text)]
    if not words:
        return 1.0, 0
    return sum(_is_vietnamese_word(w) for w in words) / len(words), len(words)


def _has_marker(lines: list[OcrLine], markers: list[str], cutoff: float) -> OcrLine | None:
    for line in lines:
        text = line.text.upper()
        if any(
            len(text) >= 0.8 * len(marker) and fuzz.partial_ratio(marker.upper(), text) >= cutoff
            for marker in markers
        ):
            return line
    return None


def foreign_paper_fields(
    pages: list[tuple[int, list[OcrLine]]], rules: ForeignPaperRules
) -> dict[str, ExtractedField]:
    """`foreign_issued` when a page of the document is in another language and, for such a paper,
    `legalized`: a legalisation stamp and a Vietnamese translation anywhere in the document (the
    translation usually being pages of its own)."""
    measured = [(index, *vietnamese_share(lines, rules.min_line_confidence)) for index, lines in pages]
    readable = [(index, share, words) for index, share, words in measured if words >= rules.min_words]
    if not readable:
        text = sum(len(line.text) for _, lines in pages for line in lines)
        if text < rules.unreadable_text_chars:
            return {}
        return {  # plenty of text, little of it read with confidence: perhaps another script
            "foreign_issued": ExtractedField(
                key="foreign_issued",
                confidence=0.0,
                page=pages[0][0],
                needs_review=True,
                review_reasons=["language_unclear"],
            )
        }
    page, share, words = min(readable, key=lambda item: item[1])
    foreign = share <= rules.max_vietnamese_share
    low, high = rules.unclear_band
    unclear = low < share < high
    fields = {
        "foreign_issued": ExtractedField(
            key="foreign_issued",
            value=foreign,
            raw=f"{share:.0%} of {words} words in Vietnamese letters",
            confidence=0.6 if unclear else 0.95,
            page=page,
            needs_review=unclear,
            review_reasons=["language_unclear"] if unclear else [],
        )
    }
    if foreign:
        every_line = [line for _, lines in pages for line in lines]
        stamp = _has_marker(every_line, rules.legalisation_markers, rules.marker_cutoff)
        translation = _has_marker(every_line, rules.translation_markers, rules.marker_cutoff)
        fields["legalized"] = ExtractedField(
            key="legalized",
            value=stamp is not None and translation is not None,
            raw=" | ".join(line.text for line in (stamp, translation) if line is not None) or None,
            confidence=0.9,
            page=page,
            box=stamp.box if stamp is not None else None,
        )
    return fields
