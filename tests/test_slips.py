"""The citizen-facing slips: CT04 / CT05 / CT06 PDFs in Vietnamese, deterministic, IDs masked."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest
from test_validators_factory import dossier_from_truth, set_field

from intake.model import STAGE_FAILED, Check, DecisionStatus, Dossier, ProcessingError
from validators import validate_dossier, write_slip
from validators.slips import render_slip


def text_of(path: Path) -> str:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()


def decided(dossier: Dossier, settings) -> Dossier:
    validate_dossier(dossier, None, settings)
    return dossier


def test_ct04_receipt_with_due_date_and_fee(tmp_path: Path, settings) -> None:
    dossier = decided(dossier_from_truth("04_thuong_tru_thue_cong_chung"), settings)
    path = write_slip(dossier, tmp_path / "slip.pdf")
    assert path is not None and dossier.decision.slip.uri == path.as_uri()
    text = text_of(path)
    assert "PHIẾU TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert "Nguyễn Công Long" in text
    assert "14 giờ 20 ngày 27/11/2026" in text  # 7 working days from 17/11 14:20, 24/11 a holiday
    assert "20.000 đồng" in text and "7 ngày làm việc" in text
    assert "036095419915" not in text and "*********915" in text


def test_ct05_lists_every_item(tmp_path: Path, settings) -> None:
    dossier = dossier_from_truth("04_thuong_tru_thue_cong_chung")
    set_field(dossier, "rental_contract", "notarized", False)
    set_field(dossier, "ct01", "declarant_signed", False)
    decided(dossier, settings)
    text = text_of(write_slip(dossier, tmp_path / "ct05.pdf"))
    assert "PHIẾU HƯỚNG DẪN BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert "1. Tờ khai chưa có chữ ký" in text
    assert "2. Hợp đồng thuê, mượn, ở nhờ nhà để đăng ký thường trú phải được công chứng" in text


def test_ct06_states_the_reason(tmp_path: Path, settings) -> None:
    dossier = dossier_from_truth("04_thuong_tru_thue_cong_chung")
    set_field(dossier, "rental_contract", "area_m2", 18.0)
    decided(dossier, settings)
    text = text_of(write_slip(dossier, tmp_path / "ct06.pdf"))
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN, GIẢI QUYẾT HỒ SƠ" in text
    assert "Diện tích nhà ở bình quân 6.0 m²/người" in text


def test_review_has_no_slip(tmp_path: Path, settings) -> None:
    dossier = dossier_from_truth("02_tam_tru_thue_nha")
    set_field(dossier, "ct01", "date_of_birth", "1990-01-07")
    decided(dossier, settings)
    assert dossier.decision.status == DecisionStatus.REVIEW
    assert write_slip(dossier, tmp_path / "none.pdf") is None
    assert not (tmp_path / "none.pdf").exists()


def test_slip_bytes_are_deterministic(settings) -> None:
    first = render_slip(decided(dossier_from_truth("01_thuong_tru_chu_so_huu"), settings))
    second = render_slip(decided(dossier_from_truth("01_thuong_tru_chu_so_huu"), settings))
    assert first == second and first.startswith(b"%PDF")


def test_broken_validator_means_review_not_accept(monkeypatch: pytest.MonkeyPatch, settings) -> None:
    import validators.fields

    def explode(view: object) -> list[Check]:
        raise RuntimeError("boom")

    monkeypatch.setattr(validators, "check_fields", explode)
    dossier = decided(dossier_from_truth("01_thuong_tru_chu_so_huu"), settings)
    assert dossier.decision.status == DecisionStatus.REVIEW and dossier.decision.slip is None
    assert "validation_failed" in dossier.decision.reasons
    assert [e.code for e in dossier.errors] == ["fields_failed"] and dossier.needs_review


def test_a_failed_processing_stage_means_review_not_a_slip(settings) -> None:
    """Seed 1357 hs_0033: classification raised, no page had a type, and the citizen was asked (CT05) for
    the declaration they had handed in."""
    dossier = dossier_from_truth("01_thuong_tru_chu_so_huu")
    dossier.errors.append(ProcessingError(stage="classify", code=STAGE_FAILED, message="ValueError: boom"))
    decided(dossier, settings)
    assert dossier.decision.status == DecisionStatus.REVIEW and dossier.decision.slip is None
    assert "processing_failed" in dossier.decision.reasons and dossier.needs_review
    assert any("classify" in message for message in dossier.decision.messages)
