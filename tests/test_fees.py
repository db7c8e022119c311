"""Fees by procedure, channel, list registration and the exemptions the dossier can establish."""

from __future__ import annotations

from datetime import date

import pytest

from validators.config import load_rules
from validators.fees import compute_fee

ON = date(2026, 11, 16)


@pytest.fixture(scope="module")
def fees(settings) -> dict:
    return load_rules(settings.templates_dir).fees


@pytest.mark.parametrize(
    ("procedure", "channel", "amount"),
    [
        ("dang_ky_thuong_tru", "counter", 20000),
        ("dang_ky_thuong_tru", "portal", 10000),
        ("dang_ky_tam_tru", "counter", 15000),
        ("dang_ky_tam_tru", "portal", 7000),
        ("xac_nhan_thong_tin_cu_tru", "counter", 0),
    ],
)
def test_standard_fees(fees: dict, procedure: str, channel: str, amount: int) -> None:
    fee = compute_fee(fees, procedure, channel, ON, ["1990-01-21"])
    assert (fee.amount_vnd, fee.exemption) == (amount, None)


def test_list_registration_is_per_person_and_skips_the_exempt(fees: dict) -> None:
    people = ["1990-01-01", "1985-05-05", "2015-03-03"]  # the child is exempt
    fee = compute_fee(fees, "dang_ky_tam_tru", "portal", ON, people, list_registration=True)
    assert (fee.amount_vnd, fee.per_person, fee.persons) == (10000, True, 2)
    fee = compute_fee(fees, "dang_ky_tam_tru", "counter", ON, people, list_registration=True)
    assert fee.amount_vnd == 20000


@pytest.mark.parametrize(
    ("born", "exemption"),
    [
        ("2012-05-01", "child"),  # 14
        ("2010-11-17", "child"),  # turns 16 the day after receipt
        ("2010-11-16", None),  # 16 today: no longer a child under Luật Trẻ em
        ("1966-11-16", "elderly"),  # 60 today
        ("1966-11-17", None),
        ("1950", "elderly"),  # bare year: 75 or 76 either way
        ("2010", None),  # bare year straddling 16: not established, standard fee
        (None, None),
    ],
)
def test_exemptions_from_date_of_birth(fees: dict, born: str | None, exemption: str | None) -> None:
    fee = compute_fee(fees, "dang_ky_thuong_tru", "counter", ON, [born])
    assert fee.exemption == exemption
    assert fee.amount_vnd == (0 if exemption else 20000)


def test_unknown_procedure_has_no_fee(fees: dict) -> None:
    assert compute_fee(fees, None, "counter", ON).amount_vnd is None
