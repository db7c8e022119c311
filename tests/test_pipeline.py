"""End to end through the real Prefect flows, the real OCR models and local storage, on the sample batch."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from helpers import encode, text_page

from flows.batch import process_batch
from intake.batch import discover
from intake.model import BatchSummary, Dossier
from intake.schema import validate

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def processed(sample_batch: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[BatchSummary, Path]:
    out = tmp_path_factory.mktemp("out")
    summary = process_batch(sample_batch, out)
    return summary, out


def load_record(out: Path, name: str) -> dict:
    return json.loads((out / "records" / f"{name}.json").read_text(encoding="utf-8"))


def test_one_schema_valid_record_per_dossier(processed, sample_batch: Path) -> None:
    summary, out = processed
    expected = [d.name for d in discover(sample_batch)]
    assert len(expected) >= 6
    assert [item.name for item in summary.dossiers] == expected
    validate(json.loads((out / "batch_summary.json").read_text("utf-8")), "batch_summary.schema.json")
    for name in expected:
        record = load_record(out, name)
        validate(record, "dossier.schema.json")
        Dossier.model_validate(record)
        assert record["status"] == "success", (name, record["errors"], [f["errors"] for f in record["files"]])


def test_every_incoming_file_is_accounted_for(processed, sample_batch: Path) -> None:
    summary, out = processed
    for dossier_input in discover(sample_batch):
        record = load_record(out, dossier_input.name)
        on_disk = {f.name: f.path for f in dossier_input.files}
        if dossier_input.meta_file:
            on_disk[dossier_input.meta_file.name] = dossier_input.meta_file.path
        assert {f["name"] for f in record["files"]} == set(on_disk)
        for entry in record["files"]:
            data = on_disk[entry["name"]].read_bytes()
            assert entry["sha256"] == hashlib.sha256(data).hexdigest()
            stored = Path(entry["storage_uri"].removeprefix("file://"))
            assert stored.name == entry["sha256"] and stored.read_bytes() == data
    assert summary.totals["files"] == sum(
        len(d.files) + (1 if d.meta_file else 0) for d in discover(sample_batch)
    )


def test_every_sample_page_is_classified_as_its_ground_truth(processed, ground_truth_dir: Path) -> None:
    _, out = processed
    truths = sorted(ground_truth_dir.glob("*.json"))
    assert truths
    wrong = []
    pages_checked = 0
    for truth_path in truths:
        truth = json.loads(truth_path.read_text("utf-8"))
        record = load_record(out, truth["dossier"])
        by_position = {(p["file"], p["file_page"]): p for p in record["pages"]}
        for file_name, pages in truth["files"].items():
            for expected in pages:
                page = by_position.get((file_name, expected["page"]))
                pages_checked += 1
                got = (
                    (page["classification"]["doc_type"], page["classification"]["form_version"])
                    if page
                    else None
                )
                if got != (expected["doc_type"], expected["form_version"]):
                    wrong.append((truth["dossier"], file_name, expected["page"], expected["doc_type"], got))
        assert len(record["pages"]) == sum(len(pages) for pages in truth["files"].values())
    assert not wrong, wrong
    assert pages_checked >= 15


def test_pages_are_grouped_into_the_documents_of_the_ground_truth(processed, ground_truth_dir: Path) -> None:
    _, out = processed
    for truth_path in sorted(ground_truth_dir.glob("*.json")):
        truth = json.loads(truth_path.read_text("utf-8"))
        record = load_record(out, truth["dossier"])
        index_of = {(p["file"], p["file_page"]): p["index"] for p in record["pages"]}
        expected: dict[int, list[int]] = {}
        for file_name, pages in truth["files"].items():
            for page in pages:
                expected.setdefault(page["document"], []).append(index_of[(file_name, page["page"])])
        got = sorted(sorted(d["pages"]) for d in record["documents"])
        assert got == sorted(sorted(v) for v in expected.values()), truth["dossier"]


def test_dossier_metadata_and_page_facts_are_recorded(processed, sample_batch: Path) -> None:
    _, out = processed
    for dossier_input in discover(sample_batch):
        record = load_record(out, dossier_input.name)
        if dossier_input.meta_file:
            meta = json.loads(dossier_input.meta_file.path.read_text("utf-8"))
            assert record["meta"]["procedure"] == meta["procedure"]
            assert record["meta_source"] == "dossier.json"
        for page in record["pages"]:
            assert page["lines"], (dossier_input.name, page["file"], page["file_page"])
            assert page["quality"]["dpi"]
            # Legibility measures scans and photos; a born-digital page has nothing to be blurred.
            measured = page["kind"] != "born_digital_pdf"
            assert (page["quality"]["sharpness"] is not None) == measured, page["kind"]
            assert Path(page["image_uri"].removeprefix("file://")).is_file()
            assert page["ocr_engine"] in {"paddle-tesseract", "text_layer"}


def test_bad_input_is_recorded_and_the_batch_goes_on(tmp_path: Path) -> None:
    batch = tmp_path / "batch"
    (batch / "ho_so_hong").mkdir(parents=True)
    (batch / "ho_so_hong" / "hong.pdf").write_bytes(b"%PDF-1.4 truncated")
    (batch / "ho_so_hong" / "ghi_chu.docx").write_bytes(b"PK\x03\x04 not a scan")
    (batch / "ho_so_hong" / "dossier.json").write_text("{oops", encoding="utf-8")
    good = encode(
        text_page(
            [
                "TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ",
                "Mẫu CT01 ban hành kèm theo Thông tư số 66/2023/TT-BCA",
                "1. Họ, chữ đệm và tên: Đỗ Minh Khôi",
            ],
            font_px=34,
        ),
        "JPEG",
    )
    (batch / "ho_so_hong" / "ct01.jpg").write_bytes(good)
    (batch / "ho_so_hong" / "cut.jpg").write_bytes(good[: len(good) // 4])
    (batch / "rong").mkdir()
    out = tmp_path / "out"
    summary = process_batch(batch, out)
    assert [d.name for d in summary.dossiers] == ["ho_so_hong", "rong"]
    record = load_record(out, "ho_so_hong")
    validate(record, "dossier.schema.json")
    assert record["status"] == "partial_success" and record["needs_review"]
    codes = {f["name"]: [e["code"] for e in f["errors"]] for f in record["files"]}
    assert codes == {
        "ct01.jpg": [],
        "cut.jpg": ["corrupt_image"],
        "dossier.json": [],
        "ghi_chu.docx": ["unsupported_format"],
        "hong.pdf": ["corrupt_pdf"],
    }
    assert [e["code"] for e in record["errors"]] == ["invalid_dossier_json"]
    assert [p["classification"]["doc_type"] for p in record["pages"]] == ["ct01"]
    assert load_record(out, "rong")["files"] == []


def test_every_dossier_is_decided_and_slips_sit_next_to_records(processed, sample_batch: Path) -> None:
    summary, out = processed
    statuses = []
    for item in summary.dossiers:
        record = load_record(out, item.name)
        decision = record["decision"]
        assert decision is not None, item.name
        statuses.append(decision["status"])
        if decision["status"] == "review":
            assert decision["slip"] is None
            continue
        form = decision["slip"]["form"]
        assert form == {"accept": "CT04", "supplement": "CT05", "refuse": "CT06"}[decision["status"]]
        slip = out / "records" / f"{item.name}.{form}.pdf"
        assert slip.read_bytes().startswith(b"%PDF")
        assert decision["slip"]["uri"] == slip.as_uri()
        if decision["status"] == "accept":
            assert decision["due_at"] and decision["fee_vnd"] is not None
    assert "accept" in statuses
