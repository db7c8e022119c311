"""The registration fee by procedure, channel and exemption (`templates/fees.yaml`, Thông tư 75/2022/TT-BTC).

Only an exemption the dossier itself establishes is applied (today: the declarant's age at receipt from the
CT01 date of birth); the others need a paper or a database lookup, so the standard fee stands until an
officer applies them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from .common import age_on


@dataclass(frozen=True)
class Fee:
    amount_vnd: int | None
    exemption: str | None = None
    exemption_label: str | None = None
    per_person: bool = False
    persons: int = 1


def _exempt(rule: dict[str, Any] | None, date_of_birth: Any, on: date) -> bool:
    if not rule or date_of_birth in (None, ""):
        return False
    ages = age_on(date_of_birth, on)
    if ages is None:
        return False
    lowest, highest = ages
    if "age_below" in rule and highest < int(rule["age_below"]):
        return True
    return "age_at_least" in rule and lowest >= int(rule["age_at_least"])


def exemption_for(config: dict[str, Any], date_of_birth: Any, on: date) -> dict[str, Any] | None:
    for exemption in config.get("exemptions", []):
        if _exempt(exemption.get("rule"), date_of_birth, on):
            return exemption
    return None


def compute_fee(
    config: dict[str, Any],
    procedure: str | None,
    channel: str,
    on: date,
    dates_of_birth: list[Any] | None = None,
    list_registration: bool = False,
) -> Fee:
    """Fee for one registration. `dates_of_birth` lists the people the fee is charged for: the declarant
    for an individual or household registration, every person on the list for a list registration."""
    table = (config.get("procedures") or {}).get(procedure or "")
    if table is None:
        return Fee(None)
    people = dates_of_birth or [None]
    if list_registration and isinstance(table.get("list"), dict):
        schedule = table["list"]
        rate = int(schedule.get(channel, schedule.get("counter", 0)))
        charged = [dob for dob in people if exemption_for(config, dob, on) is None]
        return Fee(rate * len(charged), per_person=True, persons=len(charged))
    rate = int(table.get(channel, table.get("counter", 0)))
    exemption = exemption_for(config, people[0], on)
    if exemption is not None and rate:
        return Fee(0, exemption["code"], exemption.get("label"))
    return Fee(rate)
