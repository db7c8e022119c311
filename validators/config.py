"""Rule tables from templates/: calendar, procedures, fees, provinces, legibility, decision, name words."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from .calendar import WorkCalendar


class RulesError(ValueError):
    """A rule table is missing or malformed."""


def _load_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise RulesError(f"cannot read {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise RulesError(f"{path} does not hold a mapping")
    return data


@dataclass(frozen=True)
class Rules:
    """Every rule table the validators read. Build it with `load_rules(templates_dir)`."""

    templates_dir: Path
    calendar: WorkCalendar
    procedures: dict[str, dict[str, Any]]
    fees: dict[str, Any]
    provinces: dict[str, str]
    legibility: dict[str, Any]
    decision: dict[str, Any]
    # Surnames and middle or given names as listed for extraction (extraction.yaml), case-folded: a word
    # of a reading that is one of them was read as a name is spelt.
    name_words: frozenset[str] = frozenset()

    def procedure(self, name: str | None) -> dict[str, Any] | None:
        return self.procedures.get(name) if name else None

    def reason(self, code: str) -> dict[str, Any]:
        return self.decision.get("reasons", {}).get(code, {"outcome": "review", "message": code})

    def field_label(self, key: str) -> str:
        return str(self.decision.get("field_labels", {}).get(key, key))

    def document_label(self, doc_type: str) -> str:
        return str(self.decision.get("documents", {}).get(doc_type, doc_type))


def load_rules(templates_dir: Path) -> Rules:
    return _load_rules_cached(Path(templates_dir).resolve())


@lru_cache(maxsize=8)
def _load_rules_cached(templates_dir: Path) -> Rules:
    procedures: dict[str, dict[str, Any]] = {}
    for path in sorted((templates_dir / "procedures").glob("*.yaml")):
        data = _load_yaml(path)
        name = data.get("procedure")
        if not isinstance(name, str):
            raise RulesError(f"{path} has no procedure name")
        procedures[name] = data
    provinces = {
        str(k).zfill(3): str(v) for k, v in _load_yaml(templates_dir / "provinces.yaml")["codes"].items()
    }
    extraction = _load_yaml(templates_dir / "extraction.yaml")
    listed = [
        *extraction.get("canonical_starts", {}).get("surnames", []),
        *extraction.get("name_syllables", []),
    ]
    return Rules(
        templates_dir=templates_dir,
        calendar=WorkCalendar.from_config(_load_yaml(templates_dir / "calendar.yaml")),
        procedures=procedures,
        fees=_load_yaml(templates_dir / "fees.yaml"),
        provinces=provinces,
        legibility=_load_yaml(templates_dir / "legibility.yaml"),
        decision=_load_yaml(templates_dir / "decision.yaml"),
        name_words=frozenset(unicodedata.normalize("NFC", str(word)).casefold() for word in listed),
    )
