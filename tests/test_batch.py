from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from intake.batch import BatchError, discover, open_batch, read_meta
from intake.model import Channel, Procedure


def make_batch(root: Path) -> Path:
    (root / "ho_so_1" / "sub").mkdir(parents=True)
    (root / "ho_so_1" / "ct01.jpg").write_bytes(b"a")
    (root / "ho_so_1" / "sub" / "gcn.pdf").write_bytes(b"b")
    (root / "ho_so_1" / "dossier.json").write_text('{"procedure": "dang_ky_tam_tru"}', encoding="utf-8")
    (root / "lẻ.pdf").write_bytes(b"c")
    (root / "lẻ").mkdir()
    (root / "lẻ" / "x.png").write_bytes(b"d")
    (root / ".DS_Store").write_bytes(b"junk")
    return root


def test_every_file_lands_in_exactly_one_dossier(tmp_path: Path) -> None:
    dossiers = discover(make_batch(tmp_path))
    assert [d.name for d in dossiers] == ["ho_so_1", "lẻ", "lẻ__2"]
    first = dossiers[0]
    assert [f.name for f in first.files] == ["ct01.jpg", "sub/gcn.pdf"]
    assert first.meta_file is not None and first.meta_file.name == "dossier.json"
    assert [f.name for f in dossiers[2].files] == ["lẻ.pdf"]


def test_meta_is_parsed_and_bad_meta_is_recorded() -> None:
    meta, error = read_meta(
        json.dumps(
            {"procedure": "gia_han_tam_tru", "channel": "portal", "received_at": "2026-11-16T17:45:00+07:00"}
        ).encode()
    )
    assert error is None
    assert meta.procedure == Procedure.GIA_HAN_TAM_TRU and meta.channel == Channel.PORTAL
    assert meta.received_at is not None and meta.received_at.utcoffset().total_seconds() == 7 * 3600
    meta, error = read_meta(b'{"procedure": "dang_ky_ve_tinh"}')
    assert error is not None and error.code == "invalid_dossier_json"
    assert meta.procedure is None
    _, error = read_meta(b"{not json")
    assert error is not None and error.code == "invalid_dossier_json"


def test_zip_batch_with_a_top_folder_is_unpacked(tmp_path: Path) -> None:
    archive = tmp_path / "batch.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("lo_01/hồ_sơ_a/ct01.jpg", b"a")
        zipped.writestr("lo_01/hồ_sơ_b/hd.pdf", b"b")
    with open_batch(archive) as root:
        assert [d.name for d in discover(root)] == ["hồ_sơ_a", "hồ_sơ_b"]


def test_zip_entries_escaping_the_folder_are_refused(tmp_path: Path) -> None:
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("../../outside.txt", b"x")
    with pytest.raises(BatchError, match="escapes"), open_batch(archive):
        pass
    assert not (tmp_path.parent / "outside.txt").exists()


def test_missing_or_wrong_batch_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(BatchError, match="not found"), open_batch(tmp_path / "nope"):
        pass
    text = tmp_path / "batch.txt"
    text.write_text("x")
    with pytest.raises(BatchError, match=r"folder or a \.zip"), open_batch(text):
        pass
