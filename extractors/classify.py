"""Classify every page by the phrases printed on it, then group pages into documents.

A page is given a type only when the evidence is clear; an unclear page is left `unknown` and marked for
review rather than guessed.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from dataclasses import dataclass
from pathlib import PurePath

from rapidfuzz import fuzz

from intake.model import Classification, DocType, Document, Page

from .normalize import strip_accents
from .templates import ClassificationRules, DocumentTemplate, Marker, TemplateSet

VERSION_MARKER_CUTOFF = 95.0
EXCLUDE_CUTOFF = 92.0
# A title starts a new document only when a line begins with it, read almost exactly: the same words inside
# running text ("… chứng thực hợp đồng thuê nhà ở giữa …") or a phrase sharing words with it ("công nhận
# quyền sử dụng đất" on page 2 of a land certificate) must not split a document.
START_CUTOFF = 90.0
# Below this length a one-character OCR slip changes the meaning ("Mẫu CT01" / "Mẫu CT02"): match exactly.
MIN_FUZZY_LENGTH = 12


def match_text(text: str) -> str:
    """The form in which page text and markers are compared: NFC, case-folded, single spaces."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


@dataclass
class PageEvidence:
    scores: dict[DocType, float]
    matched: dict[DocType, list[str]]
    starts_document: set[DocType]
    readable_chars: int


def phrase_ratio(phrase: str, text: str, cutoff: float) -> float:
    """How well `phrase` occurs somewhere in `text` (both in match_text form), 0 below the cutoff."""
    if len(phrase) < MIN_FUZZY_LENGTH:
        return 100.0 if phrase in text else 0.0
    return fuzz.partial_ratio(phrase, text, score_cutoff=cutoff)


def _marker_score(marker: Marker, text: str, cutoff: float) -> float:
    """The marker's contribution to its type's score: its strength, scaled down for a loose match."""
    ratio = phrase_ratio(match_text(marker.text), text, cutoff)
    if not ratio:
        return 0.0
    return marker.strength * (0.5 + 0.5 * (ratio - cutoff) / (100.0 - cutoff))


def _mostly_upper(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and sum(ch.isupper() for ch in letters) >= 0.7 * len(letters)


def opens_a_line(title: str, lines: list[str]) -> bool:
    """Whether some line (or a line and the next, for wrapped titles) begins with the title, printed as a
    title: in capitals when the title is in capitals."""
    phrase = match_text(title)
    for first, second in zip(lines, [*lines[1:], ""], strict=True):
        for candidate in (first, f"{first} {second}".strip()):
            head = " ".join(candidate.split())[: len(phrase)]
            if title.isupper() and not _mostly_upper(head):
                continue
            if fuzz.ratio(phrase, head.casefold()) >= START_CUTOFF:
                return True
    return False


def _noisy_or(parts: list[float]) -> float:
    remaining = 1.0
    for part in parts:
        remaining *= 1.0 - part
    return 1.0 - remaining


def gather_evidence(page: Page, templates: TemplateSet, previous_type: DocType | None) -> PageEvidence:
    rules = templates.classification
    text = match_text(page.text)
    lines = [line.text for line in page.lines]
    scores: dict[DocType, float] = {}
    matched: dict[DocType, list[str]] = {}
    starts: set[DocType] = set()
    for template in templates.documents:
        if not template.markers:
            continue  # `other`: what no type claims
        if any(phrase_ratio(match_text(phrase), text, EXCLUDE_CUTOFF) for phrase in template.excludes):
            scores[template.doc_type] = 0.0
            continue
        parts: list[float] = []
        for marker in template.markers:
            if marker.after_same_type_only and previous_type != template.doc_type:
                continue
            score = _marker_score(marker, text, rules.fuzzy_cutoff)
            if score:
                parts.append(score)
                matched.setdefault(template.doc_type, []).append(marker.text)
                if marker.starts_document and opens_a_line(marker.text, lines):
                    starts.add(template.doc_type)
        scores[template.doc_type] = round(_noisy_or(parts), 4)
    readable = sum(len(line.text) for line in page.lines if line.confidence >= rules.min_line_confidence)
    return PageEvidence(scores=scores, matched=matched, starts_document=starts, readable_chars=readable)


# What OCR reads a circular number's 1s as ("!16/2026", "I 16/2026", "] 16/2026", "I I6/2026"), in either
# case: the version pattern is matched ignoring case ("L16/2026", seed 1357 hs_0033).
ONE_LOOKALIKES = str.maketrans({"I": "1", "i": "1", "l": "1", "L": "1", "!": "1", "|": "1", "]": "1"})


def detect_version(page: Page, template: DocumentTemplate) -> str | None:
    """The form version named in the header ("… Thông tư số 66/2023/TT-BCA …"), else by version markers."""
    if not template.versions:
        return None
    known = {version.version for version in template.versions}
    if template.version is not None:
        for line in page.lines:
            for number, year in re.findall(template.version.pattern, line.text, flags=re.IGNORECASE):
                # Digits split by a space are one number ("1 16/2026"), unless the first belongs to the
                # word before ("CT01 66/2023").
                number = number.translate(ONE_LOOKALIKES).replace(".", "")
                for digits in dict.fromkeys((number.replace(" ", ""), number.split()[-1])):
                    if digits.isdigit() and (candidate := f"{int(digits)}/{year}") in known:
                        return candidate
    text = match_text(page.text)
    best: tuple[float, str | None] = (0.0, None)
    runner_up = 0.0
    for version in template.versions:
        score = _noisy_or([_marker_score(m, text, VERSION_MARKER_CUTOFF) for m in version.markers])
        if score > best[0]:
            best, runner_up = (score, version.version), best[0]
        elif score > runner_up:
            runner_up = score
    if best[0] >= 0.5 and best[0] - runner_up >= 0.2:
        return best[1]
    return None


# A name's words: letters and digits apart ("tokhai_ct01" → tokhai ct 01, "Sổ hồng-1" → so hong 1).
NAME_WORD = re.compile(r"[a-z]+|\d+")


def name_words(text: str) -> tuple[str, ...]:
    return tuple(NAME_WORD.findall(strip_accents(unicodedata.normalize("NFC", text)).casefold()))


def _holds(words: tuple[str, ...], part: tuple[str, ...]) -> bool:
    return any(words[i : i + len(part)] == part for i in range(len(words) - len(part) + 1))


def type_named_by_file(file: str, templates: TemplateSet) -> DocType | None:
    """The one document type whose `file_names` the file's name holds as whole words, else None; None too
    for a name that also names another paper ("giay_chung_nhan_ket_hon", "hop_dong_lao_dong")."""
    words = name_words(PurePath(file).stem)
    rules = templates.classification
    if any(_holds(words, name_words(other)) for other in rules.file_names_of_other_papers):
        return None
    named = {
        template.doc_type
        for template in templates.documents
        if any(_holds(words, name_words(name)) for name in template.file_names)
    }
    return named.pop() if len(named) == 1 else None


def _read_too_poorly(page: Page, rules: ClassificationRules) -> bool:
    """Whether the page's text is too poorly read for the absence of every type's markers to mean much: as
    the legibility check's blurry page, the median confidence of its lines (of two characters or more, a few
    at least: not a blank page's specks) below the bar."""
    confidences = [line.confidence for line in page.lines if len(line.text.strip()) >= 2]
    return (
        len(confidences) >= rules.file_name_min_lines
        and statistics.median(confidences) < rules.file_name_below
    )


def _form_version_unclear(page: Page, result: Classification, templates: TemplateSet) -> bool:
    """Set the page's form version, for a type that has versions; whether it could not be told."""
    template = templates.document(result.doc_type)
    if template is None or not template.versions:
        return False
    result.form_version = detect_version(page, template)
    return result.form_version is None


def _types_from_file_names(pages: list[Page], templates: TemplateSet) -> None:
    """Pages without a type whose text was read too poorly to tell one take the type their file's name
    tells, when no other page of the file has another by its text (a dossier scanned into one PDF named for
    one of its papers); marked for review."""
    rules = templates.classification
    typed_by_text: dict[str, set[DocType]] = {}
    for page in pages:
        if page.classification.doc_type not in (DocType.UNKNOWN, DocType.OTHER):
            typed_by_text.setdefault(page.file, set()).add(page.classification.doc_type)
    for page in pages:
        result = page.classification
        if result.doc_type not in (DocType.UNKNOWN, DocType.OTHER) or not _read_too_poorly(page, rules):
            continue
        named = type_named_by_file(page.file, templates)
        if named is None or not typed_by_text.get(page.file, set()) <= {named}:
            continue
        result.doc_type, result.confidence, result.by = named, rules.file_name_confidence, "file_name"
        reasons = {reason for reason in page.review_reasons if reason != "document_type_unclear"}
        reasons.add("document_type_from_file_name")
        if _form_version_unclear(page, result, templates):
            reasons.add("form_version_unclear")
        page.needs_review = True
        page.review_reasons = sorted(reasons)


def classify_pages(pages: list[Page], templates: TemplateSet) -> list[set[DocType]]:
    """Classify pages in dossier order; return, per page, the types it starts a document of."""
    rules = templates.classification
    previous_type: DocType | None = None
    starts_per_page: list[set[DocType]] = []
    for page in pages:
        evidence = gather_evidence(page, templates, previous_type)
        ranked = sorted(evidence.scores.items(), key=lambda item: item[1], reverse=True)
        (best_type, best), runner_up = ranked[0], (ranked[1][1] if len(ranked) > 1 else 0.0)
        result = Classification(scores={str(k): v for k, v in evidence.scores.items()})
        reasons: list[str] = []
        if evidence.readable_chars < rules.min_readable_chars:
            reasons.append("page_unreadable_or_blank")
        elif best >= rules.accept and best - runner_up >= rules.margin:
            result.doc_type, result.confidence, result.by = best_type, best, "markers"
        elif (
            previous_type is not None
            and best_type == previous_type
            and best >= rules.continuation_accept
            and best - runner_up >= rules.margin
        ):
            result.doc_type, result.confidence, result.by = best_type, best, "continuation"
        elif best < rules.other_below:
            result.doc_type, result.confidence, result.by = DocType.OTHER, round(1.0 - best, 4), "markers"
        else:
            reasons.append("document_type_unclear")
        result.matched_markers = evidence.matched.get(result.doc_type, [])
        if result.doc_type not in (DocType.UNKNOWN, DocType.OTHER) and _form_version_unclear(
            page, result, templates
        ):
            reasons.append("form_version_unclear")
        page.classification = result
        if reasons:
            page.needs_review = True
            page.review_reasons = sorted(set(page.review_reasons) | set(reasons))
        previous_type = result.doc_type if result.doc_type not in (DocType.UNKNOWN, DocType.OTHER) else None
        starts_per_page.append(evidence.starts_document)
    _types_from_file_names(pages, templates)
    return starts_per_page


def group_documents(pages: list[Page], starts_per_page: list[set[DocType]]) -> list[Document]:
    """Consecutive pages of one type form a document, unless a page starts a new one (its title is on it)."""
    documents: list[Document] = []
    for page, starts in zip(pages, starts_per_page, strict=True):
        doc_type = page.classification.doc_type
        current = documents[-1] if documents else None
        previous_page = pages[current.pages[-1]] if current else None
        continues = (
            current is not None
            and previous_page is not None
            and doc_type == current.doc_type
            and doc_type != DocType.UNKNOWN
            and doc_type not in starts
            and (doc_type != DocType.OTHER or previous_page.file == page.file)
        )
        if continues and current is not None:
            current.pages.append(page.index)
            current.confidence = min(current.confidence, page.classification.confidence)
            current.needs_review = current.needs_review or page.needs_review
        else:
            documents.append(
                Document(
                    index=len(documents),
                    doc_type=doc_type,
                    form_version=page.classification.form_version,
                    pages=[page.index],
                    confidence=page.classification.confidence,
                    needs_review=page.needs_review,
                )
            )
        page.document = documents[-1].index
    return documents
