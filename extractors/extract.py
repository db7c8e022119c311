"""The extraction stage: fill every classified document's fields from its template."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial
from zoneinfo import ZoneInfo

import numpy as np

from intake.config import Settings
from intake.model import DocType, Document, Dossier, ExtractedField, Procedure, on_clock

from . import marks
from .birth_year import (
    reread_birth_year,
    reread_member_birth_data,
    settle_of_age,
    sex_from_id,
    weigh_birth_data,
)
from .confirm import confirm_across_documents, confirm_by_weighing, mend_quotes
from .email_name import weigh_email_from_name, weigh_name_from_email
from .fields import extract_document
from .foreign import foreign_paper_fields
from .mentions import agree_mentions
from .ocr.base import OcrEngine, OcrEngineError, shared_engine
from .relationship import weigh_relationship
from .templates import RequestType, TemplateSet, load_templates

SEAL_DOCUMENTS = (DocType.OWNERSHIP_CERTIFICATE, DocType.RENTAL_CONTRACT)


def _engine(settings: Settings) -> OcrEngine | None:
    try:
        return shared_engine(settings)
    except OcrEngineError:
        return None


def extract_dossier(dossier: Dossier, images: list[np.ndarray], settings: Settings) -> None:
    templates = load_templates(settings.templates_dir)
    engine = _engine(settings)
    unsure_before = {document.index: document.needs_review for document in dossier.documents}
    received_year = _received_year(dossier, ZoneInfo(templates.timezone))
    for document in dossier.documents:
        foreign: dict[str, ExtractedField] = {}
        if document.doc_type == DocType.OTHER and document.pages:
            pages = [(index, dossier.pages[index].lines) for index in document.pages]
            foreign = foreign_paper_fields(pages, templates.extraction.foreign_papers)
        template = templates.document(document.doc_type)
        if template is None or not (spec := template.extraction(document.form_version)).fields:
            document.fields = foreign
            continue
        page_images = {index: images[index] for index in document.pages if index < len(images)}
        fields = extract_document(
            document,
            dossier.pages,
            page_images,
            template,
            templates.extraction,
            templates.request_types,
            engine,
        )
        agree_mentions(fields, spec, templates.extraction)
        boxes = _digit_boxes(templates, document, "personal_id")
        weigh_birth_data(fields, dossier.pages, page_images, templates.extraction, engine, boxes)
        weigh_name_from_email(fields, page_images, templates.extraction, engine)
        weigh_email_from_name(fields, page_images, templates.extraction, engine)
        weigh_relationship(fields, spec, page_images, templates.extraction, engine)
        for key, found in fields.items():
            if found.rows:
                fields[key] = reread_member_birth_data(
                    found, dossier.pages, page_images, templates.extraction, engine
                )
        settle_of_age(fields, dossier.pages, page_images, templates.extraction, engine, received_year)
        if document.doc_type in SEAL_DOCUMENTS:
            found = [marks.red_seal_present(page_images[i]) for i in document.pages if i in page_images]
            known = [value for value in found if value is not None]
            fields["seal_present"] = ExtractedField(
                key="seal_present", value=any(known) if known else None, confidence=0.9 if known else 0.0
            )
        document.fields = {**fields, **foreign}
        document.needs_review = document.needs_review or any(f.needs_review for f in fields.values())
    mend_quotes(dossier.documents, templates.extraction.cross_document)
    if confirm_dossier(dossier, dict(enumerate(images)), templates, engine):
        for document in dossier.documents:
            document.needs_review = unsure_before[document.index] or any(
                f.needs_review for f in document.fields.values()
            )
    _procedure_from_declaration(dossier, templates.request_types)


def confirm_dossier(
    dossier: Dossier, images: dict[int, np.ndarray], templates: TemplateSet, engine: OcrEngine | None
) -> int:
    """Confirm unsure readings by the dossier's other papers (confirm.py); a declaration whose ID was
    replaced so has its date of birth weighed against the ID's year again, and a sex taken from the ID taken
    again; on a form whose name or ID was, the mentions agreed and the relationship weighed again. Return how
    many were confirmed."""
    rules = templates.extraction.cross_document
    confirmed = confirm_across_documents(dossier.documents, rules)
    lines = {page.index: page.lines for page in dossier.pages}
    replaced = confirm_by_weighing(
        dossier.documents, images, partial(_digit_boxes, templates), rules, engine, lines
    )
    for document, key in replaced:
        if key == "personal_id":
            reread_birth_year(document.fields, dossier.pages, images, templates.extraction, engine)
            sex_from_id(document.fields, templates.extraction.sex_of_middle_names)
    for document in {document.index: document for document, _ in replaced}.values():
        if (template := templates.document(document.doc_type)) is None:
            continue
        # A name or an ID garbled on the form and taken from another paper: the form's mentions of the name
        # ("vào hộ gia đình ông nTrrầnn Quang Bảo") and the head's name under the declarant's ID are agreed
        # again, and the relationship weighed again with the years the IDs now give.
        spec = template.extraction(document.form_version)
        agree_mentions(document.fields, spec, templates.extraction)
        weigh_relationship(document.fields, spec, images, templates.extraction, engine)
    return confirmed + len(replaced)


def _digit_boxes(templates: TemplateSet, document: Document, key: str) -> int | None:
    template = templates.document(document.doc_type)
    spec = template.extraction(document.form_version).fields.get(key) if template else None
    return spec.digit_boxes if spec else None


def _received_year(dossier: Dossier, timezone: ZoneInfo) -> int:
    """The year the office received the dossier in, on the office's clock."""
    return on_clock(dossier.meta.received_at or dossier.started_at or datetime.now(UTC), timezone).year


def _procedure_from_declaration(dossier: Dossier, request_types: list[RequestType]) -> None:
    """Without dossier.json, the procedure is what the declaration asks for, and receipt is intake time."""
    if dossier.meta.procedure is not None:
        return
    requested = next(
        (
            d.fields["request_type"]
            for d in dossier.documents
            if d.doc_type == DocType.CT01 and "request_type" in d.fields
        ),
        None,
    )
    procedure = next(
        (item.procedure for item in request_types if requested and item.type == requested.value), None
    )
    if procedure is None or requested is None or requested.needs_review:
        return
    dossier.meta.procedure = Procedure(procedure)
    dossier.meta.received_at = dossier.meta.received_at or dossier.started_at
    dossier.meta_source = "declaration"
