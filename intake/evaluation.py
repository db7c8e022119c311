"""Compare emitted records with the ground truth of a synthetic set (samples.generator eval-set).

Reads OUT/records/<dossier>.json and SET/truth/<dossier>.json and measures classification, CT01 version,
field extraction (accuracy after normalisation, CER), illegible-page flags, decisions and reason codes,
straight-through processing, and the error rate of fields nobody is asked to review, broken down by document
type, form version and degradation class. Parts of the record that a pipeline does not produce yet (fields,
checks, a decision) count as "not available", never as a crash.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz.distance import Levenshtein
from rich.console import Console
from rich.table import Table

ILLEGIBLE_CODE = "illegible_page"
PageKey = tuple[str, int]  # (file name, 1-based page in the file)


# --- normalisation -------------------------------------------------------------------------------------


def normalize_text(value: str) -> str:
    """NFC, case-folded, whitespace collapsed, surrounding punctuation stripped."""
    text = unicodedata.normalize("NFC", value).casefold()
    text = re.sub(r"\s+", " ", text).strip()
    return text.strip(" .,;:")


def normalize(value: Any) -> Any:
    """A comparable form of a field value: numbers as rounded floats, text normalised, lists element-wise."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, str) and not value.strip():
        return None  # a blank on the form and a value not given are the same answer
    if isinstance(value, int | float):
        return round(float(value), 1)
    if isinstance(value, str):
        text = normalize_text(value)
        number = text.replace(" ", "")
        if re.fullmatch(r"-?\d+([.,]\d+)?", number) and not re.fullmatch(r"0\d+", number):
            return round(float(number.replace(",", ".")), 1)
        return text
    if isinstance(value, list | tuple):
        return [normalize(v) for v in value]
    if isinstance(value, dict):
        return {k: normalize(v) for k, v in sorted(value.items())}
    return value


def field_matches(truth: Any, got: Any) -> bool:
    return normalize(truth) == normalize(got)


def is_string_field(value: Any) -> bool:
    return isinstance(value, str) and not isinstance(value, bool)


# --- counting ------------------------------------------------------------------------------------------


@dataclass
class Ratio:
    hit: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.total += 1
        self.hit += int(ok)

    @property
    def value(self) -> float | None:
        return self.hit / self.total if self.total else None

    def as_dict(self) -> dict[str, Any]:
        return {"correct": self.hit, "total": self.total, "rate": self.value}

    def text(self) -> str:
        return f"{self.value:.1%} ({self.hit}/{self.total})" if self.total else "n/a (0/0)"


@dataclass
class FieldStats:
    accuracy: Ratio = field(default_factory=Ratio)
    available: Ratio = field(default_factory=Ratio)
    edits: int = 0
    chars: int = 0

    def add(self, truth: Any, got: Any, present: bool) -> bool:
        ok = present and field_matches(truth, got)
        self.accuracy.add(ok)
        self.available.add(present)
        if is_string_field(truth):
            t = normalize_text(truth)
            g = normalize_text(str(got)) if present and got is not None else ""
            self.edits += Levenshtein.distance(t, g)
            self.chars += len(t)
        return ok

    @property
    def cer(self) -> float | None:
        return self.edits / self.chars if self.chars else None

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.accuracy.as_dict(),
            "available": self.available.hit,
            "cer": self.cer,
            "cer_chars": self.chars,
        }


@dataclass
class Report:
    dossiers: int = 0
    records_missing: list[str] = field(default_factory=list)
    classification: Ratio = field(default_factory=Ratio)
    classification_by: dict[str, dict[str, Ratio]] = field(
        default_factory=lambda: {"doc_type": defaultdict(Ratio), "degradation": defaultdict(Ratio)}
    )
    ct01_version: Ratio = field(default_factory=Ratio)
    fields: FieldStats = field(default_factory=FieldStats)
    fields_by_key: dict[str, FieldStats] = field(default_factory=lambda: defaultdict(FieldStats))
    fields_by: dict[str, dict[str, FieldStats]] = field(
        default_factory=lambda: {
            "doc_type": defaultdict(FieldStats),
            "form_version": defaultdict(FieldStats),
            "degradation": defaultdict(FieldStats),
            "values": defaultdict(FieldStats),
        }
    )
    unflagged_fields: Ratio = field(default_factory=Ratio)  # hit = wrong among fields not flagged for review
    illegible_recall: Ratio = field(default_factory=Ratio)
    false_flags: Ratio = field(default_factory=Ratio)  # hit = legible page flagged illegible
    checks_available: Ratio = field(default_factory=Ratio)
    decision_status: Ratio = field(default_factory=Ratio)
    decisions_available: Ratio = field(default_factory=Ratio)
    status_by_expected: dict[str, Ratio] = field(default_factory=lambda: defaultdict(Ratio))
    # By how the declaration was filled in (typed / handwritten / none) and by generator scenario.
    status_by_declaration: dict[str, Ratio] = field(default_factory=lambda: defaultdict(Ratio))
    status_by_scenario: dict[str, Ratio] = field(default_factory=lambda: defaultdict(Ratio))
    reason_tp: int = 0
    reason_fp: int = 0
    reason_fn: int = 0
    reasons_by_code: dict[str, dict[str, int]] = field(
        default_factory=lambda: defaultdict(lambda: {"tp": 0, "fp": 0, "fn": 0})
    )
    straight_through: Ratio = field(default_factory=Ratio)
    straight_through_correct: Ratio = field(default_factory=Ratio)

    def as_dict(self) -> dict[str, Any]:
        def table(groups: dict[str, Any]) -> dict[str, Any]:
            return {k: v.as_dict() for k, v in sorted(groups.items())}

        precision = _safe(self.reason_tp, self.reason_tp + self.reason_fp)
        recall = _safe(self.reason_tp, self.reason_tp + self.reason_fn)
        return {
            "dossiers": self.dossiers,
            "records_missing": self.records_missing,
            "classification": {
                **self.classification.as_dict(),
                "by_doc_type": table(self.classification_by["doc_type"]),
                "by_degradation": table(self.classification_by["degradation"]),
            },
            "ct01_version": self.ct01_version.as_dict(),
            "fields": {
                **self.fields.as_dict(),
                "by_key": table(self.fields_by_key),
                "by_doc_type": table(self.fields_by["doc_type"]),
                "by_form_version": table(self.fields_by["form_version"]),
                "by_degradation": table(self.fields_by["degradation"]),
                "by_values": table(self.fields_by["values"]),
                "unflagged_error_rate": {
                    "wrong": self.unflagged_fields.hit,
                    "total": self.unflagged_fields.total,
                    "rate": self.unflagged_fields.value,
                },
            },
            "illegible_pages": {
                "recall": self.illegible_recall.as_dict(),
                "false_flag_rate": {
                    "flagged": self.false_flags.hit,
                    "legible_pages": self.false_flags.total,
                    "rate": self.false_flags.value,
                },
                "records_with_checks": self.checks_available.hit,
            },
            "decisions": {
                "available": self.decisions_available.hit,
                "status_accuracy": self.decision_status.as_dict(),
                "status_accuracy_by_expected": table(self.status_by_expected),
                "status_accuracy_by_declaration": table(self.status_by_declaration),
                "status_accuracy_by_scenario": table(self.status_by_scenario),
                "reasons": {
                    "tp": self.reason_tp,
                    "fp": self.reason_fp,
                    "fn": self.reason_fn,
                    "precision": precision,
                    "recall": recall,
                    "by_code": {
                        code: {
                            **c,
                            "precision": _safe(c["tp"], c["tp"] + c["fp"]),
                            "recall": _safe(c["tp"], c["tp"] + c["fn"]),
                        }
                        for code, c in sorted(self.reasons_by_code.items())
                    },
                },
                "straight_through": self.straight_through.as_dict(),
                "straight_through_correct": self.straight_through_correct.as_dict(),
            },
        }


def _safe(a: int, b: int) -> float | None:
    return a / b if b else None


# --- matching one record with its truth ----------------------------------------------------------------


def _truth_pages(truth: dict[str, Any]) -> list[tuple[PageKey, dict[str, Any]]]:
    return [((name, p["page"]), p) for name, pages in truth.get("files", {}).items() for p in pages]


def _record_page_index(record: dict[str, Any] | None) -> dict[PageKey, dict[str, Any]]:
    if not record:
        return {}
    return {(p.get("file"), p.get("file_page")): p for p in record.get("pages", []) or []}


def _flagged_illegible(record: dict[str, Any] | None) -> set[int]:
    flagged: set[int] = set()
    for check in (record or {}).get("checks") or []:
        if (
            check.get("passed") is False
            and check.get("code") == ILLEGIBLE_CODE
            and check.get("page") is not None
        ):
            flagged.add(int(check["page"]))
    return flagged


def _match_documents(
    truth: dict[str, Any], record: dict[str, Any] | None, index_of: dict[PageKey, int]
) -> dict[int, dict[str, Any] | None]:
    """For each truth document, the record document sharing most of its pages (None when none does)."""
    pages_of: dict[int, set[int]] = defaultdict(set)
    for key, page in _truth_pages(truth):
        if key in index_of:
            pages_of[page["document"]].add(index_of[key])
    out: dict[int, dict[str, Any] | None] = {}
    record_docs = (record or {}).get("documents") or []
    for doc in truth.get("documents", []):
        wanted = pages_of.get(doc["index"], set())
        best, overlap = None, 0
        for candidate in record_docs:
            shared = len(wanted & set(candidate.get("pages") or []))
            if shared > overlap:
                best, overlap = candidate, shared
        out[doc["index"]] = best
    return out


def _doc_degradation(truth: dict[str, Any], doc_index: int) -> str:
    kinds = sorted({p["degradation"] for _, p in _truth_pages(truth) if p["document"] == doc_index})
    return kinds[0] if len(kinds) == 1 else ("mixed" if kinds else "unknown")


def evaluate_dossier(report: Report, truth: dict[str, Any], record: dict[str, Any] | None) -> None:
    report.dossiers += 1
    if record is None:
        report.records_missing.append(truth.get("dossier", "?"))
    by_key = _record_page_index(record)
    index_of = {key: int(p["index"]) for key, p in by_key.items() if p.get("index") is not None}
    flagged = _flagged_illegible(record)
    if record is not None:
        report.checks_available.add(bool(record.get("checks")))

    # Pages: classification, CT01 version, illegibility.
    for key, page in _truth_pages(truth):
        got = by_key.get(key)
        cls = (got or {}).get("classification") or {}
        ok = cls.get("doc_type") == page["doc_type"]
        report.classification.add(ok)
        report.classification_by["doc_type"][page["doc_type"]].add(ok)
        report.classification_by["degradation"][page["degradation"]].add(ok)
        if page["doc_type"] == "ct01":
            report.ct01_version.add(ok and cls.get("form_version") == page["form_version"])
        is_flagged = got is not None and got.get("index") in flagged
        if page.get("legible", True):
            report.false_flags.add(is_flagged)
        else:
            report.illegible_recall.add(is_flagged)

    # Fields of each truth document against the best-overlapping record document.
    matched = _match_documents(truth, record, index_of)
    for doc in truth.get("documents", []):
        found = matched.get(doc["index"])
        got_fields = (found or {}).get("fields") or {}
        degradation = _doc_degradation(truth, doc["index"])
        face = "handwritten" if doc.get("handwritten") else "typed"
        for key, expected in (doc.get("fields") or {}).items():
            if expected is None or expected == "":  # left blank on the paper: nothing to extract
                continue
            extracted = got_fields.get(key)
            present = isinstance(extracted, dict) and extracted.get("value") is not None
            value = extracted.get("value") if present else None
            ok = report.fields.add(expected, value, present)
            report.fields_by_key[f"{doc['doc_type']}.{key}"].add(expected, value, present)
            report.fields_by["doc_type"][doc["doc_type"]].add(expected, value, present)
            report.fields_by["form_version"][doc.get("form_version") or "-"].add(expected, value, present)
            report.fields_by["degradation"][degradation].add(expected, value, present)
            report.fields_by["values"][face].add(expected, value, present)
            if present and not extracted.get("needs_review", False):
                report.unflagged_fields.add(not ok)

    # Decision, reasons, straight-through.
    expected = truth.get("expected")
    decision = (record or {}).get("decision")
    report.decisions_available.add(bool(decision))
    if expected:
        status_ok = bool(decision) and decision.get("status") == expected["status"]
        report.decision_status.add(status_ok)
        report.status_by_expected[expected["status"]].add(status_ok)
        declarations = [d for d in truth.get("documents", []) if d.get("doc_type") in ("ct01", "ct02")]
        face = (
            ("handwritten" if any(d.get("handwritten") for d in declarations) else "typed")
            if declarations
            else "none"
        )
        report.status_by_declaration[face].add(status_ok)
        report.status_by_scenario[str(truth.get("scenario") or "unnamed")].add(status_ok)
        want = set(expected.get("reasons", []))
        got_reasons = set((decision or {}).get("reasons") or [])
        for code in want | got_reasons:
            if code in want and code in got_reasons:
                report.reason_tp += 1
                report.reasons_by_code[code]["tp"] += 1
            elif code in got_reasons:
                report.reason_fp += 1
                report.reasons_by_code[code]["fp"] += 1
            else:
                report.reason_fn += 1
                report.reasons_by_code[code]["fn"] += 1
    straight = (
        bool(decision) and decision.get("status") != "review" and not (record or {}).get("needs_review")
    )
    report.straight_through.add(straight)
    if straight and expected:
        report.straight_through_correct.add(decision.get("status") == expected["status"])


# --- the whole set -------------------------------------------------------------------------------------


def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def evaluate(truth_dir: Path, records_dir: Path) -> Report:
    report = Report()
    for truth_path in sorted(truth_dir.glob("*.json")):
        truth = _load(truth_path)
        record_path = records_dir / f"{truth.get('dossier', truth_path.stem)}.json"
        record = _load(record_path) if record_path.is_file() else None
        evaluate_dossier(report, truth, record)
    return report


def write_report(report: Report, out_dir: Path) -> Path:
    path = out_dir / "eval.json"
    path.write_text(json.dumps(report.as_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.1%}"


def _share(ratio: Ratio) -> str:
    return f"{_pct(ratio.value)} ({ratio.hit}/{ratio.total})"


def print_report(report: Report, console: Console | None = None) -> None:
    console = console or Console()
    data = report.as_dict()
    summary = Table(title=f"Evaluation over {report.dossiers} dossiers")
    summary.add_column("measure")
    summary.add_column("value", justify="right")
    dec = data["decisions"]
    rows = [
        ("page classification accuracy", report.classification.text()),
        ("CT01 version accuracy", report.ct01_version.text()),
        ("field accuracy (all truth fields)", report.fields.accuracy.text()),
        ("fields available in records", f"{report.fields.available.hit} of {report.fields.available.total}"),
        ("field CER (string fields)", _pct(report.fields.cer)),
        (
            "error rate, fields not flagged for review",
            _share(report.unflagged_fields),
        ),
        ("illegible-page recall", report.illegible_recall.text()),
        (
            "illegible false-flag rate",
            _share(report.false_flags),
        ),
        ("records with checks", f"{report.checks_available.hit} of {report.checks_available.total}"),
        (
            "records with a decision",
            f"{report.decisions_available.hit} of {report.decisions_available.total}",
        ),
        ("decision status accuracy", report.decision_status.text()),
        ("reason-code precision", _pct(dec["reasons"]["precision"])),
        ("reason-code recall", _pct(dec["reasons"]["recall"])),
        ("straight-through rate", report.straight_through.text()),
        ("  of which the status is right", report.straight_through_correct.text()),
    ]
    if report.records_missing:
        rows.append(("records missing", str(len(report.records_missing))))
    for name, value in rows:
        summary.add_row(name, value)
    console.print(summary)

    for title, groups in (
        ("Classification by document type", report.classification_by["doc_type"]),
        ("Classification by degradation", report.classification_by["degradation"]),
        ("Decision status by expected status", report.status_by_expected),
        ("Decision status by how the declaration was filled in", report.status_by_declaration),
        ("Decision status by scenario", report.status_by_scenario),
    ):
        table = Table(title=title)
        for column in ("group", "accuracy"):
            table.add_column(column)
        for name, ratio in sorted(groups.items()):
            table.add_row(name, ratio.text())
        console.print(table)

    for title, stats in (
        ("Fields by document type", report.fields_by["doc_type"]),
        ("Fields by form version", report.fields_by["form_version"]),
        ("Fields by degradation", report.fields_by["degradation"]),
        ("Fields by how values were filled in", report.fields_by["values"]),
    ):
        table = Table(title=title)
        for column in ("group", "accuracy", "available", "CER"):
            table.add_column(column)
        for name, s in sorted(stats.items()):
            table.add_row(name, s.accuracy.text(), f"{s.available.hit}/{s.available.total}", _pct(s.cer))
        console.print(table)

    reasons = Table(title="Reason codes")
    for column in ("code", "tp", "fp", "fn", "precision", "recall"):
        reasons.add_column(column)
    for code, c in dec["reasons"]["by_code"].items():
        reasons.add_row(
            code, str(c["tp"]), str(c["fp"]), str(c["fn"]), _pct(c["precision"]), _pct(c["recall"])
        )
    console.print(reasons)
