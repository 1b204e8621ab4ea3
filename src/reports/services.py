"""The import of the office's aggregate population data (CSV or XLSX).

The whole file is checked before anything is written: a bad row names its line and problem and
nothing of that file is loaded. A period (year and semester) in the file replaces everything
stored for that period, so a corrected file can simply be imported again.
"""

import csv
import io
import re
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalogue.models import Service
from loket.errors import DomainError
from population.models import District
from population.nik import Problem
from reports.models import PopulationFigure

COLUMNS = ("year", "semester", "kecamatan_code", "document", "sex", "eligible", "owned")
OPTIONAL_COLUMNS = ("age_band",)  # may follow COLUMNS; blank = all ages
AGE_BAND = re.compile(r"^(\d{1,3})(?:-(\d{1,3})|(\+))$")
MAX_AGE = 150
MAX_PROBLEMS = 50  # enough to fix a file; a wrong file should not print 100,000 lines


@dataclass(frozen=True)
class ImportResult:
    rows: int
    periods: list[tuple[int, int]]


def population_import(*, content: bytes, filename: str) -> ImportResult:
    """Load one file of figures; raises DomainError with one problem per bad row."""
    rows = _xlsx_rows(content) if filename.lower().endswith(".xlsx") else _csv_rows(content)
    figures = _validated(rows)
    periods = sorted({(f.year, f.semester) for f in figures})
    with transaction.atomic():
        for year, semester in periods:
            PopulationFigure.objects.filter(year=year, semester=semester).delete()
        PopulationFigure.objects.bulk_create(figures, batch_size=2000)
    return ImportResult(rows=len(figures), periods=periods)


def _problem(line: int, text: str) -> Problem:
    return Problem("bad_row", _("Baris %(line)d: %(problem)s") % {"line": line, "problem": text})


def _csv_rows(content: bytes):
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DomainError(
            problems=[Problem("encoding", _("Berkas CSV harus berkode UTF-8."))]
        ) from error
    sample = text[:4096]
    # Spreadsheets saved with an Indonesian locale separate columns with semicolons.
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _xlsx_rows(content: bytes):
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
    except Exception as error:  # openpyxl raises many kinds for a file that is not XLSX
        raise DomainError(
            problems=[Problem("not_xlsx", _("Berkas bukan lembar kerja XLSX yang dapat dibaca."))]
        ) from error
    for values in sheet.iter_rows(values_only=True):
        yield ["" if value is None else _cell_text(value) for value in values]


def _cell_text(value) -> str:
    # Excel stores whole numbers typed in a cell as floats (2020.0).
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _validated(rows) -> list[PopulationFigure]:
    rows = iter(rows)
    header = [cell.strip().lower() for cell in next(rows, [])]
    while header and header[-1] == "":
        header.pop()
    if tuple(header) not in (COLUMNS, COLUMNS + OPTIONAL_COLUMNS):
        raise DomainError(
            problems=[
                Problem(
                    "bad_header",
                    _("Baris 1: judul kolom harus %(columns)s (boleh ditambah %(optional)s).")
                    % {"columns": ",".join(COLUMNS), "optional": ",".join(OPTIONAL_COLUMNS)},
                )
            ]
        )
    width = len(header)
    kecamatan = set(
        District.objects.filter(regency_id=settings.OFFICE_REGENCY_CODE).values_list(
            "code", flat=True
        )
    )
    documents = set(Service.objects.values_list("code", flat=True))
    figures, problems, seen = [], [], {}
    bands = defaultdict(list)  # the age bands seen per place, document and sex, with their lines
    now = timezone.now()
    for line, cells in enumerate(rows, start=2):
        cells = [cell.strip() for cell in cells]
        if not any(cells):
            continue  # blank lines at the end of a spreadsheet
        figure, row_problems = _parse_row(cells, kecamatan, documents, width)
        if figure:
            key = (figure.year, figure.semester, figure.kecamatan_code, figure.document, figure.sex)
            if (*key, figure.age_band) in seen:
                row_problems.append(
                    _("sama dengan baris %(line)d.") % {"line": seen[(*key, figure.age_band)]}
                )
            else:
                row_problems += _overlap(figure.age_band, bands[key])
            seen.setdefault((*key, figure.age_band), line)
            bands[key].append((figure.age_band, line))
            figure.imported_at = now
            figures.append(figure)
        problems += [_problem(line, text) for text in row_problems]
        if len(problems) >= MAX_PROBLEMS:
            break
    if problems:
        raise DomainError(problems=problems)
    if not figures:
        raise DomainError(problems=[Problem("empty", _("Berkas tidak berisi data."))])
    return figures


def _parse_row(cells, kecamatan, documents, width) -> tuple[PopulationFigure | None, list[str]]:
    if len(cells) < len(COLUMNS) or any(cells[width:]):
        return None, [_("harus ada tepat %(count)d kolom.") % {"count": width}]
    year, semester, code, document, sex, eligible, owned = cells[: len(COLUMNS)]
    band = cells[len(COLUMNS)] if width > len(COLUMNS) and len(cells) > len(COLUMNS) else ""
    problems = []
    if band and age_range(band) is None:
        problems.append(
            _("kelompok umur %(band)s harus seperti 0-4, 5-17 atau 75+ (umur 0 sampai 150).")
            % {"band": band}
        )
    year = _whole(year)
    if year is None or not 2000 <= year <= 2100:
        problems.append(_("tahun harus angka antara 2000 dan 2100."))
    if semester not in ("1", "2"):
        problems.append(_("semester harus 1 atau 2."))
    code = code.replace(".", "")
    if code and code not in kecamatan:
        problems.append(
            _("kode kecamatan %(code)s bukan kecamatan di wilayah kantor ini.") % {"code": code}
        )
    document = document.upper()
    if document not in documents:
        problems.append(_("dokumen %(code)s tidak ada dalam katalog layanan.") % {"code": document})
    sex = sex.upper()
    if sex not in ("L", "P", ""):
        problems.append(_("jenis kelamin harus L, P, atau kosong."))
    eligible, owned = _whole(eligible), _whole(owned)
    if eligible is None or eligible < 0:
        problems.append(_("jumlah wajib (eligible) harus bilangan bulat 0 atau lebih."))
    if owned is None or owned < 0:
        problems.append(_("jumlah pemilik (owned) harus bilangan bulat 0 atau lebih."))
    if problems:
        return None, problems
    figure = PopulationFigure(
        year=year,
        semester=int(semester),
        kecamatan_code=code,
        document=document,
        sex=sex,
        eligible=eligible,
        owned=owned,
        age_band=band,
    )
    return figure, []


def age_range(band: str) -> tuple[int, int] | None:
    """(first, last) age of a band such as "5-17" or "75+", or None if it is not one."""
    match = AGE_BAND.match(band)
    if not match:
        return None
    first = int(match.group(1))
    last = MAX_AGE if match.group(3) else int(match.group(2))
    return (first, last) if first <= last <= MAX_AGE else None


def _overlap(band: str, earlier: list[tuple[str, int]]) -> list[str]:
    """A band overlapping another of the same place, document and sex would count its
    residents twice (an all-ages row beside its bands is fine: the all-ages row is used)."""
    if not band:
        return []
    first, last = age_range(band)
    for other, line in earlier:
        if other and (span := age_range(other)) and first <= span[1] and span[0] <= last:
            return [
                _("kelompok umur %(band)s tumpang tindih dengan %(other)s di baris %(line)d.")
                % {"band": band, "other": other, "line": line}
            ]
    return []


def _whole(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None
