"""Shared helpers: reading fields off documents, people's ages, name normalisation, Vietnamese messages."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from intake.model import TABLE_ROWS_UNREAD, Check, DecisionStatus, Document, Dossier, ExtractedField, on_clock
from intake.privacy import mask_id

from .config import Rules

_VI_TRANSLATE = str.maketrans({"đ": "d", "Đ": "D"})
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower case, no diacritics, single spaces: 'Nguyễn  Văn Đạt' → 'nguyen van dat'."""
    decomposed = unicodedata.normalize("NFD", text.translate(_VI_TRANSLATE))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", bare).strip().lower()


def nfc_lower(text: str) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip().lower()


def parse_date(value: Any) -> date | None:
    """ISO date, or a bare year ('1990' → None: not a full date)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def birth_year(value: Any) -> int | None:
    if (day := parse_date(value)) is not None:
        return day.year
    if isinstance(value, int) or (isinstance(value, str) and re.fullmatch(r"\d{4}", value.strip())):
        return int(value)
    return None


def age_on(date_of_birth: Any, on: date) -> tuple[int, int] | None:
    """(lowest, highest) possible age in whole years on `on`; a bare year leaves a one-year range."""
    if (born := parse_date(date_of_birth)) is not None:
        years = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
        return years, years
    if (year := birth_year(date_of_birth)) is not None:
        return on.year - year - 1, on.year - year
    return None


def masked(value: Any) -> str:
    text = str(value or "")
    return mask_id(text) if len(text) > 3 else "***"


class Unknown(Exception):
    """A rule needs a field the extraction did not produce."""

    def __init__(self, document: Document | None, key: str) -> None:
        super().__init__(key)
        self.document = document
        self.key = key


@dataclass
class Reading:
    """Fields a rule read, so that one read with low confidence can send the rule to review."""

    uncertain: list[tuple[Document, str]] = field(default_factory=list)
    documents: list[int] = field(default_factory=list)  # the documents read, in order, once each

    def get(
        self,
        document: Document,
        key: str,
        required: bool = True,
        rows_only: bool = False,
        vouched: bool = False,
    ) -> Any:
        """The value of a field; `rows_only` for a table whose rows count but whose cell text does not (an
        unsure cell then does not make the rule unsure); `vouched` when another reading confirms the part
        of the value the rule uses."""
        if document.index not in self.documents:
            self.documents.append(document.index)
        found: ExtractedField | None = document.fields.get(key)
        if found is None:
            if required:
                raise Unknown(document, key)
            return None
        unsure_rows = TABLE_ROWS_UNREAD in found.review_reasons
        unsure = found.needs_review and not vouched and (not rows_only or unsure_rows)
        if unsure and (document, key) not in self.uncertain:
            self.uncertain.append((document, key))
        return found.value


@dataclass
class DossierView:
    """The dossier as the rules see it: documents by type, the receipt date, the rule tables."""

    dossier: Dossier
    rules: Rules
    procedure: dict[str, Any] | None

    @property
    def received(self) -> date:
        received_at = self.dossier.meta.received_at
        if received_at is None:
            return datetime.now(self.rules.calendar.timezone).date()
        return on_clock(received_at, self.rules.calendar.timezone).date()

    def of_type(self, *doc_types: str) -> list[Document]:
        return [doc for doc in self.dossier.documents if str(doc.doc_type) in doc_types]

    def declarations(self) -> list[Document]:
        types = (self.procedure or {}).get("declaration_types", ["ct01", "ct02"])
        return self.of_type(*types)

    def document_label(self, document: Document | None) -> str:
        if document is None:
            return "hồ sơ"
        return self.rules.document_label(str(document.doc_type))

    def check(
        self,
        code: str,
        *,
        document: Document | None = None,
        page: int | None = None,
        field_key: str | None = None,
        outcome: DecisionStatus | str | None = None,
        **values: Any,
    ) -> Check:
        """A failed check for reason `code`, with its outcome and Vietnamese message from decision.yaml."""
        reason = self.rules.reason(code)
        values.setdefault("document", self.document_label(document))
        if field_key:
            values.setdefault("field_label", self.rules.field_label(field_key))
        try:
            message = str(reason.get("message", code)).format(**values)
        except (KeyError, IndexError, ValueError):
            message = str(reason.get("message", code))
        return Check(
            code=code,
            passed=False,
            severity=reason.get("severity", "error"),
            outcome=DecisionStatus(outcome or reason.get("outcome", "review")),
            message=message,
            document=document.index if document is not None else None,
            page=page,
            field=field_key,
        )

    def passed(self, code: str, message: str, document: Document | None = None) -> Check:
        return Check(
            code=code,
            passed=True,
            severity="info",
            message=message,
            document=document.index if document is not None else None,
        )
