"""The population import contract: columns, a clear problem per bad row, all or nothing,
a period replaced by re-importing it, CSV and XLSX, and the management command."""

import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from loket.errors import DomainError
from reports.models import PopulationFigure
from reports.services import COLUMNS, population_import
from tests.reports.conftest import csv_bytes

SELATAN = "647105"  # Balikpapan Selatan, in the default office (Kota Balikpapan)
GOOD = [
    (2024, 1, "", "KTP", "", 1000, 900),
    (2024, 1, SELATAN, "KIA", "L", 100, 40),
    (2024, 1, SELATAN, "KIA", "P", 90, 45),
]


def stored():
    return sorted(
        PopulationFigure.objects.values_list(
            "year", "semester", "kecamatan_code", "document", "sex", "eligible", "owned"
        )
    )


def test_it_loads_a_csv(db):
    result = population_import(content=csv_bytes(GOOD), filename="dkb.csv")
    assert result.rows == 3
    assert result.periods == [(2024, 1)]
    assert stored() == sorted(GOOD)


def test_it_reads_excel_files_and_dotted_codes(db):
    book = Workbook()
    sheet = book.active
    sheet.append(list(COLUMNS))
    sheet.append([2024, 2, "64.71.05", "kk", None, 500, 450])
    sheet.append([2024.0, 2.0, None, "KTP", "", 800.0, 700])  # numbers as Excel stores them
    out = io.BytesIO()
    book.save(out)
    population_import(content=out.getvalue(), filename="DKB.XLSX")
    assert stored() == [(2024, 2, "", "KTP", "", 800, 700), (2024, 2, SELATAN, "KK", "", 500, 450)]


def test_it_reads_semicolon_separated_csv(db):
    content = b"year;semester;kecamatan_code;document;sex;eligible;owned\n2024;1;;KTP;;10;5\n"
    population_import(content=content, filename="dkb.csv")
    assert stored() == [(2024, 1, "", "KTP", "", 10, 5)]


def test_reimporting_a_period_replaces_it_and_keeps_the_others(db):
    population_import(content=csv_bytes(GOOD), filename="a.csv")
    population_import(content=csv_bytes([(2023, 2, "", "KTP", "", 5, 5)]), filename="b.csv")
    population_import(content=csv_bytes([(2024, 1, "", "KK", "", 70, 7)]), filename="c.csv")
    assert stored() == [(2023, 2, "", "KTP", "", 5, 5), (2024, 1, "", "KK", "", 70, 7)]


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ((1999, 1, "", "KTP", "", 1, 1), "Baris 3: tahun harus angka"),
        (("2024x", 1, "", "KTP", "", 1, 1), "Baris 3: tahun harus angka"),
        ((2024, 3, "", "KTP", "", 1, 1), "Baris 3: semester harus 1 atau 2."),
        ((2024, 1, "360301", "KTP", "", 1, 1), "Baris 3: kode kecamatan 360301 bukan"),
        ((2024, 1, "", "PASPOR", "", 1, 1), "Baris 3: dokumen PASPOR tidak ada"),
        ((2024, 1, "", "KTP", "X", 1, 1), "Baris 3: jenis kelamin harus L, P, atau kosong."),
        ((2024, 1, "", "KTP", "", -1, 1), "Baris 3: jumlah wajib (eligible)"),
        ((2024, 1, "", "KTP", "", 10, "9,5"), "Baris 3: jumlah pemilik (owned)"),
        ((2024, 1, "", "KTP", "", 10, 9, "extra"), "Baris 3: harus ada tepat 7 kolom."),
        ((2024, 1, "", "KTP", "", 7, 7), "Baris 3: sama dengan baris 2."),
    ],
)
def test_a_bad_row_names_its_line_and_nothing_is_loaded(db, row, problem):
    population_import(content=csv_bytes([(2024, 1, "", "KK", "", 3, 3)]), filename="old.csv")
    before = stored()
    rows = [(2024, 1, "", "KTP", "", 10, 9), row, (2024, 1, "", "AKL", "", 10, 9)]
    with pytest.raises(DomainError) as refused:
        population_import(content=csv_bytes(rows), filename="new.csv")
    assert len(refused.value.messages) == 1
    assert refused.value.messages[0].startswith(problem)
    assert stored() == before


def test_every_bad_row_is_listed(db):
    rows = [
        (2024, 1, "", "KTP", "", 10, 9),
        (2024, 5, "", "KTP", "Q", 1, 1),
        (0, 1, "", "X", "", 1, 1),
    ]
    with pytest.raises(DomainError) as refused:
        population_import(content=csv_bytes(rows), filename="new.csv")
    lines = [message.split(":")[0] for message in refused.value.messages]
    assert lines == ["Baris 3", "Baris 3", "Baris 4", "Baris 4"]


def test_a_wrong_header_is_refused(db):
    content = csv_bytes([(2024, 1, "", "KTP", "", 1, 1)], header=("tahun", "semester"))
    with pytest.raises(DomainError) as refused:
        population_import(content=content, filename="x.csv")
    assert "year,semester,kecamatan_code,document,sex,eligible,owned" in refused.value.messages[0]


def test_a_file_that_is_not_a_spreadsheet_is_refused(db):
    with pytest.raises(DomainError):
        population_import(content=b"not a zip", filename="x.xlsx")
    with pytest.raises(DomainError):
        population_import(content=b"\xff\xfe\x00y", filename="x.csv")


def test_the_command_imports_a_file(db, tmp_path):
    path = tmp_path / "dkb.csv"
    path.write_bytes(csv_bytes(GOOD))
    out = io.StringIO()
    call_command("import_population", str(path), stdout=out)
    assert "Imported 3 rows for period(s) 2024/1." in out.getvalue()
    assert stored() == sorted(GOOD)


def test_the_command_fails_with_the_problems_and_loads_nothing(db, tmp_path):
    path = tmp_path / "dkb.csv"
    path.write_bytes(csv_bytes([*GOOD, (2024, 1, "", "KTP", "", "banyak", 1)]))
    with pytest.raises(CommandError) as failed:
        call_command("import_population", str(path))
    assert "dkb.csv: nothing imported." in str(failed.value)
    assert "Baris 5: jumlah wajib (eligible)" in str(failed.value)
    assert stored() == []
