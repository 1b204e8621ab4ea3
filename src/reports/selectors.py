"""The dashboards' figures: one function per figure set, each a few grouped queries.

Grouping happens in the database (one row per day, month or kecamatan comes back, never one per
application); only what SQL cannot know — the working-day calendar — is applied in Python to
the grouped rows.
"""

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    F,
    Func,
    IntegerField,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Substr

from applications import lifecycle
from applications.models import Application, Event, RequirementCheck
from catalogue.models import Service
from handover.models import Handover
from population.models import District
from reports.models import CoverageTarget, PopulationFigure
from reports.services import age_range
from workdays.calendar import WorkingCalendar

CARD_SERVICES = ("KTP", "KIA")  # the documents printed on a blank card (the rest on HVS paper)
CHANNELS = ("web", "whatsapp", "sms", "counter", "assisted")
HUNDRED = Decimal(100)


def percent(part: int | None, whole: int | None) -> Decimal | None:
    """part of whole in percent, rounded half-up to two decimals (None when whole is 0)."""
    if not whole or part is None:
        return None
    return (HUNDRED * part / whole).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# --- Local calendar days in SQL ---------------------------------------------------------------
# Django's own Trunc* functions run as Python callbacks per row on SQLite; these compile to the
# databases' built-in date functions, as hand-written SQL would.


def _zone_name() -> str:
    name = settings.TIME_ZONE
    if not re.fullmatch(r"[A-Za-z0-9_/+-]+", name):  # inlined in SQL below
        raise ValueError(f"unexpected TIME_ZONE {name!r}")
    return name


def _sqlite_offset() -> str:
    # Indonesian zones keep one offset all year, so a fixed modifier is exact.
    offset = datetime.now(ZoneInfo(_zone_name())).utcoffset()
    return f"{int(offset.total_seconds() // 60):+d} minutes"


class LocalDate(Func):
    """The office-local calendar day of a timestamp."""

    output_field = DateField()

    def as_sqlite(self, compiler, connection, **extra):
        template = f"date(%(expressions)s, '{_sqlite_offset()}')"
        return self.as_sql(compiler, connection, template=template, **extra)

    def as_postgresql(self, compiler, connection, **extra):
        template = f"((%(expressions)s) AT TIME ZONE '{_zone_name()}')::date"
        return self.as_sql(compiler, connection, template=template, **extra)


class LocalMonth(Func):
    """'YYYY-MM' of a timestamp in the office's zone."""

    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra):
        template = f"strftime('%%Y-%%m', %(expressions)s, '{_sqlite_offset()}')"
        return self.as_sql(compiler, connection, template=template, **extra)

    def as_postgresql(self, compiler, connection, **extra):
        template = f"to_char((%(expressions)s) AT TIME ZONE '{_zone_name()}', 'YYYY-MM')"
        return self.as_sql(compiler, connection, template=template, **extra)


# --- Filters ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """The dashboards' filters: a period of local days (inclusive) and optional codes."""

    date_from: date
    date_to: date
    kecamatan: str = ""
    service: str = ""
    channel: str = ""

    def bounds(self) -> tuple[datetime, datetime]:
        zone = ZoneInfo(_zone_name())
        start = datetime.combine(self.date_from, time.min, tzinfo=zone)
        end = datetime.combine(self.date_to + timedelta(days=1), time.min, tzinfo=zone)
        return start, end


def _applications(filters: Filters, *, prefix: str = "", services=None) -> Q:
    """The filters on applications as a Q, `prefix` being the path to the application."""
    q = Q()
    if filters.kecamatan:
        q &= Q(**{f"{prefix}village__code__startswith": filters.kecamatan})
    if filters.channel:
        q &= Q(**{f"{prefix}channel": filters.channel})
    codes = [filters.service] if filters.service else services
    if codes is not None:
        # Ids, not a join: the catalogue is a handful of rows.
        ids = list(Service.objects.filter(code__in=codes).values_list("id", flat=True))
        q &= Q(**{f"{prefix}service_id__in": ids})
    return q


def kecamatan_names() -> dict[str, str]:
    districts = District.objects.filter(regency_id=settings.OFFICE_REGENCY_CODE)
    return dict(districts.order_by("code").values_list("code", "name"))


def semester_of(month: str) -> str:
    """'2020-07' → '2020-2'."""
    year, number = month.split("-")
    return f"{year}-{1 if int(number) <= 6 else 2}"


# --- Coverage (imported population figures) ---------------------------------------------------


@dataclass(frozen=True)
class Coverage:
    document: str
    eligible: int
    owned: int

    @property
    def percent(self) -> Decimal | None:
        return percent(self.owned, self.eligible)


def _most_aggregate(rows) -> dict:
    """Per key, the figure at the most aggregate level the office imported: the office's own
    total if there is one, else the sum over kecamatan of each kecamatan's least split figures
    (all ages before age bands, both sexes before L + P). Summing every level would count the
    same residents twice."""
    best = {}  # (key, kecamatan) → ((by_age, by_sex), eligible, owned), least split preferred
    for row in rows:
        place, level = (row["key"], row["kecamatan_code"]), (row["by_age"], row["by_sex"])
        if place not in best or level < best[place][0]:
            best[place] = (level, row["eligible"], row["owned"])
    totals = {}
    for (key, kecamatan), (_level, eligible, owned) in best.items():
        if kecamatan and (key, "") in best:
            continue  # the office's own figure wins over its parts
        total = totals.setdefault(key, [0, 0])
        total[0] += eligible
        total[1] += owned
    return {key: tuple(total) for key, total in totals.items()}


def _levels(queryset, key_fields: list[str]):
    """Sums per key, kecamatan, 'both sexes' (0) vs 'per sex' (1) rows and 'all ages' (0) vs
    'per age band' (1) rows."""
    by_sex = Case(When(sex="", then=Value(0)), default=Value(1), output_field=IntegerField())
    by_age = Case(When(age_band="", then=Value(0)), default=Value(1), output_field=IntegerField())
    return (
        queryset.annotate(by_sex=by_sex, by_age=by_age)
        .values(*key_fields, "kecamatan_code", "by_sex", "by_age")
        .annotate(eligible=Sum("eligible"), owned=Sum("owned"))
    )


def coverage(*, year: int, semester: int, kecamatan: str = "") -> list[Coverage]:
    """Ownership per document for one semester, for the office or one kecamatan."""
    figures = PopulationFigure.objects.filter(year=year, semester=semester)
    if kecamatan:
        figures = figures.filter(kecamatan_code=kecamatan)
    rows = [{**row, "key": row["document"]} for row in _levels(figures, ["document"]).order_by()]
    totals = _most_aggregate(rows)
    order = {code: i for i, code in enumerate(Service.objects.values_list("code", flat=True))}
    return [
        Coverage(document, eligible, owned)
        for document, (eligible, owned) in sorted(
            totals.items(), key=lambda item: (order.get(item[0], 99), item[0])
        )
    ]


def coverage_trend(*, document: str, kecamatan: str = "") -> list[tuple[str, Coverage]]:
    """Ownership of one document in every imported semester, oldest first."""
    figures = PopulationFigure.objects.filter(document=document)
    if kecamatan:
        figures = figures.filter(kecamatan_code=kecamatan)
    rows = [
        {**row, "key": (row["year"], row["semester"])}
        for row in _levels(figures, ["year", "semester"]).order_by()
    ]
    totals = _most_aggregate(rows)
    return [
        (f"{year}-{semester}", Coverage(document, *totals[(year, semester)]))
        for year, semester in sorted(totals)
    ]


@dataclass(frozen=True)
class KecamatanCoverage:
    code: str
    name: str
    eligible: dict  # "L", "P", "" (both) → count or None
    owned: dict

    @property
    def percent(self) -> Decimal | None:
        return percent(self.owned[""], self.eligible[""])


def coverage_by_kecamatan(*, year: int, semester: int, document: str) -> list[KecamatanCoverage]:
    """One document's ownership per kecamatan and sex (the last row is the office total)."""
    rows = (
        PopulationFigure.objects.filter(year=year, semester=semester, document=document)
        .exclude(kecamatan_code="")
        .values_list("kecamatan_code", "sex", "age_band", "eligible", "owned")
    )
    by_code = _all_ages_per_sex(rows)
    names = kecamatan_names()
    result = []
    for code in sorted(by_code):
        figures = by_code[code]
        both = _both_sexes(figures)
        eligible = {sex: (figures[sex][0] if sex in figures else None) for sex in ("L", "P")}
        owned = {sex: (figures[sex][1] if sex in figures else None) for sex in ("L", "P")}
        eligible[""], owned[""] = both
        result.append(KecamatanCoverage(code, names.get(code, code), eligible, owned))
    if result:
        total = {
            key: {sex: _add(getattr(row, key)[sex] for row in result) for sex in ("L", "P", "")}
            for key in ("eligible", "owned")
        }
        result.append(KecamatanCoverage("", "TOTAL", total["eligible"], total["owned"]))
    return result


def _all_ages_per_sex(rows) -> dict[str, dict[str, tuple[int, int]]]:
    """{kecamatan → {sex → (eligible, owned)}}: the all-ages row, else the sum of its bands."""
    whole, banded = defaultdict(dict), defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for code, sex, band, eligible, owned in rows:
        if band:
            banded[code][sex][0] += eligible
            banded[code][sex][1] += owned
        else:
            whole[code][sex] = (eligible, owned)
    for code, sexes in banded.items():
        for sex, (eligible, owned) in sexes.items():
            whole[code].setdefault(sex, (eligible, owned))
    return whole


@dataclass(frozen=True)
class AgeCoverage:
    band: str
    eligible: dict  # "L", "P", "" (both) → count or None
    owned: dict

    @property
    def percent(self) -> Decimal | None:
        return percent(self.owned[""], self.eligible[""])


def coverage_by_age(
    *, year: int, semester: int, document: str, kecamatan: str = ""
) -> list[AgeCoverage]:
    """One document's ownership per age band and sex, youngest first (empty when the office
    imported no age bands): for one kecamatan, or the office's own banded figures, else the
    sum of its kecamatan's."""
    figures = PopulationFigure.objects.filter(
        year=year, semester=semester, document=document
    ).exclude(age_band="")
    if kecamatan:
        figures = figures.filter(kecamatan_code=kecamatan)
    elif figures.filter(kecamatan_code="").exists():
        figures = figures.filter(kecamatan_code="")
    places = defaultdict(dict)  # (band, kecamatan) → sex → (eligible, owned)
    rows = figures.values_list("age_band", "kecamatan_code", "sex", "eligible", "owned")
    for band, code, sex, eligible, owned in rows:
        places[(band, code)][sex] = (eligible, owned)
    per_band = defaultdict(list)
    for (band, _code), figures_by_sex in places.items():
        per_band[band].append(figures_by_sex)
    result = []
    for band in sorted(per_band, key=lambda band: age_range(band) or (0, 0)):
        parts = per_band[band]
        both = [_both_sexes(part) for part in parts]
        eligible, owned = {"": sum(b[0] for b in both)}, {"": sum(b[1] for b in both)}
        for sex in ("L", "P"):
            eligible[sex] = _add(part[sex][0] if sex in part else None for part in parts)
            owned[sex] = _add(part[sex][1] if sex in part else None for part in parts)
        result.append(AgeCoverage(band, eligible, owned))
    return result


def _both_sexes(figures: dict) -> tuple[int, int]:
    """(eligible, owned) for both sexes: the "" row if imported, else L + P."""
    return figures.get("") or _sum(figures.get("L"), figures.get("P"))


def _sum(male, female) -> tuple[int, int]:
    parts = [p for p in (male, female) if p]
    return sum(p[0] for p in parts), sum(p[1] for p in parts)


def _add(values) -> int | None:
    values = list(values)
    return None if any(v is None for v in values) else sum(values)


def coverage_targets(*, year: int) -> dict[str, Decimal]:
    return dict(CoverageTarget.objects.filter(year=year).values_list("document", "percent"))


def population_periods() -> list[tuple[int, int]]:
    """Imported (year, semester) pairs, newest first."""
    return list(
        PopulationFigure.objects.order_by("-year", "-semester")
        .values_list("year", "semester")
        .distinct()
    )


# --- Applications per kecamatan per semester ----------------------------------------------------


def applications_by_kecamatan(filters: Filters) -> tuple[list[str], dict[str, dict[str, int]]]:
    """(semesters, {kecamatan code → {semester → applications submitted}}); code '' = no desa."""
    start, end = filters.bounds()
    rows = (
        Application.objects.filter(
            _applications(filters), submitted_at__gte=start, submitted_at__lt=end
        )
        .annotate(kecamatan=Substr("village_id", 1, 6), month=LocalMonth("submitted_at"))
        .values_list("kecamatan", "month")
        .annotate(n=Count("id"))
        .order_by()
    )
    table = defaultdict(lambda: defaultdict(int))
    semesters = set()
    for kecamatan, month, n in rows:
        semester = semester_of(month)
        semesters.add(semester)
        table[kecamatan or ""][semester] += n
    return sorted(semesters), table


# --- Cards issued vs courier deliveries -----------------------------------------------------------


def cards_and_courier(filters: Filters) -> dict[str, tuple[int, int]]:
    """{'YYYY-MM' → (cards printed, cards delivered by courier)} in the period."""
    start, end = filters.bounds()
    printed = (
        Event.objects.filter(
            _applications(filters, prefix="application__", services=CARD_SERVICES),
            status=lifecycle.PRINTED,
            at__gte=start,
            at__lt=end,
        )
        .annotate(month=LocalMonth("at"))
        .values_list("month")
        .annotate(n=Count("application_id", distinct=True))  # a reprint is not a second card
        .order_by()
    )
    delivered = (
        Handover.objects.filter(
            _applications(filters, prefix="application__", services=CARD_SERVICES),
            kind=Handover.DELIVERED,
            at__gte=start,
            at__lt=end,
        )
        .annotate(month=LocalMonth("at"))
        .values_list("month")
        .annotate(n=Count("id"))
        .order_by()
    )
    months = defaultdict(lambda: [0, 0])
    for month, n in printed:
        months[month][0] = n
    for month, n in delivered:
        months[month][1] = n
    return {month: tuple(months[month]) for month in sorted(months)}


# --- Service performance ----------------------------------------------------------------------


def received_and_finished(filters: Filters) -> dict[date, tuple[int, int]]:
    """{local day → (applications submitted, applications handed over)} in the period."""
    start, end = filters.bounds()
    scope = _applications(filters)
    received = (
        Application.objects.filter(scope, submitted_at__gte=start, submitted_at__lt=end)
        .annotate(day=LocalDate("submitted_at"))
        .values_list("day")
        .annotate(n=Count("id"))
        .order_by()
    )
    finished = (
        _finished(filters, scope)
        .annotate(day=LocalDate("status_changed_at"))
        .values_list("day")
        .annotate(n=Count("id"))
        .order_by()
    )
    days = defaultdict(lambda: [0, 0])
    for day, n in received:
        days[day][0] = n
    for day, n in finished:
        days[day][1] = n
    return {day: tuple(days[day]) for day in sorted(days)}


def _finished(filters: Filters, scope: Q):
    # Handed over is final, so status_changed_at is the moment the resident got the document.
    start, end = filters.bounds()
    return Application.objects.filter(
        scope,
        status=lifecycle.HANDED_OVER,
        status_changed_at__gte=start,
        status_changed_at__lt=end,
    )


@dataclass(frozen=True)
class ServicePerformance:
    code: str
    finished: int
    on_time: int
    median_workdays: Decimal | None

    @property
    def on_time_percent(self) -> Decimal | None:
        return percent(self.on_time, self.finished)


def service_performance(filters: Filters) -> list[ServicePerformance]:
    """Per service, of the applications handed over in the period: how many by the promise date,
    and the median working days from submission to handover."""
    rows = (
        _finished(filters, _applications(filters))
        .annotate(
            submitted=LocalDate("submitted_at"),
            finished_on=LocalDate("status_changed_at"),
        )
        .values_list("service__code", "submitted", "finished_on")
        .annotate(
            n=Count("id"),
            on_time=Count("id", filter=Q(finished_on__lte=F("promise_date"))),
        )
        .order_by()
    )
    rows = list(rows)
    if not rows:
        return []
    workdays = _workday_counter(min(r[1] for r in rows), max(r[2] for r in rows))
    spans = defaultdict(list)  # service → [(working days, applications)]
    totals = defaultdict(lambda: [0, 0])
    for code, submitted, finished_on, n, on_time in rows:
        spans[code].append((workdays(submitted, finished_on), n))
        totals[code][0] += n
        totals[code][1] += on_time
    order = {code: i for i, code in enumerate(Service.objects.values_list("code", flat=True))}
    return [
        ServicePerformance(code, totals[code][0], totals[code][1], _weighted_median(spans[code]))
        for code in sorted(spans, key=lambda c: (order.get(c, 99), c))
    ]


def _workday_counter(first: date, last: date):
    """working_days(a, b): working days after day a up to and including day b."""
    calendar = WorkingCalendar(first, last)
    cumulative, running = {}, 0
    day = first
    while day <= last:
        running += calendar.is_working_day(day)
        cumulative[day] = running
        day += timedelta(days=1)
    return lambda a, b: max(cumulative[b] - cumulative[a], 0)


def _weighted_median(pairs: list[tuple[int, int]]) -> Decimal | None:
    pairs = sorted(pairs)
    total = sum(n for _value, n in pairs)
    if not total:
        return None
    # The lower and upper middle elements (equal when the count is odd).
    wanted = [(total - 1) // 2, total // 2]
    found, seen = [], 0
    for value, n in pairs:
        while wanted and wanted[0] < seen + n:
            found.append(value)
            wanted.pop(0)
        seen += n
    return (Decimal(found[0] + found[1]) / 2).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class RequirementFixRate:
    service: str
    requirement: str
    checks: int
    fixes: int

    @property
    def percent(self) -> Decimal | None:
        return percent(self.fixes, self.checks)


def fix_request_rates(filters: Filters) -> list[RequirementFixRate]:
    """Per requirement, how often the checker asked for a new file: the requirements residents
    most often get wrong come first."""
    start, end = filters.bounds()
    rows = (
        RequirementCheck.objects.filter(
            _applications(filters, prefix="application__"), at__gte=start, at__lt=end
        )
        .values_list("requirement__service__code", "requirement__name_id")
        .annotate(
            checks=Count("id"),
            fixes=Count("id", filter=Q(decision=RequirementCheck.REJECTED)),
        )
        .order_by()
    )
    result = [RequirementFixRate(*row) for row in rows]
    return sorted(result, key=lambda r: (-(r.percent or 0), -r.checks, r.service, r.requirement))


def channel_mix(filters: Filters) -> dict[str, int]:
    """Applications submitted in the period per channel (every known channel, zeros too)."""
    start, end = filters.bounds()
    rows = (
        Application.objects.filter(
            _applications(filters), submitted_at__gte=start, submitted_at__lt=end
        )
        .values_list("channel")
        .annotate(n=Count("id"))
        .order_by()
    )
    mix = dict.fromkeys(CHANNELS, 0)
    mix.update(rows)
    return mix


def courier_share(filters: Filters) -> dict[str, int]:
    """Cards and documents handed over in the period: at the counter vs delivered by courier."""
    start, end = filters.bounds()
    rows = (
        Handover.objects.filter(
            _applications(filters, prefix="application__"),
            kind__in=Handover.FINAL,
            at__gte=start,
            at__lt=end,
        )
        .values_list("kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    share = dict.fromkeys(Handover.FINAL, 0)
    share.update(rows)
    return share
