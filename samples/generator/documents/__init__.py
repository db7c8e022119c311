"""One module per document type; each builds a Document (pages as display lists plus ground-truth fields)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..render import Page


@dataclass
class Document:
    doc_type: str
    form_version: str | None
    fields: dict[str, Any]
    pages: list[Page] = field(default_factory=list)

    @property
    def handwritten(self) -> bool:
        """True when the filled values are written in the handwriting-style face."""
        return any(page.value_style == "hand" for page in self.pages)

    def truth(self, index: int) -> dict[str, Any]:
        return {
            "index": index,
            "doc_type": self.doc_type,
            "form_version": self.form_version,
            "handwritten": self.handwritten,
            "fields": self.fields,
        }
