"""API settings, from environment variables (INTAKE_API_*), with defaults suited to a commune office."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

MIB = 1024 * 1024


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def _tokens(name: str) -> tuple[str, ...]:
    return tuple(t.strip() for t in (os.environ.get(name) or "").split(",") if t.strip())


@dataclass(frozen=True)
class ApiConfig:
    storage_url: str = field(default_factory=lambda: os.environ.get("INTAKE_STORAGE_URL") or "./out/store")
    deployment: str = field(
        default_factory=lambda: os.environ.get("INTAKE_DEPLOYMENT") or "process-submission/intake"
    )
    # Portal tokens may submit dossiers and read a dossier by id; officer tokens may do everything.
    portal_tokens: tuple[str, ...] = field(default_factory=lambda: _tokens("INTAKE_API_PORTAL_TOKENS"))
    officer_tokens: tuple[str, ...] = field(default_factory=lambda: _tokens("INTAKE_API_OFFICER_TOKENS"))
    max_file_bytes: int = field(default_factory=lambda: _int("INTAKE_API_MAX_FILE_BYTES", 20 * MIB))
    max_request_bytes: int = field(default_factory=lambda: _int("INTAKE_API_MAX_REQUEST_BYTES", 60 * MIB))
    max_batch_bytes: int = field(default_factory=lambda: _int("INTAKE_API_MAX_BATCH_BYTES", 500 * MIB))
    max_files: int = field(default_factory=lambda: _int("INTAKE_API_MAX_FILES", 50))
    dispatch: bool = field(default_factory=lambda: os.environ.get("INTAKE_API_DISPATCH", "1") != "0")
