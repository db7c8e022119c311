"""The citizen-facing slip as a PDF in Vietnamese: CT04 receipt and due date, CT05 every item to add, CT06
the reason for refusal. DejaVu Sans (Vietnamese glyphs), reportlab with invariant=1 so the same decision
gives the same bytes. ID numbers are printed masked (last 3 digits)."""

from __future__ import annotations

import io
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from intake.config import Settings
from intake.model import DecisionStatus, DocType, Dossier

from .common import masked
from .config import Rules, load_rules

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"


@lru_cache(maxsize=1)
def _register_fonts() -> None:
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=15)
    return {
        "body": base,
        "bold": ParagraphStyle("bold", parent=base, fontName=FONT_BOLD),
        "center": ParagraphStyle("center", parent=base, alignment=TA_CENTER),
        "center_bold": ParagraphStyle("center_bold", parent=base, fontName=FONT_BOLD, alignment=TA_CENTER),
        "title": ParagraphStyle(
            "title",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=13,
            leading=18,
            alignment=TA_CENTER,
            spaceAfter=8,
        ),
        "item": ParagraphStyle("item", parent=base, leftIndent=8 * mm, firstLineIndent=-5 * mm),
    }


def _when(moment: datetime | None, tz: object) -> str:
    if moment is None:
        return "—"
    local = moment.astimezone(tz)  # type: ignore[arg-type]
    return f"{local:%H} giờ {local:%M} ngày {local:%d/%m/%Y}"


def _vnd(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " đồng"


def render_slip(dossier: Dossier, rules: Rules | None = None) -> bytes:
    """The slip PDF bytes for the dossier's decision (CT04, CT05 or CT06)."""
    decision = dossier.decision
    if decision is None or decision.slip is None:
        raise ValueError("the dossier has no decision with a slip")
    rules = rules or load_rules(Settings().templates_dir)
    _register_fonts()
    styles = _styles()
    texts = rules.decision.get("slips", {})
    form = decision.slip.form
    form_texts = texts.get(form, {})
    procedure = rules.procedure(str(decision.procedure) if decision.procedure else None) or {}
    procedure_name = str(procedure.get("name", "đăng ký cư trú")).lower()
    tz = rules.calendar.timezone

    declaration = next((d for d in dossier.documents if d.doc_type in (DocType.CT01, DocType.CT02)), None)
    fields = {k: f.value for k, f in declaration.fields.items()} if declaration else {}

    story: list[object] = []
    header = Table(
        [
            [
                Paragraph(escape(str(texts.get("authority", "CÔNG AN CẤP XÃ"))), styles["center_bold"]),
                Paragraph("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", styles["center_bold"]),
            ],
            [
                Paragraph("", styles["center"]),
                Paragraph("Độc lập - Tự do - Hạnh phúc", styles["center_bold"]),
            ],
        ],
        colWidths=[70 * mm, 100 * mm],
    )
    header.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [header, Spacer(1, 4 * mm), Paragraph(f"Mẫu {form}", styles["center"])]
    story.append(Paragraph(escape(str(form_texts.get("title", form))), styles["title"]))
    story.append(
        Paragraph(escape(str(form_texts.get("intro", "")).format(procedure=procedure_name)), styles["body"])
    )
    story.append(Spacer(1, 2 * mm))
    person = [
        ("Họ, chữ đệm và tên", fields.get("full_name") or "—"),
        ("Ngày, tháng, năm sinh", _birth(fields.get("date_of_birth"))),
        ("Số định danh cá nhân", masked(fields.get("personal_id")) if fields.get("personal_id") else "—"),
        ("Mã hồ sơ", dossier.name),
        ("Thời điểm tiếp nhận", _when(decision.received_at, tz)),
    ]
    for label, value in person:
        story.append(
            Paragraph(
                f"{escape(label)}: <b>{escape(str(value))}</b>".replace(
                    "<b>", f'<font name="{FONT_BOLD}">'
                ).replace("</b>", "</font>"),
                styles["body"],
            )
        )
    story.append(Spacer(1, 3 * mm))

    if decision.status == DecisionStatus.ACCEPT:
        story += _accept_body(dossier, rules, styles, tz)
    else:
        wanted = DecisionStatus.SUPPLEMENT if form == "CT05" else DecisionStatus.REFUSE
        items = [
            c.message
            for c in dossier.checks
            if not c.passed and c.outcome == wanted and c.code in decision.reasons
        ]
        items = list(dict.fromkeys(items)) or list(decision.messages)
        for number, message in enumerate(items, start=1):
            story.append(Paragraph(f"{number}. {escape(message)}", styles["item"]))
        if form_texts.get("outro"):
            story += [Spacer(1, 3 * mm), Paragraph(escape(str(form_texts["outro"])), styles["body"])]

    story += [Spacer(1, 10 * mm), Paragraph("CÁN BỘ TIẾP NHẬN", styles["center_bold"])]
    story.append(Paragraph("(Ký, ghi rõ họ tên)", styles["center"]))

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=str(form_texts.get("title", form)),
        author="cutru-intake",
        creator="cutru-intake",
        producer="cutru-intake",
        subject=form,
        invariant=1,
    )
    doc.build(story)
    return buffer.getvalue()


def _birth(value: object) -> str:
    text = str(value or "")
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        return f"{text[8:10]}/{text[5:7]}/{text[0:4]}"
    return text or "—"


def _accept_body(
    dossier: Dossier, rules: Rules, styles: dict[str, ParagraphStyle], tz: object
) -> list[object]:
    decision = dossier.decision
    assert decision is not None
    story: list[object] = [Paragraph("Giấy tờ, tài liệu đã nhận:", styles["bold"])]
    for number, document in enumerate(dossier.documents, start=1):
        pages = len(document.pages)
        label = rules.document_label(str(document.doc_type))
        story.append(Paragraph(f"{number}. {escape(label)} ({pages} trang)", styles["item"]))
    days = decision.time_limit_working_days
    rows = [
        ("Thời hạn giải quyết", f"{days:g} ngày làm việc" if days is not None else "—"),
        ("Thời gian bắt đầu tính", _when(decision.counted_from, tz)),
        ("Ngày hẹn trả kết quả", _when(decision.due_at, tz)),
    ]
    if decision.fee_vnd is not None:
        fee = "Miễn lệ phí" if decision.fee_vnd == 0 and decision.fee_exemption else _vnd(decision.fee_vnd)
        rows.append(("Lệ phí", fee))
    story.append(Spacer(1, 3 * mm))
    for label, value in rows:
        story.append(
            Paragraph(f'{escape(label)}: <font name="{FONT_BOLD}">{escape(value)}</font>', styles["body"])
        )
    return story
