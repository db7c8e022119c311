"""The review queue: dossiers that need a person, ordered by due date, with office / type / reason filters."""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from intake.config import Settings
from intake.emit import RECORDS_DIR
from intake.model import TABLE_ROWS_UNREAD, VALUES_MISSING, DecisionStatus, Dossier
from validators.config import RulesError, load_rules

from .audit import AUDIT_SUFFIX
from .config import Source
from .corrections import flagged_fields

log = logging.getLogger(__name__)

# Why a field or page was flagged (extractors/), why a decision went to review (templates/decision.yaml).
REASON_LABELS: dict[str, str] = {
    "not_found": "Không tìm thấy",
    "low_confidence": "Đọc chưa chắc chắn",
    "not_normalised": "Không chuẩn hoá được",
    "empty": "Trống",
    "impossible_date": "Ngày không tồn tại",
    "unrecognised_date": "Không đọc được ngày",
    "unrecognised_gender": "Không đọc được giới tính",
    "unrecognised_boolean": "Không rõ có/không",
    "unrecognised_request": "Không nhận ra nội dung đề nghị",
    "request_guessed": "Loại đề nghị được đoán theo những chữ đầu đọc chưa đúng, cần đối chiếu",
    "invalid_phone": "Số điện thoại không hợp lệ",
    "invalid_email": "Email không hợp lệ",
    "invalid_code": "Mã không hợp lệ",
    "invalid_area": "Diện tích không hợp lệ",
    "invalid_amount": "Số tiền không hợp lệ",
    "id_wrong_length": "Số định danh sai độ dài",
    "digits_in_name": "Tên có chữ số",
    "punctuation_in_name": "Tên có dấu câu (có thể là nhãn của ô khác)",
    "digit_boxes_unread": "Ô số đọc chưa chắc chắn",
    "handwriting_unconfirmed": "Chữ viết tay, cần đối chiếu",
    "not_in_vocabulary": "Không có trong danh mục",
    "email_at_restored": "Đã khôi phục ký tự @ trong email",
    "email_domain_guessed": "Tên miền email được đoán theo danh sách tên miền phổ biến",
    "date_digits_guessed": "Chữ số của ngày tháng được đoán từ ký tự giống số",
    "id_digits_guessed": "Số định danh đọc kèm ký tự lạ, chữ số có thể bị đọc sai hoặc thiếu",
    VALUES_MISSING: "Đọc được ít giá trị hơn số người: thiếu giá trị, không rõ giá trị nào của ai",
    TABLE_ROWS_UNREAD: "Có dòng trong bảng không đọc được thành thành viên: số thành viên có thể thiếu",
    "birth_year_from_id": "Năm sinh đọc lại theo số định danh (chữ viết tay dễ nhầm), cần đối chiếu",
    "name_spelling_unusual": "Tên có chữ không đúng chính tả tiếng Việt (có thể đọc sai dấu)",
    "name_marks_guessed": "Dấu của tên được sửa theo tên thông dụng (có thể đọc sai dấu), cần đối chiếu",
    "from_other_field": "Lấy theo cách viết cùng tên ở mục khác của tờ khai (mục này đọc sai), cần đối chiếu",
    "from_other_document": "Một phần được sửa theo giấy tờ khác trong hồ sơ (địa chỉ chỗ ở), cần đối chiếu",
    "name_number_cut": "Tên đọc liền với số thứ tự của mục sau, đã bỏ phần số; cần đối chiếu chữ cuối",
    "place_name_mended": "Tên đơn vị hành chính được sửa theo danh mục, cần đối chiếu",
    "listed_value_weighed": "Chữ viết tay khó đọc, giá trị được chọn theo danh mục khớp nhất với ảnh",
    "wording_mended": "Một số chữ được sửa theo cách viết thông dụng (cụm từ, địa chỉ), cần đối chiếu",
    "odd_characters": "Có ký tự lạ (có thể đọc sai)",
    "occupation_unusual": "Nghề nghiệp có chữ số hoặc quá ngắn (có thể đọc sai)",
    "email_cleaned": "Đã bỏ ký tự lạ trong email",
    "email_weighed": "Email viết tay được sửa theo ảnh (dấu chấm, chữ dễ nhầm như t/l), cần đối chiếu",
    "email_from_name": "Email viết tay được sửa theo họ tên người kê khai và ảnh, cần đối chiếu",
    "name_from_email": "Tên viết tay được sửa theo email của người kê khai và ảnh, cần đối chiếu",
    "pattern_reread": "Lần đọc đầu thừa hoặc sai ký tự, giá trị lấy từ lần đọc lại dòng, cần đối chiếu",
    "relationship_weighed_by_age": (
        "Quan hệ với chủ hộ viết tay khó đọc, được chọn theo ảnh trong số quan hệ hợp với năm sinh hai người"
    ),
    "relationship_against_ages": (
        "Quan hệ với chủ hộ không hợp với năm sinh hoặc số định danh của hai người, cần đối chiếu"
    ),
    "language_unclear": "Chưa rõ ngôn ngữ của giấy tờ",
    "document_type_unclear": "Chưa rõ loại giấy tờ",
    "document_type_from_file_name": "Trang không đọc rõ, loại giấy tờ xác định theo tên tệp, cần đối chiếu",
    "form_version_unclear": "Chưa rõ phiên bản mẫu",
    "page_unreadable_or_blank": "Trang không đọc được hoặc trống",
    "page_illegible": "Đọc từ trang không đủ rõ, cần đối chiếu",
    "accepted_by_reviewer": "Đã được chấp nhận",
    "corrected_by_reviewer": "Đã được sửa",
    "rejected_by_reviewer": "Đã bị loại bỏ",
    "missing_declaration": "Thiếu tờ khai",
    "declaration_incomplete": "Tờ khai chưa đầy đủ",
    "email_not_usable": "Email không dùng được (sai định dạng hoặc đọc chưa chắc chắn)",
    "declaration_not_signed": "Tờ khai chưa ký",
    "missing_residence_proof": "Thiếu giấy tờ chỗ ở hợp pháp",
    "missing_household_head_consent": "Thiếu ý kiến chủ hộ",
    "missing_owner_consent": "Thiếu ý kiến chủ sở hữu",
    "missing_guardian_consent": "Thiếu ý kiến người giám hộ",
    "rental_not_notarized": "Hợp đồng thuê chưa công chứng",
    "missing_floor_area_proof": "Thiếu giấy tờ diện tích sàn",
    "floor_area_below_minimum": "Diện tích dưới mức tối thiểu",
    "contract_expired": "Hợp đồng đã hết hạn",
    "foreign_document_not_legalised": "Giấy tờ nước ngoài chưa hợp pháp hoá",
    "illegible_page": "Trang không rõ",
    "id_inconsistent_with_birth_data": "Số định danh không khớp ngày sinh/giới tính",
    "invalid_field_format": "Sai định dạng",
    "name_mismatch_across_documents": "Tên không khớp giữa các giấy tờ",
    "address_mismatch": "Địa chỉ không khớp",
    "field_missing": "Thiếu trường bắt buộc",
    "field_needs_review": "Trường cần kiểm tra",
    "unknown_procedure": "Chưa rõ thủ tục",
    "validation_failed": "Không kiểm tra tự động được",
    "processing_failed": "Lỗi xử lý tự động",
}
STATUS_LABELS: dict[str, str] = {
    "accept": "Tiếp nhận (CT04)",
    "supplement": "Bổ sung (CT05)",
    "refuse": "Từ chối (CT06)",
    "review": "Cần cán bộ xem xét",
}
DUE_BASIS_LABELS = {
    "decision": "hạn giải quyết",
    "limit": "ngày nhận + thời hạn thủ tục",
    "received": "thời điểm nhận",
}


def reason_label(code: str) -> str:
    return REASON_LABELS.get(code, code)


@dataclass
class QueueItem:
    office: str
    name: str
    dossier_id: str
    path: Path
    due_at: datetime | None
    due_basis: str | None
    received_at: datetime | None
    decision_status: str | None
    doc_types: list[str]
    reasons: list[str]
    flagged: int
    needs_review: bool
    reviewed: bool = False
    procedure: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def overdue(self) -> bool:
        return self.due_at is not None and self.due_at < datetime.now(UTC)


class RecordIndex:
    """Parsed records of every source, re-read only when a file's size or mtime changes.

    The dossiers it returns are shared: treat them as read-only (saving re-reads the record from disk).
    """

    def __init__(self, sources: list[Source]) -> None:
        self.sources = sources
        self._cache: dict[Path, tuple[int, int, Dossier]] = {}
        self._items: dict[Path, tuple[int, int, QueueItem]] = {}
        self._lock = threading.Lock()

    def record_paths(self, source: Source) -> list[Path]:
        folder = source.records_dir / RECORDS_DIR
        if not folder.is_dir():
            return []
        return sorted(p for p in folder.glob("*.json") if not p.name.endswith(AUDIT_SUFFIX))

    def load(self, path: Path) -> Dossier | None:
        try:
            stat = path.stat()
        except OSError:
            return None
        with self._lock:
            cached = self._cache.get(path)
            if cached and cached[0] == stat.st_mtime_ns and cached[1] == stat.st_size:
                return cached[2]
        try:
            dossier = Dossier.model_validate(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            log.warning("record %s unreadable: %s", path.name, type(exc).__name__)
            return None
        with self._lock:
            self._cache[path] = (stat.st_mtime_ns, stat.st_size, dossier)
        return dossier

    def item(self, source: Source, path: Path, dossier: Dossier, settings: Settings) -> QueueItem:
        """The dossier's queue entry, computed once per version of the record."""
        version = self._cache.get(path)
        stamp = (version[0], version[1]) if version else (0, 0)
        with self._lock:
            cached = self._items.get(path)
            if cached and (cached[0], cached[1]) == stamp:
                return cached[2]
        item = queue_item(source, path, dossier, settings)
        with self._lock:
            self._items[path] = (stamp[0], stamp[1], item)
        return item

    def all(self) -> list[tuple[Source, Path, Dossier]]:
        found = []
        for source in self.sources:
            for path in self.record_paths(source):
                dossier = self.load(path)
                if dossier is not None:
                    found.append((source, path, dossier))
        return found

    def find(self, office: str, dossier_id: str) -> tuple[Source, Path, Dossier] | None:
        for source, path, dossier in self.all():
            if source.office == office and dossier.dossier_id == dossier_id:
                return source, path, dossier
        return None


def due_date(dossier: Dossier, settings: Settings) -> tuple[datetime | None, str | None]:
    """decision.due_at, else received_at + the procedure's time limit, else the time it was received."""
    if dossier.decision is not None and dossier.decision.due_at is not None:
        return dossier.decision.due_at, "decision"
    received = dossier.meta.received_at
    if received is not None and dossier.meta.procedure is not None:
        try:
            rules = load_rules(settings.templates_dir)
            procedure = rules.procedure(str(dossier.meta.procedure)) or {}
            days = (procedure.get("time_limit") or {}).get("working_days")
            if days is not None:
                return rules.calendar.due(received, float(days)).due_at, "limit"
        except (RulesError, KeyError, ValueError) as exc:
            log.warning("time limit unavailable for %s: %s", dossier.name, exc)
    received = received or dossier.started_at
    return received, ("received" if received else None)


def needs_review(dossier: Dossier) -> bool:
    decision_review = dossier.decision is not None and dossier.decision.status == DecisionStatus.REVIEW
    fields = any(f.needs_review for d in dossier.documents for f in d.fields.values())
    return dossier.needs_review or fields or decision_review


def queue_item(source: Source, path: Path, dossier: Dossier, settings: Settings) -> QueueItem:
    flags = flagged_fields(dossier)
    reasons: dict[str, None] = {}
    for flag in flags:
        reasons.update(dict.fromkeys(flag.reasons))
    for page in dossier.pages:
        reasons.update(dict.fromkeys(page.review_reasons))
    if dossier.decision is not None:
        reasons.update(dict.fromkeys(dossier.decision.reasons))
    flagged_types = {str(flag.document.doc_type) for flag in flags}
    doc_types = sorted(flagged_types or {str(d.doc_type) for d in dossier.documents})
    due, basis = due_date(dossier, settings)
    reviewed = any(
        f.review_reasons[:1] and f.review_reasons[0].endswith("_by_reviewer")
        for d in dossier.documents
        for f in d.fields.values()
    )
    return QueueItem(
        office=source.office,
        name=dossier.name,
        dossier_id=dossier.dossier_id,
        path=path,
        due_at=due,
        due_basis=basis,
        received_at=dossier.meta.received_at,
        decision_status=str(dossier.decision.status) if dossier.decision else None,
        doc_types=doc_types,
        reasons=list(reasons),
        flagged=sum(1 for flag in flags if flag.field.needs_review),
        needs_review=needs_review(dossier),
        reviewed=reviewed,
        procedure=str(dossier.meta.procedure) if dossier.meta.procedure else None,
    )


def _sort_key(item: QueueItem) -> tuple[int, float, str]:
    if item.due_at is None:
        return (1, 0.0, item.name)
    return (0, item.due_at.timestamp(), item.name)


def build_queue(
    index: RecordIndex,
    settings: Settings,
    *,
    office: str | None = None,
    doc_type: str | None = None,
    reason: str | None = None,
) -> list[QueueItem]:
    items = [
        index.item(source, path, dossier, settings)
        for source, path, dossier in index.all()
        if needs_review(dossier)
    ]
    if office:
        items = [item for item in items if item.office == office]
    if doc_type:
        items = [item for item in items if doc_type in item.doc_types]
    if reason:
        items = [item for item in items if reason in item.reasons]
    return sorted(items, key=_sort_key)


def facets(index: RecordIndex, settings: Settings) -> dict[str, list[str]]:
    """The values the filters offer: every office, and the types and reasons found in the queue."""
    items = build_queue(index, settings)
    return {
        "offices": [source.office for source in index.sources],
        "doc_types": sorted({t for item in items for t in item.doc_types}),
        "reasons": sorted({r for item in items for r in item.reasons}, key=reason_label),
    }
