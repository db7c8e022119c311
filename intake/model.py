"""The dossier data model that every pipeline stage reads and extends.

Stages never raise across the pipeline: a stage that fails records a `ProcessingError` on the object it
was working on and sets its status, and later stages skip what they cannot use.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime, tzinfo
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.0"


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


NfcStr = Annotated[str, AfterValidator(nfc)]


class DocType(StrEnum):
    CT01 = "ct01"
    CT02 = "ct02"
    OWNERSHIP_CERTIFICATE = "ownership_certificate"
    RENTAL_CONTRACT = "rental_contract"
    ID_CARD = "id_card"
    OTHER = "other"
    UNKNOWN = "unknown"


class Procedure(StrEnum):
    DANG_KY_THUONG_TRU = "dang_ky_thuong_tru"
    DANG_KY_TAM_TRU = "dang_ky_tam_tru"
    GIA_HAN_TAM_TRU = "gia_han_tam_tru"
    XOA_DANG_KY_THUONG_TRU = "xoa_dang_ky_thuong_tru"
    XOA_DANG_KY_TAM_TRU = "xoa_dang_ky_tam_tru"
    TACH_HO = "tach_ho"
    DIEU_CHINH_THONG_TIN = "dieu_chinh_thong_tin"
    KHAI_BAO_TAM_VANG = "khai_bao_tam_vang"
    XAC_NHAN_THONG_TIN_CU_TRU = "xac_nhan_thong_tin_cu_tru"


class Channel(StrEnum):
    COUNTER = "counter"
    PORTAL = "portal"


class Status(StrEnum):
    SUCCESS = "success"
    PARTIAL_SUCCESS = "partial_success"
    FAILURE = "failure"
    SKIPPED = "skipped"


class DecisionStatus(StrEnum):
    ACCEPT = "accept"
    SUPPLEMENT = "supplement"
    REFUSE = "refuse"
    REVIEW = "review"


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


# The code of a stage that raised unexpectedly (flows/dossier.py): the record it leaves may be incomplete.
STAGE_FAILED = "stage_failed"
# The review reasons a reviewer's decision on a field leaves (review/corrections.py): the field is settled.
ACCEPTED_BY_REVIEWER = "accepted_by_reviewer"
CORRECTED_BY_REVIEWER = "corrected_by_reviewer"
REJECTED_BY_REVIEWER = "rejected_by_reviewer"
REVIEWER_REASONS = (ACCEPTED_BY_REVIEWER, CORRECTED_BY_REVIEWER, REJECTED_BY_REVIEWER)


class ProcessingError(Model):
    """Something that went wrong, recorded where it happened instead of being raised."""

    stage: str
    code: str
    message: NfcStr
    file: NfcStr | None = None
    page: int | None = Field(
        default=None, description="Page index in the dossier, when the error is a page's"
    )


class BoundingBox(Model):
    """Axis-aligned box in pixels of the normalised page image."""

    x0: float
    y0: float
    x1: float
    y1: float

    @classmethod
    def around(cls, points: list[tuple[float, float]]) -> BoundingBox:
        xs = [p[0] for p in points]
        ys = [p[1] for p in points]
        return cls(x0=min(xs), y0=min(ys), x1=max(xs), y1=max(ys))


class OcrLine(Model):
    text: NfcStr
    confidence: float = Field(ge=0.0, le=1.0)
    box: BoundingBox
    polygon: list[tuple[float, float]] | None = None
    source: Literal["ocr", "text_layer"] = "ocr"
    recognizer: str | None = None  # which recogniser's reading was kept (tesseract, asternet)


class DossierMeta(Model):
    """What `dossier.json` (or the portal) says about the dossier."""

    procedure: Procedure | None = None
    channel: Channel = Channel.COUNTER
    received_at: datetime | None = None


def on_clock(moment: datetime, zone: tzinfo) -> datetime:
    """`moment` on the clock of `zone` (the office's); a time given without a zone is already the office's."""
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment.astimezone(zone)


class SourceFile(Model):
    """A file that came in. Every file of a dossier is listed here, whatever happened to it."""

    name: NfcStr = Field(description="Path relative to the dossier folder")
    sha256: str
    size: int
    media_type: str | None = None
    storage_uri: str | None = None
    page_count: int = 0
    status: Status = Status.SUCCESS
    errors: list[ProcessingError] = Field(default_factory=list)


class PageQuality(Model):
    """Legibility measures of a page, each normalised for resolution (see validators/legibility.py)."""

    dpi: float | None = None
    dpi_estimated: bool = False
    sharpness: float | None = None
    line_confidence: float | None = Field(
        default=None, description="median confidence of the page's OCR lines"
    )
    contrast: float | None = None
    line_height_px: float | None = None
    text_height_pt: float | None = None
    glare_fraction: float | None = None
    skew_degrees: float | None = None
    cut_edges: list[str] = Field(default_factory=list)
    blank: bool = False
    failures: list[str] = Field(default_factory=list, description="Legibility thresholds the page fails")


class Classification(Model):
    doc_type: DocType = DocType.UNKNOWN
    form_version: str | None = None
    confidence: float = 0.0
    scores: dict[str, float] = Field(default_factory=dict)
    matched_markers: list[NfcStr] = Field(default_factory=list)
    by: Literal["markers", "continuation", "file_name", "none"] = "none"


class Page(Model):
    index: int = Field(description="0-based page index within the dossier")
    file: NfcStr = Field(description="Source file name, relative to the dossier folder")
    file_page: int = Field(description="1-based page number within the source file")
    kind: Literal["raster", "scanned_pdf", "born_digital_pdf"]
    width: int
    height: int
    rotation_applied: int = Field(default=0, description="Degrees clockwise applied to make the page upright")
    deskew_degrees: float = Field(
        default=0.0, description="Small rotation applied to straighten the text lines"
    )
    image_uri: str | None = None
    quality: PageQuality = Field(default_factory=PageQuality)
    lines: list[OcrLine] = Field(default_factory=list)
    ocr_engine: str | None = None
    ocr_seconds: float | None = None
    classification: Classification = Field(default_factory=Classification)
    document: int | None = Field(default=None, description="Index of the document this page belongs to")
    needs_review: bool = False
    review_reasons: list[str] = Field(default_factory=list)
    errors: list[ProcessingError] = Field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


# Review reasons extraction gives and validation reads: a repeated field with fewer values than its pair (an
# owner's ID lost, so which ID is whose is not known), and a table with text none of whose rows, or one of
# whose rows, came out as a member (the members may be counted short).
VALUES_MISSING = "values_missing"
TABLE_ROWS_UNREAD = "table_rows_unread"


class ExtractedField(Model):
    key: str
    value: Any = None
    raw: NfcStr | None = None
    confidence: float = 0.0
    page: int | None = None
    box: BoundingBox | None = None
    needs_review: bool = False
    review_reasons: list[str] = Field(default_factory=list)
    confirmed_by_other_document: bool = Field(
        default=False,
        description="an unsure reading that a sure value on another paper of the dossier repeats, or that "
        "the handwriting model finds written as that value: the value is then the other paper's, and `raw` "
        "stays as first read",
    )
    weighed_against: dict[str, float] = Field(
        default_factory=dict,
        description="Sure values of the dossier's other papers that an unsure handwritten reading was "
        "weighed against, each with how far the handwriting model finds it behind the value as read "
        "(log-probability), less how far it finds the value as read behind its best reading; kept where "
        "the model can score the value as read",
    )
    settles: list[str] = Field(
        default_factory=list,
        description="Questions an unsure reading still answers ('of_age'): the handwriting scored clearly "
        "above every reading that would answer them otherwise",
    )
    rows: list[dict[str, ExtractedField]] = Field(
        default_factory=list,
        description="A table's cells, row by row in the order of `value`: each cell's reading, page and box",
    )


class Document(Model):
    index: int
    doc_type: DocType
    form_version: str | None = None
    pages: list[int] = Field(description="Dossier page indices, in order")
    confidence: float = 0.0
    fields: dict[str, ExtractedField] = Field(default_factory=dict)
    needs_review: bool = False


class Check(Model):
    """One rule applied to the dossier. A failed check names its reason code and what it leads to."""

    code: str = Field(description="Reason code (domain.md §5) when failed; the rule's name when passed")
    passed: bool
    severity: Literal["info", "warning", "error"] = "error"
    outcome: DecisionStatus | None = Field(default=None, description="What a failure leads to")
    message: NfcStr = Field(description="In Vietnamese, for officers and citizens")
    document: int | None = None
    page: int | None = None
    field: str | None = None
    details: dict[str, Any] | None = Field(
        default=None, description="Machine-readable values behind the check"
    )


class Slip(Model):
    """The citizen-facing slip: CT04 receipt, CT05 request to complete, CT06 refusal."""

    form: Literal["CT04", "CT05", "CT06"]
    uri: str | None = None


class Decision(Model):
    status: DecisionStatus
    reasons: list[str] = Field(default_factory=list, description="Reason codes, every one found")
    messages: list[NfcStr] = Field(default_factory=list, description="In Vietnamese, one per reason or item")
    procedure: Procedure | None = None
    received_at: datetime | None = None
    counted_from: datetime | None = Field(default=None, description="First working time at or after receipt")
    due_at: datetime | None = None
    time_limit_working_days: float | None = None
    fee_vnd: int | None = None
    fee_exemption: str | None = None
    slip: Slip | None = None


class AuditEntry(Model):
    """One change made by a person. `field` and `document` are None for a dossier-level entry."""

    at: datetime = Field(description="When the change was saved (UTC)")
    user: NfcStr = Field(description="Username of the reviewer")
    role: Literal["officer", "qa", "admin"]
    action: Literal["accept", "correct", "reject", "decision"]
    save_id: str = Field(description="Entries saved together share this id")
    document: int | None = Field(default=None, description="Index of the document in the dossier")
    field: str | None = Field(default=None, description="Field key (domain.md §5)")
    old: Any = Field(default=None, description="Value before the change (decision status for `decision`)")
    new: Any = Field(default=None, description="Value after the change")
    raw: NfcStr | None = Field(default=None, description="The text as read (kept unchanged)")
    reasons: list[str] = Field(default_factory=list, description="Why it was flagged, before the review")


class Dossier(Model):
    schema_version: Literal["1.0"] = SCHEMA_VERSION
    dossier_id: str = Field(description="Stable id: SHA-256 over the sorted contents of the dossier's files")
    name: NfcStr = Field(description="Dossier folder name, or the stem of a file lying at the batch root")
    batch_id: str | None = None
    meta: DossierMeta = Field(default_factory=DossierMeta)
    meta_source: Literal["dossier.json", "declaration", "default"] = Field(
        default="default",
        description="Where meta came from: dossier.json, the CT01's request (no dossier.json), or defaults",
    )
    files: list[SourceFile] = Field(default_factory=list)
    pages: list[Page] = Field(default_factory=list)
    documents: list[Document] = Field(default_factory=list)
    checks: list[Check] = Field(default_factory=list)
    decision: Decision | None = None
    status: Status = Status.SUCCESS
    needs_review: bool = False
    errors: list[ProcessingError] = Field(default_factory=list)
    started_at: datetime | None = None
    finished_at: datetime | None = None
    pipeline_version: str | None = None
    timings: dict[str, float] = Field(default_factory=dict, description="Seconds spent per stage")
    audit: list[AuditEntry] = Field(default_factory=list, description="Who changed what in review, and when")

    def all_errors(self) -> list[ProcessingError]:
        found = list(self.errors)
        for source in self.files:
            found.extend(source.errors)
        for page in self.pages:
            found.extend(page.errors)
        return found


class DossierOutcome(Model):
    name: NfcStr
    dossier_id: str | None = None
    status: Status
    record: str | None = Field(default=None, description="Path of the record, relative to the output folder")
    files: list[NfcStr] = Field(default_factory=list)
    pages: int = 0
    doc_types: dict[str, int] = Field(default_factory=dict)
    needs_review: bool = False
    errors: list[ProcessingError] = Field(default_factory=list)


class BatchSummary(Model):
    schema_version: Literal["1.0"] = SCHEMA_VERSION
    batch_id: str
    source: NfcStr
    started_at: datetime
    finished_at: datetime | None = None
    dossiers: list[DossierOutcome] = Field(default_factory=list)
    unassigned_files: list[NfcStr] = Field(
        default_factory=list, description="Files found in the batch that belong to no dossier (none expected)"
    )
    totals: dict[str, int] = Field(default_factory=dict)
    errors: list[ProcessingError] = Field(default_factory=list)
