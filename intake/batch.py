"""Find the dossiers in a batch: a folder (or .zip) with one sub-folder per dossier.

A file lying at the batch root is a dossier by itself. Every file found is assigned to exactly one dossier,
so nothing that came in can be lost on the way to the output.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from pydantic import ValidationError

from .model import DossierMeta, ProcessingError, nfc

META_FILE = "dossier.json"
SYSTEM_FILES = frozenset({".ds_store", "thumbs.db", "desktop.ini"})
MAX_ZIP_MEMBERS = 20_000
MAX_ZIP_BYTES = 4 * 1024**3


class BatchError(ValueError):
    """The batch as a whole cannot be read (missing, not a folder or zip, unsafe archive)."""


@dataclass(frozen=True)
class DossierFile:
    name: str
    path: Path


@dataclass
class DossierInput:
    name: str
    files: list[DossierFile]
    meta_file: DossierFile | None = None
    errors: list[ProcessingError] = field(default_factory=list)


def is_system_file(name: str) -> bool:
    base = PurePosixPath(name).name
    return base.casefold() in SYSTEM_FILES or base.startswith("._")


def discover(batch_root: Path) -> list[DossierInput]:
    """The dossiers of an unpacked batch folder, sorted by name."""
    if not batch_root.is_dir():
        raise BatchError(f"batch folder not found: {batch_root}")
    dossiers: list[DossierInput] = []
    for entry in sorted(batch_root.iterdir(), key=lambda p: nfc(p.name)):
        if entry.is_dir():
            dossiers.append(_dossier_from_folder(entry))
        elif entry.is_file() and not is_system_file(entry.name):
            dossiers.append(DossierInput(name=nfc(entry.stem), files=[DossierFile(nfc(entry.name), entry)]))
    _make_names_unique(dossiers)
    return dossiers


def _dossier_from_folder(folder: Path) -> DossierInput:
    files: list[DossierFile] = []
    meta: DossierFile | None = None
    for path in sorted(folder.rglob("*"), key=lambda p: nfc(p.as_posix())):
        if not path.is_file():
            continue
        name = nfc(path.relative_to(folder).as_posix())
        if name == META_FILE:
            meta = DossierFile(name, path)
        else:
            files.append(DossierFile(name, path))
    return DossierInput(name=nfc(folder.name), files=files, meta_file=meta)


def _make_names_unique(dossiers: list[DossierInput]) -> None:
    seen: dict[str, int] = {}
    for dossier in dossiers:
        count = seen.get(dossier.name, 0)
        seen[dossier.name] = count + 1
        if count:
            dossier.name = f"{dossier.name}__{count + 1}"


def read_meta(meta_bytes: bytes | None) -> tuple[DossierMeta, ProcessingError | None]:
    """Parse dossier.json; a bad one is recorded as an error and the defaults are used."""
    if meta_bytes is None:
        return DossierMeta(), None
    try:
        content = json.loads(meta_bytes.decode("utf-8-sig"))
        return DossierMeta.model_validate(content), None
    except (UnicodeDecodeError, json.JSONDecodeError, ValidationError) as exc:
        summary = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return DossierMeta(), ProcessingError(
            stage="intake",
            code="invalid_dossier_json",
            file=META_FILE,
            message=f"dossier.json is invalid and was ignored: {summary}",
        )


@contextmanager
def open_batch(source: Path) -> Iterator[Path]:
    """Yield a folder holding the batch: the folder itself, or a zip unpacked to a temporary folder."""
    if source.is_dir():
        yield source
        return
    if not source.is_file():
        raise BatchError(f"batch not found: {source}")
    if not zipfile.is_zipfile(source):
        raise BatchError(f"batch must be a folder or a .zip file: {source}")
    with tempfile.TemporaryDirectory(prefix="intake-batch-") as tmp:
        root = Path(tmp)
        _safe_extract(source, root)
        entries = [p for p in root.iterdir() if not is_system_file(p.name) and p.name != "__MACOSX"]
        if len(entries) == 1 and entries[0].is_dir():
            yield entries[0]
        else:
            yield root


def _safe_extract(archive_path: Path, destination: Path) -> None:
    with zipfile.ZipFile(archive_path) as archive:
        members = archive.infolist()
        if len(members) > MAX_ZIP_MEMBERS:
            raise BatchError(f"zip has {len(members)} entries; at most {MAX_ZIP_MEMBERS} are accepted")
        if sum(member.file_size for member in members) > MAX_ZIP_BYTES:
            raise BatchError("zip unpacks to more than 4 GiB")
        for member in members:
            name = _member_name(member)
            target = (destination / name).resolve()
            if not target.is_relative_to(destination.resolve()):
                raise BatchError(f"zip entry escapes the batch folder: {member.filename!r}")
            if member.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(member) as source, target.open("wb") as sink:
                shutil.copyfileobj(source, sink)


def _member_name(member: zipfile.ZipInfo) -> str:
    """Zip entries without the UTF-8 flag are usually CP437 on disk; Vietnamese Windows tools write UTF-8."""
    name = member.filename
    if not member.flag_bits & 0x800:
        with suppress(UnicodeEncodeError, UnicodeDecodeError):
            name = name.encode("cp437").decode("utf-8")
    return nfc(name)
