"""Promise dates: working days after the effective day, in the office's time zone."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from workdays.calendar import (
    WorkingCalendar,
    effective_day,
    is_working_day,
    national_holidays,
    promise_date_for,
)
from workdays.models import OfficeDay

pytestmark = pytest.mark.django_db

WITA = ZoneInfo("Asia/Makassar")

# An ordinary fortnight: no national holiday or cuti bersama between 2026-07-06 and 2026-07-17.
MON, TUE, WED, THU, FRI, SAT, SUN = (date(2026, 7, d) for d in range(6, 13))
NEXT_MON, NEXT_TUE, NEXT_WED = date(2026, 7, 13), date(2026, 7, 14), date(2026, 7, 15)


@pytest.fixture(autouse=True)
def office_hours(settings):
    settings.TIME_ZONE = "Asia/Makassar"
    settings.OFFICE_CLOSING_TIME = "16:00"


def at(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=WITA)


def close(day: date, reason: str = "Keputusan bupati") -> OfficeDay:
    return OfficeDay.objects.create(date=day, is_working_day=False, reason=reason)


def open_(day: date, reason: str = "Hari kerja pengganti") -> OfficeDay:
    return OfficeDay.objects.create(date=day, is_working_day=True, reason=reason)


def test_the_ordinary_fortnight_has_no_holidays():
    for offset in range(12):
        day = MON + timedelta(days=offset)
        assert day not in national_holidays(day.year)


# --- ordinary weeks -----------------------------------------------------------------------------


def test_a_monday_morning_submission_with_three_working_days_is_promised_for_thursday():
    assert promise_date_for(3, at(MON, 9)) == THU


@pytest.mark.parametrize(
    ("submitted_at", "expected"),
    [
        (at(MON, 0, 0), THU),
        (at(MON, 15, 59, 59), THU),
        (at(MON, 16, 0), FRI),  # closing time itself is too late
        (at(MON, 16, 30), FRI),
        (at(MON, 23, 59, 59), FRI),
    ],
)
def test_after_closing_time_the_effective_day_is_the_next_working_day(submitted_at, expected):
    assert promise_date_for(3, submitted_at) == expected


def test_friday_after_closing_with_one_working_day_is_promised_for_tuesday():
    assert promise_date_for(1, at(FRI, 17)) == NEXT_TUE


def test_friday_before_closing_with_one_working_day_is_promised_for_monday():
    assert promise_date_for(1, at(FRI, 10)) == NEXT_MON


@pytest.mark.parametrize("submitted_at", [at(SAT, 8), at(SAT, 20), at(SUN, 10)])
def test_a_weekend_submission_counts_from_monday(submitted_at):
    assert promise_date_for(0, submitted_at) == NEXT_MON
    assert promise_date_for(1, submitted_at) == NEXT_TUE
    assert promise_date_for(2, submitted_at) == NEXT_WED


def test_five_working_days_span_a_weekend():
    assert promise_date_for(5, at(WED, 9)) == NEXT_WED


def test_zero_working_days_is_the_effective_day_itself():
    assert promise_date_for(0, at(MON, 9)) == MON
    assert promise_date_for(0, at(MON, 17)) == TUE


def test_the_closing_time_is_read_from_settings(settings):
    settings.OFFICE_CLOSING_TIME = "14:30"

    assert promise_date_for(1, at(MON, 14, 29)) == TUE
    assert promise_date_for(1, at(MON, 14, 30)) == WED


# --- national holidays and cuti bersama ---------------------------------------------------------


def test_idul_fitri_2026_and_its_cuti_bersama_are_not_working_days():
    for day in range(18, 25):
        assert not is_working_day(date(2026, 3, day)), f"2026-03-{day}"
    assert is_working_day(date(2026, 3, 17))
    assert is_working_day(date(2026, 3, 25))


def test_the_joint_holidays_come_from_the_government_category():
    names = national_holidays(2026)

    assert "Joint Holiday" in names[date(2026, 3, 23)]
    assert "Joint Holiday" in names[date(2026, 12, 24)]


def test_a_submission_just_before_lebaran_waits_for_the_whole_holiday():
    assert promise_date_for(2, at(date(2026, 3, 17), 10)) == date(2026, 3, 26)


def test_a_submission_after_closing_just_before_lebaran_starts_after_it():
    assert promise_date_for(1, at(date(2026, 3, 17), 16, 30)) == date(2026, 3, 26)
    assert promise_date_for(0, at(date(2026, 3, 17), 16, 30)) == date(2026, 3, 25)


def test_a_submission_during_lebaran_counts_from_the_first_day_back():
    assert promise_date_for(1, at(date(2026, 3, 20), 9)) == date(2026, 3, 26)


def test_christmas_cuti_bersama_2026_is_skipped():
    # Thu 24 Dec cuti bersama, Fri 25 Dec Christmas, then the weekend.
    assert promise_date_for(1, at(date(2026, 12, 23), 10)) == date(2026, 12, 28)
    assert promise_date_for(2, at(date(2026, 12, 23), 10)) == date(2026, 12, 29)


def test_new_year_is_skipped_across_the_year_boundary():
    # 2026-12-31 is a Thursday; 2027-01-01 (Friday) is New Year's Day.
    assert promise_date_for(1, at(date(2026, 12, 31), 9)) == date(2027, 1, 4)


def test_independence_day_is_skipped():
    # 2026-08-17 is a Monday.
    assert promise_date_for(1, at(date(2026, 8, 14), 9)) == date(2026, 8, 18)


# --- the office's own calendar ------------------------------------------------------------------


def test_closing_an_ordinary_wednesday_pushes_the_promise_by_a_day():
    close(WED)

    assert promise_date_for(3, at(MON, 9)) == FRI


def test_closing_the_day_of_submission_makes_the_next_working_day_effective():
    close(MON)

    assert promise_date_for(1, at(MON, 9)) == WED


def test_opening_a_holiday_counts_it():
    open_(date(2026, 3, 18), "Cuti bersama dibatalkan untuk pelayanan")

    assert promise_date_for(1, at(date(2026, 3, 17), 10)) == date(2026, 3, 18)
    assert promise_date_for(2, at(date(2026, 3, 17), 10)) == date(2026, 3, 25)


def test_an_opened_holiday_can_be_the_effective_day():
    open_(date(2026, 3, 18))

    assert promise_date_for(0, at(date(2026, 3, 18), 9)) == date(2026, 3, 18)
    assert promise_date_for(1, at(date(2026, 3, 18), 9)) == date(2026, 3, 25)


def test_opening_a_saturday_counts_it():
    open_(SAT, "Hari kerja pengganti")

    assert promise_date_for(1, at(FRI, 10)) == SAT
    assert promise_date_for(1, at(FRI, 17)) == NEXT_MON
    assert promise_date_for(1, at(SAT, 9)) == NEXT_MON


def test_a_closed_week_is_skipped_entirely():
    for offset in range(5):
        close(NEXT_MON + timedelta(days=offset), "Pemadaman server")

    assert promise_date_for(1, at(FRI, 10)) == date(2026, 7, 20)


def test_a_closure_longer_than_a_month_is_skipped_entirely():
    # Six and a half weeks closed (e.g. a relocation): every override must count, not only those
    # in the first month after submission.
    for offset in range(45):
        close(NEXT_MON + timedelta(days=offset), "Pindah gedung")
    reopened = NEXT_MON + timedelta(days=45)  # Thursday 2026-08-27

    promised = promise_date_for(1, at(FRI, 10))

    assert is_working_day(promised)
    assert promised == reopened


def test_an_override_far_in_the_future_does_not_change_a_near_promise():
    close(date(2026, 9, 1))

    assert promise_date_for(3, at(MON, 9)) == THU


# --- is_working_day -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (MON, True),
        (WED, True),
        (FRI, True),
        (SAT, False),
        (SUN, False),
        (date(2026, 8, 17), False),  # Independence Day, a Monday
        (date(2026, 3, 23), False),  # Idul Fitri cuti bersama, a Monday
        (date(2026, 12, 24), False),  # Christmas cuti bersama, a Thursday
        (date(2026, 12, 25), False),  # Christmas Day, a Friday
        (date(2026, 1, 1), False),  # New Year's Day
        (date(2026, 1, 2), True),
    ],
)
def test_is_working_day(day, working):
    assert is_working_day(day) is working


def test_is_working_day_follows_the_office_calendar():
    close(WED)
    open_(SAT)
    open_(date(2026, 8, 17), "Upacara dan pelayanan")

    assert is_working_day(WED) is False
    assert is_working_day(SAT) is True
    assert is_working_day(date(2026, 8, 17)) is True
    assert is_working_day(THU) is True
    assert is_working_day(SUN) is False


def test_a_working_calendar_reads_the_overrides_once(django_assert_num_queries):
    close(WED)

    with django_assert_num_queries(1):
        calendar = WorkingCalendar(MON, NEXT_WED)
        assert calendar.add_working_days(MON, 5) == NEXT_TUE


# --- time zones ---------------------------------------------------------------------------------


def test_a_utc_time_before_closing_in_utc_but_after_closing_in_makassar_is_after_closing():
    submitted_at = datetime(2026, 7, 6, 8, 30, tzinfo=UTC)  # 16:30 WITA, Monday

    assert promise_date_for(3, submitted_at) == FRI


def test_a_utc_time_before_closing_in_makassar_is_before_closing():
    submitted_at = datetime(2026, 7, 6, 7, 59, tzinfo=UTC)  # 15:59 WITA, Monday

    assert promise_date_for(3, submitted_at) == THU


def test_the_day_is_the_makassar_day_not_the_utc_day():
    sunday_in_utc = datetime(2026, 7, 5, 17, 0, tzinfo=UTC)  # Monday 01:00 WITA

    assert effective_day(sunday_in_utc, WorkingCalendar(MON, NEXT_WED)) == MON
    assert promise_date_for(1, sunday_in_utc) == TUE


def test_friday_evening_in_utc_is_already_saturday_in_makassar():
    friday_in_utc = datetime(2026, 7, 10, 17, 0, tzinfo=UTC)  # Saturday 01:00 WITA

    assert promise_date_for(0, friday_in_utc) == NEXT_MON


def test_other_zones_are_converted_too():
    jakarta = ZoneInfo("Asia/Jakarta")  # WIB, an hour behind WITA
    submitted_at = datetime(2026, 7, 6, 15, 30, tzinfo=jakarta)  # 16:30 WITA

    assert promise_date_for(3, submitted_at) == FRI


# --- properties ---------------------------------------------------------------------------------


def oracle(time_limit: int, submitted_at: datetime) -> date:
    """Day by day with the public is_working_day, independent of the window arithmetic."""
    local = submitted_at.astimezone(WITA)
    day = local.date()
    if not (is_working_day(day) and local.hour < 16):
        day += timedelta(days=1)
        while not is_working_day(day):
            day += timedelta(days=1)
    for _ in range(time_limit):
        day += timedelta(days=1)
        while not is_working_day(day):
            day += timedelta(days=1)
    return day


submissions = st.datetimes(
    min_value=datetime(2025, 1, 1),  # noqa: DTZ001 - hypothesis wants naive bounds
    max_value=datetime(2027, 11, 30),  # noqa: DTZ001
    timezones=st.just(WITA),
)


@hypothesis_settings(max_examples=60, deadline=None)
@given(time_limit=st.integers(0, 20), submitted_at=submissions)
def test_the_promise_date_agrees_with_counting_day_by_day(time_limit, submitted_at):
    promised = promise_date_for(time_limit, submitted_at)

    assert promised == oracle(time_limit, submitted_at)
    assert is_working_day(promised)
    if time_limit:
        assert promised > submitted_at.date()
    assert promise_date_for(time_limit + 1, submitted_at) > promised
