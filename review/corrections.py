"""Applying a reviewer's decisions to a processed record, with no web dependency (the CLI and API reuse it).

    result = save_review(out_dir, name, reviews, reviewer, storage=storage, settings=settings)

1. load `records/<name>.json`; refuse when it changed since the reviewer loaded it (`expected_version`);
2. apply each `FieldReview`: accept (value kept), correct (the typed text goes through the field's own
   normaliser, `raw` kept), reject (value null); each sets needs_review false, confidence 1.0 (0.0 for a
   rejection) and review_reasons to accepted_by_reviewer / corrected_by_reviewer / rejected_by_reviewer;
3. re-run validation on the page images (read back from `page.image_uri`), after clearing the checks, the
   decision and the previous validation errors;
4. re-emit: `intake.emit.finalize`, the slip (`validators.write_slip`; a slip of another form left over from
   the previous decision is removed), `intake.emit.write_record`, and the same objects in storage
   (`records/<dossier_id>.json`, `slips/<dossier_id>.pdf`) when one is given;
5. append the audit entries to the sidecar `records/<name>.audit.json` (before the record is replaced, so
   that no change is ever saved without its trail).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import re
import unicodedata
import urllib.parse
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from extractors.normalize import EMAIL, NORMALIZERS, Normalized, email
from extractors.templates import TemplateError, load_templates
from intake import emit
from intake.config import Settings, get_settings
from intake.model import (
    ACCEPTED_BY_REVIEWER,
    CORRECTED_BY_REVIEWER,
    REJECTED_BY_REVIEWER,
    REVIEWER_REASONS,
    DecisionStatus,
    Document,
    Dossier,
    ExtractedField,
)
from intake.privacy import mask_ids
from intake.storage import KeyNotFoundError, Storage, StorageError
from validators import validate_dossier, write_slip

from .audit import AuditEntry, append_audit, audit_key, audit_path

log = logging.getLogger(__name__)

SLIP_FORMS = ("CT04", "CT05", "CT06")
LIST_SEPARATOR = ";"


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


class Action(StrEnum):
    ACCEPT = "accept"
    CORRECT = "correct"
    REJECT = "reject"


@dataclass(frozen=True)
class FieldReview:
    """A reviewer's decision on one field; `text` is what was typed for a correction."""

    document: int
    field: str
    action: Action
    text: str | None = None


@dataclass(frozen=True)
class Reviewer:
    username: str
    role: str


class ReviewError(Exception):
    """The review cannot be saved. `message` is in Vietnamese, for the reviewer."""

    def __init__(self, message: str, field_errors: dict[tuple[int, str], str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field_errors = field_errors or {}


class StaleRecordError(ReviewError):
    """The record changed since the reviewer loaded it."""


@dataclass
class SaveResult:
    dossier: Dossier
    record_path: Path
    slip_path: Path | None
    entries: list[AuditEntry]
    old_status: str | None
    new_status: str | None


# ---------------------------------------------------------------------------------------------------------
# Records


def record_path(out_dir: Path, name: str) -> Path:
    return Path(out_dir) / emit.RECORDS_DIR / f"{name}.json"


def load_record(path: Path) -> Dossier:
    return Dossier.model_validate(json.loads(Path(path).read_text(encoding="utf-8")))


def record_version(dossier: Dossier) -> str:
    """Changes on every emit (finalize stamps finished_at): the optimistic-lock token of a record."""
    return dossier.finished_at.isoformat() if dossier.finished_at else ""


@contextlib.contextmanager
def record_lock(out_dir: Path, name: str) -> Iterator[None]:
    """One save at a time per record, across processes (an flock on a hidden lock file)."""
    lock_file = Path(out_dir) / emit.RECORDS_DIR / f".{name}.review.lock"
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with lock_file.open("a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


# ---------------------------------------------------------------------------------------------------------
# What a field holds, how it is shown in the edit box and how typed text becomes its value


@dataclass(frozen=True)
class FieldKind:
    """`normalizer` (extractors.normalize) for scalars; `choices` for coded values; list / json shapes."""

    shape: str = "scalar"  # scalar | list | json | choice | boolean
    normalizer: str = "text"
    choices: tuple[str, ...] = ()


def field_kind(document: Document, key: str, current: Any, settings: Settings | None = None) -> FieldKind:
    """The kind of a field from the document's extraction template, else from its current value."""
    settings = settings or get_settings()
    try:
        templates = load_templates(settings.templates_dir)
    except TemplateError:
        templates = None
    template = templates.document(document.doc_type) if templates else None
    if template is not None:
        spec = template.extraction(document.form_version)
        if key in spec.fields:
            item = spec.fields[key]
            if item.one_of:
                return FieldKind("choice", choices=tuple(item.one_of))
            if item.present_if:
                return FieldKind("boolean", "boolean")
            if item.repeat:
                return FieldKind("list", item.normalizer)
            return FieldKind("scalar", item.normalizer)
        if key in spec.tables:
            return FieldKind("json")
        if key in spec.blocks:
            return FieldKind("boolean", "boolean")
        if key in spec.derived:
            derived = spec.derived[key]
            if derived.map == "request_types" and templates is not None:
                codes = dict.fromkeys([item.type for item in templates.request_types] + ["other"])
                return FieldKind("choice", choices=tuple(codes))
            return FieldKind("boolean", "boolean")
    if isinstance(current, bool):
        return FieldKind("boolean", "boolean")
    if isinstance(current, int | float):
        return FieldKind("scalar", "area")
    if isinstance(current, list):
        if any(isinstance(item, dict) for item in current):
            return FieldKind("json")
        return FieldKind("list", "text")
    if isinstance(current, dict):
        return FieldKind("json")
    return FieldKind("scalar", "text")


_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_GENDER_TEXT = {"male": "Nam", "female": "Nữ"}


def display_value(value: Any, kind: FieldKind) -> str:
    """The value as a person would type it back (so that an unchanged edit round-trips)."""
    if value is None:
        return ""
    if kind.shape == "json":
        return json.dumps(value, ensure_ascii=False)
    if kind.shape == "list" and isinstance(value, list):
        return f"{LIST_SEPARATOR} ".join(
            display_value(item, FieldKind("scalar", kind.normalizer)) for item in value
        )
    if isinstance(value, bool):
        return "có" if value else "không"
    if kind.normalizer == "date" and isinstance(value, str) and (match := _ISO_DATE.fullmatch(value)):
        return f"{match.group(3)}/{match.group(2)}/{match.group(1)}"
    if kind.normalizer == "gender" and value in _GENDER_TEXT:
        return _GENDER_TEXT[value]
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return str(value)


_PROBLEMS_VI = {
    "unrecognised_date": "Ngày không hợp lệ (nhập dd/mm/yyyy).",
    "impossible_date": "Ngày không hợp lệ: ngày này không có trong lịch.",
    "unrecognised_boolean": "Nhập “có” hoặc “không”.",
    "unrecognised_gender": "Nhập “Nam” hoặc “Nữ”.",
    "invalid_phone": "Số điện thoại không hợp lệ.",
    "invalid_email": "Email không hợp lệ.",
    "invalid_code": "Mã không hợp lệ.",
    "invalid_area": "Diện tích không hợp lệ (ví dụ 32,5).",
    "invalid_amount": "Số tiền không hợp lệ.",
    "id_wrong_length": "Số định danh phải có 12 chữ số (hoặc 9 với CMND).",
    "digits_in_name": "Tên không được có chữ số.",
    "empty": "Giá trị trống.",
}


def parse_value(text: str, kind: FieldKind) -> Any:
    """Typed text → the field's value; raises ValueError with a Vietnamese message when it does not fit."""
    text = nfc(text).strip()
    if not text:
        raise ValueError("Giá trị trống: nếu giấy tờ không có thông tin này, hãy dùng “Loại bỏ” (r).")
    if kind.shape == "json":
        try:
            value = json.loads(text)
        except ValueError as exc:
            raise ValueError("Giá trị phải là JSON hợp lệ (danh sách các dòng).") from exc
        return _nfc_deep(value)
    if kind.shape == "choice":
        if text not in kind.choices:
            raise ValueError(f"Chọn một trong: {', '.join(kind.choices)}.")
        return text
    if kind.shape == "list":
        items = [item.strip() for item in text.split(LIST_SEPARATOR) if item.strip()]
        return [_normalise(item, kind.normalizer) for item in items]
    return _normalise(text, kind.normalizer)


def _normalise(text: str, normalizer: str) -> Any:
    if normalizer == "date" and (match := _ISO_DATE.fullmatch(text)):
        text = f"{match.group(3)}/{match.group(2)}/{match.group(1)}"
    if normalizer == "email":
        result = email(text, lookalikes=False)  # a typed "0" or "I" is what the officer read on the paper
        # So is a domain: one near a listed service's ("cloud.com") is not a misreading to set right.
        if result.doubt == "email_domain_guessed" and EMAIL.fullmatch(
            typed := "".join(text.split()).casefold()
        ):
            return typed
    else:
        result = NORMALIZERS.get(normalizer, NORMALIZERS["text"])(text)
    if normalizer == "date" and result.doubt is not None:
        # A date whose digits had to be guessed ("1/122053") is a typing slip to put right, not to guess.
        result = Normalized.fail("unrecognised_date", text)
    if not result.ok:
        message = _PROBLEMS_VI.get(result.problem or "", f"Giá trị không hợp lệ ({result.problem}).")
        raise ValueError(message)
    return result.value


def _nfc_deep(value: Any) -> Any:
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, list):
        return [_nfc_deep(item) for item in value]
    if isinstance(value, dict):
        return {nfc(str(k)): _nfc_deep(v) for k, v in value.items()}
    return value


# ---------------------------------------------------------------------------------------------------------
# Flagged fields


@dataclass
class Flag:
    """A field a person should look at, and why."""

    document: Document
    field: ExtractedField
    reasons: list[str] = field(default_factory=list)


def flagged_fields(dossier: Dossier) -> list[Flag]:
    """Fields with needs_review, and fields a failed check sends to review, in document and page order."""
    flags: dict[tuple[int, str], Flag] = {}
    for document in dossier.documents:
        for found in document.fields.values():
            if found.needs_review:
                flags[(document.index, found.key)] = Flag(document, found, list(found.review_reasons))
    for check in dossier.checks:
        if check.passed or check.outcome != DecisionStatus.REVIEW or check.field is None:
            continue
        if check.document is None or check.document >= len(dossier.documents):
            continue
        document = dossier.documents[check.document]
        found = document.fields.get(check.field)
        if found is None or (found.review_reasons and found.review_reasons[0] in REVIEWER_REASONS):
            continue
        flag = flags.setdefault(
            (document.index, found.key), Flag(document, found, list(found.review_reasons))
        )
        if check.code not in flag.reasons:
            flag.reasons.append(check.code)
    return sorted(flags.values(), key=_reading_order)


def _reading_order(flag: Flag) -> tuple[int, int, int, float, str]:
    """Document by document; fields located on a page first, top to bottom; fields not found last."""
    found = flag.field
    located = found.box is not None and found.page is not None
    return (
        flag.document.index,
        0 if located else 1,
        found.page or 0,
        found.box.y0 if found.box else 0.0,
        found.key,
    )


# ---------------------------------------------------------------------------------------------------------
# Applying a review


def apply_reviews(
    dossier: Dossier,
    reviews: list[FieldReview],
    reviewer: Reviewer,
    *,
    settings: Settings | None = None,
    at: datetime | None = None,
    save_id: str | None = None,
) -> list[AuditEntry]:
    """Apply every review to the dossier, or none when one does not fit (ReviewError lists them all)."""
    at = at or datetime.now(UTC)
    save_id = save_id or uuid.uuid4().hex
    errors: dict[tuple[int, str], str] = {}
    planned: list[tuple[Document, ExtractedField, FieldReview, Any]] = []
    seen: set[tuple[int, str]] = set()
    for review in reviews:
        where = (review.document, review.field)
        if where in seen:
            errors[where] = "Trường được gửi hai lần."
            continue
        seen.add(where)
        if not 0 <= review.document < len(dossier.documents):
            errors[where] = "Không có giấy tờ này trong hồ sơ."
            continue
        document = dossier.documents[review.document]
        found = document.fields.get(review.field)
        if found is None:
            errors[where] = "Không có trường này trong giấy tờ."
            continue
        new_value: Any = found.value
        if review.action == Action.CORRECT:
            try:
                new_value = parse_value(
                    review.text or "", field_kind(document, found.key, found.value, settings)
                )
            except ValueError as exc:
                errors[where] = str(exc)
                continue
        elif review.action == Action.REJECT:
            new_value = None
        planned.append((document, found, review, new_value))
    if errors:
        raise ReviewError("Có trường chưa hợp lệ; chưa lưu gì.", errors)
    entries: list[AuditEntry] = []
    for document, found, review, new_value in planned:
        old_value = found.value
        reasons_before = list(found.review_reasons)
        found.value = new_value
        found.needs_review = False
        if review.action == Action.ACCEPT:
            found.confidence, found.review_reasons = 1.0, [ACCEPTED_BY_REVIEWER]
        elif review.action == Action.CORRECT:
            found.confidence, found.review_reasons = 1.0, [CORRECTED_BY_REVIEWER]
        else:
            found.confidence, found.review_reasons = 0.0, [REJECTED_BY_REVIEWER]
        entries.append(
            AuditEntry(
                at=at,
                user=reviewer.username,
                role=reviewer.role,  # type: ignore[arg-type]
                action=str(review.action),  # type: ignore[arg-type]
                save_id=save_id,
                document=document.index,
                field=found.key,
                old=old_value,
                new=new_value,
                raw=found.raw,
                reasons=reasons_before,
            )
        )
    for document in dossier.documents:
        document.needs_review = any(
            dossier.pages[i].needs_review for i in document.pages if i < len(dossier.pages)
        ) or any(f.needs_review for f in document.fields.values())
    return entries


# ---------------------------------------------------------------------------------------------------------
# Page images, validation, emit


def _storage_key(storage: Storage, uri: str) -> str | None:
    """The storage key of a URI the storage made (pages/<id>/<n>.jpg), or None when it is not one of its."""
    probe = "pages/x"
    base = storage.uri(probe)[: -len(probe)]
    if not uri.startswith(base):
        return None
    return urllib.parse.unquote(uri[len(base) :]) if uri.startswith("file://") else uri[len(base) :]


def read_page_image_bytes(uri: str | None, storage: Storage | None = None) -> bytes | None:
    """A page image's bytes: through the storage when it made the URI, else from a file:// path."""
    if not uri:
        return None
    try:
        if storage is not None:
            key = _storage_key(storage, uri)
            if key is not None:
                return storage.get_bytes(key)
        if uri.startswith("file://"):
            path = Path(urllib.parse.unquote(urllib.parse.urlsplit(uri).path))
            return path.read_bytes()
    except (OSError, KeyNotFoundError, StorageError) as exc:
        log.warning("page image %s unavailable: %s", uri, exc)
    return None


def load_page_images(dossier: Dossier, storage: Storage | None = None) -> list[np.ndarray | None]:
    images: list[np.ndarray | None] = []
    for page in dossier.pages:
        data = read_page_image_bytes(page.image_uri, storage)
        image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR) if data else None
        images.append(image)
    return images


def revalidate(dossier: Dossier, page_images: list[np.ndarray | None] | None, settings: Settings) -> None:
    """Validation from scratch: the previous checks, decision and validation errors are dropped first."""
    dossier.checks = []
    dossier.decision = None
    dossier.errors = [error for error in dossier.errors if error.stage != "validate"]
    validate_dossier(dossier, page_images, settings)  # type: ignore[arg-type]  # None entries are skipped


def reemit(dossier: Dossier, out_dir: Path, storage: Storage | None = None) -> tuple[Path, Path | None]:
    """What the emit stage does (flows/dossier.py emit_task), plus removing a slip the new decision voids."""
    emit.finalize(dossier)
    slip: Path | None = None
    if dossier.decision is not None and dossier.decision.slip is not None:
        slip = write_slip(dossier, emit.slip_path(dossier, out_dir))
    keep = slip.name if slip else None
    for form in SLIP_FORMS:
        stale = Path(out_dir) / emit.RECORDS_DIR / f"{dossier.name}.{form}.pdf"
        if stale.name != keep and stale.exists():
            stale.unlink()
    path = emit.write_record(dossier, out_dir)
    if storage is not None:
        if slip is not None:
            storage.put_bytes(
                f"slips/{dossier.dossier_id}.pdf", slip.read_bytes(), content_type="application/pdf"
            )
        else:
            storage.delete(f"slips/{dossier.dossier_id}.pdf")
        storage.put_bytes(
            f"records/{dossier.dossier_id}.json", path.read_bytes(), content_type="application/json"
        )
    return path, slip


def save_review(
    out_dir: Path,
    name: str,
    reviews: list[FieldReview],
    reviewer: Reviewer,
    *,
    storage: Storage | None = None,
    settings: Settings | None = None,
    expected_version: str | None = None,
) -> SaveResult:
    """Apply, re-validate, re-emit and audit one dossier's review (see the module docstring)."""
    settings = settings or get_settings()
    out_dir = Path(out_dir)
    with record_lock(out_dir, name):
        path = record_path(out_dir, name)
        dossier = load_record(path)
        if expected_version is not None and expected_version != record_version(dossier):
            raise StaleRecordError("Hồ sơ vừa được người khác cập nhật; hãy tải lại trang rồi xem lại.")
        at = datetime.now(UTC)
        save_id = uuid.uuid4().hex
        entries = apply_reviews(dossier, reviews, reviewer, settings=settings, at=at, save_id=save_id)
        old_status = str(dossier.decision.status) if dossier.decision else None
        revalidate(dossier, load_page_images(dossier, storage), settings)
        new_status = str(dossier.decision.status) if dossier.decision else None
        entries.append(
            AuditEntry(
                at=at,
                user=reviewer.username,
                role=reviewer.role,  # type: ignore[arg-type]
                action="decision",
                save_id=save_id,
                old=old_status,
                new=new_status,
                reasons=list(dossier.decision.reasons) if dossier.decision else [],
            )
        )
        trail = append_audit(out_dir, dossier.name, dossier.dossier_id, entries)
        if storage is not None:
            storage.put_bytes(
                audit_key(dossier.dossier_id),
                audit_path(out_dir, dossier.name).read_bytes(),
                content_type="application/json",
            )
        dossier.audit = list(trail.entries)
        record, slip = reemit(dossier, out_dir, storage)
    log.info(
        "%s",
        mask_ids(
            f"review saved: dossier {dossier.name} by {reviewer.username} ({reviewer.role}): "
            f"{len(entries) - 1} field(s), decision {old_status} -> {new_status}, "
            f"{len(trail.entries)} audit entries"
        ),
    )
    return SaveResult(dossier, record, slip, entries, old_status, new_status)
