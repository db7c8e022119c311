"""intake.evaluation on tiny hand-made records and truths, including records without fields or decisions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from intake.cli import app
from intake.evaluation import Report, evaluate, evaluate_dossier, field_matches, normalize


def _truth(expected: dict[str, Any] | None = None) -> dict[str, Any]:
    """Two files: ct01.jpg (CT01, scan) and gcn.pdf (certificate, 2 pages; page 2 unreadable)."""
    page = {"form_version": None, "document_page": 1, "born_digital": False}
    return {
        "dossier": "hs_0001",
        "expected": expected or {"status": "supplement", "reasons": ["illegible_page"]},
        "files": {
            "ct01.jpg": [
                {**page, "page": 1, "doc_type": "ct01", "form_version": "66/2023", "degradation": "scan"}
                | {"document": 0, "legible": True}
            ],
            "gcn.pdf": [
                {**page, "page": 1, "doc_type": "ownership_certificate", "degradation": "photo"}
                | {"document": 1, "legible": True},
                {**page, "page": 2, "doc_type": "ownership_certificate", "degradation": "glare"}
                | {"document": 1, "document_page": 2, "legible": False},
            ],
        },
        "documents": [
            {
                "index": 0,
                "doc_type": "ct01",
                "form_version": "66/2023",
                "handwritten": True,
                "fields": {
                    "full_name": "Lê Phương Huyền",
                    "personal_id": "092190328359",
                    "phone": None,
                    "email": "",
                },
            },
            {
                "index": 1,
                "doc_type": "ownership_certificate",
                "form_version": None,
                "fields": {"area_m2": 69.2, "owner_names": ["Nguyễn Diệu Hường"]},
            },
        ],
    }


def _page(index: int, file: str, file_page: int, doc_type: str, version: str | None = None) -> dict[str, Any]:
    return {
        "index": index,
        "file": file,
        "file_page": file_page,
        "classification": {"doc_type": doc_type, "form_version": version},
    }


def _record() -> dict[str, Any]:
    """Pages in another order than the truth's files; the certificate's pages are 0 and 2."""
    return {
        "name": "hs_0001",
        "needs_review": False,
        "pages": [
            _page(0, "gcn.pdf", 1, "ownership_certificate"),
            _page(1, "ct01.jpg", 1, "ct01", "53/2025"),  # right type, wrong version
            _page(2, "gcn.pdf", 2, "other"),  # wrong type
        ],
        "documents": [
            {
                "index": 0,
                "doc_type": "ownership_certificate",
                "pages": [0],
                "fields": {
                    "area_m2": {"key": "area_m2", "value": "69,2", "needs_review": False},
                    "owner_names": {"key": "owner_names", "value": ["NGUYỄN DIỆU HƯỜNG"]},
                },
            },
            {
                "index": 1,
                "doc_type": "ct01",
                "pages": [1],
                "fields": {
                    "full_name": {"key": "full_name", "value": "Lê Phương Huyên", "needs_review": False},
                    "personal_id": {"key": "personal_id", "value": "092190328359", "needs_review": True},
                },
            },
            {"index": 2, "doc_type": "other", "pages": [2], "fields": {}},
        ],
        "checks": [
            {"code": "illegible_page", "passed": False, "page": 2, "message": "Trang mờ"},
            {"code": "illegible_page", "passed": True, "page": 1, "message": "ok"},
        ],
        "decision": {"status": "supplement", "reasons": ["illegible_page", "missing_owner_consent"]},
    }


def test_normalisation_compares_what_a_reader_would_call_equal() -> None:
    assert normalize("69,2") == normalize(69.2) == 69.2
    assert field_matches("Lê Phương Huyền", "  LÊ  PHƯƠNG HUYỀN. ")
    assert field_matches("Le\u0302", "Lê")  # NFD vs NFC
    assert not field_matches("0912345678", "912345678")  # leading zero kept: phone numbers are text
    assert field_matches(["Nguyễn Diệu Hường"], ["NGUYỄN DIỆU HƯỜNG"])
    assert not field_matches(True, "true")


def test_metrics_on_a_hand_made_record() -> None:
    report = Report()
    evaluate_dossier(report, _truth(), _record())
    data = report.as_dict()
    assert data["classification"]["correct"] == 2 and data["classification"]["total"] == 3
    assert data["classification"]["by_degradation"]["glare"]["rate"] == 0.0
    assert data["ct01_version"] == {"correct": 0, "total": 1, "rate": 0.0}
    fields = data["fields"]
    # 4 truth fields (phone null and email blank in the truth: not counted); full_name differs by one letter.
    assert (fields["correct"], fields["total"], fields["available"]) == (3, 4, 4)
    assert fields["by_key"]["ct01.full_name"]["rate"] == 0.0
    assert fields["cer"] == pytest.approx(1 / (len("lê phương huyền") + len("092190328359")))
    # personal_id is flagged for review, so 3 unflagged fields, 1 of them wrong.
    assert fields["unflagged_error_rate"] == {"wrong": 1, "total": 3, "rate": pytest.approx(1 / 3)}
    assert fields["by_degradation"]["scan"]["total"] == 2
    assert fields["by_values"]["handwritten"] == fields["by_doc_type"]["ct01"]
    assert fields["by_values"]["typed"]["correct"] == 2
    assert fields["by_degradation"]["mixed"]["total"] == 2  # the certificate's pages: photo + glare
    ill = data["illegible_pages"]
    assert ill["recall"] == {"correct": 1, "total": 1, "rate": 1.0}
    assert ill["false_flag_rate"]["flagged"] == 0 and ill["false_flag_rate"]["legible_pages"] == 2
    dec = data["decisions"]
    assert dec["status_accuracy"]["rate"] == 1.0
    assert dec["status_accuracy_by_declaration"] == {"handwritten": {"correct": 1, "total": 1, "rate": 1.0}}
    assert sum(r["total"] for r in dec["status_accuracy_by_scenario"].values()) == 1
    assert (dec["reasons"]["tp"], dec["reasons"]["fp"], dec["reasons"]["fn"]) == (1, 1, 0)
    assert dec["reasons"]["precision"] == 0.5 and dec["reasons"]["recall"] == 1.0
    assert dec["straight_through"]["rate"] == 1.0


def test_a_legible_page_flagged_illegible_is_a_false_flag_and_review_is_not_straight_through() -> None:
    record = _record()
    record["checks"].append({"code": "illegible_page", "passed": False, "page": 1, "message": "?"})
    record["decision"] = {"status": "review", "reasons": []}
    report = Report()
    evaluate_dossier(report, _truth(), record)
    data = report.as_dict()
    assert data["illegible_pages"]["false_flag_rate"]["flagged"] == 1
    assert data["decisions"]["status_accuracy"]["rate"] == 0.0
    assert data["decisions"]["reasons"]["fn"] == 1 and data["decisions"]["reasons"]["recall"] == 0.0
    assert data["decisions"]["straight_through"]["rate"] == 0.0


def test_records_without_fields_checks_or_decision_count_as_not_available() -> None:
    record = _record()
    for doc in record["documents"]:
        del doc["fields"]
    del record["checks"], record["decision"]
    report = Report()
    evaluate_dossier(report, _truth(), record)
    evaluate_dossier(report, {**_truth(), "dossier": "hs_0002"}, None)  # no record at all
    data = report.as_dict()
    assert data["records_missing"] == ["hs_0002"]
    assert (data["fields"]["correct"], data["fields"]["total"], data["fields"]["available"]) == (0, 8, 0)
    assert data["fields"]["cer"] == 1.0
    assert data["fields"]["unflagged_error_rate"]["rate"] is None
    assert data["decisions"]["available"] == 0
    assert data["decisions"]["status_accuracy"] == {"correct": 0, "total": 2, "rate": 0.0}
    assert data["decisions"]["reasons"]["precision"] is None
    assert data["illegible_pages"]["recall"]["correct"] == 0
    assert data["illegible_pages"]["records_with_checks"] == 0
    assert data["classification"]["total"] == 6 and data["classification"]["correct"] == 2


def _write(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_eval_command_reuses_records_and_writes_eval_json(tmp_path: Path) -> None:
    _write(tmp_path / "set" / "truth" / "hs_0001.json", _truth())
    _write(tmp_path / "out" / "records" / "hs_0001.json", _record())
    result = CliRunner().invoke(
        app, ["eval", str(tmp_path / "set"), "--out", str(tmp_path / "out"), "--reuse"]
    )
    assert result.exit_code == 0, result.output
    assert "page classification accuracy" in result.output
    written = json.loads((tmp_path / "out" / "eval.json").read_text("utf-8"))
    assert written == evaluate(tmp_path / "set" / "truth", tmp_path / "out" / "records").as_dict()
    assert written["classification"]["correct"] == 2
