"""The synthetic dossier generator: determinism, ground-truth consistency, scenario coverage (no OCR)."""

from __future__ import annotations

import hashlib
import json
import random
import re
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from intake.config import PROJECT_ROOT
from samples.generator.degrade import DEGRADATIONS, LEGIBLE
from samples.generator.dossiers import PARENT_AGE_AT_BIRTH, _child, _family, status_for
from samples.generator.evalset import ACCEPT_SCENARIOS, SCENARIOS, build_dossier, generate_eval_set, plan
from samples.generator.people import PROVINCE_CODES
from samples.generator.render import HAND_FACE, font

# domain.md §5, kept here too so the test runs where shared/ is absent.
REASON_CODES = {
    "missing_declaration",
    "missing_residence_proof",
    "missing_owner_consent",
    "missing_household_head_consent",
    "missing_guardian_consent",
    "rental_not_notarized",
    "missing_floor_area_proof",
    "floor_area_below_minimum",
    "contract_expired",
    "illegible_page",
    "id_inconsistent_with_birth_data",
    "name_mismatch_across_documents",
    "invalid_field_format",
    "foreign_document_not_legalised",
}
DOMAIN_MD = PROJECT_ROOT.parent / "shared" / "domain.md"


def _tree_digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def small_set(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("evalset")
    generate_eval_set(out, 3, 11, workers=1)
    return out


def test_same_seed_same_bytes_serial_or_parallel(small_set: Path, tmp_path: Path) -> None:
    generate_eval_set(tmp_path, 3, 11, workers=2)
    a, b = _tree_digest(small_set), _tree_digest(tmp_path)
    assert len([k for k in a if k.startswith("truth/")]) == 3
    assert len([k for k in a if k.startswith("batch/")]) >= 6
    assert a == b


def test_truth_files_name_every_file_in_the_batch_and_keep_the_truth_outside(small_set: Path) -> None:
    tmp_path = small_set
    for truth_path in sorted((tmp_path / "truth").glob("*.json")):
        truth = json.loads(truth_path.read_text("utf-8"))
        folder = tmp_path / "batch" / truth["dossier"]
        on_disk = {p.name for p in folder.iterdir()} - {"dossier.json"}
        assert on_disk == set(truth["files"])
        assert "expected" not in (folder / "dossier.json").read_text("utf-8")
        for pages in truth["files"].values():
            for page in pages:
                assert page["legible"] is LEGIBLE[page["degradation"]]
                assert page["doc_type"] == truth["documents"][page["document"]]["doc_type"]


def _birth_year(pid: str) -> int:
    return 1900 + 100 * (int(pid[3]) // 2) + int(pid[4:6])


def _consistent(pid: str, dob: str, gender: str) -> bool:
    return (
        len(pid) == 12
        and pid[:3] in PROVINCE_CODES
        and _birth_year(pid) == date.fromisoformat(dob).year
        and (int(pid[3]) % 2 == 0) == (gender == "male")
    )


def _people(doc: dict) -> list[tuple[str, str, str]]:
    f = doc["fields"]
    found = []
    if f.get("personal_id") and f.get("date_of_birth"):
        found.append((f["personal_id"], f["date_of_birth"], f["gender"]))
    for m in f.get("household_members", []):
        found.append((m["personal_id"], m["date_of_birth"], m["gender"]))
    return found


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_scenario_truth_is_consistent(scenario: str) -> None:
    dossier = build_dossier(2026, 0, scenario)
    assert dossier.expected is not None
    reasons = dossier.expected["reasons"]
    assert set(reasons) <= REASON_CODES
    assert dossier.expected["status"] == status_for(reasons)
    assert (scenario in ACCEPT_SCENARIOS) == (dossier.expected["status"] == "accept")
    truths = [doc.truth(i) for i, doc in enumerate(dossier.documents)]
    people = [p for t in truths for p in _people(t)]
    # CT02 declarants hold a foreign passport, no Vietnamese ID; every other scenario has one.
    assert people or dossier.documents[0].doc_type == "ct02", scenario
    inconsistent = [p for p in people if not _consistent(*p)]
    if "id_inconsistent_with_birth_data" in reasons:
        assert len(inconsistent) == 1
    else:
        assert inconsistent == []
    # Every text value is NFC, and every page of every file points at a real document page.
    for t in truths:
        for value in t["fields"].values():
            if isinstance(value, str):
                assert unicodedata.is_normalized("NFC", value)
    for spec in dossier.files:
        for d, p in spec.parts:
            assert p < len(dossier.documents[d].pages)
        assert spec.degradation in DEGRADATIONS


def test_rules_are_exercised_by_their_scenarios() -> None:
    ct01 = build_dossier(1, 0, "household_move").documents[0]
    assert len(ct01.fields["household_members"]) >= 2
    assert not any(
        d.doc_type in ("ct01", "ct02") for d in build_dossier(1, 0, "missing_declaration").documents
    )
    expired = build_dossier(1, 0, "contract_expired")
    contract = next(d for d in expired.documents if d.doc_type == "rental_contract")
    assert expired.meta is not None
    assert contract.fields["end_date"] < expired.meta["received_at"][:10]
    small = build_dossier(1, 0, "floor_area_below_minimum").documents
    persons = 1 + len(small[0].fields["household_members"])
    assert small[1].fields["area_m2"] / persons < 8 and small[1].fields["notarized"]
    consent = build_dossier(1, 0, "written_consent").documents
    assert not consent[0].fields["consent_owner"]
    assert consent[1].fields["title"] in (
        "VĂN BẢN ĐỒNG Ý CHO ĐĂNG KÝ CƯ TRÚ",
        "GIẤY ĐỒNG Ý CHO ĐĂNG KÝ THƯỜNG TRÚ, TẠM TRÚ",
    )
    mismatch = build_dossier(1, 0, "name_mismatch").documents
    assert mismatch[0].fields["full_name"] != mismatch[1].fields["lessee_name"]
    assert mismatch[0].fields["personal_id"] == mismatch[1].fields["lessee_id"]
    illegible = build_dossier(1, 0, "illegible_page")
    assert any(not LEGIBLE[s.degradation] for s in illegible.files)
    assert build_dossier(1, 0, "portal_tam_tru").meta["channel"] == "portal"  # type: ignore[index]


def test_plan_covers_every_scenario_and_the_expected_codes_are_domain_codes() -> None:
    order = plan(200, 2026)
    assert len(order) == 200 and set(order) == set(SCENARIOS)
    covered = {r for s in SCENARIOS for r in build_dossier(3, 0, s).expected["reasons"]}  # type: ignore[index]
    assert covered == REASON_CODES
    if DOMAIN_MD.is_file():
        section = DOMAIN_MD.read_text("utf-8").split("Decision reason codes", 1)[1]
        assert set(re.findall(r"`([a-z_]+)`", section)) >= covered


def test_the_handwriting_face_covers_every_vietnamese_letter() -> None:
    """All 134 letter forms (67 lower, 67 upper) render as real glyphs, not as the .notdef box."""
    letters = set()
    for vowel in "aăâeêioôơuưy":
        for tone in ("\u0300", "\u0301", "\u0303", "\u0309", "\u0323"):
            letters.add(unicodedata.normalize("NFC", vowel + tone))
    letters |= set("ăâêôơưđ")
    letters |= {c.upper() for c in letters}
    assert len(letters) == 134

    def bitmap(ch: str) -> bytes:
        img = Image.new("L", (90, 110), 0)
        ImageDraw.Draw(img).text((10, 90), ch, font=font("hand", 60), fill=255, anchor="ls")
        return img.tobytes()

    notdef = bitmap("\ue000")
    missing = sorted(c for c in letters if bitmap(c) == notdef)
    assert missing == []
    assert HAND_FACE in ("handwriting", "italic")


def test_committed_ground_truth_keeps_its_shape(ground_truth_dir: Path) -> None:
    for path in sorted(ground_truth_dir.glob("*.json")):
        truth = json.loads(path.read_text("utf-8"))
        assert {"dossier", "files", "documents", "expected"} <= set(truth)
        assert truth["expected"]["status"] in ("accept", "supplement", "refuse", "review")
        for pages in truth["files"].values():
            for page in pages:
                assert {"page", "doc_type", "form_version", "degradation", "document", "legible"} <= set(page)


def test_a_declarants_parent_heading_the_household_is_of_a_parents_age() -> None:
    """The forms give the declarant's relationship to the head ("Con"): the two years of birth must allow it,
    as the extraction's relationship weighing expects (extraction.yaml relationship_ages)."""
    rng = random.Random(5)
    for _ in range(200):
        fam = _family(rng)
        head_year = fam.owner.date_of_birth.year
        child = _child(rng, fam, (1975, 1998))  # the CT02 scenarios' years
        assert PARENT_AGE_AT_BIRTH[0] <= child.date_of_birth.year - head_year <= PARENT_AGE_AT_BIRTH[1]
        minor = _child(rng, fam, (2009, 2011))  # a scenario's own years come first
        assert 2009 <= minor.date_of_birth.year <= 2011
