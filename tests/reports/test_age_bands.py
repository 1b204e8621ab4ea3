"""Age bands in the population import (an optional eighth column, `age_band`): checked per row,
never double counted, and shown as their own table (the Tangerang KIA case: children 0-17)."""

import csv
import io

import pytest

from loket.errors import DomainError
from reports import selectors
from reports.models import PopulationFigure
from reports.services import COLUMNS, population_import
from tests.reports.conftest import csv_bytes

SELATAN, TENGAH = "647105", "647104"
HEADER = (*COLUMNS, "age_band")


def load(rows):
    return population_import(content=csv_bytes(rows, header=HEADER), filename="dkb.csv")


def test_the_age_band_column_is_optional_and_stored(db):
    load(
        [
            (2024, 1, SELATAN, "KIA", "L", 100, 40, "0-4"),
            (2024, 1, SELATAN, "KIA", "L", 90, 60, "5-17"),
        ]
    )
    population_import(content=csv_bytes([(2024, 2, "", "KTP", "", 10, 9)]), filename="old.csv")
    assert sorted(PopulationFigure.objects.values_list("semester", "age_band")) == [
        (1, "0-4"), (1, "5-17"), (2, ""),
    ]  # fmt: skip


@pytest.mark.parametrize(
    "band, problem",
    [
        ("5-3", "umur"),
        ("anak", "umur"),
        ("0-200", "umur"),
        ("-4", "umur"),
    ],
)
def test_a_bad_age_band_names_its_line(db, band, problem):
    with pytest.raises(DomainError) as refused:
        load(
            [
                (2024, 1, SELATAN, "KIA", "L", 1, 1, "0-4"),
                (2024, 1, SELATAN, "KIA", "P", 1, 1, band),
            ]
        )
    assert refused.value.messages[0].startswith("Baris 3:") and problem in refused.value.messages[0]
    assert not PopulationFigure.objects.exists()


def test_overlapping_bands_would_count_residents_twice_and_are_refused(db):
    rows = [
        (2024, 1, SELATAN, "KIA", "L", 100, 40, "0-4"),
        (2024, 1, SELATAN, "KIA", "L", 300, 90, "0-17"),
        (2024, 1, SELATAN, "KIA", "P", 300, 90, "0-17"),  # another sex: no overlap
        (2024, 1, SELATAN, "KTP", "", 50, 40, "75+"),
        (2024, 1, SELATAN, "KTP", "", 50, 40, "80+"),
    ]
    with pytest.raises(DomainError) as refused:
        load(rows)
    assert [m.split(":")[0] for m in refused.value.messages] == ["Baris 3", "Baris 6"]


def test_coverage_counts_each_resident_once_at_the_most_aggregate_level(db):
    load(
        [
            # Kecamatan Selatan: bands only, per sex.
            (2024, 1, SELATAN, "KIA", "L", 100, 40, "0-4"),
            (2024, 1, SELATAN, "KIA", "L", 300, 90, "5-17"),
            (2024, 1, SELATAN, "KIA", "P", 100, 50, "0-4"),
            (2024, 1, SELATAN, "KIA", "P", 280, 100, "5-17"),
            # Kecamatan Tengah: an all-ages row and its bands: the all-ages row counts.
            (2024, 1, TENGAH, "KIA", "", 500, 250, ""),
            (2024, 1, TENGAH, "KIA", "", 200, 100, "0-4"),
            (2024, 1, TENGAH, "KIA", "", 300, 150, "5-17"),
        ]
    )
    (kia,) = selectors.coverage(year=2024, semester=1)
    assert (kia.eligible, kia.owned) == (780 + 500, 280 + 250)
    rows = {
        r.code: r for r in selectors.coverage_by_kecamatan(year=2024, semester=1, document="KIA")
    }
    assert rows[SELATAN].eligible == {"L": 400, "P": 380, "": 780}
    assert rows[TENGAH].owned[""] == 250
    assert rows[""].eligible[""] == 1280
    trend = selectors.coverage_trend(document="KIA")
    assert [(p, c.eligible, c.owned) for p, c in trend] == [("2024-1", 1280, 530)]


def test_the_coverage_page_has_a_table_per_age_band(reports_client, db):
    client, _officer = reports_client
    load(
        [
            (2024, 1, SELATAN, "KIA", "L", 100, 40, "0-4"),
            (2024, 1, SELATAN, "KIA", "P", 100, 50, "0-4"),
            (2024, 1, SELATAN, "KIA", "L", 300, 90, "5-17"),
            (2024, 1, SELATAN, "KIA", "P", 280, 100, "5-17"),
            (2024, 1, TENGAH, "KIA", "", 200, 100, "0-4"),
        ]
    )
    page = client.get("/laporan/cakupan/?year=2024&semester=1&document=KIA")
    assert page.status_code == 200
    assert b'id="report-by_age"' in page.content
    response = client.get("/laporan/cakupan.csv?year=2024&semester=1&document=KIA&table=by_age")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "age_band", "eligible_l", "eligible_p", "eligible", "owned_l", "owned_p", "owned",
        "percent",
    ]  # fmt: skip
    # 0-4: Selatan by sex, Tengah both sexes only (so no L/P total for the office).
    assert rows[1] == ["0-4", "", "", "400", "", "", "190", "47.50"]
    assert rows[2] == ["5-17", "300", "280", "580", "90", "100", "190", "32.76"]
    only_selatan = client.get(
        f"/laporan/cakupan.csv?year=2024&semester=1&document=KIA&table=by_age&kecamatan={SELATAN}"
    )
    rows = list(csv.reader(io.StringIO(only_selatan.content.decode())))
    assert rows[1] == ["0-4", "100", "100", "200", "40", "50", "90", "45.00"]


def test_without_age_bands_there_is_no_age_table(reports_client, load_population):
    client, _officer = reports_client
    load_population([(2024, 1, SELATAN, "KIA", "L", 100, 40)])
    page = client.get("/laporan/cakupan/?year=2024&semester=1&document=KIA")
    assert b'id="report-by_age"' not in page.content
