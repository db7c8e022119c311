"""Working-time arithmetic: due dates counted in working hours from receipt.

Seed 002: time limits are working days of 8 hours, counted "from the moment the dossier is received, in
working hours; outside working hours, from the next working time". Weekends and public holidays (the
`holidays` package for Vietnam, plus what `templates/calendar.yaml` adds or removes) do not count.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

import holidays

from intake.model import on_clock

MAX_SEARCH_DAYS = 3660


def _parse_time(text: str) -> time:
    hours, minutes = str(text).split(":")
    return time(int(hours), int(minutes))


def _parse_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _dates(entries: list[Any] | None) -> dict[date, str]:
    found: dict[date, str] = {}
    for entry in entries or []:
        if isinstance(entry, dict):
            found[_parse_date(entry["date"])] = str(entry.get("name", ""))
        else:
            found[_parse_date(entry)] = ""
    return found


@dataclass(frozen=True)
class DueDate:
    received_at: datetime
    counted_from: datetime
    due_at: datetime
    working_days: float


@dataclass(frozen=True)
class WorkCalendar:
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Ho_Chi_Minh"))
    periods: tuple[tuple[time, time], ...] = ((time(7, 30), time(11, 30)), (time(13, 30), time(17, 30)))
    hours_per_day: float = 8.0
    working_weekdays: frozenset[int] = frozenset({1, 2, 3, 4, 5})
    holidays_country: str | None = "VN"
    extra_holidays: dict[date, str] = field(default_factory=dict)
    not_holidays: frozenset[date] = frozenset()
    extra_working_days: frozenset[date] = frozenset()

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> WorkCalendar:
        periods = tuple((_parse_time(a), _parse_time(b)) for a, b in config.get("office_hours", []))
        if not periods or any(a >= b for a, b in periods):
            raise ValueError("calendar: office_hours must be non-empty (start, end) pairs with start < end")
        weekdays = frozenset(int(d) for d in config.get("working_weekdays", [1, 2, 3, 4, 5]))
        if not weekdays <= set(range(1, 8)) or not weekdays:
            raise ValueError("calendar: working_weekdays must be ISO weekdays 1..7")
        return cls(
            timezone=ZoneInfo(str(config.get("timezone", "Asia/Ho_Chi_Minh"))),
            periods=periods,
            hours_per_day=float(config.get("hours_per_day", 8)),
            working_weekdays=weekdays,
            holidays_country=config.get("holidays_country", "VN"),
            extra_holidays=_dates(config.get("extra_holidays")),
            not_holidays=frozenset(_dates(config.get("not_holidays"))),
            extra_working_days=frozenset(_dates(config.get("extra_working_days"))),
        )

    @cached_property
    def _public_holidays(self) -> holidays.HolidayBase | dict[date, str]:
        if not self.holidays_country:
            return {}
        return holidays.country_holidays(self.holidays_country)

    def holiday_name(self, day: date) -> str | None:
        if day in self.extra_holidays:
            return self.extra_holidays[day] or "holiday"
        if day in self.not_holidays:
            return None
        return self._public_holidays.get(day)

    def is_working_day(self, day: date) -> bool:
        if day in self.extra_working_days:
            return True
        if self.holiday_name(day) is not None:
            return False
        return day.isoweekday() in self.working_weekdays

    def _localise(self, moment: datetime) -> datetime:
        return on_clock(moment, self.timezone)

    def _day_periods(self, day: date) -> list[tuple[datetime, datetime]]:
        return [
            (datetime.combine(day, start, self.timezone), datetime.combine(day, end, self.timezone))
            for start, end in self.periods
        ]

    def next_working_time(self, moment: datetime) -> datetime:
        """The first working instant at or after `moment` (receipt out of hours counts from here)."""
        moment = self._localise(moment)
        day = moment.date()
        for _ in range(MAX_SEARCH_DAYS):
            if self.is_working_day(day):
                for start, end in self._day_periods(day):
                    if moment < end:
                        return max(moment, start)
            day += timedelta(days=1)
        raise ValueError("calendar: no working time within ten years")

    def add_working_hours(self, moment: datetime, hours: float) -> datetime:
        """The instant `hours` working hours after `moment` (ending exactly at a period's end stays there)."""
        remaining = timedelta(hours=hours)
        current = self.next_working_time(moment)
        if remaining <= timedelta(0):
            return current
        day = current.date()
        for _ in range(MAX_SEARCH_DAYS):
            if self.is_working_day(day):
                for start, end in self._day_periods(day):
                    if end <= current:
                        continue
                    begin = max(start, current)
                    available = end - begin
                    if remaining <= available:
                        return begin + remaining
                    remaining -= available
                    current = end
            day += timedelta(days=1)
        raise ValueError("calendar: no working time within ten years")

    def working_hours_between(self, start: datetime, end: datetime) -> float:
        """Working hours elapsed between two instants (0 when end is not after start)."""
        start, end = self._localise(start), self._localise(end)
        total = timedelta(0)
        day = start.date()
        while day <= end.date():
            if self.is_working_day(day):
                for p_start, p_end in self._day_periods(day):
                    lo, hi = max(p_start, start), min(p_end, end)
                    if hi > lo:
                        total += hi - lo
            day += timedelta(days=1)
        return total.total_seconds() / 3600.0

    def due(self, received_at: datetime, working_days: float) -> DueDate:
        received = self._localise(received_at)
        counted_from = self.next_working_time(received)
        due_at = self.add_working_hours(counted_from, working_days * self.hours_per_day)
        return DueDate(received, counted_from, due_at, float(working_days))
