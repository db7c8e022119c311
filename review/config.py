"""Configuration of the review app: where the records are, which office they belong to, who may log in.

The record has no office yet, so the office of a dossier is the office of the folder (and storage) it was
emitted to — one `intake process --out DIR [--storage s3://bucket/<office>]` output per office:

- one source: `records_dir` (the `--out` folder holding `records/`), optionally `storage_url`; its office
  is `office` if given, else the last segment of the storage URL's prefix (`s3://intake/xa-01` → `xa-01`),
  else the folder's name;
- several offices: an offices file (YAML/JSON, `INTAKE_REVIEW_OFFICES_FILE` or `offices_file=`):

      offices:
        xa-01: {records_dir: /srv/intake/xa-01, storage_url: "s3://intake/xa-01", name: "Công an xã A"}
        xa-02: {records_dir: /srv/intake/xa-02}

Other settings: `INTAKE_REVIEW_SECRET` (session signing key, at least 16 bytes; random per process when
unset, which logs everyone out on restart) and `INTAKE_REVIEW_SECURE_COOKIES=1` (force the Secure flag;
it is set anyway on https requests).
"""

from __future__ import annotations

import json
import os
import secrets
import unicodedata
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from intake.config import Settings, get_settings
from intake.storage import Storage, open_storage

from .auth import User, load_users


class ConfigError(ValueError):
    """The review configuration is incomplete or malformed."""


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def office_from(storage_url: str | None, records_dir: Path) -> str:
    if storage_url and storage_url.startswith("s3://"):
        prefix = urllib.parse.urlsplit(storage_url).path.strip("/")
        if prefix:
            return _nfc(prefix.split("/")[-1])
    return _nfc(Path(records_dir).resolve().name)


@dataclass
class Source:
    """One office's records: an intake output folder and (optionally) the storage it mirrors to."""

    office: str
    records_dir: Path
    storage_url: str | None = None
    name: str = ""
    _storage: Storage | None = field(default=None, repr=False)

    @property
    def label(self) -> str:
        return self.name or self.office

    def storage(self) -> Storage | None:
        if self.storage_url and self._storage is None:
            self._storage = open_storage(self.storage_url)
        return self._storage


def load_offices(path: Path) -> list[Source]:
    try:
        text = Path(path).read_text(encoding="utf-8")
        data: Any = json.loads(text) if Path(path).suffix == ".json" else yaml.safe_load(text)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read the offices file {path}: {exc}") from exc
    offices = data.get("offices") if isinstance(data, dict) else None
    if not isinstance(offices, dict) or not offices:
        raise ConfigError(f"the offices file {path} needs an `offices:` mapping")
    sources = []
    for office, entry in offices.items():
        if not isinstance(entry, dict) or "records_dir" not in entry:
            raise ConfigError(f"office {office!r} in {path} needs records_dir")
        sources.append(
            Source(
                office=_nfc(str(office)),
                records_dir=Path(entry["records_dir"]).expanduser().resolve(),
                storage_url=entry.get("storage_url"),
                name=_nfc(str(entry.get("name") or "")),
            )
        )
    return sources


@dataclass
class ReviewConfig:
    sources: list[Source]
    users_file: Path
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    secure_cookies: bool = False
    settings: Settings = field(default_factory=get_settings)
    users: dict[str, User] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.sources:
            raise ConfigError("no records folder configured")
        offices = [source.office for source in self.sources]
        if len(set(offices)) != len(offices):
            raise ConfigError(f"two sources share an office code: {offices}")
        if not self.users:
            self.reload_users()

    def reload_users(self) -> None:
        self.users = load_users(self.users_file)

    def source(self, office: str) -> Source | None:
        return next((s for s in self.sources if s.office == office), None)

    @classmethod
    def build(
        cls,
        records_dir: Path | str | None,
        users_file: Path | str,
        *,
        storage_url: str | None = None,
        office: str | None = None,
        offices_file: Path | str | None = None,
        secret: bytes | str | None = None,
        settings: Settings | None = None,
    ) -> ReviewConfig:
        """A config from arguments, falling back on INTAKE_REVIEW_* environment variables."""
        sources: list[Source] = []
        if records_dir is not None:
            folder = Path(records_dir).expanduser().resolve()
            sources.append(
                Source(
                    office=_nfc(
                        office or os.environ.get("INTAKE_REVIEW_OFFICE") or office_from(storage_url, folder)
                    ),
                    records_dir=folder,
                    storage_url=storage_url,
                )
            )
        offices_file = offices_file or os.environ.get("INTAKE_REVIEW_OFFICES_FILE")
        if offices_file:
            sources.extend(load_offices(Path(offices_file)))
        secret = secret if secret is not None else os.environ.get("INTAKE_REVIEW_SECRET")
        key = secret.encode("utf-8") if isinstance(secret, str) else secret
        return cls(
            sources=sources,
            users_file=Path(users_file),
            secret=key or secrets.token_bytes(32),
            secure_cookies=os.environ.get("INTAKE_REVIEW_SECURE_COOKIES", "").lower() in {"1", "true", "yes"},
            settings=settings or get_settings(),
        )
