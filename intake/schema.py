"""JSON Schemas of the emitted files, exported from the data model and committed under intake/schema/."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from pydantic import BaseModel

from .model import BatchSummary, Dossier

SCHEMA_DIR = Path(__file__).parent / "schema"
SCHEMAS: dict[str, type[BaseModel]] = {
    "dossier.schema.json": Dossier,
    "batch_summary.schema.json": BatchSummary,
}


class SchemaValidationError(ValueError):
    pass


def render_schema(model: type[BaseModel]) -> str:
    schema = model.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def export_schemas(directory: Path = SCHEMA_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for filename, model in SCHEMAS.items():
        path = directory / filename
        path.write_text(render_schema(model), encoding="utf-8")
        written.append(path)
    return written


@lru_cache(maxsize=4)
def _validator(filename: str) -> Draft202012Validator:
    schema = json.loads((SCHEMA_DIR / filename).read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def validate(document: dict[str, Any], filename: str) -> None:
    """Check an emitted document against the committed schema; raise with every problem found."""
    errors = sorted(_validator(filename).iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        details = "; ".join(
            f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in errors[:10]
        )
        raise SchemaValidationError(f"{filename}: {len(errors)} schema violation(s): {details}")
