"""The dashboards over HTTP: who may see them, the coverage CSV contract, every table's CSV and
XLSX, a chart beside each table, and the upload page."""

import csv
import io

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from openpyxl import load_workbook

from applications.models import Event
from reports.models import PopulationFigure
from tests.reports.conftest import csv_bytes, local

SELATAN, TENGAH = "647105", "647104"
FIGURES = [
    (2024, 2, "", "KTP", "", 143_315, 137_101),
    (2024, 2, SELATAN, "KIA", "L", 1_000, 300),
    (2024, 2, SELATAN, "KIA", "P", 1_000, 301),
    (2024, 2, TENGAH, "KIA", "", 999, 1),
    (2024, 2, TENGAH, "KTP", "", 200, 199),
]
PAGES = ["/laporan/", "/laporan/cakupan/", "/laporan/kecamatan/", "/laporan/kartu-kurir/",
         "/laporan/kinerja/", "/laporan/cakupan/impor/"]  # fmt: skip


def csv_rows(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_coverage_csv_contract(reports_client, load_population):
    client, _officer = reports_client
    load_population(FIGURES)
    response = client.get("/laporan/cakupan.csv?year=2024&semester=2")
    assert response.status_code == 200
    assert csv_rows(response) == [
        ["document", "eligible", "owned", "percent"],
        # The office's own KTP row wins over its kecamatan rows (no double counting).
        ["KTP", "143315", "137101", "95.66"],
        # No office row for KIA: the kecamatan add up, each by sex or in total.
        ["KIA", "2999", "602", "20.07"],
    ]
    response = client.get(f"/laporan/cakupan.csv?year=2024&semester=2&kecamatan={TENGAH}")
    assert csv_rows(response)[1:] == [["KTP", "200", "199", "99.50"], ["KIA", "999", "1", "0.10"]]


def test_percent_rounds_half_up(reports_client, load_population):
    client, _officer = reports_client
    load_population([(2024, 1, "", "KK", "", 8, 1)])  # 12.5 % exactly ... and 1/1600:
    load_population([(2024, 1, "", "KK", "", 1600, 1), (2024, 1, "", "AKL", "", 8000, 1)])
    rows = csv_rows(client.get("/laporan/cakupan.csv?year=2024&semester=1"))
    assert rows[1:] == [["KK", "1600", "1", "0.06"], ["AKL", "8000", "1", "0.01"]]


def test_coverage_csv_needs_a_period(reports_client):
    client, _officer = reports_client
    assert client.get("/laporan/cakupan.csv").status_code == 400
    assert client.get("/laporan/cakupan.csv?year=2024&semester=3").status_code == 400
    empty = client.get("/laporan/cakupan.csv?year=2024&semester=1")
    assert csv_rows(empty) == [["document", "eligible", "owned", "percent"]]


@pytest.mark.parametrize("path", PAGES + ["/laporan/cakupan.csv?year=2024&semester=2"])
def test_only_reporting_officers_get_in(officer_client, resident_client, path):
    assert Client().get(path).status_code == 302  # to the officer log-in
    verifier, _user = officer_client("verifier")
    assert verifier.get(path).status_code == 403
    assert resident_client.get(path).status_code == 403
    head, _user = officer_client("head_of_section")
    assert head.get(path).status_code == 200


def test_every_dashboard_shows_a_chart_beside_each_table_and_links_its_downloads(
    reports_client, load_population, bulk_applications
):
    client, _officer = reports_client
    load_population(FIGURES)
    (card,) = bulk_applications([{"submitted_at": local(2024, 3, 4, 9),
                                  "village_id": "6471051002",
                                  "status_changed_at": local(2024, 3, 6, 9)}])  # fmt: skip
    Event.objects.create(application=card, status="printed", at=local(2024, 3, 5, 9))
    period = "date_from=2024-01-01&date_to=2024-12-31"
    for path in (
        "/laporan/cakupan/?document=KIA",
        f"/laporan/kecamatan/?{period}",
        f"/laporan/kartu-kurir/?{period}",
        f"/laporan/kinerja/?{period}",
    ):
        page = client.get(path).content.decode()
        tables = page.count('<section class="report-table"')
        assert tables >= 1
        assert page.count("<table>") == tables
        assert page.count("download>CSV</a>") == tables
        assert page.count("<canvas data-chart=") >= 1
        assert "vendor/chart.umd.min.js" in page


def test_every_table_downloads_as_csv_and_xlsx(reports_client, load_population):
    client, _officer = reports_client
    load_population(FIGURES)
    for base, tables in {
        "/laporan/cakupan": ["coverage", "targets", "by_kecamatan", "trend"],
        "/laporan/kinerja": ["per_day", "per_service", "fix_rate", "channels", "courier_share"],
        "/laporan/kartu-kurir": ["per_year", "per_month"],
        "/laporan/kecamatan": ["per_kecamatan"],
    }.items():
        for table in tables:
            query = f"year=2024&semester=2&document=KIA&table={table}"
            rows = csv_rows(client.get(f"{base}.csv?{query}"))
            response = client.get(f"{base}.xlsx?{query}")
            assert response.status_code == 200
            sheet = load_workbook(io.BytesIO(response.content)).active
            assert sheet.max_row == len(rows)  # same rows, labelled headings
    assert client.get("/laporan/cakupan.csv?year=2024&semester=2&table=nope").status_code == 404


def test_kecamatan_xlsx_has_numbers(reports_client, load_population):
    client, _officer = reports_client
    load_population(FIGURES)
    response = client.get(
        "/laporan/cakupan.xlsx?year=2024&semester=2&document=KIA&table=by_kecamatan"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:4] == ("Balikpapan Tengah", None, None, 999)
    assert rows[-1][0] == "TOTAL" and rows[-1][3] == 2999 and rows[-1][7] == pytest.approx(20.07)


def test_upload_page_loads_a_file_or_lists_its_problems(reports_client):
    client, _officer = reports_client
    bad = io.BytesIO(csv_bytes([(2024, 1, "", "KTP", "", 10, 9), (2024, 1, "", "KTP", "Z", 1, 1)]))
    bad.name = "dkb.csv"
    response = client.post("/laporan/cakupan/impor/", {"file": bad})
    assert response.status_code == 400
    assert "Baris 3: jenis kelamin harus L, P, atau kosong." in response.content.decode()
    assert not PopulationFigure.objects.exists()
    good = io.BytesIO(csv_bytes([(2024, 1, "", "KTP", "", 10, 9)]))
    good.name = "dkb.csv"
    response = client.post("/laporan/cakupan/impor/", {"file": good})
    assert response.status_code == 302
    assert PopulationFigure.objects.count() == 1


def test_the_reports_group_alone_is_enough(officer_client):
    Group.objects.get_or_create(name="reports")
    client, _user = officer_client("reports")
    assert client.get("/laporan/cakupan/").status_code == 200


def test_downloads_carry_the_filters_in_force(reports_client, load_population):
    client, _officer = reports_client
    load_population(FIGURES)
    page = client.get("/laporan/cakupan/").content.decode()  # opens on the newest semester
    assert "/laporan/cakupan.csv?year=2024&amp;semester=2&amp;table=coverage" in page
    page = client.get("/laporan/kinerja/?date_from=2024-02-01").content.decode()
    assert "/laporan/kinerja.xlsx?date_from=2024-02-01&amp;date_to=" in page


def test_a_bad_download_request_says_why_in_plain_text(reports_client):
    client, _officer = reports_client
    response = client.get("/laporan/cakupan.csv?year=2024&semester=2&kecamatan=<b>x</b>")
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "kecamatan" in response.content.decode()
