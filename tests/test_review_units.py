"""The review app's pieces without a browser: passwords, sessions, CSRF, typed corrections, the audit file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from intake.model import DocType, Document, Dossier, ExtractedField
from review.audit import AuditEntry, append_audit, audit_path, load_audit
from review.auth import Role, Signer, User, authenticate, hash_password, load_users, verify_password
from review.config import office_from
from review.corrections import (
    Action,
    FieldKind,
    FieldReview,
    Reviewer,
    ReviewError,
    apply_reviews,
    display_value,
    field_kind,
    parse_value,
)


def test_password_hashes_are_salted_and_nfc() -> None:
    first, second = hash_password("Mật khẩu"), hash_password("Mật khẩu")
    assert first != second and first.startswith("scrypt$")
    decomposed = "Ma\u0323\u0302t khẩu"  # "Mật" typed as base letter + combining marks
    assert verify_password(decomposed, first)
    assert not verify_password("mật khẩu", first)
    assert not verify_password("Mật khẩu", "plain-text")


def test_users_file_and_roles(tmp_path: Path) -> None:
    path = tmp_path / "users.yaml"
    path.write_text(
        "users:\n"
        f"  - {{username: lan, role: qa, password: '{hash_password('a')}'}}\n"
        f"  - {{username: minh, role: officer, password: '{hash_password('b')}'}}\n",
        encoding="utf-8",
    )
    users = load_users(path)
    assert authenticate(users, "lan", "a") == users["lan"]
    assert authenticate(users, "lan", "b") is None and authenticate(users, "ai", "a") is None
    assert users["lan"].can("correct") and not users["lan"].can("manage")
    assert users["minh"].can("view") and not users["minh"].can("correct")
    assert User("q", Role.ADMIN, "").can("manage")
    path.write_text("users:\n  - {username: x, role: qa, password: plain}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="scrypt"):
        load_users(path)


def test_session_cookie_and_csrf_are_signed() -> None:
    signer = Signer(b"k" * 32)
    cookie = signer.session_cookie("lan", now=1000.0)
    assert signer.read_session(cookie, now=1010.0).username == "lan"
    assert signer.read_session(cookie, now=1000.0 + 11 * 3600) is None  # expired
    assert signer.read_session(cookie[:-2] + "xx", now=1010.0) is None
    assert Signer(b"o" * 32).read_session(cookie, now=1010.0) is None
    token = signer.csrf_token("nonce")
    assert signer.check_csrf("nonce", token)
    assert not signer.check_csrf("other", token) and not signer.check_csrf("nonce", None)


def test_office_from_storage_prefix_or_folder() -> None:
    assert office_from("s3://intake/xa-01", Path("/srv/out")) == "xa-01"
    assert office_from("s3://intake/tinh/phuong-7/", Path("/srv/out")) == "phuong-7"
    assert office_from(None, Path("/srv/xa-02")) == "xa-02"


def test_typed_values_go_through_the_field_normaliser() -> None:
    date = FieldKind("scalar", "date")
    assert parse_value("21/02/1985", date) == "1985-02-21"
    assert parse_value("1985-02-21", date) == "1985-02-21"
    assert display_value("1985-02-21", date) == "21/02/1985"
    with pytest.raises(ValueError, match="Ngày không hợp lệ"):
        parse_value("30/02/1985", date)
    with pytest.raises(ValueError, match="trống"):
        parse_value("  ", date)
    assert parse_value("Nu\u0303", FieldKind("scalar", "gender")) == "female"  # NFD input
    assert parse_value("có", FieldKind("boolean", "boolean")) is True
    names = FieldKind("list", "name")
    assert parse_value("trần văn a; lê thị b", names) == ["Trần Văn A", "Lê Thị B"]
    assert display_value(["Trần Văn A", "Lê Thị B"], names) == "Trần Văn A; Lê Thị B"
    assert parse_value("32,5", FieldKind("scalar", "area")) == 32.5
    # an officer's "0" and "I" are what the paper says, not OCR look-alikes to repair
    assert parse_value("an0ther.Io@gmail.com", FieldKind("scalar", "email")) == "an0ther.io@gmail.com"
    # so is a domain near a listed service's, and a date is typed whole, not guessed from a slip
    for typed in ("nam@cloud.com", "nam@hmail.com", "chen@yahoo.com.cn"):
        assert parse_value(typed, FieldKind("scalar", "email")) == typed
    for slip in ("1/122053", "0101/2020"):
        with pytest.raises(ValueError, match="nhập dd/mm/yyyy"):
            parse_value(slip, date)


def _dossier() -> Dossier:
    fields = {
        "date_of_birth": ExtractedField(
            key="date_of_birth",
            value="31/02/1985",
            raw="31/02/1985",
            confidence=0.8,
            needs_review=True,
            review_reasons=["impossible_date"],
        ),
        "email": ExtractedField(key="email", needs_review=True, review_reasons=["not_found"]),
        "phone": ExtractedField(
            key="phone",
            value="0912345678",
            raw="0912 345 678",
            confidence=0.7,
            needs_review=True,
            review_reasons=["low_confidence"],
        ),
    }
    document = Document(index=0, doc_type=DocType.CT01, pages=[], fields=fields, needs_review=True)
    return Dossier(dossier_id="ab" * 32, name="hs", documents=[document])


def test_apply_reviews_sets_values_reasons_and_audit() -> None:
    dossier = _dossier()
    assert field_kind(dossier.documents[0], "date_of_birth", None).normalizer == "date"
    reviews = [
        FieldReview(0, "date_of_birth", Action.CORRECT, "21/02/1985"),
        FieldReview(0, "email", Action.REJECT),
        FieldReview(0, "phone", Action.ACCEPT),
    ]
    entries = apply_reviews(dossier, reviews, Reviewer("lan", "qa"))
    fields = dossier.documents[0].fields
    assert fields["date_of_birth"].value == "1985-02-21" and fields["date_of_birth"].raw == "31/02/1985"
    assert fields["date_of_birth"].review_reasons == ["corrected_by_reviewer"]
    assert fields["email"].value is None and fields["email"].review_reasons == ["rejected_by_reviewer"]
    assert fields["phone"].review_reasons == ["accepted_by_reviewer"] and fields["phone"].confidence == 1.0
    assert not any(f.needs_review for f in fields.values()) and not dossier.documents[0].needs_review
    assert [(e.action, e.field, e.old, e.new) for e in entries] == [
        ("correct", "date_of_birth", "31/02/1985", "1985-02-21"),
        ("reject", "email", None, None),
        ("accept", "phone", "0912345678", "0912345678"),
    ]


def test_one_bad_correction_applies_nothing() -> None:
    dossier = _dossier()
    before = dossier.model_dump()
    with pytest.raises(ReviewError) as caught:
        apply_reviews(
            dossier,
            [
                FieldReview(0, "phone", Action.ACCEPT),
                FieldReview(0, "date_of_birth", Action.CORRECT, "99/99/1985"),
            ],
            Reviewer("lan", "qa"),
        )
    assert (0, "date_of_birth") in caught.value.field_errors
    assert dossier.model_dump() == before


def test_audit_sidecar_appends_atomically(tmp_path: Path) -> None:
    dossier = _dossier()
    entries = apply_reviews(dossier, [FieldReview(0, "phone", Action.ACCEPT)], Reviewer("lan", "qa"))
    append_audit(tmp_path, "hs", dossier.dossier_id, entries)
    append_audit(tmp_path, "hs", dossier.dossier_id, entries)
    trail = load_audit(tmp_path, "hs", dossier.dossier_id)
    assert len(trail.entries) == 2 and isinstance(trail.entries[0], AuditEntry)
    assert json.loads(audit_path(tmp_path, "hs").read_text(encoding="utf-8"))["schema_version"] == "1.0"
    assert sorted(p.name for p in (tmp_path / "records").iterdir()) == ["hs.audit.json"]
