"""Due dates in working hours: weekends, Tết, out-of-hours receipt, ½-day limits, configuration."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from validators.calendar import WorkCalendar
from validators.config import load_rules


@pytest.fixture(scope="module")
def calendar(settings) -> WorkCalendar:
    return load_rules(settings.templates_dir).calendar


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_holidays_cover_tet_and_national_days(calendar: WorkCalendar) -> None:
    for day in [
        "2027-02-05",
        "2027-02-08",
        "2027-02-10",
        "2026-04-27",
        "2026-04-30",
        "2026-05-01",
        "2026-09-01",
        "2026-09-02",
        "2027-01-01",
    ]:
        assert not calendar.is_working_day(date.fromisoformat(day)), day
    assert calendar.is_working_day(date(2027, 2, 11))  # back to work after Tết 2027
    assert calendar.is_working_day(date(2026, 8, 22))  # Saturday worked in exchange (calendar.yaml)
    assert not calendar.is_working_day(date(2026, 11, 21))  # an ordinary Saturday


def test_three_days_within_a_week(calendar: WorkCalendar) -> None:
    due = calendar.due(at("2026-11-16T10:15:00+07:00"), 3)
    assert due.counted_from == at("2026-11-16T10:15:00+07:00")
    assert due.due_at == at("2026-11-19T10:15:00+07:00")


def test_weekend_is_skipped(calendar: WorkCalendar) -> None:
    due = calendar.due(at("2026-11-18T15:40:00+07:00"), 3)  # Wednesday afternoon
    assert due.due_at == at("2026-11-23T15:40:00+07:00")  # Monday


def test_culture_day_and_weekend_in_seven_days(calendar: WorkCalendar) -> None:
    due = calendar.due(at("2026-11-16T09:30:00+07:00"), 7)
    assert due.due_at == at("2026-11-26T09:30:00+07:00")  # 21-22/11 weekend, 24/11 holiday


def test_receipt_just_before_tet_2027(calendar: WorkCalendar) -> None:
    due = calendar.due(at("2027-02-03T16:00:00+07:00"), 3)  # Wednesday before Tết (holidays 4–10/2)
    assert due.counted_from == at("2027-02-03T16:00:00+07:00")
    # 1.5 h on 3/2, then 11, 12, 15/2 (13–14 weekend): 22.5 h more ends 16:00 on 15/2
    assert due.due_at == at("2027-02-15T16:00:00+07:00")


@pytest.mark.parametrize(
    ("received", "counted_from"),
    [
        ("2026-11-16T19:45:00+07:00", "2026-11-17T07:30:00+07:00"),  # evening
        ("2026-11-14T21:47:00+07:00", "2026-11-16T07:30:00+07:00"),  # Saturday night
        ("2026-11-24T09:00:00+07:00", "2026-11-25T07:30:00+07:00"),  # on a holiday
        ("2026-11-16T12:10:00+07:00", "2026-11-16T13:30:00+07:00"),  # lunch break
        ("2026-11-16T06:00:00+07:00", "2026-11-16T07:30:00+07:00"),  # before opening
        ("2026-11-16T02:30:00+00:00", "2026-11-16T09:30:00+07:00"),  # another offset, in hours
    ],
)
def test_out_of_hours_receipt(calendar: WorkCalendar, received: str, counted_from: str) -> None:
    assert calendar.due(at(received), 1).counted_from == at(counted_from)


def test_half_day_limit(calendar: WorkCalendar) -> None:
    assert calendar.due(at("2026-11-16T08:00:00+07:00"), 0.5).due_at == at("2026-11-16T14:00:00+07:00")
    assert calendar.due(at("2026-11-20T16:00:00+07:00"), 0.5).due_at == at("2026-11-23T10:00:00+07:00")
    assert calendar.due(at("2026-11-16T07:30:00+07:00"), 0.5).due_at == at("2026-11-16T11:30:00+07:00")


def test_limit_ending_at_closing_time_stays_that_day(calendar: WorkCalendar) -> None:
    assert calendar.due(at("2026-11-16T07:30:00+07:00"), 1).due_at == at("2026-11-16T17:30:00+07:00")


def test_working_hours_between_inverts_due(calendar: WorkCalendar) -> None:
    due = calendar.due(at("2027-02-03T16:00:00+07:00"), 7)
    assert calendar.working_hours_between(due.counted_from, due.due_at) == pytest.approx(56)


def test_saturday_office_and_extra_holiday_from_config() -> None:
    config = {
        "office_hours": [["08:00", "12:00"], ["13:00", "17:00"]],
        "working_weekdays": [1, 2, 3, 4, 5, 6],
        "extra_holidays": [{"date": "2026-11-19", "name": "Nghỉ theo quyết định của tỉnh"}],
        "not_holidays": ["2026-11-24"],
    }
    calendar = WorkCalendar.from_config(config)
    due = calendar.due(at("2026-11-18T14:00:00+07:00"), 2)  # Wed; Thu is the extra holiday
    assert due.due_at == at("2026-11-21T14:00:00+07:00")  # Fri, then Saturday counts
    assert calendar.is_working_day(date(2026, 11, 24))


def test_bad_office_hours_are_refused() -> None:
    with pytest.raises(ValueError):
        WorkCalendar.from_config({"office_hours": [["17:00", "08:00"]]})
