"""The review audit trail: who changed what, when, with the old and the new value.

The Dossier model has no audit field yet, so the trail lives in a sidecar next to the record,
`records/<name>.audit.json` (and `records/<dossier_id>.audit.json` in storage), written atomically:

    {"schema_version": "1.0", "dossier_id": "...", "name": "...", "entries": [AuditEntry, ...]}

`AuditEntry` is shaped to move into the record unchanged: once `Dossier.audit: list[AuditEntry]` exists,
`append_audit` becomes `dossier.audit.extend(entries)` before the record is written.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from intake.emit import RECORDS_DIR, _write_atomically, to_json
from intake.model import AuditEntry, NfcStr

AUDIT_SCHEMA_VERSION = "1.0"
AUDIT_SUFFIX = ".audit.json"
AuditAction = Literal["accept", "correct", "reject", "decision"]


class AuditTrail(BaseModel):
    model_config = ConfigDict(extra="forbid")

    schema_version: Literal["1.0"] = AUDIT_SCHEMA_VERSION
    dossier_id: str
    name: NfcStr
    entries: list[AuditEntry] = Field(default_factory=list)


def audit_path(out_dir: Path, name: str) -> Path:
    return Path(out_dir) / RECORDS_DIR / f"{name}{AUDIT_SUFFIX}"


def audit_key(dossier_id: str) -> str:
    return f"{RECORDS_DIR}/{dossier_id}{AUDIT_SUFFIX}"


def load_audit(out_dir: Path, name: str, dossier_id: str) -> AuditTrail:
    path = audit_path(out_dir, name)
    if not path.is_file():
        return AuditTrail(dossier_id=dossier_id, name=name)
    return AuditTrail.model_validate(json.loads(path.read_text(encoding="utf-8")))


def append_audit(out_dir: Path, name: str, dossier_id: str, entries: list[AuditEntry]) -> AuditTrail:
    """Add entries to the sidecar (read, extend, write to a temporary file, rename)."""
    trail = load_audit(out_dir, name, dossier_id)
    trail.entries.extend(entries)
    _write_atomically(audit_path(out_dir, name), audit_json(trail))
    return trail


def audit_json(trail: AuditTrail) -> str:
    return to_json(trail.model_dump(mode="json"))
