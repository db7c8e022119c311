from __future__ import annotations

import pytest

from intake.model import Dossier
from intake.schema import SCHEMA_DIR, SCHEMAS, SchemaValidationError, render_schema, validate


@pytest.mark.parametrize("filename", sorted(SCHEMAS))
def test_committed_schema_matches_the_model(filename: str) -> None:
    committed = (SCHEMA_DIR / filename).read_text(encoding="utf-8")
    assert committed == render_schema(SCHEMAS[filename]), "run `intake schema export` and commit the result"


def test_validation_rejects_a_record_that_breaks_the_schema() -> None:
    record = Dossier(dossier_id="0" * 64, name="hồ sơ").model_dump(mode="json")
    validate(record, "dossier.schema.json")
    record["status"] = "maybe"
    record["pages"] = [{"index": "first"}]
    with pytest.raises(SchemaValidationError) as raised:
        validate(record, "dossier.schema.json")
    assert "status" in str(raised.value) and "pages/0" in str(raised.value)


def test_vietnamese_text_is_nfc_normalised_in_the_model() -> None:
    decomposed = "Nguye\u0302\u0303n"
    dossier = Dossier(dossier_id="0" * 64, name=decomposed)
    assert dossier.name == "Nguyễn"
