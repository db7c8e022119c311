"""Cross-document confirmation: a value only the handwriting model read is confirmed when another paper of the
same dossier carries exactly the same value, read without doubt (the declarant's ID on the typed rental
contract, a name on the ownership certificate). Two independent sources agreeing is the second opinion the
model lacks. A value on the same form never confirms another.
"""

from __future__ import annotations

from typing import Any

from intake.model import Document, ExtractedField

from .templates import ConfirmationRules

UNCONFIRMED = "handwriting_unconfirmed"


def _comparable(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [" ".join(str(item).split()).casefold() for item in items if item not in (None, "")]


def _sure(found: ExtractedField) -> bool:
    return not found.needs_review


def confirm_across_documents(documents: list[Document], rules: ConfirmationRules) -> int:
    """Clear the handwriting flag of values a sure value elsewhere in the dossier repeats; return how many."""
    confirmed = 0
    for keys in rules.groups.values():
        sure_values = {
            (document.index, value)
            for document in documents
            for key in keys
            if (found := document.fields.get(key)) is not None and _sure(found)
            for value in _comparable(found.value)
        }
        if not sure_values:
            continue
        for document in documents:
            elsewhere = {value for index, value in sure_values if index != document.index}
            for key in keys:
                found = document.fields.get(key)
                if found is None or found.review_reasons != [UNCONFIRMED]:
                    continue
                values = _comparable(found.value)
                if values and all(value in elsewhere for value in values):
                    document.fields[key] = found.model_copy(
                        update={
                            "needs_review": False,
                            "review_reasons": [],
                            "confirmed_by_other_document": True,
                        }
                    )
                    confirmed += 1
    return confirmed
