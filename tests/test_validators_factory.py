"""Builders of hand-made dossiers for the validator tests (no OCR, no extraction stage needed).

`dossier_from_truth(name)` turns a sample's ground truth into a Dossier whose documents carry the true
fields (confidence 1.0), which the tests then change one fact at a time.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from intake.config import PROJECT_ROOT
from intake.model import DocType, Document, Dossier, DossierMeta, ExtractedField, Page

TRUTH = PROJECT_ROOT / "samples" / "ground_truth"


def fields(values: dict[str, Any], confidence: float = 1.0) -> dict[str, ExtractedField]:
    return {
        key: ExtractedField(key=key, value=value, raw=None, confidence=confidence)
        for key, value in values.items()
    }


def make_dossier(
    documents: list[tuple[str, dict[str, Any]]],
    procedure: str | None = "dang_ky_tam_tru",
    channel: str = "counter",
    received_at: str | None = "2026-11-16T09:30:00+07:00",
    form_version: str | None = "66/2023",
    name: str = "test_dossier",
) -> Dossier:
    """One page per document, files named after the document type."""
    pages: list[Page] = []
    docs: list[Document] = []
    for index, (doc_type, values) in enumerate(documents):
        pages.append(
            Page(
                index=index,
                file=f"{doc_type}.jpg",
                file_page=1,
                kind="raster",
                width=2480,
                height=3508,
                document=index,
            )
        )
        docs.append(
            Document(
                index=index,
                doc_type=DocType(doc_type),
                form_version=form_version if doc_type in ("ct01", "ct02") else None,
                pages=[index],
                confidence=1.0,
                fields=fields(values),
            )
        )
    meta = DossierMeta(
        procedure=procedure,
        channel=channel,
        received_at=datetime.fromisoformat(received_at) if received_at else None,
    )
    return Dossier(dossier_id="0" * 64, name=name, meta=meta, pages=pages, documents=docs)


def truth(name: str) -> dict[str, Any]:
    return json.loads((TRUTH / f"{name}.json").read_text(encoding="utf-8"))


def dossier_from_truth(name: str, received_at: str | None = None) -> Dossier:
    data = truth(name)
    meta = data.get("meta") or {}
    docs = [(doc["doc_type"], dict(doc["fields"])) for doc in data["documents"]]
    ct01 = next(doc for doc in data["documents"] if doc["doc_type"] == "ct01")
    procedure = meta.get("procedure") or {"thuong_tru": "dang_ky_thuong_tru"}.get(
        ct01["fields"].get("request_type"), "dang_ky_tam_tru"
    )
    dossier = make_dossier(
        docs,
        procedure=procedure,
        channel=meta.get("channel", "counter"),
        received_at=received_at or meta.get("received_at") or "2026-11-16T09:30:00+07:00",
        form_version=ct01.get("form_version"),
        name=name,
    )
    return dossier


def set_field(dossier: Dossier, doc_type: str, key: str, value: Any, **extra: Any) -> None:
    document = next(d for d in dossier.documents if d.doc_type == doc_type)
    document.fields[key] = ExtractedField(
        key=key, value=value, confidence=extra.pop("confidence", 1.0), **extra
    )


def drop_field(dossier: Dossier, doc_type: str, key: str) -> None:
    document = next(d for d in dossier.documents if d.doc_type == doc_type)
    document.fields.pop(key, None)


def truth_names() -> list[str]:
    return sorted(path.stem for path in Path(TRUTH).glob("*.json"))
