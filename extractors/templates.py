"""Load document knowledge from `templates/`: one folder per document type, one file per form version."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from intake.model import DocType, NfcStr


class TemplateError(ValueError):
    pass


class Marker(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: NfcStr
    strength: float = Field(gt=0.0, lt=1.0)
    starts_document: bool = False
    after_same_type_only: bool = False


class VersionRule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pattern: str


class VersionTemplate(BaseModel):
    model_config = ConfigDict(extra="allow")

    doc_type: DocType
    version: str
    circular: str | None = None
    in_force_from: str | None = None
    markers: list[Marker] = Field(default_factory=list)


class DocumentTemplate(BaseModel):
    model_config = ConfigDict(extra="allow")

    doc_type: DocType
    name: NfcStr
    markers: list[Marker]
    excludes: list[NfcStr] = Field(default_factory=list)
    version: VersionRule | None = None
    versions: list[VersionTemplate] = Field(default_factory=list)


class ClassificationRules(BaseModel):
    model_config = ConfigDict(extra="forbid")

    fuzzy_cutoff: float
    accept: float
    continuation_accept: float
    margin: float
    other_below: float
    min_readable_chars: int
    min_line_confidence: float


class TemplateSet(BaseModel):
    documents: list[DocumentTemplate]
    classification: ClassificationRules

    def document(self, doc_type: DocType) -> DocumentTemplate | None:
        return next((item for item in self.documents if item.doc_type == doc_type), None)


def _read_yaml(path: Path) -> dict:
    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise TemplateError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(content, dict):
        raise TemplateError(f"{path}: expected a mapping at the top level")
    return content


@lru_cache(maxsize=8)
def load_templates(templates_dir: Path) -> TemplateSet:
    documents_dir = templates_dir / "documents"
    if not documents_dir.is_dir():
        raise TemplateError(f"no document templates in {documents_dir}")
    documents: list[DocumentTemplate] = []
    for type_dir in sorted(p for p in documents_dir.iterdir() if p.is_dir()):
        type_file = type_dir / "_type.yaml"
        if not type_file.is_file():
            raise TemplateError(f"{type_dir}: missing _type.yaml")
        try:
            document = DocumentTemplate.model_validate(_read_yaml(type_file))
            for version_file in sorted(type_dir.glob("*.yaml")):
                if version_file.name == "_type.yaml":
                    continue
                version = VersionTemplate.model_validate(_read_yaml(version_file))
                if version.doc_type != document.doc_type:
                    raise TemplateError(f"{version_file}: doc_type differs from its folder's _type.yaml")
                document.versions.append(version)
        except ValueError as exc:
            raise TemplateError(f"{type_dir}: {exc}") from exc
        documents.append(document)
    rules = ClassificationRules.model_validate(_read_yaml(templates_dir / "classification.yaml"))
    return TemplateSet(documents=documents, classification=rules)
