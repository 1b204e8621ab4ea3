"""The seeds' tables reproduced: their figures loaded into Loket (imported aggregates, or
generated applications), the percentages computed by the reports. Printed percentages are
compared only where they agree with their own figures (seeds.PRINTED_WRONG lists the others)."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest

from applications import lifecycle
from applications.models import Application, Event
from catalogue.models import Service
from handover.models import Handover
from population.models import District, Village
from population.regions import load_villages
from reports import selectors
from reports.models import CoverageTarget
from reports.selectors import Filters
from tests.reports import seeds
from tests.reports.conftest import insert_rows, local


def figures_percent(owned: int, eligible: int) -> Decimal:
    """The check on the code's arithmetic, done the schoolbook way."""
    return (Decimal(owned) * 100 / Decimal(eligible)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def expected(seed: str, row: str, printed: str) -> Decimal:
    return Decimal(seeds.PRINTED_WRONG.get((seed, row), printed))


def test_gorontalo_ownership_against_target(load_population, settings):
    settings.OFFICE_REGENCY_CODE = seeds.GORONTALO_REGENCY
    load_population(
        [(2020, 2, "", code, "", target, owned) for code, target, owned, _p in seeds.GORONTALO]
    )
    rows = {row.document: row for row in selectors.coverage(year=2020, semester=2)}
    for code, target, owned, printed in seeds.GORONTALO:
        assert (rows[code].eligible, rows[code].owned) == (target, owned)
        assert rows[code].percent == figures_percent(owned, target)
        assert rows[code].percent == expected("002", code, printed)
    assert rows["KTP"].percent == Decimal("95.66")


def tangerang_rows():
    for code, _name, el_l, el_p, own_l, own_p, _printed in seeds.TANGERANG_KIA_2020:
        yield (2020, 2, code, "KIA", "L", el_l, own_l)
        yield (2020, 2, code, "KIA", "P", el_p, own_p)


@pytest.fixture
def tangerang(load_population, settings):
    settings.OFFICE_REGENCY_CODE = seeds.TANGERANG_REGENCY
    load_population(list(tangerang_rows()))


def test_tangerang_kia_per_kecamatan_by_sex(tangerang):
    names = dict(District.objects.filter(regency_id="3603").values_list("code", "name"))
    table = selectors.coverage_by_kecamatan(year=2020, semester=2, document="KIA")
    assert len(table) == 29 + 1
    for row, (code, name, el_l, el_p, own_l, own_p, printed) in zip(
        table, seeds.TANGERANG_KIA_2020, strict=False
    ):
        assert row.code == code
        assert row.name.upper().startswith(name)  # the seed cuts "Sepatan Timur", "Gunung Kaler"
        assert row.name == names[code]
        assert row.eligible == {"L": el_l, "P": el_p, "": el_l + el_p}
        assert row.owned == {"L": own_l, "P": own_p, "": own_l + own_p}
        assert row.percent == figures_percent(own_l + own_p, el_l + el_p) == Decimal(printed)
    total = table[-1]
    assert total.name == "TOTAL"
    assert total.eligible == {"L": 468_390, "P": 435_764, "": 904_154}
    assert total.owned == {"L": 73_020, "P": 70_838, "": 143_858}
    assert total.percent == Decimal(seeds.TANGERANG_KIA_2020_TOTAL)


def test_the_office_figure_sums_the_kecamatan_when_no_office_row_was_imported(tangerang):
    (kia,) = selectors.coverage(year=2020, semester=2)
    assert (kia.document, kia.eligible, kia.owned) == ("KIA", 904_154, 143_858)
    assert kia.percent == Decimal("15.91")
    (tigaraksa,) = selectors.coverage(year=2020, semester=2, kecamatan="360303")
    assert tigaraksa.percent == Decimal("40.99")


def test_tangerang_kia_trend_and_targets(tangerang, load_population):
    # Tabel 3 gives 2020-II for the whole kabupaten with 926,313 children where Tabel 1's
    # kecamatan add up to 904,154: importing Tabel 3 replaces that semester with its figure.
    load_population(
        [(y, s, "", "KIA", "", must, own) for y, s, must, own, _n, _p in seeds.TANGERANG_KIA_TREND]
    )
    for year, percent in seeds.TANGERANG_KIA_TARGETS.items():
        CoverageTarget.objects.create(document="KIA", year=year, percent=Decimal(percent))
    trend = selectors.coverage_trend(document="KIA")
    assert [period for period, _c in trend] == [
        f"{y}-{s}" for y, s, *_rest in seeds.TANGERANG_KIA_TREND
    ]
    for (period, row), (_y, _s, must, own, not_owned, printed) in zip(
        trend, seeds.TANGERANG_KIA_TREND, strict=True
    ):
        assert (row.eligible, row.owned, row.eligible - row.owned) == (must, own, not_owned)
        assert row.percent == figures_percent(own, must) == expected("004", period, printed)
    (kia_2022,) = selectors.coverage(year=2022, semester=2)
    assert kia_2022.percent == Decimal("41.20")
    assert selectors.coverage_targets(year=2023) == {"KIA": Decimal("90.00")}


def month_days(year: int, month: int, count: int, day: int = 15):
    """`count` moments spread over a month's office hours (the same month in local time)."""
    return [local(year, month, 1 + (i % 28), 8 + i % 8, i % 60) for i in range(count)]


def split(total: int, parts: int) -> list[int]:
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def test_balikpapan_cards_issued_and_courier_users(resident):
    ktp = Service.objects.get(code="KTP").id
    events, handovers = [], []
    for year, (first_month, cards, couriers) in seeds.BALIKPAPAN.items():
        months = list(range(first_month, 13))
        for month, n_cards, n_courier in zip(
            months, split(cards, len(months)), split(couriers, len(months)), strict=True
        ):
            moments = month_days(year, month, n_cards)
            made = insert_rows(
                Application,
                [
                    {
                        "resident_id": resident.pk,
                        "service_id": ktp,
                        "status": lifecycle.HANDED_OVER,
                        "village_id": "6471051002",
                        "submitted_at": at,
                        "status_changed_at": at,
                    }
                    for at in moments
                ],
            )
            events += [
                {"application_id": pk, "status": lifecycle.PRINTED, "at": at}
                for pk, at in zip(made, moments, strict=True)
            ]
            handovers += [
                {"application_id": pk, "kind": Handover.DELIVERED, "recipient": "warga", "at": at}
                for pk, at in zip(made[:n_courier], moments, strict=False)
            ]
    insert_rows(Event, events)
    insert_rows(Handover, handovers)
    # The courier desk's hand-over to the driver is not a delivery to the resident.
    insert_rows(Handover, [{**h, "kind": Handover.TO_DRIVER} for h in handovers[:50]])

    months = selectors.cards_and_courier(Filters(date(2020, 1, 1), date(2022, 12, 31)))
    per_year = {}
    for month, (cards, courier) in months.items():
        totals = per_year.setdefault(int(month[:4]), [0, 0])
        totals[0] += cards
        totals[1] += courier
    assert per_year == {year: [c, k] for year, (_m, c, k) in seeds.BALIKPAPAN.items()}
    assert list(months)[0] == "2020-07" and len(months) == 30
    shares = {year: selectors.percent(k, c) for year, (c, k) in per_year.items()}
    assert shares == {year: figures_percent(k, c) for year, (_m, c, k) in seeds.BALIKPAPAN.items()}
    # The study's "3-7 %" rounds the first half-year's 2.84 % up.
    assert shares == {2020: Decimal("2.84"), 2021: Decimal("4.55"), 2022: Decimal("6.88")}


def test_nunukan_ktp_applications_per_kecamatan_per_semester(bulk_applications, settings):
    settings.OFFICE_REGENCY_CODE = seeds.NUNUKAN_REGENCY
    load_villages(Village, seeds.NUNUKAN_REGENCY)
    villages = {}
    for code, district in (
        Village.objects.filter(district__regency_id="6503")
        .order_by("code")
        .values_list("code", "district_id")
    ):
        villages.setdefault(district, code)
    assert len(villages) == 21
    kecamatan = sorted(villages)
    generated = {}
    specs = []
    for semester, total in seeds.NUNUKAN.items():
        year, half = map(int, semester.split("-"))
        # Uneven shares, as real kecamatan are: weights 1..21.
        weights = range(1, 22)
        shares = [total * w // sum(weights) for w in weights]
        shares[-1] += total - sum(shares)
        for code, n in zip(kecamatan, shares, strict=True):
            generated[(code, semester)] = n
            first_month = 1 if half == 1 else 7
            specs += [
                {
                    "village_id": villages[code],
                    "channel": "whatsapp",
                    "status": "submitted",
                    "submitted_at": local(year, first_month + i % 6, 1 + i % 28, 9),
                }
                for i in range(n)
            ]
    # Other services and channels that a KTP-by-WhatsApp report must leave out.
    specs += [
        {"service": "KK", "village_id": villages[kecamatan[0]], "channel": "whatsapp",
         "submitted_at": local(2020, 3, 2, 9)},
        {"village_id": villages[kecamatan[0]], "channel": "counter",
         "submitted_at": local(2020, 3, 2, 9)},
    ]  # fmt: skip
    bulk_applications(specs)

    filters = Filters(date(2020, 1, 1), date(2021, 12, 31), service="KTP", channel="whatsapp")
    semesters, counts = selectors.applications_by_kecamatan(filters)
    assert semesters == list(seeds.NUNUKAN)
    assert {(k, s): n for k, per in counts.items() for s, n in per.items()} == generated
    for semester, total in seeds.NUNUKAN.items():
        assert sum(per[semester] for per in counts.values()) == total
    assert settings.OFFICE_REGENCY_CODE == "6503"
