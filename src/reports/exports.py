"""A dashboard table, and its CSV and XLSX downloads (the same rows the page shows)."""

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import HttpResponse

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Table:
    """`columns` are (key, label): the key heads the CSV column (stable for scripts), the label
    heads the page's and the spreadsheet's column. `chart` names the label column and the
    series columns drawn beside the table."""

    key: str
    title: str
    columns: list[tuple[str, str]]
    rows: list[list]
    chart: dict = field(default_factory=dict)  # {"type": "bar", "x": key, "series": [keys]}
    note: str = ""
    downloads: dict = field(default_factory=dict)  # "csv"/"xlsx" → URL, set by the view

    @property
    def chart_id(self) -> str:
        return f"chart-{self.key}"

    def chart_data(self) -> dict:
        if not self.chart or not self.rows:
            return {}
        index = {key: i for i, (key, _label) in enumerate(self.columns)}
        labels = dict(self.columns)
        x = index[self.chart["x"]]
        return {
            "type": self.chart.get("type", "bar"),
            "stacked": self.chart.get("stacked", False),
            "labels": [str(row[x]) for row in self.rows if not _is_total(row)],
            "datasets": [
                {
                    "label": str(labels[key]),
                    "data": [_number(row[index[key]]) for row in self.rows if not _is_total(row)],
                }
                for key in self.chart["series"]
            ],
        }


def _is_total(row) -> bool:
    # A table's closing sum row would dwarf the bars it sums.
    return row and row[0] == "TOTAL"


def _number(value):
    if isinstance(value, Decimal):
        return float(value)
    return value


def cell_text(value) -> str:
    if value is None:
        return ""
    text = str(value)
    # A spreadsheet would run a cell starting with these as a formula (CSV injection).
    if text[:1] in ("=", "+", "-", "@") and not isinstance(value, int | Decimal):
        return "'" + text
    return text


def csv_response(table: Table, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    writer = csv.writer(response, lineterminator="\n")
    writer.writerow([key for key, _label in table.columns])
    for row in table.rows:
        writer.writerow([cell_text(value) for value in row])
    return response


def xlsx_response(table: Table, filename: str) -> HttpResponse:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=table.key[:31])
    sheet.append([str(label) for _key, label in table.columns])
    for row in table.rows:
        sheet.append([_xlsx_value(value) for value in row])
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def _xlsx_value(value):
    if value is None or isinstance(value, int | float | Decimal):
        return value
    return cell_text(value)


def export_response(table: Table, fmt: str, filename: str) -> HttpResponse:
    return csv_response(table, filename) if fmt == "csv" else xlsx_response(table, filename)
