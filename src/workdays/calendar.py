"""Working-day arithmetic for promise dates: one rule, used everywhere.

Not working days: Saturdays, Sundays, national holidays and cuti bersama (the `holidays`
package's "public" and "government" categories for Indonesia), and days the office closes in
its own calendar (OfficeDay). An OfficeDay can also open a day the package marks as a holiday.
"""

from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays
from django.conf import settings
from django.utils import timezone

from workdays.models import OfficeDay


@lru_cache(maxsize=64)
def national_holidays(year: int) -> dict[date, str]:
    return dict(holidays.ID(years=year, categories=("public", "government")))


class WorkingCalendar:
    """Answers "is this a working day?", loading the office's own days a window at a time."""

    CHUNK = timedelta(days=120)

    def __init__(self, start: date, end: date):
        self.overrides: dict[date, bool] = {}
        self.loaded_until = start - timedelta(days=1)
        self.loaded_from = start
        self._load(start, end)

    def _load(self, start: date, end: date) -> None:
        rows = OfficeDay.objects.filter(date__range=(start, end))
        self.overrides.update(rows.values_list("date", "is_working_day"))
        self.loaded_from = min(self.loaded_from, start)
        self.loaded_until = max(self.loaded_until, end)

    def is_working_day(self, day: date) -> bool:
        if day > self.loaded_until:  # e.g. a closure longer than the first window
            self._load(
                self.loaded_until + timedelta(days=1), max(day, self.loaded_until + self.CHUNK)
            )
        elif day < self.loaded_from:
            self._load(day, self.loaded_from - timedelta(days=1))
        if day in self.overrides:
            return self.overrides[day]
        return day.weekday() < 5 and day not in national_holidays(day.year)

    def next_working_day(self, day: date) -> date:
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def add_working_days(self, day: date, count: int) -> date:
        for _ in range(count):
            day = self.next_working_day(day)
        return day


def _window(start: date, working_days: int) -> tuple[date, date]:
    # Generous: enough calendar days for long Lebaran cuti bersama stretches.
    return start, start + timedelta(days=working_days * 2 + 30)


def closing_time() -> time:
    hours, minutes = settings.OFFICE_CLOSING_TIME.split(":")
    return time(int(hours), int(minutes))


def effective_day(submitted_at: datetime, calendar: WorkingCalendar) -> date:
    """The submission day if it is a working day and before closing time, else the next one."""
    local = timezone.localtime(submitted_at)
    day = local.date()
    if calendar.is_working_day(day) and local.time() < closing_time():
        return day
    return calendar.next_working_day(day)


def promise_date_for(time_limit_workdays: int, submitted_at: datetime) -> date:
    """The Nth working day after the effective day (N = the service's time limit)."""
    calendar = WorkingCalendar(
        *_window(timezone.localtime(submitted_at).date(), time_limit_workdays)
    )
    start = effective_day(submitted_at, calendar)
    return calendar.add_working_days(start, time_limit_workdays)


def is_working_day(day: date) -> bool:
    return WorkingCalendar(day, day).is_working_day(day)


def working_days_left(today: date, promise: date) -> int:
    """Working days after `today` up to and including `promise` (0 if it has passed)."""
    if promise <= today:
        return 0
    calendar = WorkingCalendar(today, promise)
    count, day = 0, today
    while True:
        day = calendar.next_working_day(day)
        if day > promise:
            return count
        count += 1


def resume_promise_date(workdays_left: int, resumed_at: datetime) -> date:
    """After a pause the clock restarts from the resumption's effective day (at least one day)."""
    return promise_date_for(max(workdays_left, 1), resumed_at)
