"""An officer with the reports role opens the coverage dashboard in Chromium: the chart is
drawn beside its table, and the table's CSV downloads with the contract's columns."""

import pytest
from django.contrib.auth.models import Group

from reports.services import population_import
from reports.views import REPORTS
from tests.browser.test_backoffice_walk import officer_page
from tests.conftest import make_officer
from tests.reports.conftest import csv_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_sees_coverage_chart_and_table_and_downloads_the_csv(
    browser, live_server, reference_data, tmp_path
):
    Group.objects.get_or_create(name=REPORTS)
    officer = make_officer("kasi-laporan", REPORTS)
    # Kota Gorontalo's 2020 figures (seed 002), as if imported for this office.
    population_import(
        content=csv_bytes(
            [
                (2020, 2, "", "KTP", "", 143_315, 137_101),
                (2020, 2, "", "KK", "", 61_549, 34_332),
                (2020, 2, "", "AKL", "", 65_514, 65_388),
            ]
        ),
        filename="gorontalo.csv",
    )
    page = officer_page(browser, live_server.url, officer)
    page.goto(live_server.url + "/laporan/")
    page.get_by_role("link", name="Cakupan kepemilikan dokumen").click()

    section = page.locator("#report-coverage")
    canvas = section.locator("canvas")
    canvas.wait_for()
    # Chart.js has drawn: it sizes the canvas and registers the chart on it.
    assert page.evaluate("c => Boolean(window.Chart && Chart.getChart(c))", canvas.element_handle())
    rows = section.locator("tbody tr")
    assert rows.count() == 3
    assert rows.nth(0).locator("th").inner_text() == "KTP"
    assert "95,66" in rows.nth(0).inner_text()  # Indonesian decimal comma on the page

    with page.expect_download() as download:
        section.get_by_role("link", name="CSV").click()
    saved = tmp_path / "cakupan.csv"
    download.value.save_as(saved)
    content = saved.read_text(encoding="utf-8")
    assert content.splitlines() == [
        "document,eligible,owned,percent",
        "KTP,143315,137101,95.66",
        "KK,61549,34332,55.78",
        "AKL,65514,65388,99.81",
    ]
    page.context.close()
